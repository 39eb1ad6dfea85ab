"""What the drafts are written from: the roll-up's facts, as plain records.

The documents read the roll-up's own machine-readable summary, never its sheet headers. Until
``sheetsync.rollup.summary`` lands, :func:`load_facts` builds the same records from
``sheetsync.merge.status`` (the ledger beside the master); it is the one function to switch.
The record fields follow the summary's (region, plan, period, as_of, units, tasks, gaps, details).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t


@dataclass
class UnitFact:
    name: str
    reported: bool
    received_at: str = ""
    tasks: int = 0
    done: int = 0
    overdue: int = 0


@dataclass
class TaskFact:
    id: str
    title: str
    lead: str
    status: str  # a key of schema.STATUSES, or not_reported
    overdue: bool = False
    progress: float | None = None
    value_sum: float | None = None
    target: float | None = None
    target_unit: str = ""
    indicator: str = ""
    deadline: str = ""
    units_expected: int = 0
    units_reported: int = 0

    @property
    def headline_status(self) -> str:
        return "overdue" if self.overdue else self.status


@dataclass
class GapFact:
    type: str
    task_id: str
    title: str
    unit: str
    detail: str = ""


@dataclass
class DetailFact:
    task_id: str
    unit: str
    role: str
    status: str | None = None
    progress: float | None = None
    value: float | None = None
    progress_text: str = ""
    problems: str = ""
    next_steps: str = ""
    file: str = ""


@dataclass
class Facts:
    region: str
    plan: str
    period: str
    as_of: date
    generated: datetime
    headline: dict[str, Any]
    units: list[UnitFact]
    tasks: list[TaskFact]
    gaps: list[GapFact]
    details: list[DetailFact]
    due: date | None = None  # 报送截止日期: a return received after it is late
    settings: dict[str, str] = field(default_factory=dict)  # the master's 设置 (document keys)

    def setting(self, key: str, default: str = "") -> str:
        return (self.settings.get(key) or default).strip()

    def on_time(self, unit: UnitFact) -> bool:
        """Reported by the due date (no due date set: every return is on time)."""
        if not unit.reported:
            return False
        if self.due is None or not unit.received_at:
            return True
        return unit.received_at[:10] <= self.due.isoformat()


def facts_from_rollup(rollup: Any, settings: dict[str, str] | None = None) -> Facts:
    """A :class:`~sheetsync.rollup.compute.Rollup` as the drafts' records."""
    from sheetsync.core.dates import parse_date, plan_year

    settings = dict(settings or {})
    due = parse_date(settings.get("due", ""), plan_year(settings)) if settings.get("due") else None
    units = [UnitFact(u.unit, u.reported, u.received_at, u.tasks, u.done, u.overdue) for u in rollup.units]
    tasks = [TaskFact(tl.task.id, tl.task.title, tl.lead, tl.status, tl.overdue, tl.progress, tl.value_sum,
                      tl.task.target, tl.task.target_unit, tl.task.indicator, tl.task.deadline,
                      tl.units_expected, tl.units_reported) for tl in rollup.tasks]
    gaps = [GapFact(g.type, g.task_id, g.task_title, g.unit, g.detail) for g in rollup.gaps]
    details = [DetailFact(task.id, unit, role, row.status if row else None, row.progress if row else None,
                          row.value if row else None, row.progress_text if row else "", row.problems if row else "",
                          row.next_steps if row else "", file)
               for task, unit, role, row, file in rollup.details]
    return Facts(rollup.region, rollup.plan, rollup.period, rollup.as_of, rollup.generated, rollup.headline(),
                 units, tasks, gaps, details, due, settings)


def load_facts(rollup_path: str | Path, master_path: str | Path | None, *, period: str | None = None,
               as_of: date | None = None, ledger_path: str | Path | None = None) -> Facts:
    """The facts behind the roll-up at ``rollup_path``.

    For now from the ledger beside ``master_path`` (``merge.status``), for the period the master
    names, judged at ``as_of`` (else as ``merge.status`` judges: 设置·统计截至日期, else the as-of
    of the period's last roll-up); this is the adapter to replace with ``rollup.summary.read_summary(rollup_path)``.
    """
    from sheetsync.master.workbook import read_master
    from sheetsync.merge import status

    rollup_path = Path(rollup_path)
    if not rollup_path.exists():
        raise SheetsyncError(t("documents.no_rollup", file=str(rollup_path)), file=str(rollup_path))
    if master_path is None:
        raise SheetsyncError(t("documents.need_master", file=str(rollup_path)), file=str(rollup_path))
    master = read_master(master_path)
    rollup = status(master_path, period, ledger_path, as_of, master=master)
    return facts_from_rollup(rollup, master.settings)
