"""The format of a Chinese official document (GB/T 9704-2012) as a .docx: page, grid, fonts, page numbers.

Why its own layer: :mod:`sheetsync.documents.compose` decides *what* a draft says as plain
blocks; this module only decides how a 公文 looks, so the rules of the standard are in one place
and the same blocks render a report, a circular, or an office's own letterhead (``template``).

The standard, as applied here: A4; margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm; a
22 lines × 28 characters grid (``w:docGrid``, and an exact line pitch); body 3号仿宋 (16 pt),
title 2号小标宋 (22 pt), headings 一、 黑体, （一） 楷体, 1. 仿宋; page number "— 3 —" 4号 under the
text, odd pages right and even pages left; unsealed signature (署名) and date layout.

Chinese font names must be East-Asian fonts of the run (``w:rFonts/@w:eastAsia``): python-docx's
``font.name`` sets only the Latin font, and Word then shows 仿宋 text in the default 宋体/等线.
Where an office lacks 仿宋_GB2312 or 方正小标宋简体, the font table names the usual substitutes
(``w:altName``), which Word and WPS use.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.text.paragraph import Paragraph

# ---------------------------------------------------------------- the standard's numbers
PAGE_W, PAGE_H = 210, 297  # mm, A4
MARGINS = {"top": 37, "left": 28, "right": 26, "bottom": 35}  # mm
LINES, CHARS = 22, 28
BODY_PT, TITLE_PT, PAGE_NO_PT, TABLE_PT = 16, 22, 14, 12  # 3号, 2号, 4号, 小4号
_TWIPS_PER_MM = 1440 / 25.4
#: the line pitch that puts exactly 22 lines in the text area (about 29 pt)
LINE_PITCH = int((PAGE_H - MARGINS["top"] - MARGINS["bottom"]) * _TWIPS_PER_MM / LINES)
#: 28 characters of 3号 (16 pt) need 448 pt; the text area is 442 pt wide, so each character is
#: condensed by this much (w:spacing, in twentieths of a point): 28 to a line in Word, WPS and
#: LibreOffice alike. (A character grid, docGrid type linesAndChars with a negative charSpace,
#: does the same in Word, but LibreOffice then gives every 16 pt character two 15.8 pt cells —
#: 14 characters a line — so the grid here is a line grid and the 28 come from the spacing.)
TEXT_WIDTH_PT = (PAGE_W - MARGINS["left"] - MARGINS["right"]) * 72 / 25.4
CHAR_CONDENSE = -math.ceil((CHARS * BODY_PT - TEXT_WIDTH_PT) / CHARS * 20)
CHAR = BODY_PT * 20  # one character of body text, in twips (indents are counted in characters)

#: role -> (East-Asian font, its usual substitute)
FONTS: dict[str, tuple[str, str]] = {
    "body": ("仿宋_GB2312", "仿宋"),
    "title": ("方正小标宋简体", "华文中宋"),
    "h1": ("黑体", "SimHei"),
    "h2": ("楷体_GB2312", "楷体"),
    "page": ("宋体", "SimSun"),
}
LATIN = "Times New Roman"
PLACEHOLDER = re.compile(r"【请补充：[^】]*】|\[To be written: [^\]]*\]")

Kind = Literal["mark", "number", "title", "blank", "addressee", "para", "h1", "h2", "h3", "attachments", "signature", "date", "note"]


DRAFT_CATEGORY = "sheetsync draft"  # core.outputs.existing_kind reads it: a draft may be replaced by a draft


@dataclass
class Block:
    """One paragraph of a draft and the role it plays in the 公文 layout."""

    kind: Kind
    text: str


@dataclass
class Table:
    """An attachment table (附件), printed on landscape pages after the body."""

    label: str  # 附件1
    title: str
    header: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative column widths


@dataclass
class Draft:
    """A document as :mod:`~sheetsync.documents.compose` writes it: blocks, then attachment tables."""

    blocks: list[Block]
    tables: list[Table] = field(default_factory=list)
    title: str = ""
    status: str = "初稿"
    fields: dict[str, str] = field(default_factory=dict)  # template placeholders: {发文字号} …

    def text(self) -> str:
        """All the words of the draft, tables included (what tests and a quick look read)."""
        parts = [b.text for b in self.blocks]
        for tb in self.tables:
            parts += [tb.label, tb.title, "\t".join(tb.header), *("\t".join(r) for r in tb.rows)]
        return "\n".join(parts)


# ---------------------------------------------------------------- low-level XML helpers
def set_fonts(rpr_owner: object, role: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Give a run or a style the East-Asian font of ``role`` (and Times New Roman for Latin text)."""
    el = rpr_owner._element if hasattr(rpr_owner, "_element") else rpr_owner  # type: ignore[attr-defined]
    if hasattr(el, "get_or_add_rPr"):
        rpr = el.get_or_add_rPr()
    else:  # w:rPrDefault: a plain element
        rpr = el.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            el.append(rpr)
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    east = FONTS[role][0]
    latin = LATIN if role in ("body", "page") else east
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:cs"), latin)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            rpr_child(rpr, tag).set(qn("w:val"), str(int(size * 2)))
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            rpr_child(rpr, tag).set(qn("w:val"), "1" if bold else "0")


#: the children of w:rPr in the order the schema requires (ECMA-376 CT_RPr)
_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
              "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
              "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def rpr_child(rpr: object, tag: str) -> object:
    """The ``tag`` child of a w:rPr, created in the schema's order (Word refuses others)."""
    el = rpr.find(qn(tag))  # type: ignore[attr-defined]
    if el is None:
        seq = _RPR_ORDER
        el = OxmlElement(tag)
        rpr.insert_element_before(el, *seq[seq.index(tag) + 1:])  # type: ignore[attr-defined]
    return el


def _spacing(paragraph_format: object, pitch: int = LINE_PITCH) -> None:
    pf = paragraph_format
    pf.line_spacing = Twips(pitch)  # type: ignore[attr-defined]
    pf.space_before = Pt(0)  # type: ignore[attr-defined]
    pf.space_after = Pt(0)  # type: ignore[attr-defined]


def _indent_chars(p: Paragraph, *, first: int = 0, left: int = 0, right: int = 0) -> None:
    """Indents in characters (w:firstLineChars …) with the twips Word falls back to."""
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    if first:
        ind.set(qn("w:firstLine"), str(first * CHAR))
        ind.set(qn("w:firstLineChars"), str(first * 100))
    if left:
        ind.set(qn("w:left"), str(left * CHAR))
        ind.set(qn("w:leftChars"), str(left * 100))
    if right:
        ind.set(qn("w:right"), str(right * CHAR))
        ind.set(qn("w:rightChars"), str(right * 100))


def _grid(section: object, *, lines: bool = True) -> None:
    """The line grid: 22 lines of the exact pitch (see CHAR_CONDENSE for the 28 characters).
    Landscape table pages have none, so table rows are as high as their text."""
    sect = section._sectPr  # type: ignore[attr-defined]
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.attrib.clear()
    if lines:
        grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))


def page_setup(section: object, *, landscape: bool = False) -> None:
    """A4 with the standard's margins and grid (a landscape attachment page turns the page)."""
    s = section
    if landscape:
        s.orientation = WD_ORIENT.LANDSCAPE  # type: ignore[attr-defined]
        s.page_width, s.page_height = Mm(PAGE_H), Mm(PAGE_W)  # type: ignore[attr-defined]
        s.top_margin, s.bottom_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])  # type: ignore[attr-defined]
        s.left_margin, s.right_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])  # type: ignore[attr-defined]
    else:
        s.orientation = WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
        s.page_width, s.page_height = Mm(PAGE_W), Mm(PAGE_H)  # type: ignore[attr-defined]
        s.top_margin, s.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])  # type: ignore[attr-defined]
        s.left_margin, s.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])  # type: ignore[attr-defined]
    s.header_distance = Mm(15)  # type: ignore[attr-defined]
    s.footer_distance = Mm(24)  # type: ignore[attr-defined]  # number's top edge about 7 mm under the text
    _grid(s, lines=not landscape)


def _styles(doc: DocxDocument) -> None:
    """Normal = 3号仿宋 on the grid; docDefaults too, so the grid's character pitch is 16 pt based."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
            set_fonts(rpr_default, "body", BODY_PT)
    normal = doc.styles["Normal"]
    set_fonts(normal.element, "body", BODY_PT)
    rpr_child(normal.element.get_or_add_rPr(), "w:spacing").set(qn("w:val"), str(CHAR_CONDENSE))
    _spacing(normal.paragraph_format)
    normal.paragraph_format.widow_control = False


def _font_table(doc: DocxDocument) -> None:
    """Name the substitutes Word/WPS use when 仿宋_GB2312 or 方正小标宋简体 is not installed."""
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    have = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for primary, alt in FONTS.values():
        if primary in have:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), primary)
        alt_el = etree.SubElement(font, qn("w:altName"))
        alt_el.set(qn("w:val"), alt)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if "仿宋" in primary or "楷" in primary else "auto")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_runs(p: Paragraph, text: str, role: str, size: float) -> None:
    """The text as runs; each 【请补充：…】 placeholder highlighted so nobody sends it unfilled.

    Control characters a return may carry (XML cannot hold them) are dropped, not refused: the
    draft is for a person to edit, and the roll-up keeps the text as the unit typed it."""
    from sheetsync.core.textnorm import strip_control_chars

    text = strip_control_chars(text)
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > pos:
            set_fonts(p.add_run(text[pos:m.start()]), role, size)
        run = p.add_run(m.group(0))
        set_fonts(run, role, size)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        pos = m.end()
    if pos < len(text):
        set_fonts(p.add_run(text[pos:]), role, size)


def _page_number(paragraph: Paragraph) -> None:
    """"— 3 —": an em dash, a space, the PAGE field, a space, an em dash (4号宋体)."""
    def run(text: str = "") -> object:
        r = paragraph.add_run(text)
        set_fonts(r, "page", PAGE_NO_PT)
        return r

    run("— ")
    begin = run()._r  # type: ignore[attr-defined]
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "begin")
    begin.append(fc)
    instr_r = run()._r  # type: ignore[attr-defined]
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_r.append(instr)
    sep = run()._r  # type: ignore[attr-defined]
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "separate")
    sep.append(fc)
    run("1")
    end = run()._r  # type: ignore[attr-defined]
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), "end")
    end.append(fc)
    run(" —")


def _footers(doc: DocxDocument) -> None:
    """Odd pages: the number right, one character in; even pages: left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    s = doc.sections[0]
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for r in list(p.runs):
            r._r.getparent().remove(r._r)
        p.alignment = align
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(0)
        ind = PAGE_NO_PT * 20  # one 4号 character
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Twips(ind)
        else:
            p.paragraph_format.left_indent = Twips(ind)
        _page_number(p)


# ---------------------------------------------------------------- blocks
def _width(text: str) -> int:
    """Grid characters a line takes: CJK and full-width count 1, Latin and digits half."""
    n = 0.0
    for ch in text:
        n += 1 if ord(ch) > 0x2E7F else 0.5
    return int(n + 0.5)


def signature_indents(signature: str, date: str) -> tuple[int, int]:
    """Right indents (characters) of an unsealed 署名 and 成文日期: the signature two characters
    in, the date's first character two right of the signature's; a date longer than that is two
    characters in and the signature moves left instead."""
    s, d = _width(signature), _width(date)
    if s - d >= 2:
        return 2, s - d
    return 4 + d - s, 2


def add_block(doc: DocxDocument, block: Block, *, right: int = 0) -> Paragraph:
    """One block as a paragraph laid out the way GB/T 9704 places it."""
    p = doc.add_paragraph()
    pf = p.paragraph_format
    _spacing(pf)
    kind, text = block.kind, block.text
    if kind == "mark":  # 初稿: top left, like 份号/密级, 3号黑体
        _add_runs(p, text, "h1", BODY_PT)
    elif kind == "number":  # 发文字号 without a letterhead: centred, 3号仿宋
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_runs(p, text, "body", BODY_PT)
    elif kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_runs(p, text, "title", TITLE_PT)
    elif kind == "blank":  # the standard's 空一行
        pass
    elif kind == "addressee":  # 主送机关: flush left, ends with a full-width colon
        _add_runs(p, text, "body", BODY_PT)
    elif kind in ("para", "h3"):
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _indent_chars(p, first=2)
        _add_runs(p, text, "body", BODY_PT)
    elif kind == "h1":
        _indent_chars(p, first=2)
        _add_runs(p, text, "h1", BODY_PT)
    elif kind == "h2":
        _indent_chars(p, first=2)
        _add_runs(p, text, "h2", BODY_PT)
    elif kind == "attachments":  # 附件：1.… — two characters in; later items hang under the first
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _indent_chars(p, first=2)
        _add_runs(p, text, "body", BODY_PT)
    elif kind in ("signature", "date"):  # unsealed layout: see signature_indents
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(p, right=right or (2 if kind == "signature" else 4))
        _add_runs(p, text, "body", BODY_PT)
    elif kind == "note":  # 附注: the line under the date, two characters in, in brackets
        _indent_chars(p, first=2)
        _add_runs(p, text, "body", BODY_PT)
    else:  # pragma: no cover - Kind is closed
        raise ValueError(kind)
    return p


def _cell(cell: object, text: str, *, head: bool) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(TABLE_PT * 1.5)
    p.paragraph_format.first_line_indent = Pt(0)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if head else WD_ALIGN_PARAGRAPH.LEFT
    _add_runs(p, text, "h1" if head else "body", TABLE_PT)


def add_table_pages(doc: DocxDocument, table: Table) -> None:
    """An attachment on landscape pages: 附件1 top left (3号黑体), its title, the table."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    page_setup(section, landscape=True)
    add_block(doc, Block("mark", table.label))
    add_block(doc, Block("title", table.title))
    add_block(doc, Block("blank", ""))
    tb = doc.add_table(rows=1, cols=len(table.header))
    tb.style = doc.styles["Table Grid"] if "Table Grid" in [s.name for s in doc.styles] else tb.style
    tb.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(tb.rows[0].cells, table.header):
        _cell(cell, text, head=True)
    trpr = tb.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row again on every page
    repeat.set(qn("w:val"), "1")
    trpr.append(repeat)
    for row in table.rows:
        cells = tb.add_row().cells
        for cell, text in zip(cells, row):
            _cell(cell, text, head=False)
    if table.widths:
        tb.autofit = False
        usable = PAGE_H - MARGINS["top"] - MARGINS["bottom"]
        total = sum(table.widths)
        widths = [Mm(usable * w / total) for w in table.widths]
        for col, w in zip(tb._tbl.tblGrid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(w.twips))
        for row in tb.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = w


# ---------------------------------------------------------------- the document
def render(draft: Draft, path: str | Path, *, template: str | Path | None = None) -> Path:
    """Write ``draft`` as a GB/T 9704 .docx at ``path``.

    With ``template`` (an office's letterhead .docx, 版头 already laid out), its page set-up and
    letterhead are kept, ``{发文字号}`` / ``{成文日期}`` / ``{发文机关}`` / ``{标题}`` in it are
    filled in, and the draft goes where a paragraph reads ``{正文}`` (else at the end).
    """
    path = Path(path)
    doc = Document(str(template)) if template else Document()
    if not template:
        page_setup(doc.sections[0])
        for p in list(doc.paragraphs):  # python-docx's default document has none; be sure
            p._p.getparent().remove(p._p)
    _styles(doc)
    _font_table(doc)
    if not template:
        _footers(doc)
    anchor = _fill_template(doc, draft.fields) if template else None
    body = doc.element.body
    before = set(body)  # the template's own elements (held, so lxml keeps their proxies)
    sig = next((b.text for b in draft.blocks if b.kind == "signature"), "")
    day = next((b.text for b in draft.blocks if b.kind == "date"), "")
    rights = dict(zip(("signature", "date"), signature_indents(sig, day)))
    for block in draft.blocks:
        if template and block.kind == "number":
            continue  # the letterhead carries the 发文字号 ({发文字号})
        add_block(doc, block, right=rights.get(block.kind, 0))
    for table in draft.tables:
        add_table_pages(doc, table)
    if anchor is not None:
        added = [el for el in body if el not in before and el.tag != qn("w:sectPr")]
        for el in added:
            anchor.addprevious(el)
        anchor.getparent().remove(anchor)
    doc.core_properties.title = draft.title
    doc.core_properties.content_status = draft.status
    doc.core_properties.category = DRAFT_CATEGORY  # says "ours" to a later run writing over it
    from sheetsync.core.outputs import make_parent

    make_parent(path)
    import os
    import tempfile

    from sheetsync.workbook.xlsxio import temp_stem

    fd, name = tempfile.mkstemp(prefix=f".{temp_stem(path.stem)}.", suffix=".tmp.docx", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        doc.save(str(tmp))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _fill_template(doc: DocxDocument, fields: dict[str, str]) -> object | None:
    """Fill ``{key}`` placeholders of a letterhead; the ``{正文}`` paragraph (if any) is returned."""
    anchor = None
    paragraphs = list(doc.paragraphs)
    for tb in doc.tables:
        for row in tb.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    for p in paragraphs:
        if p.text.strip() == "{正文}" and anchor is None:
            anchor = p._p
            continue
        if "{" not in p.text:
            continue
        for key, value in fields.items():
            token = "{" + key + "}"
            if token not in p.text:
                continue
            runs = [r for r in p.runs if token in r.text]
            if runs:
                for r in runs:
                    r.text = r.text.replace(token, value)
            elif p.runs:  # split over runs by Word: put the filled text in the first run
                text = p.text.replace(token, value)
                first = p.runs[0]
                for r in p.runs[1:]:
                    r._r.getparent().remove(r._r)
                first.text = text
    return anchor
