"""A careless clerk's 考核: numbers float() accepts but no score survives (nan, inf, 1e300) in the
考核规则 sheet, the 设置 or --weights; one period named twice; a --due for a period not assessed;
two rules for one trigger. Each is a message naming the cell or option (or a warning), never NaN
scores, a traceback, a halved weight or an input ignored without a word.

Real parts: the demo county's master and ledger (two quarters), edited copies written with
openpyxl; the CLI in a real process.
"""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from helpers.robustness import run_cli
from sheetsync.assess import assess_units
from sheetsync.assess.score import parse_weights
from sheetsync.core.errors import SheetsyncError

MASTER = "示例县_任务分解表.xlsx"
P3, P4 = "2026年第3季度", "2026年第4季度"
RULES_HEAD = ["规则编号", "考核项目", "类别", "适用对象", "触发", "分值", "计分方式", "上限", "依据"]
RULES = [RULES_HEAD,
         ["R01", "未报送", "扣分", "全部", "未报送", 10, "每期", None, ""],
         ["R02", "迟报", "扣分", "全部", "迟报", 2, "每期", None, ""],
         ["R04", "逾期未完成", "扣分", "全部", "逾期未完成", 2, "每项", None, ""]]


def county_copy(demo, tmp_path: Path, rules: list[list[object]] | None = None,
                settings: dict[str, object] | None = None, bonus: list[list[object]] | None = None) -> tuple[Path, Path]:
    """(a copy of the demo master with these sheets, a copy of its ledger)."""
    folder, _ = demo
    master, db = tmp_path / MASTER, tmp_path / "sheetsync.db"
    shutil.copy(folder / MASTER, master)
    shutil.copy(folder / "sheetsync.db", db)
    wb = openpyxl.load_workbook(master)
    if rules is not None:
        ws = wb.create_sheet("考核规则")
        for row in rules:
            ws.append(row)
    for key, value in (settings or {}).items():
        wb["设置"].append([key, value, ""])
    if bonus is not None:
        ws = wb.create_sheet("加分申报")
        for row in [["单位", "项目", "分值", "佐证材料"], *bonus]:
            ws.append(row)
    wb.save(master)
    return master, db


@pytest.mark.parametrize("weights", [f"{P3}:nan;{P4}:1", f"{P3}:inf;{P4}:1", f"{P3}:1e308;{P4}:1e308"])
def test_weights_float_accepts_but_no_score_survives_are_refused(demo, tmp_path: Path, weights: str) -> None:
    with pytest.raises(SheetsyncError):
        parse_weights(weights, [P3, P4])
    master, db = county_copy(demo, tmp_path)
    proc = run_cli("assess", master, "--ledger", db, "--weights", weights, "--json")
    assert proc.returncode == 2, proc.stdout[:300]
    assert "NaN" not in proc.stdout and "Traceback" not in proc.stderr and "权重" in proc.stderr


@pytest.mark.parametrize("second", [P3, "2026Q3"])
def test_one_period_named_twice_is_refused_not_scored_twice(demo, tmp_path: Path, second: str) -> None:
    master, db = county_copy(demo, tmp_path)
    proc = run_cli("assess", master, "--ledger", db, "--period", P3, "--period", second)
    assert proc.returncode == 2 and "同一期" in proc.stderr, proc.stderr
    proc = run_cli("assess", master, "--ledger", db, "--weights", f"{P3}:0.5;{second}:0.5")
    assert proc.returncode == 2 and "同一期" in proc.stderr, proc.stderr


def test_a_due_is_matched_by_period_and_a_due_for_no_assessed_period_is_refused(demo, tmp_path: Path) -> None:
    master, db = county_copy(demo, tmp_path)
    plain = assess_units(master, [P3, P4], db_path=db)
    early = date(2026, 9, 1)  # every third-quarter return is late against this
    spelled = assess_units(master, [P3, P4], db_path=db, dues={"2026Q3": early})
    typed = assess_units(master, [P3, P4], db_path=db, dues={P3: early})
    late = {(ln.unit, ln.period) for ln in typed.lines if ln.rule == "R02" and ln.points}
    assert late and {(ln.unit, ln.period) for ln in spelled.lines if ln.rule == "R02" and ln.points} == late
    assert late != {(ln.unit, ln.period) for ln in plain.lines if ln.rule == "R02" and ln.points}
    with pytest.raises(SheetsyncError, match="abc"):
        assess_units(master, [P3, P4], db_path=db, dues={"abc": early})
    proc = run_cli("assess", master, "--ledger", db, "--due", "2025年第1季度:2025-03-25")
    assert proc.returncode == 2 and "2025年第1季度" in proc.stderr, proc.stderr


@pytest.mark.parametrize(("column", "value"), [(5, "nan"), (5, "inf"), (5, 1e300), (7, "nan"), (7, "-inf")])
def test_a_rule_cell_with_nan_inf_or_a_huge_number_is_an_error_at_its_cell(demo, tmp_path: Path, column: int,
                                                                          value: object) -> None:
    rules = copy.deepcopy(RULES)
    rules[3][column] = value
    master, db = county_copy(demo, tmp_path, rules)
    proc = run_cli("assess", master, "--ledger", db, "--json")
    assert proc.returncode == 2, proc.stdout[:300]
    assert f"考核规则!{'FH'[column == 7]}4" in proc.stderr and "NaN" not in proc.stdout


@pytest.mark.parametrize(("key", "value"), [("基础分", "inf"), ("基础分", "nan"), ("配合系数", "nan"),
                                            ("进展情况最少字数", "inf"), ("牵头系数", "1e309")])
def test_a_setting_with_nan_or_inf_is_refused_at_its_cell(demo, tmp_path: Path, key: str, value: str) -> None:
    master, db = county_copy(demo, tmp_path, settings={key: value})
    proc = run_cli("assess", master, "--ledger", db, "--json")
    assert proc.returncode == 2, proc.stdout[:300]
    assert "Traceback" not in proc.stderr and key in proc.stderr and "设置!" in proc.stderr


def test_a_bonus_of_inf_is_an_error_at_its_cell(demo, tmp_path: Path) -> None:
    master, db = county_copy(demo, tmp_path, bonus=[["县委组织部", "示范", "inf", "通报"]])
    proc = run_cli("assess", master, "--ledger", db, "--json")
    assert proc.returncode == 2 and "加分申报!C2" in proc.stderr, proc.stderr


def test_two_rules_deducting_for_one_trigger_are_warned(demo, tmp_path: Path) -> None:
    from sheetsync.master.check import check_master
    from sheetsync.master.workbook import read_master

    rules = [*RULES, ["R11", "逾期（新）", "扣分", "全部", "逾期未完成", 3, "每项", None, ""]]
    master, db = county_copy(demo, tmp_path, rules)
    found = [f for f in check_master(read_master(master)) if f.code == "assess-same-trigger"]
    assert [(f.severity, f.cell) for f in found] == [("warning", "A5")]
    proc = run_cli("assess", master, "--ledger", db)
    assert proc.returncode == 0 and "R11" in proc.stderr and "R04" in proc.stderr, proc.stderr
    # the same trigger for two different groups is a county's choice, not a slip
    split = [*RULES, ["R11", "逾期（乡镇）", "扣分", "乡镇(街道)", "逾期未完成", 3, "每项", None, ""]]
    (tmp_path / "groups").mkdir()
    master, _ = county_copy(demo, tmp_path / "groups", split)
    assert not [f for f in check_master(read_master(master)) if f.code == "assess-same-trigger"]


def test_a_review_of_another_levels_result_records_nothing(demo, tmp_path: Path) -> None:
    """The township's 考核结果 (its villages) given as the county's --review: its override was
    recorded in the county's ledger for a unit the county does not have."""
    import sqlite3

    folder, _ = demo
    town = folder / "三级联动/城关镇"
    result = tmp_path / "城关镇_考核结果.xlsx"
    assess_units(town / "城关镇_任务分解表.xlsx", output=result)
    wb = openpyxl.load_workbook(result)
    ws = wb["扣分明细"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("复核后分值") + 1).value = 0
    ws.cell(2, head.index("复核意见") + 1).value = "已核实"
    wb.save(result)
    master, db = county_copy(demo, tmp_path)
    proc = run_cli("assess", master, "--ledger", db, "--review", result)
    assert proc.returncode == 2 and "另一方案" in proc.stderr, proc.stderr
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT COUNT(*) FROM decisions WHERE kind='assess-review'").fetchone()[0] == 0
    finally:
        con.close()


def test_a_rules_sheet_without_rows_is_warned_and_one_without_a_header_refused(demo, tmp_path: Path) -> None:
    """A header-only 考核规则 replaced the defaults with nothing (every unit 100, all on the 红榜)
    unsaid; a 考核规则 sheet whose header is not found was ignored for the defaults unsaid."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    master, db = county_copy(demo, tmp_path / "a", [RULES_HEAD])
    proc = run_cli("assess", master, "--ledger", db)
    assert proc.returncode == 0 and "考核规则!A1" in proc.stderr and "不扣分" in proc.stderr, proc.stderr
    master, db = county_copy(demo, tmp_path / "b", [["编号", "名称"], ["R01", "未报送"]])
    proc = run_cli("assess", master, "--ledger", db)
    assert proc.returncode == 2 and "找不到表头" in proc.stderr, proc.stderr
