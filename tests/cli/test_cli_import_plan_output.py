"""import-plan -o naming the plan itself (with --force) replaced the plan document with a workbook;
-o 方案.docx wrote a workbook under a Word name. Both are refused and the plan kept.

Real parts: plan files on disk; the CLI in a real process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.robustness import run_cli, sha

PLAN = "# 方案\n\n| 任务 | 责任单位 | 时限 |\n|---|---|---|\n| 开展培训 | 县委组织部 | 2026年12月底 |\n"


@pytest.mark.parametrize("name", ["方案.md", "方案.xlsx"])
def test_an_output_naming_the_plan_is_refused_even_with_force(tmp_path: Path, name: str) -> None:
    plan = tmp_path / name
    if name.endswith(".md"):
        plan.write_text(PLAN, encoding="utf-8")
    else:
        assert run_cli("import-plan", _md(tmp_path), "-o", plan).returncode == 0
    before = sha(plan)
    proc = run_cli("import-plan", plan, "-o", plan, "--force")
    assert proc.returncode == 2 and "不能覆盖" in proc.stderr, proc.stderr
    assert sha(plan) == before


def test_an_output_that_is_not_a_workbook_name_is_refused(tmp_path: Path) -> None:
    proc = run_cli("import-plan", _md(tmp_path), "-o", tmp_path / "主表.docx")
    assert proc.returncode == 2 and ".xlsx" in proc.stderr, proc.stderr
    assert not (tmp_path / "主表.docx").exists()


def _md(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    return path
