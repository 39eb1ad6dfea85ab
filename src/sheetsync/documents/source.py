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
    (a path or an already read master) when given."""
    from sheetsync.core.model import Master
    from sheetsync.rollup.summary import read_summary

    summary = read_summary(rollup_path)
    if master is None:
        settings: dict[str, str] = {}
    elif isinstance(master, Master):
        settings = master.settings
    else:
        from sheetsync.master.workbook import read_master

        settings = read_master(master).settings
    return facts_from_summary(summary, settings)
