"""``sheetsync new`` and ``sheetsync check``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sheetsync.i18n import t


@click.command(help=t("cli.doc.new"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--region", default="", help="地区名称 / region name")
@click.option("--plan", default="", help="计划名称 / plan name")
@click.option("--force", is_flag=True, help="覆盖已有文件 / overwrite an existing file")
def new(path: Path, region: str, plan: str, force: bool) -> None:
    """The help text is ``cli.doc.new`` (both languages)."""
    from sheetsync.master.workbook import new_master

    click.echo(t("core.written", file=new_master(path, force=force, region=region, plan=plan)))


@click.command(help=t("cli.doc.check"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path), help="生成标注副本 / write an annotated copy")
def check(path: Path, as_json: bool, annotate: Path | None) -> None:
    """The help text is ``cli.doc.check`` (both languages)."""
    from sheetsync.master.check import annotate_master, check_report
    from sheetsync.master.workbook import read_master

    report = check_report(read_master(path))
    if annotate:
        annotate_master(path, annotate, report.findings)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        for f, line in zip(report.findings, report.lines()):
            click.secho(line, fg={"error": "red", "warning": "yellow"}.get(f.severity))
        click.echo(report.headline())
        if annotate:
            click.echo(t("check.annotated", file=annotate))
    sys.exit(0 if report.ok else 1)
