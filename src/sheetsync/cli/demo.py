"""``sheetsync demo``."""

from __future__ import annotations

from pathlib import Path

import click

from sheetsync.i18n import t


@click.command(help=t("cli.doc.demo"))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default="sheetsync-demo")
def demo(folder: Path) -> None:
    """The help text is ``cli.doc.demo`` (both languages)."""
    from sheetsync.demo.run import build_demo

    click.secho(t("demo.title"), bold=True)
    res = build_demo(folder, echo=lambda s: click.echo("  " + s))
    click.echo(t("demo.artefacts"))
    for key, path in res.artefacts:
        click.echo(f"  {t(key)}: {path}")
    click.echo(t("demo.next", master=dict(res.artefacts)["demo.artefact.master"]))
