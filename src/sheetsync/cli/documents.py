"""``sheetsync report`` and ``sheetsync notice``: the drafted 情况报告 and 通报."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from sheetsync.cli.merge import _date
from sheetsync.i18n import t

_ROLLUP = click.argument("rollup", metavar="ROLLUP.xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_OUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                    help="输出的 .docx / the .docx to write")
_MASTER = click.option("--master", "master_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="任务分解表（主表），台账在其旁边 / the master (the ledger is beside it)")
_TEMPLATE = click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help="本单位红头模板 .docx / the office's letterhead .docx")
_PERIOD = click.option("--period", help="报送周期（默认取主表设置） / reporting period")
_AS_OF = click.option("--as-of", callback=_date, help="统计截至日期（默认取设置表） / as-of date")


def _done(res, what: str) -> None:  # type: ignore[no-untyped-def]
    click.echo(t("documents.written", what=t(f"documents.what.{what}"), file=res.output))
    if res.placeholders:
        click.secho(t("documents.placeholders", n=len(res.placeholders), items="；".join(res.placeholders)), fg="yellow")


@click.command()
@_ROLLUP
@_OUT
@_MASTER
@_TEMPLATE
@_PERIOD
@_AS_OF
def report(rollup: Path, output: Path, master_path: Path | None, template: Path | None, period: str | None,
           as_of: date | None) -> None:
    """按汇总结果起草情况报告初稿（GB/T 9704 格式 .docx）。"""
    from sheetsync.documents import draft_report

    _done(draft_report(rollup, output, master=master_path, template=template, period=period, as_of=as_of), "report")


@click.command()
@_ROLLUP
@_OUT
@_MASTER
@click.option("--assessment", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="考核结果工作簿（sheetsync assess） / the assessment workbook")
@_TEMPLATE
@_PERIOD
@_AS_OF
def notice(rollup: Path, output: Path, master_path: Path | None, assessment: Path | None, template: Path | None,
           period: str | None, as_of: date | None) -> None:
    """按报送情况起草通报初稿（GB/T 9704 格式 .docx）。"""
    from sheetsync.documents import draft_notice

    _done(draft_notice(rollup, output, master=master_path, assessment=assessment, template=template, period=period,
                       as_of=as_of), "notice")
