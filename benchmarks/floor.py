"""The floor: the fastest read and the fastest write of the same rows, and nothing else.

fastexcel (Rust calamine → Arrow) reads each return's first sheet; rustpy-xlsxwriter (Rust
rust_xlsxwriter) writes one sheet. No checks, no isolation, no ledger, no formats: no real
tool can be faster than this on this machine, so "within 3× of the floor" is a fair target.
Falls back to python-calamine / XlsxWriter when the Rust extras are not installed.
Run as ``python -m benchmarks.floor RETURNS_DIR OUT.xlsx``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def read_all(returns: Path) -> tuple[list[str], list[list[Any]], str]:
    files = sorted(returns.glob("*.xlsx"))
    try:
        import fastexcel
        import pyarrow  # noqa: F401  (fastexcel hands over Arrow tables)

        header: list[str] = []
        rows: list[list[Any]] = []
        for f in files:
            table = fastexcel.read_excel(f).load_sheet(0, header_row=2).to_arrow()
            header = ["file", *table.column_names]
            cols = [c.to_pylist() for c in table.columns]
            rows.extend([f.name, *r] for r in zip(*cols, strict=True))
        return header, rows, "fastexcel"
    except ImportError:
        import python_calamine as pc

        rows = []
        header = []
        for f in files:
            grid = pc.CalamineWorkbook.from_path(str(f)).get_sheet_by_index(0).to_python()
            header = ["file", *map(str, grid[2])]
            rows.extend([f.name, *r] for r in grid[3:])
        return header, rows, "python-calamine"


def write_all(out: Path, header: list[str], rows: list[list[Any]]) -> str:
    try:
        import rustpy_xlsxwriter

        keys = [f"{i:02d} {h}" for i, h in enumerate(header)]  # unique keys keep the column order
        records = [dict(zip(keys, r, strict=False)) for r in rows]
        rustpy_xlsxwriter.write_worksheet(records, str(out), sheet_name="rows")
        return "rustpy-xlsxwriter"
    except ImportError:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
        ws = wb.add_worksheet("rows")
        ws.write_row(0, 0, header)
        for i, r in enumerate(rows, start=1):
            ws.write_row(i, 0, r)
        wb.close()
        return "xlsxwriter(constant_memory)"


def main(returns: Path, out: Path) -> str:
    header, rows, reader = read_all(returns)
    writer = write_all(out, header, rows)
    return f"rows={len(rows)} reader={reader} writer={writer}"


if __name__ == "__main__":
    print(main(Path(sys.argv[1]), Path(sys.argv[2])))
