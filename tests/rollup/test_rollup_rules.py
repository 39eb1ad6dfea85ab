"""The roll-up's named rules (rollup.compute), each on its own; compute_rollup applies them."""

from __future__ import annotations

from sheetsync.core.model import Task
from sheetsync.levels.link import Coverage
from sheetsync.returns.read import ReturnRow
from sheetsync.rollup.compute import (
    LAG_MARGIN,
    UnitReturn,
    aggregate_status,
    below_target_rule,
    blank_rule,
    coverage_text,
    is_overdue,
    lagging_rule,
    not_reported_rule,
    problem_rule,
    sub_coverage_rule,
)


def row(**kw) -> ReturnRow:
    return ReturnRow("1.1", "县教育局", "lead", **kw)


def test_aggregate_status_is_worst_of() -> None:
    assert aggregate_status(["done", "in_progress", "lagging"], True) == "lagging"
    assert aggregate_status(["done", "not_started"], True) == "not_started"
    assert aggregate_status(["done", "ongoing"], True) == "ongoing"
    assert aggregate_status(["done", "in_progress"], True) == "in_progress"
    assert aggregate_status(["done"], True) == "done"
    assert aggregate_status([], True) == "not_started"  # reported, but no status given
    assert aggregate_status([], False) == "not_reported"


def test_overdue_rule() -> None:
    assert is_overdue(True, "in_progress") and is_overdue(True, None) and is_overdue(True, "lagging")
    assert not is_overdue(True, "done") and not is_overdue(True, "ongoing")
    assert not is_overdue(False, "not_started")


def test_lagging_rule() -> None:
    assert lagging_rule("lagging", 80.0, 50.0) == "lagging_status"
    assert lagging_rule("in_progress", 10.0, 10.0 + LAG_MARGIN + 1) == "lagging_progress"
    assert lagging_rule("in_progress", 10.0, 10.0 + LAG_MARGIN) is None  # exactly the margin: not lagging
    assert lagging_rule("done", 10.0, 90.0) is None and lagging_rule("ongoing", 0.0, 90.0) is None
    assert lagging_rule("in_progress", None, 90.0) is None and lagging_rule("in_progress", 10.0, None) is None


def test_blank_rule() -> None:
    assert blank_rule(None) == "row_missing"
    assert blank_rule(row()) == "blank"
    assert blank_rule(row(unread="G7")) is None  # a formula we cannot read is not "left blank"
    assert blank_rule(row(status="done")) is None and blank_rule(row(evidence="台账")) is None


def test_problem_rule() -> None:
    assert problem_rule(row(problems="资金不足"))
    assert not problem_rule(row(problems="无")) and not problem_rule(row(problems="暂无")) and not problem_rule(row())


def test_not_reported_rule() -> None:
    returns = {"县教育局": UnitReturn("县教育局", "a.xlsx", "2026-12-01", [])}
    assert not not_reported_rule("县教育局", returns) and not_reported_rule("县民政局", returns)


def task(target: float | None, op: str = ">=") -> Task:
    return Task("1.1", "减少积案", target=target, target_op=op, target_unit="件")


def test_below_target_rule_at_least() -> None:
    assert below_target_rule(task(2), 1.0, "done", False)[0] == "below_target"
    assert below_target_rule(task(2), 2.0, "done", False) is None
    assert below_target_rule(task(2), None, "done", False) == ("no_value", {"target": "2", "unit": "件"})
    assert below_target_rule(task(2), 1.0, "in_progress", False) is None  # not yet judged
    assert below_target_rule(task(2), 1.0, "in_progress", True)[0] == "below_target"  # past its deadline
    assert below_target_rule(task(None), 1.0, "done", True) is None


def test_below_target_rule_upper_limit() -> None:
    assert below_target_rule(task(5, "<="), 3.0, "done", False) is None
    assert below_target_rule(task(5, "<="), 5.0, "done", False) is None
    key, fields = below_target_rule(task(5, "<="), 7.0, "done", False)
    assert key == "above_limit" and fields["limit"] == "≤5" and fields["value"] == "7"
    assert below_target_rule(task(5, "<"), 5.0, "done", False)[0] == "above_limit"
    assert below_target_rule(task(5, "<="), None, "done", False) == ("no_value", {"target": "≤5", "unit": "件"})


def test_sub_coverage_rule() -> None:
    assert sub_coverage_rule(Coverage("1.1", expected=12, reported=10, missing=["前进村", "和平社区"])) == "sub_missing"
    assert sub_coverage_rule(Coverage("1.1", expected=3, reported=3, nested="城关镇 10/12")) == "sub_nested"
    assert sub_coverage_rule(Coverage("1.1", expected=12, reported=12)) is None


def test_coverage_text_sums_the_units_and_carries_what_is_incomplete_below() -> None:
    assert coverage_text([]) == ""
    assert coverage_text([Coverage("1.1", 12, 10)]) == "10/12"
    assert coverage_text([Coverage("1.1", 12, 10), Coverage("1.1", 5, 5, nested="石桥村 3/4")]) == "15/17（石桥村 3/4）"


def test_late_rule_counts_working_days_after_the_deadline_and_loads_no_calendar_when_on_time() -> None:
    """迟报 in working days against 设置·报送截止日期 (Friday 2026-12-25): a return on the day is on
    time; one on Sunday 12-27 counts from Monday, 1 day late; Tuesday 12-29 is 2. 2026-10-08 after a
    deadline on 09-30 is 1 day late: 10-01 … 10-07 are 国庆 holidays (调休: Saturday 10-10 works)."""
    from datetime import date

    from sheetsync.demo import data as demo_data
    from sheetsync.rollup.compute import late_rule

    master = demo_data.master()
    cache: list = []
    assert late_rule("2026-12-25T17:30:00", date(2026, 12, 25), master, cache) == 0
    assert late_rule("2026-12-20T09:00:00", date(2026, 12, 25), master, cache) == 0
    assert cache == []  # on time: the calendar was never loaded
    assert late_rule("2026-12-27T10:00:00", date(2026, 12, 25), master, cache) == 1
    assert late_rule("2026-12-29T10:00:00", date(2026, 12, 25), master, cache) == 2
    assert late_rule("2026-10-08T10:00:00", date(2026, 9, 30), master, cache) == 1
    assert len(cache) == 1
    assert late_rule("", date(2026, 12, 25), master, cache) is None
    assert late_rule("2026-12-29T10:00:00", None, master, cache) is None
