"""Issue 6, cases 23–27: duplicates and newer versions, a locked output, kill -9 between the
temp file and the replace, two merges at once, a full disk. Cases 1–22 and 28 are in
tests/test_robustness.py."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from helpers.robustness_county import (
    GOOD,
    HOSTILE_UNIT,
    County,
    Issued,
    details,
    fill,
    issue,
    make_county,
    touch,
)
from sheetsync.core.errors import LockedError, SheetsyncError
from sheetsync.merge import merge_returns
from sheetsync.workbook import xlsxio

NEW_UNIT = HOSTILE_UNIT  # a unit whose return arrives after the first roll-up


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    return issue(tmp_path_factory.mktemp("issued"))


@pytest.fixture()
def county(issued: Issued, tmp_path: Path) -> County:
    """A county merged once: the roll-up exists; a new return waits in ``late/``."""
    c = make_county(issued, tmp_path / "county")
    c.merge()
    late = c.root / "late"
    late.mkdir()
    assert issued.hostile_base is not None
    touch(Path(shutil.copyfile(issued.hostile_base, late / "组织部.xlsx")))
    return c


def temps(c: County) -> list[Path]:
    return sorted(c.out.parent.glob(f".{c.out.stem}.*.tmp.xlsx"))


def ledger_ok(c: County) -> None:
    """The ledger opens, passes SQLite's check, and no file has two records for the period."""
    con = sqlite3.connect(c.db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        dup = con.execute("SELECT sha256, COUNT(*) FROM returns GROUP BY sha256, period HAVING COUNT(*) > 1").fetchall()
        assert dup == []
    finally:
        con.close()


def units_in(rollup: Path) -> set[str]:
    return {unit for _task, unit in details(rollup)}


# ---------------------------------------------------------------- 23: same file twice, newer versions
def test_same_bytes_twice_is_one_record(county: County) -> None:
    src = county.issued.good["县委编办"]
    shutil.copyfile(src, county.root / "late" / "编办-再发一次.xlsx")  # same bytes, another name
    res = county.merge(county.inbox, county.root / "late")
    outcomes = {Path(f.path).name: f.outcome for f in res.files}
    assert outcomes[src.name] == "duplicate" and outcomes["编办-再发一次.xlsx"] == "duplicate"
    assert outcomes["组织部.xlsx"] == "accepted"
    assert county.query("SELECT COUNT(*) FROM returns WHERE unit='县委编办'") == [(1,)]
    assert len([r for r in details(county.out) if r[1] == "县委编办"]) == 1
    ledger_ok(county)


def test_newest_version_wins_and_an_older_one_arriving_later_does_not(county: County) -> None:
    unit, task = "县委编办", "一.(一).2"
    issued = county.issued.files[unit]
    v2 = fill(issued, county.root / "v2" / "编办-更正.xlsx", {task: ("已完成", 100, 12, "第二版", "无")},
              datetime(2026, 12, 25, 9, 0))
    county.merge(v2.parent)
    assert details(county.out)[(task, unit)][7].value == "第二版"
    v0 = fill(issued, county.root / "v0" / "编办-旧稿.xlsx", {task: ("未启动", 0, None, "更早的稿", "无")},
              datetime(2026, 12, 1, 9, 0))
    res = county.merge(v0.parent)
    assert res.files[0].outcome == "accepted"  # recorded, kept, but superseded by the newer one
    assert details(county.out)[(task, unit)][7].value == "第二版"
    units = {r[0]: r for r in openpyxl.load_workbook(county.out)["单位报送"].iter_rows(values_only=True)}
    assert units[unit][2] == "编办-更正.xlsx" and units[unit][4] == 2
    assert county.query("SELECT COUNT(*) FROM returns WHERE unit=?", unit) == [(3,)]
    ledger_ok(county)


# ---------------------------------------------------------------- 24: output open in another program
def test_locked_output_retries_then_says_so(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    # Linux lets a process replace a file another program has open; Windows does not (Excel
    # holds a sharing lock). PermissionError from os.replace is what Windows raises then, so
    # it stands in here for the lock that cannot happen on Linux.
    before = county.out.read_bytes()
    real_replace = os.replace
    attempts: list[str] = []
    sleeps: list[float] = []

    def locked_replace(src: str, dst: str | Path) -> None:
        if Path(dst) == county.out:
            attempts.append(str(src))
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", locked_replace)
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:  # save_atomic waits 1 s between tries: record, don't wait
        if seconds == 1.0:
            sleeps.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(xlsxio.time, "sleep", sleep)
    with pytest.raises(LockedError) as err:
        county.merge(county.inbox, county.root / "late")
    assert len(attempts) == 3 and len(sleeps) == 2  # retried, then gave up
    assert str(county.out) in err.value.message and "占用" in err.value.message and "关闭" in err.value.message
    assert county.out.read_bytes() == before and temps(county) == []
    ledger_ok(county)
    # Excel closed: the next merge writes the roll-up, the late return included
    monkeypatch.setattr(os, "replace", real_replace)
    res = county.merge(county.inbox, county.root / "late")
    assert {f.outcome for f in res.files} == {"duplicate"}
    assert NEW_UNIT in units_in(county.out)


def test_output_over_the_master_is_refused(county: County) -> None:
    before = county.master.read_bytes()
    with pytest.raises(SheetsyncError) as err:
        merge_returns(county.master, [county.inbox], county.master)
    assert "主表" in err.value.message and str(county.master) in err.value.message
    assert county.master.read_bytes() == before


# ---------------------------------------------------------------- 25 & 26: real processes
def cli_merge(c: County, *inputs: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "sheetsync.cli", "merge", str(c.master), *map(str, inputs or (c.inbox,)),
           "-o", str(c.out), "--as-of", "2026-12-31", "--json"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SHEETSYNC_LANG": "zh", **(env or {})})


def wait_paused(proc: subprocess.Popen[str]) -> None:
    """Block until the merge says it stopped at the seam (or fail with what it printed)."""
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("sheetsync-test: paused before replacing"), line + proc.stderr.read()


@pytest.fixture()
def procs() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for p in started:  # only what this test started, by its own handle
        if p.poll() is None:
            p.kill()
        p.wait()


def test_kill_9_between_temp_file_and_replace(county: County, procs: list[subprocess.Popen[str]]) -> None:
    before = county.out.read_bytes()
    p = cli_merge(county, county.inbox, county.root / "late",
                  env={"SHEETSYNC_TEST_PAUSE_BEFORE_REPLACE": "300"})
    procs.append(p)
    wait_paused(p)
    os.kill(p.pid, signal.SIGKILL)
    assert p.wait() == -signal.SIGKILL
    assert county.out.read_bytes() == before  # the roll-up as it was
    stale = temps(county)
    assert len(stale) == 1 and stale[0].stat().st_size > 0  # the complete temp the kill left behind
    ledger_ok(county)
    # the next run: stale temp cleaned, the lock (dropped by the kernel) taken, roll-up written
    res = county.merge(county.inbox, county.root / "late")
    assert temps(county) == []
    assert {Path(f.path).name: f.outcome for f in res.files}["组织部.xlsx"] == "duplicate"  # recorded before the kill
    assert NEW_UNIT in units_in(county.out) and set(GOOD) <= units_in(county.out)


def test_second_merge_waits_for_the_first(county: County, procs: list[subprocess.Popen[str]]) -> None:
    if not Path(f"/proc/{os.getpid()}/fd").is_dir():
        pytest.skip("needs /proc to see the second merge waiting on the lock")
    resume = county.root / "resume"
    first = cli_merge(county, county.inbox, env={"SHEETSYNC_TEST_PAUSE_BEFORE_REPLACE": "300",
                                                 "SHEETSYNC_TEST_RESUME": str(resume)})
    procs.append(first)
    wait_paused(first)  # the first holds the merge lock now
    second = cli_merge(county, county.inbox, county.root / "late")
    procs.append(second)
    lock = county.db.with_name(county.db.name + ".lock").resolve()
    fd_dir = Path(f"/proc/{second.pid}/fd")
    # the second has opened the lock file: it is in FileLock.acquire, waiting (no clock involved)
    while second.poll() is None and not any(_points_to(fd, lock) for fd in _fds(fd_dir)):
        time.sleep(0.01)
    assert second.poll() is None, second.stderr.read() if second.stderr else ""
    resume.touch()
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    late = {Path(f["path"]).name: f["outcome"] for f in json.loads(out2)["files"]}
    assert late["组织部.xlsx"] == "accepted"
    assert openpyxl.load_workbook(county.out)  # one whole workbook, never two interleaved
    assert NEW_UNIT in units_in(county.out) and set(GOOD) <= units_in(county.out)
    assert temps(county) == []
    ledger_ok(county)


def _fds(fd_dir: Path) -> list[Path]:
    try:
        return list(fd_dir.iterdir())
    except OSError:
        return []


def _points_to(fd: Path, target: Path) -> bool:
    try:
        return Path(os.readlink(fd)) == target
    except OSError:
        return False


def test_second_merge_with_short_timeout_says_the_first_is_running(county: County,
                                                                    procs: list[subprocess.Popen[str]]) -> None:
    resume = county.root / "resume"
    before = county.out.read_bytes()
    first = cli_merge(county, county.inbox, env={"SHEETSYNC_TEST_PAUSE_BEFORE_REPLACE": "300",
                                                 "SHEETSYNC_TEST_RESUME": str(resume)})
    procs.append(first)
    wait_paused(first)
    with pytest.raises(LockedError) as err:
        county.merge(county.inbox, county.root / "late", lock_timeout=0.2)
    assert "另一个合并正在进行" in err.value.message and str(first.pid) in err.value.message
    assert county.out.read_bytes() == before
    assert county.query("SELECT COUNT(*) FROM returns WHERE unit=?", NEW_UNIT) == [(0,)]  # it touched nothing
    resume.touch()
    _out, err1 = first.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert openpyxl.load_workbook(county.out) and set(GOOD) <= units_in(county.out)
    ledger_ok(county)


# ---------------------------------------------------------------- 27: disk full
def test_disk_full_while_saving_keeps_the_previous_rollup(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real full disk needs a small filesystem (tmpfs/loop mount needs root here); the writer
    # failing with ENOSPC half-way through the temp file is what a full disk looks like to us.
    from sheetsync.rollup import workbook as rollup_xlsx

    before = county.out.read_bytes()
    real_write = rollup_xlsx._write

    def full_disk(rollup: object, path: str, lang: str) -> None:
        Path(path).write_bytes(b"PK\x03\x04" + b"\0" * 4096)  # some bytes made it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(rollup_xlsx, "_write", full_disk)
    with pytest.raises(SheetsyncError) as err:
        county.merge(county.inbox, county.root / "late")
    assert "磁盘空间不足" in err.value.message and str(county.out) in err.value.message
    assert county.out.read_bytes() == before and temps(county) == []
    ledger_ok(county)
    assert county.query("SELECT outcome FROM returns WHERE unit=?", NEW_UNIT) == [("accepted",)]
    monkeypatch.setattr(rollup_xlsx, "_write", real_write)
    county.merge(county.inbox)  # space freed: the roll-up comes from the ledger, late return included
    assert NEW_UNIT in units_in(county.out)


def test_disk_full_in_the_ledger_is_a_clear_message(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite reports a full disk as OperationalError("database or disk is full")
    from sheetsync import ledger

    before = county.out.read_bytes()

    def full(self: object, **kw: object) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ledger.Ledger, "record_return", full)
    with pytest.raises(SheetsyncError) as err:
        county.merge(county.inbox, county.root / "late")
    assert "磁盘空间不足" in err.value.message and county.db.name in err.value.message
    assert county.out.read_bytes() == before
    ledger_ok(county)
