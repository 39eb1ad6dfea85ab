"""Issue 17: saved mails and zips are unpacked in a limited child, never in the merging process.

Real parts: the robustness county's real returns, hostile mails and zips built here (small on
disk), the real CLI in a subprocess. A mail that makes its child run out of memory, crash or
hang is listed as skipped with what to do, the file left where it is; the other returns (a
loose workbook and a normal mail beside it) are merged, the master is byte-identical and the
ledger sound. The seams (lower limits, a child made to abort or hang by the file's name) are in
tests/helpers/isolated_mail.py.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from helpers.robustness import REPO, assert_ledger_sound, sha
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
    """Two good loose returns and a normal mail carrying the third unit's return."""
    c = make_county(issued, tmp_path / "county")
    assert issued.hostile_base is not None
    (c.inbox / "正常.eml").write_bytes(saved_mail(issued.hostile_base.read_bytes()).as_bytes())
    touch(c.inbox / "正常.eml")
    return c


def deepsaved_mail(levels: int) -> bytes:
    """Multipart nested ``levels`` deep (deeper than the parser recurses)."""
    deep = [b"From: a@b.cn\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"]
    for i in range(1, levels):
        deep.append(f"--b{i - 1}\nContent-Type: multipart/mixed; boundary=\"b{i}\"\n\n".encode())
    deep.append(b"--x\n\nbody\n")
    return b"".join(deep)


def header_bomb(base: bytes) -> bytes:
    """A 200 KB Subject of encoded words (the default email policy took 2.4 GB on it)."""
    words = b" ".join([b"=?utf-8?q?" + b"=E4=B8=AD" * 20 + b"?="] * 1200)
    assert len(words) > 200_000
    return b"From: a@b.cn\nSubject: " + words + b"\n\n" + saved_mail(base).as_bytes()


def linessaved_mail(mb: float) -> bytes:
    """An attachment of three-byte lines: the parser makes an object of each (~100 bytes for 3 on
    disk), so a few MB on disk take hundreds of MB to decode."""
    head = (b"From: zzb@shilixian.example\nDate: Sun, 20 Dec 2026 10:00:00 +0800\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: application/octet-stream\n"
            b"Content-Disposition: attachment; filename=\"lines.xlsx\"\nContent-Transfer-Encoding: base64\n\n")
    return head + b"QQ\n" * int(mb * 1024 * 1024 / 3) + b"--b--\n"


def lying_zip(path: Path, workbook: bytes) -> Path:
    """2,101 entries whose end record says 3."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(2100):
            z.writestr(f"x{i}.txt", b"")
        z.writestr("组织部.xlsx", workbook)
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, eocd + 8, 3, 3)
    path.write_bytes(bytes(data))
    return path


def merge_cli(c: County, *, lang: str = "zh", limits: dict[str, Any] | None = None, seam: bool = False,
              maxrss: Path | None = None) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """``sheetsync merge --json`` in a subprocess (through helpers/isolated_mail.main)."""
    env = {**os.environ, "SHEETSYNC_LANG": lang, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO / "tests")])}
    for key in ("SHEETSYNC_TEST_LIMITS", "SHEETSYNC_TEST_UNPACK", "SHEETSYNC_TEST_MAXRSS"):
        env.pop(key, None)
    if limits:
        env["SHEETSYNC_TEST_LIMITS"] = json.dumps(limits)
    if seam:
        env["SHEETSYNC_TEST_UNPACK"] = "1"
    if maxrss:
        env["SHEETSYNC_TEST_MAXRSS"] = str(maxrss)
    proc = subprocess.run([sys.executable, "-c", "from helpers.isolated_mail import main; main()", "merge",
                           str(c.master), str(c.inbox), "-o", str(c.out), "--as-of", "2026-12-31", "--json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc, json.loads(proc.stdout)


def by_path(res: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in res["files"]}


def assert_rest_merged(c: County, res: dict[str, Any], master_bytes: str) -> None:
    """The loose returns and the normal mail's workbook counted; the master and ledger as they must be."""
    files = by_path(res)
    assert files["正常.eml ▸ 组织部.xlsx"]["unit"] == HOSTILE_UNIT
    assert files["正常.eml ▸ 组织部.xlsx"]["outcome"] in ("accepted", "warnings")
    assert res["headline"]["units_reported"] == len(GOOD) + 1
    assert sha(c.master) == master_bytes
    assert_ledger_sound(c.db)


def skipped(res: dict[str, Any], path: Path) -> tuple[str, str]:
    f = by_path(res)[str(path)]
    assert f["outcome"] == "skipped", f
    (finding,) = f["findings"]
    return finding["code"], finding["message"]


def test_mails_the_caps_refuse_are_refused_in_the_child(county: County, issued: Issued) -> None:
    assert issued.hostile_base is not None
    base = issued.hostile_base.read_bytes()
    hostile = {
        county.inbox / "嵌套.eml": deepsaved_mail(2000),
        county.inbox / "信头.eml": header_bomb(base),
    }
    for path, data in hostile.items():
        path.write_bytes(data)
    lying_zip(county.inbox / "谎报.zip", base)
    before = {p: sha(p) for p in county.inbox.iterdir()}
    master = sha(county.master)
    _proc, res = merge_cli(county)
    code, message = skipped(res, county.inbox / "嵌套.eml")
    assert code == "eml-unreadable" and "嵌套过深" in message and "从邮箱直接下载" in message
    code, message = skipped(res, county.inbox / "信头.eml")
    assert code == "eml-header-too-large" and "信头异常巨大" in message
    code, message = skipped(res, county.inbox / "谎报.zip")
    assert code == "zip-too-many" and "谎报.zip" in message
    assert_rest_merged(county, res, master)
    assert {p: sha(p) for p in county.inbox.iterdir() if p in before} == before  # every file left as it was


def test_a_mail_whose_decoding_exceeds_the_memory_limit_is_skipped(county: County) -> None:
    big = county.inbox / "内存.eml"
    big.write_bytes(linessaved_mail(4))  # 4 MB on disk, some 250 MB to parse
    digest, master = sha(big), sha(county.master)
    _proc, res = merge_cli(county, limits={"memory_mb": 150})
    code, message = skipped(res, big)
    assert code == "container-oom"
    assert str(big) in message and "内存超过上限" in message and "从邮箱直接下载附件" in message
    assert sha(big) == digest and big.exists()  # left where it is, unchanged
    assert_rest_merged(county, res, master)


@pytest.mark.parametrize(("name", "limits", "code", "words"), [
    ("崩溃.eml", None, "container-crashed", "reader crashed"),
    ("超时.zip", {"timeout_s": 3}, "container-timeout", "time limit"),
])
def test_a_child_that_dies_on_a_container_costs_only_that_file(county: County, issued: Issued, name: str,
                                                               limits: dict[str, Any] | None, code: str,
                                                               words: str) -> None:
    assert issued.hostile_base is not None
    path = county.inbox / name
    if name.endswith(".eml"):
        path.write_bytes(saved_mail(issued.hostile_base.read_bytes(), "财政局.xlsx").as_bytes())
    else:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("财政局.xlsx", issued.hostile_base.read_bytes())
    digest, master = sha(path), sha(county.master)
    _proc, res = merge_cli(county, lang="en", limits=limits, seam=True)
    got, message = skipped(res, path)
    assert got == code
    assert str(path) in message and words in message and "Download the attachments from the mailbox" in message
    assert sha(path) == digest
    assert_rest_merged(county, res, master)  # the pool replaced the dead child and served the rest


def test_the_merging_process_does_not_grow_with_a_bigsaved_mail(county: County, tmp_path: Path) -> None:
    """The merge's own peak memory (its children not counted) with a mail that takes some 500 MB
    to parse is about that of the merge without it: the parse happened in a child."""
    rss = tmp_path / "maxrss"
    merge_cli(county, maxrss=rss)
    without = int(rss.read_text())
    again = make_county(county.issued, tmp_path / "again")
    (again.inbox / "正常.eml").write_bytes((county.inbox / "正常.eml").read_bytes())
    touch(again.inbox / "正常.eml")
    big = again.inbox / "大.eml"
    big.write_bytes(linessaved_mail(8))
    _proc, res = merge_cli(again, maxrss=rss)
    with_big = int(rss.read_text())
    assert by_path(res)["大.eml ▸ lines.xlsx"]["outcome"] == "rejected"  # unpacked in the child, then refused
    # in this process the parse alone took some 500 MB (ru_maxrss is in KB on Linux)
    assert with_big - without < 100 * 1024, (without, with_big)
