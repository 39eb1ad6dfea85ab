"""Excel opens what we write without repair: every part of every workbook the demo writes is
validated against the ECMA-376 transitional schemas (vendored in tests/schemas/ooxml, with small
stand-ins for Dublin Core and xml.xsd), after Markup Compatibility processing as Excel does it
(attributes and elements of mc:Ignorable namespaces dropped, mc:AlternateContent resolved to
its fallback); plus the load-time rules Excel applies beyond the schemas that matter to us.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SML_PARTS = ("worksheet", "sheet.main", "styles", "sharedStrings", "comments")


@cache
def schema(name: str) -> etree.XMLSchema:
    path = {"sml": "ooxml/transitional/sml.xsd", "types": "ooxml/opc/opc-contentTypes.xsd",
            "rels": "ooxml/opc/opc-relationships.xsd", "core": "ooxml/opc/opc-coreProperties.xsd",
            "app": "ooxml/transitional/shared-documentPropertiesExtended.xsd",
            "custom": "ooxml/transitional/shared-documentPropertiesCustom.xsd"}[name]
    text = (SCHEMAS / path).read_text(encoding="utf-8")
    # Dublin Core lives on the web; its stand-ins are here (no network in tests)
    text = text.replace("http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd", str(SCHEMAS / "dc.xsd"))
    text = text.replace("http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd", str(SCHEMAS / "dcterms.xsd"))
    text = text.replace('namespace="http://www.w3.org/XML/1998/namespace"/>',
                        f'namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="{SCHEMAS / "xml.xsd"}"/>')
    doc = etree.fromstring(text.encode("utf-8"), base_url=str(SCHEMAS / path))
    return etree.XMLSchema(doc)


def mce(root: etree._Element) -> etree._Element:
    """Markup Compatibility as a consumer that knows none of the extensions: ignorable
    namespaces' attributes and elements dropped, AlternateContent replaced by its Fallback."""
    ignorable: set[str] = set()
    for el in root.iter():
        for prefix in (el.get(f"{{{MC}}}Ignorable") or "").split():
            ns = el.nsmap.get(prefix)
            if ns:
                ignorable.add(ns)
    for alt in list(root.iter(f"{{{MC}}}AlternateContent")):
        parent = alt.getparent()
        fallback = alt.find(f"{{{MC}}}Fallback")
        idx = parent.index(alt)
        parent.remove(alt)
        for child in reversed(list(fallback) if fallback is not None else []):
            parent.insert(idx, child)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        if etree.QName(el).namespace in ignorable and el.getparent() is not None:
            el.getparent().remove(el)
            continue
        for attr in list(el.attrib):
            if attr.startswith("{") and (attr[1:].split("}")[0] in ignorable or attr[1:].startswith(MC)):
                del el.attrib[attr]
    return root


def content_types(zf: zipfile.ZipFile) -> dict[str, str]:
    root = etree.fromstring(zf.read("[Content_Types].xml"))
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in root if d.tag.endswith("Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in root if o.tag.endswith("Override")}
    return {n: overrides.get(n) or defaults.get(n.rsplit(".", 1)[-1].lower(), "") for n in zf.namelist()}


def schema_errors(path: Path) -> list[str]:
    """Every schema error of the workbook at ``path``: "part: line: message"."""
    errors: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for part, ctype in content_types(zf).items():
            if part == "[Content_Types].xml":
                name = "types"
            elif part.endswith(".rels"):
                name = "rels"
            elif ctype.endswith("core-properties+xml"):
                name = "core"
            elif ctype.endswith("extended-properties+xml"):
                name = "app"
            elif ctype.endswith("custom-properties+xml"):
                name = "custom"
            elif "spreadsheetml" in ctype and any(f".{p}+xml" in ctype for p in SML_PARTS):
                name = "sml"
            else:
                continue  # drawings, VML, themes, VBA: checked by the rules below where they matter
            root = mce(etree.fromstring(zf.read(part)))
            s = schema(name)
            if not s.validate(root):
                errors += [f"{part}: {e.line}: {e.message}" for e in s.error_log][:5]
    return errors


def excel_rule_errors(path: Path) -> list[str]:
    """Load-time rules Excel applies beyond the schemas (each broke a file for a real user):
    no data-validation formula stored with a leading "=", and each VML drawing part its own
    shape id block (o:idmap) and shape ids."""
    errors: list[str] = []
    idmaps: dict[str, str] = {}
    shape_ids: dict[str, str] = {}
    with zipfile.ZipFile(path) as zf:
        for part in zf.namelist():
            if re.match(r"xl/worksheets/[^/]+\.xml$", part):
                for m in re.finditer(rb"<(?:\w+:)?formula[12]>\s*=", zf.read(part)):
                    errors.append(f"{part}: data-validation formula stored with a leading '=' at byte {m.start()}")
            elif part.endswith(".vml"):
                data = zf.read(part).decode("utf-8", "replace")
                # any namespace prefix: openpyxl writes ns0:idmap / ns2:shape, Excel o:idmap / v:shape
                for block in re.findall(r'<(?:\w+:)?idmap\b[^>]*?\bdata="([^"]+)"', data):
                    for n in block.split(","):
                        if n in idmaps:
                            errors.append(f"{part}: VML id block {n} also used by {idmaps[n]}")
                        idmaps[n] = part
                for sid in re.findall(r'<(?:\w+:)?shape\b[^>]*?\bid="([^"]+)"', data):
                    if sid in shape_ids:
                        errors.append(f"{part}: VML shape id {sid} also used by {shape_ids[sid]}")
                    shape_ids[sid] = part
    return errors


def workbooks(folder: Path) -> list[Path]:
    """What sheetsync wrote: the top-level workbooks and three issued returns (one writer makes
    them all); the units' files (回收文件, the archive) are theirs, not ours."""
    ours = [p for p in folder.glob("*.xls[xm]")]
    issued = sorted(folder.glob("下发填报表/*.xlsx"))[:3]
    return sorted(ours) + issued


def test_every_demo_workbook_valid(demo) -> None:
    folder, _out = demo
    found = workbooks(folder)
    assert len(found) >= 5
    problems = {p.name: schema_errors(p) + excel_rule_errors(p) for p in found}
    assert {k: v for k, v in problems.items() if v} == {}


def test_broken_file_fails(demo, tmp_path: Path) -> None:
    """The validation can fail: a return with an element out of order and a "=" formula."""
    folder, _out = demo
    src = sorted(folder.glob("下发填报表/*.xlsx"))[0]
    dst = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><bogus/>", 1)
                data = re.sub(rb"<formula1>", b"<formula1>=", data, count=1)
            zout.writestr(item, data)
    assert any("bogus" in e for e in schema_errors(dst))
    assert excel_rule_errors(dst)


@pytest.mark.parametrize("kind", ["sml", "types", "rels", "core", "app", "custom"])
def test_schemas_load(kind: str) -> None:
    assert schema(kind) is not None


def test_notes_on_two_sheets_get_their_own_vml_blocks(tmp_path: Path, libreoffice) -> None:
    """The annotated copy with notes on 任务 and 单位: openpyxl gives both drawings block 1 and
    the same shape ids; each must have its own, and every note must survive."""
    import openpyxl

    from sheetsync.core.model import Finding
    from sheetsync.demo import data as demo_data
    from sheetsync.master.check import annotate_master
    from sheetsync.master.workbook import write_master

    master = tmp_path / "m.xlsx"
    write_master(demo_data.master(), master)
    sheets = openpyxl.load_workbook(master).sheetnames
    tasks, units = sheets[sheets.index("任务")], sheets[sheets.index("单位")]
    findings = [Finding("x", "error", "任务问题", tasks, "B3"), Finding("y", "warning", "单位问题", units, "G2"),
                Finding("z", "info", "另一个", units, "A4")]
    out = annotate_master(master, tmp_path / "a.xlsx", findings)
    assert excel_rule_errors(out) == []
    with zipfile.ZipFile(out) as zf:
        blocks = sorted(re.findall(r'<(?:\w+:)?idmap\b[^>]*?\bdata="([^"]+)"', "".join(
            zf.read(n).decode() for n in zf.namelist() if n.endswith(".vml"))))
    assert blocks == ["1", "2"]
    wb = openpyxl.load_workbook(out)
    assert (wb[tasks]["B3"].comment.text, wb[units]["G2"].comment.text) == ("[错误] 任务问题", "[警告] 单位问题")
    libreoffice([out], tmp_path)
