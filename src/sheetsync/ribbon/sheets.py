"""Presenting results in the open workbook: our own results sheets, fills, notes, the saved master.

Every handler shows its outcome the same way — a sheet of ours with one row per file, message or
task, coloured status cells, notes marked as ours — so these pieces live here once. Only xlwings'
portable API is used (COM on Windows, the remote engine in the tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master
from sheetsync.i18n import both, t
from sheetsync.workbook import xlsxio

#: i18n keys of the sheets the add-in writes into a master; never read as part of the master
OWN_SHEET_KEYS = ("check.results_sheet", "ribbon.sheet.merge", "ribbon.sheet.mail", "ribbon.sheet.gaps",
                  "ribbon.sheet.overview", "ribbon.sheet.assess")


def rgb(hex6: str) -> tuple[int, int, int]:
    return int(hex6[0:2], 16), int(hex6[2:4], 16), int(hex6[4:6], 16)


RED, AMBER, GREEN, BLUE, GREY = (rgb(c) for c in (xlsxio.RED, xlsxio.AMBER, xlsxio.GREEN, xlsxio.BLUE, xlsxio.GREY))


def own_sheet_names() -> set[str]:
    return {name for key in OWN_SHEET_KEYS for name in both(key)}


def find_own(book: Any, key: str) -> Any | None:
    """Our sheet ``key`` in either language, or None."""
    spellings = set(both(key))
    return next((s for s in book.sheets if s.name in spellings), None)


def fresh_sheet(book: Any, key: str, existing: Any | None = None) -> Any:
    """Our sheet ``key``, emptied (re-runs replace it, never pile up copies), named in today's language."""
    sheet = existing if existing is not None else find_own(book, key)
    title = t(key)
    if sheet is None:
        return book.sheets.add(title, after=book.sheets[len(book.sheets) - 1])
    sheet.clear()
    if sheet.name != title:
        sheet.name = title
    return sheet


def cell_value(value: Any) -> Any:
    """A value to put in a cell through Excel: text stays text.

    Excel evaluates a string assigned to Range.Value that starts with ``=`` (and treats ``+``,
    ``-``, ``@`` as formula starts), so such text — from a plan or a returned file — gets
    Excel's text prefix ``'``, which is not part of the cell's value. Control characters and
    over-long text are handled as everywhere else (:func:`sheetsync.workbook.xlsxio.safe_text`).
    """
    value, _ = xlsxio.safe_text(value)
    if isinstance(value, str) and len(value) > 1 and value[0] in "=+-@":
        return "'" + value
    return value


def write_table(sheet: Any, header: list[str], rows: list[list[Any]], *, top: int = 1) -> None:
    """Header (bold) and rows from ``top``, in one write."""
    sheet[f"A{top}"].value = [header, *[[cell_value(v) for v in r] for r in rows]]
    sheet.range((top, 1), (top, len(header))).font.bold = True


def paint(sheet: Any, cells: dict[tuple[int, int], tuple[int, int, int] | None]) -> None:
    """Fill (row, column) cells; None leaves the cell as it is."""
    for (r, c), colour in cells.items():
        if colour is not None:
            sheet.range((r, c)).color = colour


def set_note(cell: Any, text: str, marker: str) -> None:
    """Put ``marker + text`` on the cell's note, keeping what the user wrote there before our marker."""
    note = cell.note
    if note is None:
        cell.add_note(marker + text)
        return
    try:
        old = note.text or ""
    except NotImplementedError:  # remote engine: note text is not readable synchronously
        old = ""
    keep = old.split(marker)[0].rstrip()
    note.text = f"{keep}\n{marker}{text}" if keep else marker + text


def clear_note(cell: Any, marker: str) -> None:
    """Remove our part (from ``marker`` on) of the cell's note; the user's part stays."""
    note = cell.note
    if note is None:
        return
    try:
        old = note.text or ""
    except NotImplementedError:
        old = marker
    keep = old.split(marker)[0].rstrip()
    if keep:
        note.text = keep
    else:
        note.delete()


# ---------------------------------------------------------------- the master as a file
def master_file(book: Any) -> Path:
    """The master's path on disk; the ledger, the roll-up and the outbox live beside it.

    A workbook never saved (Book1) has no folder, so nothing could be found or written next to it.
    """
    path = Path(book.fullname)
    if not path.is_absolute() or not path.is_file():
        raise SheetsyncError(t("ribbon.error.not_saved", book=book.name), hint=t("ribbon.error.save_hint"))
    return path


def require_saved(book: Any, live: Master) -> Path:
    """The master file, refused when the open workbook differs from it in anything the core reads.

    合并回收表 runs ``merge_returns`` on the file (as ``sheetsync merge`` does) and the ledger keeps
    that version; merging unsaved tasks would give a roll-up nobody can reproduce from the file.
    The add-in never saves on the user's behalf (the file might be a copy they mean to discard),
    so it says what to do instead. Compared: tasks, units, phases and settings as read.
    """
    from sheetsync.master.workbook import read_master

    path = master_file(book)
    saved = read_master(path)
    if saved.to_json() != live.to_json():
        raise SheetsyncError(t("ribbon.error.unsaved", file=path.name), hint=t("ribbon.error.unsaved_hint"))
    return path


def period_of(live: Master) -> str:
    """The 报送周期 the roll-up buttons work on: the open master's setting (the CLI's --period
    has no button), with a message that points at the 设置 sheet when it is empty."""
    period = live.setting("period")
    if not period:
        raise SheetsyncError(t("ribbon.error.no_period"), hint=t("ribbon.error.no_period_hint"))
    return period


def last_row(grid: list[list[Any]]) -> int:
    """The last row holding any value (0 for an empty sheet)."""
    for r in range(len(grid), 0, -1):
        if any(v not in (None, "") for v in grid[r - 1]):
            return r
    return 0
