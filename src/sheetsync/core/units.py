"""The unit registry: turns the names people write into the units of the 单位 sheet.

People write 统战部 for 县委统战部, 县教委 or 教委, 各乡镇(街道) for every township, and lists
like 各乡镇场、街道 whose group word itself contains the separator. The registry resolves each
name to a unit, a group of units, or a finding with the closest candidates — never a guess.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from sheetsync.core.model import Task, Unit
from sheetsync.core.textnorm import NAME_SEPARATORS, clean, norm_key, split_outside_brackets, unique_names

Kind = Literal["unit", "group", "unknown", "ambiguous"]

# generic group words -> the unit category they mean when no unit lists the word in 所属分组
_GROUP_CATEGORY = (
    (re.compile(r"乡镇|街道|乡|镇|社区|场"), "township"),
    (re.compile(r"(县|区|市|旗)委各|各部委|党委"), "party"),
    (re.compile(r"人民团体|群团"), "mass"),
    (re.compile(r"企事业|企业|事业单位"), "enterprise"),
    (re.compile(r"政府|直各|各部门|各单位"), "government"),
)
# fragments that continue a group word after a separator: 各乡镇场、街道
_GROUP_TAILS = {"街道", "乡镇", "场", "社区", "村", "街道办", "街道办事处", "园区"}
_ADMIN_PREFIX = re.compile(r"^(中共)?[^\s]{0,8}?(县|区|市|旗)(?=委|政府|人民|[^\s]{2,})")


def is_group_word(text: str) -> bool:
    """各乡镇(街道), 政府各部门, 县委各部委, 区直各部门, 各成员单位 … name many units at once."""
    key = norm_key(text)
    if "各" in key or key.endswith("等部门") or key.endswith("等单位"):
        return True
    # 有关部门, 县直相关单位, 领导小组成员单位, 所有乡镇: many units, none named
    return bool(_VAGUE_GROUP.search(key))


_VAGUE_GROUP = re.compile(r"(有关|相关|所有|全体|其他|其它)(的)?(部门|单位|乡镇|街道|科室|股室|企业|成员)"
                          r"|成员单位$|^(乡镇|乡镇街道|乡镇\(街道\)|街道|部门|单位)$"
                          r"|^(县|区|市|旗)直(机关)?(部门|单位)$")


def split_unit_list(text: str, known_groups: Iterable[str] = ()) -> list[str]:
    """Split 县委组织部、统战部、各乡镇场、街道 into names, keeping group words whole."""
    text = clean(text).replace("\n", "、")
    if not text:
        return []
    protected: dict[str, str] = {}
    for i, g in enumerate(sorted({clean(g) for g in known_groups if g}, key=len, reverse=True)):
        if any(sep in g for sep in NAME_SEPARATORS) and g in text:
            token = f"\uE000{i}\uE001"
            protected[token] = g
            text = text.replace(g, token)
    parts = split_outside_brackets(text)
    out: list[str] = []
    for p in parts:
        for token, g in protected.items():
            p = p.replace(token, g)
        p = p.strip(" 。.:：")
        if not p:
            continue
        if out and is_group_word(out[-1]) and norm_key(p) in _GROUP_TAILS:
            out[-1] = f"{out[-1]}、{p}"
            continue
        out.append(p)
    return out


@dataclass
class Resolution:
    text: str
    kind: Kind
    units: list[Unit] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)  # closest names when unknown/ambiguous
    via: str = ""  # exact | alias | prefix | suffix | group | category

    @property
    def ok(self) -> bool:
        return self.kind in ("unit", "group") and bool(self.units)


def _fields(unit: Unit) -> tuple[Any, ...]:
    """A unit's fields as a hashable value: equal exactly when the units are equal (==)."""
    return tuple(tuple(v) if isinstance(v, list) else v for v in (getattr(unit, f.name) for f in fields(unit)))


class UnitRegistry:
    """Canonical units with their aliases and groups; built from the 单位 sheet."""

    def __init__(self, units: Iterable[Unit], region: str = "") -> None:
        self.units: list[Unit] = list(units)
        self.region = clean(region)
        self._by_key: dict[str, list[Unit]] = {}
        self._by_stripped: dict[str, list[Unit]] = {}
        # Why a set beside each list: a group word such as 各成员单位 names every unit, and
        # checking "already listed?" against the list was quadratic in the number of units
        self._listed: set[tuple[int, str, tuple[Any, ...]]] = set()
        for u in self.units:
            for name in (u.name, *u.aliases):
                self._add(self._by_key, norm_key(name), u)
                self._add(self._by_stripped, self._strip(name), u)
        self._group_members: dict[str, list[Unit]] = {}
        for u in self.units:
            for g in u.groups:
                self._add(self._group_members, norm_key(g), u)

    def _add(self, index: dict[str, list[Unit]], key: str, unit: Unit) -> None:
        """List ``unit`` under ``key`` once; an equal unit (a row given twice) counts as listed."""
        if key:
            seen = (id(index), key, _fields(unit))
            if seen not in self._listed:
                self._listed.add(seen)
                index.setdefault(key, []).append(unit)

    def _strip(self, name: str) -> str:
        """Key without the county prefix: 示例县教育局 / 县教育局 / 教育局 compare equal."""
        key = norm_key(name)
        region = norm_key(self.region)
        if region and key.startswith(region) and len(key) > len(region) + 1:
            key = key[len(region):]
        for p in ("中共", "县", "区", "市", "旗"):
            if key.startswith(p) and len(key) > len(p) + 1 and not key.startswith(p + "委") and not key.startswith(p + "直"):
                key = key[len(p):]
        return key

    @property
    def group_words(self) -> list[str]:
        seen: dict[str, str] = {}
        for u in self.units:
            for g in u.groups:
                seen.setdefault(norm_key(g), g)
        return list(seen.values())

    def get(self, name: str) -> Unit | None:
        r = self.resolve(name)
        return r.units[0] if r.kind == "unit" else None

    def split(self, text: str) -> list[str]:
        return split_unit_list(text, self.group_words)

    def named(self, text: str) -> Unit | None:
        """The one unit ``text`` names exactly, by its name, an alias or the name without the
        region prefix — no suffix match, no suggestions. Why: scanning a file name or a title
        for unit names tries many pieces that name no unit, and :meth:`resolve`'s fuzzy
        suggestions for each would cost a comparison with every registered unit."""
        key = norm_key(clean(text))
        if not key or key in self._group_members:
            return None
        hits = self._by_key.get(key) or ([] if is_group_word(text) else self._by_stripped.get(self._strip(clean(text)), []))
        return hits[0] if len(hits) == 1 else None

    def resolve(self, text: str) -> Resolution:
        name = clean(text)
        key = norm_key(name)
        if not key:
            return Resolution(name, "unknown")
        if key in self._group_members:
            return Resolution(name, "group", list(self._group_members[key]), via="group")
        hits = self._by_key.get(key, [])
        if len(hits) == 1:
            via = "exact" if norm_key(hits[0].name) == key else "alias"
            return Resolution(name, "unit", hits, via=via)
        if len(hits) > 1:
            return Resolution(name, "ambiguous", candidates=[u.name for u in hits])
        if is_group_word(name):
            return self._resolve_group_by_category(name)
        hits = self._by_stripped.get(self._strip(name), [])
        if len(hits) == 1:
            return Resolution(name, "unit", hits, via="prefix")
        if len(hits) > 1:
            return Resolution(name, "ambiguous", candidates=[u.name for u in hits])
        # 统战部 -> 县委统战部: a unique unit whose name ends with what was written
        stripped = self._strip(name)
        if len(stripped) >= 2:
            ends = [u for u in self.units if norm_key(u.name).endswith(stripped)
                    or any(norm_key(a).endswith(stripped) for a in u.aliases)]
            if len(ends) == 1:
                return Resolution(name, "unit", ends, via="suffix")
            if len(ends) > 1:
                return Resolution(name, "ambiguous", candidates=[u.name for u in ends])
        return Resolution(name, "unknown", candidates=self.suggest(name))

    def _resolve_group_by_category(self, name: str) -> Resolution:
        key = norm_key(name)
        for pattern, category in _GROUP_CATEGORY:
            if pattern.search(key):
                members = [u for u in self.units if u.category == category]
                return Resolution(name, "group", members, via="category")
        return Resolution(name, "group", [], via="category")

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Up to n unit names closest to ``name`` (for unknown-unit findings)."""
        names = {norm_key(u.name): u.name for u in self.units}
        for u in self.units:
            for a in u.aliases:
                names.setdefault(norm_key(a), u.name)
        target = self._strip(name)
        scored = []
        for k, canonical in names.items():
            s = difflib.SequenceMatcher(None, target, self._strip(k)).ratio()
            if set(target) & set(k):
                scored.append((s, canonical))
        scored.sort(key=lambda p: -p[0])
        out: list[str] = []
        for s, canonical in scored:
            if s >= 0.4 and canonical not in out:
                out.append(canonical)
            if len(out) == n:
                break
        return out


@dataclass
class Assignment:
    task: Task
    role: str  # "lead" | "co"


def assignments(tasks: Iterable[Task], registry: UnitRegistry) -> dict[str, list[Assignment]]:
    """Unit name -> the tasks it is responsible for, in task order, group words expanded.

    A unit named both as lead (directly or through a group) and as co-unit is lead. Names
    that do not resolve are left out here; ``check_master`` reports them.
    """
    tasks = list(tasks)
    out: dict[str, list[Assignment]] = {}
    for task, pairs in zip(tasks, task_roles(tasks, registry)):
        for name, role in pairs:
            out.setdefault(name, []).append(Assignment(task, role))
    return {u.name: out[u.name] for u in registry.units if u.name in out}


def task_roles(tasks: Iterable[Task], registry: UnitRegistry) -> list[list[tuple[str, str]]]:
    """Each task's (unit, role) pairs, group words expanded, in the order the names are written.

    Worked out once per distinct 牵头单位/配合单位 text (tasks with the same text share one list):
    a county's tasks mostly name the same groups, and 各成员单位 expanded per task was most of
    the cost of reading 300 units' returns.
    """
    memo: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = {}
    out = []
    for task in tasks:
        key = (task.lead, tuple(task.co_units))
        pairs = memo.get(key)
        if pairs is None:
            roles: dict[str, str] = {}
            for i, written in enumerate(responsible_names(task, registry)):
                role = "lead" if i == 0 else "co"
                r = registry.resolve(written)
                if not r.ok:
                    continue
                for u in r.units:
                    if roles.get(u.name) != "lead":
                        roles[u.name] = role
            pairs = memo[key] = list(roles.items())
        out.append(pairs)
    return out


def responsible_names(task: Task, registry: UnitRegistry) -> list[str]:
    """The names written in 牵头单位 then 配合单位, split into single names.

    A 牵头单位 cell holding several names (常见: 责任单位 column copied in) makes the first the
    lead and the rest co-units, which is how the plans themselves read.
    """
    names = registry.split(task.lead) if task.lead else []
    for co in task.co_units:
        names.extend(registry.split(co))
    return unique_names(names)
