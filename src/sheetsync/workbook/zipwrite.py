"""Zip archives whose entries are deflated on worker threads, piece by piece (as pigz does).

Why: the roll-up workbook is ~100 MB of XML, and ``zipfile`` deflates each entry on the calling
thread once the whole workbook is assembled. Here any bytes (e.g. a table body as soon as it is
rendered) go to a thread pool, where zlib deflates them without holding the GIL, and the archive
is written when the pieces are ready. Each piece is deflated on its own and ends with a sync
flush (byte-aligned, not final); an entry is its pieces in order, then an empty final block, which
every inflater reads as one deflate stream. The entry's CRC-32 is combined from its pieces'.

Only what XlsxWriter uses of ``zipfile.ZipFile`` (``writestr``, ``close``, ``compression``) plus
:meth:`ZipWriter.add` for pieces deflated beforehand. Entries carry a name, a date and
attributes as ``zipfile`` writes them, no extra fields or comments. No zip64: an entry or the
archive past ``zipfile.ZIP64_LIMIT`` (2 GiB), or more than 65,535 entries, raises
``zipfile.LargeZipFile``, as ``zipfile`` without ``allowZip64`` does.
"""

from __future__ import annotations

import os
import struct
import time
import zipfile
import zlib
from concurrent.futures import Executor, Future
from typing import NamedTuple

CHUNK = 1 << 22  # bytes per piece: 4 MB, a few handovers of the GIL per piece; +0.04 % in size

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header (APPNOTE 4.3.7)
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header (4.3.12)
_END_RECORD = struct.Struct("<4s4H2LH")  # end of central directory record (4.3.16)
_FINAL_BLOCK = zlib.compressobj(wbits=-15).flush()  # an empty final block (b"\x03\x00")
_POLY = 0xEDB88320  # CRC-32's polynomial, bit-reflected


class Deflated(NamedTuple):
    """A piece of an entry: raw deflate blocks ending on a byte boundary, with no final block."""

    data: bytes
    crc: int  # CRC-32 of the uncompressed bytes
    size: int  # their length


def deflate(data: bytes | memoryview, level: int) -> Deflated:
    z = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Deflated(z.compress(data) + z.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(data), len(data))


def deflate_async(pool: Executor, data: bytes, level: int, chunk: int = CHUNK) -> list[Future[Deflated]]:
    """``data`` cut into pieces of ``chunk`` bytes, each deflated by ``pool`` (none for b"")."""
    view = memoryview(data)
    return [pool.submit(deflate, view[i:i + chunk], level) for i in range(0, len(view), chunk)]


def _multmodp(a: int, b: int) -> int:
    """a times b modulo CRC-32's polynomial (zlib's multmodp: bit 31 is x^0)."""
    p = 0
    for i in range(31, -1, -1):
        if a >> i & 1:
            p ^= b
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return p


_X2N = [1 << 30]  # x^(2^k) modulo the polynomial, k = 0..31
for _ in range(31):
    _X2N.append(_multmodp(_X2N[-1], _X2N[-1]))


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of a + b from crc1 = crc32(a), crc2 = crc32(b) and len2 = len(b) (zlib's crc32_combine)."""
    p, k = 1 << 31, 3  # x^0; a byte shifts by x^8 = x^(2^3)
    while len2:
        if len2 & 1:
            p = _multmodp(_X2N[k & 31], p)
        len2 >>= 1
        k += 1
    return _multmodp(p, crc1) ^ crc2


class ZipWriter:
    """A deflated zip archive written to ``file`` by :meth:`close`, its pieces deflated by ``pool``.

    Takes ``zipfile.ZipFile``'s arguments, so XlsxWriter can open it in place of one; the mode
    must be "w" and the compression ZIP_DEFLATED. ``allowZip64`` is accepted and ignored (no
    zip64, see the module's docstring).
    """

    compression = zipfile.ZIP_DEFLATED
    limit = zipfile.ZIP64_LIMIT  # largest size or offset written without zip64
    max_entries = zipfile.ZIP_FILECOUNT_LIMIT

    def __init__(self, file: str | os.PathLike[str], mode: str = "w", compression: int = zipfile.ZIP_DEFLATED,
                 allowZip64: bool = False, *, pool: Executor, level: int = 6) -> None:
        if mode != "w" or compression != zipfile.ZIP_DEFLATED:
            raise ValueError("ZipWriter only writes new deflated archives")
        self.file, self.pool, self.level = file, pool, level
        self.entries: list[tuple[zipfile.ZipInfo, list[Future[Deflated]]]] = []

    def deflate(self, data: bytes) -> list[Future[Deflated]]:
        """Start deflating ``data``: the pieces for :meth:`add`."""
        return deflate_async(self.pool, data, self.level)

    def writestr(self, zinfo_or_arcname: zipfile.ZipInfo | str, data: bytes) -> None:
        self.add(zinfo_or_arcname, self.deflate(data))

    def add(self, zinfo_or_arcname: zipfile.ZipInfo | str, pieces: list[Future[Deflated]]) -> None:
        """An entry made of ``pieces`` in order; its bytes are written by :meth:`close`."""
        if isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo = zinfo_or_arcname
        else:  # what ZipFile.writestr does with a name
            zinfo = zipfile.ZipInfo(zinfo_or_arcname, time.localtime(time.time())[:6])
        if not zinfo.external_attr:
            zinfo.external_attr = 0o600 << 16  # ?rw-------, as zipfile
        zinfo.compress_type, zinfo.flag_bits = zipfile.ZIP_DEFLATED, 0
        self.entries.append((zinfo, pieces))

    def close(self) -> None:
        """Wait for the pieces and write the archive: entries in the order added, then the directory."""
        if len(self.entries) > self.max_entries:
            raise zipfile.LargeZipFile("more entries than a zip holds without zip64")
        directory = []
        with open(self.file, "wb") as fh:
            offset = 0
            for zinfo, pieces in self.entries:
                crc, size, blocks = 0, 0, []
                for future in pieces:
                    piece = future.result()
                    crc, size = crc32_combine(crc, piece.crc, piece.size), size + piece.size
                    blocks.append(piece.data)
                blocks.append(_FINAL_BLOCK)
                zinfo.CRC, zinfo.file_size, zinfo.compress_size = crc, size, sum(map(len, blocks))
                zinfo.header_offset = offset
                self._check(zinfo.file_size, zinfo.compress_size)
                name, flags = _name(zinfo)
                t, d = _dos_time(zinfo.date_time)
                fh.write(_LOCAL.pack(b"PK\x03\x04", zinfo.extract_version, 0, flags, zinfo.compress_type, t, d,
                                     crc, zinfo.compress_size, size, len(name), 0) + name)
                fh.writelines(blocks)
                offset += _LOCAL.size + len(name) + zinfo.compress_size
                directory.append(_CENTRAL.pack(
                    b"PK\x01\x02", zinfo.create_version, zinfo.create_system, zinfo.extract_version, 0, flags,
                    zinfo.compress_type, t, d, crc, zinfo.compress_size, size, len(name), 0, 0, 0,
                    zinfo.internal_attr, zinfo.external_attr, zinfo.header_offset) + name)
            size = sum(map(len, directory))
            self._check(size, offset)  # beyond every entry's offset
            fh.writelines(directory)
            fh.write(_END_RECORD.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), size, offset, 0))
        self.entries = []

    def _check(self, *sizes: int) -> None:
        if max(sizes) > self.limit:
            raise zipfile.LargeZipFile("the archive would need zip64 extensions")


def _name(zinfo: zipfile.ZipInfo) -> tuple[bytes, int]:
    """The name as stored and the general purpose flags: bit 11 (UTF-8) when not ASCII, as zipfile."""
    try:
        return zinfo.filename.encode("ascii"), 0
    except UnicodeEncodeError:
        return zinfo.filename.encode("utf-8"), 0x800


def _dos_time(dt: tuple[int, ...]) -> tuple[int, int]:
    return dt[3] << 11 | dt[4] << 5 | dt[5] // 2, (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2]
