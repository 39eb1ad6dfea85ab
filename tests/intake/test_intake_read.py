"""read_workbook: values as written, plus what calamine alone would hide."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import helpers.intake_files as F
from sheetsync.intake import Limits, Rejection, WorkbookData, inspect_file, read_workbook


def read(path: Path, limits: Limits | None = None, password: str | None = None) -> WorkbookData:
    r = read_workbook(path, limits or Limits(), password)
    assert isinstance(r, WorkbookData), r
    return r


def note_codes(data: WorkbookData) -> list[str]:
    return [n.code for n in data.notes]


def test_values_types_and_trimming(tmp_path: Path) -> None:
    body = (F.row(1, "A", F.text("任务编号"), "B", F.text("进度"), "C", F.text("完成"))
            + F.row(2, "A", F.text("1.1"), "B", F.num(50), "C", F.num(0.5))
            + F.row(3, "B", F.num(-3))
            + '<row r="4"><c r="A4" s="3"/><c r="Z4" s="3"/></row>')
    data = read(F.make_xlsx(tmp_path / "v.xlsx", F.Book([F.Sheet("填报", body)])))
    assert data.kind == "xlsx" and data.date_system == 1900
    assert data.sheet("填报").rows == [["任务编号", "进度", "完成"], ["1.1", 50, 0.5], [None, -3, None]]
    assert data.sheet("填报").cell("B2") == 50 and data.sheet("填报").cell("Z99") is None


def test_ids_and_leading_zero_codes_stay_text(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("S", F.row(1, "A", F.sst(0), "B", F.sst(1), "C", F.text("000456"),
                                      "D", F.text("11010519491231002X")))],
                  shared_strings=["110105194912310021", "00123"])
    data = read(F.make_xlsx(tmp_path / "ids.xlsx", book))
    assert data.sheet("S").rows == [["110105194912310021", "00123", "000456", "11010519491231002X"]]
    assert note_codes(data) == []


def test_id_typed_as_number_is_flagged(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("S", F.row(1, "A", F.num("1.10105194912310E+17")))])
    data = read(F.make_xlsx(tmp_path / "idnum.xlsx", book))
    assert note_codes(data) == ["long-number"] and data.notes[0].cell == "A1"


def test_formulas_without_cached_values_flagged(tmp_path: Path) -> None:
    body = F.row(1, "A", F.num(2), "B", F.formula("A1*2", "4"), "C", F.formula("A1*3"), "D", F.formula("SUM(A1:C1)"))
    data = read(F.make_xlsx(tmp_path / "f.xlsx", F.Book([F.Sheet("S", body)])))
    s = data.sheet("S")
    assert s.formulas_without_value == ["C1", "D1"]
    assert s.rows == [[2, 4]] and s.cell("C1") is None  # no value: trimmed like any blank
    n = [x for x in data.notes if x.code == "formula-no-value"]
    assert len(n) == 1 and "C1" in n[0].message and n[0].sheet == "S"


def test_error_cells_reported(tmp_path: Path) -> None:
    body = '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    data = read(F.make_xlsx(tmp_path / "e.xlsx", F.Book([F.Sheet("S", body)])))
    assert data.sheet("S").rows == [["#DIV/0!"]] and note_codes(data) == ["cell-error"]


def test_1904_date_system(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("S", F.row(1, "A", F.date_serial(1000)))], date1904=True, date_style=True)
    data = read(F.make_xlsx(tmp_path / "mac.xlsx", book))
    assert data.date_system == 1904
    assert data.sheet("S").rows == [[date(1906, 9, 27)]]


def test_1900_date_system(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("S", F.row(1, "A", F.date_serial(45292)))], date_style=True)
    data = read(F.make_xlsx(tmp_path / "pc.xlsx", book))
    assert data.date_system == 1900 and data.sheet("S").rows[0][0] == date(2024, 1, 1)


def test_hidden_and_very_hidden_sheets(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("填报", F.row(1, "A", F.num(1))),
                   F.Sheet("旧表", F.row(1, "A", F.num(2)), state="hidden"),
                   F.Sheet("_sheetsync", F.row(1, "A", F.text("unit"), "B", F.text("民政局")), state="veryHidden")],
                  custom_props={"sheetsync_unit": "民政局", "sheetsync_period": "2024-Q1"})
    data = read(F.make_xlsx(tmp_path / "h.xlsx", book))
    assert [(s.name, s.state) for s in data.sheets] == [("填报", "visible"), ("旧表", "hidden"),
                                                        ("_sheetsync", "veryHidden")]
    assert data.sheet("_sheetsync").rows == [["unit", "民政局"]]
    assert data.custom_properties == {"sheetsync_unit": "民政局", "sheetsync_period": "2024-Q1"}


def test_real_library_workbook_very_hidden_meta(tmp_path: Path) -> None:
    data = read(F.openpyxl_xlsx(tmp_path / "lib.xlsx"))
    assert data.sheet("_sheetsync").state == "veryHidden"
    assert data.sheet("填报").rows[1] == ["1.1", "示例任务", 50]


def test_control_characters_reported(tmp_path: Path) -> None:
    book = F.Book([F.Sheet("S", F.row(1, "A", F.sst(0), "B", F.text("ok_x0007_bell"), "C", F.text("fine")))],
                  shared_strings=["tab\tok but _x0001_ not"])
    data = read(F.make_xlsx(tmp_path / "ctl.xlsx", book))
    hits = [(n.code, n.cell) for n in data.notes]
    assert hits == [("control-chars", "A1"), ("control-chars", "B1")]


def test_text_longer_than_excel_allows_reported(tmp_path: Path) -> None:
    long = "长" * 40_000
    book = F.Book([F.Sheet("S", F.row(1, "A", F.sst(0), "B", F.text(long), "C", F.text("短")))],
                  shared_strings=[long])
    data = read(F.make_xlsx(tmp_path / "long.xlsx", book))
    assert [(n.code, n.cell) for n in data.notes] == [("text-too-long", "A1"), ("text-too-long", "B1")]
    assert "40000" in data.notes[0].message
    assert data.sheet("S").rows[0][1] == long


def test_million_trailing_styled_rows_ignored(tmp_path: Path) -> None:
    p = F.trailing_styled_rows_xlsx(tmp_path / "styled.xlsx")
    assert p.stat().st_size < 10_000_000
    data = read(p)
    assert data.sheet("Sheet1").rows == [["任务编号", "进度"], ["1.1", 50]]


def test_data_beyond_the_row_limit_is_refused_cleanly(tmp_path: Path) -> None:
    body = "".join(F.row(r, "A", F.num(r)) for r in range(1, 12))
    r = read_workbook(F.make_xlsx(tmp_path / "rows.xlsx", F.Book([F.Sheet("S", body)])), Limits(rows=10))
    assert isinstance(r, Rejection) and r.code == "cells-beyond-limit" and r.reason.cell == "A11"


def test_data_within_limits_read_in_full(tmp_path: Path) -> None:
    body = "".join(F.row(r, "A", F.num(r)) for r in range(1, 11))
    data = read(F.make_xlsx(tmp_path / "rows.xlsx", F.Book([F.Sheet("S", body)])), Limits(rows=10))
    assert len(data.sheet("S").rows) == 10


# ---------------------------------------------------------------- encrypted workbooks
@pytest.fixture()
def encrypted(tmp_path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = F.openpyxl_xlsx(tmp_path / "plain.xlsx")
    out = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, out.open("wb") as dst:
        OOXMLFile(src).encrypt("s3cret", dst)
    return out


def test_encrypted_without_password_rejected(encrypted: Path) -> None:
    ins = inspect_file(encrypted)
    assert ins.kind == "encrypted" and ins.codes == ["encrypted"]
    r = read_workbook(encrypted)
    assert isinstance(r, Rejection) and r.code == "encrypted"
    assert "--password" in r.message and "回收表解密密码" in r.message


def test_encrypted_read_with_password(encrypted: Path) -> None:
    data = read(encrypted, password="s3cret")
    assert data.sheet("填报").rows[2] == ["1.2", "另一个任务", 100]
    assert data.sheet("_sheetsync").state == "veryHidden"
    assert "encrypted" not in note_codes(data) and data.file == str(encrypted)


def test_encrypted_with_wrong_password(encrypted: Path) -> None:
    r = read_workbook(encrypted, Limits(), "wrong")
    assert isinstance(r, Rejection) and r.code == "wrong-password"


# ---------------------------------------------------------------- real .xls (BIFF), via LibreOffice
needs_soffice = pytest.mark.skipif(F.soffice() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def real_xls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if F.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    d = tmp_path_factory.mktemp("xls")
    xls = F.convert_with_soffice(F.openpyxl_xlsx(d / "wps.xlsx"), "xls", d / "out")
    return F.xls_set_sheet_state(xls, "_sheetsync", 2)


@needs_soffice
@pytest.mark.libreoffice
def test_real_xls_read(real_xls: Path) -> None:
    ins = inspect_file(real_xls)
    assert ins.kind == "xls" and ins.ok and ins.codes == []
    data = read(real_xls)
    assert data.kind == "xls"
    assert data.sheet("填报").rows[:2] == [["任务编号", "任务名称", "完成进度(%)"], ["1.1", "示例任务", 50]]
    assert data.sheet("_sheetsync").state == "veryHidden"


@needs_soffice
@pytest.mark.libreoffice
def test_xls_renamed_xlsx_read_and_noted(real_xls: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.xlsx"
    shutil.copy(real_xls, renamed)
    data = read(renamed)
    assert data.kind == "xls" and note_codes(data) == ["xls-renamed"]
    assert ".xlsx" in data.notes[0].message and data.sheet("填报").rows[2][0] == "1.2"


def test_xlsx_renamed_xls_read_and_noted(tmp_path: Path) -> None:
    data = read(F.make_xlsx(tmp_path / "really.xls"))
    assert data.kind == "xlsx" and note_codes(data) == ["xlsx-renamed"]
