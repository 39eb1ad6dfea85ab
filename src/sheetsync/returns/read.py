"""A returned workbook → the unit, the period and one normalised row per task.

Units reorder, delete and insert rows, move or rename columns, add title rows, type 完成 for
已完成, 80% or ８０％ or 0.8 for 80, and sometimes retype the whole sheet. This module reads
what they meant, records every change it made as a finding with the cell address, and turns
what it cannot understand into a finding — never into a silent blank.

Input is the plain :class:`sheetsync.intake.data.WorkbookData` the isolated reader produces,
so nothing here touches a spreadsheet library or an untrusted file directly.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sheetsync.core import schema
from sheetsync.core.dates import excel_serial_to_date, parse_date
from sheetsync.core.model import Finding, Master
from sheetsync.core.numbers import fmt_number, parse_number, parse_percent
from sheetsync.core.period import find_periods, mentions, same_period
from sheetsync.core.phrases import is_no_problem
from sheetsync.core.status import parse_status, status_choices
from sheetsync.core.textnorm import has_control_chars, nfkc, norm_key, strip_control_chars, value_text
from sheetsync.core.units import Assignment, UnitRegistry
from sheetsync.i18n import t
from sheetsync.workbook.headers import find_header


@dataclass
class ReturnRow:
    task_id: str
    unit: str
    role: str  # lead | co | "" (task not assigned to the unit)
    status: str | None = None  # key of schema.STATUSES
    progress: float | None = None
    value: float | None = None
    progress_text: str = ""
    problems: str = ""
    next_steps: str = ""
    evidence: str = ""
    row: int | None = None  # sheet row it came from
    unread: str = ""  # editable cells holding a formula without a saved result ("G7 H7"): not blank

    @property
    def blank(self) -> bool:
        return self.status is None and self.progress is None and self.value is None and not (
            self.progress_text or self.problems or self.next_steps or self.evidence or self.unread)

    @property
    def has_problem(self) -> bool:
        return bool(self.problems) and not is_no_problem(self.problems)


@dataclass
class ParsedReturn:
    file: str
    unit: str = ""
    period: str = ""
    identified_by: str = ""  # metadata | properties | title | filename
    fingerprint: str = ""
    sheet: str = ""
    rows: list[ReturnRow] = field(default_factory=list)
    missing_tasks: list[str] = field(default_factory=list)  # expected ids not in the file
    fields: dict[str, str] = field(default_factory=dict)  # reporter, phone, report_date
    findings: list[Finding] = field(default_factory=list)
    rejected: bool = False
    coverage: list[dict[str, Any]] = field(default_factory=list)  # a return exported from a roll-up below
    other_unit: str = ""  # another registered unit the file name or title names (other-unit-named)

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "unit": self.unit, "period": self.period, "identified_by": self.identified_by,
                "fingerprint": self.fingerprint, "sheet": self.sheet, "missing_tasks": self.missing_tasks,
                "fields": self.fields, "rejected": self.rejected, "other_unit": self.other_unit,
                "findings": [f.to_json() for f in self.findings],
                "rows": [[getattr(r, k) for k in _ROW_FIELDS] for r in self.rows], "coverage": self.coverage}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ParsedReturn:

        return cls(file=d["file"], unit=d["unit"], period=d["period"], identified_by=d["identified_by"],
                   fingerprint=d["fingerprint"], sheet=d["sheet"], missing_tasks=list(d["missing_tasks"]),
                   fields=dict(d["fields"]), rejected=bool(d["rejected"]), other_unit=d.get("other_unit", ""),
                   findings=[Finding.from_json(f) for f in d["findings"]],
                   rows=[ReturnRow(*r) for r in d["rows"] if len(r) == len(_ROW_FIELDS) or _bad_row(r)],
                   coverage=list(d.get("coverage") or []))

    @property
    def outcome(self) -> str:
        if self.rejected:
            return "rejected"
        return "warnings" if any(f.severity in ("error", "warning") for f in self.findings) else "accepted"


_ROW_FIELDS = tuple(ReturnRow.__dataclass_fields__)


def _bad_row(r: Any) -> bool:
    raise ValueError(f"a returned row has {len(r)} fields, not {len(_ROW_FIELDS)}")


class _Rejected(Exception):
    pass


_text = value_text


@lru_cache(maxsize=1024)
def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def read_metadata(data: Any) -> tuple[dict[str, str], list[str], dict[str, str], str]:
    """(metadata, task ids in issued order, input field cells, where from) of a returned workbook."""
    meta: dict[str, str] = {}
    ids: list[str] = []
    fields: dict[str, str] = {}
    source = ""
    for sheet in data.sheets:
        if sheet.name == schema.META_SHEET:
            for row in sheet.rows:
                if len(row) < 2 or row[0] is None:
                    continue
                k, v = _text(row[0]), _text(row[1])
                if k == "tasks":  # template version 2: up to 100 ids, one per line
                    ids.extend(v.split("\n") if v else ())
                elif k == "task":  # version 1: a row per id
                    ids.append(v)
                elif k.startswith("field:"):
                    fields[k[6:]] = v
                else:
                    meta[k] = v
            source = "metadata"
            break
    if not meta.get("unit"):
        props = {k[len("sheetsync_"):]: _text(v) for k, v in (data.custom_properties or {}).items()
                 if str(k).startswith("sheetsync_")}
        if props.get("unit"):
            meta = {k: ("" if v == "-" else v) for k, v in props.items()}
            source = "properties"
    return meta, ids, fields, source


def parse_return(data: Any, master: Master, registry: UnitRegistry, by_unit: dict[str, list[Assignment]], *,
                 period: str, accept_stale: bool = False, fingerprint: str | None = None) -> ParsedReturn:
    """Read one returned workbook (already safely parsed) against the master and the period.

    ``fingerprint``: the master's, when the caller reads many returns (computed once)."""
    out = ParsedReturn(file=data.file)
    out.findings.extend(data.notes)
    try:
        _parse(data, master, registry, by_unit, period, accept_stale, out, fingerprint or master.fingerprint())
    except _Rejected:
        out.rejected = True
    return out


def _finding(out: ParsedReturn, code: str, severity: str, sheet: str = "", cell: str = "", **fields: Any) -> None:
    # the sheet is also a field of some messages (table-on-hidden-sheet, several-tables)
    out.findings.append(Finding(code, severity, t(f"merge.finding.{code}", file=_basename(out.file), sheet=sheet,
                                                  **fields),
                                sheet=sheet, cell=cell, file=out.file))


def _reject(out: ParsedReturn, code: str, **fields: Any) -> None:
    _finding(out, code, "error", **fields)
    raise _Rejected(code)


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


_CONTEXT: dict[int, tuple[Master, UnitRegistry, dict[str, list[Assignment]], str]] = {}


def parse_in_worker(data: Any, *, master: dict[str, Any], period: str, accept_stale: bool = False) -> ParsedReturn:
    """:func:`parse_return` as the intake pool's post step: runs in the parser child beside the
    parse, with the master handed over once as JSON (``Master.to_json``), so returns are read in
    parallel and only their normalised rows travel back to the merge."""
    ctx = _CONTEXT.get(id(master))  # the same boot-message dict for the child's whole life
    if ctx is None:
        from sheetsync.core.units import assignments

        m = Master.from_json(master)
        reg = UnitRegistry(m.units, m.region)
        ctx = _CONTEXT[id(master)] = (m, reg, assignments(m.tasks, reg), m.fingerprint())
    m, reg, by_unit, fp = ctx
    try:
        return parse_return(data, m, reg, by_unit, period=period, accept_stale=accept_stale, fingerprint=fp)
    except Exception as exc:  # a bug on one file rejects that file, as in the parent (merge.ingest)
        out = ParsedReturn(file=data.file, rejected=True, findings=list(data.notes))
        out.findings.append(Finding("internal-error", "error", t("merge.finding.internal-error", file=_basename(data.file),
                                    detail=f"{type(exc).__name__}: {exc}"[:200]), file=data.file))
        return out


# the intake pool's post step names its function by "module:name" (it crosses into the child
# as text); defined here, next to the function, so a rename breaks at import, not at run time
WORKER_PARSE = f"{__name__}:{parse_in_worker.__name__}"


def _parse(data: Any, master: Master, registry: UnitRegistry, by_unit: dict[str, list[Assignment]],
           period: str, accept_stale: bool, out: ParsedReturn, master_fp: str) -> None:
    meta, issued_ids, field_cells, source = read_metadata(data)
    sheet, match = _find_table(data, out)
    grid = sheet.rows

    # --- who and which period
    unit_name = ""
    if meta.get("unit"):
        r = registry.resolve(meta["unit"])
        unit_name = r.units[0].name if r.kind == "unit" else ""
        if not unit_name:
            _reject(out, "unit-not-in-master", unit=meta["unit"])
        out.identified_by = source
        out.period = meta.get("period", "")
        out.fingerprint = meta.get("master_fingerprint", "")
        _other_unit_named(out, data, grid, match.row, registry, by_unit, unit_name)
    else:
        unit_name, how = _identify_without_metadata(data, grid, match.row, registry, by_unit)
        if not unit_name:
            _reject(out, "unit-unknown")
        out.identified_by = how
        found = _period_in(data, grid, match.row)
        out.period = period if _mentions(data, grid, match.row, period) else (found or "")
        _finding(out, "identified-by-fallback", "warning", unit=unit_name, how=t(f"merge.how.{how}"))
    out.unit = unit_name
    if out.period and not same_period(out.period, period):
        if not accept_stale:
            _reject(out, "wrong-period", found=out.period, period=period)
        _finding(out, "wrong-period-accepted", "warning", found=out.period, period=period)
    if out.fingerprint and out.fingerprint != master_fp:
        if not accept_stale:
            _reject(out, "stale-master")
        _finding(out, "stale-master-accepted", "warning")
    if not out.period:
        out.period = period

    expected = {a.task.id: a for a in by_unit.get(unit_name, [])}
    if not expected:
        _reject(out, "unit-has-no-tasks", unit=unit_name)

    # --- rows
    cols = match.columns
    sname = sheet.name
    out.sheet = sname
    formula_cells = set(getattr(sheet, "formulas_without_value", []) or [])
    percent_cells = frozenset(getattr(sheet, "percent", None) or ())
    merged_text = _merged_text_cells(out, sheet, match.first_data_row, cols)
    seen: dict[str, int] = {}
    order: list[str] = []
    id_col = cols.get("id")
    data_rows = list(range(match.first_data_row, len(grid) + 1))
    if id_col is None:
        # no id column (a unit retyped the sheet without it): rows in issued order, if the count fits
        if issued_ids and len([r for r in data_rows if _row_has_content(grid[r - 1])]) == len(issued_ids):
            _finding(out, "ids-from-order", "warning", sheet=sname, cell=f"A{match.row}")
        else:
            _reject(out, "no-id-column", sheet=sname, cell=f"A{match.row}")
    pos = 0
    for r in data_rows:
        row = grid[r - 1]
        if not _row_has_content(row):
            continue
        if id_col is not None:
            tid = _norm_id(row[id_col - 1] if id_col <= len(row) else None)
            if not tid:
                if _row_values_blank(row, cols):
                    continue
                _finding(out, "row-without-id", "warning", sheet=sname, cell=f"{_col(id_col)}{r}")
                continue
            tid = _match_id(tid, expected)
        else:
            tid = issued_ids[pos]
            pos += 1
        if tid not in expected:
            _finding(out, "unknown-task", "warning", sheet=sname, cell=f"{_col(id_col or 1)}{r}", id=tid)
            continue
        if tid in seen:
            _finding(out, "duplicate-task-row", "warning", sheet=sname, cell=f"{_col(id_col or 1)}{r}", id=tid, first=seen[tid])
            continue
        seen[tid] = r
        order.append(tid)
        a = expected[tid]
        if _shifted(row, cols):
            # a row pasted one column off: a status word in 完成进度 beside an empty 完成状态;
            # its values would land in the wrong fields, so none is taken
            _finding(out, "row-shifted", "warning", sheet=sname, cell=f"{_col(cols['progress'])}{r}", id=tid,
                     value=_text(row[cols["progress"] - 1]))
            out.rows.append(ReturnRow(tid, unit_name, a.role, row=r, unread=f"{_col(cols['progress'])}{r}"))
            continue
        if merged_text:
            row = _with_merged(row, r, merged_text)
        out.rows.append(_read_row(out, sname, row, r, cols, tid, unit_name, a.role, formula_cells,
                                  data.date_system, a.task.target_unit, percent_cells))
    issued = issued_ids or [a.task.id for a in by_unit.get(unit_name, [])]
    out.missing_tasks = [tid for tid in expected if tid not in seen]
    for tid in out.missing_tasks:
        _finding(out, "task-row-missing", "warning", sheet=sname, id=tid)
    if [i for i in issued if i in seen] != order and len(order) > 1:
        _finding(out, "rows-reordered", "info", sheet=sname)
    _progress_fractions(out, sname, grid, cols, percent_cells)
    out.fields = _read_fields(grid, match.row, field_cells, sheet)
    out.coverage = read_coverage(data, master, registry, out, period, accept_stale)


def read_coverage(data: Any, master: Master, registry: UnitRegistry, out: ParsedReturn, period: str,
                  accept_stale: bool) -> list[dict[str, Any]]:
    """The coverage sheet of a return exported from the unit's own roll-up (sheetsync.levels).

    Refused: the unit's master was derived from another version of tasks of ours (the changed
    task ids named) unless ``accept_stale``; figures of another period not mapped to ours. A
    sub-unit that is also one of our own units is a ``double-count`` warning (重复计数风险)."""
    from sheetsync.levels.link import coverage_from_rows, task_hash

    sheet = next((s for s in data.sheets if s.name == schema.COVERAGE_SHEET), None)
    if sheet is None:
        return []
    covs = coverage_from_rows(sheet.rows)
    ours = {tk.id: task_hash(tk.id, tk.title, tk.content) for tk in master.tasks}
    changed = [c.task_id for c in covs if c.task_hash and ours.get(c.task_id) != c.task_hash]
    if changed:
        if not accept_stale:
            _reject(out, "derived-stale", ids="、".join(changed))
        _finding(out, "derived-stale-accepted", "warning", ids="、".join(changed))
    unmapped = sorted({c.child_period for c in covs if c.child_period and not c.period_mapped
                       and not same_period(c.child_period, period)})
    if unmapped:
        _reject(out, "period-unmapped", found="、".join(unmapped), period=period)
    doubles: dict[str, list[str]] = {}
    for c in covs:
        for name in c.sub_units:
            r = registry.resolve(name)
            if r.kind == "unit" and r.via in ("exact", "alias") and r.units[0].name != out.unit:
                doubles.setdefault(r.units[0].name, []).append(c.task_id)
    for name, ids in doubles.items():
        _finding(out, "double-count", "warning", sheet=schema.COVERAGE_SHEET, unit=name, ids="、".join(ids))
    return [c.to_json() for c in covs]


def _find_table(data: Any, out: ParsedReturn):
    """The sheet holding the return table: visible sheets first, best header wins."""
    candidates = []
    for sheet in data.sheets:
        if sheet.name == schema.META_SHEET:
            continue
        match = find_header(sheet.rows, schema.RETURN)
        if match is None:
            # a unit deleted the 任务编号 column: the table is still found by its status and
            # progress columns; the rows are then matched in issued order (ids-from-order)
            match = find_header(sheet.rows, _RETURN_WITHOUT_ID)
            if match is None or not {"status", "progress"} <= match.columns.keys():
                continue
        score = len(match.columns) + (5 if norm_key(sheet.name) in {norm_key(s) for s in schema.RETURN.name.spellings()} else 0)
        score += 3 if sheet.state == "visible" else 0
        candidates.append((score, sheet, match))
    if not candidates:
        _reject(out, "no-return-table", sheets="、".join(s.name for s in data.sheets if s.name != schema.META_SHEET) or "-")
    if len(candidates) > 1:  # a filled copy beats the untouched original
        candidates = [(score + 4 * _filled_cells(sheet.rows, match), sheet, match) for score, sheet, match in candidates]
    candidates.sort(key=lambda c: -c[0])  # stable: equal scores keep the workbook's order
    _score, sheet, match = candidates[0]
    if len(candidates) > 1:
        _finding(out, "several-tables", "warning", sheet=sheet.name,
                 others="、".join(c[1].name for c in candidates[1:]))
    if sheet.state != "visible":
        _finding(out, "table-on-hidden-sheet", "warning", sheet=sheet.name)
    # duplicate headers: two columns with the same known label
    header = sheet.rows[match.row - 1] if match.row <= len(sheet.rows) else []
    labels = [norm_key(_text(v)) for v in header]
    for col in match.columns.values():
        label = labels[col - 1] if col <= len(labels) else ""
        dups = [i + 1 for i, lab in enumerate(labels) if lab and lab == label and i + 1 != col]
        if dups:
            _finding(out, "duplicate-header", "warning", sheet=sheet.name, cell=f"{_col(dups[0])}{match.row}",
                     header=_text(header[col - 1]), used=f"{_col(col)}{match.row}")
    for spec_col in schema.RETURN.columns:
        if spec_col.key in schema.RETURN_EDITABLE and spec_col.key not in match.columns:
            _finding(out, "missing-column", "warning", sheet=sheet.name, cell=f"A{match.row}", column=spec_col.text())
    renamed = [f"{match.labels[k]}→{schema.RETURN.column(k).text()}" for k in match.columns
               if norm_key(match.labels[k]) != norm_key(schema.RETURN.column(k).zh)
               and norm_key(match.labels[k]) != norm_key(schema.RETURN.column(k).en)]
    if renamed:
        _finding(out, "renamed-columns", "info", sheet=sheet.name, cell=f"A{match.row}", columns="、".join(renamed))
    return sheet, match


# the return's columns with status and progress standing in for the 任务编号 column as the ones
# a header must have (find_header needs a required column to recognise a table)
_RETURN_WITHOUT_ID = dataclasses.replace(schema.RETURN, columns=tuple(
    dataclasses.replace(c, required=c.key in ("status", "progress")) for c in schema.RETURN.columns))


def _filled_cells(grid: list[list[Any]], match: Any) -> int:
    """How many editable cells of the table hold something: 0 for an untouched copy."""
    cols = [c for k, c in match.columns.items() if k in schema.RETURN_EDITABLE]
    n = 0
    for row in grid[match.first_data_row - 1:]:
        width = len(row)
        n += sum(1 for c in cols if c <= width and row[c - 1] is not None and _text(row[c - 1]))
    return n


def _row_has_content(row: list[Any]) -> bool:
    return any(v.strip() if isinstance(v, str) else v is not None for v in row)


def _row_values_blank(row: list[Any], cols: dict[str, int]) -> bool:
    return all(not _text(row[c - 1]) for k, c in cols.items() if k in schema.RETURN_EDITABLE and c <= len(row))


_ID_NUM = re.compile(r"^\d+(\.\d+)*$")


def _norm_id(v: Any) -> str:
    s = _text(v)
    return nfkc(s).strip()


def _match_id(tid: str, expected: dict[str, Any]) -> str:
    if tid in expected:
        return tid
    key = norm_key(tid).replace("（", "(").replace("）", ")")
    for e in expected:
        if norm_key(e) == key:
            return e
    return tid


def _read_row(out: ParsedReturn, sname: str, row: list[Any], r: int, cols: dict[str, int], tid: str, unit: str,
              role: str, formula_cells: set[str], date_system: int, measure: str = "",
              percent_cells: frozenset[str] = frozenset()) -> ReturnRow:
    """One task row of a return, normalised; oddities become findings on their cell.

    Each field has its reader below. Hot (a city merge reads 120,000 rows): cells are taken by
    position, and the row object is made once at the end. ``measure``: the task's 计量单位, so
    "1.2万" is 12,000 unless the target already counts in 万."""
    width = len(row)
    get = cols.get
    unread_cells = _read_unread(out, sname, r, cols, tid, formula_cells) if formula_cells else ""
    c = get("status", 0)
    status = _read_status(out, sname, row[c - 1] if 0 < c <= width else None, c, r, tid)
    c = get("progress", 0)
    progress = _read_progress(out, sname, row[c - 1] if 0 < c <= width else None, c, r, tid,
                              bool(percent_cells) and f"{_col(c)}{r}" in percent_cells)
    if status == "done" and progress is None:
        progress = 100.0
    c = get("value", 0)
    value = _read_value(out, sname, row[c - 1] if 0 < c <= width else None, c, r, tid, measure)
    texts = ["", "", "", ""]
    for i, key in enumerate(_FREE_TEXT):
        c = get(key, 0)
        v = row[c - 1] if 0 < c <= width else None
        if v is not None:
            texts[i] = _read_text(out, sname, v, c, r, tid)
    return ReturnRow(tid, unit, role, status, progress, value, texts[0], texts[1], texts[2], texts[3], r, unread_cells)


def _read_unread(out: ParsedReturn, sname: str, r: int, cols: dict[str, int], tid: str,
                 formula_cells: set[str]) -> str:
    """Editable cells holding a formula without a saved result ("G7 H7"): the unit did fill them
    in and we cannot read them — a ``formula-no-value`` finding each, never "left blank"."""
    unread = [cell for key in schema.RETURN_EDITABLE if key in cols
              for cell in (f"{_col(cols[key])}{r}",) if cell in formula_cells]
    for cell in unread:
        _finding(out, "formula-no-value", "warning", sheet=sname, cell=cell, id=tid)
    return " ".join(unread)


def _read_status(out: ParsedReturn, sname: str, v: Any, c: int, r: int, tid: str) -> str | None:
    """完成情况 → a status key (:func:`sheetsync.core.status.parse_status`); a respelling (完成)
    is a ``normalised`` note, a word that is no status a ``bad-status`` warning."""
    s = "" if v is None else _text(v)
    if not s:
        return None
    key, canonical = parse_status(s)
    if key is None:
        _finding(out, "bad-status", "warning", sheet=sname, cell=f"{_col(c)}{r}", value=s, id=tid,
                 choices="、".join(status_choices("zh")))
    elif canonical:
        _finding(out, "normalised", "info", sheet=sname, cell=f"{_col(c)}{r}", value=s, new=canonical)
    return key


def _read_progress(out: ParsedReturn, sname: str, v: Any, c: int, r: int, tid: str,
                   percent_format: bool = False) -> float | None:
    """进度 → 0-100 (:func:`sheetsync.core.numbers.parse_percent`: 80%, ８０％, 0.8); outside
    0-100 or not a number is a ``bad-progress`` warning. ``percent_format``: the cell is
    formatted as a percentage, so its number is a fraction (a typed 100% is stored as 1)."""
    typed = "" if v is None else _text(v)
    if not typed:
        return None
    p, changed = parse_percent(v, percent_format=percent_format)
    if p is None or not 0 <= p <= 100:
        _finding(out, "bad-progress", "warning", sheet=sname, cell=f"{_col(c)}{r}", value=typed, id=tid)
        return None
    if changed:
        _finding(out, "normalised", "info", sheet=sname, cell=f"{_col(c)}{r}", value=typed, new=fmt_number(p))
    return p


def _read_value(out: ParsedReturn, sname: str, v: Any, c: int, r: int, tid: str, measure: str) -> float | None:
    """完成值 → a number (:func:`sheetsync.core.numbers.parse_number`: 12个, 约3, 1.2万); text
    turned into a number is a ``normalised`` note, no single number a ``bad-value`` warning."""
    typed = "" if v is None else _text(v)
    if not typed:
        return None
    n = parse_number(v, unit=measure)
    if n is None:
        _finding(out, "bad-value", "warning", sheet=sname, cell=f"{_col(c)}{r}", value=typed, id=tid)
    elif not isinstance(v, (int, float)):
        _finding(out, "normalised", "info", sheet=sname, cell=f"{_col(c)}{r}", value=typed, new=fmt_number(n))
    return n


def _read_text(out: ParsedReturn, sname: str, v: Any, c: int, r: int, tid: str) -> str:
    """A free-text cell stays text: as typed less surrounding spaces and line breaks (a leading
    tab or CR is kept, so "\t=1+1" reaches the roll-up as text exactly as sent); control
    characters removed and an over-long text reported, each as a finding."""
    if type(v) is str:
        text = v.rstrip().lstrip(" \u3000\n")
    elif isinstance(v, (datetime, date)):
        text = _text(v)
    elif isinstance(v, float) and not v.is_integer():
        text = repr(v)
    else:
        text = _text(v) if not isinstance(v, str) else v.rstrip().lstrip(" \u3000\n")
    if text.isprintable() or "\n" in text and text.replace("\n", "").isprintable():
        pass  # the common case: no control character (a C-speed check)
    elif has_control_chars(text):
        text = strip_control_chars(text)
        _finding(out, "control-chars", "warning", sheet=sname, cell=f"{_col(c)}{r}", id=tid)
    if len(text) > 32767:
        _finding(out, "text-too-long", "warning", sheet=sname, cell=f"{_col(c)}{r}", id=tid, n=len(text))
    return text


_FREE_TEXT = ("progress_text", "problems", "next_steps", "evidence")


def _read_fields(grid: list[list[Any]], header_row: int, field_cells: dict[str, str], sheet: Any) -> dict[str, str]:
    """填报人, 联系电话, 填报日期: the value beside its label wherever the label now is (a column
    inserted or moved shifts both), else the cell the metadata names; never a label taken as a
    value (an empty input beside the next label stays empty)."""
    found: dict[str, Any] = {}
    for r in range(1, min(header_row, len(grid) + 1)):
        row = grid[r - 1]
        for i, v in enumerate(row):
            if type(v) is not str:
                continue
            key, rest = _field_label(v)
            if key and key not in found:
                found[key] = rest if rest else _value_beside(row, i)
    out: dict[str, str] = {}
    for lab in schema.RETURN_FIELDS:
        if lab.key in found:
            v = found[lab.key]
        elif lab.key in field_cells:
            try:
                v = sheet.cell(field_cells[lab.key])
            except Exception:  # noqa: BLE001 - an address outside the sheet is simply empty
                v = None
            if isinstance(v, str) and _is_label(v):
                v = None
        else:
            continue
        if isinstance(v, (int, float)) and lab.key == "report_date" and 20000 < float(v) < 80000:
            v = excel_serial_to_date(float(v))
        out[lab.key] = _text(v)
    if out.get("report_date"):
        d = parse_date(out["report_date"])
        if d:
            out["report_date"] = d.isoformat()
    return out


@lru_cache(maxsize=1)
def _field_spellings() -> dict[str, str]:
    return {norm_key(s): lab.key for lab in schema.RETURN_FIELDS for s in lab.spellings()}


_LABEL_SPLIT = re.compile(r"^(?P<label>[^:：]{1,8})[:：]\s*(?P<rest>.*)$", re.S)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _field_label(text: str) -> tuple[str, str]:
    """(field key, what follows the label in the same cell) when ``text`` is a field's label
    ("填报人", "填报人：", "填报人：张三"), else ("", "")."""
    spellings = _field_spellings()
    key = spellings.get(norm_key(text).rstrip(":："))
    if key:
        return key, ""
    m = _LABEL_SPLIT.match(text.strip())
    if m:
        key = spellings.get(norm_key(m["label"]))
        if key:
            return key, m["rest"].strip()
    return "", ""


def _is_label(text: str) -> bool:
    """A label rather than a value: a field's label, or a short Chinese word ending in a colon
    ("填报单位：…", the unit line of the template)."""
    if _field_label(text)[0]:
        return True
    m = _LABEL_SPLIT.match(text.strip())
    return bool(m) and bool(_CJK.search(m["label"])) and not any(ch.isdigit() for ch in m["label"])


def _value_beside(row: list[Any], i: int) -> Any:
    """The first non-empty cell right of the label at ``i``; None when the next one is a label."""
    for v in row[i + 1:]:
        if v is None or isinstance(v, str) and not v.strip():
            continue
        return None if isinstance(v, str) and _is_label(v) else v
    return None


def _other_unit_named(out: ParsedReturn, data: Any, grid: list[list[Any]], header_row: int, registry: UnitRegistry,
                      by_unit: dict[str, list[Assignment]], unit: str) -> None:
    """The metadata says ``unit``, but the file name or the title names another registered unit
    (a unit filled a colleague's workbook and renamed it): an ``other-unit-named`` warning, and
    ``out.other_unit`` set so the ledger does not let one replace the other silently."""
    for how, parts in (("filename", _name_parts(data.file)), ("title", _title_parts(grid, header_row))):
        named = _units_named(parts, registry, by_unit)
        if named and unit not in named:
            other = sorted(named)[0]
            out.other_unit = other
            _finding(out, "other-unit-named", "warning", unit=unit, other=other, how=t(f"merge.how.{how}"))
            return


def _name_parts(path: str) -> list[str]:
    name = _basename(path).rsplit(".", 1)[0]
    return [p for p in re.split(r"[_\-\s—（）()【】\[\]]+", name) if p]


def _title_parts(grid: list[list[Any]], header_row: int) -> list[str]:
    texts = [_text(v) for r in grid[: max(header_row - 1, 0)] for v in r if type(v) is str]
    return [part for text in texts for part in re.split(r"[—\-–:：\s]+", text) if part]


# registry → (registry, text → the unit it names or ""): file names and titles repeat across a
# merge's returns; the registry is kept in the value so its id is not reused while cached
_NAMED: dict[int, tuple[UnitRegistry, dict[str, str]]] = {}


def _units_named(parts: list[str], registry: UnitRegistry, by_unit: dict[str, list[Assignment]]) -> set[str]:
    entry = _NAMED.get(id(registry))
    if entry is None or entry[0] is not registry:
        if len(_NAMED) > 8:
            _NAMED.clear()
        entry = _NAMED[id(registry)] = (registry, {})
    cache = entry[1]
    found = set()
    for part in parts:
        name = cache.get(part)
        if name is None:
            hit = registry.named(part)
            name = cache[part] = hit.name if hit is not None else ""
        if name and name in by_unit:
            found.add(name)
    return found


def _merged_text_cells(out: ParsedReturn, sheet: Any, first_data_row: int,
                       cols: dict[str, int]) -> dict[int, list[tuple[int, Any]]]:
    """Merged ranges over task rows in the editable columns: the value of the range's first cell
    belongs to every row it covers (as a clerk sees it), each range named in a ``merged-cells``
    warning. Row → [(column, value)] for the rows after the first."""
    merged = getattr(sheet, "merged", None)
    if not merged:
        return {}
    editable = {c for k, c in cols.items() if k in schema.RETURN_EDITABLE}
    fill: dict[int, list[tuple[int, Any]]] = {}
    for r0, c0, r1, c1 in merged:
        if r1 <= r0 or r1 < first_data_row or not any(c0 <= c <= c1 for c in editable):
            continue
        top = max(r0, first_data_row)
        master = sheet.rows[r0 - 1][c0 - 1] if r0 <= len(sheet.rows) and c0 <= len(sheet.rows[r0 - 1]) else None
        for r in range(top, r1 + 1):
            for c in range(c0, c1 + 1):
                if c in editable and (r, c) != (r0, c0):
                    fill.setdefault(r, []).append((c, master))
        ref = f"{_col(c0)}{r0}:{_col(c1)}{r1}"
        _finding(out, "merged-cells", "warning", sheet=sheet.name, cell=ref, cells=ref, rows=f"{top}–{r1}")
    return fill


def _with_merged(row: list[Any], r: int, fill: dict[int, list[tuple[int, Any]]]) -> list[Any]:
    cells = fill.get(r)
    if not cells:
        return row
    row = list(row)
    for c, v in cells:
        if c > len(row):
            row.extend([None] * (c - len(row)))
        if row[c - 1] is None:
            row[c - 1] = v
    return row


def _shifted(row: list[Any], cols: dict[str, int]) -> bool:
    """A status word in 完成进度 beside an empty 完成状态: the row was pasted one column off."""
    cs, cp = cols.get("status"), cols.get("progress")
    if cs is None or cp is None or cp > len(row):
        return False
    v = row[cp - 1]
    if type(v) is not str or (cs <= len(row) and _text(row[cs - 1])):
        return False
    return parse_status(v.strip())[0] is not None


def _progress_fractions(out: ParsedReturn, sname: str, grid: list[list[Any]], cols: dict[str, int],
                        percent_cells: frozenset[str]) -> None:
    """Several rows 已完成 with 完成进度 exactly 1 and no percent format to say so: most likely a
    typed 100% whose format was lost (an .xls, a paste): a ``progress-fraction`` warning."""
    cp = cols.get("progress")
    if cp is None:
        return
    cells = [f"{_col(cp)}{row.row}" for row in out.rows
             if row.status == "done" and row.progress == 1.0 and row.row and f"{_col(cp)}{row.row}" not in percent_cells]
    if len(cells) >= 2:
        _finding(out, "progress-fraction", "warning", sheet=sname, cell=cells[0], cells="、".join(cells[:10]),
                 n=len(cells))


def _identify_without_metadata(data: Any, grid: list[list[Any]], header_row: int, registry: UnitRegistry,
                               by_unit: dict[str, list[Assignment]]) -> tuple[str, str]:
    """The unit named in the title rows (…填报表 — 县教育局 / 填报单位：县教育局), else in the file name."""
    texts = [_text(v) for r in grid[: max(header_row - 1, 0)] for v in r if _text(v)]
    candidates: list[tuple[str, str]] = []
    for text in texts:
        for part in re.split(r"[—\-–:：\s]+", text):
            if part:
                candidates.append((part, "title"))
    name = _basename(data.file).rsplit(".", 1)[0]
    for part in re.split(r"[_\-\s—（）()]+", name):
        if part:
            candidates.append((part, "filename"))
    for how in ("title", "filename"):
        found = set()
        for part, h in candidates:
            if h != how:
                continue
            r = registry.resolve(part)
            if r.kind == "unit" and r.via in ("exact", "alias", "prefix") and r.units[0].name in by_unit:
                found.add(r.units[0].name)
        if len(found) == 1:
            return found.pop(), how
    return "", ""


def _period_in(data: Any, grid: list[list[Any]], header_row: int) -> str:
    """A reporting period named in the title rows or the file name (2026年第3季度, 2026年11月)."""
    texts = [_text(v) for r in grid[: max(header_row - 1, 0)] for v in r] + [_basename(data.file)]
    for x in texts:
        found = find_periods(x)
        if found:
            return found[0][0]
    return ""


def _mentions(data: Any, grid: list[list[Any]], header_row: int, period: str) -> bool:
    texts = [_text(v) for r in grid[: max(header_row - 1, 0)] for v in r] + [_basename(data.file)]
    return any(mentions(x, period) for x in texts)
