"""A careless clerk's calendar: --year 0 / -1 / 99999, a 节假日 sheet giving one day both 休 and 班.
Each is a message, never a traceback or a year taken for another without a word.

Real parts: masters written by write_master with a 节假日 sheet added by openpyxl; the CLI in a
real process.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from helpers.robustness import run_cli
from sheetsync.core.calendar import load_calendar, schedule
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Task, Unit
from sheetsync.master.workbook import read_master, write_master


def master_file(tmp: Path, holidays: list[list[object]] | None = None) -> Path:
    m = Master(tasks=[Task("1", "任务一", lead="县教育局", deadline="2026年12月底")],
               units=[Unit("县教育局", email="jyj@example.test")],
               settings={"region": "示例县", "plan": "重点任务", "year": "2026", "frequency": "季报",
                         "due_rule": "季末月25日"})
    path = write_master(m, tmp / "master.xlsx")
    if holidays is not None:
        wb = openpyxl.load_workbook(path)
        ws = wb.create_sheet("节假日")
        for row in [["日期", "类型", "说明"], *holidays]:
            ws.append(row)
        wb.save(path)
    return path


@pytest.mark.parametrize("year", ["0", "-1", "10000", "99999", "1899"])
def test_a_year_no_calendar_can_be_made_for_is_refused(tmp_path: Path, year: str) -> None:
    master = master_file(tmp_path)
    proc = run_cli("schedule", master, f"--year={year}")
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr and year in proc.stderr and "1900" in proc.stderr
    with pytest.raises(SheetsyncError):
        schedule(read_master(master), int(year))


def test_the_plan_year_applies_only_without_year(tmp_path: Path) -> None:
    proc = run_cli("schedule", master_file(tmp_path))
    assert proc.returncode == 0 and "2026年第1季度" in proc.stdout, proc.stderr


def test_one_day_given_both_off_and_work_is_warned_and_the_first_row_stands(tmp_path: Path) -> None:
    master = master_file(tmp_path, [["2026-09-25", "休", "中秋"], ["2026-09-25", "班", "写错"],
                                    ["2026-09-26", "班", ""], ["2026-09-26", "班", "重复但一致"]])
    cal = load_calendar(read_master(master))
    assert not cal.is_working_day(date(2026, 9, 25))
    conflicts = [f for f in cal.findings if f.code == "holiday-conflict"]
    assert [(f.cell, f.severity) for f in conflicts] == [("B3", "warning")]
    assert "第2行" in conflicts[0].message and "2026-09-25" in conflicts[0].message
    proc = run_cli("schedule", master)
    assert proc.returncode == 0 and "节假日!B3" in proc.stderr, proc.stderr
