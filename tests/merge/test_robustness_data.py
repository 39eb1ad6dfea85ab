"""Issue 17, data mixed or lost: the ledger keyed to its master, outputs never overwriting or
being read as inputs, issued workbooks not counted as returns, untrusted times, another unit's
workbook, ledger faults.

Real parts throughout: the robustness county's master split into real return workbooks,
filled with openpyxl, merged into a real SQLite ledger (and the CLI in a real process where
the exit code matters). Each test checks the message, that the master is byte-identical, and
that the ledger passes an integrity check with every archived file matching its hash.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from helpers.robustness import REPO, assert_ledger_sound, run_cli
from helpers.robustness_county import (
    AS_OF,
    GOOD,
    HOSTILE_UNIT,
    HOSTILE_VALUES,
    PERIOD,
    County,
    Issued,
    fill,
    issue,
    make_county,
    touch,
)
from sheetsync.core.errors import SheetsyncError
from sheetsync.ledger import Ledger, LedgerOfAnotherMaster
from sheetsync.master.workbook import read_master, write_master
from sheetsync.merge import merge_returns, status
from sheetsync.split.workbook import split_master


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    return issue(tmp_path_factory.mktemp("issued"))


@pytest.fixture
def county(issued: Issued, tmp_path: Path) -> County:
    return make_county(issued, tmp_path / "county")


# ---------------------------------------------------------------- the ledger keyed to its master
def other_plan(issued: Issued, root: Path) -> tuple[Path, Path]:
    """A second plan's master in the same folder (other name, other tasks) and one filled return of it."""
    m = read_master(issued.master)
    m.settings["plan"] = "另一个实施方案"
    m.tasks[0].title += "（另案）"
    master = write_master(m, root / "另一方案主表.xlsx")
    res = split_master(read_master(master), root / "另案下发", issued_at=datetime(2026, 12, 2))
    book = {w.unit: w.file for w in res.workbooks}["县委编办"]
    ret = fill(book, root / "另案回收" / "编办.xlsx", GOOD["县委编办"])
    return master, touch(ret)


def test_two_plans_in_one_folder_do_not_share_the_ledger(county: County, issued: Issued) -> None:
    first = county.merge()
    before = county.query("SELECT COUNT(*) FROM returns")[0][0]
    master_bytes = county.master.read_bytes()
    other_master, other_return = other_plan(issued, county.root)
    other_bytes = other_master.read_bytes()
    with pytest.raises(LedgerOfAnotherMaster) as exc:
        merge_returns(other_master, [other_return.parent], county.root / "另案汇总.xlsx", as_of=first.rollup.as_of)
    msg = str(exc.value)
    assert str(county.db) in msg and "另一个实施方案" in msg and "--ledger" in msg
    assert county.query("SELECT COUNT(*) FROM returns")[0][0] == before
    assert not (county.root / "另案汇总.xlsx").exists()
    with pytest.raises(LedgerOfAnotherMaster):
        status(other_master, PERIOD)
    # the same through the CLI: exit 2, the message, no traceback; English too
    proc = run_cli("merge", other_master, other_return.parent, "-o", county.root / "另案汇总.xlsx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "属于另一个方案" in proc.stderr + proc.stdout
    proc = run_cli("status", "--master", other_master, lang="en")
    assert proc.returncode == 2 and "belongs to another plan" in proc.stderr + proc.stdout
    # its own ledger keeps the two apart; the first plan's status is untouched
    own = county.root / "另案台账.db"
    res = merge_returns(
        other_master, [other_return.parent], county.root / "另案汇总.xlsx", ledger_path=own, as_of=first.rollup.as_of)
    assert res.rollup.headline()["units_reported"] == 1
    assert status(county.master, PERIOD).headline() == first.rollup.headline()
    assert county.master.read_bytes() == master_bytes and other_master.read_bytes() == other_bytes
    assert_ledger_sound(county.db)
    assert_ledger_sound(own)


def test_the_same_plan_edited_or_renamed_keeps_its_ledger(county: County) -> None:
    county.merge()
    m = read_master(county.master)
    m.tasks[1].content += "（修订）"  # the clerk edits a task: a new fingerprint, the same plan
    write_master(m, county.master)
    county.merge()
    m.settings["plan"] = m.settings["plan"] + "（修订稿）"  # then fixes the plan's name: tasks seen before
    write_master(m, county.master)
    res = county.merge()
    assert res.rollup.headline()["units_reported"] == len(GOOD)
    kinds = [k for (k,) in county.query("SELECT kind FROM decisions WHERE kind LIKE 'master-%' ORDER BY id")]
    assert kinds == ["master-bound", "master-tasks-changed", "master-renamed"]
    with Ledger(county.db) as led:
        ident = led.master_identity()
        assert ident is not None and len(ident.fingerprints) == 2 and ident.plan.endswith("（修订稿）")
    assert_ledger_sound(county.db)


# ---------------------------------------------------------------- outputs never overwrite or feed inputs
def test_outputs_naming_an_input_are_refused_before_anything_is_written(county: County) -> None:
    county.merge()
    db_bytes, master_bytes = county.db.read_bytes(), county.master.read_bytes()
    a_return = next(county.inbox.iterdir())
    return_bytes = a_return.read_bytes()
    for out, words in ((county.db, "台账文件"), (a_return, "回收文件"), (county.master, "主表"),
                       (county.archive / "x.xlsx", "存档"), (county.master / "x.xlsx", "是一个文件"),
                       (county.master / "sub" / "x.xlsx", "是一个文件")):
        proc = run_cli("merge", county.master, county.inbox, "-o", out)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert words in proc.stderr and "-o" in proc.stderr
    with pytest.raises(SheetsyncError, match="是一个文件夹"):  # the CLI's own option check says so first
        merge_returns(county.master, [county.inbox], county.inbox, as_of=AS_OF)
    proc = run_cli("merge", county.master, county.inbox, "-o", county.out, "--ledger", county.master)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "台账不能是" in proc.stderr
    proc = run_cli("merge", county.master, county.inbox, "-o", county.out, "--ledger", county.master / "x.db")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "是文件，不是文件夹" in proc.stderr
    assert county.master.read_bytes() == master_bytes and a_return.read_bytes() == return_bytes
    assert county.db.read_bytes() == db_bytes
    assert_ledger_sound(county.db)


def test_a_rollup_in_the_returns_folder_is_never_read_as_a_return(county: County) -> None:
    inside = county.inbox / "汇总表.xlsx"
    res = merge_returns(county.master, [county.inbox], inside, as_of=AS_OF)
    assert res.rollup.headline()["units_reported"] == len(GOOD)
    again = merge_returns(county.master, [county.inbox], inside, as_of=AS_OF)  # replaces its own roll-up
    skipped = [f for f in again.files if f.outcome == "skipped"]
    assert [f.findings[0].code for f in skipped] == ["own-rollup"] and "汇总表" in skipped[0].findings[0].message
    # a copy of the roll-up under another name is known by its hash
    shutil.copyfile(inside, county.inbox / "副本.xlsx")
    third = merge_returns(county.master, [county.inbox], county.out, as_of=AS_OF)
    assert sorted(f.findings[0].code for f in third.files if f.outcome == "skipped") == ["own-rollup", "own-rollup"]
    assert third.rollup.headline() == res.rollup.headline()
    assert county.query("SELECT COUNT(*) FROM returns")[0][0] == len(GOOD)
    assert_ledger_sound(county.db)


def test_the_project_folder_as_input_counts_no_issued_workbook(county: County, issued: Issued) -> None:
    master_bytes = county.master.read_bytes()
    split = split_master(read_master(county.master), county.root / "下发", issued_at=datetime(2026, 12, 1))
    books = {w.unit: w.file for w in split.workbooks}
    # a unit sent the blank back unchanged; another opened it, saved it, filled nothing
    shutil.copyfile(books[HOSTILE_UNIT], county.inbox / "组织部.xlsx")
    import openpyxl

    other = next(u for u in books if u not in GOOD and u != HOSTILE_UNIT)
    wb = openpyxl.load_workbook(books[other])
    wb.save(county.inbox / "原样保存.xlsx")
    res = county.merge(county.root)
    by_code = {f.findings[0].code: f for f in res.files if f.findings and f.outcome in ("skipped", "rejected")}
    assert {"own-master", "issued-folder", "issued-blank", "not-filled-in"} <= set(by_code)
    assert HOSTILE_UNIT in by_code["issued-blank"].findings[0].message
    assert str(len(books)) in by_code["issued-folder"].findings[0].message
    assert by_code["not-filled-in"].outcome == "rejected" and "没有填写任何任务的内容" in by_code["not-filled-in"].findings[0].message
    h = res.rollup.headline()
    assert h["units_reported"] == len(GOOD)
    assert HOSTILE_UNIT in res.rollup.missing_units and other in res.rollup.missing_units
    assert county.master.read_bytes() == master_bytes
    assert_ledger_sound(county.db)


# ---------------------------------------------------------------- which file is newer
CORRECTED = {tid: ("已完成", 100, v[2], "更正后的进展", "无") for tid, v in HOSTILE_VALUES.items()}


def current_source(county: County, unit: str) -> str:
    with Ledger(county.db) as led:
        return led.current(PERIOD)[unit].source


def eml(path: Path, attachment: Path, date_header: str) -> Path:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Date"] = "unit@example.cn", "office@example.cn", "报送", date_header
    msg.set_content("见附件")
    msg.add_attachment(attachment.read_bytes(), maintype="application", subtype="octet-stream",
                       filename=attachment.name)
    path.write_bytes(msg.as_bytes())
    return touch(path)


def test_a_future_file_time_does_not_shadow_a_later_correction(county: County, issued: Issued) -> None:
    master_bytes = county.master.read_bytes()
    wrong = fill(issued.files[HOSTILE_UNIT], county.inbox / "组织部.xlsx", HOSTILE_VALUES, when=datetime(2099, 1, 1))
    first = county.merge()
    f = next(f for f in first.files if f.unit == HOSTILE_UNIT)
    assert f.outcome == "warnings" and [x.code for x in f.findings] == ["time-in-future"]
    assert "2099-01-01" in f.findings[0].message and "到达时间" in f.findings[0].message
    assert not f.received_at.startswith("2099")
    # the real correction, dated inside the period, arrives later: it is used
    fill(issued.files[HOSTILE_UNIT], county.inbox / "组织部更正.xlsx", CORRECTED, when=datetime(2026, 12, 22))
    second = county.merge()
    assert current_source(county, HOSTILE_UNIT).endswith("组织部更正.xlsx")
    assert second.rollup.headline()["units_reported"] == len(GOOD) + 1
    assert wrong.exists() and county.master.read_bytes() == master_bytes
    assert_ledger_sound(county.db)


def test_mail_dates_in_2099_and_9999_and_a_zip_member_in_2107(county: County, issued: Issued) -> None:
    import zipfile

    ret = fill(issued.files[HOSTILE_UNIT], county.root / "src" / "组织部.xlsx", HOSTILE_VALUES)
    eml(county.inbox / "a.eml", ret, "Fri, 31 Dec 9999 23:59:59 -1200")  # past datetime's range in UTC
    other = fill(issued.files["县委编办"], county.root / "src" / "编办.xlsx", {"一.(一).2": ("已完成", 100, 9, "邮件", "无")})
    eml(county.inbox / "b.eml", other, "Thu, 01 Jan 2099 08:00:00 +0800")
    third = fill(issued.files["县财政局"], county.root / "src" / "财政局.xlsx", {"一.(一).3": ("已完成", 100, None, "压缩", "无")})
    with zipfile.ZipFile(county.inbox / "c.zip", "w") as z:
        z.writestr(zipfile.ZipInfo("财政局.xlsx", date_time=(2107, 12, 31, 23, 59, 58)), third.read_bytes())
    res = county.merge()
    codes = {f.path: [x.code for x in f.findings] for f in res.files}
    assert codes["b.eml ▸ 编办.xlsx"] == ["time-in-future"] and codes["c.zip ▸ 财政局.xlsx"] == ["time-in-future"]
    assert "time-in-future" not in codes["a.eml ▸ 组织部.xlsx"]  # 9999 unreadable: the saved mail's own time, believed
    assert res.rollup.headline()["units_reported"] == len(GOOD) + 1
    # the mail and the zip arrived after the loose returns: they are the units' current returns
    assert current_source(county, "县委编办") == "b.eml ▸ 编办.xlsx"
    assert current_source(county, "县财政局") == "c.zip ▸ 财政局.xlsx"
    assert_ledger_sound(county.db)


def test_two_files_of_one_unit_at_the_same_time_say_which_was_used(county: County, issued: Issued) -> None:
    when = datetime(2026, 12, 21, 9, 30)
    fill(issued.files[HOSTILE_UNIT], county.inbox / "组织部1.xlsx", HOSTILE_VALUES, when=when)
    fill(issued.files[HOSTILE_UNIT], county.inbox / "组织部2.xlsx", CORRECTED, when=when)
    res = county.merge()
    used = current_source(county, HOSTILE_UNIT)
    assert used.endswith("组织部2.xlsx")
    f = next(f for f in res.files if f.path == used)
    assert [x.code for x in f.findings] == ["same-time"]
    assert "组织部1.xlsx" in f.findings[0].message and "已采用本文件" in f.findings[0].message
    assert_ledger_sound(county.db)


# ---------------------------------------------------------------- another unit's workbook
def test_another_units_workbook_never_replaces_that_units_return(county: County, issued: Issued) -> None:
    master_bytes = county.master.read_bytes()
    county.merge()  # 县委编办's own return is in
    # 县财政局 mails 编办's workbook (an old copy, filled differently) from its own address, later
    stray = fill(issued.files["县委编办"], county.root / "src" / "x.xlsx", {"一.(一).2": ("已完成", 100, 1, "错发", "无")},
                 when=datetime(2026, 12, 28))
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"], msg["Date"], msg["Subject"] = "财政局 <czj@shilixian.example>", "Mon, 28 Dec 2026 09:00:00 +0800", "报送"
    msg.set_content("附件")
    msg.add_attachment(stray.read_bytes(), maintype="application", subtype="octet-stream", filename="报送表.xlsx")
    (county.inbox / "财政局来信.eml").write_bytes(msg.as_bytes())
    # and saves it under its own file name too
    fill(issued.files["县委编办"], county.inbox / "县财政局.xlsx", {"一.(一).2": ("已完成", 100, 2, "又错发", "无")},
         when=datetime(2026, 12, 29))
    res = county.merge()
    codes = {"unit-mismatch", "other-unit-named"}  # the sender (merge) / the file name (the return reader)
    flagged = {f.path: f for f in res.files if any(x.code in codes for x in f.findings)}
    assert set(flagged) == {"财政局来信.eml ▸ 报送表.xlsx", str(county.inbox / "县财政局.xlsx")}
    for f in flagged.values():
        assert f.outcome == "warnings" and f.unit == "县委编办"
        msg_text = next(x.message for x in f.findings if x.code in codes)
        assert "县财政局" in msg_text and "不会" in msg_text and "替换" in msg_text
    by_mail = [x for x in flagged["财政局来信.eml ▸ 报送表.xlsx"].findings if x.code == "unit-mismatch"]
    assert len(by_mail) == 1 and "czj@shilixian.example" in by_mail[0].message
    assert [x.code for x in flagged[str(county.inbox / "县财政局.xlsx")].findings] == ["other-unit-named"]
    assert current_source(county, "县委编办").endswith(issued.good["县委编办"].name)  # its own return stays
    assert current_source(county, "县财政局").endswith(issued.good["县财政局"].name)
    assert res.rollup.headline()["units_reported"] == len(GOOD)
    assert county.master.read_bytes() == master_bytes
    assert_ledger_sound(county.db)


def test_a_flagged_workbook_counts_until_the_units_own_return_arrives(county: County, issued: Issued) -> None:
    os.remove(county.inbox / issued.good["县委编办"].name)
    stray = fill(issued.files["县委编办"], county.inbox / "县财政局_补充.xlsx", {"一.(一).2": ("已完成", 100, 1, "错发", "无")},
                 when=datetime(2026, 12, 28))
    res = county.merge()
    assert "县委编办" not in res.rollup.missing_units
    assert current_source(county, "县委编办") == str(stray)
    own = Path(shutil.copyfile(issued.good["县委编办"], county.inbox / issued.good["县委编办"].name))
    touch(own, datetime(2026, 12, 20))  # older than the stray one, but the unit's own
    county.merge()
    assert current_source(county, "县委编办") == str(own)
    assert_ledger_sound(county.db)


# ---------------------------------------------------------------- ledger faults
def undisturbed(issued: Issued, root: Path) -> dict[str, object]:
    return make_county(issued, root).merge().rollup.headline()


def test_a_damaged_ledger_or_a_workbook_named_as_ledger_is_a_message(county: County, issued: Issued) -> None:
    county.db.write_bytes(b"PK\x03\x04 not a database at all" * 10)
    for args in (("merge", county.master, county.inbox, "-o", county.out), ("status", "--master", county.master)):
        proc = run_cli(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert str(county.db) in proc.stderr and "已损坏" in proc.stderr and "sheetsync-archive" in proc.stderr
    a_return = next(county.inbox.iterdir())
    proc = run_cli("merge", county.master, county.inbox, "-o", county.out, "--ledger", a_return, lang="en")
    assert proc.returncode == 2 and "is damaged or is not a sheetsync ledger" in proc.stderr
    # a real ledger cut short: SQLite's own "malformed" is the same message
    county.db.unlink()
    county.merge()
    data = county.db.read_bytes()
    county.db.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    for p in (county.db.with_name("sheetsync.db-wal"), county.db.with_name("sheetsync.db-shm")):
        p.unlink(missing_ok=True)
    with pytest.raises(SheetsyncError, match="已损坏"):
        county.merge()
    assert not county.out.with_suffix(".tmp").exists()


def test_tampered_findings_in_the_ledger_are_said_not_a_traceback(county: County) -> None:
    first = county.merge()
    con = sqlite3.connect(county.db)
    con.execute("UPDATE returns SET findings='{not json' WHERE id=1")
    con.commit()
    con.close()
    again = county.merge()
    assert again.rollup.headline() == first.rollup.headline()
    text = [fd.message for f in again.rollup.files for fd in f.findings]
    assert any("无法读取" in m and "第 1 条" in m for m in text)
    assert status(county.master, PERIOD).headline() == first.rollup.headline()


HOLD = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""


def test_a_ledger_locked_by_another_program_is_said_at_once_and_a_rerun_finishes(county: County, issued: Issued,
                                                                                   tmp_path: Path) -> None:
    county.merge(county.inbox / issued.good["县委编办"].name)  # the ledger exists, one return in
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(county.db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(SheetsyncError) as exc:
            county.merge()
        assert "正被另一个程序占用" in str(exc.value) and str(county.db) in str(exc.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    assert county.merge().rollup.headline() == undisturbed(issued, tmp_path / "calm")
    assert_ledger_sound(county.db)


def test_a_read_only_ledger_is_a_message(county: County, tmp_path: Path) -> None:
    from sheetsync.ledger import ledger_fault

    county.merge()
    ro = sqlite3.connect(f"file:{county.db}?mode=ro", uri=True)  # a real read-only SQLite refusal
    with pytest.raises(sqlite3.OperationalError) as real:
        ro.execute("INSERT INTO decisions (at, kind) VALUES ('x', 'y')")
    ro.close()
    fault = ledger_fault(real.value, county.db)
    assert "不能写入" in str(fault) and str(county.db) in str(fault) and "只读" in str(fault)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file modes")
def test_a_read_only_ledger_folder_is_a_message_and_a_rerun_finishes(county: County) -> None:
    county.merge()
    county.db.chmod(0o444)
    county.root.chmod(0o555)
    try:
        with pytest.raises(SheetsyncError, match="不能写入"):
            county.merge()
    finally:
        county.root.chmod(0o755)
        county.db.chmod(0o644)
    county.merge()
    assert_ledger_sound(county.db)


def test_two_merges_naming_one_ledger_through_a_symlink_share_one_lock(county: County) -> None:
    from sheetsync.core.errors import LockedError
    from sheetsync.workbook.locking import FileLock

    county.merge()
    link = county.root / "link"
    link.mkdir()
    (link / "台账.db").symlink_to(county.db)
    with FileLock(county.db.with_name("sheetsync.db.lock"), timeout=1), pytest.raises(LockedError):
        merge_returns(county.master, [county.inbox], county.out, ledger_path=link / "台账.db", as_of=AS_OF,
                      lock_timeout=0.5)
    assert not (link / "台账.db.lock").exists()
    res = merge_returns(county.master, [county.inbox], county.out, ledger_path=link / "台账.db", as_of=AS_OF)
    assert res.rollup.headline()["units_reported"] == len(GOOD)
    assert_ledger_sound(county.db)


# ---------------------------------------------------------------- kill -9 at known moments, then a re-run
def busy_county(issued: Issued, root: Path, filled: Path) -> County:
    """The county with a return from every unit (so a merge has several files to be killed
    between); the returns are filled once into ``filled`` and copied, so two counties hold the same bytes."""
    if not filled.exists():
        for unit, book in issued.files.items():
            if unit not in GOOD:
                fill(book, filled / f"{unit}.xlsx", {tid: ("推进中", 50, None, f"{unit}进展", "无") for tid in _task_ids(book)},
                     when=datetime(2026, 12, 21, 9, 0))
    c = make_county(issued, root)
    for f in filled.iterdir():
        shutil.copy2(f, c.inbox / f.name)
    return c


def _task_ids(book: Path) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        return [str(r[0]) for r in wb["填报"].iter_rows(min_row=4, values_only=True) if r[0]]
    finally:
        wb.close()


def ledger_content(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[str]]:
    con = sqlite3.connect(db)
    try:
        returns = sorted(con.execute("SELECT sha256, period, unit, outcome, identified_by, findings FROM returns"))
        rows = sorted(con.execute("SELECT r.sha256, w.task_id, w.unit, w.status, w.progress, w.value, w.progress_text "
                                  "FROM rows w JOIN returns r ON r.id = w.return_id"))
        files = sorted(r[0] for r in con.execute("SELECT sha256 FROM files"))
        return returns, rows, files
    finally:
        con.close()


@pytest.mark.parametrize("point", ["archived:1", "archived:3", "recorded:1", "recorded:4"])
def test_kill_9_during_a_merge_then_a_rerun_equals_an_undisturbed_merge(issued: Issued, tmp_path: Path,
                                                                        point: str) -> None:
    import signal

    calm = busy_county(issued, tmp_path / "calm", tmp_path / "filled")
    expected = calm.merge()
    county = busy_county(issued, tmp_path / "killed", tmp_path / "filled")
    master_bytes = county.master.read_bytes()
    env = {**os.environ, "SHEETSYNC_LANG": "zh", "PYTHONPATH": str(REPO / "src"), "SHEETSYNC_TEST_KILL_POINT": point}
    proc = subprocess.Popen([sys.executable, "-m", "sheetsync.cli", "merge", str(county.master), str(county.inbox),
                             "-o", str(county.out), "--as-of", "2026-12-31"], stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line.startswith(f"sheetsync-test: stopped after {point.replace(':', ' ')}"), line + proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not county.out.exists()
    again = county.merge()
    assert again.rollup.headline() == expected.rollup.headline()
    assert [(g.type, g.task_id, g.unit) for g in again.rollup.gaps] == [(g.type, g.task_id, g.unit)
                                                                         for g in expected.rollup.gaps]
    got, want = ledger_content(county.db), ledger_content(calm.db)
    assert got[1:] == want[1:]
    assert [r[:5] for r in got[0]] == [r[:5] for r in want[0]]
    assert county.master.read_bytes() == master_bytes
    assert_ledger_sound(county.db)
