"""The README's command table and the CLI agree: every command and subcommand in both, every
option the table names exists, every library call it names imports, and every command, subcommand
and option has ``--help`` text in both languages."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sheetsync.cli import COMMANDS, cli

README = Path(__file__).resolve().parents[2] / "README.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")


def table_rows() -> list[tuple[str, str]]:
    """(command cell, description cell) of each row of the README's command table."""
    section = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        m = re.match(r"\|\s*`sheetsync ([^`]*)`\s*\|(.*)\|\s*$", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def command_paths(usage: str) -> list[tuple[str, ...]]:
    """``mail remind --master M`` → [("mail", "remind")]; ``addin build / check / install`` → three paths."""
    words = usage.split()
    head, rest = words[0], words[1:]
    subs: list[str] = []
    for w in rest:
        if w == "/":
            continue
        if not re.fullmatch(r"[a-z][a-z-]*", w):
            break
        subs.append(w)
    return [(head, s) for s in subs] or [(head,)]


def cli_paths() -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    ctx = click.Context(cli)
    for name in COMMANDS:
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, name
        if isinstance(cmd, click.Group):
            out.update((name, sub) for sub in cmd.list_commands(ctx))
        else:
            out.add((name,))
    return out


def resolve(path: tuple[str, ...]) -> click.Command:
    ctx = click.Context(cli)
    cmd: click.Command | None = cli
    for part in path:
        assert isinstance(cmd, click.Group), path
        cmd = cmd.get_command(ctx, part)
        assert cmd is not None, path
    return cmd


def test_every_readme_command_exists_and_every_command_has_a_row() -> None:
    rows = table_rows()
    assert len(rows) >= 10
    documented = {p for usage, _ in rows for p in command_paths(usage)}
    assert documented == cli_paths(), (documented ^ cli_paths())


def test_options_named_in_the_readme_exist() -> None:
    for usage, _ in table_rows():
        paths = command_paths(usage)
        options = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage))
        for path in paths:
            names = {o for p in resolve(path).params for o in getattr(p, "opts", [])}
            assert options <= names, (path, options - names)


def test_library_calls_named_in_the_table_resolve() -> None:
    calls = [c for _, text in table_rows() for c in re.findall(r"`([a-z_][\w.]*\.[a-z_]\w*)`", text)]
    assert len(calls) >= 12
    for dotted in calls:
        module, _, attr = f"sheetsync.{dotted}".rpartition(".")
        assert callable(getattr(importlib.import_module(module), attr, None)), dotted


HELP_SCRIPT = r"""
import contextlib, io, json, sys
import click
from sheetsync.cli import cli

lang, paths = sys.argv[1], json.loads(sys.argv[2])
out = {}
for path in paths:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            cli.main(["--lang", lang, *path, "--help"], prog_name="sheetsync", standalone_mode=False)
        except SystemExit:
            pass
    ctx = click.Context(cli)
    cmd = cli
    for part in path:
        cmd = cmd.get_command(ctx, part)
    options = {p.opts[-1]: p.help or "" for p in cmd.params if isinstance(p, click.Option)}
    out[" ".join(path)] = {"text": buf.getvalue(), "help": cmd.help or "", "options": options}
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_and_option_has_help_in_both_languages(lang: str) -> None:
    """``sheetsync --lang LANG X --help`` for every command; one fresh interpreter per language
    because command modules are imported (and their help translated) after ``--lang`` is read."""
    paths = sorted(cli_paths() | {(name,) for name in COMMANDS})
    proc = subprocess.run([sys.executable, "-c", HELP_SCRIPT, lang, json.dumps(paths)], capture_output=True,
                          text=True, encoding="utf-8", env={"PATH": "", "PYTHONPATH": ":".join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    helps = json.loads(proc.stdout)
    script = CJK if lang == "zh" else LATIN
    for name, h in helps.items():
        assert "Usage:" in h["text"] and h["help"].strip(), name
        assert script.search(h["help"]), (lang, name, h["help"])
        if lang == "en" and " " not in name:  # top-level commands: English help is English, not bilingual
            assert not CJK.search(h["help"]) or name in ("mail",), (name, h["help"])
        for opt, text in h["options"].items():
            if opt in ("--help",):
                continue
            assert text.strip() and script.search(text), (lang, name, opt, text)
