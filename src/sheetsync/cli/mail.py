"""``sheetsync mail distribute | remind | send | confirm``: arguments → one sheetsync.mail call → the report."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sheetsync.i18n import t


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--master", "master_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="主表（任务分解表）路径 / master workbook"),
        click.option("--dry-run", is_flag=True, default=None,
                     help="只把邮件写成 .eml 文件，不发送 / write .eml files only"),
        click.option("--outbox", type=click.Path(file_okay=False, path_type=Path),
                     help="发件箱文件夹（默认：主表旁 outbox）/ outbox folder"),
        click.option("--cc", multiple=True, help="抄送地址，可多次使用 / Cc address (repeatable)"),
        click.option("--retry", is_flag=True, help="只重发上次失败的邮件 / resend only what failed"),
        click.option("--resend-unknown", is_flag=True,
                     help="与 --retry 同用：也重发上次结果不明的邮件（请先向收件人核实）/ "
                          "with --retry: also resend messages whose outcome was unknown (check with the recipients first)"),
        click.option("--allow-plain-smtp", "allow_plain", is_flag=True,
                     help="允许不加密连接（仅限无 TLS 的内网中继）/ allow SMTP without TLS"),
        click.option("--ca-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="自建 CA 根证书文件 / CA certificate file"),
        click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="邮件配置文件（TOML/INI，不含密码）/ mail config file (no password)"),
        click.option("--rate", type=float, help="每分钟最多发送封数 / messages per minute"),
        click.option("--templates", "templates_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
                     help="邮件模板文件夹 / templates folder"),
        click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="记录数据库（默认：主表旁 sheetsync.db）/ SQLite file"),
        click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果 / print the report as JSON"),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def _load_master(path: Path | None, required: bool = False) -> Any:
    if path is None:
        if required:
            raise click.UsageError(t("mail.cli.master_required"))
        return {}
    from sheetsync.master.workbook import read_master

    return read_master(path)


def _loud(message: str) -> None:
    click.secho(message, fg="red" if "!" in message or "！" in message else "yellow", bold=True, err=True)


def _kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    from sheetsync.mail.batch import RESEND_UNKNOWN

    if opts["resend_unknown"] and not opts["retry"]:
        raise click.UsageError(t("mail.cli.resend_unknown_needs_retry"))
    retry = RESEND_UNKNOWN if opts["resend_unknown"] else opts["retry"]
    return {"dry_run": opts["dry_run"], "outbox": opts["outbox"], "cc": opts["cc"], "retry": retry,
            "allow_plain": opts["allow_plain"], "ca_file": opts["ca_file"], "config_file": opts["config_file"],
            "rate": opts["rate"], "templates_dir": opts["templates_dir"], "db_path": opts["db_path"],
            "warn": None if opts["as_json"] else _loud}


def _print(report: Any, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for r in report.results:
            status = t(f"mail.status.{r.status}")
            who = r.unit or "、".join(r.recipients)
            line = f"  [{status}] {who}" + (f"  <{', '.join(r.recipients)}>" if r.unit and r.recipients else "")
            colour = {"sent": "green", "dry-run": "cyan", "failed": "red", "partial": "red",
                      "unknown": "yellow"}.get(r.status)
            click.secho(line, fg=colour)
            if r.message and r.status != "sent":
                click.echo(f"      {r.message}")
        click.echo(report.summary())
        if report.outbox and report.counts["dry-run"]:
            click.echo(t("mail.outbox_written", dir=str(report.outbox)))
        if not report.ok:
            click.secho(t("mail.retry_hint"), fg="yellow")
    if not report.ok:
        raise click.exceptions.Exit(1)


@click.group("mail")
def mail() -> None:
    """邮件：分发填报表、催报、报送汇总表 / e-mail: distribute, remind, send upward."""


@mail.command("distribute")
@click.argument("outdir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@_common
def distribute_cmd(outdir: Path, master_path: Path | None, as_json: bool, **opts: Any) -> None:
    """把 split 生成的填报表发给各单位 / e-mail each unit its workbook from OUTDIR."""
    from sheetsync.mail import distribute

    opts["as_json"] = as_json
    report = distribute(outdir, _load_master(master_path), **_kwargs(opts))
    _print(report, as_json)


@mail.command("remind")
@click.option("--period", help="报送周期，如 2024年第一季度（--due-soon 时可省略） / reporting period")
@click.option("--due-soon", is_flag=True,
              help="只在报送日历的催报工作日、只催未报送单位、同一天不重复（可每天定时运行） / "
                   "only on the calendar's remind days, only units not reported, once a day (safe to run daily)")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), hidden=True,
              help="按此日期判断催报日（检查用） / judge the remind day as of this date")
@click.option("--split-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="split 的输出文件夹（附上各单位填报表）/ the split output folder")
@click.option("--due", default="", help="补报截止日期 / new due date")
@_common
def remind_cmd(period: str | None, due_soon: bool, today: Any, split_dir: Path | None, due: str,
               master_path: Path | None, as_json: bool, **opts: Any) -> None:
    """催报：给未报送或有缺口的单位发提醒 / remind units that have not reported or left gaps."""
    from sheetsync.mail import remind_period

    if master_path is None:
        raise click.UsageError(t("mail.cli.master_required"))
    opts["as_json"] = as_json
    if due_soon:
        from sheetsync.mail.due_soon import remind_due_soon

        report = remind_due_soon(master_path, today=today.date() if today else None, period=period,
                                 split_dir=split_dir, **_kwargs(opts))
        if not as_json:
            for w in report.warnings:
                click.echo(w)
        _print(report, as_json)
        return
    if not period:
        raise click.UsageError(t("calendar.period_required"))
    report = remind_period(master_path, period, master=_load_master(master_path, required=True), split_dir=split_dir,
                           due=due, **_kwargs(opts))
    _print(report, as_json)


@mail.command("send")
@click.argument("rollup", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--to", "to", multiple=True, help="收件人（默认：设置“上报收件人”）/ recipients")
@click.option("--attach", "attach", multiple=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="随汇总表附上的文件，如情况报告 .docx / more files to attach, e.g. the drafted report")
@_common
def send_cmd(rollup: Path, to: tuple[str, ...], attach: tuple[Path, ...], master_path: Path | None, as_json: bool,
             **opts: Any) -> None:
    """把汇总表发给上级 / send the roll-up upward."""
    from sheetsync.mail import send_rollup

    opts["as_json"] = as_json
    report = send_rollup(rollup, list(to), master=_load_master(master_path), attach=list(attach), **_kwargs(opts))
    _print(report, as_json)


@mail.command("confirm")
@click.option("--master", "master_path", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="主表（任务分解表）路径，用于识别单位名称 / master workbook (to resolve unit names)")
@click.option("--period", help="报送周期（默认：主表设置“报送周期”）/ reporting period (default: the master's setting)")
@click.option("--kind", type=click.Choice(["distribute", "remind", "send"]), default="distribute", show_default=True,
              help="邮件类别：distribute 分发、remind 催报、send 上报汇总 / which mail: distribute, remind or send")
@click.option("--unit", "units", multiple=True,
              help="已核实收到邮件的单位，可多次使用 / a unit that confirmed it received the message (repeatable)")
@click.option("--all", "all_units", is_flag=True,
              help="确认本期该类别全部结果不明的邮件 / every message of this period and kind with an unknown outcome")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="记录数据库（默认：主表旁 sheetsync.db）/ SQLite file")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果 / print the report as JSON")
def confirm_cmd(master_path: Path, period: str | None, kind: str, units: tuple[str, ...], all_units: bool,
                db_path: Path | None, as_json: bool) -> None:
    """记录结果不明的邮件已被对方收到（核实后），此后 --retry 不再重发或提示 / record that messages with an
    unknown outcome did arrive (after checking), so --retry no longer resends or mentions them."""
    from sheetsync.ledger import folder_path
    from sheetsync.mail.records import confirm_delivered
    from sheetsync.merge import resolve_period

    if bool(units) == all_units:
        raise click.UsageError(t("mail.cli.confirm_units_or_all"))
    master = _load_master(master_path, required=True)
    report = confirm_delivered(db_path or folder_path(master_path.parent), resolve_period(master, period), kind,
                               None if all_units else list(units), master=master)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.secho(report.summary(), fg="green" if report.ok else "yellow")
    if not report.ok:
        raise click.exceptions.Exit(1)
