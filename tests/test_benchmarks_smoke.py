"""Smoke run of the benchmarks on a tiny corpus: every case runs and succeeds (nothing is timed).

Why: the benchmark runner, the corpus generator and the naive/floor scripts are code too; this
keeps them working without making the test run pay for real measurements.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import runner

    out = tmp_path / "RESULTS.md"
    rc = runner.main(["--quick", "--corpus-root", str(tmp_path / "corpus"), "--results", str(out)])
    assert rc == 0
    text = out.read_text("utf-8")
    for case in ("startup --help", "split 6 units", "merge 6x8", "naive 6x8", "floor 6x8"):
        assert case in text
    assert runner.START in text and runner.END in text and sys.executable


def test_corpus_fills_the_real_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import corpus

    from sheetsync.intake import WorkbookData, read_workbook

    c = corpus.build(3, 5, root=tmp_path, log=lambda s: None)
    files = sorted(c.returns.glob("*.xlsx"))
    assert len(files) == 3 and len(sorted(c.outgoing.glob("*.xlsx"))) == 4  # 3 returns + distribution list
    data = read_workbook(files[0])
    assert isinstance(data, WorkbookData)
    rows = data.sheets[0].rows
    assert any(r[6] for r in rows[3:])  # statuses were filled in
