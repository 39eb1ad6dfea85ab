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


@pytest.mark.slow
def test_ablation_variants_read_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The unsafe no-checks variant must still run the shipped merge (its patch reaches the parser
    children through the pool's boot string): on clean returns both variants read every row."""
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import ablation, corpus

    c = corpus.build(4, 6, root=tmp_path, log=lambda s: None)
    import sheetsync.intake.pool as pool

    shipped = pool._BOOT
    with_checks = ablation.run_once(c.master, c.returns, checks=True)
    without = ablation.run_once(c.master, c.returns, checks=False)
    assert pool._BOOT is shipped  # restored for everything after
    assert with_checks["rejected"] == without["rejected"] == 0
    assert with_checks["rows"] == without["rows"] == 6 * len(list(c.returns.glob("*.xlsx")))
