"""What happens when a button of the 任务汇总 tab is clicked.

VBA calls :func:`dispatch` with the button id (and the path picked in a dialog). Handlers take
the workbook the user has open (``xw.Book.caller()``), read it *live* — unsaved edits included —
through :func:`live_grids`, call the same core functions as the command line and show the result
in Excel: coloured cells with notes, a results sheet, a message box. Every exception ends in a
message that says what went wrong and what to do; nothing is swallowed.

Only xlwings' portable API is used, so the same code runs on Windows Excel (COM) and on
xlwings' remote engine, which is what the tests drive.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding, Master
from sheetsync.i18n import both, t
from sheetsync.ribbon.buttons import Button, button
from sheetsync.ribbon.sheets import (
    AMBER,
    BLUE,
    RED,
    clear_note,
    find_own,
    fresh_sheet,
    own_sheet_names,
    set_note,
)
from sheetsync.workbook.headers import Grid

Handler = Callable[..., str]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _colours() -> dict[str, tuple[int, int, int]]:
    """Fill per severity: the same colours as ``sheetsync check --annotate`` uses."""
    return {"error": RED, "warning": AMBER, "info": BLUE}


# ---------------------------------------------------------------- entry point
def dispatch(button_id: str, path_hex: str = "") -> None:
    """Run the button ``button_id`` on the calling workbook; called from VBA via RunPython.

    ``path_hex`` is the path chosen in the button's dialog as hex of UTF-16-BE code units (see
    macros/SheetsyncRibbon.bas): the command line xlwings builds cannot carry quotes, ``%`` or
    every code page's characters safely.
    """
    import xlwings as xw

    book = xw.Book.caller()
    try:
        try:
            message = run_button(book, button_id, decode_path(path_hex))
        except OSError as exc:  # a file-system fault on a named path no stage worded: said like the CLI says it
            if not exc.filename:
                raise  # no path to name: shown as unexpected, with its log
            from sheetsync.core.outputs import os_error

            raise os_error(exc) from exc
    except SheetsyncError as exc:
        text = exc.message + ("\n\n" + t("ribbon.error.what_to_do", hint=exc.hint) if exc.hint else "")
        _show(book, text, t("ribbon.error.title"), "critical")
    except Exception as exc:  # a bug or an environment problem: say so, keep the traceback
        log = _write_log(button_id)
        label = _label(button_id)
        _show(book, t("ribbon.error.unexpected", button=label, error=f"{type(exc).__name__}: {exc}", log=log),
              t("ribbon.error.title"), "critical")
    else:
        if message:
            _show(book, message, t("ribbon.title"), "info")


def decode_path(path_hex: str) -> str:
    return bytes.fromhex(path_hex).decode("utf-16-be") if path_hex else ""


def run_button(book: Any, button_id: str, path: str = "") -> str:
    """Resolve and run a button's handler; returns the message to show. Raises on failure."""
    try:
        b = button(button_id)
    except KeyError:
        raise SheetsyncError(t("ribbon.error.unknown_button", button=button_id)) from None
    handler = resolve_handler(b)
    if b.needs == "none":
        return handler(book)
    kind = t(f"ribbon.error.kind.{b.needs}")
    if not path:
        raise SheetsyncError(t("ribbon.error.needs_path", button=b.label(), kind=kind), hint=t("ribbon.error.path_hint"))
    p = Path(path)
    if not (p.is_file() if b.needs == "file" else p.is_dir()):
        raise SheetsyncError(t("ribbon.error.path_missing", kind=kind, path=path), hint=t("ribbon.error.path_hint"))
    return handler(book, p)


def resolve_handler(b: Button) -> Handler:
    """The function behind ``b.handler``.

    Every registered button has its handler (a test resolves them all), so a failure here means
    the add-in and the installed sheetsync do not match — said so, with the fix.
    """
    module, _, attr = b.handler.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        raise SheetsyncError(t("ribbon.error.handler_missing", button=b.label(), module=b.handler)) from None


def _label(button_id: str) -> str:
    try:
        return button(button_id).label()
    except KeyError:
        return button_id


def _write_log(button_id: str) -> str:
    """Save the traceback where support can ask for it; the message box shows the path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"sheetsync-{button_id}-{stamp}.log"
    text = traceback.format_exc()
    try:
        path.write_text(text, encoding="utf-8")
    except OSError:
        sys.stderr.write(text)
        return "-"
    return str(path)


def _show(book: Any, text: str, title: str, mode: str) -> None:
    """A message box in Excel. If even that fails, stderr and a non-zero exit make xlwings'
    VBA show the text instead (RunPython reports a failed Python run in its own message box)."""
    try:
        book.app.alert(text, title=title, mode=mode)
    except Exception:
        sys.stderr.write(f"{title}\n{text}\n")
        raise SystemExit(1) from None


# ---------------------------------------------------------------- reading the live workbook
def live_grids(book: Any) -> dict[str, Grid]:
    """Every sheet of the open workbook as a 2-D list anchored at A1, as the file reader gives.

    Values come from Excel itself, so unsaved edits are included. Merged ranges carry their
    top-left value in every cell (as :func:`sheetsync.master.workbook.load_grids` does) where the engine
    can say which cells are merged. Our own results sheet is left out.
    """
    grids: dict[str, Grid] = {}
    own = own_sheet_names()
    for sheet in book.sheets:
        if sheet.name in own:
            continue
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        grid: Grid = [list(row) for row in values] if values else []
        if len(grid) == 1 and all(v is None for v in grid[0]):
            grid = []
        for top, bottom, left, right in merged_areas(sheet, last.row, last.column):
            value = grid[top - 1][left - 1]
            for r in range(top, min(bottom, len(grid)) + 1):
                for c in range(left, min(right, len(grid[r - 1])) + 1):
                    grid[r - 1][c - 1] = value
        grids[sheet.name] = grid
    return grids


def merged_areas(sheet: Any, nrows: int, ncols: int) -> list[tuple[int, int, int, int]]:
    """(top, bottom, left, right) of the merged areas within A1:(nrows, ncols).

    Asks Excel per block whether it holds merged cells and halves blocks that do, so a sheet
    without merges costs one call. Engines that cannot tell (xlwings' remote engine reads merges
    only asynchronously) give no areas: their values are then used as they are.
    """
    found: set[tuple[int, int, int, int]] = set()

    def visit(r1: int, c1: int, r2: int, c2: int) -> None:
        merged = sheet.range((r1, c1), (r2, c2)).merge_cells
        if merged is False:
            return
        if merged is True:  # every cell is merged: done if one area covers the block
            area = sheet.range((r1, c1)).merge_area
            box = (area.row, area.last_cell.row, area.column, area.last_cell.column)
            if box[0] <= r1 and box[1] >= r2 and box[2] <= c1 and box[3] >= c2:
                found.add(box)
                return
        if r1 == r2 and c1 == c2:
            return
        if r2 - r1 >= c2 - c1:
            mid = (r1 + r2) // 2
            visit(r1, c1, mid, c2)
            visit(mid + 1, c1, r2, c2)
        else:
            mid = (c1 + c2) // 2
            visit(r1, c1, r2, mid)
            visit(r1, mid + 1, r2, c2)

    if nrows < 1 or ncols < 1:
        return []
    try:
        visit(1, 1, nrows, ncols)
    except NotImplementedError:
        return []
    return sorted(b for b in found if (b[0], b[2]) != (b[1], b[3]))


def live_master(book: Any) -> Master:
    """The open workbook as a :class:`Master`, read the way ``sheetsync check`` reads the file."""
    return live_read(book)[1]


def live_read(book: Any) -> tuple[dict[str, Grid], Master]:
    """The grids and the master read from them: writers into the master need both (free rows)."""
    from sheetsync.master.workbook import master_from_grids

    grids = live_grids(book)
    return grids, master_from_grids(grids, path=Path(book.fullname))


# ---------------------------------------------------------------- 校验主表
def _note_marker() -> str:
    return t("ribbon.note_prefix")


def _clear_mark(cell: Any) -> None:
    """Undo a previous run's mark: no fill, and our part of the note removed."""
    cell.color = None
    clear_note(cell, _note_marker())


def previous_marks(sheet: Any) -> list[tuple[str, str]]:
    """(sheet, cell) listed in the 位置 column (C) of an earlier results sheet of ours."""
    values = sheet.used_range.options(ndim=2).value or []
    if not values or len(values[0]) < 3 or values[0][2] not in both("check.col.location"):
        return []
    out = []
    for row in values[1:]:
        loc = row[2] if len(row) > 2 else None
        if isinstance(loc, str) and "!" in loc:
            s, c = loc.rsplit("!", 1)
            out.append((s, c))
    return out


def check_master(book: Any) -> str:
    """校验主表: colour and annotate every cell ``sheetsync check`` reports, list all findings."""
    from sheetsync.master.check import check_report

    grids, master = live_read(book)
    report = check_report(master, grids)
    show_findings(book, report.findings)
    if not report.findings:
        return t("ribbon.check.clean")
    counts = report.counts
    return t("ribbon.check.summary", errors=counts["error"], warnings=counts["warning"], infos=counts["info"],
             sheet=t("check.results_sheet"))


def show_findings(book: Any, findings: list[Finding]) -> None:
    """Mark finding cells (fill + note) and (re)write the 校验结果 sheet."""
    names = [s.name for s in book.sheets]
    results = find_own(book, "check.results_sheet")
    if results is not None:
        for sheet_name, cell in previous_marks(results):
            if sheet_name in names:
                _clear_mark(book.sheets[sheet_name][cell])
    results = fresh_sheet(book, "check.results_sheet", results)

    colours = _colours()
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in names and f.cell:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    marker = _note_marker()
    for (sheet_name, cell), fs in by_cell.items():
        worst = min((f.severity for f in fs), key=lambda s: SEVERITY_ORDER.get(s, 3))
        rng = book.sheets[sheet_name][cell]
        rng.color = colours.get(worst, colours["info"])
        set_note(rng, "\n".join(f"[{t('check.severity.' + f.severity)}] {f.message}" for f in fs)[:2000], marker)

    ordered = sorted(findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    header = [t("check.col.severity"), t("check.col.code"), t("check.col.location"), t("check.col.message"),
              t("check.col.suggestions")]
    rows = [[t("check.severity." + f.severity), f.code, f.location, f.message, "、".join(f.suggestions)]
            for f in ordered]
    results["A1"].value = [header, *rows]
    results["A1:E1"].font.bold = True
    for r, f in enumerate(ordered, start=2):
        if f.severity in ("error", "warning"):
            results[f"A{r}"].color = colours[f.severity]
    results.activate()


# ---------------------------------------------------------------- 使用说明 / 设置
def show_help(book: Any) -> str:
    """使用说明: the whole loop in one message."""
    return t("ribbon.help.text")


def show_settings(book: Any) -> str:
    """设置: add the setting rows the master lacks to its 设置 sheet, show it, and say which
    Python the add-in runs (the first thing support asks)."""
    import xlwings

    from sheetsync import __version__

    names = [s.name for s in book.sheets]
    spellings = schema.SETTINGS.name.spellings()
    sheet_name = next((n for n in names if n in spellings), None)
    if sheet_name is None:
        sheet = book.sheets.add(schema.SETTINGS.name.text(), after=book.sheets[len(names) - 1])
        sheet["A1"].value = [[t("ribbon.settings.key"), t("ribbon.settings.value")]]
        sheet["A1:B1"].font.bold = True
        present: set[str] = set()
        next_row = 2
    else:
        sheet = book.sheets[sheet_name]
        values = sheet.used_range.options(ndim=2).value or [[]]
        present = {str(row[0]).strip() for row in values if row and row[0] is not None}
        next_row = sheet.used_range.last_cell.row + 1
    missing = [k.text() for k in schema.SETTING_KEYS if not present.intersection(k.spellings())]
    if missing:
        sheet[f"A{next_row}"].value = [[m] for m in missing]
    sheet.activate()
    done = (t("ribbon.settings.added", sheet=sheet.name, count=len(missing)) if missing
            else t("ribbon.settings.complete", sheet=sheet.name))
    return done + "\n\n" + t("ribbon.settings.python", python=sys.executable, version=__version__,
                             xlwings=xlwings.__version__)


# ---------------------------------------------------------------- 生成填报表
def make_returns(book: Any, folder: Path) -> str:
    """生成填报表: one return workbook per unit from the open master (unsaved edits included).

    The policy is the library's (:func:`sheetsync.split.workbook.split_master` refuses a master
    with check errors); here the refusal also marks the cells, and the ribbon offers no override
    (the clerk fixes the cells; ``sheetsync split --force`` exists for the exceptional case).
    """
    from sheetsync.split.workbook import MasterHasErrors, split_master

    master = live_master(book)
    try:
        result = split_master(master, folder)
    except MasterHasErrors as exc:
        show_findings(book, exc.report.findings)
        raise SheetsyncError(t("ribbon.split.has_errors", errors=len(exc.report.errors)) + "\n" + exc.message,
                             hint=t("ribbon.split.fix_first")) from None
    text = t("ribbon.split.done", count=len(result.workbooks), folder=str(result.outdir),
             list=str(result.distribution_list or ""))
    if result.units_without_tasks:
        text += "\n" + t("ribbon.split.no_tasks", units="、".join(result.units_without_tasks))
    return text
