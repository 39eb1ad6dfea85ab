"""What links two levels, in one place: the derived master's record of its parent, task hashes,
the mapping of a child's task ids to the parent's, and the coverage sheet's rows.

Both directions and the parent's merge ask here (``derive``, ``export``, ``returns.read``), so
a task hash or a coverage column is worked out one way only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from sheetsync.core import schema

RECORD_KIND = "derived_master"
# the record's keys (Master.parent): the level above, who we are there, and each parent task's hash
RECORD_KEYS = ("kind", "parent_fingerprint", "parent_region", "parent_plan", "parent_period", "unit", "unit_id",
               "derived_from", "derived_at", "lead_days", "tasks")
DEFAULT_LEAD_DAYS = 5
SPLIT_SUFFIX = re.compile(r"^(?P<parent>.+?)-\d+$")  # 四.(二).3-1 → 四.(二).3


def task_hash(task_id: str, title: str, content: str) -> str:
    """One task's text as :meth:`Master.fingerprint` hashes it: a changed title or content
    changes it; deadlines and units do not (re-assigning does not make the child stale)."""
    h = hashlib.sha256()
    for part in (task_id, title, content):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def encode_tasks(rows: list[tuple[str, str, str]]) -> str:
    """``id|hash|计量单位`` per line: the record's ``tasks`` value (a tab would not survive a cell)."""
    return "\n".join("|".join(r) for r in rows)


def decode_tasks(text: str) -> dict[str, tuple[str, str]]:
    """Parent task id → (hash at derivation, 计量单位) from the record's ``tasks`` value."""
    out: dict[str, tuple[str, str]] = {}
    for line in (text or "").split("\n"):
        parts = line.split("|")
        if parts and parts[0]:
            out[parts[0]] = (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")
    return out


def parent_of(task_id: str, parent_id: str, known: set[str]) -> str:
    """The parent task a child task reports into: its 上级任务编号, else its own id when the
    parent has it, else the id before a ``-N`` split suffix when the parent has that; "" = own work."""
    if parent_id:
        return parent_id
    if task_id in known:
        return task_id
    m = SPLIT_SUFFIX.match(task_id)
    return m.group("parent") if m and m.group("parent") in known else ""


def level_word(region: str, lang: str = "zh") -> str:
    """本镇 / 本乡 / 本街道 / 本县 / 本区 / 本市 from the region's name, else 本级 (English: the name)."""
    if lang == "en":
        return region or "This level"
    for suffix in ("街道", "镇", "乡", "县", "区", "市", "省"):
        if region.endswith(suffix):
            return "本" + suffix
    return "本级"


@dataclass
class Coverage:
    """One row of a return's coverage sheet: how complete the child's figure for a parent task is."""

    task_id: str
    expected: int = 0
    reported: int = 0
    done: int = 0
    lagging: int = 0
    missing: list[str] = field(default_factory=list)
    child_fingerprint: str = ""
    generated: str = ""
    sub_units: list[str] = field(default_factory=list)
    nested: str = ""  # incomplete coverage further below ("示例镇 10/12"), carried upward
    task_hash: str = ""
    child_period: str = ""
    period_mapped: str = ""
    written: str = ""

    @property
    def ratio(self) -> str:
        return f"{self.reported}/{self.expected}"

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected and not self.nested

    def cells(self) -> list[Any]:
        out: list[Any] = []
        for lab in schema.COVERAGE_COLUMNS:
            v = getattr(self, lab.key)
            out.append("、".join(v) if isinstance(v, list) else v)
        return out

    def to_json(self) -> dict[str, Any]:
        return {lab.key: getattr(self, lab.key) for lab in schema.COVERAGE_COLUMNS}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Coverage:
        return cls(**{lab.key: d[lab.key] for lab in schema.COVERAGE_COLUMNS if lab.key in d})


def _names(text: str) -> list[str]:
    return [n for n in re.split(r"[、,，;；\n]+", text or "") if n.strip()]


def _int(v: Any) -> int:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return 0


def coverage_from_rows(rows: list[list[Any]]) -> list[Coverage]:
    """The coverage sheet's rows (header first, any language) → one :class:`Coverage` per task."""
    from sheetsync.core.textnorm import norm_key, value_text

    if not rows:
        return []
    header = [norm_key(value_text(v)) for v in rows[0]]
    pos: dict[str, int] = {}
    for lab in schema.COVERAGE_COLUMNS:
        for name in (lab.zh, lab.en):
            if norm_key(name) in header:
                pos[lab.key] = header.index(norm_key(name))
                break
    if "task_id" not in pos:
        return []
    out = []
    for row in rows[1:]:
        def get(key: str, row: list[Any] = row) -> str:
            i = pos.get(key)
            return value_text(row[i]) if i is not None and i < len(row) else ""

        tid = get("task_id")
        if not tid:
            continue
        out.append(Coverage(tid, _int(get("expected")), _int(get("reported")), _int(get("done")), _int(get("lagging")),
                            _names(get("missing")), get("child_fingerprint"), get("generated"), _names(get("sub_units")),
                            get("nested"), get("task_hash"), get("child_period"), get("period_mapped"), get("written")))
    return out
