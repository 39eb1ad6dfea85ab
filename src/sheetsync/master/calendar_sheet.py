"""The sheet 报送日历 (期别 | 统计截至 | 报送截止 | 催报日 | 说明), written into a copy of the master.

The master itself is never modified: the clerk gets a copy with the calendar beside the tasks,
to check it before the year starts or to send it to the units with the plan.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.calendar import Schedule, ScheduleRow
from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import get_lang, t
from sheetsync.workbook import xlsxio


def row_values(row: ScheduleRow, lang: str | None = None) -> list[Any]:
    """One period as the sheet shows it: dates as dates, a deadline with a time as date and time."""
    lang = lang or get_lang()
    due: Any = row.due
    if row.due_time:
        h, m = (int(x) for x in row.due_time.split(":"))
        due = datetime(row.due.year, row.due.month, row.due.day, h, m)
    notes = []
    if row.nominal_due:
        notes.append(t("calendar.note_moved", lang=lang, date=row.nominal_due.isoformat()))
    if row.missing_years:
        notes.append(t("calendar.note_missing", lang=lang, years="、".join(map(str, row.missing_years))))
    return [row.period.label(lang), row.as_of, due, row.remind, "；".join(notes)]


def write_schedule_copy(master_path: str | Path, sched: Schedule, out: str | Path, *, lang: str | None = None) -> Path:
    """Copy the master to ``out`` with the sheet 报送日历 (replaced if the master had one)."""
    import openpyxl

    master_path, out = Path(master_path), Path(out)
    if out.resolve() == master_path.resolve():
        raise SheetsyncError(t("calendar.same_file", file=str(master_path)), file=str(master_path))
    from sheetsync.core.outputs import refuse_replacing

    refuse_replacing(out, "calendar", "derived")  # an earlier copy (of a derived master too); never the ledger or a roll-up
    lang = lang or get_lang()
    from sheetsync.master.workbook import require_xlsx

    require_xlsx(master_path, t("core.action.calendar"))
    wb = openpyxl.load_workbook(master_path)
    spec = schema.SCHEDULE
    name = spec.name.text(lang)
    for title in [n for n in wb.sheetnames if n in spec.name.spellings()]:
        del wb[title]
    ws = wb.create_sheet(name)
    widths = [c.width for c in spec.columns]
    xlsxio.write_header(ws, 1, [c.text(lang) for c in spec.columns], widths)
    rows = [row_values(r, lang) for r in sched.rows]
    last = xlsxio.write_rows(ws, 2, rows, widths, [c.wrap for c in spec.columns]) - 1
    for r, row in enumerate(sched.rows, start=2):
        for col in (2, 3, 4):
            ws.cell(row=r, column=col).number_format = "yyyy-mm-dd hh:mm" if col == 3 and row.due_time else "yyyy-mm-dd"
    xlsxio.finish_table(ws, 1, last, len(spec.columns))
    from sheetsync.core.outputs import make_parent

    make_parent(out)
    return xlsxio.save_atomic(wb, out)
