"""How much a returned file may cost us before we refuse it.

The defaults are generous for a return workbook (a few hundred rows) and small enough that
one hostile file cannot exhaust a clerk's laptop while 70 others wait to be merged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Ceilings applied by :func:`inspect_file` (bytes on disk, zip layout) and by the parser child."""

    file_mb: float = 50  # size of the file on disk
    entry_mb: float = 200  # uncompressed size of one zip entry
    total_mb: float = 500  # uncompressed size of all zip entries together
    ratio: float = 100  # uncompressed : compressed, per entry
    ratio_min_kb: float = 1024  # entries smaller than this are too small to be a bomb; ratio not checked
    entries: int = 1000  # zip entries
    rows: int = 100_000  # rows with content, per sheet
    cols: int = 200  # columns with content, per sheet
    text_chars: int = 32_767  # Excel's own cell limit; longer text was not typed in Excel
    timeout_s: float = 60  # wall clock for parsing one file in the child
    memory_mb: float = 1024  # address space of the parser child (RLIMIT_AS)

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * MB)

    @property
    def entry_bytes(self) -> int:
        return int(self.entry_mb * MB)

    @property
    def total_bytes(self) -> int:
        return int(self.total_mb * MB)

    @property
    def memory_bytes(self) -> int:
        return int(self.memory_mb * MB)

    @classmethod
    def from_settings(cls, settings: dict[str, Any] | None) -> Limits:
        """Limits from the master's 设置 sheet (keys of ``schema.SETTING_KEYS``).

        Blank or unreadable values keep the default: a typo in a setting must not disable a
        defence, and a zero or negative number would, so those are ignored too.
        """
        mapping = {
            "limit_file_mb": "file_mb",
            "limit_entry_mb": "entry_mb",
            "limit_ratio": "ratio",
            "limit_rows": "rows",
            "limit_cols": "cols",
        }
        kwargs: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for key, attr in mapping.items():
            raw = (settings or {}).get(key)
            if raw is None or str(raw).strip() == "":
                continue
            try:
                value = float(str(raw).strip().replace(",", ""))
            except ValueError:
                continue
            if not value > 0 or value != value or value == float("inf"):
                continue
            kwargs[attr] = int(value) if types[attr] in ("int", int) else value
        return cls(**kwargs)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Limits:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
