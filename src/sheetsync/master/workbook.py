"""Reading and writing the master workbook (任务分解表).

Reading is two steps so the Excel ribbon can reuse the second: :func:`load_grids` turns a file
into plain 2-D lists (merged cells filled with their top-left value), and
:func:`master_from_grids` turns grids — from a file or from a live workbook — into a
:class:`~sheetsync.core.model.Master`. Problems met on the way are findings with their cell.
Writing produces a clean, formatted workbook; the master is never modified in place by
anything but :func:`write_master` on a path the user chose.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.core import schema
from sheetsync.core.dates import parse_date
from sheetsync.core.errors import FileUnusable, SheetsyncError
from sheetsync.core.model import Finding, Master, Phase, Task, Unit
from sheetsync.core.targets import TargetValue, parse_target_value, target_cell
from sheetsync.core.textnorm import norm_key, value_text
from sheetsync.core.units import split_unit_list
from sheetsync.i18n import get_lang, t
from sheetsync.workbook.headers import Grid, HeaderMatch, find_header

if TYPE_CHECKING:  # intake is imported when a file is read: commands that read none start faster
    from sheetsync.intake.limits import Limits

EXAMPLE_MARKERS = ("【示例】", "[示例]", "[Example]", "示例")
INFERRED_MARK = ("（推断）", "(inferred)")


# ---------------------------------------------------------------- reading
def load_grids(path: str | Path, limits: Limits | None = None, *, hook: str | None = None) -> dict[str, Grid]:
    """Every sheet of a master as 2-D values; merged ranges carry their top-left value.

    The file is read in a limited child (:func:`sheetsync.intake.isolate.call_isolated`): a master
    is a file a user hands us, as untrusted as a return (issue 17: a 1.6 KB master with one far
    cell made the allocator abort the process). Its refusals keep their messages; the reader's
    death (crash, memory cap, timeout) is a :class:`FileUnusable` naming the file and what to do.
    ``limits``: the child's (and the checks') limits, intake's defaults unless given; ``hook``:
    intake's test seam (the child calls it with the path first). Reading the same bytes again
    (check, then its rules and calendar, in one command) gets the grids already read.
    """
    from sheetsync.intake.data import decode_value
    from sheetsync.intake.isolate import call_isolated
    from sheetsync.intake.limits import Limits

    path = Path(path)
    if not path.exists():
        raise SheetsyncError(t("core.file_missing", file=str(path)), file=str(path))
    if not path.is_file() or not (zipfile.is_zipfile(path) or is_ole(path)):  # a folder or a FIFO is no workbook
        raise FileUnusable(t("core.not_workbook", file=str(path), reason=sniff_reason(path)), file=str(path))
    key = _cache_key(path, limits) if hook is None else None
    cached = _READ.get(key) if key is not None else None
    if cached is None:
        sheets = call_isolated("sheetsync.master.workbook:grids_json",
                               {"path": str(path.resolve()), "shown": str(path),
                                "limits": (limits or Limits()).to_json()},
                               file=path, limits=limits, hint=t("core.master_read_hint"), hook=hook)
        for _name, rows in sheets:  # in place: a city master's grid is not copied once more
            for row in rows:
                for i, v in enumerate(row):
                    if type(v) is dict:
                        row[i] = decode_value(v)
        cached = dict(sheets)
        if key is not None:
            _READ.clear()  # the last file read: what one command reads again, no more
            _READ[key] = cached
    return {name: [list(row) for row in grid] for name, grid in cached.items()}  # the caller's own lists


_READ: dict[tuple[Any, ...], dict[str, Grid]] = {}


def _cache_key(path: Path, limits: Limits | None) -> tuple[Any, ...] | None:
    """The file's content (same bytes, same grids: a file edited or replaced in between is read
    again) and the limits it is read with; None inside a limited child, which must not keep what
    it read, and for a file too large to be read at all (the child says so)."""
    import hashlib

    from sheetsync.intake import _child
    from sheetsync.intake.limits import Limits

    limits = limits or Limits()
    if _child.ISOLATED or path.stat().st_size > limits.file_bytes:
        return None
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return str(path.resolve()), digest.hexdigest(), json.dumps(limits.to_json(), sort_keys=True)


def grids_json(path: str, shown: str, limits: dict[str, Any]) -> list[list[Any]]:
    """The child's side of :func:`load_grids`: ``[sheet name, rows]`` pairs in sheet order, cell
    values JSON-encoded (dates survive). ``path`` is absolute (the child runs elsewhere);
    ``shown`` is the path as the user gave it, for messages."""
    from sheetsync.intake.data import encode_value
    from sheetsync.intake.limits import Limits

    try:
        grids = read_grids(Path(path), Limits.from_json(limits), shown=shown)
    except SheetsyncError as exc:
        exc.file = shown
        raise
    for grid in grids.values():  # in place: the child's memory cap holds one copy of the grids
        for row in grid:
            for i, v in enumerate(row):
                if isinstance(v, (date, time, timedelta)):
                    row[i] = encode_value(_plain(v))
    return [[name, grid] for name, grid in grids.items()]


def _plain(v: Any) -> Any:
    """A value openpyxl may give that JSON cannot carry, as calamine's reader gives it."""
    if isinstance(v, time):
        return v.isoformat()
    if isinstance(v, timedelta):
        return v.total_seconds() / 86400
    return v


def read_grids(path: Path, limits: Limits | None = None, *, shown: str | None = None) -> dict[str, Grid]:
    """The read itself, in this process: intake's checks and calamine, else openpyxl (where the
    checks refuse the file for a reason openpyxl survives). Call :func:`load_grids` instead; this
    runs in its child."""
    grids = _checked_grids(path, limits)
    return grids if grids is not None else _openpyxl_grids(path, shown)


def _openpyxl_grids(path: Path, shown: str | None = None) -> dict[str, Grid]:
    """The grids as openpyxl reads them (files intake's checks would refuse: read, or refused
    with openpyxl's reason, as before the checked reader existed)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        name = shown or str(path)
        raise FileUnusable(t("core.not_workbook", file=name, reason=type(exc).__name__), file=name) from exc
    grids: dict[str, Grid] = {}
    for ws in wb.worksheets:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(grid) else None
            for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
                row = grid[r - 1]
                for c in range(rng.min_col, rng.max_col + 1):
                    if c <= len(row):
                        row[c - 1] = top
        grids[ws.title] = grid
    wb.close()
    return grids


# intake refusals openpyxl must never be given the file after: it would inflate the bomb,
# expand the entity or build the far-corner grid itself (issue 17: a 1.6 KB master with one far
# cell killed the process). A cell just past the return limits (a wide master) is still read.
HOSTILE = frozenset({"too-many-entries", "duplicate-entry", "entry-too-large", "total-too-large", "ratio-too-high",
                     "size-lies", "xml-dtd"})
MAX_OPENPYXL_CELLS = 5_000_000  # rows × columns up to a far cell that openpyxl may still lay out


def _refuse_hostile(path: Path, findings: list[Any]) -> None:
    """Raise :class:`FileUnusable` with intake's own message (file, sheet, cell, what to do)."""
    from sheetsync.intake.cells import split_address

    for f in findings:
        row, col = split_address(f.cell) if f.code == "cells-beyond-limit" and f.cell else (0, 0)
        if f.code in HOSTILE or row * col > MAX_OPENPYXL_CELLS or (f.code == "cells-beyond-limit" and not row):
            raise FileUnusable(f.message, file=str(path))


def _checked_grids(path: Path, limits: Limits | None = None) -> dict[str, Grid] | None:
    """Every sheet read as returns are (intake's checks, then python-calamine), in this process;
    None when intake would refuse the file — openpyxl below then reads it or says why not.

    Why: calamine reads a city master in a small fraction of openpyxl's time (much of which is
    openpyxl's import; benchmarks/RESULTS.md). calamine is only safe after intake's zip and sheet scans (a cell at XFD1048576 makes
    it allocate terabytes and abort the process), and those run first here too.
    """
    from sheetsync.intake import Limits, WorkbookData, inspect_file
    from sheetsync.intake.reader import parse_file

    limits = limits or Limits()
    ins = inspect_file(path, limits)
    _refuse_hostile(path, ins.findings)
    if is_ole(path) and not (ins.ok and ins.kind == "xls"):
        # an OLE file that is no plain .xls (encrypted, a .doc, damaged): intake's words, not openpyxl's
        reason = ins.errors[0].message if ins.errors else t("core.reason_not_zip")
        raise FileUnusable(t("core.not_workbook", file=str(path), reason=reason), file=str(path))
    if not ins.ok or ins.kind not in ("xlsx", "xlsm", "xls"):
        return None
    try:
        data = parse_file(str(path), ins.kind, limits, None, merged=True)
    except Exception:  # noqa: BLE001 - a parser error here means: let openpyxl read it, or say why not
        return None
    if not isinstance(data, WorkbookData):
        _refuse_hostile(path, data.findings)
        return None
    grids: dict[str, Grid] = {}
    for sheet in data.sheets:
        grid: Grid = sheet.rows
        width = max((len(r) for r in grid), default=0)
        for r1, c1, r2, c2 in sheet.merged:
            if r1 > len(grid) or c1 > width:
                continue  # nothing was typed there: openpyxl gives blanks too
            top = grid[r1 - 1][c1 - 1]
            for row in grid[r1 - 1:r2]:
                if len(row) < c2:  # a merge reaching past the last typed column (a title)
                    row.extend([None] * (min(c2, limits.cols) - len(row)))
                row[c1 - 1:c2] = [top] * (len(row[c1 - 1:c2]))
        grids[sheet.name] = grid
    return grids


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_ole(path: Path) -> bool:
    """An OLE compound file: what WPS and old Excel save as .xls (read like .xlsx, merges too)."""
    try:
        with path.open("rb") as fh:
            return fh.read(8) == _OLE
    except OSError:
        return False


def require_xlsx(path: str | Path, action: str) -> None:
    """Refuse to write on an .xls master (openpyxl writes only .xlsx): ``action`` says what needs it."""
    p = Path(path)
    if is_ole(p):
        raise SheetsyncError(t("core.xls_needs_xlsx", file=str(p), action=action), file=str(p),
                             hint=t("core.xls_needs_xlsx_hint"))


def sniff_reason(path: Path) -> str:
    """Why a file that is no zip is no workbook, in words (empty, an old .xls, not a zip)."""
    if not path.is_file():
        return t("core.reason_not_zip")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        return t("core.reason_empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return t("core.reason_xls")
    return t("core.reason_not_zip")


def read_master(path: str | Path) -> Master:
    """Read a master workbook; raises :class:`SheetsyncError` when it cannot be used at all."""
    master = master_from_grids(load_grids(path), path=Path(path))
    return master


def _find_sheet(grids: dict[str, Grid], spec: schema.SheetSpec) -> tuple[str, HeaderMatch] | None:
    names = {norm_key(s) for s in spec.name.spellings()}
    for title, grid in grids.items():
        if norm_key(title) in names:
            match = find_header(grid, spec)
            if match:
                return title, match
    # no sheet of that name: the sheet whose header fits best (a master made by hand)
    best: tuple[int, str, HeaderMatch] | None = None
    for title, grid in grids.items():
        match = find_header(grid, spec)
        if match and not match.missing(spec):
            score = len(match.columns)
            if best is None or score > best[0]:
                best = (score, title, match)
    return (best[1], best[2]) if best else None


def _col_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


_text = value_text


def _rows(grid: Grid, match: HeaderMatch):
    for r in range(match.first_data_row, len(grid) + 1):
        row = grid[r - 1]
        values = {k: (row[c - 1] if c <= len(row) else None) for k, c in match.columns.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        yield r, values


def _is_example(*texts: str) -> bool:
    return any(s.startswith(m) for s in texts for m in EXAMPLE_MARKERS if s)


_SPECS: dict[str, schema.SheetSpec] = {"tasks": schema.TASKS, "units": schema.UNITS, "phases": schema.PHASES,
                                       "settings": schema.SETTINGS}


def master_from_grids(grids: dict[str, Grid], path: Path | None = None) -> Master:
    """Build a master from sheet name → 2-D values (the file reader and the live Excel workbook)."""
    master = Master(path=path)
    fname = str(path) if path else ""
    found = {key: _find_sheet(grids, spec) for key, spec in _SPECS.items()}
    if found["tasks"] is None:
        raise SheetsyncError(t("core.no_tasks_sheet", file=fname or "-"), file=fname)
    _check_headers(master, found, fname)
    if found["settings"]:
        _read_settings(master, grids, *found["settings"])
    if found["units"]:
        _read_units(master, grids, *found["units"], fname)
    _read_tasks(master, grids, *found["tasks"], fname)
    _read_parent_links(master, grids, *found["tasks"])
    if found["phases"]:
        _read_phases(master, grids, *found["phases"])
    return master


def _check_headers(master: Master, found: dict[str, tuple[str, HeaderMatch] | None], fname: str) -> None:
    """Record where each sheet was found, and a ``bad-header`` finding per required column missing."""
    for key, hit in found.items():
        if hit is None:
            continue
        title, match = hit
        master.layout[key] = (title, match.row, dict(match.columns))
        spec = _SPECS[key]
        for col_key in match.missing(spec):
            master.findings.append(Finding(
                "bad-header", "error",
                t("core.missing_column", sheet=title, column=spec.column(col_key).text(), row=match.row),
                sheet=title, cell=f"A{match.row}", file=fname,
            ))


def _read_settings(master: Master, grids: dict[str, Grid], title: str, match: HeaderMatch) -> None:
    """设置: label → value; a known label (in either language) is stored under its key."""
    for r, v in _rows(grids[title], match):
        label = _text(v.get("key"))
        if not label:
            continue
        key = schema.key_for(schema.SETTING_KEYS, label) or label
        master.setting_rows[key] = r
        master.settings[key] = _text(v.get("value"))


def _read_units(master: Master, grids: dict[str, Grid], title: str, match: HeaderMatch, fname: str) -> None:
    """单位: one unit per row, example rows skipped; an unknown 类别 is ``other`` with a finding."""
    for r, v in _rows(grids[title], match):
        name = _text(v.get("name"))
        if not name or _is_example(name):
            continue
        cat_text = _text(v.get("category"))
        inferred = any(cat_text.endswith(m) for m in INFERRED_MARK)
        for m in INFERRED_MARK:
            cat_text = cat_text.removesuffix(m)
        category = schema.key_for(schema.UNIT_CATEGORIES, cat_text) or ("" if not cat_text else "other")
        if cat_text and category == "other" and schema.key_for(schema.UNIT_CATEGORIES, cat_text) is None:
            col = match.columns["category"]
            master.findings.append(Finding(
                "bad-category", "warning", t("core.bad_category", value=cat_text),
                sheet=title, cell=f"{_col_letter(col)}{r}", file=fname,
                suggestions=[c.zh for c in schema.UNIT_CATEGORIES],
            ))
        master.units.append(Unit(
            name=name,
            aliases=split_unit_list(_text(v.get("aliases"))),
            category=category,
            groups=split_unit_list(_text(v.get("groups"))),
            contact=_text(v.get("contact")),
            phone=_text(v.get("phone")),
            email=_text(v.get("email")),
            inferred=inferred,
            row=r,
        ))


def _read_tasks(master: Master, grids: dict[str, Grid], title: str, match: HeaderMatch, fname: str) -> None:
    """任务: one task per row, example rows skipped; 配合单位 split knowing the units' group words
    (so 各乡镇(街道) stays one name), 目标值 read by :func:`_read_target`."""
    group_words = [g for u in master.units for g in u.groups]
    for r, v in _rows(grids[title], match):
        task_id = _text(v.get("id"))
        title_text = _text(v.get("title"))
        if _is_example(task_id, title_text):
            continue
        target_unit = _text(v.get("target_unit"))
        target = _read_target(master, v.get("target"), target_unit, title, match, r, fname)
        master.tasks.append(Task(
            id=task_id,
            title=title_text,
            content=_text(v.get("content")),
            lead=_text(v.get("lead")),
            co_units=split_unit_list(_text(v.get("co_units")), group_words),
            deadline=_text(v.get("deadline")),
            indicator=_text(v.get("indicator")),
            target=target.value if target else None,
            target_op=target.op if target else ">=",
            target_unit=target_unit,
            note=_text(v.get("note")),
            row=r,
        ))


def _read_parent_links(master: Master, grids: dict[str, Grid], title: str, match: HeaderMatch) -> None:
    """A derived master's 上级任务编号 / 上级角色 / 上级完成时限 columns (sheetsync.levels), wherever
    they are in the header row, and its hidden record of the level above (``_sheetsync``).

    Why read here: a township may split a task (3-1, 3-2) and each row keeps its parent's id,
    which the roll-up's summary carries up to the return for the county."""
    grid = grids[title]
    header = grid[match.row - 1] if match.row <= len(grid) else []
    where: dict[str, int] = {}
    for col in schema.PARENT_COLUMNS:
        names = {norm_key(s) for s in col.spellings()}
        for i, v in enumerate(header):
            if norm_key(_text(v)) in names:
                where[col.key] = i
                break
    if where:
        by_row = {t_.row: t_ for t_ in master.tasks}
        for r in range(match.first_data_row, len(grid) + 1):
            task = by_row.get(r)
            if task is None:
                continue
            row = grid[r - 1]
            for key, i in where.items():
                setattr(task, key, _text(row[i]) if i < len(row) else "")
    meta = grids.get(schema.META_SHEET)
    if meta:
        master.parent = {_text(row[0]): _text(row[1]) for row in meta if len(row) >= 2 and _text(row[0])}


def _read_target(master: Master, raw: Any, unit: str, title: str, match: HeaderMatch, r: int,
                 fname: str) -> TargetValue | None:
    """A 目标值 cell with its direction (a clerk may type ≤5 or 不超过5); anything that is not one
    number is a ``bad-target`` error on its cell, never a silently dropped target."""
    target = parse_target_value(raw, unit=unit)
    if raw not in (None, "") and target is None:
        col = match.columns["target"]
        master.findings.append(Finding(
            "bad-target", "error", t("check.bad_target", value=_text(raw)),
            sheet=title, cell=f"{_col_letter(col)}{r}", file=fname,
        ))
    return target


def _read_phases(master: Master, grids: dict[str, Grid], title: str, match: HeaderMatch) -> None:
    """阶段: name, start and end dates (as parse_date reads them), note."""
    for r, v in _rows(grids[title], match):
        name = _text(v.get("name"))
        if not name or _is_example(name):
            continue
        master.phases.append(Phase(name, parse_date(v.get("start")), parse_date(v.get("end")),
                                   _text(v.get("note")), row=r))


def task_cell(master: Master, task: Task, column: str) -> tuple[str, str]:
    """(sheet, cell) of a task's column as read, for findings; falls back to the written layout."""
    title, header_row, cols = master.layout.get("tasks", (schema.TASKS.name.text(), 1, {}))
    col = cols.get(column) or [c.key for c in schema.TASKS.columns].index(column) + 1
    row = task.row or header_row + 1
    return title, f"{_col_letter(col)}{row}"


def setting_cell(master: Master, key: str) -> tuple[str, str]:
    """(sheet, cell) of a setting's value as read, for findings."""
    title, header_row, cols = master.layout.get("settings", (schema.SETTINGS.name.text(), 1, {}))
    return title, f"{_col_letter(cols.get('value', 2))}{master.setting_rows.get(key, header_row + 1)}"


def unit_cell(master: Master, unit: Unit, column: str) -> tuple[str, str]:
    title, header_row, cols = master.layout.get("units", (schema.UNITS.name.text(), 1, {}))
    col = cols.get(column) or [c.key for c in schema.UNITS.columns].index(column) + 1
    return title, f"{_col_letter(col)}{unit.row or header_row + 1}"


# ---------------------------------------------------------------- writing
def _category_text(unit: Unit, lang: str) -> str:
    if not unit.category:
        return ""
    text = schema.label_for(schema.UNIT_CATEGORIES, unit.category, lang)
    if unit.inferred:
        text += INFERRED_MARK[0] if lang == "zh" else INFERRED_MARK[1]
    return text


def category_text(unit: Unit, lang: str | None = None) -> str:
    """The 类别 cell as :func:`write_master` writes it (with the 推断 mark); the ribbon's
    导入方案 appends unit rows to an open master and must write them the same way."""
    return _category_text(unit, lang or get_lang())


def _target_cell(task: Task) -> Any:
    """The 目标值 cell: a number for "at least", "≤5" text for an upper limit (read back alike)."""
    if isinstance(task.target, str):  # a caller's text kept as given (check reports it)
        return task.target
    return target_cell(task.target, task.target_op)


def write_master(master: Master, path: str | Path, *, lang: str | None = None, examples: bool = False) -> Path:
    """Write ``master`` as a formatted workbook (atomically). ``examples`` adds marked example rows."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    from sheetsync.workbook import xlsxio

    lang = lang or get_lang()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)

    # 填写说明
    ws = wb.create_sheet(schema.INSTRUCTIONS.text(lang))
    _write_instructions(ws, master, lang)

    # 任务
    rows = [[t_.id, t_.title, t_.content, t_.lead, "、".join(t_.co_units), t_.deadline, t_.indicator,
             _target_cell(t_), t_.target_unit, t_.note] for t_ in master.tasks]
    ws, last = _table_sheet(wb, schema.TASKS, (_example_tasks(lang) if examples else []) + rows, lang, freeze_col=3)
    if any(t_.parent_id for t_ in master.tasks):
        _parent_columns(ws, master, lang)
    n_units = max(len(master.units) + 50, 200)
    # stored without a leading "=": Excel's own files never have it (issue 16)
    unit_list = f"'{spec_title(schema.UNITS, lang)}'!$A$2:$A${n_units + 1}"
    dv = DataValidation(type="list", formula1=unit_list, allow_blank=True, showErrorMessage=False,
                        showInputMessage=True, promptTitle=t("core.dv_lead_title", lang=lang),
                        prompt=t("core.dv_lead_prompt", lang=lang))
    dv.add(f"D2:D{max(last, 2) + 500}")
    ws.add_data_validation(dv)
    # a prompt, not a refusal: "≤5" / "不超过5" (an upper limit) is a valid 目标值 too; check reads it
    dvn = DataValidation(allow_blank=True, showErrorMessage=False, showInputMessage=True,
                         promptTitle=t("core.dv_target_title", lang=lang), prompt=t("core.dv_target_error", lang=lang))
    dvn.add(f"H2:H{max(last, 2) + 500}")
    ws.add_data_validation(dvn)

    # 单位
    rows = [[u.name, "、".join(u.aliases), _category_text(u, lang), "；".join(u.groups), u.contact, u.phone, u.email]
            for u in master.units]
    ws, last = _table_sheet(wb, schema.UNITS, (_example_units(lang) if examples else []) + rows, lang, freeze_col=2)
    cats = ",".join(c.text(lang) for c in schema.UNIT_CATEGORIES)
    dv = DataValidation(type="list", formula1=f'"{cats}"', allow_blank=True, showErrorMessage=False)
    dv.add(f"C2:C{max(last, 2) + 500}")
    ws.add_data_validation(dv)

    # 阶段
    ws, last = _table_sheet(wb, schema.PHASES, [[p.name, p.start, p.end, p.note] for p in master.phases], lang)
    for r in range(2, last + 1):
        for c in (2, 3):
            ws.cell(row=r, column=c).number_format = "yyyy-mm-dd"

    # 设置
    known = {lab.key for lab in schema.SETTING_KEYS}
    rows = [[lab.text(lang), master.settings.get(lab.key, ""), t(f"setting.help.{lab.key}", lang=lang)]
            for lab in schema.SETTING_KEYS]
    rows += [[key, value, ""] for key, value in master.settings.items() if key not in known]
    _table_sheet(wb, schema.SETTINGS, rows, lang, freeze_col=2)
    if examples:  # a new master: the default 考核规则 as rows the clerk edits (sheetsync.assess)
        from sheetsync.assess.rules import write_rules_sheet

        write_rules_sheet(wb, lang)

    if master.parent:
        _parent_record(wb, master.parent)
    wb.active = 1
    return xlsxio.save_atomic(wb, Path(path))


def _parent_columns(ws: Any, master: Master, lang: str) -> None:
    """上级任务编号 / 上级角色 / 上级完成时限 after the task columns (a derived master)."""
    from sheetsync.workbook import xlsxio

    first = len(schema.TASKS.columns) + 1
    cols = schema.PARENT_COLUMNS
    st = xlsxio.styles()
    for i, c in enumerate(cols):
        head = xlsxio.set_value(ws.cell(row=1, column=first + i), c.text(lang))
        head.font, head.fill, head.border, head.alignment = st["header_font"], st["header_fill"], st["border"], st["center"]
        ws.column_dimensions[_col_letter(first + i)].width = c.width
    for r, task in enumerate(master.tasks, start=2):
        for i, c in enumerate(cols):
            cell = xlsxio.set_value(ws.cell(row=r, column=first + i), getattr(task, c.key))
            cell.font, cell.alignment = st["body_font"], st["wrap"]
    ws.auto_filter.ref = f"A1:{_col_letter(first + len(cols) - 1)}{max(len(master.tasks) + 1, 2)}"


def _parent_record(wb: Any, record: dict[str, str]) -> None:
    """The very hidden key | value sheet recording the level above (read by :func:`_read_parent_links`)."""
    from sheetsync.workbook import xlsxio

    ws = wb.create_sheet(schema.META_SHEET)
    for r, (key, value) in enumerate(record.items(), start=1):
        xlsxio.set_value(ws.cell(row=r, column=1), key)
        xlsxio.set_value(ws.cell(row=r, column=2), value)
    ws.sheet_state = "veryHidden"


def _table_sheet(wb: Any, spec: schema.SheetSpec, rows: list[list[Any]], lang: str,
                 freeze_col: int = 1) -> tuple[Any, int]:
    """A sheet of ``spec``'s columns: header, body, freeze panes, filter; returns (sheet, last row)."""
    from sheetsync.workbook import xlsxio

    ws = wb.create_sheet(spec.name.text(lang))
    widths = [c.width for c in spec.columns]
    xlsxio.write_header(ws, 1, [c.text(lang) for c in spec.columns], widths)
    last = xlsxio.write_rows(ws, 2, rows, widths, [c.wrap for c in spec.columns]) - 1
    xlsxio.finish_table(ws, 1, last, len(spec.columns), freeze_col=freeze_col)
    return ws, last


def spec_title(spec: schema.SheetSpec, lang: str) -> str:
    return spec.name.text(lang)


def _write_instructions(ws: Any, master: Master, lang: str) -> None:
    from sheetsync.workbook import xlsxio

    st = xlsxio.styles()
    ws.column_dimensions["A"].width = 60
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    title = t("core.instructions_title", lang=lang, region=master.region, plan=master.plan_name).strip()
    c = xlsxio.set_value(ws.cell(row=1, column=1), title)
    c.font, c.alignment = st["title"], st["wrap"]
    ws.row_dimensions[1].height = xlsxio.row_height([(title, 60 / 1.5)], line_height=24)  # 16 pt title
    lines = t("core.instructions_body", lang=lang).split("\n")
    for i, line in enumerate(lines, start=3):
        c = xlsxio.set_value(ws.cell(row=i, column=1), line)
        c.font, c.alignment = st["body_font"], st["wrap"]
        ws.row_dimensions[i].height = xlsxio.row_height([(line, 60)])


def _example_tasks(lang: str) -> list[list[Any]]:
    mark = t("core.example_marker", lang=lang)
    if lang == "en":
        return [[f"{mark}1.1", "Hold a training session on the plan", "Train all officers of each unit on the plan",
                 "Publicity Department", "Each township; Education Bureau", "2026-12-31", "Training sessions", 2,
                 "sessions", "Delete example rows before use"]]
    return [[f"{mark}1.1", "开展方案专题培训", "组织本单位干部职工学习实施方案，每年不少于2次", "县委宣传部",
             "各乡镇(街道)、县教育局", "2026年12月底", "培训场次", 2, "次", "示例行，使用前请删除"]]


def _example_units(lang: str) -> list[list[Any]]:
    mark = t("core.example_marker", lang=lang)
    if lang == "en":
        return [[f"{mark}Education Bureau", "Edu", "Government department", "Government departments",
                 "Li", "0000-0000000", "edu@example.org"]]
    return [[f"{mark}县教育局", "教育局、教委", "政府部门", "政府各部门", "李某", "0000-0000000", "edu@example.org"]]


def new_master(path: str | Path, *, lang: str | None = None, force: bool = False,
               region: str = "", plan: str = "") -> Path:
    """An empty master: headers, formatting, instructions and example rows marked as such."""
    path = Path(path)
    if path.exists() and not force:
        raise SheetsyncError(t("core.refuse_overwrite", file=str(path)), file=str(path))
    settings = {"region": region, "plan": plan}
    return write_master(Master(settings={k: v for k, v in settings.items() if v}), path, lang=lang, examples=True)


def template_path(lang: str | None = None) -> Path:
    """The shipped empty master in ``xlsx/`` (repository) — regenerated by tests when stale."""
    name = "master-template-en.xlsx" if (lang or get_lang()) == "en" else "任务分解表模板.xlsx"
    return Path(__file__).resolve().parents[3] / "xlsx" / name

