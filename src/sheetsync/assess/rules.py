"""The 考核 rules as the county wrote them: the 考核规则 / 加分申报 / 一票否决 sheets and the 设置 keys.

Every value is read with where it came from (sheet!cell), so the result can name the cell a
point came from and ``check`` can point at a typo. A master without a 考核规则 sheet gets the
documented defaults (docs/assess.md), marked as defaults in the result's 规则快照.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.dates import parse_date, plan_year
from sheetsync.core.model import Finding, Master
from sheetsync.core.textnorm import nfkc, norm_key, value_text
from sheetsync.core.units import UnitRegistry
from sheetsync.i18n import get_lang, t
from sheetsync.workbook.headers import Grid, HeaderMatch, find_header

# task-level triggers: one fact per (task, unit); the others are one fact per unit and period
TASK_TRIGGERS = ("blank", "overdue", "lagging", "below_target", "problem", "thin")
PERIOD_TRIGGERS = ("not_reported", "late")
TRIGGERS_OF_KIND = {"deduct": TASK_TRIGGERS + PERIOD_TRIGGERS, "bonus": ("claim",), "veto": ("veto",)}
TOWNSHIP, DEPARTMENT = "乡镇(街道)", "县直部门"  # the default groups (file-format words)


@dataclass
class Rule:
    """One row of 考核规则. ``points`` is positive; the kind says whether it is lost or won."""

    id: str
    item: str
    kind: str  # key of schema.ASSESS_KINDS
    scope: str  # "all" | "lead" | "co" | "group:<name>"
    trigger: str  # key of schema.ASSESS_TRIGGERS
    points: float
    mode: str = "each"  # key of schema.ASSESS_MODES
    cap: float | None = None
    basis: str = ""
    default: bool = False
    where: str = ""  # sheet!row where it was read ("" for a default)


@dataclass
class Claim:
    unit: str
    item: str
    points: float
    evidence: str
    where: str


@dataclass
class Veto:
    unit: str
    reason: str
    day: date | None
    where: str


@dataclass
class Settings:
    """The 设置 values the scoring uses; ``defaults`` names those not written in the master."""

    base: float = 100.0
    groups: list[tuple[str, list[str]]] = field(default_factory=lambda: [
        (TOWNSHIP, ["township"]), (DEPARTMENT, ["party", "government", "mass", "enterprise", "other", ""])])
    lead_weight: float = 1.0
    co_weight: float = 0.5
    grades: list[tuple[str, float | None]] = field(default_factory=lambda: [("优秀", 90.0), ("良好", 80.0), ("一般", None)])
    red: dict[str, int] = field(default_factory=lambda: {DEPARTMENT: 5, TOWNSHIP: 1})
    black: dict[str, int] = field(default_factory=lambda: {DEPARTMENT: 3, TOWNSHIP: 1})
    escalation: list[tuple[int, str]] = field(default_factory=lambda: [(1, "分管领导约谈"), (2, "组织部门约谈"), (3, "问责")])
    thin_chars: int = 10
    due: date | None = None
    defaults: set[str] = field(default_factory=set)
    text: dict[str, str] = field(default_factory=dict)  # setting key -> the text as applied

    def group_of(self, category: str) -> str:
        """The group a unit category belongs to; the last group takes categories no group names."""
        for name, cats in self.groups:
            if category in cats:
                return name
        return self.groups[-1][0]

    def grade(self, score: float) -> str:
        for name, floor in self.grades:
            if floor is None or score >= floor - 1e-9:
                return name
        return self.grades[-1][0]

    @property
    def lowest_grade(self) -> str:
        return self.grades[-1][0]

    def action(self, consecutive: int) -> str:
        """The 约谈规则 step for this many consecutive 黑榜 periods (beyond the last: the last)."""
        best = ""
        for n, text in self.escalation:
            if consecutive >= n:
                best = text
        return best


@dataclass
class Rules:
    rules: list[Rule]
    claims: list[Claim]
    vetoes: list[Veto]
    settings: Settings
    findings: list[Finding]
    from_sheet: bool  # False: the default rules (no 考核规则 sheet)

    def of(self, kind: str, trigger: str | None = None) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind and (trigger is None or r.trigger == trigger)]


def default_rules(lang: str | None = None) -> list[Rule]:
    """The documented defaults, modelled on real county rules (docs/assess.md)."""
    lang = lang or get_lang()

    def rule(n: int, trigger: str, kind: str, points: float, mode: str, cap: float | None = None) -> Rule:
        return Rule(f"R{n:02d}", t(f"assess.default.{trigger}", lang=lang), kind, "all", trigger, points, mode, cap,
                    t(f"assess.basis.{trigger}", lang=lang), default=True)

    return [
        rule(1, "not_reported", "deduct", 10, "per_period"),
        rule(2, "late", "deduct", 2, "per_period"),
        rule(3, "blank", "deduct", 1, "per_task"),
        rule(4, "overdue", "deduct", 2, "per_task"),
        rule(5, "lagging", "deduct", 1, "per_task"),
        rule(6, "below_target", "deduct", 1, "per_task"),
        rule(7, "thin", "deduct", 0, "per_task"),
        rule(8, "problem", "deduct", 0, "per_task"),
        rule(9, "claim", "bonus", 0, "each", 5),
        rule(10, "veto", "veto", 0, "once"),
    ]


def rule_rows(rules: list[Rule], lang: str | None = None) -> list[list[Any]]:
    """Rules as 考核规则 rows (the template's default rows and the result's 规则快照)."""
    lang = lang or get_lang()
    return [[r.id, r.item, schema.label_for(schema.ASSESS_KINDS, r.kind, lang), scope_text(r.scope, lang),
             schema.label_for(schema.ASSESS_TRIGGERS, r.trigger, lang), _val(r.points) if r.kind == "deduct" else "",
             schema.label_for(schema.ASSESS_MODES, r.mode, lang), "" if r.cap is None else _val(r.cap), r.basis]
            for r in rules]


def scope_text(scope: str, lang: str | None = None) -> str:
    if scope.startswith("group:"):
        return scope[6:]
    return schema.label_for(schema.ASSESS_SCOPES, scope, lang)


def write_rules_sheet(wb: Any, lang: str) -> None:
    """The 考核规则 sheet with the default rows, for ``sheetsync new`` / write_master (openpyxl)."""
    from sheetsync.workbook import xlsxio

    spec = schema.ASSESS_RULES
    ws = wb.create_sheet(spec.name.text(lang))
    widths = [c.width for c in spec.columns]
    xlsxio.write_header(ws, 1, [c.text(lang) for c in spec.columns], widths)
    last = xlsxio.write_rows(ws, 2, rule_rows(default_rules(lang), lang), widths, [c.wrap for c in spec.columns]) - 1
    xlsxio.finish_table(ws, 1, last, len(spec.columns), freeze_col=2)


# ---------------------------------------------------------------- reading
def load_rules(master: Master, grids: dict[str, Grid] | None = None, *, lang: str | None = None) -> Rules:
    """The rules, claims, vetoes and settings of ``master`` (its file's grids unless given)."""
    if grids is None:
        grids = {}
        if master.path is not None and Path(master.path).is_file():
            from sheetsync.master.workbook import load_grids

            grids = load_grids(master.path)
    fname = str(master.path) if master.path else ""
    findings: list[Finding] = []

    def bad(code: str, msg: str, sheet: str, cell: str, severity: str = "error", sugg: list[str] | None = None) -> None:
        findings.append(Finding(code, severity, msg, sheet=sheet, cell=cell, file=fname,  # type: ignore[arg-type]
                                suggestions=sugg or []))

    settings = read_settings(master, bad)
    group_names = [g for g, _ in settings.groups]
    registry = UnitRegistry(master.units, master.region)

    rules: list[Rule] = []
    hit = _find_sheet(grids, schema.ASSESS_RULES, bad)
    from_sheet = hit is not None
    if hit is None:
        rules = default_rules(lang)
    else:
        title, grid, match = hit
        _missing_columns(schema.ASSESS_RULES, title, match, bad)
        for r, v in _rows(grid, match):
            rule = _read_rule(r, v, title, match, group_names, bad)
            if rule is not None:
                rules.append(rule)
        if not any(_rows(grid, match)):  # a header and no row: every unit would score full marks
            bad("assess-no-rules", t("assess.check.no_rules", sheet=title), title, f"A{match.row}", "warning")
        ids = [r.id for r in rules]
        for rule in rules:
            if ids.count(rule.id) > 1:
                bad("assess-duplicate-rule", t("assess.check.duplicate_rule", id=rule.id), title, rule.where.split("!")[1])
        _same_trigger(rules, title, bad)
        for kind in ("bonus", "veto"):
            if len([r for r in rules if r.kind == kind]) > 1:
                first = next(r for r in rules if r.kind == kind)
                bad("assess-two-rules", t("assess.check.two_rules", kind=schema.label_for(schema.ASSESS_KINDS, kind)),
                    title, first.where.split("!")[1], "warning")

    claims: list[Claim] = []
    hit = _find_sheet(grids, schema.ASSESS_BONUS, bad)
    if hit is not None:
        title, grid, match = hit
        _missing_columns(schema.ASSESS_BONUS, title, match, bad)
        for r, v in _rows(grid, match):
            unit = _unit(registry, value_text(v.get("unit")), title, _cell(match, "unit", r), bad)
            pts = _number(v.get("points"))
            if pts is None or pts < 0:
                bad("assess-bad-points", t("assess.check.bad_points", value=value_text(v.get("points"))),
                    title, _cell(match, "points", r))
                continue
            if unit:
                claims.append(Claim(unit, value_text(v.get("item")), pts, value_text(v.get("evidence")),
                                    f"{title}!{_cell(match, 'points', r)}"))

    vetoes: list[Veto] = []
    hit = _find_sheet(grids, schema.ASSESS_VETO, bad)
    if hit is not None:
        title, grid, match = hit
        _missing_columns(schema.ASSESS_VETO, title, match, bad)
        year = plan_year(master.settings)
        for r, v in _rows(grid, match):
            unit = _unit(registry, value_text(v.get("unit")), title, _cell(match, "unit", r), bad)
            raw = v.get("date")
            day = parse_date(raw, year)
            if raw not in (None, "") and day is None:
                bad("assess-bad-date", t("assess.check.bad_date", value=value_text(raw)), title, _cell(match, "date", r))
            if unit:
                vetoes.append(Veto(unit, value_text(v.get("reason")), day, f"{title}!{_cell(match, 'unit', r)}"))
    return Rules(rules, claims, vetoes, settings, findings, from_sheet)


def _same_trigger(rules: list[Rule], title: str, bad: Any) -> None:
    """Warn when two deduction rules catch the same trigger for the same units: every such fact
    is deducted twice (a rule copied to change its 分值 and the old row left in)."""
    seen: dict[tuple[str, str], Rule] = {}
    for rule in rules:
        if rule.kind != "deduct" or rule.points == 0:
            continue
        first = seen.setdefault((rule.trigger, rule.scope), rule)
        if first is not rule:
            bad("assess-same-trigger", t("assess.check.same_trigger", id=rule.id, first=first.id,
                                         trigger=schema.label_for(schema.ASSESS_TRIGGERS, rule.trigger),
                                         scope=scope_text(rule.scope)),
                title, rule.where.split("!")[1], "warning")


def check_rules(master: Master, grids: dict[str, Grid] | None = None) -> list[Finding]:
    """What ``check`` reports about the 考核 sheets and settings (each finding at its sheet!cell)."""
    from sheetsync.core.errors import SheetsyncError

    try:
        return load_rules(master, grids).findings
    except SheetsyncError:
        return []  # the master file itself could not be read again: check_master reports that


def _find_sheet(grids: dict[str, Grid], spec: schema.SheetSpec, bad: Any = None) -> tuple[str, Grid, HeaderMatch] | None:
    """The sheet of ``spec`` with its header. A sheet of that name whose header is not found is an
    error (through ``bad``): its rules were replaced by the defaults, or its claims dropped, unsaid."""
    names = {norm_key(s) for s in spec.name.spellings()}
    unread = ""
    for title, grid in grids.items():
        if norm_key(title) in names:
            match = find_header(grid, spec)
            if match:
                return title, grid, match
            unread = unread or title
    if unread and bad is not None and any(value_text(v) for row in grids[unread] for v in row):
        bad("assess-bad-header", t("assess.check.no_header", sheet=unread,
                                   columns=" | ".join(c.text() for c in spec.columns)), unread, "A1")
    return None


def _missing_columns(spec: schema.SheetSpec, title: str, match: HeaderMatch, bad: Any) -> None:
    for key in match.missing(spec):
        bad("assess-bad-header", t("core.missing_column", sheet=title, column=spec.column(key).text(), row=match.row),
            title, f"A{match.row}")


def _rows(grid: Grid, match: HeaderMatch) -> Any:
    for r in range(match.first_data_row, len(grid) + 1):
        row = grid[r - 1]
        values = {k: (row[c - 1] if c <= len(row) else None) for k, c in match.columns.items()}
        if all(value_text(v) == "" for v in values.values()):
            continue
        first = value_text(next(iter(values.values()), ""))
        if first.startswith(("【示例】", "[示例]", "[Example]")):
            continue
        yield r, values


def _cell(match: HeaderMatch, key: str, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(match.columns.get(key, 1))}{row}"


MAX_NUMBER = 1_000_000  # beyond any real 分值, 基础分 or 系数: a typo (1e300, inf) that would wreck every score


def _number(value: Any) -> float | None:
    """分值 / 上限 as written: 10, "10", "１０分", "-2" → a number; anything else None.

    NaN, infinities and magnitudes over :data:`MAX_NUMBER` are None too: float() accepts "nan"
    and "inf", and one such cell made every score NaN (graded, ranked and printed as such) or
    turned a huge deduction into a full score."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        s = nfkc(value_text(value)).strip().replace("−", "-").removesuffix("分").strip()
        try:
            x = float(s)
        except ValueError:
            return None
    return x if math.isfinite(x) and abs(x) <= MAX_NUMBER else None


def _read_rule(r: int, v: dict[str, Any], title: str, match: HeaderMatch, group_names: list[str], bad: Any) -> Rule | None:
    rid = value_text(v.get("id")) or f"#{r}"
    ok = True

    def vocab(key: str, labels: tuple[schema.Label, ...], code: str, default: str = "") -> str | None:
        nonlocal ok
        text = value_text(v.get(key))
        if not text:
            if default:
                return default
            bad(code, t(f"assess.check.{code.removeprefix('assess-').replace('-', '_')}", value="", id=rid), title, _cell(match, key, r),
                sugg=[lab.zh for lab in labels])
            ok = False
            return None
        found = schema.key_for(labels, text)
        if found is None:
            bad(code, t(f"assess.check.{code.removeprefix('assess-').replace('-', '_')}", value=text, id=rid), title, _cell(match, key, r),
                sugg=[lab.zh for lab in labels])
            ok = False
        return found

    kind = vocab("kind", schema.ASSESS_KINDS, "assess-bad-kind")
    trigger = vocab("trigger", schema.ASSESS_TRIGGERS, "assess-bad-trigger",
                    {"bonus": "claim", "veto": "veto"}.get(kind or "", ""))
    mode = vocab("mode", schema.ASSESS_MODES, "assess-bad-mode", "each")
    scope_raw = value_text(v.get("scope"))
    scope = "all"
    if scope_raw:
        group = next((g for g in group_names if norm_key(g) == norm_key(scope_raw)), None)
        key = schema.key_for(schema.ASSESS_SCOPES, scope_raw)
        if group is not None:
            scope = f"group:{group}"
        elif key in ("township", "department"):
            scope = f"group:{TOWNSHIP if key == 'township' else DEPARTMENT}"
        elif key is not None:
            scope = key
        else:
            bad("assess-bad-scope", t("assess.check.bad_scope", value=scope_raw, id=rid), title, _cell(match, "scope", r),
                sugg=[*[lab.zh for lab in schema.ASSESS_SCOPES if lab.key in ("all", "lead", "co")], *group_names])
            ok = False
    points_raw = v.get("points")
    points = _number(points_raw) if value_text(points_raw) else 0.0
    if points is None:
        bad("assess-bad-points", t("assess.check.bad_points", value=value_text(points_raw)), title, _cell(match, "points", r))
        ok = False
    cap_raw = v.get("cap")
    cap = _number(cap_raw) if value_text(cap_raw) else None
    if value_text(cap_raw) and (cap is None or cap < 0):
        bad("assess-bad-points", t("assess.check.bad_points", value=value_text(cap_raw)), title, _cell(match, "cap", r))
        ok = False
    if kind and trigger and trigger not in TRIGGERS_OF_KIND[kind]:
        bad("assess-bad-trigger", t("assess.check.trigger_kind", value=value_text(v.get("trigger")), id=rid,
                                    kind=value_text(v.get("kind"))),
            title, _cell(match, "trigger", r))
        ok = False
    if not ok or kind is None or trigger is None or mode is None or points is None:
        return None
    return Rule(rid, value_text(v.get("item")), kind, scope, trigger, abs(points), mode, cap,
                value_text(v.get("basis")), where=f"{title}!{_cell(match, 'id', r)}")


def _unit(registry: UnitRegistry, name: str, title: str, cell: str, bad: Any) -> str:
    """The unit a 加分申报/一票否决 row names; unknown or ambiguous names are errors, never guessed."""
    res = registry.resolve(name) if name else None
    if res is not None and res.kind == "unit" and res.units:
        return res.units[0].name
    sugg = list(res.candidates[:3]) if res is not None else []
    bad("assess-unknown-unit", t("assess.check.unknown_unit", name=name), title, cell, sugg=sugg)
    return ""


# ---------------------------------------------------------------- 设置
_PAIR = re.compile(r"[;；\n]+")


def read_settings(master: Master, bad: Any) -> Settings:
    """The 考核 settings of ``master``; a value that cannot be read is an error at its cell and the
    default is used meanwhile (the result says so)."""
    from sheetsync.master.workbook import setting_cell

    s = Settings()
    year = plan_year(master.settings)

    def fail(key: str, value: str) -> None:
        sheet, cell = setting_cell(master, key)
        label = schema.label_for(schema.SETTING_KEYS, key)
        bad("assess-bad-setting", t("assess.check.bad_setting", label=label, value=value), sheet, cell)
        s.defaults.add(key)

    for key in ("assess_base", "assess_lead_weight", "assess_co_weight", "assess_thin_chars"):
        raw = master.setting(key)
        if not raw:
            s.defaults.add(key)
            continue
        x = _number(raw)
        if x is None or x < 0:
            fail(key, raw)
            continue
        if key == "assess_base":
            s.base = x
        elif key == "assess_lead_weight":
            s.lead_weight = x
        elif key == "assess_co_weight":
            s.co_weight = x
        else:
            s.thin_chars = int(x)

    raw = master.setting("assess_groups")
    if raw:
        groups: list[tuple[str, list[str]]] = []
        for part in filter(None, (p.strip() for p in _PAIR.split(nfkc(raw)))):
            name, _, cats = part.partition(":")
            keys = [schema.key_for(schema.UNIT_CATEGORIES, c) for c in re.split(r"[,，、]+", cats) if c.strip()]
            if not name.strip() or not keys or None in keys:
                groups = []
                break
            groups.append((_group_name(name.strip()), [k for k in keys if k]))
        if groups:
            s.groups = groups
        else:
            fail("assess_groups", raw)
    else:
        s.defaults.add("assess_groups")

    raw = master.setting("assess_grades")
    if raw:
        grades: list[tuple[str, float | None]] = []
        for part in filter(None, (p.strip() for p in _PAIR.split(nfkc(raw)))):
            m = re.fullmatch(r"(.+?)\s*(?:≥|>=|≧|不低于)\s*([0-9.]+)\s*分?", part)
            grades.append((m[1].strip(), float(m[2])) if m else (part, None))
        floors = [f for _, f in grades]
        if (not grades or any(f is None for f in floors[:-1]) or floors[-1] is not None and len(grades) == 1
                or floors[:-1] != sorted(floors[:-1], reverse=True)):  # type: ignore[type-var]
            fail("assess_grades", raw)
        else:
            if floors[-1] is not None:
                grades.append((grades[-1][0], None))
            s.grades = grades
    else:
        s.defaults.add("assess_grades")

    for key, attr in (("assess_red", "red"), ("assess_black", "black")):
        raw = master.setting(key)
        if not raw:
            s.defaults.add(key)
            continue
        places = _places(raw, [g for g, _ in s.groups])
        if places is None:
            fail(key, raw)
        else:
            setattr(s, attr, places)

    raw = master.setting("assess_escalation")
    if raw:
        steps: list[tuple[int, str]] = []
        for part in filter(None, (p.strip() for p in _PAIR.split(nfkc(raw)))):
            n, _, text = part.partition(":")
            if not n.strip().isdigit() or not text.strip():
                steps = []
                break
            steps.append((int(n), text.strip()))
        if steps:
            s.escalation = sorted(steps)
        else:
            fail("assess_escalation", raw)
    else:
        s.defaults.add("assess_escalation")

    due = master.setting("due")
    s.due = parse_date(due, year) if due else None
    s.text = {
        "assess_base": _num(s.base),
        "assess_groups": "；".join(f"{g}:{'、'.join(schema.label_for(schema.UNIT_CATEGORIES, c) for c in cats if c)}"
                                  for g, cats in s.groups),
        "assess_lead_weight": _num(s.lead_weight),
        "assess_co_weight": _num(s.co_weight),
        "assess_grades": "；".join(f"{g}≥{_num(f)}" if f is not None else g for g, f in s.grades),
        "assess_red": "；".join(f"{g}:{n}" for g, n in s.red.items()),
        "assess_black": "；".join(f"{g}:{n}" for g, n in s.black.items()),
        "assess_escalation": "；".join(f"{n}:{text}" for n, text in s.escalation),
        "assess_thin_chars": str(s.thin_chars),
    }
    return s


def _group_name(name: str) -> str:
    key = schema.key_for(schema.ASSESS_SCOPES, name)
    return {"township": TOWNSHIP, "department": DEPARTMENT}.get(key or "", name)


def _places(raw: str, groups: list[str]) -> dict[str, int] | None:
    """``县直部门:5;乡镇(街道):1`` or one number for every group."""
    text = nfkc(raw).strip()
    if text.isdigit():
        return {g: int(text) for g in groups}
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in _PAIR.split(text))):
        name, _, n = part.partition(":")
        name = _group_name(name.strip())
        if not n.strip().isdigit() or norm_key(name) not in {norm_key(g) for g in groups}:
            return None
        out[next(g for g in groups if norm_key(g) == norm_key(name))] = int(n)
    return out or None


def _val(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
