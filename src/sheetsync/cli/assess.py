"""``sheetsync assess``: score and rank the units from the ledger (sheetsync.assess.assess_units)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from sheetsync.cli.merge import _date
from sheetsync.i18n import t


def _dues(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, date]:
    """``P1:2026-09-30;P2:2026-12-25`` → period → 报送截止日期."""
    from sheetsync.core.dates import parse_date

    out: dict[str, date] = {}
    for part in filter(None, (p.strip() for p in (value or "").replace("；", ";").split(";"))):
        period, _, day = part.rpartition(":")
        d = parse_date(day)
        if not period or d is None:
            raise click.BadParameter(t("assess.cli.bad_due", value=part))
        out[period.strip()] = d
    return out


@click.command(help=t("cli.doc.assess"))
@click.argument("master_path", metavar="MASTER", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--period", "periods", multiple=True, help="期别，可多次给出，按先后顺序（默认取主表设置） / period, repeatable, in order")
@click.option("--weights", default="", help='各期权重，如 "P1:0.3;P2:0.7"（默认等权） / period weights')
@click.option("--due", "dues", callback=_dues, help='其他期别的报送截止日期，如 "P1:2026-09-30" / due dates of other periods')
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path), help="台账数据库 / ledger file")
@click.option("--as-of", callback=_date, help="统计截至日期 / as-of date")
@click.option("--review", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="填写了复核后分值的上次考核结果 / a previous result with reviewed points")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="考核结果.xlsx / result workbook")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
def assess(master_path: Path, periods: tuple[str, ...], weights: str, dues: dict[str, date], ledger_path: Path | None,
           as_of: date | None, review: Path | None, output: Path | None, as_json: bool) -> None:
    """The help text is ``cli.doc.assess`` (both languages)."""
    from sheetsync.assess import assess_units

    res = assess_units(master_path, list(periods), db_path=ledger_path, as_of=as_of, weights=weights, dues=dues,
                       review=review, output=output)
    if as_json:
        click.echo(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        return
    click.secho(t("assess.cli.header", periods="、".join(res.periods)), bold=True)
    for group, _cats in res.rules.settings.groups:
        click.echo(t("assess.cli.group", group=group))
        for u in res.ranked(group):
            colour = {"red": "green", "black": "red"}.get(u.board)
            click.secho(t("assess.cli.line", rank=u.rank, unit=u.unit, score=f"{u.score:.2f}", grade=u.grade,
                          list=t(f"assess.list.{u.board or 'none'}")), fg=colour)
    skipped = [u.unit for u in res.units if not u.assessed]
    if skipped:
        click.echo(t("assess.cli.not_assessed", names="、".join(skipped)))
    for note in res.notes:
        click.secho(note, fg="yellow")
    for f in res.rules.findings:  # errors refused the run: what is left are warnings the scores depend on
        click.secho(f"{f.location}：{f.message}" if f.location else f.message, fg="yellow", err=True)
    if res.reviews_recorded:
        click.echo(t("assess.cli.reviews", n=res.reviews_recorded))
    if res.output:
        click.echo(t("assess.cli.written", file=res.output))
