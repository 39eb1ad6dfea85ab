"""distribute / remind / send_rollup against real aiosmtpd servers on 127.0.0.1.

Each test starts its own server (STARTTLS with a trustme certificate, implicit TLS, or plain),
sends through sheetsync.mail, parses what the server received with the email package, and
reads the mail log back from a real SQLite file.
"""

from __future__ import annotations

import re
import sqlite3
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from helpers.mail import (
    PASSWORD,
    TLS,
    UNITS,
    USER,
    FakeClock,
    Handler,
    free_port,
    make_master,
    make_rollup,
    make_split_dir,
    settings_for,
    smtp_server,
)
from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import set_lang
from sheetsync.mail import distribute, records, remind, send_rollup
from sheetsync.mail.transport import PASSWORD_ENV

EMAILS = {name: email for name, email in UNITS if email}


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    set_lang("zh")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    yield
    set_lang(None)


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> TLS:
    return TLS(tmp_path_factory.mktemp("ca"))


def _rows(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM mail_log ORDER BY id")]


# ------------------------------------------------------------------ STARTTLS, the normal case
def test_distribute_over_starttls_with_office_ca(tmp_path, tls):
    db = tmp_path / "sheetsync.db"
    split = make_split_dir(tmp_path)
    with smtp_server("starttls", tls) as srv:
        master = make_master(tmp_path, settings_for(srv, mail_cc="督查室 <dcs@example.test>"))
        report = distribute(split, master, ca_file=srv.ca_file, db_path=db, cc=["leader@example.test"])
    assert report.counts == {"sent": 3, "dry-run": 0, "failed": 0, "partial": 0, "skipped": 1}
    skipped = [r for r in report.results if r.status == "skipped"]
    assert skipped[0].unit == "县文旅局" and "邮箱" in skipped[0].message
    got = {r.msg["To"].addresses[0].addr_spec: r for r in srv.handler.received}
    assert set(got) == set(EMAILS.values())
    for unit, addr in EMAILS.items():
        rec = got[addr]
        assert rec.mail_from == USER
        assert sorted(rec.rcpt_tos) == sorted([addr, "dcs@example.test", "leader@example.test"])
        msg = rec.msg
        assert msg["Subject"] == f"【请填报】2024年重点工作任务2024年第一季度进展情况（{unit}）"
        assert msg["From"].addresses[0].display_name == "示例县委督查室"
        assert msg["Cc"].addresses[0].display_name == "督查室"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert unit in text and "2024年4月10日" in text and "牵头任务 3 项" in text
        assert "<script" not in html.lower() and unit in html
        (att,) = list(msg.iter_attachments())
        fname = f"{unit}-2024年第一季度进展填报表.xlsx"
        assert att.get_filename() == fname
        assert att.get_content() == (split / fname).read_bytes()
        raw = rec.data.decode("ascii")  # 7-bit on the wire
        assert "filename*=utf-8''" in raw or "filename*0*=utf-8''" in raw
        assert 'name="=?utf-8?b?' in raw
    rows = _rows(db)
    assert [r["status"] for r in rows] == ["sent", "sent", "sent", "skipped"]
    assert all(r["kind"] == "distribute" and r["period"] == "2024年第一季度" for r in rows)
    assert rows[0]["smtp_code"] == 250 and len(rows[0]["attachment_sha256"]) == 64
    assert len({r["batch"] for r in rows}) == 1


def test_certificate_not_trusted_is_a_failure_never_silent(tmp_path, tls):
    split = make_split_dir(tmp_path)
    with smtp_server("starttls", tls) as srv:
        report = distribute(split, make_master(tmp_path, settings_for(srv)), db_path=tmp_path / "db")
    assert srv.handler.received == []
    assert report.counts["failed"] == 3
    assert all("证书" in r.message and "--ca-file" in r.message for r in report.results if r.status == "failed")


# ------------------------------------------------------------------ implicit TLS + roll-up
def test_send_rollup_over_implicit_tls(tmp_path, tls):
    rollup = make_rollup(tmp_path)
    db = tmp_path / "sheetsync.db"
    with smtp_server("ssl", tls) as srv:
        settings = settings_for(srv, "SSL", smtp_ca_file=str(srv.ca_file),
                                mail_to_upward="书记 <sj@up.example.test>；xz@up.example.test")
        report = send_rollup(rollup, [], master=make_master(tmp_path, settings), db_path=db)
    assert report.ok and report.counts["sent"] == 1
    (rec,) = srv.handler.received
    assert sorted(rec.rcpt_tos) == ["sj@up.example.test", "xz@up.example.test"]
    msg = rec.msg
    assert msg["Subject"] == "示例县2024年重点工作任务2024年第一季度进展情况汇总"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    # headline figures, the table of gaps by unit, the chart — readable without scripts or <style>
    for needle in ("任务总数", "42", "37.5%", "县卫生健康局", "家庭医生签约", "cid:rollup-chart@sheetsync"):
        assert needle in html
    assert "<script" not in html.lower() and "<style" not in html.lower()
    assert "县卫生健康局：缺口 2 项，完成率 25%" in text
    png = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert png and png[0]["Content-ID"] == "<rollup-chart@sheetsync>"
    assert png[0].get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == rollup.name and att.get_content() == rollup.read_bytes()
    (row,) = _rows(db)
    assert (row["kind"], row["unit"], row["status"]) == ("send", "", "sent")
    assert row["recipients"] == "sj@up.example.test,xz@up.example.test"


@pytest.mark.parametrize("layout", ["writer", "hand"])
def test_rollup_summary_read_by_header_names(tmp_path, layout):
    from sheetsync.mail import read_rollup_summary

    summary = read_rollup_summary(make_rollup(tmp_path, layout=layout))
    assert summary.period == "2024年第一季度"
    assert summary.headline == [("报送周期", "2024年第一季度"), ("任务总数", "42"), ("已报单位", "3/4"),
                                ("完成率", "37.5%")]
    assert [(u.unit, u.gaps, round(u.rate or 0)) for u in summary.units] == [
        ("县教育局", 0, 80), ("县卫生健康局", 2, 25), ("城关镇", 0, 50), ("县文旅局", 1, 0)]
    assert [(u, g.kind, g.task_id) for u, g in summary.gaps] == [
        ("县文旅局", "未报送", "2.1"), ("县卫生健康局", "未填报", "3.4"), ("县卫生健康局", "逾期未完成", "3.5")]


def test_rollup_without_per_unit_sheet_charts_gap_counts(tmp_path):
    from sheetsync.mail import read_rollup_summary

    summary = read_rollup_summary(make_rollup(tmp_path, with_rates=False))
    assert summary.period == "2024年第一季度" and not summary.has_rates
    assert [(u.unit, u.gaps) for u in summary.units] == [("县卫生健康局", 2), ("县文旅局", 1)]
    assert [g.task_id for _u, g in summary.gaps] == ["2.1", "3.4", "3.5"]


# ------------------------------------------------------------------ AUTH
def test_auth_failure_535_recorded_for_each_recipient(tmp_path, tls, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    db = tmp_path / "sheetsync.db"
    split = make_split_dir(tmp_path)
    with smtp_server("starttls", tls) as srv:
        report = distribute(split, make_master(tmp_path, settings_for(srv)), ca_file=srv.ca_file, db_path=db)
    assert srv.handler.received == []
    failed = [r for r in report.results if r.status == "failed"]
    assert len(failed) == 3 and all(r.code == 535 for r in failed)
    assert "用户名或密码错误" in failed[0].message
    assert [r["smtp_code"] for r in _rows(db) if r["status"] == "failed"] == [535, 535, 535]


def test_ascii_password_uses_smtplib_login(tmp_path, tls, monkeypatch):
    import helpers.mail as h

    monkeypatch.setattr(h, "PASSWORD", "plain-ascii")
    monkeypatch.setenv(PASSWORD_ENV, "plain-ascii")
    with smtp_server("starttls", tls) as srv:
        report = send_rollup(make_rollup(tmp_path), ["sj@up.example.test"],
                             master=settings_for(srv), ca_file=srv.ca_file, db_path=tmp_path / "db")
    assert report.ok and len(srv.handler.received) == 1


def test_missing_password_stops_before_sending(tmp_path, tls, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV)
    with smtp_server("starttls", tls) as srv, pytest.raises(SheetsyncError) as exc:
        send_rollup(make_rollup(tmp_path), ["sj@up.example.test"], master=settings_for(srv),
                    ca_file=srv.ca_file, db_path=tmp_path / "db")
    assert PASSWORD_ENV in str(exc.value)


# ------------------------------------------------------------------ plain SMTP
def test_server_without_tls_is_refused_unless_plain_was_asked_for(tmp_path):
    rollup = make_rollup(tmp_path)
    db = tmp_path / "sheetsync.db"
    with smtp_server("plain", auth=False) as srv:
        # configured for STARTTLS, the server offers none: refused (a downgrade looks like this)
        report = send_rollup(rollup, ["sj@up.example.test"], master=settings_for(srv, smtp_user=""), db_path=db)
        assert report.counts["failed"] == 1 and "STARTTLS" in report.results[0].message
        assert srv.handler.received == []
        # asked for plain in the settings, but not on the command line: refused before connecting
        with pytest.raises(SheetsyncError) as exc:
            send_rollup(rollup, ["sj@up.example.test"], master=settings_for(srv, "无", smtp_user=""), db_path=db)
        assert "--allow-plain-smtp" in str(exc.value)
        # both: sent, and said loudly first
        said: list[str] = []
        report = send_rollup(rollup, ["sj@up.example.test"], master=settings_for(srv, "无", smtp_user=""),
                             db_path=db, allow_plain=True, warn=said.append)
    assert report.ok and len(srv.handler.received) == 1
    assert said and "不加密" in said[0] and said == report.warnings


# ------------------------------------------------------------------ size
def test_oversize_caught_locally_before_connecting(tmp_path, tls):
    split = make_split_dir(tmp_path)
    with smtp_server("starttls", tls) as srv:
        master = make_master(tmp_path, settings_for(srv, mail_max_mb="0.005"))  # ~5 KB
        report = distribute(split, master, ca_file=srv.ca_file, db_path=tmp_path / "db")
    assert srv.handler.received == [] and report.counts["failed"] == 3
    assert all("超过上限" in r.message for r in report.results if r.status == "failed")


def test_oversize_against_server_size_extension(tmp_path, tls):
    rollup = make_rollup(tmp_path)
    with smtp_server("starttls", tls, size_limit=4000) as srv:
        report = send_rollup(rollup, ["sj@up.example.test"], master=settings_for(srv),
                             ca_file=srv.ca_file, db_path=tmp_path / "db")
    assert srv.handler.received == []
    (r,) = report.results
    assert r.status == "failed" and r.code is None and "服务器" in r.message and "4 KB" in r.message


def test_server_answering_552_is_recorded(tmp_path, tls):
    db = tmp_path / "sheetsync.db"
    handler = Handler(reject_data="552 5.3.4 Message size exceeds fixed limit")
    with smtp_server("starttls", tls, handler=handler) as srv:
        report = send_rollup(make_rollup(tmp_path), ["sj@up.example.test"], master=settings_for(srv),
                             ca_file=srv.ca_file, db_path=db)
    (r,) = report.results
    assert (r.status, r.code) == ("failed", 552) and "5.3.4" in r.message
    (row,) = _rows(db)
    assert (row["status"], row["smtp_code"]) == ("failed", 552) and "5.3.4" in row["smtp_message"]


# ------------------------------------------------------------------ failures and --retry
def test_server_down_then_retry_sends_only_the_failed(tmp_path, tls):
    db = tmp_path / "sheetsync.db"
    split = make_split_dir(tmp_path)
    port = free_port()
    settings = settings_for(None, smtp_host="127.0.0.1", smtp_port=str(port))
    master = make_master(tmp_path, settings)
    report = distribute(split, master, ca_file=tls.ca_file, db_path=db)  # nobody listening
    assert report.counts["failed"] == 3
    assert all("无法连接" in r.message and "--retry" in r.message for r in report.results if r.status == "failed")
    # the server is back; one unit's mailbox is refused this time
    handler = Handler(refuse_rcpt={"cgz@units.example.test"})
    with smtp_server("starttls", tls, port=port, handler=handler):
        again = distribute(split, master, ca_file=tls.ca_file, db_path=db, retry=True)
    assert {r.unit: r.status for r in again.results} == {
        "县教育局": "sent", "县卫生健康局": "sent", "城关镇": "failed", "县文旅局": "skipped"}
    assert next(r for r in again.results if r.unit == "城关镇").code == 550
    # fixed: only 城关镇 goes out (县文旅局 still has no address and stays skipped)
    handler2 = Handler()
    with smtp_server("starttls", tls, port=port, handler=handler2):
        third = distribute(split, master, ca_file=tls.ca_file, db_path=db, retry=True)
    assert [r.rcpt_tos for r in handler2.received] == [["cgz@units.example.test"]]
    assert {r.unit: r.status for r in third.results} == {"城关镇": "sent", "县文旅局": "skipped"}
    last = records.last_attempts(db, "distribute", "2024年第一季度")
    assert {u: a.status for u, a in last.items()} == {
        "县教育局": "sent", "县卫生健康局": "sent", "城关镇": "sent", "县文旅局": "skipped"}


def test_partial_refusal_retries_only_the_refused_address(tmp_path, tls):
    db = tmp_path / "sheetsync.db"
    handler = Handler(refuse_rcpt={"xz@up.example.test"})
    rollup = make_rollup(tmp_path)
    with smtp_server("starttls", tls, handler=handler) as srv:
        settings = settings_for(srv)
        first = send_rollup(rollup, ["sj@up.example.test", "xz@up.example.test"], master=settings,
                            ca_file=srv.ca_file, db_path=db)
        assert first.results[0].status == "partial" and "xz@up.example.test" in first.results[0].refused
        handler.refuse_rcpt.clear()
        second = send_rollup(rollup, ["sj@up.example.test", "xz@up.example.test"], master=settings,
                             ca_file=srv.ca_file, db_path=db, retry=True)
    assert second.results[0].status == "sent"
    assert [r.rcpt_tos for r in handler.received] == [["sj@up.example.test"], ["xz@up.example.test"]]
    # the headers still name both: the second copy is the same message
    assert len(handler.received[1].msg["To"].addresses) == 2


def test_retryable_kinds_are_the_kinds_with_something_not_sent(tmp_path, tls):
    """What the ribbon's 重发失败 runs again: messages only written to the outbox never count; a
    kind counts while a unit's newest real attempt failed or was skipped, until it goes out."""
    db = tmp_path / "sheetsync.db"
    split = make_split_dir(tmp_path)
    port = free_port()
    master = make_master(tmp_path, settings_for(None, smtp_host="127.0.0.1", smtp_port=str(port)))
    distribute(split, master, dry_run=True, db_path=db)
    # the dry run wrote three messages (not attempts) and skipped 县文旅局, which has no address
    assert {u: a.status for u, a in records.last_attempts(db, "distribute", "2024年第一季度").items()} == {
        "县文旅局": "skipped"}
    assert records.retryable_kinds(db, "2024年第一季度") == ["distribute"]
    assert records.retryable_kinds(db, "2024年第二季度") == []
    distribute(split, master, ca_file=tls.ca_file, db_path=db)  # nobody listening
    assert {u for u, a in records.last_attempts(db, "distribute", "2024年第一季度").items()
            if a.status in records.RETRYABLE} == {"县教育局", "县卫生健康局", "城关镇", "县文旅局"}
    with smtp_server("starttls", tls, port=port):
        distribute(split, master, ca_file=tls.ca_file, db_path=db, retry=True)
    # 县文旅局 has no address: skipped, so still something to resend once 邮箱 is filled in
    assert records.retryable_kinds(db, "2024年第一季度") == ["distribute"]
    assert {u for u, a in records.last_attempts(db, "distribute", "2024年第一季度").items()
            if a.status in records.RETRYABLE} == {"县文旅局"}


def test_retry_without_any_log_is_a_clear_error(tmp_path, tls):
    with pytest.raises(SheetsyncError) as exc:
        distribute(make_split_dir(tmp_path), make_master(tmp_path, settings_for(None)), dry_run=True,
                   retry=True, db_path=tmp_path / "db")
    assert "--retry" in str(exc.value)


# ------------------------------------------------------------------ rate limit
def test_rate_limit_spaces_the_messages(tmp_path, tls):
    clock = FakeClock()
    split = make_split_dir(tmp_path)
    with smtp_server("starttls", tls) as srv:
        master = make_master(tmp_path, settings_for(srv, mail_rate="30"))  # one every 2 s
        report = distribute(split, master, ca_file=srv.ca_file, db_path=tmp_path / "db",
                            clock=clock.clock, sleep=clock.sleep)
    assert report.counts["sent"] == 3
    assert clock.sleeps == [pytest.approx(2.0), pytest.approx(2.0)]
    clock2 = FakeClock()
    with smtp_server("starttls", tls) as srv:
        master = make_master(tmp_path, settings_for(srv))
        distribute(split, master, ca_file=srv.ca_file, db_path=tmp_path / "db2", clock=clock2.clock,
                   sleep=clock2.sleep)
    assert clock2.sleeps == []


# ------------------------------------------------------------------ dry run
def test_no_server_configured_means_dry_run_to_outbox(tmp_path):
    db = tmp_path / "sheetsync.db"
    split = make_split_dir(tmp_path)
    master = make_master(tmp_path, settings_for(None))
    report = distribute(split, master, db_path=db)
    assert report.dry_run and report.counts["dry-run"] == 3 and report.warnings
    assert report.outbox == tmp_path / "outbox" / "distribute-2024年第一季度"
    files = sorted(report.outbox.glob("*.eml"))
    assert [f.name for f in files] == ["001-县教育局.eml", "002-县卫生健康局.eml", "003-城关镇.eml"]
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["Subject"] == "【请填报】2024年重点工作任务2024年第一季度进展情况（县教育局）"
    (att,) = list(msg.iter_attachments())
    assert att.get_content() == (split / "县教育局-2024年第一季度进展填报表.xlsx").read_bytes()
    assert [r["status"] for r in _rows(db)] == ["dry-run", "dry-run", "dry-run", "skipped"]
    assert _rows(db)[0]["eml"] == str(files[0])


def test_explicit_dry_run_with_a_server_configured_sends_nothing(tmp_path, tls):
    out = tmp_path / "发件箱"
    with smtp_server("starttls", tls) as srv:
        report = send_rollup(make_rollup(tmp_path), ["sj@up.example.test"], master=settings_for(srv),
                             dry_run=True, outbox=out, db_path=tmp_path / "db")
    assert srv.handler.received == [] and report.dry_run and report.counts["dry-run"] == 1
    (eml,) = (out / "send-2024年第一季度").glob("*.eml")
    parsed = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "示例县2024年重点工作任务2024年第一季度进展情况汇总"
    assert parsed.get_body(("html",)) is not None and parsed.get_body(("plain",)) is not None
    (att,) = list(parsed.iter_attachments())
    assert att.get_filename() == "示例县2024年第一季度汇总表.xlsx"


def test_dry_run_file_is_byte_identical_to_what_is_sent(tmp_path, tls):
    """The preview is the message: what staff open in Outlook is what the server gets."""
    out = tmp_path / "outbox"
    with smtp_server("starttls", tls) as srv:
        report = send_rollup(make_rollup(tmp_path), ["sj@up.example.test"], master=settings_for(srv),
                             outbox=out, ca_file=srv.ca_file, db_path=tmp_path / "db")
    assert report.ok
    (eml,) = (out / "send-2024年第一季度").glob("*.eml")
    assert eml.read_bytes().replace(b"\r\n", b"\n") == srv.handler.received[0].data.replace(b"\r\n", b"\n")


# ------------------------------------------------------------------ remind
def test_remind_lists_exactly_the_units_gaps_and_reattaches_the_workbook(tmp_path, tls):
    split = make_split_dir(tmp_path)
    workbooks = {u: split / f"{u}-2024年第一季度进展填报表.xlsx" for u, _ in UNITS}
    gaps = {
        "县卫生健康局": [("未填写", "3.4", "基层医疗机构建设", "完成状态为空"),
                   {"kind": "逾期", "task_id": "3.5", "title": "家庭医生签约", "detail": "时限3月31日"}],
        "县教育局": [],  # nothing missing: no reminder
        "城关镇": [("未报送", "", "", "未收到填报表")],
    }
    db = tmp_path / "sheetsync.db"
    with smtp_server("starttls", tls) as srv:
        report = remind(make_master(tmp_path, settings_for(srv)), gaps, workbooks, period="2024年第一季度",
                        due="2024-04-15", ca_file=srv.ca_file, db_path=db)
    assert {r.unit: r.status for r in report.results} == {"县卫生健康局": "sent", "城关镇": "sent"}
    by_rcpt = {r.rcpt_tos[0]: r.msg for r in srv.handler.received}
    msg = by_rcpt["wjj@units.example.test"]
    assert msg["Subject"] == "【催报】2024年重点工作任务2024年第一季度进展情况（县卫生健康局）"
    text = msg.get_body(("plain",)).get_content()
    assert "1. 【未填写】3.4 基层医疗机构建设（完成状态为空）" in text
    assert "2. 【逾期】3.5 家庭医生签约（时限3月31日）" in text
    assert len(re.findall(r"^\d+\. 【", text, re.M)) == 2 and "2024年4月15日" in text
    html = msg.get_body(("html",)).get_content()
    assert "<table" in html and "基层医疗机构建设" in html and "<script" not in html.lower()
    (att,) = list(msg.iter_attachments())
    assert att.get_content() == workbooks["县卫生健康局"].read_bytes()
    assert "城关镇" in by_rcpt["cgz@units.example.test"].get_body(("plain",)).get_content()
    assert [r["kind"] for r in _rows(db)] == ["remind", "remind"]


def test_remind_skips_a_unit_whose_workbook_is_missing(tmp_path):
    report = remind(make_master(tmp_path, settings_for(None)), {"县教育局": [("未报送", "1.1", "t", "")]},
                    {}, period="2024年第一季度", db_path=tmp_path / "db")
    (r,) = report.results
    assert r.status == "skipped" and "split" in r.message


def test_mail_log_shares_the_file_with_other_tables(tmp_path):
    """The merge ledger lives in the same SQLite file: we only ever create mail_log."""
    db = tmp_path / "sheetsync.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO files (name) VALUES ('x.xlsx')")
    distribute(make_split_dir(tmp_path), make_master(tmp_path, settings_for(None)), db_path=db)
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert conn.execute("SELECT name FROM files").fetchall() == [("x.xlsx",)]
    assert {"files", "mail_log"} <= tables
    assert len(records.history(db, "distribute")) == 4
