"""A careless clerk's report/notice: the output named as an input, the master or the assessment
of another plan, a master set to another period. Each is refused (or said) — never a draft that
destroys the roll-up or prints another county's issuer, deadline or ranking without a word.

Real parts: the demo county's roll-ups, masters and assessment; the CLI in a real process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.robustness import run_cli, sha

ROLLUP = "示例县_2026年第4季度_汇总表.xlsx"
MASTER = "示例县_任务分解表.xlsx"
ASSESSMENT = "示例县_2026年第4季度_考核结果.xlsx"
Q3_ROLLUP = "上季度_2026年第3季度/示例县_2026年第3季度_汇总表.xlsx"
TOWN = "三级联动/城关镇"


@pytest.mark.parametrize("command", ["report", "notice"])
def test_an_output_naming_the_rollup_is_refused_and_the_rollup_kept(demo, tmp_path: Path, command: str) -> None:
    folder, _ = demo
    rollup = shutil.copy(folder / ROLLUP, tmp_path / ROLLUP)
    before = sha(Path(rollup))
    proc = run_cli(command, rollup, "-o", rollup, "--master", folder / MASTER)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "工作簿" in proc.stderr
    assert sha(Path(rollup)) == before
    docx_named = tmp_path / "汇总.docx"
    shutil.copy(folder / ROLLUP, docx_named)  # a roll-up saved under a .docx name is still an input
    proc = run_cli(command, docx_named, "-o", docx_named)
    assert proc.returncode == 2 and "不能覆盖" in proc.stderr, proc.stderr


def test_an_output_naming_the_master_is_refused(demo, tmp_path: Path) -> None:
    folder, _ = demo
    master = shutil.copy(folder / MASTER, tmp_path / "主表.docx")
    proc = run_cli("report", folder / ROLLUP, "-o", master, "--template", master)
    assert proc.returncode == 2 and "不能覆盖" in proc.stderr, proc.stderr


@pytest.mark.parametrize("command", ["report", "notice"])
def test_a_master_of_another_plan_is_refused(demo, tmp_path: Path, command: str) -> None:
    folder, _ = demo
    out = tmp_path / "稿.docx"
    # the county's roll-up with the township's master (another level: another 发文机关, other units)
    proc = run_cli(command, folder / ROLLUP, "-o", out, "--master", folder / TOWN / "城关镇_任务分解表.xlsx")
    assert proc.returncode == 2, proc.stderr
    assert "城关镇" in proc.stderr and "示例县" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    # the city's roll-up with the county's master
    proc = run_cli(command, folder / "三级联动/示例市/示例市_汇总表.xlsx", "-o", out, "--master", folder / MASTER)
    assert proc.returncode == 2 and "示例市" in proc.stderr, proc.stderr
    # its own master still works
    proc = run_cli(command, folder / ROLLUP, "-o", out, "--master", folder / MASTER)
    assert proc.returncode == 0, proc.stderr


def test_a_master_set_to_another_period_lends_no_deadline(demo, tmp_path: Path) -> None:
    """The third quarter's roll-up with the master set to the fourth: 2026-12-25 is not Q3's deadline."""
    from sheetsync.documents.source import load_facts

    folder, _ = demo
    facts = load_facts(folder / Q3_ROLLUP, folder / MASTER)
    assert facts.due is None or facts.due.isoformat() != "2026-12-25"
    assert facts.notes and "2026年第3季度" in facts.notes[0]
    proc = run_cli("report", folder / Q3_ROLLUP, "-o", tmp_path / "q3.docx", "--master", folder / MASTER)
    assert proc.returncode == 0 and "2026年第3季度" in proc.stderr, proc.stderr
    same = load_facts(folder / ROLLUP, folder / MASTER)
    assert same.due is not None and same.due.isoformat() == "2026-12-25" and not same.notes


def test_an_assessment_of_another_plan_is_refused(demo, tmp_path: Path) -> None:
    folder, _ = demo
    out = tmp_path / "通报.docx"
    proc = run_cli("notice", folder / TOWN / "城关镇_汇总表.xlsx", "-o", out,
                   "--master", folder / TOWN / "城关镇_任务分解表.xlsx", "--assessment", folder / ASSESSMENT)
    assert proc.returncode == 2, proc.stderr
    assert "另一方案" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_an_assessment_of_other_periods_is_refused(demo, tmp_path: Path) -> None:
    """An assessment of Q3 and Q4 fits the Q4 roll-up (and the Q3 one); of Q4 only, not Q3's."""
    from sheetsync.assess import assess_units

    folder, _ = demo
    q4_only = tmp_path / "考核_Q4.xlsx"
    assess_units(folder / MASTER, ["2026年第4季度"], output=q4_only)
    proc = run_cli("notice", folder / Q3_ROLLUP, "-o", tmp_path / "n.docx", "--assessment", q4_only)
    assert proc.returncode == 2 and "2026年第4季度" in proc.stderr, proc.stderr
    proc = run_cli("notice", folder / Q3_ROLLUP, "-o", tmp_path / "n.docx", "--assessment", folder / ASSESSMENT)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("target", ["示例县_实施方案.docx", "sheetsync.db"])
def test_an_output_naming_the_plan_or_the_ledger_is_refused_and_kept(demo, tmp_path: Path, target: str) -> None:
    folder, _ = demo
    victim = Path(shutil.copy(folder / target, tmp_path / target))
    before = sha(victim)
    proc = run_cli("report", folder / ROLLUP, "-o", victim, "--master", folder / MASTER)
    assert proc.returncode == 2 and target in proc.stderr, proc.stderr
    assert sha(victim) == before


def test_an_earlier_draft_is_replaced(demo, tmp_path: Path) -> None:
    folder, _ = demo
    out = tmp_path / "报告.docx"
    for command in ("report", "notice", "report"):
        proc = run_cli(command, folder / ROLLUP, "-o", out, "--master", folder / MASTER)
        assert proc.returncode == 0, proc.stderr
    old_draft = Path(shutil.copy(folder / "示例县_2026年第4季度_情况报告(初稿).docx", tmp_path / "旧.docx"))
    assert run_cli("report", folder / ROLLUP, "-o", old_draft).returncode == 0
