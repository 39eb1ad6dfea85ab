"""Across periods: the roll-up's 趋势 sheet and the cumulative-value findings, from the ledger's
history (:meth:`sheetsync.ledger.Ledger.history`) pivoted with pandas.

Figures follow the period roll-up's own rules so the two agree: a unit's 完成率 is its 已完成
tasks over the tasks it owes (``assignments``), a task's status is the worst-of rule
(``rollup.compute.aggregate_status``) over its units' rows. 按时 / 迟报 is judged against the
reporting calendar's deadline in working days (:func:`sheetsync.core.calendar.working_days_late`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.model import Finding, Master
from sheetsync.core.period import parse_period, period_key
from sheetsync.i18n import t


def history(ledger_path: str | Path) -> Any:
    """``sheetsync.history(ledger)``: the accepted current rows of every period as a DataFrame."""
    from sheetsync.ledger import Ledger

    with Ledger(ledger_path) as ledger:
        return ledger.history()


@dataclass
class Trend:
    periods: list[str]  # canonical keys, oldest first
    labels: dict[str, str]  # key -> display label
    reporting: Any  # DataFrame unit × period: on_time / late / missing / reported
    late_days: Any  # DataFrame unit × period: working days late (0 on time, NaN not reported)
    rate: Any  # DataFrame unit × period: completion rate (%)
    delta: Any  # DataFrame unit × period: rate − previous period's rate
    missing_run: Any  # Series unit → consecutive periods not reported up to the last period
    tasks: Any  # DataFrame task id × period: aggregated status key
    findings: list[Finding] = field(default_factory=list)


def _order(keys: list[str]) -> list[str]:
    def key(k: str) -> tuple[Any, ...]:
        p = parse_period(k)
        return (0, p.start, k) if p else (1, k, k)
    return sorted(set(keys), key=key)


def compute_trend(master: Master, rows: Any, returns: Any, period: str) -> Trend:
    """The trend up to ``period``: every period of the same kind in the ledger, oldest first."""
    import pandas as pd

    from sheetsync.core.calendar import load_calendar, period_schedule, working_days_late
    from sheetsync.core.units import UnitRegistry, assignments
    from sheetsync.rollup.compute import aggregate_status

    cur = parse_period(period)
    cur_key = period_key(period)
    keys = [k for k in set(returns["period"]) | {cur_key}
            if (cur is None and k == cur_key) or (cur is not None and (p := parse_period(k)) is not None
                                                 and p.kind == cur.kind and p.start <= cur.start)]
    keys = _order(keys)
    labels = {k: (parse_period(k).label() if parse_period(k) else k) for k in keys}
    registry = UnitRegistry(master.units, master.region)
    owed = assignments(master.tasks, registry)
    units = [u.name for u in registry.units if owed.get(u.name)]
    pairs = pd.DataFrame([(u, a.task.id) for u in units for a in owed[u]], columns=["unit", "task_id"])
    rows = rows[rows["period"].isin(keys)]
    returns = returns[returns["period"].isin(keys)]

    # reporting: on time / late (working days against the calendar's deadline) / missing
    cal = load_calendar(master)
    dues = {}
    for k in keys:
        hit = period_schedule(master, k, calendar=cal) if parse_period(k) else None
        dues[k] = (hit[0].due, hit[0].due_time) if hit else None
    late = pd.DataFrame(index=units, columns=keys, dtype="float")
    for rec in returns.itertuples():
        if rec.unit in late.index and dues.get(rec.period):
            due, at = dues[rec.period]
            late.loc[rec.unit, rec.period] = working_days_late(datetime.fromisoformat(rec.received_at), due, cal, at)
        elif rec.unit in late.index:
            late.loc[rec.unit, rec.period] = -1.0  # reported, no deadline known
    reporting = late.apply(lambda col: col.map(
        lambda v: "missing" if pd.isna(v) else "reported" if v < 0 else "on_time" if v == 0 else "late"))
    late = late.where(late >= 0)

    # completion rate: the unit's 已完成 tasks over the tasks it owes, as the period's roll-up counts
    owned = rows.merge(pairs, on=["unit", "task_id"])
    done = owned[owned["status"] == "done"].groupby(["unit", "period"]).size().unstack("period")
    tasks_owed = pairs.groupby("unit").size()
    rate = (done.reindex(index=units, columns=keys).fillna(0).div(tasks_owed.reindex(units), axis=0) * 100).round(1)
    rate = rate.where(reporting != "missing")
    delta = rate.diff(axis=1).round(1)

    def run(row: Any) -> int:
        n = 0
        for v in reversed(list(row)):
            if v != "missing":
                break
            n += 1
        return n
    missing_run = reporting.apply(run, axis=1)

    # task × period status: the worst-of rule over the units that reported the task
    by_task = owned.groupby(["task_id", "period"])["status"].agg(lambda s: [x for x in s if isinstance(x, str)])
    task_ids = list(dict.fromkeys(tk.id for tk in master.tasks))
    status = pd.DataFrame(index=task_ids, columns=keys, dtype="object")
    for (tid, k), statuses in by_task.items():
        status.loc[tid, k] = aggregate_status(statuses, True)
    status = status.fillna("not_reported")

    trend = Trend(keys, labels, reporting, late, rate, delta, missing_run, status)
    trend.findings = cumulative_findings(master, owned, keys, labels)
    return trend


def cumulative_findings(master: Master, rows: Any, keys: list[str], labels: dict[str, str]) -> list[Finding]:
    """累计值小于上期 (a cumulative 完成值 below the same unit's previous period in the same plan
    year; 每年 targets reset at the year boundary) and 已完成→推进中, between consecutive periods."""
    basis = schema.key_for(schema.VALUE_BASES, master.setting("value_basis")) or "cumulative"
    pos = {k: i for i, k in enumerate(keys)}
    df = rows[["period", "unit", "task_id", "status", "value"]].copy()
    df["pos"] = df["period"].map(pos)
    df = df.sort_values(["unit", "task_id", "pos"])
    g = df.groupby(["unit", "task_id"])
    df["prev_pos"], df["prev_value"], df["prev_status"] = g["pos"].shift(), g["value"].shift(), g["status"].shift()
    df = df[df["prev_pos"] == df["pos"] - 1]  # consecutive periods only
    out: list[Finding] = []
    sheet = t("trend.sheet")
    for r in df.itertuples():
        prev, now = labels[keys[int(r.prev_pos)]], labels[r.period]
        same_year = (parse_period(keys[int(r.prev_pos)]) or parse_period(r.period)) is not None and \
            getattr(parse_period(keys[int(r.prev_pos)]), "year", None) == getattr(parse_period(r.period), "year", None)
        if basis == "cumulative" and same_year and r.value == r.value and r.prev_value == r.prev_value \
                and r.value < r.prev_value:
            out.append(Finding("cumulative-drop", "warning", t(
                "trend.cumulative_drop", unit=r.unit, task=r.task_id, period=now, value=f"{r.value:g}", prev=prev,
                prev_value=f"{r.prev_value:g}"), sheet=sheet))
        if r.prev_status == "done" and r.status == "in_progress":
            out.append(Finding("done-reopened", "warning", t(
                "trend.done_reopened", unit=r.unit, task=r.task_id, period=now, prev=prev), sheet=sheet))
    return out


def trend_for(master: Master, ledger: Any, period: str) -> Trend:
    """The trend of the roll-up of ``period`` from an open ledger."""
    return compute_trend(master, ledger.history(), ledger.history(returns=True), period)
