"""导入方案: an implementation plan (.txt/.md/.docx) into the open master, or into a new one.

``sheetsync import-plan --master`` merges the plan into a copy of a master; the button merges it
into the workbook on screen instead, by the same :func:`sheetsync.plan.import_plan`. Only
rows are added — new tasks, new units (filled amber with a note, since their names and
categories were inferred from the plan's wording), new phases, empty settings — and nothing the
user typed is overwritten or deleted: a task whose id is already in the master keeps its row.
With no master open (a blank Excel), a new master file is written next to the plan, as the CLI
would write it, and opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Phase, Task, Unit
from sheetsync.core.targets import target_cell
from sheetsync.i18n import t
from sheetsync.ribbon.sheets import AMBER, cell_value, last_row, set_note
from sheetsync.workbook.headers import Grid

MAX_WARNINGS_SHOWN = 8


def import_plan(book: Any, plan: Path) -> str:
    """导入方案: merge the plan's tasks, units and phases into the open master (see module doc)."""
    from sheetsync.plan import import_plan as run
    from sheetsync.ribbon.handlers import live_read

    try:
        grids, live = live_read(book)
    except SheetsyncError:  # the only error reading grids raises: no 任务 sheet — not a master
        return _new_master(book, plan)
    result = run(plan, live)
    new_tasks = [tk for tk in result.master.tasks if tk.row is None]
    new_units = [u for u in result.master.units if u.row is None]
    new_phases = [p for p in result.master.phases if p.row is None]
    _append_tasks(book, grids, live, new_tasks)
    _append_units(book, grids, live, new_units)
    _append_phases(book, grids, live, new_phases)
    settings = _fill_settings(book, grids, live, result.master.settings)
    book.sheets[live.layout["tasks"][0]].activate()

    with_units = sum(1 for it in result.tasks if it.task.responsible)
    lines = [t("plan.summary", file=plan.name, tasks=len(result.tasks), with_units=with_units,
               units=len(result.new_units), phases=len(result.phases)),
             t("ribbon.plan.added", tasks=len(new_tasks), units=len(new_units), phases=len(new_phases),
               settings=len(settings))]
    kept = len(result.tasks) - len(new_tasks)
    if kept:
        lines.append(t("ribbon.plan.kept", n=kept))
    if new_units:
        lines.append(t("ribbon.plan.units_marked"))
    lines += _warnings(result.warnings)
    lines.append(t("ribbon.plan.next"))
    return "\n".join(lines)


def _warnings(warnings: list[str]) -> list[str]:
    shown = [t("plan.warning_prefix") + w for w in warnings[:MAX_WARNINGS_SHOWN]]
    if len(warnings) > MAX_WARNINGS_SHOWN:
        shown.append(t("ribbon.plan.more_warnings", n=len(warnings) - MAX_WARNINGS_SHOWN))
    return shown


def _new_master(book: Any, plan: Path) -> str:
    """No master is open: write one beside the plan (never over an existing file) and open it."""
    from sheetsync.master.workbook import write_master
    from sheetsync.plan import import_plan as run
    from sheetsync.split.workbook import safe_filename

    result = run(plan, None)
    stem = safe_filename(t("ribbon.plan.new_name", plan=plan.stem))
    out = plan.parent / f"{stem}.xlsx"
    n = 2
    while out.exists():
        out = plan.parent / f"{stem}({n}).xlsx"
        n += 1
    write_master(result.master, out)
    with_units = sum(1 for it in result.tasks if it.task.responsible)
    lines = [t("plan.summary", file=plan.name, tasks=len(result.tasks), with_units=with_units,
               units=len(result.new_units), phases=len(result.phases)),
             t("ribbon.plan.new_master", file=str(out))]
    try:
        book.app.books.open(str(out))
    except Exception as exc:  # the file is written; opening it is a convenience, the reason is shown
        lines.append(t("ribbon.plan.open_failed", error=f"{type(exc).__name__}: {exc}"))
    lines += _warnings(result.warnings)
    lines.append(t("ribbon.plan.next"))
    return "\n".join(lines)


# ---------------------------------------------------------------- appending rows
def _sheet_for(book: Any, grids: dict[str, Grid], live: Master, spec: schema.SheetSpec
               ) -> tuple[Any, dict[str, int], int]:
    """(sheet, column key → column, first free row) of a master sheet; made with its header if absent."""
    key = spec.name.key
    if key in live.layout:
        title, header_row, cols = live.layout[key]
        return book.sheets[title], cols, max(last_row(grids.get(title, [])), header_row) + 1
    sheet = book.sheets.add(spec.name.text(), after=book.sheets[len(book.sheets) - 1])
    sheet["A1"].value = [[c.text() for c in spec.columns]]
    sheet.range((1, 1), (1, len(spec.columns))).font.bold = True
    return sheet, {c.key: i for i, c in enumerate(spec.columns, start=1)}, 2


def _write_rows(sheet: Any, cols: dict[str, int], first: int, rows: list[dict[str, Any]]) -> None:
    """Rows of column key → value, placed in the sheet's own column order, in one write."""
    if not rows:
        return
    width = max(cols.values())
    block = []
    for values in rows:
        line: list[Any] = [None] * width
        for key, value in values.items():
            if key in cols and value not in (None, ""):
                line[cols[key] - 1] = cell_value(value)
        block.append(line)
    sheet.range((first, 1)).value = block


def _append_tasks(book: Any, grids: dict[str, Grid], live: Master, tasks: list[Task]) -> None:
    sheet, cols, first = _sheet_for(book, grids, live, schema.TASKS)
    _write_rows(sheet, cols, first, [
        {"id": tk.id, "title": tk.title, "content": tk.content, "lead": tk.lead, "co_units": "、".join(tk.co_units),
         "deadline": tk.deadline, "indicator": tk.indicator, "target": target_cell(tk.target, tk.target_op),
         "target_unit": tk.target_unit, "note": tk.note} for tk in tasks])


def _append_units(book: Any, grids: dict[str, Grid], live: Master, units: list[Unit]) -> None:
    from sheetsync.master.workbook import category_text

    if not units:
        return
    sheet, cols, first = _sheet_for(book, grids, live, schema.UNITS)
    _write_rows(sheet, cols, first, [
        {"name": u.name, "aliases": "、".join(u.aliases), "category": category_text(u), "groups": "；".join(u.groups),
         "contact": u.contact, "phone": u.phone, "email": u.email} for u in units])
    width = max(cols.values())
    marker = t("ribbon.note_prefix")
    for i, u in enumerate(units):
        row = first + i
        sheet.range((row, 1), (row, width)).color = AMBER
        text = t("ribbon.plan.unit_note_inferred" if u.inferred else "ribbon.plan.unit_note")
        set_note(sheet.range((row, cols.get("name", 1))), text, marker)


def _append_phases(book: Any, grids: dict[str, Grid], live: Master, phases: list[Phase]) -> None:
    from datetime import datetime

    if not phases:
        return

    def when(d: Any) -> Any:  # Excel takes datetimes; a bare date is not converted by every engine
        return datetime(d.year, d.month, d.day) if d else None

    sheet, cols, first = _sheet_for(book, grids, live, schema.PHASES)
    _write_rows(sheet, cols, first, [{"name": p.name, "start": when(p.start), "end": when(p.end), "note": p.note}
                                     for p in phases])


def _fill_settings(book: Any, grids: dict[str, Grid], live: Master, settings: dict[str, str]) -> list[str]:
    """Settings the plan gives (计划名称, 地区名称, 计划年度) that the master leaves empty; keys written."""
    todo = {k: v for k, v in settings.items() if v and not live.setting(k)}
    if not todo:
        return []
    sheet, cols, first = _sheet_for(book, grids, live, schema.SETTINGS)
    key_col, value_col = cols.get("key", 1), cols.get("value", 2)
    grid = grids.get(sheet.name, [])
    header_row = live.layout["settings"][1] if "settings" in live.layout else 1
    appended: list[dict[str, Any]] = []
    for key, value in todo.items():
        spellings = next((lab.spellings() for lab in schema.SETTING_KEYS if lab.key == key), (key,))
        row = next((r for r in range(header_row + 1, len(grid) + 1)
                    if len(grid[r - 1]) >= key_col and str(grid[r - 1][key_col - 1] or "").strip() in spellings), None)
        if row is not None:
            sheet.range((row, value_col)).value = cell_value(value)
        else:
            label = next((lab.text() for lab in schema.SETTING_KEYS if lab.key == key), key)
            appended.append({"key": label, "value": value})
    _write_rows(sheet, cols, first, appended)
    return list(todo)
