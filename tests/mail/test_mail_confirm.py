"""``sheetsync mail confirm``: a message with an unknown outcome that the unit says did arrive is
recorded as received, so --retry and the ribbon's note stop holding it back and mentioning it.

Real parts: a master written and split by sheetsync, an aiosmtpd server on 127.0.0.1 that takes
城关镇's message and drops the connection before its 250, ``sheetsync mail`` in real processes,
the mail log in a real SQLite file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from helpers.mail import Handler, free_port, smtp_server
from helpers.robustness import run_cli
from sheetsync.core.model import Master, Task, Unit
from sheetsync.mail import records

PERIOD = "2024年第一季度"


def _setup(tmp: Path) -> tuple[Path, Path, Path]:
    """(master, split folder, mail config) for three units with addresses."""
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.split.workbook import split_master

    m = Master(
        tasks=[Task("1.1", "推进义务教育优质均衡", lead="县教育局", co_units=["城关镇"], deadline="2024年6月底"),
               Task("1.2", "家庭医生签约", lead="县卫生健康局", deadline="2024年3月31日")],
        units=[Unit("县教育局", email="jyj@units.example.test"), Unit("县卫生健康局", email="wjj@units.example.test"),
               Unit("城关镇", email="cgz@units.example.test")],
        settings={"region": "示例县", "plan": "2024年重点工作任务", "period": PERIOD, "due": "2024-04-10",
                  "office": "县委督查室", "mail_from": "office@example.test"})
    master = tmp / "任务分解表.xlsx"
    write_master(m, master)
    split_master(read_master(master), tmp / "分发")
    return master, tmp / "分发", tmp / "mail.toml"


def _config(cfg: Path, port: int) -> None:
    cfg.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "无"\nfrom = "office@example.test"\n',
                   encoding="utf-8")


def _log(db: Path) -> list[tuple[str, str, str, int | None]]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT unit, status, decided_by, refers_to FROM mail_log ORDER BY id").fetchall()
    finally:
        con.close()


@pytest.fixture()
def unknown_one(tmp_path: Path) -> tuple[Path, Path, Path]:
    """distribute through a server that takes 城关镇's message and drops the connection: unknown."""
    master, split, cfg = _setup(tmp_path)
    port = free_port()
    _config(cfg, port)
    with smtp_server("plain", auth=False, port=port, handler=Handler(take_and_drop={"cgz@units.example.test"})) as srv:
        r = run_cli("mail", "distribute", split, "--master", master, "--config", cfg, "--allow-plain-smtp")
    assert r.returncode == 1, r.stdout + r.stderr
    assert len(srv.handler.received) == 3 and "[结果不明] 城关镇" in r.stdout
    assert records.outstanding(tmp_path / "sheetsync.db", PERIOD).unknown == {"distribute": ["城关镇"]}
    return master, split, cfg


def test_confirm_records_it_and_retry_no_longer_mentions_it(tmp_path: Path, unknown_one: tuple[Path, Path, Path]) -> None:
    master, split, cfg = unknown_one
    db = tmp_path / "sheetsync.db"
    note = records.outstanding(db, PERIOD).unknown_note()
    assert "--retry --resend-unknown" in note and "sheetsync mail confirm" in note and "--kind distribute" in note

    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--unit", "城关镇")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "已将 1 封结果不明的邮件记录为对方已收到——城关镇" in r.stdout
    rows = _log(db)
    unknown_id = next(i for i, row in enumerate(rows, 1) if row[1] == "unknown")
    assert [row[:2] for row in rows if row[0] == "城关镇"] == [("城关镇", "unknown"), ("城关镇", "confirmed")]
    confirmed = rows[-1]
    assert confirmed[3] == unknown_id and confirmed[2] == records._os_user()
    pending = records.outstanding(db, "2024年第1季度")  # the same period, spelled another way
    assert (pending.retry, pending.unknown, pending.unknown_note()) == ({}, {}, "")

    with smtp_server("plain", auth=False, port=int(cfg.read_text().split("port = ")[1].split()[0])) as srv:
        r = run_cli("mail", "distribute", split, "--master", master, "--config", cfg, "--allow-plain-smtp",
                    "--retry")
    assert r.returncode == 0, r.stdout + r.stderr
    assert srv.handler.received == []
    assert "结果不明" not in r.stdout + r.stderr and "没有需要重发的邮件" in r.stdout + r.stderr
    assert len(_log(db)) == len(rows)

    # confirming again: it no longer has an unknown outcome — said, nothing recorded, exit 1
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--unit", "城关镇")
    assert r.returncode == 1 and "没有结果不明的分发邮件（最近一次：已确认收到），未作记录" in r.stdout, r.stdout
    assert len(_log(db)) == len(rows)


def test_a_unit_without_an_unknown_message_is_refused(tmp_path: Path, unknown_one: tuple[Path, Path, Path]) -> None:
    master, _, _ = unknown_one
    db = tmp_path / "sheetsync.db"
    before = _log(db)
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--unit", "县教育局")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "“县教育局”本期（2024年第一季度）没有结果不明的分发邮件（最近一次：已发送），未作记录" in r.stdout
    assert _log(db) == before
    assert records.outstanding(db, PERIOD).unknown == {"distribute": ["城关镇"]}


def test_a_mistyped_unit_is_resolved_or_refused_with_suggestions(tmp_path: Path,
                                                                 unknown_one: tuple[Path, Path, Path]) -> None:
    master, _, _ = unknown_one
    db = tmp_path / "sheetsync.db"
    before = _log(db)
    # a name no unit has: refused (exit 2) with the closest names, nothing recorded — also for the
    # correct name given with it
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--unit", "城关镇", "--unit", "卫生局长")
    assert r.returncode == 2, r.stdout + r.stderr
    assert "找不到单位“卫生局长”（相近：县卫生健康局" in r.stderr and "未作任何记录" in r.stderr
    assert _log(db) == before
    # the name without the county prefix resolves as everywhere else
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--unit", "示例县城关镇")
    assert r.returncode == 0, r.stdout + r.stderr
    assert [row[:2] for row in _log(db)][-1] == ("城关镇", "confirmed")


def test_english_output_and_all(tmp_path: Path, unknown_one: tuple[Path, Path, Path]) -> None:
    master, _, _ = unknown_one
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, lang="en")
    assert r.returncode == 2 and "--unit" in r.stderr and "--all" in r.stderr, r.stderr
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--all", lang="en")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Distribution (2024年第一季度): 1 message(s) with an unknown outcome recorded as received — 城关镇" in r.stdout
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--all", lang="en")
    assert r.returncode == 0 and "no message with an unknown outcome; nothing to confirm" in r.stdout, r.stdout
    r = run_cli("mail", "confirm", "--master", master, "--period", PERIOD, "--kind", "remind", "--all", lang="en")
    assert r.returncode == 2 and "has no 'remind' run for '2024年第一季度'" in r.stderr, r.stderr


def test_a_log_made_before_the_confirm_columns_gets_them(tmp_path: Path) -> None:
    """A mail log written by an earlier version (no decided_by / refers_to): opened, it gains the
    columns, and the library call records the confirmation with the given name."""
    db = tmp_path / "sheetsync.db"
    con = sqlite3.connect(db)
    con.executescript(records.SCHEMA.split("    decided_by")[0].rstrip().rstrip(",") + "\n);")
    con.execute("INSERT INTO mail_log (batch, kind, period, unit, status, time) VALUES "
                "('b1', 'send', ?, '', 'unknown', '2024-04-01T10:00:00+08:00')", (PERIOD,))
    con.commit()
    con.close()
    done = records.confirm_delivered(db, "2024年第1季度", "send", master=None, by="王芳")
    assert (done.confirmed, done.not_unknown, done.ok) == ([""], {}, True)
    assert _log(db) == [("", "unknown", "", None), ("", "confirmed", "王芳", 1)]
    assert records.outstanding(db, PERIOD).unknown == {}
