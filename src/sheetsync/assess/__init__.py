"""考核: score and rank the units from what the ledger recorded, every point traceable.

``assess_units`` is the one library call behind ``sheetsync assess``, the ribbon's 考核评分 and
the demo: each period's facts come from :func:`sheetsync.merge.status` (the roll-up's gaps and
rows) and the ledger (when each file arrived); the rules from the master (:mod:`.rules`); the
scoring is :mod:`.score`; the result workbook :mod:`.workbook`. docs/assess.md is the clerk's guide.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheetsync.assess.rules import Rules, load_rules
from sheetsync.assess.score import Line, PeriodFacts, UnitScore, parse_weights, score_units
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master
from sheetsync.core.period import period_key, same_period
from sheetsync.i18n import get_lang, t

__all__ = ["Assessment", "assess_units", "REVIEW_KIND"]

REVIEW_KIND = "assess-review"  # ledger decision kind of a 复核 override


@dataclass
class Assessment:
    periods: list[str]
    weights: dict[str, float]
    as_of: date
    region: str
    plan: str
    rules: Rules
    units: list[UnitScore]
    lines: list[Line]
    notes: list[str] = field(default_factory=list)  # what could not be judged, said once
    output: Path | None = None
    reviews_recorded: int = 0

    def ranked(self, group: str) -> list[UnitScore]:
        return sorted((u for u in self.units if u.assessed and u.group == group), key=lambda u: (u.rank or 0, u.unit))

    def to_json(self) -> dict[str, Any]:
        def line(ln: Line) -> dict[str, Any]:
            return {"period": ln.period, "rule": ln.rule, "task": ln.task, "points": round(ln.counted, 4),
                    "raw_points": ln.points, "weight": round(ln.weight, 6), "kind": ln.kind, "fact": ln.fact,
                    "source": ln.source, "reviewed": ln.reviewed, "review_note": ln.review_note}

        return {
            "periods": self.periods,
            "weights": {p: round(w, 6) for p, w in self.weights.items()},
            "as_of": self.as_of.isoformat(),
            "output": str(self.output) if self.output else None,
            "notes": self.notes,
            "units": [{"unit": u.unit, "group": u.group, "assessed": u.assessed,
                       "score": round(u.score, 2) if u.assessed else None, "grade": u.grade, "rank": u.rank,
                       "list": u.board, "base": u.base, "deducted": round(u.deductions, 2),
                       "bonus": round(u.bonuses, 2), "veto": [v.reason for v in u.vetoes],
                       "change": None if u.change is None else round(u.change, 2),
                       "consecutive_black": u.consecutive_black, "action": u.action,
                       "period_scores": {p: round(s, 2) for p, s in u.period_scores.items()},
                       "deductions": [line(ln) for ln in u.lines]}
                      for u in self.units],
        }


def assess_units(master_path: str | Path, periods: list[str] | None = None, *, db_path: str | Path | None = None,
                 as_of: date | None = None, weights: str = "", dues: dict[str, date] | None = None,
                 review: str | Path | None = None, output: str | Path | None = None, master: Master | None = None,
                 grids: dict[str, Any] | None = None, lang: str | None = None) -> Assessment:
    """Score ``periods`` (default: the master's 报送周期) from the ledger; write ``output`` if given.

    ``weights`` is ``"P1:0.3;P2:0.7"`` (default equal); naming periods there is enough. ``dues``
    gives other periods' 报送截止日期 (the master's setting is this period's). ``review``: a previous
    result whose edited 复核后分值 are recorded in the ledger and re-applied on every later run.
    ``master`` as in :func:`sheetsync.merge.status` and ``grids`` its sheets (the open workbook in
    the ribbon); without them the file at ``master_path`` is read.
    """
    from sheetsync import merge
    from sheetsync.ledger import Ledger, default_path
    from sheetsync.master.workbook import load_grids, master_from_grids

    lang = lang or get_lang()
    if output:
        from sheetsync.core.outputs import refuse_replacing

        refuse_replacing(output, "assessment")  # never the master, the ledger or a roll-up
    if grids is None:
        grids = load_grids(master_path)
    if master is None:
        master = master_from_grids(grids, path=Path(master_path))
    rules = load_rules(master, grids, lang=lang)
    errors = [f for f in rules.findings if f.severity == "error"]
    if errors:
        first = errors[0]
        raise SheetsyncError(t("assess.rules_refused", n=len(errors), where=first.location, message=first.message),
                             file=str(master_path), hint=t("assess.rules_refused_hint"))
    if not periods:
        periods = [p.strip() for p in _weight_periods(weights)] if weights else []
    if not periods:
        periods = [merge.resolve_period(master, None)]
    _refuse_repeated(periods)
    w = parse_weights(weights, periods)
    _refuse_repeated(list(w))
    if set(w) != set(periods):
        raise SheetsyncError(t("assess.weights_mismatch", periods="、".join(periods), named="、".join(w)))
    dues = _dues_of(dues or {}, periods)
    db = Path(db_path) if db_path else default_path(master_path)
    if not db.is_file():
        raise SheetsyncError(t("assess.no_ledger", file=str(db)), file=str(db), hint=t("assess.no_ledger_hint"))

    notes: list[str] = []
    facts: list[PeriodFacts] = []
    current = master.setting("period")
    with Ledger(db) as ledger:
        recorded = record_reviews(ledger, review, master) if review else 0
        reviews = stored_reviews(ledger)
        for period in periods:
            roll = merge.status(master_path, period, db, as_of if same_period(period, current) or not current
                                else period_as_of(ledger, period, as_of), master=master)
            if not roll.units:
                notes.append(t("assess.note.no_units", period=period))
            first: dict[str, tuple[str, str]] = {}
            for rec in ledger.returns(period):  # ordered by received_at
                if rec.outcome != "rejected" and rec.unit and rec.unit not in first:
                    first[rec.unit] = (rec.received_at, rec.source or rec.original_name)
            if not any(r.outcome != "rejected" for r in ledger.returns(period)):
                notes.append(t("assess.note.no_returns", period=period))
            due = (dues or {}).get(period) or (rules.settings.due if same_period(period, current)
                                               else calendar_due(master, period))
            if due is None and rules.of("deduct", "late"):
                notes.append(t("assess.note.no_due", period=period))
            facts.append(PeriodFacts(period, roll, first, due))
    units, lines = score_units(master, facts, rules, w, reviews)
    res = Assessment(periods, w, facts[-1].rollup.as_of, master.region, master.plan_name, rules, units, lines, notes,
                     reviews_recorded=recorded)
    if output:
        from sheetsync.assess.workbook import write_assessment

        res.output = write_assessment(res, output, lang=lang)
    return res


def _refuse_repeated(periods: list[str]) -> None:
    """One period named twice (or in two spellings: 2026年第3季度 and 2026Q3) would be scored twice
    with its weight split, and its facts counted twice in the total."""
    seen: dict[str, str] = {}
    for p in periods:
        key = period_key(p)
        if key in seen:
            raise SheetsyncError(t("assess.same_period_twice", a=seen[key], b=p))
        seen[key] = p


def _dues_of(dues: dict[str, date], periods: list[str]) -> dict[str, date]:
    """--due keyed by the assessed periods' own spelling (2026Q3 finds 2026年第3季度); a due for a
    period not assessed is refused rather than ignored without a word."""
    out: dict[str, date] = {}
    for name, day in dues.items():
        match = next((p for p in periods if same_period(p, name)), None)
        if match is None:
            raise SheetsyncError(t("assess.due_not_assessed", period=name, periods="、".join(periods)))
        out[match] = day
    return out


def _weight_periods(weights: str) -> list[str]:
    from sheetsync.core.textnorm import nfkc

    return [p.rpartition(":")[0] for p in nfkc(weights).replace("；", ";").split(";") if p.strip()]


def period_as_of(ledger: Any, period: str, default: date | None) -> date | None:
    """The date an earlier period is judged at: its last roll-up's as-of, else its last day.

    Why not the assessment's own as-of: a third-quarter return judged at the year's end would
    lose points for deadlines that fell after it was sent."""
    from sheetsync.core.period import parse_period

    last = ledger.last_rollup(period)
    if last is not None:
        return last.as_of
    p = parse_period(period)
    return p.end if p is not None else default


def calendar_due(master: Master, period: str) -> date | None:
    """An earlier period's 报送截止 from the reporting calendar, only when the county set
    设置·报送频次 (a default rule it never chose must not cost a unit points)."""
    from sheetsync.core.calendar import period_schedule

    if not master.setting("frequency"):
        return None
    try:
        hit = period_schedule(master, period)
    except SheetsyncError:
        return None
    return hit[0].due if hit else None


# ---------------------------------------------------------------- 复核
def record_reviews(ledger: Any, review: str | Path, master: Master | None = None) -> int:
    """Record each edited 复核后分值 (with its 复核意见) of a previous result as a ledger decision.

    A row whose value equals the latest recorded decision is not recorded again, so passing the
    same file twice changes nothing. Returns how many decisions were added. With ``master``, a
    result naming units or tasks that are not this master's (another plan's or level's 考核结果)
    is refused before anything is recorded: its overrides would sit in this ledger for good.
    """
    from sheetsync.assess.workbook import read_reviews
    from sheetsync.core.period import period_key

    known = stored_reviews(ledger)
    rows = read_reviews(review)
    if master is not None:
        units = {u.name for u in master.units}
        tasks = {task.id for task in master.tasks}
        strangers = sorted({u for (_p, u, _r, _t) in rows if u not in units}
                           | {f"{u} {tk}" for (_p, u, _r, tk) in rows if tk and tk not in tasks})
        if strangers:
            raise SheetsyncError(t("assess.review_other_plan", file=Path(review).name, n=len(strangers),
                                   names="、".join(strangers[:5])), file=str(review))
    n = 0
    for (period, unit, rule, task), (points, note) in rows.items():
        if known.get((period_key(period), unit, rule, task)) == (points, note):
            continue
        ledger.decide(REVIEW_KIND, json.dumps({"rule": rule, "task": task, "points": points, "note": note},
                                              ensure_ascii=False), period=period, unit=unit)
        n += 1
    return n


def stored_reviews(ledger: Any) -> dict[tuple[str, str, str, str], tuple[float, str]]:
    """(period, unit, rule, task) → (reviewed points, note): the latest 复核 decision of each line.

    Read straight from the ledger's decisions table (the ledger has no reader for decisions yet).
    """
    out: dict[tuple[str, str, str, str], tuple[float, str]] = {}
    rows = ledger.db.execute("SELECT period, unit, detail FROM decisions WHERE kind=? ORDER BY id", (REVIEW_KIND,))
    for period, unit, detail in rows:
        try:
            d = json.loads(detail)
            out[(period, unit, str(d["rule"]), str(d["task"]))] = (float(d["points"]), str(d.get("note", "")))
        except (ValueError, KeyError, TypeError):
            continue
    return out
