"""Builders of hostile and odd workbook files, for the intake tests (and later the merge tests).

Every builder writes a small file (a few MB at most) and returns its path. Workbooks are
assembled part by part with :mod:`zipfile` so each test controls exactly the bytes a hostile
sender would; helpers then patch zip headers to make sizes and checksums lie.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class Sheet:
    """A worksheet: ``body`` is the XML inside <sheetData>; ``dimension`` an optional ref."""

    name: str
    body: str = ""
    state: str = "visible"
    dimension: str | None = None


@dataclass
class Book:
    sheets: list[Sheet] = field(default_factory=lambda: [Sheet("Sheet1", row(1, "A", num(1)))])
    shared_strings: list[str] | None = None  # raw <si> inner XML is built from plain text
    shared_strings_xml: str | None = None  # or the whole part, verbatim
    custom_props: dict[str, str] | None = None
    custom_xml: str | None = None  # or the whole part, verbatim
    date1904: bool = False
    date_style: bool = False  # add styles.xml whose style 1 is a date format (numFmt 14)
    vba: bool = False
    extra: dict[str, bytes] = field(default_factory=dict)


# ---------------------------------------------------------------- cell XML helpers
def num(value: float | int | str) -> tuple[str, str]:
    return ("n", str(value))


def text(value: str) -> tuple[str, str]:
    return ("inlineStr", value)


def sst(index: int) -> tuple[str, str]:
    return ("s", str(index))


def formula(f: str, cached: str | None = None) -> tuple[str, str]:
    return ("f", f + ("\x00" + cached if cached is not None else ""))


def date_serial(serial: int) -> tuple[str, str]:
    return ("date", str(serial))


def cell(ref: str, value: tuple[str, str]) -> str:
    kind, v = value
    if kind == "inlineStr":
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>'
    if kind == "s":
        return f'<c r="{ref}" t="s"><v>{v}</v></c>'
    if kind == "f":
        f, _, cached = v.partition("\x00")
        return f'<c r="{ref}"><f>{escape(f)}</f>' + (f"<v>{cached}</v>" if cached else "") + "</c>"
    if kind == "date":
        return f'<c r="{ref}" s="1"><v>{v}</v></c>'
    return f'<c r="{ref}"><v>{v}</v></c>'


def row(r: int, *cells_: object) -> str:
    """``row(3, "A", num(1), "B", text("x"))`` → a <row> with those cells."""
    parts = []
    items = list(cells_)
    for i in range(0, len(items), 2):
        parts.append(cell(f"{items[i]}{r}", items[i + 1]))  # type: ignore[arg-type]
    return f'<row r="{r}">' + "".join(parts) + "</row>"


# ---------------------------------------------------------------- assembling a workbook
def sheet_xml(s: Sheet) -> str:
    dim = f'<dimension ref="{s.dimension}"/>' if s.dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{NS_MAIN}" '
            f'xmlns:r="{NS_R}">{dim}<sheetData>{s.body}</sheetData></worksheet>')


def book_entries(book: Book) -> list[tuple[str, bytes]]:
    """The parts of ``book`` as (name, bytes), in the order Excel writes them."""
    overrides = ['<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.sheet.main+xml"/>']
    wb_rels = []
    sheets_xml = []
    entries: list[tuple[str, bytes]] = []
    for i, s in enumerate(book.sheets, start=1):
        overrides.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                         'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        wb_rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        state = f' state="{s.state}"' if s.state != "visible" else ""
        sheets_xml.append(f'<sheet name="{escape(s.name)}" sheetId="{i}"{state} r:id="rId{i}"/>')
        entries.append((f"xl/worksheets/sheet{i}.xml", sheet_xml(s).encode("utf-8")))
    if book.shared_strings is not None or book.shared_strings_xml is not None:
        wb_rels.append(f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        overrides.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.spreadsheetml.sharedStrings+xml"/>')
        xml = book.shared_strings_xml
        if xml is None:
            sis = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in book.shared_strings or [])
            n = len(book.shared_strings or [])
            xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<sst xmlns="{NS_MAIN}" count="{n}" uniqueCount="{n}">{sis}</sst>')
        entries.append(("xl/sharedStrings.xml", xml.encode("utf-8")))
    if book.date_style:
        wb_rels.append(f'<Relationship Id="rIdY" Type="{REL}/styles" Target="styles.xml"/>')
        overrides.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.spreadsheetml.styles+xml"/>')
        entries.append(("xl/styles.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS_MAIN}"><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill/></fills><borders count="1"><border/></borders>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
            '</styleSheet>').encode()))
    pkg_rels = [f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>']
    if book.custom_props is not None or book.custom_xml is not None:
        pkg_rels.append(f'<Relationship Id="rId2" Type="{REL}/custom-properties" Target="docProps/custom.xml"/>')
        overrides.append('<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.custom-properties+xml"/>')
        xml = book.custom_xml
        if xml is None:
            props = "".join(
                f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{escape(k)}">'
                f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
                for i, (k, v) in enumerate((book.custom_props or {}).items(), start=2))
            xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.'
                   f'openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>')
        entries.append(("docProps/custom.xml", xml.encode("utf-8")))
    if book.vba:
        wb_rels.append('<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/'
                       'vbaProject" Target="vbaProject.bin"/>')
        entries.append(("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2000)))
    pr = '<workbookPr date1904="1"/>' if book.date1904 else ""
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS_MAIN}" '
                f'xmlns:r="{NS_R}">{pr}<sheets>{"".join(sheets_xml)}</sheets></workbook>')
    head = [
        ("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'{"".join(overrides)}</Types>').encode()),
        ("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG_R}">'
                        f'{"".join(pkg_rels)}</Relationships>'.encode()),
        ("xl/workbook.xml", workbook.encode("utf-8")),
        ("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PKG_R}">'
                                       f'{"".join(wb_rels)}</Relationships>'.encode()),
    ]
    return head + entries + sorted(book.extra.items())


def write_zip(path: Path, entries: list[tuple[str, bytes]], *, compress: bool = True) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are what some tests want
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
            for name, data in entries:
                z.writestr(name, data)
    return path


def make_xlsx(path: Path, book: Book | None = None) -> Path:
    """Write ``book`` (default: one sheet, A1 = 1) as an .xlsx at ``path``."""
    return write_zip(path, book_entries(book or Book()))


def openpyxl_xlsx(path: Path) -> Path:
    """A small workbook as a real library writes it (for fuzzing and conversion)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报"
    ws.append(["任务编号", "任务名称", "完成进度(%)"])
    ws.append(["1.1", "示例任务", 50])
    ws.append(["1.2", "另一个任务", 100])
    meta = wb.create_sheet("_sheetsync")
    meta.sheet_state = "veryHidden"
    meta.append(["unit", "示例单位"])
    wb.save(path)
    return path


# ---------------------------------------------------------------- patching zip headers
def _entry_offsets(data: bytes, name: str) -> tuple[int, int]:
    """(local header offset, central header offset) of entry ``name`` in zip bytes ``data``."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        info = z.getinfo(name)
    local = info.header_offset
    raw = name.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        nlen = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46:central + 46 + nlen] == raw:
            return local, central
        central = data.find(b"PK\x01\x02", central + 4)
    raise KeyError(name)


def patch_entry(path: Path, name: str, *, crc: int | None = None, file_size: int | None = None) -> Path:
    """Rewrite the declared CRC and/or uncompressed size of ``name`` in both zip headers."""
    data = bytearray(path.read_bytes())
    local, central = _entry_offsets(bytes(data), name)
    if crc is not None:
        struct.pack_into("<I", data, local + 14, crc)
        struct.pack_into("<I", data, central + 16, crc)
    if file_size is not None:
        struct.pack_into("<I", data, local + 22, file_size)
        struct.pack_into("<I", data, central + 24, file_size)
    path.write_bytes(bytes(data))
    return path


def corrupt_deflate(path: Path, name: str) -> Path:
    """Overwrite the compressed data of ``name`` with an invalid deflate block (sizes unchanged)."""
    data = bytearray(path.read_bytes())
    local, _central = _entry_offsets(bytes(data), name)
    nlen, xlen = struct.unpack_from("<HH", data, local + 26)
    csize = struct.unpack_from("<I", data, local + 18)[0]
    start = local + 30 + nlen + xlen
    data[start:start + csize] = b"\xff" * csize  # BTYPE=11: reserved, invalid in every decoder
    path.write_bytes(bytes(data))
    return path


# ---------------------------------------------------------------- specific hostile files
def far_corner_xlsx(path: Path) -> Path:
    """Cells at A1 and XFD1048576: calamine sizes a dense grid by them and aborts the process."""
    body = row(1, "A", text("x")) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return make_xlsx(path, Book([Sheet("Sheet1", body)]))


def trailing_styled_rows_xlsx(path: Path, rows: int = 1_000_000) -> Path:
    """Two data rows, then ``rows`` empty but formatted rows (a sheet 'formatted to the bottom')."""
    data = row(1, "A", text("任务编号"), "B", text("进度")) + row(2, "A", text("1.1"), "B", num(50))
    empty = "".join(f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="B{r}" s="1"/></row>'
                    for r in range(3, rows + 3))
    return make_xlsx(path, Book([Sheet("Sheet1", data + empty)]))


def zip_bomb_ratio(path: Path, mb: int = 20) -> Path:
    """A workbook with an extra part of ``mb`` MB of zeros (compresses about 1000:1)."""
    return make_xlsx(path, Book(extra={"xl/media/blank.xml": b"<a>" + b"0" * (mb * 1024 * 1024) + b"</a>"}))


def xxe_payload(target: Path) -> str:
    return f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{target}">]>'


def sheet_with_dtd(path: Path, target: Path) -> Path:
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>{xxe_payload(target)}<worksheet xmlns="{NS_MAIN}"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')
    entries = [(n, xml.encode() if n == "xl/worksheets/sheet1.xml" else d) for n, d in book_entries(Book())]
    return write_zip(path, entries)


def shared_strings_with_dtd(path: Path, target: Path) -> Path:
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>{xxe_payload(target)}<sst xmlns="{NS_MAIN}" count="1" '
           'uniqueCount="1"><si><t>&xxe;</t></si></sst>')
    return make_xlsx(path, Book([Sheet("Sheet1", row(1, "A", sst(0)))], shared_strings_xml=xml))


def custom_props_with_dtd(path: Path, target: Path) -> Path:
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>{xxe_payload(target)}<Properties xmlns="http://schemas.'
           'openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
           'officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
           'name="sheetsync_unit"><vt:lpwstr>&xxe;</vt:lpwstr></property></Properties>')
    return make_xlsx(path, Book(custom_xml=xml))


def billion_laughs_xlsx(path: Path) -> Path:
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>"
    xml = (f'<?xml version="1.0"?>{lol}<worksheet xmlns="{NS_MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
           "<is><t>&lol9;</t></is></c></row></sheetData></worksheet>")
    entries = [(n, xml.encode() if n == "xl/worksheets/sheet1.xml" else d) for n, d in book_entries(Book())]
    return write_zip(path, entries)


# ---------------------------------------------------------------- hooks run inside the parser child
def hostile_hook(path: str) -> None:
    """Test seam for read_workbook(hook=...): misbehave according to the file's name."""
    name = Path(path).name
    if "crash" in name:
        os.abort()
    if "segv" in name:
        import ctypes

        ctypes.string_at(0)
    if "oom" in name:
        hog = []
        while True:  # until RLIMIT_AS says no
            hog.append(bytearray(64 * 1024 * 1024))
    if "hang" in name:
        time.sleep(3600)
    if "bloat" in name:  # keep 160 MB resident after this file, as a huge return might
        hog = bytearray(160 * 1024 * 1024)
        hog[::4096] = b"\x01" * (len(hog) // 4096)
        _KEPT.append(hog)


_KEPT: list[bytearray] = []


# ---------------------------------------------------------------- LibreOffice
def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_soffice(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert ``src`` with LibreOffice headless (private profile, so parallel runs do not clash)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("soffice not installed")
    profile = outdir / "lo-profile"
    subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=180)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not write {out}")
    return out


def crc_of(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def xls_set_sheet_state(path: Path, sheet: str, state: int = 2) -> Path:
    """Set the BoundSheet8 hsState of ``sheet`` in a BIFF8 .xls (2 = very hidden).

    LibreOffice writes very hidden sheets as merely hidden in .xls, while Excel and WPS keep
    the state; patching the record gives the file Excel would have written.
    """
    import re

    data = bytearray(path.read_bytes())
    name = sheet.encode("latin-1")
    pat = re.compile(rb"\x85\x00..(?s:....)(.)\x00" + bytes([len(name), 0]) + re.escape(name), re.S)
    m = pat.search(bytes(data))
    if m is None:
        raise KeyError(sheet)
    data[m.start(1)] = state
    path.write_bytes(bytes(data))
    return path
