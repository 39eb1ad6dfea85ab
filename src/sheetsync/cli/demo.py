"""``sheetsync demo``."""

from __future__ import annotations

from pathlib import Path

import click

from sheetsync.i18n import t


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default="sheetsync-demo")
def demo(folder: Path) -> None:
    """生成示例县并运行全流程（主表、校验、分发、回收、汇总、邮件）。"""
    from sheetsync.demo.run import build_demo

    click.secho(t("demo.title"), bold=True)
    res = build_demo(folder, echo=lambda s: click.echo("  " + s))
    click.echo(t("demo.artefacts"))
    for key, path in res.artefacts:
        click.echo(f"  {t(key)}: {path}")
    click.echo(t("demo.next", master=dict(res.artefacts)["demo.artefact.master"]))
