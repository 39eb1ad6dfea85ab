"""Writing the roll-up workbook (汇总表) with XlsxWriter: native charts, text that stays text.

XlsxWriter is used in its normal mode (constant_memory drops vertical merges and pandas'
to_excel through it loses data); every string goes through ``write_string`` so a reply that
begins with "=" is shown, never evaluated.
"""

from __future__ import annotations

import math
import types
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter.workbook
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from sheetsync.core import schema
from sheetsync.core.targets import meets_target, target_cell
from sheetsync.i18n import get_lang, t
from sheetsync.rollup.compute import GAP_TYPES, Rollup, gc_paused
from sheetsync.rollup.summary import FORMAT_VERSION, pack, summary_json_bytes
from sheetsync.workbook import xlsxio, zipwrite

SHEETS = ("overview", "tasks", "units", "details", "gaps", "findings")


def sheet_title(key: str, lang: str | None = None) -> str:
    return schema.rollup_sheet(key, lang)


def write_rollup(rollup: Rollup, path: str | Path, *, lang: str | None = None) -> Path:
    """Write ``rollup`` to ``path`` atomically (temp file, then replace), with its
    machine-readable summary (:mod:`sheetsync.rollup.summary`) in the very hidden ``_sheetsync`` sheet."""
    lang = lang or get_lang()
    with gc_paused():  # a million short-lived rows and cells that form no cycles: see gc_paused
        return xlsxio.save_atomic(lambda tmp: _write(rollup, tmp, lang), Path(path))


@lru_cache(maxsize=256)
def _text(key: str, lang: str) -> str:
    """A fixed label (no fields), looked up once: some are written once per (task, unit)."""
    return t(key, lang=lang)


@lru_cache(maxsize=64)
def _status_label(key: str | None, lang: str) -> str:
    if not key:
        return t("merge.status.blank", lang=lang)
    if key in ("not_reported", "overdue"):
        return t(f"merge.status.{key}", lang=lang)
    return schema.label_for(schema.STATUSES, key, lang)


class _Book:
    """Formats shared by every sheet, and safe writers."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        base = {"font_name": xlsxio.BODY_FONT, "font_size": 11, "border": 1, "valign": "top", "text_wrap": True}
        self.header = wb.add_format({"font_name": xlsxio.HEADER_FONT, "bold": True, "bg_color": "#" + xlsxio.GREY,
                                     "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
        self.title = wb.add_format({"font_name": xlsxio.HEADER_FONT, "bold": True, "font_size": 16, "valign": "vcenter"})
        self.label = wb.add_format({**base, "bold": True, "font_name": xlsxio.HEADER_FONT})
        self.text = wb.add_format(base)
        self.num = wb.add_format({**base, "num_format": "0.##", "text_wrap": False})
        self.pct = wb.add_format({**base, "num_format": "0.0\"%\"", "text_wrap": False})
        self.red = wb.add_format({**base, "bg_color": "#" + xlsxio.RED, "font_color": "#" + xlsxio.RED_TEXT})
        self.amber = wb.add_format({**base, "bg_color": "#" + xlsxio.AMBER, "font_color": "#" + xlsxio.AMBER_TEXT})
        self.green = wb.add_format({**base, "bg_color": "#" + xlsxio.GREEN, "font_color": "#" + xlsxio.GREEN_TEXT})

    def status_fmt(self, key: str | None) -> Any:
        if key in ("not_reported", "overdue", None, "blank"):
            return self.red
        if key in ("lagging", "not_started"):
            return self.amber
        if key == "done":
            return self.green
        return self.text

    def put(self, ws: Any, r: int, c: int, value: Any, fmt: Any = None) -> None:
        """One cell of the overview (free layout); tables go through :meth:`table` instead."""
        kind, v, fmt = self.cell(value, fmt)
        if kind == "s":
            ws.write_string(r, c, v, fmt)
        elif kind == "n":
            ws.write_number(r, c, v, fmt)
        elif kind == "b":
            ws.write_boolean(r, c, v, fmt)
        else:
            ws.write_blank(r, c, None, fmt)

    def cell(self, value: Any, fmt: Any = None) -> tuple[str, Any, Any]:
        """How a value is written, the one rule for every cell: (kind, value, format).

        kind is "blank", "b" (boolean), "n" (number; default format 0.## instead of wrapped
        text) or "s": anything else becomes text, cleaned by :func:`xlsxio.safe_text` and
        written as a string, so a reply beginning with "=" is shown, never evaluated.
        """
        fmt = fmt or self.text
        if value is None or value == "":
            return "blank", None, fmt
        if isinstance(value, bool):
            return "b", value, fmt
        if isinstance(value, (int, float)) and math.isfinite(value):
            return "n", value, fmt if fmt is not self.text else self.num
        text, _ = xlsxio.safe_text(str(value))
        return "s", text, fmt

    def table(self, ws: _TableSheet, headers: list[str], widths: list[float], rows: list[list[Any]],
              fmts: list[Sequence[Any]] | None = None, first_row: int = 0, freeze_col: int = 1) -> int:
        """Header, body rows (tall enough for their wrapped text), frozen header, filter, print setup.

        Why the body is rendered here and not cell by cell through XlsxWriter: a county
        roll-up has ~2.2 million table cells, and XlsxWriter's per-cell Python (store a
        tuple, then format its XML at close) cost 8-10 us each — most of the time of a large
        merge. Each body row is rendered once to its ``<row>`` XML, with XlsxWriter's own
        shared-string table and format indices, and :class:`_TableSheet` writes those rows
        where XlsxWriter writes its cells. Values follow :meth:`cell`, the same rule as the
        overview; the sheet XML is the same as XlsxWriter's own.
        """
        ws.set_row(first_row, 30)
        for c, (h, w) in enumerate(zip(headers, widths)):
            ws.write_string(first_row, c, h, self.header)
            ws.set_column(c, c, w)
        last = first_row + len(rows)
        if rows:
            ws.body_first, ws.body_rows, ws.cell = first_row + 1, rows, self.cell
            xml = self._render(rows, fmts, widths, first_row + 1)
            while piece := "".join(islice(xml, _ROWS_PER_PIECE)):  # deflated by other cores meanwhile
                ws.body += self.wb.deflate(piece.encode())
            ws._check_dimensions(last, len(headers) - 1)  # the used range XlsxWriter reports
        ws.freeze_panes(first_row + 1, freeze_col)
        ws.autofilter(first_row, 0, max(last, first_row), len(headers) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(first_row)
        return last

    def _render(self, rows: list[list[Any]], fmts: list[Sequence[Any]] | None, widths: list[float],
                first: int) -> Iterator[str]:
        """``<row>`` XML of each body row (0-based sheet row ``first`` onwards), row by row.

        Hot loop (millions of cells): each cell is looked up in a memo per column and row of
        formats, made once per distinct value by :meth:`_cell_xml`: the row height its text
        needs, and its XML after the row number of its reference, followed by the start of the
        next cell's reference (``<c r="B``) — so a row is the memo pieces joined by its number.
        """
        n = len(widths)
        if any(len(values) != n for values in rows):
            raise ValueError("every table row has one value per column")
        starts = [f'<c r="{xl_col_to_name(c)}' for c in range(n)]
        nexts = [*starts[1:], ""]
        heights: list[dict[str, float]] = [{} for _ in widths]  # per column: text -> row height
        by_fmts: dict[tuple[Any, ...], list[dict[Any, tuple[str, float, bool]]]] = {}
        no_fmts = (None,) * n
        row_ht: dict[float, str] = {}
        spans = f"1:{n}"  # what XlsxWriter writes: every row fills every column
        shared = 0  # shared-string references served from the memo (XlsxWriter counts every one)
        for i, values in enumerate(rows):
            row_fmts = tuple(fmts[i]) if fmts else no_fmts
            memos = by_fmts.get(row_fmts)
            if memos is None:
                memos = by_fmts[row_fmts] = [{} for _ in widths]
            most = 20.0
            pieces = [starts[0]]
            for c, v in enumerate(values):
                if v is None or type(v) is str:
                    key = v
                elif type(v) in _NUMBERS and v and v == v:
                    key = (type(v), v)  # 1, 1.0 and True are equal keys but different cells
                else:  # rare: 0.0 and -0.0 are equal keys, NaN is no key; rendered each time
                    key = _UNCACHED
                hit = memos[c].get(key)
                if hit is None:
                    tail, h, is_text = self._cell_xml(v, row_fmts[c], widths[c], heights[c])
                    hit = (tail + nexts[c], h, is_text)
                    if key is not _UNCACHED:
                        memos[c][key] = hit
                elif hit[2]:
                    shared += 1
                pieces.append(hit[0])
                if hit[1] > most:
                    most = hit[1]
            ht = row_ht.get(most)
            if ht is None:  # XlsxWriter's set_row: points -> whole pixels -> points
                ht = row_ht[most] = f"{int(most * 4.0 / 3.0 + 0.5) * 0.75:.16g}"
            r = str(first + 1 + i)  # 1-based in XML
            yield f'<row r="{r}" spans="{spans}" ht="{ht}" customHeight="1">{r.join(pieces)}</row>'
        self.wb.str_table.count += shared

    def _cell_xml(self, value: Any, fmt: Any, width: float, heights: dict[str, float]) -> tuple[str, float, bool]:
        """One body cell by :meth:`cell`'s rule: (its XML after the ``<c r="A1`` of its reference,
        the row height it needs at ``width``, whether it is a shared string). ``heights``
        memoises text -> height."""
        kind, v, fmt = self.cell(value, fmt)
        s = fmt._get_xf_index()
        if kind == "blank":
            return f'" s="{s}"/>', 0.0, False
        if kind == "s":
            tail, key = f'" s="{s}" t="s"><v>{self.wb.str_table._get_shared_string_index(v)}</v></c>', v
        elif kind == "n":
            tail, key = f'" s="{s}"><v>{v:.16G}</v></c>', str(v)
        else:
            tail, key = f'" s="{s}" t="b"><v>{int(v)}</v></c>', str(v)
        h = heights.get(key)
        if h is None:
            # lines past the cap cannot change the height (each counts at least one), and the
            # 单位报送情况 cell of a city task lists hundreds
            shown = "\n".join(key.split("\n", _MAX_LINES)[:_MAX_LINES])
            h = heights[key] = xlsxio.row_height([(shown, width)], max_lines=_MAX_LINES)
        return tail, h, kind == "s"


_MAX_LINES = 25  # a body row grows to show at most this many lines
_ROWS_PER_PIECE = 8192  # body rows encoded and handed to the deflating threads at a time (2-5 MB)
_NUMBERS = (int, float)
_UNCACHED = object()  # a value rendered each time, not memoised


class _TableSheet(Worksheet):
    """An XlsxWriter worksheet whose table body arrives as rendered ``<row>`` XML, deflated.

    XlsxWriter keeps writing everything else (header row, columns, freeze panes, filter,
    print setup); the rows from ``body_first`` on are rendered by :meth:`_Book.table`, which
    hands them to the deflating threads as they are made (``body``), and :meth:`_write_rows`
    leaves a marker where :class:`_Zip` puts them. Relies on ``Worksheet._write_rows``
    (XlsxWriter 3.x) — tests read every roll-up back with openpyxl and LibreOffice.
    """

    def __init__(self) -> None:
        super().__init__()
        self.body: list[Future[zipwrite.Deflated]] = []
        self.body_first: int | None = None
        self.body_rows: list[list[Any]] = []
        self.cell: Any = None

    def _get_range_data(self, row_start: int, col_start: int, row_end: int, col_end: int) -> list[Any]:
        """Cell values for a chart's cached data, as XlsxWriter gives them from its own table.

        Why: charts carry a copy of the values they plot (the bar chart on 总览 plots 单位报送);
        viewers that do not recalculate show that copy.
        """
        first = self.body_first
        if first is None or row_end < first:
            return super()._get_range_data(row_start, col_start, row_end, col_end)
        data = super()._get_range_data(row_start, col_start, first - 1, col_end) if row_start < first else []
        for r in range(max(row_start, first), row_end + 1):
            if r - first >= len(self.body_rows):
                data.append(None)
                continue
            values = self.body_rows[r - first]
            for c in range(col_start, col_end + 1):
                if c >= len(values):
                    data.append(None)
                    continue
                kind, v, _ = self.cell(values[c])
                if kind == "n":
                    data.append(f"{v:.16g}")
                elif kind == "s":
                    data.append(v)
                elif kind == "blank":
                    data.append("")
        return data

    def _write_rows(self) -> None:
        if self.body_first is None:
            super()._write_rows()
            return
        last = self.dim_rowmax
        if any(r >= self.body_first for r in self.table) or any(r >= self.body_first for r in self.row_info):
            raise RuntimeError("cells written into a rendered table body")
        self.dim_rowmax = self.body_first - 1
        try:
            super()._write_rows()
        finally:
            self.dim_rowmax = last
        self.fh.write(self.body_marker)  # where _Zip puts the deflated body

    @property
    def body_marker(self) -> str:
        """Where the body goes in the sheet's XML; NUL is never in XML (nor in cleaned text)."""
        return f"\0sheetsync body {self.index}\0"


DEFLATE_LEVEL = 2
_THREADS = 2  # deflating threads; one alone falls behind (it waits for the GIL after each deflate call)


class _Workbook(xlsxwriter.workbook.Workbook):
    """XlsxWriter's workbook, zipped by :class:`_Zip` at zlib level :data:`DEFLATE_LEVEL` on ``pool``.

    Why: a city roll-up is ~100 MB of sheet XML. XlsxWriter writes every part to a temp file,
    reads it back and deflates it at level 6 on the calling thread once the whole workbook is
    assembled. Level 2 is several times faster for a somewhat larger file, and here the table
    bodies are deflated by ``pool`` while they are rendered, on the other core (zlib releases
    the GIL), so compression overlaps rendering (benchmarks/RESULTS.md). XlsxWriter has no option
    for either, so its own ``_store_workbook`` (3.x) runs in its ``in_memory`` mode with one
    global replaced: ``ZipFile`` by :class:`_Zip`. Nothing in xlsxwriter itself is changed.
    """

    def __init__(self, filename: str, options: dict[str, Any], pool: Executor) -> None:
        super().__init__(filename, {**options, "in_memory": True})
        self.pool = pool

    def deflate(self, data: bytes) -> list[Future[zipwrite.Deflated]]:
        return zipwrite.deflate_async(self.pool, data, DEFLATE_LEVEL)

    def _store_workbook(self) -> None:
        for ws in self.worksheets():
            if isinstance(ws, _SummarySheet):
                ws.settle()
        bodies = {ws.body_marker.encode(): ws.body for ws in self.worksheets()
                  if isinstance(ws, _TableSheet) and ws.body_first is not None}
        store = types.FunctionType(
            xlsxwriter.workbook.Workbook._store_workbook.__code__,
            {**vars(xlsxwriter.workbook), "ZipFile": partial(_Zip, pool=self.pool, level=DEFLATE_LEVEL, bodies=bodies)})
        store(self)
        if bodies:  # a later XlsxWriter zipped without _Zip: the markers are in the file
            raise RuntimeError("XlsxWriter no longer zips through ZipFile.writestr: check rollup_xlsx._Workbook")


class _SummarySheet(_TableSheet):
    """The very hidden ``_sheetsync`` sheet, its rows made and deflated on the pool (:func:`_summary_body`).

    Why: the summary of a city roll-up is ~50 MB of JSON. Deflating it, hashing it and deflating
    the sheet again hold no GIL, so they run on the other core while the tables are rendered;
    only the JSON encoder (which holds it) runs here. The rows are inline strings, not shared
    strings: ~130 cells of 32,000 characters would otherwise pass through XlsxWriter's string
    table and be escaped there. Excel and LibreOffice read both kinds alike (tested).
    """

    def __init__(self) -> None:
        super().__init__()
        self.pending: Future[tuple[int, zipwrite.Deflated]] | None = None

    def settle(self) -> None:
        """Wait for the rows (at close, after every table was rendered) and set the used range."""
        if self.pending is None:
            return
        n, piece = self.pending.result()
        self.pending = None
        done: Future[zipwrite.Deflated] = Future()
        done.set_result(piece)
        self.body_first, self.body = 0, [done]
        self._check_dimensions(0, 0)
        self._check_dimensions(n - 1, 1)


def _summary_body(raw: bytes, version: int) -> tuple[int, zipwrite.Deflated]:
    """The ``_sheetsync`` sheet's ``<row>`` XML for the summary JSON ``raw``, deflated: (rows, piece)."""
    rows = pack(raw, version)
    xml = "".join(f'<row r="{r}" spans="1:2"><c r="A{r}" t="inlineStr"><is><t>{escape(k)}</t></is></c>'
                  f'<c r="B{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c></row>'
                  for r, (k, v) in enumerate(rows, start=1))
    return len(rows), zipwrite.deflate(xml.encode("utf-8"), DEFLATE_LEVEL)


class _Zip(zipwrite.ZipWriter):
    """The ``ZipFile`` XlsxWriter writes the roll-up with: where a table sheet's XML holds its
    body marker (:meth:`_TableSheet._write_rows`), the body deflated beforehand goes instead."""

    def __init__(self, *args: Any, bodies: dict[bytes, list[Future[zipwrite.Deflated]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bodies = bodies

    def writestr(self, zinfo_or_arcname: zipfile.ZipInfo | str, data: bytes) -> None:
        if b"\0" in data:  # a table sheet: its marker
            for marker in self.bodies:
                head, found, tail = data.partition(marker)
                if found:
                    self.add(zinfo_or_arcname, [*self.deflate(head), *self.bodies.pop(marker), *self.deflate(tail)])
                    return
        super().writestr(zinfo_or_arcname, data)


def _write(rollup: Rollup, path: str, lang: str) -> None:
    pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="sheetsync-deflate")
    try:
        # the summary first: its JSON here (the encoder holds the GIL), the rest on the pool while
        # the tables are rendered; master_fingerprint: the Rollup's, when it has one
        summary = pool.submit(_summary_body, summary_json_bytes(rollup), FORMAT_VERSION)
        _build(rollup, _Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd"}, pool), lang,
               summary)
    finally:
        pool.shutdown(cancel_futures=True)


def _build(rollup: Rollup, wb: _Workbook, lang: str, summary: Future[tuple[int, zipwrite.Deflated]]) -> None:
    b = _Book(wb)
    titles = {k: sheet_title(k, lang) for k in SHEETS}
    sheets = {k: wb.add_worksheet(titles[k], worksheet_class=None if k == "overview" else _TableSheet) for k in SHEETS}
    _units(b, sheets["units"], rollup, lang)
    _overview(b, sheets["overview"], rollup, lang, titles)
    _tasks(b, sheets["tasks"], rollup, lang)
    _details(b, sheets["details"], rollup, lang)
    _gaps(b, sheets["gaps"], rollup, lang)
    _findings(b, sheets["findings"], rollup, lang)
    if getattr(rollup, "trend", None) is not None:  # built by the merge from the ledger's history
        _trend_sheet(b, wb.add_worksheet(t("trend.sheet", lang=lang)), rollup, lang)
    _summary_sheet(wb, summary)
    wb.set_properties({"title": t("rollup.title", lang=lang, region=rollup.region, plan=rollup.plan, period=rollup.period),
                       "comments": "sheetsync"})
    wb.set_custom_property("sheetsync_period", rollup.period)
    wb.set_custom_property("sheetsync_kind", "rollup")
    wb.set_custom_property("sheetsync_summary_version", str(FORMAT_VERSION))
    wb.close()


def _trend_sheet(b: _Book, ws: Any, rollup: Rollup, lang: str) -> None:
    """趋势: unit × period (按时/迟报/未报, 完成率, 较上期, 连续未报期数), task × period status and
    the across-period findings, one block under the other (see :mod:`sheetsync.rollup.trend`)."""
    tr = rollup.trend
    periods = [tr.labels[k] for k in tr.periods]
    last = len(periods) + 1  # the widest block: unit or task, the periods, one more column
    ws.set_column(0, 0, 24)
    ws.set_column(1, len(periods), 15)  # "2026年第4季度" on one line
    ws.set_column(last, last, 30)
    # titles wrap within the sheet's columns: a long plan name must not run off the printed page
    title_fmt = b.wb.add_format({"font_name": xlsxio.HEADER_FONT, "bold": True, "font_size": 16, "valign": "vcenter",
                                 "text_wrap": True})
    label_fmt = b.wb.add_format({"font_name": xlsxio.HEADER_FONT, "bold": True, "font_size": 11, "text_wrap": True,
                                 "valign": "vcenter"})
    title = t("trend.title", lang=lang, region=rollup.region, plan=rollup.plan, period=rollup.period)
    ws.merge_range(0, 0, 0, last, title, title_fmt)
    width = 24 + 15 * len(periods) + 30
    ws.set_row(0, xlsxio.row_height([(title, width / 1.6)], line_height=24))
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    r = 2

    def block(title: str, heads: list[str]) -> None:
        nonlocal r
        ws.merge_range(r, 0, r, last, title, label_fmt)
        ws.set_row(r, xlsxio.row_height([(title, width)]))
        r += 1
        for c, h in enumerate(heads):
            ws.write_string(r, c, h, b.header)
        r += 1

    unit_head = t("trend.col.unit", lang=lang)
    block(t("trend.units_reporting", lang=lang), [unit_head, *periods, t("trend.col.missing_run", lang=lang)])
    fmts = {"on_time": b.green, "late": b.amber, "missing": b.red, "reported": b.text}
    for unit in tr.units:
        b.put(ws, r, 0, unit)
        for c, k in enumerate(tr.periods, start=1):
            key = tr.reporting[unit][k]
            days = tr.late_days[unit].get(k)
            text = t("trend.late_days", lang=lang, n=days) if key == "late" and days else t(f"trend.{key}", lang=lang)
            b.put(ws, r, c, text, fmts[key])
        run = tr.missing_run[unit]
        b.put(ws, r, len(periods) + 1, run, b.red if run else b.num)
        r += 1
    r += 1
    for title, table, fmt in ((t("trend.units_rate", lang=lang), tr.rate, b.pct),
                              (t("trend.units_delta", lang=lang), tr.delta, b.num)):
        block(title, [unit_head, *periods])
        for unit in tr.units:
            b.put(ws, r, 0, unit)
            for c, k in enumerate(tr.periods, start=1):
                b.put(ws, r, c, table[unit].get(k), fmt)
            r += 1
        r += 1
    titles = {tl.task.id: tl.task.title for tl in reversed(rollup.tasks)}
    block(t("trend.tasks", lang=lang), [t("trend.col.task", lang=lang), *periods, t("trend.col.title", lang=lang)])
    for tid in tr.task_ids:
        b.put(ws, r, 0, tid)
        for c, k in enumerate(tr.periods, start=1):
            key = tr.tasks[tid][k]
            b.put(ws, r, c, _status_label(key, lang), b.status_fmt(key))
        b.put(ws, r, len(periods) + 1, titles.get(tid, ""))
        r += 1
    r += 1
    block(t("trend.findings", lang=lang), [t("trend.col.code", lang=lang), t("trend.col.message", lang=lang)])
    message_fmt = b.wb.add_format({"font_name": xlsxio.BODY_FONT, "font_size": 11, "border": 1, "valign": "top",
                                   "text_wrap": True})
    for f in tr.findings or []:
        b.put(ws, r, 0, f.code, b.amber)
        text, _ = xlsxio.safe_text(f.message)
        ws.merge_range(r, 1, r, last, text, message_fmt)  # the message across the sheet, wrapped
        ws.set_row(r, xlsxio.row_height([(text, width - 24)]))
        r += 1
    if not tr.findings:
        b.put(ws, r, 0, t("trend.none", lang=lang))
        r += 1
    r += 1
    if tr.values:
        block(t("trend.values", lang=lang), [t("trend.col.task", lang=lang), *periods, t("trend.col.title", lang=lang)])
        for tid in tr.task_ids:
            if tid not in tr.values:
                continue
            b.put(ws, r, 0, tid)
            for c, k in enumerate(tr.periods, start=1):
                total, own = tr.values[tid].get(k), tr.this_period[tid].get(k)
                text = "" if total is None else (f"{total:g}" if own == total else
                                                 t("trend.value_cell", lang=lang, total=f"{total:g}", own=f"{own:g}"))
                b.put(ws, r, c, text)
            b.put(ws, r, len(periods) + 1, titles.get(tid, ""))
            r += 1
        r += 1
    ws.freeze_panes(0, 1)


def _summary_sheet(wb: _Workbook, summary: Future[tuple[int, zipwrite.Deflated]]) -> None:
    """The very hidden ``_sheetsync`` sheet: the summary's key | value rows as text, from the pool."""
    ws = wb.add_worksheet(schema.META_SHEET, worksheet_class=_SummarySheet)
    ws.very_hidden()
    ws.pending = summary
    ws.protect("")


def _overview(b: _Book, ws: Any, rollup: Rollup, lang: str, titles: dict[str, str]) -> None:
    h = rollup.headline()
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 26)
    ws.set_row(0, 32)
    ws.write_string(0, 0, t("rollup.title", lang=lang, region=rollup.region, plan=rollup.plan, period=rollup.period), b.title)
    values = {**h, "period": rollup.period, "as_of": rollup.as_of.isoformat(),
              "generated": rollup.generated.isoformat(sep=" "), "gaps": len(rollup.gaps)}
    items = [(key, values[key]) for key in schema.ROLLUP_OVERVIEW_ITEMS]
    ws.write_string(2, 0, schema.rollup_column("item", lang), b.header)
    ws.write_string(2, 1, schema.rollup_column("value", lang), b.header)
    fmt_for = {"units_missing": b.red if h["units_missing"] else b.green, "overdue": b.red if h["overdue"] else None,
               "lagging": b.amber if h["lagging"] else None, "done": b.green}
    for i, (key, value) in enumerate(items, start=3):
        b.put(ws, i, 0, t(f"rollup.head.{key}", lang=lang), b.label)
        fmt = b.pct if key == "completion_rate" else fmt_for.get(key)
        b.put(ws, i, 1, value, fmt)
    # status distribution table for the pie chart
    status_keys = ["done", "in_progress", "ongoing", "lagging", "overdue", "not_started", "not_reported"]
    top = len(items) + 5
    ws.write_string(top, 0, schema.rollup_column("status", lang), b.header)
    ws.write_string(top, 1, schema.rollup_column("tasks", lang), b.header)
    for i, k in enumerate(status_keys, start=1):
        b.put(ws, top + i, 0, t(f"rollup.head.{k}", lang=lang), b.text)
        ws.write_number(top + i, 1, h[k], b.num)
    sheet = titles["overview"]
    pie = b.wb.add_chart({"type": "pie"})
    pie.add_series({"name": t("rollup.chart.status", lang=lang),
                    "categories": [sheet, top + 1, 0, top + len(status_keys), 0],
                    "values": [sheet, top + 1, 1, top + len(status_keys), 1],
                    "data_labels": {"value": True},
                    "points": [{"fill": {"color": c}} for c in
                               ("#63BE7B", "#5B9BD5", "#A9D08E", "#FFC000", "#C00000", "#BFBFBF", "#7F7F7F")]})
    pie.set_title({"name": t("rollup.chart.status", lang=lang)})
    ws.insert_chart(2, 3, pie, {"x_scale": 1.1, "y_scale": 1.1})
    n = len(rollup.units)
    if n:
        units_sheet = titles["units"]
        bar = b.wb.add_chart({"type": "bar"})
        bar.add_series({"name": t("rollup.chart.completion", lang=lang),
                        "categories": [units_sheet, 1, 0, n, 0], "values": [units_sheet, 1, 13, n, 13],
                        "fill": {"color": "#5B9BD5"}, "data_labels": {"value": True, "num_format": "0\"%\""}})
        bar.set_title({"name": t("rollup.chart.completion", lang=lang)})
        bar.set_x_axis({"min": 0, "max": 100, "num_format": "0\"%\""})
        bar.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 8}})
        bar.set_legend({"none": True})
        bar.set_size({"width": 720, "height": max(320, 20 * n + 100)})
        ws.insert_chart(20, 3, bar)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()


def _tasks(b: _Book, ws: Any, rollup: Rollup, lang: str) -> None:
    keys = ["id", "title", "lead", "deadline", "status", "progress", "target", "value_sum", "target_unit",
            "reported", "unit_statuses", "coverage"]
    widths = [11, 30, 18, 14, 10, 10, 9, 10, 9, 10, 46, 14]
    rows, fmts = [], []
    not_reported = _text("merge.status.not_reported", lang)
    # a city task lists hundreds of units: role labels are looked up once, and each (status,
    # progress) is labelled once (not progress 0, which may be -0.0, nor NaN: equal keys that read
    # differently)
    roles = {role: _text(f"rollup.role.{role}", lang) for role in ("lead", "co")}
    states: dict[tuple[str | None, float | None], str] = {}
    below_tasks = {g.task_id for g in rollup.gaps if g.type == "sub_incomplete"}  # 下级未全报: amber
    for tl in rollup.tasks:
        lines = []
        for u, role in tl.assignments:
            row = tl.rows.get(u)
            if row is None:
                state = not_reported
            else:
                key = (row.status, row.progress)
                state = states.get(key)
                if state is None:
                    state = _status_label(row.status, lang)
                    if row.progress is not None:
                        state += f" {row.progress:.0f}%"
                    if row.progress is None or (row.progress and row.progress == row.progress):
                        states[key] = state
            lines.append(f"{u}（{roles.get(role) or _text('rollup.role.' + role, lang)}）：{state}")
        per_unit = "\n".join(lines)
        rows.append([tl.task.id, tl.task.title, tl.lead, tl.task.deadline, _status_label(tl.headline_status, lang),
                     tl.progress, target_cell(tl.task.target, tl.task.target_op), tl.value_sum, tl.task.target_unit,
                     f"{tl.units_reported}/{tl.units_expected}", per_unit, tl.coverage])
        f: list[Any] = [None] * len(keys)
        f[11] = b.amber if tl.coverage and tl.task.id in below_tasks else None
        f[4] = b.status_fmt(tl.headline_status)
        below = (tl.task.target is not None and tl.value_sum is not None
                 and not meets_target(tl.value_sum, tl.task.target, tl.task.target_op))
        f[7] = b.amber if below else None
        rows[-1][5] = None if tl.progress is None else round(tl.progress, 1)
        fmts.append(f)
    b.table(ws, [schema.rollup_column(k, lang) for k in keys], widths, rows, fmts, freeze_col=2)


def _units(b: _Book, ws: Any, rollup: Rollup, lang: str) -> None:
    keys = ["unit", "reported", "file", "received_at", "superseded", "tasks", "done", "overdue", "problems", "blank",
            "findings", "reporter", "phone", "completion", "late_days"]
    widths = [24, 8, 44, 18, 8, 8, 8, 8, 8, 8, 8, 10, 14, 10, 10]
    rows, fmts = [], []
    for u in rollup.units:
        completion = round(100.0 * u.done / u.tasks, 1) if u.tasks else 0.0
        rows.append([u.unit, t("rollup.yes" if u.reported else "rollup.no", lang=lang), Path(u.file).name if u.file else "",
                     u.received_at.replace("T", " "), u.superseded, u.tasks, u.done, u.overdue, u.problems, u.blank,
                     u.findings, u.reporter, u.phone, completion, u.late_days])
        f: list[Any] = [None] * len(keys)
        f[1] = b.green if u.reported else b.red
        f[7] = b.red if u.overdue else None
        f[8] = b.amber if u.problems else None
        f[9] = b.amber if u.blank else None
        f[13] = b.pct
        f[14] = b.amber if u.late_days else None
        fmts.append(f)
    b.table(ws, [schema.rollup_column(k, lang) for k in keys], widths, rows, fmts)


def _details(b: _Book, ws: Any, rollup: Rollup, lang: str) -> None:
    keys = ["id", "title", "unit", "role", "status", "progress", "value", "progress_text", "problems", "next_steps",
            "evidence", "file", "row"]
    widths = [11, 26, 20, 7, 10, 9, 9, 40, 28, 28, 18, 30, 6]
    rows, fmts = [], []
    # one row per task x unit (120k in a city): labels, file names and each status's row of
    # formats are looked up once, not per row
    roles = {role: _text(f"rollup.role.{role}", lang) for role in ("lead", "co")}
    names: dict[str, str] = {}
    statuses: dict[str, tuple[str, tuple[Any, ...]]] = {}
    for task, unit, role, row, file in rollup.details:
        if row is None:
            continue
        role_label = roles.get(role) or _text(f"rollup.role.{role}", lang)
        name = names.get(file)
        if name is None:
            name = names[file] = Path(file).name if file else ""
        status = statuses.get(row.status)
        if status is None:
            f: list[Any] = [None] * len(keys)
            f[4] = b.status_fmt(row.status) if row.status else None
            status = statuses[row.status] = (_status_label(row.status, lang) if row.status else "", tuple(f))
        rows.append([task.id, task.title, unit, role_label, status[0], row.progress, row.value, row.progress_text,
                     row.problems, row.next_steps, row.evidence, name, row.row])
        fmts.append(status[1])
    b.table(ws, [schema.rollup_column(k, lang) for k in keys], widths, rows, fmts, freeze_col=3)


def _gaps(b: _Book, ws: Any, rollup: Rollup, lang: str) -> None:
    keys = ["gap_type", "id", "title", "gap_unit", "detail", "severity"]
    widths = [14, 11, 30, 22, 56, 8]
    rows, fmts = [], []
    kinds: dict[str, tuple[str, str, tuple[Any, ...]]] = {}  # gap type -> labels and row formats, once
    for g in rollup.gaps:
        kind = kinds.get(g.type)
        if kind is None:
            fmt = b.red if g.severity == "high" else b.amber
            kind = kinds[g.type] = (t(f"merge.gap.{g.type}", lang=lang), t(f"rollup.severity.{GAP_TYPES[g.type]}", lang=lang),
                                    (fmt, None, None, None, None, fmt))
        rows.append([kind[0], g.task_id, g.task_title, g.unit, g.detail, kind[1]])
        fmts.append(kind[2])
    b.table(ws, [schema.rollup_column(k, lang) for k in keys], widths, rows, fmts, freeze_col=2)


def _findings(b: _Book, ws: Any, rollup: Rollup, lang: str) -> None:
    keys = ["file", "unit", "outcome", "location", "code", "message"]
    widths = [40, 20, 12, 14, 20, 70]
    rows, fmts = [], []
    for fl in rollup.files:
        items = fl.findings or []
        name, outcome = Path(fl.file).name, _text(f"merge.outcome.{fl.outcome}", lang)
        if not items:
            rows.append([name, fl.unit, outcome, "", "", ""])
            fmts.append([None] * 6)
        for f in items:
            rows.append([name, fl.unit, outcome, f.location, f.code, f.message])
            sev = b.red if f.severity == "error" else b.amber if f.severity == "warning" else None
            fmts.append([None, None, b.red if fl.outcome == "rejected" else None, None, sev, None])
    b.table(ws, [schema.rollup_column(k, lang) for k in keys], widths, rows, fmts)
