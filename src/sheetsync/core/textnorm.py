"""Text normalisation shared by every reader: what people type is not what we compare.

Full-width digits and punctuation, stray spaces, non-breaking spaces and the many bracket
styles of Chinese documents all fold to one form before names, headers or values are compared.
The original text is always kept for display; only comparison keys are normalised.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
# bracket styles folded to ASCII parentheses for comparison
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")", "【": "(", "】": ")",
                           "﹝": "(", "﹞": ")", "〖": "(", "〗": ")", "｛": "(", "｝": ")"})
# separators between names in a list of units
NAME_SEPARATORS = "、，,；;/／\n"
# anything clean() would change besides plain spaces at the ends
_NEEDS_CLEAN = re.compile(r"[^\S ]|  |[\u200b\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: object) -> str:
    """Display form: str, trimmed, inner runs of white space collapsed to one space."""
    if text is None:
        return ""
    s = str(text)
    # the common case: nothing to fold but the ends. str.isprintable() is False for every white
    # space but " " and for \u200b/\ufeff, so when it holds only "  " is left to look for
    if s.isprintable() and "  " not in s or not _NEEDS_CLEAN.search(s):
        return s.strip(" ")
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_WS.sub(" ", line).strip() for line in s.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def value_text(value: object) -> str:
    """A cell value as the text a person reads: 2.0 → "2", a midnight datetime → its date."""
    if value is None:
        return ""
    if type(value) is str:
        return clean(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean(value)


def nfkc(text: object) -> str:
    """Full-width letters, digits and punctuation to their ASCII forms (NFKC)."""
    return unicodedata.normalize("NFKC", "" if text is None else str(text))


def norm_key(text: object) -> str:
    """Comparison key: NFKC, one bracket style, no white space, lower case."""
    if isinstance(text, str):
        return _norm_key(text)
    s = nfkc(text).translate(_BRACKETS)
    return _WS.sub("", s).lower()


@lru_cache(maxsize=1 << 16)
def _norm_key(text: str) -> str:
    # unit names, task ids and header words repeat across every return and every task
    s = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return _WS.sub("", s).lower()


def unique_names(names: list[str]) -> list[str]:
    """Names in order, each once by comparison key (县教育局 and 县教育局 with a stray space are one)."""
    seen: set[str] = set()
    out = []
    for n in names:
        k = norm_key(n)
        if k and k not in seen:
            seen.add(k)
            out.append(n)
    return out


def has_control_chars(text: str) -> bool:
    return bool(_CONTROL.search(text))


def strip_control_chars(text: str) -> str:
    return _CONTROL.sub("", text)


def split_outside_brackets(text: str, separators: str = NAME_SEPARATORS) -> list[str]:
    """Split on separators that are not inside brackets: 县委党校(县行政学校、研究室) stays whole."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    for ch in text:
        if ch in "(（[［〔【﹝〖":
            depth += 1
        elif ch in ")）]］〕】﹞〗" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p for p in (clean(p) for p in parts) if p]


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; None when not a Chinese numeral."""
    s = text.strip()
    if not s:
        return None
    if s.isdigit():
        return int(nfkc(s))
    total, section, num = 0, 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for ch in s:
        if ch in _CN_DIGITS:
            num = _CN_DIGITS[ch]
        elif ch in units:
            section += (num or 1) * units[ch]
            num = 0
        elif ch == "万":
            total += (section + num) * 10000
            section, num = 0, 0
        else:
            return None
    return total + section + num
