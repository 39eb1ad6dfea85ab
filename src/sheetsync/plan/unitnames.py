"""Unit names found in a plan: groups vs units, short forms, and a guessed category.

A plan writes 县委统战部 in one place and 统战部 in the next; both are one unit. A new unit's
类别 is guessed from its name so the 单位 sheet is usable at once, and marked as inferred so
the clerk knows which ones to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sheetsync.core import schema
from sheetsync.core.textnorm import norm_key
from sheetsync.core.units import is_group_word

_CATEGORY_WORDS = {norm_key(s) for lab in schema.UNIT_CATEGORIES for s in lab.spellings()}
_PARTY_PREFIX = re.compile(r"^(中共)?(\S{0,8}?)(县|区|市|旗|州|盟)委(?!员)")
# party bodies that are written without their 县委 prefix
_PARTY_WORDS = ("组织部", "宣传部", "统战部", "统一战线工作部", "政法委", "纪委", "监委", "纪委监委", "网信办",
                "编办", "机构编制", "党校", "老干部局", "机关工委", "直属机关工作委员会", "党史", "巡察办", "政研室",
                "政策研究室", "深改办", "改革办", "保密", "机要", "督查室", "文明办", "党群", "组织人事部", "党工委",
                "台办", "外办", "防范办")
_MASS_WORDS = ("妇联", "妇女联合会", "团县委", "团区委", "团市委", "团委", "共青团", "工商联", "残联", "残疾人联合会",
               "文联", "科协", "总工会", "工会", "侨联", "红十字会", "社科联", "关工委", "作协", "计生协")
_OTHER_WORDS = ("人大", "政协", "法院", "检察院", "人武部", "武装部", "消防救援", "军分区", "公安分局派出所")
_TOWNSHIP = re.compile(r"(乡|镇|街道|街道办|街道办事处|苏木|嘎查|农场|林场|牧场|社区)$")
_ENTERPRISE = re.compile(r"(公司|集团|银行|医院|卫生院|学校|中学|小学|幼儿园|学院|大学|中心|馆|站|所|社|台|报社|电视台|研究院|设计院)$")
_GOVERNMENT = re.compile(r"(局|委|办|办公室|厅|署|处|科|管委会|委员会|政府|分局|大队|支队)$")
_ADMIN_PREFIX = re.compile(r"^(中共)?([^\s、，,]{0,8}?)(县|区|市|旗|州|盟)(委)?$")


def is_group(name: str) -> bool:
    """各乡镇(街道), 政府各部门, 有关部门, 乡镇(街道) … stand for many units, never for one."""
    return is_group_word(name) or norm_key(name) in _CATEGORY_WORDS


def infer_category(name: str) -> str:
    """Key of schema.UNIT_CATEGORIES guessed from the name (…部 under 县委 → party, …局 → government)."""
    n = norm_key(name)
    if any(w in n for w in _PARTY_WORDS):  # before mass words: 机关工委 is not 关工委
        return "party"
    if any(w in n for w in _MASS_WORDS):
        return "mass"
    if any(w in n for w in _OTHER_WORDS):
        return "other"
    if _PARTY_PREFIX.match(n) or any(w in n for w in _PARTY_WORDS):
        return "party"
    if _TOWNSHIP.search(n):
        return "township"
    if _ENTERPRISE.search(n):
        return "enterprise"
    if _GOVERNMENT.search(n):
        return "government"
    if n.endswith("部"):
        return "party" if _PARTY_PREFIX.match(n) else "other"
    return "other"


def short_form_map(names: Iterable[str]) -> dict[str, str]:
    """{short: full} for names that are another name of the same plan minus an admin prefix.

    统战部 → 县委统战部 and 公安局 → 县公安局 when the plan writes the longer form somewhere;
    a short form with two candidate long forms is left alone (ambiguous).
    """
    uniq: dict[str, str] = {}
    for n in names:
        if not is_group(n):
            uniq.setdefault(norm_key(n), n)
    out: dict[str, str] = {}
    for key, short in uniq.items():
        if len(key) < 2:
            continue
        fulls = []
        for other_key, other in uniq.items():
            if other_key != key and other_key.endswith(key) and _ADMIN_PREFIX.match(other_key[: -len(key)]):
                fulls.append(other)
        if len(fulls) == 1:
            out[short] = fulls[0]
    return out


def inherit_prefix(names: list[str]) -> dict[str, str]:
    """县委组织部、统战部: a bare …部 after a 县委…部 in the same list inherits 县委."""
    out: dict[str, str] = {}
    prefix = ""
    for n in names:
        m = _PARTY_PREFIX.match(n)
        if m and n.endswith("部"):
            prefix = m.group(0)
            continue
        if prefix and n.endswith("部") and len(n) <= 6 and not _ADMIN_PREFIX.match(n[:2]) and not is_group(n) \
                and any(w in n for w in _PARTY_WORDS):
            out[n] = prefix + n
        elif not n.endswith("部"):
            prefix = ""
    return out
