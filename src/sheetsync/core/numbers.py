"""Numbers and percentages as clerks type them: 2, "２", "2次", "约3个", "1.2万", "80%", "８０％", 0.8.

The one home for reading a number out of a cell. The master (目标值, via
:mod:`sheetsync.core.targets`), the returns reader (完成值, 进度) and the roll-up all ask here, so
"1.2万" means 12,000 everywhere and a full-width "３" is a 3 everywhere.

万/亿 multiply unless the unit of measure already counts in them: "3万" against a target in 人次
is 30,000, against a target in 万人次 it is 3.
"""

from __future__ import annotations

import re
from typing import Any

from sheetsync.core.textnorm import chinese_number, nfkc

MULTIPLIERS: dict[str, float] = {"万": 1e4, "亿": 1e8}
# words before a reported quantity that do not change it: 约5个, 共3次, 完成12, 累计40
VALUE_PREFIXES: tuple[str, ...] = ("约", "共", "完成", "累计")

_NUM = r"-?\d+(?:\.\d+)?"
_VALUE = re.compile(rf"(?:{'|'.join(VALUE_PREFIXES)})?\s*(?P<num>{_NUM})\s*(?P<rest>[^\d\s]{{0,4}})")
# a quantity in Chinese numerals: 十二, 两期, 二十个, 三万人次 (read by textnorm.chinese_number)
_CN_VALUE = re.compile(rf"(?:{'|'.join(VALUE_PREFIXES)})?\s*(?P<num>[零〇一二两三四五六七八九十百千万]+)\s*(?P<rest>[^\d\s]{{0,4}})")
# words after a numeral that make it approximate or no count at all: 十几个, 一些, 二十多, 一半
APPROXIMATE_WORDS: tuple[str, ...] = ("几", "多", "余", "来", "些", "半", "定", "直", "起", "般")
_PERCENT = re.compile(rf"(?:完成|已完成)?(?P<num>{_NUM})(?P<pct>%)?")


def clean(text: str) -> str:
    """NFKC (full-width digits, ％ and ，), no thousands separators, trimmed."""
    return nfkc(text).strip().replace(",", "")


def scale(value: float, rest: str, unit: str = "") -> float:
    """``value`` times the 万/亿 that ``rest`` (what follows the number) starts with, unless
    ``unit`` — the unit of measure the quantity is counted in — starts with it too."""
    head = rest[:1]
    factor = MULTIPLIERS.get(head)
    if factor is None or unit.startswith(head):
        return value
    return value * factor


def parse_number(value: Any, *, unit: str = "") -> float | None:
    """A reported quantity: 2, "2", "２", "2次", "约3个", "1.2万" → a number; None when the cell
    does not hold exactly one (words, two numbers, a comparator such as ≤5)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = clean(str(value))
    m = _VALUE.fullmatch(text)
    if m:
        return scale(float(m["num"]), m["rest"], unit)
    m = _CN_VALUE.fullmatch(text)
    if not m or m["rest"].startswith(APPROXIMATE_WORDS):
        return None
    digits, rest = m["num"], m["rest"]
    if digits.endswith("万") and unit.startswith("万"):  # 三万 against a target in 万人次: 3
        digits, rest = digits[:-1], "万" + rest
    n = chinese_number(digits)
    return None if n is None else scale(float(n), rest, unit)


def parse_percent(value: Any, *, percent_format: bool = False) -> tuple[float | None, bool]:
    """80, "80", "80%", "８０％", 0.8 (a cell formatted as %), "0.8" → 80.

    ``percent_format``: the cell's number format shows a percentage, so its number is a
    fraction whatever its size (a typed 100% is stored as 1, 0.5% as 0.005).
    The second value says whether the cell was changed to get there (so the reader can report
    the normalisation); None when it is not a percentage at all."""
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        x = float(value)
        if percent_format:
            return round(x * 100, 6), False  # shown as typed: 100% is 100, nothing to report
        if 0 < x < 1:
            return round(x * 100, 4), True
        return x, False
    m = _PERCENT.fullmatch(nfkc(str(value)).strip().replace(" ", ""))
    if not m:
        return None, False
    x = float(m["num"])
    if m["pct"] is None and 0 < x < 1 and "." in m["num"]:
        x = x * 100
    return x, True


def fmt_number(x: float) -> str:
    """12.0 → "12", 12.5 → "12.5": a number as a message shows it."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def cell_number(x: float | None) -> int | float | None:
    """A number as a cell holds it: whole numbers as int (Excel shows 2, not 2.0)."""
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x
