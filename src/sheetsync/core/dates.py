"""Deadlines and date ranges as plans write them.

2022-12-31, 2022/12/31, 2022年12月31日, 2022年12月底, 12月底 (year from the plan), 年底前,
上半年, 长期 / 常态化 / 长期坚持 (ongoing), phase ranges such as 2021年12月—2022年6月, and
the datetimes or serial numbers a spreadsheet gives back.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sheetsync.core.textnorm import nfkc

ONGOING_WORDS = ("长期坚持", "长期推进", "持续推进", "常态化", "长期", "持续", "ongoing", "long-term")

_YMD = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?P<d>\d{1,2}|底|末)?\s*日?|月)?(?P<end>底|末|上旬|中旬|下旬)?")
_MD = re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*日|(?P<end>底|末|上旬|中旬|下旬))?")
_YEAR_END = re.compile(r"(?P<y>(?:19|20)\d{2})?\s*年\s*(?:底|末)|(?P<half>上半年|下半年|年中)")
_QUARTER = re.compile(r"(?P<y>(?:19|20)\d{2})?\s*年?\s*第?(?P<q>[一二三四1-4])季度")
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class Deadline:
    kind: Literal["date", "ongoing", "empty", "bad"]
    date: date | None = None
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.kind != "bad"


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _day_of(y: int, m: int, d: str | None, end: str | None) -> date | None:
    if not 1 <= m <= 12:
        return None
    if end in ("底", "末") or d in ("底", "末"):
        return _last_day(y, m)
    if end == "上旬":
        return date(y, m, 10)
    if end == "中旬":
        return date(y, m, 20)
    if end == "下旬" or d is None:
        return _last_day(y, m)
    try:
        return date(y, m, int(d))
    except ValueError:
        return None


def excel_serial_to_date(value: float, date1904: bool = False) -> date:
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    return (base + timedelta(days=float(value))).date()


def parse_date(value: object, default_year: int | None = None) -> date | None:
    """The last day a written date allows (12月底 → 12-31), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial_to_date(value) if 20000 < value < 80000 else None
    s = nfkc(str(value)).strip()
    m = _YMD.search(s)
    if m:
        return _day_of(int(m["y"]), int(m["m"]), m["d"], m["end"])
    m = _YEAR_END.search(s)
    if m:
        y = int(m["y"]) if m["y"] else default_year
        if y is None:
            return None
        if m["half"] in ("上半年", "年中"):
            return date(y, 6, 30)
        return date(y, 12, 31)
    m = _QUARTER.search(s)
    if m:
        y = int(m["y"]) if m["y"] else default_year
        if y is None:
            return None
        q = _CN_NUM.get(m["q"]) or int(m["q"])
        return _last_day(y, q * 3)
    m = _MD.search(s)
    if m and default_year:
        return _day_of(default_year, int(m["m"]), m["d"], m["end"])
    return None


def parse_deadline(value: object, default_year: int | None = None) -> Deadline:
    text = "" if value is None else str(value).strip()
    if isinstance(value, (date, datetime)):
        return Deadline("date", parse_date(value), text)
    if not text:
        return Deadline("empty")
    low = nfkc(text).lower()
    if any(w in low for w in ONGOING_WORDS) and not re.search(r"\d", low):
        return Deadline("ongoing", None, text)
    d = parse_date(value, default_year)
    if d is not None:
        return Deadline("date", d, text)
    return Deadline("bad", None, text)


_RANGE_SPLIT = re.compile(r"\s*(?:—|－|-|–|~|～|至|到)+\s*")


def parse_range(text: str, default_year: int | None = None) -> tuple[date | None, date | None]:
    """2021年12月—2022年6月 → (2021-12-01, 2022-06-30); 3月至5月 uses default_year."""
    s = nfkc(text).strip()
    s = re.sub(r"(\d)\s*-\s*(\d{1,2})\s*-", r"\1/\2/", s)  # keep ISO dates whole
    parts = [p for p in _RANGE_SPLIT.split(s) if p]
    if len(parts) < 2:
        d = parse_date(s, default_year)
        return (None, d)
    first, last = parts[0], parts[-1]
    end = parse_date(last, default_year)
    y_first = re.search(r"(19|20)\d{2}", first)
    year = int(y_first.group(0)) if y_first else (end.year if end else default_year)
    start = _first_day(first, year)
    if end is None and start is not None and re.search(r"\d", last):
        end = parse_date(f"{start.year}年{last}", default_year)
    if start and end and end < start and not re.search(r"(19|20)\d{2}", last):
        end = parse_date(f"{start.year + 1}年{last}", default_year)
    return (start, end)


def _first_day(text: str, year: int | None) -> date | None:
    m = _YMD.search(text)
    if m:
        y, mo = int(m["y"]), int(m["m"])
        d = m["d"]
        if d and d.isdigit():
            try:
                return date(y, mo, int(d))
            except ValueError:
                return None
        return date(y, mo, 1) if 1 <= mo <= 12 else None
    m = _MD.search(text)
    if m and year:
        mo = int(m["m"])
        if not 1 <= mo <= 12:
            return None
        try:
            return date(year, mo, int(m["d"])) if m["d"] else date(year, mo, 1)
        except ValueError:
            return None
    return None


def plan_year(settings: dict[str, str], today: date | None = None) -> int:
    """The year short dates (12月底) belong to: 计划年度, else the year in 报送周期, else this year."""
    for key in ("year", "period", "plan"):
        m = re.search(r"(19|20)\d{2}", nfkc(settings.get(key, "")))
        if m:
            return int(m.group(0))
    return (today or date.today()).year
