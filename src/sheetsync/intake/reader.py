"""Parse a workbook that passed :func:`inspect_file` — run only inside the parser child.

python-calamine reads the cell values (fast, xlsx and BIFF .xls alike); a safe expat pass
over the XML adds what calamine hides (sheet states, formulas without cached values, error
cells, the real extent of the content) and, crucially, runs *first*, so a sheet whose content
reaches far beyond the limits is refused before calamine allocates a grid for it.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sheetsync.core.model import Finding
from sheetsync.intake.data import Rejection, SheetData, Value, WorkbookData
from sheetsync.intake.inspect import inspect_file
from sheetsync.intake.limits import Limits
from sheetsync.intake.notes import note
from sheetsync.intake.package import read_package, read_rels
from sheetsync.intake.props import read_custom_properties
from sheetsync.intake.sheetscan import (
    SheetScan,
    percent_cells,
    percent_styles,
    plain_shared_strings,
    scan_shared_strings,
    scan_sheet,
)
from sheetsync.intake.xmlsafe import BadXML, UnsafeXML

MAX_NOTES_PER_CODE = 20  # per sheet: enough to act on, not a wall of text
_STATES = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}


def parse_file(path: str, kind: str, limits: Limits, password: str | None, *,
               merged: bool = True) -> WorkbookData | Rejection:
    """Data of the workbook at ``path`` (already inspected, of ``kind``), or why not.

    ``merged``: also list each sheet's merged ranges (the master reader fills them;
    the returns reader names a merge over task rows), on by default."""
    if kind == "encrypted":
        return _parse_encrypted(path, limits, password)
    if kind == "xls":
        return _parse_xls(path, path, limits, merged)
    return _parse_xlsx(path, path, kind, limits, merged)


def _parse_encrypted(path: str, limits: Limits, password: str | None) -> WorkbookData | Rejection:
    """Decrypt into a private temp dir, then treat the plain file as just as untrusted."""
    import msoffcrypto
    import msoffcrypto.exceptions as mexc

    if not password:
        return Rejection(path, [note("encrypted", path)])
    tmpdir = tempfile.mkdtemp(prefix="sheetsync-dec-")
    try:
        plain = Path(tmpdir) / Path(path).name
        try:
            with open(path, "rb") as src, plain.open("wb") as dst:
                office = msoffcrypto.OfficeFile(src)
                try:
                    office.load_key(password=password, verify_password=True)
                except TypeError:  # formats whose load_key has no verify step (BIFF RC4)
                    office.load_key(password=password)
                office.decrypt(dst)
        except (mexc.InvalidKeyError, mexc.DecryptionError):
            return Rejection(path, [note("wrong-password", path)])
        except Exception as exc:  # msoffcrypto raises assorted errors on damaged containers
            return Rejection(path, [note("parser-error", path, detail=f"{type(exc).__name__}: {exc}"[:200])])
        ins = inspect_file(plain, limits)
        _repoint(ins.findings, path)
        if not ins.ok:
            return Rejection(path, ins.findings)
        if ins.kind == "xls":
            result = _parse_xls(str(plain), path, limits)
        elif ins.kind in ("xlsx", "xlsm"):
            result = _parse_xlsx(str(plain), path, ins.kind, limits)
        else:
            return Rejection(path, ins.findings or [note("not-a-workbook", path, what=ins.kind)])
        if isinstance(result, WorkbookData):
            result.notes[:0] = ins.findings
        else:
            result.findings[:0] = [f for f in ins.findings if f not in result.findings]
        return result
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _repoint(findings: list[Finding], path: str) -> None:
    for f in findings:
        f.file = path


def _parse_xlsx(real: str, shown: str, kind: str, limits: Limits, merged: bool = True) -> WorkbookData | Rejection:
    notes: list[Finding] = []
    scans: dict[str, SheetScan] = {}
    percents: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(real) as zf:
            pkg = read_package(zf)
            if pkg is None:
                return Rejection(shown, [note("missing-part", shown, entry="xl/workbook.xml")])
            unjudged: list[str] = []  # parts left for calamine's parse to judge (plain ones)
            bad_strings: dict[int, tuple[str, int]] = {}
            if pkg.shared_strings:
                if plain_shared_strings(zf, pkg.shared_strings, limits.text_chars):
                    unjudged.append(pkg.shared_strings)
                else:
                    bad_strings = scan_shared_strings(zf, pkg.shared_strings, limits.text_chars)
            for sh in pkg.sheets:
                if sh.kind != "worksheet" or not sh.part:
                    continue
                scan = scan_sheet(zf, sh.part, max_rows=limits.rows, max_cols=limits.cols,
                                  max_chars=limits.text_chars, bad_strings=bad_strings)
                if scan.beyond:
                    return Rejection(shown, [note("cells-beyond-limit", shown, sheet=sh.name, cell=scan.beyond,
                                                  rows=limits.rows, cols=limits.cols)])
                scans[sh.name] = scan
                if not scan.xml_judged:
                    unjudged.append(sh.part)
            styles = _percent_styles(zf, pkg.workbook_part)
            if styles:
                for sh in pkg.sheets:
                    if sh.kind == "worksheet" and sh.part and sh.name in scans and scans[sh.name].last_row:
                        percents[sh.name] = percent_cells(zf, sh.part, styles)
            props = read_custom_properties(zf, pkg.custom_props, limits.text_chars) if pkg.custom_props else {}
    except UnsafeXML:
        return Rejection(shown, [note("xml-dtd", shown, entry="?")])
    except BadXML as exc:
        return Rejection(shown, [note("bad-xml", shown, entry="?", detail=str(exc))])

    import python_calamine as pc

    # from a file object calamine sniffs the format; from a path it trusts the extension
    fh = open(real, "rb")  # noqa: SIM115 - must outlive the workbook object, closed below
    try:
        wb = pc.CalamineWorkbook.from_filelike(fh)
    except Exception:
        fh.close()
        bad = _bad_xml(real, shown, unjudged)
        if bad is None:
            raise
        return bad
    out = WorkbookData(file=shown, kind=kind, date_system=1904 if pkg.date1904 else 1900,
                       custom_properties=props, notes=notes)
    try:
        for sh in pkg.sheets:
            if sh.kind != "worksheet":
                out.sheets.append(SheetData(sh.name, sh.state))  # type: ignore[arg-type]
                continue
            scan = scans.get(sh.name)
            ranges: list[tuple[int, int, int, int]] = []
            if scan is None or scan.last_row == 0:
                rows: list[list[Value]] = []
            else:
                try:
                    ws = wb.get_sheet_by_name(sh.name)
                    raw = ws.to_python(skip_empty_area=False, nrows=scan.last_row)
                    if merged:
                        ranges = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in ws.merged_cell_ranges or ()]
                except Exception:
                    bad = _bad_xml(real, shown, unjudged)
                    if bad is None:
                        raise
                    return bad
                for (r, c), err in scan.errors.items():  # calamine reads error cells as blank
                    if r <= len(raw) and c <= len(raw[r - 1]):
                        raw[r - 1][c - 1] = err
                rows = _clean(raw, scan.last_row, scan.last_col)
            sd = SheetData(sh.name, sh.state, rows, merged=ranges,  # type: ignore[arg-type]
                           percent=percents.get(sh.name, []))
            if scan is not None:
                _apply_scan(sd, scan, shown, notes)
            out.sheets.append(sd)
    finally:
        wb.close()
        fh.close()
    return out


def _percent_styles(zf: zipfile.ZipFile, workbook_part: str) -> frozenset[int]:
    """The cell styles of the workbook whose number format is a percentage (none: no styles part)."""
    names = {n.casefold(): n for n in zf.namelist()}
    for _id, typ, target in read_rels(zf, workbook_part, names):
        if typ.endswith("/styles") and target.casefold() in names:
            return percent_styles(zf, names[target.casefold()])
    return frozenset()


def _bad_xml(real: str, shown: str, parts: list[str]) -> Rejection | None:
    """After calamine failed: the bad-xml refusal for the first of ``parts`` (not yet judged by
    expat) that is not well-formed, in expat's words; None when they all are (a real parser error)."""
    from sheetsync.intake.xmlsafe import judge

    with zipfile.ZipFile(real) as zf:
        for part in parts:
            try:
                judge(zf.read(part))
            except (BadXML, UnsafeXML) as exc:
                return Rejection(shown, [note("bad-xml", shown, entry=part, detail=str(exc) or "DTD")])
    return None


def _parse_xls(real: str, shown: str, limits: Limits, merged: bool = True) -> WorkbookData | Rejection:
    """BIFF .xls (as WPS and old Excel save): calamine only; no XML to scan. Merged ranges as
    for .xlsx (calamine reads BIFF's MERGEDCELLS): a master or return saved by WPS keeps them."""
    import python_calamine as pc

    fh = open(real, "rb")  # noqa: SIM115 - must outlive the workbook object, closed below
    wb = pc.CalamineWorkbook.from_filelike(fh)
    out = WorkbookData(file=shown, kind="xls")
    try:
        for meta in wb.sheets_metadata:
            state = _STATES.get(str(meta.visible).rsplit(".", 1)[-1], "visible")
            if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
                out.sheets.append(SheetData(meta.name, state))  # type: ignore[arg-type]
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            end = sheet.end
            if end is not None and (end[0] + 1 > limits.rows or end[1] + 1 > limits.cols):
                from sheetsync.intake.cells import address

                return Rejection(shown, [note("cells-beyond-limit", shown, sheet=meta.name,
                                              cell=address(end[0] + 1, end[1] + 1),
                                              rows=limits.rows, cols=limits.cols)])
            raw = sheet.to_python(skip_empty_area=False)
            rows = _clean(raw, len(raw), max((len(r) for r in raw), default=0))
            ranges = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in
                      (getattr(sheet, "merged_cell_ranges", None) or ())] if merged else []
            sd = SheetData(meta.name, state, rows, merged=ranges)  # type: ignore[arg-type]
            _text_checks(sd, shown, limits, out.notes)
            out.sheets.append(sd)
    finally:
        wb.close()
        fh.close()
    return out


_EXACT = 2.0**53  # floats below this magnitude that are whole convert to int exactly


def _value(v: Any) -> Value:
    """calamine's value as one of the types the rest of sheetsync handles."""
    if v == "" or v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v if v - v == 0.0 else _nonfinite(v)
    if isinstance(v, (int, str, datetime, date)):
        return v
    if isinstance(v, time):
        return v.isoformat()
    if isinstance(v, timedelta):
        return v.total_seconds() / 86400
    return str(v)


def _nonfinite(v: float) -> str:
    """NaN or an infinity as the text a clerk would recognise (no number a return can hold)."""
    return "NaN" if v != v else ("inf" if v > 0 else "-inf")


def _values(cells: list[Any]) -> list[Value]:
    """:func:`_value` of each cell, with the two kinds nearly every cell is (text, number) inline."""
    out: list[Value] = []
    add = out.append
    for v in cells:
        kind = type(v)
        if kind is str:
            add(v or None)
        elif kind is float:
            # v - v is 0.0 for every finite float; NaN and ±inf (a cell holding <v>NaN</v>)
            # become their text, which the return's reader reports as not a number
            add(int(v) if v.is_integer() and -_EXACT < v < _EXACT else v if v - v == 0.0 else _nonfinite(v))
        else:
            add(_value(v))
    return out


def _clean(raw: list[list[Any]], last_row: int, last_col: int) -> list[list[Value]]:
    """Values converted, cut to the content extent, trailing empty rows and columns trimmed."""
    rows = [_values(r[:last_col]) for r in raw[:last_row]]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = 0
    for r in rows:
        for i in range(len(r) - 1, -1, -1):
            if r[i] is not None:
                width = max(width, i + 1)
                break
    return [r[:width] + [None] * (width - len(r)) for r in rows]


def _apply_scan(sd: SheetData, scan: SheetScan, shown: str, notes: list[Finding]) -> None:
    from sheetsync.intake.cells import address

    sd.formulas_without_value = list(scan.formulas_without_value)
    for addr in sd.formulas_without_value:
        _set(sd, addr, None)
    if scan.formulas_without_value_count:
        notes.append(note("formula-no-value", shown, sheet=sd.name, cell=scan.formulas_without_value[0],
                          count=scan.formulas_without_value_count,
                          cells="、".join(scan.formulas_without_value[:5])))
    for n, ((r, c), err) in enumerate(sorted(scan.errors.items())):
        if n < MAX_NOTES_PER_CODE:
            notes.append(note("cell-error", shown, sheet=sd.name, cell=address(r, c), error=err))
    counts: dict[str, int] = {}
    for code, cell, length in scan.text_problems:
        counts[code] = counts.get(code, 0) + 1
        if counts[code] > MAX_NOTES_PER_CODE:
            continue
        notes.append(note(code, shown, sheet=sd.name, cell=cell, chars=length, limit=32767))
    for cell, raw in scan.long_numbers[:MAX_NOTES_PER_CODE]:
        notes.append(note("long-number", shown, sheet=sd.name, cell=cell, value=raw))


def _text_checks(sd: SheetData, shown: str, limits: Limits, notes: list[Finding]) -> None:
    """For .xls (no XML to scan): control characters and over-long text from the values."""
    from sheetsync.intake.cells import address
    from sheetsync.intake.sheetscan import text_problem

    counts: dict[str, int] = {}
    for r, row in enumerate(sd.rows, start=1):
        for c, v in enumerate(row, start=1):
            if isinstance(v, str):
                problem = text_problem(v, limits.text_chars)
                if problem:
                    code, length = problem
                    counts[code] = counts.get(code, 0) + 1
                    if counts[code] <= MAX_NOTES_PER_CODE:
                        notes.append(note(code, shown, sheet=sd.name, cell=address(r, c), chars=length,
                                          limit=limits.text_chars))


def _set(sd: SheetData, addr: str, value: Value) -> None:
    from sheetsync.intake.cells import split_address

    r, c = split_address(addr)
    if 1 <= r <= len(sd.rows) and 1 <= c <= len(sd.rows[r - 1]):
        sd.rows[r - 1][c - 1] = value
