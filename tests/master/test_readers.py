"""The master's per-sheet readers and the returns' per-field readers, each on its own."""

from __future__ import annotations

from datetime import date

from sheetsync.master.workbook import master_from_grids
from sheetsync.returns import read
from sheetsync.returns.read import ParsedReturn

TASKS = [["任务编号", "任务名称", "任务内容", "牵头单位", "配合单位", "完成时限", "指标", "目标值", "计量单位", "备注"]]
UNITS = [["单位名称", "简称", "类别", "所属分组", "联系人", "电话", "邮箱"]]


def grids(tasks=(), units=(), phases=None, settings=None) -> dict:
    g = {"任务": TASKS + [list(r) for r in tasks], "单位": UNITS + [list(r) for r in units]}
    if phases is not None:
        g["阶段"] = [["阶段名称", "开始日期", "结束日期", "说明"], *phases]
    if settings is not None:
        g["设置"] = [["项目", "值", "说明"], *settings]
    return g


# ---------------------------------------------------------------- master: one reader per sheet
def test_tasks_reader_targets_and_examples() -> None:
    m = master_from_grids(grids(tasks=[
        ["【示例】1.1", "示例", "", "县教育局", "", "", "", 2, "次", ""],
        ["1.1", "减少积案", "", "县信访局", "县公安局、各乡镇(街道)", "2026年底", "积案", "≤5", "件", ""],
        ["1.2", "培训", "", "县委组织部", "", "", "", "全覆盖", "", ""],
    ], units=[["县信访局", "", "", "各乡镇(街道)", "", "", ""]]))
    assert [tk.id for tk in m.tasks] == ["1.1", "1.2"]  # the example row is skipped
    first, second = m.tasks
    assert (first.target, first.target_op, first.target_unit) == (5.0, "<=", "件")
    assert first.co_units == ["县公安局", "各乡镇(街道)"]
    assert second.target is None
    bad = [f for f in m.findings if f.code == "bad-target"]
    assert len(bad) == 1 and bad[0].cell == "H4" and "全覆盖" in bad[0].message


def test_units_reader_category_and_inferred_mark() -> None:
    m = master_from_grids(grids(units=[
        ["县教育局", "教育局、教委", "政府部门（推断）", "政府各部门", "李某", "1", "a@x.cn"],
        ["县民政局", "", "外星机构", "", "", "", ""],
    ]))
    edu, civ = m.units
    assert (edu.category, edu.inferred, edu.aliases, edu.row) == ("government", True, ["教育局", "教委"], 2)
    assert civ.category == "other" and [f.cell for f in m.findings if f.code == "bad-category"] == ["C3"]


def test_phases_and_settings_readers() -> None:
    m = master_from_grids(grids(phases=[["实施阶段", "2026-03-01", "2026年10月31日", "推进"]],
                                settings=[["地区", "示例县", ""], ["自定义", "x", ""]]))
    assert [(p.name, p.start, p.end) for p in m.phases] == [("实施阶段", date(2026, 3, 1), date(2026, 10, 31))]
    assert m.settings["region"] == "示例县" and m.settings["自定义"] == "x"
    assert m.setting_rows["region"] == 2


def test_headers_reader_reports_a_missing_required_column() -> None:
    g = grids()
    g["任务"] = [["任务编号", "任务名称", "任务内容", "完成时限"], ["1.1", "培训", "", ""]]  # no 牵头单位
    m = master_from_grids(g)
    assert [(f.sheet, f.cell) for f in m.findings if f.code == "bad-header"] == [("任务", "A1")]
    assert m.layout["tasks"][0] == "任务"


# ---------------------------------------------------------------- returns: one reader per field
def out() -> ParsedReturn:
    return ParsedReturn(file="a.xlsx")


def test_status_reader() -> None:
    o = out()
    assert read._read_status(o, "填报", "已完成", 7, 4, "1.1") == "done" and not o.findings
    assert read._read_status(o, "填报", "完成", 7, 5, "1.1") == "done"
    assert read._read_status(o, "填报", "差不多", 7, 6, "1.1") is None
    assert read._read_status(o, "填报", None, 7, 7, "1.1") is None
    assert [(f.code, f.cell) for f in o.findings] == [("normalised", "G5"), ("bad-status", "G6")]


def test_progress_reader() -> None:
    o = out()
    assert read._read_progress(o, "填报", 80, 8, 4, "1.1") == 80.0
    assert read._read_progress(o, "填报", "８０％", 8, 5, "1.1") == 80.0
    assert read._read_progress(o, "填报", 150, 8, 6, "1.1") is None
    assert [(f.code, f.cell) for f in o.findings] == [("normalised", "H5"), ("bad-progress", "H6")]


def test_value_reader_scales_wan_by_the_unit_of_measure() -> None:
    o = out()
    assert read._read_value(o, "填报", 12, 9, 4, "1.1", "") == 12.0
    assert read._read_value(o, "填报", "1.2万", 9, 5, "1.1", "人次") == 12000.0
    assert read._read_value(o, "填报", "1.2万", 9, 6, "1.1", "万人次") == 1.2
    assert read._read_value(o, "填报", "很多", 9, 7, "1.1", "") is None
    assert [(f.code, f.cell) for f in o.findings] == [("normalised", "I5"), ("normalised", "I6"), ("bad-value", "I7")]


def test_text_reader_keeps_text() -> None:
    o = out()
    assert read._read_text(o, "填报", "  \t=1+1  ", 10, 4, "1.1") == "\t=1+1"
    assert read._read_text(o, "填报", 0.5, 10, 5, "1.1") == "0.5"
    assert read._read_text(o, "填报", "a\x07b", 10, 6, "1.1") == "ab"
    assert [(f.code, f.cell) for f in o.findings] == [("control-chars", "J6")]


def test_unread_reader() -> None:
    o = out()
    cols = {"status": 7, "progress": 8, "value": 9}
    assert read._read_unread(o, "填报", 4, cols, "1.1", {"G4", "I4", "G5"}) == "G4 I4"
    assert [f.cell for f in o.findings] == ["G4", "I4"]
