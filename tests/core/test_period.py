"""core.period: one canonical key for every spelling of a reporting period."""

from datetime import date

import pytest

from sheetsync.core.period import Period, find_periods, parse_period, period_key, period_label, same_period

SPELLINGS = {
    "2026-Q4": ["2026年第四季度", "2026年第4季度", "2026年四季度", "2026Q4", "2026 Q4", "2026-Q4", "2026q4",
                "2026年10-12月", "2026年10月-12月", "2026年第4季度（10-12月）", "２０２６年第４季度",
                "2026 年 第 4 季度", "2026年10月至12月"],
    "2026-11": ["2026年11月", "2026年11月份", "2026.11", "2026-11", "2026/11", "2026年十一月", "２０２６年１１月"],
    "2026-01": ["2026年1月", "2026-1", "2026.01"],
    "2026-H1": ["2026年上半年", "2026年1-6月", "2026H1", "2026 H1", "2026年1月-6月"],
    "2026-H2": ["2026年下半年", "2026年7-12月", "2026H2"],
    "2026": ["2026年", "2026年度", "2026年全年", "2026", "2026年1-12月"],
    "2026-W48": ["2026-W48", "2026W48", "2026年第48周"],
}


@pytest.mark.parametrize("key,text", [(k, x) for k, xs in SPELLINGS.items() for x in xs])
def test_every_spelling_has_the_canonical_key(key, text):
    p = parse_period(text)
    assert p is not None and p.key == key
    assert period_key(text) == key


@pytest.mark.parametrize("text", ["第一批", "", "  ", "进展情况", "2026年2-4月", "2026年13月", "2026年第5季度",
                                  "2026年第4季度（1-3月）", "3月", "第4季度", "1926-13", "2026年第60周", None])
def test_non_periods_are_none(text):
    assert parse_period(text) is None


def test_period_key_of_a_non_period_is_the_normalised_text():
    assert period_key("第一批") == period_key(" 第一批 ") == "第一批"
    assert period_key("２月批次") == period_key("2月批次")
    assert not same_period("第一批", "第二批")
    assert same_period("2026年第四季度", "2026Q4")


def test_ranges():
    q = parse_period("2026Q4")
    assert (q.kind, q.year, q.index, q.start, q.end) == ("quarter", 2026, 4, date(2026, 10, 1), date(2026, 12, 31))
    assert parse_period("2026年2月").end == date(2026, 2, 28)
    assert parse_period("2028年2月").end == date(2028, 2, 29)
    assert parse_period("2026H1").end == date(2026, 6, 30)
    assert (parse_period("2026").start, parse_period("2026").end) == (date(2026, 1, 1), date(2026, 12, 31))
    w = parse_period("2026-W48")
    assert (w.start, w.end) == (date(2026, 11, 23), date(2026, 11, 29))


def test_labels():
    assert [parse_period(x).label("zh") for x in ("2026.11", "2026Q4", "2026H1", "2026H2", "2026")] == \
        ["2026年11月", "2026年第4季度", "2026年上半年", "2026年下半年", "2026年度"]
    assert [parse_period(x).label("en") for x in ("2026.11", "2026Q4", "2026H1", "2026")] == \
        ["2026-11", "2026 Q4", "2026 H1", "2026"]
    # every label parses back to its period
    for key in SPELLINGS:
        p = parse_period(key)
        assert parse_period(p.label("zh")) == p and parse_period(p.label("en")) == p
    assert period_label("第一批", "zh") == "第一批"


def test_next_and_previous():
    assert parse_period("2026年12月").next().key == "2027-01"
    assert parse_period("2026年1月").previous().key == "2025-12"
    assert parse_period("2026Q4").next().key == "2027-Q1"
    assert parse_period("2026H1").previous().key == "2025-H2"
    assert parse_period("2026").next() == Period("year", 2027)
    assert parse_period("2027-W53") is None  # 2027 has 52 ISO weeks, 2026 has 53
    assert parse_period("2026-W52").next().key == "2026-W53"
    assert parse_period("2026-W53").next().key == "2027-W01"
    assert parse_period("2027-W01").previous().key == "2026-W53"


def test_find_periods_in_a_title_or_file_name():
    assert [p.key for _, p in find_periods("关于报送2026年第3季度进展的通知")] == ["2026-Q3"]
    assert [p.key for _, p in find_periods("县教育局_2026年11月份_回收.xlsx")] == ["2026-11"]
    assert [x for x, _ in find_periods("某局（2026年第四季度）.xlsx")] == ["2026年第四季度"]
    assert find_periods("第一批") == []
