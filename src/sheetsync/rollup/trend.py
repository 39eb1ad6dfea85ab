"""Across periods: the roll-up's 趋势 sheet and the cumulative-value findings, from the ledger's
history (:meth:`sheetsync.ledger.Ledger.history_records`).

Figures follow the period roll-up's own rules so the two agree: a unit's 完成率 is its 已完成
tasks over the tasks it owes (``assignments``), a task's status is the worst-of rule
(``rollup.compute.aggregate_status``) over its units' rows. 按时 / 迟报 is judged against the
reporting calendar's deadline in working days (:func:`sheetsync.core.calendar.working_days_late`).

Plain dictionaries, not pandas: every merge after the first period builds this, and a county
merge must not pay for importing pandas; analysts get the same history as a DataFrame from
:func:`history`. A roll-up whose ledger holds no earlier period of the same kind has no trend.
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
    units: list[str]  # units that owe tasks, in registry order
    reporting: dict[str, dict[str, str]]  # unit -> period -> on_time / late / missing / reported
    late_days: dict[str, dict[str, int]]  # unit -> period -> working days late (reported with a deadline)
    rate: dict[str, dict[str, float]]  # unit -> period -> completion rate (%), reported periods only
    delta: dict[str, dict[str, float]]  # unit -> period -> rate − previous period's rate (both reported)
    missing_run: dict[str, int]  # unit -> consecutive periods not reported up to the last period
    task_ids: list[str]
    tasks: dict[str, dict[str, str]]  # task id -> period -> aggregated status key
    values: dict[str, dict[str, float]] = field(default_factory=dict)  # task id -> period -> 完成值 summed over units
    this_period: dict[str, dict[str, float]] = field(default_factory=dict)  # task id -> period -> 本期 value
    findings: list[Finding] = field(default_factory=list)


def trend_periods(keys: list[str], period: str) -> list[str]:
    """The periods a trend of ``period`` shows: every ledger period of the same kind up to it,
    oldest first (a period text that is no calendar period stands alone)."""
    cur = parse_period(period)
    cur_key = period_key(period)
    if cur is None:
        return [cur_key]
    found = {cur_key}
    for k in keys:
        p = parse_period(k)
        if p is not None and p.kind == cur.kind and p.start <= cur.start:
            found.add(k)
    return sorted(found, key=lambda k: parse_period(k).start)  # type: ignore[union-attr]


def compute_trend(master: Master, rows: list[dict[str, Any]], returns: list[dict[str, Any]], period: str) -> Trend:
    """The trend up to ``period`` from history records (dicts of :meth:`Ledger.history_records`)."""
    from sheetsync.core.calendar import load_calendar, period_schedule, working_days_late
    from sheetsync.core.units import UnitRegistry, assignments
    from sheetsync.rollup.compute import aggregate_status

    keys = trend_periods(sorted({r["period"] for r in returns}), period)
    wanted = set(keys)
    rows = [r for r in rows if r["period"] in wanted]
    returns = [r for r in returns if r["period"] in wanted]
    labels = {k: (p.label() if (p := parse_period(k)) else k) for k in keys}
    registry = UnitRegistry(master.units, master.region)
    owed = assignments(master.tasks, registry)
    units = [u.name for u in registry.units if owed.get(u.name)]
    owes = {u: {a.task.id for a in owed[u]} for u in units}

    # reporting: on time / late (working days against the calendar's deadline) / missing
    cal = load_calendar(master)
    dues: dict[str, tuple[Any, str] | None] = {}
    for k in keys:
        hit = period_schedule(master, k, calendar=cal) if parse_period(k) else None
        dues[k] = (hit[0].due, hit[0].due_time) if hit else None
    reporting = {u: dict.fromkeys(keys, "missing") for u in units}
    late_days: dict[str, dict[str, int]] = {u: {} for u in units}
    for rec in returns:
        unit, k = rec["unit"], rec["period"]
        if unit not in reporting:
            continue
        if dues.get(k):
            due, at = dues[k]  # type: ignore[misc]
            days = working_days_late(datetime.fromisoformat(rec["received_at"]), due, cal, at)
            late_days[unit][k] = days
            reporting[unit][k] = "late" if days else "on_time"
        else:
            reporting[unit][k] = "reported"  # no deadline known

    # completion rate: the unit's 已完成 tasks over the tasks it owes, as the period's roll-up counts
    owned = [r for r in rows if r["unit"] in owes and r["task_id"] in owes[r["unit"]]]
    done: dict[tuple[str, str], int] = {}
    for r in owned:
        if r["status"] == "done":
            done[(r["unit"], r["period"])] = done.get((r["unit"], r["period"]), 0) + 1
    rate: dict[str, dict[str, float]] = {u: {} for u in units}
    delta: dict[str, dict[str, float]] = {u: {} for u in units}
    missing_run: dict[str, int] = {}
    for u in units:
        prev: float | None = None
        for k in keys:
            if reporting[u][k] == "missing":
                prev = None
                continue
            rate[u][k] = value = round(100.0 * done.get((u, k), 0) / len(owes[u]), 1)
            if prev is not None:
                delta[u][k] = round(value - prev, 1)
            prev = value
        n = 0
        for k in reversed(keys):
            if reporting[u][k] != "missing":
                break
            n += 1
        missing_run[u] = n

    # task × period status: the worst-of rule over the units that reported the task
    statuses: dict[tuple[str, str], list[str]] = {}
    for r in owned:
        got = statuses.setdefault((r["task_id"], r["period"]), [])
        if isinstance(r["status"], str) and r["status"]:
            got.append(r["status"])
    task_ids = list(dict.fromkeys(tk.id for tk in master.tasks))
    tasks = {tid: {k: aggregate_status(statuses[(tid, k)], True) if (tid, k) in statuses else "not_reported"
                   for k in keys} for tid in task_ids}

    trend = Trend(keys, labels, units, reporting, late_days, rate, delta, missing_run, task_ids, tasks)
    trend.values, trend.this_period = period_values(master, owned, keys)
    trend.findings = cumulative_findings(master, owned, keys, labels)
    return trend


def period_values(master: Master, rows: list[dict[str, Any]], keys: list[str]
                  ) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Task → period → 完成值 summed over its units, and the 本期 value: with 设置·完成值口径 累计
    (the default) 累计 − the previous period's 累计 in the same plan year (the first period of a
    year is its own 本期: 每年 targets start again); with 本期 the value as reported."""
    basis = schema.key_for(schema.VALUE_BASES, master.setting("value_basis")) or "cumulative"
    sums: dict[str, dict[str, float]] = {}
    for r in rows:
        if r["value"] is not None:
            per = sums.setdefault(r["task_id"], {})
            per[r["period"]] = per.get(r["period"], 0.0) + r["value"]
    year = {k: getattr(parse_period(k), "year", None) for k in keys}
    this: dict[str, dict[str, float]] = {}
    for tid, per in sums.items():
        out = this[tid] = {}
        for i, k in enumerate(keys):
            if k not in per:
                continue
            prev = keys[i - 1] if i else None
            if basis == "cumulative" and prev is not None and prev in per and year[prev] == year[k]:
                out[k] = round(per[k] - per[prev], 6)
            else:
                out[k] = per[k]
    return sums, this


def cumulative_findings(master: Master, rows: list[dict[str, Any]], keys: list[str],
                        labels: dict[str, str]) -> list[Finding]:
    """累计值小于上期 (a cumulative 完成值 below the same unit's previous period in the same plan
    year; 每年 targets reset at the year boundary) and 已完成→推进中, between consecutive periods."""
    basis = schema.key_for(schema.VALUE_BASES, master.setting("value_basis")) or "cumulative"
    pos = {k: i for i, k in enumerate(keys)}
    year = {k: getattr(parse_period(k), "year", None) for k in keys}
    by_pair: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for r in rows:
        by_pair.setdefault((r["unit"], r["task_id"]), {})[pos[r["period"]]] = r
    out: list[Finding] = []
    sheet = t("trend.sheet")
    for (unit, task_id), seen in sorted(by_pair.items()):
        for i in sorted(seen):
            before = seen.get(i - 1)
            if before is None:
                continue  # consecutive periods only
            now_row, prev_key, now_key = seen[i], keys[i - 1], keys[i]
            value, prev_value = now_row["value"], before["value"]
            if (basis == "cumulative" and year[prev_key] is not None and year[prev_key] == year[now_key]
                    and value is not None and prev_value is not None and value < prev_value):
                out.append(Finding("cumulative-drop", "warning", t(
                    "trend.cumulative_drop", unit=unit, task=task_id, period=labels[now_key], value=f"{value:g}",
                    prev=labels[prev_key], prev_value=f"{prev_value:g}"), sheet=sheet))
            if before["status"] == "done" and now_row["status"] == "in_progress":
                out.append(Finding("done-reopened", "warning", t(
                    "trend.done_reopened", unit=unit, task=task_id, period=labels[now_key], prev=labels[prev_key]),
                    sheet=sheet))
    return out


def trend_for(master: Master, ledger: Any, period: str) -> Trend | None:
    """The trend of the roll-up of ``period`` from an open ledger; None when the ledger holds no
    earlier period of its kind (the history is then read not at all)."""
    keys = trend_periods(ledger.periods(), period)
    if len(keys) < 2:
        return None

    def records(**kw: Any) -> list[dict[str, Any]]:
        columns, rows = ledger.history_records(periods=keys, **kw)
        return [dict(zip(columns, r)) for r in rows]

    return compute_trend(master, records(), records(returns=True), period)
