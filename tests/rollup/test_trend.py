"""Across periods: Ledger.history (pandas) and the roll-up's 趋势 sheet from 12 real monthly merges
into one real SQLite ledger; the figures must match each month's own roll-up."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import sheet_rows
from helpers.robustness_county import fill
from sheetsync.core.model import Master, Task, Unit
from sheetsync.i18n import set_lang

UNITS = ["县教育局", "县卫生健康局", "城关镇"]


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


def _values(unit: str, month: int) -> dict[str, tuple]:
    """What each unit reports in a month (task → status, progress, value, text, problems)."""
    if unit == "县教育局":
        value = 10 if month != 6 else 8  # a cumulative drop in June
        status = "已完成" if month in (3,) else "推进中"  # 已完成 in March, 推进中 again in April
        return {"1": (status, 10 * month if status != "已完成" else 100, value, "进展", "无"),
                "3": ("已完成" if month >= 7 else "推进中", 50, None, "进展", "无")}
    if unit == "县卫生健康局":
        return {"2": ("已完成" if month >= 9 else "滞后", 60, month, "进展", "无")}
    return {"1": ("推进中", 40, 2 * month, "进展", "无"), "3": ("未启动", 0, None, "进展", "无")}


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> tuple[Path, dict[int, Path]]:
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.merge import merge_returns
    from sheetsync.split.workbook import split_master

    set_lang("zh")
    tmp = tmp_path_factory.mktemp("trend")
    m = Master(tasks=[Task("1", "义务教育优质均衡", lead="县教育局", co_units=["城关镇"], deadline="2026年12月底"),
                      Task("2", "家庭医生签约", lead="县卫生健康局", deadline="2026年12月31日"),
                      Task("3", "校园安全", lead="县教育局", co_units=["城关镇"], deadline="2026年12月底")],
               units=[Unit(u, email=f"u{i}@example.test") for i, u in enumerate(UNITS)],
               settings={"region": "示例县", "plan": "重点任务", "year": "2026", "frequency": "月报",
                         "as_of": "2026-12-31"})
    master = write_master(m, tmp / "任务分解表.xlsx")
    rollups = {}
    for month in range(1, 13):
        period = f"2026年{month}月"
        res = split_master(read_master(master), tmp / f"分发{month}", period=period, issued_at=datetime(2026, month, 1))
        files = {w.unit: w.file for w in res.workbooks}
        returned = []
        for unit in UNITS:
            if unit == "城关镇" and month in (10, 11, 12):
                continue  # three months missing in a row at the end
            # 次月5日: 县卫生健康局 is late (the 10th of the next month) in odd months
            y, mo = (2027, 1) if month == 12 else (2026, month + 1)
            day = 10 if unit == "县卫生健康局" and month % 2 else 3
            returned.append(fill(files[unit], tmp / f"收回{month}" / files[unit].name, _values(unit, month),
                                 when=datetime(y, mo, day, 10)))
        rollups[month] = tmp / f"汇总{month}.xlsx"
        merge_returns(master, returned, rollups[month], period=period)
    return master, rollups


def _block(rows: list[list], title_start: str) -> list[list]:
    """The rows of one block of the 趋势 sheet (its header row first), up to the blank row."""
    i = next(n for n, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith(title_start))
    out = []
    for r in rows[i + 1:]:
        if r[0] is None:
            break
        out.append(r)
    return out


def test_history_is_every_period_with_canonical_keys(year) -> None:
    import sheetsync

    master, _ = year
    df = sheetsync.history(master.parent / "sheetsync.db")
    assert sorted(df["period"].unique()) == [f"2026-{m:02d}" for m in range(1, 13)]
    assert {"unit", "task_id", "status", "value", "received_at", "period_text"} <= set(df.columns)
    june = df[(df["period"] == "2026-06") & (df["unit"] == "县教育局") & (df["task_id"] == "1")]
    assert june["value"].tolist() == [8.0] and june["status"].tolist() == ["in_progress"]
    assert len(df[df["period"] == "2026-12"]) == 3  # 城关镇 sent nothing in December


def test_trend_sheet_matches_each_months_rollup(year, libreoffice, tmp_path) -> None:
    master, rollups = year
    rows = sheet_rows(rollups[12], "趋势")
    months = [f"2026年{m}月" for m in range(1, 13)]
    reporting = _block(rows, "一、")
    assert reporting[0] == ["单位", *months, "连续未报期数"]
    by_unit = {r[0]: r for r in reporting[1:]}
    assert by_unit["城关镇"][10:13] == ["未报", "未报", "未报"] and by_unit["城关镇"][13] == 3
    assert by_unit["县教育局"][13] == 0
    # 县卫生健康局 sent January's on 02-10: 02-06 … 02-10 are 3 working days after the due 02-05
    # (Friday 02-06, Monday 02-09, Tuesday 02-10); February's on 03-03 is on time
    assert by_unit["县卫生健康局"][1] == "迟报3天" and by_unit["县卫生健康局"][2] == "按时"
    rates = {r[0]: r for r in _block(rows, "二、")[1:]}
    deltas = {r[0]: r for r in _block(rows, "三、")[1:]}
    tasks = {r[0]: r for r in _block(rows, "四、")[1:]}
    for month in range(1, 13):
        own = sheet_rows(rollups[month], "单位报送")
        head = own[0] if "完成率" in own[0] else own[1]
        i_unit, i_rate = head.index("单位"), head.index("完成率")
        compared = 0
        for r in own[own.index(head) + 1:]:
            if r[i_unit] not in rates:
                continue
            if r[i_unit] == "城关镇" and month >= 10:
                assert rates["城关镇"][month] is None  # not reported: no rate, not 0
            else:
                assert rates[r[i_unit]][month] == pytest.approx(r[i_rate]), (month, r[i_unit])
            compared += 1
        assert compared == 3
        task_rows = sheet_rows(rollups[month], "任务进度")
        th = next(r for r in task_rows if "任务编号" in r)
        i_id, i_status = th.index("任务编号"), th.index("状态")
        assert sum(r[i_id] in tasks for r in task_rows[task_rows.index(th) + 1:]) == 3
        for r in task_rows[task_rows.index(th) + 1:]:
            if r[i_id] in tasks:
                # the roll-up's 状态 may say 逾期 past a deadline; the trend shows the units' status
                assert tasks[r[i_id]][month] == r[i_status] or r[i_status] == "逾期", (month, r[i_id])
    assert rates["城关镇"][10] is None and deltas["县卫生健康局"][9] == pytest.approx(rates["县卫生健康局"][9] - rates["县卫生健康局"][8])
    findings = _block(rows, "五、")[1:]
    codes = [f[0] for f in findings]
    assert "cumulative-drop" in codes and "done-reopened" in codes
    drop = next(f[1] for f in findings if f[0] == "cumulative-drop")
    assert "县教育局" in drop and "2026年6月" in drop and "8" in drop and "10" in drop
    libreoffice([rollups[12]], tmp_path / "pdf")


def test_this_period_is_cumulative_minus_previous_within_a_plan_year() -> None:
    """本期 = 累计 − 上期累计 in the same plan year; the first period of a year is its own 本期; with
    设置·完成值口径 本期 the reported value is already this period's."""
    from sheetsync.demo import data as demo_data
    from sheetsync.rollup.trend import period_values

    master = demo_data.master()
    keys = ["2026-11", "2026-12", "2027-01"]
    rows = [{"task_id": "T", "period": k, "value": v, "unit": u} for k, v, u in (
        ("2026-11", 10.0, "甲"), ("2026-11", 5.0, "乙"), ("2026-12", 20.0, "甲"), ("2026-12", 7.0, "乙"),
        ("2027-01", 3.0, "甲"), ("2027-01", None, "乙"))]
    sums, this = period_values(master, rows, keys)
    assert sums["T"] == {"2026-11": 15.0, "2026-12": 27.0, "2027-01": 3.0}
    assert this["T"] == {"2026-11": 15.0, "2026-12": 12.0, "2027-01": 3.0}
    master.settings["value_basis"] = "本期"
    assert period_values(master, rows, keys)[1]["T"] == sums["T"]
