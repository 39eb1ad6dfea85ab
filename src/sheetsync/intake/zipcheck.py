"""Check a zip container before any spreadsheet library opens it.

Everything here distrusts the zip's own bookkeeping: declared sizes are checked against what
streaming decompression actually produces (with a byte cap, so a bomb stops early), entries may
not overlap (the trick behind non-recursive zip bombs), local and central names must agree (else
two readers see two different files), and every XML part is scanned for a DTD before any parser
sees it.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.core.model import Finding
from sheetsync.i18n import t
from sheetsync.intake.limits import MB, Limits
from sheetsync.intake.notes import note
from sheetsync.intake.xmlsafe import SAFE_ENCODINGS, declared_encoding

_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_EOCD_SIG = b"PK\x05\x06"
_READ = 256 * 1024
_OUT = 1024 * 1024
_HEAD_KEEP = 64 * 1024
_DIM = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*[\"']([A-Za-z0-9:$]+)[\"']")
_DTD_MARKS = (b"<!doctype", b"<!entity")


@dataclass
class ZipReport:
    """What the zip checks learnt; ``findings`` holds errors (refuse) and notes."""

    findings: list[Finding] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    heads: dict[str, bytes] = field(default_factory=dict)  # first 64 KB of each worksheet part

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def _is_xml_name(name: str) -> bool:
    low = name.lower()
    return low.endswith((".xml", ".rels", ".vml"))


class _DtdScan:
    """Looks for '<!DOCTYPE' / '<!ENTITY' across chunk boundaries, in UTF-8 or UTF-16 text."""

    def __init__(self) -> None:
        self.found = False
        self.bad_encoding = ""
        self._tail = b""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._stail = ""
        self._started = False

    def feed(self, data: bytes) -> None:
        if self.found or not data:
            return
        if not self._started:
            self._started = True
            if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
                enc = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else (
                    "utf-16-le" if data[:2] == b"<\x00" else "utf-16-be")
                self._decoder = codecs.getincrementaldecoder(enc)(errors="replace")
            else:
                enc_decl = declared_encoding(data[:200])
                if enc_decl is not None and enc_decl not in SAFE_ENCODINGS:
                    self.bad_encoding = enc_decl
                    self.found = True
                    return
        if self._decoder is not None:
            text = self._stail + self._decoder.decode(data).lower()
            if "<!doctype" in text or "<!entity" in text:
                self.found = True
            self._stail = text[-16:]
            return
        buf = self._tail + data
        if b"<!" in buf:  # rare (comments, CDATA, DTDs): only then is the case folded and looked at
            low = buf.lower()
            if any(m in low for m in _DTD_MARKS):
                self.found = True
        self._tail = buf[-16:]


def find_eocd(fh, size: int) -> tuple[int, int, int] | None:  # type: ignore[no-untyped-def]
    """(entry count, central directory size, offset) from the end record, None when absent."""
    back = min(size, 65557)
    fh.seek(size - back)
    tail = fh.read(back)
    pos = tail.rfind(_EOCD_SIG)
    if pos < 0 or len(tail) - pos < 22:
        return None
    _sig, _d, _dcd, _n_here, n_total, cd_size, cd_off, _clen = struct.unpack("<4sHHHHIIH", tail[pos:pos + 22])
    return n_total, cd_size, cd_off


def check_zip(path: Path, limits: Limits, head: bytes) -> ZipReport:
    """Run every container check on the zip at ``path``; stop at the first class of error."""
    rep = ZipReport()
    f = rep.findings
    size = path.stat().st_size
    with path.open("rb") as fh:
        eocd = find_eocd(fh, size)
        if eocd is None:
            f.append(note("truncated" if head.startswith(b"PK\x03\x04") else "not-a-zip", path))
            return rep
        n_total, cd_size, _cd_off = eocd
        # Refuse before zipfile builds one object per central-directory record.
        if (n_total != 0xFFFF and n_total > limits.entries) or cd_size > limits.entries * 1200:
            f.append(note("too-many-entries", path, count=n_total if n_total != 0xFFFF else "65535+",
                          limit=limits.entries))
            return rep
        try:
            zf = zipfile.ZipFile(fh)
        except zipfile.BadZipFile as exc:
            msg = str(exc).lower()
            code = "truncated" if ("truncated" in msg or head.startswith(b"PK\x03\x04")) else "not-a-zip"
            f.append(note(code, path))
            return rep
        except (OSError, ValueError, EOFError, struct.error):
            f.append(note("truncated", path))
            return rep
        with zf:
            infos = zf.infolist()
            rep.names = [i.filename for i in infos]
            if len(infos) > limits.entries:
                f.append(note("too-many-entries", path, count=len(infos), limit=limits.entries))
                return rep
            _declared_checks(path, limits, infos, size, f)
            if f:
                return rep
            _stream_checks(path, limits, fh, infos, size, rep)
    return rep


def _declared_checks(path: Path, limits: Limits, infos: list[zipfile.ZipInfo], size: int,
                     f: list[Finding]) -> None:
    """Checks on the central directory alone: cheap, and they stop bombs before decompression."""
    seen: set[str] = set()
    total = 0
    for i in infos:
        key = i.filename.replace("\\", "/").lstrip("/").casefold()
        if key in seen:
            f.append(note("duplicate-entry", path, entry=i.filename))
            return
        seen.add(key)
        if i.flag_bits & 0x1:
            f.append(note("bad-zip", path, detail=t("intake.detail.encrypted-entry", entry=i.filename)))
            return
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            f.append(note("bad-zip", path, detail=t("intake.detail.compression", entry=i.filename, method=i.compress_type)))
            return
        if i.file_size > limits.entry_bytes:
            f.append(note("entry-too-large", path, entry=i.filename, size_mb=round(i.file_size / MB, 1),
                          limit_mb=limits.entry_mb))
            return
        if i.file_size > limits.ratio_min_kb * 1024:
            ratio = i.file_size / max(i.compress_size, 1)
            if ratio > limits.ratio:
                f.append(note("ratio-too-high", path, entry=i.filename, ratio=int(ratio), limit=int(limits.ratio)))
                return
        if i.header_offset + 30 + i.compress_size > size:
            f.append(note("truncated", path))
            return
        total += i.file_size
    if total > limits.total_bytes:
        f.append(note("total-too-large", path, size_mb=round(total / MB, 1), limit_mb=limits.total_mb))


def _stream_checks(path: Path, limits: Limits, fh, infos: list[zipfile.ZipInfo], size: int,  # type: ignore[no-untyped-def]
                   rep: ZipReport) -> None:
    """Decompress every entry with a cap, verifying size and CRC, scanning XML for DTDs."""
    f = rep.findings
    ordered = sorted(infos, key=lambda i: i.header_offset)
    prev_end = 0
    for i in ordered:
        if i.header_offset < prev_end:
            f.append(note("bad-zip", path, detail=t("intake.detail.overlapping", entry=i.filename)))
            return
        fh.seek(i.header_offset)
        raw = fh.read(_LOCAL.size)
        if len(raw) < _LOCAL.size:
            f.append(note("truncated", path))
            return
        sig, _ver, flags, _method, _t, _d, _crc, _cs, _us, nlen, xlen = _LOCAL.unpack(raw)
        if sig != b"PK\x03\x04":
            f.append(note("bad-zip", path, detail=t("intake.detail.no-local-header", entry=i.filename)))
            return
        lname = fh.read(nlen)
        enc = "utf-8" if flags & 0x800 else "cp437"
        if lname.decode(enc, errors="replace") != i.orig_filename:
            f.append(note("bad-zip", path, detail=t("intake.detail.names-differ", entry=i.filename)))
            return
        data_start = i.header_offset + _LOCAL.size + nlen + xlen
        prev_end = data_start + i.compress_size
        if prev_end > size:
            f.append(note("truncated", path))
            return
        fh.seek(data_start)
        problem, detail = _verify_entry(fh, i, rep)
        if problem:
            f.append(note(problem, path, entry=i.filename, declared=i.file_size, detail=detail))
            return


def _verify_entry(fh, i: zipfile.ZipInfo, rep: ZipReport) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Stream one entry; return (finding code, detail), code "" when it is sound."""
    is_xml = _is_xml_name(i.filename)
    scan = _DtdScan()
    want_head = i.filename.casefold().startswith("xl/worksheets/") and is_xml
    head = bytearray()
    left = i.compress_size
    produced = 0
    crc = 0
    decomp = zlib.decompressobj(-15) if i.compress_type == zipfile.ZIP_DEFLATED else None
    first = True

    def take(out: bytes) -> None:
        nonlocal produced, crc, first, is_xml
        if not out:
            return
        produced += len(out)
        crc = zlib.crc32(out, crc)
        if first:
            first = False
            # an XML part under an unexpected name is still XML to a parser
            if not is_xml and out.lstrip()[:1] == b"<" or out[:3] == b"\xef\xbb\xbf" or out[:2] in (b"\xff\xfe", b"\xfe\xff"):
                is_xml = True
        if is_xml:
            scan.feed(out)
        if want_head and len(head) < _HEAD_KEEP:
            head.extend(out[: _HEAD_KEEP - len(head)])

    while left > 0:
        chunk = fh.read(min(_READ, left))
        if not chunk:
            return "truncated", ""
        left -= len(chunk)
        if decomp is None:
            take(chunk)
        else:
            data = chunk
            while data:
                try:
                    out = decomp.decompress(data, _OUT)
                except zlib.error:
                    return "bad-deflate", ""
                data = decomp.unconsumed_tail
                take(out)
                if produced > i.file_size:
                    return "size-lies", ""
                if decomp.eof:
                    break
            if decomp.eof:
                break
        if produced > i.file_size:
            return "size-lies", ""
    if decomp is not None and not decomp.eof:
        return "bad-deflate", ""
    if produced != i.file_size:
        return "size-lies", ""
    if crc != i.CRC:
        return "bad-crc", ""
    if scan.bad_encoding:
        return "bad-xml", t("intake.detail.encoding", encoding=scan.bad_encoding)
    if scan.found:
        return "xml-dtd", ""
    if want_head:
        rep.heads[i.filename] = bytes(head)
    return "", ""


def dimension_ref(head: bytes) -> str | None:
    """The ``<dimension ref>`` of a worksheet from the start of its XML, if present."""
    m = _DIM.search(head)
    return m.group(1).decode("ascii") if m else None
