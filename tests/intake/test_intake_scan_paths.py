"""The sheet scan's plain path (byte searches) must read every workbook exactly as the exact
passes do: same values, same notes, same refusals. Each case is parsed twice, once with the
plain path disabled, and the two results compared whole."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers.intake_files as F
from sheetsync.intake import Limits, reader, sheetscan
from sheetsync.intake.reader import parse_file

_REAL_SCAN_PLAIN = sheetscan._scan_plain
LIMITS = Limits(timeout_s=20, memory_mb=512, rows=500, cols=30)


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, bool]:
    """(result with the plain path, result without it, whether the plain path answered)."""
    answered = []
    real = _REAL_SCAN_PLAIN

    def spy(*a: Any, **k: Any) -> Any:
        res = real(*a, **k)
        answered.append(res is not None)
        return res

    monkeypatch.setattr(sheetscan, "_scan_plain", spy)
    fast = parse_file(str(path), "xlsx", LIMITS, None)
    monkeypatch.setattr(sheetscan, "_scan_plain", lambda *a, **k: None)
    monkeypatch.setattr(reader, "plain_shared_strings", lambda *a, **k: False)
    exact = parse_file(str(path), "xlsx", LIMITS, None)
    monkeypatch.undo()
    return fast.to_json(), exact.to_json(), any(answered)


CASES = {
    "numbers and text": F.row(1, "A", F.num(1), "B", F.text("任务 & <说明>"), "C", F.num(2.5)),
    "shared strings": F.row(1, "A", F.sst(0), "B", F.sst(1)) + F.row(3, "C", F.sst(0)),
    "formatted to the bottom": F.row(1, "A", F.num(1)) + "".join(
        f'<row r="{r}"><c r="A{r}" s="1"/><c r="AD{r}" s="1"/></row>' for r in range(2, 700)),
    "formatted within the limits": F.row(1, "A", F.num(1)) + "".join(
        f'<row r="{r}"><c r="A{r}" s="1"/><c r="AD{r}" s="1"/></row>' for r in range(2, 400)),
    "styled empty cell beyond the limits": F.row(1, "A", F.num(1)) + '<row r="9000"><c r="ZZ9000" s="1"/></row>',
    "content beyond the limits": F.row(1, "A", F.num(1)) + '<row r="9000"><c r="B9000"><v>1</v></c></row>',
    "formula without value": F.row(1, "A", F.formula("1+1")),
    "error cell": F.row(1, "A", F.num(1)) + '<row r="2"><c r="A2" t="e"><v>#DIV/0!</v></c></row>',
    "control character escape": F.row(1, "A", F.text("a_x0001_b")),
    "long number": F.row(1, "A", F.num("12345678901234567")),
    "exponent": F.row(1, "A", F.num("1E-3")),
    "empty value": '<row r="1"><c r="A1"><v></v></c><c r="B1"><v>2</v></c></row>',
    "empty inline text": '<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c><c r="B1"><v>2</v></c></row>',
    "unaddressed cells": '<row r="1"><c><v>1</v></c><c><v>2</v></c></row>',
    "address not first": '<row r="1"><c s="0" r="C1"><v>1</v></c></row>',
    "single quotes": "<row r='1'><c r='A1' t='e'><v>#N/A</v></c><c r='B1'><v>3</v></c></row>",
    "text that looks like markup": F.row(1, "A", F.text('t="e" <c r="ZZZ99999"> :c _x0041')),
    "markup typed as text": F.row(1, "A", F.text('<c r="ZZZ99999"><v>1</v></c> & a=b')),
    "rich inline text": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>ab</t></r><r><t>cd</t></r></is></c></row>',
}


@pytest.mark.parametrize("name", list(CASES))
def test_plain_path_reads_as_the_exact_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    book = F.Book([F.Sheet("Sheet1", CASES[name])], shared_strings=["甲", "乙\x01"], date_style=True)
    fast, exact, _answered = _both(F.make_xlsx(tmp_path / "t.xlsx", book), monkeypatch)
    assert fast == exact


def test_plain_path_answers_for_ordinary_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a test that cannot fail: the ordinary cases really take the plain path."""
    for name in ("numbers and text", "formatted within the limits", "markup typed as text"):
        book = F.Book([F.Sheet("Sheet1", CASES[name])])
        fast, exact, answered = _both(F.make_xlsx(tmp_path / f"{len(name)}.xlsx", book), monkeypatch)
        assert answered, name
        assert fast == exact


def test_plain_path_on_library_written_workbooks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxwriter

    paths = [F.openpyxl_xlsx(tmp_path / "openpyxl.xlsx")]
    wb = xlsxwriter.Workbook(str(tmp_path / "xlsxwriter.xlsx"))
    ws = wb.add_worksheet("填报")
    ws.write_row(0, 0, ["任务编号", "进度", "说明"])
    ws.write_row(1, 0, ["1.1", 80])
    ws.write_string(2, 2, "=1+1")
    wb.add_worksheet("编号").write_number(3, 1, 12345678901234567)  # reported per cell: the exact pass
    wb.close()
    paths.append(tmp_path / "xlsxwriter.xlsx")
    for p in paths:
        fast, exact, answered = _both(p, monkeypatch)
        assert fast == exact, p.name
        assert answered, p.name


_PIECES = [
    F.row(1, "A", F.num(1)), F.row(2, "B", F.text("文字")), F.row(3, "C", F.sst(0)), F.row(4, "D", F.sst(1)),
    F.row(5, "A", F.formula("A1*2", "2")), F.row(6, "A", F.formula("A1*2")),
    '<row r="7"><c r="A7" t="e"><v>#REF!</v></c></row>', '<row r="8"><c r="AD8" s="1"/></row>',
    '<row r="9"><c r="AE9"><v>1</v></c></row>', '<row r="600"><c r="A600"><v>1</v></c></row>',
    '<row r="10"><c r="A10"><v></v></c></row>', F.row(11, "A", F.text("x_x001F_y")),
    F.row(12, "A", F.num("99999999999999999")), '<row r="13"><c r="A13" s="1"/></row>',
    F.row(14, "B", F.text("=SUM(A1)")), F.row(15, "A", F.date_serial(46000)),
]


_BODY = F.row(1, "A", F.num(1), "B", F.sst(0)) + F.row(3, "C", F.text("文字")) + '<row r="4"><c r="D4" s="1"/></row>'
DIMENSIONS = {  # the plain path takes <dimension> as a candidate bound and checks every address against it
    "truthful": ("A1:D4", _BODY),
    "one cell": ("D4", _BODY),
    "too large": ("A1:Z90", _BODY),
    "a row past it": ("A1:D3", _BODY),
    "a column past it": ("A1:C4", _BODY),
    "a far cell past it": ("A1:D4", _BODY + '<row r="450"><c r="AC450"><v>7</v></c></row>'),
    "content past the limits": ("A1:D4", _BODY + '<row r="9000"><c r="B9000"><v>1</v></c></row>'),
    "beyond the limits itself": ("A1:XFD1048576", _BODY),
    "leading zeros in an address": ("A1:D4", _BODY + '<row r="5"><c r="A0005"><v>5</v></c></row>'),
    "leading zeros past it": ("A1:D4", _BODY + '<row r="40"><c r="A0040"><v>5</v></c></row>'),
    "leading zero in the dimension": ("A1:D04", _BODY),
    "lower-case address": ("A1:D4", _BODY + '<row r="5"><c r="a5"><v>5</v></c></row>'),
    "three-letter column": ("A1:AAA4", _BODY + '<row r="5"><c r="ZZ5"><v>5</v></c></row>'),
    "three-letter column past it": ("A1:ZZ4", _BODY + '<row r="5"><c r="AAA5"><v>5</v></c></row>'),
}


@pytest.mark.parametrize("name", list(DIMENSIONS))
def test_plain_path_with_a_dimension_reads_as_the_exact_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              name: str) -> None:
    dimension, body = DIMENSIONS[name]
    book = F.Book([F.Sheet("Sheet1", body, dimension=dimension)], shared_strings=["甲"])
    limits = Limits(timeout_s=20, memory_mb=512, rows=500, cols=16384)
    monkeypatch.setattr(sys.modules[__name__], "LIMITS", limits)
    fast, exact, _answered = _both(F.make_xlsx(tmp_path / "d.xlsx", book), monkeypatch)
    assert fast == exact


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 16384), st.integers(1, 16384), st.integers(1, 9_999_999), st.integers(1, 9_999_999),
       st.integers(0, 6))
def test_address_past_a_corner(col: int, cell_col: int, row: int, cell_row: int, zeros: int) -> None:
    """The one search that replaces reading every address: matches exactly the cells after the corner."""
    from sheetsync.intake.cells import address

    def letters(c: int) -> str:
        return address(1, c)[:-1]

    digits = "0" * min(zeros, 7 - len(str(cell_row))) + str(cell_row)
    found = sheetscan._past(letters(col), str(row)).search(f'<c r="{letters(cell_col)}{digits}"'.encode())
    assert bool(found) == (cell_col > col or cell_row > row)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8))
def test_plain_path_equals_exact_pass_on_mixed_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       pieces: list[str]) -> None:
    book = F.Book([F.Sheet("Sheet1", "".join(pieces))], shared_strings=["甲", "乙\x02"], date_style=True)
    fast, exact, _answered = _both(F.make_xlsx(tmp_path / "m.xlsx", book), monkeypatch)
    assert fast == exact


@pytest.mark.parametrize("cut", [0.5, 0.98])
def test_truncated_plain_sheet_is_refused_as_bad_xml(tmp_path: Path, cut: float) -> None:
    """The plain path leaves well-formedness to calamine's parse; a sheet cut short is still
    refused with expat's reason, naming the part."""
    from sheetsync.intake import Rejection

    body = "".join(F.row(r, "A", F.num(r), "B", F.text(f"第{r}行")) for r in range(1, 60))
    book = F.Book([F.Sheet("Sheet1", body)])
    entries = F.book_entries(book)
    entries = [(n, d[: int(len(d) * cut)] if n == "xl/worksheets/sheet1.xml" else d) for n, d in entries]
    res = parse_file(str(F.write_zip(tmp_path / "cut.xlsx", entries)), "xlsx", LIMITS, None)
    assert isinstance(res, Rejection)
    assert res.reason.code == "bad-xml"
    assert "xl/worksheets/sheet1.xml" in res.message


@pytest.mark.parametrize("strings", [["甲", "乙"], ["甲", "乙\x01"], ["甲", "长" * 40_000], ["a_x0007_b"]])
def test_plain_shared_strings_read_as_the_exact_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     strings: list[str]) -> None:
    body = F.row(1, "A", F.sst(0), "B", F.sst(len(strings) - 1))
    book = F.Book([F.Sheet("Sheet1", body)], shared_strings=strings)
    fast, exact, _answered = _both(F.make_xlsx(tmp_path / "s.xlsx", book), monkeypatch)
    assert fast == exact
    plain = sheetscan.plain_shared_strings(zipfile.ZipFile(tmp_path / "s.xlsx"), "xl/sharedStrings.xml", 32767)
    assert plain == (strings == ["甲", "乙"])


def test_truncated_plain_shared_strings_are_refused_as_bad_xml(tmp_path: Path) -> None:
    from sheetsync.intake import Rejection

    book = F.Book([F.Sheet("Sheet1", F.row(1, "A", F.sst(0), "B", F.sst(1)))], shared_strings=["甲", "乙"] * 50)
    entries = [(n, d[: len(d) // 2] if n == "xl/sharedStrings.xml" else d) for n, d in F.book_entries(book)]
    res = parse_file(str(F.write_zip(tmp_path / "cut.xlsx", entries)), "xlsx", LIMITS, None)
    assert isinstance(res, Rejection)
    assert res.reason.code == "bad-xml"
    assert "xl/sharedStrings.xml" in res.message
