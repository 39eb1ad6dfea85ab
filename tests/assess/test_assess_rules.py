"""Each rule of scoring on small hand-made cases with the expected numbers (sheetsync.assess.score)."""

from __future__ import annotations

from datetime import date

import pytest

from sheetsync.assess.rules import Claim, Rule, Rules, Settings, default_rules
from sheetsync.assess.score import (
    Line,
    bonus_lines,
    cap_lines,
    coefficient,
    competition_ranks,
    consecutive_black,
    count_modes,
    floor_line,
    grade_of,
    honour_lists,
    is_thin,
    late_days,
    not_reported_supersedes,
    parse_weights,
    rule_applies,
)
from sheetsync.core.errors import SheetsyncError


def test_a_missed_report_costs_10_and_supersedes_the_task_deductions() -> None:
    lines = [Line("P", "甲镇", "R01", "", "未报送", "", -10, trigger="not_reported"),
             Line("P", "甲镇", "R06", "B1", "未达目标", "", -1, trigger="below_target"),
             Line("Q", "甲镇", "R06", "B1", "未达目标", "", -1, trigger="below_target"),  # another period stays
             Line("P", "乙镇", "R04", "B2", "逾期", "", -2, trigger="overdue")]
    kept = not_reported_supersedes(lines)
    assert [(ln.period, ln.unit, ln.rule) for ln in kept] == [("P", "甲镇", "R01"), ("Q", "甲镇", "R06"), ("P", "乙镇", "R04")]
    assert 100 + sum(ln.points for ln in kept if ln.period == "P" and ln.unit == "甲镇") == 90


def test_ties_share_a_competition_rank_and_all_tied_units_enter_the_list() -> None:
    scores = {"a": 98, "b": 97, "c": 97, "d": 95, "e": 94, "f": 94, "g": 90}
    assert competition_ranks(scores) == {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5, "f": 5, "g": 7}
    lists = honour_lists(scores, red=5, black=1, vetoed=set())
    assert sorted(u for u, v in lists.items() if v == "red") == ["a", "b", "c", "d", "e", "f"]  # six in a top 5
    assert [u for u, v in lists.items() if v == "black"] == ["g"]
    tied_bottom = honour_lists({"a": 99, "b": 90, "c": 90}, red=1, black=1, vetoed=set())
    assert tied_bottom == {"a": "red", "b": "black", "c": "black"}


def test_bonuses_3_2_2_are_capped_at_5_and_an_item_without_evidence_scores_0() -> None:
    claims = [Claim("甲镇", "示范点", 3, "通报", "加分申报!C2"), Claim("甲镇", "推广", 2, "简报", "加分申报!C3"),
              Claim("甲镇", "采用", 2, "信息", "加分申报!C4"), Claim("乙镇", "自报", 2, " ", "加分申报!C5")]
    rules = Rules(default_rules("zh"), claims, [], Settings(), [], False)
    lines = bonus_lines(rules)
    assert sum(ln.points for ln in lines if ln.unit == "甲镇") == 5
    assert [ln.kind for ln in lines if ln.unit == "甲镇"] == ["bonus", "bonus", "bonus", "cap"]
    assert [ln.points for ln in lines if ln.unit == "乙镇"] == [0]
    assert "无佐证材料" in next(ln.fact for ln in lines if ln.unit == "乙镇")


def test_grade_bounds_are_inclusive_and_a_veto_gives_the_lowest_grade() -> None:
    s = Settings()
    assert grade_of(90.0, s, False) == "优秀" and grade_of(89.99, s, False) == "良好"
    assert grade_of(80, s, False) == "良好" and grade_of(79.99, s, False) == "一般"
    assert grade_of(95, s, True) == "一般"  # the score itself is not touched
    lists = honour_lists({"a": 95, "b": 90, "c": 80}, red=1, black=1, vetoed={"a"})
    assert lists == {"b": "red", "a": "black", "c": "black"}  # vetoed: never red, always black


def test_three_consecutive_warning_lists_lead_to_accountability() -> None:
    s = Settings()
    history = [{"x": "black"}, {"x": "black"}, {"x": "black"}]
    assert consecutive_black(history, "x") == 3 and s.action(3) == "问责"
    assert consecutive_black([{"x": "black"}, {}, {"x": "black"}], "x") == 1 and s.action(1) == "分管领导约谈"
    assert s.action(2) == "组织部门约谈" and s.action(7) == "问责"


def test_lead_and_co_unit_coefficients_and_scopes() -> None:
    s = Settings()
    assert (coefficient("lead", s), coefficient("co", s)) == (1.0, 0.5)
    r = Rule("K", "x", "deduct", "co", "blank", 1)
    assert rule_applies(r, "县直部门", "co") and not rule_applies(r, "县直部门", "lead")
    g = Rule("K", "x", "deduct", "group:乡镇(街道)", "problem", 1)
    assert rule_applies(g, "乡镇(街道)", "lead") and not rule_applies(g, "县直部门", "lead")


def test_late_compares_dates_and_thin_counts_characters() -> None:
    due = date(2026, 12, 25)
    assert late_days("2026-12-28T09:30:00", due) == 3
    assert late_days("2026-12-25T23:59:00", due) is None  # the due day itself is on time
    assert late_days("2026-12-28T09:30:00", None) is None
    assert is_thin("进展 正常", 10) and not is_thin("已召开专题会议部署落实工作", 10) and not is_thin("", 0)


def test_caps_modes_and_the_floor_are_lines_that_keep_the_sum() -> None:
    rules = [Rule("R04", "逾期", "deduct", "all", "overdue", 2, "per_task", cap=3),
             Rule("R02", "迟报", "deduct", "all", "late", 2, "per_period")]
    lines = [Line("P", "u", "R04", t, "", "", -2) for t in ("A1", "A2", "A3")]
    lines += [Line("P", "u", "R02", "", "", "", -2), Line("P", "u", "R02", "", "", "", -2)]
    out = cap_lines(count_modes(lines, rules), rules)
    assert sum(ln.points for ln in out if ln.rule == "R04") == -3  # 6 capped at 3
    assert [ln.points for ln in out if ln.rule == "R02"] == [-2, 0]  # 每期: once
    assert floor_line("P", "u", -12).points == 12 and floor_line("P", "u", 0) is None


def test_weights_are_read_and_scaled_to_one() -> None:
    assert parse_weights("P1:0.3;P2:0.7", ["P1", "P2"]) == {"P1": 0.3, "P2": 0.7}
    assert parse_weights("P1:1；P2:3", []) == {"P1": 0.25, "P2": 0.75}
    assert parse_weights("", ["P1", "P2"]) == {"P1": 0.5, "P2": 0.5}
    with pytest.raises(SheetsyncError):
        parse_weights("P1=0.3", ["P1"])


def test_an_earlier_period_is_judged_at_its_own_rollup_else_its_last_day(tmp_path) -> None:
    """A third-quarter return must not lose points for deadlines after it was sent: the year-end
    assessment judges each earlier period at its last roll-up's as-of, else the period's end."""
    from datetime import date

    from sheetsync.assess import period_as_of
    from sheetsync.ledger import Ledger

    with Ledger(tmp_path / "l.db") as ledger:
        assert period_as_of(ledger, "2026年第3季度", date(2026, 12, 31)) == date(2026, 9, 30)
        ledger.record_rollup("2026Q3", date(2026, 10, 9))
        assert period_as_of(ledger, "2026年第三季度", date(2026, 12, 31)) == date(2026, 10, 9)
        assert period_as_of(ledger, "第一批", date(2026, 12, 31)) == date(2026, 12, 31)


def test_an_earlier_periods_deadline_comes_from_the_reporting_calendar() -> None:
    """With 设置·报送频次 the calendar gives each earlier period its 报送截止 (2026-09-25 is 中秋,
    so 季末月25日 moves to Monday 09-28); without it none, even though the calendar would apply
    its default rule, so 迟报 of an earlier period is judged only by a rule the county chose."""
    from datetime import date

    from sheetsync.assess import calendar_due
    from sheetsync.demo import data as demo_data

    master = demo_data.master()
    assert calendar_due(master, "2026年第3季度") == date(2026, 9, 28)
    master.settings.pop("frequency")
    assert calendar_due(master, "2026年第3季度") is None
