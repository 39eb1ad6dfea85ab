"""``sheetsync schedule``: the reporting calendar of a year, printed or written into a copy of the master."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sheetsync.i18n import t


@click.command(help=t("cli.doc.schedule"))
@click.argument("master_path", metavar="MASTER", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="年度（默认取主表“计划年度”） / year (default: the plan year)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="写入报送日历的主表副本 / copy of the master to write the calendar into")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON / print JSON")
def schedule(master_path: Path, year: int | None, output: Path | None, as_json: bool) -> None:
    """The help text is ``cli.doc.schedule`` (both languages)."""
    from sheetsync.core.calendar import schedule as make_schedule
    from sheetsync.core.dates import plan_year
    from sheetsync.master.calendar_sheet import row_values, write_schedule_copy
    from sheetsync.master.workbook import read_master

    master = read_master(master_path)
    sched = make_schedule(master, year if year is not None else plan_year(master.settings))
    if as_json:
        click.echo(json.dumps(sched.to_json(), ensure_ascii=False, indent=2))
    elif output:
        click.echo(t("calendar.written", file=write_schedule_copy(master_path, sched, output), n=len(sched.rows)))
    else:
        click.echo(t("calendar.header"))
        for row in sched.rows:
            label, as_of, _due, remind, note = row_values(row)
            click.echo("\t".join([label, as_of.isoformat(), row.due_text, remind.isoformat(), note]).rstrip())
    if not as_json:
        for f in sched.findings:
            click.secho(f"{f.location + '：' if f.location else ''}{f.message}", fg="yellow", err=True)
