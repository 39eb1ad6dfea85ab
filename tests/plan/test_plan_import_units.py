"""The pieces of plan import: unit clauses, group words, short forms, categories, outline markers."""

from __future__ import annotations

import pytest

from sheetsync.core.units import UnitRegistry, is_group_word, split_unit_list
from sheetsync.plan.clauses import combine, extract_inline, is_clause_line, parse_clause_text
from sheetsync.plan.furniture import is_furniture
from sheetsync.plan.outline import first_sentence, marker
from sheetsync.plan.unitnames import infer_category, inherit_prefix, is_group, short_form_map


def who(text: str) -> tuple[str, list[str]]:
    r = combine([parse_clause_text(text)])
    return r.lead, r.co


@pytest.mark.parametrize(("text", "lead", "co"), [
    ("责任单位:县委组织部、统战部、妇联", "县委组织部", ["统战部", "妇联"]),
    ("责任单位：党群工作部，高教办", "党群工作部", ["高教办"]),
    ("牵头单位：县委宣传部；配合单位：县文明办、各乡镇（街道）", "县委宣传部", ["县文明办", "各乡镇（街道）"]),
    ("配合单位：县文明办；牵头单位：县委宣传部", "县委宣传部", ["县文明办"]),
    ("【责任单位】县委党校(县行政学校)、县人社局", "县委党校(县行政学校)", ["县人社局"]),
    ("责任单位：县财政局、县教育局（牵头）", "县教育局", ["县财政局"]),
    ("责任单位：县委宣传部和县文明办", "县委宣传部", ["县文明办"]),
    ("责任单位：商务和投资促进局、卫健局及各乡镇", "商务和投资促进局", ["卫健局", "各乡镇"]),
    ("责任单位：各乡镇场、街道，县直有关部门", "各乡镇场、街道", ["县直有关部门"]),
    ("县委宣传部牵头，县妇联、各村（社区）配合", "县委宣传部", ["县妇联", "各村（社区）"]),
    ("责任单位：县委宣传部 县文明办", "县委宣传部", ["县文明办"]),
    ("责任单位：县卫健局，各乡镇按职责分工负责", "县卫健局", ["各乡镇"]),
])
def test_clause_roles(text, lead, co):
    assert who(text) == (lead, co)


def test_people_and_deadlines_in_clauses():
    c = parse_clause_text("牵头单位：县委宣传部；责任领导：张三；完成时限：2023年6月底前")
    assert (c.lead, c.deadline) == (["县委宣传部"], "2023年6月底前")
    assert "张三" not in str(c.resp) + str(c.co)
    assert is_clause_line("责任人：李四") and not parse_clause_text("责任人：李四").has_units


def test_open_list_and_unclear_text():
    c = parse_clause_text("责任单位：县融媒体中心、县委网信办等部门")
    assert c.open_list and [n for n, _ in c.resp] == ["县融媒体中心", "县委网信办"]
    c = parse_clause_text("责任单位：各有关单位要高度重视。切实加强领导，确保各项工作落到实处并取得实效")
    assert c.dropped


@pytest.mark.parametrize(("para", "rest", "lead"), [
    ("加强教育。依托学校开展活动。（责任单位：组织人事部、党群工作部）", "加强教育。依托学校开展活动。", "组织人事部"),
    ("加强教育〔责任单位:县教育局〕。依托学校", "加强教育。依托学校", "县教育局"),
    ("加强教育(责任单位:县委党校(县行政学校)、县教育局)", "加强教育", "县委党校(县行政学校)"),
    ("推进整治。责任单位：县住建局、县城管局", "推进整治。", "县住建局"),
    ("开展评选（县委宣传部牵头，县妇联配合）", "开展评选", "县委宣传部"),
    ("开展督查。（区委督查室负责）", "开展督查。", "区委督查室"),
])
def test_inline_clauses_are_cut_out(para, rest, lead):
    text, clauses = extract_inline(para)
    assert text == rest
    assert combine(clauses).lead == lead


def test_brackets_that_are_not_clauses_stay():
    text, clauses = extract_inline("开展“六进”(进机关、进企业、进社区)活动（创建方案另行文）")
    assert clauses == [] and text.endswith("（创建方案另行文）")
    text, clauses = extract_inline("做好宣传（具体负责宣传报道）")
    assert clauses == []


def test_group_words_backward_compatible_and_extended():
    for g in ("各乡镇(街道)", "政府各部门", "县委各部委", "区直各部门", "各成员单位", "县教育局等部门"):
        assert is_group_word(g)
    for g in ("有关部门", "县直相关单位", "领导小组成员单位", "乡镇(街道)", "县直部门"):
        assert is_group_word(g)
    for u in ("县教育局", "县委统战部", "商务和投资促进局", "县委党校(县行政学校)", "社区服务中心"):
        assert not is_group_word(u)
    assert split_unit_list("县委组织部、统战部、各乡镇场、街道") == ["县委组织部", "统战部", "各乡镇场、街道"]
    assert is_group("乡镇（街道）") and is_group("人民团体")
    # the registry still resolves group words by category
    reg = UnitRegistry([])
    assert reg.resolve("有关部门").kind == "group"


def test_short_forms_and_prefix_inheritance():
    names = ["县委组织部", "统战部", "县委统战部", "公安局", "县公安局", "教育局", "网信办"]
    assert short_form_map(names) == {"统战部": "县委统战部", "公安局": "县公安局"}
    # two possible long forms: left alone
    assert short_form_map(["宣传部", "县委宣传部", "市委宣传部"]) == {}
    assert inherit_prefix(["县委组织部", "统战部", "妇联", "宣传部"]) == {"统战部": "县委统战部"}


@pytest.mark.parametrize(("name", "category"), [
    ("县委组织部", "party"), ("统战部", "party"), ("县委党校(县行政学校)", "party"), ("政法委", "party"),
    ("县教育局", "government"), ("县发改委", "government"), ("县政府办", "government"),
    ("生态管理办公室", "government"), ("习岗镇", "township"), ("富兴街道", "township"), ("洪广镇", "township"),
    ("妇联", "mass"), ("团县委", "mass"), ("工商联", "mass"), ("残联", "mass"), ("文联", "mass"),
    ("融媒体中心", "enterprise"), ("县人民医院", "enterprise"), ("法院", "other"), ("人大工委办公室", "other"),
])
def test_infer_category(name, category):
    assert infer_category(name) == category


@pytest.mark.parametrize(("line", "label", "kind"), [
    ("一、指导思想", "一", "cn"), ("（二）深入实施", "(二)", "cn_paren"), ("(二)深入", "(二)", "cn_paren"),
    ("3.加强", "3", "num"), ("3、加强", "3", "num"), ("（1）做好", "(1)", "num_paren"), ("①加强", "①", "circled"),
    ("第二，创造范围", "二", "cn_di"), ("1.2 总体", "1.2", "dec2"),
])
def test_markers(line, label, kind):
    m = marker(line)
    assert m is not None and (m.label, m.kind) == (label, kind)


@pytest.mark.parametrize("line", ["2.2020年重点打造的示范单位名单", "1.5万人参加培训", "一是及时召开会议", "十九大以来",
                                  "2021年是开局之年", "四个工作要求。"])
def test_not_markers(line):
    assert marker(line) is None


def test_first_sentence_does_not_cut_inside_quotes():
    assert first_sentence("实施“细胞工程”。以“十进。”为渠道") == ("实施“细胞工程”", "以“十进。”为渠道")
    assert first_sentence("加强组织领导：成立领导小组") == ("加强组织领导", "成立领导小组")
    assert first_sentence("持续深化民族团结进步教育") == ("持续深化民族团结进步教育", "")


@pytest.mark.parametrize("line", [
    "您当前浏览位置:首页>政务公开>党群部门信息公开目录", "索引号 640122-000/2020-00022 文 号 贺党办〔2020〕15号",
    "附件下载", "扫一扫在手机打开当前页", "上一篇    下一篇", "第01版:一版要闻", "★全国文明县城  ★国家卫生城市",
])
def test_furniture(line):
    assert is_furniture(line)


def test_plan_text_is_not_furniture():
    assert not is_furniture("一、指导思想")
    assert not is_furniture("责任单位:县委组织部、统战部")
