"""Parse XML parts of untrusted workbooks with expat, refusing any DTD.

Excel never writes a DTD, and a DTD is how XML attacks work (entities that read local files,
"billion laughs" expansion). So the first sign of one stops the parse: no entity is ever
declared, expanded or fetched. Parts are fed in chunks so a large sheet is never held whole.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

CHUNK = 64 * 1024
# encodings an XML part may declare; anything else (UTF-7, EBCDIC…) could hide markup from
# a byte-level scan, and Excel writes UTF-8 (rarely UTF-16) only
SAFE_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii", "iso-8859-1",
                  "latin-1", "windows-1252", "gb2312", "gbk", "gb18030"}
_XML_DECL_ENC = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class UnsafeXML(Exception):
    """A DTD or entity declaration was met: the part is refused, not parsed further."""


class BadXML(Exception):
    """The part is not well-formed XML (or declares an encoding we will not decode)."""


def declared_encoding(head: bytes) -> str | None:
    """The encoding named in the XML declaration at the start of ``head`` (lower case), if any."""
    m = _XML_DECL_ENC.match(head.lstrip(b"\xef\xbb\xbf"))
    return m.group(1).decode("ascii").lower() if m else None


def new_parser() -> Any:
    """An expat parser (namespace-aware: names are 'uri local') that refuses DTDs."""
    p = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_: object) -> None:
        raise UnsafeXML()

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.UnparsedEntityDeclHandler = refuse
    p.NotationDeclHandler = refuse
    p.ExternalEntityRefHandler = refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.buffer_text = True
    p.buffer_size = CHUNK
    return p


def local(name: str) -> str:
    """'uri local' → 'local'."""
    return name.rsplit(" ", 1)[-1]


def parse_entry(zf: zipfile.ZipFile, entry: str, setup: Callable[[Any], None],
                prefilter: Callable[[bytes], bytes] | None = None) -> None:
    """Stream the zip entry ``entry`` through a safe parser that ``setup`` gives handlers to.

    ``prefilter`` may drop markup the handlers would ignore anyway (it gets text cut after a
    ``>``, so no tag is split). Raises UnsafeXML on a DTD, BadXML on malformed XML or an
    unsupported declared encoding.
    """
    p = new_parser()
    setup(p)
    carry = b""
    with zf.open(entry) as fh:
        first = True
        while True:
            chunk = fh.read(CHUNK)
            eof = not chunk
            if first:
                enc = declared_encoding(chunk[:200])
                if enc is not None and enc not in SAFE_ENCODINGS:
                    raise BadXML(f"encoding {enc}")
                first = False
            if prefilter is not None:
                data = carry + chunk
                cut = len(data) if eof else data.rfind(b">") + 1
                if cut == 0 and not eof:
                    if len(data) < 4 * CHUNK:
                        carry = data
                        continue
                    cut = len(data)  # no '>' in 256 KB: nothing to filter, expat judges it
                carry = data[cut:]
                chunk = prefilter(data[:cut])
            try:
                p.Parse(chunk, eof)
            except expat.ExpatError as exc:
                raise BadXML(expat.errors.messages.get(exc.code, str(exc)) if hasattr(exc, "code") else str(exc)) from None
            if eof:
                break


def judge(data: bytes) -> None:
    """Raise UnsafeXML / BadXML unless ``data`` (a whole part, already read) is safe, well-formed XML."""
    enc = declared_encoding(data[:200])
    if enc is not None and enc not in SAFE_ENCODINGS:
        raise BadXML(f"encoding {enc}")
    try:
        new_parser().Parse(data, True)
    except expat.ExpatError as exc:
        raise BadXML(expat.errors.messages.get(exc.code, str(exc)) if hasattr(exc, "code") else str(exc)) from None


def attr(attrs: dict[str, str], name: str) -> str | None:
    """Attribute by local name, whatever its namespace (OOXML transitional and strict differ)."""
    if name in attrs:
        return attrs[name]
    for key, value in attrs.items():
        if local(key) == name:
            return value
    return None
