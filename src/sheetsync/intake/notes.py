"""Build intake findings: one place that ties a code to its severity and catalogue message."""

from __future__ import annotations

from pathlib import Path

from sheetsync.core.model import Finding, Severity
from sheetsync.i18n import t

# The default severity of each code; "error" means the file is refused.
SEVERITY: dict[str, Severity] = {
    "file-missing": "error",
    "empty-file": "error",
    "file-too-large": "error",
    "not-a-zip": "error",
    "truncated": "error",
    "bad-crc": "error",
    "bad-deflate": "error",
    "bad-zip": "error",
    "disguised-csv": "error",
    "disguised-html": "error",
    "not-a-workbook": "error",
    "xlsb-unsupported": "error",
    "xls-renamed": "warning",
    "xlsx-renamed": "info",
    "encrypted": "error",
    "wrong-password": "error",
    "macros-ignored": "info",
    "too-many-entries": "error",
    "duplicate-entry": "error",
    "entry-too-large": "error",
    "total-too-large": "error",
    "ratio-too-high": "error",
    "size-lies": "error",
    "xml-dtd": "error",
    "bad-xml": "error",
    "missing-part": "error",
    "huge-dimension": "info",
    "cells-beyond-limit": "error",
    "formula-no-value": "warning",
    "cell-error": "warning",
    "control-chars": "warning",
    "text-too-long": "warning",
    "long-number": "warning",
    "parser-crashed": "error",
    "parser-timeout": "error",
    "parser-oom": "error",
    "parser-error": "error",
    "call-crashed": "error",
    "call-timeout": "error",
    "call-oom": "error",
}


def note(code: str, path: str | Path, *, sheet: str = "", cell: str = "", **fields: object) -> Finding:
    """A Finding for ``code`` about the file at ``path``; ``fields`` fill the message."""
    name = Path(path).name
    message = t(f"intake.{code}", file=name, sheet=sheet, cell=cell, **fields)
    return Finding(code=code, severity=SEVERITY[code], message=message, sheet=sheet, cell=cell, file=str(path))


def kind_text(kind: str) -> str:
    """What a file really is, in words, for messages such as 'named .xlsx but is really …'."""
    return t(f"intake.kind.{kind}")
