"""Three levels of the loop built from real files: villages → 城关镇 → 平安县 → 示例市.

Each level is a real master, real split workbooks filled as units fill them, a real merge with
its SQLite ledger and roll-up, and the roll-up written into the very return the level above
issued (``export_return``), which the level above merges like any other return."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheetsync.core import schema
from sheetsync.core.calendar import WorkCalendar
from sheetsync.core.dates import parse_deadline
from sheetsync.core.units import UnitRegistry, assignments
from sheetsync.demo import levels as lv
from sheetsync.levels import derive_master, export_return
from sheetsync.levels.export import ExportRefused
from sheetsync.levels.link import decode_tasks, parent_of
from sheetsync.master.workbook import read_master, write_master
from sheetsync.merge import merge_returns
from sheetsync.rollup.compute import STATUS_RANK
from sheetsync.rollup.summary import read_summary
from sheetsync.split.workbook import split_master, unit_id


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> lv.LevelsResult:
    return lv.build_levels(tmp_path_factory.mktemp("levels"), lang="zh")


def _issued(res: lv.LevelsResult, outgoing: str, unit: str) -> Path:
    return next(p for p in res.paths[outgoing].glob("*.xlsx") if f"_{unit}_" in p.name)


def test_derived_master_holds_exactly_the_units_tasks_with_the_parent_record(three: lv.LevelsResult) -> None:
    county = read_master(three.paths["county_master"])
    registry = UnitRegistry(county.units, county.region)
    mine = [a for a in assignments(county.tasks, registry)[lv.TOWNSHIP]]
    out = three.folder / "derived_again.xlsx"
    res = derive_master(three.paths["county_master"], lv.TOWNSHIP, out)
    child = read_master(out)
    cal = WorkCalendar()
    assert [tk.id for tk in child.tasks] == [a.task.id for a in mine] == res.tasks
    assert child.units == []  # the township fills its own 单位 sheet
    for tk, a in zip(child.tasks, mine):
        assert (tk.parent_id, tk.parent_deadline) == (a.task.id, a.task.deadline)
        assert tk.parent_role == {"lead": "牵头", "co": "配合"}[a.role]
        dl = parse_deadline(a.task.deadline, 2026)
        if dl.kind == "date":  # five working days earlier on China's calendar (调休 included)
            due = date.fromisoformat(tk.deadline)
            assert cal.is_working_day(due) and len(cal.working_days(due, dl.date)) - cal.is_working_day(dl.date) == 5
            assert due < dl.date
        else:
            assert tk.deadline == a.task.deadline
    rec = child.parent
    assert rec["kind"] == "derived_master" and rec["parent_fingerprint"] == county.fingerprint()
    assert (rec["unit"], rec["unit_id"], rec["parent_region"]) == (lv.TOWNSHIP, unit_id(lv.TOWNSHIP), county.region)
    assert set(decode_tasks(rec["tasks"])) == set(res.tasks)
    # the headers a clerk sees
    ws = openpyxl.load_workbook(out)["任务"]
    assert [c.value for c in ws[1]][-3:] == ["上级任务编号", "上级角色", "上级完成时限"]
    assert openpyxl.load_workbook(out)[schema.META_SHEET].sheet_state == "veryHidden"

    # from the return workbook the county issued: the same tasks and the same parent link
    from_return = derive_master(_issued(three, "county_outgoing", lv.TOWNSHIP), lv.TOWNSHIP,
                                three.folder / "from_return.xlsx", lead_days=3)
    again = read_master(three.folder / "from_return.xlsx")
    assert from_return.tasks == res.tasks and from_return.source == "return"
    assert again.parent["parent_fingerprint"] == county.fingerprint() and again.parent["lead_days"] == "3"
    with pytest.raises(Exception, match="城关镇"):
        derive_master(_issued(three, "county_outgoing", lv.TOWNSHIP), "东河镇", three.folder / "x.xlsx")


def test_split_task_keeps_its_parent_id(three: lv.LevelsResult) -> None:
    town = read_master(three.paths["township_master"])
    split = [tk for tk in town.tasks if tk.id.startswith(lv.SPLIT_TASK + "-")]
    assert [tk.id for tk in split] == [f"{lv.SPLIT_TASK}-1", f"{lv.SPLIT_TASK}-2"]
    assert {tk.parent_id for tk in split} == {lv.SPLIT_TASK}
    assert parent_of("四.(二).3-2", "", {"四.(二).3"}) == "四.(二).3"


def test_sums_and_worst_of_over_the_villages_equal_the_county_rollup(three: lv.LevelsResult) -> None:
    town = read_summary(three.paths["township_rollup"])
    county = read_summary(three.paths["county_rollup"])
    parent_of_task = {tk.id: tk.parent_id for tk in town.tasks}
    by_parent: dict[str, list] = {}
    for d in town.details:
        by_parent.setdefault(parent_of_task[d.task_id], []).append(d)
    county_rows = {d.task_id: d for d in county.details if d.unit == lv.TOWNSHIP}
    assert set(by_parent) == set(county_rows)
    checked_values = 0
    for tid, rows in by_parent.items():
        got = county_rows[tid]
        assert got.reported, tid
        statuses = [d.status for d in rows if d.reported and d.status]
        assert got.status == min(statuses, key=STATUS_RANK.__getitem__), tid
        values = [d.value for d in rows if d.reported and d.value is not None]
        if values:
            assert got.value == pytest.approx(sum(values)), tid
            checked_values += 1
        progress = [d.progress for d in rows if d.reported and d.progress is not None]
        if all(d.status == "done" for d in rows):
            assert got.progress == 100
        elif progress:
            assert got.progress == round(sum(progress) / len(progress)), tid
        assert got.coverage == "10/12", tid
    assert checked_values >= 5


def test_progress_text_names_who_has_not_reported_and_problems_are_attributed(three: lv.LevelsResult) -> None:
    ws = openpyxl.load_workbook(three.paths["township_return"])["填报"]
    header = [c.value for c in ws[3]]
    col = {name: header.index(name) + 1 for name in ("任务编号", "完成状态", "进展情况", "存在问题")}
    rows = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    text = ws.cell(rows[0], col["进展情况"]).value
    assert text.startswith("本镇12个单位中已报10个，已完成"), text
    assert "；未报：前进村、和平社区。" in text
    problems = "\n".join(str(ws.cell(r, col["存在问题"]).value or "") for r in rows)
    assert "（" in problems and "村" in problems  # attributed lines
    for line in filter(None, problems.split("\n")):
        assert line.endswith("）"), line
    cov = openpyxl.load_workbook(three.paths["township_return"])[schema.COVERAGE_SHEET]
    assert cov.sheet_state == "hidden"
    assert [c.value for c in cov[1]][:8] == ["上级任务编号", "应报", "已报", "已完成", "滞后", "未报单位", "下级汇总表指纹", "生成时间"]
    second = [c.value for c in cov[2]]
    assert second[1:3] == [12, 10] and second[5] == "前进村、和平社区"


def test_exported_returns_pass_the_intake_checks_like_any_other(three: lv.LevelsResult) -> None:
    for level, unit in (("county", lv.TOWNSHIP), ("city", lv.COUNTIES[0])):
        outcome = next(f for f in three.results[level].files if f.unit == unit)
        assert outcome.outcome == "accepted", (level, [f.message for f in outcome.findings])


def test_coverage_reaches_the_county_and_the_city(three: lv.LevelsResult) -> None:
    county = three.results["county"].rollup
    tl = next(t_ for t_ in county.tasks if t_.task.id == lv.SPLIT_TASK)
    assert tl.coverage == "10/12"
    gaps = [g for g in county.gaps if g.type == "sub_incomplete" and g.unit == lv.TOWNSHIP]
    assert gaps and all("前进村、和平社区" in g.detail for g in gaps)
    city = read_summary(three.paths["city_rollup"])
    task = next(t_ for t_ in city.tasks if t_.id == lv.SPLIT_TASK)
    assert "城关镇 10/12" in task.coverage
    assert any(g.type == "sub_incomplete" and "城关镇 10/12" in g.detail for g in city.gaps)
    # the 任务进度 sheet shows it, amber
    ws = openpyxl.load_workbook(three.paths["county_rollup"])["任务进度"]
    header = [c.value for c in ws[1]]
    col = header.index("下级覆盖") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == lv.SPLIT_TASK)
    assert ws.cell(row, col).value == "10/12"
    assert ws.cell(row, col).fill.fgColor.rgb.endswith("FFEB9C") or ws.cell(row, col).fill.fill_type == "solid"


def test_stale_parent_is_refused_naming_the_changed_tasks(three: lv.LevelsResult, tmp_path: Path) -> None:
    county = read_master(three.paths["county_master"])
    changed = county.tasks[1]
    assert changed.id == lv.SPLIT_TASK
    changed.title += "（修订）"
    newer = write_master(county, tmp_path / "县_修订.xlsx")
    issued = split_master(read_master(newer), tmp_path / "下发", units=[lv.TOWNSHIP])
    with pytest.raises(ExportRefused, match=r"一\.\(一\)\.2"):
        export_return(three.paths["township_rollup"], issued.workbooks[0].file, tmp_path / "up")
    forced = export_return(three.paths["township_rollup"], issued.workbooks[0].file, tmp_path / "up", accept_stale=True)
    assert any(f.code == "stale-derivation" for f in forced.findings)
    # the county's merge names them too
    res = merge_returns(newer, [forced.output], tmp_path / "汇总.xlsx", ledger_path=tmp_path / "l.db",
                        as_of=date(2026, 12, 31))
    outcome = res.files[0]
    assert outcome.outcome == "rejected"
    assert any(f.code == "derived-stale" and lv.SPLIT_TASK in f.message for f in outcome.findings)


def test_a_sub_unit_also_among_the_parents_units_is_a_double_count_risk(three: lv.LevelsResult, tmp_path: Path) -> None:
    from sheetsync.core.model import Unit

    town = read_master(three.paths["township_master"])
    town.units.append(Unit(name="县人民医院", category="enterprise", groups=[lv.VILLAGE_GROUP]))  # also a county unit
    path = write_master(town, tmp_path / "镇.xlsx")
    split = split_master(read_master(path), tmp_path / "下发")
    lv.fill_returns(split.workbooks, tmp_path / "回收", seed=3)
    merge_returns(path, [tmp_path / "回收"], tmp_path / "镇汇总.xlsx", ledger_path=tmp_path / "镇.db")
    up = export_return(tmp_path / "镇汇总.xlsx", _issued(three, "county_outgoing", lv.TOWNSHIP), tmp_path / "up")
    res = merge_returns(three.paths["county_master"], [up.output], tmp_path / "县汇总.xlsx", ledger_path=tmp_path / "县.db",
                        as_of=date(2026, 12, 31))
    findings = res.files[0].findings
    assert res.files[0].outcome == "warnings"
    assert any(f.code == "double-count" and "县人民医院" in f.message and "重复计数风险" in f.message for f in findings)


def test_a_monthly_child_is_refused_for_a_quarterly_parent_unless_mapped(three: lv.LevelsResult, tmp_path: Path) -> None:
    monthly = tmp_path / "月度汇总.xlsx"
    merge_returns(three.paths["township_master"], [], monthly, period="2026年11月", ledger_path=tmp_path / "m.db")
    issued = _issued(three, "county_outgoing", lv.TOWNSHIP)
    with pytest.raises(ExportRefused, match="2026年11月"):
        export_return(monthly, issued, tmp_path / "up")
    mapped = export_return(monthly, issued, tmp_path / "up", map_periods=True)
    assert {c.period_mapped for c in mapped.coverage} == {"2026-11"}
    res = merge_returns(three.paths["county_master"], [mapped.output], tmp_path / "县.xlsx", ledger_path=tmp_path / "c.db",
                        as_of=date(2026, 12, 31))
    assert res.files[0].outcome == "accepted", [f.message for f in res.files[0].findings]


def test_hand_typed_cells_are_kept_and_said_so_unless_overwrite(three: lv.LevelsResult, tmp_path: Path) -> None:
    issued = tmp_path / "typed" / _issued(three, "county_outgoing", lv.TOWNSHIP).name
    issued.parent.mkdir()
    shutil.copy(_issued(three, "county_outgoing", lv.TOWNSHIP), issued)
    wb = openpyxl.load_workbook(issued)
    wb["填报"]["G4"] = "已完成"
    wb["填报"]["J4"] = "=镇里手写的说明"
    wb["填报"]["J4"].data_type = "s"
    wb.save(issued)
    kept = export_return(three.paths["township_rollup"], issued, tmp_path / "up")
    assert set(kept.kept) >= {"G4", "J4"}
    ws = openpyxl.load_workbook(kept.output)["填报"]
    assert ws["G4"].value == "已完成" and ws["J4"].value == "=镇里手写的说明" and ws["J4"].data_type == "s"
    assert any(f.code == "kept-hand-typed" and f.cell == "J4" for f in kept.findings)
    # an export of our own is recognised and replaced without complaint
    again = export_return(three.paths["township_rollup"], three.paths["township_return"], tmp_path / "again")
    assert again.kept == []
    forced = export_return(three.paths["township_rollup"], issued, tmp_path / "forced", overwrite=True)
    assert forced.kept == [] and any(f.code == "overwrote" and f.cell == "G4" for f in forced.findings)


def test_the_export_keeps_the_issued_workbooks_protection_validations_and_metadata(three: lv.LevelsResult) -> None:
    issued = openpyxl.load_workbook(_issued(three, "county_outgoing", lv.TOWNSHIP))
    out = openpyxl.load_workbook(three.paths["township_return"])
    assert out["填报"].protection.sheet and out["填报"].protection.sheet == issued["填报"].protection.sheet
    assert len(out["填报"].data_validations.dataValidation) == len(issued["填报"].data_validations.dataValidation)
    assert out[schema.META_SHEET].sheet_state == "veryHidden"
    meta = lambda wb: [[c.value for c in r] for r in wb[schema.META_SHEET].iter_rows()]  # noqa: E731
    assert meta(out) == meta(issued)


def test_cli_derive_and_export_return(three: lv.LevelsResult, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sheetsync.cli import cli

    runner = CliRunner()
    r = runner.invoke(cli, ["derive", str(three.paths["county_master"]), "--unit", lv.TOWNSHIP, "-o",
                            str(tmp_path / "镇.xlsx")])
    assert r.exit_code == 0 and "镇.xlsx" in r.output, r.output
    r = runner.invoke(cli, ["export-return", str(three.paths["township_rollup"]), "--parent-return",
                            str(_issued(three, "county_outgoing", lv.TOWNSHIP)), "-o", str(tmp_path / "up"), "--json"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "up" / _issued(three, "county_outgoing", lv.TOWNSHIP).name).is_file()


def test_libreoffice_opens_every_workbook_of_the_three_levels(three: lv.LevelsResult, libreoffice, tmp_path: Path) -> None:
    p = three.paths
    books = [p[k] for k in ("city_master", "county_master", "township_master", "township_rollup", "county_rollup",
                            "city_rollup", "township_return", "county_return")]
    books += sorted(p["township_outgoing"].glob("*.xlsx"))[:3]
    libreoffice(books, tmp_path / "pdf")


def test_working_days_across_the_national_day_holiday(tmp_path: Path) -> None:
    """2026-10-09 less 5 working days is 2026-09-24: 10-08, 09-30, 09-29, 09-28, then 09-24 — 中秋
    (09-25), the weekend and 国庆 (10-01…10-07) are days off (calendar days would give 10-04)."""
    from sheetsync.core.model import Master, Task, Unit

    m = Master(tasks=[Task(id="1", title="任务", lead="城关镇", deadline="2026-10-09")],
               units=[Unit(name="城关镇")], settings={"region": "平安县", "period": "2026年第4季度"})
    parent = write_master(m, tmp_path / "p.xlsx")
    res = derive_master(parent, "城关镇", tmp_path / "c.xlsx")
    assert read_master(tmp_path / "c.xlsx").tasks[0].deadline == "2026-09-24"
    assert res.notes == []  # 2026 is covered by the holiday schedule: no 节假日数据缺失 warning
