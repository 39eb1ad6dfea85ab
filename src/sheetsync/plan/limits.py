"""Checks with limits every plan file passes before a parser sees it (issue 17).

A plan is a file a user hands us, as untrusted as a return: a 1 KB .docx with an enormous
``w:gridSpan`` made python-docx lay out billions of cells, a zip bomb inflated in-process, a web
page of rowspan/colspan tables took gigabytes, a deeply nested .mht was a RecursionError. So:
the file's size is capped; .docx/.xlsx packages get intake's zip checks (entry count, sizes,
compression ratio, DTD/entities — :func:`sheetsync.intake.zipcheck.check_zip`); a .docx table
may expand to at most :data:`MAX_TABLE_CELLS` grid cells; web pages cap table spans, table
nesting and grid cells (webpage.py asks :func:`check_web_grid` / :data:`MAX_TABLE_DEPTH`); a
.mht caps its header size and multipart nesting before the mail parser runs. These checks and
the parse run in a limited child (:func:`sheetsync.plan.extract.read_blocks`): the checks give
the clear refusal for what they know, the child's memory cap and timeout bound what they do not
(a parser that still aborts, hangs or grows costs one refusal, not the clerk's process);
workbooks go through the master's reader, which refuses what intake refuses.
"""

from __future__ import annotations

import bisect
import re
import zipfile
from pathlib import Path

from sheetsync.core.errors import FileUnusable
from sheetsync.i18n import t
from sheetsync.intake.limits import MB, Limits

MAX_TABLE_CELLS = 200_000  # grid cells one table may expand to (a 1000-task breakdown × 20 columns is 20 000)
MAX_DOC_CELLS = 1_000_000  # grid cells of all tables of one document together
MAX_TABLE_DEPTH = 32  # tables inside tables (a page's layout nests a few levels)
MAX_MIME_MULTIPARTS = 32  # multipart containers in a .mht (a saved page has one or two)
MAX_MIME_HEADER_KB = 256  # one part's header block (a saved page's is well under 4 KB)
# numbered items (headings and tasks) of one plan, or rows of its breakdown tables: a real plan has a
# few hundred; a generated plan of this many imports and checks completely, while the outline of a
# 50 MB text of items would take a gigabyte before any refusal
MAX_PLAN_ITEMS = 25_000


class TooManyItems(Exception):
    """The outline or the breakdown passed :data:`MAX_PLAN_ITEMS`; :func:`too_many_items` words it."""


def too_many_items(path: Path) -> FileUnusable:
    """The refusal of a plan with more items than are imported: never a silent cut (the items past
    a cap folded into the last task's text were tasks lost without a word)."""
    return FileUnusable(t("plan.too_many_items", file=path.name, limit=MAX_PLAN_ITEMS), file=str(path),
                        hint=t("plan.too_many_items_hint", limit=MAX_PLAN_ITEMS))

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MULTIPART = re.compile(rb"^content-type[ \t]*:\s*multipart/", re.I | re.M)
_BLANK = re.compile(rb"\r?\n\r?\n")
_BOUNDARY_LINE = re.compile(rb"^--[^\r\n]*\r?\n", re.M)


def refuse(path: Path, key: str, **fields: object) -> FileUnusable:
    """The refusal of one plan file: what is wrong (``key``) and what to do, naming the file."""
    return FileUnusable(t(key, file=path.name, **fields), file=str(path), hint=t("plan.limit_hint"))


def check_plan_file(path: Path, limits: Limits | None = None) -> None:
    """Raise :class:`FileUnusable` when ``path`` must not be parsed; the format's own caps follow
    in its reader (tables of a .docx here, spans of a web page in webpage.py)."""
    limits = limits or Limits()
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise refuse(path, "plan.too_large", size_mb=round(size / MB, 1), limit_mb=_num(limits.file_mb))
    suffix = path.suffix.lower()
    if suffix == ".docx":
        check_package(path, limits)
        check_docx_tables(path)
    elif suffix in (".mht", ".mhtml"):
        check_mime(path)


def check_package(path: Path, limits: Limits) -> None:
    """Intake's zip checks on a plan package (.docx; a workbook gets them in the master reader)."""
    from sheetsync.intake.zipcheck import check_zip

    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(b"PK"):
        return  # not a zip: the reader says it cannot read it
    rep = check_zip(path, limits, head)
    for f in rep.findings:
        if f.severity == "error":
            raise refuse(path, "plan.package_refused", detail=f"{f.code}{_entry(f.message)}")


def _entry(message: str) -> str:
    m = re.search(r"[“\"]([^”\"]+\.(?:xml|rels|vml))[”\"]", message)
    return f": {m.group(1)}" if m else ""


def check_docx_tables(path: Path) -> None:
    """Refuse a .docx whose tables would expand to more cells than a plan's tables hold.

    python-docx lays a table out on its grid: a cell with ``w:gridSpan`` n is n cells, each row
    is as wide as the widest; an enormous span or a million rows takes hours and gigabytes.
    The grid is counted here from the XML (streamed, after the zip checks refused DTDs and
    bombs), before python-docx builds anything.
    """
    from lxml import etree

    try:
        with zipfile.ZipFile(path) as zf:
            name = next((n for n in zf.namelist() if n.casefold() == "word/document.xml"), None)
            if name is None:
                return
            with zf.open(name) as fh:
                _count_tables(path, etree.iterparse(fh, events=("start", "end"), resolve_entities=False,
                                                    no_network=True, huge_tree=False))
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError):
        return  # not a package, or a damaged one: the reader says it cannot read it


def _count_tables(path: Path, events) -> None:  # type: ignore[no-untyped-def]
    stack: list[list[int]] = []  # per open table: [rows, widest row, this row's width, number]
    total = 0
    count = 0
    for event, el in events:
        tag = el.tag
        if event == "start":
            if tag == f"{_W}tbl":
                count += 1
                stack.append([0, 0, 0, count])
            elif stack and tag == f"{_W}tr":
                stack[-1][2] = 0
            elif stack and tag in (f"{_W}gridSpan", f"{_W}gridBefore", f"{_W}gridAfter"):
                stack[-1][2] += max(_int(el.get(f"{_W}val")) - (1 if tag == f"{_W}gridSpan" else 0), 0)
            elif stack and tag == f"{_W}tc":
                stack[-1][2] += 1
            continue
        if tag == f"{_W}tr" and stack:
            tbl = stack[-1]
            tbl[0] += 1
            tbl[1] = max(tbl[1], tbl[2])
            cells = tbl[0] * tbl[1]
            if cells > MAX_TABLE_CELLS or total + cells > MAX_DOC_CELLS:
                raise refuse(path, "plan.table_too_large", table=tbl[3], cells=cells, limit=MAX_TABLE_CELLS)
        elif tag == f"{_W}tbl" and stack:
            tbl = stack.pop()
            total += tbl[0] * tbl[1]
        if not stack or tag in (f"{_W}tr", f"{_W}p"):
            el.clear(keep_tail=False)


def _int(value: str | None) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return 1


def check_web_grid(path: Path, table: int, cells: int, total: int) -> None:
    """A web page's table whose spans expand to more grid cells than a task table holds
    (``total``: the page's tables so far, this one included)."""
    if cells > MAX_TABLE_CELLS or total > MAX_DOC_CELLS:
        raise refuse(path, "plan.table_too_large", table=table, cells=cells, limit=MAX_TABLE_CELLS)


def check_mime(path: Path) -> None:
    """Caps a single-file web archive's mail structure before :mod:`email` parses it: the number
    of multipart containers bounds the nesting (deep nesting is a RecursionError in the parser)
    and each header block's size (an encoded-word bomb is a huge header)."""
    data = path.read_bytes()
    multiparts = len(_MULTIPART.findall(data))
    if multiparts > MAX_MIME_MULTIPARTS:
        raise refuse(path, "plan.mime_too_deep", count=multiparts, limit=MAX_MIME_MULTIPARTS)
    limit = MAX_MIME_HEADER_KB * 1024
    blanks = [m.start() for m in _BLANK.finditer(data)] + [len(data)]
    starts = [0] + [m.end() for m in _BOUNDARY_LINE.finditer(data)]  # where header blocks begin
    for at in starts:
        end = blanks[bisect.bisect_left(blanks, at)]
        if end - at > limit and _looks_like_header(data, at):
            raise refuse(path, "plan.mime_header_too_large", limit_kb=MAX_MIME_HEADER_KB)


def _looks_like_header(data: bytes, at: int) -> bool:
    """The text after a blank line starts a header block (``Name: value``), not body text."""
    return re.match(rb"[A-Za-z][A-Za-z0-9-]{0,75}[ \t]*:", data[at:at + 80]) is not None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
