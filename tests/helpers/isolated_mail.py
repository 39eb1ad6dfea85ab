"""Seams for the tests of saved mails and zips unpacked in limited children (tests/merge/test_isolated_mail.py).

``python -c "from helpers.isolated_mail import main; main()" merge …`` is the real CLI, with
(from the environment, so a subprocess merge can be steered):

- ``SHEETSYNC_TEST_LIMITS`` (JSON of :class:`~sheetsync.intake.Limits` fields): the limits of the
  merge's children instead of the master's (a lower memory cap, a short timeout);
- ``SHEETSYNC_TEST_UNPACK=1``: the children unpack with :func:`unpack_or_misbehave`, which dies
  for real on a file named so (the children import it through the inherited PYTHONPATH);
- ``SHEETSYNC_TEST_MAXRSS`` (a file): the merging process's own peak resident memory (KB, its
  children not counted) is written there when it ends.
"""

from __future__ import annotations

import json
import os
import time


def unpack_or_misbehave(path: str, workdir: str) -> dict[str, object]:
    """:func:`sheetsync.returns.inbox.unpack_container`, unless the file's name says to abort or hang."""
    from sheetsync.returns.inbox import unpack_container

    name = os.path.basename(path)
    if "崩溃" in name:
        os.abort()
    if "超时" in name:
        time.sleep(600)
    return unpack_container(path, workdir)


def main() -> None:
    import resource
    import sys

    limits = os.environ.get("SHEETSYNC_TEST_LIMITS")
    if limits:
        import sheetsync.merge
        from sheetsync.intake import Limits

        sheetsync.merge._limits = lambda master: Limits(**json.loads(limits))  # type: ignore[assignment]
    if os.environ.get("SHEETSYNC_TEST_UNPACK"):
        from sheetsync.returns import inbox

        inbox.UNPACK_CALL = "helpers.isolated_mail:unpack_or_misbehave"
    from sheetsync.cli import main as cli

    sys.argv[0] = "sheetsync"
    try:
        cli()
    finally:
        out = os.environ.get("SHEETSYNC_TEST_MAXRSS")
        if out:
            with open(out, "w", encoding="ascii") as fh:
                fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
