"""The county roll-up: from the master and each unit's current return to statuses and gaps.

Pure computation on plain objects (no files), so the CLI, the ribbon, the mail reminders and
the tests all see the same numbers. :mod:`sheetsync.rollup_xlsx` writes it as a workbook.

Aggregated task status — the documented worst-of rule: over the units that reported the task,
the worst status wins in the order 滞后 > 未启动 > 推进中 > 长期坚持 > 已完成; a task nobody
reported is 未报送. A task whose deadline (or named phase's end) is before the as-of date and
that is not 已完成/长期坚持 counts as 逾期 in the headline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheetsync.dates import Deadline, parse_deadline, plan_year
from sheetsync.model import Finding, Master, Task
from sheetsync.returns import NO_PROBLEM_WORDS, ReturnRow
from sheetsync.textnorm import norm_key
from sheetsync.units import Assignment, UnitRegistry, assignments, responsible_names

STATUS_RANK = {"lagging": 0, "not_started": 1, "in_progress": 2, "ongoing": 3, "done": 4}
# gap type -> severity (high = red, medium = amber)
GAP_TYPES = {
    "not_reported": "high",
    "overdue": "high",
    "no_unit": "high",
    "blank": "medium",
    "lagging": "medium",
    "below_target": "medium",
    "problem": "medium",
}
LAG_MARGIN = 30.0  # percentage points behind the straight line from plan start to deadline


@dataclass
class Gap:
    type: str
    task_id: str
    task_title: str
    unit: str
    detail: str = ""

    @property
    def severity(self) -> str:
        return GAP_TYPES[self.type]


@dataclass
class UnitReturn:
    """What the ledger holds for one unit's current return."""

    unit: str
    file: str
    received_at: str
    rows: list[ReturnRow]
    missing: list[str] = field(default_factory=list)
    superseded: int = 0
    findings: int = 0
    reporter: str = ""
    phone: str = ""
    sender: str = ""


@dataclass
class TaskLine:
    task: Task
    deadline: Deadline
    due: date | None
    assignments: list[tuple[str, str]]  # (unit, role)
    rows: dict[str, ReturnRow]  # unit -> row (reported units only)
    status: str  # aggregated key, or "not_reported"
    overdue: bool
    progress: float | None
    value_sum: float | None
    lead: str

    @property
    def headline_status(self) -> str:
        return "overdue" if self.overdue else self.status

    @property
    def units_expected(self) -> int:
        return len(self.assignments)

    @property
    def units_reported(self) -> int:
        return len(self.rows)


@dataclass
class UnitLine:
    unit: str
    email: str
    reported: bool
    file: str = ""
    received_at: str = ""
    superseded: int = 0
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    problems: int = 0
    findings: int = 0
    blank: int = 0
    reporter: str = ""
    phone: str = ""


@dataclass
class FileLine:
    file: str
    unit: str
    outcome: str
    findings: list[Finding]
    received_at: str = ""
    used: bool = False


@dataclass
class Rollup:
    period: str
    as_of: date
    generated: datetime
    region: str
    plan: str
    tasks: list[TaskLine]
    units: list[UnitLine]
    gaps: list[Gap]
    files: list[FileLine]
    details: list[tuple[Task, str, str, ReturnRow | None, str]]  # task, unit, role, row, file

    def headline(self) -> dict[str, Any]:
        expected = len(self.units)
        reported = sum(u.reported for u in self.units)
        counts = {k: 0 for k in ("done", "in_progress", "lagging", "overdue", "not_started", "ongoing", "not_reported")}
        for tl in self.tasks:
            counts[tl.headline_status] = counts.get(tl.headline_status, 0) + 1
        n = len(self.tasks)
        return {
            "units_expected": expected, "units_reported": reported, "units_missing": expected - reported,
            "tasks": n, **counts,
            "completion_rate": round(100.0 * counts["done"] / n, 1) if n else 0.0,
            "files": len(self.files),
        }

    @property
    def missing_units(self) -> list[str]:
        return [u.unit for u in self.units if not u.reported]

    def gap_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for g in self.gaps:
            out[g.type] = out.get(g.type, 0) + 1
        return out

    def gaps_by_unit(self, *, per_task: bool = True) -> dict[str, list[Gap]]:
        """Unit → its gaps. With ``per_task`` a unit that sent nothing gets one line per task it
        owes (what a 催报 reminder must list), instead of the single 未报送 line of the roll-up."""
        from sheetsync.i18n import t

        out: dict[str, list[Gap]] = {}
        for g in self.gaps:
            if not g.unit:
                continue
            if per_task and g.type == "not_reported":
                out.setdefault(g.unit, []).extend(
                    Gap("not_reported", task.id, task.title, unit, t(f"merge.gap_detail.owed_{role}"))
                    for task, unit, role, _row, _file in self.details if unit == g.unit)
            else:
                out.setdefault(g.unit, []).append(g)
        return out

    def gaps_by_task(self) -> dict[str, list[Gap]]:
        """Task id → its gaps, in task order, for marking the master's task rows.

        Built from :meth:`gaps_by_unit` (per task), so a unit that sent nothing counts against
        each task it owes — from a task's row the missing return is the first thing to chase.
        """
        own: dict[str, list[Gap]] = {}
        for g in [*(g for gs in self.gaps_by_unit().values() for g in gs), *(g for g in self.gaps if not g.unit)]:
            if g.task_id:
                own.setdefault(g.task_id, []).append(g)
        return {tl.task.id: own[tl.task.id] for tl in self.tasks if tl.task.id in own}


def task_due(task: Task, master: Master, year: int) -> tuple[Deadline, date | None]:
    """A task's deadline; a deadline naming a phase (总结评估阶段) means that phase's end."""
    dl = parse_deadline(task.deadline, year)
    if dl.kind == "bad":
        key = norm_key(task.deadline)
        for ph in master.phases:
            if ph.end and (norm_key(ph.name) in key or key in norm_key(ph.name)):
                return Deadline("date", ph.end, task.deadline), ph.end
    return dl, dl.date


def plan_start(master: Master, year: int) -> date:
    starts = [p.start for p in master.phases if p.start]
    return min(starts) if starts else date(year, 1, 1)


def compute_rollup(master: Master, returns: dict[str, UnitReturn], files: list[FileLine], *, period: str,
                   as_of: date, generated: datetime | None = None) -> Rollup:
    from functools import partial

    from sheetsync.i18n import get_lang
    from sheetsync.i18n import t as _t

    t = partial(_t, lang=get_lang())  # one language for the whole roll-up, looked up once

    registry = UnitRegistry(master.units, master.region)
    by_unit: dict[str, list[Assignment]] = assignments(master.tasks, registry)
    year = plan_year(master.settings)
    start = plan_start(master, year)
    gaps: list[Gap] = []
    rows_by: dict[tuple[str, str], ReturnRow] = {}
    for ur in returns.values():
        for r in ur.rows:
            rows_by[(r.task_id, ur.unit)] = r

    task_units: dict[str, list[tuple[str, str]]] = {}
    for unit, items in by_unit.items():
        for a in items:
            task_units.setdefault(a.task.id, []).append((unit, a.role))

    tasks: list[TaskLine] = []
    details: list[tuple[Task, str, str, ReturnRow | None, str]] = []
    # looked up once: a city roll-up is tasks × units, and a linear search per pair was quadratic
    unit_pos = {}
    for i, u in enumerate(master.units):
        unit_pos.setdefault(u.name, i)
    due_of: dict[int, tuple[Deadline, date | None]] = {}
    for task in master.tasks:
        dl, due = due_of.setdefault(id(task), task_due(task, master, year))
        units = sorted(task_units.get(task.id, []), key=lambda ur: (ur[1] != "lead", unit_pos.get(ur[0], 10**6)))
        reported = {u: rows_by[(task.id, u)] for u, _ in units if (task.id, u) in rows_by}
        statuses = [r.status for r in reported.values() if r.status]
        status = min(statuses, key=lambda s: STATUS_RANK[s]) if statuses else (
            "not_started" if reported else "not_reported")
        lead = next((u for u, role in units if role == "lead"), units[0][0] if units else "")
        lead_row = reported.get(lead)
        progress = lead_row.progress if lead_row and lead_row.progress is not None else _mean(
            [r.progress for r in reported.values() if r.progress is not None])
        values = [r.value for r in reported.values() if r.value is not None]
        value_sum = sum(values) if values else None
        overdue = bool(due and due < as_of and status not in ("done", "ongoing") and reported)
        tl = TaskLine(task, dl, due, units, reported, status, overdue, progress, value_sum, lead)
        tasks.append(tl)

        if not units:
            names = "、".join(responsible_names(task, registry)) or t("merge.gap_detail.none_named")
            gaps.append(Gap("no_unit", task.id, task.title, "", t("merge.gap_detail.no_unit", names=names)))
        for unit, role in units:
            ur = returns.get(unit)
            row = reported.get(unit)
            details.append((task, unit, role, row, ur.file if ur else ""))
            if ur is None:
                continue  # one 未报送 gap per unit below
            if row is None or row.blank:
                gaps.append(Gap("blank", task.id, task.title, unit,
                                t("merge.gap_detail.row_missing") if row is None else t("merge.gap_detail.blank")))
                continue
            st = row.status
            if due and due < as_of and st not in ("done", "ongoing"):
                gaps.append(Gap("overdue", task.id, task.title, unit,
                                t("merge.gap_detail.overdue", due=due.isoformat(), status=_status_text(st))))
            elif st == "lagging":
                gaps.append(Gap("lagging", task.id, task.title, unit, t("merge.gap_detail.lagging_status",
                                                                         progress=_pct(row.progress))))
            elif due and row.progress is not None and st not in ("done", "ongoing"):
                expected = _expected_progress(start, due, as_of)
                if expected is not None and row.progress + LAG_MARGIN < expected:
                    gaps.append(Gap("lagging", task.id, task.title, unit, t(
                        "merge.gap_detail.lagging_progress", progress=_pct(row.progress), expected=_pct(expected))))
            if row.problems and norm_key(row.problems) not in NO_PROBLEM_WORDS:
                gaps.append(Gap("problem", task.id, task.title, unit, row.problems[:500]))

        if task.target is not None and reported and (status == "done" or (due and due < as_of)):
            if value_sum is None:
                gaps.append(Gap("below_target", task.id, task.title, lead, t(
                    "merge.gap_detail.no_value", target=_num(task.target), unit=task.target_unit)))
            elif value_sum < task.target:
                gaps.append(Gap("below_target", task.id, task.title, lead, t(
                    "merge.gap_detail.below_target", value=_num(value_sum), target=_num(task.target),
                    unit=task.target_unit)))

    unit_lines: list[UnitLine] = []
    for unit in registry.units:
        items = by_unit.get(unit.name)
        if not items:
            continue
        ur = returns.get(unit.name)
        ul = UnitLine(unit.name, unit.email, ur is not None, tasks=len(items))
        if ur is None:
            gaps.append(Gap("not_reported", "", "", unit.name, t("merge.gap_detail.not_reported", n=len(items))))
        else:
            ul.file, ul.received_at, ul.superseded, ul.findings = ur.file, ur.received_at, ur.superseded, ur.findings
            ul.reporter, ul.phone = ur.reporter, ur.phone
            for a in items:
                r = rows_by.get((a.task.id, unit.name))
                if r is None or r.blank:
                    ul.blank += 1
                    continue
                if r.status == "done":
                    ul.done += 1
                _dl, due = due_of[id(a.task)] if id(a.task) in due_of else task_due(a.task, master, year)
                if due and due < as_of and r.status not in ("done", "ongoing"):
                    ul.overdue += 1
                if r.has_problem:
                    ul.problems += 1
        unit_lines.append(ul)

    order = {k: i for i, k in enumerate(("not_reported", "overdue", "no_unit", "blank", "lagging", "below_target", "problem"))}
    task_order = {t_.id: i for i, t_ in enumerate(master.tasks)}
    unit_order = {u.name: i for i, u in enumerate(master.units)}
    gaps.sort(key=lambda g: (0 if g.severity == "high" else 1, order[g.type], task_order.get(g.task_id, -1),
                             unit_order.get(g.unit, 10**6)))
    used_files = {ur.file for ur in returns.values()}
    for f in files:
        f.used = f.file in used_files
    return Rollup(period, as_of, generated or datetime.now().replace(microsecond=0), master.region, master.plan_name,
                  tasks, unit_lines, gaps, files, details)


def _unit_order(master: Master, name: str) -> int:
    for i, u in enumerate(master.units):
        if u.name == name:
            return i
    return 10**6


def _expected_progress(start: date, due: date, as_of: date) -> float | None:
    span = (due - start).days
    if span <= 0:
        return None
    return max(0.0, min(100.0, 100.0 * (as_of - start).days / span))


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}%"


def _status_text(key: str | None) -> str:
    from sheetsync import schema
    from sheetsync.i18n import t

    return schema.label_for(schema.STATUSES, key) if key else t("merge.status.blank")
