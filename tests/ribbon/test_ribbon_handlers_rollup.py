"""合并回收表, 标注缺口, 刷新总览 on the demo county: real master, split, returns and ledger on disk.

The folder dialog of 合并回收表 is VBA and cannot run here: the tests pass the folder the way
the dispatcher does after the dialog (hex of UTF-16), see ``hexpath``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from helpers.ribbon import (
    Demo,
    actions,
    alert,
    build_demo,
    copy_demo,
    hexpath,
    merge_cli,
    open_book,
    open_file,
    painted,
    remote_engine,  # noqa: F401  (autouse fixture)
    sheet_values,
    small_county,
)
from sheetsync.cli import cli
from sheetsync.merge import status
from sheetsync.ribbon import handlers

RED, AMBER, GREEN = "#ffc7ce", "#ffeb9c", "#c6efce"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("demo") / "示例县")


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The small county after ``sheetsync merge`` (ledger beside the master): tasks 3 and 4 have gaps."""
    d = small_county(tmp_path_factory.mktemp("merged") / "示例县")
    merge_cli(d)
    return d


def _rollup_numbers(path: Path) -> tuple[list[list[object]], list[list[object]]]:
    """The roll-up's 单位报送 and 缺口清单 sheets as values (the figures, not the formatting)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    units = [list(r) for r in wb["单位报送"].iter_rows(values_only=True)]
    gaps = [list(r) for r in wb["缺口清单"].iter_rows(values_only=True)]
    wb.close()
    return units, gaps


# ---------------------------------------------------------------- 合并回收表
def test_merge_gives_the_same_rollup_as_sheetsync_merge(demo: Demo, tmp_path: Path) -> None:
    cli_run = copy_demo(demo, tmp_path / "cli")
    r = CliRunner().invoke(cli, ["merge", "--json", str(cli_run.master), str(cli_run.returns),
                                 "-o", str(cli_run.folder / "cli.xlsx")])
    assert r.exit_code == 0, r.output
    expected = json.loads(r.output)

    d = copy_demo(demo, tmp_path / "ribbon")
    book = open_file(d.master)
    handlers.dispatch("mergeReturns", hexpath(d.returns))
    text, mode = alert(book)
    assert mode == "info", text

    output = d.folder / "示例县_2026年第4季度_汇总表.xlsx"
    assert output.is_file() and str(output) in text
    assert (d.folder / "sheetsync.db").is_file()
    assert _rollup_numbers(output) == _rollup_numbers(cli_run.folder / "cli.xlsx")
    h = expected["headline"]
    assert f"应报 {h['units_expected']} 个单位，已报 {h['units_reported']} 个" in text
    for name in expected["missing_units"]:
        assert name in text

    table = sheet_values(book, "合并结果")
    assert table[0] == ["文件", "单位", "处理结果", "问题说明"]
    outcomes = {(Path(f["path"]).name, f["outcome"]) for f in expected["files"]}
    label = {"accepted": "已接收", "warnings": "已接收（有提示）", "rejected": "已拒收", "duplicate": "重复文件（已忽略）",
             "skipped": "已跳过"}
    assert sorted((Path(row[0]).name, row[2]) for row in table[1:]) == sorted((n, label[o]) for n, o in outcomes)
    rejected = [i for i, row in enumerate(table[1:], start=2) if row[2] == "已拒收"]
    assert rejected, "the demo sends one damaged file"
    colours = painted(book, "合并结果")
    assert all(colours[(r, 3, 1, 1)] == RED for r in rejected)
    assert "拒收" in text


def test_merge_refuses_unsaved_edits_and_writes_nothing(demo: Demo, tmp_path: Path) -> None:
    d = copy_demo(demo, tmp_path / "d")

    def edit(grids: dict) -> None:
        grids["任务"][1][1] = "改过但没保存的任务名称"

    book = open_file(d.master, edit)
    handlers.dispatch("mergeReturns", hexpath(d.returns))
    text, mode = alert(book)
    assert mode == "critical" and "尚未保存" in text and "Ctrl+S" in text
    assert not (d.folder / "sheetsync.db").exists()
    assert not list(d.folder.glob("*汇总表.xlsx"))


def test_merge_needs_a_saved_master(demo: Demo, tmp_path: Path) -> None:
    from sheetsync.master.workbook import load_grids

    book = open_book(load_grids(demo.master), "工作簿1")
    handlers.dispatch("mergeReturns", hexpath(demo.returns))
    text, mode = alert(book)
    assert mode == "critical" and "还没有保存" in text and "另存为" in text


# ---------------------------------------------------------------- 标注缺口
def test_mark_gaps_colours_exactly_the_tasks_with_gaps(merged: Demo) -> None:
    rollup = status(merged.master)
    by_task = rollup.gaps_by_task()
    assert set(by_task) == {"3", "4"}  # the scenario of small_county
    rows = {tl.task.id: tl.task.row for tl in rollup.tasks}
    high = {tid for tid, gs in by_task.items() if any(g.severity == "high" for g in gs)}

    book = open_file(merged.master)
    handlers.dispatch("markGaps")
    text, mode = alert(book)
    assert mode == "info", text

    fills = {k: v for k, v in painted(book, "任务").items() if v is not None}
    assert all(k[1] == 1 and k[2] == 1 and k[3] == 10 for k in fills)  # whole rows A:J
    assert {r for r, *_ in fills} == {rows[tid] for tid in by_task}
    for tid in by_task:
        assert fills[(rows[tid], 1, 1, 10)] == (RED if tid in high else AMBER)

    notes = {a["args"][0].replace("$", ""): a["args"][1] for a in actions(book, "addNote")}
    assert set(notes) == {f"B{rows[tid]}" for tid in by_task}  # on the task title
    for tid, gaps in by_task.items():
        note = notes[f"B{rows[tid]}"]
        assert note.startswith("[sheetsync 缺口] ")
        assert all(g.unit in note for g in gaps if g.unit)

    table = sheet_values(book, "缺口标注")
    assert table[0] == ["任务编号", "任务名称", "位置", "严重程度", "缺口"]
    assert [row[0] for row in table[1:]] == [tl.task.id for tl in rollup.tasks if tl.task.id in by_task]
    assert high == {"3"} and fills[(rows["4"], 1, 1, 10)] == AMBER
    assert "2 项有缺口" in text and "红色 1 项" in text and "黄色 1 项" in text


def test_mark_gaps_clears_the_marks_of_the_previous_run(merged: Demo) -> None:
    rollup = status(merged.master)
    by_task = rollup.gaps_by_task()
    clean = next(tl.task for tl in rollup.tasks if tl.task.id not in by_task)

    def edit(grids: dict) -> None:  # an earlier run had marked a task that has no gap now
        grids["缺口标注"] = [["任务编号", "任务名称", "位置", "严重程度", "缺口"],
                         [clean.id, clean.title, f"任务!B{clean.row}", "高", "【未报送】旧"]]

    book = open_file(merged.master, edit)
    book.sheets["任务"].api["notes"] = [{"address": f"$B${clean.row}"}]
    handlers.dispatch("markGaps")
    resets = {k for k, v in painted(book, "任务").items() if v is None}
    assert (clean.row, 1, 1, 10) in resets
    deleted = {a["start_row"] + 1 for a in actions(book, "deleteNote")}
    assert deleted == {clean.row}
    assert not actions(book, "addSheet")  # the 缺口标注 sheet is reused
    table = sheet_values(book, "缺口标注")
    assert clean.id not in [row[0] for row in table[1:]]


def test_mark_gaps_before_any_merge_says_to_merge_first(tmp_path: Path) -> None:
    d = small_county(tmp_path / "d")
    book = open_file(d.master)
    handlers.dispatch("markGaps")
    text, mode = alert(book)
    assert mode == "critical" and "合并回收表" in text and "sheetsync.db" in text
    assert not (d.folder / "sheetsync.db").exists()


# ---------------------------------------------------------------- 刷新总览
def test_refresh_overview_shows_the_ledger_headline(merged: Demo) -> None:
    rollup = status(merged.master)
    h = rollup.headline()
    book = open_file(merged.master)
    handlers.dispatch("refreshOverview")
    text, mode = alert(book)
    assert mode == "info" and "总览" in text

    pos = [s.name for s in book.sheets].index("总览")
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == pos]
    items = next(a["values"] for a in writes if a["start_row"] == 2)
    values = {row[0]: row[1] for row in items[1:]}
    assert values["应报单位"] == h["units_expected"] and values["已报单位"] == h["units_reported"]
    assert values["未报单位"] == h["units_missing"] and values["未报单位名单"] == "、".join(rollup.missing_units)
    assert values["任务总数"] == h["tasks"] and values["已完成"] == h["done"] and values["逾期"] == h["overdue"]
    assert values["完成率"] == f"{h['completion_rate']}%"
    assert values["缺口数"] == len(rollup.gaps)

    units = next(a["values"] for a in writes if a["start_row"] > 2)
    assert units[0] == ["单位", "报送", "接收时间", "任务", "完成", "缺口"]
    assert len(units) - 1 == len(rollup.units)
    assert {row[0] for row in units[1:] if row[1] == "未报"} == set(rollup.missing_units)


def test_refresh_overview_reads_unsaved_settings(merged: Demo, tmp_path: Path) -> None:
    """The open workbook is the master: a period typed but not saved selects that period's ledger rows."""
    d = Demo(tmp_path / "d", *(tmp_path / "d" / p.name for p in (merged.master, merged.split, merged.returns)))
    shutil.copytree(merged.folder, d.folder)

    def edit(grids: dict) -> None:
        for row in grids["设置"]:
            if row[0] == "报送周期":
                row[1] = "2027年第1季度"

    book = open_file(d.master, edit)
    handlers.dispatch("refreshOverview")
    items = {row[0]: row[1] for row in sheet_values_at(book, "总览", 2)[1:]}
    assert items["报送周期"] == "2027年第1季度" and items["已报单位"] == 0


def sheet_values_at(book, name: str, start_row: int) -> list[list[object]]:
    pos = [s.name for s in book.sheets].index(name)
    return next(a["values"] for a in actions(book, "setValues")
                if a["sheet_position"] == pos and a["start_row"] == start_row)


def test_refresh_overview_judges_at_the_as_of_date_typed_in_settings(merged: Demo) -> None:
    """设置·统计截至日期, typed in the open master and not saved, is the date the overview is at."""
    def edit(grids: dict) -> None:
        rows = grids["设置"]
        rows[:] = [r for r in rows if not r or r[0] != "统计截至日期"] + [["统计截至日期", "2026-12-31"]]

    book = open_file(merged.master, edit)
    handlers.dispatch("refreshOverview")
    assert alert(book)[1] == "info"
    pos = [s.name for s in book.sheets].index("总览")
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == pos]
    items = next(a["values"] for a in writes if a["start_row"] == 2)
    assert "2026-12-31" in [str(row[1]) for row in items[1:]]
