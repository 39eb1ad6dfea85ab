"""Shared parts of the ribbon handler tests: xlwings' remote Book engine and the demo county on disk.

The remote engine is xlwings' own: ``xw.Book(json=...)`` holds the workbook as the Office.js
client sends it, and ``book.json()`` is the list of actions Excel would apply. It needs a
license key only to start, which xlwings' Linux CI sets the same way (noncommercial).

On Windows ``Book.fullname`` is the workbook's full path; the remote engine answers with the
name the JSON gives, so these tests give the full path of the master file as the name.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch: pytest.MonkeyPatch):
    """Enable xlwings' remote engine for this test only (xlwings registers it at import time
    when the key is set; here it is set afterwards, so the engine is registered by hand)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.delenv("SHEETSYNC_LANG", raising=False)
    monkeypatch.delenv("SHEETSYNC_SMTP_PASSWORD", raising=False)
    added = None
    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        added = xw.Engine(impl=_xlremote.engine)
        xw.engines.add(added)
    yield
    if hasattr(xw.Book, "_mock_caller"):
        del xw.Book._mock_caller
    if added is not None:
        xw.engines.engines.remove(added)
        del xw.engines.engines_by_name["remote"]


def sheet_json(name: str, rows: list[list[Any]]) -> dict[str, Any]:
    return {"name": name, "values": [["" if v is None else v for v in r] for r in rows] or [[]],
            "pictures": [], "tables": [], "notes": [], "shapes": [], "charts": []}


def open_book(grids: dict[str, list[list[Any]]], name: str) -> xw.Book:
    """The workbook as Excel would send it, set as the caller of the next handler."""
    data = {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [sheet_json(n, rows) for n, rows in grids.items()]}
    book = xw.Book(json=data)
    book.set_mock_caller()
    return book


def open_file(path: Path, edit: Any = None) -> xw.Book:
    """The master file as open in Excel; ``edit(grids)`` makes unsaved changes first."""
    from sheetsync.master.workbook import load_grids

    grids = load_grids(path)
    if edit is not None:
        edit(grids)
    return open_book(grids, str(path))


def actions(book: xw.Book, func: str) -> list[dict[str, Any]]:
    return [a for a in book.json()["actions"] if a["func"] == func]


def alert(book: xw.Book) -> tuple[str, str]:
    """(text, mode) of the last message box."""
    text, _title, _buttons, mode, _callback = actions(book, "alert")[-1]["args"]
    return text, mode


def sheet_values(book: xw.Book, name: str) -> list[list[Any]]:
    """What the handler wrote into sheet ``name``: the last block written from A1 (our sheets are
    written whole, in one block from A1, after being cleared)."""
    pos = [s.name for s in book.sheets].index(name)
    writes = [a for a in actions(book, "setValues") if a["sheet_position"] == pos
              and a["start_row"] == 0 and a["start_column"] == 0]
    return writes[-1]["values"]


def painted(book: xw.Book, name: str) -> dict[tuple[int, int, int, int], Any]:
    """(first row, first col, rows, cols) 1-based → colour of the last fill action per range of sheet ``name``."""
    pos = [s.name for s in book.sheets].index(name)
    out: dict[tuple[int, int, int, int], Any] = {}
    for a in actions(book, "setRangeColor"):
        if a["sheet_position"] == pos:
            out[(a["start_row"] + 1, a["start_column"] + 1, a["row_count"], a["column_count"])] = a["args"][0]
    return out


def hexpath(path: Path) -> str:
    """The path as SheetsyncDispatch passes it after its dialog (UTF-16 code units in hex)."""
    return "".join(f"{ord(c):04X}" for c in str(path))


@dataclass
class Demo:
    """The demo county in a folder: master, split output, returns as units send them."""

    folder: Path
    master: Path
    split: Path
    returns: Path


def build_demo(folder: Path) -> Demo:
    from sheetsync.demo import data as demo_data
    from sheetsync.demo.run import simulate_returns
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.split.workbook import split_master

    folder.mkdir(parents=True, exist_ok=True)
    master = folder / "任务分解表.xlsx"
    write_master(demo_data.master(), master, lang="zh")
    split = split_master(read_master(master), folder / "填报表", lang="zh")
    returns = folder / "回收的填报表"
    simulate_returns(split.workbooks, returns, lang="zh")
    return Demo(folder, master, folder / "填报表", returns)


def copy_demo(demo: Demo, folder: Path) -> Demo:
    shutil.copytree(demo.folder, folder)
    return Demo(folder, folder / demo.master.name, folder / demo.split.name, folder / demo.returns.name)


# ---------------------------------------------------------------- a small county with known gaps
FAR = "2099年12月底"  # deadlines that never pass, so the gaps below do not depend on today's date


def small_county(folder: Path) -> Demo:
    """Three units, four tasks, returns whose gaps are known exactly.

    县教育局 completes its tasks (task 1 meets its target); 县财政局 reports task 2 in progress and
    task 4 滞后; 城关镇 never replies. Gaps: task 3 (城关镇 not reported, red) and task 4
    (lagging, amber); tasks 1 and 2 have none.
    """
    import openpyxl

    from sheetsync.core import schema
    from sheetsync.core.model import Master, Task, Unit
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.split.workbook import split_master

    folder.mkdir(parents=True, exist_ok=True)
    master = Master(
        tasks=[Task("1", "建设示范点", lead="县教育局", deadline=FAR, indicator="示范点", target=2, target_unit="个"),
               Task("2", "保障工作经费", lead="县财政局", deadline=FAR),
               Task("3", "开展镇村治理", lead="城关镇", deadline=FAR),
               Task("4", "联合督查", lead="县教育局", co_units=["县财政局"], deadline=FAR)],
        units=[Unit("县教育局", email="jyj@units.example.test"), Unit("县财政局", email="czj@units.example.test"),
               Unit("城关镇", email="cgz@units.example.test")],
        settings={"region": "示例县", "plan": "基层治理行动", "period": "2026年第4季度", "due": "2026-12-25",
                  "year": "2026", "office": "县委督查室", "mail_from": "office@example.test",
                  "mail_to_upward": "shiwei@up.example.test"})
    path = folder / "任务分解表.xlsx"
    write_master(master, path, lang="zh")
    split = split_master(read_master(path), folder / "填报表", lang="zh")
    returns = folder / "回收"
    returns.mkdir()
    keys = [c.key for c in schema.RETURN.columns]
    answers = {"县教育局": {"1": ("已完成", 100, 2), "4": ("已完成", 100, None)},
               "县财政局": {"2": ("推进中", 60, None), "4": ("滞后", 20, None)}}
    for wb_info in split.workbooks:
        if wb_info.unit not in answers:
            continue
        wb = openpyxl.load_workbook(wb_info.file)
        ws = wb.worksheets[0]
        ws.cell(row=2, column=2).value = "王丽"
        ws.cell(row=2, column=5).value = "13800000000"
        for r in range(4, ws.max_row + 1):
            tid = ws.cell(row=r, column=keys.index("id") + 1).value
            if tid in answers[wb_info.unit]:
                status, progress, value = answers[wb_info.unit][tid]
                ws.cell(row=r, column=keys.index("status") + 1).value = status
                ws.cell(row=r, column=keys.index("progress") + 1).value = progress
                ws.cell(row=r, column=keys.index("value") + 1).value = value
                ws.cell(row=r, column=keys.index("progress_text") + 1).value = "按计划推进。"
        wb.save(returns / wb_info.file.name)
    return Demo(folder, path, folder / "填报表", returns)


def merge_cli(d: Demo) -> None:
    """``sheetsync merge`` as a clerk would run it: the ledger lands beside the master."""
    from click.testing import CliRunner

    from sheetsync.cli import cli

    r = CliRunner().invoke(cli, ["merge", str(d.master), str(d.returns), "-o", str(d.folder / "cli汇总.xlsx")])
    assert r.exit_code == 0, r.output
