"""Issue 17, mail exit codes and duplicates: a connection dropped at or in DATA, a 552 reply, a
message over 设置·邮件大小上限 — the command exits non-zero; a server that takes the message and
drops the connection before its 250 — "outcome unknown", and ``--retry`` does not resend it
without being told to (``--resend-unknown``).

Real parts: an aiosmtpd server on 127.0.0.1 started by each test (its SMTP class changed where
the connection must drop at a given moment), ``sheetsync mail send`` in a real process, the
mail log in a real SQLite file; messages checked in zh.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, syntax

from helpers.mail import Handler, Received, free_port, make_rollup
from helpers.robustness import run_cli

TO = "sj@up.example.test"


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
def server(port: int, handler: Handler | None = None, smtp_class: type[SMTP] = SMTP) -> Iterator[Handler]:
    handler = handler or Handler()
    controller = _Controller(handler, smtp_class, hostname="127.0.0.1", port=port)
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
    # whether the client sees the drop before its final "." depends on when the server's close
    # arrives; either way the message is not "sent" and the command fails
    port = free_port()
    with server(port, smtp_class=DropInData) as h:
        r = send(tmp_path, config(tmp_path, port))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "失败 1 封" in r.stdout and "已发送 0 封" in r.stdout
    assert h.received == [] and log(tmp_path)[0][0] in ("failed", "unknown")


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
