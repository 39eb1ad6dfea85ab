"""导入方案 from the ribbon: a plan file on disk merged into the open master (remote engine).

The file dialog is VBA and cannot run here: the plan's path is passed as the dispatcher passes
it after the dialog (hex of UTF-16), see ``hexpath``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from helpers.ribbon import (
    actions,
    alert,
    hexpath,
    open_book,
    open_file,
    painted,
    remote_engine,  # noqa: F401  (autouse fixture)
)
from sheetsync.cli import cli
from sheetsync.core import schema
from sheetsync.core.model import Master, Task, Unit
from sheetsync.master.workbook import read_master, write_master
from sheetsync.ribbon import handlers

PLAN = """示例县2027年文化惠民工作实施方案
一、工作目标
到2027年底，村级文化服务中心全覆盖。
二、重点任务
1.建设乡村书屋。新建乡村书屋25个。（牵头单位：县教育局；配合单位：县财政局）
2.开展文化下乡。每年开展送戏下乡活动不少于2次。（责任单位：县文化和旅游局）
3.=SUM(A1)宣传。（责任单位：县教育局）
三、实施步骤
（一）动员部署阶段（2027年2月—2027年3月）。
（二）集中推进阶段（2027年4月至10月）。
"""


def _plan(folder: Path) -> Path:
    path = folder / "文化惠民方案.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


def _existing(folder: Path) -> Path:
    """A master that already holds task 1 (same title as in the plan) and a task of its own."""
    m = Master(tasks=[Task("1", "建设乡村书屋", content="本县自己的写法", lead="县教育局"),
                      Task("9", "本县自有任务", lead="县财政局")],
               units=[Unit("县教育局", email="jyj@example.test"), Unit("县财政局", email="czj@example.test")],
               settings={"region": "示例县", "period": "2027年第1季度"})
    path = folder / "任务分解表.xlsx"
    write_master(m, path, lang="zh")
    return path


def _writes(book: Any, sheet: str) -> list[dict[str, Any]]:
    pos = [s.name for s in book.sheets].index(sheet)
    return [a for a in actions(book, "setValues") if a["sheet_position"] == pos]


def test_import_appends_new_tasks_units_and_phases_to_the_open_master(tmp_path: Path) -> None:
    plan, master = _plan(tmp_path), _existing(tmp_path)
    r = CliRunner().invoke(cli, ["import-plan", str(plan), "--master", str(master), "-o", str(tmp_path / "cli.xlsx")])
    assert r.exit_code == 0, r.output
    cli_master = read_master(tmp_path / "cli.xlsx")

    book = open_file(master)
    handlers.dispatch("importPlan", hexpath(plan))
    text, mode = alert(book)
    assert mode == "info", text

    (tasks,) = _writes(book, "任务")  # one block, below the existing rows; nothing above rewritten
    assert tasks["start_row"] + 1 == 4
    new_ids = [row[0] for row in tasks["values"]]
    assert new_ids == [tk.id for tk in cli_master.tasks if tk.id not in ("1", "9")] == ["2", "3"]
    assert tasks["values"][1][1].startswith("'=")  # plan text that looks like a formula stays text
    assert tasks["values"][0][3] == "县文化和旅游局"

    (units,) = _writes(book, "单位")
    assert [row[0] for row in units["values"]] == ["县文化和旅游局"]
    assert units["values"][0][2] == "政府部门（推断）"
    unit_row = units["start_row"] + 1
    assert painted(book, "单位")[(unit_row, 1, 1, 7)] == "#ffeb9c"
    notes = {a["args"][0].replace("$", ""): a["args"][1] for a in actions(book, "addNote")}
    assert notes[f"A{unit_row}"].startswith("[sheetsync] ") and "推断" in notes[f"A{unit_row}"]

    (phases,) = _writes(book, "阶段")
    assert [row[0] for row in phases["values"]] == [p.name for p in cli_master.phases]

    settings = {(a["start_row"] + 1, a["start_column"] + 1): a["values"] for a in _writes(book, "设置")}
    plan_row = 2 + [lab.key for lab in schema.SETTING_KEYS].index("plan")  # write_master's row order
    assert settings[(plan_row, 2)] == [["示例县2027年文化惠民工作实施方案"]]
    assert (2, 2) not in settings  # 地区名称 was filled in already: left alone

    assert "导入 3 项任务" in text and "任务 2 项，单位 1 个，阶段 2 个" in text
    assert "1 项任务的编号在主表中已有" in text


def test_import_reads_unsaved_units(tmp_path: Path) -> None:
    """A unit typed into the open workbook (not saved) is known: the plan's task does not add it again."""
    plan, master = _plan(tmp_path), _existing(tmp_path)

    def edit(grids: dict) -> None:
        grids["单位"].append(["县文化和旅游局", "文旅局", "政府部门", None, None, None, "wl@example.test"])

    book = open_file(master, edit)
    handlers.dispatch("importPlan", hexpath(plan))
    assert alert(book)[1] == "info"
    assert not _writes(book, "单位")


def test_import_into_a_blank_excel_writes_a_new_master_beside_the_plan(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    (tmp_path / "文化惠民方案_任务分解表.xlsx").write_bytes(b"someone else's file")
    book = open_book({"Sheet1": [[]]}, "工作簿1")
    handlers.dispatch("importPlan", hexpath(plan))
    text, mode = alert(book)
    assert mode == "info", text
    out = tmp_path / "文化惠民方案_任务分解表(2).xlsx"  # the existing file is not overwritten
    assert str(out) in text
    assert (tmp_path / "文化惠民方案_任务分解表.xlsx").read_bytes() == b"someone else's file"
    assert [tk.id for tk in read_master(out).tasks] == ["1", "2", "3"]
    assert not actions(book, "setValues")


def test_a_file_that_is_not_a_plan_says_what_to_do(tmp_path: Path) -> None:
    master = _existing(tmp_path)
    junk = tmp_path / "会议纪要.txt"
    junk.write_text("今天开会。\n大家发言。\n", encoding="utf-8")
    book = open_file(master)
    handlers.dispatch("importPlan", hexpath(junk))
    text, mode = alert(book)
    assert mode == "critical" and "会议纪要.txt" in text and "处理办法" in text
    assert not actions(book, "setValues")


def test_a_page_saved_from_the_county_site_imports_like_its_text(tmp_path: Path) -> None:
    """导入方案 with the plan as the web page it was published on (GB2312 declared, in a layout table)."""
    import html

    paras = "".join(f"<p>&nbsp;&nbsp;{html.escape(line)}</p>" for line in PLAN.splitlines() if line)
    page = tmp_path / "文化惠民方案.htm"
    page.write_bytes(("<html><head><meta charset=gb2312><title>方案</title></head><body>"
                      "<div>您当前的位置：首页 &gt; 政务公开</div><table><tr><td>" + paras + "</td></tr></table>"
                      "</body></html>").encode("gb18030"))
    book = open_book({"Sheet1": [[]]}, "工作簿1")
    handlers.dispatch("importPlan", hexpath(page))
    text, mode = alert(book)
    assert mode == "info", text
    out = tmp_path / "文化惠民方案_任务分解表.xlsx"
    from_page = read_master(out)
    assert [(tk.id, tk.title, tk.lead) for tk in from_page.tasks] == [
        ("1", "建设乡村书屋", "县教育局"), ("2", "开展文化下乡", "县文化和旅游局"), ("3", "=SUM(A1)宣传", "县教育局")]
    assert [p.name for p in from_page.phases] == ["动员部署阶段", "集中推进阶段"]
