"""core.numbers and core.targets' cell readers: the one home for numbers, percentages and targets."""

from __future__ import annotations

import pytest

from sheetsync.core.numbers import cell_number, fmt_number, parse_number, parse_percent
from sheetsync.core.targets import meets_target, parse_target, parse_target_value, target_cell


@pytest.mark.parametrize(("typed", "unit", "value"), [
    (2, "", 2.0), (2.5, "", 2.5), ("2", "", 2.0), ("２", "", 2.0), ("2次", "", 2.0), ("约3个", "", 3.0),
    ("共12", "", 12.0), ("累计40人", "", 40.0), ("1,200", "", 1200.0), ("１，２００", "", 1200.0),
    ("1.2万", "人次", 12000.0), ("3亿元", "元", 3e8), ("1.2万人次", "万人次", 1.2), ("3万", "万元", 3.0),
    ("全覆盖", "", None), ("2和3", "", None), ("≤5", "", None), ("", "", None), (None, "", None), (True, "", None),
])
def test_parse_number(typed, unit, value) -> None:
    assert parse_number(typed, unit=unit) == value


@pytest.mark.parametrize(("typed", "value", "changed"), [
    (80, 80.0, False), (0.8, 80.0, True), ("80", 80.0, True), ("80%", 80.0, True), ("８０％", 80.0, True),
    ("0.8", 80.0, True), ("完成60%", 60.0, True), ("很多", None, False), (False, None, False),
])
def test_parse_percent(typed, value, changed) -> None:
    assert parse_percent(typed) == (value, changed)


def test_formats() -> None:
    assert (fmt_number(12.0), fmt_number(12.5), cell_number(2.0), cell_number(2.5), cell_number(None)) == (
        "12", "12.5", 2, 2.5, None)


@pytest.mark.parametrize(("typed", "value", "op"), [
    ("≤5", 5, "<="), ("<=5", 5, "<="), ("不超过5", 5, "<="), ("控制在5%以内", 5, "<="), ("5%以下", 5, "<="),
    ("低于5", 5, "<"), ("不少于2次", 2, ">="), ("≥2", 2, ">="), ("2", 2, ">="), (2, 2, ">="), ("２次", 2, ">="),
    ("25个以上", 25, ">="), ("≥90%", 90, ">="), (">5", 5, ">"), ("＝5", 5, "="), ("约5", 5, ">="),
])
def test_target_cell_spellings(typed, value, op) -> None:
    tv = parse_target_value(typed)
    assert tv is not None and (tv.value, tv.op) == (value, op)
    assert tv.upper_bound == (op in ("<=", "<"))
    # written back and read again: the same target
    assert parse_target_value(target_cell(tv.value, tv.op)) == tv


@pytest.mark.parametrize("typed", ["全覆盖", "建设25个示范点", "2和3", "", None])
def test_not_a_target_cell(typed) -> None:
    assert parse_target_value(typed) is None


def test_target_cell_scales_wan_unless_the_unit_counts_in_it() -> None:
    assert parse_target_value("1.5万", unit="人次").value == 15000
    assert parse_target_value("1.5万", unit="万人次").value == 1.5


def test_plan_targets_carry_their_direction() -> None:
    for text, op in (("办结时间不超过5个工作日", "<="), ("增幅控制在5%以内", "<="), ("不合格率5%以下", "<="),
                     ("发生率低于5%", "<"), ("每年不少于2次", ">=")):
        assert parse_target(text).op == op, text


@pytest.mark.parametrize(("achieved", "target", "op", "met"), [
    (3, 5, "<=", True), (5, 5, "<=", True), (7, 5, "<=", False), (5, 5, "<", False), (4, 5, "<", True),
    (2, 2, ">=", True), (1, 2, ">=", False), (2, 2, ">", False), (5, 5, "=", True), (4, 5, "=", False),
])
def test_meets_target(achieved, target, op, met) -> None:
    assert meets_target(achieved, target, op) is met
