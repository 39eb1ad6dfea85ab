"""Issue 17, mail exit codes and duplicates: a connection dropped at or in DATA, a 552 reply, a
message over 设置·邮件大小上限 — the command exits non-zero; a server that takes the message and
drops the connection before its 250 — "outcome unknown", and ``--retry`` does not resend it
without being told to (``--resend-unknown``).

Where the connection drops decides the outcome exactly, on plain SMTP, STARTTLS and implicit TLS
alike: inside DATA before the final "." is "failed" (nothing delivered, resent once on a new
connection), after the "." and before the reply is "unknown" (delivered once, never again).

Real parts: an aiosmtpd server on 127.0.0.1 started by each test (its SMTP class changed where
the connection must drop at a given moment; TLS with a trustme CA), ``sheetsync mail send`` in a
real process, the mail log in a real SQLite file; messages checked in zh.
"""

from __future__ import annotations

import select
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, syntax

from helpers.mail import TLS, Handler, Received, free_port, make_rollup
from helpers.robustness import run_cli
from sheetsync.mail import records
from sheetsync.mail.transport import SmtpConfig, SmtpTransport

TO = "sj@up.example.test"
PERIOD = "2024年第一季度"  # the roll-up's 报送周期


class DropAtData(SMTP):
    """Closes the connection on the DATA command: nothing of the message was received."""

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        assert self.transport is not None
        self.transport.abort()


class DropInData(SMTP):
    """Says 354, reads one line of the message and closes the connection."""

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        await self._reader.readuntil(b"\r\n")
        assert self.transport is not None
        self.transport.abort()


class TakeAndDrop(Handler):
    """Receives the whole message, keeps it, and drops the connection instead of replying 250."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        server.transport.abort()
        return "250 2.0.0 queued"  # never reaches the client: the transport is gone


class _Controller(Controller):
    def __init__(self, handler: Any, smtp_class: type[SMTP], **kw: Any) -> None:
        super().__init__(handler, **kw)
        self.smtp_class = smtp_class

    def factory(self) -> SMTP:
        return self.smtp_class(self.handler, **self.SMTP_kwargs)


@contextmanager
def server(port: int, handler: Handler | None = None, smtp_class: type[SMTP] = SMTP, *,
           mode: str = "plain", tls: TLS | None = None) -> Iterator[Handler]:
    """mode: 'plain', 'starttls' (required before MAIL) or 'ssl' (implicit TLS)."""
    handler = handler or Handler()
    kw: dict[str, Any] = {}
    if mode == "starttls":
        assert tls is not None
        kw.update(tls_context=tls.server_ctx, require_starttls=True)
    elif mode == "ssl":
        assert tls is not None
        kw.update(ssl_context=tls.server_ctx)
    controller = _Controller(handler, smtp_class, hostname="127.0.0.1", port=port, **kw)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def config(tmp: Path, port: int, **extra: str) -> Path:
    cfg = tmp / "mail.toml"
    lines = ["[smtp]", 'host = "127.0.0.1"', f"port = {port}", 'security = "无"', 'from = "office@example.test"',
             *(f'{k} = "{v}"' for k, v in extra.items())]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def send(tmp: Path, cfg: Path, *more: str) -> Any:
    rollup = tmp / "示例县2024年第一季度汇总表.xlsx"
    if not rollup.exists():
        make_rollup(tmp)
    return run_cli("mail", "send", rollup, "--to", TO, "--config", cfg, "--db", tmp / "sheetsync.db",
                   "--allow-plain-smtp", *more)


def log(tmp: Path) -> list[tuple[str, Any]]:
    con = sqlite3.connect(tmp / "sheetsync.db")
    try:
        return con.execute("SELECT status, smtp_code FROM mail_log ORDER BY id").fetchall()
    finally:
        con.close()


def test_connection_dropped_at_data_fails_the_command(tmp_path: Path) -> None:
    port = free_port()
    with server(port, smtp_class=DropAtData) as h:
        r = send(tmp_path, config(tmp_path, port))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "[失败]" in r.stdout and "失败 1 封" in r.stdout and "无法连接邮件服务器" in r.stdout
    assert h.received == [] and log(tmp_path) == [("failed", None)]


def test_connection_dropped_in_data_is_never_reported_sent(tmp_path: Path) -> None:
    # the command as a clerk runs it: the message is never "sent" and the command fails. Whether
    # this small message's final "." left before the server's close reached the client is up to
    # the network (then "unknown", the cautious answer); the exact outcome of a drop seen before
    # the "." is asserted below, for plain SMTP and TLS, by letting the drop arrive first
    port = free_port()
    with server(port, smtp_class=DropInData) as h:
        r = send(tmp_path, config(tmp_path, port))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "失败 1 封" in r.stdout and "已发送 0 封" in r.stdout
    assert h.received == [] and log(tmp_path)[0][0] in ("failed", "unknown")


@pytest.mark.parametrize("mode", ("plain", "starttls"))
def test_connection_dropped_while_the_body_is_sent_fails_the_command_exactly(tmp_path: Path, tls: TLS,
                                                                             mode: str) -> None:
    """The command as a clerk runs it, with the drop surely before the final ".": the message is
    larger than the socket buffers of both sides (an attachment, a sparse file: small on disk),
    so the client is still sending its body when the server, after one line, drops the
    connection. "failed" exactly (exit 1, logged failed, tried once more on a new connection),
    on plain SMTP and over STARTTLS."""
    big = tmp_path / "附件-情况说明.bin"
    with big.open("wb") as f:
        f.truncate(12 * 1024 * 1024)  # base64: about 16 MB on the wire
    port = free_port()
    extra = {"max_mb": "30"} if mode == "plain" else {"max_mb": "30", "ca_file": tls.ca_file.as_posix()}
    cfg = config(tmp_path, port, **extra)
    if mode == "starttls":
        cfg.write_text(cfg.read_text(encoding="utf-8").replace('security = "无"', 'security = "starttls"'),
                       encoding="utf-8")
    with server(port, smtp_class=DropInData, mode=mode, tls=tls) as h:
        r = send(tmp_path, cfg, "--attach", big)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "[失败]" in r.stdout and "失败 1 封" in r.stdout and "已发送 0 封" in r.stdout
    assert "结果不明" not in r.stdout
    assert h.received == [] and log(tmp_path) == [("failed", None)]


def test_552_reply_fails_the_command(tmp_path: Path) -> None:
    port = free_port()
    with server(port, Handler(reject_data="552 5.3.4 Message size exceeds fixed limit")) as h:
        r = send(tmp_path, config(tmp_path, port))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "拒绝：552 5.3.4" in r.stdout and "失败 1 封" in r.stdout
    assert h.received == [] and log(tmp_path) == [("failed", 552)]


def test_message_over_the_size_limit_fails_the_command(tmp_path: Path) -> None:
    port = free_port()
    with server(port) as h:
        r = send(tmp_path, config(tmp_path, port, max_mb="0.001"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "超过上限" in r.stdout and "失败 1 封" in r.stdout
    assert h.received == [] and log(tmp_path) == [("failed", None)]


def test_taken_but_unconfirmed_is_unknown_and_retry_holds_it_back(tmp_path: Path) -> None:
    port = free_port()
    cfg = config(tmp_path, port)
    with server(port, TakeAndDrop()) as h:
        r = send(tmp_path, cfg)
    assert r.returncode == 1, r.stdout + r.stderr
    assert len(h.received) == 1  # sent once, not again on a reconnect
    assert "[结果不明]" in r.stdout and "其中 1 封结果不明" in r.stdout and "请向收件人核实" in r.stdout
    assert log(tmp_path) == [("unknown", None)]
    # the library's one answer (the ribbon's 重发失败 asks it): nothing to retry, one unknown
    pending = records.outstanding(tmp_path / "sheetsync.db", PERIOD)
    assert (pending.kinds, pending.retry, pending.unknown) == ([], {}, {"send": [""]})
    assert records.retryable_kinds(tmp_path / "sheetsync.db", PERIOD) == []
    note = pending.unknown_note()
    assert "1 封邮件结果不明，本次未重发" in note and "上报汇总：汇总表" in note
    assert "sheetsync mail send … --retry --resend-unknown" in note

    with server(port) as h:  # the server works again: --retry says why it does not resend
        r = send(tmp_path, cfg, "--retry")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "上次发送结果不明" in r.stderr and "--resend-unknown" in r.stderr
    assert h.received == [] and log(tmp_path) == [("unknown", None)]

    r = send(tmp_path, cfg, "--resend-unknown")
    assert r.returncode == 2 and "--resend-unknown 只能与 --retry 一起使用" in r.stderr

    with server(port) as h:  # the clerk checked: it did not arrive
        r = send(tmp_path, cfg, "--retry", "--resend-unknown")
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(h.received) == 1 and "[已发送]" in r.stdout
    assert log(tmp_path) == [("unknown", None), ("sent", 250)]
    pending = records.outstanding(tmp_path / "sheetsync.db", PERIOD)
    assert (pending.kinds, pending.unknown, pending.unknown_note()) == ([], {}, "")


def test_unknown_note_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The note the ribbon shows, in English, for a log with one unknown outcome and one failure
    (real rows in a real SQLite file): the failure is to retry, the unknown one only reported."""
    db = tmp_path / "sheetsync.db"
    records.record(db, [{"batch": "b1", "kind": "distribute", "period": PERIOD, "unit": "县教育局", "status": "unknown"},
                        {"batch": "b1", "kind": "distribute", "period": PERIOD, "unit": "城关镇", "status": "failed"}])
    monkeypatch.setenv("SHEETSYNC_LANG", "en")
    pending = records.outstanding(db, "2024年第1季度")  # the same period, spelled another way
    assert pending.retry == {"distribute": ["城关镇"]} and pending.unknown == {"distribute": ["县教育局"]}
    note = pending.unknown_note()
    assert "1 message(s) with an unknown outcome were NOT resent" in note and "Distribution: 县教育局" in note
    assert "may already have arrived" in note and "sheetsync mail distribute … --retry --resend-unknown" in note


# ------------------------------------------------ the exact outcome, plain and TLS
MODES = ("plain", "starttls", "ssl")
RAW = (b"From: office@example.test\r\nTo: sj@up.example.test\r\nSubject: =?utf-8?b?5rGH5oC76KGo?=\r\n"
       b"\r\n" + b"".join(b"line %d of the roll-up\r\n.starts with a dot\r\n" % i for i in range(200)))


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TLS:
    return TLS(tmp_path_factory.mktemp("ca"))


def transport(port: int, mode: str, tls: TLS, before_end_of_data: Any) -> SmtpTransport:
    cfg = SmtpConfig(host="127.0.0.1", port=port, security=mode, mail_from="office@example.test",  # type: ignore[arg-type]
                     ca_file=str(tls.ca_file))
    return SmtpTransport(cfg, allow_plain=True, before_end_of_data=before_end_of_data)


@pytest.mark.parametrize("mode", MODES)
def test_drop_inside_data_before_the_final_dot_is_failed(tmp_path: Path, tls: TLS, mode: str) -> None:
    """The server reads one line of the message and drops the connection; the client waits (in
    the hook, before its final ".") until that drop has reached it — so the drop is, without any
    race, one before the end of the data: "failed", never "unknown" (TLS sockets included)."""
    seen: list[bool] = []

    def wait_for_the_drop(sock: socket.socket) -> None:  # a safety bound, not a timing assertion
        readable, _, _ = select.select([sock], [], [], 60)
        seen.append(bool(readable))

    port = free_port()
    with server(port, smtp_class=DropInData, mode=mode, tls=tls) as h, \
            transport(port, mode, tls, wait_for_the_drop) as tr:
        res = tr.send(RAW, "office@example.test", [TO])
    assert seen == [True, True]  # dropped in DATA on the first connection and on the one retry
    assert res.status == "failed", res
    assert "无法连接邮件服务器" in res.message and "DATA" in res.message
    assert h.received == []


@pytest.mark.parametrize("mode", MODES)
def test_drop_after_the_final_dot_is_unknown_and_not_resent(tmp_path: Path, tls: TLS, mode: str) -> None:
    """The server takes the whole message (final "." included) and drops the connection instead of
    its 250: "unknown", and the message is not sent again on a new connection."""
    body_sent: list[bool] = []
    port = free_port()
    with server(port, TakeAndDrop(), mode=mode, tls=tls) as h, \
            transport(port, mode, tls, lambda sock: body_sent.append(True)) as tr:
        res = tr.send(RAW, "office@example.test", [TO])
    assert body_sent == [True]
    assert res.status == "unknown", res
    assert "未确认就断开了连接" in res.message and "--retry --resend-unknown" in res.message
    assert len(h.received) == 1 and h.received[0].data.replace(b"\r\n", b"\n") == RAW.replace(b"\r\n", b"\n")


@pytest.mark.parametrize("mode", MODES)
def test_a_working_server_still_gets_the_message_once(tmp_path: Path, tls: TLS, mode: str) -> None:
    """The observed step between the body and the "." does not disturb a normal send."""
    port = free_port()
    with server(port, mode=mode, tls=tls) as h, transport(port, mode, tls, None) as tr:
        first = tr.send(RAW, "office@example.test", [TO])
        second = tr.send(RAW, "office@example.test", [TO])  # the same connection, a second message
    assert (first.status, second.status) == ("sent", "sent")
    assert [r.rcpt_tos for r in h.received] == [[TO], [TO]]
