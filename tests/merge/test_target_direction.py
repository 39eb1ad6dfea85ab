"""Issue 15, symptom 3: a target keeps its direction from the plan and the master's 目标值 cell
through split, returns and merge to the roll-up's gaps (≤5 met by 3, missed by 7).

Through the real pipeline: a master written and typed into with openpyxl → check → split →
returns filled with openpyxl → merge → gaps.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from helpers.robustness_county import fill
from sheetsync.demo import data as demo_data
from sheetsync.master.check import check_master
from sheetsync.master.workbook import read_master, write_master
from sheetsync.merge import merge_returns
from sheetsync.split.workbook import split_master

AS_OF = date(2026, 12, 31)
# 目标值 as a clerk types it -> (direction, value reported, a 未达目标 gap expected)
TYPED = [
    ("≤5", "<=", 3, False),
    ("<=5", "<=", 7, True),
    ("不超过5", "<=", 5, False),
    ("控制在5%以内", "<=", 7, True),
    ("5%以下", "<=", 3, False),
    ("低于5", "<", 5, True),
    ("不少于2次", ">=", 2, False),
    ("≥2", ">=", 1, True),
    ("2", ">=", 3, False),
]


@pytest.fixture()
def county(tmp_path: Path):
    m = demo_data.master()
    m.tasks = m.tasks[:len(TYPED)]
    for tk in m.tasks:
        tk.co_units, tk.target, tk.target_unit = [], None, ""
    path = write_master(m, tmp_path / "master.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["任务"]
    for r, (typed, *_rest) in enumerate(TYPED, start=2):
        assert ws.cell(row=1, column=8).value == "目标值"
        ws.cell(row=r, column=8).value = typed  # the clerk types the target, direction and all
    wb.save(path)
    return tmp_path, path


def test_master_cell_keeps_the_direction(county) -> None:
    tmp, path = county
    master = read_master(path)
    assert [(tk.target, tk.target_op) for tk in master.tasks] == [
        (5.0, "<="), (5.0, "<="), (5.0, "<="), (5.0, "<="), (5.0, "<="), (5.0, "<"), (2.0, ">="), (2.0, ">="),
        (2.0, ">=")]
    assert not [f for f in check_master(master) if f.code == "bad-target"]
    # written back: a number for "at least", text for an upper limit; read back the same
    again = write_master(master, tmp / "again.xlsx")
    cells = [r[7] for r in openpyxl.load_workbook(again)["任务"].iter_rows(min_row=2, values_only=True)]
    assert cells == ["≤5", "≤5", "≤5", "≤5", "≤5", "<5", 2, 2, 2]
    assert [(tk.target, tk.target_op) for tk in read_master(again).tasks] == [
        (tk.target, tk.target_op) for tk in master.tasks]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rollup_judges_in_the_target_direction(county, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp, path = county
    master = read_master(path)
    res = split_master(master, tmp / "out", issued_at=datetime(2026, 12, 1))
    files = {w.unit: w.file for w in res.workbooks}
    shown = {}
    for file in files.values():
        ws = openpyxl.load_workbook(file)["填报"]
        shown.update({ws.cell(row=r, column=1).value: ws.cell(row=r, column=6).value for r in range(4, ws.max_row + 1)})
    by_unit: dict[str, dict[str, tuple]] = {}
    for tk, (_typed, _op, value, _gap) in zip(master.tasks, TYPED):
        assert shown[tk.id] == (2 if tk.target_op == ">=" else f"{'≤' if tk.target_op == '<=' else '<'}5")
        by_unit.setdefault(tk.lead, {})[tk.id] = ("已完成", 100, value, "完成", "无")
    for unit, values in by_unit.items():
        fill(files[unit], tmp / "in" / f"{unit}.xlsx", values)
    monkeypatch.setenv("SHEETSYNC_LANG", lang)  # gap details are in the process language (--lang)
    rollup = merge_returns(path, [tmp / "in"], tmp / "rollup.xlsx", as_of=AS_OF, lang=lang).rollup
    below = {g.task_id: g.detail for g in rollup.gaps if g.type == "below_target"}
    assert set(below) == {tk.id for tk, (*_x, gap) in zip(master.tasks, TYPED) if gap}
    over = "超过上限" if lang == "zh" else "over the limit"
    for tk, (_typed, op, value, gap) in zip(master.tasks, TYPED):
        if gap:
            assert (over in below[tk.id]) == (op != ">="), below[tk.id]
            assert str(value) in below[tk.id]


def test_plan_import_keeps_the_direction(tmp_path: Path) -> None:
    from sheetsync.plan import import_plan

    plan = tmp_path / "plan.txt"
    plan.write_text("示例县实施方案\n一、重点任务\n（一）减少信访积案，积案数量不超过5件。（牵头单位：县信访局）\n"
                    "（二）开展专题培训，每年不少于2次。（牵头单位：县委组织部）\n"
                    "（三）控制行政成本，增幅控制在5%以内。（牵头单位：县财政局）\n", encoding="utf-8")
    result = import_plan(plan)
    ops = {it.task.title[:4]: (it.task.target, it.task.target_op) for it in result.tasks}
    assert ops == {"减少信访": (5.0, "<="), "开展专题": (2.0, ">="), "控制行政": (5.0, "<=")}
