"""Plan import on real county plans (../shared/plans) and on plans written here in several notations.

Expected ids and unit sets below were written by hand from reading the documents, not produced
by the importer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from helpers.plans import BENXI_EXPECTED, HELAN_ALL, HELAN_EXPECTED, HELAN_UNITS, by_id, plan
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Unit
from sheetsync.i18n import set_lang
from sheetsync.plan import import_plan


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


# ---------------------------------------------------------------- 贺兰县 2020


def test_helan_tasks_ids_and_units():
    result = import_plan(plan("helan-2020-plan.txt"))
    assert [it.task.id for it in result.tasks] == list(HELAN_EXPECTED)
    assert by_id(result) == HELAN_EXPECTED
    assert {u.name for u in result.master.units} == HELAN_UNITS
    # 保障措施 (五、) has no responsible units and is not a task section
    assert not any(it.task.id.startswith("五") for it in result.tasks)


def test_helan_titles_details_and_settings():
    result = import_plan(plan("helan-2020-plan.txt"))
    first = result.master.task("四.(一)")
    assert first.title == "深入实施民族团结进步创建“细胞工程”"
    assert first.content.startswith("以民族团结进步创建“十进”为主渠道")
    assert "责任单位" not in first.content
    assert result.master.task("四.(二).1").title == "加强青少年思想教育"
    assert result.master.settings["plan"] == "贺兰县2020年民族团结进步创建工作实施方案"
    assert result.master.settings["region"] == "贺兰县"
    assert result.master.settings["year"] == "2020"


def test_helan_short_form_resolved_and_reported():
    result = import_plan(plan("helan-2020-plan.txt"))
    units = {u.name: u for u in result.master.units}
    assert "统战部" not in units
    assert units["县委统战部"].aliases == ["统战部"]
    assert any("统战部" in w and "县委统战部" in w for w in result.warnings)


def test_helan_groups_are_not_units_and_categories_inferred():
    result = import_plan(plan("helan-2020-plan.txt"))
    names = {u.name for u in result.master.units}
    assert not names & HELAN_ALL
    assert not any("各" in n for n in names)
    cats = {u.name: u.category for u in result.master.units}
    assert cats["县委组织部"] == "party" and cats["县委统战部"] == "party"
    assert cats["民政局"] == "government" and cats["妇联"] == "mass" and cats["文联"] == "mass"
    assert all(u.inferred for u in result.master.units)
    groups = result.to_json()["tasks"][2]["groups"]
    assert set(groups) == HELAN_ALL


# ---------------------------------------------------------------- 本溪高新区 2021


def test_benxi_tasks_ids_and_units():
    result = import_plan(plan("benxi-2021-plan.txt"))
    assert [it.task.id for it in result.tasks] == list(BENXI_EXPECTED)
    assert by_id(result) == BENXI_EXPECTED
    names = {u.name for u in result.master.units}
    assert "区直各部门" not in names and "各街道" not in names
    assert {u.name: u.category for u in result.master.units}["工商联"] == "mass"
    t1 = result.master.task("1")
    assert t1.title == "推动民族团结进步教育常态化"
    assert "责任单位" not in t1.content and t1.content.endswith("中华民族共同体意识。")


# ---------------------------------------------------------------- no units, not a plan
def test_collection_invents_no_units():
    result = import_plan(plan("plans-collection.txt"))
    assert result.master.units == []
    assert result.tasks, "the compilation does have numbered task items"
    assert all(not it.task.lead and not it.task.co_units for it in result.tasks)
    assert any("没有写明责任单位" in w for w in result.warnings)
    # the people of the 领导小组 never become units
    assert "张林" not in json.dumps(result.to_json(), ensure_ascii=False)


def test_report_is_not_a_plan():
    path = plan("inner-mongolia-2022-report.txt")
    with pytest.raises(SheetsyncError) as exc:
        import_plan(path)
    assert "没有找到任务结构" in str(exc.value) and path.name in str(exc.value)
    set_lang("en")
    with pytest.raises(SheetsyncError, match="No task structure found"):
        import_plan(path)


def test_tasks_without_units_are_flagged_by_check(tmp_path):
    check = pytest.importorskip("sheetsync.master.check")
    p = tmp_path / "plan.txt"
    p.write_text("示例县文明村镇创建工作方案\n一、工作任务\n1.开展评选活动。评选文明家庭。\n2.整治村容村貌。\n"
                 "二、保障措施\n加强领导。\n", encoding="utf-8")
    result = import_plan(p)
    assert [it.task.id for it in result.tasks] == ["1", "2"]
    assert result.master.units == []
    assert any("没有写明责任单位" in w for w in result.warnings)
    codes = [f.code for f in check.check_master(result.master)]
    assert codes.count("no-responsible-unit") == 2


# ---------------------------------------------------------------- notations (own text, fictional county)
SAMPLE_MD = """# 示例县2023年乡村文化振兴工作实施方案

您当前的位置：首页 > 政务公开 > 通知公告
索引号：000/2023-01  发布日期：2023-02-01

为推进乡村文化振兴，结合我县实际，制定本方案。

## 一、工作目标

到2023年底，全县村级文化服务中心覆盖率达到95%以上。

## 二、重点任务

### （一）加强阵地建设

1.建设乡村书屋。新建乡村书屋25个，实现行政村全覆盖。（牵头单位：县文化和旅游局；配合单位：县财政局、各乡镇（街道））

2.开展文化下乡。每年开展送戏下乡活动不少于2次。〔责任单位:县文化和旅游局、县委宣传部〕

3.加强宣传报道。（责任单位：县融媒体中心、县委网信办等）

### （二）培育文化队伍

1.培训文化骨干。【责任单位】县委党校(县行政学校)、县人社局。完成时限：2023年6月底前。

2.发展志愿者。志愿者占比不少于10%。

责任单位：团县委（牵头）、县妇联、各乡镇场、街道

3.评选文明家庭。在全县开展评选活动，11月30日前完成（县委宣传部牵头，县妇联、各村（社区）配合）

## 三、实施步骤

（一）动员部署阶段（2023年2月—2023年3月）。3月15日前完成摸底。

（二）集中推进阶段（2023年4月至10月）。

（三）总结验收阶段（2023年11月—12月）。11月30日前上报总结。

## 四、保障措施

（一）加强组织领导。成立领导小组，组长：张三。 责任领导：李四

附件下载
扫一扫在手机打开当前页
"""


def test_markdown_notations(tmp_path):
    p = tmp_path / "plan.md"
    p.write_text(SAMPLE_MD, encoding="utf-8")
    result = import_plan(p)
    assert by_id(result) == {
        "二.(一).1": ("县文化和旅游局", {"县财政局", "各乡镇（街道）"}),
        "二.(一).2": ("县文化和旅游局", {"县委宣传部"}),
        "二.(一).3": ("县融媒体中心", {"县委网信办"}),
        "二.(二).1": ("县委党校(县行政学校)", {"县人社局"}),
        "二.(二).2": ("团县委", {"县妇联", "各乡镇场、街道"}),
        "二.(二).3": ("县委宣传部", {"县妇联", "各村（社区）"}),
    }
    m = result.master
    assert m.task("二.(二).1").deadline == "2023年6月底前"
    assert m.task("二.(二).3").deadline == "11月30日前"
    t1, t2, t5 = m.task("二.(一).1"), m.task("二.(一).2"), m.task("二.(二).2")
    assert (t1.target, t1.target_unit) == (25, "个")
    assert (t2.target, t2.target_unit, t2.indicator) == (2, "次", "每年开展送戏下乡活动")
    assert (t5.target, t5.target_unit) == (10, "%")
    names = {u.name: u.category for u in m.units}
    assert names == {"县文化和旅游局": "government", "县财政局": "government", "县委宣传部": "party",
                     "县融媒体中心": "enterprise", "县委网信办": "party", "县委党校(县行政学校)": "party",
                     "县人社局": "government", "团县委": "mass", "县妇联": "mass"}
    assert [(p.name, p.start.isoformat(), p.end.isoformat()) for p in m.phases] == [
        ("动员部署阶段", "2023-02-01", "2023-03-31"),
        ("集中推进阶段", "2023-04-01", "2023-10-31"),
        ("总结验收阶段", "2023-11-01", "2023-12-31"),
    ]
    assert "2023年3月15日前" in m.phases[0].note
    assert any("二.(一).3" in w and "等" in w for w in result.warnings)
    assert m.settings == {"plan": "示例县2023年乡村文化振兴工作实施方案", "region": "示例县", "year": "2023"}
    text = json.dumps(result.to_json(), ensure_ascii=False)
    assert "张三" not in text and "李四" not in text and "首页" not in text


def test_to_json_shape(tmp_path):
    p = tmp_path / "plan.md"
    p.write_text(SAMPLE_MD, encoding="utf-8")
    j = import_plan(p).to_json()
    assert set(j) == {"tasks", "phases", "units", "warnings"}
    task = j["tasks"][0]
    assert set(task) >= {"id", "title", "lead", "co_units", "groups", "deadline", "target"}
    assert task["co_units"] == ["县财政局"] and task["groups"] == ["各乡镇（街道）"]
    assert task["target"]["value"] == 25 and task["target"]["unit"] == "个"
    assert j["phases"][0]["start"] == "2023-02-01"
    json.dumps(j, ensure_ascii=False)


def test_top_level_tasks_with_explicit_roles(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_text(
        "示例区营商环境提升行动方案\n"
        "一、优化审批服务。推行一窗通办。\n牵头单位：区行政审批局\n配合单位：区发改委、区直有关部门\n"
        "二、规范涉企检查。\n责任单位：区市场监管局、区司法局（牵头）\n"
        "三、强化监督考核。（区委督查室负责）\n四、做好宣传。（具体负责宣传报道）\n"
        "五、推广典型。\n", encoding="utf-8")
    result = import_plan(p)
    assert by_id(result) == {
        "一": ("区行政审批局", {"区发改委", "区直有关部门"}),
        "二": ("区司法局", {"区市场监管局"}),
        "三": ("区委督查室", set()),
        "四": ("", set()),
        "五": ("", set()),
    }
    assert result.master.task("四").title == "做好宣传"
    assert {u.name for u in result.master.units} == {"区行政审批局", "区发改委", "区市场监管局", "区司法局", "区委督查室"}
    assert any("四、五" in w for w in result.warnings)


def test_gbk_text_and_unreadable_files(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_bytes("示例县工作方案\n一、重点任务\n1.加强教育。（责任单位：县教育局）\n".encode("gb18030"))
    assert by_id(import_plan(p)) == {"1": ("县教育局", set())}
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(SheetsyncError, match="broken.docx"):
        import_plan(bad)
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SheetsyncError, match="old.doc"):
        import_plan(old)


# ---------------------------------------------------------------- docx: paragraphs with Word numbering, tables
_NUMBERING = """<w:abstractNum {ns} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="(%2)"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""


def _numbered_docx(lines: list[str], path: Path) -> None:
    """Headings 一、/(一)/1. become Word auto-numbered paragraphs (the number is not in the text)."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING.format(ns=nsdecls("w"))))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    patterns = [(0, r"^[一二三四五六七八九十]+、"), (1, r"^[(（][一二三四五六七八九十]+[)）]"), (2, r"^\d+\.(?!\d)")]
    for line in lines:
        for level, rx in patterns:
            m = re.match(rx, line)
            if m:
                para = document.add_paragraph(line[m.end():])
                para._p.get_or_add_pPr().append(parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
                break
        else:
            document.add_paragraph(line)
    document.save(str(path))


def test_docx_paragraphs_with_word_numbering_import_like_text(tmp_path):
    src = plan("helan-2020-plan.txt")
    lines = [ln.strip() for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
    path = tmp_path / "helan.docx"
    _numbered_docx(lines, path)
    assert "四、" not in docx.Document(str(path)).paragraphs[30].text  # numbers live in numbering.xml
    from_docx = import_plan(path).to_json()
    from_text = import_plan(src).to_json()
    assert [t["id"] for t in from_docx["tasks"]] == list(HELAN_EXPECTED)
    assert from_docx["tasks"] == from_text["tasks"]
    assert from_docx["units"] == from_text["units"]


def test_docx_breakdown_table_imports_like_text(tmp_path):
    src = plan("benxi-2021-plan.txt")
    document = docx.Document()
    document.add_paragraph("关于全面深入持久开展民族团结进步创建工作铸牢中华民族共同体意识的实施方案")
    document.add_paragraph("附件：任务分解表")
    table = document.add_table(rows=1, cols=5)
    for cell, head in zip(table.rows[0].cells, ["序号", "重点任务", "具体措施", "牵头单位", "配合单位"], strict=False):
        cell.text = head
    # rows built straight from the plan text: N.title。detail（责任单位：A、B…）
    item = re.compile(r"^(\d+)\.([^。]+)。(.*)（责任单位：(.+)）$")
    for line in src.read_text(encoding="utf-8").splitlines():
        m = item.match(line.strip())
        if not m:
            continue
        names = m.group(4).split("、")
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = m.group(1), m.group(2), m.group(3)
        row[3].text, row[4].text = names[0], "、".join(names[1:])
    path = tmp_path / "benxi-table.docx"
    document.save(str(path))
    from_table = import_plan(path)
    from_text = import_plan(src)
    assert from_table.source == "table"
    assert by_id(from_table) == by_id(from_text) == BENXI_EXPECTED
    assert [it.task.title for it in from_table.tasks] == [it.task.title for it in from_text.tasks]


def test_docx_table_with_responsible_column_and_sections(tmp_path):
    document = docx.Document()
    document.add_paragraph("示例县2024年全民健身工作方案")
    table = document.add_table(rows=1, cols=5)
    for cell, head in zip(table.rows[0].cells, ["序号", "工作任务", "责任单位（部门）", "完成时限", "目标值"], strict=False):
        cell.text = head
    section = table.add_row()
    merged = section.cells[0].merge(section.cells[4])
    merged.text = "一、场地建设"
    rows = [
        ("1", "新建健身步道", "县体育中心（牵头）、县住建局", "2024年10月底前", "不少于20公里"),
        ("2", "更新健身器材", "各乡镇（街道）", "长期坚持", ""),
    ]
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=False):
            cell.text = value
    path = tmp_path / "fitness.docx"
    document.save(str(path))
    result = import_plan(path)
    assert by_id(result) == {"1": ("县体育中心", {"县住建局"}), "2": ("各乡镇（街道）", set())}
    t1 = result.master.task("1")
    assert (t1.deadline, t1.target, t1.target_unit) == ("2024年10月底前", 20, "公里")
    assert result.master.task("2").deadline == "长期坚持"
    assert {u.name for u in result.master.units} == {"县体育中心", "县住建局"}


# ---------------------------------------------------------------- merging into an existing master
def _existing() -> Master:
    return Master(
        units=[Unit("县委统战部", aliases=["统战部"], category="party", email="tzb@example.org"),
               Unit("贺兰县公安局", category="government")],
        settings={"region": "贺兰县", "plan": "旧计划"},
    )


def test_merge_uses_the_registry_of_the_existing_master():
    existing = _existing()
    result = import_plan(plan("helan-2020-plan.txt"), existing=existing)
    m = result.master
    assert m.task("四.(六).2").lead == "贺兰县公安局"  # 公安局 resolved through the registry
    names = [u.name for u in m.units]
    assert names[:2] == ["县委统战部", "贺兰县公安局"]
    assert "公安局" not in names and names.count("县委统战部") == 1
    assert {u.name for u in result.new_units} == HELAN_UNITS - {"县委统战部", "公安局"}
    assert m.settings["plan"] == "旧计划" and m.settings["year"] == "2020"
    assert len(existing.units) == 2 and existing.tasks == []  # the caller's master is not modified
    # importing the same plan again updates tasks instead of doubling them
    again = import_plan(plan("helan-2020-plan.txt"), existing=m)
    assert len(again.master.tasks) == 13 and again.new_units == []


# ---------------------------------------------------------------- CLI
def _cli():
    from sheetsync.cli import cli

    return cli


def test_cli_writes_master_and_refuses_to_overwrite(tmp_path):
    pytest.importorskip("sheetsync.master.workbook")
    from sheetsync.master.workbook import read_master

    src = tmp_path / "plan.md"
    src.write_text(SAMPLE_MD, encoding="utf-8")
    out = tmp_path / "master.xlsx"
    runner = CliRunner()
    r = runner.invoke(_cli(), ["import-plan", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "6 项任务" in r.output
    back = read_master(out)
    assert [t.id for t in back.tasks] == ["二.(一).1", "二.(一).2", "二.(一).3", "二.(二).1", "二.(二).2", "二.(二).3"]
    assert back.task("二.(二).2").lead == "团县委"
    assert len(back.phases) == 3 and len(back.units) == 9
    before = out.read_bytes()
    r = runner.invoke(_cli(), ["import-plan", str(src), "-o", str(out)])
    assert r.exit_code != 0 and out.read_bytes() == before
    r = runner.invoke(_cli(), ["import-plan", str(src), "-o", str(out), "--force", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["tasks"][0]["id"] == "二.(一).1"


def test_cli_merge_writes_new_file_and_leaves_existing_alone(tmp_path):
    pytest.importorskip("sheetsync.master.workbook")
    from sheetsync.master.workbook import read_master, write_master

    existing = tmp_path / "existing.xlsx"
    write_master(_existing(), existing)
    before = existing.read_bytes()
    out = tmp_path / "merged.xlsx"
    r = CliRunner().invoke(_cli(), ["import-plan", str(plan("helan-2020-plan.txt")), "--master", str(existing),
                                    "-o", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert existing.read_bytes() == before
    merged = read_master(out)
    assert len(merged.tasks) == 13
    assert merged.task("四.(六).2").lead == "贺兰县公安局"
    r = CliRunner().invoke(_cli(), ["import-plan", str(plan("helan-2020-plan.txt")), "--master", str(existing),
                                    "-o", str(existing), "--force"])
    assert r.exit_code != 0 and existing.read_bytes() == before


def test_cli_no_structure_writes_nothing(tmp_path):
    out = tmp_path / "m.xlsx"
    r = CliRunner().invoke(_cli(), ["import-plan", str(plan("inner-mongolia-2022-report.txt")), "-o", str(out)])
    assert r.exit_code != 0
    assert not out.exists()


# ---------------------------------------------------------------- more notations other counties use
QINGLIAN = """示例县关于推进清廉机关建设的实施方案
为深入推进清廉机关建设，制定本方案。
一、总体要求
坚持以人民为中心。
二、主要任务
（一）强化政治建设。坚持把政治建设摆在首位。
牵头单位：县直机关工委  配合单位：县委组织部、县纪委监委
1.深化理论学习。每季度开展集中学习不少于1次。
2.严格组织生活。
（二）加强作风建设。整治形式主义。（牵头单位：县纪委监委；配合单位：县委办、县政府办）
（三）推进制度建设
1．健全制度。9月底前完成制度清理。（责任单位：县司法局）
2．加强监督。
责任单位：
县审计局、县财政局
三、工作步骤
（一）动员部署阶段（2022年3月—4月）。4月15日前，各单位制定具体方案。
（二）组织实施阶段（2022年5月—10月）。
四、工作要求
各单位要高度重视。"""


def test_parent_clause_folds_unassigned_sub_items(tmp_path):
    document = docx.Document()
    for line in QINGLIAN.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "qinglian.docx"
    document.save(str(path))
    result = import_plan(path)
    assert by_id(result) == {
        "二.(一)": ("县直机关工委", {"县委组织部", "县纪委监委"}),
        "二.(二)": ("县纪委监委", {"县委办", "县政府办"}),
        "二.(三).1": ("县司法局", set()),
        "二.(三).2": ("县审计局", {"县财政局"}),  # names on the line after 责任单位：
    }
    m = result.master
    first = m.task("二.(一)")
    assert "1 深化理论学习" in first.content and "2 严格组织生活" in first.content
    assert (first.target, first.target_unit) == (1, "次")
    assert m.task("二.(三).1").deadline == "9月底前"
    assert {u.name: u.category for u in m.units}["县直机关工委"] == "party"
    assert [p.name for p in m.phases] == ["动员部署阶段", "组织实施阶段"]
    assert m.phases[0].note.startswith("2022年4月15日前")


def test_tab_and_markdown_tables(tmp_path):
    tab = tmp_path / "tab.txt"
    tab.write_text("示例县2022年创卫工作方案\n\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
                   "1\t整治背街小巷\t县住建局\t各乡镇（街道）\t2022年6月底前\n"
                   "2\t规范农贸市场\t县市场监管局\t县商务局、县城管局\t长期坚持\n", encoding="utf-8")
    result = import_plan(tab)
    assert by_id(result) == {"1": ("县住建局", {"各乡镇（街道）"}), "2": ("县市场监管局", {"县商务局", "县城管局"})}
    assert [t.deadline for t in result.master.tasks] == ["2022年6月底前", "长期坚持"]
    md = tmp_path / "plan.md"
    md.write_text("# 示例县方案\n\n| 序号 | 重点任务 | 责任单位 |\n|---|---|---|\n| 一、环境整治 | 一、环境整治 | 一、环境整治 |\n"
                  "| 1 | 开展爱国卫生运动。每月不少于1次。 | 县卫健局（牵头）、各乡镇 |\n"
                  "| 二、健康教育 | 二、健康教育 | 二、健康教育 |\n| 1 | 普及健康知识 | 县疾控中心、县卫健局 |\n",
                  encoding="utf-8")
    result = import_plan(md)
    assert by_id(result) == {"一.1": ("县卫健局", {"各乡镇"}), "二.1": ("县疾控中心", {"县卫健局"})}
    assert result.master.task("一.1").indicator == "开展爱国卫生运动（每月）"


@pytest.mark.parametrize("width", [24, 36])
def test_hard_wrapped_text_imports_like_the_original(tmp_path, width):
    import textwrap

    for name in ("helan-2020-plan.txt", "benxi-2021-plan.txt"):
        src = plan(name)
        lines = src.read_text(encoding="utf-8").splitlines()
        wrapped = tmp_path / f"wrapped-{name}"
        wrapped.write_text("\n".join(textwrap.fill(ln.strip(), width) if ln.strip() else "" for ln in lines),
                           encoding="utf-8")
        assert import_plan(wrapped).to_json()["tasks"] == import_plan(src).to_json()["tasks"]


def test_space_separates_heading_from_text_in_web_copies(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_text("示例县方案\n一、主要任务\n（一）加强宣传 结合工作实际开展宣传。（责任单位：县委宣传部）\n", encoding="utf-8")
    task = import_plan(p).master.tasks[0]
    assert (task.title, task.content) == ("加强宣传", "结合工作实际开展宣传。")


# ---------------------------------------------------------------- outlines run together by a web copy
def test_collection_reads_the_plans_whose_paragraph_breaks_were_lost():
    """篇1, 篇5 and 篇7 of the compilation are each one paragraph of thousands of characters
    (一、…二、…1、…2、… run together). 篇1 and 篇3 are the same plan, 篇3 with its line breaks:
    both must give the same tasks."""
    result = import_plan(plan("plans-collection.txt"))
    assert any("7 份方案" in w for w in result.warnings)
    titles: dict[str, list[str]] = {}
    for it in result.tasks:
        titles.setdefault(it.task.id.split("/")[0], []).append(it.task.title)
    assert titles["1"] == titles["2"] and len(titles["1"]) == 4  # run together == with line breaks
    assert titles["5"] == ["加强宣传,大力营造民族团结进步活动的氛围", "开展民族政策法规条例学习,不断提高理论水平",
                           "结合帮扶工作,关怀少数民族贫困户", "发挥统计部门职能作用,做好数据统计"]
    seven = {it.task.id: it.task.title for it in result.tasks if it.task.id.startswith("7/")}
    assert [seven[f"7/四.(二).{n}"] for n in range(1, 8)] == [
        f"创建活动进{w}" for w in ("机关", "企业", "学校", "社区", "乡村", "家庭", "宗教场所")]
    assert seven["7/五.(四)"] == "创建民族团结文化公园"


def test_a_plan_run_into_one_paragraph_imports_like_the_original(tmp_path):
    src = plan("benxi-2021-plan.txt")
    lines = [ln.strip() for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
    body = next(i for i, ln in enumerate(lines) if ln.startswith("一、")) - 1
    joined = tmp_path / "benxi-joined.txt"  # the intro, 一、…（一）…1.…（责任单位：…）2.… all one line
    joined.write_text("\n".join([*lines[:body], "".join(lines[body:])]), encoding="utf-8")
    assert len(joined.read_text(encoding="utf-8").splitlines()[-1]) > 2500
    assert import_plan(joined).to_json() == import_plan(src).to_json()


def test_run_together_splitting_leaves_ordinary_paragraphs_alone():
    from sheetsync.plan.runon import split_run_together

    untouched = [
        # a task's own text listing its points inline: it starts with a marker
        "1.建设乡村书屋。主要包括：（1）新建书屋25个；（2）更新图书5万册；（3）培训管理员100人。" * 2,
        # 第一/第二, quotes, a single number, and a number that is a quantity
        "会议强调，第一，要提高认识；第二，要加强领导；第三，要狠抓落实，确保各项工作落到实处，取得实效，" * 2,
        "开展“1、2、3”工程和“（一）（二）”行动，近1、2年内完成，力争在全县范围内形成可复制可推广的经验做法。" * 2,
        "短段落：一、二、",
        # a task's text in its own paragraph, listing its points: no 一、二、 run, so not a plan body
        "具体包括：（1）新建乡村书屋25个，配齐图书、书架和阅览桌椅等设备，方便群众就近借阅；（2）更新图书5万册，"
        "建立借阅登记和定期更换制度；（3）培训管理员100人，年底前完成考核并建立管理员队伍台账，纳入年度绩效考核。（责任单位：县文化和旅游局）",
    ]
    assert len(untouched[-1]) >= 120
    assert split_run_together(untouched) == untouched
    expected = [
        "为做好民族团结进步创建工作，结合本县实际，特制定本方案。", "一、工作目标通过创建活动，实现各民族共同团结奋斗、共同繁荣发展。",
        "二、主要任务", "（一）加强宣传 结合工作实际，利用多种形式开展民族政策宣传教育。",
        "（二）强化培训 组织干部职工学习民族理论和政策法规。", "三、工作要求各单位要高度重视，精心组织，确保取得实效。"]
    run_on = "".join(expected).replace("。（二）", "。 （二）")
    assert len(run_on) >= 120
    assert split_run_together([run_on]) == expected


def test_a_run_on_first_sentence_gives_a_short_name_and_keeps_the_rest():
    t11 = import_plan(plan("benxi-2021-plan.txt")).master.task("11")
    assert t11.title == "完善村规民约、行业规范"
    assert t11.content.startswith("严格落实“证照”分离，加强清真食品管理，营造尊重少数民族文化")
    source = next(ln.strip() for ln in plan("benxi-2021-plan.txt").read_text(encoding="utf-8").splitlines()
                  if ln.strip().startswith("11."))
    assert source.startswith(f"11.{t11.title}，{t11.content.split('（责任单位')[0][:20]}")  # nothing dropped
    collection = import_plan(plan("plans-collection.txt"))
    assert max(len(it.task.title) for it in collection.tasks) <= 40


def test_a_gbk_console_gets_an_escape_not_a_traceback(tmp_path):
    """Chinese Windows prints through GBK (cp936) when output is redirected: a name outside it
    (an emoji, a rare character) must not turn a finished import into a crash."""
    import os
    import subprocess
    import sys

    out = tmp_path / "计划😀𠮷.xlsx"
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "SHEETSYNC_LANG": "zh"}
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "import-plan", str(plan("benxi-2021-plan.txt")),
                           "-o", str(out)], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("gbk", "replace")
    assert out.is_file()
    assert "已写入主表".encode("gbk") in proc.stdout and b"\\U0001f600\\U00020bb7.xlsx" in proc.stdout
