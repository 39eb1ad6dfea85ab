"""``sheetsync demo`` pointed at a folder that is not the demo's: it wrote its master, ledger and
workbooks over whatever had those names. Such a folder is refused naming what is in it; a new,
empty or earlier demo folder is used.

Real parts: real folders and files; the CLI in a real process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.robustness import run_cli, sha
from sheetsync.core.errors import SheetsyncError
from sheetsync.demo.run import MARKER, claim_folder
from sheetsync.i18n import t


def test_a_folder_with_the_clerks_own_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "县委办项目"
    folder.mkdir()
    own = folder / "示例县_任务分解表.xlsx"  # the very name the demo's master has
    own.write_bytes(b"the clerk's own master")
    before = sha(own)
    proc = run_cli("demo", folder)
    assert proc.returncode == 2, proc.stdout
    assert "示例县_任务分解表.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    assert sha(own) == before and sorted(p.name for p in folder.iterdir()) == ["示例县_任务分解表.xlsx"]


def test_a_new_empty_or_earlier_demo_folder_is_used(tmp_path: Path) -> None:
    claim_folder(tmp_path / "new")
    assert (tmp_path / "new" / MARKER).is_file()
    (tmp_path / "empty").mkdir()
    claim_folder(tmp_path / "empty")
    old = tmp_path / "old-demo"  # written before the marker existed: its plan document says whose it is
    old.mkdir()
    (old / t("demo.file.plan", lang="zh")).write_bytes(b"docx")
    (old / "sheetsync.db").write_bytes(b"")
    claim_folder(old)
    again = tmp_path / "again"
    claim_folder(again)
    (again / "汇总表.xlsx").write_bytes(b"x")
    claim_folder(again)  # its marker says it is the demo's
    with pytest.raises(SheetsyncError):
        stranger = tmp_path / "stranger"
        stranger.mkdir()
        (stranger / "notes.txt").write_text("mine", encoding="utf-8")
        claim_folder(stranger)
