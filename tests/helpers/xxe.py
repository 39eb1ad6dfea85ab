"""An external-entity target that must never be read, and a FIFO that tells whether anything opened it."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

SECRET = "TOP-SECRET-9f27c1"


class FifoWatch:
    """A named pipe standing in for a local file an entity points at.

    Opening a FIFO for writing without blocking fails (ENXIO) while nobody has it open for
    reading; the watcher polls, so any reader at all — parent or child — is seen.
    """

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.opened = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
                self._stop.wait(0.005)
                continue
            self.opened = True
            try:
                os.write(fd, SECRET.encode())
            finally:
                os.close(fd)
            return

    def __enter__(self) -> FifoWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(2)


