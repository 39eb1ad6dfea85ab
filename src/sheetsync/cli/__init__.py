"""The ``sheetsync`` command. Each command is a short function in a module of this package
that calls one library function; modules are imported only when their command runs, so
``sheetsync --help`` starts fast."""

from __future__ import annotations

import contextlib
import importlib
import sys

import click

from sheetsync.i18n import set_lang, t

# command name -> "module:function" (click commands or groups)
COMMANDS = {
    "new": "sheetsync.cli.master:new",
    "check": "sheetsync.cli.master:check",
    "demo": "sheetsync.cli.demo:demo",
    "import-plan": "sheetsync.cli.plan:import_plan",
    "split": "sheetsync.cli.split:split",
    "merge": "sheetsync.cli.merge:merge",
    "status": "sheetsync.cli.merge:status",
    "assess": "sheetsync.cli.assess:assess",
    "schedule": "sheetsync.cli.schedule:schedule",
    "derive": "sheetsync.cli.levels:derive",
    "export-return": "sheetsync.cli.levels:export_return",
    "mail": "sheetsync.cli.mail:mail",
    "addin": "sheetsync.cli.addin:addin",
    "report": "sheetsync.cli.documents:report",
    "notice": "sheetsync.cli.documents:notice",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # short help from the catalogue: no command module is imported for --help
        rows = [(n, t(f"cli.help.{n}")) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section(t("cli.commands")):
                formatter.write_dl(rows)


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        set_lang(value)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["zh", "en"]), callback=_set_lang, expose_value=False,
              is_eager=True, help="界面语言 / interface language (default: zh, or SHEETSYNC_LANG)")
@click.version_option(package_name="sheetsync")
def cli() -> None:
    """sheetsync — 实施方案任务分解、分发、回收、汇总与催报工具。"""


def _tolerant_output() -> None:
    """Print what the console's code page cannot encode as an escape instead of failing.

    Why: on Chinese Windows a redirected or legacy console is GBK (cp936), and a file or unit
    name may hold an emoji or a rare character outside it; the work would be done and saved,
    then the final message would end in a traceback.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):  # a closed or unusual stream: left as it is
                reconfigure(errors="backslashreplace")


def _check_env_lang() -> None:
    """Say so when SHEETSYNC_LANG names no language we have (fr, jp, 1): it silently meant Chinese."""
    import os

    raw = os.environ.get("SHEETSYNC_LANG", "").strip()
    v = raw.lower().replace("_", "-")
    if raw and not v.startswith(("zh", "en")):
        click.secho(t("cli.bad_env_lang", value=raw), fg="yellow", err=True)


def main() -> None:
    from sheetsync.core.errors import SheetsyncError

    _tolerant_output()
    _check_env_lang()
    try:
        # without standalone mode click *returns* the code of a ``click.exceptions.Exit`` raised by
        # a command (a mail run with failures raises Exit(1)): it must become the process's code
        code = cli.main(standalone_mode=False)
        if type(code) is int and code:
            sys.exit(code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(t("cli.aborted"), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SheetsyncError as exc:
        click.secho(t("cli.error_prefix") + str(exc), fg="red", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a fault on a named path no command words itself: the path and what to do
        if not exc.filename:
            raise  # nothing to name: a bug or an environment problem, its traceback is what helps
        from sheetsync.core.outputs import os_error

        error = os_error(exc)
        click.secho(t("cli.error_prefix") + str(error), fg="red", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
