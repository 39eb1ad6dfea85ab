"""合并回收表, 标注缺口, 刷新总览: the roll-up, shown in the master.

合并回收表 is ``sheetsync merge`` on the saved master; the other two read the ledger the merge
filled (``sheetsync.merge.status`` with the open workbook as the master) and write only into our
own sheets and marks, so they can be clicked as often as wanted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master
from sheetsync.i18n import t
from sheetsync.ledger import default_path
from sheetsync.ribbon.sheets import (
    AMBER,
    GREEN,
    GREY,
    RED,
    cell_value,
    clear_note,
    find_own,
    fresh_sheet,
    master_file,
    paint,
    period_of,
    require_saved,
    set_note,
    write_table,
)
from sheetsync.rollup.compute import Rollup

OUTCOME_FILL = {"accepted": GREEN, "warnings": AMBER, "rejected": RED, "duplicate": GREY, "skipped": GREY}
STATUS_KEYS = ("done", "in_progress", "ongoing", "not_started", "lagging", "overdue", "not_reported")


def rollup_path(master_path: Path, master: Master, period: str) -> Path:
    """Where 合并回收表 writes the roll-up and 报送汇总 finds it: beside the master,
    ``{地区名称}_{报送周期}_汇总表.xlsx`` (one file per period, replaced by each merge)."""
    from sheetsync.split.workbook import safe_filename

    name = t("ribbon.merge.output", region=master.region, period=period).lstrip("_")
    return master_path.parent / (safe_filename(name) + ".xlsx")


# ---------------------------------------------------------------- 合并回收表
def merge_returns(book: Any, folder: Path) -> str:
    """合并回收表: ``merge_returns(master file, [folder], roll-up beside the master)``.

    The master must be saved as it is on screen (see :func:`~sheetsync.ribbon.sheets.require_saved`).
    One row per file found goes to the 合并结果 sheet, coloured by outcome.
    """
    from sheetsync.merge import merge_returns as run
    from sheetsync.ribbon.handlers import live_master

    live = live_master(book)
    period = period_of(live)
    path = require_saved(book, live)
    res = run(path, [folder], rollup_path(path, live, period), period=period)

    sheet = fresh_sheet(book, "ribbon.sheet.merge")
    header = [t("ribbon.merge.col.file"), t("ribbon.merge.col.unit"), t("ribbon.merge.col.outcome"),
              t("ribbon.merge.col.problems")]
    rows = []
    for f in res.files:
        rows.append([_relative(f.path, folder), f.unit, t("merge.outcome." + f.outcome), "\n".join(res.problems(f))])
    write_table(sheet, header, rows)
    paint(sheet, {(r, 3): OUTCOME_FILL.get(f.outcome) for r, f in enumerate(res.files, start=2)})
    sheet.activate()

    counts = res.outcome_counts()
    lines = [res.files_summary(), _summary(res.rollup), t("merge.written", file=res.output)]
    if res.rollup.missing_units:
        lines.append(t("merge.missing_list", names="、".join(res.rollup.missing_units)))
    if counts["rejected"]:
        lines.append(t("ribbon.merge.rejected_hint", sheet=sheet.name))
    lines.append(t("ribbon.merge.next"))
    return "\n".join(lines)


def _relative(source: str, folder: Path) -> str:
    """File names as the clerk sees them in the folder they picked."""
    try:
        return str(Path(source).relative_to(folder))
    except ValueError:
        return source


def _summary(rollup: Rollup) -> str:
    """The headline line of the library's summary text (rollup.summary.summary_lines) and its notes."""
    from sheetsync.rollup.summary import summary_lines

    return "\n".join(summary_lines(rollup)[:1 + len(rollup.notes)])


def ledger_rollup(book: Any) -> tuple[Path, Master, Rollup]:
    """(master file, open master, the period's roll-up as the ledger stands).

    The ledger is ``sheetsync.db`` beside the saved master (where 合并回收表 wrote it); the tasks,
    units and settings are the open workbook's, unsaved edits included — exactly
    ``sheetsync status`` with the workbook on screen as the master.
    """
    from sheetsync.merge import status
    from sheetsync.ribbon.handlers import live_master

    live = live_master(book)
    period = period_of(live)
    path = master_file(book)
    db = default_path(path)
    if not db.is_file():
        raise SheetsyncError(t("ribbon.error.no_ledger", file=str(db)), hint=t("ribbon.error.no_ledger_hint"))
    return path, live, status(path, period, master=live)


# ---------------------------------------------------------------- 标注缺口
def mark_gaps(book: Any) -> str:
    """标注缺口: fill the 任务 rows of tasks with gaps (red: not reported/overdue, amber: the rest),
    a note on each listing its gaps, and the list in the 缺口标注 sheet. Marks of the previous
    run (recorded in that sheet's 位置 column) are removed first, so a fixed gap loses its mark."""
    from sheetsync.master.workbook import task_cell
    from sheetsync.ribbon.handlers import previous_marks

    _path, live, rollup = ledger_rollup(book)
    title, _header_row, cols = live.layout["tasks"]
    tasks_sheet = book.sheets[title]
    width = max(cols.values())
    marker = t("ribbon.gaps.note_prefix")
    names = [s.name for s in book.sheets]

    old = find_own(book, "ribbon.sheet.gaps")
    if old is not None:
        for sheet_name, cell in previous_marks(old):
            if sheet_name in names:
                sheet = book.sheets[sheet_name]
                row = sheet[cell].row
                sheet.range((row, 1), (row, width)).color = None
                clear_note(sheet[cell], marker)

    by_task = rollup.gaps_by_task()
    rows, fills = [], {}
    high = 0
    for tl in rollup.tasks:
        gaps = by_task.get(tl.task.id)
        if not gaps or tl.task.row is None:
            continue
        severe = any(g.severity == "high" for g in gaps)
        high += severe
        colour = RED if severe else AMBER
        row = tl.task.row
        tasks_sheet.range((row, 1), (row, width)).color = colour
        lines = [_gap_line(g) for g in gaps]
        sheet_name, cell = task_cell(live, tl.task, "title")
        set_note(tasks_sheet[cell], "\n".join(lines)[:2000], marker)
        rows.append([tl.task.id, tl.task.title, f"{sheet_name}!{cell}",
                     t("rollup.severity.high" if severe else "rollup.severity.medium"), "\n".join(lines)])
        fills[(len(rows) + 1, 4)] = colour

    sheet = fresh_sheet(book, "ribbon.sheet.gaps", old)
    write_table(sheet, [schema.rollup_column("id"), schema.rollup_column("title"), t("check.col.location"),
                        schema.rollup_column("severity"), t("ribbon.gaps.col.gaps")], rows)
    paint(sheet, fills)
    tasks_sheet.activate()
    if not rows:
        return t("ribbon.gaps.none", period=rollup.period) + "\n" + _summary(rollup)
    return "\n".join([t("ribbon.gaps.done", n=len(rows), sheet=title, high=high, medium=len(rows) - high,
                        list=sheet.name), _summary(rollup)])


def _gap_line(g: Any) -> str:
    kind = t("merge.gap." + g.type)
    if g.detail:
        return t("ribbon.gaps.line_detail", kind=kind, unit=g.unit or "-", detail=g.detail)
    return t("ribbon.gaps.line", kind=kind, unit=g.unit or "-")


# ---------------------------------------------------------------- 刷新总览
def refresh_overview(book: Any) -> str:
    """刷新总览: the 总览 sheet — headline figures, task statuses, gap counts and one row per unit —
    rewritten from the ledger's current roll-up."""
    path, _live, rollup = ledger_rollup(book)
    h = rollup.headline()
    sheet = fresh_sheet(book, "ribbon.sheet.overview")
    sheet["A1"].value = cell_value(t("rollup.title", region=rollup.region, plan=rollup.plan, period=rollup.period))
    sheet["A1"].font.bold = True

    head = [(k, h[k]) for k in ("units_expected", "units_reported", "units_missing")]
    items: list[tuple[str, str, Any]] = [
        ("period", t("rollup.head.period"), rollup.period),
        ("as_of", t("rollup.head.as_of"), rollup.as_of.isoformat()),
        *[(k, t(f"rollup.head.{k}"), v) for k, v in head],
        ("", t("ribbon.overview.missing_units"), "、".join(rollup.missing_units)),
        ("tasks", t("rollup.head.tasks"), h["tasks"]),
        *[(k, t(f"rollup.head.{k}"), h[k]) for k in STATUS_KEYS],
        ("completion_rate", t("rollup.head.completion_rate"), f"{h['completion_rate']}%"),
        ("gaps", t("rollup.head.gaps"), len(rollup.gaps)),
        *[("", t("ribbon.overview.gap_kind", kind=t("merge.gap." + k)), n) for k, n in rollup.gap_counts().items()],
        ("", t("ribbon.overview.ledger"), str(default_path(path))),
    ]
    write_table(sheet, [schema.rollup_column("item"), schema.rollup_column("value")], [[label, v] for _, label, v in items], top=3)
    alarm = {"units_missing": RED, "overdue": RED, "not_reported": RED, "lagging": AMBER}
    fills: dict[tuple[int, int], Any] = {(4 + i, 2): alarm[k] for i, (k, _, v) in enumerate(items)
                                         if k in alarm and v}
    top = 4 + len(items) + 1
    gaps = rollup.gaps_by_unit()
    units = [[u.unit, t("rollup.yes" if u.reported else "rollup.no"), u.received_at.replace("T", " ")[:16],
              u.tasks, u.done, len(gaps.get(u.unit, []))] for u in rollup.units]
    write_table(sheet, [t(f"status.col.{k}") for k in ("unit", "reported", "received", "tasks", "done", "gaps")],
                units, top=top)
    fills.update({(top + i, 2): (GREEN if u.reported else RED) for i, u in enumerate(rollup.units, start=1)})
    paint(sheet, fills)
    sheet.activate()
    return "\n".join([t("ribbon.overview.done", sheet=sheet.name), _summary(rollup)])
