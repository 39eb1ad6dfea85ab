"""Functions the isolated-call tests run in a limited child (they misbehave for real there)."""

from __future__ import annotations

import os
import time

from sheetsync.core.errors import FileUnusable


def echo(**kwargs: object) -> dict[str, object]:
    from sheetsync.intake import _child

    return {"args": kwargs, "isolated": _child.ISOLATED, "pid": os.getpid()}


def refuse(file: str) -> None:
    raise FileUnusable(f"{file}: refused in the child", file=file, hint="do this")


def allocate(mb: int) -> int:
    blob = bytearray(mb * 1024 * 1024)
    return len(blob)


def hang(seconds: float) -> None:
    time.sleep(seconds)


def abort() -> None:
    os.abort()


def fail() -> None:
    raise ValueError("not a SheetsyncError")


def noop(path: str) -> None:
    """A hook that does nothing: gives a pool's children the tests' import path."""
