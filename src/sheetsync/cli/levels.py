"""``sheetsync derive`` and ``sheetsync export-return``: down and up one level (sheetsync.levels)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sheetsync.i18n import t

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command(help=t("cli.doc.derive"))
@click.argument("parent", metavar="PARENT.xlsx", type=_FILE)
@click.option("--unit", required=True, help=t("levels.cli.unit"))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=t("levels.cli.out_master"))
@click.option("--lead-days", type=click.IntRange(0, 365), help=t("levels.cli.lead_days"))
@click.option("--json", "as_json", is_flag=True, help=t("levels.cli.json"))
def derive(parent: Path, unit: str, output: Path, lead_days: int | None, as_json: bool) -> None:
    """The help text is ``cli.doc.derive`` (both languages)."""
    from sheetsync.levels import derive_master

    res = derive_master(parent, unit, output, lead_days=lead_days)
    click.echo(json.dumps(res.to_json(), ensure_ascii=False, indent=2) if as_json else res.to_summary())


@click.command(help=t("cli.doc.export-return"))
@click.argument("child_rollup", metavar="CHILD_ROLLUP.xlsx", type=_FILE)
@click.option("--parent-return", required=True, type=_FILE, help=t("levels.cli.parent_return"))
@click.option("-o", "--outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help=t("levels.cli.outdir"))
@click.option("--map-period", is_flag=True, help=t("levels.cli.map_period"))
@click.option("--accept-stale", is_flag=True, help=t("levels.cli.accept_stale"))
@click.option("--overwrite", is_flag=True, help=t("levels.cli.overwrite"))
@click.option("--json", "as_json", is_flag=True, help=t("levels.cli.json"))
def export_return(child_rollup: Path, parent_return: Path, outdir: Path, map_period: bool, accept_stale: bool,
                  overwrite: bool, as_json: bool) -> None:
    """The help text is ``cli.doc.export-return`` (both languages)."""
    from sheetsync.levels import export_return as run

    res = run(child_rollup, parent_return, outdir, map_periods=map_period, accept_stale=accept_stale,
              overwrite=overwrite)
    click.echo(json.dumps(res.to_json(), ensure_ascii=False, indent=2) if as_json else res.to_summary())
