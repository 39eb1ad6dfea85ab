"""-o naming a file of another kind: ``assess -o 任务分解表.xlsx`` replaced the master with a
result, ``schedule`` / ``derive -o sheetsync.db`` the ledger with a workbook, ``derive -o`` a
roll-up — all with exit 0. Each is refused and the file kept; the command's own earlier output is
still replaced.

Real parts: the demo county's master, ledger, roll-up and assessment copied; the CLI in a real process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.robustness import run_cli, sha
from sheetsync.core.outputs import existing_kind

FILES = {"master": "示例县_任务分解表.xlsx", "ledger": "sheetsync.db", "rollup": "示例县_2026年第4季度_汇总表.xlsx",
         "assessment": "示例县_2026年第4季度_考核结果.xlsx"}
COMMANDS = {"assess": ["assess", "{master}", "--ledger", "{ledger}", "-o"],
            "schedule": ["schedule", "{master}", "-o"],
            "derive": ["derive", "{master}", "--unit", "城关镇", "-o"],
            "check --annotate": ["check", "{master}", "--annotate"]}
OWN = {"assess": "assessment", "schedule": None, "derive": None, "check --annotate": None}


@pytest.fixture
def county(demo, tmp_path: Path) -> dict[str, Path]:
    folder, _ = demo
    out = {k: Path(shutil.copy(folder / name, tmp_path / name)) for k, name in FILES.items()}
    out["other"] = tmp_path / "notes.txt"
    out["other"].write_text("a clerk's notes", encoding="utf-8")
    return out


@pytest.mark.parametrize(("command", "target"), [(c, k) for c in COMMANDS
                                                 for k in ("master", "ledger", "rollup", "assessment", "other")
                                                 if OWN[c] != k])  # its own kind is replaced (below)
def test_an_output_of_another_kind_is_refused_and_kept(county: dict[str, Path], command: str, target: str) -> None:
    args = [a.format(**{k: str(v) for k, v in county.items()}) for a in COMMANDS[command]]
    before = {k: sha(p) for k, p in county.items()}
    proc = run_cli(*args, county[target])
    assert proc.returncode == 2, (proc.stdout[-300:], proc.stderr)
    assert "Traceback" not in proc.stderr and county[target].name in proc.stderr
    assert {k: sha(p) for k, p in county.items()} == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_commands_own_earlier_output_is_replaced(county: dict[str, Path], tmp_path: Path, command: str) -> None:
    args = [a.format(**{k: str(v) for k, v in county.items()}) for a in COMMANDS[command]]
    out = tmp_path / f"{command}-out.xlsx"
    for _ in range(2):
        proc = run_cli(*args, out)
        assert proc.returncode == 0, proc.stderr
    assert existing_kind(out) in {"assessment", "calendar", "derived", "master"}
