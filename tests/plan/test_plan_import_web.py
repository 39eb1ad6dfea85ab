"""Plans saved from a web page (.html/.htm, single-file .mht/.mhtml) import like their text.

The pages are built here around the real plans of ../shared/plans, the way county sites serve
them: GB2312 declared, the article inside a layout table between a menu and a footer, paragraphs
as <p>, <div> or <br>-separated lines, the source wrapped mid-sentence, &nbsp; indents, a script
holding plan-like text. The task breakdown also comes as an HTML table with merged cells.
"""

from __future__ import annotations

import html
import quopri
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from helpers.plans import BENXI_EXPECTED, HELAN_EXPECTED, by_id, plan
from sheetsync.cli import cli
from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import set_lang
from sheetsync.plan import import_plan
from sheetsync.plan.webpage import decode_html, html_blocks


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


def _lines(name: str) -> list[str]:
    return [ln.strip() for ln in plan(name).read_text(encoding="utf-8").splitlines() if ln.strip()]


def _page(lines: list[str], charset: str = "gb2312") -> str:
    """A county site's article page holding ``lines``, in three paragraph styles."""
    body = []
    for i, line in enumerate(lines):
        e = html.escape(line)
        if i % 3 == 0:
            body.append(f"<p style='text-indent:2em'>&nbsp;&nbsp;{e}</p>")
        elif i % 3 == 1:  # the page's source wrapped between two Chinese characters
            k = len(e) // 2
            body.append(f"<div><span>{e[:k]}\n        {e[k:]}</span></div>")
        else:
            body.append(f"{e}<br>")
    return ("<!DOCTYPE html><html><head>"
            f"<meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
            "<title>实施方案</title><script>var t = '<p>一、假标题（责任单位：假单位）</p>';</script></head><body>"
            "<ul class=nav><li><a href=/>首页</a></li><li><a>政务公开</a></li></ul>"
            "<div>您当前的位置：首页 &gt; 政务公开 &gt; 通知公告</div>"
            "<table width=100%><tr><td class=side>相关链接<br>政府网站</td><td class=main>"
            + "\n".join(body) +
            "</td></tr></table><div class=foot>版权所有：示例县人民政府 ICP备00000000号</div></body></html>")


@pytest.mark.parametrize("name", ["helan-2020-plan.txt", "benxi-2021-plan.txt", "plans-collection.txt"])
def test_saved_page_imports_like_its_text(tmp_path: Path, name: str) -> None:
    page = tmp_path / name.replace(".txt", ".html")
    page.write_bytes(_page(_lines(name)).encode("gb18030"))  # GB2312 declared, GB18030 real (as sites do)
    from_page, from_text = import_plan(page).to_json(), import_plan(plan(name)).to_json()
    assert from_page["tasks"] == from_text["tasks"] and from_page["tasks"]
    assert from_page["units"] == from_text["units"]
    assert "假单位" not in str(from_page)  # script text is not page text


def test_article_laid_out_as_a_one_column_table(tmp_path: Path) -> None:
    """Older county sites put each paragraph in a row of its own: one column, many rows."""
    rows = "".join(f"<tr><td>&nbsp;&nbsp;{html.escape(line)}</td></tr>" for line in _lines("helan-2020-plan.txt"))
    page = tmp_path / "helan.htm"
    page.write_text(f"<html><body><table>{rows}</table></body></html>", encoding="utf-8")
    assert import_plan(page).to_json()["tasks"] == import_plan(plan("helan-2020-plan.txt")).to_json()["tasks"]


def test_single_file_archive_imports_like_the_page(tmp_path: Path) -> None:
    """What Internet Explorer / Edge's "save as .mht" writes: MIME, the page quoted-printable, its
    images as further parts."""
    page = quopri.encodestring(_page(_lines("helan-2020-plan.txt"), charset="utf-8").encode("utf-8"))
    mht = tmp_path / "贺兰县方案.mht"
    mht.write_bytes(
        b"From: <Saved by Windows Internet Explorer 11>\r\nSubject: plan\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="----=_NextPart_000_0000"\r\n\r\n'
        b"This is a multi-part message in MIME format.\r\n\r\n------=_NextPart_000_0000\r\n"
        b'Content-Type: text/html;\r\n\tcharset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n'
        b"Content-Location: http://www.example.gov.cn/plan.html\r\n\r\n" + page + b"\r\n\r\n"
        b"------=_NextPart_000_0000\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"iVBORw0KGgo=\r\n\r\n------=_NextPart_000_0000--\r\n")
    assert b"=E4=B8=80" in mht.read_bytes()  # the text really is quoted-printable
    result = import_plan(mht)
    assert [it.task.id for it in result.tasks] == list(HELAN_EXPECTED)
    assert by_id(result) == HELAN_EXPECTED


def _table_page(rows: list[tuple[str, str, str, str, str]]) -> str:
    """The breakdown as a table: a title row across all columns, a header, and each run of rows
    with the same 牵头单位 merged into one cell (rowspan), unclosed <td>/<tr> as old editors write."""
    out = ["<html><body><p>关于全面深入持久开展民族团结进步创建工作铸牢中华民族共同体意识的实施方案</p>",
           "<table border=1><tr><td colspan=5>附件：任务分解表</td></tr>",
           "<tr><th>序号<th>重点任务<th>具体措施<th>牵头单位<th>配合单位</tr>"]
    i = 0
    while i < len(rows):
        run = 1
        while i + run < len(rows) and rows[i + run][3] == rows[i][3]:
            run += 1
        for k in range(run):
            n, title, detail, lead, co = (html.escape(v) for v in rows[i + k])
            lead_cell = f"<td rowspan={run}>{lead}" if k == 0 else ""
            out.append(f"<tr><td>{n}<td>{title}<td><p>{detail}</p>{lead_cell}<td>{co}")
        i += run
    out.append("</table></body></html>")
    return "\n".join(out)


def test_task_table_with_merged_cells_imports_like_the_text(tmp_path: Path) -> None:
    item = re.compile(r"^(\d+)\.([^。]+)。(.*)（责任单位：(.+)）$")
    rows = []
    for line in _lines("benxi-2021-plan.txt"):
        m = item.match(line)
        if m:
            names = m.group(4).split("、")
            rows.append((m.group(1), m.group(2), m.group(3), names[0], "、".join(names[1:])))
    assert any(a[3] == b[3] for a, b in zip(rows, rows[1:], strict=False))  # some rows really are merged
    page = tmp_path / "benxi-table.htm"
    page.write_text(_table_page(rows), encoding="utf-8")
    from_table, from_text = import_plan(page), import_plan(plan("benxi-2021-plan.txt"))
    assert from_table.source == "table"
    assert by_id(from_table) == by_id(from_text) == BENXI_EXPECTED
    assert [it.task.title for it in from_table.tasks] == [it.task.title for it in from_text.tasks]


def test_a_page_that_is_not_a_plan_says_so(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(_page(_lines("inner-mongolia-2022-report.txt"), charset="utf-8"), encoding="utf-8")
    with pytest.raises(SheetsyncError) as exc:
        import_plan(page)
    assert "没有找到任务结构" in str(exc.value) and page.name in str(exc.value)


def test_broken_and_hostile_markup_is_read_without_blowing_up() -> None:
    blocks = html_blocks(
        "<p>示例县方案<p>一、主要任务<p>（一）加强宣传&nbsp;结合工作实际开展宣传。"
        "<table><tr><td colspan=100000 rowspan=99999>序号<td>任务<tr><td>1<td>建设"  # never closed
        "<div>尾")
    paras = [b.text for b in blocks if b.kind == "para"]
    assert paras[:3] == ["示例县方案", "一、主要任务", "（一）加强宣传 结合工作实际开展宣传。"]
    (table,) = [b for b in blocks if b.kind == "table"]
    assert len(table.rows) == 2 and len(table.rows[0]) == 52  # spans capped at 50, not 100,000 columns
    assert table.rows[1][-2:] == ["1", "建设\n尾"]  # as a browser shows it: the unclosed cell holds the rest


def test_encodings() -> None:
    gbk = "<meta charset=gbk><p>责任单位：县委宣传部</p>".encode("gbk")
    assert decode_html(gbk, Path("x.html")).endswith("县委宣传部</p>")
    undeclared = "<p>责任单位：县委宣传部</p>".encode("gb18030")  # no meta: UTF-8 fails, GB18030 reads it
    assert "县委宣传部" in decode_html(undeclared, Path("x.html"))
    lying = "<meta charset='utf-8'><p>县委宣传部</p>".encode("gbk")  # declared UTF-8, saved as GBK
    assert "县委宣传部" in decode_html(lying, Path("x.html"))
    assert "县委" in decode_html(b"\xef\xbb\xbf<p>\xe5\x8e\xbf\xe5\xa7\x94</p>", Path("x.html"))


def test_cli_imports_a_saved_page(tmp_path: Path) -> None:
    page = tmp_path / "贺兰县方案.html"
    page.write_bytes(_page(_lines("helan-2020-plan.txt")).encode("gb18030"))
    out = tmp_path / "任务分解表.xlsx"
    r = CliRunner().invoke(cli, ["import-plan", str(page), "-o", str(out)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["任务"]
    ids = [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    assert ids == list(HELAN_EXPECTED)


def test_policy_page_with_a_metadata_table_inside_the_layout_table(tmp_path: Path) -> None:
    """The layout of national and provincial policy pages: one outer table holding the metadata
    table (索引号 / 主题分类 / 发文机关 …) and, in a cell below, the article."""
    article = "".join(f"<p>{html.escape(line)}</p>" for line in _lines("benxi-2021-plan.txt"))
    page = tmp_path / "policy.htm"
    page.write_text(
        "<html><body><div class=wrap><table width=724><tbody>"
        "<tr><td><table class=bd1><tbody>"
        "<tr><td><b>索 引 号：</b></td><td>000000/2021-00001</td><td><b>主题分类：</b></td><td>民族、宗教</td></tr>"
        "<tr><td><b>发文机关：</b></td><td>示例区管委会</td><td><b>成文日期：</b></td><td>2021年03月01日</td></tr>"
        "</tbody></table></td></tr>"
        f"<tr><td><div id=UCAP-CONTENT>{article}</div></td></tr>"
        "</tbody></table></div></body></html>", encoding="utf-8")
    from_page = import_plan(page)
    assert by_id(from_page) == BENXI_EXPECTED
    assert from_page.to_json()["tasks"] == import_plan(plan("benxi-2021-plan.txt")).to_json()["tasks"]
