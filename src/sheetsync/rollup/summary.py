"""The roll-up's own machine-readable summary: what later stages read instead of its headers.

A roll-up workbook is written for people, in their language (总览 / Overview, 缺口清单 / Gaps);
re-reading its headers made the upward mail find 269 gaps in a Chinese roll-up and 0 in the same
roll-up written in English. So the writer also stores this summary — language-neutral keys
(status and gap keys, not labels) — in a very hidden sheet, as returns carry their ``_sheetsync``
metadata, and mail, the ribbon and later stages (scoring, circulars, the next level's return)
read it back with :func:`read_summary`.

Storage (docs/formats.md): the very hidden sheet ``_sheetsync`` (:data:`schema.META_SHEET`) holds
key | value rows: ``kind`` = ``rollup_summary``, ``format_version``, ``encoding`` =
``zlib+base64``, ``chunks``, ``sha256`` (of the JSON bytes), then one ``data`` row per chunk of
the deflated, base64-encoded JSON, each under Excel's 32,767-character cell limit. The JSON's
tables are column-major with repeated keys coded (format 2, :func:`_table`; format 1 is still read). Base64 text is
plain ASCII with no spaces, so neither Excel nor LibreOffice changes it on save (no ``_xHHHH_``
escapes, no trimmed whitespace), and a city roll-up's summary stays a few megabytes.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sheetsync.core import schema
from sheetsync.core.errors import FileUnusable, SheetsyncError
from sheetsync.i18n import t

if TYPE_CHECKING:
    from sheetsync.rollup.compute import Rollup

FORMAT_VERSION = 2  # 2: tables column-major, repeated keys coded (1 is still read)
KIND = "rollup_summary"
ENCODING = "zlib+base64"
ZLIB_LEVEL = 6
CHUNK_CHARS = 32_000  # below Excel's 32,767 characters per cell
MAX_FILE_BYTES = 512 * 1024 * 1024  # a roll-up bigger than this is not ours
MAX_CHUNKS = 4096  # 131 MB of base64
MAX_JSON_BYTES = 512 * 1024 * 1024  # inflated JSON
HEADLINE_KEYS = ("units_expected", "units_reported", "units_missing", "tasks", "done", "in_progress", "lagging",
                 "overdue", "not_started", "ongoing", "not_reported", "completion_rate", "files")
GAP_ORDER = ("not_reported", "overdue", "no_unit", "blank", "lagging", "below_target", "problem", "sub_incomplete")


@dataclass
class SummaryUnit:
    name: str
    email: str = ""
    reported: bool = False
    file: str = ""
    received_at: str = ""
    superseded: int = 0
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    blank: int = 0
    problems: int = 0
    findings: int = 0
    reporter: str = ""
    phone: str = ""
    late_days: int | None = None  # working days after 报送截止日期 (0 on time, None: not judged)

    @property
    def unit(self) -> str:
        """Same name as :class:`rollup.compute.UnitLine`'s, so front-ends print either."""
        return self.name

    @property
    def completion(self) -> float:
        """Done tasks in percent, as the 单位报送 sheet shows it."""
        return round(100.0 * self.done / self.tasks, 1) if self.tasks else 0.0


@dataclass
class SummaryTask:
    id: str
    title: str = ""
    lead: str = ""
    assignments: list[list[str]] = field(default_factory=list)  # [unit, role] (role: lead | co)
    deadline: str = ""  # as the master writes it
    due: str = ""  # ISO date, "" when the deadline is not a date
    status: str = ""  # aggregated status key, or not_reported
    overdue: bool = False
    progress: float | None = None
    value_sum: float | None = None
    target: float | None = None
    target_unit: str = ""
    indicator: str = ""
    units_expected: int = 0
    units_reported: int = 0
    parent_id: str = ""  # 上级任务编号 of a derived master's task (sheetsync.levels)
    coverage: str = ""  # 下级覆盖 as the 任务进度 sheet shows it ("10/12"), "" without returns from below

    @property
    def headline_status(self) -> str:
        return "overdue" if self.overdue else self.status


@dataclass
class SummaryGap:
    type: str  # key of rollup.compute.GAP_TYPES
    severity: str  # high | medium
    task_id: str = ""
    title: str = ""
    unit: str = ""
    detail: str = ""  # text in the roll-up's language

    @property
    def task_title(self) -> str:
        """Same name as :class:`rollup.compute.Gap`'s."""
        return self.title


@dataclass
class SummaryDetail:
    task_id: str
    unit: str
    role: str
    reported: bool = False  # the unit's return has a row for the task
    status: str = ""  # status key, "" when blank
    progress: float | None = None
    value: float | None = None
    progress_text: str = ""
    problems: str = ""
    next_steps: str = ""
    evidence: str = ""
    file: str = ""  # the unit's current return ("" when it sent none)
    coverage: str = ""  # reported/expected below this unit for this task ("10/12"), when its return was exported
    coverage_nested: str = ""  # incomplete coverage further below it ("示例村 3/4")


@dataclass
class SummaryFile:
    file: str
    unit: str = ""
    outcome: str = ""  # accepted | warnings | rejected | duplicate | skipped
    received_at: str = ""
    used: bool = False


_T = TypeVar("_T")

# Columns stored as codes into a list of their distinct values: the keys and names of the two big
# tables (a city has 120,000 details and ~100,000 gaps), which repeat on every row as the same
# objects, and each task's assignments (tasks of one 牵头/配合 text share them; 各成员单位 is 300
# units for every task of a city). Not typed text: coding a column of distinct strings costs the
# encoder's time again (measured), and that is the time this saves.
_CODED: dict[str, tuple[str, ...]] = {
    "details": ("task_id", "unit", "role", "status", "file"),
    "gaps": ("type", "severity", "task_id", "title", "unit", "detail"),
    "tasks": ("assignments",),
}


class _Blank(tuple):  # type: ignore[type-arg]
    """A column whose None means "" (a row's blank status): coded as it is, "" in the values."""


def _code(items: Sequence[Any]) -> tuple[list[int], list[Any]]:
    """(codes, distinct values in order of first appearance) of a column of texts or of lists of
    [unit, role] lists (compared by value; the same list object is converted once)."""
    keys: Sequence[Any] = items
    if items and isinstance(items[0], list):
        by_id: dict[int, Any] = {}  # items keeps every list alive, so ids are not reused meanwhile
        keys = []
        for v in items:
            k = by_id.get(id(v))
            if k is None:
                k = by_id[id(v)] = tuple(map(tuple, v))
            keys.append(k)
    first = dict(zip(keys, items))  # key -> its value, in order of first appearance
    codes = {k: i for i, k in enumerate(first)}
    values = list(first.values())
    if isinstance(items, _Blank):
        values = ["" if v is None else v for v in values]
    return list(map(codes.__getitem__, keys)), values


def _table(name: str, columns: dict[str, Sequence[Any]]) -> dict[str, Any]:
    """Column-major JSON (format 2): ``columns`` (names), ``n`` (rows), ``data`` (one list per
    column) and ``values`` (for a column coded by :data:`_CODED`: its distinct values, which its
    list in ``data`` indexes).

    Why column-major and coded: the encoder's cost is per value and per list, so 120,000 row lists
    of twelve values cost about twice their twelve columns, and a code costs less than the
    string it stands for.
    """
    coded = _CODED.get(name, ())
    data, values = [], {}
    for col, items in columns.items():
        if col in coded:
            codes, values[col] = _code(items)
            data.append(codes)
        else:
            data.append(items if isinstance(items, list) else list(items))
    n = len(data[0]) if data else 0
    return {"columns": list(columns), "n": n, "values": values, "data": data}


def _columns(items: list[Any], cls: type) -> dict[str, list[Any]]:
    return {f.name: [getattr(it, f.name) for it in items] for f in fields(cls)}


def _transpose(cls: type, rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    names = [f.name for f in fields(cls)]
    cols = [list(c) for c in zip(*rows)] if rows else [[] for _ in names]
    return dict(zip(names, cols))


def _untable(data: Any, cls: type[_T], where: str) -> list[_T]:
    """Items back from :func:`_table` (or format 1's ``rows``); columns unknown to this version are
    ignored, missing ones default."""
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
        raise ValueError(where)
    known = {f.name for f in fields(cls)}
    cols = [c if c in known else None for c in data["columns"]]
    if isinstance(data.get("rows"), list):  # format 1: one list per row
        rows: Any = data["rows"]
        if not all(isinstance(row, list) for row in rows):
            raise ValueError(where)
    else:
        n, lists, values = data.get("n"), data.get("data"), data.get("values") or {}
        if (not isinstance(n, int) or not isinstance(lists, list) or len(lists) != len(cols)
                or not isinstance(values, dict)
                or not all(isinstance(x, list) and len(x) == n for x in lists)):
            raise ValueError(where)
        lists = list(lists)
        for i, c in enumerate(data["columns"]):
            if c in values:
                distinct = values[c]
                if not isinstance(distinct, list) or not all(type(k) is int and 0 <= k < len(distinct) for k in lists[i]):
                    raise ValueError(f"{where}.{c}")
                if any(isinstance(v, list) for v in distinct):  # assignments: each task its own lists
                    lists[i] = [[list(p) if isinstance(p, list) else p for p in distinct[k]]
                                if isinstance(distinct[k], list) else distinct[k] for k in lists[i]]
                else:
                    lists[i] = [distinct[k] for k in lists[i]]
        rows = zip(*lists) if lists else [()] * n
    names = [f.name for f in fields(cls)]
    if cols == names:
        return [cls(*row) for row in rows]
    return [cls(**{c: v for c, v in zip(cols, row) if c is not None}) for row in rows]


def _num(x: float | None) -> float | None:
    return None if x is None or x != x else float(x)


def _nums(xs: Sequence[Any]) -> list[float | None]:
    """:func:`_num` of each; a float that is a number (nearly all) is taken as it is."""
    return [x if type(x) is float and x == x else _num(x) for x in xs]


def _dumps(doc: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON. orjson: the roll-up of a city (120,000 detail rows) is encoded on the
    merge's critical path, and the standard encoder takes several times longer; a value that is
    not finite is written as null (it is no number a reader could use)."""
    import orjson

    return orjson.dumps(doc)


def rollup_json(rollup: Rollup, *, master_fingerprint: str = "") -> dict[str, Any]:
    """The summary of ``rollup`` as :meth:`RollupSummary.to_json` gives it, built column by column
    straight from the roll-up (no object per row): what ``write_rollup`` stores.

    :meth:`RollupSummary.from_rollup` is this, read back, so the two cannot differ.
    """
    from sheetsync.rollup.compute import GAP_TYPES

    units = _transpose(SummaryUnit, [
        (u.unit, u.email, u.reported, Path(u.file).name if u.file else "", u.received_at, u.superseded, u.tasks,
         u.done, u.overdue, u.blank, u.problems, u.findings, u.reporter, u.phone, u.late_days) for u in rollup.units])
    # tasks of one 牵头/配合 text have the same assignments: one list for them all (a county's
    # 400 tasks may all name 各成员单位, 300 units each), which _code then converts once
    shared: dict[tuple[str, tuple[str, ...]], list[list[str]]] = {}

    def assigned(tl: Any) -> list[list[str]]:
        key = (tl.task.lead, tuple(tl.task.co_units))
        out = shared.get(key)
        if out is None:
            out = shared[key] = [[u, r] for u, r in tl.assignments]
        return out

    tasks = _transpose(SummaryTask, [
        (tl.task.id, tl.task.title, tl.lead, assigned(tl), tl.task.deadline,
         tl.due.isoformat() if tl.due else "", tl.status, tl.overdue, _num(tl.progress), _num(tl.value_sum),
         _num(tl.task.target), tl.task.target_unit, tl.task.indicator, tl.units_expected, tl.units_reported,
         tl.task.parent_id, tl.coverage)
        for tl in rollup.tasks])
    gs = rollup.gaps
    gaps = {"type": [g.type for g in gs], "severity": [GAP_TYPES[g.type] for g in gs],
            "task_id": [g.task_id for g in gs], "title": [g.task_title for g in gs], "unit": [g.unit for g in gs],
            "detail": [g.detail for g in gs]}
    # columns taken apart by zip/map in C: 120,000 pairs, most of them a row each
    d_tasks, d_units, d_roles, rows, d_files = zip(*rollup.details) if rollup.details else ((),) * 5
    # one column at a time by attrgetter in C (zip(*rows) over 120,000 rows of seven costs far more)
    filled = [_NO_ROW if r is None else r for r in rows]  # a unit that sent nothing: a blank row
    status, progress, value, text, problems, next_steps, evidence = (
        list(map(attrgetter(f), filled)) for f in
        ("status", "progress", "value", "progress_text", "problems", "next_steps", "evidence"))
    names = {f: Path(f).name if f else "" for f in set(d_files)}
    details = {
        "task_id": list(map(attrgetter("id"), d_tasks)), "unit": d_units, "role": d_roles,
        "reported": [r is not None for r in rows], "status": _Blank(status), "progress": _nums(progress),
        "value": _nums(value), "progress_text": text, "problems": problems, "next_steps": next_steps,
        "evidence": evidence, "file": list(map(names.__getitem__, d_files)),
        **_coverage_columns(rollup, d_tasks, d_units),
    }
    files = _transpose(SummaryFile, [(Path(f.file).name, f.unit, f.outcome, f.received_at, f.used)
                                     for f in rollup.files])
    as_of = rollup.as_of.isoformat() if isinstance(rollup.as_of, date) else str(rollup.as_of)
    generated = (rollup.generated.isoformat(sep=" ") if isinstance(rollup.generated, datetime)
                 else str(rollup.generated))
    return _document(
        region=rollup.region, plan=rollup.plan, period=rollup.period,
        period_key=str(getattr(rollup, "period_key", "") or rollup.period), as_of=as_of, generated=generated,
        master_fingerprint=master_fingerprint or str(getattr(rollup, "master_fingerprint", "") or ""),
        counts=dict(rollup.headline()), units=units, tasks=tasks, gaps=gaps, details=details, files=files,
        derived=dict(getattr(rollup, "derived", {}) or {}))


class _NoRow:
    """The detail fields of a unit that sent no return for the task."""

    status = progress = value = None
    progress_text = problems = next_steps = evidence = ""


_NO_ROW = _NoRow()


def _coverage_columns(rollup: Rollup, d_tasks: Sequence[Any], d_units: Sequence[Any]) -> dict[str, list[str]]:
    """The details' coverage and coverage_nested columns (sheetsync.levels): blank unless a unit's
    return was exported from its own roll-up."""
    cov = getattr(rollup, "coverage", None) or {}
    if not cov:
        blank = [""] * len(d_units)
        return {"coverage": blank, "coverage_nested": blank}
    found = [cov.get((tk.id, u)) for tk, u in zip(d_tasks, d_units)]
    return {"coverage": [c.ratio if c else "" for c in found], "coverage_nested": [c.nested if c else "" for c in found]}


def _document(*, version: int = FORMAT_VERSION, counts: dict[str, Any], units: dict[str, Sequence[Any]],
              tasks: dict[str, Sequence[Any]], gaps: dict[str, Sequence[Any]], details: dict[str, Sequence[Any]],
              files: dict[str, Sequence[Any]], derived: dict[str, str] | None = None, **text: str) -> dict[str, Any]:
    """The JSON document: the one layout for :func:`rollup_json` and :meth:`RollupSummary.to_json`."""
    return {"kind": KIND, "version": version, **{k: text[k] for k in _TEXT_KEYS}, "counts": dict(counts),
            "units": _table("units", units), "tasks": _table("tasks", tasks), "gaps": _table("gaps", gaps),
            "details": _table("details", details), "files": _table("files", files), "derived": dict(derived or {})}


_TEXT_KEYS = ("region", "plan", "period", "period_key", "as_of", "generated", "master_fingerprint")


def summary_json_bytes(rollup: Rollup, *, master_fingerprint: str = "") -> bytes:
    """:func:`rollup_json` as the UTF-8 JSON the sheet stores (the encoder holds the GIL: the writer
    calls this on its own thread and packs the bytes with :func:`pack` on another)."""
    return _dumps(rollup_json(rollup, master_fingerprint=master_fingerprint))


def pack(raw: bytes, version: int = FORMAT_VERSION) -> list[tuple[str, str]]:
    """The key | value rows of the ``_sheetsync`` sheet for the JSON bytes ``raw`` (see the module
    docstring). zlib and sha256 release the GIL, so this runs well beside other Python work."""
    packed = base64.b64encode(zlib.compress(raw, ZLIB_LEVEL)).decode("ascii")
    chunks = [packed[i:i + CHUNK_CHARS] for i in range(0, len(packed), CHUNK_CHARS)] or [""]
    return [("kind", KIND), ("format_version", str(version)), ("encoding", ENCODING),
            ("chunks", str(len(chunks))), ("sha256", hashlib.sha256(raw).hexdigest()),
            *(("data", c) for c in chunks)]


@dataclass
class RollupSummary:
    """What a roll-up says, by key, in any language: built by :meth:`from_rollup`, stored by
    ``write_rollup``, read back by :func:`read_summary`."""

    region: str = ""
    plan: str = ""
    period: str = ""  # as the clerk typed it (display)
    period_key: str = ""  # canonical key when the roll-up has one, else the typed text
    as_of: str = ""  # ISO date
    generated: str = ""  # ISO date-time
    master_fingerprint: str = ""
    counts: dict[str, Any] = field(default_factory=dict)  # Rollup.headline()
    units: list[SummaryUnit] = field(default_factory=list)
    tasks: list[SummaryTask] = field(default_factory=list)
    gaps: list[SummaryGap] = field(default_factory=list)
    details: list[SummaryDetail] = field(default_factory=list)
    files: list[SummaryFile] = field(default_factory=list)
    version: int = FORMAT_VERSION
    # a derived master's record of the level above and its level settings (sheetsync.levels)
    derived: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------ building
    @classmethod
    def from_rollup(cls, rollup: Rollup, *, master_fingerprint: str = "") -> RollupSummary:
        return cls.from_json(rollup_json(rollup, master_fingerprint=master_fingerprint))

    # ------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        return _document(
            version=self.version, **{k: getattr(self, k) for k in _TEXT_KEYS}, counts=self.counts,
            units=_columns(self.units, SummaryUnit), tasks=_columns(self.tasks, SummaryTask),
            gaps=_columns(self.gaps, SummaryGap), details=_columns(self.details, SummaryDetail),
            files=_columns(self.files, SummaryFile), derived=self.derived)

    @classmethod
    def from_json(cls, data: Any) -> RollupSummary:
        """The summary back from :meth:`to_json`; ValueError when it is not one or is newer than us."""
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise ValueError("kind")
        version = data.get("version")
        if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
            raise ValueError(f"version {version!r}")
        text = {k: str(data.get(k) or "") for k in ("region", "plan", "period", "period_key", "as_of", "generated",
                                                     "master_fingerprint")}
        counts = data.get("counts") or {}
        if not isinstance(counts, dict):
            raise ValueError("counts")
        return cls(**text, counts=counts, units=_untable(data.get("units"), SummaryUnit, "units"),
                   tasks=_untable(data.get("tasks"), SummaryTask, "tasks"),
                   gaps=_untable(data.get("gaps"), SummaryGap, "gaps"),
                   details=_untable(data.get("details"), SummaryDetail, "details"),
                   files=_untable(data.get("files"), SummaryFile, "files"), version=version,
                   derived={str(k): str(v) for k, v in (data.get("derived") or {}).items()})

    # ------------------------------------------------------------ the figures, as Rollup gives them
    def headline(self) -> dict[str, Any]:
        return dict(self.counts)

    @property
    def missing_units(self) -> list[str]:
        return [u.name for u in self.units if not u.reported]

    def gap_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for g in self.gaps:
            out[g.type] = out.get(g.type, 0) + 1
        return out

    def gaps_by_unit(self, *, per_task: bool = True) -> dict[str, list[SummaryGap]]:
        """Unit → its gaps, as :meth:`Rollup.gaps_by_unit`: with ``per_task`` a unit that sent
        nothing gets one line per task it owes instead of the single 未报送 line."""
        titles = {tk.id: tk.title for tk in self.tasks}
        out: dict[str, list[SummaryGap]] = {}
        for g in self.gaps:
            if not g.unit:
                continue
            if per_task and g.type == "not_reported":
                out.setdefault(g.unit, []).extend(
                    SummaryGap("not_reported", g.severity, d.task_id, titles.get(d.task_id, ""), d.unit,
                               t(f"merge.gap_detail.owed_{d.role}"))
                    for d in self.details if d.unit == g.unit)
            else:
                out.setdefault(g.unit, []).append(g)
        return out

    def gaps_by_task(self) -> dict[str, list[SummaryGap]]:
        """Task id → its gaps in task order, as :meth:`Rollup.gaps_by_task`."""
        own: dict[str, list[SummaryGap]] = {}
        for g in [*(g for gs in self.gaps_by_unit().values() for g in gs), *(g for g in self.gaps if not g.unit)]:
            if g.task_id:
                own.setdefault(g.task_id, []).append(g)
        return {tk.id: own[tk.id] for tk in self.tasks if tk.id in own}

    def to_summary(self, lang: str | None = None) -> list[str]:
        """The merge/status summary lines every front-end prints (one text: :func:`summary_lines`)."""
        return summary_lines(self, lang)

    def of_another_plan(self, master: Any) -> bool:
        """Whether ``master`` names another region or plan than the one this roll-up was merged on
        (a blank on either side is no difference). By names, not by the tasks' fingerprint: a master
        derived one level down can hold the very same tasks, and one edited after the merge differs."""
        from sheetsync.core.textnorm import norm_key

        return any(norm_key(mine) and norm_key(theirs) and norm_key(mine) != norm_key(theirs)
                   for mine, theirs in ((master.region, self.region), (master.plan_name, self.plan)))

    # ------------------------------------------------------------ the workbook sheet
    def to_rows(self) -> list[tuple[str, str]]:
        """The key | value rows of the ``_sheetsync`` sheet (see the module docstring)."""
        return pack(_dumps(self.to_json()), self.version)

    @classmethod
    def from_rows(cls, rows: list[list[Any]]) -> RollupSummary:
        """The summary from the sheet's rows; ValueError saying what is wrong."""
        meta: dict[str, str] = {}
        chunks: list[str] = []
        for row in rows:
            if len(row) < 2:
                continue
            key, value = str(row[0] or ""), row[1]
            if key == "data":
                chunks.append(str(value or ""))
                if len(chunks) > MAX_CHUNKS:
                    raise ValueError("too many chunks")
            elif key:
                meta[key] = str(value if value is not None else "")
        if meta.get("kind") != KIND:
            raise ValueError("kind")
        if meta.get("encoding") != ENCODING:
            raise ValueError(f"encoding {meta.get('encoding')!r}")
        if str(len(chunks)) != meta.get("chunks"):
            raise ValueError(f"{len(chunks)} of {meta.get('chunks')} chunks")
        try:
            packed = base64.b64decode("".join(chunks), validate=True)
            inflater = zlib.decompressobj()
            raw = inflater.decompress(packed, MAX_JSON_BYTES)
        except (ValueError, zlib.error) as exc:
            raise ValueError(f"data: {exc}") from exc
        if inflater.unconsumed_tail:
            raise ValueError("data too large")
        if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            raise ValueError("checksum")
        import orjson

        return cls.from_json(orjson.loads(raw))


def summary_lines(rollup: Rollup | RollupSummary, lang: str | None = None) -> list[str]:
    """The merge/status summary text of a :class:`Rollup` or a :class:`RollupSummary`: the
    headline line, what must be said with it (``Rollup.notes``), then the units that sent nothing (when any). Front-ends print these lines."""
    h = rollup.headline()
    lines = [t("merge.summary", lang=lang, period=rollup.period, expected=h.get("units_expected", 0),
               reported=h.get("units_reported", 0), missing=h.get("units_missing", 0), tasks=h.get("tasks", 0),
               done=h.get("done", 0), overdue=h.get("overdue", 0), lagging=h.get("lagging", 0),
               gaps=len(rollup.gaps))]
    lines += getattr(rollup, "notes", [])
    if rollup.missing_units:
        lines.append(t("merge.missing_list", lang=lang, names="、".join(rollup.missing_units)))
    return lines


def has_summary(path: str | Path) -> bool:
    """Whether the workbook at ``path`` has a ``_sheetsync`` sheet (a roll-up sheetsync wrote).

    Raises :class:`SheetsyncError` naming the file when it is no workbook or its reader died:
    a roll-up whose summary cannot be read must not be taken for one made by hand."""
    return bool(_stored(Path(path))["has"])


def read_summary(path: str | Path) -> RollupSummary:
    """The summary stored in the roll-up at ``path``.

    Raises :class:`SheetsyncError` naming the file when it is missing, too large, not a workbook,
    has no summary (a roll-up made by hand or by an older sheetsync) or a damaged one. The
    workbook is read in a limited child: a roll-up comes from a clerk's folder or a level below,
    and one cell at XFD1048576 made python-calamine abort the process that read it.
    """
    p = Path(path)
    if not p.is_file():
        raise SheetsyncError(t("core.file_missing", file=str(p)), file=str(p))
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileUnusable(t("merge.summary_too_large", file=str(p), mb=size // (1024 * 1024)), file=str(p))
    stored = _stored(p)
    if not stored["has"]:
        raise SheetsyncError(t("merge.summary_missing", file=str(p)), file=str(p))
    try:
        from sheetsync.intake.data import decode_value

        return RollupSummary.from_rows([[decode_value(v) for v in row] for row in stored["rows"]])
    except (ValueError, TypeError, KeyError) as exc:
        raise SheetsyncError(t("merge.summary_damaged", file=str(p), reason=str(exc)), file=str(p)) from exc


def _stored(p: Path) -> dict[str, Any]:
    """{"has": the summary sheet exists, "rows": its first rows (JSON cell values)}, read in a
    limited child; remembered for the file as it is now (mail asks has_summary, then read_summary).
    A file that is no zip at all is said as the master reader says it (empty, an .xls, not a zip)."""
    import zipfile

    from sheetsync.master.workbook import sniff_reason

    if not p.is_file() or not zipfile.is_zipfile(p):
        raise FileUnusable(t("core.not_workbook", file=str(p), reason=sniff_reason(p)), file=str(p))
    st = p.stat()
    return _stored_cached(str(p.resolve()), str(p), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _stored_cached(path: str, shown: str, mtime_ns: int, size: int) -> dict[str, Any]:
    from sheetsync.intake.isolate import call_isolated

    return call_isolated("sheetsync.rollup.summary:summary_rows", {"path": path, "shown": shown}, file=shown,
                         hint=t("merge.summary_reader_died"))


def summary_rows(path: str, shown: str = "") -> dict[str, Any]:
    """Runs in the limited child (see :func:`read_summary`): the summary sheet's rows as JSON
    (``shown``: the path as the clerk gave it, for messages)."""
    from python_calamine import CalamineWorkbook

    from sheetsync.intake.data import encode_value

    shown = shown or path
    try:
        wb = CalamineWorkbook.from_path(path)
    except Exception as exc:  # noqa: BLE001 - calamine raises its own types for a bad file
        raise FileUnusable(t("core.not_workbook", file=shown, reason=str(exc) or type(exc).__name__),
                           file=shown) from exc
    if schema.META_SHEET not in wb.sheet_names:
        return {"has": False, "rows": []}
    try:
        rows = wb.get_sheet_by_name(schema.META_SHEET).to_python(skip_empty_area=False)[:MAX_CHUNKS + 16]
    except Exception as exc:  # noqa: BLE001 - calamine's own errors for a damaged sheet
        raise SheetsyncError(t("merge.summary_damaged", file=shown, reason=str(exc) or type(exc).__name__),
                             file=shown) from exc
    return {"has": True, "rows": [[encode_value(v) for v in row] for row in rows]}


__all__ = ["FORMAT_VERSION", "RollupSummary", "pack", "rollup_json", "summary_json_bytes", "SummaryDetail", "SummaryFile", "SummaryGap", "SummaryTask",
           "SummaryUnit", "has_summary", "read_summary", "summary_lines"]
