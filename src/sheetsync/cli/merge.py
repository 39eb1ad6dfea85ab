"""``sheetsync merge`` and ``sheetsync status``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from sheetsync.i18n import t


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if not value:
        return None
    from sheetsync.core.dates import parse_date

    d = parse_date(value)
    if d is None:
        raise click.BadParameter(t("cli.bad_date", value=value))
    return d


@click.command(help=t("cli.doc.merge"))
@click.argument("master_path", metavar="MASTER", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("returns", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="汇总表 / roll-up file")
@click.option("--period", help="报送周期（默认取主表设置） / reporting period")
@click.option("--as-of", callback=_date, help="统计截至日期（默认取设置表“统计截至日期”，再默认今天） / as-of date")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path), help="台账数据库 / ledger file")
@click.option("--accept-stale", is_flag=True, help="接收其他周期或旧版主表的填报表 / accept other periods or older masters")
@click.option("--password", help="加密回收表的密码 / password of encrypted returns")
@click.option("--workers", default=2, show_default=True, help="并行读取进程数 / parallel readers")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
def merge(master_path: Path, returns: tuple[Path, ...], output: Path, period: str | None, as_of: date | None,
          ledger_path: Path | None, accept_stale: bool, password: str | None, workers: int, as_json: bool) -> None:
    """The help text is ``cli.doc.merge`` (both languages)."""
    from sheetsync.merge import merge_returns

    res = merge_returns(master_path, list(returns), output, period=period, as_of=as_of, ledger_path=ledger_path,
                        accept_stale=accept_stale, password=password, workers=workers)
    if as_json:
        click.echo(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        return
    for f in res.files:
        head, *problems = res.file_lines(f)
        click.secho(head, fg={"rejected": "red", "warnings": "yellow"}.get(f.outcome))
        for line in problems:
            click.echo(line)
    click.echo(res.files_summary())
    _print_summary(res.rollup)
    click.echo(t("merge.written", file=res.output))


def _print_summary(rollup) -> None:  # type: ignore[no-untyped-def]
    """The library's summary text (rollup.summary.summary_lines); the missing-units line in red."""
    from sheetsync.rollup.summary import summary_lines

    first, *rest = summary_lines(rollup)
    click.echo(first)
    for line in rest:
        click.secho(line, fg="red")


@click.command(help=t("cli.doc.status"))
@click.option("--master", "master_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="主表 / master workbook")
@click.option("--period", help="报送周期（默认取主表设置） / reporting period")
@click.option("--as-of", callback=_date, help="统计截至日期 / as-of date")
@click.option("--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path), help="台账数据库 / ledger file")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
def status(master_path: Path, period: str | None, as_of: date | None, ledger_path: Path | None, as_json: bool) -> None:
    """The help text is ``cli.doc.status`` (both languages)."""
    from sheetsync.merge import status as build_status

    rollup = build_status(master_path, period, ledger_path, as_of)
    if as_json:
        click.echo(json.dumps({"period": rollup.period, "as_of": rollup.as_of.isoformat(), **rollup.headline(),
                               "missing_units": rollup.missing_units, "gaps": rollup.gap_counts(), "notes": rollup.notes,
                               "units": [{"unit": u.unit, "reported": u.reported, "received_at": u.received_at,
                                          "tasks": u.tasks, "done": u.done} for u in rollup.units]},
                              ensure_ascii=False, indent=2))
        return
    from sheetsync.workbook.xlsxio import display_width

    click.secho(t("status.header", period=rollup.period, as_of=rollup.as_of.isoformat()), bold=True)
    gaps = rollup.gaps_by_unit()
    heads = [t(f"status.col.{k}") for k in ("unit", "reported", "received", "tasks", "done", "gaps")]
    rows = [[u.unit, t("rollup.yes" if u.reported else "rollup.no"), u.received_at.replace("T", " ")[:16],
             str(u.tasks), str(u.done), str(len(gaps.get(u.unit, [])))] for u in rollup.units]
    widths = [max(display_width(r[i]) for r in [heads, *rows]) for i in range(len(heads))]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths))

    click.echo(line(heads))
    for r, u in zip(rows, rollup.units):
        click.secho(line(r), fg=None if u.reported else "red")
    counts = "，".join(f"{t('merge.gap.' + k)} {n}" for k, n in rollup.gap_counts().items())
    click.echo(t("status.gaps", counts=counts or "0"))
    _print_summary(rollup)
