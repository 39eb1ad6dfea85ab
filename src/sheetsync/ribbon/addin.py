"""Assembling ``sheetsync.xlam`` from text sources, on any OS, without Excel.

The add-in is a macro-enabled add-in package: a one-sheet workbook, the VBA project written
by :mod:`sheetsync.ribbon.vba` from ``macros/``, and the ribbon XML from the button registry.
Parts are written with fixed timestamps and in a fixed order, and :func:`stale_parts` compares
a built file part by part with what the sources give now — so "the committed add-in is out of
date" is a precise, testable statement that does not depend on the zlib version.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from sheetsync.i18n import t
from sheetsync.ribbon import customui
from sheetsync.ribbon.vba.project import Module, build_vba_project

REPO = Path(__file__).resolve().parents[3]
MACROS_DIR = REPO / "macros"
DEFAULT_OUT = REPO / "xlsx" / "sheetsync.xlam"
PROJECT_NAME = "sheetsync"
#: the language the committed add-in is built in (labels are baked into the customUI)
DEFAULT_LANG = "zh"

CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_VB_NAME = re.compile(rb'^Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"\r\n')
_VB_BASE = re.compile(rb'^Attribute VB_Base = "0\{[0-9A-F-]+\}"\r$', re.M)
_XLWINGS_VERSION = re.compile(r"^'Version: (\S+)\r?$", re.M)


def installed_addin() -> Path:
    """The add-in to install: the repository's ``xlsx/`` in a checkout, else the copy a wheel
    installs under ``<prefix>/share/sheetsync/`` (``pip install .`` has no repository beside it)."""
    import sys

    if DEFAULT_OUT.exists():
        return DEFAULT_OUT
    for prefix in (sys.prefix, sys.base_prefix):
        candidate = Path(prefix) / "share" / "sheetsync" / DEFAULT_OUT.name
        if candidate.exists():
            return candidate
    return DEFAULT_OUT


def read_modules(macros_dir: Path = MACROS_DIR) -> list[Module]:
    """The VBA modules in ``macros/``: ThisWorkbook, then sheet modules, then standard modules.

    ``.bas`` files are standard modules; ``.cls`` files with a ``VB_Base`` attribute are
    document modules (the workbook and its sheets), other ``.cls`` files class modules. Files
    hold the module stream text exactly (CRLF, ASCII), which is what olevba extracts again.
    """
    modules: list[Module] = []
    for path in sorted(macros_dir.iterdir()):
        if path.suffix.lower() not in (".bas", ".cls"):
            continue
        source = path.read_bytes()
        m = _VB_NAME.match(source)
        if not m or m.group(1).decode() != path.stem:
            raise ValueError(f"{path}: must start with Attribute VB_Name = \"{path.stem}\" and a CRLF")
        if path.suffix.lower() == ".bas":
            kind = "procedural"
        else:
            kind = "document" if _VB_BASE.search(source) else "class"
        modules.append(Module(path.stem, kind, source))  # type: ignore[arg-type]
    order = {"document": 0, "class": 1, "procedural": 2}
    modules.sort(key=lambda m: (order[m.kind], m.name != "ThisWorkbook", m.name.lower()))
    return modules


def runtime_xlwings_version(macros_dir: Path = MACROS_DIR) -> str:
    """The xlwings version of the runtime module: it must equal the Python package's (DLL name)."""
    text = (macros_dir / "xlwings.bas").read_text("ascii")
    m = _XLWINGS_VERSION.search(text)
    if not m:
        raise ValueError("macros/xlwings.bas has no 'Version:' line")
    return m.group(1)


def runtime_module_from_xlwings() -> bytes:
    """``macros/xlwings.bas`` as derived from the installed xlwings package.

    xlwings ships ``xlwings_custom_addin.bas`` for add-ins (it works on the *active* workbook,
    not on the add-in itself); the only change is the project name, which makes the runtime read
    its settings from ``%USERPROFILE%\\.sheetsync\\sheetsync.conf`` instead of touching the user's
    own xlwings configuration.
    """
    import xlwings

    src = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_bytes()
    old = b'Public Const PROJECT_NAME As String = "myaddin"'
    if src.count(old) != 1:
        raise ValueError("xlwings_custom_addin.bas no longer has the PROJECT_NAME line")
    return src.replace(old, f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'.encode("ascii"))


# ---------------------------------------------------------------- package parts
def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode("utf-8")


def _content_types(sheets: list[str]) -> bytes:
    overrides = [
        ("/xl/workbook.xml", CT_ADDIN),
        ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ] + [(f"/xl/worksheets/sheet{i}.xml",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml") for i in range(1, len(sheets) + 1)]
    return _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Default Extension="bin" ContentType="{CT_VBA}"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides)
        + "</Types>")


def _rels(rels: list[tuple[str, str]]) -> bytes:
    return _xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i}" Type="{typ}" Target="{target}"/>'
                  for i, (typ, target) in enumerate(rels, 1))
        + "</Relationships>")


def _workbook(sheets: list[str]) -> bytes:
    return _xml(
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<workbookPr codeName="ThisWorkbook"/>'
        '<bookViews><workbookView visibility="hidden"/></bookViews><sheets>'
        + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
        + "</sheets></workbook>")


def _sheet(code_name: str, lines: list[str]) -> bytes:
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{escape(text)}</t></is></c></row>'
        for r, text in enumerate(lines, 1))
    return _xml(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetPr codeName="{code_name}"/><sheetData>{rows}</sheetData></worksheet>')


_STYLES = _xml(
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def _core(lang: str) -> bytes:
    return _xml(
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(t('ribbon.title', lang=lang))}</dc:title><dc:creator>sheetsync</dc:creator>"
        "</cp:coreProperties>")


_APP = _xml(
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity></Properties>")


def addin_parts(lang: str = DEFAULT_LANG, macros_dir: Path = MACROS_DIR) -> dict[str, bytes]:
    """Every part of the add-in package, in the order they are written."""
    modules = read_modules(macros_dir)
    if not modules or modules[0].name != "ThisWorkbook":
        raise ValueError("macros/ needs ThisWorkbook.cls (the workbook's document module)")
    sheet_modules = [m.name for m in modules if m.kind == "document" and m.name != "ThisWorkbook"]
    if not sheet_modules:
        raise ValueError("macros/ needs one worksheet document module (Sheet1.cls): a workbook has a sheet")
    sheet_names = [t("ribbon.title", lang=lang)] + [f"{t('ribbon.title', lang=lang)} {i}" for i in range(2, len(sheet_modules) + 1)]
    about = [t("ribbon.title", lang=lang), t("ribbon.help.text", lang=lang)]
    parts: dict[str, bytes] = {
        "[Content_Types].xml": _content_types(sheet_names),
        "_rels/.rels": _rels([
            (REL_OFFICE_DOC, "xl/workbook.xml"),
            ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "docProps/app.xml"),
            (customui.REL_TYPE, customui.PART_NAME),
        ]),
        "docProps/core.xml": _core(lang),
        "docProps/app.xml": _APP,
        "xl/workbook.xml": _workbook(sheet_names),
        "xl/_rels/workbook.xml.rels": _rels(
            [("http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", f"worksheets/sheet{i}.xml")
             for i in range(1, len(sheet_names) + 1)]
            + [("http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles", "styles.xml"),
               (REL_VBA, "vbaProject.bin")]),
        "xl/styles.xml": _STYLES,
    }
    for i, code_name in enumerate(sheet_modules, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet(code_name, about if i == 1 else [])
    parts["xl/vbaProject.bin"] = build_vba_project(PROJECT_NAME, modules)
    parts[customui.PART_NAME] = customui.customui_xml(lang).encode("utf-8")
    return parts


def build_addin(out_path: Path | str = DEFAULT_OUT, lang: str = DEFAULT_LANG, macros_dir: Path = MACROS_DIR) -> Path:
    """Write the add-in to ``out_path`` (same sources → same bytes with the same zlib)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        for name, data in addin_parts(lang, macros_dir).items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            zf.writestr(info, data, compresslevel=9)
    tmp.replace(out)
    return out


def stale_parts(path: Path | str = DEFAULT_OUT, lang: str = DEFAULT_LANG, macros_dir: Path = MACROS_DIR) -> list[str]:
    """Names of the parts of a built add-in that differ from what the sources give now
    (missing and extra parts included); empty when the add-in is up to date."""
    expected = addin_parts(lang, macros_dir)
    with zipfile.ZipFile(path) as zf:
        actual = {name: zf.read(name) for name in zf.namelist()}
    names = list(expected) + [n for n in actual if n not in expected]
    return [n for n in names if expected.get(n) != actual.get(n)]
