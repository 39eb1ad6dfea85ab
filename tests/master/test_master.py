"""The master workbook: round trip, and the messy layouts real offices send."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheetsync.core.errors import SheetsyncError
from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import master_from_grids, new_master, read_master, write_master


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    m = demo_data.master()
    path = write_master(m, tmp_path / "master.xlsx")
    back = read_master(path)
    assert [(t.id, t.title, t.content, t.lead, t.co_units, t.deadline, t.indicator, t.target, t.target_unit)
            for t in back.tasks] == [
        (t.id, t.title, t.content, t.lead, t.co_units, t.deadline, t.indicator, t.target, t.target_unit)
        for t in m.tasks]
    assert [(u.name, u.aliases, u.category, u.groups, u.contact, u.phone, u.email) for u in back.units] == [
        (u.name, u.aliases, u.category, u.groups, u.contact, u.phone, u.email) for u in m.units]
    assert [(p.name, p.start, p.end, p.note) for p in back.phases] == [(p.name, p.start, p.end, p.note) for p in m.phases]
    for key, value in m.settings.items():
        assert back.settings[key] == value
    assert back.fingerprint() == m.fingerprint()
    assert back.findings == []


def test_written_master_is_formatted(tmp_path: Path) -> None:
    path = write_master(demo_data.master(), tmp_path / "master.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["任务"]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref.startswith("A1:J")
    assert ws["A1"].value == "任务编号" and ws["A1"].font.b
    assert ws.column_dimensions["C"].width >= 40
    assert ws["C2"].alignment.wrap_text
    assert ws.row_dimensions[2].height > 16  # rows tall enough for the wrapped text
    # dropdown of units on 牵头单位, vocabulary on 类别
    assert any("D2" in str(dv.sqref) for dv in ws.data_validations.dataValidation)
    assert any('"县委部门' in (dv.formula1 or "") for dv in wb["单位"].data_validations.dataValidation)
    assert wb.sheetnames == ["填写说明", "任务", "单位", "阶段", "设置"]


def test_inferred_category_survives_round_trip(tmp_path: Path) -> None:
    m = demo_data.master()
    m.units[0].inferred = True
    back = read_master(write_master(m, tmp_path / "m.xlsx"))
    assert back.units[0].inferred and back.units[0].category == m.units[0].category


def _grid_master(task_rows: list[list[object]], sheet: str = "任务") -> dict[str, list[list[object]]]:
    units = [["单位名称", "简称", "类别", "所属分组", "联系人", "电话", "邮箱"],
             ["县委统战部", "", "县委部门", "", "", "", "tzb@x.example"],
             ["县教育局", "教委", "政府部门", "政府各部门", "", "", "jyj@x.example"],
             ["城关镇", "", "乡镇(街道)", "各乡镇(街道)", "", "", "cgz@x.example"]]
    return {sheet: task_rows, "单位": units}


def test_title_rows_and_two_row_merged_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append(["示例县某某工作任务分解表"])
    ws.merge_cells("A1:F1")
    ws.append(["（2026年）"])
    ws.append(["序号", "重点任务", "具体内容", "责任单位", None, "完成时限"])
    ws.append([None, None, None, "牵头单位", "配合单位", None])
    ws.merge_cells("D3:E3")
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.append(["1", "任务一", "内容一", "县委统战部", "县教育局、各乡镇(街道)", "2026年12月底"])
    ws.append(["2", "任务二", "内容二", "教委", "", "长期坚持"])
    path = tmp_path / "messy.xlsx"
    wb.save(path)
    m = read_master(path)
    assert [(t.id, t.title, t.lead, t.co_units, t.deadline) for t in m.tasks] == [
        ("1", "任务一", "县委统战部", ["县教育局", "各乡镇(街道)"], "2026年12月底"),
        ("2", "任务二", "教委", [], "长期坚持"),
    ]
    assert m.layout["tasks"][1] == 4 and m.layout["tasks"][2]["lead"] == 4  # lower row of the two-row header


def test_english_headers_other_order_extra_columns() -> None:
    grid = [["Notes", "Lead unit", "Task ID", "Task", "Something else", "Co-units", "Deadline", "Target"],
            ["", "County Education", "A1", "Train teachers", "x", "Township A; Township B", "2026-12-31", "3"]]
    m = master_from_grids({"Tasks": grid})
    t = m.tasks[0]
    assert (t.id, t.title, t.lead, t.co_units, t.deadline, t.target) == (
        "A1", "Train teachers", "County Education", ["Township A", "Township B"], "2026-12-31", 3.0)


def test_full_width_punctuation_and_stray_spaces() -> None:
    grid = [["任务编号 ", " 任务名称", "牵头单位", "配合单位", "完成时限", "目标值"],
            ["１．１", "  开展　培训 ", " 县委统战部 ", "县教育局，城关镇；各乡镇（街道）", "2026年12月31日", "２"]]
    m = master_from_grids(_grid_master(grid))
    t = m.tasks[0]
    assert t.title == "开展 培训"
    assert t.lead == "县委统战部"
    assert t.co_units == ["县教育局", "城关镇", "各乡镇（街道）"]
    assert t.target == 2.0
    from sheetsync.master.check import check_master

    codes = [f.code for f in check_master(m) if f.severity == "error"]
    assert codes == []  # 各乡镇（街道） with full-width brackets is the same group


def test_merged_cells_down_a_hierarchy_column(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["类别", "任务编号", "任务名称", "牵头单位"])
    ws.append(["一、组织保障", "1.1", "甲", "县委统战部"])
    ws.append([None, "1.2", "乙", "县教育局"])
    ws.append([None, "1.3", "丙", "城关镇"])
    ws.merge_cells("A2:A4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    m = read_master(path)
    assert [t.id for t in m.tasks] == ["1.1", "1.2", "1.3"]


def _messy_masters(tmp_path: Path) -> list[Path]:
    """Masters as offices keep them: merged cells, real dates, whole and decimal numbers, a
    title merged past the table, a hidden sheet, the shipped templates."""
    from helpers.masters import messy_master

    return [write_master(demo_data.master(), tmp_path / "demo.xlsx"), *sorted(Path("xlsx").glob("*.xlsx")),
            messy_master(tmp_path / "messy.xlsx", units=True)]


def test_checked_reader_reads_masters_as_openpyxl_does(tmp_path: Path) -> None:
    """The master is read with intake's checks and calamine (fast); openpyxl, the reader it
    replaced, must give the same Master for every kind of master."""
    from sheetsync.master import workbook as master_mod

    for path in _messy_masters(tmp_path):
        fast = master_mod._checked_grids(path)
        assert fast is not None, path  # not a test that cannot fail: the fast path answered
        assert master_from_grids(fast, path=path) == master_from_grids(master_mod._openpyxl_grids(path), path=path), path
    m = read_master(tmp_path / "messy.xlsx")
    assert [(t.id, t.lead, t.deadline) for t in m.tasks][:3] == [
        ("1.1", "县委统战部", "2026-12-31"), ("1.2", "县委统战部", "2026-06-30"), ("1.3", "城关镇", "2026年12月底")]


def test_master_intake_would_refuse_is_left_to_openpyxl(tmp_path: Path) -> None:
    """Content past intake's limits (far-off cells are what make calamine abort): the checks
    refuse it first, and openpyxl reads the master as before."""
    from sheetsync.master import workbook as master_mod

    path = write_master(demo_data.master(), tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["任务"]["GT2"] = "x"  # column 202: past intake's 200 columns
    wb.save(path)
    assert master_mod._checked_grids(path) is None
    assert [t.id for t in read_master(path).tasks] == [t.id for t in demo_data.master().tasks]


def test_master_with_broken_xml_is_a_clear_error(tmp_path: Path) -> None:
    """Neither reader gets a traceback out: the checks refuse it, openpyxl says why."""
    import zipfile

    from sheetsync.core.errors import FileUnusable

    good = write_master(demo_data.master(), tmp_path / "m.xlsx")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / "bad.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for i in src.infolist():
            data = src.read(i.filename)
            out.writestr(i, data.replace(b"</sheetData>", b"</sheetDat>") if "worksheets/sheet2" in i.filename else data)
    with pytest.raises(FileUnusable, match="bad.xlsx"):
        read_master(tmp_path / "bad.xlsx")


def test_header_search_is_remembered_but_never_shared() -> None:
    """find_header remembers its answer per text of the rows it reads; each caller still gets
    its own match, and a sheet that differs in any of those rows is searched again."""
    from sheetsync.core import schema
    from sheetsync.workbook.headers import find_header

    grid = [["标题"], ["任务编号", "任务名称", "牵头单位"], ["1", "甲", "县委统战部"]]
    first = find_header(grid, schema.TASKS)
    assert first is not None and first.columns == {"id": 1, "title": 2, "lead": 3}
    first.columns.clear()
    again = find_header(grid, schema.TASKS)
    assert again is not None and again.columns == {"id": 1, "title": 2, "lead": 3} and again is not first
    moved = find_header([["标题"], ["任务名称", "任务编号", "牵头单位"], ["甲", "1", "县委统战部"]], schema.TASKS)
    assert moved is not None and moved.columns == {"id": 2, "title": 1, "lead": 3}
    assert find_header([[1], [True]], schema.TASKS) is None


def test_missing_required_column_is_a_bad_header_finding() -> None:
    grid = [["任务编号", "任务名称", "完成时限"], ["1", "甲", "2026-12-31"]]
    m = master_from_grids({"任务": grid})
    assert [f.code for f in m.findings] == ["bad-header"]
    assert "牵头单位" in m.findings[0].message


def test_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "x.xlsx"
    p.write_text("序号,任务\n1,甲\n", encoding="utf-8")
    with pytest.raises(SheetsyncError) as e:
        read_master(p)
    assert "x.xlsx" in str(e.value) and "另存为 .xlsx" in str(e.value)
    with pytest.raises(SheetsyncError, match="找不到文件"):
        read_master(tmp_path / "nope.xlsx")


def test_new_master_has_examples_that_are_not_read(tmp_path: Path) -> None:
    path = new_master(tmp_path / "new.xlsx", region="示例县")
    wb = openpyxl.load_workbook(path)
    assert wb["任务"]["A2"].value.startswith("【示例】")
    assert "填写说明" in wb.sheetnames
    m = read_master(path)
    assert m.tasks == [] and m.units == [] and m.region == "示例县"
    with pytest.raises(SheetsyncError, match="已存在"):
        new_master(path)


def test_shipped_template_is_current(tmp_path: Path) -> None:
    """xlsx/ holds the same empty master that ``sheetsync new`` writes."""
    from sheetsync.master.workbook import template_path

    for lang in ("zh", "en"):
        shipped = template_path(lang)
        assert shipped.exists(), f"run: python -m sheetsync.master.template to regenerate {shipped.name}"
        fresh = new_master(tmp_path / f"{lang}.xlsx", lang=lang)
        a, b = openpyxl.load_workbook(shipped), openpyxl.load_workbook(fresh)
        assert a.sheetnames == b.sheetnames
        for name in a.sheetnames:
            assert [[c.value for c in r] for r in a[name].iter_rows()] == [[c.value for c in r] for r in b[name].iter_rows()]


def test_libreoffice_opens_template_master_and_annotated_copy(tmp_path: Path, libreoffice) -> None:
    from sheetsync.master.check import annotate_master, check_master
    from sheetsync.master.workbook import template_path

    master = write_master(demo_data.master(), tmp_path / "demo-master.xlsx")
    flawed = write_master(demo_data.master_with_mistakes(), tmp_path / "flawed.xlsx")
    annotated = annotate_master(flawed, tmp_path / "annotated.xlsx", check_master(read_master(flawed)))
    en = write_master(demo_data.master(), tmp_path / "english.xlsx", lang="en")
    libreoffice([template_path("zh"), template_path("en"), master, annotated, en], tmp_path / "pdf")
