"""``sheetsync split``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sheetsync.i18n import t


@click.command(help=t("cli.doc.split"))
@click.argument("master_path", metavar="MASTER", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", help="报送周期，如“2026年第4季度”（默认取主表设置） / reporting period")
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="输出文件夹 / output folder")
@click.option("--due", help="报送截止日期，如 2026-12-25 / due date")
@click.option("--carry-forward", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="上期汇总表（用其台账预填上期数据） / previous roll-up: pre-fill last accepted values")
@click.option("--carry-period", help="预填所用的周期（默认取上期汇总表的周期） / period to carry forward from")
@click.option("--force", is_flag=True, help="主表有错误也生成 / split even if the master has check errors")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
def split(master_path: Path, period: str | None, outdir: Path, due: str | None, carry_forward: Path | None,
          carry_period: str | None, force: bool, as_json: bool) -> None:
    """The help text is ``cli.doc.split`` (both languages)."""
    from sheetsync.master.workbook import read_master
    from sheetsync.split.workbook import carry_forward_values, split_master

    master = read_master(master_path)
    prefill = carry_forward_values(master_path, carry_forward, carry_period) if carry_forward else None
    result = split_master(master, outdir, period=period, due=due, carry_forward=prefill, force=force)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(t("split.done", n=len(result.workbooks), outdir=outdir))
    if result.units_without_tasks:
        click.echo(t("split.no_tasks_units", n=len(result.units_without_tasks), names="、".join(result.units_without_tasks)))
    no_email = [w.unit for w in result.workbooks if not w.email]
    if no_email:
        click.secho(t("split.missing_email", n=len(no_email), names="、".join(no_email)), fg="yellow")
    click.echo(t("core.written", file=result.distribution_list))
    for f in result.findings:
        click.secho(f.message, fg="yellow", err=True)
