"""Finding a table's header in sheets people made by hand.

Real files have title rows above the header, two-row headers whose top row is merged
(责任单位 over 牵头单位 | 配合单位), extra columns, columns in any order, and headers in English.
We score each candidate row against a :class:`~sheetsync.core.schema.SheetSpec` and map column keys
to column numbers, preferring the exact label over an alias and the lower row of a two-row
header over its merged parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sheetsync.core.schema import SheetSpec
from sheetsync.core.textnorm import norm_key

Grid = list[list[Any]]


@dataclass
class HeaderMatch:
    row: int  # 1-based row of the (lower) header row
    first_data_row: int  # 1-based
    columns: dict[str, int]  # column key -> 1-based column
    labels: dict[str, str]  # column key -> header text found

    def missing(self, spec: SheetSpec) -> list[str]:
        return [c.key for c in spec.columns if c.required and c.key not in self.columns]


def _label_key(label: str) -> str:
    key = norm_key(label)
    return key.rstrip("*＊:：") if key else ""


@lru_cache(maxsize=256)
def _spec_keys(spec_col: Any) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """Normalised spellings of a (frozen) column spec, computed once: header search scores
    every cell of the first rows against every column, so normalising them per cell was a
    large part of reading each returned file."""
    return (frozenset((norm_key(spec_col.zh), norm_key(spec_col.en))),
            frozenset(norm_key(a) for a in spec_col.aliases),
            tuple(ns for ns in (norm_key(s) for s in spec_col.spellings()) if len(ns) >= 2))


def _key_score(key: str, spec_col: Any) -> int:
    if not key:
        return 0
    exact, aliases, prefixes = _spec_keys(spec_col)
    if key in exact:
        return 4
    if key in aliases:
        return 3
    # 完成时限（年月）, 目标值(次) …: a label that starts with a known spelling
    for ns in prefixes:
        if key.startswith(ns) and len(key) <= len(ns) + 8:
            return 2
    return 0


def cell_text(grid: Grid, row: int, col: int) -> str:
    if 1 <= row <= len(grid) and 1 <= col <= len(grid[row - 1]):
        v = grid[row - 1][col - 1]
        return "" if v is None else str(v)
    return ""


_SCORES: dict[SheetSpec, dict[str, tuple[tuple[int, Any], ...]]] = {}


def _score_memo(spec: SheetSpec) -> dict[str, tuple[tuple[int, Any], ...]]:
    """Cell text → its (score, column spec) pairs for ``spec``; returned files repeat the same
    titles and task texts, so each distinct text is scored once per process."""
    memo = _SCORES.get(spec)
    if memo is None or len(memo) > 100_000:
        memo = _SCORES[spec] = {}
    return memo


def _assign(grid: Grid, spec: SheetSpec, rows: Sequence[int],
            memo: dict[str, tuple[tuple[int, Any], ...]] | None = None) -> tuple[int, dict[str, int], dict[str, str]]:
    """Greedy best assignment of column keys to columns using the label rows given (lowest first)."""
    memo = _score_memo(spec) if memo is None else memo
    width = max((len(grid[r - 1]) for r in rows if 1 <= r <= len(grid)), default=0)
    scored: list[tuple[int, int, str, int, str]] = []
    for col in range(1, width + 1):
        for depth, r in enumerate(rows):
            label = cell_text(grid, r, col)
            hits = memo.get(label)
            if hits is None:
                key = _label_key(label)
                hits = memo[label] = tuple((s, sc) for sc in spec.columns if (s := _key_score(key, sc)))
            for s, sc in hits:
                # lower header rows are more specific than merged parents
                scored.append((s * 10 - depth, -col, sc.key, col, label))
    scored.sort(reverse=True)
    used_cols: set[int] = set()
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    total = 0
    for s, _neg, key, col, label in scored:
        if key in columns or col in used_cols:
            continue
        columns[key] = col
        labels[key] = label
        used_cols.add(col)
        total += s
    return total, columns, labels


_FOUND: dict[tuple[Any, ...], HeaderMatch | None] = {}


def find_header(grid: Grid, spec: SheetSpec, max_rows: int = 15) -> HeaderMatch | None:
    """The best header for ``spec`` in the first ``max_rows`` rows, or None if none matches.

    Remembered per distinct text of those rows (all the search reads): a city's 300 returns
    share one template, so its header is scored once instead of once per return."""
    key = (spec, max_rows, tuple(tuple("" if v is None else str(v) for v in row) for row in grid[:max_rows + 1]))
    if key not in _FOUND:
        if len(_FOUND) >= 256:
            _FOUND.clear()
        _FOUND[key] = _find_header(grid, spec, max_rows)
    m = _FOUND[key]
    return None if m is None else HeaderMatch(m.row, m.first_data_row, dict(m.columns), dict(m.labels))


def _find_header(grid: Grid, spec: SheetSpec, max_rows: int) -> HeaderMatch | None:
    best: tuple[int, HeaderMatch] | None = None
    memo = _score_memo(spec)
    for r in range(1, min(max_rows, len(grid)) + 1):
        for rows in ((r,), (r + 1, r)):
            if rows[0] > len(grid):
                continue
            total, columns, labels = _assign(grid, spec, rows, memo)
            required = sum(1 for c in spec.columns if c.required and c.key in columns)
            if len(columns) < 2 or required == 0:
                continue
            score = total + 100 * required
            if len(rows) == 2:
                # a two-row header must gain over the single row, else it is a header and a data row
                single = _assign(grid, spec, (r,), memo)[0]
                if total <= single:
                    continue
            match = HeaderMatch(rows[0], rows[0] + 1, columns, labels)
            if best is None or score > best[0]:
                best = (score, match)
    return best[1] if best else None
