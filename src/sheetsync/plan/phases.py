"""实施步骤: the phases of a plan with their date ranges, and the deadlines plans write in text.

Phases read like （一）动员部署阶段（2021年12月—2022年1月） or 第二阶段：集中实施（2022年2月至6月）;
inside them are deadlines such as 11月30日前完成摸底. A deadline without a year takes it from the
phase it sits in (a phase from 2021年9月 to 2022年6月 puts 11月30日 in 2021), which the master
could not do later, so the year is written into the phase note here.
"""

from __future__ import annotations

import re
from datetime import date

from sheetsync.core.dates import parse_date, parse_range
from sheetsync.core.model import Phase
from sheetsync.core.textnorm import nfkc

PHASE_SECTION = re.compile(r"实施步骤|工作步骤|方法步骤|步骤安排|推进步骤|时间安排|进度安排|实施阶段|阶段安排|工作安排|时间节点|实施进度|工作进度|进度计划")
_Y = r"(?:(?:19|20)\d{2}\s*年\s*)"
_MD = r"(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日|上旬|中旬|下旬|初|底|末|份)?)"
_POINT = rf"(?:{_Y}?{_MD}|{_Y}(?:底|末|年底)?)"
RANGE = re.compile(rf"(?P<range>{_POINT}\s*(?:—|－|-|–|~|～|至|到|一)+\s*{_POINT})")
DEADLINE = re.compile(
    rf"(?P<dl>(?:{_Y}?(?:{_MD}|年\s*底|年\s*末|上半年|下半年|年内|第[一二三四1-4]季度)|(?:19|20)\d{{2}}\s*年\s*(?:底|末)?)"
    r"\s*(?:前|之前|以前|底前|内|完成))")
_ONGOING = re.compile(r"^(长期坚持|长期推进|持续推进|常态化推进|长期)$")


def find_deadline(text: str) -> str:
    """The first deadline written in a task (2022年6月底前, 11月30日前), as written; "" if none."""
    s = nfkc(text)
    m = DEADLINE.search(s)
    if not m:
        return ""
    dl = m["dl"].strip()
    return re.sub(r"\s+", "", dl)


def normalise_deadline(text: str) -> str:
    """A 完成时限 cell as written, minus surrounding punctuation; 长期坚持 stays as it is."""
    s = text.strip(" 。.;；,，")
    return s if s else ""


def find_range(text: str, default_year: int | None) -> tuple[str, date | None, date | None]:
    """(matched text, start, end) of the first date range in text, else a lone end date."""
    s = text if RANGE.search(text) or DEADLINE.search(text) else nfkc(text)
    m = RANGE.search(s)
    if m:
        start, end = parse_range(m["range"].replace("一", "—") if "年" in m["range"] else m["range"], default_year)
        if start or end:
            return m["range"], start, end
    m = DEADLINE.search(s)
    if m:
        end = parse_date(m["dl"], default_year)
        if end:
            return m["dl"], None, end
    return "", None, None


def year_within(month: int, start: date | None, end: date | None, default_year: int | None) -> int | None:
    """The year of 11月 inside a phase from 2021-09 to 2022-06 → 2021."""
    if start and end:
        for y in range(start.year, end.year + 1):
            if date(y, month, 1) >= date(start.year, start.month, 1) and date(y, month, 1) <= end:
                return y
    if end:
        return end.year if month <= end.month else end.year - 1
    if start:
        return start.year if month >= start.month else start.year + 1
    return default_year


_MD_DEADLINE = re.compile(r"(?<![\d年\s])(?P<m>\d{1,2})\s*月\s*(?:\d{1,2}\s*日|上旬|中旬|下旬|底|末)?\s*(?:前|之前|以前)")


def date_deadlines(text: str, start: date | None, end: date | None, default_year: int | None) -> str:
    """Write the phase's year into deadlines without one: 11月30日前 → 2021年11月30日前."""
    s = text

    def repl(m: re.Match[str]) -> str:
        y = year_within(int(m["m"]), start, end, default_year)
        return f"{y}年{m.group(0)}" if y else m.group(0)

    return _MD_DEADLINE.sub(repl, s)


def phase_name(title: str, matched: str) -> str:
    """动员部署阶段（2021年12月—2022年1月） → 动员部署阶段."""
    s = title
    if matched:
        s = s.replace(matched, "")
    s = re.sub(r"[(（\[【]\s*[)）\]】]", "", s)
    return s.strip(" :：,，;；。.-—")


def make_phase(title: str, note: str, default_year: int | None) -> Phase | None:
    """A phase from a heading with a date range or end date; None when it names no date."""
    matched, start, end = find_range(title, default_year)
    if not matched:
        matched, start, end = find_range(note, default_year)
        name = phase_name(title, "")
    else:
        name = phase_name(title, matched)
    if not (start or end):
        return None
    return Phase(name or title, start, end, date_deadlines(note, start, end, default_year))
