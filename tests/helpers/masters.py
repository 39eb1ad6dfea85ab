"""A master as offices keep it, shared by the master-reader tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl


def messy_master(path: Path, *, units: bool = False) -> Path:
    """Merged cells (down a column, across a title past the table), dates and datetimes, whole
    and decimal numbers, Chinese text, a hidden sheet; with ``units`` a 单位 sheet too."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append(["示例县重点任务分解表（2026年）"])
    ws.merge_cells("A1:L1")  # past the last column of the table
    ws.append(["类别", "任务编号", "任务名称", "牵头单位", "配合单位", "完成时限", "目标值", "单位"])
    ws.append(["一、组织保障", "1.1", "甲", "县委统战部", "县教育局、各乡镇(街道)", dt.date(2026, 12, 31), 2, "次"])
    ws.append([None, "1.2", "乙", None, None, dt.datetime(2026, 6, 30, 0, 0), 2.5, "%"])
    ws.append([None, "1.3", "丙", "城关镇", "县教育局", "2026年12月底", "不少于3次", None])
    ws.append(["二、宣传", 2.1, "丁", "县委宣传部", "", dt.datetime(2026, 9, 1, 17, 30), 100000, "人"])
    ws.merge_cells("A3:A5")
    ws.merge_cells("D3:D4")  # one lead for two tasks
    ws.merge_cells("E3:E4")
    if units:
        sheet = wb.create_sheet("单位")
        sheet.append(["单位名称", "类别", "联系人", "电话"])
        sheet.append(["县委统战部", "县直部门", "张三", 13800000000])
        sheet.append(["城关镇", "乡镇（街道）", "李四", "0123-4567890"])
    wb.create_sheet("旧版").sheet_state = "hidden"
    wb["旧版"]["A1"] = "已作废"
    wb.save(path)
    return path
