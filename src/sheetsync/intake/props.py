"""Custom document properties (docProps/custom.xml), read safely.

sheetsync stamps return workbooks with ``sheetsync_*`` properties; Excel and WPS keep them
through edits, so they identify a return even when the hidden sheet was deleted.
"""

from __future__ import annotations

import zipfile
from typing import Any

from sheetsync.intake.xmlsafe import attr, local, parse_entry

MAX_PROPS = 1000
_INTS = {"i1", "i2", "i4", "i8", "int", "ui1", "ui2", "ui4", "ui8", "uint"}
_FLOATS = {"r4", "r8", "decimal", "cy"}


def read_custom_properties(zf: zipfile.ZipFile, entry: str, max_chars: int) -> dict[str, Any]:
    """name → value (str, int, float or bool; dates stay ISO text) of the custom properties."""
    props: dict[str, Any] = {}
    st: dict[str, Any] = {"name": None, "type": None}
    buf: list[str] = []

    def setup(p: Any) -> None:
        def start(name: str, attrs: dict[str, str]) -> None:
            tag = local(name)
            if tag == "property":
                st["name"] = attr(attrs, "name")
                st["type"] = None
            elif st["name"] is not None and st["type"] is None:
                st["type"] = tag
                buf.clear()

        def end(name: str) -> None:
            tag = local(name)
            if tag == "property":
                st["name"] = None
            elif st["name"] is not None and tag == st["type"] and len(props) < MAX_PROPS:
                props[st["name"]] = _convert(tag, "".join(buf)[:max_chars])

        def chars(data: str) -> None:
            if st["type"] is not None and sum(map(len, buf)) <= max_chars:
                buf.append(data)

        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = chars

    parse_entry(zf, entry, setup)
    return props


def _convert(vt: str, text: str) -> Any:
    try:
        if vt in _INTS:
            return int(text.strip())
        if vt in _FLOATS:
            return float(text.strip())
    except ValueError:
        return text
    if vt == "bool":
        return text.strip().lower() in ("1", "true")
    return text
