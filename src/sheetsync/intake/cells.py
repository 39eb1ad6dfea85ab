"""A1 addresses: small helpers shared by the zip checks and the sheet scanner."""

from __future__ import annotations

import re

_ADDR = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
MAX_ROW = 1_048_576
MAX_COL = 16_384


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def address(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def split_address(ref: str) -> tuple[int, int]:
    """(row, col) 1-based of ``ref``; (0, 0) when it is not an A1 address."""
    m = _ADDR.match(ref.strip())
    if not m:
        return 0, 0
    return int(m.group(2)), col_number(m.group(1))


def range_extent(ref: str) -> tuple[int, int]:
    """(last row, last col) of a range such as ``A1:XFD1048576`` (or a single cell)."""
    last = ref.split(":")[-1]
    return split_address(last)
