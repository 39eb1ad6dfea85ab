"""The ribbon XML: valid against Microsoft's schema, and every callback exists in the VBA."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from sheetsync.i18n import catalog, t
from sheetsync.ribbon.buttons import BUTTONS, GROUPS, button, by_group
from sheetsync.ribbon.customui import NAMESPACE, customui_xml

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO.parent / "shared" / "schemas" / "customui14.xsd"


def _subs_in_macros() -> set[str]:
    subs: set[str] = set()
    for path in (REPO / "macros").glob("*.bas"):
        subs |= set(re.findall(r"^(?:Public )?Sub (\w+)\(", path.read_text("ascii"), re.M))
    return subs


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} not available")
    return xmlschema.XMLSchema(str(SCHEMA))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_customui_validates_against_schema(schema: xmlschema.XMLSchema, lang: str) -> None:
    xml = customui_xml(lang)
    schema.validate(xml)
    assert schema.is_valid(xml)


def test_schema_rejects_a_broken_ribbon(schema: xmlschema.XMLSchema) -> None:
    # the validation above means something: an unknown attribute is refused
    broken = customui_xml("zh").replace('size="large"', 'sise="large"', 1)
    assert not schema.is_valid(broken)


def test_every_on_action_names_an_existing_public_sub() -> None:
    root = ET.fromstring(customui_xml("zh").encode("utf-8"))
    actions = {el.get("onAction") for el in root.iter() if el.get("onAction")}
    assert actions, "no callbacks at all"
    assert actions <= _subs_in_macros()
    # the dispatcher takes the ribbon control, as Office calls it
    text = (REPO / "macros" / "SheetsyncRibbon.bas").read_text("ascii")
    for name in actions:
        assert re.search(rf"^Public Sub {name}\(control As IRibbonControl\)", text, re.M)


def test_tab_groups_and_buttons_as_the_issue_lists_them() -> None:
    root = ET.fromstring(customui_xml("zh").encode("utf-8"))
    ns = {"c": NAMESPACE}
    tab = root.find("c:ribbon/c:tabs/c:tab", ns)
    assert tab is not None and tab.get("label") == "任务汇总"
    got = {g.get("label"): [b.get("label") for b in g.findall("c:button", ns)] for g in tab.findall("c:group", ns)}
    assert got == {
        "主表": ["导入方案", "校验主表"],
        "分发": ["生成填报表", "发送填报表"],
        "汇总": ["合并回收表", "标注缺口", "刷新总览"],
        "邮件": ["催报", "报送汇总", "重发失败"],  # 重发失败: the CLI's --retry, added after the issue
        "考核": ["考核评分"],  # issue 18
        "公文起草": ["起草报告", "起草通报"],  # issue 19: the drafted 情况报告 and 通报
        "上下级": ["生成下级主表", "生成上报表"],  # issue 20
        "帮助": ["使用说明", "设置"],
    }
    for b in tab.iter(f"{{{NAMESPACE}}}button"):
        assert b.get("imageMso") and b.get("screentip") and b.get("supertip")


def test_registry_ids_are_ascii_unique_and_texts_exist_in_both_languages() -> None:
    ids = [b.id for b in BUTTONS]
    assert len(ids) == len(set(ids))
    cat = catalog()
    for b in BUTTONS:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", b.id)
        assert b.group in GROUPS
        for key in (b.label_key, b.screentip_key, b.supertip_key):
            zh, en = cat[key]
            assert zh and en
        if b.needs != "none":
            assert all(cat[b.dialog_key])
        assert button(b.id) is b
    assert sum(len(v) for v in by_group().values()) == len(BUTTONS)


def test_tags_tell_vba_which_dialog_to_show() -> None:
    root = ET.fromstring(customui_xml("zh").encode("utf-8"))
    for el in root.iter(f"{{{NAMESPACE}}}button"):
        b = button(el.get("id"))
        parts = (el.get("tag") + "||").split("|")  # as the VBA dispatcher splits it
        assert parts[0] == b.needs
        if b.needs == "file":
            assert parts[1] == b.file_filter and parts[2] == t(b.dialog_key, lang="zh")
            if b.id == "importPlan":
                assert parts[2] == "选择实施方案文件"
        if b.needs == "folder":
            assert parts[2]
