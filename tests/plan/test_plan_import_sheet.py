"""A task breakdown (任务分解表) already kept in Excel imports like the same table in Word.

Built here as counties keep them: a merged title row, a merged section row, the 牵头单位 of
consecutive tasks merged into one cell, numbers typed as numbers and a deadline typed as a date.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from helpers.plans import BENXI_EXPECTED, by_id, plan
from sheetsync.cli import cli
from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import set_lang
from sheetsync.master.workbook import read_master
from sheetsync.plan import import_plan


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


def _fitness(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append(["示例县2024年全民健身工作任务分解表"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    ws.append(["一、场地建设"])
    ws.merge_cells("A3:E3")
    ws.append([1, "新建健身步道，全年不少于20公里", "县体育中心", "县住建局", "2024年10月底前"])
    ws.append([2, "更新健身器材", None, "各乡镇（街道）", "长期坚持"])
    ws.merge_cells("C4:C5")  # one 牵头单位 for both tasks
    ws.append([3.0, "举办全民健身运动会", "县文旅局", None, datetime(2024, 9, 30)])
    wb.create_sheet("说明")["A1"] = "填表说明：牵头单位只填一个。"
    wb.save(path)
    return path


def test_breakdown_kept_in_excel(tmp_path: Path) -> None:
    result = import_plan(_fitness(tmp_path / "全民健身任务分解表.xlsx"))
    assert result.source == "table"
    assert by_id(result) == {"1": ("县体育中心", {"县住建局"}), "2": ("县体育中心", {"各乡镇（街道）"}),
                             "3": ("县文旅局", set())}
    t1, t3 = result.master.task("1"), result.master.task("3")
    assert (t1.title, t1.target, t1.target_unit, t1.deadline) == ("新建健身步道，全年不少于20公里", 20, "公里", "2024年10月底前")
    assert t3.deadline == "2024-09-30"
    assert result.master.settings == {"plan": "示例县2024年全民健身工作任务分解表", "region": "示例县", "year": "2024"}


def test_benxi_breakdown_in_excel_imports_like_the_plan_text(tmp_path: Path) -> None:
    item = re.compile(r"^(\d+)\.([^。]+)。(.*)（责任单位：(.+)）$")
    rows = []
    for line in plan("benxi-2021-plan.txt").read_text(encoding="utf-8").splitlines():
        m = item.match(line.strip())
        if m:
            names = m.group(4).split("、")
            rows.append([int(m.group(1)), m.group(2), m.group(3), names[0], "、".join(names[1:])])
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "重点任务", "具体措施", "牵头单位", "配合单位"])
    for r in rows:
        ws.append(r)
    first = 0
    for i in range(1, len(rows) + 1):  # runs of the same 牵头单位 merged, as clerks do
        if i == len(rows) or rows[i][3] != rows[first][3]:
            if i - first > 1:
                for k in range(first + 1, i):
                    ws.cell(row=k + 2, column=4).value = None
                ws.merge_cells(start_row=first + 2, start_column=4, end_row=i + 1, end_column=4)
            first = i
    path = tmp_path / "benxi.xlsx"
    wb.save(path)
    assert ws.merged_cells.ranges  # the test really merges
    from_sheet, from_text = import_plan(path), import_plan(plan("benxi-2021-plan.txt"))
    assert by_id(from_sheet) == by_id(from_text) == BENXI_EXPECTED
    assert [it.task.title for it in from_sheet.tasks] == [it.task.title for it in from_text.tasks]


def test_cli_imports_the_excel_breakdown(tmp_path: Path) -> None:
    src = _fitness(tmp_path / "分解表.xlsx")
    out = tmp_path / "任务分解表.xlsx"
    r = CliRunner().invoke(cli, ["import-plan", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert [(tk.id, tk.lead) for tk in read_master(out).tasks] == [("1", "县体育中心"), ("2", "县体育中心"), ("3", "县文旅局")]


def test_a_workbook_without_a_breakdown_and_formats_to_convert_first(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["王丽", "13800000000"])
    wb.save(tmp_path / "通讯录.xlsx")
    with pytest.raises(SheetsyncError) as exc:
        import_plan(tmp_path / "通讯录.xlsx")
    assert "没有找到任务结构" in str(exc.value)
    for name, words in (("方案.pdf", "PDF 无法直接导入"), ("分解表.xls", "另存为” .xlsx"), ("方案.wps", "另存为” .docx")):
        (tmp_path / name).write_bytes(b"x")
        with pytest.raises(SheetsyncError) as exc:
            import_plan(tmp_path / name)
        assert name in str(exc.value) and words in str(exc.value)
