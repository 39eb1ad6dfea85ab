"""Checking a master: every problem a unit or the roll-up would trip over later, found now.

Each finding names the sheet and cell, says what is wrong and what to do. Unit names that
match nothing or several units are never guessed: the finding lists the closest candidates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheetsync.core.addresses import bad_addresses, reason_text
from sheetsync.core.dates import parse_date, parse_deadline, plan_year
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding, Master
from sheetsync.core.units import UnitRegistry, assignments, responsible_names
from sheetsync.i18n import t
from sheetsync.master.workbook import setting_cell, task_cell, unit_cell


def check_master(master: Master, grids: dict[str, Any] | None = None) -> list[Finding]:
    """All findings for ``master``: those met while reading plus the checks below, in sheet order.

    ``grids``: the sheets ``master`` was read from, for the 考核 sheets (else its file is read)."""
    fname = str(master.path) if master.path else ""
    out: list[Finding] = list(master.findings)
    reg = UnitRegistry(master.units, master.region)
    year = plan_year(master.settings)

    def add(code: str, severity: str, message: str, where: tuple[str, str], suggestions: list[str] | None = None):
        out.append(Finding(code, severity, message, sheet=where[0], cell=where[1], file=fname,
                           suggestions=suggestions or []))

    ids = Counter(tk.id for tk in master.tasks if tk.id)
    seen_dup: set[str] = set()
    for task in master.tasks:
        if not task.id:
            add("missing-task-id", "error", t("check.missing_task_id", title=task.title[:30]), task_cell(master, task, "id"))
        elif ids[task.id] > 1:
            add("duplicate-task-id", "error", t("check.duplicate_task_id", id=task.id, n=ids[task.id]),
                task_cell(master, task, "id"))
            seen_dup.add(task.id)
        if not task.title:
            add("missing-title", "error", t("check.missing_title", id=task.id), task_cell(master, task, "title"))

        names = responsible_names(task, reg)
        if not names:
            add("no-responsible-unit", "error", t("check.no_responsible_unit", id=task.id), task_cell(master, task, "lead"))
        lead_names = set(reg.split(task.lead)) if task.lead else set()
        for name in names:
            where = task_cell(master, task, "lead" if name in lead_names else "co_units")
            r = reg.resolve(name)
            if r.kind == "unknown":
                sugg = r.candidates[:3]
                hint = t("check.suggest", names="、".join(sugg)) if sugg else t("check.add_unit_hint")
                add("unknown-unit", "error", t("check.unknown_unit", id=task.id, name=name) + hint, where, sugg)
            elif r.kind == "ambiguous":
                add("ambiguous-unit", "error",
                    t("check.ambiguous_unit", id=task.id, name=name, names="、".join(r.candidates)), where, r.candidates[:3])
            elif r.kind == "group" and not r.units:
                add("empty-group", "error", t("check.empty_group", id=task.id, name=name), where)
            elif r.kind == "unit" and r.via in ("suffix", "prefix"):
                add("short-name", "info", t("check.short_name", name=name, unit=r.units[0].name), where, [r.units[0].name])

        d = parse_deadline(task.deadline, year)
        if d.kind == "bad":
            add("bad-deadline", "error", t("check.bad_deadline", id=task.id, value=task.deadline),
                task_cell(master, task, "deadline"))
        if task.target is not None and task.target < 0:
            add("bad-target", "error", t("check.bad_target", value=task.target), task_cell(master, task, "target"))

    # dates in 设置: a bad 统计截至日期 stops the merge, a bad 报送截止日期 reaches every return as typed
    for key, severity in (("due", "warning"), ("as_of", "error")):
        value = master.setting(key)
        if value and parse_date(value, year) is None:
            add("bad-setting-date", severity, t("check.bad_setting_date", label=_setting_label(key), value=value),
                setting_cell(master, key))

    assigned = assignments(master.tasks, reg)
    names_seen = Counter(u.name for u in master.units)
    for unit in master.units:
        if names_seen[unit.name] > 1:
            add("duplicate-unit", "error", t("check.duplicate_unit", name=unit.name), unit_cell(master, unit, "name"))
            names_seen[unit.name] = 0  # report once
        bad = bad_addresses(unit.email) if unit.email else []
        if bad:  # what mail cannot send to (the same rule mail applies: core/addresses.py)
            value = "、".join(f"{item}（{reason_text(why)}）" for item, why in bad)
            add("bad-email", "warning", t("check.bad_email", name=unit.name, value=value), unit_cell(master, unit, "email"))
        elif not unit.email and unit.name in assigned:
            add("missing-email", "warning", t("check.missing_email", name=unit.name), unit_cell(master, unit, "email"))
    from sheetsync.assess.rules import check_rules  # the 考核 sheets and settings

    out.extend(check_rules(master, grids))
    return out


def summarize(findings: list[Finding]) -> dict[str, int]:
    c = Counter(f.severity for f in findings)
    return {"error": c.get("error", 0), "warning": c.get("warning", 0), "info": c.get("info", 0)}


def check_json(master: Master, findings: list[Finding]) -> dict[str, Any]:
    return {"findings": [f.to_json() for f in findings], "tasks": len(master.tasks), "units": len(master.units)}


@dataclass
class CheckReport:
    """A master's findings with the counts and the text every front-end shows.

    Why: ``sheetsync check``, the ribbon's 校验主表 and the split refusal print the same lines;
    built here once, they cannot drift apart. :func:`check_master` still returns the plain list.
    """

    master: Master
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        """No errors (warnings and notes do not stop anything)."""
        return not self.counts["error"]

    def to_json(self) -> dict[str, Any]:
        return check_json(self.master, self.findings)

    def lines(self, lang: str | None = None, *, severity: str | None = None, limit: int | None = None) -> list[str]:
        """One ``[severity] sheet!cell  message`` line per finding (of ``severity`` if given)."""
        chosen = [f for f in self.findings if severity is None or f.severity == severity]
        return [f"[{t('check.severity.' + f.severity, lang=lang)}] {f.location}  {f.message}"
                for f in chosen[:limit]]

    def headline(self, lang: str | None = None) -> str:
        name = self.master.path.name if self.master.path else ""
        return t("check.summary", lang=lang, file=name, tasks=len(self.master.tasks), units=len(self.master.units),
                 **self.counts)

    def to_summary(self, lang: str | None = None) -> str:
        """Every finding on its own line, then the counts."""
        return "\n".join([*self.lines(lang), self.headline(lang)])


def check_report(master: Master, grids: dict[str, Any] | None = None) -> CheckReport:
    """:func:`check_master` as a :class:`CheckReport`."""
    return CheckReport(master, check_master(master, grids))


def annotate_master(source: str | Path, out: str | Path, findings: list[Finding]) -> Path:
    """A copy of ``source`` with each problem cell coloured and a note on it, plus a 校验结果 sheet.

    The input file is never modified; writing onto it is refused.
    """
    import openpyxl
    from openpyxl.comments import Comment

    from sheetsync.workbook import xlsxio

    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise SheetsyncError(t("check.annotate_same_file", file=str(out)), file=str(out))
    from sheetsync.core.outputs import refuse_replacing

    refuse_replacing(out, "master", "calendar", "derived")  # an earlier annotated copy; never the ledger, a roll-up or a return
    from sheetsync.master.workbook import require_xlsx

    require_xlsx(source, t("core.action.annotate"))
    wb = openpyxl.load_workbook(source)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet in wb.sheetnames and f.cell:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), fs in by_cell.items():
        c = wb[sheet][cell]
        worst = "error" if any(f.severity == "error" for f in fs) else ("warning" if any(f.severity == "warning" for f in fs) else "info")
        color = {"error": xlsxio.RED, "warning": xlsxio.AMBER, "info": xlsxio.BLUE}[worst]
        c.fill = xlsxio.fill(color)
        text = "\n".join(f"[{t('check.severity.' + f.severity)}] {f.message}" for f in fs)
        c.comment = Comment(text[:2000], "sheetsync", width=320, height=min(60 + 40 * len(fs), 400))
    title = t("check.results_sheet")
    if title in wb.sheetnames:
        del wb[title]
    ws = wb.create_sheet(title, 0)
    _write_findings_sheet(ws, findings)
    wb.active = 0
    return xlsxio.save_atomic(wb, out)


def _write_findings_sheet(ws: Any, findings: list[Finding]) -> None:
    from sheetsync.workbook import xlsxio

    headers = [t("check.col.severity"), t("check.col.code"), t("check.col.location"), t("check.col.message"),
               t("check.col.suggestions")]
    widths = [8, 20, 14, 70, 30]
    xlsxio.write_header(ws, 1, headers, widths)
    order = {"error": 0, "warning": 1, "info": 2}
    rows = [[t("check.severity." + f.severity), f.code, f.location, f.message, "、".join(f.suggestions)]
            for f in sorted(findings, key=lambda f: order.get(f.severity, 3))]
    last = xlsxio.write_rows(ws, 2, rows, widths) - 1
    for r, f in enumerate(sorted(findings, key=lambda f: order.get(f.severity, 3)), start=2):
        color = {"error": xlsxio.RED, "warning": xlsxio.AMBER}.get(f.severity)
        if color:
            ws.cell(row=r, column=1).fill = xlsxio.fill(color)
    xlsxio.finish_table(ws, 1, last, len(headers))


def _setting_label(key: str) -> str:
    from sheetsync.core import schema

    return schema.label_for(schema.SETTING_KEYS, key)
