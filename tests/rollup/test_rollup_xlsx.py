"""The roll-up writer's table body (rendered row XML inside XlsxWriter): read back cell by cell.

The body of every table sheet is rendered by ``rollup_xlsx._Book.table`` rather than cell by
cell through XlsxWriter (issue 9: ~2.2 million cells in a city roll-up); these tests check that
what a clerk and ``mail`` read back is exactly what the model holds.
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine

from sheetsync.demo import data as demo_data
from sheetsync.returns.read import ReturnRow
from sheetsync.rollup import workbook as rollup_xlsx
from sheetsync.rollup.compute import FileLine, UnitReturn, compute_rollup
from sheetsync.rollup.workbook import write_rollup
from sheetsync.split.workbook import _rollup_period
from sheetsync.workbook import xlsxio

HOSTILE = ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tTab", "\rCR", "＝全角a\x07bell", "长" * 80 + "\n第二行"]


def ooxml_text(s: str) -> str:
    """Decode _xHHHH_ escapes (a CR is stored as _x000D_, as Excel does; openpyxl leaves it)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), s)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    m = demo_data.master()
    m.tasks = m.tasks[:8]
    returns: dict[str, UnitReturn] = {}
    for i, (t, status, progress, value, text) in enumerate(zip(
            m.tasks, ["done", "lagging", "in_progress", None, "ongoing", "done", None, "lagging"],
            [100.0, 20.0, 55.5, None, 1e-7, 100, None, 30.0], [3.0, None, 12345678.0, None, 0.0, 2, None, 1.5],
            HOSTILE, strict=False)):
        ret = returns.setdefault(t.lead, UnitReturn(t.lead, "/in/a.xlsx", "2026-12-20T10:00:00", [],
                                                    reporter="=张三", phone="0123"))
        ret.rows.append(ReturnRow(t.id, t.lead, "lead", status, progress, value, text, "", "", "", 5 + i))
    rollup = compute_rollup(m, returns, [FileLine("/in/a.xlsx", u, "accepted", [], "2026-12-20T10:00:00") for u in returns],
                            period="2026年第4季度", as_of=date(2026, 12, 31), generated=datetime(2027, 1, 1, 9))
    path = write_rollup(rollup, tmp_path_factory.mktemp("rollup") / "r.xlsx", lang="zh")
    return path, rollup


def test_details_read_back_exactly(book) -> None:
    path, rollup = book
    ws = openpyxl.load_workbook(path)["汇总明细"]
    got = {r[0].value: r for r in ws.iter_rows(min_row=2) if r[0].value}
    shown = [d for d in rollup.details if d[3] is not None]
    assert len(got) == len(shown) == 8, [d[0].id for d in shown]
    for task, _unit, _role, row, _file in shown:
        cells = got[task.id]
        text = cells[7]
        assert (text.data_type, ooxml_text(text.value)) == ("s", xlsxio.safe_text(row.progress_text)[0]), task.id
        for cell, value in ((cells[5], row.progress), (cells[6], row.value)):
            assert cell.value == value and (value is None or cell.data_type == "n"), (task.id, cell.value, value)
        assert (cells[11].value, cells[12].value) == ("a.xlsx", row.row)


def test_status_colours_and_row_heights(book) -> None:
    path, rollup = book
    ws = openpyxl.load_workbook(path)["汇总明细"]
    fills = {r[4].value: r[4].fill.fgColor.rgb[-6:] for r in ws.iter_rows(min_row=2) if r[4].value}
    assert fills["已完成"] == xlsxio.GREEN and fills["滞后"] == xlsxio.AMBER
    assert all(r[0].border.left.style == "thin" for r in ws.iter_rows(min_row=2))
    heights = {r[7].value: ws.row_dimensions[r[0].row].height for r in ws.iter_rows(min_row=2)}
    assert min(heights.values()) >= 20 and heights["长" * 80 + "\n第二行"] > 60  # wrapped text is shown whole
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref == f"A1:M{ws.max_row}"
    assert ws.page_setup.orientation == "landscape"


def test_gaps_units_and_properties(book) -> None:
    path, rollup = book
    unit = next(u.unit for u in rollup.units if u.reported)
    wb = openpyxl.load_workbook(path)
    gaps = list(wb["缺口清单"].iter_rows(min_row=2, values_only=True))
    assert len(gaps) == len(rollup.gaps) and all(isinstance(g[0], str) for g in gaps)
    unit_row = next(r for r in wb["单位报送"].iter_rows(min_row=2) if r[0].value == unit)
    assert unit_row[11].value == "=张三" and unit_row[11].data_type == "s" and unit_row[12].value == "0123"
    assert _rollup_period(path) == "2026年第4季度"
    xml = zipfile.ZipFile(path).read("docProps/custom.xml").decode()
    assert re.search(r'name="sheetsync_kind"[^>]*>\s*<vt:lpwstr>rollup<', xml)


def test_bar_chart_carries_the_unit_rows(book) -> None:
    """Viewers that do not recalculate draw the chart's cached values: they come from 单位报送's body."""
    path, rollup = book
    with zipfile.ZipFile(path) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart")]
    bar = next(c for c in charts if "<c:barChart>" in c)
    assert "<c:strCache>" in bar and all(f"<c:v>{u.unit}</c:v>" in bar for u in rollup.units)


class ZipfileZip(zipfile.ZipFile):
    """The reference for ``rollup_xlsx._Zip``: the same parts zipped by zipfile itself, each table
    body inflated from its pieces and put where XlsxWriter left its marker."""

    def __init__(self, *args: Any, pool: Any, level: int, bodies: dict[bytes, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, compresslevel=level, **kwargs)
        self.bodies = bodies

    def writestr(self, zinfo: Any, data: Any) -> None:  # type: ignore[override]
        for marker in list(self.bodies):
            head, found, tail = data.partition(marker)
            if found:
                inflater = zlib.decompressobj(-15)
                data = head + b"".join(inflater.decompress(p.result().data) for p in self.bodies.pop(marker)) + tail
        super().writestr(zinfo, data)


def test_zip_entries_as_zipfile_writes_them(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every part, name, date and attribute as zipfile writes them; the sheets are whole XML whose
    rows follow each other (the body sits between the header row and the rest of the sheet)."""
    _, rollup = book
    monkeypatch.setattr(rollup_xlsx, "_ROWS_PER_PIECE", 1)  # a piece per body row
    path = write_rollup(rollup, tmp_path / "ours.xlsx", lang="zh")
    monkeypatch.setattr(rollup_xlsx, "_Zip", ZipfileZip)
    ref = write_rollup(rollup, tmp_path / "ref.xlsx", lang="zh")
    with zipfile.ZipFile(path) as ours, zipfile.ZipFile(ref) as theirs:
        assert ours.testzip() is None
        assert ours.namelist() == theirs.namelist()
        for a, b in zip(ours.infolist(), theirs.infolist(), strict=True):
            fields = ("date_time", "flag_bits", "create_system", "external_attr", "extract_version")
            assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields], a.filename
            if a.filename != "docProps/core.xml":  # its timestamp
                assert ours.read(a) == theirs.read(b), a.filename
        for name in ours.namelist():
            assert b"\0" not in ours.read(name), name
        sheets = [n for n in ours.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 7  # the six sheets and the very hidden _sheetsync summary
        for name in sheets:
            xml = ours.read(name).decode()
            rows = re.findall(r'<row r="(\d+)"[^>]*>(.*?)</row>', xml)
            numbers = [int(r) for r, _ in rows]
            last = int(re.search(r'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"', xml).group(1) or 1)
            if name != "xl/worksheets/sheet1.xml":  # a table: header row, then every body row
                assert numbers == list(range(1, last + 1)) and last > 1, name
            assert numbers == sorted(set(numbers)) and xml.endswith("</worksheet>"), name
            for r, cells in rows:
                assert set(re.findall(r'<c r="[A-Z]+(\d+)"', cells)) <= {r}, (name, r)
    calamine = python_calamine.CalamineWorkbook.from_path(str(path))
    wb = openpyxl.load_workbook(path, read_only=True)
    for title in calamine.sheet_names:
        assert len(calamine.get_sheet_by_name(title).to_python()) == wb[title].max_row, title


def test_a_failed_write_leaves_no_file_and_no_thread(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, rollup = book

    def fail(*_: Any) -> None:
        raise RuntimeError("findings")

    monkeypatch.setattr(rollup_xlsx, "_findings", fail)  # after the large bodies went to the threads
    with pytest.raises(RuntimeError, match="findings"):
        write_rollup(rollup, tmp_path / "r.xlsx", lang="zh")
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("sheetsync-deflate")]


def test_a_body_not_spliced_in_is_an_error(book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a later XlsxWriter zip the parts some other way, the write fails: no file with markers."""
    _, rollup = book
    monkeypatch.setattr(rollup_xlsx._Zip, "writestr", rollup_xlsx.zipwrite.ZipWriter.writestr)
    with pytest.raises(RuntimeError, match="no longer zips"):
        write_rollup(rollup, tmp_path / "r.xlsx", lang="zh")
    assert list(tmp_path.iterdir()) == []
