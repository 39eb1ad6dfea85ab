"""Errors a user can act on. The message is already in the user's language and names the
file (and sheet/cell when known) and what to do; front-ends print it, never a traceback."""

from __future__ import annotations


class SheetsyncError(Exception):
    """A problem with the user's input or environment, explained in their language."""

    exit_code = 2

    def __init__(self, message: str, *, file: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class FileUnusable(SheetsyncError):
    """The file cannot be read at all (not a workbook, corrupt, hostile, locked)."""


class LockedError(SheetsyncError):
    """Another process holds a file or the merge lock."""
