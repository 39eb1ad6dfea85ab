"""考核: a small county merged into a real ledger, scored, and checked against a hand computation.

Six units in two groups; two periods (2026年第3季度, 2026年第4季度) merged into one SQLite ledger
from real return workbooks; the result workbook is read back and opened in LibreOffice.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import sheet_rows
from helpers.robustness_county import fill
from sheetsync.assess import assess_units
from sheetsync.core.model import Master, Task, Unit
from sheetsync.master.workbook import read_master, write_master
from sheetsync.merge import merge_returns
from sheetsync.split.workbook import split_master

P1, P2 = "2026年第3季度", "2026年第4季度"
AS_OF = date(2026, 12, 31)
LONG = "按计划推进，已召开专题会议部署落实"  # long enough not to be 内容空泛


def county_master(period: str, due: str) -> Master:
    units = [Unit("县教育局", category="government", email="jy@example.org"),
             Unit("县财政局", category="government", email="cz@example.org"),
             Unit("县民政局", category="government", email="mz@example.org"),  # no tasks: 不参评
             Unit("甲镇", category="township", email="j@example.org"),
             Unit("乙镇", category="township", email="y@example.org"),
             Unit("丙街道", category="township", email="b@example.org")]
    tasks = [Task("A1", "开展专题培训", lead="县教育局", co_units=["县财政局"], deadline="2026-11-30"),
             Task("A2", "落实保障经费", lead="县财政局", deadline="2027-06-30"),
             Task("A3", "组织宣讲活动", lead="县教育局", deadline="2027-06-30", target=10, target_unit="次"),
             Task("B1", "建设示范点", lead="甲镇", co_units=["乙镇", "丙街道"], deadline="2027-06-30"),
             Task("B2", "开展入户走访", lead="乙镇", deadline="2027-06-30")]
    return Master(tasks=tasks, units=units, settings={"region": "测试县", "plan": "测试方案", "period": period,
                                                      "due": due, "as_of": "2026-12-31", "year": "2026"})


def issue(folder: Path, period: str, due: str) -> tuple[Path, dict[str, Path]]:
    master = write_master(county_master(period, due), folder / f"master-{period}.xlsx")
    res = split_master(read_master(master), folder / f"out-{period}", issued_at=datetime(2026, 9, 1))
    return master, {w.unit: w.file for w in res.workbooks}


def add_sheets(master: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = openpyxl.load_workbook(master)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(master)


BONUS = [["单位", "项目", "分值", "佐证材料"],
         ["甲镇", "获评省级示范点", 3, "省民宗委通报"],
         ["甲镇", "经验在全市推广", 2, "市简报第5期"],
         ["甲镇", "信息被县委采用", 2, "县委信息第12期"],
         ["乙镇", "自报先进做法", 2, ""]]
VETO = [["单位", "事由", "日期"], ["丙街道", "发生重大安全责任事故", "2026-11-15"]]


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Both periods merged into one ledger; the P2 master carries the 加分申报 and 一票否决 sheets."""
    root = tmp_path_factory.mktemp("assess")
    db = root / "sheetsync.db"
    m1, f1 = issue(root, P1, "2026-09-30")
    on_time1 = datetime(2026, 9, 20, 10, 0)
    fill(f1["县教育局"], root / "in1" / "jy.xlsx", {"A1": ("已完成", 100, None, LONG, "无"),
                                                "A3": ("推进中", 50, 4, LONG, "无")}, on_time1)
    fill(f1["县财政局"], root / "in1" / "cz.xlsx", {"A1": ("已完成", 100, None, LONG, "无"),
                                                "A2": ("推进中", 50, None, LONG, "无")}, on_time1)
    fill(f1["乙镇"], root / "in1" / "y.xlsx", {"B1": ("推进中", 60, None, LONG, "无"),
                                             "B2": ("推进中", 60, None, LONG, "无")}, on_time1)
    fill(f1["丙街道"], root / "in1" / "b.xlsx", {"B1": ("推进中", 50, None, LONG, "无")}, on_time1)
    # 甲镇 sends nothing in P1
    merge_returns(m1, [root / "in1"], root / "rollup1.xlsx", period=P1, as_of=AS_OF, ledger_path=db)

    m2, f2 = issue(root, P2, "2026-12-25")
    on_time2 = datetime(2026, 12, 20, 10, 0)
    fill(f2["县教育局"], root / "in2" / "jy.xlsx", {"A1": ("推进中", 60, None, LONG, "培训经费不足"),
                                                "A3": ("已完成", 100, 6, LONG, "无")}, on_time2)
    fill(f2["县财政局"], root / "in2" / "cz.xlsx", {"A1": ("推进中", 50, None, LONG, "无")},
         datetime(2026, 12, 28, 9, 30))  # late; A2 left blank
    fill(f2["甲镇"], root / "in2" / "j.xlsx", {"B1": ("推进中", 60, None, "进展正常", "无")}, on_time2)
    fill(f2["丙街道"], root / "in2" / "b.xlsx", {"B1": ("滞后", 20, None, LONG, "无")}, on_time2)
    # 乙镇 sends nothing in P2
    merge_returns(m2, [root / "in2"], root / "rollup2.xlsx", period=P2, as_of=AS_OF, ledger_path=db)
    add_sheets(m2, {"加分申报": BONUS, "一票否决": VETO})
    return root, m2, db


def by_unit(res) -> dict[str, object]:
    return {u.unit: u for u in res.units}


def test_one_period_scored_exactly_as_by_hand(county, libreoffice) -> None:
    """P2 by hand. 县教育局: A1 overdue −2 (lead ×1), A3 6 of 10 −1; its 存在问题 costs nothing → 97.
    县财政局: A1 overdue as co-unit −2×0.5, A2 left blank −1, received 12-28 after the 12-25 due −2 → 96.
    甲镇: notes of 4 characters (内容空泛 is 0 by default); bonuses 3+2+2 capped at 5 → 105.
    乙镇: nothing sent −10 (its two tasks not deducted again) → 90; a bonus without evidence 0.
    丙街道: lagging as co-unit −1×0.5 → 99.5, 一票否决 → 一般 with 99.5 shown. 县民政局: no tasks."""
    root, master, db = county
    out = root / "考核结果.xlsx"
    res = assess_units(master, db_path=db, as_of=AS_OF, output=out)
    u = by_unit(res)
    got = {n: (x.score, x.grade, x.rank, x.board) for n, x in u.items() if x.assessed}
    assert got == {"县教育局": (97, "优秀", 1, "red"), "县财政局": (96, "优秀", 2, "red"),
                   "甲镇": (105, "优秀", 1, "red"), "丙街道": (99.5, "一般", 2, "black"), "乙镇": (90, "优秀", 3, "black")}
    assert not u["县民政局"].assessed and u["县民政局"].grade == "不参评" and u["县民政局"].board == ""
    assert [(ln.rule, ln.task, ln.points) for ln in u["县财政局"].lines] == [
        ("R04", "A1", -1.0), ("R03", "A2", -1.0), ("R02", "", -2.0)]
    late = u["县财政局"].lines[2]
    assert late.fact == "2026-12-28 收到，截止 2026-12-25，迟报3天" and "cz.xlsx" in late.source
    assert [ln.trigger for ln in u["乙镇"].lines if ln.kind == "deduct"] == ["not_reported"]
    assert not any(ln.trigger == "problem" for x in res.units for ln in x.lines)  # 存在问题 never deducted
    assert [(ln.kind, ln.points) for ln in u["甲镇"].lines] == [("bonus", 3), ("bonus", 2), ("bonus", 2), ("cap", -2)]
    assert u["乙镇"].action == "分管领导约谈" and u["丙街道"].action.startswith("一票否决：发生重大安全责任事故")

    # the workbook: 得分汇总 adds up from 扣分明细, text stays text, LibreOffice opens it
    summary = sheet_rows(out, "得分汇总")
    assert summary[0][:12] == ["单位", "分组", "基础分", "扣分", "加分", "得分", "等次", "组内排名", "较上期", "榜单",
                               "连续黑榜期数", "处理建议"]
    rows = {r[0]: r for r in summary[1:]}
    assert rows["县财政局"][2:8] == [100, 4, 0, 96, "优秀", 2] and rows["甲镇"][3:6] == [0, 5, 105]
    assert rows["县民政局"][6] == "不参评" and rows["县民政局"][7] is None
    detail = sheet_rows(out, "扣分明细")
    assert detail[0][:3] == ["期别", "单位", "规则编号"]
    for name, row in rows.items():
        if row[5] is not None:
            assert row[5] == pytest.approx(100 + sum(d[11] for d in detail[1:] if d[1] == name))
    town = sheet_rows(out, "排名-乡镇(街道)")
    assert town[1] == ["组内排名", "单位", "得分", "等次"] and [r[1] for r in town[2:]] == ["甲镇", "丙街道", "乙镇"]
    snapshot = sheet_rows(out, "规则快照")
    assert snapshot[1][:7] == ["R01", "未按时报送", "扣分", "全部", "未报送", 10, "每期"] and snapshot[1][9] == "默认"
    libreoffice([out], root / "pdf")


def test_periods_combined_with_weights(county) -> None:
    """0.3 × P1 + 0.7 × P2 (+ bonuses once). P1: 甲镇 sent nothing (90), everyone else 100.
    甲镇 0.3×90 + 0.7×100 + 5 = 102; 乙镇 0.3×100 + 0.7×90 = 93; 丙街道 30 + 0.7×99.5 = 99.65;
    县教育局 30 + 67.9 = 97.9; 县财政局 30 + 67.2 = 97.2."""
    root, master, db = county
    res = assess_units(master, [P1, P2], db_path=db, as_of=AS_OF, weights=f"{P1}:0.3;{P2}:0.7",
                       dues={P1: date(2026, 9, 30)})
    u = by_unit(res)
    assert {n: round(x.score, 2) for n, x in u.items() if x.assessed} == {
        "甲镇": 102, "乙镇": 93, "丙街道": 99.65, "县教育局": 97.9, "县财政局": 97.2}
    assert (u["甲镇"].change, u["乙镇"].change, u["县教育局"].change) == (10, -10, -3)
    # P1's 黑榜 was 甲镇, P2's 乙镇: nobody twice in a row
    assert u["乙镇"].board == "black" and u["乙镇"].consecutive_black == 1
    assert res.weights == {P1: 0.3, P2: 0.7}
    equal = assess_units(master, [P1, P2], db_path=db, as_of=AS_OF, dues={P1: date(2026, 9, 30)})
    assert round(by_unit(equal)["甲镇"].score, 2) == 100  # 45 + 50 + 5


def test_cli_json_prints_the_same(county) -> None:
    root, master, db = county
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "assess", str(master), "--ledger", str(db),
                           "--as-of", "2026-12-31", "--json"], capture_output=True, text=True, env=_env())
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["periods"] == [P2]
    units = {x["unit"]: x for x in data["units"]}
    assert (units["县财政局"]["score"], units["县财政局"]["rank"], units["县财政局"]["list"]) == (96, 2, "red")
    assert [(d["rule"], d["task"], d["points"]) for d in units["县财政局"]["deductions"]] == [
        ("R04", "A1", -1), ("R03", "A2", -1), ("R02", "", -2)]
    assert {"fact", "source"} <= set(units["县财政局"]["deductions"][0])


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "SHEETSYNC_LANG": "zh"}


def test_review_override_is_recorded_and_reapplied_after_a_remerge(county, tmp_path: Path) -> None:
    """县财政局 proves it sent on time: the 迟报 line's 复核后分值 set to 0 with a reason. The override
    is stored in the ledger, shown, and still applied after a later merge without --review."""
    root, master, db = county
    first = tmp_path / "r1.xlsx"
    assess_units(master, db_path=db, as_of=AS_OF, output=first)
    wb = openpyxl.load_workbook(first)
    ws = wb["扣分明细"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == "县财政局" and row[2].value == "R02":
            row[9].value, row[8].value = 0, "已提供12月24日邮件发送记录，按时报送"
    wb.save(first)
    res = assess_units(master, db_path=db, as_of=AS_OF, review=first, output=tmp_path / "r2.xlsx")
    assert res.reviews_recorded == 1 and by_unit(res)["县财政局"].score == 98
    # a re-merge (a resubmission of 丙街道) and a run without --review: the decision still holds
    m2 = root / f"master-{P2}.xlsx"
    again = assess_units(master, db_path=db, as_of=AS_OF, review=first)
    assert again.reviews_recorded == 0  # the same file twice records nothing new
    out = root / "out-2026年第4季度"
    issued = {p.name.split("_")[1]: p for p in out.glob("*.xlsx") if "_" in p.name}
    fill(issued["丙街道"], tmp_path / "in" / "b2.xlsx", {"B1": ("推进中", 60, None, LONG, "无")}, datetime(2026, 12, 22))
    merge_returns(m2, [tmp_path / "in"], tmp_path / "rollup.xlsx", period=P2, as_of=AS_OF, ledger_path=db)
    later = assess_units(master, db_path=db, as_of=AS_OF, output=tmp_path / "r3.xlsx")
    u = by_unit(later)
    assert u["县财政局"].score == 98 and u["丙街道"].score == 100
    late = next(ln for ln in u["县财政局"].lines if ln.rule == "R02")
    assert (late.points, late.reviewed, late.review_note) == (-2, 0, "已提供12月24日邮件发送记录，按时报送")
    detail = {(r[1], r[2]): r for r in sheet_rows(tmp_path / "r3.xlsx", "扣分明细")[1:]}
    assert detail[("县财政局", "R02")][7:10] == [-2, "已提供12月24日邮件发送记录，按时报送", 0]


def test_a_review_without_a_reason_is_refused(county, tmp_path: Path) -> None:
    from sheetsync.core.errors import SheetsyncError

    root, master, db = county
    first = assess_units(master, db_path=db, as_of=AS_OF, output=tmp_path / "r.xlsx").output
    wb = openpyxl.load_workbook(first)
    wb["扣分明细"]["J2"] = 0
    wb.save(first)
    with pytest.raises(SheetsyncError, match=r"扣分明细!J2"):
        assess_units(master, db_path=db, as_of=AS_OF, review=first)


def test_rules_sheet_replaces_the_defaults_and_check_names_bad_cells(county, tmp_path: Path) -> None:
    """A county's own rules: 未填报 only for 牵头 tasks, 逾期未完成 3 points capped at 2, 存在问题 1 point
    for 乡镇(街道) only. 县财政局: A1 overdue as co-unit 3×0.5 = 1.5 (under the cap), A2 blank (lead) −1,
    no 迟报 rule → 97.5. 县教育局: A1 overdue 3 capped at 2, no 未达目标 rule → 98 (its 存在问题 is a
    department's: not deducted). A bad row is a finding at its cell, and assess refuses to score."""
    from sheetsync.master.check import check_master

    root, master, db = county
    own = tmp_path / "own.xlsx"
    own.write_bytes(master.read_bytes())
    rules = [["规则编号", "考核项目", "类别", "适用对象", "触发", "分值", "计分方式", "上限", "依据"],
             ["K1", "未报送", "扣分", "全部", "未报送", 10, "每期", None, "县考核办法第5条"],
             ["K2", "漏填", "扣分", "牵头", "未填报", 1, "每项", None, ""],
             ["K3", "逾期", "扣分", "全部", "逾期未完成", "3分", "每项", 2, ""],
             ["K4", "问题", "扣分", "乡镇(街道)", "存在问题", 1, "每项", None, ""],
             ["K5", "加分", "加分", "全部", "", None, "每次", 5, ""]]
    add_sheets(own, {"考核规则": rules})
    res = assess_units(own, db_path=db, as_of=AS_OF)
    u = by_unit(res)
    assert (u["县财政局"].score, u["县教育局"].score) == (97.5, 98)
    assert [ln.kind for ln in u["县教育局"].lines] == ["deduct", "cap"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(master.read_bytes())
    add_sheets(bad, {"考核规则": [rules[0], ["K1", "未报送", "扣分", "全体单位们", "没交", "十分", "每期", None, ""]]})
    findings = {(f.code, f.cell) for f in check_master(read_master(bad)) if f.sheet == "考核规则"}
    assert findings == {("assess-bad-scope", "D2"), ("assess-bad-trigger", "E2"), ("assess-bad-points", "F2")}
    from sheetsync.core.errors import SheetsyncError

    with pytest.raises(SheetsyncError, match="考核规则!"):
        assess_units(bad, db_path=db, as_of=AS_OF)


def test_demo_result_reads_back_and_opens(demo, libreoffice, tmp_path: Path) -> None:
    folder, stdout = demo
    out = folder / "示例县_2026年第4季度_考核结果.xlsx"
    assert "考核评分：55 个单位参评" in stdout and out.exists()
    summary = sheet_rows(out, "得分汇总")[1:]
    detail = sheet_rows(out, "扣分明细")[1:]
    assert len(summary) == 55 + sum(1 for r in summary if r[6] == "不参评")
    for r in summary:
        if r[5] is not None:
            assert r[5] == pytest.approx(100 + sum(d[11] for d in detail if d[1] == r[0]))
    # the demo's 考核 weighs the third and the fourth quarter: 未报送 is deducted per period
    rollups = [folder / "示例县_2026年第4季度_汇总表.xlsx", folder / "上季度_2026年第3季度" / "示例县_2026年第3季度_汇总表.xlsx"]
    missing = {(r[0], p) for p, path in zip(("2026年第4季度", "2026年第3季度"), rollups)
               for r in sheet_rows(path, "单位报送")[1:] if r[1] == "未报"}
    assert {(d[1], d[0]) for d in detail if d[2] == "R01"} == missing
    libreoffice([out], tmp_path)
