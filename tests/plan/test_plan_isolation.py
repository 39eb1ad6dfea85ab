"""A plan is checked and parsed in a limited child (issue 17): its blocks are what the in-process
parse gave, and a parser that dies costs a clear refusal naming the file and what to do —
``import-plan`` exits 2, writes nothing, leaves the master it merges into untouched, and the test
process (the clerk's) lives on."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

import helpers.intake_files as F
from sheetsync.core.errors import FileUnusable, SheetsyncError
from sheetsync.demo import data as demo_data
from sheetsync.i18n import set_lang
from sheetsync.intake import Limits
from sheetsync.master.workbook import write_master
from sheetsync.plan import extract
from sheetsync.plan.extract import parse_blocks, read_blocks

HOOK = "helpers.intake_files:hostile_hook"
HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
ROWS = [["1", "开展宣传教育活动", "县委宣传部", "县文明办", "2026年6月底"],
        ["2", "建设志愿服务站点", "县民政局", "各乡镇(街道)", "长期坚持"]]


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)  # back to the environment's language: later tests set SHEETSYNC_LANG


def _docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("示例县文明创建实施方案")
    table = d.add_table(rows=1 + len(ROWS), cols=len(HEADER))
    for r, values in enumerate([HEADER, *ROWS]):
        for c, v in enumerate(values):
            table.cell(r, c).text = v
    table.cell(1, 3).merge(table.cell(2, 3))  # a merged cell: its text repeated on both rows
    d.save(path)
    return path


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append(["示例县文明创建任务分解表"])
    ws.merge_cells("A1:E1")
    ws.append(HEADER)
    for r in ROWS:
        ws.append(r)
    wb.save(path)
    return path


def _html() -> str:
    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in ROWS)
    return f"<html><body><h1>示例县文明创建实施方案</h1><p>一、总体要求</p><table><tr>{cells}</tr>{body}</table></body></html>"


def _plans(tmp_path: Path) -> list[Path]:
    (tmp_path / "plan.txt").write_text("示例县文明创建实施方案\n一、总体要求\n（一）开展宣传教育活动。责任单位：县委宣传部\n",
                                       encoding="gb18030")
    (tmp_path / "plan.md").write_text("# 示例县文明创建实施方案\n\n| " + " | ".join(HEADER) + " |\n|" + "---|" * 5
                                      + "\n" + "".join("| " + " | ".join(r) + " |\n" for r in ROWS), encoding="utf-8")
    (tmp_path / "plan.html").write_text(_html(), encoding="utf-8")
    (tmp_path / "plan.mht").write_bytes(
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        b'Content-Type: text/html; charset="utf-8"\r\n\r\n' + _html().encode("utf-8") + b"\r\n--b--\r\n")
    return [tmp_path / f"plan.{s}" for s in ("txt", "md", "html", "mht")] + [
        _docx(tmp_path / "plan.docx"), _xlsx(tmp_path / "plan.xlsx"),
        demo_data.write_plan_docx(tmp_path / "示例县_实施方案.docx")]


def test_blocks_read_in_the_child_equal_the_in_process_parse(tmp_path: Path) -> None:
    for path in _plans(tmp_path):
        here = parse_blocks(path)
        assert here and read_blocks(path) == here, path
    sheet = read_blocks(tmp_path / "plan.xlsx")
    assert sheet[0] == extract.Block("para", "示例县文明创建任务分解表")  # the merged title
    assert sheet[1].rows[2] == ROWS[0] and sheet[1].rows[3] == ROWS[1]
    word = read_blocks(tmp_path / "plan.docx")
    assert word[1].rows[1][3] == word[1].rows[2][3] == "县文明办\n各乡镇(街道)"  # merged: both texts, on both rows


def test_cheap_refusals_stay_as_they_were(tmp_path: Path) -> None:
    with pytest.raises(SheetsyncError, match="nope.docx"):
        read_blocks(tmp_path / "nope.docx")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(SheetsyncError) as info:
        read_blocks(tmp_path / "plan.pdf")
    assert info.value.file == str(tmp_path / "plan.pdf") and info.value.hint


def test_refusal_in_the_child_names_the_file_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused by a check in the child: the message and ``file`` are the user's relative path."""
    monkeypatch.chdir(tmp_path)
    Path("坏.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(FileUnusable) as info:
        read_blocks(Path("坏.xlsx"))
    assert info.value.file == "坏.xlsx" and str(tmp_path) not in info.value.message and "坏.xlsx" in info.value.message


def test_far_cell_reaching_calamine_costs_a_refusal_not_the_process(tmp_path: Path) -> None:
    """A plan workbook with one cell at XFD1048576, with limits wide enough that the checks let
    it through: calamine asks for terabytes in the child, which dies; here a refusal."""
    path = F.far_corner_xlsx(tmp_path / "方案.xlsx")
    with pytest.raises(FileUnusable) as info:
        read_blocks(path, Limits(rows=2_000_000, cols=20_000, memory_mb=512))
    assert "方案.xlsx" in info.value.message and "Ctrl+End" in info.value.hint


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``sheetsync ARGS`` as the console script runs it (main: its messages and exit codes)."""
    from sheetsync.cli import main

    monkeypatch.setattr(sys, "argv", ["sheetsync", *argv])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().err


@pytest.mark.parametrize(("name", "limits", "said", "todo"), [
    ("方案-crash.docx", Limits(), "SIGABRT", "另存为新的 .docx"),
    ("方案-oom.html", Limits(memory_mb=400), "400 MB", "浏览器"),
    ("方案-hang.docx", Limits(timeout_s=2), "2 秒", "另存为新的 .docx"),
    ("任务分解表-crash.xlsx", Limits(), "SIGABRT", "Ctrl+End"),
])
def test_import_plan_whose_parser_dies_exits_2_naming_the_file(
        name: str, limits: Limits, said: str, todo: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    plans = {p.suffix: p for p in _plans(tmp_path)}
    path = plans[Path(name).suffix].rename(tmp_path / name)
    master = write_master(demo_data.master(), tmp_path / "主表.xlsx")
    before = master.read_bytes()
    out = tmp_path / "新主表.xlsx"
    # intake's test seam: the child really aborts, exhausts its memory cap or hangs (by the name)
    monkeypatch.setattr("sheetsync.plan.core.read_blocks", functools.partial(read_blocks, limits=limits, hook=HOOK))
    code, err = _cli(["import-plan", str(path), "--master", str(master), "-o", str(out)], capsys, monkeypatch)
    assert code == 2
    assert name in err and said in err and todo in err and "Traceback" not in err
    assert master.read_bytes() == before and not out.exists()
    monkeypatch.undo()
    code, err = _cli(["import-plan", str(path), "--master", str(master), "-o", str(out)], capsys, monkeypatch)
    assert code == 0 and out.is_file(), err  # the same plan, read as usual
