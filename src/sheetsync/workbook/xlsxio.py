"""Small helpers for the workbooks we write with openpyxl: styles staff expect, text that
stays text, atomic saves.

Why here: the master, the annotated copy, the return workbooks and the roll-up all need the
same header look, column widths, wrapped rows and formula-safe text; writing them once keeps
every file consistent and every rule (e.g. "a string starting with = is text") in one place.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sheetsync.core.textnorm import has_control_chars, strip_control_chars

EXCEL_MAX_TEXT = 32767
HEADER_FONT = "黑体"
BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"

# colours used in every workbook: red = missing/overdue/error, amber = lagging/warning, green = done
RED = "FFC7CE"
AMBER = "FFEB9C"
GREEN = "C6EFCE"
GREY = "D9D9D9"
BLUE = "DDEBF7"
RED_TEXT = "9C0006"
AMBER_TEXT = "9C5700"
GREEN_TEXT = "006100"


def safe_text(value: Any) -> tuple[Any, list[str]]:
    """A value ready for a cell, and what had to change (``control-chars``, ``text-too-long``).

    Control characters are removed (Excel refuses them) and text longer than Excel's 32,767
    characters is cut — both reported by the caller, never silent.
    """
    problems: list[str] = []
    if isinstance(value, str):
        if has_control_chars(value):
            value = strip_control_chars(value)
            problems.append("control-chars")
        if len(value) > EXCEL_MAX_TEXT:
            value = value[:EXCEL_MAX_TEXT]
            problems.append("text-too-long")
    return value, problems


def set_value(cell: Any, value: Any) -> Any:
    """Write ``value`` keeping text as text: openpyxl turns any string starting with "=" into a formula."""
    value, _ = safe_text(value)
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def write_cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """XlsxWriter's :func:`set_value` (0-based): text always through ``write_string``.

    Why: ``ws.write`` guesses from the content and makes a reply beginning with "=" a formula;
    numbers stay numbers, and an empty value is a blank cell that still carries ``fmt`` (the
    unlocked, bordered input cells of a return are exactly such cells).
    """
    value, _ = safe_text(value)
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, value if isinstance(value, str) else str(value), fmt)


def display_width(text: str) -> int:
    """Columns a string takes in Excel's width units: CJK characters count double."""
    if text.isascii():
        return len(text)
    n = len(text) + len(_bmp_wide().findall(text))
    if max(text) > "\uffff":  # rare: characters beyond the BMP, checked one by one
        n += sum(1 for ch in text if ord(ch) > 0xFFFF and unicodedata.east_asian_width(ch) in "WF")
    return n


@functools.lru_cache(maxsize=1)
def _bmp_wide() -> re.Pattern[str]:
    """A character class of the wide (W/F) characters of the BMP, built once from unicodedata.

    Why: row heights of a 120k-row roll-up measured every character in Python; one regex
    pass per string gives the same numbers in a fraction of the time.
    """
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        if unicodedata.east_asian_width(chr(cp)) in "WF":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")


def row_height(texts: Iterable[tuple[str, float]], line_height: float = 16.0, max_lines: int = 25) -> float:
    """Height that shows wrapped text fully: ``texts`` are (text, column width) pairs."""
    lines = 1
    for text, width in texts:
        if not text:
            continue
        usable = max(width - 1.5, 4)
        n = sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))
        lines = max(lines, n)
    return min(lines, max_lines) * line_height + 4


def styles() -> dict[str, Any]:
    """openpyxl style objects, built lazily (openpyxl import is slow)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "title": Font(name=TITLE_FONT, size=16, bold=True),
        "header_font": Font(name=HEADER_FONT, size=11, bold=True),
        "header_fill": PatternFill("solid", fgColor=GREY),
        "locked_fill": PatternFill("solid", fgColor="F2F2F2"),
        "input_fill": PatternFill("solid", fgColor="FFFFFF"),
        "body_font": Font(name=BODY_FONT, size=11),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "wrap": Alignment(vertical="top", wrap_text=True),
        "top": Alignment(vertical="top"),
    }


def fill(color: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color)


def write_header(ws: Any, row: int, labels: Sequence[str], widths: Sequence[float] | None = None) -> None:
    from openpyxl.utils import get_column_letter

    st = styles()
    for i, label in enumerate(labels, start=1):
        c = ws.cell(row=row, column=i)
        set_value(c, label)
        c.font, c.fill, c.border, c.alignment = st["header_font"], st["header_fill"], st["border"], st["center"]
        if widths:
            ws.column_dimensions[get_column_letter(i)].width = widths[i - 1]
    ws.row_dimensions[row].height = 30


def write_rows(ws: Any, first_row: int, rows: Iterable[Sequence[Any]], widths: Sequence[float],
               wrap: Sequence[bool] | None = None) -> int:
    """Body rows with borders, wrapping and heights that show the text; returns the next free row."""
    st = styles()
    ids = style_ids(ws, font=st["body_font"], border=st["border"])
    wrap_id, top_id = style_ids(ws, alignment=st["wrap"])["alignmentId"], style_ids(ws, alignment=st["top"])["alignmentId"]
    r = first_row
    for values in rows:
        for i, v in enumerate(values, start=1):
            c = ws.cell(row=r, column=i)
            set_value(c, v)
            apply_style(c, ids)
            c._style.alignmentId = wrap_id if (wrap is None or wrap[i - 1]) else top_id
        ws.row_dimensions[r].height = row_height(
            (str(v) if v is not None else "", widths[i]) for i, v in enumerate(values) if i < len(widths)
        )
        r += 1
    return r


def style_ids(ws: Any, **parts: Any) -> dict[str, int]:
    """Register openpyxl style objects once; ``{"fontId": 3, …}`` for :func:`apply_style`.

    Why: ``cell.font = f`` makes openpyxl hash and look up ``f`` in the workbook's style list
    on every assignment — that was most of a county split's time. Looking it up once per
    workbook and setting the ids on each cell's style array writes the same file.
    """
    wb = ws.parent
    collections = {"font": ("_fonts", "fontId"), "fill": ("_fills", "fillId"), "border": ("_borders", "borderId"),
                   "alignment": ("_alignments", "alignmentId"), "protection": ("_protections", "protectionId")}
    out: dict[str, int] = {}
    for key, value in parts.items():
        coll, attr = collections[key]
        out[attr] = getattr(wb, coll).add(value)
    return out


def apply_style(cell: Any, ids: dict[str, int]) -> None:
    """Set the style ids from :func:`style_ids` on ``cell``, leaving its other style parts alone."""
    sa = cell._style
    if sa is None:
        from openpyxl.styles.cell_style import StyleArray

        sa = cell._style = StyleArray()
    for attr, idx in ids.items():
        setattr(sa, attr, idx)


def finish_table(ws: Any, header_row: int, last_row: int, ncols: int, freeze_col: int = 1) -> None:
    """Freeze panes below the header, filters on the header, landscape print fitting the width."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = ws.cell(row=header_row + 1, column=freeze_col)
    if last_row >= header_row:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{max(last_row, header_row)}"
    print_setup(ws, header_row)


def print_setup(ws: Any, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.horizontalCentered = True


def save_atomic(wb: Any, path: Path, retries: int = 3, wait: float = 1.0) -> Path:
    """Save next to the target then replace it: a crash never leaves a half-written file.

    On Windows a file open in Excel cannot be replaced; we retry a few times, then raise a
    clear :class:`LockedError` naming the file. A full disk is a :class:`SheetsyncError`
    naming the file; the previous version stays as it was and the temp file is removed.
    """
    import errno

    from sheetsync.core.errors import LockedError, SheetsyncError
    from sheetsync.i18n import t

    path = Path(path)
    from sheetsync.core.outputs import make_parent

    make_parent(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{temp_stem(path.stem)}.", suffix=".tmp.xlsx", dir=path.parent)
    os.close(fd)
    try:
        try:
            if hasattr(wb, "save"):
                wb.save(tmp)
                own_comment_id_blocks(Path(tmp))
            else:  # a callable writing to the path (XlsxWriter workbooks are bound to a filename)
                wb(tmp)
            with open(tmp, "r+b") as fh:  # Windows' fsync (_commit) needs a handle open for writing
                os.fsync(fh.fileno())
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                raise SheetsyncError(t("core.disk_full", file=str(path)), file=str(path)) from exc
            raise
        if os.environ.get("SHEETSYNC_TEST_PAUSE_BEFORE_REPLACE"):
            _test_pause(path)
        for attempt in range(retries):
            try:
                os.replace(tmp, path)
                return path
            except PermissionError:
                if attempt == retries - 1:
                    raise LockedError(t("core.file_locked", file=str(path)), file=str(path)) from None
                time.sleep(wait)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path


_VML = re.compile(r"xl/drawings/[^/]+\.vml$")


def own_comment_id_blocks(path: Path) -> bool:
    """Give each sheet's comment drawing its own VML id block and shape ids, in place.

    Why: openpyxl writes every comment drawing with ``o:idmap data="1"`` and shape ids from
    ``_x0000_s1026``, so a workbook with notes on two sheets has two drawings claiming one block;
    Excel then offers to repair the file and may drop notes. Excel's own files number block N's
    shapes from N×1024. Returns whether anything was rewritten (a workbook with at most one
    drawing is left as it is)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        drawings = sorted((i.filename for i in infos if _VML.match(i.filename)), key=_natural)
        if len(drawings) < 2:
            return False
        parts = {i.filename: zf.read(i.filename) for i in infos}
    for block, name in enumerate(drawings, start=1):
        text = parts[name].decode("utf-8")
        text = re.sub(r'(<(?:\w+:)?idmap\b[^>]*?\bdata=")[^"]*(")', rf"\g<1>{block}\g<2>", text)
        text = re.sub(r'(\bid="_x0000_s)(\d+)(")', lambda m, n=block: f"{m[1]}{int(m[2]) % 1024 + 1024 * n}{m[3]}", text)
        parts[name] = text.encode("utf-8")
    tmp = path.with_name(path.name + ".vml")
    with zipfile.ZipFile(tmp, "w") as out:
        for info in infos:
            out.writestr(info, parts[info.filename], compress_type=info.compress_type)
    os.replace(tmp, path)
    return True


def _natural(name: str) -> tuple[int, str]:
    digits = re.findall(r"\d+", name)
    return (int(digits[-1]) if digits else 0, name)


def _test_pause(path: Path) -> None:
    """Test seam (tests/merge/test_robustness_process.py), read only when the variable is set.

    ``SHEETSYNC_TEST_PAUSE_BEFORE_REPLACE=<seconds>`` stops a save after the temp file is
    written and before it replaces ``path``, and says so on stderr, so a test can kill the
    process in that window (kill -9) or start a second merge while the first holds the lock;
    the pause ends early once the file named by ``SHEETSYNC_TEST_RESUME`` exists.
    """
    import sys

    seconds = float(os.environ.get("SHEETSYNC_TEST_PAUSE_BEFORE_REPLACE") or 0)
    resume = os.environ.get("SHEETSYNC_TEST_RESUME", "")
    sys.stderr.write(f"sheetsync-test: paused before replacing {path}\n")
    sys.stderr.flush()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (resume and os.path.exists(resume)):
        time.sleep(0.02)


TEMP_STEM_BYTES = 100  # of a temporary file's name: a legal 250-byte output name plus ours stays within 255


def temp_stem(stem: str) -> str:
    """``stem`` cut to :data:`TEMP_STEM_BYTES` UTF-8 bytes for a temporary file beside the output
    (a long Chinese file name is three bytes a character; the system refuses names over 255)."""
    while len(stem.encode("utf-8")) > TEMP_STEM_BYTES:
        stem = stem[:-1]
    return stem


def clean_stale_temps(folder: Path, stem: str, older_than: float = 0.0) -> list[Path]:
    """Remove temp files a killed save left behind (``.{stem}.*.tmp.xlsx``, stem as :func:`temp_stem` cuts it)."""
    import glob

    removed = []
    now = time.time()
    for p in Path(folder).glob(f".{glob.escape(temp_stem(stem))}.*.tmp.xlsx"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime >= older_than:
                p.unlink()
                removed.append(p)
    return removed
