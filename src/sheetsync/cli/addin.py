"""``sheetsync addin build|install|check``: the Excel add-in from the command line."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t

CONF_KEY = "INTERPRETER_WIN"


@click.group(help=t("cli.help.addin"))
def addin() -> None:
    """Excel add-in: build and install."""


@addin.command(help=t("ribbon.addin.help.build"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认 xlsx/sheetsync.xlam）/ output file (default xlsx/sheetsync.xlam)")
@click.option("--ribbon-lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="选项卡和按钮的语言 / language of the tab and its buttons")
def build(output: Path | None, ribbon_lang: str) -> None:
    from sheetsync.ribbon.addin import DEFAULT_OUT, build_addin

    path = build_addin(output or DEFAULT_OUT, lang=ribbon_lang)
    click.echo(t("ribbon.addin.built", file=str(path)))


@addin.command(help=t("ribbon.addin.help.check"))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--ribbon-lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="选项卡和按钮的语言 / language of the tab and its buttons")
def check(path: Path | None, ribbon_lang: str) -> None:
    from sheetsync.ribbon.addin import DEFAULT_OUT, stale_parts

    path = path or DEFAULT_OUT
    if not path.exists():
        raise SheetsyncError(t("ribbon.addin.missing", file=str(path)))
    stale = stale_parts(path, lang=ribbon_lang)
    if stale:
        raise SheetsyncError(t("ribbon.addin.stale", file=str(path)), hint=", ".join(stale))
    click.echo(t("ribbon.addin.up_to_date", file=str(path)))


def xlstart_dir() -> Path:
    """Excel's per-user start-up folder: every add-in there is opened when Excel starts."""
    return Path(os.environ["APPDATA"]) / "Microsoft" / "Excel" / "XLSTART"


def config_path() -> Path:
    """Where the add-in's xlwings runtime reads its settings (PROJECT_NAME "sheetsync")."""
    return Path(os.environ["USERPROFILE"]) / ".sheetsync" / "sheetsync.conf"


def write_config(path: Path, interpreter: str) -> None:
    """Set INTERPRETER_WIN in an xlwings-format config file, keeping any other lines."""
    lines: list[str] = []
    if path.exists():
        lines = [ln for ln in path.read_text("utf-8").splitlines() if not ln.startswith(f'"{CONF_KEY}"')]
    lines.insert(0, f'"{CONF_KEY}","{interpreter}"')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@addin.command(help=t("ribbon.addin.help.install"))
@click.option("--source", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="要安装的加载项（默认随软件安装的 sheetsync.xlam）/ add-in to install (default: the shipped one)")
def install(source: Path | None) -> None:
    import xlwings

    from sheetsync.ribbon.addin import MACROS_DIR, installed_addin, runtime_xlwings_version

    source = source or installed_addin()
    if not source.exists():
        raise SheetsyncError(t("ribbon.addin.missing", file=str(source)))
    # in a checkout, compare with the VBA sources; a wheel pins xlwings to the built add-in's version
    vba_version = runtime_xlwings_version() if (MACROS_DIR / "xlwings.bas").exists() else xlwings.__version__
    if vba_version != xlwings.__version__:
        click.secho(t("ribbon.addin.xlwings_mismatch", vba=vba_version, python=xlwings.__version__), fg="yellow", err=True)
    tab = t("ribbon.tab")
    if not sys.platform.startswith("win"):
        click.echo(t("ribbon.addin.manual_steps", file=str(source), tab=tab))
        return
    target = xlstart_dir() / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(source, target)
    except PermissionError as exc:
        raise SheetsyncError(t("core.file_locked", file=str(target))) from exc
    click.echo(t("ribbon.addin.installed", file=str(target)))
    # python.exe, not pythonw.exe: xlwings hides the console itself and needs stderr for errors
    interpreter = sys.executable
    conf = config_path()
    write_config(conf, interpreter)
    click.echo(t("ribbon.addin.config_written", file=str(conf), python=interpreter))
    click.echo(t("ribbon.addin.restart", tab=tab))
