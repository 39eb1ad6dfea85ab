"""Mutated bytes of a real workbook: inspection and parsing never raise, always decide."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers.intake_files as F
from sheetsync.intake import Limits, Rejection, WorkbookData, inspect_file, read_workbook

_BASE: dict[str, bytes] = {}


def base_bytes(tmp: Path) -> bytes:
    if "x" not in _BASE:
        _BASE["x"] = F.openpyxl_xlsx(tmp / "base.xlsx").read_bytes()
    return _BASE["x"]


mutation = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=255)),
    min_size=1, max_size=12,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=mutation, cut=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)))
def test_mutated_workbook_always_data_or_rejection(tmp_path: Path, edits: list[tuple[int, int]],
                                                   cut: int | None) -> None:
    data = bytearray(base_bytes(tmp_path))
    for pos, byte in edits:
        data[pos % len(data)] = byte
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    p = tmp_path / "fuzz.xlsx"
    p.write_bytes(bytes(data))
    limits = Limits(timeout_s=20, memory_mb=512)
    ins = inspect_file(p, limits)
    assert all(f.code and f.message for f in ins.findings)
    r = read_workbook(p, limits)
    assert isinstance(r, (WorkbookData, Rejection))
    if isinstance(r, Rejection):
        assert r.findings and r.reason.severity == "error" and r.message
    else:
        assert not ins.errors
