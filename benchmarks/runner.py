"""Time every case in a fresh process and write the table into ``benchmarks/RESULTS.md``.

Each case is one child process started the way a user starts it (``sheetsync split|merge`` via
the console entry point, or the naive / floor scripts), so wall time includes interpreter start
and imports, and the peak RSS belongs to that case alone. Peak RSS is measured two ways:
the whole process tree sampled every 20 ms (parser children included: what the machine has to
hold) and the largest single process (``wait4``'s ``ru_maxrss``, which covers reaped children).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import corpus

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
CLI = "from sheetsync.cli import main; main()"


@dataclass
class Case:
    name: str
    kind: str  # split | merge | naive | floor | startup
    corpus: str = ""  # "NxM"
    argv: list[str] = field(default_factory=list)


@dataclass
class Result:
    case: Case
    wall: float
    tree_rss_mb: float
    max_rss_mb: float
    rc: int
    note: str = ""


def _tree_rss(pid: int) -> int:
    try:
        import psutil
    except ImportError:
        return 0
    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        with contextlib.suppress(psutil.Error):
            total += q.memory_info().rss
    return total


def run_case(case: Case, workdir: Path) -> Result:
    """Run one case in a child; its wall time, peak tree RSS and largest-process RSS."""
    env = dict(os.environ, PYTHONPATH=str(HERE.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = workdir / f"{case.name}.log"
    peak = 0
    done = threading.Event()
    with out.open("wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(case.argv, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, env=env)

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(proc.pid))
                done.wait(0.02)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        th.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text("utf-8", "replace")
    note = ""
    m = re.search(r"rows=\d+.*", text)
    if m:
        note = m.group(0).strip()
    if proc.returncode != 0:
        note = "FAILED: " + text.strip().splitlines()[-1][:200] if text.strip() else "FAILED"
    max_rss = usage.ru_maxrss / 1024  # KiB on Linux
    return Result(case, wall, max(peak / 2**20, max_rss), max_rss, proc.returncode, note)


def cases_for(quick: bool, root: Path, workdir: Path, log=print) -> list[Case]:  # noqa: ANN001
    py = sys.executable
    specs = ([(6, 8)] if quick else [(70, 50), (300, 40), (300, 400), (3000, 40)])
    built = {}
    for n, m in specs:
        built[f"{n}x{m}"] = corpus.build(n, m, root=root, log=log)
    out: list[Case] = [Case("startup --help", "startup", "", [py, "-c", CLI, "--help"])]
    split_specs = ["6x8"] if quick else ["70x50", "300x40"]
    for name in split_specs:
        c = built[name]
        out.append(Case(f"split {c.units} units × {c.rows}", "split", name,
                        [py, "-c", CLI, "split", str(c.master), "-o", str(workdir / f"split-{name}"), "--force"]))
    merge_specs = ["6x8"] if quick else ["70x50", "300x400", "3000x40"]
    for name in merge_specs:
        c = built[name]
        out.append(Case(f"merge {name}", "merge", name,
                        [py, "-c", CLI, "merge", str(c.master), str(c.returns), "-o", str(workdir / f"rollup-{name}.xlsx"),
                         "--ledger", str(workdir / f"ledger-{name}" / "sheetsync.db"), "--as-of",
                         corpus.AS_OF.isoformat()]))
        if name in ("6x8", "300x400", "70x50"):
            out.append(Case(f"naive {name}", "naive", name,
                            [py, "-m", "benchmarks.naive", str(c.returns), str(workdir / f"naive-{name}.xlsx")]))
        out.append(Case(f"floor {name}", "floor", name,
                        [py, "-m", "benchmarks.floor", str(c.returns), str(workdir / f"floor-{name}.xlsx")]))
    return out


def machine() -> list[str]:
    import importlib.metadata as md

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    versions = []
    for pkg in ("sheetsync", "openpyxl", "xlsxwriter", "python-calamine", "pandas", "fastexcel", "pyarrow",
                "rustpy-xlsxwriter", "psutil"):
        try:
            versions.append(f"{pkg} {md.version(pkg)}")
        except md.PackageNotFoundError:
            versions.append(f"{pkg} (not installed)")
    return [f"- CPU: {cpu or platform.processor()} — {os.cpu_count()} logical cores (shared, noisy)",
            f"- RAM: {mem}", f"- OS: {platform.platform()}",
            f"- Python: {platform.python_implementation()} {platform.python_version()}",
            f"- Packages: {', '.join(versions)}"]


def table(results: list[Result]) -> list[str]:
    naive = {r.case.corpus: r.wall for r in results if r.case.kind == "naive" and r.rc == 0}
    floor = {r.case.corpus: r.wall for r in results if r.case.kind == "floor" and r.rc == 0}
    lines = ["| case | wall s | peak RSS, tree MB | peak RSS, largest process MB | vs naive | vs floor | note |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        vs_naive = vs_floor = ""
        if r.case.kind == "merge":
            if r.case.corpus in naive:
                vs_naive = f"{naive[r.case.corpus] / r.wall:.1f}× faster"
            if r.case.corpus in floor:
                vs_floor = f"{r.wall / floor[r.case.corpus]:.2f}× the floor"
        lines.append(f"| {r.case.name} | {r.wall:.2f} | {r.tree_rss_mb:.0f} | {r.max_rss_mb:.0f} | {vs_naive} | "
                     f"{vs_floor} | {r.note} |")
    return lines


def write_results(results: list[Result], path: Path) -> None:
    block = [START, "", f"Run {time.strftime('%Y-%m-%d %H:%M')} with `python -m benchmarks`.", "", *machine(), "",
             *table(results), "", END]
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        text = text[:text.index(START)] + "\n".join(block) + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(block) + "\n"
    path.write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a tiny corpus (smoke run, seconds)")
    ap.add_argument("--only", help="run only cases whose name contains this text")
    ap.add_argument("--corpus-root", type=Path, help="where corpora are built and cached")
    ap.add_argument("--results", type=Path, help="write the table here (default: RESULTS.md unless --quick)")
    args = ap.parse_args(argv)
    root = args.corpus_root or (corpus.ROOT if not args.quick else Path(tempfile.mkdtemp(prefix="sheetsync-bench-")))
    workdir = Path(tempfile.mkdtemp(prefix="sheetsync-bench-run-"))
    try:
        results = []
        for case in cases_for(args.quick, root, workdir):
            if args.only and args.only not in case.name:
                continue
            r = run_case(case, workdir)
            results.append(r)
            print(f"{case.name:28s} {r.wall:7.2f}s  tree {r.tree_rss_mb:6.0f} MB  largest {r.max_rss_mb:6.0f} MB"
                  f"  {r.note}", flush=True)
        print("\n".join(table(results)))
        target = args.results or (None if args.quick else RESULTS)
        if target is not None:
            write_results(results, target)
            print(f"written: {target}")
        return 0 if all(r.rc == 0 for r in results) else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.quick and not args.corpus_root:
            shutil.rmtree(root, ignore_errors=True)
