"""What a wheel install needs outside a clone: the add-in and templates under share/sheetsync/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sheetsync.ribbon import addin

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_the_addin_and_templates() -> None:
    conf = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = conf["tool"]["setuptools"]["data-files"]["share/sheetsync"]
    assert "xlsx/sheetsync.xlam" in shipped
    for f in shipped:
        assert (REPO / f).exists(), f


def test_install_finds_the_addin_outside_a_checkout(tmp_path: Path, monkeypatch) -> None:
    share = tmp_path / "share" / "sheetsync"
    share.mkdir(parents=True)
    (share / "sheetsync.xlam").write_bytes(b"PK")
    monkeypatch.setattr(addin, "DEFAULT_OUT", tmp_path / "no-repo" / "xlsx" / "sheetsync.xlam")
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert addin.installed_addin() == share / "sheetsync.xlam"


def test_install_outside_a_checkout_prints_the_steps(tmp_path: Path, monkeypatch) -> None:
    """What `pip install .` users get on a non-Windows machine: the manual steps, no traceback."""
    from click.testing import CliRunner

    from sheetsync.cli import cli

    share = tmp_path / "share" / "sheetsync"
    share.mkdir(parents=True)
    (share / "sheetsync.xlam").write_bytes(b"PK")
    monkeypatch.setattr(addin, "DEFAULT_OUT", tmp_path / "no-repo" / "xlsx" / "sheetsync.xlam")
    monkeypatch.setattr(addin, "MACROS_DIR", tmp_path / "no-repo" / "macros")
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    result = CliRunner().invoke(cli, ["addin", "install"])
    assert result.exit_code == 0, result.output
    assert "sheetsync.xlam" in result.output and "XLSTART" in result.output
