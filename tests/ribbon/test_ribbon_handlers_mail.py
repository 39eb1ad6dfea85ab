"""发送填报表, 催报, 报送汇总, 重发失败 from the ribbon: real master, split, ledger.

With no SMTP server in 设置 the mail functions write .eml files (a dry run); one test points
设置 at a closed local port to see a failure reach the user, and 重发失败 is tried against a real
local SMTP server (aiosmtpd) that is down, then refuses a mailbox, then accepts. The folder dialog of 发送填报表 is
VBA and cannot run here: the folder is passed as the dispatcher passes it (``hexpath``).
"""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from helpers.mail import PASSWORD, TLS, USER, Handler, free_port, smtp_server
from helpers.ribbon import (
    Demo,
    alert,
    hexpath,
    merge_cli,
    open_file,
    painted,
    remote_engine,  # noqa: F401  (autouse fixture)
    sheet_values,
    small_county,
)
from helpers.robustness import run_cli
from sheetsync.mail.transport import PASSWORD_ENV
from sheetsync.ribbon import handlers

BLUE, RED, AMBER = "#ddebf7", "#ffc7ce", "#ffeb9c"
PERIOD = "2026年第4季度"


@pytest.fixture
def county(tmp_path: Path) -> Demo:
    return small_county(tmp_path / "示例县")


def _eml(path: Path):
    return message_from_bytes(path.read_bytes(), policy=policy.default)


def _set(grids: dict, label: str, value: str) -> None:
    for row in grids["设置"]:
        if row[0] == label:
            row[1] = value
            return
    raise AssertionError(label)


def test_send_returns_writes_one_message_per_unit_to_the_outbox(county: Demo) -> None:
    def edit(grids: dict) -> None:  # typed in Excel, not saved: the open workbook's 设置 count
        _set(grids, "抄送", "lingdao@example.test")

    missing = next(county.split.glob("*城关镇*.xlsx"))
    missing.unlink()  # 城关镇's workbook is gone: skipped with the reason, never dropped
    book = open_file(county.master, edit)
    handlers.dispatch("sendReturns", hexpath(county.split))
    text, mode = alert(book)
    assert mode == "info", text
    outbox = county.folder / "outbox" / f"distribute-{PERIOD}"
    assert str(outbox) in text and "未配置邮件服务器" in text
    emls = sorted(outbox.glob("*.eml"))
    assert len(emls) == 2
    for eml in emls:
        msg = _eml(eml)
        assert str(msg["Cc"]) == "lingdao@example.test"
        (att,) = list(msg.iter_attachments())
        assert att.get_content() == (county.split / att.get_filename()).read_bytes()

    table = sheet_values(book, "邮件结果")
    assert table[0] == ["单位", "收件人", "主题", "结果", "说明", "附件", "邮件文件"]
    by_unit = {row[0]: row for row in table[1:]}
    assert set(by_unit) == {"县教育局", "县财政局", "城关镇"}
    assert by_unit["县教育局"][3] == "已写入发件箱" and Path(by_unit["县教育局"][6]).is_file()
    assert by_unit["城关镇"][3] == "跳过" and missing.name in by_unit["城关镇"][4]
    fills = painted(book, "邮件结果")
    row_of = {row[0]: i for i, row in enumerate(table[1:], start=2)}
    assert fills[(row_of["城关镇"], 4, 1, 1)] == AMBER and fills[(row_of["县财政局"], 4, 1, 1)] == BLUE
    assert "城关镇" in text


def test_remind_writes_reminders_to_the_units_with_gaps(county: Demo) -> None:
    merge_cli(county)
    book = open_file(county.master)
    handlers.dispatch("remind")
    text, mode = alert(book)
    assert mode == "info", text
    outbox = county.folder / "outbox" / f"remind-{PERIOD}"
    assert str(outbox) in text
    msgs = [_eml(p) for p in sorted(outbox.glob("*.eml"))]
    assert sorted(str(m["To"]) for m in msgs) == ["cgz@units.example.test", "czj@units.example.test"]
    for m in msgs:  # each unit gets its own workbook again
        (att,) = list(m.iter_attachments())
        assert att.get_content() == (county.split / att.get_filename()).read_bytes()
    body = next(m for m in msgs if "czj@" in str(m["To"])).get_body(("plain",)).get_content()
    assert "联合督查" in body  # the lagging task is named
    units = {row[0] for row in sheet_values(book, "邮件结果")[1:]}
    assert units == {"城关镇", "县财政局"}


def test_remind_before_any_merge_says_to_merge_first(county: Demo) -> None:
    book = open_file(county.master)
    handlers.dispatch("remind")
    text, mode = alert(book)
    assert mode == "critical" and "合并回收表" in text
    assert not (county.folder / "outbox").exists()


def test_report_up_sends_the_rollup_the_merge_button_wrote(county: Demo) -> None:
    book = open_file(county.master)
    handlers.dispatch("mergeReturns", hexpath(county.returns))
    assert alert(book)[1] == "info"
    rollup = county.folder / f"示例县_{PERIOD}_汇总表.xlsx"

    book = open_file(county.master)
    handlers.dispatch("reportUp")
    text, mode = alert(book)
    assert mode == "info", text
    (eml,) = (county.folder / "outbox" / f"send-{PERIOD}").glob("*.eml")
    msg = _eml(eml)
    assert str(msg["To"]) == "shiwei@up.example.test"
    att = next(a for a in msg.iter_attachments() if a.get_filename() == rollup.name)
    assert att.get_content() == rollup.read_bytes()
    (row,) = sheet_values(book, "邮件结果")[1:]
    assert row[0] == "汇总表" and row[3] == "已写入发件箱"


def test_report_up_without_a_rollup_says_to_merge_first(county: Demo) -> None:
    book = open_file(county.master)
    handlers.dispatch("reportUp")
    text, mode = alert(book)
    assert mode == "critical" and "合并回收表" in text and "汇总表" in text


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_mail_server_that_cannot_be_reached_is_an_error_with_every_row_listed(county: Demo) -> None:
    port = _closed_port()

    def edit(grids: dict) -> None:
        _set(grids, "SMTP服务器", "127.0.0.1")
        _set(grids, "SMTP端口", str(port))

    book = open_file(county.master, edit)
    handlers.dispatch("sendReturns", hexpath(county.split))
    text, mode = alert(book)
    assert mode == "critical" and "失败" in text and "重发失败" in text
    table = sheet_values(book, "邮件结果")
    assert {row[3] for row in table[1:]} == {"失败"}
    fills = painted(book, "邮件结果")
    assert all(fills[(r, 4, 1, 1)] == RED for r in range(2, len(table) + 1))
    assert not (county.folder / "outbox").exists()


def _click(master: Path, edit, button: str, *args: str) -> tuple:  # noqa: ANN001
    """Open the master (with ``edit`` typed in), click ``button``: (book, box text, box kind)."""
    book = open_file(master, edit)
    handlers.dispatch(button, *args)
    return (book, *alert(book))


def _local_server(port: int, tls: TLS):  # noqa: ANN202 - an edit for open_file
    """设置 pointing at the local test server, typed into the open master and not saved."""
    def edit(grids: dict) -> None:
        _set(grids, "SMTP服务器", "127.0.0.1")
        _set(grids, "SMTP端口", str(port))
        _set(grids, "SMTP用户名", USER)
        _set(grids, "CA证书文件", str(tls.ca_file))
    return edit


def test_resend_failed_sends_only_what_did_not_go_out(county: Demo, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A real SMTP server (aiosmtpd, STARTTLS with an office CA) is down, then refuses one mailbox,
    then takes everything: each 重发失败 click sends to the units whose last attempt failed, and
    only to them; a unit already reached never gets a second copy."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    tls, port = TLS(tmp_path), free_port()

    server = _local_server(port, tls)

    book = open_file(county.master, server)
    handlers.dispatch("resendFailed")
    text, mode = alert(book)
    assert mode == "info" and "没有需要重发" in text  # nothing was ever sent

    handlers.dispatch("sendReturns", hexpath(county.split))  # nobody listening
    text, mode = alert(book)
    assert mode == "critical" and "重发失败" in text
    assert {row[3] for row in sheet_values(book, "邮件结果")[1:]} == {"失败"}

    refusing = Handler(refuse_rcpt={"cgz@units.example.test"})
    with smtp_server("starttls", tls, port=port, handler=refusing):
        book, text, mode = _click(county.master, server, "resendFailed")
    assert mode == "critical", text  # 城关镇's mailbox was refused
    assert sorted(r.rcpt_tos[0] for r in refusing.received) == ["czj@units.example.test", "jyj@units.example.test"]
    status = {row[0]: row[3] for row in sheet_values(book, "邮件结果")[1:]}
    assert status == {"县教育局": "已发送", "县财政局": "已发送", "城关镇": "失败"}

    fixed = Handler()
    with smtp_server("starttls", tls, port=port, handler=fixed):
        book, text, mode = _click(county.master, server, "resendFailed")
        assert mode == "info", text
        assert [r.rcpt_tos for r in fixed.received] == [["cgz@units.example.test"]]
        (att,) = list(fixed.received[0].msg.iter_attachments())
        assert "城关镇" in att.get_filename() and att.get_content() == (county.split / att.get_filename()).read_bytes()
        assert {row[0]: row[3] for row in sheet_values(book, "邮件结果")[1:]} == {"城关镇": "已发送"}

        _book, text, mode = _click(county.master, server, "resendFailed")  # all went out: nothing more to send
        assert mode == "info" and "没有需要重发" in text
        assert len(fixed.received) == 1


def test_resend_failed_redoes_reminders_and_the_report_upward_in_one_click(county: Demo, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    tls, port = TLS(tmp_path), free_port()

    server = _local_server(port, tls)
    book = open_file(county.master)
    handlers.dispatch("mergeReturns", hexpath(county.returns))
    assert alert(book)[1] == "info"
    for button in ("remind", "reportUp"):  # nobody listening: both fail
        assert _click(county.master, server, button)[2] == "critical"

    received = Handler()
    with smtp_server("starttls", tls, port=port, handler=received):
        book, text, mode = _click(county.master, server, "resendFailed")
    assert mode == "info", text
    assert sorted(r.rcpt_tos[0] for r in received.received) == [
        "cgz@units.example.test", "czj@units.example.test", "shiwei@up.example.test"]
    assert "催报" in text and "汇总" in text  # one summary line per kind of mail
    rows = sheet_values(book, "邮件结果")[1:]
    assert sorted(row[0] for row in rows) == ["县财政局", "城关镇", "汇总表"] and {row[3] for row in rows} == {"已发送"}


def test_resend_failed_says_which_messages_have_an_unknown_outcome_and_does_not_resend_them(
        county: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real SMTP server (aiosmtpd, STARTTLS) refuses 县财政局's mailbox and takes 城关镇's message
    but drops the connection before its 250 (so 城关镇 may have it). 重发失败 resends 县财政局 only,
    and the box says how many messages have an unknown outcome, to whom, that they were not
    resent and how to resend them once checked — the command line that does it, which then works."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    tls, port = TLS(tmp_path), free_port()
    server = _local_server(port, tls)

    first = Handler(refuse_rcpt={"czj@units.example.test"}, take_and_drop={"cgz@units.example.test"})
    with smtp_server("starttls", tls, port=port, handler=first):
        book, text, mode = _click(county.master, server, "sendReturns", hexpath(county.split))
    assert mode == "critical", text
    assert sorted(r.rcpt_tos[0] for r in first.received) == ["cgz@units.example.test", "jyj@units.example.test"]
    table = sheet_values(book, "邮件结果")
    assert {row[0]: row[3] for row in table[1:]} == {"县教育局": "已发送", "县财政局": "失败", "城关镇": "结果不明"}
    row_of = {row[0]: i for i, row in enumerate(table[1:], start=2)}
    fills = painted(book, "邮件结果")
    assert fills[(row_of["城关镇"], 4, 1, 1)] == AMBER and fills[(row_of["县财政局"], 4, 1, 1)] == RED
    assert "其中 1 封结果不明" in text and "[结果不明] 城关镇" in text
    assert "“重发失败”不会重发结果不明的邮件" in text  # the hint says what the next click will not do

    fixed = Handler()
    with smtp_server("starttls", tls, port=port, handler=fixed):
        book, text, mode = _click(county.master, server, "resendFailed")
        assert [r.rcpt_tos for r in fixed.received] == [["czj@units.example.test"]]  # 城关镇 not resent
        assert {row[0]: row[3] for row in sheet_values(book, "邮件结果")[1:]} == {"县财政局": "已发送"}
        assert mode == "critical", text  # the unknown one needs the clerk: not an all-clear
        assert "1 封邮件结果不明，本次未重发" in text and "分发：城关镇" in text
        assert "对方可能已经收到" in text and "请先向这些单位核实" in text
        assert "sheetsync mail distribute … --retry --resend-unknown" in text
        assert text.count("城关镇") == 1  # said once: the run's own per-unit note is left out

        # nothing failed any more, only the unknown one: told again, nothing sent, no sheet written
        book, text, mode = _click(county.master, server, "resendFailed")
        assert mode == "critical" and "1 封邮件结果不明，本次未重发" in text, text
        assert len(fixed.received) == 1
        assert "邮件结果" not in [s.name for s in book.sheets]

        monkeypatch.setenv("SHEETSYNC_LANG", "en")
        _book, text, mode = _click(county.master, server, "resendFailed")
        assert mode == "critical"
        assert "1 message(s) with an unknown outcome were NOT resent" in text and "Distribution: 城关镇" in text
        assert "Check with these units first" in text and "--retry --resend-unknown" in text
        monkeypatch.delenv("SHEETSYNC_LANG")

        # the clerk checked with 城关镇: it did not arrive. The command the box named resends it
        cfg = tmp_path / "mail.toml"
        cfg.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "starttls"\nuser = "{USER}"\n'
                       f'ca_file = "{tls.ca_file.as_posix()}"\n', encoding="utf-8")
        r = run_cli("mail", "distribute", county.split, "--master", county.master, "--config", cfg,
                    "--retry", "--resend-unknown")
        assert r.returncode == 0, r.stdout + r.stderr
        assert [r.rcpt_tos for r in fixed.received] == [["czj@units.example.test"], ["cgz@units.example.test"]]

        _book, text, mode = _click(county.master, server, "resendFailed")
        assert mode == "info" and "没有需要重发" in text, text
