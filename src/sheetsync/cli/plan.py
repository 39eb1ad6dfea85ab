"""``sheetsync import-plan``: an implementation plan (.txt/.md/.docx, a saved web page, or a breakdown kept in
Excel) → master workbook."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sheetsync.i18n import t


@click.command("import-plan", help=t("cli.doc.import-plan"))
@click.argument("plan", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="输出主表（.xlsx） / master workbook to write")
@click.option("--master", "existing", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="合并到已有主表（不修改原文件） / merge into an existing master (not modified)")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 / print JSON")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件 / overwrite an existing output")
def import_plan(plan: Path, output: Path, existing: Path | None, as_json: bool, force: bool) -> None:
    """The help text is ``cli.doc.import-plan`` (both languages)."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.plan import import_plan as run

    if existing is not None and output.resolve() == existing.resolve():
        raise SheetsyncError(t("plan.output_is_master"), file=str(output))
    if output.resolve() == plan.resolve():  # --force would replace the plan document with a workbook
        raise SheetsyncError(t("cli.output_is_plan", file=str(output)), file=str(output))
    if output.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SheetsyncError(t("cli.output_not_xlsx", file=str(output)), file=str(output))
    if output.exists() and not force:
        raise SheetsyncError(t("plan.output_exists", file=output), file=str(output))
    result = run(plan, read_master(existing) if existing is not None else None)
    write_master(result.master, output)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    with_units = sum(1 for it in result.tasks if it.task.responsible)
    click.echo(t("plan.summary", file=plan.name, tasks=len(result.tasks), with_units=with_units,
                 units=len(result.new_units), phases=len(result.master.phases)))
    for w in result.warnings:
        click.secho(t("plan.warning_prefix") + w, fg="yellow")
    click.echo(t("plan.written", file=output))
