"""The unit registry never guesses: aliases, prefixes and groups resolve; the rest are findings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.core.model import Task, Unit
from sheetsync.core.textnorm import norm_key
from sheetsync.core.units import UnitRegistry, assignments, split_unit_list
from sheetsync.demo import data as demo_data

REG = UnitRegistry(demo_data.units(), demo_data.REGION)


def test_aliases_prefixes_and_short_forms() -> None:
    assert REG.resolve("县委统战部").via == "exact"
    assert REG.resolve("统战部").units[0].name == "县委统战部"
    assert REG.resolve("示例县教育局").units[0].name == "县教育局"
    assert REG.resolve("教育局").units[0].name == "县教育局"
    assert REG.resolve("县教委").units[0].name == "县教育局"
    assert REG.resolve("县委党校（县行政学校）").units[0].name == "县委党校(县行政学校)"


def test_unknown_and_ambiguous_give_candidates() -> None:
    r = REG.resolve("县大数据中心")
    assert r.kind == "unknown" and r.candidates and len(r.candidates) <= 3
    r = REG.resolve("办公室")
    assert r.kind == "ambiguous" and set(r.candidates) == {"县委办公室", "县政府办公室"}


def test_groups_by_listed_membership() -> None:
    towns = REG.resolve("各乡镇(街道)")
    assert towns.kind == "group" and len(towns.units) == 12
    assert REG.resolve("各乡镇（街道）").units == towns.units
    assert {u.category for u in REG.resolve("政府各部门").units} == {"government"}


def test_group_words_containing_the_separator_stay_whole() -> None:
    assert split_unit_list("县委组织部、统战部、各乡镇场、街道") == ["县委组织部", "统战部", "各乡镇场、街道"]
    assert split_unit_list("县委党校(县行政学校、研究室)，县教育局") == ["县委党校(县行政学校、研究室)", "县教育局"]


def test_lead_wins_over_co_and_groups_expand() -> None:
    units = [Unit("甲局", category="government", groups=["政府各部门"]), Unit("乙局", category="government", groups=["政府各部门"])]
    reg = UnitRegistry(units)
    tasks = [Task("1", "t", lead="甲局", co_units=["政府各部门"])]
    got = assignments(tasks, reg)
    assert [(a.task.id, a.role) for a in got["甲局"]] == [("1", "lead")]
    assert [(a.task.id, a.role) for a in got["乙局"]] == [("1", "co")]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.builds(Unit, name=st.sampled_from(["县教育局", "教育局", "城关镇", "示例县城关镇", ""]),
                          aliases=st.lists(st.sampled_from(["教委", "城关", "县教委"]), max_size=2),
                          groups=st.lists(st.sampled_from(["各成员单位", "各乡镇(街道)", "政府各部门"]), max_size=2),
                          phone=st.sampled_from(["", "123"])), max_size=12))
def test_registry_lists_each_unit_once_per_key_as_before(units: list[Unit]) -> None:
    """The indexes dedupe by equality, as the list search they replaced did (that search was
    quadratic: 3,000 units in one group took 1.4 s): a row given twice is listed once, two
    rows that differ in any field are both listed, in sheet order."""
    reg = UnitRegistry(units, "示例县")

    def naive(keys_of) -> dict[str, list[Unit]]:  # noqa: ANN001
        index: dict[str, list[Unit]] = {}
        for u in units:
            for key in keys_of(u):
                if key and u not in index.setdefault(key, []):
                    index[key].append(u)
        return {k: v for k, v in index.items() if v}

    assert reg._by_key == naive(lambda u: [norm_key(n) for n in (u.name, *u.aliases)])
    assert reg._by_stripped == naive(lambda u: [reg._strip(n) for n in (u.name, *u.aliases)])
    assert reg._group_members == naive(lambda u: [norm_key(g) for g in u.groups])
    for index in (reg._by_key, reg._group_members):
        for bucket in index.values():
            assert all(bucket[i] is not bucket[j] for i in range(len(bucket)) for j in range(i))


def test_named_finds_exactly_what_resolve_finds_by_name_alias_or_prefix() -> None:
    """``named`` (used to scan file names and titles for units) agrees with ``resolve`` on the
    exact kinds and says nothing where resolve would guess (suffix, suggestions, groups)."""
    from sheetsync.core.units import UnitRegistry
    from sheetsync.demo import data as demo_data

    reg = UnitRegistry(demo_data.units(), demo_data.REGION)
    texts = [u.name for u in reg.units] + [a for u in reg.units for a in u.aliases] + [
        "2026年第4季度", "任务进展填报表", "统战部", "办公室", "各乡镇(街道)", "县大数据中心", "", "医院"]
    for text in texts:
        r = reg.resolve(text)
        want = r.units[0].name if r.kind == "unit" and r.via in ("exact", "alias", "prefix") else None
        got = reg.named(text)
        assert (got.name if got else None) == want, text
