"""The naive baseline: what a script without sheetsync does with the same returns.

pandas.read_excel (openpyxl engine) of every return's first sheet, concat, to_excel (openpyxl).
No safety checks, no identification, no ledger, no gaps: the cost of "just read and write".
Run as ``python -m benchmarks.naive RETURNS_DIR OUT.xlsx``.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(returns: Path, out: Path) -> int:
    import pandas as pd

    frames = []
    for f in sorted(returns.glob("*.xlsx")):
        df = pd.read_excel(f, sheet_name=0, header=2, engine="openpyxl")
        df.insert(0, "file", f.name)
        frames.append(df)
    allrows = pd.concat(frames, ignore_index=True)
    allrows.to_excel(out, index=False, engine="openpyxl")
    return len(allrows)


if __name__ == "__main__":
    n = main(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"rows={n}")
