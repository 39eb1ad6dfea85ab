"""Per-unit return workbooks: each unit gets exactly its tasks, easy to fill in, hard to break.

Why this shape: units retype, reorder and rename things, so each workbook carries hidden
metadata (unit, period, master fingerprint, task ids in order) that lets the merge identify a
returned file without trusting its name, and detect rows that were moved, inserted or deleted.
Validation is applied to whole ranges, one rule per column. The workbooks are written with
XlsxWriter: a county splits to 300 units, and openpyxl's object model and serialiser made that
far too slow (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.dates import parse_date
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding, Master
from sheetsync.core.targets import target_cell
from sheetsync.core.units import Assignment, UnitRegistry, assignments
from sheetsync.i18n import get_lang, t
from sheetsync.split.manifest import ManifestUnit, write_manifest

_WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def unit_id(name: str) -> str:
    """A stable id for a unit: the same canonical name always gives the same id."""
    return "U" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def safe_filename(name: str, max_len: int = 150, max_bytes: int = 240) -> str:
    """A file name valid on Windows: illegal characters replaced, no trailing dot/space, not reserved,
    at most ``max_len`` characters and ``max_bytes`` UTF-8 bytes (file systems cap a name at 255
    bytes; the default leaves room for a suffix such as ".xlsx")."""
    s = _WINDOWS_ILLEGAL.sub("_", name).strip().rstrip(". ")
    stem = s.split(".")[0].upper()
    if stem in _WINDOWS_RESERVED:
        s = "_" + s
    s = s[:max_len]
    while len(s.encode("utf-8")) > max_bytes:
        s = s[:-1]
    return s.rstrip(". ") or "_"


#: the longest issued return file name, in characters (UTF-16 units, as Windows counts them):
#: a split folder path of up to 259 - 80 characters still fits Windows MAX_PATH (260)
RETURN_NAME_CHARS = 80
#: hex digits of the unit's hash added to a shortened or colliding unit part
NAME_HASH_LEN = 6
def _utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def name_hash(unit: str, length: int = NAME_HASH_LEN) -> str:
    """The short stable hash that tells shortened or colliding names apart: the first hex digits
    of :func:`unit_id`, so it can be matched to the workbook's metadata."""
    return unit_id(unit)[1:1 + length]


def return_filename(period: str, unit: str, lang: str | None = None, *, hashed: bool = False,
                    hash_len: int = NAME_HASH_LEN) -> str:
    """One unit's return file name: at most :data:`RETURN_NAME_CHARS` characters and 255 bytes.

    A unit part too long for that is shortened and gets ``~`` + a short hash of the full name
    (``hashed`` forces the hash: :func:`return_filenames` uses it for names that collide). The
    full unit name stays in the workbook's title and metadata, by which the merge identifies it."""
    part = unit

    def build(p: str) -> str:
        return safe_filename(t("split.filename", period=period, unit=p, lang=lang), 10**6, 10**6) + ".xlsx"

    def fits(n: str) -> bool:
        return _utf16_len(n) <= RETURN_NAME_CHARS and len(n.encode("utf-8")) <= 255

    name = build(part)
    if fits(name) and not hashed:
        return name
    suffix = "~" + name_hash(unit, hash_len)
    while part:
        name = build(part + suffix)
        if fits(name):
            return name
        part = part[:-1].rstrip(". ")
    # only a period text of its own too long is left: cut the whole name
    return safe_filename(t("split.filename", period=period, unit=suffix, lang=lang),
                         RETURN_NAME_CHARS - len(".xlsx") - len(suffix), 240) + suffix + ".xlsx"


def _name_key(name: str) -> str:
    """Names a Windows (or macOS) file system would take for one file: case and full-width folded."""
    import unicodedata

    return unicodedata.normalize("NFKC", name).casefold()


def return_filenames(period: str, units: list[str], lang: str | None = None) -> dict[str, str]:
    """Each unit's return file name, unique among ``units`` even where a file system folds case or
    full-width forms: every unit of a colliding group gets its hash (longer ones if hashes still
    collide), so the names do not depend on the order of the units. Why: "A<B" and "A>B", or "ABC局"
    and "abc局", once got one file name and one workbook overwrote the other."""
    names = {u: return_filename(period, u, lang) for u in dict.fromkeys(units)}
    hash_len = NAME_HASH_LEN
    while True:
        groups: dict[str, list[str]] = {}
        for u, n in names.items():
            groups.setdefault(_name_key(n), []).append(u)
        clashing = [u for g in groups.values() if len(g) > 1 for u in g]
        if not clashing:
            return names
        if hash_len > 40:
            raise SheetsyncError(t("split.name_collision", units="、".join(clashing)))
        for u in clashing:
            names[u] = return_filename(period, u, lang, hashed=True, hash_len=hash_len)
        hash_len += 4


#: how many errors the refusal names (the rest are in ``sheetsync check`` / the 校验结果 sheet)
ERRORS_SHOWN = 5


class MasterHasErrors(SheetsyncError):
    """The master has check errors, so no return workbook was written.

    Why refuse: a unit would receive a workbook built from a wrong unit name or a duplicate task
    id, and the merge would trip over it weeks later. ``report`` carries every finding so a
    front-end can mark the cells; ``split_master(..., force=True)`` is the explicit override.
    """

    exit_code = 1

    def __init__(self, report: Any) -> None:
        errors = report.errors
        shown = report.lines(severity="error", limit=ERRORS_SHOWN)
        more = len(errors) - len(shown)
        if more > 0:
            shown.append(t("split.more_errors", n=more))
        path = report.master.path
        key, name = ("split.has_errors_in", path.name) if path else ("split.has_errors", "")
        super().__init__(t(key, errors=len(errors), file=name, list="\n".join(shown)), file=str(path or ""),
                         hint=t("split.fix_or_force"))
        self.report = report


def refuse_errors(master: Master) -> Any:
    """The master's :class:`~sheetsync.master.check.CheckReport`; raises :class:`MasterHasErrors` if it has errors."""
    from sheetsync.master.check import check_report

    report = check_report(master)
    if not report.ok:
        raise MasterHasErrors(report)
    return report


@dataclass
class UnitWorkbook:
    unit: str
    file: Path
    email: str
    lead_tasks: int
    co_tasks: int


@dataclass
class SplitResult:
    outdir: Path
    period: str
    due: str
    workbooks: list[UnitWorkbook] = field(default_factory=list)
    units_without_tasks: list[str] = field(default_factory=list)
    distribution_list: Path | None = None
    manifest: Path | None = None
    findings: list[Finding] = field(default_factory=list)  # the reporting calendar's (节假日数据缺失)

    def to_json(self) -> dict[str, Any]:
        return {
            "outdir": str(self.outdir), "period": self.period, "due": self.due,
            "workbooks": [{"unit": w.unit, "file": w.file.name, "email": w.email, "lead_tasks": w.lead_tasks,
                           "co_tasks": w.co_tasks} for w in self.workbooks],
            "units_without_tasks": self.units_without_tasks,
            "distribution_list": str(self.distribution_list) if self.distribution_list else None,
            "findings": [f.to_json() for f in self.findings],
        }


PREFILLED_COLOR = "#FFF2CC"  # cells carried forward from last period: pale yellow, as clerks mark "to check"


def split_master(master: Master, outdir: str | Path, *, period: str | None = None, due: str | None = None,
                 carry_forward: dict[str, dict[str, dict[str, Any]]] | None = None,
                 issued_at: datetime | None = None, lang: str | None = None,
                 units: list[str] | None = None, force: bool = False) -> SplitResult:
    """Write one return workbook per responsible unit, a distribution list and a manifest.

    A master with check errors is refused (:class:`MasterHasErrors`, listing the first errors
    with sheet!cell) before anything is written, unless ``force`` (``sheetsync split --force``).

    ``carry_forward`` maps unit → task id → last accepted values (see
    :func:`sheetsync.ledger.Ledger.last_values`), pre-filled so units update instead of retyping.
    ``units`` limits the output to those units (the ribbon's "this unit again").
    """
    if not force:
        refuse_errors(master)
    lang = lang or get_lang()
    from sheetsync.core.calendar import split_defaults

    # --period / 设置·报送周期, else the reporting calendar's next period (and its deadline)
    period, due_text, calendar_findings = split_defaults(master, period, due, (issued_at or datetime.now()).date())
    if not period:
        raise SheetsyncError(t("split.no_period", file=str(master.path or "")))
    due_date, due_findings = check_due(master, period, due_text, due, (issued_at or datetime.now()).date())
    calendar_findings = [*calendar_findings, *due_findings]
    due_iso = due_date.isoformat() if due_date else ""
    outdir = Path(outdir)
    from sheetsync.core.outputs import make_folder

    make_folder(outdir)
    registry = UnitRegistry(master.units, master.region)
    by_unit = assignments(master.tasks, registry)
    issued = (issued_at or datetime.now()).replace(microsecond=0)
    result = SplitResult(outdir, period, due_iso, findings=calendar_findings)
    fingerprint = master.fingerprint()
    # names over every unit with tasks (not only ``units``): "this unit again" gets the same file name
    file_names = return_filenames(period, [u.name for u in registry.units if by_unit.get(u.name)], lang)
    for unit in registry.units:
        if units is not None and unit.name not in units:
            continue
        tasks = by_unit.get(unit.name)
        if not tasks:
            result.units_without_tasks.append(unit.name)
            continue
        path = outdir / file_names[unit.name]
        meta = {
            "template_version": schema.RETURN_TEMPLATE_VERSION, "unit_id": unit_id(unit.name), "unit": unit.name,
            "period": period, "master_fingerprint": fingerprint, "issued_at": issued.isoformat(),
            "region": master.region, "plan": master.plan_name, "due": due_iso,
        }
        prefill = (carry_forward or {}).get(unit.name, {})
        write_return_workbook(path, master, unit.name, tasks, meta, prefill=prefill, lang=lang)
        result.workbooks.append(UnitWorkbook(unit.name, path, unit.email,
                                             sum(a.role == "lead" for a in tasks), sum(a.role == "co" for a in tasks)))
    result.distribution_list = _write_distribution_list(result, lang, issued)
    result.manifest = write_manifest(
        outdir, period=period, due=due_iso, region=master.region, plan=master.plan_name,
        master_fingerprint=fingerprint, issued_at=issued.isoformat(),
        units=[ManifestUnit(w.unit, w.file.name, w.email, w.lead_tasks, w.co_tasks) for w in result.workbooks],
        units_without_tasks=result.units_without_tasks)
    return result


def check_due(master: Master, period: str, due_text: str, given: str | None,
              today: date) -> tuple[date | None, list[Finding]]:
    """The deadline a split issues, read once: a text that is no date (abc, 2026-02-30, 2月30日) is
    refused naming where it came from — it was printed into every unit's workbook as typed and
    judged nobody late. A deadline before the period begins or already past is issued with a
    warning (a wrong year is the usual slip); a period that is no calendar period too."""
    from sheetsync.core.dates import plan_year
    from sheetsync.core.period import parse_period
    from sheetsync.master.workbook import setting_cell

    findings: list[Finding] = []
    file = str(master.path or "")
    p = parse_period(period)
    if p is None:
        sheet, cell = ("", "") if period != master.setting("period") else setting_cell(master, "period")
        findings.append(Finding("split-period-unknown", "warning", t("split.period_unknown", period=period),
                                sheet=sheet, cell=cell, file=file))
    if not due_text:
        return None, findings
    day = parse_date(due_text, plan_year(master.settings))
    from_setting = not given
    if day is None:
        where = "--due" if not from_setting else "{}!{}".format(*setting_cell(master, "due"))
        raise SheetsyncError(t("split.bad_due", value=due_text, where=where), file=file if from_setting else "")
    if p is not None and day < p.start:
        findings.append(Finding("split-due-early", "warning",
                                t("split.due_before_period", due=day.isoformat(), period=period, start=p.start.isoformat()),
                                file=file))
    elif day < today:
        findings.append(Finding("split-due-past", "warning", t("split.due_past", due=day.isoformat(), today=today.isoformat()),
                                file=file))
    return day, findings


def write_return_workbook(path: Path, master: Master, unit: str, tasks: list[Assignment], meta: dict[str, str],
                          *, prefill: dict[str, dict[str, Any]] | None = None, lang: str | None = None) -> Path:
    """One unit's return workbook, written with XlsxWriter (see :class:`_ReturnBook` for why)."""
    from sheetsync.workbook import xlsxio

    book = _ReturnBook(master, unit, tasks, meta, prefill or {}, lang or get_lang())
    return xlsxio.save_atomic(book.write, path)


def _created(meta: dict[str, str]) -> datetime | None:
    """The workbook's creation time: ``issued_at``, so the same split writes the same file."""
    try:
        return datetime.fromisoformat(meta.get("issued_at", ""))
    except ValueError:
        return None


class _Look:
    """The shared look (xlsxio's fonts, fills, borders) as XlsxWriter formats of one workbook.

    Why XlsxWriter: openpyxl's object model and serialiser dominated the split of a county
    with hundreds of units; XlsxWriter writes the same sheets, validations, protection and
    properties in a fraction of that. Each distinct cell look is one format, made once.
    """

    def __init__(self, wb: Any) -> None:
        from sheetsync.workbook import xlsxio

        self.wb = wb
        self.font = {"font_name": xlsxio.BODY_FONT, "font_size": 11}
        self.bold = {"font_name": xlsxio.HEADER_FONT, "font_size": 11, "bold": True}
        self.border = {"border": 1, "border_color": "#808080"}
        self.wrap = {"valign": "top", "text_wrap": True}
        self.top = {"valign": "top"}
        self.header = wb.add_format({**self.bold, **self.border, "bg_color": "#" + xlsxio.GREY, "pattern": 1,
                                     "align": "center", "valign": "vcenter", "text_wrap": True})

    def fmt(self, *parts: dict[str, Any]) -> Any:
        props: dict[str, Any] = {}
        for p in parts:
            props.update(p)
        return self.wb.add_format(props)

    def header_row(self, ws: Any, row: int, labels: list[str], widths: list[float] | None = None) -> None:
        """As :func:`sheetsync.workbook.xlsxio.write_header`: grey bold centred labels, widths, height 30."""
        from sheetsync.workbook import xlsxio

        for c, label in enumerate(labels):
            xlsxio.write_cell(ws, row, c, label, self.header)
            if widths:
                ws.set_column(c, c, widths[c])
        ws.set_row(row, 30)

    def body_rows(self, ws: Any, first: int, rows: list[list[Any]], widths: list[float], fmts: list[Any],
                  override: dict[tuple[int, int], Any] | None = None) -> int:
        """As :func:`sheetsync.workbook.xlsxio.write_rows`: one format per column, heights that show the text."""
        from sheetsync.workbook import xlsxio

        override = override or {}
        r = first
        for values in rows:
            for c, v in enumerate(values):
                xlsxio.write_cell(ws, r, c, v, override.get((r, c), fmts[c]))
            ws.set_row(r, xlsxio.row_height(
                (str(v) if v is not None else "", widths[i]) for i, v in enumerate(values) if i < len(widths)))
            r += 1
        return r

    def print_setup(self, ws: Any, header_row: int) -> None:
        """As :func:`sheetsync.workbook.xlsxio.print_setup` (0-based header row)."""
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0, header_row)
        ws.center_horizontally()


# sheet protection as the openpyxl-made returns had it: only sorting, cell formats, inserting and
# deleting are refused; column widths, row heights and filters stay free (XlsxWriter names the
# permissions: True = allowed)
_PROTECT_RETURN = {"objects": True, "scenarios": True, "format_columns": True, "format_rows": True, "autofilter": True}
_PROTECT_PLAIN = {"objects": True, "scenarios": True}


class _ReturnBook:
    """The return workbook's content; :meth:`write` writes it to a path (for ``save_atomic``)."""

    def __init__(self, master: Master, unit: str, tasks: list[Assignment], meta: dict[str, str],
                 prefill: dict[str, dict[str, Any]], lang: str) -> None:
        self.master, self.unit, self.tasks, self.meta, self.prefill, self.lang = master, unit, tasks, meta, prefill, lang

    def write(self, target: str | Path) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(target), {"in_memory": True})
        try:
            created = _created(self.meta)
            if created is not None:
                wb.set_properties({"created": created})
            look = _Look(wb)
            field_cells, first_row = self._report_sheet(wb, look)
            self._guide_sheet(wb, look)
            self._meta_sheet(wb, field_cells, first_row)
        finally:
            wb.close()

    def _report_sheet(self, wb: Any, look: _Look) -> tuple[dict[str, str], int]:
        from xlsxwriter.utility import xl_rowcol_to_cell

        from sheetsync.workbook import xlsxio

        lang, master, meta, unit = self.lang, self.master, self.meta, self.unit
        cols = schema.RETURN.columns
        ncol = len(cols)
        ws = wb.add_worksheet(schema.RETURN.name.text(lang))

        # row 1: title; row 2: reporter fields; row 3: header; rows 4..: tasks (0-based below)
        title = t("split.title", lang=lang, region=master.region, plan=master.plan_name, period=meta["period"], unit=unit)
        title_fmt = look.fmt({"font_name": xlsxio.HEADER_FONT, "font_size": 15, "bold": True, "align": "center",
                              "valign": "vcenter", "text_wrap": True})
        ws.merge_range(0, 0, 0, ncol - 1, "", title_fmt)
        xlsxio.write_cell(ws, 0, 0, title, title_fmt)  # merge_range's own write would make "=…" a formula
        ws.set_row(0, 36)

        label_fmt = look.fmt(look.bold, {"align": "right", "valign": "vcenter"})
        input_fmt = look.fmt(look.font, look.border, {"locked": False})
        date_fmt = look.fmt(look.font, look.border, {"locked": False, "num_format": "yyyy-mm-dd"})
        field_cells: dict[str, str] = {}
        positions = [(0, 1), (3, 5), (6, 8)]  # (label col, value col), 0-based; the input cell is right of the label
        for (lc, _vc), lab in zip(positions, schema.RETURN_FIELDS):
            xlsxio.write_cell(ws, 1, lc, lab.text(lang), label_fmt)
            ws.write_blank(1, lc + 1, None, date_fmt if lab.key == "report_date" else input_fmt)
            field_cells[lab.key] = xl_rowcol_to_cell(1, lc + 1)
        unit_fmt = look.fmt(look.bold)
        ws.merge_range(1, 9, 1, ncol - 1, "", unit_fmt)
        xlsxio.write_cell(ws, 1, 9, t("split.unit_label", lang=lang, unit=unit), unit_fmt)
        ws.set_row(1, 24)

        widths = [c.width for c in cols]
        look.header_row(ws, 2, [c.text(lang) for c in cols], widths)
        role_text = {r.key: r.text(lang) for r in schema.ROLES}
        rows = []
        for a in self.tasks:
            tk = a.task
            prev = self.prefill.get(tk.id, {})
            rows.append([tk.id, tk.title, tk.content, role_text[a.role], tk.deadline, target_cell(tk.target, tk.target_op)]
                        + [prev.get(k) for k in schema.RETURN_EDITABLE])
        # one format per column: body font, border, wrapped or top-aligned; locked columns grey,
        # editable columns unlocked; the id is text ("@"), progress a whole number ("0")
        fmts, carried = [], []
        for c in cols:
            parts = [look.font, look.border, look.wrap if c.wrap else look.top]
            parts.append({"locked": False} if c.key in schema.RETURN_EDITABLE else {"bg_color": "#F2F2F2", "pattern": 1})
            if c.key == "id":
                parts.append({"num_format": "@"})
            elif c.key == "progress":
                parts.append({"num_format": "0"})
            fmts.append(look.fmt(*parts))
            carried.append(look.fmt(*parts, {"bg_color": PREFILLED_COLOR, "pattern": 1}))
        first = 3
        last = look.body_rows(ws, first, rows, widths, fmts) - 1
        end = max(last, first)
        self._mark_prefilled(ws, first, rows, cols, carried)

        def col_of(key: str) -> int:
            return [c.key for c in cols].index(key)

        # validation on whole ranges, with Chinese prompts and alerts
        def dv(key: str, prefix: str, options: dict[str, Any]) -> None:
            c = col_of(key)
            ws.data_validation(first, c, end, c, {
                **options, "ignore_blank": True,
                "input_title": t(f"split.dv.{prefix}_title", lang=lang), "input_message": t(f"split.dv.{prefix}_prompt", lang=lang),
                "error_title": t(f"split.dv.{prefix}_title", lang=lang), "error_message": t(f"split.dv.{prefix}_error", lang=lang)})

        dv("status", "status", {"validate": "list", "source": [s.text(lang) for s in schema.STATUSES]})
        dv("progress", "progress", {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": 100})
        dv("value", "value", {"validate": "decimal", "criteria": ">=", "value": 0})
        ws.data_validation(field_cells["report_date"], {
            "validate": "date", "criteria": ">", "value": date(2000, 1, 1), "ignore_blank": True, "show_input": False,
            "error_title": t("split.dv.date_title", lang=lang), "error_message": t("split.dv.date_error", lang=lang)})

        ws.freeze_panes(first, 2)
        look.print_setup(ws, 2)
        ws.protect(master.setting("sheet_password") or "", _PROTECT_RETURN)
        ws.activate()
        return field_cells, first + 1

    def _mark_prefilled(self, ws: Any, first: int, rows: list[list[Any]], cols: Any, carried: list[Any]) -> None:
        """Cells carried forward from last period (``split --carry-forward``) in pale yellow, so
        the unit sees what to check and update rather than taking it for this period's figures."""
        from sheetsync.workbook import xlsxio

        if not self.prefill:
            return
        editable = [i for i, c in enumerate(cols) if c.key in schema.RETURN_EDITABLE]
        for r, (a, row) in enumerate(zip(self.tasks, rows)):
            if a.task.id not in self.prefill:
                continue
            for c in editable:
                if row[c] not in (None, ""):
                    xlsxio.write_cell(ws, first + r, c, row[c], carried[c])

    def _guide_sheet(self, wb: Any, look: _Look) -> None:
        from sheetsync.workbook import xlsxio

        lang, master, meta = self.lang, self.master, self.meta
        ws = wb.add_worksheet(schema.RETURN_GUIDE.text(lang))
        ws.set_column(0, 0, 60)
        ws.set_paper(9)  # A4, one page wide: the text wraps on screen and on paper alike
        ws.fit_to_pages(1, 0)
        xlsxio.write_cell(ws, 0, 0, t("split.guide_title", lang=lang),
                          look.fmt({"font_name": xlsxio.TITLE_FONT, "font_size": 16, "bold": True}))
        body = t("split.guide_body", lang=lang, due=meta["due"] or t("split.no_due", lang=lang),
                 office=master.setting("office"), contact=master.setting("office_contact"),
                 phone=master.setting("office_phone"), statuses="、".join(s.text(lang) for s in schema.STATUSES))
        if self.prefill:
            body += "\n" + t("split.guide_prefilled", lang=lang)
        line_fmt = look.fmt(look.font, look.wrap)
        for i, line in enumerate(body.split("\n"), start=2):
            xlsxio.write_cell(ws, i, 0, line, line_fmt)
            ws.set_row(i, xlsxio.row_height([(line, 60)]))
        ws.protect("", _PROTECT_PLAIN)

    def _meta_sheet(self, wb: Any, field_cells: dict[str, str], first_row: int) -> None:
        """The very hidden key/value sheet and the same keys as custom document properties."""
        from sheetsync.workbook import xlsxio

        meta = self.meta
        ws = wb.add_worksheet(schema.META_SHEET)
        ws.very_hidden()
        pairs: list[tuple[str, Any]] = [(key, meta.get(key, "")) for key in schema.META_KEYS]
        pairs.append(("first_row", first_row))
        pairs += [(f"field:{key}", coord) for key, coord in field_cells.items()]
        ids = [a.task.id for a in self.tasks]
        step = schema.META_TASKS_PER_ROW
        pairs += [("tasks", "\n".join(ids[i:i + step])) for i in range(0, len(ids), step)]
        for r, (key, value) in enumerate(pairs):
            xlsxio.write_cell(ws, r, 0, key)
            xlsxio.write_cell(ws, r, 1, value)
        ws.protect("", _PROTECT_PLAIN)
        for key in schema.META_KEYS:
            wb.set_custom_property(f"sheetsync_{key}", str(meta.get(key, "")) or "-", "text")


def _write_distribution_list(result: SplitResult, lang: str, created: datetime | None = None) -> Path:
    from sheetsync.workbook import xlsxio

    headers = [t(f"split.dist.{k}", lang=lang) for k in ("no", "unit", "file", "email", "lead", "co")]
    widths = [6, 26, 56, 28, 12, 12]
    rows: list[list[Any]] = [[i, w.unit, w.file.name, w.email, w.lead_tasks, w.co_tasks]
                             for i, w in enumerate(result.workbooks, 1)]

    def write(target: str | Path) -> None:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(target), {"in_memory": True})
        try:
            if created is not None:
                wb.set_properties({"created": created})
            look = _Look(wb)
            body = look.fmt(look.font, look.border, look.wrap)
            no_email = look.fmt(look.font, look.border, look.wrap, {"bg_color": "#" + xlsxio.AMBER, "pattern": 1})
            ws = wb.add_worksheet(t("split.dist.sheet", lang=lang))
            look.header_row(ws, 0, headers, widths)
            amber = {(r, 3): no_email for r, w in enumerate(result.workbooks, start=1) if not w.email}
            last = look.body_rows(ws, 1, rows, widths, [body] * len(headers), amber) - 1
            ws.freeze_panes(1, 1)
            ws.autofilter(0, 0, last, len(headers) - 1)
            look.print_setup(ws, 0)
            if result.units_without_tasks:
                ws2 = wb.add_worksheet(t("split.dist.no_tasks_sheet", lang=lang))
                look.header_row(ws2, 0, [t("split.dist.unit", lang=lang), t("split.dist.note", lang=lang)], [30, 50])
                look.body_rows(ws2, 1, [[u, t("split.dist.no_tasks_note", lang=lang)] for u in result.units_without_tasks],
                               [30, 50], [body, body])
        finally:
            wb.close()

    path = result.outdir / (safe_filename(t("split.dist.filename", lang=lang)) + ".xlsx")
    return xlsxio.save_atomic(write, path)


def carry_forward_values(master_path: str | Path, rollup_path: str | Path, period: str | None = None,
                         db_path: str | Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """Last accepted values per unit and task, from the ledger behind a previous roll-up.

    The roll-up names its period in a document property; the values come from the ledger
    (the roll-up's cells are display text, the ledger holds what units actually sent).
    """
    from sheetsync.ledger import Ledger, default_path

    _same_plan(master_path, Path(rollup_path))
    if period is None:
        period = _rollup_period(Path(rollup_path))
    db = Path(db_path) if db_path else default_path(master_path)
    if not db.exists():
        alt = default_path(rollup_path)  # the ledger beside the roll-up
        db = alt if alt.exists() else db
    with Ledger(db) as ledger:
        return ledger.last_values(period)


def _same_plan(master_path: str | Path, rollup: Path) -> None:
    """Refuse a previous roll-up of another plan or level (its 地区名称 / 计划名称 are not the
    master's): with no ledger beside the master, the values were carried from the ledger beside
    that roll-up — another county's figures pre-filled into this county's workbooks."""
    from sheetsync.master.workbook import read_master
    from sheetsync.rollup.summary import has_summary, read_summary

    if not has_summary(rollup):
        return  # an older roll-up without a summary: its period property is all that is read
    summary = read_summary(rollup)
    master = read_master(master_path)
    if summary.of_another_plan(master):
        raise SheetsyncError(t("split.carry_other_plan", file=rollup.name, region=summary.region,
                               plan=summary.plan, master_region=master.region, master_plan=master.plan_name),
                             file=str(rollup))


def _rollup_period(path: Path) -> str:
    import zipfile

    from sheetsync.core.errors import SheetsyncError

    try:
        # capped: the part inflates however far it claims
        with zipfile.ZipFile(path) as zf, zf.open("docProps/custom.xml") as fh:
            xml = fh.read(1 << 20).decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        xml = ""
    m = re.search(r'name="sheetsync_period"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', xml)
    if not m:
        raise SheetsyncError(t("split.carry_no_period", file=str(path)), file=str(path))
    import html

    return html.unescape(m.group(1))
