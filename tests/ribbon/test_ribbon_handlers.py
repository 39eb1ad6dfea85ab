"""Ribbon handlers run against xlwings' remote Book engine; the returned actions are checked.

The remote engine is xlwings' own: ``xw.Book(json=...)`` holds the workbook as the Office.js
client sends it, and ``book.json()`` is the list of actions Excel would apply. It needs a
license key only to start, which xlwings' Linux CI sets the same way (noncommercial).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwings as xw
from click.testing import CliRunner

from helpers.ribbon import remote_engine  # noqa: F401  (autouse fixture: xlwings remote engine)
from sheetsync.cli import cli
from sheetsync.master.workbook import load_grids
from sheetsync.ribbon import handlers


def _master(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["任务编号", "任务名称", "任务内容", "牵头单位", "配合单位", "完成时限", "指标", "目标值", "计量单位", "备注"])
    ws.append(["1", "建设示范点", "内容", "县教育局", "县财政局", "2026年12月底", "示范点", 2, "个", ""])
    ws.append(["1", "重复编号", "内容", "不存在局", "", "明年某时", "", None, "", ""])
    ws.append(["2", "普通任务", "内容", "县财政局", "", "12月底", "", None, "", ""])
    u = wb.create_sheet("单位")
    u.append(["单位名称", "简称", "类别", "所属分组", "联系人", "电话", "邮箱"])
    u.append(["县教育局", "教育局", "政府部门", "", "张三", "", "jy@example.cn"])
    u.append(["县财政局", "财政局", "政府部门", "", "李四", "", "bad-mail"])
    s = wb.create_sheet("设置")
    s.append(["设置项", "值"])
    s.append(["地区名称", "示例县"])
    wb.save(path)
    return path


def _sheet_json(name: str, rows: list[list[Any]]) -> dict[str, Any]:
    return {"name": name, "values": [["" if v is None else v for v in r] for r in rows] or [[]],
            "pictures": [], "tables": [], "notes": [], "shapes": [], "charts": []}


def _book(grids: dict[str, list[list[Any]]], name: str = "master.xlsx") -> xw.Book:
    data = {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"}, "names": [],
            "sheets": [_sheet_json(n, rows) for n, rows in grids.items()]}
    book = xw.Book(json=data)
    book.set_mock_caller()
    return book


def _actions(book: xw.Book, func: str) -> list[dict[str, Any]]:
    return [a for a in book.json()["actions"] if a["func"] == func]


def _cells(book: xw.Book, func: str) -> set[tuple[str, str]]:
    names = [s.name for s in book.sheets]
    out = set()
    for a in _actions(book, func):
        col = xw.utils.col_name(a["start_column"] + 1)
        out.add((names[a["sheet_position"]], f"{col}{a['start_row'] + 1}"))
    return out


def test_check_colours_exactly_the_cells_sheetsync_check_reports(tmp_path: Path) -> None:
    path = _master(tmp_path / "master.xlsx")
    r = CliRunner().invoke(cli, ["check", "--json", str(path)])
    reported = json.loads(r.output)["findings"]
    assert reported, "the fixture must have findings"
    expected = {(f["sheet"], f["cell"]) for f in reported if f["sheet"] and f["cell"]}

    book = _book(load_grids(path))
    handlers.dispatch("checkMaster")

    results_ix = [s.name for s in book.sheets].index("校验结果")
    coloured = {c for c in _cells(book, "setRangeColor") if c[0] != "校验结果"}
    assert coloured == expected
    notes = {a["args"][0].replace("$", ""): a["args"][1] for a in _actions(book, "addNote")}
    assert {c for _, c in expected} == set(notes)
    by_cell = {f["cell"]: f for f in reported}
    for cell, text in notes.items():
        assert by_cell[cell]["message"] in text and text.startswith("[sheetsync]")
    colours = {a["args"][0] for a in _actions(book, "setRangeColor") if a["sheet_position"] != results_ix}
    assert colours == {"#ffc7ce", "#ffeb9c"}  # red errors, amber warning
    table = next(a for a in _actions(book, "setValues") if a["sheet_position"] == results_ix)["values"]
    assert table[0] == ["级别", "代码", "位置", "问题说明", "建议"]
    assert sorted(row[2] for row in table[1:]) == sorted(f"{s}!{c}" for s, c in expected)
    alert = _actions(book, "alert")[-1]["args"]
    assert alert[3] == "info" and "4 个错误" in alert[0] and "1 个警告" in alert[0]


def test_check_reads_unsaved_edits(tmp_path: Path) -> None:
    grids = load_grids(_master(tmp_path / "master.xlsx"))
    grids["任务"][2][3] = "县教育局"  # the user fixed D3 in Excel without saving
    grids["任务"][2][5] = "12月底"
    book = _book(grids)
    handlers.dispatch("checkMaster")
    coloured = _cells(book, "setRangeColor")
    assert ("任务", "D3") not in coloured and ("任务", "F3") not in coloured
    assert ("任务", "A3") in coloured


def test_rerun_clears_marks_of_the_previous_run(tmp_path: Path) -> None:
    grids = load_grids(_master(tmp_path / "master.xlsx"))
    grids["任务"][2][0] = "3"  # duplicate id fixed: A2 and A3 are no longer findings
    grids["校验结果"] = [["级别", "代码", "位置", "问题说明", "建议"],
                      ["错误", "duplicate-task-id", "任务!A2", "旧", ""], ["错误", "duplicate-task-id", "任务!A3", "旧", ""]]
    book = _book(grids)
    book.sheets["任务"].api["notes"] = [{"address": "$A$2"}, {"address": "$A$3"}]
    handlers.dispatch("checkMaster")
    resets = [a for a in _actions(book, "setRangeColor") if a["args"] == [None]]
    assert {(a["start_row"], a["start_column"]) for a in resets} == {(1, 0), (2, 0)}
    assert {a["start_row"] for a in _actions(book, "deleteNote")} == {1, 2}
    assert _actions(book, "sheetClear") and not _actions(book, "addSheet")
    painted = {(a["sheet_position"], a["start_row"], a["start_column"])
               for a in _actions(book, "setRangeColor") if a["args"] != [None]}
    assert (0, 1, 0) not in painted and (0, 2, 0) not in painted  # A2, A3 stay clear
    assert (0, 2, 3) in painted  # D3 (unknown unit) is still marked


def test_a_workbook_that_is_not_a_master_gets_a_clear_message() -> None:
    book = _book({"Sheet1": [["随便", "什么"]]}, name="Book1")
    handlers.dispatch("checkMaster")
    text, title, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "critical" and "任务" in text and "sheetsync new" in text


def test_unknown_button_says_to_reinstall() -> None:
    book = _book({"Sheet1": [[]]})
    handlers.dispatch("noSuchButton")
    text = _actions(book, "alert")[-1]["args"][0]
    assert "noSuchButton" in text and "sheetsync addin install" in text


def test_unexpected_error_is_shown_with_a_log(monkeypatch: pytest.MonkeyPatch) -> None:
    book = _book({"Sheet1": [[]]})

    def boom(book: Any) -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(handlers, "show_help", boom)
    handlers.dispatch("help")
    text = _actions(book, "alert")[-1]["args"][0]
    assert "使用说明" in text and "ZeroDivisionError" in text
    log = Path(text.split("日志文件 ")[1].split(" ")[0])
    assert "ZeroDivisionError" in log.read_text("utf-8")
    log.unlink()


def test_a_failing_message_box_still_reaches_the_user(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    book = _book({"Sheet1": [[]]})

    def no_alert(*a: Any, **k: Any) -> None:
        raise RuntimeError("Excel busy")

    monkeypatch.setattr(type(book.app), "alert", no_alert)
    with pytest.raises(SystemExit) as exc:
        handlers.dispatch("checkMaster")
    assert exc.value.code == 1  # xlwings' VBA shows stderr when Python exits non-zero
    assert "任务" in capsys.readouterr().err


def test_paths_from_vba_survive_quotes_and_chinese() -> None:
    path = "C:\\Users\\张三\\O'Brien 100%\\方案.docx"
    hexed = "".join(f"{ord(ch):04X}" for ch in path)  # what SheetsyncHex in VBA produces
    assert handlers.decode_path(hexed) == path
    assert handlers.decode_path("") == ""


def test_a_button_needing_a_folder_refuses_a_missing_one(tmp_path: Path) -> None:
    book = _book({"Sheet1": [[]]})
    missing = str(tmp_path / "没有")
    handlers.dispatch("makeReturns", "".join(f"{ord(c):04X}" for c in missing))
    text = _actions(book, "alert")[-1]["args"][0]
    assert missing in text and "重新点击" in text


def test_help_shows_the_loop() -> None:
    book = _book({"Sheet1": [[]]})
    handlers.dispatch("help")
    text, _, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "info" and "导入方案" in text and "催报" in text


def test_settings_adds_missing_keys(tmp_path: Path) -> None:
    book = _book(load_grids(_master(tmp_path / "master.xlsx")))
    handlers.dispatch("settings")
    pos = [s.name for s in book.sheets].index("设置")
    writes = [a for a in _actions(book, "setValues") if a["sheet_position"] == pos]
    added = [row[0] for row in writes[-1]["values"]]
    assert "地区名称" not in added and "报送截止日期" in added and "SMTP服务器" in added
    assert writes[-1]["start_row"] == 2  # below the existing rows
    assert "补上" in _actions(book, "alert")[-1]["args"][0]


class _FakeSheet:
    """Stands in for a COM worksheet's merge queries, which only Windows Excel answers.

    The remote engine cannot report merges synchronously, so the halving search of
    :func:`handlers.merged_areas` is checked against this model of Excel's MergeCells.
    """

    def __init__(self, areas: list[tuple[int, int, int, int]]) -> None:
        self.areas = areas
        self.calls = 0

    def _area(self, r: int, c: int):
        for a in self.areas:
            if a[0] <= r <= a[1] and a[2] <= c <= a[3]:
                return a
        return None

    def range(self, a: tuple[int, int], b: tuple[int, int] | None = None):
        sheet = self
        b = b or a

        class _R:
            @property
            def merge_cells(self):
                sheet.calls += 1
                flags = {sheet._area(r, c) is not None for r in range(a[0], b[0] + 1) for c in range(a[1], b[1] + 1)}
                return None if len(flags) > 1 else flags.pop()

            @property
            def merge_area(self):
                top, bottom, left, right = sheet._area(*a)

                class _A:
                    row, column = top, left

                    class last_cell:  # noqa: N801
                        pass

                _A.last_cell.row, _A.last_cell.column = bottom, right
                return _A

        return _R()


def test_merged_areas_are_found_by_halving() -> None:
    areas = [(2, 5, 4, 4), (7, 7, 1, 3), (10, 12, 2, 3)]
    sheet = _FakeSheet(areas)
    assert handlers.merged_areas(sheet, 40, 10) == sorted(areas)
    plain = _FakeSheet([])
    assert handlers.merged_areas(plain, 500, 10) == [] and plain.calls == 1


def _hex(path: Path) -> str:
    return "".join(f"{ord(c):04X}" for c in str(path))


def test_make_returns_refuses_a_master_with_errors(tmp_path: Path) -> None:
    book = _book(load_grids(_master(tmp_path / "master.xlsx")))
    out = tmp_path / "out"
    out.mkdir()
    handlers.dispatch("makeReturns", _hex(out))
    text, _, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "critical" and "4 个错误" in text and "改正" in text
    assert not list(out.iterdir())
    assert ("任务", "D3") in _cells(book, "setRangeColor")


def test_make_returns_writes_one_workbook_per_unit(tmp_path: Path) -> None:
    grids = load_grids(_master(tmp_path / "master.xlsx"))
    grids["任务"][2][0], grids["任务"][2][3], grids["任务"][2][5] = "3", "县教育局", "12月底"
    grids["设置"].append(["报送周期", "2026年第一季度"])
    out = tmp_path / "填报表 '测试'"
    out.mkdir()
    book = _book(grids)
    handlers.dispatch("makeReturns", _hex(out))
    text, _, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "info", text
    made = sorted(p.name for p in out.glob("*.xlsx"))
    assert len([n for n in made if "县教育局" in n]) == 1 and len([n for n in made if "县财政局" in n]) == 1
    assert "2 个单位" in text


def test_every_button_has_its_handler() -> None:
    """The 'handler missing' message is for a mismatched install only: every registered button resolves."""
    from sheetsync.ribbon.buttons import BUTTONS

    for b in BUTTONS:
        assert callable(handlers.resolve_handler(b)), b.id


def test_a_failure_inside_a_new_handler_is_shown_with_a_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sheetsync.merge

    def disk_full(*a: Any, **k: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sheetsync.merge, "merge_returns", disk_full)
    path = _master(tmp_path / "master.xlsx")
    (tmp_path / "回收").mkdir()
    book = _book(load_grids(path), name=str(path))
    handlers.dispatch("mergeReturns", _hex(tmp_path / "回收"))
    text, _, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "critical" and "报送周期" in text and "--period" not in text  # no CLI words in Excel

    s = openpyxl.load_workbook(path)
    s["设置"].append(["报送周期", "2026年第一季度"])
    s.save(path)
    book = _book(load_grids(path), name=str(path))
    handlers.dispatch("mergeReturns", _hex(tmp_path / "回收"))
    text, _, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "critical" and "合并回收表" in text and "No space left on device" in text
    assert "请保存工作簿后重试" in text
    log = Path(text.split("日志文件 ")[1].split(" ")[0])
    assert "OSError" in log.read_text("utf-8")
    log.unlink()


def test_a_file_system_fault_on_a_named_path_is_said_like_the_cli_says_it(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import sheetsync.merge

    blocker = tmp_path / "一个文件"

    def blocked(*a: Any, **k: Any) -> None:
        raise NotADirectoryError(20, "Not a directory", str(blocker / "汇总表.xlsx"))

    monkeypatch.setattr(sheetsync.merge, "merge_returns", blocked)
    blocker.write_text("x", encoding="utf-8")
    path = _master(tmp_path / "master.xlsx")
    s = openpyxl.load_workbook(path)
    s["设置"].append(["报送周期", "2026年第一季度"])
    s.save(path)
    (tmp_path / "回收").mkdir()
    book = _book(load_grids(path), name=str(path))
    handlers.dispatch("mergeReturns", _hex(tmp_path / "回收"))
    text, _, _, mode, _ = _actions(book, "alert")[-1]["args"]
    assert mode == "critical" and str(blocker) in text and "不是文件夹" in text
    assert "日志文件" not in text  # a clerk's fault, not a bug: no log to send
