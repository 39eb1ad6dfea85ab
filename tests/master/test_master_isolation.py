"""The master is read in a limited child (issue 17): what the reader gives is what the in-process
reader gave, and a reader that dies costs a clear refusal naming the file and what to do — the
command exits 2, the master is untouched, and the test process (the clerk's) lives on."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from pathlib import Path

import openpyxl
import pytest

import helpers.intake_files as F
from sheetsync.core.errors import FileUnusable
from sheetsync.demo import data as demo_data
from sheetsync.i18n import set_lang
from sheetsync.intake import Limits
from sheetsync.master import workbook as W
from sheetsync.master.workbook import load_grids, read_master, write_master

HOOK = "helpers.intake_files:hostile_hook"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)  # back to the environment's language: later tests set SHEETSYNC_LANG


def typed(grids: dict[str, list[list[object]]]) -> list[tuple[str, list[list[tuple[str, object]]]]]:
    """Sheets in order with each value and its type (1 == 1.0 == True and a date is no datetime)."""
    return [(name, [[(type(v).__name__, v) for v in row] for row in grid]) for name, grid in grids.items()]


def _messy(path: Path) -> Path:
    from helpers.masters import messy_master

    return messy_master(path)


def test_values_read_in_the_child_equal_the_in_process_reader(tmp_path: Path) -> None:
    demo = write_master(demo_data.master(), tmp_path / "示例县_任务分解表.xlsx")
    paths = [*sorted((REPO / "xlsx").glob("*.xlsx")), demo, _messy(tmp_path / "messy.xlsx")]
    assert len(paths) >= 4
    for path in paths:
        here = W.read_grids(path)
        assert typed(load_grids(path)) == typed(here), path
    messy = load_grids(tmp_path / "messy.xlsx")["任务分解表"]
    assert messy[0][:3] == ["示例县重点任务分解表（2026年）"] * 3  # a merged title, filled
    assert [r[0] for r in messy[2:5]] == ["一、组织保障"] * 3 and messy[3][3] == "县委统战部"
    assert type(messy[2][5]) is dt.date and messy[3][5] == dt.date(2026, 6, 30)  # a midnight datetime: its date
    assert messy[5][5] == dt.datetime(2026, 9, 1, 17, 30) and messy[3][6] == 2.5 and messy[5][6] == 100000
    assert read_master(demo) == W.master_from_grids(W.read_grids(demo), path=demo)


def test_master_for_openpyxl_is_read_in_the_child_too(tmp_path: Path) -> None:
    """A master past intake's column limit goes to openpyxl, in the child as well; a time of day
    (which JSON has no type for) arrives as calamine's reader gives it."""
    path = write_master(demo_data.master(), tmp_path / "wide.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["任务"]["GT2"] = "x"  # column 202: past intake's 200 columns
    wb["任务"]["GU2"] = dt.time(8, 30)
    wb.save(path)
    assert W._checked_grids(path) is None
    grids = load_grids(path)
    here = W.read_grids(path)
    assert grids["任务"][1][201:203] == ["x", "08:30:00"] and here["任务"][1][202] == dt.time(8, 30)
    here["任务"][1][202] = "08:30:00"
    assert typed(grids) == typed(here)


def test_grids_read_again_are_the_callers_own_and_follow_the_file(tmp_path: Path) -> None:
    path = write_master(demo_data.master(), tmp_path / "m.xlsx")
    first = load_grids(path)
    first["任务"][1][0] = "改了"
    assert load_grids(path)["任务"][1][0] != "改了"  # a caller's edits do not reach the next one
    wb = openpyxl.load_workbook(path)
    wb["任务"]["B2"] = "新的任务名称"
    wb.save(path)
    assert load_grids(path)["任务"][1][1] == "新的任务名称"


def test_far_cell_reaching_calamine_costs_a_refusal_not_the_process(tmp_path: Path) -> None:
    """The issue's 1.6 KB master with one cell at XFD1048576, with limits wide enough that the
    checks let it through: calamine asks for terabytes in the child, which dies; here a refusal."""
    path = F.far_corner_xlsx(tmp_path / "主表.xlsx")
    assert path.stat().st_size < 5000
    before = path.read_bytes()
    with pytest.raises(FileUnusable) as info:
        load_grids(path, Limits(rows=2_000_000, cols=20_000, memory_mb=512))
    assert "主表.xlsx" in info.value.message and "Ctrl+End" in info.value.hint
    assert path.read_bytes() == before
    with pytest.raises(FileUnusable, match="XFD1048576"):  # with the usual limits: the checks' refusal
        load_grids(path)


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``sheetsync ARGS`` as the console script runs it (main: its messages and exit codes)."""
    from sheetsync.cli import main

    monkeypatch.setattr(sys, "argv", ["sheetsync", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    return int(info.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(("name", "limits", "said"), [
    ("主表-crash.xlsx", Limits(), "SIGABRT"),
    ("主表-oom.xlsx", Limits(memory_mb=400), "400 MB"),
    ("主表-hang.xlsx", Limits(timeout_s=2), "2 秒"),
])
def test_check_of_a_master_whose_reader_dies_exits_2_naming_the_file(
        name: str, limits: Limits, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_master(demo_data.master(), tmp_path / name)
    before = path.read_bytes()
    # intake's test seam: the child really aborts, exhausts its memory cap or hangs (by the name)
    monkeypatch.setattr(W, "load_grids", functools.partial(load_grids, limits=limits, hook=HOOK))
    code, err = _cli(["check", str(path)], capsys, monkeypatch)
    assert code == 2
    assert name in err and said in err and "Ctrl+End" in err and "另存为" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before
    monkeypatch.undo()
    code, err = _cli(["check", str(path)], capsys, monkeypatch)  # the same master, read as usual
    assert code == 0, err


def test_refusal_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_master(demo_data.master(), tmp_path / "master-crash.xlsx")
    monkeypatch.setattr(W, "load_grids", functools.partial(load_grids, hook=HOOK))
    code, err = _cli(["--lang", "en", "check", str(path)], capsys, monkeypatch)
    assert code == 2 and "master-crash.xlsx" in err and "Ctrl+End" in err and "Save As" in err
