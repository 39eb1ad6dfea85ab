"""Plan files that would hang, exhaust memory or kill the process are refused before parsing (issue 17).

Each file is built here, small on disk; each is refused by ``import_plan`` with a message naming
the file and what is wrong, and the test process is still alive to check it (a far cell used to
abort the process in calamine, a gridSpan to hang python-docx).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from sheetsync.core.errors import FileUnusable
from sheetsync.i18n import set_lang
from sheetsync.plan import import_plan
from sheetsync.plan.limits import MAX_MIME_MULTIPARTS, MAX_TABLE_CELLS, MAX_TABLE_DEPTH

HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
ROW = ["1", "开展宣传教育活动", "县委宣传部", "县文明办", "2024年6月底"]


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang("zh")


def _add_entry(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)


def _plan_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(ROW)
    wb.save(path)
    return path


def _plan_docx(path: Path, span: int | None = None, rows: int = 2) -> Path:
    d = docx.Document()
    d.add_paragraph("示例县文明创建实施方案")
    table = d.add_table(rows=rows, cols=len(HEADER))
    for i, h in enumerate(HEADER):
        table.cell(0, i).text = h
    for i, v in enumerate(ROW):
        table.cell(1, i).text = v
    if span is not None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        for tr in table._tbl.tr_lst:
            tcpr = tr.tc_lst[-1].get_or_add_tcPr()
            gs = OxmlElement("w:gridSpan")
            gs.set(qn("w:val"), str(span))
            tcpr.append(gs)
    d.save(path)
    return path


def _refused(path: Path) -> str:
    with pytest.raises(FileUnusable) as info:
        import_plan(path)
    assert info.value.file == str(path)
    return str(info.value)


def test_real_shaped_plans_still_import(tmp_path):
    assert [it.task.lead for it in import_plan(_plan_xlsx(tmp_path / "plan.xlsx")).tasks] == ["县委宣传部"]
    assert [it.task.lead for it in import_plan(_plan_docx(tmp_path / "plan.docx")).tasks] == ["县委宣传部"]


def test_plan_xlsx_with_one_far_cell_is_refused(tmp_path):
    path = _plan_xlsx(tmp_path / "far.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["XFD1048576"] = "x"
    wb.save(path)
    assert path.stat().st_size < 8000
    msg = _refused(path)
    assert "far.xlsx" in msg and "XFD1048576" in msg


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_plan_package_inflating_beyond_the_ratio_is_refused(tmp_path, suffix):
    path = tmp_path / f"bomb{suffix}"
    (_plan_xlsx if suffix == ".xlsx" else _plan_docx)(path)
    _add_entry(path, "customXml/pad1.xml", b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>")
    assert path.stat().st_size < 200_000
    msg = _refused(path)
    assert f"bomb{suffix}" in msg and "customXml/pad1.xml" in msg
    assert ("压缩比" in msg) if suffix == ".xlsx" else ("ratio-too-high" in msg and "压缩炸弹" in msg)


def test_docx_with_a_dtd_is_refused(tmp_path):
    path = _plan_docx(tmp_path / "dtd.docx")
    _add_entry(path, "customXml/pad2.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    msg = _refused(path)
    assert "xml-dtd" in msg and "dtd.docx" in msg


def test_docx_with_an_enormous_gridspan_is_refused(tmp_path):
    path = _plan_docx(tmp_path / "span.docx", span=2_000_000_000)
    assert path.stat().st_size < 40_000
    msg = _refused(path)
    assert "span.docx" in msg and "第 1 个表格" in msg and str(MAX_TABLE_CELLS) in msg


def test_docx_with_many_wide_rows_is_refused(tmp_path):
    path = _plan_docx(tmp_path / "rows.docx", span=1000, rows=300)
    msg = _refused(path)
    assert "rows.docx" in msg and "第 1 个表格" in msg


def test_web_page_of_huge_span_tables_is_refused(tmp_path):
    cell = '<td rowspan="5000" colspan="5000">x</td>'
    page = "<html><body><p>示例县实施方案</p><table>" + ("<tr>" + cell * 40 + "</tr>") * 100 + "</table></body></html>"
    path = tmp_path / "spans.html"
    path.write_text(page, encoding="utf-8")
    assert path.stat().st_size < 200_000
    msg = _refused(path)
    assert "spans.html" in msg and "第 1 个表格" in msg


def test_web_page_of_deeply_nested_tables_is_refused(tmp_path):
    path = tmp_path / "nested.htm"
    path.write_text("<html><body>" + "<table><tr><td>" * 5000 + "x", encoding="utf-8")
    msg = _refused(path)
    assert "nested.htm" in msg and str(MAX_TABLE_DEPTH) in msg


def _nested_mht(depth: int) -> bytes:
    head = b"MIME-Version: 1.0\r\n"
    body = b'Content-Type: text/html; charset="utf-8"\r\n\r\n<p>x</p>\r\n'
    for i in range(depth):
        b = f"b{i}".encode()
        body = (b'Content-Type: multipart/related; boundary="' + b + b'"\r\n\r\n--' + b + b"\r\n" + body
                + b"--" + b + b"--\r\n")
    return head + body


def test_deeply_nested_mht_is_refused(tmp_path):
    path = tmp_path / "deep.mht"
    path.write_bytes(_nested_mht(5000))
    msg = _refused(path)
    assert "deep.mht" in msg and str(MAX_MIME_MULTIPARTS) in msg


def test_mht_with_a_huge_header_is_refused(tmp_path):
    path = tmp_path / "header.mht"
    subject = b"Subject: " + b"\r\n ".join([b"=?utf-8?b?5L2g5aW9?="] * 20_000) + b"\r\n"
    path.write_bytes(subject + _nested_mht(1))
    msg = _refused(path)
    assert "header.mht" in msg and "256 KB" in msg


def test_shallow_mht_still_imports(tmp_path):
    path = tmp_path / "ok.mht"
    page = ("<html><body><table><tr>" + "".join(f"<td>{h}</td>" for h in HEADER) + "</tr><tr>"
            + "".join(f"<td>{v}</td>" for v in ROW) + "</tr></table></body></html>").encode("utf-8")
    path.write_bytes(b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
                     b'Content-Type: text/html; charset="utf-8"\r\n\r\n' + page + b"\r\n--b--\r\n")
    assert [it.task.lead for it in import_plan(path).tasks] == ["县委宣传部"]


def test_cli_refusal_is_a_message_and_exit_code_in_english(tmp_path):
    import os
    import subprocess
    import sys

    import sheetsync

    path = _plan_docx(tmp_path / "span.docx", span=2_000_000_000)
    env = dict(os.environ, PYTHONPATH=str(Path(sheetsync.__file__).resolve().parents[1]))
    r = subprocess.run([sys.executable, "-c", "from sheetsync.cli import main; main()", "--lang", "en",
                        "import-plan", str(path), "-o", str(tmp_path / "m.xlsx")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "Table 1 of the plan “span.docx”" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "m.xlsx").exists()
