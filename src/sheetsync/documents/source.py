"""What the drafts are written from: the roll-up's own machine-readable summary, plus the master's 设置.

The documents never read the roll-up's sheet headers: :func:`load_facts` reads the summary the
roll-up writer stored in it (:func:`sheetsync.rollup.summary.read_summary`). The units, tasks,
gaps and details are the summary's own records; the master, when given, adds what the summary
does not carry — the document settings (发文机关, 主送机关, 附注, 数字约写 …) and the 报送截止日期
that tells an on-time return from a late one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheetsync.core.model import Master
    from sheetsync.rollup.compute import Rollup
    from sheetsync.rollup.summary import RollupSummary, SummaryDetail, SummaryGap, SummaryTask, SummaryUnit


@dataclass
class Facts:
    """A roll-up summary's records with the 设置 the drafts need (the summary's types, not copies)."""

    region: str
    plan: str
    period: str
    as_of: date
    generated: str
    headline: dict[str, Any]
    units: list[SummaryUnit]
    tasks: list[SummaryTask]
    gaps: list[SummaryGap]
    details: list[SummaryDetail]
    due: date | None = None  # 报送截止日期: None when unknown (no master given, or none set)
    settings: dict[str, str] = field(default_factory=dict)  # the master's 设置 (document keys)
    notes: list[str] = field(default_factory=list)  # what the clerk must know about these facts, said once

    def setting(self, key: str, default: str = "") -> str:
        return (self.settings.get(key) or default).strip()

    @property
    def knows_due(self) -> bool:
        """Whether on time and late can be told apart (else the drafts only say reported / not)."""
        return self.due is not None

    def on_time(self, unit: SummaryUnit) -> bool:
        """Reported by the due date (unknown due date: every return counts as reported, see knows_due)."""
        if not unit.reported:
            return False
        if self.due is None or not unit.received_at:
            return True
        return unit.received_at[:10] <= self.due.isoformat()


def _due(settings: dict[str, str]) -> date | None:
    from sheetsync.core.dates import parse_date, plan_year

    text = (settings.get("due") or "").strip()
    return parse_date(text, plan_year(settings)) if text else None


def facts_from_summary(summary: RollupSummary, settings: dict[str, str] | None = None) -> Facts:
    """The drafts' facts: ``summary`` as it is, ``settings`` from the master (or none)."""
    settings = dict(settings or {})
    try:
        as_of = date.fromisoformat(summary.as_of[:10])
    except ValueError:
        as_of = datetime.now().date()
    return Facts(summary.region, summary.plan, summary.period, as_of, summary.generated, summary.headline(),
                 summary.units, summary.tasks, summary.gaps, summary.details, _due(settings), settings)


def facts_from_rollup(rollup: Rollup, settings: dict[str, str] | None = None) -> Facts:
    """A freshly computed :class:`~sheetsync.rollup.compute.Rollup`, through the same summary the
    roll-up workbook stores (so a draft from memory equals a draft from the file)."""
    from sheetsync.rollup.summary import RollupSummary

    return facts_from_summary(RollupSummary.from_rollup(rollup), settings)


def load_facts(rollup_path: str | Path, master: str | Path | Master | None = None) -> Facts:
    """The facts of the roll-up at ``rollup_path`` (its stored summary), with the 设置 of ``master``
    (a path or an already read master) when given.

    A master of another plan (another region or plan name, and other tasks) is refused: its 发文机关
    and 报送截止日期 would be printed over another county's figures. A master set to another period
    keeps its document settings, but its 报送截止日期 is not this roll-up's: the period's deadline
    comes from the reporting calendar when 设置·报送频次 is set, else on time and late are not told
    apart (and a note says so)."""
    from sheetsync.core.model import Master
    from sheetsync.rollup.summary import read_summary

    summary = read_summary(rollup_path)
    if master is None:
        return facts_from_summary(summary, {})
    if not isinstance(master, Master):
        from sheetsync.master.workbook import read_master

        master = read_master(master)
    check_master_matches(summary, master, Path(rollup_path))
    facts = facts_from_summary(summary, master.settings)
    _period_due(facts, summary, master)
    return facts


def check_master_matches(summary: RollupSummary, master: Master, rollup_path: Path,
                         key: str = "documents.master_other_plan") -> None:
    """Refuse a master that is not the one the roll-up was merged on (another plan or level);
    ``key``: the message, saying what was not done (a draft, a mail)."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.i18n import t

    if summary.of_another_plan(master):
        raise SheetsyncError(t(key, rollup=rollup_path.name,
                               master=Path(master.path).name if master.path else "-",
                               region=summary.region, plan=summary.plan,
                               master_region=master.region, master_plan=master.plan_name),
                             file=str(master.path or ""), hint=t("documents.master_other_plan_hint"))


def _period_due(facts: Facts, summary: RollupSummary, master: Master) -> None:
    """The roll-up's own period's deadline when the master is set to another period."""
    from sheetsync.core.period import same_period
    from sheetsync.i18n import t

    current = (master.setting("period") or "").strip()
    period = summary.period_key or summary.period
    if not current or not period or same_period(current, period):
        return
    due = None
    if master.setting("frequency"):
        from sheetsync.core.calendar import period_schedule
        from sheetsync.core.errors import SheetsyncError

        try:
            hit = period_schedule(master, period)
        except SheetsyncError:
            hit = None
        due = hit[0].due if hit else None
    facts.due = due
    facts.notes.append(t("documents.due_other_period", period=summary.period, master_period=current,
                         due=due.isoformat() if due else "") if due else
                       t("documents.due_unknown_period", period=summary.period, master_period=current))
