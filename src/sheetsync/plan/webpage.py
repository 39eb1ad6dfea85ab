"""Plans saved from a government web page: .html/.htm, or a single-file .mht/.mhtml archive.

Why a reader and not "copy the text into a .txt": a saved page keeps what a copy loses — where
each paragraph ends (a copy can run 一、 and （一） together on one line) and the task breakdown
(任务分解表) as a table. The output is the same :class:`~sheetsync.plan.extract.Block`
stream as a .docx, so the page and its text import the same tasks.

Pages are read as they are written in the wild: GB2312/GBK declared (read as GB18030, their
superset), unclosed ``<p>``/``<td>``/``<tr>``, the whole article inside a layout table, menus and
footers around it (dropped later with the other page furniture). Layout tables are told from data
tables by their shape and what their cells hold: one row or one column, a cell with a table or
many paragraphs inside, or a very long text make the table layout, and its cells are read as
paragraphs in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t
from sheetsync.plan.extract import Block
from sheetsync.plan.limits import MAX_TABLE_DEPTH, check_web_grid, refuse

_SKIP = {"script", "style", "noscript", "template", "title", "select", "button", "iframe", "svg", "object",
         "textarea"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "section", "article",
          "header", "footer", "nav", "aside", "main", "center", "form", "ul", "ol", "dl", "address", "figure",
          "figcaption", "hr", "br", "caption", "fieldset", "legend", "details", "summary"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source", "param", "embed"}
_MAX_SPAN = 50  # colspan/rowspan beyond this is a broken or hostile page, not a task table
_LONG_CELL = 600  # characters: a data table cell is a task's text, not an article
_LAYOUT_PARAS = 8  # paragraphs in one cell: more, and the table frames an article
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# a line break in the page's source between two Chinese characters is how the source was
# wrapped, not a space in the text; a typed space or &nbsp; is kept (it can end a heading)
_SOURCE_WRAP = re.compile(f"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_SPACE = re.compile(r"[ \t\r\n\f\u00a0\u200b]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn"}


def read_html(path: Path) -> list[Block]:
    return html_blocks(decode_html(path.read_bytes(), path), path)


def read_mhtml(path: Path) -> list[Block]:
    """The page inside a single-file web archive (what Edge/IE "save as .mht" and Chrome's
    "single file" .mhtml write): its first text/html part, decoded by its own charset.

    The archive's nesting and header sizes were capped before (plan/limits.py check_mime); a
    RecursionError still met is refused like those."""
    try:
        msg = message_from_bytes(path.read_bytes(), policy=policy.compat32)
        parts = list(msg.walk())
    except RecursionError as exc:
        from sheetsync.plan.limits import MAX_MIME_MULTIPARTS, refuse

        raise refuse(path, "plan.mime_too_deep", count=f">{MAX_MIME_MULTIPARTS}", limit=MAX_MIME_MULTIPARTS) from exc
    for part in parts:
        if part.get_content_type() == "text/html":
            data = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            return html_blocks(decode_html(data, path, charset), path)
    raise SheetsyncError(t("plan.unreadable", file=path.name, reason="no text/html part"), file=str(path))


def decode_html(data: bytes, path: Path, declared: str | None = None) -> str:
    """BOM, else the charset the archive part or the page's ``<meta>`` declares, else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if declared is None:
        m = _META_CHARSET.search(data[:8192])
        declared = m.group(1).decode("ascii") if m else None
    candidates = [declared.lower()] if declared else []
    candidates = ["gb18030" if c in _GB else c for c in candidates] + ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    raise SheetsyncError(t("plan.unreadable", file=path.name, reason="encoding"), file=str(path))


def html_blocks(text: str, path: Path | None = None) -> list[Block]:
    """Paragraphs and tables of an HTML page, in reading order; a page whose tables nest deeper
    or span more grid cells than a plan's do is refused (``path`` names it)."""
    parser = _Parser(path or Path("page.html"))
    parser.feed(text)
    parser.close()
    return parser.finish()


@dataclass
class _Container:
    """The document or one table cell: finished blocks and the paragraph being written."""

    blocks: list[Block] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    nested_table: bool = False

    def flush(self, pre: bool = False) -> None:
        raw = "".join(self.buf)
        self.buf.clear()
        lines = raw.split("\n") if pre else [raw]
        for line in lines:
            line = _SPACE.sub(" ", _SOURCE_WRAP.sub("", line)).strip(" \u3000")
            if line:
                self.blocks.append(Block("para", line))


@dataclass
class _Cell:
    content: _Container
    colspan: int
    rowspan: int


@dataclass
class _Table:
    outer: _Container  # where the table's blocks go when it closes
    rows: list[list[_Cell]] = field(default_factory=list)
    row: list[_Cell] | None = None
    cell: _Cell | None = None
    number: int = 0  # the table's place among the page's tables (1 = first)


class _Parser(HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.table_count = 0  # tables started so far: a refused table is named by its number
        self.grid_cells = 0  # grid cells of the page's data tables together
        self.root = _Container()
        self.tables: list[_Table] = []
        self.skip = 0
        self.pre = 0

    @property
    def here(self) -> _Container:
        if self.tables and self.tables[-1].cell is not None:
            return self.tables[-1].cell.content
        return self.tables[-1].outer if self.tables else self.root

    # ---- events
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "table":
            here = self.here
            here.flush(self.pre > 0)
            here.nested_table = here is not self.root or here.nested_table
            self.table_count += 1
            if len(self.tables) >= MAX_TABLE_DEPTH:
                raise refuse(self.path, "plan.web_too_deep", table=self.table_count, limit=MAX_TABLE_DEPTH)
            self.tables.append(_Table(outer=here, number=self.table_count))
        elif tag == "tr" and self.tables:
            self._end_row()
            self.tables[-1].row = []
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            self._end_cell()
            if table.row is None:
                table.row = []
            a = dict(attrs)
            table.cell = _Cell(_Container(), _span(a.get("colspan")), _span(a.get("rowspan")))
        elif tag == "pre":
            self.here.flush()
            self.pre += 1
        elif tag in _BLOCK:
            self.here.flush(self.pre > 0)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr", "p", "div") and not self.skip:
            self.here.flush(self.pre > 0)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if tag not in _VOID and self.skip:
                self.skip -= 1
            return
        if self.skip:
            return
        if tag == "table" and self.tables:
            self._end_table()
        elif tag == "tr" and self.tables:
            self._end_row()
        elif tag in ("td", "th") and self.tables:
            self._end_cell()
        elif tag == "pre" and self.pre:
            self.here.flush(True)
            self.pre -= 1
        elif tag in _BLOCK:
            self.here.flush(self.pre > 0)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.here.buf.append(data)

    # ---- tables
    def _end_cell(self) -> None:
        table = self.tables[-1]
        if table.cell is None:
            return
        table.cell.content.flush(self.pre > 0)
        if table.row is None:
            table.row = []
        table.row.append(table.cell)
        table.cell = None

    def _end_row(self) -> None:
        table = self.tables[-1]
        self._end_cell()
        if table.row is not None:
            table.rows.append(table.row)
            table.row = None

    def _end_table(self) -> None:
        self._end_row()
        table = self.tables.pop()
        cells = [c for row in table.rows for c in row]
        layout = any(c.content.nested_table or len([b for b in c.content.blocks if b.kind == "para"]) > _LAYOUT_PARAS
                     or any(len(b.text) > _LONG_CELL for b in c.content.blocks) for c in cells)
        width = max((sum(c.colspan for c in row) for row in table.rows), default=0)
        if layout or len(table.rows) < 2 or width < 2:  # one row or one column: a frame, not a task table
            for c in cells:
                table.outer.blocks.extend(c.content.blocks)
            return
        slots = sum(c.colspan * c.rowspan for c in cells)
        cells_on_grid = max(slots, len(table.rows) * width)
        self.grid_cells += cells_on_grid
        check_web_grid(self.path, table.number, cells_on_grid, self.grid_cells)
        table.outer.blocks.append(Block("table", rows=_grid(table.rows)))

    def finish(self) -> list[Block]:
        while self.tables:
            self._end_table()
        self.root.flush(self.pre > 0)
        return self.root.blocks


def _span(value: str | None) -> int:
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    return min(max(n, 1), _MAX_SPAN)


def _grid(rows: list[list[_Cell]]) -> list[list[str]]:
    """Cell texts on the table's grid, a merged cell's text repeated in every slot it covers
    (as the .docx reader gives them)."""
    taken: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            text = "\n".join(b.text for b in cell.content.blocks if b.kind == "para")
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken[(r + dr, c + dc)] = text
            c += cell.colspan
            width = max(width, c)
    return [[taken.get((r, c), "") for c in range(width)] for r in range(len(rows))]
