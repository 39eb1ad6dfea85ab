"""DTDs and entities in any XML part are refused, and no file they point at is ever opened."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import helpers.intake_files as F
from helpers.xxe import SECRET, FifoWatch
from sheetsync.intake import Limits, Rejection, inspect_file, read_workbook
from sheetsync.intake.xmlsafe import UnsafeXML, parse_entry

BUILDERS: dict[str, Callable[[Path, Path], Path]] = {
    "sheet": F.sheet_with_dtd,
    "shared-strings": F.shared_strings_with_dtd,
    "doc-props": F.custom_props_with_dtd,
}


@pytest.mark.parametrize("where", sorted(BUILDERS))
def test_xxe_refused_and_secret_file_never_read(tmp_path: Path, where: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    p = BUILDERS[where](tmp_path / f"xxe-{where}.xlsx", secret)
    ins = inspect_file(p, Limits())
    assert ins.codes == ["xml-dtd"]
    r = read_workbook(p)
    assert isinstance(r, Rejection) and r.code == "xml-dtd"
    assert SECRET not in repr(r.to_json()) and SECRET not in repr(ins)


@pytest.mark.parametrize("where", sorted(BUILDERS))
def test_xxe_entity_target_is_never_opened(tmp_path: Path, where: str) -> None:
    fifo = tmp_path / "pipe"
    with FifoWatch(fifo) as watch:
        p = BUILDERS[where](tmp_path / f"xxe-{where}.xlsx", fifo)
        r = read_workbook(p, Limits(timeout_s=10))
    assert isinstance(r, Rejection) and r.code == "xml-dtd"
    assert not watch.opened


def test_billion_laughs_refused(tmp_path: Path) -> None:
    r = read_workbook(F.billion_laughs_xlsx(tmp_path / "lol.xlsx"))
    assert isinstance(r, Rejection) and r.code == "xml-dtd"


def test_utf16_doctype_is_still_seen(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    xml = (f'<?xml version="1.0" encoding="UTF-16"?>{F.xxe_payload(secret)}<worksheet xmlns="{F.NS_MAIN}">'
           "<sheetData/></worksheet>").encode("utf-16")
    entries = [(n, xml if n == "xl/worksheets/sheet1.xml" else d) for n, d in F.book_entries(F.Book())]
    assert inspect_file(F.write_zip(tmp_path / "u16.xlsx", entries)).codes == ["xml-dtd"]


def test_dtd_in_an_oddly_named_part(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    entries = F.book_entries(F.Book()) + [("customXml/item1.dat", f"<?xml version='1.0'?>{F.xxe_payload(secret)}<a/>".encode())]
    assert inspect_file(F.write_zip(tmp_path / "odd.xlsx", entries)).codes == ["xml-dtd"]


def test_parser_layer_refuses_doctype_on_its_own(tmp_path: Path) -> None:
    # defence in depth: even if the byte scan were bypassed, the expat layer stops at the DTD
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    p = F.sheet_with_dtd(tmp_path / "x.xlsx", secret)
    seen: list[str] = []

    def setup(parser: object) -> None:
        parser.CharacterDataHandler = seen.append  # type: ignore[attr-defined]

    with zipfile.ZipFile(p) as zf, pytest.raises(UnsafeXML):
        parse_entry(zf, "xl/worksheets/sheet1.xml", setup)
    assert SECRET not in "".join(seen)


def test_fifo_watch_does_see_a_reader(tmp_path: Path) -> None:
    # the witness above is only worth something if it notices a reader
    fifo = tmp_path / "pipe"
    with FifoWatch(fifo) as watch, open(fifo, "rb") as fh:
        got = fh.read()
    assert watch.opened and got.decode() == SECRET
