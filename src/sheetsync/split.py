"""Per-unit return workbooks: each unit gets exactly its tasks, easy to fill in, hard to break.

Why this shape: units retype, reorder and rename things, so each workbook carries hidden
metadata (unit, period, master fingerprint, task ids in order) that lets the merge identify a
returned file without trusting its name, and detect rows that were moved, inserted or deleted.
Validation is applied to whole ranges (openpyxl per-cell validation is quadratic).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheetsync import schema
from sheetsync.dates import parse_date
from sheetsync.i18n import get_lang, t
from sheetsync.model import Master
from sheetsync.units import Assignment, UnitRegistry, assignments

_WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def unit_id(name: str) -> str:
    """A stable id for a unit: the same canonical name always gives the same id."""
    return "U" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def safe_filename(name: str, max_len: int = 150) -> str:
    """A file name valid on Windows: illegal characters replaced, no trailing dot/space, not reserved."""
    s = _WINDOWS_ILLEGAL.sub("_", name).strip().rstrip(". ")
    stem = s.split(".")[0].upper()
    if stem in _WINDOWS_RESERVED:
        s = "_" + s
    return s[:max_len] or "_"


def return_filename(period: str, unit: str, lang: str | None = None) -> str:
    return safe_filename(t("split.filename", period=period, unit=unit, lang=lang)) + ".xlsx"


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

    def to_json(self) -> dict[str, Any]:
        return {
            "outdir": str(self.outdir), "period": self.period, "due": self.due,
            "workbooks": [{"unit": w.unit, "file": w.file.name, "email": w.email, "lead_tasks": w.lead_tasks,
                           "co_tasks": w.co_tasks} for w in self.workbooks],
            "units_without_tasks": self.units_without_tasks,
            "distribution_list": str(self.distribution_list) if self.distribution_list else None,
        }


def split_master(master: Master, outdir: str | Path, *, period: str | None = None, due: str | None = None,
                 carry_forward: dict[str, dict[str, dict[str, Any]]] | None = None,
                 issued_at: datetime | None = None, lang: str | None = None,
                 units: list[str] | None = None) -> SplitResult:
    """Write one return workbook per responsible unit, a distribution list and a manifest.

    ``carry_forward`` maps unit → task id → last accepted values (see
    :func:`sheetsync.ledger.Ledger.last_values`), pre-filled so units update instead of retyping.
    ``units`` limits the output to those units (the ribbon's "this unit again").
    """
    from sheetsync.errors import SheetsyncError

    lang = lang or get_lang()
    period = (period or master.setting("period")).strip()
    if not period:
        raise SheetsyncError(t("split.no_period", file=str(master.path or "")))
    due_text = (due or master.setting("due")).strip()
    due_date = parse_date(due_text) if due_text else None
    due_iso = due_date.isoformat() if due_date else due_text
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    registry = UnitRegistry(master.units, master.region)
    by_unit = assignments(master.tasks, registry)
    issued = (issued_at or datetime.now()).replace(microsecond=0)
    result = SplitResult(outdir, period, due_iso)
    fingerprint = master.fingerprint()
    for unit in registry.units:
        if units is not None and unit.name not in units:
            continue
        tasks = by_unit.get(unit.name)
        if not tasks:
            result.units_without_tasks.append(unit.name)
            continue
        path = outdir / return_filename(period, unit.name, lang)
        meta = {
            "template_version": schema.RETURN_TEMPLATE_VERSION, "unit_id": unit_id(unit.name), "unit": unit.name,
            "period": period, "master_fingerprint": fingerprint, "issued_at": issued.isoformat(),
            "region": master.region, "plan": master.plan_name, "due": due_iso,
        }
        prefill = (carry_forward or {}).get(unit.name, {})
        write_return_workbook(path, master, unit.name, tasks, meta, prefill=prefill, lang=lang)
        result.workbooks.append(UnitWorkbook(unit.name, path, unit.email,
                                             sum(a.role == "lead" for a in tasks), sum(a.role == "co" for a in tasks)))
    result.distribution_list = _write_distribution_list(result, lang)
    result.manifest = outdir / "manifest.json"
    manifest = {"period": period, "due": due_iso, "region": master.region, "plan": master.plan_name,
                "master_fingerprint": fingerprint, "issued_at": issued.isoformat(),
                "units": [{"unit": w.unit, "file": w.file.name, "email": w.email, "lead_tasks": w.lead_tasks,
                           "co_tasks": w.co_tasks} for w in result.workbooks],
                "units_without_tasks": result.units_without_tasks}
    result.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def _fmt(x: float | None) -> Any:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def write_return_workbook(path: Path, master: Master, unit: str, tasks: list[Assignment], meta: dict[str, str],
                          *, prefill: dict[str, dict[str, Any]] | None = None, lang: str | None = None) -> Path:
    import openpyxl
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from sheetsync import xlsxio

    lang = lang or get_lang()
    st = xlsxio.styles()
    cols = schema.RETURN.columns
    ncol = len(cols)
    last_col = get_column_letter(ncol)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = schema.RETURN.name.text(lang)

    # row 1: title; row 2: reporter fields; row 3: header; rows 4..: tasks
    title = t("split.title", lang=lang, region=master.region, plan=master.plan_name, period=meta["period"], unit=unit)
    ws.merge_cells(f"A1:{last_col}1")
    c = xlsxio.set_value(ws["A1"], title)
    c.font = Font(name=xlsxio.HEADER_FONT, size=15, bold=True)
    c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 36

    field_cells: dict[str, str] = {}
    positions = [(1, 2), (4, 6), (7, 9)]  # (label col, value col)
    for (lc, vc), lab in zip(positions, schema.RETURN_FIELDS):
        lcell = xlsxio.set_value(ws.cell(row=2, column=lc), lab.text(lang))
        lcell.font = st["header_font"]
        lcell.alignment = Alignment(horizontal="right", vertical="center")
        if vc - lc > 1:
            ws.merge_cells(start_row=2, start_column=lc + 1, end_row=2, end_column=vc - 1)
        vcell = ws.cell(row=2, column=lc + 1)
        vcell.protection = Protection(locked=False)
        vcell.border = st["border"]
        vcell.font = st["body_font"]
        field_cells[lab.key] = vcell.coordinate
    unit_label = ws.cell(row=2, column=10)
    xlsxio.set_value(unit_label, t("split.unit_label", lang=lang, unit=unit)).font = st["header_font"]
    ws.merge_cells(start_row=2, start_column=10, end_row=2, end_column=ncol)
    ws.row_dimensions[2].height = 24

    widths = [c.width for c in cols]
    xlsxio.write_header(ws, 3, [c.text(lang) for c in cols], widths)
    role_text = {r.key: r.text(lang) for r in schema.ROLES}
    prefill = prefill or {}
    rows = []
    for a in tasks:
        tk = a.task
        prev = prefill.get(tk.id, {})
        rows.append([tk.id, tk.title, tk.content, role_text[a.role], tk.deadline, _fmt(tk.target)]
                    + [prev.get(k) for k in schema.RETURN_EDITABLE])
    first, last = 4, 3 + len(rows)
    xlsxio.write_rows(ws, first, rows, widths, [c.wrap for c in cols])
    editable_idx = [i for i, c in enumerate(cols, start=1) if c.key in schema.RETURN_EDITABLE]
    # style ids looked up once per workbook (see xlsxio.style_ids): same file, a fraction of the time
    unlocked = xlsxio.style_ids(ws, protection=Protection(locked=False))
    locked = xlsxio.style_ids(ws, fill=st["locked_fill"])
    progress_col = cols.index(schema.RETURN.column("progress")) + 1
    id_col = cols.index(schema.RETURN.column("id")) + 1
    for r in range(first, last + 1):
        for i in range(1, ncol + 1):
            xlsxio.apply_style(ws.cell(row=r, column=i), unlocked if i in editable_idx else locked)
        ws.cell(row=r, column=progress_col).number_format = "0"
        ws.cell(row=r, column=id_col).number_format = "@"

    def col_of(key: str) -> str:
        return get_column_letter([c.key for c in cols].index(key) + 1)

    # validation on whole ranges, with Chinese prompts and alerts
    statuses = ",".join(s.text(lang) for s in schema.STATUSES)
    dv_status = DataValidation(type="list", formula1=f'"{statuses}"', allow_blank=True, showDropDown=False,
                               showInputMessage=True, showErrorMessage=True,
                               promptTitle=t("split.dv.status_title", lang=lang), prompt=t("split.dv.status_prompt", lang=lang),
                               errorTitle=t("split.dv.status_title", lang=lang), error=t("split.dv.status_error", lang=lang))
    dv_progress = DataValidation(type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
                                 showInputMessage=True, showErrorMessage=True,
                                 promptTitle=t("split.dv.progress_title", lang=lang), prompt=t("split.dv.progress_prompt", lang=lang),
                                 errorTitle=t("split.dv.progress_title", lang=lang), error=t("split.dv.progress_error", lang=lang))
    dv_value = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showInputMessage=True, showErrorMessage=True,
                              promptTitle=t("split.dv.value_title", lang=lang), prompt=t("split.dv.value_prompt", lang=lang),
                              errorTitle=t("split.dv.value_title", lang=lang), error=t("split.dv.value_error", lang=lang))
    dv_date = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                             showErrorMessage=True, errorTitle=t("split.dv.date_title", lang=lang),
                             error=t("split.dv.date_error", lang=lang))
    end = max(last, first)
    dv_status.add(f"{col_of('status')}{first}:{col_of('status')}{end}")
    dv_progress.add(f"{col_of('progress')}{first}:{col_of('progress')}{end}")
    dv_value.add(f"{col_of('value')}{first}:{col_of('value')}{end}")
    dv_date.add(field_cells["report_date"])
    for dv in (dv_status, dv_progress, dv_value, dv_date):
        ws.add_data_validation(dv)
    ws[field_cells["report_date"]].number_format = "yyyy-mm-dd"

    ws.freeze_panes = ws.cell(row=first, column=3)
    xlsxio.print_setup(ws, 3)
    ws.print_title_rows = "1:3"
    password = master.setting("sheet_password")
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be changed
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = True  # sorting would detach rows from their ids; merge still copes
    if password:
        ws.protection.password = password

    _write_guide(wb.create_sheet(schema.RETURN_GUIDE.text(lang)), master, meta, lang)
    _write_meta(wb, meta, [a.task.id for a in tasks], field_cells, first)
    wb.active = 0
    return xlsxio.save_atomic(wb, path)


def _write_guide(ws: Any, master: Master, meta: dict[str, str], lang: str) -> None:
    from sheetsync import xlsxio

    st = xlsxio.styles()
    ws.column_dimensions["A"].width = 100
    xlsxio.set_value(ws["A1"], t("split.guide_title", lang=lang)).font = st["title"]
    body = t("split.guide_body", lang=lang, due=meta["due"] or t("split.no_due", lang=lang),
             office=master.setting("office"), contact=master.setting("office_contact"),
             phone=master.setting("office_phone"), statuses="、".join(s.text(lang) for s in schema.STATUSES))
    for i, line in enumerate(body.split("\n"), start=3):
        c = xlsxio.set_value(ws.cell(row=i, column=1), line)
        c.font, c.alignment = st["body_font"], st["wrap"]
        ws.row_dimensions[i].height = xlsxio.row_height([(line, 100)])
    ws.protection.sheet = True


def _write_meta(wb: Any, meta: dict[str, str], task_ids: list[str], field_cells: dict[str, str], first_row: int) -> None:
    from openpyxl.packaging.custom import StringProperty

    from sheetsync import xlsxio

    ws = wb.create_sheet(schema.META_SHEET)
    ws.sheet_state = "veryHidden"
    r = 1
    for key in schema.META_KEYS:
        xlsxio.set_value(ws.cell(row=r, column=1), key)
        xlsxio.set_value(ws.cell(row=r, column=2), meta.get(key, ""))
        r += 1
    xlsxio.set_value(ws.cell(row=r, column=1), "first_row")
    ws.cell(row=r, column=2).value = first_row
    r += 1
    for key, coord in field_cells.items():
        xlsxio.set_value(ws.cell(row=r, column=1), f"field:{key}")
        xlsxio.set_value(ws.cell(row=r, column=2), coord)
        r += 1
    for tid in task_ids:
        xlsxio.set_value(ws.cell(row=r, column=1), "task")
        xlsxio.set_value(ws.cell(row=r, column=2), tid)
        r += 1
    ws.protection.sheet = True
    for key in schema.META_KEYS:
        wb.custom_doc_props.append(StringProperty(name=f"sheetsync_{key}", value=str(meta.get(key, "")) or "-"))


def _write_distribution_list(result: SplitResult, lang: str) -> Path:
    import openpyxl

    from sheetsync import xlsxio

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = t("split.dist.sheet", lang=lang)
    headers = [t(f"split.dist.{k}", lang=lang) for k in ("no", "unit", "file", "email", "lead", "co")]
    widths = [6, 26, 56, 28, 12, 12]
    xlsxio.write_header(ws, 1, headers, widths)
    rows = [[i, w.unit, w.file.name, w.email, w.lead_tasks, w.co_tasks] for i, w in enumerate(result.workbooks, 1)]
    last = xlsxio.write_rows(ws, 2, rows, widths) - 1
    for r, w in enumerate(result.workbooks, start=2):
        if not w.email:
            ws.cell(row=r, column=4).fill = xlsxio.fill(xlsxio.AMBER)
    xlsxio.finish_table(ws, 1, last, len(headers), freeze_col=2)
    if result.units_without_tasks:
        ws2 = wb.create_sheet(t("split.dist.no_tasks_sheet", lang=lang))
        xlsxio.write_header(ws2, 1, [t("split.dist.unit", lang=lang), t("split.dist.note", lang=lang)], [30, 50])
        xlsxio.write_rows(ws2, 2, [[u, t("split.dist.no_tasks_note", lang=lang)] for u in result.units_without_tasks], [30, 50])
    path = result.outdir / (safe_filename(t("split.dist.filename", lang=lang)) + ".xlsx")
    return xlsxio.save_atomic(wb, path)


def due_date(meta_due: str) -> date | None:
    return parse_date(meta_due) if meta_due else None


def carry_forward_values(master_path: str | Path, rollup_path: str | Path, period: str | None = None,
                         db_path: str | Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """Last accepted values per unit and task, from the ledger behind a previous roll-up.

    The roll-up names its period in a document property; the values come from the ledger
    (the roll-up's cells are display text, the ledger holds what units actually sent).
    """
    from sheetsync.ledger import Ledger, default_path

    if period is None:
        period = _rollup_period(Path(rollup_path))
    db = Path(db_path) if db_path else default_path(master_path)
    if not db.exists():
        alt = Path(rollup_path).resolve().parent / "sheetsync.db"
        db = alt if alt.exists() else db
    with Ledger(db) as ledger:
        return ledger.last_values(period)


def _rollup_period(path: Path) -> str:
    import zipfile

    from sheetsync.errors import SheetsyncError

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/custom.xml").decode("utf-8")
    except (KeyError, OSError, zipfile.BadZipFile):
        xml = ""
    m = re.search(r'name="sheetsync_period"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', xml)
    if not m:
        raise SheetsyncError(t("split.carry_no_period", file=str(path)), file=str(path))
    import html

    return html.unescape(m.group(1))
