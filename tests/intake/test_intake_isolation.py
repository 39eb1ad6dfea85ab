"""The parser child: a crash, abort, OOM or hang rejects one file; the caller and the rest go on."""

from __future__ import annotations

import os
from pathlib import Path

import helpers.intake_files as F
from sheetsync.intake import Limits, Rejection, WorkbookData, intake_many, read_workbook

HOOK = "helpers.intake_files:hostile_hook"


def test_child_abort_becomes_rejection(tmp_path: Path) -> None:
    r = read_workbook(F.make_xlsx(tmp_path / "crash.xlsx"), Limits(), hook=HOOK)
    assert isinstance(r, Rejection) and r.code == "parser-crashed"
    assert "SIGABRT" in r.message and "crash.xlsx" in r.message


def test_child_segfault_becomes_rejection(tmp_path: Path) -> None:
    r = read_workbook(F.make_xlsx(tmp_path / "segv.xlsx"), Limits(), hook=HOOK)
    assert isinstance(r, Rejection) and r.code == "parser-crashed"


def test_child_out_of_memory_becomes_rejection(tmp_path: Path) -> None:
    r = read_workbook(F.make_xlsx(tmp_path / "oom.xlsx"), Limits(memory_mb=400), hook=HOOK)
    assert isinstance(r, Rejection) and r.code == "parser-oom" and "400" in r.message


def test_child_hang_is_killed(tmp_path: Path) -> None:
    r = read_workbook(F.make_xlsx(tmp_path / "hang.xlsx"), Limits(timeout_s=2), hook=HOOK)
    assert isinstance(r, Rejection) and r.code == "parser-timeout" and "2" in r.message


def test_hook_is_harmless_for_ordinary_names(tmp_path: Path) -> None:
    r = read_workbook(F.make_xlsx(tmp_path / "fine.xlsx"), Limits(), hook=HOOK)
    assert isinstance(r, WorkbookData) and r.sheets[0].rows == [[1]]


def test_far_corner_cell_refused_before_calamine(tmp_path: Path) -> None:
    p = F.far_corner_xlsx(tmp_path / "far.xlsx")
    assert p.stat().st_size < 5000
    r = read_workbook(p)
    assert isinstance(r, Rejection) and r.code == "cells-beyond-limit" and r.reason.cell == "XFD1048576"
    assert "Ctrl+End" in r.message


def test_far_corner_reaching_calamine_only_kills_the_child(tmp_path: Path) -> None:
    # limits wide enough that the scan lets the file through: calamine then asks for ~0.5 TB
    # and aborts; the parent must see a clean rejection and carry on
    p = F.far_corner_xlsx(tmp_path / "far.xlsx")
    r = read_workbook(p, Limits(rows=2_000_000, cols=20_000, memory_mb=512))
    assert isinstance(r, Rejection) and r.code in ("parser-oom", "parser-crashed")
    again = read_workbook(F.make_xlsx(tmp_path / "after.xlsx"))
    assert isinstance(again, WorkbookData)


def test_intake_many_survives_bad_files_and_keeps_order(tmp_path: Path) -> None:
    files = [
        F.make_xlsx(tmp_path / "01-good.xlsx", F.Book([F.Sheet("S", F.row(1, "A", F.num(1)))])),
        F.make_xlsx(tmp_path / "02-crash.xlsx"),
        F.make_xlsx(tmp_path / "03-good.xlsx", F.Book([F.Sheet("S", F.row(1, "A", F.num(3)))])),
        F.make_xlsx(tmp_path / "04-oom.xlsx"),
        F.make_xlsx(tmp_path / "05-hang.xlsx"),
        tmp_path / "06-empty.xlsx",
        F.far_corner_xlsx(tmp_path / "07-far.xlsx"),
        F.make_xlsx(tmp_path / "08-good.xlsx", F.Book([F.Sheet("S", F.row(1, "A", F.num(8)))])),
    ]
    files[5].write_bytes(b"")
    out = list(intake_many(files, Limits(timeout_s=3, memory_mb=400), workers=2, hook=HOOK))
    assert [Path(p).name for p, _ins, _r in out] == [f.name for f in files]
    results = {Path(p).name[:2]: r for p, _ins, r in out}
    outcome = {k: (r.sheets[0].rows[0][0] if isinstance(r, WorkbookData) else r.code) for k, r in results.items()}
    assert outcome == {"01": 1, "02": "parser-crashed", "03": 3, "04": "parser-oom", "05": "parser-timeout",
                       "06": "empty-file", "07": "cells-beyond-limit", "08": 8}
    inspections = [ins for _p, ins, _r in out]
    assert inspections[5].codes == ["empty-file"] and inspections[0].ok


def test_no_core_file_left_behind(tmp_path: Path) -> None:
    work = tmp_path / "w"
    work.mkdir()
    r = read_workbook(F.make_xlsx(work / "crash.xlsx"), Limits(), hook=HOOK)
    assert isinstance(r, Rejection)
    assert sorted(os.listdir(work)) == ["crash.xlsx"]


def test_a_started_pool_is_used_then_closed_by_its_owner(tmp_path: Path) -> None:
    """merge starts the children before it archives the files; intake_many uses them and leaves
    closing to the caller, which leaves no child process behind."""
    from sheetsync.intake.pool import WorkerPool

    files = [F.make_xlsx(tmp_path / f"{i}.xlsx") for i in range(3)]
    pool = WorkerPool(Limits(timeout_s=20), 2).start()
    try:
        started = [w.proc.pid for w in pool._all]
        assert len(started) == 2 and all(w.alive for w in pool._all)
        results = list(intake_many(files, Limits(timeout_s=20), pool=pool))
        assert [type(r[2]) for r in results] == [WorkbookData] * 3
        assert [w.proc.pid for w in pool._all] == started  # the same children did the work
        assert all(w.alive for w in pool._all)  # and the caller still owns them
    finally:
        pool.close()
    for pid in started:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"child {pid} still running")


def test_intake_many_inspects_in_the_children(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The merging process only routes files: inspection runs in the parser children (it was
    most of this process's work for many small files) and its findings come back with the
    result, the same as when this process inspected."""
    from sheetsync.intake import inspect as inspect_mod
    from sheetsync.intake import isolate

    good = F.make_xlsx(tmp_path / "good.xlsm", F.Book(vba=True))
    csv = tmp_path / "disguised.xlsx"
    csv.write_text("序号,任务\n1,甲\n", encoding="utf-8")
    far = F.far_corner_xlsx(tmp_path / "far.xlsx")
    here = {p.name: (inspect_mod.inspect_file(p), read_workbook(p, Limits())) for p in (good, csv, far)}

    def not_here(*_a: object, **_k: object) -> None:
        raise AssertionError("inspected in the merging process")

    monkeypatch.setattr(isolate, "inspect_file", not_here)
    monkeypatch.setattr(inspect_mod, "inspect_file", not_here)
    out = {Path(p).name: (ins, r) for p, ins, r in intake_many([good, csv, far], Limits(), workers=2)}
    for name, (ins, r) in out.items():
        ins_here, r_here = here[name]
        assert ins == ins_here, name
        assert r.to_json() == r_here.to_json(), name
    assert out["good.xlsm"][0].has_macros and isinstance(out["good.xlsm"][1], WorkbookData)
    assert out["disguised.xlsx"][1].code == "disguised-csv"
    assert out["far.xlsx"][1].code == "cells-beyond-limit"


def test_a_file_the_child_dies_on_still_has_an_inspection(tmp_path: Path) -> None:
    out = list(intake_many([F.make_xlsx(tmp_path / "crash.xlsx")], Limits(), workers=1, hook=HOOK))
    [(_p, ins, r)] = out
    assert isinstance(r, Rejection) and r.code == "parser-crashed"
    assert ins.codes == ["parser-crashed"] and not ins.ok


def test_a_child_whose_memory_grew_is_replaced(tmp_path: Path) -> None:
    """Children serve up to 2,000 files, but one that kept a large heap after a file is
    replaced before the next (Linux reads its resident memory from /proc)."""
    from sheetsync.intake.pool import WorkerPool

    files = [F.make_xlsx(tmp_path / n) for n in ("a.xlsx", "b.xlsx", "bloat.xlsx", "c.xlsx", "d.xlsx")]
    with WorkerPool(Limits(timeout_s=20, memory_mb=900), 1, hook=HOOK) as pool:
        pids = []
        for f in files:
            ins, r = pool.read(str(f), None)
            assert isinstance(r, WorkbookData) and ins.ok, f.name
            pids.append(pool._all[-1].proc.pid)
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4]


def test_without_posix_process_groups_and_rlimits(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """What Windows lacks (os.killpg, select() on pipes, the resource module) only costs the
    defences it names: answers still arrive, a hung child is still killed at the timeout, and
    the child starts without rlimits.
    (Windows itself cannot run here; this removes what it does not have.)"""
    import sys

    from sheetsync.intake import _child, pool

    monkeypatch.delattr(os, "killpg")
    monkeypatch.setattr(pool, "_SELECT_PIPES", False)  # answers read by a thread, as on Windows
    out = list(intake_many([F.make_xlsx(tmp_path / "hang.xlsx"), F.make_xlsx(tmp_path / "ok.xlsx")],
                           Limits(timeout_s=2), workers=1, hook=HOOK))
    assert [r.code if isinstance(r, Rejection) else "read" for _p, _ins, r in out] == ["parser-timeout", "read"]
    monkeypatch.setitem(sys.modules, "resource", None)
    assert _child.rlimits() is None
    _child._limit_resources(512 * 1024 * 1024, 10)  # a no-op, not an error
