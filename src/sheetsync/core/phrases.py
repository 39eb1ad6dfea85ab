"""How people write "none" in a 存在问题 cell: 无, 暂无, 无明显问题, 暂未发现问题。, ——, N/A …

The one home for telling "no problem reported" from a real problem. A list of exact words
cannot cover how clerks write "none" (无明显困难, 没有发现问题, 目前暂无, 暂未发现明显问题), so
this is a rule: after punctuation and spaces are dropped, the text is only dashes/slashes, or a
negation (无, 没有, 未发现 …) optionally led by a time word (目前, 暂, 本期 …) and followed only
by a degree word (明显, 重大 …) and a noun for problems (问题, 困难, 情况 …). Anything with more
words than that ("无资金问题但进度慢", "暂无场地，需协调") is a problem, as is any text the rule
does not recognise: a false "none" would hide a problem from the roll-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sheetsync.core.textnorm import nfkc

# the parts of a "none" phrase, each a table
TIME_WORDS = ("目前", "当前", "现阶段", "本期", "本季度", "本月", "暂时", "暂", "尚", "均", "基本", "还")
NEGATIONS = ("没有发现", "未发现", "没发现", "尚未发现", "未出现", "没有出现", "不存在", "没有", "无", "未见")
DEGREE_WORDS = ("明显", "重大", "突出", "特别", "什么", "任何", "大的", "其他", "其它", "较大")
PROBLEM_NOUNS = ("问题和困难", "困难和问题", "问题", "困难", "情况", "异常", "障碍", "风险")
ENGLISH_NONE = ("none", "no", "nil", "n/a", "na", "no problem", "no problems", "no issues", "nothing")

_DROP = re.compile(r"[\s。．.，,；;！!、:：…~～()（）\[\]【】\"'“”‘’]+")
_DASHES = re.compile(r"[-—–―─_/\\＼]+")


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NONE = re.compile(
    rf"(?:{_alt(TIME_WORDS)})*(?:{_alt(NEGATIONS)})(?:{_alt(DEGREE_WORDS)})?的?(?:{_alt(PROBLEM_NOUNS)})?(?:的情况)?")


@lru_cache(maxsize=2048)
def is_no_problem(text: str) -> bool:
    """True when ``text`` (a 存在问题 cell) says there is no problem; "" is no problem too."""
    s = nfkc(text or "").strip().lower()
    if s in ENGLISH_NONE:
        return True
    s = _DROP.sub("", s)
    if not s or _DASHES.fullmatch(s):
        return True
    return _NONE.fullmatch(s) is not None
