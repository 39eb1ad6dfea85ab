"""Clauses written inside a numbered item, and plans with more items than the outline used to see.

A red-team probe (R1): `1. 开展工作1，牵头单位：县委组织部，完成时限：2026年12月底。` gave no units (the
label after a comma was not read), and in a 100 000-item plan item 1000 and everything after it
became the text of item 999 (numbers stopped at three digits), without a word. Files are built
here; expected values are written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.robustness import run_cli
from sheetsync.core.errors import FileUnusable
from sheetsync.i18n import set_lang
from sheetsync.plan import import_plan
from sheetsync.plan.limits import MAX_PLAN_ITEMS
from sheetsync.plan.outline import Marker, Node, continued_marker
from sheetsync.plan.structure import build_parts


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


INLINE = """示例县2026年重点工作实施方案
一、主要任务
1. 开展工作一，牵头单位：县委组织部，完成时限：2026年12月底。
2. 开展工作二，责任单位：县财政局、县教育局、各乡镇，完成时限：2026年6月30日前。
3. 开展工作三，牵头单位：县委宣传部，配合单位：县文明办、县妇联，完成时限：2026年9月底。
4. 开展工作四，牵头单位:县民政局，配合单位:县卫健局，完成时限:2026年10月底。
5. 开展工作五（牵头单位：县委组织部；配合单位：县财政局、各乡镇）。
6. 开展工作六(牵头单位:县人社局;配合单位:县总工会)，完成时限：2026年11月底。
7. 开展工作七，完成时限：2026年8月底，牵头单位：县住建局，配合单位：县城管局。
8. 开展工作八。完成时限：2026年7月底前。责任单位：县公安局、县司法局
9. 开展工作九，配合单位：县科协，牵头单位：县科技局。
"""

EXPECTED = {  # id: (title, lead, co-units, deadline)
    "1": ("开展工作一", "县委组织部", [], "2026年12月底"),
    "2": ("开展工作二", "县财政局", ["县教育局", "各乡镇"], "2026年6月30日前"),
    "3": ("开展工作三", "县委宣传部", ["县文明办", "县妇联"], "2026年9月底"),
    "4": ("开展工作四", "县民政局", ["县卫健局"], "2026年10月底"),
    "5": ("开展工作五", "县委组织部", ["县财政局", "各乡镇"], ""),
    "6": ("开展工作六", "县人社局", ["县总工会"], "2026年11月底"),
    "7": ("开展工作七", "县住建局", ["县城管局"], "2026年8月底"),
    "8": ("开展工作八", "县公安局", ["县司法局"], "2026年7月底前"),
    "9": ("开展工作九", "县科技局", ["县科协"], ""),
}


def test_inline_clauses_inside_an_item(tmp_path: Path):
    """牵头单位/责任单位/配合单位 after a comma, with an ASCII colon, in either bracket, before or
    after the deadline: lead, co-units and 完成时限 per task, and the clause out of the title."""
    path = tmp_path / "inline.txt"
    path.write_text(INLINE, encoding="utf-8")
    result = import_plan(path)
    got = {it.task.id: (it.task.title, it.task.lead, it.task.co_units, it.task.deadline) for it in result.tasks}
    assert got == EXPECTED
    assert all("单位" not in it.task.content and "时限" not in it.task.content for it in result.tasks)


def test_three_line_probe_plan_gets_its_units(tmp_path: Path):
    path = tmp_path / "small.txt"
    path.write_text("一、主要任务\n" + "".join(
        f"{i}. 开展工作{i}，牵头单位：县委组织部，完成时限：2026年12月底。\n" for i in range(1, 4)), encoding="utf-8")
    tasks = import_plan(path).tasks
    assert [(it.task.id, it.task.title, it.task.lead, it.task.deadline) for it in tasks] == [
        (str(i), f"开展工作{i}", "县委组织部", "2026年12月底") for i in range(1, 4)]


def _numbered_plan(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as f:
        f.write("示例县2026年重点工作实施方案\n一、主要任务\n")
        for i in range(1, n + 1):
            f.write(f"{i}. 开展工作{i}，牵头单位：县委组织部，配合单位：县财政局，完成时限：2026年12月底。\n")
    return path


def test_five_thousand_tasks_are_all_imported(tmp_path: Path):
    """Past 999 the numbering goes on: every item is its own task, none folded into another's text."""
    result = import_plan(_numbered_plan(tmp_path / "p5000.txt", 5000))
    tasks = [it.task for it in result.tasks]
    assert len(tasks) == 5000
    assert [t.id for t in tasks] == [str(i) for i in range(1, 5001)]
    last = tasks[-1]
    assert (last.title, last.lead, last.co_units, last.deadline) == ("开展工作5000", "县委组织部", ["县财政局"],
                                                                      "2026年12月底")
    assert tasks[998].content == "" and tasks[999].title == "开展工作1000"


@pytest.mark.parametrize(("text", "open_kind", "open_label", "open_number", "kind", "label"), [
    ("1000. 开展工作", "num", "999", 999, "num", "1000"),
    ("１０００．开展工作", "num", "999", 999, "num", "1000"),
    ("1000、开展工作", "num", "999", 999, "num", "1000"),
    ("（1000）开展工作", "num_paren", "(999)", 999, "num_paren", "(1000)"),
    ("100）开展工作", "num_rparen", "99)", 99, "num_rparen", "100)"),
    ("1.100 开展工作", "dec2", "1.99", 99, "dec2", "1.100"),
])
def test_long_numbers_continue_their_list(text, open_kind, open_label, open_number, kind, label):
    m = continued_marker(text, [Node(open_kind, open_label, open_number, "开展工作", 0)])
    assert isinstance(m, Marker) and (m.kind, m.label, m.number, m.text) == (kind, label, open_number + 1, "开展工作")


def test_long_numbers_are_items_only_where_they_continue_a_list():
    """Years and quantities keep being text: 2021、2022年… after item 3 is not item 2021."""
    parent = Node("num", "999", 999, "开展工作999", 0)
    assert continued_marker("1001. 开展工作", [parent]) is None
    assert continued_marker("1000. 开展工作", []) is None
    assert continued_marker("1000.", [parent]) is None
    assert continued_marker("1.100万人参加", [Node("dec2", "1.99", 99, "x", 0)]) is None
    parts = build_parts(["一、主要任务", "1. 开展工作", "2. 开展工作", "3. 开展工作", "2021、2022年连续开展评选。"])
    third = parts[0].roots[0].children[2]
    assert third.body == ["2021、2022年连续开展评选。"] and len(parts[0].roots[0].children) == 3


def test_plan_over_the_item_limit_is_refused_by_the_cli(tmp_path: Path):
    """A real process: exit 2, the file and the limit named with what to do, no master written."""
    plan_file = _numbered_plan(tmp_path / "big.txt", MAX_PLAN_ITEMS)  # + the 一、 heading: one over
    out = tmp_path / "m.xlsx"
    proc = run_cli("import-plan", plan_file, "-o", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "big.txt" in proc.stderr and str(MAX_PLAN_ITEMS) in proc.stderr and "拆" in proc.stderr
    assert "导入" not in proc.stdout and not out.exists()
    proc = run_cli("import-plan", plan_file, "-o", out, lang="en")
    assert proc.returncode == 2 and "split the plan" in proc.stderr and not out.exists()


def test_breakdown_table_over_the_item_limit_is_refused(tmp_path: Path):
    path = tmp_path / "table.txt"
    rows = ["序号\t重点任务\t牵头单位\t完成时限"] + [
        f"{i}\t开展工作{i}\t县委组织部\t2026年12月底" for i in range(1, MAX_PLAN_ITEMS + 2)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(FileUnusable) as exc:
        import_plan(path)
    assert "table.txt" in exc.value.message and str(MAX_PLAN_ITEMS) in exc.value.message


def test_rows_and_items_of_one_width_are_not_joined_as_wrapped_text(tmp_path: Path):
    """A .txt whose lines share a width looks hard-wrapped: tab-separated rows 10…29 and items
    1000… (no 。 at the end) were joined onto the line above — 9 of 29 rows, 1000 of 3000 items."""
    table = tmp_path / "table.txt"
    table.write_text("\n".join(["序号\t重点任务\t牵头单位\t完成时限"] + [
        f"{i}\t开展工作{i}\t县委组织部\t2026年12月底" for i in range(1, 30)]) + "\n", encoding="utf-8")
    tasks = [it.task for it in import_plan(table).tasks]
    assert [t.id for t in tasks] == [str(i) for i in range(1, 30)]
    assert (tasks[-1].title, tasks[-1].lead, tasks[-1].deadline) == ("开展工作29", "县委组织部", "2026年12月底")
    items = tmp_path / "items.txt"
    items.write_text("一、主要任务\n" + "".join(f"{i}. 开展工作{i}，牵头单位：县委组织部\n" for i in range(1, 3001)),
                     encoding="utf-8")
    tasks = [it.task for it in import_plan(items).tasks]
    assert len(tasks) == 3000 and not any(t.content for t in tasks)
    assert (tasks[-1].id, tasks[-1].title, tasks[-1].lead) == ("3000", "开展工作3000", "县委组织部")


def test_circled_and_bracketed_items_past_twenty_and_ninety_nine(tmp_path: Path):
    """① … ㊿ and 1）… 120）: no item folded into the one before (⑳ and 99） were the last)."""
    circled = "".join(chr(c) for c in [*range(0x2460, 0x2474), *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)])
    path = tmp_path / "circled.txt"
    path.write_text("一、主要任务\n" + "".join(f"{ch}开展工作{i}，责任单位：县委组织部\n" for i, ch in enumerate(circled, 1))
                    + "二、其他任务\n" + "".join(f"{i}）推进工作{i}，责任单位：县财政局\n" for i in range(1, 121)),
                    encoding="utf-8")
    tasks = [it.task for it in import_plan(path).tasks]
    assert [t.title for t in tasks] == [f"开展工作{i}" for i in range(1, 51)] + [f"推进工作{i}" for i in range(1, 121)]
    assert not any(t.content for t in tasks) and tasks[49].lead == "县委组织部" and tasks[-1].lead == "县财政局"
