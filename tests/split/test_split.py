"""``sheetsync split``: each unit gets exactly its tasks, in a workbook that is hard to break."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from sheetsync.core import schema
from sheetsync.core.model import Unit
from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import read_master, write_master
from sheetsync.split.workbook import return_filename, safe_filename, split_master

ISSUED = datetime(2026, 12, 1, 9, 0)


@pytest.fixture(scope="module")
def split_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("split")
    master = read_master(write_master(demo_data.master(), folder / "master.xlsx"))
    return master, split_master(master, folder / "out", issued_at=ISSUED)


def expected_tasks() -> dict[str, dict[str, str]]:
    """Unit → task id → role, computed from the demo data's own words (not through the registry)."""
    units = demo_data.units()
    by_alias = {u.name: u.name for u in units}
    group_cat = {v: k for k, v in demo_data.GROUPS.items()}
    out: dict[str, dict[str, str]] = {}
    for t in demo_data.tasks():
        for i, name in enumerate([t.lead, *t.co_units]):
            role = "lead" if i == 0 else "co"
            members = ([u.name for u in units if u.category == group_cat[name]] if name in group_cat else [by_alias[name]])
            for m in members:
                if out.setdefault(m, {}).get(t.id) != "lead":
                    out[m][t.id] = role
    return out


def test_every_unit_gets_exactly_its_tasks(split_demo) -> None:
    master, res = split_demo
    expected = expected_tasks()
    assert {w.unit for w in res.workbooks} == set(expected)
    for w in res.workbooks:
        ws = openpyxl.load_workbook(w.file)["填报"]
        rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]
        got = {r[0]: ("lead" if r[3] == "牵头" else "co") for r in rows}
        assert got == expected[w.unit], w.unit
        assert (w.lead_tasks, w.co_tasks) == (sum(v == "lead" for v in got.values()), sum(v == "co" for v in got.values()))
    # group expansion reached every township
    town = next(w for w in res.workbooks if w.unit == "龙泉街道")
    assert town.co_tasks >= 10


def test_units_without_tasks_get_no_file_and_are_listed(split_demo) -> None:
    _, res = split_demo
    assert set(res.units_without_tasks) == {"县残联", "县科协", "国网示例县供电公司"}
    assert not any("县残联" in p.name for p in res.outdir.iterdir())
    wb = openpyxl.load_workbook(res.distribution_list)
    listed = [r[0] for r in wb["无任务单位"].iter_rows(min_row=2, values_only=True)]
    assert set(listed) == set(res.units_without_tasks)
    dist = [r for r in wb["分发清单"].iter_rows(min_row=2, values_only=True)]
    assert len(dist) == len(res.workbooks)
    assert all(r[3].endswith("@shilixian.example") for r in dist)
    manifest = json.loads((res.outdir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == "2026年第4季度" and len(manifest["units"]) == len(res.workbooks)


def test_protection_validation_and_layout(split_demo) -> None:
    _, res = split_demo
    w = next(w for w in res.workbooks if w.unit == "县委政法委")
    wb = openpyxl.load_workbook(w.file)
    ws = wb["填报"]
    assert ws.protection.sheet
    assert "2026年第4季度 任务进展填报表 — 县委政法委" in ws["A1"].value
    assert [c.value for c in ws[3]] == [c.zh for c in schema.RETURN.columns]
    last = 3 + 3
    for col in "ABCDEF":
        assert ws[f"{col}4"].protection.locked
    for col in "GHIJKLM":
        assert not ws[f"{col}{last}"].protection.locked
    dvs = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert set(dvs) >= {"list", "whole", "decimal", "date"}
    assert dvs["list"].formula1 == '"未启动,推进中,已完成,滞后,长期坚持"'
    assert str(dvs["list"].sqref) == f"G4:G{last}"  # one range, not one rule per cell
    assert (dvs["whole"].formula1, dvs["whole"].formula2) == ("0", "100")
    assert dvs["list"].prompt and dvs["list"].error and "下拉" in dvs["list"].error
    assert len(ws.data_validations.dataValidation) == 4
    assert ws.freeze_panes == "C4"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"
    assert ws["A4"].font.name == "仿宋" and ws["A3"].font.name == "黑体"
    assert "填报说明" in wb.sheetnames and "2026-12-25" in "".join(
        str(c.value) for row in wb["填报说明"].iter_rows() for c in row if c.value)


def test_metadata_reads_back(split_demo) -> None:
    master, res = split_demo
    w = next(w for w in res.workbooks if w.unit == "县委政法委")
    wb = openpyxl.load_workbook(w.file)
    meta_ws = wb[schema.META_SHEET]
    assert meta_ws.sheet_state == "veryHidden"
    meta = {}
    tasks = []
    for k, v in meta_ws.iter_rows(values_only=True):
        if k == "tasks":
            tasks += v.split("\n")
        else:
            meta[k] = v
    assert meta["unit"] == "县委政法委" and meta["period"] == "2026年第4季度"
    assert meta["master_fingerprint"] == master.fingerprint()
    assert meta["issued_at"] == "2026-12-01T09:00:00" and meta["template_version"] == schema.RETURN_TEMPLATE_VERSION
    assert tasks == ["二.(一).1", "二.(一).2", "二.(一).3"]
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["sheetsync_unit"] == "县委政法委" and props["sheetsync_unit_id"] == meta["unit_id"]


def test_file_names_are_valid_on_windows(split_demo, tmp_path: Path) -> None:
    _, res = split_demo
    for w in res.workbooks:
        assert not re.search(r'[<>:"/\\|?*\x00-\x1f]', w.file.name)
        assert w.file.name == f"2026年第4季度_{w.unit}_任务进展填报表.xlsx"
    assert safe_filename('a/b:c*d?"e<f>g|h') == "a_b_c_d__e_f_g_h"
    assert safe_filename("CON") == "_CON" and safe_filename("name. ") == "name"
    assert return_filename("2026/Q4", "县委办公室") == "2026_Q4_县委办公室_任务进展填报表.xlsx"
    m = demo_data.master()
    m.units.append(Unit("县/市联合办公室", category="other", email="x@y.example"))
    m.tasks[0].co_units.append("县/市联合办公室")
    # check reads "县/市联合办公室" in a task as two names (an error); the file name is what is tested here
    res2 = split_master(m, tmp_path / "o", issued_at=ISSUED, units=["县/市联合办公室"], force=True)
    assert res2.workbooks[0].file.name == "2026年第4季度_县_市联合办公室_任务进展填报表.xlsx"
    assert res2.workbooks[0].file.exists()


def test_deterministic(split_demo, tmp_path: Path) -> None:
    master, res = split_demo
    again = split_master(master, tmp_path / "again", issued_at=ISSUED)
    for a, b in zip(res.workbooks, again.workbooks):
        wa, wb_ = openpyxl.load_workbook(a.file), openpyxl.load_workbook(b.file)
        for name in wa.sheetnames:
            assert [[c.value for c in r] for r in wa[name].iter_rows()] == [[c.value for c in r] for r in wb_[name].iter_rows()]


def test_english_workbook(tmp_path: Path) -> None:
    res = split_master(demo_data.master(), tmp_path, issued_at=ISSUED, lang="en", units=["县委政法委"])
    ws = openpyxl.load_workbook(res.workbooks[0].file)["Report"]
    assert ws["A3"].value == "Task ID" and ws["D4"].value == "Lead"
    assert res.workbooks[0].file.name.endswith("_progress-report.xlsx")


def test_password_from_settings(tmp_path: Path) -> None:
    m = demo_data.master()
    m.settings["sheet_password"] = "abc123"
    res = split_master(m, tmp_path, issued_at=ISSUED, units=["县委政法委"])
    ws = openpyxl.load_workbook(res.workbooks[0].file)["填报"]
    assert ws.protection.sheet and ws.protection.password


def test_libreoffice_opens_every_workbook(split_demo, libreoffice, tmp_path: Path) -> None:
    _, res = split_demo
    files = [w.file for w in res.workbooks] + [res.distribution_list]
    libreoffice(files, tmp_path / "pdf")


def test_metadata_lists_many_tasks_compactly_and_old_returns_still_read(tmp_path: Path) -> None:
    """Template version 2 lists the issued task ids 100 to a row (a city return has hundreds, and
    a row each cost every read ~2.7 ms); version-1 returns, with a "task" row per id, read the same."""
    from sheetsync.core.model import Task
    from sheetsync.intake import SheetData, WorkbookData, read_workbook
    from sheetsync.returns.read import read_metadata

    m = demo_data.master()
    m.tasks = [Task(id=f"1.{i}", title=f"任务{i}", lead=m.units[0].name) for i in range(1, 251)]
    res = split_master(m, tmp_path / "out", issued_at=datetime(2026, 12, 1))
    w = next(w for w in res.workbooks if w.unit == m.units[0].name)
    data = read_workbook(w.file)
    assert isinstance(data, WorkbookData)
    meta_rows = data.sheet(schema.META_SHEET).rows
    assert [r[0] for r in meta_rows].count("tasks") == 3
    meta, ids, fields, source = read_metadata(data)
    assert ids == [f"1.{i}" for i in range(1, 251)] and source == "metadata"
    assert meta["template_version"] == "2" and meta["unit"] == m.units[0].name

    v1_rows = [r for r in meta_rows if r[0] != "tasks"] + [["task", i] for i in ids]
    v1 = WorkbookData(file="v1.xlsx", kind="xlsx", sheets=[SheetData(schema.META_SHEET, "veryHidden", v1_rows)])
    assert read_metadata(v1)[1:] == (ids, fields, "metadata")


def test_a_master_with_errors_is_refused_unless_forced(tmp_path: Path) -> None:
    """One policy for every front-end: split_master refuses check errors, naming sheet!cell; force overrides."""
    from sheetsync.master.workbook import write_master
    from sheetsync.split.workbook import ERRORS_SHOWN, MasterHasErrors

    path = write_master(demo_data.master_with_mistakes(), tmp_path / "flawed.xlsx")
    master = read_master(path)
    with pytest.raises(MasterHasErrors) as exc:
        split_master(master, tmp_path / "out", issued_at=ISSUED, lang="zh")
    err = exc.value
    n = len(err.report.errors)
    assert n > ERRORS_SHOWN and f"有 {n} 个错误" in err.message and "flawed.xlsx" in err.message
    assert "任务!A5" in err.message and f"另有 {n - ERRORS_SHOWN} 个错误" in err.message
    assert "--force" in err.hint and err.exit_code == 1
    assert not (tmp_path / "out").exists()  # refused before anything is written
    forced = split_master(master, tmp_path / "out", issued_at=ISSUED, lang="zh", force=True)
    assert forced.workbooks and forced.manifest.is_file()


def test_cli_split_refuses_errors_and_force_overrides(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from sheetsync.master.workbook import write_master

    path = write_master(demo_data.master_with_mistakes(), tmp_path / "flawed.xlsx")
    env = {**os.environ, "SHEETSYNC_LANG": "zh"}
    cmd = [sys.executable, "-m", "sheetsync.cli", "split", str(path), "-o", str(tmp_path / "out")]
    refused = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert refused.returncode == 1 and "未生成填报表" in refused.stderr and "任务!A5" in refused.stderr
    assert not (tmp_path / "out").exists()
    forced = subprocess.run([*cmd, "--force"], capture_output=True, text=True, env=env)
    assert forced.returncode == 0, forced.stderr
    assert list((tmp_path / "out").glob("*.xlsx"))
