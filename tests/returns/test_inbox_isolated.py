"""``inbox.collect`` without the merge's pool: its saved mails and zips are unpacked in a child it
starts itself (one for all of them), with the limits it is given; a child's death is a skip."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sheetsync.intake import Limits
from sheetsync.returns import inbox

LINES_HEAD = (b"From: a@b.cn\nDate: Sun, 20 Dec 2026 10:00:00 +0800\nMIME-Version: 1.0\n"
              b"Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: application/octet-stream\n"
              b"Content-Disposition: attachment; filename=\"lines.xlsx\"\nContent-Transfer-Encoding: base64\n\n")


def test_collect_unpacks_in_a_child_of_its_own_and_a_death_is_a_skip(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "a.zip", "w") as z:
        z.writestr("县教育局.xlsx", b"PK\x03\x04 not really")
    big = folder / "b.eml"
    big.write_bytes(LINES_HEAD + b"QQ\n" * (4 * 1024 * 1024 // 3) + b"--b--\n")  # some 250 MB to parse
    before = big.read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    items, skipped = inbox.collect([folder], work, limits=Limits(memory_mb=150))
    assert [(it.name, it.source) for it in items] == [("县教育局.xlsx", "a.zip ▸ 县教育局.xlsx")]
    assert items[0].path.is_relative_to(work) and items[0].path.read_bytes() == b"PK\x03\x04 not really"
    assert skipped == [(str(big), "container-oom")]
    assert big.read_bytes() == before  # left where it is


def test_unpack_container_answers_json(tmp_path: Path) -> None:
    mail = tmp_path / "m.eml"
    mail.write_bytes(b"From: =?utf-8?b?5pWZ6IKy5bGA?= <e@x.cn>\nDate: Sun, 20 Dec 2026 10:00:00 +0800\n\nno attachment\n")
    assert inbox.unpack_container(str(mail), str(tmp_path)) == {"items": [], "skipped": [[str(mail), "eml-no-attachment"]]}


def test_raw_8bit_headers_are_read_as_gbk_or_utf8_not_replacement_characters(tmp_path: Path) -> None:
    """Older Chinese mail clients write sender and attachment name as raw GBK bytes, not encoded words."""
    def mail(enc: str) -> bytes:
        return ("From: 县教育局 张三 <z@x.cn>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n"
                "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                "Content-Type: application/octet-stream; name=\"县教育局_填报表.xlsx\"\r\n"
                "Content-Disposition: attachment; filename=\"县教育局_填报表.xlsx\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--b--\r\n").encode(enc)

    for enc in ("gbk", "utf-8"):
        path = tmp_path / f"{enc}.eml"
        path.write_bytes(mail(enc))
        got = inbox.unpack_container(str(path), str(tmp_path))
        assert got["skipped"] == []
        [item] = got["items"]
        assert item["name"] == "县教育局_填报表.xlsx", enc
        assert item["sender"] == "县教育局 张三 <z@x.cn>", enc
        assert Path(item["path"]).read_bytes() == b"PK\x03\x04"
