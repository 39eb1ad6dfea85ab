"""China's working days (holidays package + the master's 节假日 sheet) and the reporting calendar."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sheetsync.core.calendar import (
    MISSING_CODE,
    WorkCalendar,
    load_calendar,
    package_covers,
    parse_due_rule,
    schedule,
    working_days_late,
)
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Task, Unit
from sheetsync.i18n import set_lang


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


def master_file(tmp: Path, holidays: list[tuple[object, str, str]] | None = None, **settings: str) -> Path:
    """A real master written by write_master, with a 节假日 sheet added as a clerk would."""
    from sheetsync.master.workbook import write_master

    base = {"region": "示例县", "plan": "重点任务", "year": "2026"}
    base.update(settings)
    m = Master(tasks=[Task("1", "任务一", lead="县教育局", deadline="2026年12月底")],
               units=[Unit("县教育局", email="jyj@example.test")], settings=base)
    path = write_master(m, tmp / "master.xlsx")
    if holidays is not None:
        wb = openpyxl.load_workbook(path)
        ws = wb.create_sheet("节假日")
        ws.append(["日期", "类型", "说明"])
        for row in holidays:
            ws.append(list(row))
        wb.save(path)
    return path


def read(path: Path) -> Master:
    from sheetsync.master.workbook import read_master

    return read_master(path)


def test_2026_official_schedule_with_tiaoxiu() -> None:
    cal = WorkCalendar()
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday, 调休 working day
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday, 调休 working day
    assert not any(cal.is_working_day(date(2026, 2, d)) for d in range(16, 21))
    assert cal.is_working_day(date(2026, 2, 24)) and not cal.is_working_day(date(2026, 2, 21))
    assert cal.findings == []


def test_deadline_on_national_day_rolls_to_next_or_second_working_day() -> None:
    cal = WorkCalendar()
    assert cal.roll(date(2026, 10, 6), "next") == date(2026, 10, 8)
    assert cal.roll(date(2026, 10, 6), "second") == date(2026, 10, 9)
    assert cal.roll(date(2026, 10, 6), "none") == date(2026, 10, 6)
    assert cal.roll(date(2026, 10, 9), "second") == date(2026, 10, 9)  # a working day stays


def test_a_year_without_published_tiaoxiu_warns() -> None:
    # holidays 0.109 has the 2026 notice but not 2027's (published late 2026): 2027 is not covered
    assert package_covers(2026) and not package_covers(2027)
    cal = WorkCalendar()
    cal.is_working_day(date(2027, 3, 1))
    cal.is_working_day(date(2027, 3, 2))
    assert [f.code for f in cal.findings] == [MISSING_CODE]
    assert cal.findings[0].severity == "warning" and "2027" in cal.findings[0].message
    assert "节假日数据缺失" in cal.findings[0].message


def test_master_sheet_overrides_and_covers_a_year(tmp_path: Path) -> None:
    path = master_file(tmp_path, [
        (datetime(2027, 2, 6), "班", "春节调休上班"),
        ("2027-02-08", "休", "春节"),
        ("2026-03-02", "休", "县庆"),
        ("12月31日", "休", "no year: refused"),
        ("2027-05-06", "请假", "bad kind"),
    ])
    cal = load_calendar(read(path))
    assert cal.is_working_day(date(2027, 2, 6))  # a Saturday made a working day by the sheet
    assert not cal.is_working_day(date(2027, 2, 8))
    assert not cal.is_working_day(date(2026, 3, 2))  # a Monday off locally
    assert cal.is_working_day(date(2026, 2, 14))  # the package still answers the rest
    codes = [f.code for f in cal.findings]
    assert codes == ["holiday-bad-date", "holiday-bad-kind"]
    assert cal.findings[0].cell == "A5" and cal.findings[1].cell == "B6"
    assert MISSING_CODE not in codes  # 2027 has rows in 节假日: covered


def test_master_without_holiday_sheet_uses_the_package(tmp_path: Path) -> None:
    cal = load_calendar(read(master_file(tmp_path)))
    assert cal.overrides == {} and cal.is_working_day(date(2026, 10, 10))


@pytest.mark.parametrize(("text", "kind", "n", "at"), [
    ("次月5日", "next_month", 5, ""), ("次月５号前", "next_month", 5, ""), ("季末月25日", "last_month", 25, ""),
    ("每周二12:00", "weekday", 1, "12:00"), ("每周二 12：00", "weekday", 1, "12:00"),
    ("次月第3个工作日", "next_month_wd", 3, ""), ("期末后5个工作日", "after_end_wd", 5, ""),
])
def test_due_rules(text: str, kind: str, n: int, at: str) -> None:
    rule = parse_due_rule(text)
    assert rule is not None and (rule.kind, rule.n, rule.at) == (kind, n, at)


@pytest.mark.parametrize("text", ["下个月", "次月35日", "每周八", "尽快"])
def test_due_rules_refused(text: str) -> None:
    assert parse_due_rule(text) is None


def test_monthly_schedule_2026(tmp_path: Path) -> None:
    m = read(master_file(tmp_path, frequency="月报"))
    s = schedule(m, 2026)
    assert [r.period.key for r in s.rows] == [f"2026-{i:02d}" for i in range(1, 13)]
    sep = s.row_for("2026年9月")
    # 次月5日 = 10-05, a National Day holiday: 下一工作日 → 10-08 (10-06, 10-07 are off too)
    assert sep.as_of == date(2026, 9, 30) and sep.due == date(2026, 10, 8) and sep.nominal_due == date(2026, 10, 5)
    # 催报提前 3 working days before 10-08 (10-01 … 10-07 are off): 09-30, 09-29, 09-28
    assert sep.remind == date(2026, 9, 28)
    jan = s.row_for("2026-01")
    assert jan.due == date(2026, 2, 5) and jan.remind == date(2026, 2, 2)
    dec = s.row_for("2026年12月")
    assert dec.due.year == 2027 and dec.missing_years == (2027,)
    assert [f.code for f in s.findings] == [MISSING_CODE]


def test_quarterly_rule_and_second_working_day(tmp_path: Path) -> None:
    m = read(master_file(tmp_path, frequency="季报", due_rule="季末月25日", holiday_roll="第二个工作日",
                         **{"remind_lead": "2"}))
    s = schedule(m, 2026)
    assert [r.period.label() for r in s.rows] == ["2026年第1季度", "2026年第2季度", "2026年第3季度", "2026年第4季度"]
    q1 = s.row_for("2026Q1")  # 03-25 is a Wednesday
    assert q1.due == date(2026, 3, 25) and q1.remind == date(2026, 3, 23)
    q4 = s.row_for("2026年第四季度")  # 12-25 is a Friday
    assert q4.due == date(2026, 12, 25) and s.findings == []


def test_weekly_rule_with_time(tmp_path: Path) -> None:
    m = read(master_file(tmp_path, frequency="周报", due_rule="每周二12:00", **{"remind_lead": "1"}))
    s = schedule(m, 2026)
    w40 = s.row_for("2026-W40")  # 09-28 … 10-04; Tuesday 10-06 is off → 10-08
    assert w40.due == date(2026, 10, 8) and w40.due_time == "12:00" and w40.due_text == "2026-10-08 12:00"
    assert len(s.rows) == 53


def test_bad_settings_are_refused_naming_the_cell(tmp_path: Path) -> None:
    m = read(master_file(tmp_path, frequency="月报", due_rule="尽快"))
    with pytest.raises(SheetsyncError) as exc:
        schedule(m, 2026)
    assert "设置!B" in str(exc.value) and "尽快" in str(exc.value)
    m = read(master_file(tmp_path, frequency="每两周"))
    with pytest.raises(SheetsyncError, match="每两周"):
        schedule(m, 2026)


def test_working_days_late() -> None:
    cal = WorkCalendar()
    due = date(2026, 10, 8)
    assert working_days_late(date(2026, 10, 8), due, cal) == 0
    assert working_days_late(date(2026, 9, 30), due, cal) == 0
    assert working_days_late(date(2026, 10, 9), due, cal) == 1
    assert working_days_late(date(2026, 10, 10), due, cal) == 2  # the 调休 Saturday is a working day
    assert working_days_late(date(2026, 10, 11), due, cal) == 3  # a Sunday counts as Monday 10-12
    assert working_days_late(datetime(2026, 10, 8, 15, 0), due, cal, "12:00") == 1
    assert working_days_late(datetime(2026, 10, 8, 11, 0), due, cal, "12:00") == 0


# ---------------------------------------------------------------- sheetsync schedule / split
def _cli(args: list[str]):
    from click.testing import CliRunner

    from sheetsync.cli import cli

    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_schedule_command_writes_a_copy_never_the_master(tmp_path: Path, libreoffice) -> None:
    from conftest import sheet_rows

    path = master_file(tmp_path, frequency="月报")
    before = path.read_bytes()
    copy = tmp_path / "日历副本.xlsx"
    res = _cli(["schedule", str(path), "--year", "2026", "-o", str(copy)])
    assert res.exit_code == 0, res.output
    assert "12 期" in res.output and "节假日数据缺失" in res.output  # December's deadline is in 2027
    assert path.read_bytes() == before
    rows = sheet_rows(copy, "报送日历")
    assert rows[0][:4] == ["期别", "统计截至", "报送截止", "催报日"]
    sep = next(r for r in rows if r[0] == "2026年9月")
    assert sep[1].date() == date(2026, 9, 30) and sep[2].date() == date(2026, 10, 8) and sep[3].date() == date(2026, 9, 28)
    assert "2026-10-05" in sep[4]
    assert {"任务", "单位", "设置"} <= set(openpyxl.load_workbook(copy, read_only=True).sheetnames)
    assert read(copy).tasks[0].id == "1"  # still a master
    libreoffice([copy], tmp_path / "pdf")
    from sheetsync.master.calendar_sheet import write_schedule_copy

    with pytest.raises(SheetsyncError, match="主表本身"):
        write_schedule_copy(path, schedule(read(path), 2026), path)
    assert path.read_bytes() == before


def test_schedule_command_prints_and_json(tmp_path: Path) -> None:
    import json

    path = master_file(tmp_path, frequency="季报", due_rule="季末月25日")
    res = _cli(["schedule", str(path)])  # year from 计划年度
    assert res.exit_code == 0, res.output
    assert "2026年第4季度\t2026-12-31\t2026-12-25\t2026-12-22" in res.output
    data = json.loads(_cli(["schedule", str(path), "--year", "2026", "--json"]).output)
    assert [r["period"] for r in data["rows"]] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert data["findings"] == []


def test_split_without_period_takes_the_next_period_from_the_calendar(tmp_path: Path) -> None:
    from sheetsync.split.workbook import split_master

    m = read(master_file(tmp_path, frequency="月报"))
    res = split_master(m, tmp_path / "out", issued_at=datetime(2026, 10, 1, 9, 0))
    # on 10-01 the next deadline is September's, 10-05 moved to 10-08
    assert res.period == "2026年9月" and res.due == "2026-10-08" and res.findings == []
    res = split_master(m, tmp_path / "out2", period="2026年12月")
    assert res.due == "2027-01-05" and [f.code for f in res.findings] == [MISSING_CODE]
    # an explicit --due and a master without 报送频次 are left alone
    assert split_master(m, tmp_path / "o3", period="2026年9月", due="2026-10-20").due == "2026-10-20"
    (tmp_path / "plain").mkdir()
    plain = read(master_file(tmp_path / "plain", period="2026年9月"))
    assert split_master(plain, tmp_path / "o4").due == ""
