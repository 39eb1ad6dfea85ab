"""Issue 17, file names of issued workbooks: a 90-character unit name, and unit names that differ
only in characters Windows refuses or by case / full-width form.

Real parts: the robustness county's master with such units written by write_master, split and
merged by the CLI in real processes, each workbook opened by openpyxl; messages checked in zh.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl

from helpers.robustness import assert_ledger_sound, run_cli, sha
from helpers.robustness_county import PERIOD, fill
from sheetsync.core.model import Unit
from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import write_master
from sheetsync.split.workbook import RETURN_NAME_CHARS, name_hash, return_filename, return_filenames

LONG = "县" + "乡村振兴产业发展与农村人居环境整治提升工作领导小组办公室" * 3 + "综合协调组"
COLON, QUESTION = "县工信局:一组", "县工信局?一组"  # both were 县工信局_一组
UNITS = (LONG, COLON, QUESTION)


def within_limits(name: str) -> bool:
    return len(name.encode("utf-16-le")) // 2 <= RETURN_NAME_CHARS and len(name.encode("utf-8")) <= 255


def test_long_unit_name_is_shortened_recognisably_with_a_stable_hash() -> None:
    assert len(LONG) >= 90
    name = return_filename(PERIOD, LONG)
    assert within_limits(name) and name.endswith("_任务进展填报表.xlsx")
    assert name.startswith(f"{PERIOD}_县乡村振兴") and f"~{name_hash(LONG)}_" in name
    assert return_filename(PERIOD, LONG) == name  # stable
    assert return_filename(PERIOD, "县委办公室") == f"{PERIOD}_县委办公室_任务进展填报表.xlsx"  # short: unchanged


def test_names_differing_by_illegal_characters_case_or_width_get_their_own_files() -> None:
    units = [COLON, QUESTION, "县ABC中心", "县abc中心", "县ＡＢＣ中心", "县委办公室"]
    names = return_filenames(PERIOD, units)
    folded = {n.casefold() for n in names.values()}
    assert len(folded) == len(units)
    assert names[COLON] == f"{PERIOD}_县工信局_一组~{name_hash(COLON)}_任务进展填报表.xlsx"
    assert names["县委办公室"] == return_filename(PERIOD, "县委办公室")  # no collision: no hash
    assert f"~{name_hash('县abc中心')}_" in names["县abc中心"]
    assert return_filenames(PERIOD, list(reversed(units))) == names  # order does not matter


def master_with_units(folder: Path) -> Path:
    m = demo_data.master()
    m.tasks = m.tasks[:6]
    for unit, task in zip(UNITS, m.tasks[3:6]):
        m.units.append(Unit(unit, category="government"))
        task.lead, task.co_units = unit, []
    return write_master(m, folder / "主表.xlsx")


def test_split_and_merge_units_with_awkward_names(tmp_path: Path) -> None:
    master = master_with_units(tmp_path)
    before = sha(master)
    outdir = tmp_path / "下发"
    r = run_cli("split", master, "--period", PERIOD, "-o", outdir, "--json")
    assert r.returncode == 0, r.stderr
    files = {w["unit"]: outdir / w["file"] for w in json.loads(r.stdout)["workbooks"]}
    assert set(UNITS) <= set(files)
    assert len({f.name.casefold() for f in files.values()}) == len(files)  # nothing overwritten
    inbox = tmp_path / "回收"
    for unit in UNITS:
        path = files[unit]
        assert path.exists() and within_limits(path.name)
        wb = openpyxl.load_workbook(path)
        assert unit in str(wb["填报"]["A1"].value)  # the title keeps the full name
        tid = wb["填报"].cell(row=4, column=1).value
        fill(path, inbox / path.name, {tid: ("已完成", 100, None, f"{unit[:4]}完成", "无")})
    db = tmp_path / "sheetsync.db"
    r = run_cli("merge", master, inbox, "-o", tmp_path / "汇总表.xlsx", "--ledger", db, "--period", PERIOD)
    assert r.returncode == 0, r.stdout + r.stderr
    con = sqlite3.connect(db)
    try:
        counted = con.execute("SELECT unit, count(*) FROM returns WHERE outcome = 'accepted' GROUP BY unit").fetchall()
    finally:
        con.close()
    assert sorted(counted) == sorted((u, 1) for u in UNITS)
    assert_ledger_sound(db)
    assert sha(master) == before
