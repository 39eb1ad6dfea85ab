"""The one home for a reporting period: parse once to a canonical key, keep the typed text for display.

A clerk types the same quarter as 2026年第四季度, 2026年第4季度, 2026年四季度, 2026Q4 or
2026年10-12月. Every stage that compares periods (returns reader, ledger, status, mail, split folder
lookup) asks this module for the canonical key instead of comparing text, so the spellings agree.

Canonical keys (machine form, stored in the ledger and in return metadata)::

    2026-11   month        2026-Q4   quarter     2026-H1   half (上半年)   2026-H2   half (下半年)
    2026      year         2026-W48  ISO week

A month range that is not one calendar period (2026年2-4月) is not a period: ``parse_period``
returns None, and ``period_key`` falls back to the normalised text so such names still work as
plain labels (as every period did before this module existed), they just do not match other
spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sheetsync.core.textnorm import nfkc, norm_key

KINDS = ("month", "quarter", "half", "year", "week")

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_Y = r"(?P<y>(?:19|20)\d{2})"
_N = r"[0-9一二两三四五六七八九十]{1,3}"
_DASH = r"[-~～—–至到]"
# tried in order against the whole (NFKC, space-free, upper-cased) text
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("quarter", re.compile(_Y + r"年?第?(?P<n>[1-4一二三四])季度?")),
    ("quarter", re.compile(_Y + r"[-年]?Q(?P<n>[1-4])")),
    ("half", re.compile(_Y + r"年?(?P<n>[上下])半年")),
    ("half", re.compile(_Y + r"[-年]?H(?P<n>[12])")),
    ("range", re.compile(_Y + r"年(?P<a>" + _N + r")月?" + _DASH + r"(?P<b>" + _N + r")月份?")),
    ("month", re.compile(_Y + r"年(?P<n>" + _N + r")月份?")),
    ("month", re.compile(_Y + r"[-./](?P<n>\d{1,2})")),
    ("week", re.compile(_Y + r"年?第(?P<n>" + _N + r")周")),
    ("week", re.compile(_Y + r"-?W(?P<n>\d{1,2})")),
    ("year", re.compile(_Y + r"(?:年(?:度|全年)?|全年)?")),
]
# a trailing explanation in brackets: 2026年第4季度（10-12月）
_PAREN = re.compile(r"^(?P<main>.+?)[(（](?P<inner>[^()（）]*)[)）]$")


def _number(text: str) -> int | None:
    """1-2 digit Arabic or Chinese number (十一, 十二, 四); None when it is neither."""
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if text == "十":
        return 10
    if len(text) == 2 and text[0] == "十" and text[1] in _CN_DIGITS:
        return 10 + _CN_DIGITS[text[1]]
    return None


@dataclass(frozen=True)
class Period:
    """A calendar reporting period. ``index`` is the month, quarter, half or ISO week (1 for a year)."""

    kind: str
    year: int
    index: int = 1

    @property
    def key(self) -> str:
        """Canonical machine form: 2026-11, 2026-Q4, 2026-H1, 2026, 2026-W48."""
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.index}"
        if self.kind == "half":
            return f"{self.year}-H{self.index}"
        if self.kind == "week":
            return f"{self.year}-W{self.index:02d}"
        return str(self.year)

    @property
    def start(self) -> date:
        if self.kind == "week":
            return date.fromisocalendar(self.year, self.index, 1)
        return date(self.year, self._months()[0], 1)

    @property
    def end(self) -> date:
        if self.kind == "week":
            return self.start + timedelta(days=6)
        last = self._months()[1]
        nxt = date(self.year + 1, 1, 1) if last == 12 else date(self.year, last + 1, 1)
        return nxt - timedelta(days=1)

    def _months(self) -> tuple[int, int]:
        if self.kind == "month":
            return self.index, self.index
        if self.kind == "quarter":
            return 3 * self.index - 2, 3 * self.index
        if self.kind == "half":
            return 6 * self.index - 5, 6 * self.index
        return 1, 12

    def label(self, lang: str | None = None) -> str:
        """Canonical display name in the clerk's language (zh by default, en with lang='en')."""
        if lang is None:
            from sheetsync.i18n import get_lang
            lang = get_lang()
        if lang == "en":
            return {"month": self.key, "quarter": f"{self.year} Q{self.index}",
                    "half": f"{self.year} H{self.index}", "week": self.key}.get(self.kind, str(self.year))
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.index}季度"
        if self.kind == "half":
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        if self.kind == "week":
            return f"{self.year}年第{self.index}周"
        return f"{self.year}年度"

    def next(self) -> Period:
        return self._step(1)

    def previous(self) -> Period:
        return self._step(-1)

    def _step(self, d: int) -> Period:
        if self.kind == "week":
            y, w, _ = (self.start + timedelta(days=7 * d)).isocalendar()
            return Period("week", y, w)
        if self.kind == "year":
            return Period("year", self.year + d)
        per_year = {"month": 12, "quarter": 4, "half": 2}[self.kind]
        y, i = divmod(self.year * per_year + self.index - 1 + d, per_year)
        return Period(self.kind, y, i + 1)

    def __str__(self) -> str:
        return self.key


def _from_range(year: int, a: int, b: int) -> Period | None:
    """A month range as the calendar period it covers exactly; None for 2-4月 and the like."""
    if not (1 <= a <= b <= 12):
        return None
    if a == b:
        return Period("month", year, a)
    if (a, b) == (1, 12):
        return Period("year", year)
    if b - a == 5 and a in (1, 7):
        return Period("half", year, 1 if a == 1 else 2)
    if b - a == 2 and a % 3 == 1:
        return Period("quarter", year, (a + 2) // 3)
    return None


def _parse_plain(s: str) -> Period | None:
    for kind, rx in _FORMS:
        m = rx.fullmatch(s)
        if not m:
            continue
        year = int(m["y"])
        if kind == "year":
            return Period("year", year)
        if kind == "range":
            a, b = _number(m["a"]), _number(m["b"])
            return _from_range(year, a, b) if a and b else None
        n = m["n"]
        if kind == "half":
            return Period("half", year, 1 if n in ("上", "1") else 2)
        idx = _number(n)
        if idx is None:
            return None
        if kind == "quarter" and 1 <= idx <= 4 or kind == "month" and 1 <= idx <= 12:
            return Period(kind, year, idx)
        if kind == "week":
            try:
                date.fromisocalendar(year, idx, 1)
            except ValueError:
                return None
            return Period("week", year, idx)
        return None
    return None


@lru_cache(maxsize=4096)
def _parse(s: str) -> Period | None:
    p = _parse_plain(s)
    if p is not None:
        return p
    m = _PAREN.match(s)
    if not m:
        return None
    main = _parse_plain(m["main"])
    if main is None:
        return None
    # the explanation must agree: 2026年第4季度（10-12月）, never 2026年第4季度（1-3月）
    inner = m["inner"]
    rng = re.fullmatch(r"(?P<a>" + _N + r")月?" + _DASH + r"(?P<b>" + _N + r")月份?", inner)
    if rng:
        a, b = _number(rng["a"]), _number(rng["b"])
        other = _from_range(main.year, a, b) if a and b else None
        return main if other == main else None
    other = _parse_plain(inner)
    return main if other == main else None


def parse_period(text: object) -> Period | None:
    """The calendar period a text names, or None when it is not one (第一批, free text, 2026年2-4月)."""
    if text is None:
        return None
    if isinstance(text, Period):
        return text
    s = _WS.sub("", nfkc(text)).upper()
    return _parse(s) if s else None


def period_key(text: object) -> str:
    """Comparison key: the canonical key when ``text`` is a period, else the normalised text."""
    if isinstance(text, Period):
        return text.key
    p = parse_period(text)
    return p.key if p is not None else norm_key(text)


def same_period(a: object, b: object) -> bool:
    """True when two texts name one period (2026年第四季度 and 2026Q4)."""
    return period_key(a) == period_key(b)


def period_label(text: object, lang: str | None = None) -> str:
    """The canonical display name of a period, or the text itself (trimmed) when it is not one."""
    p = parse_period(text)
    return p.label(lang) if p is not None else str(text or "").strip()


# a period inside longer text (a title row, a file name): 关于报送2026年第3季度进展的通知
_SEARCH = re.compile(
    r"(?:19|20)\d{2}(?:年(?:第?[1-4一二三四]季度|[上下]半年|" + _N + r"月?" + _DASH + _N + r"月份?|" + _N
    + r"月份?|第" + _N + r"周|度|全年)|[-年]?Q[1-4]|[-年]?H[12]|-W\d{1,2}|[-./]\d{1,2}(?!\d))",
    re.IGNORECASE)


_NUMERIC_MONTH = re.compile(r"\d{4}[-./]\d{1,2}")


def find_periods(text: object, *, loose: bool = False) -> list[tuple[str, Period]]:
    """Every period named inside a longer text, as (the text as written, its Period), in order.

    By default only periods written out as one (2026年第3季度, 2026年11月, 2026Q4, 2026年上半年)
    count: a title saying 2026年度实施方案 or a file name with a date (2026-12-05) does not name
    the reporting period. ``loose`` also counts years (2026年度) and 2026.11 / 2026-11."""
    s = _WS.sub("", nfkc(text))
    out = []
    for m in _SEARCH.finditer(s):
        p = parse_period(m.group(0))
        if p is None:
            continue
        if not loose and (p.kind == "year" or _NUMERIC_MONTH.fullmatch(m.group(0))):
            continue
        out.append((m.group(0), p))
    return out


def mentions(text: object, period: object) -> bool:
    """Whether ``text`` (a title, a file name) names ``period`` in any spelling; a period that is
    not a calendar period (第一批) is looked for as normalised text."""
    p = parse_period(period)
    if p is None:
        key = norm_key(period)
        return bool(key) and key in norm_key(text)
    return any(q == p for _, q in find_periods(text, loose=True))
