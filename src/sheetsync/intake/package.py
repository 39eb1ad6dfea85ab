"""The structure of an OOXML workbook: where the workbook part is, its sheets and their parts.

Read with :mod:`sheetsync.intake.xmlsafe` so the same DTD refusal applies; used by
:func:`inspect_file` (to name sheets in findings) and by the parser child.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from typing import Any

from sheetsync.intake.xmlsafe import attr, local, parse_entry

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_SHARED_STRINGS = "/sharedStrings"
REL_CUSTOM_PROPS = "/custom-properties"


@dataclass
class SheetEntry:
    name: str
    state: str  # visible / hidden / veryHidden
    part: str  # zip entry name, "" when the relationship is missing
    kind: str = "worksheet"  # worksheet / chartsheet / other


@dataclass
class Package:
    workbook_part: str
    date1904: bool = False
    sheets: list[SheetEntry] = field(default_factory=list)
    shared_strings: str | None = None
    custom_props: str | None = None


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def _rels_path(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def read_rels(zf: zipfile.ZipFile, part: str, names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(id, type, resolved target) of ``part``'s relationships; [] when it has none.

    ``names`` maps casefolded entry names to real ones: OPC part names are case-insensitive.
    """
    rels = names.get(_rels_path(part).casefold())
    out: list[tuple[str, str, str]] = []
    if rels is None:
        return out

    def setup(p: Any) -> None:
        def start(name: str, attrs: dict[str, str]) -> None:
            if local(name) == "Relationship" and (attr(attrs, "TargetMode") or "").lower() != "external":
                out.append((attr(attrs, "Id") or "", attr(attrs, "Type") or "",
                            _resolve(part if part else "/", attr(attrs, "Target") or "")))

        p.StartElementHandler = start

    parse_entry(zf, rels, setup)
    return out


def read_package(zf: zipfile.ZipFile) -> Package | None:
    """The workbook structure, or None when there is no workbook part (not a spreadsheet)."""
    names = {n.casefold(): n for n in zf.namelist()}
    main = None
    custom = None
    for _id, typ, target in read_rels(zf, "", names):
        if typ.endswith(REL_OFFICE_DOCUMENT):
            main = names.get(target.casefold())
        elif typ.endswith(REL_CUSTOM_PROPS):
            custom = names.get(target.casefold())
    if main is None:
        main = names.get("xl/workbook.xml")
    if main is None:
        return None
    if custom is None:
        custom = names.get("docprops/custom.xml")
    pkg = Package(workbook_part=main, custom_props=custom)
    rels = {rid: (typ, names.get(target.casefold(), "")) for rid, typ, target in read_rels(zf, main, names)}
    for typ, target in rels.values():
        if typ.endswith(REL_SHARED_STRINGS) and target:
            pkg.shared_strings = target

    def setup(p: Any) -> None:
        def start(name: str, attrs: dict[str, str]) -> None:
            tag = local(name)
            if tag == "sheet":
                rid = attr(attrs, "id") or ""
                typ, target = rels.get(rid, ("", ""))
                kind = "worksheet" if typ.endswith(REL_WORKSHEET) else ("chartsheet" if "chartsheet" in typ else "other")
                state = attr(attrs, "state") or "visible"
                if state not in ("visible", "hidden", "veryHidden"):
                    state = "hidden"
                pkg.sheets.append(SheetEntry(attr(attrs, "name") or "", state, target, kind))
            elif tag == "workbookPr":
                pkg.date1904 = (attr(attrs, "date1904") or "").lower() in ("1", "true")

        p.StartElementHandler = start

    parse_entry(zf, main, setup)
    return pkg
