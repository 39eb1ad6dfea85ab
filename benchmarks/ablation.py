"""What the safety checks cost a city merge: the merge phases with and without them.

``python -m benchmarks.ablation [--runs N] [--size 300x400]`` runs the merge's phases in this
process (master read, intake, roll-up model, roll-up workbook), alternating two variants:

- ``checks``: the product as shipped;
- ``no-checks``: the parser children skip the container inspection (zip structure, sizes and CRC of
  every entry, DTD search) and the sheet scan (formulas without a value, error cells, control
  characters, long numbers, content beyond the limits); the sheet extent is taken from
  ``<dimension>`` unchecked.

The second variant is **unsafe** and exists only here, to answer one question with a measurement
instead of an estimate: how much of the gap to issue 9's "10× naive" target the checks are. The
patch is applied through the pool's child boot string, so everything else is the shipped code.
Times are wall seconds in one process (interpreter start and the CLI's teardown not included;
through the CLI they add ~0.35-0.4 s).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

_NO_CHECKS_BOOT = (
    "import sys, json; sys.path[:0] = json.loads(sys.argv[1])\n"
    "import sheetsync.intake.inspect as I, sheetsync.intake.sheetscan as S, sheetsync.intake.reader as R\n"
    "def inspect_file(path, limits=None):\n"
    "    return I.Inspection(path=str(path), kind='xlsx', extension='.xlsx')\n"
    "def scan_sheet(zf, entry, **_):\n"
    "    bound = S._bound_by_dimension(zf.read(entry))\n"
    "    res = S.SheetScan(last_row=bound[0], last_col=bound[1]) if bound else S.SheetScan()\n"
    "    res.xml_judged = False\n"
    "    return res\n"
    "I.inspect_file, R.scan_sheet, R.plain_shared_strings = inspect_file, scan_sheet, lambda *a: True\n"
    "from sheetsync.intake.pool import worker_main; worker_main()\n"
)


def _cpu() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def run_once(master: Path, returns: Path, checks: bool) -> dict[str, float]:
    """One merge, phase by phase; the pool's boot string is patched for ``checks=False``."""
    import sheetsync.intake.pool as pool
    from sheetsync.ledger import Ledger
    from sheetsync.master.workbook import read_master
    from sheetsync.merge import build_rollup, ingest, resolve_period
    from sheetsync.rollup.workbook import write_rollup

    shipped = pool._BOOT
    if not checks:
        pool._BOOT = _NO_CHECKS_BOOT
    work = Path(tempfile.mkdtemp(prefix="sheetsync-ablation-"))
    try:
        out: dict[str, float] = {}
        start = time.perf_counter()
        m = read_master(master)
        period = resolve_period(m, None)
        with Ledger(work / "sheetsync.db", keep_rows=True) as ledger:
            t, (p0, c0) = time.perf_counter(), _cpu()
            ingest(m, [returns], ledger, period=period)
            (p1, c1) = _cpu()
            out["intake"], out["parent_cpu"], out["children_cpu"] = time.perf_counter() - t, p1 - p0, c1 - c0
            t = time.perf_counter()
            rollup = build_rollup(m, ledger, period=period, as_of=date(2026, 12, 31))
            out["model"] = time.perf_counter() - t
        t = time.perf_counter()
        write_rollup(rollup, work / "rollup.xlsx")
        out["workbook"] = time.perf_counter() - t
        out["total"] = time.perf_counter() - start
        out["rows"] = sum(1 for d in rollup.details if d[3] is not None)  # rows read from returns
        out["rejected"] = sum(1 for f in rollup.files if f.outcome == "rejected")
        return out
    finally:
        pool._BOOT = shipped
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each variant, alternated")
    ap.add_argument("--size", default="300x400", help="corpus UNITSxROWS")
    ap.add_argument("--corpus-root", type=Path, default=corpus.ROOT, help="where corpora are built and cached")
    args = ap.parse_args(argv)
    n, m = (int(x) for x in args.size.split("x"))
    c = corpus.build(n, m, root=args.corpus_root)
    cols = ("total", "intake", "parent_cpu", "children_cpu", "model", "workbook", "rows", "rejected")
    print(f"| variant | {' | '.join(cols)} |")
    print(f"| --- |{' --- |' * len(cols)}")
    for _ in range(args.runs):
        for checks in (True, False):
            r = run_once(c.master, c.returns, checks)
            print(f"| {'checks' if checks else 'no-checks'} | {' | '.join(f'{r[k]:.2f}' if isinstance(r[k], float) else str(r[k]) for k in cols)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
