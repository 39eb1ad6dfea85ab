"""LibreOffice Calc as a clerk's spreadsheet application: open a workbook, type into cells, insert
or delete columns, merge cells, save — headless, driven by a LibreOffice Basic macro.

Why a Basic macro: it needs nothing but LibreOffice itself (no python3-uno), and ``setFormula``
is Calc's own cell input (what typing does): "100%" becomes the number 1, "2026-12-20" a date,
"12.5万" text; as the input line does, a number typed with % also gets a percent format. Every file a test reads back was saved by Calc's own filter.

One LibreOffice start runs a whole batch of edits (a start costs seconds). The macro is
installed into a private LibreOffice profile; texts cross as code points, so no encoding of a
Basic file read can garble them.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "xls": "MS Excel 97", "ods": "calc8"}

BASIC = r"""
Function Dec(s As String) As String
  Dim r As String
  r = ""
  If s <> "" And s <> "-" Then
    codes = Split(s, ",")
    For i = 0 To UBound(codes)
      r = r & Chr(CLng(codes(i)))
    Next i
  End If
  Dec = r
End Function

Sub EditOne(inUrl As String, opsPath As String, outUrl As String, filterName As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  Dim s(1) As New com.sun.star.beans.PropertyValue
  On Error GoTo Fail
  args(0).Name = "Hidden"
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, "_blank", 0, args())
  Dim locale As New com.sun.star.lang.Locale
  locale.Language = "zh"
  locale.Country = "CN"
  f = FreeFile
  Open opsPath For Input As #f
  Do While Not EOF(f)
    Line Input #f, ln
    parts = Split(ln, " ")
    op = parts(0)
    sh = doc.Sheets.getByIndex(CInt(parts(1)))
    If op = "type" Then
      cell = sh.getCellRangeByName(parts(2))
      txt = Dec(parts(3))
      cell.setFormula(txt)
      REM as Calc's input line does: a number typed with % turns the cell's format into a percentage
      If Right(txt, 1) = "%" And cell.getType() = com.sun.star.table.CellContentType.VALUE Then
        cell.NumberFormat = doc.NumberFormats.getStandardFormat(com.sun.star.util.NumberFormat.PERCENT, locale)
      End If
    ElseIf op = "text" Then
      sh.getCellRangeByName(parts(2)).setString(Dec(parts(3)))
    ElseIf op = "clear" Then
      sh.getCellRangeByName(parts(2)).clearContents(1023)
    ElseIf op = "merge" Then
      sh.getCellRangeByName(parts(2)).merge(True)
    ElseIf op = "unprotect" Then
      sh.unprotect(Dec(parts(2)))
    ElseIf op = "delcol" Then
      sh.Columns.removeByIndex(CInt(parts(2)), 1)
    ElseIf op = "inscol" Then
      sh.Columns.insertByIndex(CInt(parts(2)), 1)
    ElseIf op = "delrow" Then
      sh.Rows.removeByIndex(CInt(parts(2)), 1)
    ElseIf op = "insrow" Then
      sh.Rows.insertByIndex(CInt(parts(2)), 1)
    ElseIf op = "copysheet" Then
      doc.Sheets.copyByName(sh.Name, Dec(parts(2)), CInt(parts(3)))
    End If
  Loop
  Close #f
  s(0).Name = "FilterName"
  s(0).Value = filterName
  s(1).Name = "Overwrite"
  s(1).Value = True
  doc.storeToURL(outUrl, s())
  doc.close(True)
  Exit Sub
Fail:
  g = FreeFile
  Open opsPath & ".err" For Output As #g
  Print #g, Err & " " & Error$ & " line " & Erl
  Close #g
  If Not IsNull(doc) Then doc.close(True)
End Sub

Sub EditAll(jobsPath As String)
  f = FreeFile
  Open jobsPath For Input As #f
  Do While Not EOF(f)
    Line Input #f, ln
    parts = Split(ln, " ")
    EditOne(parts(0), parts(1), parts(2), Dec(parts(3)))
  Loop
  Close #f
End Sub
"""


def _enc(text: str) -> str:
    return ",".join(str(ord(ch)) for ch in text) or "-"


@dataclass
class Edit:
    """What a clerk does to one workbook: ops in order, then a save in ``fmt``."""

    src: Path
    dst: Path
    fmt: str = "xlsx"
    ops: list[str] = field(default_factory=list)

    def type(self, cell: str, text: str, sheet: int = 0) -> Edit:
        """Type ``text`` into ``cell`` as Calc's input line takes it (100% → 1 formatted as %)."""
        self.ops.append(f"type {sheet} {cell} {_enc(text)}")
        return self

    def text(self, cell: str, text: str, sheet: int = 0) -> Edit:
        """Enter ``text`` as text (as a pasted text or a cell formatted @)."""
        self.ops.append(f"text {sheet} {cell} {_enc(text)}")
        return self

    def clear(self, cell_range: str, sheet: int = 0) -> Edit:
        self.ops.append(f"clear {sheet} {cell_range}")
        return self

    def merge(self, cell_range: str, sheet: int = 0) -> Edit:
        self.ops.append(f"merge {sheet} {cell_range}")
        return self

    def unprotect(self, password: str = "", sheet: int = 0) -> Edit:
        self.ops.append(f"unprotect {sheet} {_enc(password)}")
        return self

    def delete_column(self, index: int, sheet: int = 0) -> Edit:
        """Delete column ``index`` (0-based: 0 is A)."""
        self.ops.append(f"delcol {sheet} {index}")
        return self

    def insert_column(self, index: int, sheet: int = 0) -> Edit:
        self.ops.append(f"inscol {sheet} {index}")
        return self

    def delete_row(self, index: int, sheet: int = 0) -> Edit:
        self.ops.append(f"delrow {sheet} {index}")
        return self

    def copy_sheet(self, new_name: str, position: int, sheet: int = 0) -> Edit:
        self.ops.append(f"copysheet {sheet} {_enc(new_name)} {position}")
        return self


class Calc:
    """A private LibreOffice profile with the editing macro installed."""

    def __init__(self, exe: str) -> None:
        self.exe = exe
        self.profile = Path(tempfile.mkdtemp(prefix="lo-calc-"))
        self.work = Path(tempfile.mkdtemp(prefix="lo-calc-jobs-"))
        subprocess.run([exe, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--norestore",
                        "--terminate_after_init"], capture_output=True, timeout=300, check=False)
        module = self.profile / "user" / "basic" / "Standard" / "Module1.xba"
        if not module.exists():
            raise RuntimeError("LibreOffice did not create its user profile")
        module.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
            '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
            f'script:language="StarBasic">{html.escape(BASIC, quote=False)}</script:module>', encoding="utf-8")

    def run(self, edits: list[Edit]) -> None:
        """Apply every edit in one LibreOffice start; fail naming the first edit LibreOffice refused.

        Files cross through ASCII names in a private folder (the Basic side sees only those)."""
        lines = []
        for i, e in enumerate(edits):
            src = self.work / f"in{i}{e.src.suffix}"
            shutil.copyfile(e.src, src)
            ops = self.work / f"ops{i}.txt"
            ops.write_text("\n".join(e.ops) + "\n", encoding="ascii")
            dst = self.work / f"out{i}.{e.fmt}"
            dst.unlink(missing_ok=True)
            lines.append(f"{src.as_uri()} {ops} {dst.as_uri()} {_enc(FILTERS[e.fmt])}")
        jobs = self.work / "jobs.txt"
        jobs.write_text("\n".join(lines) + "\n", encoding="ascii")
        proc = subprocess.run([self.exe, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--norestore",
                               f'macro:///Standard.Module1.EditAll("{jobs}")'], capture_output=True, timeout=600)
        for i, e in enumerate(edits):
            err = self.work / f"ops{i}.txt.err"
            if err.exists():
                raise AssertionError(f"LibreOffice failed on {e.dst.name}: {err.read_text(errors='replace')}")
            out = self.work / f"out{i}.{e.fmt}"
            if not out.exists():
                raise AssertionError(f"LibreOffice saved no {e.dst.name} (exit {proc.returncode}): "
                                     f"{proc.stderr.decode('utf-8', 'replace')[-500:]}")
            e.dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(out, e.dst)

    def close(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)
        shutil.rmtree(self.work, ignore_errors=True)
