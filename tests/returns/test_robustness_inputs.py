"""Issue 17, crashes and hangs around the intake: odd file names, FIFOs, ``~`` names, escape
sequences in names, a zip whose end record lies, hostile saved mails, a roll-up's mode, the
archive folder taken by a file.

Real parts: the robustness county's real returns, real zips and mails built here, real merges
(and the CLI in a real process where output or exit codes matter). Each test checks that the
other returns are merged, the master is byte-identical and the ledger sound.
"""

from __future__ import annotations

import os
import shutil
import stat
import struct
import subprocess
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from helpers.robustness import REPO, assert_ledger_sound, run_cli
from helpers.robustness_county import (
    GOOD,
    HOSTILE_UNIT,
    County,
    Issued,
    issue,
    make_county,
    saved_mail,
    touch,
)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    return issue(tmp_path_factory.mktemp("issued"))


@pytest.fixture
def county(issued: Issued, tmp_path: Path) -> County:
    return make_county(issued, tmp_path / "county")


def outcomes(res) -> dict[str, tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    return {f.path: (f.outcome, [x.code for x in f.findings]) for f in res.files}


LONG = "县委组织部" + "关于全面推进各项重点任务落实情况的季度报送表" * 4  # 93 characters, 279 bytes


def test_file_names_not_utf8_or_too_long_for_the_file_system(county: County, issued: Issued) -> None:
    assert issued.hostile_base is not None
    master_bytes = county.master.read_bytes()
    gbk = os.path.join(bytes(county.inbox), "组织部回收表".encode("gbk") + b".xlsx")
    shutil.copyfile(issued.hostile_base, gbk)
    with zipfile.ZipFile(county.inbox / "打包.zip", "w") as z:
        z.writestr(f"{LONG}.xlsx", issued.hostile_base.read_bytes() + b"")  # the same bytes: a duplicate
    msg = EmailMessage()
    msg["From"], msg["Date"] = "zzb@shilixian.example", "Sun, 20 Dec 2026 10:00:00 +0800"
    msg.set_content("附件")
    msg.add_attachment(issued.good["县委编办"].read_bytes(), maintype="application", subtype="octet-stream",
                       filename=f"县委编办{LONG[5:]}.xlsx")
    (county.inbox / "长名.eml").write_bytes(msg.as_bytes())
    res = county.merge()
    got = outcomes(res)
    assert got[str(county.inbox / "组织部回收表.xlsx")][0] == "accepted"  # shown decoded as GB18030
    assert any(p.startswith("打包.zip ▸ 县委组织部") and o == "duplicate" for p, (o, _) in got.items())
    assert any(p.startswith("长名.eml ▸ 县委编办") and o == "duplicate" for p, (o, _) in got.items())
    assert res.rollup.headline()["units_reported"] == len(GOOD) + 1
    assert county.master.read_bytes() == master_bytes
    assert_ledger_sound(county.db)


def test_long_names_are_merged_when_new(county: County, issued: Issued) -> None:
    assert issued.hostile_base is not None
    with zipfile.ZipFile(county.inbox / "打包.zip", "w") as z:
        z.writestr(f"{LONG}.xlsx", issued.hostile_base.read_bytes())
    res = county.merge()
    zipped = next(f for f in res.files if f.path.startswith("打包.zip"))
    assert zipped.outcome == "accepted" and zipped.unit == HOSTILE_UNIT and LONG in zipped.path


def test_fifos_and_tilde_names_are_listed_not_hung_on(county: County, issued: Issued) -> None:
    fifo = county.inbox / "管道.xlsx"
    os.mkfifo(fifo)
    named = county.root / "named.xlsx"
    os.mkfifo(named)
    assert issued.hostile_base is not None
    shutil.copyfile(issued.hostile_base, county.inbox / "~组织部.xlsx")
    (county.inbox / "~$编办.xlsx").write_bytes(b"lock")  # a real Excel lock file: not listed
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "merge", str(county.master), str(county.inbox),
                           str(named), "-o", str(county.out), "--json"], capture_output=True, text=True, timeout=240,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src"), "SHEETSYNC_LANG": "zh"})
    assert proc.returncode == 0, proc.stderr
    import json

    files = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    assert files[str(fifo)]["outcome"] == "skipped" and files[str(fifo)]["findings"][0]["code"] == "not-a-file"
    assert files[str(named)]["findings"][0]["code"] == "not-a-file"
    tilde = files[str(county.inbox / "~组织部.xlsx")]
    assert tilde["findings"][0]["code"] == "tilde-name" and "去掉文件名开头的“~”" in tilde["findings"][0]["message"]
    assert not any("~$" in p for p in files)
    assert sum(f["outcome"] == "accepted" for f in files.values()) == len(GOOD)


def test_escape_sequences_in_names_are_printed_escaped(county: County, issued: Issued) -> None:
    assert issued.hostile_base is not None
    shutil.copyfile(issued.hostile_base, county.inbox / "\x1b[2J\x1b]0;hacked\x07组织部\u202e.xlsx")
    proc = run_cli("merge", county.master, county.inbox, "-o", county.out)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout and "\u202e" not in proc.stdout
    assert "\\x1b[2J" in proc.stdout and "\\u202e" in proc.stdout


def test_a_replaced_rollup_keeps_its_mode(county: County) -> None:
    county.merge()
    assert stat.S_IMODE(county.out.stat().st_mode) == 0o666 & ~_umask()
    county.out.chmod(0o640)
    county.merge()
    assert stat.S_IMODE(county.out.stat().st_mode) == 0o640


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_an_archive_folder_taken_by_a_file_is_a_message(county: County) -> None:
    master_bytes = county.master.read_bytes()
    county.archive.write_text("not a folder")
    proc = run_cli("merge", county.master, county.inbox, "-o", county.out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(county.archive) in proc.stderr and "改名或移走" in proc.stderr
    county.archive.unlink()
    assert county.merge().rollup.headline()["units_reported"] == len(GOOD)
    assert county.master.read_bytes() == master_bytes
    assert_ledger_sound(county.db)


def test_a_zip_whose_end_record_lies_about_its_count(county: County, issued: Issued) -> None:
    path = county.inbox / "谎报.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(2100):
            z.writestr(f"x{i}.txt", b"")
        z.writestr("组织部.xlsx", issued.hostile_base.read_bytes())  # type: ignore[union-attr]
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 3, 3)  # "3 entries"
    path.write_bytes(bytes(data))
    res = county.merge()
    assert outcomes(res)[str(path)] == ("skipped", ["zip-too-many"])
    assert res.rollup.headline()["units_reported"] == len(GOOD)


def test_hostile_saved_mails_are_refused_with_a_message(county: County, issued: Issued) -> None:
    assert issued.hostile_base is not None
    base = issued.hostile_base.read_bytes()
    # nested deeper than the parser recurses
    inner = saved_mail(base).as_bytes().split(b"\n\n", 1)[1]
    deep = [b"From: a@b.cn\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"]
    for i in range(1, 1500):
        deep.append(f"--b{i - 1}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n".encode())
    deep.append(inner)
    (county.inbox / "嵌套.eml").write_bytes(b"".join(deep))
    # an encoded-word bomb in a 200 KB header
    bomb = b"From: a@b.cn\nSubject: " + b" ".join([b"=?utf-8?q?" + b"=E4=B8=AD" * 20 + b"?="] * 1200) + b"\n\n"
    (county.inbox / "信头.eml").write_bytes(bomb + saved_mail(base).as_bytes())
    # 81 MB (sparse: nothing written past the header)
    with open(county.inbox / "巨大.eml", "wb") as fh:
        fh.write(saved_mail(base).as_bytes())
        fh.truncate(81 * 1024 * 1024)
    touch(county.inbox / "巨大.eml")
    res = county.merge()
    got = outcomes(res)
    assert got[str(county.inbox / "嵌套.eml")] == ("skipped", ["eml-unreadable"])
    assert got[str(county.inbox / "信头.eml")] == ("skipped", ["eml-header-too-large"])
    assert got[str(county.inbox / "巨大.eml")] == ("skipped", ["eml-too-large"])
    assert res.rollup.headline()["units_reported"] == len(GOOD)
    assert_ledger_sound(county.db)


# ---------------------------------------------------------------- what calamine will do, not the pattern
SHEET1 = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize("cell", [
    b'<c r="H4" s="11" t="n"><v>100</v></c><c r="AAAAAA4" t="n"><v>1</v></c>',  # six letters: 321 million columns
    b'<c r="H4" s="11" t="n"><v>100</v></c><c r="ZZZZ4" t="n"><v>1</v></c>',  # four letters
    b'<c xmlns:x="urn:x" x:r="H4" r="ZZZZ4" s="11" t="n"><v>100</v></c>',  # a namespaced r first: calamine reads r
    b'<c r="H4" s="11" t="n"><v>100</v></c><c r="B99999999" t="n"><v>1</v></c>',  # eight digits
])
def test_cell_addresses_calamine_reads_as_a_huge_grid_are_refused_by_the_scan(county: County, issued: Issued,
                                                                              cell: bytes) -> None:
    from helpers.robustness_county import part, rezip

    assert issued.hostile_base is not None
    xml = part(issued.hostile_base, SHEET1)
    old = b'<c r="H4" s="11" t="n"><v>100</v></c>'
    assert old in xml
    bad = rezip(issued.hostile_base, county.inbox / "组织部.xlsx", replace={SHEET1: xml.replace(old, cell)})
    touch(bad)
    res = county.merge()
    f = next(f for f in res.files if f.path == str(bad))
    assert f.outcome == "rejected" and [x.code for x in f.findings] == ["cells-beyond-limit"], f.findings
    assert "Ctrl+End" in f.findings[0].message
    assert res.rollup.headline()["units_reported"] == len(GOOD)


@pytest.mark.parametrize("text", [b"NaN", b"inf", b"-inf"])
def test_nan_and_infinity_in_a_number_cell_are_a_finding_not_a_crash(county: County, issued: Issued,
                                                                     text: bytes) -> None:
    from helpers.robustness_county import part, rezip

    assert issued.hostile_base is not None
    xml = part(issued.hostile_base, SHEET1)
    old = b'<c r="H4" s="11" t="n"><v>100</v></c>'
    bad = rezip(issued.hostile_base, county.inbox / "组织部.xlsx",
                replace={SHEET1: xml.replace(old, b'<c r="H4" s="11" t="n"><v>' + text + b"</v></c>")})
    touch(bad)
    res = county.merge()
    f = next(f for f in res.files if f.path == str(bad))
    codes = [x.code for x in f.findings]
    assert "internal-error" not in codes and "bad-progress" in codes, f.findings
    msg = next(x for x in f.findings if x.code == "bad-progress")
    assert text.decode() in msg.message and msg.cell == "H4"
    assert f.unit == HOSTILE_UNIT and res.rollup.headline()["units_reported"] == len(GOOD) + 1


# ---------------------------------------------------------------- a master is as untrusted as a return
def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # the test machine stays safe if this regresses


def test_a_master_with_one_far_cell_is_refused_not_laid_out(issued: Issued, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(issued.master)
    wb["任务"]["XFD1048576"] = "x"  # 17 billion cells to openpyxl, a few bytes on disk
    far = tmp_path / "far.xlsx"
    wb.save(far)
    assert far.stat().st_size < 100_000
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "SHEETSYNC_LANG": "zh"}
    for args in (["check", str(far)], ["merge", str(far), str(tmp_path), "-o", str(tmp_path / "r.xlsx")]):
        proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", *args], capture_output=True, text=True,
                              env=env, timeout=120, preexec_fn=_limited)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert "far.xlsx" in proc.stderr and "XFD1048576" in proc.stderr and "Ctrl+End" in proc.stderr
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "sheetsync.db").exists()
