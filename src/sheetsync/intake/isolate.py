"""Parse untrusted workbooks in child processes the caller survives.

python-calamine aborts the whole process on some files (a failed allocation in Rust is not an
exception) and openpyxl can be made to use gigabytes; neither can be caught in-process. So each
file is parsed in a fresh ``python`` child with an address-space limit and a wall-clock
timeout: a crash, an abort, an OOM or a hang becomes a :class:`Rejection` for that one file.
The same isolation gives the parallelism of :func:`intake_many`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.i18n import get_lang, t
from sheetsync.intake._child import EXIT_ERROR, EXIT_OOM
from sheetsync.intake.data import Rejection, WorkbookData
from sheetsync.intake.inspect import Inspection, inspect_file
from sheetsync.intake.limits import Limits
from sheetsync.intake.notes import note

if TYPE_CHECKING:
    from sheetsync.intake.pool import WorkerPool

_BOOT = "import sys, json; sys.path[:0] = json.loads(sys.argv[1]); from sheetsync.intake._child import main; main()"
_STDERR_KEEP = 16 * 1024


def read_workbook(path: str | Path, limits: Limits | None = None, password: str | None = None, *,
                  hook: str | None = None) -> WorkbookData | Rejection:
    """Inspect and parse the workbook at ``path`` in a child process; never raises for its content.

    ``password`` opens encrypted workbooks (the 设置 ``return_password`` or ``--password``).
    ``hook`` ("module:function") is a test seam: the child calls it with the path before parsing,
    so tests can make the child crash, hang or exhaust memory for real.
    """
    limits = limits or Limits()
    ins = inspect_file(path, limits)
    return parse_inspected(ins, limits, password, hook=hook)


def parse_inspected(ins: Inspection, limits: Limits, password: str | None = None, *,
                    hook: str | None = None, pool: WorkerPool | None = None) -> WorkbookData | Rejection:
    """Parse a file whose :class:`Inspection` is already known (refusing it if it says so).

    ``pool`` (a :class:`~sheetsync.intake.pool.WorkerPool` built with the same limits and hook)
    parses in one of its long-lived children instead of a fresh one.
    """
    return with_inspection(ins, password, lambda: pool.parse(ins, password) if pool is not None
                           else _run_child(ins, limits, password, hook))


def with_inspection(ins: Inspection, password: str | None, parse: Callable[[], Any]) -> Any:
    """``parse()`` of a file its inspection allows, with what inspection noted put first; the
    inspection's refusal otherwise. The same rule wherever the inspection ran (here or in a child)."""
    if not ins.readable:
        return Rejection(ins.path, list(ins.findings))
    if ins.kind == "encrypted" and not password:
        return Rejection(ins.path, list(ins.findings))
    result = parse()
    # what inspection noted comes first; "encrypted" is no longer news once decrypted
    carried = [f for f in ins.findings if not (f.code == "encrypted" and password)]
    if isinstance(result, WorkbookData):
        result.notes[:0] = carried
    elif not isinstance(result, Rejection):  # a post step's result (ParsedReturn) carries them too
        result.findings[:0] = carried
    else:
        result.findings[:0] = [f for f in carried if f.code not in {r.code for r in result.findings}]
    return result


def intake_many(paths: Iterable[str | Path], limits: Limits | None = None, workers: int = 2,
                password: str | None = None, *, hook: str | None = None, post: dict[str, Any] | None = None,
                pool: WorkerPool | None = None) -> Iterator[tuple[str, Inspection, WorkbookData | Rejection]]:
    """Inspect and parse many files, ``workers`` child processes at a time, in input order.

    The children are long-lived (:class:`~sheetsync.intake.pool.WorkerPool`): isolation per
    file stays, the interpreter start is paid once per child instead of once per file. At most
    a few results wait for the caller, so memory does not grow with the number of files.

    ``post`` = ``{"fn": "module:function", "args": {...}}`` runs ``function(data, **args)`` on
    each parsed workbook inside the child and returns its result instead (it must have
    ``to_json``/``from_json``, ``file`` and ``findings``): the isolation becomes the parallelism.

    ``pool``: children the caller started already (:meth:`WorkerPool.start`, with the same
    limits, hook and post step); the caller closes it. Otherwise a pool lives for this call.
    """
    from collections import deque
    from contextlib import nullcontext

    from sheetsync.intake.pool import WorkerPool

    limits = limits or Limits()
    items = (str(p) for p in paths)  # taken as needed: the caller may still be producing them
    if pool is not None and pool.hook != hook:  # a hook (the tests' seam) needs children of its own
        post, workers, pool = post or pool.post, pool.size, None
    n = pool.size if pool is not None else max(1, workers)
    owned = pool is None

    with (WorkerPool(limits, n, hook=hook, post=post) if owned else nullcontext(pool)) as children, \
            ThreadPoolExecutor(max_workers=2 * n) as threads:
        def one(p: str) -> tuple[str, Inspection, WorkbookData | Rejection]:
            return (p, *children.read(p, password))  # inspected in the child too: see WorkerPool.read

        pending: deque[Future[tuple[str, Inspection, WorkbookData | Rejection]]] = deque()
        it = iter(items)
        for p in it:
            pending.append(threads.submit(one, p))
            if len(pending) >= 3 * n:
                break
        while pending:
            yield pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(threads.submit(one, nxt))


def _child_sys_path(hook: str | None) -> list[str]:
    import sheetsync

    paths = [str(Path(sheetsync.__file__).resolve().parent.parent)]
    if hook:  # a test hook lives beside the tests: give the child the caller's path
        paths += [p for p in sys.path if p and p not in paths]
    return paths


def _run_child(ins: Inspection, limits: Limits, password: str | None, hook: str | None) -> WorkbookData | Rejection:
    path = ins.path
    req = {"path": str(Path(path).resolve()), "kind": ins.kind, "password": password, "hook": hook}
    return _spawn(req, path, limits, hook, _load_result, "parser")


def _spawn(req: dict[str, Any], path: str, limits: Limits, hook: str | None,
           load: Callable[[Path, str, Limits], Any], codes: str) -> Any:
    """Run one request in a fresh limited child: ``load(out, path, limits)`` of its answer, or the
    Rejection its death means (``codes``: "parser" for a return's words, "call" for ours)."""
    with tempfile.TemporaryDirectory(prefix="sheetsync-intake-") as tmp:
        out = Path(tmp) / "result.json"
        err = Path(tmp) / "stderr.txt"
        req = dict(req, limits=limits.to_json(), lang=get_lang(), out=str(out))
        env = dict(os.environ, RUST_BACKTRACE="0", PYTHONFAULTHANDLER="")
        env.pop("PYTHONFAULTHANDLER")
        with err.open("wb") as errfh:
            try:
                proc = subprocess.Popen(
                    [sys.executable, "-c", _BOOT, json.dumps(_child_sys_path(hook))],
                    stdin=subprocess.PIPE, stdout=errfh, stderr=errfh, cwd=tmp, env=env, **CHILD_POPEN,
                )
            except OSError as exc:
                return Rejection(path, [note(f"{codes}-{'error' if codes == 'parser' else 'crashed'}", path,
                                             detail=str(exc))])
            try:
                proc.communicate(json.dumps(req).encode("utf-8"), timeout=limits.timeout_s)
            except subprocess.TimeoutExpired:
                _kill(proc)
                return Rejection(path, [note(f"{codes}-timeout", path, seconds=_num(limits.timeout_s))])
            finally:
                if proc.poll() is None:
                    _kill(proc)
        rc = proc.returncode
        stderr = _tail(err)
        if rc == 0 and out.exists():
            return load(out, path, limits)
        if rc == EXIT_ERROR and not (b"memory allocation of" in stderr or b"MemoryError" in stderr):
            detail = _error_detail(out) or "".join(stderr.decode("utf-8", "replace").strip().splitlines()[-1:]) or "?"
            return Rejection(path, [note("parser-error", path, detail=detail) if codes == "parser"
                                    else note("call-crashed", path, detail=detail)])
        return child_died(path, rc, stderr, limits, codes)


# ---------------------------------------------------------------- our own files, read in a child
class Called:
    """What a ``call`` request returned in the child (JSON data)."""

    def __init__(self, value: Any) -> None:
        self.value = value


def raise_from_child(data: dict[str, Any]) -> None:
    """Raise, here, the :class:`SheetsyncError` the child's call raised (same class where it is
    one of the shared ones, same message, file and hint)."""
    from sheetsync.core import errors

    cls = getattr(errors, str(data.get("cls")), None)
    if not (isinstance(cls, type) and issubclass(cls, errors.SheetsyncError)):
        cls = errors.FileUnusable
    raise cls(str(data.get("message", "")), file=str(data.get("file", "")), hint=str(data.get("hint", "")))


def call_isolated(call: str, args: dict[str, Any], *, file: str | Path, limits: Limits | None = None,
                  hint: str = "", hook: str | None = None) -> Any:
    """``call`` ("module:function") with JSON ``args``, run in a fresh limited child; its JSON result.

    Why: every file a user hands us — a master, a plan, a saved mail — is as untrusted as a
    return; a parser that aborts or takes gigabytes must cost one refusal, not the clerk's
    process. A :class:`SheetsyncError` the call raises is raised here unchanged; the child's
    death (crash, memory cap, timeout) raises :class:`FileUnusable` naming ``file``, with ``hint``
    (what to do with that kind of file). Inside a limited child already, ``call`` runs in place.
    """
    from sheetsync.core.errors import FileUnusable
    from sheetsync.intake import _child

    limits = limits or Limits()
    if _child.ISOLATED:
        answer = _child.run_call(call, args)
        result: Any = Called(answer["value"]) if answer["type"] == "call" else answer
    else:
        req = {"path": str(Path(file).resolve()), "call": call, "args": args, "hook": hook}
        # a function outside sheetsync (a test's) needs the caller's import path, as a hook does
        result = _spawn(req, str(file), limits, hook or (None if call.startswith("sheetsync.") else call),
                        _load_call, "call")
    if isinstance(result, Called):
        return result.value
    if isinstance(result, Rejection):
        raise FileUnusable(result.message, file=str(file), hint=hint)
    raise_from_child(result["value"])  # a SheetsyncError the call raised
    raise AssertionError("unreachable")


def _load_call(out: Path, path: str, limits: Limits) -> Any:
    """A call's answer: :class:`Called`, the raised error's data (``{"type": "raised", ...}``) or a Rejection."""
    if out.stat().st_size > limits.memory_bytes:
        return Rejection(path, [note("call-oom", path, limit_mb=_num(limits.memory_mb))])
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
        if data["type"] == "call":
            return Called(data["value"])
        if data["type"] == "raised":
            return data
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return Rejection(path, [note("call-crashed", path, detail=t("intake.detail.unreadable-result"))])


def child_died(path: str, rc: int | None, stderr: bytes, limits: Limits, codes: str = "parser") -> Rejection:
    """What a child's death means for its file: out of memory, or a crash (signal or code)."""

    if rc == EXIT_OOM or b"memory allocation of" in stderr or b"MemoryError" in stderr:
        return Rejection(path, [note(f"{codes}-oom", path, limit_mb=_num(limits.memory_mb))])
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = str(-rc)
        detail = t("intake.detail.signal", signal=name)
    else:
        detail = t("intake.detail.exit-code", code=rc)
    return Rejection(path, [note(f"{codes}-crashed", path, detail=detail)])


def _repoint(result: Any, path: str) -> Any:
    """The child saw an absolute path; report the path the caller gave."""
    if isinstance(result, Inspection):
        result.path = path
    else:
        result.file = path
    for f in result.notes if isinstance(result, WorkbookData) else result.findings:  # Rejection, ParsedReturn
        f.file = path
    return result


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill a parser child and what it started (its process group on POSIX; Windows has no
    groups to kill, and the child starts nothing)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (AttributeError, ProcessLookupError, PermissionError):  # AttributeError: Windows
            proc.kill()
    proc.wait()


# Popen options for a parser child: its own session (POSIX, so it can be killed with what it
# starts); no console window flashing up per child when Excel's Python starts them (Windows)
CHILD_POPEN: dict[str, Any] = {"start_new_session": True,
                               "creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}


def _tail(p: Path) -> bytes:
    size = p.stat().st_size
    with p.open("rb") as fh:
        fh.seek(max(0, size - _STDERR_KEEP))
        return fh.read()


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _error_detail(out: Path) -> str:
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
        return str(data.get("value", "")) if data.get("type") == "error" else ""
    except (OSError, ValueError):
        return ""


def _load_result(out: Path, path: str, limits: Limits) -> WorkbookData | Rejection:
    return _repoint(_load_answer(out, path, limits)[1], path)  # the child saw an absolute path


def _load_answer(out: Path, path: str, limits: Limits) -> tuple[Inspection | None, WorkbookData | Rejection]:
    """(the child's inspection, if it inspected the file; its result)."""
    # the child's answer is data, never code: JSON, bounded by what the child could allocate
    if out.stat().st_size > limits.memory_bytes:
        return None, Rejection(path, [note("parser-oom", path, limit_mb=_num(limits.memory_mb))])
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
        ins = Inspection.from_json(data["inspection"]) if data.get("inspection") else None
        if data["type"] == "WorkbookData":
            return ins, WorkbookData.from_json(data["value"])
        if data["type"] == "Rejection":
            return ins, Rejection.from_json(data["value"])
        if data["type"] == "ParsedReturn":  # the merge's post step ran in the child
            from sheetsync.returns.read import ParsedReturn

            return ins, ParsedReturn.from_json(data["value"])  # type: ignore[return-value]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None, Rejection(path, [note("parser-crashed", path, detail=t("intake.detail.unreadable-result"))])
