"""Text out of a plan file, in reading order: paragraphs and tables.

Plans arrive as Word files, as web pages saved from a government site (webpage.py), as text
copied from such a page, as Markdown, or as a breakdown table kept in Excel. Everything downstream
works on the same stream of :class:`Block` objects, so a .docx and its text import the same tasks. Word's automatic list numbering is not part of a paragraph's text; it is rendered here
(一、 / （一） / 1.) because the outline parser needs it to see the plan's hierarchy.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t

if TYPE_CHECKING:
    from sheetsync.intake.limits import Limits

_WEB, _WEB_ARCHIVE, _SHEETS = (".html", ".htm"), (".mht", ".mhtml"), (".xlsx", ".xlsm")
SUPPORTED = (".txt", ".md", ".markdown", ".docx", *_WEB, *_WEB_ARCHIVE, *_SHEETS)
_CONVERT_FIRST = {".pdf": "plan.convert_hint.pdf", ".xls": "plan.convert_hint.sheet", ".et": "plan.convert_hint.sheet",
                  ".wps": "plan.doc_binary_hint"}  # formats read after the clerk saves them as one we read


@dataclass
class Block:
    """One paragraph (``text``) or one table (``rows`` of cell texts, merged cells repeated)."""

    kind: str  # "para" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def read_blocks(path: Path, limits: Limits | None = None, *, hook: str | None = None) -> list[Block]:
    """The blocks of the plan at ``path``, read in a limited child process.

    Why a child: a plan is a file a user hands us, as untrusted as a return (issue 17: a 1 KB
    .docx with an enormous span hung, a web page of spans took gigabytes). The checks of
    :mod:`sheetsync.plan.limits` and the parser run there; what they refuse keeps its message, and
    the parser's death (crash, memory cap, timeout) is a :class:`FileUnusable` naming the file and
    what to do. ``limits``: the child's and the checks' (intake's defaults); ``hook``: intake's
    test seam (the child calls it with the path first). A missing file or a format we do not read
    is said here, without a child.
    """
    from sheetsync.intake.isolate import call_isolated
    from sheetsync.intake.limits import Limits

    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetsyncError(t("plan.not_found", file=str(path)), file=str(path))
    if suffix == ".doc":
        raise SheetsyncError(t("plan.doc_binary", file=path.name), file=str(path), hint=t("plan.doc_binary_hint"))
    if suffix not in SUPPORTED:
        hint = _CONVERT_FIRST.get(suffix)
        raise SheetsyncError(t("plan.unsupported", file=path.name, suffixes=" ".join(SUPPORTED)), file=str(path),
                             hint=t(hint) if hint else "")
    found = call_isolated("sheetsync.plan.extract:blocks_json",
                          {"path": str(path.resolve()), "shown": str(path), "limits": (limits or Limits()).to_json()},
                          file=path, limits=limits, hook=hook,
                          hint=t("core.master_read_hint") if suffix in _SHEETS else t("plan.limit_hint"))
    return [Block(b["kind"], b.get("text", ""), b.get("rows", [])) for b in found]


def blocks_json(path: str, shown: str, limits: dict[str, Any]) -> list[dict[str, Any]]:
    """The child's side of :func:`read_blocks`: the blocks as JSON. ``path`` is absolute (the child
    runs elsewhere); ``shown`` is the path as the user gave it, for the refusals' ``file``."""
    from sheetsync.intake.limits import Limits

    try:
        blocks = parse_blocks(Path(path), Limits.from_json(limits))
        _check_item_count(blocks, Path(shown))
    except SheetsyncError as exc:  # named as the user gave it (the .xlsx reader names the whole path)
        exc.message, exc.file = exc.message.replace(path, shown), shown
        raise
    return [{"kind": b.kind, "text": b.text, "rows": b.rows} for b in blocks]


def _check_item_count(blocks: list[Block], shown: Path) -> None:
    """A plan of more paragraphs than the item limit is outlined here, in the child, only to
    refuse it: sending half a million blocks back for the outline took ~500 MB in the command's
    own process. Below that many paragraphs (every real plan) this costs nothing."""
    from sheetsync.plan.limits import MAX_PLAN_ITEMS, TooManyItems, too_many_items

    paras = [b.text for b in blocks if b.kind == "para"]
    if len(paras) <= MAX_PLAN_ITEMS:
        return
    from sheetsync.plan.runon import split_run_together
    from sheetsync.plan.structure import build_parts

    try:
        build_parts(split_run_together(paras))
    except TooManyItems:
        raise too_many_items(shown) from None


def parse_blocks(path: Path, limits: Limits | None = None) -> list[Block]:
    """The checks and the parse, in this process (a file of a format :func:`read_blocks` accepted).
    Call :func:`read_blocks` instead; this runs in its child."""
    from sheetsync.plan.limits import check_plan_file

    suffix = path.suffix.lower()
    check_plan_file(path, limits)  # size, zip bombs, DTDs, table grids, mail nesting: before any parser
    if suffix == ".docx":
        return read_docx(path)
    if suffix in _SHEETS:
        return read_workbook(path, limits)
    if suffix in _WEB + _WEB_ARCHIVE:
        from sheetsync.plan.webpage import read_html, read_mhtml

        return read_mhtml(path) if suffix in _WEB_ARCHIVE else read_html(path)
    text = decode_text(path)
    if suffix in (".md", ".markdown"):
        return markdown_blocks(text)
    return text_blocks(text)


def decode_text(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 — what Chinese Windows saves."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SheetsyncError(t("plan.unreadable", file=path.name, reason="encoding"), file=str(path))


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines (a text saved with a fixed line width) back into paragraphs.

    Only when most long lines have the same length: then a line of that length continues on
    the next one, unless the next line starts a numbered item (also 1000. after 999.) or a
    责任单位 clause, or either is a row of a tab-separated table — rows of one width are rows, and
    joining them lost every task after the first.
    """
    from sheetsync.plan.clauses import is_clause_line
    from sheetsync.plan.outline import Node, continued_marker, marker

    lengths = [len(ln) for ln in lines if len(ln) >= 20]
    if len(lengths) < 5:
        return lines
    width = max(set(lengths), key=lengths.count)
    near = sum(1 for n in lengths if abs(n - width) <= 1)
    if near < 5 or near < 0.4 * len(lengths):
        return lines
    out: list[str] = []
    joining = False
    last: dict[str, Node] = {}  # the last item of each numbering style, for a next one past 999. / 99）
    for ln in lines:
        m = marker(ln) or continued_marker(ln, list(last.values()))
        if m is not None and m.number is not None:
            last[m.kind] = Node(m.kind, m.label, m.number, "", 0)
        if joining and ln and not m and not is_clause_line(ln) and "\t" not in ln:
            out[-1] += ln
        else:
            out.append(ln)
        # a full line continues on the next; one that ends a sentence at the margin is taken as ending
        joining = width - 1 <= len(ln) <= width + 1 and not ln.endswith(("。", "！", "？")) and "\t" not in ln
    return out




def text_blocks(text: str) -> list[Block]:
    """One paragraph per line; runs of 3+ lines with the same number (≥3) of tab-separated cells are a table."""
    lines = unwrap(_lines(text))
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        cells = lines[i].split("\t")
        if len(cells) >= 3:
            j = i
            rows = []
            while j < len(lines) and len(lines[j].split("\t")) == len(cells):
                rows.append([c.strip() for c in lines[j].split("\t")])
                j += 1
            if len(rows) >= 2:
                blocks.append(Block("table", rows=rows))
                i = j
                continue
        if lines[i]:
            blocks.append(Block("para", lines[i].replace("\t", " ")))
        i += 1
    return blocks


_MD_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_MD_PREFIX = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+(?=\S))")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_blocks(text: str) -> list[Block]:
    """Markdown: heading marks, emphasis and bullets dropped; pipe tables kept as tables."""
    lines = _lines(text)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not _MD_TABLE_SEP.match(lines[i]):
                    rows.append([_md_inline(c.strip()) for c in lines[i].strip().strip("|").split("|")])
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        line = _md_inline(_MD_PREFIX.sub("", line))
        if line and not re.fullmatch(r"[-*_=]{3,}", line):
            blocks.append(Block("para", line))
        i += 1
    return blocks


def _md_inline(text: str) -> str:
    text = _MD_EMPH.sub(r"\2", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images keep their text
    return text.replace("\\", "").strip()


# ---------------------------------------------------------------- a breakdown kept in Excel
def read_workbook(path: Path, limits: Limits | None = None) -> list[Block]:
    """A task breakdown (任务分解表) kept in Excel: each sheet is a table, merged cells filled as
    the master reader fills them (:func:`sheetsync.master.workbook.load_grids`: intake's checks, then
    calamine). Leading rows holding one text (the sheet's title) are paragraphs too, so the
    plan's title is found as in a document."""
    from sheetsync.core.textnorm import value_text
    from sheetsync.master.workbook import load_grids

    blocks: list[Block] = []
    for grid in load_grids(path, limits).values():
        rows = [[value_text(v) for v in row] for row in grid]
        rows = [r for r in rows if any(r)]
        for r in rows[:3]:
            texts = {c for c in r if c}
            if len(texts) != 1:
                break
            blocks.append(Block("para", texts.pop()))
        if rows:
            blocks.append(Block("table", rows=rows))
    return blocks


# ---------------------------------------------------------------- docx
def read_docx(path: Path) -> list[Block]:
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(str(path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise SheetsyncError(t("plan.unreadable", file=path.name, reason=type(exc).__name__),
                                 file=str(path)) from exc
        numbering = _Numbering(document)
        blocks: list[Block] = []
        for item in document.iter_inner_content():
            if hasattr(item, "rows"):
                rows = [[cell.text.strip() for cell in row.cells] for row in item.rows]
                if rows:
                    blocks.append(Block("table", rows=rows))
                continue
            prefix = numbering.label(item)
            for k, line in enumerate(item.text.split("\n")):
                line = line.strip()
                if k == 0 and prefix:
                    line = prefix + line
                if line:
                    blocks.append(Block("para", line))
        return blocks
    except SheetsyncError:
        raise
    except Exception as exc:  # a damaged part deep inside the package: still the user's file
        raise SheetsyncError(t("plan.unreadable", file=path.name, reason=type(exc).__name__),
                             file=str(path)) from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _fmt(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "japaneseCounting", "taiwaneseCounting")):
        return _chinese(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Renders Word's automatic list numbers (numbering.xml) as the text a reader sees."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, text, start)
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}  # abstractNumId -> ilvl -> current
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(f"{_W}abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                txt = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[ilvl] = (fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                            txt.get(f"{_W}val", "") if txt is not None else "",
                            int(start.get(f"{_W}val", "1")) if start is not None else 1)
            abstract[an.get(f"{_W}abstractNumId", "")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                aid = ref.get(f"{_W}val", "")
                self.abstract_of[num.get(f"{_W}numId", "")] = aid
                self.levels[num.get(f"{_W}numId", "")] = abstract.get(aid, {})

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        ppr = paragraph._p.pPr
        candidates = [ppr.numPr if ppr is not None else None]
        style = paragraph.style
        while style is not None:  # numbering inherited from the paragraph style (标题 1 …)
            spp = style.element.pPr
            candidates.append(spp.numPr if spp is not None else None)
            style = style.base_style
        for numpr in candidates:
            if numpr is not None and numpr.numId is not None:
                ilvl = numpr.ilvl.val if numpr.ilvl is not None else 0
                return str(numpr.numId.val), int(ilvl)
        return None

    def label(self, paragraph: Any) -> str:
        found = self._num_pr(paragraph)
        if not found or not paragraph.text.strip():
            return ""
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(self.abstract_of.get(num_id, num_id), {})
        fmt, text, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def repl(m: re.Match[str]) -> str:
            lv = int(m.group(1)) - 1
            lv_fmt, _, lv_start = levels.get(lv, ("decimal", "", 1))
            return _fmt(counters.get(lv, lv_start), lv_fmt)

        return re.sub(r"%(\d)", repl, text)
