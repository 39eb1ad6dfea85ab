"""customUI14 XML for the 任务汇总 tab, generated from the button registry.

Every button calls the one VBA dispatcher (``SheetsyncDispatch``) and is told apart by its id,
so the VBA never needs to change when a button is added. The XML is validated against
Microsoft's customui14.xsd in the tests: Excel silently ignores a ribbon it cannot parse, so a
schema error would otherwise only show up as a missing tab on a clerk's PC.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from sheetsync.i18n import t
from sheetsync.ribbon.buttons import DISPATCH_MACRO, GROUPS, TAB_ID, TAB_LABEL_KEY, by_group

NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
#: part name inside the .xlam and the relationship type that points Excel at it
PART_NAME = "customUI/customUI14.xml"
REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def _attrs(**attrs: str) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if v != "")


def customui_xml(lang: str | None = None) -> str:
    """The ribbon XML (UTF-8 text, CRLF-free, deterministic) in language ``lang``."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{NAMESPACE}">',
        "  <ribbon>",
        "    <tabs>",
        f"      <tab{_attrs(id=TAB_ID, label=t(TAB_LABEL_KEY, lang=lang), insertAfterMso='TabHome')}>",
    ]
    for group, buttons in by_group().items():
        lines.append(f"        <group{_attrs(id='grp_' + group, label=t(GROUPS[group], lang=lang))}>")
        for b in buttons:
            lines.append("          <button" + _attrs(
                id=b.id,
                label=b.label(lang),
                imageMso=b.icon,
                size=b.size,
                onAction=DISPATCH_MACRO,
                tag=b.tag(lang),
                screentip=t(b.screentip_key, lang=lang),
                supertip=t(b.supertip_key, lang=lang),
            ) + "/>")
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines)
