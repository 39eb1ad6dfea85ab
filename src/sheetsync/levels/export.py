"""Up one level: the township's roll-up written into the very return the county issued to it.

The county's merge then identifies the file by its own metadata, unchanged, and reads one figure
per county task — 最多报一次: the township never re-types its roll-up. The child's figures come
only from the child roll-up's machine-readable summary (:func:`sheetsync.rollup.summary.read_summary`),
never from its headers. Per parent task, over the child rows mapped to it (上级任务编号):

- 完成状态: worst-of (:func:`sheetsync.rollup.compute.aggregate_status`);
- 完成进度: 100 when every row is 已完成, else the mean (设置·进度汇总方式 平均) or minimum (最小);
- 完成值: the sum when the 计量单位 agree, else blank with a finding;
- 进展情况: "本镇12个单位中已报10个，已完成8个；未报：XX村、YY村。" then the units' text, bounded;
- 存在问题 / 下步计划: de-duplicated lines, each attributed （XX村）.

A hidden sheet (:data:`schema.COVERAGE_SHEET`) records the coverage per task; the county's merge
reads it (``returns.read.read_coverage``). Cells someone typed by hand are kept (with a finding)
unless ``overwrite``; cells a previous export wrote are recognised by their fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding
from sheetsync.i18n import get_lang, t
from sheetsync.levels.link import (
    RECORD_KIND,
    Coverage,
    coverage_from_rows,
    decode_tasks,
    level_word,
    parent_of,
    task_hash,
)

TEXT_LIMIT = 1200  # characters of the sub-units' 进展情况 carried up per task (Excel allows 32,767)
_WRITTEN = ("status", "progress", "value", "progress_text", "problems", "next_steps")


class ExportRefused(SheetsyncError):
    exit_code = 1


@dataclass
class ExportResult:
    output: Path
    unit: str
    period: str
    coverage: list[Coverage] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # cells typed by hand and kept

    def to_json(self) -> dict[str, Any]:
        return {"output": str(self.output), "unit": self.unit, "period": self.period,
                "coverage": [c.to_json() for c in self.coverage], "kept": self.kept,
                "findings": [f.to_json() for f in self.findings]}

    def to_summary(self, lang: str | None = None) -> str:
        lines = [t("levels.exported", lang=lang, file=self.output, unit=self.unit, n=len(self.coverage),
                   complete=sum(c.complete for c in self.coverage))]
        lines += [f"  {f.location + '  ' if f.location else ''}{f.message}" for f in self.findings]
        return "\n".join(lines)


def summary_fingerprint(summary: Any) -> str:
    """A child roll-up's fingerprint: its summary's content (any re-merge that changes a figure changes it)."""
    raw = json.dumps(summary.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def export_return(child_rollup: str | Path, parent_return: str | Path, outdir: str | Path, *,
                  map_periods: bool = False, accept_stale: bool = False, overwrite: bool = False,
                  lang: str | None = None, generated: datetime | None = None) -> ExportResult:
    """Fill ``parent_return`` (the workbook the level above issued to us) from ``child_rollup``'s
    summary and write it to ``outdir`` under the same name; the input file is left as it is.

    Refused (:class:`ExportRefused`, naming the file): a roll-up whose master was not derived for
    this return's unit; a parent master changed since derivation (naming the task ids) unless
    ``accept_stale``; a child period inside the parent's (monthly → quarterly) unless
    ``map_periods``; any other period mismatch."""
    import openpyxl

    from sheetsync.master.workbook import load_grids
    from sheetsync.returns.read import read_metadata
    from sheetsync.rollup.summary import read_summary
    from sheetsync.workbook import xlsxio

    child_rollup, parent_return, outdir = Path(child_rollup), Path(parent_return), Path(outdir)
    lang = lang or get_lang()
    summary = read_summary(child_rollup)
    grids = load_grids(parent_return)  # intake's checks first, as for any received file
    data = SimpleNamespace(sheets=[SimpleNamespace(name=n, rows=g) for n, g in grids.items()], custom_properties={})
    meta, ids, field_cells, _source = read_metadata(data)
    if not meta.get("unit"):
        raise ExportRefused(t("levels.not_a_return", file=parent_return.name), file=str(parent_return))
    record = dict(summary.derived or {})
    _check_link(record, meta, child_rollup, parent_return)
    mapped = _check_period(summary, meta, map_periods, child_rollup, parent_return)
    out = ExportResult(outdir / parent_return.name, meta["unit"], meta.get("period", ""))

    from sheetsync.master.workbook import require_xlsx

    require_xlsx(parent_return, t("core.action.export"))  # read above; openpyxl writes .xlsx only
    wb = openpyxl.load_workbook(parent_return)
    ws, header_row, cols = _return_table(wb, parent_return)
    rows_of = _rows_by_id(ws, header_row, cols)
    _check_stale(record, ws, rows_of, cols, accept_stale, parent_return, out)

    known = set(rows_of)
    by_parent: dict[str, list[str]] = {}
    for tk in summary.tasks:
        p = parent_of(tk.id, tk.parent_id, known)
        if p:
            by_parent.setdefault(p, []).append(tk.id)
        else:
            out.findings.append(Finding("own-task", "info", t("levels.finding.own_task", id=tk.id), file=str(child_rollup)))
    previous = {c.task_id: c for c in _old_coverage(wb)}
    fp = summary_fingerprint(summary)
    when = (generated or datetime.now()).replace(microsecond=0).isoformat(sep=" ")
    hashes = decode_tasks(record.get("tasks", ""))
    sheet_lang = "en" if ws.title == schema.RETURN.name.en else lang
    for tid, r in rows_of.items():
        child_ids = by_parent.get(tid, [])
        fig, cov = _figures(summary, tid, child_ids, hashes.get(tid, ("", ""))[1], out, sheet_lang)
        cov.child_fingerprint, cov.generated = fp, when
        cov.task_hash = hashes.get(tid, ("", ""))[0]
        cov.child_period, cov.period_mapped = summary.period_key or summary.period, mapped
        _write_row(ws, r, cols, fig, previous.get(tid), overwrite, out)
        cov.written = _row_hash(ws, r, cols)
        out.coverage.append(cov)
    _fill_report_date(ws, field_cells)
    _coverage_sheet(wb, out.coverage)
    from sheetsync.core.outputs import make_folder

    make_folder(outdir)
    if out.output.resolve() == parent_return.resolve():
        raise ExportRefused(t("levels.out_is_parent", file=str(out.output)), file=str(out.output))
    xlsxio.save_atomic(wb, out.output)
    return out


# ---------------------------------------------------------------- checks
def _check_link(record: dict[str, str], meta: dict[str, str], child: Path, parent: Path) -> None:
    if record.get("kind") != RECORD_KIND:
        raise ExportRefused(t("levels.not_derived", file=child.name), file=str(child), hint=t("levels.not_derived_hint"))
    if record.get("unit_id") and meta.get("unit_id") and record["unit_id"] != meta["unit_id"]:
        raise ExportRefused(t("levels.wrong_unit", file=parent.name, unit=meta.get("unit", ""),
                              child=child.name, derived=record.get("unit", "")), file=str(parent))


def _check_period(summary: Any, meta: dict[str, str], map_periods: bool, child: Path, parent: Path) -> str:
    """"" when the periods are the same; the child's key when mapped into the parent's; else refused."""
    from sheetsync.core.period import parse_period, same_period

    mine, theirs = summary.period_key or summary.period, meta.get("period", "")
    if not theirs or same_period(mine, theirs):
        return ""
    pc, pp = parse_period(mine), parse_period(theirs)
    inside = pc is not None and pp is not None and pp.start <= pc.start and pc.end <= pp.end
    if inside and map_periods:
        return pc.key
    key = "levels.period_unmapped" if inside else "levels.period_mismatch"
    raise ExportRefused(t(key, child=child.name, period=summary.period, parent=parent.name, parent_period=theirs),
                        file=str(child), hint=t("levels.period_hint") if inside else "")


def changed_tasks(hashes: dict[str, tuple[str, str]], current: dict[str, str]) -> list[str]:
    """Parent task ids whose text changed since derivation, added or dropped: id → hash now."""
    ids = list(dict.fromkeys([*current, *hashes]))
    return [i for i in ids if hashes.get(i, ("",))[0] != current.get(i)]


def _check_stale(record: dict[str, str], ws: Any, rows_of: dict[str, int], cols: dict[str, int], accept: bool,
                 parent: Path, out: ExportResult) -> None:
    from sheetsync.core.textnorm import value_text

    hashes = decode_tasks(record.get("tasks", ""))
    current = {tid: task_hash(tid, value_text(ws.cell(r, cols["title"]).value) if "title" in cols else "",
                              value_text(ws.cell(r, cols["content"]).value) if "content" in cols else "")
               for tid, r in rows_of.items()}
    changed = changed_tasks(hashes, current)
    if not changed:
        return
    if not accept:
        raise ExportRefused(t("levels.stale", file=parent.name, ids="、".join(changed)), file=str(parent),
                            hint=t("levels.stale_hint"))
    out.findings.append(Finding("stale-derivation", "warning", t("levels.stale", file=parent.name, ids="、".join(changed)),
                                file=str(parent)))


# ---------------------------------------------------------------- the parent's return
def _return_table(wb: Any, path: Path) -> tuple[Any, int, dict[str, int]]:
    from sheetsync.workbook.headers import find_header

    for ws in wb.worksheets:
        if ws.title.startswith("_sheetsync"):
            continue
        grid = [list(r) for r in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30), values_only=True)]
        match = find_header(grid, schema.RETURN)
        if match is not None and "id" in match.columns:
            return ws, match.row, dict(match.columns)
    raise ExportRefused(t("levels.not_a_return", file=path.name), file=str(path))


def _rows_by_id(ws: Any, header_row: int, cols: dict[str, int]) -> dict[str, int]:
    from sheetsync.core.textnorm import value_text

    out: dict[str, int] = {}
    for r in range(header_row + 1, ws.max_row + 1):
        tid = value_text(ws.cell(r, cols["id"]).value).strip()
        if tid and tid not in out:
            out[tid] = r
    return out


def _old_coverage(wb: Any) -> list[Coverage]:
    if schema.COVERAGE_SHEET not in wb.sheetnames:
        return []
    return coverage_from_rows([list(r) for r in wb[schema.COVERAGE_SHEET].iter_rows(values_only=True)])


def _cell_text(v: Any) -> str:
    from sheetsync.core.textnorm import value_text

    return value_text(v).strip()


def _row_hash(ws: Any, r: int, cols: dict[str, int]) -> str:
    h = hashlib.sha256()
    for key in _WRITTEN:
        if key in cols:
            h.update(_cell_text(ws.cell(r, cols[key]).value).encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:16]


def _write_row(ws: Any, r: int, cols: dict[str, int], fig: dict[str, Any], previous: Coverage | None,
               overwrite: bool, out: ExportResult) -> None:
    """Write one task's figures; a non-empty cell that differs and that no export of ours wrote
    (its row's fingerprint is not the one recorded) is kept with a finding, unless ``overwrite``."""
    from openpyxl.utils import get_column_letter

    from sheetsync.workbook import xlsxio

    ours = previous is not None and previous.written == _row_hash(ws, r, cols)
    for key in _WRITTEN:
        if key not in cols:
            continue
        cell = ws.cell(r, cols[key])
        new = fig.get(key)
        old = _cell_text(cell.value)
        where = f"{get_column_letter(cols[key])}{r}"
        if old and old != _cell_text(new) and not ours:
            if not overwrite:
                out.kept.append(where)
                out.findings.append(Finding("kept-hand-typed", "warning", t("levels.finding.kept", cell=where, value=old[:40]),
                                            sheet=ws.title, cell=where, file=str(out.output)))
                continue
            out.findings.append(Finding("overwrote", "info", t("levels.finding.overwrote", cell=where, value=old[:40]),
                                        sheet=ws.title, cell=where, file=str(out.output)))
        _, problems = xlsxio.safe_text(new)
        xlsxio.set_value(cell, new)
        for p in problems:
            out.findings.append(Finding(p, "warning", t(f"levels.finding.{p}", cell=where), sheet=ws.title, cell=where,
                                        file=str(out.output)))


def _fill_report_date(ws: Any, field_cells: dict[str, str]) -> None:
    coord = field_cells.get("report_date")
    if coord and ws[coord].value in (None, ""):
        ws[coord].value = date.today()
        ws[coord].number_format = "yyyy-mm-dd"


def _coverage_sheet(wb: Any, coverage: list[Coverage]) -> None:
    from sheetsync.workbook import xlsxio

    if schema.COVERAGE_SHEET in wb.sheetnames:
        del wb[schema.COVERAGE_SHEET]
    ws = wb.create_sheet(schema.COVERAGE_SHEET)
    for c, lab in enumerate(schema.COVERAGE_COLUMNS, start=1):
        xlsxio.set_value(ws.cell(1, c), lab.zh)
    for r, cov in enumerate(coverage, start=2):
        for c, v in enumerate(cov.cells(), start=1):
            xlsxio.set_value(ws.cell(r, c), v)
    ws.sheet_state = "hidden"


# ---------------------------------------------------------------- the figures
def _figures(summary: Any, tid: str, child_ids: list[str], parent_measure: str, out: ExportResult,
             lang: str) -> tuple[dict[str, Any], Coverage]:
    """One parent task's cells and coverage from the child summary's rows of ``child_ids``."""
    from sheetsync.rollup.compute import STATUS_RANK, aggregate_status

    wanted = set(child_ids)
    details = [d for d in summary.details if d.task_id in wanted]
    units = list(dict.fromkeys(d.unit for d in details))
    lagging_gaps = {(g.task_id, g.unit) for g in summary.gaps if g.type in ("lagging", "overdue")}
    reported_units = [u for u in units if any(d.reported for d in details if d.unit == u)]
    done_units = [u for u in units if all(d.status == "done" for d in details if d.unit == u)]
    lag_units = [u for u in units if any(d.status == "lagging" or (d.task_id, d.unit) in lagging_gaps
                                         for d in details if d.unit == u)]
    missing = [u for u in units if u not in reported_units]
    nested = [f"{d.unit} {d.coverage}" + (f"（{d.coverage_nested}）" if d.coverage_nested else "")
              for d in details if d.coverage and (_incomplete(d.coverage) or d.coverage_nested)]
    cov = Coverage(tid, len(units), len(reported_units), len(done_units), len(lag_units), missing,
                   sub_units=units, nested="；".join(dict.fromkeys(nested)))
    fig: dict[str, Any] = {}
    statuses = [d.status for d in details if d.reported and d.status in STATUS_RANK]
    if any(d.reported for d in details):
        fig["status"] = schema.label_for(schema.STATUSES, aggregate_status(statuses, True), lang)
    if details and all(d.status == "done" for d in details):
        fig["progress"] = 100
    else:
        ps = [float(d.progress) for d in details if d.reported and d.progress is not None]
        mode = schema.key_for(schema.PROGRESS_MODES, (summary.derived or {}).get("progress_mode", "")) or "mean"
        if ps:
            fig["progress"] = round(min(ps) if mode == "min" else sum(ps) / len(ps))
    measures = {tk.target_unit.strip() for tk in summary.tasks if tk.id in wanted and tk.target_unit.strip()}
    if parent_measure.strip():
        measures.add(parent_measure.strip())
    values = [float(d.value) for d in details if d.reported and d.value is not None]
    if len(measures) > 1 and values:
        out.findings.append(Finding("measures-differ", "warning",
                                    t("levels.finding.measures", id=tid, units="、".join(sorted(measures)))))
    elif values:
        total = sum(values)
        fig["value"] = int(total) if total.is_integer() else round(total, 4)
    head = t("levels.text.head", lang=lang, level=level_word(summary.region, lang), n=len(units), reported=len(reported_units),
             done=len(done_units))
    if missing:
        head += t("levels.text.missing", lang=lang, names="、".join(missing))
    head += t("levels.text.end", lang=lang)
    fig["progress_text"] = head + _bounded([(d.unit, d.progress_text) for d in details if d.progress_text], lang)
    fig["problems"] = _dedup([(d.unit, d.problems) for d in details if _real_problem(d.problems)])
    fig["next_steps"] = _dedup([(d.unit, d.next_steps) for d in details if d.next_steps])
    return fig, cov


def _incomplete(ratio: str) -> bool:
    a, _, b = ratio.partition("/")
    return a.strip() != b.strip()


def _real_problem(text: str) -> bool:
    """A 存在问题 line worth passing upward: not empty and not one of the ways people write "none"."""
    from sheetsync.core.phrases import is_no_problem

    return not is_no_problem(text)


def _bounded(parts: list[tuple[str, str]], lang: str) -> str:
    """``XX村：text；YY村：text`` up to :data:`TEXT_LIMIT` characters, then how many were left out."""
    out, used = [], 0
    for i, (unit, text) in enumerate(parts):
        piece = f"{unit}：{' '.join(text.split())}"
        if used + len(piece) > TEXT_LIMIT:
            out.append(t("levels.text.more", lang=lang, n=len(parts) - i))
            break
        out.append(piece)
        used += len(piece)
    return "；".join(out)


def _dedup(parts: list[tuple[str, str]]) -> str:
    """Each distinct line once, attributed to every unit that wrote it: ``line（XX村、YY村）``."""
    from sheetsync.core.textnorm import norm_key

    lines: dict[str, tuple[str, list[str]]] = {}
    for unit, text in parts:
        for line in text.replace("\r", "\n").split("\n"):
            line = line.strip().rstrip("。；;")
            if not line:
                continue
            key = norm_key(line)
            if key not in lines:
                lines[key] = (line, [])
            if unit not in lines[key][1]:
                lines[key][1].append(unit)
    return "\n".join(f"{line}（{'、'.join(units)}）" for line, units in lines.values())
