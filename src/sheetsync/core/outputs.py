"""Where our outputs go: folders made for them, and file-system faults said as messages.

One home so every command answers the same way when the clerk's ``-o`` names a folder under a
file, a folder they may not write, or a path the system refuses: a message naming the path and
what to do, never a traceback (issue 17).
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t


def make_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) for an output; :class:`SheetsyncError` naming the part
    of the path that is a file, or the folder that may not be written."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise SheetsyncError(t("core.output_folder_is_file", folder=str(folder), file=str(_file_in(folder))),
                             file=str(folder), hint=t("core.output_hint")) from exc
    except OSError as exc:
        raise os_error(exc, folder) from exc
    return folder


def make_parent(path: str | Path) -> Path:
    """The folder of the output file ``path``, made (see :func:`make_folder`); ``path`` returned."""
    path = Path(path)
    if path.is_dir():
        raise SheetsyncError(t("core.output_is_folder", file=str(path)), file=str(path), hint=t("core.output_hint"))
    make_folder(path.parent)
    return path


_SQLITE = b"SQLite format 3\x00"


def existing_kind(path: Path) -> str:
    """What an existing file is, as far as replacing it goes: "" (absent or empty), "ledger",
    "other" (not a workbook, or a workbook of no kind we write), "document" (a Word .docx), "master", "calendar" (a master
    copy with 报送日历), "derived" (a master with its parent record), "rollup-or-return",
    "assessment". Read from the sheet names in xl/workbook.xml only (size-capped)."""
    import re
    import zipfile

    from sheetsync.core import schema
    from sheetsync.i18n import both

    if not path.is_file() or path.stat().st_size == 0:
        return ""
    with path.open("rb") as fh:
        head = fh.read(16)
    if head == _SQLITE:
        return "ledger"
    try:
        with zipfile.ZipFile(path) as z:
            if "word/document.xml" in z.namelist():
                return _document_kind(z)
            info = z.getinfo("xl/workbook.xml")
            if info.file_size > 4_000_000:
                return "other"
            xml = z.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return "other"
    names = set(re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"', xml))
    if names & set(schema.TASKS.name.spellings()):
        if schema.META_SHEET in names:
            return "derived"
        return "calendar" if names & set(schema.SCHEDULE.name.spellings()) else "master"
    if schema.META_SHEET in names:
        return "rollup-or-return"
    if names & set(both("assess.sheet.summary")):
        return "assessment"
    return "other"


def _document_kind(z: Any) -> str:
    """"draft" for a .docx sheetsync drafted (its category, or the 初稿 status python-docx drafts
    carried before it), else "document" (the plan, a letterhead, anything a person wrote)."""
    try:
        info = z.getinfo("docProps/core.xml")
        core = z.read(info).decode("utf-8", "replace") if info.file_size < 100_000 else ""
    except KeyError:
        core = ""
    if "<cp:category>sheetsync draft</cp:category>" in core:
        return "draft"
    old = "<dc:creator>python-docx</dc:creator>" in core and any(
        f"<cp:contentStatus>{s}</cp:contentStatus>" in core for s in ("初稿", "Draft"))
    return "draft" if old else "document"


def refuse_replacing(path: str | Path, *kinds: str) -> None:
    """Refuse to write over an existing ``path`` that is not one of ``kinds`` (see
    :func:`existing_kind`): ``assess -o 任务分解表.xlsx`` replaced the master with a result, and
    ``schedule`` / ``derive -o sheetsync.db`` the ledger with a workbook, all with exit 0."""
    path = Path(path)
    kind = existing_kind(path)
    if kind and kind not in kinds:
        raise SheetsyncError(t("core.output_other_kind", file=str(path), kind=t(f"core.kind.{kind}")),
                             file=str(path), hint=t("core.output_hint"))


def _file_in(folder: Path) -> Path:
    """The first part of ``folder`` that exists and is not a folder (what blocks making it)."""
    for part in [*reversed(folder.parents), folder]:
        if part.exists() and not part.is_dir():
            return part
    return folder


def os_error(exc: OSError, path: str | Path | None = None) -> SheetsyncError:
    """A file-system fault as the clerk's message: which file, what the system said, what to do."""
    where = str(path or exc.filename or "?")
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return SheetsyncError(t("core.disk_full", file=where), file=where)
    if isinstance(exc, PermissionError):
        return SheetsyncError(t("core.no_permission", file=where), file=where, hint=t("core.output_hint"))
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        folder = Path(where)
        return SheetsyncError(t("core.output_folder_is_file", folder=where, file=str(_file_in(folder))),
                              file=where, hint=t("core.output_hint"))
    return SheetsyncError(t("core.os_error", file=where, reason=exc.strerror or type(exc).__name__), file=where)
