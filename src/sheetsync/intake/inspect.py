"""Cheap checks on a returned file before any spreadsheet library touches it.

:func:`inspect_file` reads bytes, zip bookkeeping and XML prologues only; it never builds a
cell grid, so it is safe to run in the main process on anything a mailbox delivers. It says
what the file really is, refuses what must not be parsed, and notes what is odd but harmless.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetsync.core.model import Finding
from sheetsync.i18n import t
from sheetsync.intake.cells import range_extent
from sheetsync.intake.limits import MB, Limits
from sheetsync.intake.notes import kind_text, note
from sheetsync.intake.package import SheetEntry, read_package
from sheetsync.intake.sniff import sniff
from sheetsync.intake.xmlsafe import BadXML, UnsafeXML
from sheetsync.intake.zipcheck import check_zip, dimension_ref

WORKBOOK_EXTS = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".et", ".ett", ".xlsb")
OOXML_EXTS = (".xlsx", ".xlsm", ".xltx", ".xltm")
XLS_EXTS = (".xls", ".xlt", ".et", ".ett")
# what a dimension larger than this says is "declared far beyond the data", worth a note
_HEAD = 8192


@dataclass
class Inspection:
    """What a file is and what the pre-parse checks found.

    ``kind``: ``xlsx``/``xlsm``/``xls`` (readable), ``encrypted`` (readable with a password),
    or what it really is when refused (``empty``, ``csv``, ``html``, ``zip``, ``docx`` …).
    """

    path: str
    kind: str
    extension: str
    size: int = 0
    findings: list[Finding] = field(default_factory=list)
    sheets: list[SheetEntry] = field(default_factory=list)
    date1904: bool = False
    has_macros: bool = False

    @property
    def ok(self) -> bool:
        """True when nothing found stops the file from being parsed."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    @property
    def readable(self) -> bool:
        """Parsable now, or after decryption with a password (the only error is ``encrypted``)."""
        return self.ok or (self.kind == "encrypted" and {f.code for f in self.errors} == {"encrypted"})

    def to_json(self) -> dict[str, Any]:
        """For the trip back from a parser child that inspected the file (data, never code)."""
        return {"path": self.path, "kind": self.kind, "extension": self.extension, "size": self.size,
                "findings": [f.to_json() for f in self.findings], "date1904": self.date1904,
                "has_macros": self.has_macros, "sheets": [[e.name, e.state, e.part, e.kind] for e in self.sheets]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inspection:

        return cls(str(data["path"]), str(data["kind"]), str(data["extension"]), int(data.get("size", 0)),
                   [Finding.from_json(f) for f in data.get("findings", [])],
                   [SheetEntry(str(a), str(b), str(c), str(d)) for a, b, c, d in data.get("sheets", [])],
                   bool(data.get("date1904", False)), bool(data.get("has_macros", False)))


def inspect_file(path: str | Path, limits: Limits | None = None) -> Inspection:
    """Pre-parse checks of the file at ``path``; never raises for anything the file contains."""
    limits = limits or Limits()
    p = Path(path)
    ext = p.suffix.lower()
    ins = Inspection(path=str(p), kind="unknown", extension=ext)
    try:
        ins.size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        ins.kind = "missing"
        ins.findings.append(note("file-missing", p))
        return ins
    if ins.size == 0:
        ins.kind = "empty"
        ins.findings.append(note("empty-file", p))
        return ins
    if ins.size > limits.file_bytes:
        ins.kind = sniff(head)
        ins.findings.append(note("file-too-large", p, size_mb=round(ins.size / MB, 1), limit_mb=limits.file_mb))
        return ins
    kind = sniff(head)
    ins.kind = kind
    try:
        if kind == "zip":
            _inspect_zip(p, limits, head, ins)
        elif kind == "ole":
            _inspect_ole(p, ins)
        else:
            _refuse_other(p, kind, ext, ins)
    except (UnsafeXML, BadXML, OSError, ValueError, EOFError, zipfile.BadZipFile, RuntimeError) as exc:
        # Belt and braces: every check above is meant to turn problems into findings.
        ins.findings.append(note("parser-error", p, detail=type(exc).__name__))
    return ins


def _refuse_other(p: Path, kind: str, ext: str, ins: Inspection) -> None:
    claims_workbook = ext in WORKBOOK_EXTS
    shown_ext = ext or t("intake.kind.noext")
    if kind in ("csv", "text") and claims_workbook:
        ins.findings.append(note("disguised-csv", p, ext=shown_ext, what=kind_text(kind)))
    elif kind in ("html", "xml2003") and claims_workbook:
        ins.findings.append(note("disguised-html", p, ext=shown_ext, what=kind_text(kind)))
    else:
        ins.findings.append(note("not-a-workbook", p, what=kind_text(kind if kind != "empty" else "unknown")))


def _inspect_zip(p: Path, limits: Limits, head: bytes, ins: Inspection) -> None:
    rep = check_zip(p, limits, head)
    ins.findings.extend(rep.findings)
    if not rep.ok:
        return
    lower = {n.casefold() for n in rep.names}
    if "xl/workbook.bin" in lower:  # Excel binary workbook: a real workbook, in a format not read here
        ins.kind = "xlsb"
        ins.findings.append(note("xlsb-unsupported", p))
        return
    with zipfile.ZipFile(p) as zf:
        try:
            pkg = read_package(zf)
        except UnsafeXML:
            ins.findings.append(note("xml-dtd", p, entry="workbook"))
            return
        except BadXML as exc:
            ins.findings.append(note("bad-xml", p, entry="workbook", detail=str(exc)))
            return
    if pkg is None:
        if "word/document.xml" in lower:
            ins.kind = "docx"
        elif "ppt/presentation.xml" in lower:
            ins.kind = "pptx"
        elif "content.xml" in lower and "mimetype" in lower:
            ins.kind = "ods"
        else:
            ins.kind = "zip"
        ins.findings.append(note("not-a-workbook", p, what=kind_text(ins.kind)))
        return
    ins.has_macros = any(n.endswith("vbaproject.bin") for n in lower)
    ins.kind = "xlsm" if ins.has_macros or ins.extension == ".xlsm" else "xlsx"
    ins.sheets = pkg.sheets
    ins.date1904 = pkg.date1904
    if ins.extension in XLS_EXTS:
        ins.findings.append(note("xlsx-renamed", p, ext=ins.extension))
    if ins.has_macros or ins.extension in (".xlsm", ".xltm"):
        ins.findings.append(note("macros-ignored", p))
    for sheet in pkg.sheets:
        if sheet.part and sheet.part in rep.heads:
            ref = dimension_ref(rep.heads[sheet.part])
            if ref:
                rows, cols = range_extent(ref)
                if rows > limits.rows or cols > limits.cols:
                    ins.findings.append(note("huge-dimension", p, sheet=sheet.name, ref=ref))
        elif sheet.kind == "worksheet" and not sheet.part:
            ins.findings.append(note("missing-part", p, entry=sheet.name))


def _inspect_ole(p: Path, ins: Inspection) -> None:
    """OLE2 compound file: a real .xls, a password-protected OOXML workbook, or something else."""
    import olefile

    try:
        with olefile.OleFileIO(str(p)) as ole:
            streams = {"/".join(s).casefold() for s in ole.listdir(streams=True, storages=False)}
    except Exception:  # olefile raises many types on damaged files; all mean "damaged"
        ins.kind = "ole"
        ins.findings.append(note("truncated", p))
        return
    if "encryptioninfo" in streams and "encryptedpackage" in streams:
        ins.kind = "encrypted"
        ins.findings.append(note("encrypted", p))
        return
    if "workbook" in streams or "book" in streams:
        ins.kind = "xls"
        if _xls_is_encrypted(p):
            ins.kind = "encrypted"
            ins.findings.append(note("encrypted", p))
            return
        if ins.extension in OOXML_EXTS:
            ins.findings.append(note("xls-renamed", p, ext=ins.extension))
        if any(s.startswith("_vba_project_cur") for s in streams):
            ins.has_macros = True
            ins.findings.append(note("macros-ignored", p))
        return
    ins.kind = "ole"
    ins.findings.append(note("not-a-workbook", p, what=kind_text("ole")))


def _xls_is_encrypted(p: Path) -> bool:
    """A BIFF workbook with a FILEPASS record (open password); False when undeterminable."""
    try:
        import msoffcrypto

        with p.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # not decidable here; the parser child will report what it meets
        return False
