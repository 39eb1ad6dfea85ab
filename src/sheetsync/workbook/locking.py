"""A cross-process lock, so two merges never interleave their writes.

POSIX uses ``fcntl.flock`` and Windows ``msvcrt.locking`` on a lock file; the kernel drops
the lock when a process dies, so a killed merge never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from types import TracebackType

from sheetsync.core.errors import LockedError
from sheetsync.i18n import t


class FileLock:
    def __init__(self, path: str | Path, timeout: float = 60.0, poll: float = 0.2) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def _try(self, fd: int) -> bool:
        try:
            if os.name == "nt":  # pragma: no cover - Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while not self._try(fd):
            if time.monotonic() >= deadline:
                holder = ""
                with contextlib.suppress(OSError):
                    holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() if hasattr(os, "pread") else ""
                os.close(fd)
                raise LockedError(t("merge.locked", file=str(self.path), pid=holder or "?"), file=str(self.path))
            time.sleep(self.poll)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if os.name == "nt":  # pragma: no cover
                import msvcrt

                os.lseek(self._fd, 0, 0)
                msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
