"""Figures as officials write them in a report: 6127 → 6000余, 18240 → 1.8万余, 473120 → 47万余.

Why a module of its own: a drafted report must never print a figure the roll-up does not hold,
and must print it the way the office would, so the rounding is one small set of rules with tests
(设置·数字约写: ``余`` rounds down and says so, ``精确`` writes the number as it is).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

MODES = ("余", "精确")
_EXACT_WORDS = {"精确", "exact", "准确", "原值"}
_ROUGH_WORDS = {"余", "约写", "rough", "approx", ""}


def mode_of(setting: str) -> str:
    """设置·数字约写 → ``余`` (the default) or ``精确``; anything else raises ValueError."""
    v = (setting or "").strip().lower()
    if v in _EXACT_WORDS:
        return "精确"
    if v in _ROUGH_WORDS:
        return "余"
    raise ValueError(setting)


def exact(value: float) -> str:
    """The number as typed: no trailing .0, no exponent, at most two decimals."""
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = format(d, "f")
    return "0" if text in ("-0", "") else text


def approx(value: float, mode: str = "余") -> str:
    """One figure written the officials' way.

    Below 100: exact. 100–9,999: down to the leading digit, plus 余 (6127 → 6000余, 134 → 100余).
    10,000–99,999: one decimal in 万, plus 余 (18240 → 1.8万余). From 100,000: whole 万, plus
    余 (473120 → 47万余). A value the rounding does not change takes no 余 (40000 → 4万, 6000 →
    6000). Always rounded down, so 余 is true. ``mode="精确"``: :func:`exact`.
    """
    if mode == "精确" or not math.isfinite(value):
        return exact(value)
    if value < 0:
        return "-" + approx(-value, mode)
    v = Decimal(str(value))
    if v < 100:
        return exact(value)
    if v < 10_000:
        step = Decimal(10) ** (len(str(int(v))) - 1)
        shown = (v / step).to_integral_value(rounding=ROUND_FLOOR) * step
        return f"{int(shown)}" + ("余" if shown != v else "")
    if v < 100_000:
        shown = (v / 10_000).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        rest = shown * 10_000 != v
        return f"{format(shown.normalize(), 'f')}万" + ("余" if rest else "")
    shown = (v / 10_000).to_integral_value(rounding=ROUND_FLOOR)
    return f"{int(shown)}万" + ("余" if shown * 10_000 != v else "")


def with_unit(value: float, unit: str, mode: str = "余") -> str:
    """A figure and its 计量单位 as a sentence writes it: 6000余场次, 1.8万余人, 95%."""
    unit = (unit or "").strip()
    if unit in ("%", "％"):
        return percent(value)
    return approx(value, mode) + unit


def percent(value: float) -> str:
    """A percentage to one decimal, as reports write it: 72.9%, 100%."""
    d = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(d.normalize(), "f") + "%" if d != d.to_integral_value() else f"{int(d)}%"


def rate(part: float, whole: float) -> str:
    """``part`` of ``whole`` as a percentage to one decimal (0% of nothing)."""
    return percent(100.0 * part / whole) if whole else "0%"


def shares(counts: Sequence[float]) -> list[Decimal]:
    """Shares of a whole to one decimal that add up to exactly 100.0.

    Each share is rounded half-up; the largest category takes the remainder, so the table a
    report prints sums to 100% (17, 10, 24, 9, 162 of 222 → 7.7, 4.5, 10.8, 4.1, 72.9).
    """
    total = sum(counts)
    if not counts or total <= 0:
        return [Decimal("0.0") for _ in counts]
    out = [(Decimal(str(c)) * 100 / Decimal(str(total))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
           for c in counts]
    big = max(range(len(counts)), key=lambda i: counts[i])
    out[big] = Decimal("100.0") - sum(x for i, x in enumerate(out) if i != big)
    return out


def approx_en(value: float, mode: str = "余") -> str:
    """The English draft's figure: "over 6,000", "over 470,000", "40,000" (the same rounding)."""
    if mode == "精确" or not math.isfinite(value) or abs(value) < 100:
        return exact(value)
    zh = approx(value, mode)
    more = zh.endswith("余")
    zh = zh.rstrip("余")
    shown = Decimal(zh[:-1]) * 10_000 if zh.endswith("万") else Decimal(zh)
    text = f"{int(shown):,}"
    return f"over {text}" if more else text
