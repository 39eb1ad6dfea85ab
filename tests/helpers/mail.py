"""Real parts for the mail tests: aiosmtpd servers on 127.0.0.1, a trustme CA, split/roll-up folders.

Imported by the other tests/test_mail_*.py modules (it holds no tests of its own). Every server
listens on 127.0.0.1 with a free port; no test ever talks to a host off this machine.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from openpyxl import Workbook

from sheetsync.core.model import Master, Unit

USER, PASSWORD = "office@example.test", "s3cret-授权码"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def msg(self) -> EmailMessage:
        m = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(m, EmailMessage)
        return m


@dataclass
class Handler:
    """Stores what arrives; can refuse named recipients (550) or every message (552), or take a
    message to a named recipient and drop the connection instead of its 250 ("outcome unknown")."""

    received: list[Received] = field(default_factory=list)
    refuse_rcpt: set[str] = field(default_factory=set)
    reject_data: str = ""
    take_and_drop: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if address in self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reject_data:
            return self.reject_data
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        if self.take_and_drop & set(envelope.rcpt_tos):
            server.transport.abort()  # the 250 below never reaches the client
        return "250 2.0.0 queued"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
          and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False)


@dataclass
class Server:
    host: str
    port: int
    handler: Handler
    ca_file: Path | None


class TLS:
    """A throwaway CA and a certificate for 127.0.0.1, like an office's own CA."""

    def __init__(self, tmp: Path) -> None:
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.server_ctx)
        self.ca_file = tmp / "office-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))


@contextmanager
def smtp_server(mode: str, tls: TLS | None = None, *, auth: bool = True, size_limit: int | None = None,
                port: int | None = None, handler: Handler | None = None) -> Iterator[Server]:
    """mode: 'starttls' (STARTTLS required), 'ssl' (implicit TLS) or 'plain' (no TLS at all)."""
    handler = handler or Handler()
    port = port or free_port()
    kwargs: dict[str, Any] = {"data_size_limit": size_limit if size_limit is not None else 33554432}
    if auth:
        # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; implicit TLS is TLS too
        kwargs.update(authenticator=authenticator, auth_require_tls=mode == "starttls")
    if mode == "starttls":
        assert tls is not None
        kwargs.update(tls_context=tls.server_ctx, require_starttls=True)
    elif mode == "ssl":
        assert tls is not None
        kwargs.update(ssl_context=tls.server_ctx)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Server("127.0.0.1", port, handler, tls.ca_file if tls else None)
    finally:
        controller.stop()


def settings_for(server: Server | None, security: str = "STARTTLS", **extra: str) -> dict[str, str]:
    s = {"region": "示例县", "plan": "2024年重点工作任务", "period": "2024年第一季度", "due": "2024-04-10",
         "office": "县委督查室", "office_contact": "王芳", "office_phone": "0000-1234567",
         "mail_from": USER, "mail_from_name": "示例县委督查室", "smtp_user": USER, "smtp_security": security}
    if server is not None:
        s.update(smtp_host=server.host, smtp_port=str(server.port))
    s.update(extra)
    return s


UNITS = [("县教育局", "jyj@units.example.test"), ("县卫生健康局", "wjj@units.example.test"),
         ("城关镇", "cgz@units.example.test"), ("县文旅局", "")]


def make_master(tmp: Path, settings: dict[str, str]) -> Master:
    units = [Unit(name=n, email=e) for n, e in UNITS]
    return Master(units=units, settings=dict(settings), path=tmp / "任务分解表.xlsx")


def make_split_dir(tmp: Path, *, emails_in_manifest: bool = True, with_files: bool = True) -> Path:
    """What ``sheetsync split`` writes: one workbook per unit + manifest.json."""
    out = tmp / "分发-2024年第一季度"
    out.mkdir()
    units = []
    for name, email in UNITS:
        fname = f"{name}-2024年第一季度进展填报表.xlsx"
        if with_files:
            wb = Workbook()
            ws = wb.active
            ws.title = "填报"
            ws.append(["任务编号", "任务名称", "完成状态"])
            ws.append(["1.1", f"{name}的任务", ""])
            wb.save(out / fname)
        units.append({"unit": name, "file": fname, "email": email if emails_in_manifest else "",
                      "lead_tasks": 3, "co_tasks": 2})
    (out / "manifest.json").write_text(json.dumps(
        {"period": "2024年第一季度", "due": "2024-04-10", "region": "示例县", "plan": "2024年重点工作任务",
         "units": units}, ensure_ascii=False), encoding="utf-8")
    return out


def make_rollup(tmp: Path, *, with_rates: bool = True, layout: str = "writer") -> Path:
    """A roll-up workbook. ``writer``: the layout sheetsync's roll-up writer uses (title row,
    项目 | 数值 header, a status table after a blank row, 0.0"%" percentages, 单位报送 sheet);
    ``hand``: a hand-made variant (no header row, Excel 0% fractions, 各单位情况 sheet)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "总览"
    ws.append(["示例县2024年重点工作任务进展汇总"])
    if layout == "writer":
        ws.append([])
        ws.append(["项目", "数值"])
    ws.append(["报送周期", "2024年第一季度"])
    ws.append(["任务总数", 42])
    ws.append(["已报单位", "3/4"])
    if layout == "writer":
        ws.append(["完成率", 37.5])
        ws.cell(ws.max_row, 2).number_format = '0.0"%"'
        ws.append([])
        ws.append([])
        ws.append(["状态", "任务数"])
        ws.append(["已完成", 15])
    else:
        ws.append(["完成率", 0.375])
        ws.cell(ws.max_row, 2).number_format = "0.0%"
    gaps = wb.create_sheet("缺口清单")
    if layout == "hand":
        gaps.append(["缺口清单（2024年第一季度）"])
        gaps.append(["序号", "缺口类型", "任务编号", "任务名称", "责任单位", "说明"])
        pre: list[Any] = [1]
    else:
        gaps.append(["缺口类型", "任务编号", "任务名称", "责任单位", "说明", "严重程度"])
        pre = []
    for i, (kind, tid, title, unit, detail) in enumerate((
            ("未报送", "2.1", "全面推进义务教育优质均衡", "县文旅局", "截至4月10日未收到填报表"),
            ("未填报", "3.4", "基层医疗机构建设", "县卫生健康局", "已报送，但该任务未填写"),
            ("逾期未完成", "3.5", "家庭医生签约", "县卫生健康局", "完成时限3月31日，状态为推进中")), 1):
        row = [i] if pre else []
        row += [kind, tid, title, unit, detail]
        gaps.append(row if pre else [*row, "高"])
    if with_rates:
        by_unit = wb.create_sheet("单位报送" if layout == "writer" else "各单位情况")
        by_unit.append(["单位", "已报/应报", "任务数", "已完成", "完成率"])
        for name, total, done in (("县教育局", 10, 8), ("县卫生健康局", 12, 3), ("城关镇", 8, 4), ("县文旅局", 6, 0)):
            rate = round(100 * done / total, 1) if layout == "writer" else done / total
            by_unit.append([name, "已报", total, done, rate])
            by_unit.cell(by_unit.max_row, 5).number_format = '0.0"%"' if layout == "writer" else "0%"
    p = tmp / "示例县2024年第一季度汇总表.xlsx"
    wb.save(p)
    return p


class FakeClock:
    """Time that only moves when the code under test sleeps: rate limits without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
