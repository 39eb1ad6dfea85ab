"""The built add-in: a macro-enabled add-in package whose VBA is exactly macros/, kept up to date."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xlwings
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

from sheetsync.cli import cli
from sheetsync.ribbon import customui
from sheetsync.ribbon.addin import (
    CT_ADDIN,
    DEFAULT_OUT,
    MACROS_DIR,
    addin_parts,
    build_addin,
    read_modules,
    runtime_module_from_xlwings,
    runtime_xlwings_version,
    stale_parts,
)

REPO = Path(__file__).resolve().parents[2]
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin") / "sheetsync.xlam")


def test_macros_are_ascii_crlf_with_vb_name() -> None:
    files = sorted(MACROS_DIR.glob("*.bas")) + sorted(MACROS_DIR.glob("*.cls"))
    assert {p.name for p in files} >= {"SheetsyncRibbon.bas", "xlwings.bas", "ThisWorkbook.cls", "Sheet1.cls"}
    for p in files:
        data = p.read_bytes()
        data.decode("ascii")
        assert b"\n" not in data.replace(b"\r\n", b""), f"{p.name}: bare LF (git converted line endings?)"
        assert data.startswith(f'Attribute VB_Name = "{p.stem}"\r\n'.encode())


def test_olevba_extracts_every_module_byte_for_byte(built: Path) -> None:
    parser = VBA_Parser(str(built))
    assert parser.detect_vba_macros()
    extracted = {name: code.encode("cp1252") for _, _, name, code in parser.extract_macros()}
    on_disk = {p.name: p.read_bytes() for p in MACROS_DIR.iterdir() if p.suffix in (".bas", ".cls")}
    assert extracted == on_disk


def test_content_types_are_a_macro_enabled_addin(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        types = ET.fromstring(zf.read("[Content_Types].xml"))
        rels = ET.fromstring(zf.read("_rels/.rels"))
        wb_rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        names = set(zf.namelist())
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.iter(f"{CT}Default")}
    assert overrides["/xl/workbook.xml"] == CT_ADDIN == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    for part in overrides:
        assert part.lstrip("/") in names
    targets = {r.get("Type"): r.get("Target") for r in rels.iter(f"{RELS}Relationship")}
    assert targets["http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"] == "customUI/customUI14.xml"
    assert targets["http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"] == "xl/workbook.xml"
    wb_targets = {r.get("Type"): r.get("Target") for r in wb_rels.iter(f"{RELS}Relationship")}
    assert wb_targets["http://schemas.microsoft.com/office/2006/relationships/vbaProject"] == "vbaProject.bin"


def test_document_modules_match_the_workbook(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        wb = zf.read("xl/workbook.xml").decode()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert 'codeName="ThisWorkbook"' in wb
    assert 'codeName="Sheet1"' in sheet
    kinds = {m.name: m.kind for m in read_modules()}
    assert kinds == {"ThisWorkbook": "document", "Sheet1": "document", "SheetsyncRibbon": "procedural",
                     "xlwings": "procedural"}


def test_customui_part_in_the_package_is_the_generated_one(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        assert zf.read(customui.PART_NAME).decode("utf-8") == customui.customui_xml("zh")


def test_every_on_action_sub_is_in_the_built_vba(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        root = ET.fromstring(zf.read(customui.PART_NAME))
    code = "\n".join(c for _, _, _, c in VBA_Parser(str(built)).extract_macros())
    for el in root.iter():
        if el.get("onAction"):
            assert re.search(rf"^Public Sub {el.get('onAction')}\(control As IRibbonControl\)", code, re.M)


def test_build_is_reproducible(tmp_path: Path) -> None:
    a = build_addin(tmp_path / "a.xlam").read_bytes()
    b = build_addin(tmp_path / "b.xlam").read_bytes()
    assert a == b


def test_committed_addin_is_up_to_date() -> None:
    assert DEFAULT_OUT.exists(), "xlsx/sheetsync.xlam is missing: run sheetsync addin build"
    assert stale_parts(DEFAULT_OUT) == [], "xlsx/sheetsync.xlam is out of date: run sheetsync addin build"


def test_stale_check_notices_a_changed_macro(tmp_path: Path) -> None:
    macros = tmp_path / "macros"
    shutil.copytree(MACROS_DIR, macros)
    out = build_addin(tmp_path / "x.xlam", macros_dir=macros)
    assert stale_parts(out, macros_dir=macros) == []
    p = macros / "SheetsyncRibbon.bas"
    p.write_bytes(p.read_bytes() + b"' changed\r\n")
    assert stale_parts(out, macros_dir=macros) == ["xl/vbaProject.bin"]


def test_runtime_module_is_xlwings_own_for_the_installed_version() -> None:
    # the VBA names the xlwings DLL by version: it must match the Python package
    assert runtime_xlwings_version() == xlwings.__version__
    assert (MACROS_DIR / "xlwings.bas").read_bytes() == runtime_module_from_xlwings()


def test_cli_build_and_check(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "s.xlam"
    r = runner.invoke(cli, ["addin", "build", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.exists() and "已生成加载项" in r.output
    r = runner.invoke(cli, ["addin", "check", str(out)])
    assert r.exit_code == 0 and "一致" in r.output
    with zipfile.ZipFile(out) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["customUI/customUI14.xml"] = parts["customUI/customUI14.xml"].replace("任务汇总".encode(), b"X")
    with zipfile.ZipFile(out, "w") as zf:
        for n, d in parts.items():
            zf.writestr(n, d)
    r = runner.invoke(cli, ["addin", "check", str(out)])
    assert r.exit_code != 0


def test_english_build_differs_only_in_texts() -> None:
    zh, en = addin_parts("zh"), addin_parts("en")
    assert zh["xl/vbaProject.bin"] == en["xl/vbaProject.bin"]
    assert 'label="Task roll-up"' in en[customui.PART_NAME].decode()


def test_install_prints_steps_off_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    r = CliRunner().invoke(cli, ["addin", "install"])
    assert r.exit_code == 0, r.output
    assert "XLSTART" in r.output and "sheetsync.conf" in r.output and "启用内容" in r.output


def test_install_on_windows_copies_and_writes_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Windows itself cannot run here: only the platform check is faked, files are real
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    conf = tmp_path / "home" / ".sheetsync" / "sheetsync.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"SHOW CONSOLE","False"\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["addin", "install"])
    assert r.exit_code == 0, r.output
    target = tmp_path / "AppData" / "Microsoft" / "Excel" / "XLSTART" / "sheetsync.xlam"
    assert target.read_bytes() == DEFAULT_OUT.read_bytes()
    import sys

    lines = conf.read_text("utf-8").splitlines()
    assert lines == [f'"INTERPRETER_WIN","{sys.executable}"', '"SHOW CONSOLE","False"']
