"""SHEETSYNC_LANG set to a language sheetsync does not have silently meant Chinese: it is said once.

Real parts: the CLI in a real process with the variable set.
"""

from __future__ import annotations

import pytest

from helpers.robustness import run_cli


@pytest.mark.parametrize("value", ["fr", "jp", "1"])
def test_an_unknown_sheetsync_lang_is_said(value: str) -> None:
    proc = run_cli("new", "--help", lang=value)
    assert proc.returncode == 0
    assert "SHEETSYNC_LANG" in proc.stderr and value in proc.stderr


@pytest.mark.parametrize("value", ["zh", "en", "en_US.UTF-8", "zh-CN"])
def test_a_known_sheetsync_lang_is_quiet(value: str) -> None:
    proc = run_cli("new", "--help", lang=value)
    assert proc.returncode == 0 and "SHEETSYNC_LANG" not in proc.stderr
