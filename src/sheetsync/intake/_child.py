"""Entry point of the parser child process (started by :mod:`sheetsync.intake.isolate`).

Reads one JSON request on stdin, caps its own memory (RLIMIT_AS) and CPU, parses, and writes
the result as JSON to the file named in the request. Exit codes tell the parent what happened
when no result could be written: 3 = out of memory, 4 = an unexpected exception.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

EXIT_OOM = 3
EXIT_ERROR = 4

# True inside a limited child: what it calls that would start a child of its own runs here
# instead (a plan .xlsx read in a child reads its grids in that same child)
ISOLATED = False


def run_call(call: str, args: dict[str, Any]) -> dict[str, Any]:
    """The answer to a ``call`` request: ``call`` ("module:function") with ``args``; its JSON
    result, or the :class:`~sheetsync.core.errors.SheetsyncError` it raised, carried as data so
    the parent raises the same message (other exceptions are the child's failure, as for parsing)."""
    import importlib

    from sheetsync.core.errors import SheetsyncError

    mod, _, fn = call.partition(":")
    try:
        value = getattr(importlib.import_module(mod), fn)(**args)
    except SheetsyncError as exc:
        return {"type": "raised", "value": {"cls": type(exc).__name__, "message": exc.message, "file": exc.file,
                                            "hint": exc.hint}}
    return {"type": "call", "value": value}


def rlimits() -> Any:
    """The ``resource`` module where the system has rlimits (POSIX), else None (Windows: there the
    parent's wall-clock timeout and kill, and the checks before calamine, are the defences)."""
    try:
        import resource
    except ImportError:
        return None
    return resource


def _limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    resource = rlimits()
    if resource is None:
        return
    # No core files from an abort: they would be large and land in the clerk's folder.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def main() -> None:
    global ISOLATED
    ISOLATED = True
    req = json.loads(sys.stdin.read())
    out_path = req["out"]
    from sheetsync.i18n import set_lang
    from sheetsync.intake.limits import Limits

    limits = Limits.from_json(req["limits"])
    set_lang(req.get("lang"))
    # Import the parsers before the memory cap so their mapping is not counted against a file.
    import python_calamine  # noqa: F401

    from sheetsync.intake.reader import parse_file

    _limit_resources(limits.memory_bytes, int(limits.timeout_s) + 5)
    try:
        hook = req.get("hook")
        if hook:
            import importlib

            mod, _, fn = hook.partition(":")
            getattr(importlib.import_module(mod), fn)(req["path"])
        if req.get("call"):
            payload = run_call(req["call"], req.get("args") or {})
        else:
            result = parse_file(req["path"], req["kind"], limits, req.get("password"))
            payload = {"type": type(result).__name__, "value": result.to_json()}
        with open(out_path, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(payload, ensure_ascii=False))  # dumps: the C encoder (dump streams in Python)
    except MemoryError:
        os._exit(EXIT_OOM)
    except BaseException as exc:  # anything else: report what, the parent words it
        try:
            traceback.print_exc(file=sys.stderr)
            with open(out_path, "w", encoding="utf-8") as fh:
                json.dump({"type": "error", "value": f"{type(exc).__name__}: {exc}"[:300]}, fh)
        except BaseException:
            pass
        os._exit(EXIT_OOM if isinstance(exc, MemoryError) else EXIT_ERROR)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
