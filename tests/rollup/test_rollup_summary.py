"""The roll-up's machine-readable summary: built from the Rollup, stored in the very hidden
``_sheetsync`` sheet, read back — also after LibreOffice opened and saved the workbook."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from conftest import soffice_path
from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.demo import data as demo_data
from sheetsync.i18n import set_lang
from sheetsync.returns.read import ReturnRow
from sheetsync.rollup.compute import FileLine, UnitReturn, compute_rollup
from sheetsync.rollup.summary import CHUNK_CHARS, RollupSummary, read_summary
from sheetsync.rollup.workbook import write_rollup

HOSTILE = ["=1+1", "_x0041_ escaped?", "  leading and trailing  ", "长" * 40000, "\tTab\r\nCR", "😀 emoji"]


@pytest.fixture(scope="module")
def rollup():
    set_lang("zh")
    m = demo_data.master()
    m.tasks = m.tasks[:10]
    returns: dict[str, UnitReturn] = {}
    for i, (task, status) in enumerate(zip(m.tasks, ["done", "lagging", "in_progress", None, "ongoing", "done"])):
        ret = returns.setdefault(task.lead, UnitReturn(task.lead, f"/in/{task.lead}.xlsx", "2026-12-20T10:00:00", [],
                                                       reporter="张三", phone="0123"))
        ret.rows.append(ReturnRow(task.id, task.lead, "lead", status, 50.0 + i, None if i % 2 else 2.0,
                                  HOSTILE[i % len(HOSTILE)], "资金不足" if i == 1 else "无", "", "", 5 + i))
    files = [FileLine(f"/in/{u}.xlsx", u, "accepted", [], "2026-12-20T10:00:00") for u in returns]
    r = compute_rollup(m, returns, files, period="2026年第4季度", as_of=date(2026, 12, 31),
                       generated=datetime(2027, 1, 1, 9))
    yield r
    set_lang(None)


def test_from_rollup_matches_the_rollup(rollup) -> None:
    s = RollupSummary.from_rollup(rollup, master_fingerprint="abc")
    assert s.headline() == rollup.headline() and s.gap_counts() == rollup.gap_counts()
    assert s.missing_units == rollup.missing_units and s.master_fingerprint == "abc"
    assert (s.period, s.as_of, s.generated) == ("2026年第4季度", "2026-12-31", "2027-01-01 09:00:00")
    mine = {u: [(g.type, g.task_id, g.detail) for g in gs] for u, gs in s.gaps_by_unit().items()}
    theirs = {u: [(g.type, g.task_id, g.detail) for g in gs] for u, gs in rollup.gaps_by_unit().items()}
    assert mine == theirs and mine
    assert list(s.gaps_by_task()) == list(rollup.gaps_by_task())
    assert [tk.id for tk in s.tasks] == [tl.task.id for tl in rollup.tasks]
    assert [tk.headline_status for tk in s.tasks] == [tl.headline_status for tl in rollup.tasks]
    assert len(s.details) == len(rollup.details)
    assert all(g.severity in ("high", "medium") for g in s.gaps)
    assert s.to_summary("en")[0].startswith("2026年第4季度: ")


def test_json_round_trip(rollup) -> None:
    s = RollupSummary.from_rollup(rollup)
    assert RollupSummary.from_json(s.to_json()) == s
    assert RollupSummary.from_rows([list(r) for r in s.to_rows()]) == s
    newer = {**s.to_json(), "version": 99}
    with pytest.raises(ValueError):
        RollupSummary.from_json(newer)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_written_into_the_rollup_and_read_back(rollup, tmp_path, lang) -> None:
    path = write_rollup(rollup, tmp_path / "r.xlsx", lang=lang)
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = wb[schema.META_SHEET]
        assert ws.sheet_state == "veryHidden"
        assert all(len(str(c.value or "")) <= CHUNK_CHARS for row in ws.iter_rows() for c in row)
    finally:
        wb.close()
    assert read_summary(path) == RollupSummary.from_rollup(rollup)


def test_missing_and_damaged_summary_name_the_file(rollup, tmp_path) -> None:
    with pytest.raises(SheetsyncError, match="nothing.xlsx"):
        read_summary(tmp_path / "nothing.xlsx")
    hand = tmp_path / "hand.xlsx"
    openpyxl.Workbook().save(hand)
    with pytest.raises(SheetsyncError, match="hand.xlsx") as exc:
        read_summary(hand)
    assert "_sheetsync" in str(exc.value)
    path = write_rollup(rollup, tmp_path / "r.xlsx", lang="zh")
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.META_SHEET]
    for row in ws.iter_rows():
        if row[0].value == "data":
            row[1].value = row[1].value[:-8] + "AAAAAAAA"
            break
    wb.save(tmp_path / "damaged.xlsx")
    with pytest.raises(SheetsyncError, match="damaged.xlsx"):
        read_summary(tmp_path / "damaged.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(SheetsyncError, match="junk.xlsx"):
        read_summary(tmp_path / "junk.xlsx")


def test_summary_survives_libreoffice_open_and_save(rollup, tmp_path, libreoffice) -> None:
    """LibreOffice opens the roll-up and saves it as .xlsx again (what a clerk who edits it in
    LibreOffice does): the summary reads back the same."""
    path = write_rollup(rollup, tmp_path / "r.xlsx", lang="zh")
    libreoffice([path], tmp_path / "pdf")  # opens at all
    out = tmp_path / "saved"
    out.mkdir()
    exe = soffice_path()
    assert exe
    profile = tmp_path / "lo-profile"
    proc = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
                          capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    saved = out / "r.xlsx"
    with zipfile.ZipFile(saved) as z:
        assert "xl/workbook.xml" in z.namelist()
    assert read_summary(saved) == read_summary(path)
    shutil.rmtree(profile, ignore_errors=True)


def test_format_1_documents_are_still_read(rollup) -> None:
    """Roll-ups written before the column-major layout (format 1: one list per row) read the same."""
    s = RollupSummary.from_rollup(rollup)
    doc = s.to_json()
    for name in ("units", "tasks", "gaps", "details", "files"):
        table = doc[name]
        cols = [[table["values"][c][k] for k in col] if c in table["values"] else col
                for c, col in zip(table["columns"], table["data"])]
        doc[name] = {"columns": table["columns"], "rows": [list(row) for row in zip(*cols)]}
    doc["version"] = 1
    old = RollupSummary.from_json(doc)
    old.version = s.version
    assert old == s and s.details and s.gaps
