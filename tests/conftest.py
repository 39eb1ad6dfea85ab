"""Shared fixtures: the demo county built once per session, and LibreOffice headless as the
real application that must open every workbook we write."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# CI explores the same examples every run (a submission must not fail on a new random draw);
# local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
SHARED = REPO.parent / "shared"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def libreoffice():
    """A function that opens workbooks in LibreOffice headless (converting them to PDF) and
    returns the PDFs; it fails the test when LibreOffice cannot open one. In CI LibreOffice
    must be present (.ci/run installs it); elsewhere the tests that need it are skipped."""
    exe = soffice_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI; .ci/run installs it")
        pytest.skip("LibreOffice (soffice) not installed")
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))

    def open_all(paths: list[Path], outdir: Path) -> list[Path]:
        outdir.mkdir(parents=True, exist_ok=True)
        paths = [Path(p) for p in paths]
        for i in range(0, len(paths), 40):
            batch = paths[i:i + 40]
            proc = subprocess.run(
                [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(outdir), *map(str, batch)],
                capture_output=True, timeout=600)
            assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        pdfs = []
        for p in paths:
            pdf = outdir / (p.stem + ".pdf")
            assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice could not open {p.name}"
            assert pdf.read_bytes().startswith(b"%PDF")
            pdfs.append(pdf)
        return pdfs

    yield open_all
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo county, built once by the real ``sheetsync demo`` command in a fresh process."""
    folder = tmp_path_factory.mktemp("demo") / "示例县"
    env = {**os.environ, "SHEETSYNC_LANG": "zh"}
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "demo", str(folder)], capture_output=True,
                          env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return folder, proc.stdout.decode("utf-8")


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()
