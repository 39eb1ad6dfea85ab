"""``sheetsync check``: every finding code, its location and suggestions; exit codes; annotate."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sheetsync.demo import data as demo_data
from sheetsync.master.check import annotate_master, check_master
from sheetsync.master.workbook import read_master, write_master

CLI = [sys.executable, "-m", "sheetsync.cli"]


@pytest.fixture(scope="module")
def flawed(tmp_path_factory) -> Path:
    return write_master(demo_data.master_with_mistakes(), tmp_path_factory.mktemp("check") / "flawed.xlsx")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env={**__import__("os").environ,
                                                                                "SHEETSYNC_LANG": "zh"})


def test_every_finding_code_with_location(flawed: Path) -> None:
    proc = run("check", str(flawed), "--json")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["tasks"] == 30 and data["units"] == len(demo_data.units())
    by_code: dict[str, list[dict]] = {}
    for f in data["findings"]:
        by_code.setdefault(f["code"], []).append(f)
    assert set(by_code) >= {"duplicate-task-id", "no-responsible-unit", "unknown-unit", "ambiguous-unit",
                            "empty-group", "missing-email", "bad-deadline", "bad-target"}
    # the planted mistakes, at their cells (header row 1, task i on row i + 2)
    assert {f["cell"] for f in by_code["duplicate-task-id"]} == {"A5", "A6"}
    unknown = by_code["unknown-unit"][0]
    assert (unknown["sheet"], unknown["cell"]) == ("任务", "E8")
    assert unknown["suggestions"][0] == "县数据局" and len(unknown["suggestions"]) <= 3
    assert by_code["no-responsible-unit"][0]["cell"] == "D10"
    assert by_code["bad-deadline"][0]["cell"] == "F11" and "尽快完成" in by_code["bad-deadline"][0]["message"]
    assert by_code["empty-group"][0]["cell"] == "E14" and "各开发区" in by_code["empty-group"][0]["message"]
    amb = by_code["ambiguous-unit"][0]
    assert amb["cell"] == "E18" and set(amb["suggestions"]) == {"县委办公室", "县政府办公室"}
    assert by_code["bad-target"][0]["cell"] == "H21"
    assert by_code["missing-email"][0]["severity"] == "warning" and by_code["missing-email"][0]["sheet"] == "单位"
    for f in data["findings"]:
        assert f["severity"] in ("error", "warning", "info") and f["message"]
    # a short form is resolved and reported, never silently
    assert any(f["code"] == "short-name" and "县人民医院" in f["message"] for f in data["findings"])


def test_bad_header_code_and_exit_codes(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["任务编号", "任务名称", "完成时限"])
    ws.append(["1", "甲", "2026-12-31"])
    p = tmp_path / "noheader.xlsx"
    wb.save(p)
    proc = run("check", str(p), "--json")
    assert proc.returncode == 1
    assert "bad-header" in {f["code"] for f in json.loads(proc.stdout)["findings"]}

    clean = write_master(demo_data.master(), tmp_path / "clean.xlsx")
    proc = run("check", str(clean))
    assert proc.returncode == 0, proc.stdout
    assert "错误 0 个" in proc.stdout

    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    proc = run("check", str(junk))
    assert proc.returncode == 2
    assert "junk.xlsx" in proc.stderr and "错误" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_english_messages(flawed: Path) -> None:
    proc = run("--lang", "en", "check", str(flawed))
    assert proc.returncode == 1
    assert "is not in the Units sheet" in proc.stdout and "Did you mean: 县数据局" in proc.stdout


def test_annotate_colours_cells_adds_notes_and_leaves_input_alone(flawed: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(flawed.read_bytes()).hexdigest()
    out = tmp_path / "annotated.xlsx"
    proc = run("check", str(flawed), "--annotate", str(out))
    assert proc.returncode == 1
    assert hashlib.sha256(flawed.read_bytes()).hexdigest() == before
    findings = check_master(read_master(flawed))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "校验结果"
    for f in findings:
        if f.severity == "error":
            cell = wb[f.sheet][f.cell]
            assert cell.fill.fgColor.rgb.endswith("FFC7CE"), f.cell
            assert cell.comment is not None and f.message[:10] in cell.comment.text
    results = [r for r in wb["校验结果"].iter_rows(min_row=2, values_only=True)]
    assert len(results) == len(findings)
    with pytest.raises(Exception, match="不能覆盖原文件"):
        annotate_master(flawed, flawed, findings)


@pytest.mark.parametrize("text,expected", [
    ("2022-12-31", "2022-12-31"), ("2022/12/31", "2022-12-31"), ("2022年12月31日", "2022-12-31"),
    ("2022年12月底", "2022-12-31"), ("12月底", "2026-12-31"), ("2026年6月前", "2026-06-30"),
    ("11月30日前", "2026-11-30"), ("年底前", "2026-12-31"),
])
def test_deadline_forms(text: str, expected: str) -> None:
    from sheetsync.core.dates import parse_deadline

    d = parse_deadline(text, 2026)
    assert d.kind == "date" and d.date.isoformat() == expected


@pytest.mark.parametrize("text", ["长期", "常态化", "长期坚持"])
def test_ongoing_deadlines(text: str) -> None:
    from sheetsync.core.dates import parse_deadline

    assert parse_deadline(text, 2026).kind == "ongoing"


def test_dates_in_the_settings_sheet_are_checked_at_their_cell(tmp_path: Path) -> None:
    """A 统计截至日期 that is not a date would stop the merge, a bad 报送截止日期 would reach every
    return as typed: check says so first, on the 设置 cell, and annotate marks it."""
    m = demo_data.master()
    m.settings.update({"due": "下旬", "as_of": "季度末吧"})
    path = write_master(m, tmp_path / "m.xlsx")
    findings = {f.code + ":" + f.severity: f for f in check_master(read_master(path))}
    due, as_of = findings["bad-setting-date:warning"], findings["bad-setting-date:error"]
    ws = openpyxl.load_workbook(path)["设置"]
    for f, label, value in ((due, "报送截止日期", "下旬"), (as_of, "统计截至日期", "季度末吧")):
        assert f.sheet == "设置" and ws[f.cell].value == value and label in f.message and value in f.message
        assert ws[f"A{ws[f.cell].row}"].value == label
    m.settings.update({"due": "2026-12-25", "as_of": "2026年12月31日"})
    path = write_master(m, tmp_path / "ok.xlsx")
    assert not [f for f in check_master(read_master(path)) if f.code == "bad-setting-date"]


def test_check_and_merge_read_a_short_as_of_date_alike() -> None:
    """12月31日 with no year is read in the plan's year by check and by the merge alike."""
    from sheetsync.merge import as_of_setting

    m = demo_data.master()
    m.settings.update({"as_of": "12月31日", "year": "2026"})
    assert not [f for f in check_master(m) if f.code == "bad-setting-date"]
    assert str(as_of_setting(m)) == "2026-12-31"
