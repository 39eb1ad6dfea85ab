"""生成下级主表 and 生成上报表 on the remote Book engine, with real files from the three levels:
each button gives what ``sheetsync derive`` / ``sheetsync export-return`` give."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers.ribbon import (
    alert,
    hexpath,
    open_file,
    remote_engine,  # noqa: F401  (autouse fixture)
)
from sheetsync.demo import levels as lv
from sheetsync.master.workbook import read_master
from sheetsync.merge import merge_returns
from sheetsync.ribbon import handlers
from sheetsync.ribbon.rollup_buttons import rollup_path


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> lv.LevelsResult:
    return lv.build_levels(tmp_path_factory.mktemp("levels-ribbon"), lang="zh")


def _issued(res: lv.LevelsResult) -> Path:
    return next(p for p in res.paths["county_outgoing"].glob("*.xlsx") if f"_{lv.TOWNSHIP}_" in p.name)


def test_derive_button_reads_the_unit_from_the_chosen_return(three: lv.LevelsResult, tmp_path: Path) -> None:
    issued = tmp_path / _issued(three).name
    shutil.copy(_issued(three), issued)
    book = open_file(three.paths["county_master"])
    handlers.dispatch("deriveMaster", hexpath(issued))
    text, mode = alert(book)
    assert mode == "info" and lv.TOWNSHIP in text, text
    out = tmp_path / f"{lv.TOWNSHIP}_任务分解表.xlsx"
    derived = read_master(out)
    assert derived.parent["unit"] == lv.TOWNSHIP and derived.tasks


def test_derive_button_on_a_master_says_to_use_the_command(three: lv.LevelsResult) -> None:
    book = open_file(three.paths["county_master"])
    handlers.dispatch("deriveMaster", hexpath(three.paths["county_master"]))
    text, mode = alert(book)
    assert mode != "info" and "sheetsync derive" in text, text


def test_export_button_fills_the_return_from_this_periods_rollup(three: lv.LevelsResult, tmp_path: Path) -> None:
    master = tmp_path / three.paths["township_master"].name
    shutil.copy(three.paths["township_master"], master)
    live = read_master(master)
    merge_returns(master, [three.paths["township_returns"]], rollup_path(master, live, live.setting("period")))
    book = open_file(master)
    handlers.dispatch("exportReturn", hexpath(_issued(three)))
    text, mode = alert(book)
    assert mode == "info" and "10/12" not in text and "上报" in text, text
    out = tmp_path / "上报" / _issued(three).name
    ws = openpyxl.load_workbook(out)["填报"]
    assert str(ws["J4"].value).startswith("本镇12个单位中已报10个")


def test_export_button_before_any_merge_says_to_merge_first(three: lv.LevelsResult, tmp_path: Path) -> None:
    master = tmp_path / three.paths["township_master"].name
    shutil.copy(three.paths["township_master"], master)
    book = open_file(master)
    handlers.dispatch("exportReturn", hexpath(_issued(three)))
    text, mode = alert(book)
    assert mode != "info" and "合并回收表" in text, text
    assert not (tmp_path / "上报").exists()
