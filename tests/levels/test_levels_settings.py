"""derive with 设置·下级提前(天) as a careless clerk writes it: "abc" and "-3" were taken as 5 and 0
without a word, 1e9 and inf ended in a traceback. Each is refused naming the file and setting.

Real parts: the demo county's master copied and edited with openpyxl; the CLI in a real process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from helpers.robustness import run_cli
from sheetsync.levels.derive import derive_master

MASTER = "示例县_任务分解表.xlsx"


def with_lead_days(demo, tmp_path: Path, value: object) -> Path:
    folder, _ = demo
    path = Path(shutil.copy(folder / MASTER, tmp_path / MASTER))
    wb = openpyxl.load_workbook(path)
    wb["设置"].append(["下级提前(天)", value, ""])
    wb.save(path)
    return path


@pytest.mark.parametrize("value", ["abc", "-3", "1e9", "inf", "5.5", 400])
def test_a_lead_days_setting_that_is_no_day_count_is_refused(demo, tmp_path: Path, value: object) -> None:
    master = with_lead_days(demo, tmp_path, value)
    out = tmp_path / "城关镇.xlsx"
    proc = run_cli("derive", master, "--unit", "城关镇", "-o", out)
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr and "下级提前(天)" in proc.stderr and str(value) in proc.stderr
    assert not out.exists()
    assert run_cli("derive", master, "--unit", "城关镇", "-o", out, "--lead-days", "3").returncode == 0  # the option wins


@pytest.mark.parametrize(("value", "days"), [(3, 3), ("３天", 3), ("10个工作日", 10), ("", 5), (0, 0)])
def test_a_lead_days_setting_as_people_write_it(demo, tmp_path: Path, value: object, days: int) -> None:
    master = with_lead_days(demo, tmp_path, value)
    assert derive_master(master, "城关镇", tmp_path / "城关镇.xlsx").lead_days == days
