"""The scoring engine: facts the ledger recorded → 扣分明细 lines → scores, 等次, ranks, 红榜/黑榜.

Each rule of scoring is a small named function with its own test (tests/assess/test_assess_rules.py).
Every point is a :class:`Line` with where it came from; a unit's score is exactly its base plus
the sum of its lines' counted values (caps, the floor at 0 and period weights are lines too), so a
clerk can add the 扣分明细 column up and get the 得分汇总 figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheetsync.assess.rules import PERIOD_TRIGGERS, Rule, Rules, Settings, Veto
from sheetsync.core import schema
from sheetsync.core.model import Master
from sheetsync.i18n import t
from sheetsync.rollup.compute import Rollup

EPS = 1e-9


@dataclass
class Line:
    """One 扣分明细 row. ``points`` is signed (a deduction is negative) and before the period weight."""

    period: str  # "" for what belongs to the whole assessment (bonuses, vetoes)
    unit: str
    rule: str
    task: str
    fact: str
    source: str
    points: float
    kind: str = "deduct"  # deduct | bonus | veto | cap | floor | repeat
    weight: float = 1.0
    trigger: str = ""
    review_note: str = ""
    reviewed: float | None = None

    @property
    def value(self) -> float:
        return self.points if self.reviewed is None else self.reviewed

    @property
    def counted(self) -> float:
        return self.value * self.weight

    def key(self) -> tuple[str, str, str, str]:
        """What a 复核 decision is attached to: it survives re-merges and re-runs."""
        from sheetsync.core.period import period_key

        return period_key(self.period), self.unit, self.rule, self.task


@dataclass
class PeriodFacts:
    """What one period's ledger says, as the library computes it (merge.status + Ledger)."""

    period: str
    rollup: Rollup
    first_received: dict[str, tuple[str, str]]  # unit -> (received_at ISO, file) of its first accepted return
    due: date | None


@dataclass
class UnitScore:
    unit: str
    group: str
    assessed: bool  # False: 不参评 (no tasks)
    base: float = 0.0
    deductions: float = 0.0  # positive
    bonuses: float = 0.0
    score: float = 0.0
    grade: str = ""
    rank: int | None = None
    board: str = ""  # 榜单: red | black | ""
    change: float | None = None  # 较上期: last period's score minus the one before
    consecutive_black: int = 0
    action: str = ""
    vetoes: list[Veto] = field(default_factory=list)
    period_scores: dict[str, float] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)


# ---------------------------------------------------------------- rules of scoring
def coefficient(role: str, settings: Settings) -> float:
    """牵头系数 / 配合系数: a co-unit answers for less of a task than its lead."""
    return settings.co_weight if role == "co" else settings.lead_weight


def rule_applies(rule: Rule, group: str, role: str) -> bool:
    """适用对象: 全部, a group, or the unit's role on the task (牵头/配合 only bind task facts)."""
    if rule.scope == "all":
        return True
    if rule.scope.startswith("group:"):
        return rule.scope[6:] == group
    return role == rule.scope


def late_days(received_at: str, due: date | None) -> int | None:
    """Days the first accepted return came after 报送截止日期 (dates compared, not times), else None."""
    if due is None or not received_at:
        return None
    try:
        day = datetime.fromisoformat(received_at).date()
    except ValueError:
        return None
    return (day - due).days if day > due else None


def is_thin(progress_text: str, min_chars: int) -> bool:
    """内容空泛: 进展情况 shorter than the set number of characters (spaces not counted)."""
    return min_chars > 0 and len("".join(progress_text.split())) < min_chars


def not_reported_supersedes(lines: list[Line]) -> list[Line]:
    """A unit that sent nothing loses the 未报送 points once, not those and every task's as well."""
    missing = {(ln.period, ln.unit) for ln in lines if ln.trigger == "not_reported"}
    return [ln for ln in lines if ln.trigger == "not_reported" or (ln.period, ln.unit) not in missing]


def count_modes(lines: list[Line], rules: list[Rule]) -> list[Line]:
    """计分方式: 每次/每项 count every fact; 每期 the first of a unit's period; 一次性 the first of the
    whole assessment. Later facts stay as lines worth 0, so nothing disappears from the 明细."""
    mode = {r.id: r.mode for r in rules}
    seen: set[tuple[str, ...]] = set()
    for ln in lines:
        m = mode.get(ln.rule, "each")
        if m not in ("per_period", "once") or ln.kind != "deduct":
            continue
        key = (ln.unit, ln.rule) + ((ln.period,) if m == "per_period" else ())
        if key in seen:
            ln.kind, ln.points = "repeat", 0.0
            ln.fact += t("assess.fact.repeat_" + m)
        seen.add(key)
    return lines


def cap_lines(lines: list[Line], rules: list[Rule]) -> list[Line]:
    """上限: a deduction rule's points per unit and period stop at its cap; one line gives the rest back."""
    cap = {r.id: r.cap for r in rules if r.kind == "deduct" and r.cap is not None}
    totals: dict[tuple[str, str, str], float] = {}
    for ln in lines:
        if ln.rule in cap and ln.kind == "deduct":
            k = (ln.period, ln.unit, ln.rule)
            totals[k] = totals.get(k, 0.0) + ln.value
    out = list(lines)
    for (period, unit, rule), total in totals.items():
        if -total > cap[rule] + EPS:
            out.append(Line(period, unit, rule, "", t("assess.fact.cap", total=_n(-total), cap=_n(cap[rule])), "",
                            -total - cap[rule], "cap"))
    return out


def bonus_lines(rules: Rules) -> list[Line]:
    """加分申报: an item without 佐证材料 scores 0; the total stops at the bonus rule's 上限."""
    rule = next(iter(rules.of("bonus")), None)
    if rule is None:
        return [Line("", c.unit, "", "", t("assess.fact.no_bonus_rule", item=c.item), c.where, 0.0, "bonus")
                for c in rules.claims]
    out: list[Line] = []
    for c in rules.claims:
        if not c.evidence.strip():
            out.append(Line("", c.unit, rule.id, "", t("assess.fact.bonus_no_evidence", item=c.item, points=_n(c.points)),
                            c.where, 0.0, "bonus", trigger="claim"))
            continue
        out.append(Line("", c.unit, rule.id, "", t("assess.fact.bonus", item=c.item, evidence=c.evidence),
                        c.where, c.points, "bonus", trigger="claim"))
    return out + bonus_cap_lines(out, rule)


def bonus_cap_lines(lines: list[Line], rule: Rule) -> list[Line]:
    """The cap on a unit's bonuses (default +5), as one giving-back line per unit over it."""
    if rule.cap is None:
        return []
    totals: dict[str, float] = {}
    for ln in lines:
        if ln.kind == "bonus":
            totals[ln.unit] = totals.get(ln.unit, 0.0) + ln.value
    return [Line("", unit, rule.id, "", t("assess.fact.bonus_cap", total=_n(total), cap=_n(rule.cap)), "",
                 rule.cap - total, "cap") for unit, total in totals.items() if total > rule.cap + EPS]


def floor_line(period: str, unit: str, score: float) -> Line | None:
    """The score never goes below 0: a line gives back what a period took below it."""
    if score >= -EPS:
        return None
    return Line(period, unit, "", "", t("assess.fact.floor", score=_n(score)), "", -score, "floor")


def grade_of(score: float, settings: Settings, vetoed: bool) -> str:
    """等次 by the lower bounds (inclusive, on the score rounded to 2 places); 一票否决 → the lowest."""
    return settings.lowest_grade if vetoed else settings.grade(round(score, 2))


def competition_ranks(scores: dict[str, float]) -> dict[str, int]:
    """Ties share a rank and the next rank skips (98, 97, 97, 95 → 1, 2, 2, 4)."""
    rounded = {u: round(s, 2) for u, s in scores.items()}
    return {u: 1 + sum(1 for o in rounded.values() if o > s) for u, s in rounded.items()}


def honour_lists(scores: dict[str, float], red: int, black: int, vetoed: set[str]) -> dict[str, str]:
    """红榜: every unit ranked within the first ``red`` places, all ties included; 黑榜 the same from
    the bottom. A vetoed unit is never on the 红榜 and always on the 黑榜; a unit on the 红榜 is not
    also put on the 黑榜 (a small group of equal scores)."""
    rounded = {u: round(s, 2) for u, s in scores.items()}
    eligible = {u: s for u, s in rounded.items() if u not in vetoed}
    out: dict[str, str] = {}
    for u, s in eligible.items():
        if red > 0 and 1 + sum(1 for o in eligible.values() if o > s) <= red:
            out[u] = "red"
    for u, s in rounded.items():
        if u in vetoed or (u not in out and black > 0 and 1 + sum(1 for o in rounded.values() if o < s) <= black):
            out[u] = "black"
    return out


def consecutive_black(history: list[dict[str, str]], unit: str) -> int:
    """How many periods in a row, ending with the last, ``unit`` was on the 黑榜."""
    n = 0
    for lists in reversed(history):
        if lists.get(unit) != "black":
            break
        n += 1
    return n


def parse_weights(text: str, periods: list[str]) -> dict[str, float]:
    """``P1:0.3;P2:0.7`` → weights summing to 1 (written ones are scaled: 1;2 means ⅓ and ⅔).
    Without text every period weighs the same."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.core.textnorm import nfkc

    if not text:
        return {p: 1.0 / len(periods) for p in periods}
    raw: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in nfkc(text).replace("；", ";").split(";"))):
        name, sep, w = part.rpartition(":")
        try:
            weight = float(w)
        except ValueError:
            weight = -1.0
        # nan / inf / 1e308 pass float(): NaN scores, or a sum that overflows to zero weights
        if not sep or not name.strip() or not 0 <= weight <= 1e6:
            raise SheetsyncError(t("assess.bad_weights", value=text))
        raw[name.strip()] = weight
    total = sum(raw.values())
    if total <= 0:
        raise SheetsyncError(t("assess.bad_weights", value=text))
    return {p: w / total for p, w in raw.items()}


# ---------------------------------------------------------------- facts of one period
def period_lines(pf: PeriodFacts, rules: Rules, group_of: dict[str, str]) -> list[Line]:
    """Every fact of ``pf`` a deduction rule catches, one line per (fact, rule), coefficients applied."""
    s = rules.settings
    roll = pf.rollup
    where: dict[tuple[str, str], tuple[str, Any, str]] = {}  # (task, unit) -> (role, row, file)
    for task, unit, role, row, file in roll.details:
        where.setdefault((task.id, unit), (role, row, file))
    received = {u.unit: u.received_at for u in roll.units}
    facts: list[tuple[str, str, str, str, str, str]] = []  # trigger, unit, task, role, fact, source
    for g in roll.gaps:
        if not g.unit or g.type == "no_unit":
            continue
        if g.type == "not_reported":
            n = next((u.tasks for u in roll.units if u.unit == g.unit), 0)
            facts.append(("not_reported", g.unit, "", "", t("assess.fact.not_reported", as_of=roll.as_of.isoformat(), n=n),
                          t("assess.source.none")))
            continue
        role, row, file = where.get((g.task_id, g.unit), ("lead", None, ""))
        text = t("merge.gap." + g.type) + (f"：{g.detail}" if g.detail else "")
        facts.append((g.type, g.unit, g.task_id, role, text, _source(file, row, received.get(g.unit, ""))))
    for task, unit, role, row, file in roll.details:
        if row is None or row.blank or not is_thin(row.progress_text, s.thin_chars):
            continue
        text = t("assess.fact.thin", n=len("".join(row.progress_text.split())), min=s.thin_chars,
                 text=row.progress_text[:40])
        facts.append(("thin", unit, task.id, role, text, _source(file, row, received.get(unit, ""))))
    for unit, (at, file) in pf.first_received.items():
        days = late_days(at, pf.due)
        if days is not None and pf.due is not None:
            facts.append(("late", unit, "", "", t("assess.fact.late", received=at[:10], due=pf.due.isoformat(), days=days),
                          _source(file, None, at)))

    lines: list[Line] = []
    for trigger, unit, task, role, text, source in facts:
        group = group_of.get(unit)
        if group is None:
            continue  # not a unit of the master's 单位 sheet (cannot be assessed)
        for rule in rules.of("deduct", trigger):
            if not rule_applies(rule, group, role if trigger not in PERIOD_TRIGGERS else ""):
                continue
            k = coefficient(role, s) if trigger not in PERIOD_TRIGGERS else 1.0
            fact = text + (t("assess.fact.coefficient", role=schema.label_for(schema.ROLES, role), k=_n(k))
                           if trigger not in PERIOD_TRIGGERS and role in ("lead", "co") else "")
            lines.append(Line(pf.period, unit, rule.id, task, fact, source, -rule.points * k, trigger=trigger))
    return [ln for ln in lines if abs(ln.points) > EPS or ln.trigger == "not_reported"]


def _source(file: str, row: Any, received: str) -> str:
    parts = [file] if file else []
    if row is not None and getattr(row, "row", None):
        parts.append(t("assess.source.row", row=row.row))
    if received:
        parts.append(t("assess.source.received", at=received.replace("T", " ")[:16]))
    return "，".join(parts)


# ---------------------------------------------------------------- the whole assessment
def score_units(master: Master, facts: list[PeriodFacts], rules: Rules, weights: dict[str, float],
                reviews: dict[tuple[str, str, str, str], tuple[float, str]] | None = None) -> tuple[list[UnitScore], list[Line]]:
    """Scores of every unit of the master over ``facts`` (periods in order), with their lines."""
    s = rules.settings
    group_of = {u.name: s.group_of(u.category) for u in master.units}
    assessed = {u.unit for pf in facts for u in pf.rollup.units if u.tasks}
    vetoed: dict[str, list[Veto]] = {}
    for v in rules.vetoes:
        vetoed.setdefault(v.unit, []).append(v)

    lines: list[Line] = []
    for pf in facts:
        lines += not_reported_supersedes(period_lines(pf, rules, group_of))
    lines = [ln for ln in lines if ln.unit in assessed]
    for ln in lines:
        ln.weight = weights.get(ln.period, 0.0)
        if reviews and ln.key() in reviews:
            ln.reviewed, ln.review_note = reviews[ln.key()]
    lines = cap_lines(count_modes(lines, rules.rules), rules.rules)
    for ln in lines:
        ln.weight = weights.get(ln.period, 1.0) if ln.period else 1.0
    extra = [ln for ln in bonus_lines(rules) if ln.unit in assessed]
    veto_rule = next(iter(rules.of("veto")), None)
    for unit, vs in vetoed.items():
        if unit in assessed:
            extra += [Line("", unit, veto_rule.id if veto_rule else "", "", t("assess.fact.veto", reason=v.reason,
                           day=v.day.isoformat() if v.day else "-"), v.where, 0.0, "veto") for v in vs]

    period_scores: dict[str, dict[str, float]] = {pf.period: {} for pf in facts}
    for pf in facts:
        for unit in sorted(assessed):
            own = sum(ln.value for ln in lines if ln.unit == unit and ln.period == pf.period)
            floor = floor_line(pf.period, unit, s.base + own)
            if floor is not None:
                floor.weight = weights.get(pf.period, 0.0)
                lines.append(floor)
                own += floor.points
            period_scores[pf.period][unit] = s.base + own
    lines += extra

    out: list[UnitScore] = []
    for unit in master.units:
        name = unit.name
        us = UnitScore(name, group_of[name], name in assessed)
        if not us.assessed:
            us.grade = t("assess.not_assessed")
            out.append(us)
            continue
        us.lines = [ln for ln in lines if ln.unit == name]
        us.base = s.base
        us.bonuses = sum(ln.counted for ln in us.lines if ln.kind in ("bonus",) or (ln.kind == "cap" and ln.period == ""))
        us.deductions = -sum(ln.counted for ln in us.lines) + us.bonuses
        us.score = s.base + sum(ln.counted for ln in us.lines)
        us.vetoes = vetoed.get(name, [])
        us.grade = grade_of(us.score, s, bool(us.vetoes))
        us.period_scores = {p: period_scores[p][name] for p in period_scores}
        if len(facts) > 1:
            last, prev = facts[-1].period, facts[-2].period
            us.change = us.period_scores[last] - us.period_scores[prev]
        out.append(us)

    history: list[dict[str, str]] = []
    groups = [g for g, _ in s.groups]
    for pf in facts:
        lists: dict[str, str] = {}
        for g in groups:
            scores = period_scores[pf.period]
            members = {u: scores[u] for u in scores if group_of.get(u) == g}
            lists.update(honour_lists(members, s.red.get(g, 0), s.black.get(g, 0), set()))
        history.append(lists)
    for g in groups:
        members = [us for us in out if us.assessed and us.group == g]
        scores = {us.unit: us.score for us in members}
        ranks = competition_ranks(scores)
        lists = honour_lists(scores, s.red.get(g, 0), s.black.get(g, 0), {us.unit for us in members if us.vetoes})
        for us in members:
            us.rank, us.board = ranks[us.unit], lists.get(us.unit, "")
            us.consecutive_black = consecutive_black(history, us.unit)
            if us.board == "black":
                n = max(1, us.consecutive_black)
                us.action = s.action(n)
                if us.vetoes:
                    us.action = "；".join(filter(None, [t("assess.action.veto", reason=us.vetoes[0].reason), us.action]))
            elif us.board == "red":
                us.action = t("assess.action.red")
    return out, lines


def _n(x: float) -> str:
    x = round(x, 2)
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
