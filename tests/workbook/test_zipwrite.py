"""zipwrite: archives deflated piece by piece on threads, read back by zipfile and zlib."""

from __future__ import annotations

import os
import random
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sheetsync.workbook.zipwrite import CHUNK, ZipWriter, crc32_combine, deflate_async


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(2) as p:
        yield p


def test_crc32_combine_is_zlibs() -> None:
    rnd = random.Random(9)
    for _ in range(500):
        a = rnd.randbytes(rnd.randint(0, 200))
        b = rnd.randbytes(rnd.choice([0, 1, 7, rnd.randint(0, 5000)]))
        assert crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)
    assert crc32_combine(0x12345678, 0, 0) == 0x12345678


TEXT = ("<row><c r=\"A1\" t=\"s\"><v>12</v></c></row>" * 40_000).encode()
CONTENTS = {
    "empty.xml": b"",
    "one.xml": b"x",
    "text.xml": TEXT,
    "noise.bin": random.Random(1).randbytes(CHUNK // 3),  # stored blocks: deflate cannot shrink it
    "at_chunk.xml": TEXT * (CHUNK // len(TEXT)) + TEXT[:CHUNK % len(TEXT)],  # exactly one piece
    "two_chunks.xml": (TEXT * (2 * CHUNK // len(TEXT) + 1))[:2 * CHUNK],  # exactly two
    "chunk_plus_one.xml": (TEXT * (CHUNK // len(TEXT) + 1))[:CHUNK + 1],
    "表/数据 ü.xml": "汇总明细\n".encode() * 1000,  # stored as UTF-8, flag bit 11
}


WHEN = (2026, 12, 31, 23, 59, 58)


def reference(path: Path) -> None:
    """The same entries written by zipfile itself."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in CONTENTS.items():
            zinfo = zipfile.ZipInfo(name, WHEN)
            zinfo.compress_type = zipfile.ZIP_DEFLATED  # as XlsxWriter asks
            zf.writestr(zinfo, data)


def test_entries_read_back_as_zipfile_writes_them(tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    assert len(CONTENTS["at_chunk.xml"]) == CHUNK and len(CONTENTS["two_chunks.xml"]) == 2 * CHUNK
    zw = ZipWriter(tmp_path / "ours.zip", pool=pool, level=2)
    for name, data in CONTENTS.items():
        zw.writestr(zipfile.ZipInfo(name, WHEN), data)
    zw.close()
    reference(tmp_path / "ref.zip")
    with zipfile.ZipFile(tmp_path / "ours.zip") as ours, zipfile.ZipFile(tmp_path / "ref.zip") as ref:
        assert ours.testzip() is None
        assert ours.namelist() == ref.namelist() == list(CONTENTS)
        fields = ("filename", "date_time", "compress_type", "flag_bits", "create_system", "create_version",
                  "extract_version", "internal_attr", "external_attr", "CRC", "file_size", "extra", "comment")
        for a, b in zip(ours.infolist(), ref.infolist(), strict=True):
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields], a.filename
            assert ours.read(a) == CONTENTS[a.filename], a.filename
        assert ours.getinfo("表/数据 ü.xml").flag_bits & 0x800
        assert ours.comment == b""


def test_each_entry_is_one_complete_deflate_stream(tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    """Pieces end with a sync flush and the entry with a final block: an inflater reaches the end
    of the stream exactly at the end of the entry (zipfile alone would not notice a missing end)."""
    path = tmp_path / "ours.zip"
    zw = ZipWriter(path, pool=pool, level=2)
    for name, data in CONTENTS.items():
        zw.add(name, deflate_async(pool, data, 2, chunk=4099))  # many pieces, odd sizes
    zw.close()
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            inflater = zlib.decompressobj(-15)
            assert inflater.decompress(raw[start:start + info.compress_size]) == CONTENTS[info.filename]
            assert inflater.eof and not inflater.unused_data, info.filename
            assert info.date_time[0] >= 2020 and info.external_attr == 0o600 << 16  # as ZipFile.writestr(name)


def test_pieces_from_several_sources_make_one_entry(tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    head, body, tail = b"<head>", TEXT * 3, b"</tail>"
    zw = ZipWriter(tmp_path / "a.zip", pool=pool, level=2)
    zw.add("sheet.xml", [*zw.deflate(head), *deflate_async(pool, body, 2, chunk=100_003), *zw.deflate(b""),
                         *zw.deflate(tail)])
    zw.close()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.testzip() is None and zf.read("sheet.xml") == head + body + tail


def test_an_archive_needing_zip64_is_refused(tmp_path: Path, pool: ThreadPoolExecutor,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ZipWriter, "limit", 1000)
    big = ZipWriter(tmp_path / "big.zip", pool=pool)
    big.writestr("a", b"x" * 1001)  # an entry over the limit (deflated to a few bytes)
    with pytest.raises(zipfile.LargeZipFile):
        big.close()
    offsets = ZipWriter(tmp_path / "offsets.zip", pool=pool)
    for i in range(3):
        offsets.writestr(f"{i}", os.urandom(400))  # each fits; the directory starts past the limit
    with pytest.raises(zipfile.LargeZipFile):
        offsets.close()
    fits = ZipWriter(tmp_path / "fits.zip", pool=pool)
    fits.writestr("a", b"x" * 900)
    fits.close()
    assert zipfile.ZipFile(tmp_path / "fits.zip").read("a") == b"x" * 900
    monkeypatch.setattr(ZipWriter, "max_entries", 2)
    many = ZipWriter(tmp_path / "many.zip", pool=pool)
    for i in range(3):
        many.writestr(f"{i}", b"")
    with pytest.raises(zipfile.LargeZipFile):
        many.close()


def test_only_new_deflated_archives(tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    with pytest.raises(ValueError):
        ZipWriter(tmp_path / "a.zip", "a", pool=pool)
    with pytest.raises(ValueError):
        ZipWriter(tmp_path / "a.zip", "w", zipfile.ZIP_STORED, pool=pool)
