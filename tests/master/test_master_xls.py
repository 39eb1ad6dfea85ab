"""A master kept in WPS and saved as .xls is read like its .xlsx (merged cells too); the commands
that write on the master (annotate, calendar copy) say it must be an .xlsx instead of failing.

Real parts: LibreOffice saves the .xls (its "MS Excel 97" filter, as a clerk's application would);
the CLI in a real process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers.masters import messy_master
from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import load_grids, read_master, write_master


def save_as_xls(src: Path, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) not installed")
    profile = Path(tempfile.mkdtemp(prefix="lo-xls-"))
    try:
        proc = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               "--convert-to", "xls:MS Excel 97", "--outdir", str(outdir), str(src)],
                              capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / (src.stem + ".xls")
    assert proc.returncode == 0 and out.exists(), proc.stderr
    assert out.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    return out


def test_an_xls_master_reads_as_its_xlsx_merged_cells_included(tmp_path: Path) -> None:
    xlsx = write_master(demo_data.master(), tmp_path / "示例县_任务分解表.xlsx")
    xls = save_as_xls(xlsx, tmp_path / "xls")
    a, b = read_master(xlsx), read_master(xls)
    assert [(t.id, t.title, t.lead, t.co_units, t.deadline, t.target) for t in a.tasks] == \
           [(t.id, t.title, t.lead, t.co_units, t.deadline, t.target) for t in b.tasks]
    assert [(u.name, u.email) for u in a.units] == [(u.name, u.email) for u in b.units]
    assert a.settings == b.settings
    messy = save_as_xls(messy_master(tmp_path / "messy.xlsx"), tmp_path / "xls")
    grid = load_grids(messy)["任务分解表"]
    assert [r[0] for r in grid[2:5]] == ["一、组织保障"] * 3  # A3:A5 merged: each row has its category
    assert grid[3][3] == "县委统战部" and grid[3][4] == "县教育局、各乡镇(街道)"  # D3:D4, E3:E4


def test_commands_that_write_on_an_xls_master_say_it_must_be_xlsx(tmp_path: Path) -> None:
    xls = save_as_xls(write_master(demo_data.master(), tmp_path / "m.xlsx"), tmp_path / "xls")
    before = xls.read_bytes()
    env = {**os.environ, "SHEETSYNC_LANG": "zh"}

    def cli(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sheetsync.cli", *map(str, args)], capture_output=True,
                              text=True, env=env, timeout=300)

    assert cli("check", xls).returncode == 0
    for args in (["check", xls, "--annotate", tmp_path / "a.xlsx"], ["schedule", xls, "-o", tmp_path / "s.xlsx"]):
        proc = cli(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert "m.xls" in proc.stderr and ".xlsx" in proc.stderr and "另存为" in proc.stderr
    split = cli("split", xls, "-o", tmp_path / "发")
    assert split.returncode == 0, split.stderr
    assert len(list((tmp_path / "发").glob("*.xlsx"))) > 10
    assert xls.read_bytes() == before
