"""parse_target: quantities to reach, not slogans, dates or ordinals."""

from __future__ import annotations

import pytest

from sheetsync.core.targets import parse_target


@pytest.mark.parametrize(("text", "value", "unit", "comparator", "op"), [
    ("各级党组织每年开展民族宗教理论和政策培训不少于2次", 2, "次", "不少于", ">="),
    ("少数民族干部占比不少于10%", 10, "%", "不少于", ">="),
    ("新建示范点25个", 25, "个", "", ">="),
    ("覆盖率达到95%以上", 95, "%", "达到", ">="),
    ("每年开展活动不少于两次", 2, "次", "不少于", ">="),
    ("办结时间不超过5个工作日", 5, "个", "不超过", "<="),
    ("投入资金3456万元", 3456, "万元", "", ">="),
    ("受众47万余人", 47, "万人", "", ">="),
    ("百分之八十的村建成书屋", 80, "%", "", ">="),
    ("≥90%", 90, "%", "≥", ">="),
    ("25", 25, "", "", ">="),
    ("新建健身步道不少于20公里", 20, "公里", "不少于", ">="),
    ("培训时长40学时以上", 40, "学时", "以上", ">="),
])
def test_targets(text, value, unit, comparator, op):
    t = parse_target(text)
    assert t is not None
    assert (t.value, t.unit, t.comparator, t.op) == (value, unit, comparator, op)


@pytest.mark.parametrize("text", [
    "增强“五个认同”，牢固树立“三个离不开”思想",
    "深入贯彻党的十九届四中全会精神",
    "2020年3月23日",
    "以庆祝建党100周年为契机",
    "培育第9批示范单位",
    "每年9月为民族团结进步宣传月",
    "与“1114”对口支援结合起来",
    "",
    None,
])
def test_not_targets(text):
    assert parse_target(text) is None


def test_indicator_is_the_clause_around_the_number():
    t = parse_target("加强督查，各级党(工)委每年听取工作汇报不少于2次，定期研究")
    assert t is not None and t.indicator == "各级党(工)委每年听取工作汇报"
    t = parse_target("以3年为目标,建设50个省级示范基地,实现全覆盖")
    assert t is not None and (t.indicator, t.value) == ("建设省级示范基地", 50)
