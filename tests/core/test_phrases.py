"""The homes issue 16 extended, each on its own: "no problem" phrasings, status spellings,
Chinese numerals, percent number formats (an Excel-made pattern written with openpyxl)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheetsync.core.numbers import parse_number, parse_percent
from sheetsync.core.phrases import is_no_problem
from sheetsync.core.status import parse_status
from sheetsync.intake import WorkbookData, read_workbook
from sheetsync.intake.sheetscan import is_percent_format


@pytest.mark.parametrize("text", ["无", "暂无", "无明显问题", "暂未发现问题", "未发现问题", "没有发现问题", "——", "无明显困难",
                                  "目前暂无", "暂未发现明显问题。", "/", "N/A", "无 。", "尚无", "不存在问题"])
def test_no_problem_phrasings(text: str) -> None:
    assert is_no_problem(text)


@pytest.mark.parametrize("text", ["资金缺口较大", "无资金问题但进度慢", "暂无场地，需协调", "无法按期完成", "没有资金",
                                  "问题", "人员不足"])
def test_real_problems_are_problems(text: str) -> None:
    assert not is_no_problem(text)


def test_status_spellings() -> None:
    assert parse_status("序时推进") == ("in_progress", "推进中")
    assert parse_status("已完成✓") == ("done", "已完成")
    assert parse_status("已完成。") == ("done", "已完成")
    assert parse_status("完成了") == ("done", "已完成")
    assert parse_status("基本完成") == ("in_progress", "推进中")  # basically done is not done
    assert parse_status("差不多") == (None, "")


def test_chinese_numerals_and_magnitudes() -> None:
    assert [parse_number(x) for x in ("十二", "两期", "二十个", "12.5万", "1.2万人次")] == [12, 2, 20, 125000, 12000]
    assert parse_number("三万人次", unit="万人次") == 3
    assert [parse_number(x) for x in ("十几个", "一些", "二十多")] == [None, None, None]  # approximate: flagged


def test_percent_format_means_a_fraction() -> None:
    assert parse_percent(1, percent_format=True) == (100.0, False)
    assert parse_percent(0.005, percent_format=True) == (0.5, False)
    assert parse_percent(1) == (1.0, False)
    assert [is_percent_format(c) for c in ("0%", "0.0%", '0"%"', "0\\%", "[Red]0.00%", "0.00")] == \
        [True, True, False, False, True, False]


def test_excel_custom_percent_format_read(tmp_path: Path) -> None:
    """A custom 0.0% format (numFmt ≥ 164) and the built-in 0% (id 9), as Excel writes them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 0.25, 1, 1
    ws["A1"].number_format = "0.0%"
    ws["B1"].number_format = "0%"
    path = tmp_path / "p.xlsx"
    wb.save(path)
    data = read_workbook(path)
    assert isinstance(data, WorkbookData)
    assert sorted(data.sheets[0].percent) == ["A1", "B1"]  # C1 (General) is no percent
    assert WorkbookData.from_json(data.to_json()).sheets[0].percent == data.sheets[0].percent
