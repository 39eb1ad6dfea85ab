"""Merging returns: the roll-up read back by value, idempotence, resubmission, periods, email."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import sheet_rows
from helpers.robustness_county import fill  # fill a return the way a unit does
from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import read_master, write_master
from sheetsync.merge import merge_returns
from sheetsync.split.workbook import split_master

AS_OF = date(2026, 12, 31)


# ------------------------------------------------------------------ the demo, read back
def test_demo_rollup_values(demo) -> None:
    folder, stdout = demo
    rollup = folder / "示例县_2026年第4季度_汇总表.xlsx"
    assert rollup.exists() and "汇总表" in stdout
    overview = {r[0]: r[1] for r in sheet_rows(rollup, "总览")[3:21] if r[0]}
    assert overview["报送周期"] == "2026年第4季度"
    assert overview["应报单位"] == 55 and overview["已报单位"] == 52 and overview["未报单位"] == 3
    assert overview["任务总数"] == 30
    units = sheet_rows(rollup, "单位报送")
    missing = {r[0] for r in units[1:] if r[1] == "未报"}
    outgoing = sorted((folder / "下发填报表").glob("*.xlsx"))
    assert len(missing) == 3
    # the resubmitted unit: the corrected file is the one used, the first is superseded
    resub = [r for r in units[1:] if r[4] == 1]
    assert len(resub) == 1 and "(更正)" in resub[0][2]
    # rows: one per (task, unit) of reported units, none for missing units
    details = sheet_rows(rollup, "汇总明细")[1:]
    assert not {r[2] for r in details} & missing
    gaps = sheet_rows(rollup, "缺口清单")
    assert gaps[0][:5] == ["缺口类型", "任务编号", "任务名称", "责任单位", "说明"]
    not_reported = {r[3] for r in gaps[1:] if r[0] == "未报送"}
    assert not_reported == missing
    assert {r[0] for r in gaps[1:]} >= {"未报送", "逾期未完成", "存在问题"}
    # the corrupt file is rejected with a message naming it; the lock file never shows up
    findings = sheet_rows(rollup, "校验问题")
    damaged = [r for r in findings[1:] if "(损坏)" in (r[0] or "")]
    assert damaged and damaged[0][2] == "已拒收" and "(损坏)" in damaged[0][5]
    assert not any(str(r[0]).startswith("~$") for r in findings[1:])
    assert len(outgoing) == 55 + 1  # 55 unit workbooks and the distribution list


def test_demo_messy_values_are_normalised(demo) -> None:
    folder, _ = demo
    db = sqlite3.connect(folder / "sheetsync.db")
    messy_unit = db.execute(
        "SELECT unit FROM returns WHERE findings LIKE '%normalised%' AND outcome != 'rejected' AND period = '2026-Q4' "
        "LIMIT 1").fetchone()[0]
    rows = db.execute("SELECT status, progress, value FROM rows JOIN returns r ON r.id = rows.return_id "
                      "WHERE r.unit = ? AND r.period = '2026-Q4'", (messy_unit,)).fetchall()
    statuses = {r[0] for r in rows}
    assert statuses <= {"done", "in_progress", "lagging", "ongoing", None}
    assert all(r[1] is None or 0 <= r[1] <= 100 for r in rows)
    findings = json.loads(db.execute("SELECT findings FROM returns WHERE unit=? AND period = '2026-Q4'",
                                     (messy_unit,)).fetchone()[0])
    normalised = [f for f in findings if f["code"] == "normalised"]
    assert normalised and all(f["cell"] and f["sheet"] == "填报" for f in normalised)


def test_demo_email_was_ingested_with_sender(demo) -> None:
    folder, _ = demo
    db = sqlite3.connect(folder / "sheetsync.db")
    src, sender, received = db.execute("SELECT source, sender, received_at FROM returns WHERE source LIKE '%.eml%'").fetchone()
    assert "▸" in src and "@shilixian.example" in sender and received.startswith("2026-12-20")


def test_text_from_returns_stays_text(demo) -> None:
    folder, _ = demo
    wb = openpyxl.load_workbook(folder / "示例县_2026年第4季度_汇总表.xlsx")
    cells = [c for row in wb["汇总明细"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells, "the demo plants a reply that begins with '='"
    assert all(c.data_type == "s" for c in cells)


def test_libreoffice_opens_the_rollup(demo, libreoffice, tmp_path: Path) -> None:
    folder, _ = demo
    libreoffice([folder / "示例县_2026年第4季度_汇总表.xlsx"], tmp_path)


# ------------------------------------------------------------------ a small county for precise checks
@pytest.fixture()
def county(tmp_path: Path):
    m = demo_data.master()
    m.tasks = m.tasks[:6]
    master = write_master(m, tmp_path / "master.xlsx")
    res = split_master(read_master(master), tmp_path / "out", issued_at=datetime(2026, 12, 1))
    return tmp_path, master, {w.unit: w.file for w in res.workbooks}


def dump(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
            for t in ("files", "returns", "rows", "missing_rows", "decisions")}


def values(path: Path, sheet: str) -> list[tuple]:
    return [tuple(r) for r in sheet_rows(path, sheet)]


def test_merge_twice_is_a_no_op(county) -> None:
    tmp, master, files = county
    fill(files["县委组织部"], tmp / "in" / "a.xlsx", {"一.(一).1": ("已完成", 100, None, "完成", "无")})
    fill(files["县委编办"], tmp / "in" / "b.xlsx", {"一.(一).2": ("推进中", 50, 6, "进行中", "")})
    out = tmp / "rollup.xlsx"
    merge_returns(master, [tmp / "in"], out, as_of=AS_OF)
    first = {s: values(out, s) for s in ("任务进度", "单位报送", "汇总明细", "缺口清单", "校验问题")}
    ledger_before = dump(tmp / "sheetsync.db")
    res = merge_returns(master, [tmp / "in"], out, as_of=AS_OF)
    assert {f.outcome for f in res.files} == {"duplicate"}
    assert dump(tmp / "sheetsync.db") == ledger_before
    assert {s: values(out, s) for s in first} == first


def test_rollup_of_a_merge_equals_the_ledger_read_again(county) -> None:
    """The merge builds its roll-up from the rows it kept in memory (Ledger keep_rows);
    ``status`` reads them from the file. Same roll-up, whole numbers and all."""
    from sheetsync.merge import status

    tmp, master, files = county
    fill(files["县委组织部"], tmp / "in" / "a.xlsx", {"一.(一).1": ("已完成", 100, None, "完成", "无")})
    fill(files["县委编办"], tmp / "in" / "b.xlsx", {"一.(一).2": ("推进中", 50, 6, "=进行中", "")})
    res = merge_returns(master, [tmp / "in"], tmp / "rollup.xlsx", as_of=AS_OF)
    again = dataclasses.replace(status(master, as_of=AS_OF), generated=res.rollup.generated)
    assert again == res.rollup
    assert 6.0 in {row.value for _task, _unit, _role, row, _file in again.details if row}


def test_resubmission_replaces_never_duplicates(county) -> None:
    tmp, master, files = county
    fill(files["县委编办"], tmp / "in" / "v1.xlsx", {"一.(一).2": ("推进中", 50, 6, "第一次", "")}, datetime(2026, 12, 10))
    out = tmp / "rollup.xlsx"
    merge_returns(master, [tmp / "in"], out, as_of=AS_OF)
    fill(files["县委编办"], tmp / "in2" / "v2.xlsx", {"一.(一).2": ("已完成", 100, 12, "第二次", "")}, datetime(2026, 12, 20))
    res = merge_returns(master, [tmp / "in", tmp / "in2"], out, as_of=AS_OF)
    details = [r for r in values(out, "汇总明细")[1:] if r[2] == "县委编办"]
    assert [(r[0], r[4], r[7]) for r in details] == [("一.(一).2", "已完成", "第二次")]
    units = {r[0]: r for r in values(out, "单位报送")[1:]}
    assert units["县委编办"][2] == "v2.xlsx" and units["县委编办"][4] == 1
    assert [f.outcome for f in res.files] == ["duplicate", "accepted"]
    # an older version arriving later does not win
    fill(files["县委编办"], tmp / "in3" / "v0.xlsx", {"一.(一).2": ("未启动", 0, None, "更早", "")}, datetime(2026, 12, 5))
    merge_returns(master, [tmp / "in3"], out, as_of=AS_OF)
    details = [r for r in values(out, "汇总明细")[1:] if r[2] == "县委编办"]
    assert [r[7] for r in details] == ["第二次"]


def test_periods_are_separate(county) -> None:
    tmp, master, files = county
    fill(files["县委编办"], tmp / "in" / "q4.xlsx", {"一.(一).2": ("推进中", 50, 6, "Q4", "")})
    merge_returns(master, [tmp / "in"], tmp / "q4.xlsx", as_of=AS_OF)
    res = merge_returns(master, [tmp / "in"], tmp / "q1.xlsx", period="2027年第1季度", as_of=AS_OF)
    assert [f.outcome for f in res.files] == ["rejected"]
    assert "2026年第4季度" in res.files[0].findings[-1].message and "--accept-stale" in res.files[0].findings[-1].message
    assert values(tmp / "q1.xlsx", "汇总明细")[1:] == []
    res = merge_returns(master, [tmp / "in"], tmp / "q1.xlsx", period="2027年第1季度", as_of=AS_OF, accept_stale=True)
    assert res.files[0].outcome == "warnings"


def test_stale_master_refused(county) -> None:
    tmp, master, files = county
    fill(files["县委编办"], tmp / "in" / "a.xlsx", {"一.(一).2": ("推进中", 50, 6, "x", "")})
    m = read_master(master)
    m.tasks[1].title = "改过的任务名称"
    master2 = write_master(m, tmp / "master2.xlsx")
    res = merge_returns(master2, [tmp / "in"], tmp / "r.xlsx", as_of=AS_OF, ledger_path=tmp / "l2.db")
    assert res.files[0].outcome == "rejected" and res.files[0].findings[-1].code == "stale-master"


def test_tolerates_reordered_deleted_inserted_rows_and_renamed_columns(county) -> None:
    tmp, master, files = county
    src = fill(files["县委组织部"], tmp / "tmp.xlsx", {"一.(一).1": ("完成", "80%", None, "a", ""),
                                                   "一.(二).1": ("进行中", "８０％", "25个", "b", ""),
                                                   "一.(二).2": ("滞后", 0.3, None, "c", "")})
    wb = openpyxl.load_workbook(src)
    ws = wb["填报"]
    ws.protection.sheet = False
    ws["H3"].value = "进度"  # renamed header
    ws.insert_rows(1)  # an extra title row
    ws.insert_rows(7)  # an empty inserted row between tasks
    ws.cell(row=7, column=1).value = "9.9"
    ws.cell(row=7, column=7).value = "已完成"  # a task that is not theirs
    ws.move_range("A5:M5", rows=6)  # move the first task to the end: order changed
    ws.delete_rows(5)  # the emptied row
    ws.delete_rows(5)  # 一.(一).3 deleted by the unit
    path = tmp / "in" / "messy.xlsx"
    path.parent.mkdir()
    wb.save(path)
    res = merge_returns(master, [path], tmp / "r.xlsx", as_of=AS_OF)
    f = res.files[0]
    codes = {x.code for x in f.findings}
    assert f.outcome == "warnings" and f.unit == "县委组织部"
    assert {"unknown-task", "renamed-columns", "normalised", "task-row-missing", "rows-reordered"} <= codes
    con = sqlite3.connect(tmp / "sheetsync.db")
    rows = dict(((r[0]), r[1:]) for r in con.execute("SELECT task_id, status, progress, value FROM rows"))
    assert rows["一.(一).1"] == ("done", 80.0, None)
    assert rows["一.(二).1"] == ("in_progress", 80.0, 25.0)
    assert rows["一.(二).2"] == ("lagging", 30.0, None)
    assert "9.9" not in rows and "一.(一).3" not in rows
    gaps = {(r[0], r[1], r[3]) for r in values(tmp / "r.xlsx", "缺口清单")[1:]}
    assert ("未填报", "一.(一).3", "县委组织部") in gaps


def test_email_attachment_is_ingested(county) -> None:
    tmp, master, files = county
    data = fill(files["县委编办"], tmp / "x.xlsx", {"一.(一).2": ("推进中", 50, 6, "邮件", "")}).read_bytes()
    msg = EmailMessage()
    msg["From"] = "编办 <bb@shilixian.example>"
    msg["To"] = "jczl@shilixian.example"
    msg["Subject"] = "回复：填报表"
    msg["Date"] = format_datetime(datetime(2026, 12, 18, 9, 30).astimezone())
    msg.set_content("附件")
    msg.add_attachment(data, maintype="application", subtype="octet-stream",
                       filename="2026年第4季度_县委编办_任务进展填报表.xlsx")
    (tmp / "mail").mkdir()
    (tmp / "mail" / "reply.eml").write_bytes(bytes(msg))
    res = merge_returns(master, [tmp / "mail"], tmp / "r.xlsx", as_of=AS_OF)
    f = res.files[0]
    assert f.unit == "县委编办" and f.outcome == "accepted" and "bb@shilixian.example" in f.sender
    assert f.received_at.startswith("2026-12-18")
    assert f.path == "reply.eml ▸ 2026年第4季度_县委编办_任务进展填报表.xlsx"
    archived = list((tmp / "sheetsync-archive").rglob("*.xlsx"))
    assert len(archived) == 1 and archived[0].read_bytes() == data


def test_retyped_sheet_identified_by_title_and_said_so(county) -> None:
    tmp, master, files = county
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["示例县2026年第4季度任务进展填报表 — 县委编办"])
    ws.append(["任务编号", "完成状态", "完成进度", "进展情况"])
    ws.append(["一.(一).2", "已完成", 100, "重新录入"])
    p = tmp / "in" / "retyped.xlsx"
    p.parent.mkdir()
    wb.save(p)
    res = merge_returns(master, [p], tmp / "r.xlsx", as_of=AS_OF)
    f = res.files[0]
    assert f.unit == "县委编办" and any(x.code == "identified-by-fallback" for x in f.findings)


def test_merge_json_cli(county) -> None:
    tmp, master, files = county
    fill(files["县委编办"], tmp / "in" / "a.xlsx", {"一.(一).2": ("推进中", 50, 6, "x", "")})
    (tmp / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "merge", str(master), str(tmp / "in"), "-o",
                           str(tmp / "r.xlsx"), "--as-of", "2026-12-31", "--json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["period"] == "2026年第4季度" and data["units_reported"] == 1
    assert data["units_expected"] == len(data["missing_units"]) + 1
    assert {f["outcome"] for f in data["files"]} == {"accepted", "rejected"}
    assert all({"path", "unit", "outcome", "findings"} <= set(f) for f in data["files"])
    assert data["gaps"]["not_reported"] == len(data["missing_units"])
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "status", "--master", str(master), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and json.loads(proc.stdout)["units_reported"] == 1


def test_split_carry_forward_prefills_last_values(county) -> None:
    tmp, master, files = county
    fill(files["县委编办"], tmp / "in" / "a.xlsx", {"一.(一).2": ("推进中", 50, 6, "上期进展", "上期问题")})
    out = tmp / "rollup.xlsx"
    merge_returns(master, [tmp / "in"], out, as_of=AS_OF)
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "split", str(master), "-o", str(tmp / "next"),
                           "--period", "2027年第1季度", "--carry-forward", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    wb = openpyxl.load_workbook(tmp / "next" / "2027年第1季度_县委编办_任务进展填报表.xlsx")
    row = next(r for r in wb["填报"].iter_rows(min_row=4, values_only=True) if r[0] == "一.(一).2")
    assert row[6:11] == ("推进中", 50, 6, "上期进展", "上期问题")
    assert wb["_sheetsync"]["B4"].value == "2027年第1季度"
    # carried-forward cells are marked pale yellow, so the unit sees what to check; nothing else is
    ws = wb["填报"]
    marked = {(c.row, c.column) for r in ws.iter_rows(min_row=4) for c in r if c.fill.fgColor.rgb in ("FFFFF2CC", "00FFF2CC")}
    r = next(c.row for c in ws["A"] if c.value == "一.(一).2")
    assert marked == {(r, col) for col in range(7, 12)}
    assert "浅黄色单元格是上期填报的内容" in "".join(str(c.value or "") for c in wb["填报说明"]["A"])


def test_retyped_sheet_of_another_period_is_refused(county) -> None:
    tmp, master, files = county
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["示例县2026年第三季度任务进展填报表 — 县委编办"])
    ws.append(["任务编号", "完成状态", "完成进度", "进展情况"])
    ws.append(["一.(一).2", "已完成", 100, "上季度的表"])
    p = tmp / "in" / "old.xlsx"
    p.parent.mkdir()
    wb.save(p)
    res = merge_returns(master, [p], tmp / "r.xlsx", as_of=AS_OF)
    assert res.files[0].outcome == "rejected" and res.files[0].findings[-1].code == "wrong-period"
    assert "2026年第三季度" in res.files[0].findings[-1].message


def test_as_of_date_from_the_settings_sheet(county) -> None:
    """设置·统计截至日期 judges overdue at a fixed date (a quarter reported late is still judged at
    its end); --as-of overrides it; a value that is not a date is refused naming the setting."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.merge import status

    tmp, master, files = county
    fill(files["县委组织部"], tmp / "in" / "a.xlsx", {"一.(一).1": ("推进中", 50, None, "进行中", "")})
    res = merge_returns(master, [tmp / "in"], tmp / "r0.xlsx")
    assert res.rollup.as_of == date.today()  # nothing set: the day of the roll-up

    wb = openpyxl.load_workbook(master)
    ws = wb["设置"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "统计截至日期")
    ws.cell(row=row, column=2).value = "2026年12月31日"
    wb.save(master)
    assert merge_returns(master, [tmp / "in"], tmp / "r1.xlsx").rollup.as_of == date(2026, 12, 31)
    assert status(master).as_of == date(2026, 12, 31)
    assert merge_returns(master, [tmp / "in"], tmp / "r2.xlsx", as_of=date(2027, 1, 5)).rollup.as_of == date(2027, 1, 5)
    assert any("2026-12-31" in str(v) for r in values(tmp / "r1.xlsx", "总览") for v in r)

    ws.cell(row=row, column=2).value = "下个月"
    wb.save(master)
    with pytest.raises(SheetsyncError) as exc:
        merge_returns(master, [tmp / "in"], tmp / "r3.xlsx")
    assert "统计截至日期" in str(exc.value) and "下个月" in str(exc.value) and f"“设置”表 B{row} 单元格" in str(exc.value)
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "merge", str(master), str(tmp / "in"), "-o",
                           str(tmp / "r4.xlsx")], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "统计截至日期" in proc.stderr and "2026-12-31" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_merge_summary_text_is_built_once_and_printed_by_the_cli(county) -> None:
    tmp, master, files = county
    fill(files["县委编办"], tmp / "in" / "a.xlsx", {"一.(一).2": ("推进中", 50, 6, "x", "")})
    (tmp / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    res = merge_returns(master, [tmp / "in"], tmp / "r.xlsx", as_of=AS_OF)
    assert res.outcome_counts() == {"accepted": 1, "warnings": 0, "rejected": 1, "duplicate": 0}
    zh, en = res.to_summary("zh"), res.to_summary("en")
    assert zh.splitlines()[-1] == "回收文件 2 个：接收 1，有提示 0，拒收 1，重复 0。"
    assert en.splitlines()[-1] == "2 files: 1 accepted, 0 with warnings, 1 rejected, 0 duplicates."
    assert en != zh and "broken.xlsx" in zh and "[已拒收]" in zh
    broken = next(f for f in res.files if f.outcome == "rejected")
    assert res.problems(broken) and all(p in zh for p in res.problems(broken))
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "merge", str(master), str(tmp / "in"), "-o",
                           str(tmp / "r2.xlsx"), "--as-of", "2026-12-31"], capture_output=True, text=True,
                          env={**os.environ, "SHEETSYNC_LANG": "zh"})
    assert proc.returncode == 0, proc.stderr
    again = merge_returns(master, [tmp / "in"], tmp / "r3.xlsx", as_of=AS_OF)  # duplicates now, as the CLI saw
    assert again.files_summary("zh") in proc.stdout
    for f in again.files:
        assert again.file_lines(f, "zh")[0] in proc.stdout
