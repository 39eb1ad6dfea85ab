"""Which files intake looks at, and the limits read from the master's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheetsync.core import schema
from sheetsync.i18n import both
from sheetsync.intake import CODES, Limits, is_temp_or_lock, iter_return_files


@pytest.mark.parametrize("name", ["~$民政局.xlsx", ".~lock.民政局.xlsx#", ".hidden.xlsx", "Thumbs.db",
                                  "x.tmp", "desktop.ini", "报表.xlsx.crdownload", "~WRL0001.tmp"])
def test_temp_and_lock_files(name: str) -> None:
    assert is_temp_or_lock(name)


@pytest.mark.parametrize("name", ["民政局.xlsx", "财政局 (1).xls", "a~b.xlsx", "lock.xlsx"])
def test_real_returns_are_not_junk(name: str) -> None:
    assert not is_temp_or_lock(name)


def test_iter_return_files_expands_folders_and_skips_junk(tmp_path: Path) -> None:
    (tmp_path / "mail" / "2024-03").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for rel in ["mail/民政局.xlsx", "mail/2024-03/财政局.xls", "mail/~$民政局.xlsx", "mail/.~lock.财政局.xls#",
                "mail/Thumbs.db", "mail/说明.docx", "mail/2024-03/a.tmp", ".git/x.xlsx", "loose.xlsm"]:
        (tmp_path / rel).write_bytes(b"x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_return_files([tmp_path / "mail", tmp_path / "loose.xlsm",
                                                                           tmp_path / "mail" / "民政局.xlsx"])]
    assert found == ["mail/2024-03/财政局.xls", "mail/民政局.xlsx", "loose.xlsm"]
    # a file named explicitly is kept whatever its extension (intake will say what it is)
    assert [p.name for p in iter_return_files([tmp_path / "mail" / "说明.docx"])] == ["说明.docx"]
    assert list(iter_return_files([tmp_path / "mail" / "~$民政局.xlsx"])) == []


def test_limits_defaults() -> None:
    lim = Limits()
    assert (lim.file_mb, lim.entry_mb, lim.ratio, lim.entries, lim.rows, lim.cols, lim.timeout_s, lim.memory_mb) == (
        50, 200, 100, 1000, 100_000, 200, 60, 1024)


def test_limits_from_settings() -> None:
    lim = Limits.from_settings({"limit_file_mb": "10", "limit_entry_mb": "20.5", "limit_ratio": "150",
                                "limit_rows": "5,000", "limit_cols": "50", "region": "示例县"})
    assert (lim.file_mb, lim.entry_mb, lim.ratio, lim.rows, lim.cols) == (10, 20.5, 150, 5000, 50)
    assert isinstance(lim.rows, int) and isinstance(lim.cols, int)


@pytest.mark.parametrize("bad", ["", "  ", "abc", "0", "-5", "nan", "inf"])
def test_bad_setting_values_keep_the_default(bad: str) -> None:
    assert Limits.from_settings({"limit_ratio": bad, "limit_rows": bad}) == Limits()


def test_setting_keys_exist_in_schema() -> None:
    keys = {lab.key for lab in schema.SETTING_KEYS}
    assert {"limit_file_mb", "limit_entry_mb", "limit_ratio", "limit_rows", "limit_cols", "return_password"} <= keys


def test_every_code_has_both_languages() -> None:
    for code in CODES:
        zh, en = both(f"intake.{code}")
        assert zh and en and "{file}" in zh and "{file}" in en, code
