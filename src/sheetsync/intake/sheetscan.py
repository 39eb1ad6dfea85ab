"""Stream-scan worksheet and shared-string XML for what python-calamine does not tell us.

calamine gives fast cell values but hides: formulas whose result was never saved (it returns
an empty string), error cells, and the real extent of a sheet's content (it allocates a dense
grid up to the farthest cell, which is how a 4.7 KB file with a cell at XFD1048576 asks for
half a terabyte and aborts the process). One pass per sheet, with no cell grid kept,
answers all three before calamine is allowed near the file: byte searches for the plain
sheets real writers produce, regular expressions for most others, expat events for the rest.
"""

from __future__ import annotations

import contextlib
import html
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sheetsync.intake.cells import address, split_address
from sheetsync.intake.xmlsafe import local, parse_entry

_ESC = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_LISTED = 10_000  # addresses kept per list; the count stays exact
# Empty cells and rows that carry an explicit address (what a "formatted to the bottom of the
# sheet" workbook holds a million of) are dropped in C before expat calls Python for them.
# Those without an address stay, as their position is counted from their predecessors.
_EMPTY_CELL = re.compile(rb'<(?:\w+:)?c\s(?:r="|[^<>]*?\sr=")[A-Z]{1,3}[0-9]{1,7}"[^<>]*/>')
_EMPTY_ROW = re.compile(rb'<((?:\w+:)?)row\s(?:r="|[^<>]*?\sr=")[0-9]{1,7}"[^<>]*(?:/>|>\s*</\1row>)')


def _drop_empty(data: bytes) -> bytes:
    return _EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", data))


def unescape_ooxml(text: str) -> str:
    """Decode Excel's ``_xHHHH_`` escapes (how control characters are stored in XML)."""
    if "_x" not in text:
        return text
    return _ESC.sub(lambda m: chr(int(m.group(1), 16)), text)


def text_problem(text: str, max_chars: int) -> tuple[str, int] | None:
    """('control-chars' | 'text-too-long', length) when ``text`` has either problem."""
    plain = unescape_ooxml(text)
    if len(plain) > max_chars:
        return "text-too-long", len(plain)
    if _CTRL.search(plain):
        return "control-chars", len(plain)
    return None


def scan_shared_strings(zf: zipfile.ZipFile, entry: str, max_chars: int) -> dict[int, tuple[str, int]]:
    """Index → problem of shared strings with control characters or over-long text."""
    bad: dict[int, tuple[str, int]] = {}
    state = {"idx": -1, "depth_rph": 0, "in_t": False}
    parts: list[str] = []

    def setup(p: Any) -> None:
        def start(name: str, _attrs: dict[str, str]) -> None:
            tag = local(name)
            if tag == "si":
                state["idx"] += 1
                parts.clear()
            elif tag == "rPh":
                state["depth_rph"] += 1
            elif tag == "t" and not state["depth_rph"]:
                state["in_t"] = True

        def end(name: str) -> None:
            tag = local(name)
            if tag == "t":
                state["in_t"] = False
            elif tag == "rPh":
                state["depth_rph"] -= 1
            elif tag == "si":
                problem = text_problem("".join(parts), max_chars)
                if problem:
                    bad[int(state["idx"])] = problem
                parts.clear()

        def chars(data: str) -> None:
            if state["in_t"]:
                parts.append(data)

        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = chars

    parse_entry(zf, entry, setup)
    return bad


def plain_shared_strings(zf: zipfile.ZipFile, entry: str, max_chars: int) -> bool:
    """True when no shared string can hold a control character or be over-long (so there is
    nothing to find per string), judged by byte searches; False: run :func:`scan_shared_strings`.

    Like plain sheets, a plain string table is not parsed by expat: no "<!" means no DTD, and
    calamine's own parse judges well-formedness."""
    data = _plain_utf8(zf, entry)
    if data is None or b"<!" in data or _ESCAPED_CTRL.search(data) or _CTRL_REF.search(data):
        return False
    if len(data.translate(None, _CTRL_BYTES)) != len(data):
        return False
    # bytes ≥ characters, and markup only adds bytes: no <si> this long, no string this long
    return len(data) <= max_chars or max(map(len, data.split(b"<si"))) <= max_chars


@dataclass
class SheetScan:
    """What one pass over a worksheet's XML found."""

    last_row: int = 0  # extent of cells with content (value, inline text or formula)
    last_col: int = 0
    beyond: str = ""  # first cell with content outside the row/column limits
    formulas_without_value: list[str] = field(default_factory=list)
    formulas_without_value_count: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "#DIV/0!"
    text_problems: list[tuple[str, str, int]] = field(default_factory=list)  # (code, cell, length)
    long_numbers: list[tuple[str, str]] = field(default_factory=list)  # (cell, raw value)
    xml_judged: bool = True  # False: well-formedness is left to calamine's parse (plain sheets)


class _Stop(Exception):
    pass


# ---- fast path: an ordinary sheet (every cell addressed; no formulas, inline text or error
# cells) is scanned with regular expressions in C, after expat has judged the XML with no
# Python call per element. It gives exactly the SheetScan of the general pass below, which
# handles every other sheet. (The general pass is much slower per ordinary return.)
FAST_MAX_BYTES = 16 * 1024 * 1024
_F_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")
_RPH_TAG = re.compile(rb"<(?:\w+:)?rPh[\s>/]")
_T_SPECIAL = re.compile(rb'\st="(?:e|str)"')
_IS = re.compile(rb"<(?:\w+:)?is(?:\s[^<>]*)?(?:/>|>(.*?)</(?:\w+:)?is>)", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^<>]*)?(?:/>|>([^<]*)</(?:\w+:)?t>)")
# a control character can only be stored as an _xHHHH_ escape (XML 1.0 forbids it raw or as &#1;)
_RAW_CTRL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|_x[0-9A-Fa-f]{4}_")
_C_OPEN = re.compile(rb"<(?:\w+:)?c[\s/>]")
_C_ADDRESSED = re.compile(rb'<(?:\w+:)?c\s(?:r="|[^<>]*?\sr=")[A-Z]{1,3}[0-9]{1,7}"')
_CELL = re.compile(rb"<(?:\w+:)?c\s([^<>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})([0-9]{1,7})"')
_TYPE = re.compile(rb'(?:^|\s)t="([A-Za-z]+)"')
_V = re.compile(rb"<(?:\w+:)?v(?:\s[^<>]*)?(?:/>|>([^<]*)</(?:\w+:)?v>)")


# content cells (body starts with a value or inline text) and their addresses, in one pass
_CONTENT_REF = re.compile(rb'<(?:\w+:)?c\s(?:r="|[^<>]*?\sr=")([A-Z]{1,3})([0-9]{1,7})"[^<>]*(?<!/)>\s*<(?:\w+:)?(?:v|is)[\s>/]')
_EMPTY_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|t)(?:\s[^<>]*)?/>|<(?:\w+:)?(?:v|t)(?:\s[^<>]*)?></")
_LONG_NUMBER = re.compile(rb"<(?:\w+:)?v(?:\s[^<>]*)?>[^<]*(?:[0-9]{16}|[eE])")


_CTRL_OR_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _nothing_per_cell(data: bytes, max_chars: int) -> bool:
    """No text to judge (escapes, control characters, text longer than the limit), no long
    numbers and no empty values anywhere in the sheet: only cell addresses matter."""
    if _CTRL_OR_ESCAPE.search(data) or _LONG_NUMBER.search(data):
        return False
    if len(data) > max_chars and max(map(len, data.split(b"<"))) > max_chars:
        return False
    return not _EMPTY_VALUE.search(data)


def _scan_addresses(data: bytes, max_rows: int, max_cols: int) -> SheetScan:
    """Extent and the first cell beyond the limits, for a sheet with nothing to report per cell."""
    return _extent(_CONTENT_REF.findall(data), max_rows, max_cols)


def _scan_simple(data: bytes, max_rows: int, max_cols: int, max_chars: int,
                 bad_strings: dict[int, tuple[str, int]]) -> SheetScan | None:
    """The SheetScan of an ordinary sheet, or None when the general pass is needed."""
    from sheetsync.intake.cells import col_number

    if _F_TAG.search(data) or _RPH_TAG.search(data) or _T_SPECIAL.search(data):
        return None
    if len(_C_OPEN.findall(data)) != len(_C_ADDRESSED.findall(data)):
        return None
    if not bad_strings and _nothing_per_cell(data, max_chars):
        return _scan_addresses(data, max_rows, max_cols)
    res = SheetScan()
    cols: dict[bytes, int] = {}
    for m in _CELL.finditer(data):
        body = m.group(2)
        if not body:
            continue  # empty (perhaps styled) cell
        im = _IS.search(body)
        if im is not None:  # inline text: the <t> runs inside <is>
            raw = b"".join(tm.group(1) or b"" for tm in _TEXT.finditer(im.group(1) or b""))
            v, inline = "", raw
        else:
            vm = _V.search(body)
            if vm is None:
                continue
            v, inline = (vm.group(1) or b"").decode("utf-8"), None
        ref = _REF.search(m.group(1))
        if ref is None:
            return None
        letters = ref.group(1)
        c = cols.get(letters) or cols.setdefault(letters, col_number(letters.decode("ascii")))
        r = int(ref.group(2))
        if r > max_rows or c > max_cols:
            res.beyond = address(r, c)
            return res
        if not v and not inline:
            continue
        if r > res.last_row:
            res.last_row = r
        if c > res.last_col:
            res.last_col = c
        if inline is not None:
            # only text that could be over-long or hold a control character is decoded and judged
            if len(inline) > max_chars or _RAW_CTRL.search(inline):
                problem = text_problem(html.unescape(inline.decode("utf-8")), max_chars)
                if problem and len(res.text_problems) < MAX_LISTED:
                    res.text_problems.append((problem[0], address(r, c), problem[1]))
            continue
        tm = _TYPE.search(m.group(1))
        t = tm.group(1) if tm else b"n"
        if t == b"s":
            if v.strip().isdigit() and int(v) in bad_strings:
                code, length = bad_strings[int(v)]
                if len(res.text_problems) < MAX_LISTED:
                    res.text_problems.append((code, address(r, c), length))
        elif t == b"n" and _is_long_number(v) and len(res.long_numbers) < MAX_LISTED:
            res.long_numbers.append((address(r, c), v))
    return res


# ---- plain path: the sheets Excel, WPS, LibreOffice and sheetsync itself write (the main
# namespace as the one default namespace, every cell addressed as ``<c r="…"``, no formula,
# error or "str" cell, no inline rich text, no empty value, nothing to judge in any text).
# Each condition is one C-speed byte search, so an ordinary return is judged here several times
# faster than through the regular expressions above; any doubt falls back to them.
_MAIN_NS = b"spreadsheetml/2006/main\""
_DEFAULT_MAIN_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Each pattern starts with a literal, which the regex engine finds at memchr speed.
_ESCAPED_CTRL = re.compile(rb"_x[0-9A-Fa-f]{4}_")  # an escaped character (how Excel stores control characters)
_CTRL_REF = re.compile(rb"&#(?:0*(?:[0-9]|[12][0-9]|3[01]|127)|[xX]0*(?:1?[0-9A-Fa-f]|7[fF]));")  # same, as a reference
_PLAIN_ODD = (
    # no DTD (so no entity can be declared), comment or CDATA; no formula, phonetic run, rich
    # inline text or empty value; no cell tag followed by anything but a space and its address
    re.compile(rb"<(?:!|f[\s/>]|rPh|r[\s>]|v[\s/]|v></v|is[\s/]|is></is|t/>|t\s[^<>]*/>|c[\t\r\n>/]|c (?!r=\"))"),
    re.compile(rb"></t"),  # an empty <t …></t>
    re.compile(rb""" t=(?:"(?:e|str)"|')"""),  # error / formula-string cells, or unusual quoting
    re.compile(rb":c[\s>/]"),  # an element named c in another namespace
    re.compile(rb"<v>[^<]*(?:[0-9]{16}|[eE])"),  # a long number, or one in exponent form
    _ESCAPED_CTRL,
    _CTRL_REF,
)
def _second_r(data: bytes) -> bool:
    """Whether an r attribute may follow another attribute (the plain path's cells and rows
    start with their r): a second r in a cell is the one calamine takes. Byte searches only:
    a tab or line break is looked for first (Excel writes none past the XML declaration)."""
    if b'" r=' in data:
        return True
    return any(data.find(ws, 100) >= 0 and ws + b"r=" in data for ws in (b"\t", b"\n", b"\r"))
_CTRL_BYTES = bytes([*range(0, 9), 11, 12, *range(14, 32), 127])
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_LONG_TEXT: dict[int, re.Pattern[bytes]] = {}


def _scan_plain(data: bytes, max_rows: int, max_cols: int, max_chars: int) -> SheetScan | None:
    """Extent and the first cell beyond the limits of a plain sheet, or None (not plain)."""
    if data.count(_MAIN_NS) != 1 or _DEFAULT_MAIN_NS not in data or data.count(b'xmlns="') != 1:
        return None
    if any(p.search(data) for p in _PLAIN_ODD):
        return None
    if _second_r(data):
        return None
    if len(data.translate(None, _CTRL_BYTES)) != len(data):
        return None
    if len(data) > max_chars:  # a text that may be too long (bytes ≥ characters)
        long_text = _LONG_TEXT.get(max_chars)
        if long_text is None:
            long_text = _LONG_TEXT.setdefault(max_chars, re.compile(rb">[^<]{%d}" % (max_chars + 1)))
        if long_text.search(data):
            return None
    # The extent of every cell, empty ones included: an upper bound of the content's (calamine
    # is told to read that far, then empty rows and columns are trimmed). Beyond the limits,
    # the exact pass decides whether content is there (a sheet formatted to the bottom is fine).
    bound = _bound_by_dimension(data)
    if bound is None:
        if _BAD_REF.search(data):
            return None
        bound = _bound_by_refs(data)
    if bound is None:
        return SheetScan()
    last_row, last_col = bound
    if last_row > max_rows or last_col > max_cols:
        return None
    return SheetScan(last_row=last_row, last_col=last_col)


_BAD_REF = re.compile(rb'<c r="(?![A-Z]{1,3}[0-9]{1,7}")')  # every cell tag must start with a plain address
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')


def _bound_by_refs(data: bytes) -> tuple[int, int] | None:
    """(last row, last column) over every cell address; None when there is no cell."""
    refs = _PLAIN_REF.findall(data)
    if not refs:
        return None
    from sheetsync.intake.cells import col_number

    return (max(map(int, map(itemgetter(1), refs))),
            max(map(col_number, map(bytes.decode, set(map(itemgetter(0), refs))))))


def _bound_by_dimension(data: bytes) -> tuple[int, int] | None:
    """The bottom-right corner of the sheet's ``<dimension>`` when no cell lies past it and
    every cell tag starts with a plain address, else None.

    Why: the bound over every address creates an object per cell, a visible share of reading
    an ordinary return; one search for an address past a candidate corner creates none. The dimension
    element is only the candidate: a sheet that lies about it falls back to every address.
    """
    m = _DIMENSION.search(data)
    if m is None or m.group(2).startswith(b"0"):
        return None
    letters, digits = m.group(1).decode("ascii"), m.group(2).decode("ascii")
    if _past(letters, digits).search(data):
        return None
    from sheetsync.intake.cells import col_number

    return int(digits), col_number(letters)


@lru_cache(maxsize=64)
def _past(letters: str, digits: str) -> re.Pattern[bytes]:
    """A cell tag not followed by a plain address, or with an address whose column is after
    ``letters`` or whose row is after ``digits`` (one search: both start ``<c r="``)."""
    col = _greater(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3, first="A-Z")
    row = _greater(digits, "0123456789", 7, first="1-9")  # leading zeros are matched before it
    return re.compile(f'<c r="(?:(?![A-Z]{{1,3}}[0-9]{{1,7}}")|(?:{col})[0-9]|[A-Z]{{1,3}}0*(?:{row})")'.encode("ascii"))


def _greater(text: str, alphabet: str, longest: int, first: str) -> str:
    """Regex for the strings over ``alphabet`` (up to ``longest`` long, starting with a symbol
    in ``first``) that sort after ``text`` as numbers do: any longer one, or the same length
    and greater at the first symbol that differs."""
    n = len(text)
    parts = [f"[{first}][{alphabet[0]}-{alphabet[-1]}]{{{n},{longest - 1}}}"] if n < longest else []
    for i, ch in enumerate(text):
        k = alphabet.index(ch)
        if k + 1 < len(alphabet):
            rest = f"[{alphabet[0]}-{alphabet[-1]}]{{{n - i - 1}}}" if i + 1 < n else ""
            parts.append(f"{re.escape(text[:i])}[{alphabet[k + 1]}-{alphabet[-1]}]{rest}")
    return "|".join(parts) or "(?!)"


def _extent(refs: list[tuple[bytes, bytes]], max_rows: int, max_cols: int) -> SheetScan:
    """SheetScan of content cells given as (column letters, row digits) in document order."""
    from sheetsync.intake.cells import col_number

    res = SheetScan()
    cols: dict[bytes, int] = {}
    last_row = last_col = 0
    for letters, digits in refs:
        c = cols.get(letters) or cols.setdefault(letters, col_number(letters.decode("ascii")))
        r = int(digits)
        if r > max_rows or c > max_cols:
            res.beyond = address(r, c)
            break
        if r > last_row:
            last_row = r
        if c > last_col:
            last_col = c
    res.last_row, res.last_col = last_row, last_col
    return res


def _plain_utf8(zf: zipfile.ZipFile, entry: str) -> bytes | None:
    """The part's bytes when it is UTF-8 XML of at most FAST_MAX_BYTES, else None."""
    if zf.getinfo(entry).file_size > FAST_MAX_BYTES:
        return None
    with zf.open(entry) as fh:
        data = fh.read(FAST_MAX_BYTES + 1)
    if len(data) > FAST_MAX_BYTES or not data.startswith((b"<?xml", b"<")) or b"encoding" in data[:100] and not \
            re.match(rb'<\?xml[^>]*encoding="(?:UTF-8|utf-8)"', data):
        return None
    return data


def _scan_fast(zf: zipfile.ZipFile, entry: str, max_rows: int, max_cols: int, max_chars: int,
               bad_strings: dict[int, tuple[str, int]]) -> SheetScan | None:
    from sheetsync.intake.xmlsafe import judge

    data = _plain_utf8(zf, entry)
    if data is None:
        return None
    res = _scan_plain(data, max_rows, max_cols, max_chars) if not bad_strings else None
    if res is not None:
        # No DTD can be there (no "<!"); whether the XML is well-formed, calamine's own parse
        # tells (it fails on truncated or unclosed markup, and the reader then asks expat why)
        res.xml_judged = False
        return res
    res = _scan_simple(data, max_rows, max_cols, max_chars, bad_strings)
    if res is not None:
        judge(data)  # expat judges the XML (DTD refused, well-formed), in C
    return res


def scan_sheet(zf: zipfile.ZipFile, entry: str, *, max_rows: int, max_cols: int, max_chars: int,
               bad_strings: dict[int, tuple[str, int]]) -> SheetScan:
    """One streaming pass over worksheet ``entry``; stops at the first cell beyond the limits."""
    fast = _scan_fast(zf, entry, max_rows, max_cols, max_chars, bad_strings)
    if fast is not None:
        return fast
    res = SheetScan()
    st: dict[str, Any] = {"row": 0, "col": 0, "r": 0, "c": 0, "t": "", "f": False, "v": None,
                          "in_v": False, "in_is": False, "in_t": False, "rph": 0}
    vbuf: list[str] = []
    tbuf: list[str] = []

    def setup(p: Any) -> None:
        def start(name: str, attrs: dict[str, str]) -> None:
            tag = local(name)
            if tag == "c":
                ref = attrs.get("r")
                r, c = split_address(ref) if ref else (0, 0)
                if r == 0 and ref:
                    # not an A1 address Excel could write (AAAAAA1, A99999999): calamine still
                    # reads letters and digits of any length, so this is where it puts the cell
                    r, c = _loose_address(ref)
                if r == 0:
                    r, c = st["row"] or 1, st["col"] + 1
                st["r"], st["c"], st["col"] = r, c, c
                st["t"] = attrs.get("t", "n")
                st["f"] = False
                st["v"] = None
                st["is"] = None
            elif tag == "row":
                r = attrs.get("r")
                st["row"] = int(r) if r and r.isdigit() else st["row"] + 1
                st["col"] = 0
            elif tag == "v":
                st["in_v"] = True
                vbuf.clear()
            elif tag == "f":
                st["f"] = True
            elif tag == "is":
                st["in_is"] = True
                tbuf.clear()
            elif tag == "rPh":
                st["rph"] += 1
            elif tag == "t" and st["in_is"] and not st["rph"]:
                st["in_t"] = True

        def end(name: str) -> None:
            tag = local(name)
            if tag == "c":
                _end_cell()
            elif tag == "v":
                st["in_v"] = False
                st["v"] = "".join(vbuf)
            elif tag == "is":
                st["in_is"] = False
                st["is"] = "".join(tbuf)
            elif tag == "t":
                st["in_t"] = False
            elif tag == "rPh":
                st["rph"] -= 1

        def chars(data: str) -> None:
            if st["in_v"]:
                vbuf.append(data)
            elif st["in_t"]:
                tbuf.append(data)

        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = chars

    def _end_cell() -> None:
        v = st["v"]
        inline = st["is"]
        if v is None and inline is None and not st["f"]:
            return  # an empty (perhaps styled) cell: not content, and calamine skips it too
        r, c = st["r"], st["c"]
        # Even an empty <v/> counts here: calamine may place a cell there and size its grid by it.
        if r > max_rows or c > max_cols:
            res.beyond = address(r, c)
            raise _Stop()
        if not v and not inline and not st["f"]:
            return
        if r > res.last_row:
            res.last_row = r
        if c > res.last_col:
            res.last_col = c
        t = st["t"]
        if st["f"] and not v and inline is None:
            res.formulas_without_value_count += 1
            if len(res.formulas_without_value) < MAX_LISTED:
                res.formulas_without_value.append(address(r, c))
            return
        if t == "e":
            res.errors[(r, c)] = v or ""
        elif t == "s":
            if v and v.strip().isdigit() and int(v) in bad_strings:
                code, length = bad_strings[int(v)]
                _text_problem(code, address(r, c), length)
        elif t in ("inlineStr", "str"):
            problem = text_problem(inline if inline is not None else (v or ""), max_chars)
            if problem:
                _text_problem(problem[0], address(r, c), problem[1])
        elif t == "n" and v and _is_long_number(v) and len(res.long_numbers) < MAX_LISTED:
            res.long_numbers.append((address(r, c), v))

    def _text_problem(code: str, cell: str, length: int) -> None:
        if len(res.text_problems) < MAX_LISTED:
            res.text_problems.append((code, cell, length))

    with contextlib.suppress(_Stop):
        parse_entry(zf, entry, setup, prefilter=_drop_empty)
    return res


_LOOSE_ADDR = re.compile(r"^\$?([A-Za-z]+)\$?([0-9]+)$")


def _loose_address(ref: str) -> tuple[int, int]:
    """(row, col) of letters-and-digits of any length, as calamine reads them; an attribute
    that is no address at all counts as beyond every limit (no writer makes one)."""
    from sheetsync.intake.cells import MAX_COL, MAX_ROW, col_number

    m = _LOOSE_ADDR.match(ref.strip())
    if m is None:
        return MAX_ROW + 1, MAX_COL + 1
    letters, digits = m.group(1)[:12], m.group(2)[:12]  # past 12 the number is beyond any limit anyway
    return max(int(digits), 1), col_number(letters)


def _is_long_number(v: str) -> bool:
    """A stored number of more than 15 significant digits' magnitude: an ID typed as a number."""
    try:
        x = float(v)
    except ValueError:
        return False
    return abs(x) >= 1e15 and x == int(x)


# ---- number formats: which cells are formatted as a percentage (a typed "100%" stores 1).
# Only the style indices whose format shows a percentage are looked for, by one regular
# expression over the sheet's bytes, so a workbook without percent formats costs one search.
_BUILTIN_PERCENT = frozenset({9, 10})  # 0% and 0.00%
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_BUILTIN_PERCENT_REF = re.compile(rb'numFmtId="(?:9|10)"')


def is_percent_format(code: str) -> bool:
    """True when the number format ``code`` shows its value as a percentage (a % outside quotes,
    escapes and [colour/locale] brackets)."""
    return "%" in _QUOTED.sub("", code)


def percent_styles(zf: zipfile.ZipFile, entry: str) -> frozenset[int]:
    """Indices into ``cellXfs`` of ``entry`` (xl/styles.xml) whose number format is a percentage."""
    data = zf.read(entry)
    if b"%" not in data and not _BUILTIN_PERCENT_REF.search(data):
        return frozenset()  # the common case, one byte search: no format shows a percentage
    codes: dict[int, str] = {}
    xfs: list[int] = []
    depth = {"cellXfs": 0}

    def setup(p: Any) -> None:
        def start(name: str, attrs: dict[str, str]) -> None:
            tag = local(name)
            if tag == "numFmt":
                with contextlib.suppress(ValueError):
                    codes[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            elif tag == "cellXfs":
                depth["cellXfs"] += 1
            elif tag == "xf" and depth["cellXfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(name: str) -> None:
            if local(name) == "cellXfs":
                depth["cellXfs"] -= 1

        p.StartElementHandler = start
        p.EndElementHandler = end

    parse_entry(zf, entry, setup)
    percent = {i for i, c in codes.items() if is_percent_format(c)} | (_BUILTIN_PERCENT - codes.keys())
    return frozenset(i for i, fmt in enumerate(xfs) if fmt in percent)


def percent_cells(zf: zipfile.ZipFile, entry: str, styles: frozenset[int], limit: int = MAX_LISTED) -> list[str]:
    """A1 addresses of the cells of sheet ``entry`` styled with one of ``styles`` (percent
    formats). The regular expression matches only such cell tags, so only they cost Python work.
    Cells whose address is implied (no ``r``) are left out: real writers address styled cells."""
    if not styles:
        return []
    data = zf.read(entry)
    alts = b"|".join(str(s).encode() for s in sorted(styles))
    tags = re.compile(rb'<(?:\w+:)?c\s([^<>]*?\bs="(?:' + alts + rb')"[^<>]*)>')
    out: list[str] = []
    for m in tags.finditer(data):
        ref = _REF.search(m.group(1))
        if ref is not None:
            out.append(ref.group(1).decode("ascii") + ref.group(2).decode("ascii"))
            if len(out) >= limit:
                break
    return out
