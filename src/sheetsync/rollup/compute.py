"""The county roll-up: from the master and each unit's current return to statuses and gaps.

Pure computation on plain objects (no files), so the CLI, the ribbon, the mail reminders and
the tests all see the same numbers. :mod:`sheetsync.rollup.workbook` writes it as a workbook.

Aggregated task status — the documented worst-of rule: over the units that reported the task,
the worst status wins in the order 滞后 > 未启动 > 推进中 > 长期坚持 > 已完成; a task nobody
reported is 未报送. A task whose deadline (or named phase's end) is before the as-of date and
that is not 已完成/长期坚持 counts as 逾期 in the headline.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sheetsync.core.dates import Deadline, parse_date, parse_deadline, plan_year
from sheetsync.core.model import Finding, Master, Task
from sheetsync.core.numbers import fmt_number
from sheetsync.core.targets import UPPER_BOUNDS, meets_target, target_cell
from sheetsync.core.textnorm import norm_key
from sheetsync.core.units import UnitRegistry, responsible_names, task_roles
from sheetsync.returns.read import ReturnRow

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
    "sub_incomplete": "medium",  # 下级未全报: a return exported from a roll-up below that misses some of its units
}
LAG_MARGIN = 30.0  # percentage points behind the straight line from plan start to deadline
_SETTLED = ("done", "ongoing")  # statuses a passed deadline does not make overdue


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
    coverage: str = ""  # 下级覆盖: reported/expected below the units whose returns were exported ("10/12")

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
    late_days: int | None = None  # working days after 设置·报送截止日期 (0 on time, None: not judged)


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
    # rollup.trend.Trend across periods, set by the merge for the 趋势 sheet; not part of the
    # period's own figures (status() leaves it None and still equals the merge's roll-up)
    trend: Any = field(default=None, compare=False, repr=False)
    # (task id, unit) -> the coverage its exported return recorded (sheetsync.levels)
    coverage: dict[tuple[str, str], Any] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)  # the master's record of the level above + level settings
    # the tasks the roll-up was made from (Master.fingerprint): its summary names its master exactly
    master_fingerprint: str = field(default="", compare=False)
    # what the front-ends must say with the figures (a period the ledger has no record of)
    notes: list[str] = field(default_factory=list, compare=False)

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


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a roll-up is built or written.

    Why: a county roll-up allocates about a million objects that all live on (rows, detail
    lines, gaps, cells), and meanwhile the collector re-scans the growing heap again and again
    — 0.3-0.5 s of a 1-2 s build — to find no reference cycles. Reference counting still frees
    everything else at once; collection resumes (if it was on) when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


# ---------------------------------------------------------------- the rules, one function each
def aggregate_status(statuses: list[str], reported: bool) -> str:
    """A task's status over its units — the documented worst-of rule: 滞后 > 未启动 > 推进中 >
    长期坚持 > 已完成. Units that reported the row without a status count for nothing; a task
    reported only blank is 未启动, one nobody reported 未报送 (``not_reported``)."""
    if statuses:
        return min(statuses, key=STATUS_RANK.__getitem__)
    return "not_started" if reported else "not_reported"


def late_rule(received_at: str, due: date | None, master: Master, calendar: list[Any]) -> int | None:
    """迟报: how many working days after 设置·报送截止日期 a unit's current return arrived (0: on
    time; None: no deadline or no time). Working days follow China's calendar with 调休 and the
    master's 节假日 sheet (:mod:`sheetsync.core.calendar`); ``calendar`` caches it for the
    roll-up, and it is loaded only for a return received after the deadline's day — an on-time
    roll-up never pays for it."""
    if due is None or not received_at:
        return None
    try:
        when = datetime.fromisoformat(received_at)
    except ValueError:
        return None
    if when.date() <= due:
        return 0
    from sheetsync.core.calendar import load_calendar, working_days_late

    if not calendar:
        calendar.append(load_calendar(master))
    return working_days_late(when, due, calendar[0])


def is_overdue(late: bool, status: str | None) -> bool:
    """The overdue rule: the deadline (or its phase's end) is before the as-of date and the work
    is not settled — 已完成 and 长期坚持 are never overdue."""
    return late and status not in _SETTLED


def lagging_rule(status: str | None, progress: float | None, expected: float | None) -> str | None:
    """The lagging rule, for a row that is not overdue: the unit says 滞后 (``lagging_status``),
    or its progress is more than ``LAG_MARGIN`` points behind the straight line from plan start
    to deadline (``lagging_progress``); settled work never lags. None: not lagging."""
    if status == "lagging":
        return "lagging_status"
    if (expected is not None and progress is not None and status not in _SETTLED
            and progress + LAG_MARGIN < expected):
        return "lagging_progress"
    return None


def blank_rule(row: ReturnRow | None) -> str | None:
    """The blank rule, for a unit that sent a return: the task's row is missing from it
    (``row_missing``) or left empty (``blank``). None: the row says something."""
    if row is None:
        return "row_missing"
    return "blank" if row.blank else None


def problem_rule(row: ReturnRow) -> bool:
    """The problem rule: 存在问题 holds a real problem, not 无/暂无/—."""
    return row.has_problem


def not_reported_rule(unit: str, returns: dict[str, UnitReturn]) -> bool:
    """The not-reported rule: a unit that owes tasks and has no current return this period gets
    one 未报送 gap (its rows are not judged one by one)."""
    return unit not in returns


def below_target_rule(task: Task, value_sum: float | None, status: str, late: bool) -> tuple[str, dict[str, str]] | None:
    """The below-target rule, judged once the task is 已完成 or past its deadline: no achieved
    value (``no_value``), or the sum of the units' values misses the target in the target's own
    direction — under an at-least target (``below_target``), over an upper limit such as ≤5 or
    不超过5 (``above_limit``). None: met, or not yet judged. Returns (detail key, its fields)."""
    if task.target is None or not (status == "done" or late):
        return None
    target = _num(task.target)
    if value_sum is None:
        return "no_value", {"target": target_label(task), "unit": task.target_unit}
    if meets_target(value_sum, task.target, task.target_op):
        return None
    key = "above_limit" if task.target_op in UPPER_BOUNDS else "below_target"
    return key, {"value": _num(value_sum), "target": target, "limit": target_label(task), "unit": task.target_unit}


def sub_coverage_rule(cov: Any) -> str | None:
    """The 下级未全报 rule, for a unit whose return was exported from its own roll-up: some of
    its sub-units did not report the task (``sub_missing``), or coverage is incomplete further
    below (``sub_nested``). None: every unit below reported."""
    if cov.reported < cov.expected:
        return "sub_missing"
    return "sub_nested" if cov.nested else None


def coverage_text(covs: list[Any]) -> str:
    """The 下级覆盖 cell of a task: reported/expected summed over its units' exported returns,
    then what is incomplete further below (``10/12（示例镇 3/4）``); "" when none."""
    if not covs:
        return ""
    text = f"{sum(c.reported for c in covs)}/{sum(c.expected for c in covs)}"
    nested = "；".join(c.nested for c in covs if c.nested)
    return text + (f"（{nested}）" if nested else "")


def target_label(task: Task) -> str:
    """The target as a message shows it: 25 for at least, ≤5 for an upper limit."""
    cell = target_cell(task.target, task.target_op)
    return cell if isinstance(cell, str) else _num(task.target or 0)


# ---------------------------------------------------------------- the roll-up
def compute_rollup(master: Master, returns: dict[str, UnitReturn], files: list[FileLine], *, period: str,
                   as_of: date, generated: datetime | None = None,
                   coverage: dict[str, list[Any]] | None = None) -> Rollup:
    """Statuses, gaps and per-unit counts of ``period`` from each unit's current return.

    The rules are the functions above; this applies them. A city roll-up is tasks × units
    (120,000 pairs), so everything that depends on less than a pair — a task's units and
    deadline, a gap message, whether a problem text says "none" — is worked out once, not per
    pair, and each pair's row is read once. ``coverage``: unit → the coverage rows its current
    return carries (a return exported from the unit's own roll-up, sheetsync.levels).
    """
    from functools import partial

    from sheetsync.i18n import get_lang
    from sheetsync.i18n import t as _t

    lang = get_lang()
    t = partial(_t, lang=lang)  # one language for the whole roll-up, looked up once

    registry = UnitRegistry(master.units, master.region)
    year = plan_year(master.settings)
    start = plan_start(master, year)
    gaps: list[Gap] = []
    rows_by: dict[str, dict[str, ReturnRow]] = {}  # task id -> unit -> row
    for ur in returns.values():
        for r in ur.rows:
            rows_by.setdefault(r.task_id, {})[ur.unit] = r
    files_of = {unit: ur.file for unit, ur in returns.items()}
    own, task_units = _task_units(master, registry)
    # unit -> [tasks, done, overdue, problems, blank], counted per task as assignments() lists them
    tally: dict[str, list[int]] = {}
    problem: dict[str, bool] = {}  # problems text -> a real problem (not 无/暂无/…)
    messages: dict[tuple[str, ...], str] = {}

    def detail(key: str, **fields: str) -> str:
        """A gap's detail text, formatted once: a county repeats a few deadlines, statuses and percentages."""
        memo = (key, *fields.values())
        text = messages.get(memo)
        if text is None:
            text = messages[memo] = t(f"merge.gap_detail.{key}", **fields)
        return text

    tasks: list[TaskLine] = []
    details: list[tuple[Task, str, str, ReturnRow | None, str]] = []
    cov_by = {(c.task_id, unit): c for unit, covs in (coverage or {}).items() if unit in returns for c in covs}
    cov_seen: dict[tuple[str, str], Any] = {}
    for task, own_units in zip(master.tasks, own):
        dl, due = task_due(task, master, year)
        late = bool(due and due < as_of)
        expected = _expected_progress(start, due, as_of) if due else None
        units = task_units[task.id]
        task_rows = rows_by.get(task.id, {})
        reported: dict[str, ReturnRow] = {}
        seen: dict[str, tuple[bool, str | None, bool]] = {}  # unit -> (blank, status, real problem)
        if not units:
            names = "、".join(responsible_names(task, registry)) or t("merge.gap_detail.none_named")
            gaps.append(Gap("no_unit", task.id, task.title, "", t("merge.gap_detail.no_unit", names=names)))
        for unit, role in units:
            row = task_rows.get(unit)
            if row is not None:
                reported[unit] = row
            file = files_of.get(unit)
            details.append((task, unit, role, row, file or ""))
            if file is None:
                continue  # one 未报送 gap per unit below
            empty = blank_rule(row)
            if empty is not None:
                gaps.append(Gap("blank", task.id, task.title, unit, detail(empty)))
                seen[unit] = (True, None, False)
                continue
            st = row.status
            if is_overdue(late, st):
                gaps.append(Gap("overdue", task.id, task.title, unit,
                                detail("overdue", due=due.isoformat(), status=_status_text(st, lang))))
            else:
                lag = lagging_rule(st, row.progress, expected)
                if lag is not None:
                    fields = {"progress": _pct(row.progress)}
                    if lag == "lagging_progress":
                        fields["expected"] = _pct(expected)
                    gaps.append(Gap("lagging", task.id, task.title, unit, detail(lag, **fields)))
            real = problem.get(row.problems)
            if real is None:
                real = problem[row.problems] = problem_rule(row)
            if real:
                gaps.append(Gap("problem", task.id, task.title, unit, row.problems[:500]))
            seen[unit] = (False, st, real)
            cov = cov_by.get((task.id, unit)) if cov_by else None
            if cov is not None:
                cov_seen[(task.id, unit)] = cov
                below = sub_coverage_rule(cov)
                if below is not None:
                    gaps.append(Gap("sub_incomplete", task.id, task.title, unit, t(
                        f"merge.gap_detail.{below}", ratio=cov.ratio, names="、".join(cov.missing) or "-",
                        nested=cov.nested)))
        # the 单位报送 counts: per task object, as assignments() lists them (the same pairs as
        # above unless a task id is given twice)
        for unit, _role in own_units:
            c = tally.get(unit)
            if c is None:
                c = tally[unit] = [0, 0, 0, 0, 0]
            c[0] += 1
            facts = seen.get(unit)
            if facts is None:
                continue  # not reported: only its task count is shown
            blank, st, real = facts
            if blank:
                c[4] += 1
                continue
            c[1] += st == "done"
            c[2] += is_overdue(late, st)
            c[3] += real

        status = aggregate_status([r.status for r in reported.values() if r.status], bool(reported))
        lead = next((u for u, role in units if role == "lead"), units[0][0] if units else "")
        lead_row = reported.get(lead)
        progress = lead_row.progress if lead_row and lead_row.progress is not None else _mean(
            [r.progress for r in reported.values() if r.progress is not None])
        values = [r.value for r in reported.values() if r.value is not None]
        value_sum = sum(values) if values else None
        overdue = bool(reported) and is_overdue(late, status)
        tasks.append(TaskLine(task, dl, due, list(units), reported, status, overdue, progress, value_sum, lead,
                              coverage_text([cov_seen[k] for u, _r in units if (k := (task.id, u)) in cov_seen])))

        missed = below_target_rule(task, value_sum, status, late) if reported else None
        if missed is not None:
            key, fields = missed
            gaps.append(Gap("below_target", task.id, task.title, lead, t(f"merge.gap_detail.{key}", **fields)))

    unit_lines: list[UnitLine] = []
    report_due = parse_date(master.setting("due"), plan_year(master.settings))
    calendar: list[Any] = []  # loaded once, and only when a return came after the deadline
    for unit in registry.units:
        c = tally.get(unit.name)
        if not c:
            continue
        ur = returns.get(unit.name)
        ul = UnitLine(unit.name, unit.email, ur is not None, tasks=c[0])
        if not_reported_rule(unit.name, returns):
            gaps.append(Gap("not_reported", "", "", unit.name, t("merge.gap_detail.not_reported", n=c[0])))
        else:
            ul.file, ul.received_at, ul.superseded, ul.findings = ur.file, ur.received_at, ur.superseded, ur.findings
            ul.reporter, ul.phone = ur.reporter, ur.phone
            ul.done, ul.overdue, ul.problems, ul.blank = c[1], c[2], c[3], c[4]
            ul.late_days = late_rule(ur.received_at, report_due, master, calendar)
        unit_lines.append(ul)

    # high severity first (the first three types), then type, task and unit order
    order = {k: i for i, k in enumerate(("not_reported", "overdue", "no_unit", "blank", "lagging", "below_target", "problem",
                                         "sub_incomplete"))}
    task_order = {t_.id: i for i, t_ in enumerate(master.tasks)}
    unit_order = {u.name: i for i, u in enumerate(master.units)}
    gaps.sort(key=lambda g: (order[g.type], task_order.get(g.task_id, -1), unit_order.get(g.unit, 10**6)))
    used_files = {ur.file for ur in returns.values()}
    for f in files:
        f.used = f.file in used_files
    derived = dict(master.parent)
    if derived:
        derived["progress_mode"] = master.setting("progress_mode")
    return Rollup(period, as_of, generated or datetime.now().replace(microsecond=0), master.region, master.plan_name,
                  tasks, unit_lines, gaps, files, details, coverage=cov_seen, derived=derived,
                  master_fingerprint=master.fingerprint())


def _task_units(master: Master, registry: UnitRegistry) -> tuple[list[list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """Each task's own (unit, role) pairs, and task id → the pairs the roll-up lists: leads first,
    then in 单位 sheet order.

    Worked out once per distinct 牵头单位/配合单位 text — a county's tasks mostly name the same
    groups (各乡镇, 各成员单位), and expanding them per task was a third of the roll-up. A task
    id given twice (``check_master`` reports it) lists the units of both tasks.
    """
    pos: dict[str, int] = {}
    for i, u in enumerate(master.units):
        pos.setdefault(u.name, i)
    reg_pos: dict[str, int] = {}
    for i, u in enumerate(registry.units):
        reg_pos.setdefault(u.name, i)
    memo: dict[int, list[tuple[str, str]]] = {}  # tasks with the same text share one pairs list
    own: list[list[tuple[str, str]]] = []
    by_id: dict[str, list[tuple[str, str]]] = {}
    for task, written in zip(master.tasks, task_roles(master.tasks, registry)):
        pairs = memo.get(id(written))
        if pairs is None:
            # in registry order (as assignments() lists them), then leads first in 单位 sheet order
            in_registry = sorted((p for p in written if p[0] in reg_pos), key=lambda p: reg_pos[p[0]])
            pairs = memo[id(written)] = sorted(in_registry, key=lambda p: (p[1] != "lead", pos.get(p[0], 10**6)))
        own.append(pairs)
        if task.id in by_id:
            by_id[task.id] = sorted(by_id[task.id] + pairs, key=lambda p: (p[1] != "lead", pos.get(p[0], 10**6)))
        else:
            by_id[task.id] = pairs
    return own, by_id


def _expected_progress(start: date, due: date, as_of: date) -> float | None:
    span = (due - start).days
    if span <= 0:
        return None
    return max(0.0, min(100.0, 100.0 * (as_of - start).days / span))


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


_num = fmt_number


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}%"


@lru_cache(maxsize=64)
def _status_text(key: str | None, lang: str) -> str:
    from sheetsync.core import schema
    from sheetsync.i18n import t

    return schema.label_for(schema.STATUSES, key, lang) if key else t("merge.status.blank", lang=lang)
