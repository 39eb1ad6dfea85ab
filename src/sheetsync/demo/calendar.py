"""The demo's year: the 2026 reporting calendar of 示例县 and the quarter before the demo's own.

The county reports quarterly (设置·报送频次 季报, deadline 次月5日 rolled to the next working day),
so the demo writes the 报送日历 of 2026 into a copy of the master and, before the fourth quarter is
merged, runs the third quarter through split and merge into the same ledger: the fourth
quarter's roll-up then has a 趋势 sheet (按时/迟报/未报 against the calendar, 完成率 and 较上期,
连续未报期数) and the 考核 can weigh both quarters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sheetsync.i18n import get_lang, t

PREVIOUS = "2026年第3季度"
ISSUED_AT = datetime(2026, 9, 20, 9, 0, 0)


@dataclass
class PreviousQuarter:
    period: str
    due: str
    sent: int
    late: int
    missing: int
    rollup: Path


def write_calendar(master_path: Path, folder: Path, *, lang: str | None = None) -> tuple[Path, int]:
    """``sheetsync schedule``: the 2026 报送日历 in a copy of the master (the master is not touched)."""
    from sheetsync.core.calendar import schedule
    from sheetsync.master.calendar_sheet import write_schedule_copy
    from sheetsync.master.workbook import read_master

    lang = lang or get_lang()
    sched = schedule(read_master(master_path), 2026)
    out = write_schedule_copy(master_path, sched, folder / t("demo.file.calendar", lang=lang), lang=lang)
    return out, len(sched.rows)


def previous_quarter(master_path: Path, folder: Path, ledger: Path, *, lang: str | None = None,
                     seed: int = 2025) -> PreviousQuarter:
    """Split, fill and merge 2026年第3季度: most units on time, a few late or silent, values about
    half of the fourth quarter's (the figures are cumulative over the year)."""
    import shutil

    import openpyxl

    from sheetsync.core.calendar import period_schedule
    from sheetsync.demo.run import _touch
    from sheetsync.master.workbook import read_master
    from sheetsync.merge import merge_returns
    from sheetsync.split.workbook import split_master

    lang = lang or get_lang()
    master = read_master(master_path)
    row, _ = period_schedule(master, PREVIOUS)  # type: ignore[misc]
    base = folder / t("demo.dir.previous", lang=lang)
    shutil.rmtree(base, ignore_errors=True)
    split = split_master(master, base / t("demo.dir.outgoing", lang=lang), period=PREVIOUS,
                         due=row.due.isoformat(), issued_at=ISSUED_AT, lang=lang)
    returns = base / t("demo.dir.returns", lang=lang)
    returns.mkdir(parents=True)
    rng = random.Random(seed)
    units = list(split.workbooks)
    silent = {units[i].unit for i in (5, 8, 40) if i < len(units)}  # 5 stays silent in the fourth quarter too
    late = {units[i].unit for i in (3, 11, 26, 30) if i < len(units)}
    sent = 0
    for i, wb_info in enumerate(units):
        if wb_info.unit in silent:
            continue
        wb = openpyxl.load_workbook(wb_info.file)
        _fill_earlier(wb.worksheets[0], rng)
        target = returns / wb_info.file.name
        wb.save(target)
        day = datetime.combine(row.due, datetime.min.time()) + timedelta(hours=10, minutes=i % 60)
        _touch(target, day + timedelta(days=6) if wb_info.unit in late else day - timedelta(days=1 + i % 6))
        sent += 1
    rollup = base / t("demo.file.rollup_previous", lang=lang)
    merge_returns(master_path, [returns], rollup, period=PREVIOUS, as_of=row.as_of, ledger_path=ledger, lang=lang)
    return PreviousQuarter(PREVIOUS, row.due.isoformat(), sent, len(late - silent), len(silent), rollup)


def _fill_earlier(ws: Any, rng: random.Random) -> None:
    """A third-quarter return: less done than at the year's end, values about half way."""
    from sheetsync.demo.run import roll_status

    ws.cell(row=2, column=2).value = rng.choice(["王丽", "张强", "李娜", "赵军", "陈静"])
    ws.cell(row=2, column=5).value = f"139{rng.randint(10000000, 99999999)}"
    for r in range(4, ws.max_row + 1):
        if not ws.cell(row=r, column=1).value:
            continue
        status, progress = roll_status(rng)
        if status == "已完成" and rng.random() < 0.6:
            status, progress = "推进中", rng.choice([40, 50, 60])
        if status is None:
            continue
        target = ws.cell(row=r, column=6).value
        if isinstance(target, (int, float)) and ws.cell(row=r, column=4).value in ("牵头", "Lead"):
            ws.cell(row=r, column=9).value = round(target * rng.uniform(0.2, 0.45))
        ws.cell(row=r, column=7).value = status
        ws.cell(row=r, column=8).value = progress
        ws.cell(row=r, column=10).value = "已制定工作方案并召开部署会，正在按计划推进。"
