"""The ledger's kept rows (``keep_rows``) are exactly what reading the SQLite file gives back.

A merge builds its roll-up from the rows it has just recorded, kept in memory; a later
``status`` or re-merge reads them from the file. Both must give the same roll-up, so every value
that SQLite would change on the way (an int in a REAL column, NaN, -0.0, a bool) must be read
from the file instead. Each case records into a real SQLite file and reads it back with a
second connection that keeps nothing.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.ledger import Ledger
from sheetsync.returns.read import ReturnRow

_NUMBER = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-2**62, 2**62),
                    st.sampled_from([0.0, -0.0, float("nan"), 5, True]))
_ROW = st.builds(ReturnRow, task_id=st.text(max_size=6), unit=st.text(max_size=4), role=st.sampled_from(["lead", "co", ""]),
                 status=st.one_of(st.none(), st.text(max_size=5)), progress=_NUMBER, value=_NUMBER,
                 progress_text=st.text(max_size=20), problems=st.text(max_size=8), next_steps=st.just(""),
                 evidence=st.text(max_size=4), row=st.one_of(st.none(), st.integers(0, 10**6), st.just(True)),
                 unread=st.sampled_from(["", "G7 H7"]))


def _typed(rows: list[Any]) -> list[tuple[Any, ...]]:
    """Each value with its type, -0.0 and NaN told apart (``==`` would hide both)."""
    return [tuple((type(v).__name__, repr(v) if isinstance(v, float) else v) for v in r) for r in rows]


def _record(led: Ledger, n: int, rows: list[ReturnRow]) -> int:
    return led.record_return(sha256=f"{n:064x}", period="2026Q4", unit=f"u{n}", source=f"f{n}.xlsx", sender="",
                             received_at="2026-12-01T00:00:00", outcome="accepted", identified_by="metadata",
                             fields={}, findings=[], rows=rows, missing=[])


def _files(led: Ledger, n: int) -> None:
    led.db.execute("INSERT INTO files VALUES (?, ?, ?, 0, '')", (f"{n:064x}", f"f{n}.xlsx", f"/a/{n}"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_ROW, max_size=6, unique_by=lambda r: r.task_id), min_size=1, max_size=4))
def test_kept_rows_equal_rows_read_back(returns: list[list[ReturnRow]]) -> None:
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "sheetsync.db"
        with Ledger(db, keep_rows=True) as kept:
            ids = []
            for n, rows in enumerate(returns):
                _files(kept, n)
                ids.append(_record(kept, n, rows))
            from_memory = kept.rows(ids)
        with Ledger(db) as fresh:
            from_file = fresh.rows(ids)
    assert _typed(from_memory) == _typed(from_file)


def test_rows_mix_memory_and_file_in_recorded_order() -> None:
    """Returns recorded by an earlier merge come from the file, this merge's from memory;
    together they are in return order, each return's rows in the order recorded."""
    a = [ReturnRow(f"T{i}", "甲", "lead", "done", 50.0, None, f"进展{i}") for i in range(5)]
    b = [ReturnRow(f"T{i}", "乙", "co", None, 5, None) for i in range(3)]  # int progress: read back as 5.0
    c = [ReturnRow(f"T{i}", "丙", "co", "ongoing", 1.5, 2.0, "=1+1") for i in range(4, -1, -1)]
    with tempfile.TemporaryDirectory() as d:
        db = Path(d) / "sheetsync.db"
        with Ledger(db) as earlier:
            _files(earlier, 0)
            first = _record(earlier, 0, a)
        with Ledger(db, keep_rows=True) as now:
            for n in (1, 2):
                _files(now, n)
            second, third = _record(now, 1, b), _record(now, 2, c)
            assert set(now._kept or {}) == {third}  # b's int progress is not kept
            mixed = now.rows([third, first, second, third])
        with Ledger(db) as fresh:
            assert _typed(mixed) == _typed(fresh.rows([first, second, third]))
    assert [r[0] for r in mixed] == [first] * 5 + [second] * 3 + [third] * 5
    assert [r[1] for r in mixed[-5:]] == ["T4", "T3", "T2", "T1", "T0"]
    assert all(type(r[5]) is float and not math.isnan(r[5]) for r in mixed)


def test_without_keep_rows_nothing_is_kept() -> None:
    with tempfile.TemporaryDirectory() as d, Ledger(Path(d) / "sheetsync.db") as led:
        _files(led, 0)
        _record(led, 0, [ReturnRow("T1", "甲", "lead", "done", 100.0)])
        assert led._kept is None
