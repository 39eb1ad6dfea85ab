"""Returns that arrive zipped: QQ Mail's and 163's "download all attachments" give the clerk one
.zip, often with GBK file names (Chinese Windows tools do not set the zip's UTF-8 flag).

Real archives are built here byte by byte where zipfile cannot write them as those tools do (GBK
names, an encrypted flag); the merge that reads them is the real one, ledger and roll-up included.
"""

from __future__ import annotations

import io
import zipfile
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from helpers.ribbon import Demo, small_county
from sheetsync.i18n import set_lang
from sheetsync.ledger import Ledger
from sheetsync.merge import merge_returns
from sheetsync.returns import inbox


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


@pytest.fixture
def county(tmp_path: Path) -> Demo:
    return small_county(tmp_path / "示例县")


def _zip(members: dict[str, bytes], *, gbk_names: bool = True, encrypted: tuple[str, ...] = ()) -> bytes:
    """A zip as WinRAR / 360压缩 / Windows write it: names in GBK without the UTF-8 flag."""
    buf = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (name, data) in enumerate(members.items()):
            raw = name.encode("gbk") if gbk_names else name.encode("utf-8")
            placeholder = f"P{n:03d}".encode().ljust(len(raw), b"_") if not name.isascii() else raw
            info = zipfile.ZipInfo(placeholder.decode("ascii") if not name.isascii() else name, (2026, 12, 20, 9, n, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            if placeholder != raw:
                swaps.append((placeholder, raw))
    out = buf.getvalue()
    for placeholder, raw in swaps:
        assert out.count(placeholder) == 2  # local header and central directory
        out = out.replace(placeholder, raw)
    for name in encrypted:  # the "encrypted" bit in both headers, as a password-protected entry has
        raw = name.encode("gbk")
        for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            name_at = {30: 26, 46: 28}
            start = 0
            while (i := out.find(sig, start)) >= 0:
                head = 30 if sig == b"PK\x03\x04" else 46
                nlen = int.from_bytes(out[i + name_at[head]:i + name_at[head] + 2], "little")
                if out[i + head:i + head + nlen] == raw:
                    flags = int.from_bytes(out[i + flag_at:i + flag_at + 2], "little") | 1
                    out = out[:i + flag_at] + flags.to_bytes(2, "little") + out[i + flag_at + 2:]
                start = i + 4
    return out


def _returns(county: Demo) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(county.returns.glob("*.xlsx"))}


def test_a_zip_of_returns_with_gbk_names_is_merged_like_the_files(county: Demo, tmp_path: Path) -> None:
    files = _returns(county)
    assert len(files) == 2 and all(not n.isascii() for n in files)
    members = {f"回收表/{n}": d for n, d in files.items()}
    first = next(iter(files))
    members.update({f"__MACOSX/回收表/._{first}": b"junk", f"回收表/~${first}": b"lock", "说明.txt": "请查收".encode("gbk")})
    inbox_dir = tmp_path / "邮箱下载"
    inbox_dir.mkdir()
    (inbox_dir / "附件打包.zip").write_bytes(_zip(members))

    zipped = merge_returns(county.master, [inbox_dir], tmp_path / "zip汇总.xlsx", ledger_path=tmp_path / "z" / "sheetsync.db")
    loose = merge_returns(county.master, [county.returns], tmp_path / "汇总.xlsx", ledger_path=tmp_path / "l" / "sheetsync.db")
    assert sorted(f.path for f in zipped.files) == sorted(f"附件打包.zip ▸ 回收表/{n}" for n in files)
    assert {f.outcome for f in zipped.files} <= {"accepted", "warnings"}
    assert sorted(f.unit for f in zipped.files) == sorted(f.unit for f in loose.files)
    assert zipped.rollup.headline() == loose.rollup.headline()
    assert [(g.type, g.task_id, g.unit) for g in zipped.rollup.gaps] == [(g.type, g.task_id, g.unit) for g in loose.rollup.gaps]
    with Ledger(tmp_path / "z" / "sheetsync.db") as ledger:  # each workbook archived by content, under its own name
        kept = {r.original_name: Path(r.archived_path).read_bytes() for r in ledger.returns(zipped.period)}
    assert kept == files
    received = {f.path: f.received_at for f in zipped.files}
    assert all(v.startswith("2026-12-20T09:0") for v in received.values())  # the members' own times


def test_archives_that_cannot_be_merged_are_reported_not_dropped(county: Demo, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = _returns(county)
    (edu, edu_data), (fin, fin_data) = files.items()
    folder = tmp_path / "回收"
    folder.mkdir()
    (folder / "只有说明.zip").write_bytes(_zip({"说明.txt": b"x"}))
    (folder / "资料.rar").write_bytes(b"Rar!\x1a\x07\x00" + b"\x00" * 64)
    (folder / "坏的.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    (folder / "混合.zip").write_bytes(_zip({edu: edu_data, fin: fin_data, "内层.zip": b"PK\x05\x06" + b"\x00" * 18},
                                         encrypted=(fin,)))
    result = merge_returns(county.master, [folder], tmp_path / "汇总.xlsx", ledger_path=tmp_path / "db" / "sheetsync.db")
    by_path = {f.path: f for f in result.files}
    expect = {
        str(folder / "只有说明.zip"): ("zip-no-workbook", "没有 Excel 回收表"),
        str(folder / "资料.rar"): ("archive-unsupported", "请先解压"),
        str(folder / "坏的.zip"): ("zip-unreadable", "已损坏"),
        f"混合.zip ▸ {fin}": ("zip-member-encrypted", "密码"),
        "混合.zip ▸ 内层.zip": ("zip-nested", "又套了一个压缩包"),
    }
    for path, (code, words) in expect.items():
        (finding,) = by_path[path].findings
        assert by_path[path].outcome == "skipped" and finding.code == code and words in finding.message
        assert Path(path).name in finding.message or path in finding.message
    assert by_path[f"混合.zip ▸ {edu}"].outcome in ("accepted", "warnings")  # the rest of the archive still counts

    monkeypatch.setattr(inbox, "MAX_ATTACHMENT", 1000)  # a member larger than the cap is not taken out
    big = tmp_path / "大"
    big.mkdir()
    (big / "大.zip").write_bytes(_zip({edu: edu_data}))
    # what collect's child runs, run here: the patched cap does not reach a child
    got = inbox.unpack_container(str(big / "大.zip"), str(tmp_path / "work"))
    assert got == {"items": [], "skipped": [[f"大.zip ▸ {edu}", "zip-member-too-large"]]}


def test_an_archive_with_too_many_entries_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(inbox.MAX_ZIP_ENTRIES + 1):
            zf.writestr(f"{i}.txt", b"")
    (tmp_path / "many.zip").write_bytes(buf.getvalue())
    work = tmp_path / "work"
    work.mkdir()
    assert inbox.collect([tmp_path], work) == ([], [(str(tmp_path / "many.zip"), "zip-too-many")])


def test_a_member_whose_compressed_data_is_damaged_is_reported(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("县教育局.xlsx", b"x" * 5000)
    data = bytearray(buf.getvalue())
    start = data.find("县教育局.xlsx".encode()) + len("县教育局.xlsx".encode())
    for k in range(start, start + 8):  # the first bytes of the deflate stream
        data[k] ^= 0xFF
    (tmp_path / "r.zip").write_bytes(bytes(data))
    work = tmp_path / "work"
    work.mkdir()
    assert inbox.collect([tmp_path], work) == ([], [("r.zip ▸ 县教育局.xlsx", "zip-unreadable")])


def test_a_zip_attached_to_a_saved_email(county: Demo, tmp_path: Path) -> None:
    """A unit that zips its return before sending: the workbooks inside count, with the email's
    sender and date; an attached RAR is reported, as is a zip with nothing to merge."""
    from email.message import EmailMessage

    files = _returns(county)
    folder = tmp_path / "邮件"
    folder.mkdir()
    msg = EmailMessage()
    msg["From"] = "县教育局 <jyj@units.example.test>"
    msg["Date"] = "Mon, 21 Dec 2026 09:30:00 +0800"
    msg["Subject"] = "回复：任务进展填报表"
    msg.set_content("请查收。")
    msg.add_attachment(_zip(files), maintype="application", subtype="zip", filename="回收表.zip")
    msg.add_attachment(b"Rar!\x1a\x07\x00", maintype="application", subtype="x-rar", filename="佐证材料.rar")
    (folder / "回复.eml").write_bytes(bytes(msg))
    empty = EmailMessage()
    empty["From"] = "县财政局 <czj@units.example.test>"
    empty.set_content("附件")
    empty.add_attachment(_zip({"说明.txt": b"x"}), maintype="application", subtype="zip", filename="材料.zip")
    (folder / "材料.eml").write_bytes(bytes(empty))

    result = merge_returns(county.master, [folder], tmp_path / "汇总.xlsx", ledger_path=tmp_path / "db" / "sheetsync.db")
    by_path = {f.path: f for f in result.files}
    sent_at = parsedate_to_datetime(msg["Date"]).astimezone().replace(tzinfo=None).isoformat()
    for name in files:
        got = by_path[f"回复.eml ▸ 回收表.zip ▸ {name}"]
        assert got.outcome in ("accepted", "warnings") and got.unit
        assert got.sender.endswith("<jyj@units.example.test>") and got.received_at == sent_at  # the email's date
    assert by_path["回复.eml ▸ 佐证材料.rar"].findings[0].code == "archive-unsupported"
    assert by_path["材料.eml ▸ 材料.zip"].findings[0].code == "zip-no-workbook"
    assert str(folder / "材料.eml") not in by_path  # not also "no Excel attachment"
