"""inspect_file: what a file really is, and the zip/XML defences, before any parser runs."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

import helpers.intake_files as F
from sheetsync.i18n import set_lang
from sheetsync.intake import Limits, Rejection, WorkbookData, inspect_file, read_workbook


def codes(path: Path, limits: Limits | None = None) -> list[str]:
    return inspect_file(path, limits or Limits()).codes


def test_sound_workbook_has_no_findings(tmp_path: Path) -> None:
    ins = inspect_file(F.make_xlsx(tmp_path / "ok.xlsx"), Limits())
    assert ins.ok and ins.kind == "xlsx" and ins.findings == []
    assert [s.name for s in ins.sheets] == ["Sheet1"]


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    ins = inspect_file(p, Limits())
    assert ins.codes == ["empty-file"] and not ins.ok
    assert "empty.xlsx" in ins.findings[0].message


def test_missing_file(tmp_path: Path) -> None:
    assert codes(tmp_path / "nope.xlsx") == ["file-missing"]


def test_file_too_large(tmp_path: Path) -> None:
    p = F.make_xlsx(tmp_path / "big.xlsx", F.Book(extra={"xl/media/x.bin": os.urandom(300_000)}))
    assert codes(p, Limits(file_mb=0.1)) == ["file-too-large"]


def test_truncated_zip(tmp_path: Path) -> None:
    whole = F.make_xlsx(tmp_path / "whole.xlsx").read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(whole[: len(whole) // 2])
    assert codes(p) == ["truncated"]


def test_truncated_just_before_the_end_record(tmp_path: Path) -> None:
    whole = F.make_xlsx(tmp_path / "whole.xlsx").read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(whole[:-30])
    assert codes(p) == ["truncated"]


def test_bad_crc(tmp_path: Path) -> None:
    p = F.patch_entry(F.make_xlsx(tmp_path / "crc.xlsx"), "xl/worksheets/sheet1.xml", crc=0x12345678)
    ins = inspect_file(p)
    assert ins.codes == ["bad-crc"]
    assert "xl/worksheets/sheet1.xml" in ins.findings[0].message


def test_corrupt_deflate(tmp_path: Path) -> None:
    p = F.corrupt_deflate(F.make_xlsx(tmp_path / "deflate.xlsx"), "xl/worksheets/sheet1.xml")
    assert codes(p) == ["bad-deflate"]


def test_random_bytes_named_xlsx(tmp_path: Path) -> None:
    p = tmp_path / "noise.xlsx"
    p.write_bytes(bytes(range(256)) * 40)
    ins = inspect_file(p)
    assert ins.codes == ["not-a-workbook"] and "无法识别" in ins.findings[0].message


@pytest.mark.parametrize("ext", [".xlsx", ".xls"])
def test_csv_named_as_workbook(tmp_path: Path, ext: str) -> None:
    p = tmp_path / f"report{ext}"
    p.write_text("任务编号,任务名称,进度\n1.1,示例,50\n1.2,另一个,100\n", encoding="utf-8")
    ins = inspect_file(p)
    assert ins.codes == ["disguised-csv"] and ins.kind == "csv"
    assert "CSV" in ins.findings[0].message and ext in ins.findings[0].message


@pytest.mark.parametrize("ext", [".xlsx", ".xls"])
def test_html_named_as_workbook(tmp_path: Path, ext: str) -> None:
    p = tmp_path / f"export{ext}"
    p.write_text("<html><head><meta charset='gbk'></head><body><table><tr><td>1</td></tr></table></body></html>",
                 encoding="gbk")
    ins = inspect_file(p)
    assert ins.codes == ["disguised-html"]
    assert "HTML" in ins.findings[0].message


def test_gbk_csv_is_recognised(tmp_path: Path) -> None:
    p = tmp_path / "gbk.xlsx"
    p.write_bytes("单位,进度\n民政局,50\n财政局,80\n".encode("gbk"))
    assert codes(p) == ["disguised-csv"]


def test_pdf_named_xlsx_says_pdf(tmp_path: Path) -> None:
    p = tmp_path / "scan.xlsx"
    p.write_bytes(b"%PDF-1.7\n" + os.urandom(500))
    ins = inspect_file(p)
    assert ins.codes == ["not-a-workbook"] and "PDF" in ins.findings[0].message


def test_word_document_named_xlsx(tmp_path: Path) -> None:
    p = F.write_zip(tmp_path / "doc.xlsx", [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>")])
    ins = inspect_file(p)
    assert ins.codes == ["not-a-workbook"] and ins.kind == "docx" and "Word" in ins.findings[0].message


def test_plain_zip_is_not_a_workbook(tmp_path: Path) -> None:
    p = F.write_zip(tmp_path / "a.xlsx", [("readme.txt", b"hello")])
    assert codes(p) == ["not-a-workbook"]


def test_xlsm_macros_noted_and_data_read(tmp_path: Path) -> None:
    p = F.make_xlsx(tmp_path / "macro.xlsm", F.Book(vba=True))
    ins = inspect_file(p)
    assert ins.ok and ins.kind == "xlsm" and ins.codes == ["macros-ignored"]
    data = read_workbook(p)
    assert isinstance(data, WorkbookData)
    assert data.sheets[0].rows == [[1]] and "macros-ignored" in [n.code for n in data.notes]


def test_vba_project_in_xlsx_noted(tmp_path: Path) -> None:
    assert codes(F.make_xlsx(tmp_path / "hidden-macro.xlsx", F.Book(vba=True))) == ["macros-ignored"]


def test_entry_declared_size_over_limit(tmp_path: Path) -> None:
    p = F.make_xlsx(tmp_path / "large.xlsx", F.Book(extra={"xl/media/x.bin": os.urandom(1_500_000)}))
    ins = inspect_file(p, Limits(entry_mb=1))
    assert ins.codes == ["entry-too-large"] and "xl/media/x.bin" in ins.findings[0].message


def test_compression_ratio_over_limit(tmp_path: Path) -> None:
    p = F.zip_bomb_ratio(tmp_path / "bomb.xlsx", mb=20)
    assert p.stat().st_size < 200_000
    ins = inspect_file(p, Limits())
    assert ins.codes == ["ratio-too-high"]


def test_ratio_limit_comes_from_settings(tmp_path: Path) -> None:
    p = F.zip_bomb_ratio(tmp_path / "bomb.xlsx", mb=2)
    assert inspect_file(p, Limits.from_settings({"limit_ratio": "2000"})).ok
    assert inspect_file(p, Limits.from_settings({"limit_ratio": "100"})).codes == ["ratio-too-high"]


def test_declared_size_that_lies_is_caught_by_decompressing(tmp_path: Path) -> None:
    # the header says 100 bytes; decompression produces ~20 KB: never trust the header
    big = F.Book(extra={"xl/media/x.xml": b"<a>" + b"z" * 20_000 + b"</a>"})
    p = F.patch_entry(F.make_xlsx(tmp_path / "lies.xlsx", big), "xl/media/x.xml", file_size=100)
    assert codes(p) == ["size-lies"]


def test_declared_size_larger_than_content(tmp_path: Path) -> None:
    p = F.patch_entry(F.make_xlsx(tmp_path / "lies2.xlsx"), "xl/worksheets/sheet1.xml", file_size=5000)
    assert codes(p) == ["size-lies"]


def test_too_many_entries(tmp_path: Path) -> None:
    entries = F.book_entries(F.Book()) + [(f"xl/media/{i}.txt", b"x") for i in range(1001)]
    p = F.write_zip(tmp_path / "many.xlsx", entries)
    ins = inspect_file(p, Limits())
    assert ins.codes == ["too-many-entries"] and "1000" in ins.findings[0].message


def test_duplicate_entry_names(tmp_path: Path) -> None:
    entries = F.book_entries(F.Book())
    entries.append(("xl/worksheets/sheet1.xml", F.sheet_xml(F.Sheet("x", F.row(1, "A", F.num(666)))).encode()))
    ins = inspect_file(F.write_zip(tmp_path / "dup.xlsx", entries))
    assert ins.codes == ["duplicate-entry"] and "sheet1.xml" in ins.findings[0].message


def test_duplicate_entry_names_differing_in_case(tmp_path: Path) -> None:
    entries = F.book_entries(F.Book()) + [("XL/Worksheets/Sheet1.xml", b"<x/>")]
    assert codes(F.write_zip(tmp_path / "dup2.xlsx", entries)) == ["duplicate-entry"]


def test_overlapping_entries_refused(tmp_path: Path) -> None:
    # two central-directory records pointing at the same local header: the "overlap" bomb trick
    p = F.make_xlsx(tmp_path / "ok.xlsx")
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        first, second = z.infolist()[0], z.infolist()[1]
    _local, central = F._entry_offsets(bytes(data), second.filename)
    import struct

    struct.pack_into("<I", data, central + 42, first.header_offset)
    p.write_bytes(bytes(data))
    ins = inspect_file(p)
    msg = ins.findings[0].message
    assert ins.codes == ["bad-zip"] and "与其他部件重叠" in msg and (first.filename in msg or second.filename in msg)


def test_zip_details_are_in_the_clerks_language(tmp_path: Path) -> None:
    """The {detail} sheetsync words itself follows the language, like the message around it."""
    from sheetsync.i18n import set_lang

    p = F.make_xlsx(tmp_path / "ok.xlsx")
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        entry = z.infolist()[1]
    _local, central = F._entry_offsets(bytes(data), entry.filename)
    data[central + 8] |= 0x1  # the central record says the entry is encrypted
    p.write_bytes(bytes(data))
    zh = inspect_file(p).findings[0].message
    set_lang("en")
    try:
        en = inspect_file(p).findings[0].message
    finally:
        set_lang(None)
    assert f"（内部部件“{entry.filename}”被加密）" in zh and "encrypted" not in zh
    assert f"(part '{entry.filename}' is encrypted)" in en


def test_unsafe_encoding_declaration_refused(tmp_path: Path) -> None:
    xml = (f'<?xml version="1.0" encoding="UTF-7"?><worksheet xmlns="{F.NS_MAIN}"><sheetData/></worksheet>').encode()
    entries = [(n, xml if n == "xl/worksheets/sheet1.xml" else d) for n, d in F.book_entries(F.Book())]
    assert codes(F.write_zip(tmp_path / "utf7.xlsx", entries)) == ["bad-xml"]


def test_huge_dimension_noted_and_read(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("S", F.row(1, "A", F.num(7)), dimension="A1:XFD1048576")])
    p = F.make_xlsx(tmp_path / "dim.xlsx", book)
    ins = inspect_file(p)
    assert ins.ok and ins.codes == ["huge-dimension"] and ins.findings[0].sheet == "S"
    data = read_workbook(p)
    assert isinstance(data, WorkbookData) and data.sheet("S").rows == [[7]]


def test_messages_in_english(tmp_path: Path) -> None:
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    set_lang("en")
    try:
        msg = inspect_file(p).findings[0].message
    finally:
        set_lang(None)
    assert "empty.xlsx is empty" in msg


def test_english_reaches_the_parser_child(tmp_path: Path) -> None:
    set_lang("en")
    try:
        r = read_workbook(F.far_corner_xlsx(tmp_path / "far.xlsx"))
    finally:
        set_lang(None)
    assert isinstance(r, Rejection) and "outside the area read" in r.message


def test_xlsb_is_named_and_the_fix_is_said(tmp_path: Path) -> None:
    """An Excel binary workbook is a workbook, not garbage: say what it is and how to fix it."""
    import zipfile

    p = tmp_path / "组织部.xlsb"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>')
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00\x80\x01\x00")
    ins = inspect_file(p)
    assert ins.kind == "xlsb" and ins.codes == ["xlsb-unsupported"] and not ins.readable
    assert "组织部.xlsb" in ins.findings[0].message and "另存为" in ins.findings[0].message
