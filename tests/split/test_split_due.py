"""split's deadline and period as a careless clerk types them: 2026-02-30, 2月30日, abc were printed
into every unit's workbook as typed (and judged nobody late); a deadline years early or already
past, a period that is none, and 设置·报送截止日期 lent to another period passed without a word.

Real parts: a master written by write_master; the CLI in a real process.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from helpers.robustness import run_cli
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Task, Unit
from sheetsync.master.workbook import read_master, write_master
from sheetsync.split.workbook import split_master


def master_file(tmp: Path, **settings: str) -> Path:
    base = {"region": "示例县", "plan": "重点任务", "year": "2026", "period": "2026年第4季度", "due": "2026-12-25"}
    base.update(settings)
    m = Master(tasks=[Task("1", "任务一", lead="县教育局", deadline="2026年12月底")],
               units=[Unit("县教育局", email="jyj@example.test")], settings=base)
    return write_master(m, tmp / "master.xlsx")


@pytest.mark.parametrize("due", ["2026-02-30", "2月30日", "abc", "2026/13/01", "0"])
def test_a_due_that_is_no_date_is_refused_before_anything_is_written(tmp_path: Path, due: str) -> None:
    proc = run_cli("split", master_file(tmp_path), "-o", tmp_path / "out", "--due", due)
    assert proc.returncode == 2, proc.stdout
    assert "--due" in proc.stderr and due in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_due_in_the_settings_is_refused_at_its_cell(tmp_path: Path) -> None:
    master = read_master(master_file(tmp_path, due="2026年2月30日"))
    with pytest.raises(SheetsyncError, match=r"设置!B\d+"):
        split_master(master, tmp_path / "out")


def test_a_due_without_a_year_takes_the_plan_year(tmp_path: Path) -> None:
    res = split_master(read_master(master_file(tmp_path)), tmp_path / "out", due="12月28日",
                       issued_at=datetime(2026, 12, 1))
    assert res.due == "2026-12-28" and not res.findings


def test_an_early_or_past_due_and_an_unknown_period_are_warned(tmp_path: Path) -> None:
    master = read_master(master_file(tmp_path))
    early = split_master(master, tmp_path / "a", due="2020-12-25", issued_at=datetime(2026, 12, 1))
    assert early.due == "2020-12-25" and [f.code for f in early.findings] == ["split-due-early"]
    past = split_master(master, tmp_path / "b", due="2026-11-20", issued_at=datetime(2026, 12, 1))
    assert [f.code for f in past.findings] == ["split-due-past"]
    odd = split_master(master, tmp_path / "c", period="2026年第5季度", due="2026-12-25", issued_at=datetime(2026, 12, 1))
    assert [f.code for f in odd.findings] == ["split-period-unknown"]


def test_the_settings_due_is_not_lent_to_another_period(tmp_path: Path) -> None:
    master = master_file(tmp_path)
    proc = run_cli("split", master, "-o", tmp_path / "q1", "--period", "2027年第1季度")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "q1" / "manifest.json").read_text("utf-8"))["due"] != "2026-12-25"
    assert "2026-12-25" in proc.stderr and "2027年第1季度" in proc.stderr
    same = split_master(read_master(master), tmp_path / "q4", period="2026Q4", issued_at=datetime(2026, 12, 1))
    assert same.due == "2026-12-25" and not same.findings


def test_a_previous_rollup_of_another_plan_is_refused_for_carry_forward(demo, tmp_path: Path) -> None:
    """A master without a ledger beside it carried the values of the ledger beside the other
    plan's roll-up into its workbooks."""
    import shutil

    folder, _ = demo
    master = Path(shutil.copy(folder / "示例县_任务分解表.xlsx", tmp_path / "示例县_任务分解表.xlsx"))  # no ledger here
    town = folder / "三级联动/城关镇/城关镇_汇总表.xlsx"
    proc = run_cli("split", master, "-o", tmp_path / "out", "--carry-forward", town, "--period", "2027年第1季度")
    assert proc.returncode == 2 and "城关镇" in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()
    own = folder / "示例县_2026年第4季度_汇总表.xlsx"
    proc = run_cli("split", master, "-o", tmp_path / "ok", "--carry-forward", own, "--period", "2027年第1季度")
    assert proc.returncode == 0, proc.stderr
