"""Every stage compares periods by their canonical key (issue 15, symptoms 1 and 5).

Failing first on the layout before core.period: the ledger, status, mail and the split-folder
lookup compared the exact text, so 2026年第四季度 found nothing that 2026年第4季度 had merged,
and status judged a period at today's date instead of the as-of of its roll-up.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date

from sheetsync.demo import data as demo_data
from sheetsync.ledger import Ledger, default_path
from sheetsync.merge import status

MASTER = "示例县_任务分解表.xlsx"


def _cli_status(master, *args: str) -> dict:
    env = {**os.environ, "SHEETSYNC_LANG": "zh"}
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "status", "--master", str(master), "--json", *args],
                          capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout.decode("utf-8"))


def test_status_is_the_same_for_every_spelling_of_the_demo_period(demo) -> None:
    folder, _ = demo
    master = folder / MASTER
    assert demo_data.PERIOD == "2026年第4季度"
    heads = {p: status(master, p).headline() for p in ("2026年第4季度", "2026年第四季度", "2026年四季度", "2026Q4",
                                                        "2026年10-12月", "２０２６年第４季度")}
    for p, h in heads.items():
        assert (h["units_reported"], h["units_expected"]) == (52, 55), p
    cli = _cli_status(master, "--period", "2026年第四季度")
    assert (cli["units_reported"], cli["units_expected"]) == (52, 55)
    # the text the clerk typed is what status shows
    assert cli["period"] == "2026年第四季度"


def test_status_judges_at_the_as_of_of_the_periods_last_rollup(demo) -> None:
    folder, _ = demo
    master = folder / MASTER
    with Ledger(default_path(master)) as ledger:
        last = ledger.last_rollup("2026年第四季度")
    assert last is not None and last.as_of == demo_data.AS_OF == date(2026, 12, 31)
    assert last.output.endswith("示例县_2026年第4季度_汇总表.xlsx") and last.period == "2026-Q4"

    rollup = status(master)
    assert rollup.as_of == date(2026, 12, 31)
    cli = _cli_status(master)
    assert cli["as_of"] == "2026-12-31"
    # the roll-up workbook says 逾期 13: status agrees without --as-of
    assert cli["overdue"] == rollup.headline()["overdue"] == 13
    assert cli["gaps"] == rollup.gap_counts()
    # --as-of still overrides
    later = _cli_status(master, "--as-of", "2027-03-31")
    assert later["as_of"] == "2027-03-31" and later["overdue"] >= 13
    assert status(master, as_of=date(2026, 10, 1)).as_of == date(2026, 10, 1)


def test_status_header_names_the_as_of_used(demo) -> None:
    folder, _ = demo
    env = {**os.environ, "SHEETSYNC_LANG": "zh"}
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "status", "--master", str(folder / MASTER),
                           "--period", "2026Q4"], capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "2026-12-31" in proc.stdout.decode("utf-8").splitlines()[0]


def test_an_old_ledger_is_migrated_to_period_keys_in_place(tmp_path) -> None:
    """A ledger written before periods had keys: on open its rows get the key, keep the typed
    text, and the change is recorded as a decision."""
    db = tmp_path / "sheetsync.db"
    con = sqlite3.connect(db)
    con.executescript("""
        CREATE TABLE files (sha256 TEXT PRIMARY KEY, original_name TEXT NOT NULL, archived_path TEXT NOT NULL,
                            size INTEGER NOT NULL, first_seen TEXT NOT NULL);
        CREATE TABLE returns (id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL REFERENCES files(sha256),
            period TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',
            sender TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL, ingested_at TEXT NOT NULL,
            outcome TEXT NOT NULL, identified_by TEXT NOT NULL DEFAULT '', reporter TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '', report_date TEXT NOT NULL DEFAULT '',
            findings TEXT NOT NULL DEFAULT '[]', UNIQUE (sha256, period));
        CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
            period TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
        INSERT INTO files VALUES ('a', 'a.xlsx', 'x/a.xlsx', 1, '2026-12-01T00:00:00');
        INSERT INTO files VALUES ('b', 'b.xlsx', 'x/b.xlsx', 1, '2026-12-01T00:00:00');
        INSERT INTO returns (sha256, period, unit, received_at, ingested_at, outcome)
            VALUES ('a', '2026年第四季度', '县教育局', '2026-12-01', '2026-12-01', 'accepted');
        INSERT INTO returns (sha256, period, unit, received_at, ingested_at, outcome)
            VALUES ('b', '2026年第4季度', '县财政局', '2026-12-02', '2026-12-02', 'accepted');
        INSERT INTO returns (sha256, period, unit, received_at, ingested_at, outcome)
            VALUES ('b', '第一批', '县财政局', '2026-12-02', '2026-12-02', 'accepted');
        INSERT INTO decisions (at, period, kind) VALUES ('2026-12-01', '2026年第四季度', 'return-accepted');
    """)
    con.commit()
    con.close()
    with Ledger(db) as ledger:
        assert sorted(r.unit for r in ledger.returns("2026Q4")) == ["县教育局", "县财政局"]
        assert {r.period_text for r in ledger.returns("2026年第4季度")} == {"2026年第四季度", "2026年第4季度"}
        assert [r.unit for r in ledger.returns("第一批")] == ["县财政局"]
        assert ledger.periods() == ["2026-Q4", "第一批"]
        migrated = [tuple(r) for r in ledger.db.execute(
            "SELECT period, detail FROM decisions WHERE kind='period-key-migrated' ORDER BY detail")]
        assert migrated == [("2026-Q4", "2026年第4季度 → 2026-Q4"), ("2026-Q4", "2026年第四季度 → 2026-Q4")]
        assert ledger.db.execute("SELECT COUNT(*) FROM decisions WHERE period='2026年第四季度'").fetchone()[0] == 0
    with Ledger(db) as ledger:  # opening again changes nothing
        assert ledger.db.execute("SELECT COUNT(*) FROM decisions WHERE kind='period-key-migrated'").fetchone()[0] == 2


def test_worker_parse_names_a_real_function() -> None:
    """The intake pool's post step is a "module:name" string: it must resolve to the parser."""
    import importlib

    from sheetsync.merge import _post_step
    from sheetsync.returns import read

    module, name = read.WORKER_PARSE.split(":")
    assert getattr(importlib.import_module(module), name) is read.parse_in_worker
    assert _post_step(demo_data.master(), "2026Q4", False)["fn"] == read.WORKER_PARSE


def test_mail_log_and_outbox_compare_period_keys(tmp_path) -> None:
    from sheetsync.mail import outbox, records

    db = tmp_path / "sheetsync.db"
    records.record(db, [{"batch": "b1", "kind": "remind", "period": "2026年第4季度", "unit": "县教育局",
                         "status": "failed"}])
    assert list(records.last_attempts(db, "remind", "2026年第四季度")) == ["县教育局"]
    assert records.retryable_kinds(db, "2026Q4") == ["remind"]
    assert records.retryable_kinds(db, "2026年第3季度") == []
    assert [r["period"] for r in records.history(db, period="2026年10-12月")] == ["2026年第4季度"]
    first = outbox.batch_folder(tmp_path / "outbox", "remind", "2026年第4季度")
    first.mkdir(parents=True)
    assert outbox.batch_folder(tmp_path / "outbox", "remind", "2026年第四季度") == first
    assert outbox.batch_folder(tmp_path / "outbox", "send", "2026年第四季度").name == "send-2026年第四季度"


def test_old_mail_log_gets_period_keys(tmp_path) -> None:
    from sheetsync.mail import records

    db = tmp_path / "sheetsync.db"
    con = sqlite3.connect(db)
    con.executescript(records.SCHEMA)
    con.execute("INSERT INTO mail_log (batch, kind, period, unit, status, time) "
                "VALUES ('b', 'distribute', '2026年第四季度', '县财政局', 'skipped', 'now')")
    con.commit()
    con.close()
    assert records.retryable_kinds(db, "2026年第4季度") == ["distribute"]


def test_split_folder_found_by_any_spelling(tmp_path) -> None:
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.split.manifest import ManifestUnit, find_split_dir, read_manifest, write_manifest

    folder = tmp_path / "填报表"
    folder.mkdir()
    write_manifest(folder, period="2026年第4季度", due="2027-01-05", region="示例县", plan="方案",
                   master_fingerprint="f", issued_at="2026-12-01T09:00:00",
                   units=[ManifestUnit("县教育局", "a.xlsx", "a@x.cn", 2, 1)], units_without_tasks=[])
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["period_key"] == "2026-Q4"
    for p in ("2026年第4季度", "2026年第四季度", "2026Q4", "2026年10月-12月"):
        assert find_split_dir(tmp_path, p) == folder
    m = read_manifest(folder)
    assert (m.period, m.workbooks()) == ("2026年第4季度", {"县教育局": folder / "a.xlsx"})
    import pytest

    with pytest.raises(SheetsyncError):
        find_split_dir(tmp_path, "2026年第3季度")


def test_admit_says_known_or_new(tmp_path) -> None:
    src = tmp_path / "a.xlsx"
    src.write_bytes(b"PK fake")
    with Ledger(tmp_path / "sheetsync.db") as ledger:
        first = ledger.admit("ab" * 32, src, "a.xlsx", "2026年第4季度")
        assert first.is_new and first.archived.exists()
        ledger.record_return(sha256="ab" * 32, period="2026年第4季度", unit="", source="a.xlsx", sender="",
                             received_at="2026-12-01", outcome="rejected", identified_by="", fields={},
                             findings=[], rows=[], missing=[])
        again = ledger.admit("ab" * 32, src, "a.xlsx", "2026年第四季度")
        assert not again.is_new and again.known.period_text == "2026年第4季度"
        assert ledger.admit("ab" * 32, src, "a.xlsx", "2026Q4", reconsider="password").is_new
        assert ledger.admit("ab" * 32, src, "a.xlsx", "2026年第3季度").is_new
        kinds = [r[0] for r in ledger.db.execute("SELECT kind FROM decisions ORDER BY id")]
        assert kinds == ["return-rejected", "re-evaluate-rejected"]


def test_a_period_the_ledger_has_no_record_of_is_said_with_the_periods_it_has(demo) -> None:
    folder, _ = demo
    master = folder / MASTER
    assert status(master, "2026年第4季度").notes == []  # a known period, any spelling: nothing to add
    assert status(master, "2026Q4").notes == []
    typo = _cli_status(master, "--period", "2026年第五季度")
    assert typo["units_reported"] == 0
    assert len(typo["notes"]) == 1
    assert "2026年第五季度" in typo["notes"][0] and "2026年第3季度、2026年第4季度" in typo["notes"][0]
    env = {**os.environ, "SHEETSYNC_LANG": "en"}
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "status", "--master", str(master), "--period", "乱写"],
                          capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0
    assert "the ledger has no returns for '乱写'" in proc.stdout.decode("utf-8")


def test_an_as_of_date_years_after_the_period_is_said(demo) -> None:
    folder, _ = demo
    master = folder / MASTER
    assert status(master, as_of=date(2027, 3, 31)).notes == []  # a quarter later: a choice, not a typo
    far = _cli_status(master, "--as-of", "2099-01-01")
    assert len(far["notes"]) == 1 and "2099-01-01" in far["notes"][0] and "2026-12-31" in far["notes"][0]
