"""``sheetsync report`` and ``sheetsync notice``: the drafted 情况报告 and 通报."""

from __future__ import annotations

from pathlib import Path

import click

from sheetsync.i18n import t

_ROLLUP = click.argument("rollup", metavar="ROLLUP.xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
_OUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                    help="输出的 .docx / the .docx to write")
_MASTER = click.option("--master", "master_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                       help="任务分解表（主表）：发文机关等设置和报送截止日期 / the master: document settings, due date")
_TEMPLATE = click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help="本单位红头模板 .docx / the office's letterhead .docx")


def _done(res, what: str, master_path: Path | None) -> None:  # type: ignore[no-untyped-def]
    if master_path is None:
        click.secho(t("documents.no_master"), fg="yellow", err=True)
    for note in res.facts.notes:
        click.secho(note, fg="yellow", err=True)
    click.echo(t("documents.written", what=t(f"documents.what.{what}"), file=res.output))
    if res.placeholders:
        click.secho(t("documents.placeholders", n=len(res.placeholders), items="；".join(res.placeholders)), fg="yellow")


@click.command(help=t("cli.doc.report"))
@_ROLLUP
@_OUT
@_MASTER
@_TEMPLATE
def report(rollup: Path, output: Path, master_path: Path | None, template: Path | None) -> None:
    """The help text is ``cli.doc.report`` (both languages)."""
    from sheetsync.documents import draft_report

    _done(draft_report(rollup, output, master=master_path, template=template), "report", master_path)


@click.command(help=t("cli.doc.notice"))
@_ROLLUP
@_OUT
@_MASTER
@click.option("--assessment", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="考核结果工作簿（sheetsync assess） / the assessment workbook")
@_TEMPLATE
def notice(rollup: Path, output: Path, master_path: Path | None, assessment: Path | None,
           template: Path | None) -> None:
    """The help text is ``cli.doc.notice`` (both languages)."""
    from sheetsync.documents import draft_notice

    _done(draft_notice(rollup, output, master=master_path, assessment=assessment, template=template), "notice",
          master_path)
