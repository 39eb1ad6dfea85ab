"""Numeric targets as plans write them: 不少于2次, 占比不少于10%, 建设25个示范点, 1.5万人次以上.

A target is what a roll-up can later compare a reported value against, so it needs a number, a
unit of measure and the direction of the comparison. Plan import fills 指标/目标值/计量单位 with it
and ``check`` uses it to tell a usable 目标值 from free text (``bad-target``).

Slogans are not targets: “五个认同”, 三个离不开, 十九届四中全会, 2020年 and 第九批 all carry numbers
and none is a quantity to reach. Without a comparator only Arabic numbers followed by a measure
word count, and never inside quotation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheetsync.core.textnorm import chinese_number, nfkc

# comparator as written -> symbol (what it means for a reported value)
COMPARATORS: dict[str, str] = {
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "至少": ">=", "达到": ">=", "达": ">=",
    "力争": ">=", "确保": ">=", "超过": ">", "高于": ">", "多于": ">", "大于": ">",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "控制在": "<=",
    "低于": "<", "少于": "<", "小于": "<",
    ">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", ">": ">", "<": "<", "=": "=",
}
# written after the number: 10%以上, 5天以内
SUFFIX_COMPARATORS: dict[str, str] = {"以上": ">=", "及以上": ">=", "以内": "<=", "以下": "<=", "之内": "<="}

# measure words, longest first so 场次 wins over 场 and 万元 over 元
MEASURES: tuple[str, ...] = tuple(sorted({
    "%", "‰", "个", "次", "场", "场次", "人", "人次", "名", "家", "户", "所", "项", "篇", "期", "批",
    "件", "份", "套", "条", "处", "座", "本", "部", "支", "队", "村", "镇", "乡", "校", "万人", "万人次",
    "元", "万元", "亿元", "千元", "公里", "千米", "米", "平方米", "万平方米", "亩", "万亩", "公顷", "吨",
    "万吨", "天", "小时", "学时", "课时", "分钟", "周", "门", "节", "幅", "块", "张", "册", "台", "辆",
    "床", "间", "栋", "首", "集", "轮", "岗", "个百分点", "百分点", "分", "倍",
}, key=len, reverse=True))
# numbers followed by these are dates, ordinals or durations, not quantities
_NOT_QUANTITY = ("年", "月", "日", "号", "周年", "届", "世纪", "代")

_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万"
_NUMBER = rf"(?P<num>\d+(?:\.\d+)?|[{_CN_NUM_CHARS}]+)"
_COMP_RE = "|".join(re.escape(c) for c in sorted(COMPARATORS, key=len, reverse=True))
_MEAS_RE = "|".join(re.escape(m) for m in MEASURES)
_SUFFIX_RE = "|".join(re.escape(s) for s in sorted(SUFFIX_COMPARATORS, key=len, reverse=True))

_WITH_COMPARATOR = re.compile(
    rf"(?P<comp>{_COMP_RE})\s*{_NUMBER}\s*(?P<wan>万|亿)?\s*余?\s*(?P<unit>{_MEAS_RE})?\s*(?P<suffix>{_SUFFIX_RE})?")
_BARE = re.compile(
    rf"(?<![\d.第])(?P<num>\d+(?:\.\d+)?)\s*(?P<wan>万|亿)?\s*余?\s*(?P<unit>{_MEAS_RE})\s*(?P<suffix>{_SUFFIX_RE})?")
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>[\d.]+|[{_CN_NUM_CHARS}]+)")
_CLAUSE_SPLIT = re.compile(r"[，,；;。！？!?\n]")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」|《[^》]*》")


@dataclass(frozen=True)
class Target:
    indicator: str  # what is counted, as written around the number
    value: float
    unit: str  # measure word: 次, %, 个, 万元 … ("" when none)
    comparator: str  # as written: 不少于, 达到, ≥, 以上 … ("" when none)
    text: str  # the matched span

    @property
    def op(self) -> str:
        """The comparison a reported value must satisfy: >=, >, <=, <, = (default >=)."""
        return op_of(self.comparator)


def _number(text: str) -> float | None:
    s = nfkc(text)
    try:
        return float(s)
    except ValueError:
        n = chinese_number(s)
        return float(n) if n is not None else None


def _indicator(clause: str, start: int, end: int, comparator: str) -> str:
    """The words of the clause around the number: 各级党组织每年开展培训 | 建设 + 示范点."""
    before = clause[:start]
    if comparator and before.endswith(comparator):
        before = before[: -len(comparator)]
    after = clause[end:]
    text = (before.rstrip() + after.lstrip()).strip(" :：、")
    text = re.sub(r"^(?:并|且|要|将|和|及|其中|全年|累计)", "", text)
    return text.strip()


def parse_target(text: object) -> Target | None:
    """The first quantity to reach in ``text``, or None when it holds none.

    A quantity after a comparator (不少于两次) wins over a bare one (建设25个), so the clause
    that states the requirement is the one reported.
    """
    if text is None:
        return None
    raw = nfkc(str(text)).replace("％", "%")
    raw = _PERCENT_WORDS.sub(_percent_words, raw)
    if not raw.strip():
        return None
    # blank out quoted slogans so their numbers never match, keeping offsets
    masked = _QUOTED.sub(lambda m: " " * len(m.group(0)), raw)
    for clause_masked, clause in _clauses(masked, raw):
        m = _WITH_COMPARATOR.search(clause_masked)
        if m and _is_quantity(clause_masked, m):
            value = _number(m["num"])
            if value is not None:
                return _make(clause, m, value, m["comp"])
    for clause_masked, clause in _clauses(masked, raw):
        for m in _BARE.finditer(clause_masked):
            if not _is_quantity(clause_masked, m):
                continue
            value = _number(m["num"])
            if value is not None:
                return _make(clause, m, value, "")
    # a bare number standing alone is a target value too (目标值 cell: "25", "≥90%")
    m = re.fullmatch(rf"\s*(?P<comp>{_COMP_RE})?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>{_MEAS_RE})?\s*", raw)
    if m:
        return Target("", float(m["num"]), m["unit"] or "", m["comp"] or "", m.group(0).strip())
    return None


def _percent_words(m: re.Match[str]) -> str:
    """百分之八十 → 80%."""
    value = _number(m["num"])
    if value is None:
        return m.group(0)
    return f"{value:g}%"


def _clauses(masked: str, raw: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    for piece in _CLAUSE_SPLIT.split(masked):
        out.append((piece, raw[pos:pos + len(piece)]))
        pos += len(piece) + 1
    return out


def _is_quantity(clause: str, m: re.Match[str]) -> bool:
    """Not a date, an anniversary or an ordinal: 2020年, 100周年, 9月, 三届."""
    after_num = clause[m.end("num"):].lstrip()
    if not m["unit"] and not m["wan"] and after_num.startswith(_NOT_QUANTITY):
        return False
    return not clause[m.end():].lstrip().startswith(("年", "月"))


def _make(clause: str, m: re.Match[str], value: float, comparator: str) -> Target:
    unit = m["unit"] or ""
    if m["wan"]:
        unit = m["wan"] + unit
    suffix = m["suffix"] or ""
    comp = comparator or suffix
    indicator = _indicator(clause, m.start(), m.end(), comparator)
    return Target(indicator, value, unit, comp, clause[m.start():m.end()].strip())


# ---------------------------------------------------------------- a 目标值 cell and its direction
# how a direction is written back into a 目标值 cell ("at least" is a plain number)
OP_SYMBOLS: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "＝"}  # ＝: "=5" would be a formula
UPPER_BOUNDS = ("<=", "<")
_CELL = re.compile(
    rf"(?P<comp>{_COMP_RE}|约)?\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<rest>[^\d\s]{{0,4}}?)\s*(?P<suffix>{_SUFFIX_RE})?")


@dataclass(frozen=True)
class TargetValue:
    """What a 目标值 cell says: a number and the comparison a reported value must satisfy."""

    value: float
    op: str = ">="  # >=, >, <=, <, =

    @property
    def upper_bound(self) -> bool:
        """≤5, 不超过5, 控制在5%以内: the reported value must stay at or below the number."""
        return self.op in UPPER_BOUNDS


def op_of(comparator: str) -> str:
    """The comparison a comparator as written means (不超过 → <=, 以内 → <=); ">=" by default."""
    return COMPARATORS.get(comparator) or SUFFIX_COMPARATORS.get(comparator) or ">="


def parse_target_value(value: object, *, unit: str = "") -> TargetValue | None:
    """A 目标值 cell: 2, "2", "２次", "≥90%", "≤5", "<=5", "不超过5", "控制在5%以内", "5%以下",
    "低于5", "不少于2次", "1.5万" → value and direction; None when it is not one number.

    Stricter than :func:`parse_target` on purpose: a cell holding "建设25个示范点" is a
    ``bad-target`` finding, not a silently chosen 25. ``unit``: the 计量单位 cell (万/亿 scale
    the number unless the unit counts in them, see :func:`sheetsync.core.numbers.scale`).
    """
    from sheetsync.core.numbers import clean, scale

    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return TargetValue(float(value))
    m = _CELL.fullmatch(clean(str(value)))
    if not m:
        return None
    comp = m["comp"] or ""
    op = COMPARATORS[comp] if comp in COMPARATORS else op_of(m["suffix"] or "")
    return TargetValue(scale(float(m["num"]), m["rest"], unit), op)


def target_cell(value: float | None, op: str = ">=") -> int | float | str | None:
    """A target as the 目标值 cell holds it: a number when the direction is "at least" (the
    default a clerk expects), else text that :func:`parse_target_value` reads back ("≤5")."""
    from sheetsync.core.numbers import cell_number, fmt_number

    if value is None:
        return None
    if op == ">=":
        return cell_number(value)
    return f"{OP_SYMBOLS.get(op, op)}{fmt_number(value)}"


def meets_target(achieved: float, target: float, op: str = ">=") -> bool:
    """Whether a reported value satisfies the target: 3 meets ≤5, 7 does not; 2 meets ≥2."""
    if op == ">=":
        return achieved >= target
    if op == ">":
        return achieved > target
    if op == "<=":
        return achieved <= target
    if op == "<":
        return achieved < target
    return achieved == target
