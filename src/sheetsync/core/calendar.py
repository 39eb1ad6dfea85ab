"""China's working days and the reporting calendar built on them.

Working days follow the State Council's yearly schedule, 调休 included (in 2026 Saturday 02-14 is
a working day and 02-16 … 02-20 are not). The schedule comes from the maintained ``holidays``
package, not a table typed here; a master may add a sheet 节假日 (日期 | 类型 休/班 | 说明) whose
rows override it (a county's own day off, a year the package does not have yet).

The package computes statutory holidays for any year by rule, but which weekends become working
days is only known once the year's notice is published. A year is therefore *covered* only when
the package holds its weekend working days or the master's 节假日 sheet has rows in it; a date in
any other year is still computed (package holidays and weekends) but carries the warning
节假日数据缺失 (``holiday-data-missing``), never a silent weekends-only guess.

The reporting calendar turns 设置·报送频次 / 报送截止规则 / 节假日顺延 / 催报提前(工作日) into one
row per period of a year (:func:`schedule`): 统计截至 (the period's end), 报送截止 and 催报日.
Periods come from :mod:`sheetsync.core.period` (canonical keys and labels), never re-parsed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding, Master
from sheetsync.core.period import Period, parse_period, same_period
from sheetsync.core.textnorm import nfkc
from sheetsync.i18n import t

MISSING_CODE = "holiday-data-missing"
DEFAULT_RULE = "次月5日"
DEFAULT_ROLL = "next"
DEFAULT_LEAD = 3


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """(days off, weekend working days) the ``holidays`` package gives for one year."""
    import holidays

    cn = holidays.country_holidays("CN", years=year)
    off = frozenset(d for d in cn if d.year == year)
    work = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)
    return off, work


def package_covers(year: int) -> bool:
    """Whether the package holds the published schedule of ``year`` (its weekend working days)."""
    return bool(_package_year(year)[1])


class WorkCalendar:
    """Working days: the package's schedule, overridden day by day by the master's 节假日 rows.

    Every question about a date in a year neither source covers adds one warning finding per
    year to :attr:`findings` (the answer falls back to the package's rule-computed holidays and
    weekends), so whatever a date was computed for can carry it."""

    def __init__(self, overrides: dict[date, bool] | None = None, *, file: str = "", sheet: str = "") -> None:
        self.overrides = dict(overrides or {})  # date -> True working day (班) / False day off (休)
        self.override_years = {d.year for d in self.overrides}
        self.file = file
        self.sheet = sheet or schema.HOLIDAYS.name.text()
        self.findings: list[Finding] = []
        self._warned: dict[int, Finding] = {}

    def covers(self, year: int) -> bool:
        return year in self.override_years or package_covers(year)

    def _note(self, year: int) -> None:
        if year in self._warned or self.covers(year):
            return
        self._warned[year] = Finding(MISSING_CODE, "warning", t("calendar.holiday_missing", year=year, sheet=self.sheet),
                                     sheet=self.sheet, file=self.file)
        self.findings.append(self._warned[year])

    def findings_for(self, years: Iterable[int]) -> list[Finding]:
        """The 节假日数据缺失 warnings of these years (those of dates one result was computed from)."""
        for y in years:
            self._note(y)
        return [self._warned[y] for y in sorted(set(years)) if y in self._warned]

    def missing_years(self, days: Iterable[date]) -> list[int]:
        return sorted({d.year for d in days if not self.covers(d.year)})

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime):
            d = d.date()
        self._note(d.year)
        if d in self.overrides:
            return self.overrides[d]
        off, work = _package_year(d.year)
        if d in work:
            return True
        return d.weekday() < 5 and d not in off

    def shift(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (before it for a negative ``n``); ``d`` itself for 0."""
        step = 1 if n > 0 else -1
        left = abs(n)
        while left:
            d += timedelta(days=step)
            if self.is_working_day(d):
                left -= 1
        return d

    def roll(self, d: date, rule: str) -> date:
        """A deadline on a day off moved by 节假日顺延 (``none`` / ``next`` / ``second`` working day)."""
        if rule == "none" or self.is_working_day(d):
            return d
        return self.shift(d, 2 if rule == "second" else 1)

    def working_days(self, start: date, end: date) -> list[date]:
        """Working days from ``start`` to ``end``, both included."""
        out, d = [], start
        while d <= end:
            if self.is_working_day(d):
                out.append(d)
            d += timedelta(days=1)
        return out


def _cell_date(value: Any) -> date | None:
    from sheetsync.core.dates import parse_date

    d = parse_date(value)
    # a plain 12月31日 has no year here: the sheet must say which year it means
    return d if d is not None and (not isinstance(value, str) or re.search(r"(19|20)\d{2}", value)) else None


def holiday_overrides(grids: dict[str, list[list[Any]]], file: str = "") -> tuple[dict[date, bool], list[Finding], str]:
    """The 节假日 sheet of a master as date → working day?, findings for rows it cannot read, and
    the sheet's title ("" when the master has none). Found by name only: a date table elsewhere
    is not a holiday list."""
    from sheetsync.core.textnorm import norm_key, value_text
    from sheetsync.workbook.headers import find_header

    spec = schema.HOLIDAYS
    names = {norm_key(s) for s in spec.name.spellings()}
    title = next((n for n in grids if norm_key(n) in names), "")
    if not title:
        return {}, [], ""
    grid = grids[title]
    match = find_header(grid, spec)
    if match is None or match.missing(spec):
        return {}, [Finding("bad-header", "warning", t("calendar.holiday_sheet_header", sheet=title),
                            sheet=title, cell="A1", file=file)], title
    from openpyxl.utils import get_column_letter

    out: dict[date, bool] = {}
    first_row: dict[date, int] = {}
    findings: list[Finding] = []
    for r in range(match.first_data_row, len(grid) + 1):
        row = grid[r - 1]
        raw = {k: (row[c - 1] if c <= len(row) else None) for k, c in match.columns.items()}
        if all(value_text(v) == "" for v in raw.values()):
            continue
        d = _cell_date(raw.get("date"))
        kind = schema.key_for(schema.HOLIDAY_KINDS, value_text(raw.get("kind")))
        if d is None:
            findings.append(Finding("holiday-bad-date", "warning",
                                    t("calendar.holiday_bad_date", sheet=title, row=r, value=value_text(raw.get("date"))),
                                    sheet=title, cell=f"{get_column_letter(match.columns['date'])}{r}", file=file))
            continue
        if kind is None:
            findings.append(Finding("holiday-bad-kind", "warning",
                                    t("calendar.holiday_bad_kind", sheet=title, row=r, value=value_text(raw.get("kind"))),
                                    sheet=title, cell=f"{get_column_letter(match.columns['kind'])}{r}", file=file))
            continue
        work = kind == "work"
        if d in out and out[d] != work:  # 休 and 班 for one day: neither row is trusted over the other silently
            findings.append(Finding("holiday-conflict", "warning",
                                    t("calendar.holiday_conflict", sheet=title, row=r, date=d.isoformat(),
                                      first=first_row[d]),
                                    sheet=title, cell=f"{get_column_letter(match.columns['kind'])}{r}", file=file))
            continue  # the first row stands, as the warning says
        out[d] = work
        first_row.setdefault(d, r)
    return out, findings, title


def load_calendar(master: Master) -> WorkCalendar:
    """The working-day calendar of a master: the package plus its 节假日 sheet (when it has a file)."""
    overrides: dict[date, bool] = {}
    findings: list[Finding] = []
    title = ""
    file = str(master.path or "")
    if master.path is not None and Path(master.path).exists():
        from sheetsync.master.workbook import load_grids

        overrides, findings, title = holiday_overrides(load_grids(master.path), file)
    cal = WorkCalendar(overrides, file=file, sheet=title)
    cal.findings.extend(findings)
    return cal


# ---------------------------------------------------------------- deadlines
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_TIME = re.compile(r"(?P<h>\d{1,2})[:：](?P<m>\d{2})$")


@dataclass(frozen=True)
class DueRule:
    """A parsed 报送截止规则. ``kind``: next_month (次月N日), next_month_wd (次月第N个工作日),
    last_month (季末月N日: day N of the period's last month), after_end_wd (期末后N个工作日),
    weekday (每周二: the first such weekday after the period ends)."""

    kind: str
    n: int
    at: str = ""  # HH:MM, "" for the end of the day
    text: str = ""

    def nominal(self, period: Period, cal: WorkCalendar) -> tuple[date, bool]:
        """The deadline before 节假日顺延, and whether it is already counted in working days."""
        end = period.end
        if self.kind in ("next_month", "next_month_wd"):
            y, m = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
            if self.kind == "next_month_wd":
                return cal.shift(date(y, m, 1) - timedelta(days=1), self.n), True
            return _clamp(y, m, self.n), False
        if self.kind == "last_month":
            return _clamp(end.year, end.month, self.n), False
        if self.kind == "after_end_wd":
            return cal.shift(end, self.n), True
        # weekday
        return end + timedelta(days=(self.n - end.weekday() - 1) % 7 + 1), False


def _clamp(y: int, m: int, d: int) -> date:
    nxt = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return min(date(y, m, 1) + timedelta(days=d - 1), nxt - timedelta(days=1))


def parse_due_rule(text: str) -> DueRule | None:
    """次月5日, 次月第3个工作日, 季末月25日 (also 期末月 / 末月 / 当月), 期末后5个工作日,
    每周二12:00 — with an optional HH:MM at the end of any of them; None when it is none of these."""
    s = re.sub(r"\s+", "", nfkc(text or "")).replace("号", "日").replace("前", "")
    at = ""
    m = _TIME.search(s)
    if m and 0 <= int(m["h"]) < 24 and 0 <= int(m["m"]) < 60:
        at = f"{int(m['h']):02d}:{m['m']}"
        s = s[:m.start()]
    forms = (
        ("next_month_wd", r"(?:次月|下月)第?(\d{1,2})个?工作日"),
        ("next_month", r"(?:次月|下月)(\d{1,2})日"),
        ("last_month", r"(?:季末月|期末月|末月|当月|本月|季末|期末)(\d{1,2})日"),
        ("after_end_wd", r"(?:期末后|期满后|结束后)(\d{1,2})个?工作日"),
    )
    for kind, rx in forms:
        m = re.fullmatch(rx, s)
        if m and 1 <= int(m[1]) <= 31:
            return DueRule(kind, int(m[1]), at, text)
    m = re.fullmatch(r"每周(?:星期)?([一二三四五六日天])", s) or re.fullmatch(r"每(?:星期|周)([一二三四五六日天])", s)
    if m:
        return DueRule("weekday", _WEEKDAYS[m[1]], at, text)
    return None


# ---------------------------------------------------------------- the reporting calendar
@dataclass(frozen=True)
class ScheduleRow:
    period: Period
    as_of: date  # 统计截至: the period's last day
    due: date  # 报送截止 after 节假日顺延
    remind: date  # 催报日: the first working day reminders go out
    due_time: str = ""
    nominal_due: date | None = None  # before 节假日顺延, when it moved
    missing_years: tuple[int, ...] = ()  # years of these dates the holiday data does not cover

    @property
    def due_text(self) -> str:
        return self.due.isoformat() + (f" {self.due_time}" if self.due_time else "")

    def to_json(self) -> dict[str, Any]:
        return {"period": self.period.key, "label": self.period.label(), "as_of": self.as_of.isoformat(),
                "due": self.due.isoformat(), "due_time": self.due_time, "remind": self.remind.isoformat(),
                "nominal_due": self.nominal_due.isoformat() if self.nominal_due else None,
                "holiday_data_missing": list(self.missing_years)}


@dataclass
class Schedule:
    year: int
    frequency: str  # a core.period kind
    rule: DueRule
    roll: str
    lead: int
    calendar: WorkCalendar
    rows: list[ScheduleRow] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.calendar.findings

    def row_for(self, period: object) -> ScheduleRow | None:
        p = parse_period(period)
        return next((r for r in self.rows if r.period == p), None)

    def remind_days(self, row: ScheduleRow) -> list[date]:
        """The 催报 working days of a period: from its 催报日 to its deadline, both included."""
        return self.calendar.working_days(row.remind, row.due)

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "frequency": self.frequency, "rule": self.rule.text, "roll": self.roll,
                "remind_lead": self.lead, "rows": [r.to_json() for r in self.rows],
                "findings": [f.to_json() for f in self.findings]}


def _setting_error(master: Master, key: str, message_key: str, value: str) -> SheetsyncError:
    from sheetsync.master.workbook import setting_cell

    sheet, cell = setting_cell(master, key)
    label = schema.label_for(schema.SETTING_KEYS, key)
    return SheetsyncError(t(message_key, file=str(master.path or "-"), sheet=sheet, cell=cell, setting=label,
                            value=value), file=str(master.path or ""))


def frequency_of(master: Master) -> str | None:
    """The period kind of 设置·报送频次; None when it is empty (refused when it is not a frequency)."""
    text = master.setting("frequency")
    if not text:
        return None
    kind = schema.key_for(schema.FREQUENCIES, text)
    if kind is None:
        raise _setting_error(master, "frequency", "calendar.bad_frequency", text)
    return kind


def settings_of(master: Master) -> tuple[DueRule, str, int]:
    """(报送截止规则, 节假日顺延 key, 催报提前 working days) with their defaults; a value that is
    none of the accepted forms is refused naming its cell (a wrong deadline is worse than none)."""
    text = master.setting("due_rule") or DEFAULT_RULE
    rule = parse_due_rule(text)
    if rule is None:
        raise _setting_error(master, "due_rule", "calendar.bad_rule", text)
    roll_text = master.setting("holiday_roll")
    roll = schema.key_for(schema.HOLIDAY_ROLLS, roll_text) if roll_text else DEFAULT_ROLL
    if roll is None:
        raise _setting_error(master, "holiday_roll", "calendar.bad_roll", roll_text)
    lead_text = nfkc(master.setting("remind_lead")).strip()
    if not lead_text:
        lead = DEFAULT_LEAD
    elif re.fullmatch(r"\d{1,2}", lead_text):
        lead = int(lead_text)
    else:
        raise _setting_error(master, "remind_lead", "calendar.bad_lead", lead_text)
    return rule, roll, lead


def periods_of(kind: str, year: int) -> list[Period]:
    """Every period of ``kind`` in ``year``, in order (weeks: the ISO weeks of that ISO year)."""
    first = Period(kind, year, 1)
    out = []
    p = first
    while p.year == year:
        out.append(p)
        p = p.next()
    return out


MIN_YEAR, MAX_YEAR = 1900, 2099  # the years a written date can name (core.dates reads 19xx / 20xx)


def check_year(year: int) -> int:
    """``year`` when a reporting calendar can be made for it; else refused with the range (a year
    0 was taken for "no year", -1 or 10000 ended in a traceback from the date library)."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise SheetsyncError(t("calendar.bad_year", year=year, first=MIN_YEAR, last=MAX_YEAR))
    return year


def schedule(master: Master, year: int, *, calendar: WorkCalendar | None = None) -> Schedule:
    """The reporting calendar of ``year``: one :class:`ScheduleRow` per period of 设置·报送频次
    (else the kind of 设置·报送周期), findings on the calendar (节假日数据缺失 for every year a date
    fell in that the holiday data does not cover)."""
    check_year(year)
    kind = frequency_of(master)
    if kind is None:
        p = parse_period(master.setting("period"))
        if p is None:
            raise _setting_error(master, "frequency", "calendar.no_frequency", "")
        kind = p.kind
    rule, roll, lead = settings_of(master)
    cal = calendar if calendar is not None else load_calendar(master)
    sched = Schedule(year, kind, rule, roll, lead, cal)
    for p in periods_of(kind, year):
        sched.rows.append(row_for(p, rule, roll, lead, cal))
    return sched


def row_for(p: Period, rule: DueRule, roll: str, lead: int, cal: WorkCalendar) -> ScheduleRow:
    nominal, in_working_days = rule.nominal(p, cal)
    due = nominal if in_working_days else cal.roll(nominal, roll)
    remind = cal.shift(due, -lead) if lead else due
    if not cal.is_working_day(remind):  # a deadline left on a day off (不顺延): chase on a working day
        remind = cal.shift(remind, -1)
    missing = tuple(cal.missing_years({p.end, nominal, due, remind}))
    return ScheduleRow(p, p.end, due, remind, rule.at, nominal if nominal != due else None, missing)


def period_schedule(master: Master, period: object, *, calendar: WorkCalendar | None = None) -> tuple[ScheduleRow, Schedule] | None:
    """The calendar row of one period (any spelling) and the schedule of its year; None when the
    period is not a calendar period or the master sets no frequency and no period."""
    p = parse_period(period)
    if p is None:
        return None
    if frequency_of(master) not in (None, p.kind):
        return None  # a period of another kind than 报送频次: no deadline rule applies to it
    sched = schedule(master, p.year, calendar=calendar) if frequency_of(master) else None
    if sched is None:
        rule, roll, lead = settings_of(master)
        cal = calendar if calendar is not None else load_calendar(master)
        sched = Schedule(p.year, p.kind, rule, roll, lead, cal)
        sched.rows.append(row_for(p, rule, roll, lead, cal))
    row = sched.row_for(p)
    return (row, sched) if row is not None else None


def next_period(master: Master, today: date | None = None, *,
                calendar: WorkCalendar | None = None) -> tuple[ScheduleRow, Schedule] | None:
    """The period whose deadline is next (on or after ``today``): what ``split`` issues when it is
    given no period. None when 设置·报送频次 is empty."""
    if frequency_of(master) is None:
        return None
    today = today or date.today()
    cal = calendar if calendar is not None else load_calendar(master)
    for year in (today.year - 1, today.year, today.year + 1):
        sched = schedule(master, year, calendar=cal)
        for row in sched.rows:
            if row.due >= today:
                return row, sched
    return None


def split_defaults(master: Master, period: str | None, due: str | None,
                   today: date | None = None) -> tuple[str, str, list[Finding]]:
    """The period and deadline a split issues when it was given none: --period, else 设置·报送周期,
    else the calendar's next period; --due, else 设置·报送截止日期, else that period's deadline
    (the calendar only when 设置·报送频次 is set). Returns (period text, due text, findings of the calendar) — "" where nothing applies."""
    findings: list[Finding] = []
    own = master.setting("period").strip()
    given = (period or "").strip()
    if not due and given and own and master.setting("due") and not same_period(given, own):
        # 设置·报送截止日期 is the deadline of 设置·报送周期, not of another period named by --period
        from sheetsync.master.workbook import setting_cell

        sheet, cell = setting_cell(master, "due")
        findings.append(Finding("due-other-period", "warning",
                                t("calendar.due_other_period", due=master.setting("due"), own=own, period=given),
                                sheet=sheet, cell=cell, file=str(master.path or "")))
        due = ""
    else:
        due = due or master.setting("due")
    period = given or own
    due = due.strip()
    if period and due or frequency_of(master) is None:  # no 报送频次: no calendar, as before it existed
        return period, due, findings
    hit = period_schedule(master, period) if period else next_period(master, today)
    if hit is None:
        return period, due, findings
    row, sched = hit
    findings += sched.calendar.findings_for(row.missing_years)
    return period or row.period.label(), due or row.due.isoformat(), findings


def working_days_late(received: date | datetime, due: date, calendar: WorkCalendar, due_time: str = "") -> int:
    """How many working days after ``due`` a return arrived (0: on time).

    A return that arrives on a day off after the deadline counts as arriving on the next working
    day (a Saturday after a Friday deadline is 1 day late); one that arrives on the deadline day
    after ``due_time`` (HH:MM) is 1 day late."""
    day = received.date() if isinstance(received, datetime) else received
    if isinstance(received, datetime) and due_time and day == due:
        h, m = (int(x) for x in due_time.split(":"))
        if received.time() > time(h, m):
            return 1
    if day <= due:
        return 0
    if not calendar.is_working_day(day):
        day = calendar.shift(day, 1)
    return len(calendar.working_days(due + timedelta(days=1), day))
