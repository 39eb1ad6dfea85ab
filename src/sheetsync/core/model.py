"""The small data model every stage shares: a master is tasks, units, phases and settings.

Objects keep the text as written (``lead`` may be a group word such as 各乡镇(街道)); resolving
names against the unit registry is :mod:`sheetsync.core.units`' job, so a mistake in the master is
a finding with a location, never a silent rewrite. ``row`` fields remember where an object was
read so findings can point at ``sheet!cell``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass
class Finding:
    """A problem found in a file, with where it is and what to do about it."""

    code: str
    severity: Severity
    message: str
    sheet: str = ""
    cell: str = ""
    file: str = ""
    suggestions: list[str] = field(default_factory=list)

    @property
    def location(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or self.cell)
        return where

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        """The inverse of :meth:`to_json` (ledger records, parser children); missing keys default."""
        return cls(str(d.get("code", "")), d.get("severity", "info"), str(d.get("message", "")),
                   str(d.get("sheet", "")), str(d.get("cell", "")), str(d.get("file", "")),
                   [str(s) for s in d.get("suggestions", [])])


@dataclass
class Unit:
    name: str
    aliases: list[str] = field(default_factory=list)
    category: str = ""  # key of schema.UNIT_CATEGORIES ("" = not given)
    groups: list[str] = field(default_factory=list)  # group words that include this unit
    contact: str = ""
    phone: str = ""
    email: str = ""
    inferred: bool = False  # category guessed from the name (plan import), not stated
    row: int | None = None


@dataclass
class Task:
    id: str
    title: str
    content: str = ""
    lead: str = ""  # as written: a unit name, alias or group word
    co_units: list[str] = field(default_factory=list)  # as written
    deadline: str = ""  # as written; see sheetsync.core.dates.parse_deadline
    indicator: str = ""
    target: float | None = None
    # the comparison a reported value must satisfy (sheetsync.core.targets): ">=" for 不少于2 or a
    # bare 2, "<=" for ≤5 / 不超过5 / 控制在5%以内, "<" for 低于5
    target_op: str = ">="
    target_unit: str = ""
    note: str = ""
    row: int | None = None
    # a master derived from the level above (sheetsync.levels.derive): the parent task this task
    # reports into (a split task 3-1, 3-2 keeps its parent's id), our role and deadline there
    parent_id: str = ""
    parent_role: str = ""
    parent_deadline: str = ""

    @property
    def responsible(self) -> list[str]:
        return ([self.lead] if self.lead else []) + list(self.co_units)


@dataclass
class Phase:
    name: str
    start: date | None = None
    end: date | None = None
    note: str = ""
    row: int | None = None


@dataclass
class Master:
    tasks: list[Task] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)  # keys of schema.SETTING_KEYS
    path: Path | None = None
    # problems met while reading (missing sheet, bad header); check_master adds its own
    findings: list[Finding] = field(default_factory=list)
    # where each sheet/column was found: sheet key -> (sheet title, header row, {column key: column index 1-based})
    layout: dict[str, tuple[str, int, dict[str, int]]] = field(default_factory=dict)
    setting_rows: dict[str, int] = field(default_factory=dict)  # setting key -> its row in 设置, for findings
    # a derived master's hidden record of the level above (sheetsync.levels.derive): key -> text
    parent: dict[str, str] = field(default_factory=dict)

    def setting(self, key: str, default: str = "") -> str:
        return (self.settings.get(key) or default).strip()

    @property
    def region(self) -> str:
        return self.setting("region")

    @property
    def plan_name(self) -> str:
        return self.setting("plan")

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def fingerprint(self) -> str:
        """Hash of task ids and texts: a return made from another version of the tasks differs.

        Unit lists, deadlines and settings are left out on purpose: re-assigning a co-unit
        or moving a deadline does not make the returns already sent out stale.
        """
        h = hashlib.sha256()
        for t in sorted(self.tasks, key=lambda t: t.id):
            for part in (t.id, t.title, t.content):
                h.update(part.encode("utf-8"))
                h.update(b"\x1f")
            h.update(b"\x1e")
        return h.hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        def enc(obj: Any) -> Any:
            d = asdict(obj)
            for k, v in d.items():
                if isinstance(v, date):
                    d[k] = v.isoformat()
            d.pop("row", None)
            return d

        return {
            "settings": dict(self.settings),
            "tasks": [enc(t) for t in self.tasks],
            "units": [enc(u) for u in self.units],
            "phases": [enc(p) for p in self.phases],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Master:
        """The inverse of :meth:`to_json` (how a master is handed to a worker process)."""

        def dates(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
            return {k: (date.fromisoformat(v) if k in keys and v else v) for k, v in obj.items()}

        return cls(settings=dict(d.get("settings", {})),
                   tasks=[Task(**t) for t in d.get("tasks", [])],
                   units=[Unit(**u) for u in d.get("units", [])],
                   phases=[Phase(**dates(p, "start", "end")) for p in d.get("phases", [])])
