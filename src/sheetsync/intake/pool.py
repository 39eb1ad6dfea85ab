"""Long-lived parser children: the isolation of :mod:`sheetsync.intake.isolate`, paid for once.

A fresh ``python`` per file costs an interpreter start and the imports (~0.1–0.2 s) — for a
3,000-file roll-up that was most of the merge. A :class:`WorkerPool` keeps ``workers`` children
alive and sends them one file at a time, keeping every defence of the one-shot child:

- each child runs under the same RLIMIT_AS (and no core files) for its whole life, and a CPU
  rlimit re-armed before every file as a backstop (POSIX; Windows has no rlimits);
- the parent enforces the per-file wall-clock timeout: a child that overruns is killed (its
  whole process group) and replaced; the file is a ``parser-timeout``;
- a crash, an abort or an OOM kills only that child: the file becomes a Rejection with the
  same codes as before and the next file gets a new child;
- a child is also replaced after a MemoryError, when its resident memory has grown by more
  than ``GROWN_MB`` since its first file (Linux; so one large file cannot leave a bloated heap
  behind for the next), and after ``recycle`` files in any case;
- results still come back as JSON in a file (data, never code), bounded as before.

Protocol: the first stdin line is the boot message (limits, language); then one JSON request
line per file; the child answers one status word per line (``ok``/``error``/``oom``) on a
private copy of stdout (fd 1 itself is pointed at stderr, so a stray print cannot forge an answer).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from sheetsync.intake.data import Rejection, WorkbookData
from sheetsync.intake.inspect import Inspection
from sheetsync.intake.limits import Limits
from sheetsync.intake.notes import note

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_SELECT_PIPES = os.name == "posix"  # select() waits for pipes here; elsewhere a reader thread does
_BOOT = ("import sys, json; sys.path[:0] = json.loads(sys.argv[1]); "
         "from sheetsync.intake.pool import worker_main; worker_main()")
RECYCLE = 2000  # files per child before it is replaced (starting a child costs CPU: not too often)
GROWN_MB = 100  # resident memory a child may gain over its first file before it is replaced
_STDERR_KEEP = 16 * 1024


_Answer = tuple[Inspection | None, Any]  # (the child's inspection, WorkbookData | Rejection | a call's answer)


def _done(result: Rejection) -> Callable[[], _Answer]:
    return lambda: (None, result)


class _Worker:
    """One parser child and the parent's end of its pipes."""

    def __init__(self, pool: WorkerPool, n: int) -> None:
        from sheetsync.i18n import get_lang
        from sheetsync.intake.isolate import CHILD_POPEN, _child_sys_path

        self.pool = pool
        self.err: IO[bytes] = open(Path(pool.tmp) / f"stderr-{n}.txt", "w+b")  # noqa: SIM115 - lives with the child
        env = dict(os.environ, RUST_BACKTRACE="0")
        env.pop("PYTHONFAULTHANDLER", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT, json.dumps(_child_sys_path(pool.hook))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, cwd=pool.tmp, env=env, **CHILD_POPEN,
        )
        self.files = 0
        self.baseline: int | None = None  # resident bytes after its first file (see grown)
        self.buf = b""
        self.answers: queue.Queue[bytes | None] | None = None
        if not _SELECT_PIPES:
            self.answers = queue.Queue()
            threading.Thread(target=self._read_answers, name=f"sheetsync-answers-{n}", daemon=True).start()
        boot = {"limits": pool.limits.to_json(), "lang": get_lang(), "hook": pool.hook, "post": pool.post}
        self._send(boot)

    def _send(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(msg).encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def _read_answers(self) -> None:
        """Read the child's answer lines into ``answers`` (None at end of file): where select()
        cannot wait for a pipe (Windows), a blocking read in a thread can."""
        assert self.proc.stdout is not None and self.answers is not None
        with contextlib.suppress(OSError, ValueError):  # closed under it by close()/kill()
            for line in self.proc.stdout:
                self.answers.put(line.strip())
        self.answers.put(None)

    def _readline(self, deadline: float) -> bytes | None:
        """The child's next answer; None at end of file; raises TimeoutError past ``deadline``."""
        if self.answers is not None:
            left = deadline - time.monotonic()
            try:
                return self.answers.get(timeout=left) if left > 0 else self.answers.get_nowait()
            except queue.Empty:
                raise TimeoutError from None
        # POSIX: select() on the pipe, no thread hand-over per answer (~0.1 s of a 300-file merge)
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.strip()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def grown(self) -> bool:
        """Whether the child's resident memory grew by more than GROWN_MB since its first file.

        Why not only a file count: 2,000 ordinary returns add ~8 MB to a child, one huge file
        can add hundreds; replacing every child after a few hundred files slowed large merges.
        Reads /proc (Linux); elsewhere the count alone decides.
        """
        try:
            with open(f"/proc/{self.proc.pid}/statm", "rb") as fh:
                rss = int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return False
        if self.baseline is None:
            self.baseline = rss
        return rss > self.baseline + GROWN_MB * 1024 * 1024

    def parse(self, path: str, kind: str | None, password: str | None) -> Callable[[], _Answer]:
        """Have the child parse the file at ``path`` (of ``kind``; None: the child inspects it
        first); returns how to load the answer: (the child's inspection or None, result).

        The answer is loaded by calling the result *after* the worker is handed back to the
        pool, so the child starts its next file while this one's result is being read.
        """
        from sheetsync.intake.isolate import _load_answer, _repoint

        def load(out: Path) -> _Answer:
            ins, result = _load_answer(out, path, self.pool.limits)
            return (None if ins is None else _repoint(ins, path)), _repoint(result, path)

        return self._request({"path": str(Path(path).resolve()), "kind": kind, "password": password}, path, load,
                             "parser")

    def call(self, call: str, args: dict[str, Any], path: str) -> Callable[[], _Answer]:
        """Have the child run ``call(**args)`` about the file at ``path`` (see
        :func:`~sheetsync.intake.isolate.call_isolated`); loads as (None, Called | raised data | Rejection)."""
        from sheetsync.intake.isolate import _load_call

        return self._request({"path": str(Path(path).resolve()), "call": call, "args": args}, path,
                             lambda out: (None, _load_call(out, path, self.pool.limits)), "call")

    def _request(self, msg: dict[str, Any], path: str, load: Callable[[Path], _Answer],
                 codes: str) -> Callable[[], _Answer]:
        from sheetsync.intake.isolate import _error_detail, _num, child_died

        limits = self.pool.limits
        out = Path(self.pool.tmp) / f"result-{os.getpid()}-{threading.get_ident()}-{self.files}.json"
        err_start = os.fstat(self.err.fileno()).st_size
        self.files += 1
        try:
            self._send(dict(msg, out=str(out)))
            answer = self._readline(time.monotonic() + limits.timeout_s)
        except TimeoutError:
            self.kill()
            out.unlink(missing_ok=True)
            return _done(Rejection(path, [note(f"{codes}-timeout", path, seconds=_num(limits.timeout_s))]))
        except (BrokenPipeError, ConnectionResetError, OSError):
            answer = None
        if answer == b"ok" and out.exists():
            def loaded() -> _Answer:
                try:
                    return load(out)
                finally:
                    out.unlink(missing_ok=True)
            return loaded
        try:
            if answer == b"error":
                detail = _error_detail(out) or "?"
                return _done(Rejection(path, [note("parser-error", path, detail=detail) if codes == "parser"
                                              else note("call-crashed", path, detail=detail)]))
            if answer == b"oom":
                self.kill()
                return _done(Rejection(path, [note(f"{codes}-oom", path, limit_mb=_num(limits.memory_mb))]))
            # no answer: the child died on this file
            return _done(child_died(path, self._reap(), self._stderr_since(err_start), limits, codes))
        finally:
            out.unlink(missing_ok=True)

    def _reap(self) -> int | None:
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return self.proc.returncode

    def _stderr_since(self, start: int) -> bytes:
        size = os.fstat(self.err.fileno()).st_size
        with open(self.err.name, "rb") as fh:
            fh.seek(max(start, size - _STDERR_KEEP))
            return fh.read()

    def kill(self) -> None:
        from sheetsync.intake.isolate import _kill

        _kill(self.proc)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()  # end of requests: the child exits on its own
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        for fh in (self.proc.stdout, self.proc.stdin):
            if fh is not None:
                with contextlib.suppress(OSError):
                    fh.close()
        self.err.close()


class WorkerPool:
    """``workers`` long-lived parser children, handed out one caller thread at a time."""

    def __init__(self, limits: Limits, workers: int = 2, *, hook: str | None = None,
                 recycle: int = RECYCLE, post: dict[str, Any] | None = None) -> None:
        self.limits, self.hook, self.recycle, self.post = limits, hook, recycle, post
        self.tmp = tempfile.mkdtemp(prefix="sheetsync-pool-")
        self.size = max(1, workers)
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(self.size):
            self._idle.put(None)  # started on first use
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._n = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> WorkerPool:
        """Start the children now rather than on first use, so their start (interpreter,
        imports, the post step's set-up) overlaps whatever the caller does before parsing."""
        idle = []
        while not self._idle.empty():
            w = self._idle.get()
            if w is None:
                try:
                    w = self._new()
                except OSError:
                    w = None  # parse() tries again and words the failure
            idle.append(w)
        for w in idle:
            self._idle.put(w)
        return self

    def _new(self) -> _Worker:
        with self._lock:
            self._n += 1
            n = self._n
        w = _Worker(self, n)
        with self._lock:
            self._all.append(w)
        return w

    def parse(self, ins: Inspection, password: str | None) -> WorkbookData | Rejection:
        """Parse a file this process inspected (:func:`~sheetsync.intake.isolate.parse_inspected`)."""
        return self._run(ins.path, ins.kind, password)[1]

    def read(self, path: str, password: str | None) -> tuple[Inspection, WorkbookData | Rejection]:
        """Inspect *and* parse ``path`` in a child, which then applies the inspection's verdict.

        Why in the child: for many small files the inspection (zip and CRC checks)
        was most of this process's work, done under one GIL while the children waited for their
        next file; in the children it runs where a core is free. When the child gives no
        inspection (it died, hung or ran out of memory on the file) the one returned holds the
        refusal's findings.
        """
        ins, result = self._run(path, None, password)
        if ins is None:
            findings = result.findings if isinstance(result, Rejection) else []
            ins = Inspection(path, "unknown", Path(path).suffix.lower(), findings=list(findings))
        return ins, result

    def call(self, call: str, args: dict[str, Any], path: str | Path) -> Any:
        """``call(**args)`` about the file at ``path`` in one of the children (the one-shot
        :func:`~sheetsync.intake.isolate.call_isolated`, paid for once): its JSON result, or
        the :class:`~sheetsync.intake.data.Rejection` the child's death on that file means. A
        :class:`~sheetsync.core.errors.SheetsyncError` the call raised is raised here."""
        from sheetsync.intake.isolate import Called, raise_from_child

        result = self._run(str(path), None, None, lambda w: w.call(call, args, str(path)))[1]
        if isinstance(result, Called):
            return result.value
        if isinstance(result, Rejection):
            return result
        raise_from_child(result["value"])

    def _run(self, path: str, kind: str | None, password: str | None,
             request: Callable[[_Worker], Callable[[], _Answer]] | None = None) -> _Answer:
        w = self._idle.get()
        try:
            if w is None or not w.alive or w.files >= self.recycle or (w.files and w.grown()):
                if w is not None:
                    w.close()
                try:
                    w = self._new()
                except OSError as exc:
                    w = None
                    return None, Rejection(path, [note("parser-error", path, detail=str(exc))])
            load = request(w) if request is not None else w.parse(path, kind, password)
        finally:
            self._idle.put(w if w is not None and w.alive else None)
        return load()

    def close(self) -> None:
        import shutil

        for w in self._all:
            w.close()
        self._all.clear()
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---------------------------------------------------------------- inside the child
def worker_main() -> None:
    """Serve parse requests until stdin closes (runs in the child; see the module docstring)."""
    import traceback

    from sheetsync.intake import _child
    from sheetsync.intake._child import EXIT_ERROR, EXIT_OOM, rlimits

    _child.ISOLATED = True
    resource = rlimits()  # None on Windows: no memory or CPU cap there, the parent's timeout stays

    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="ascii")
    os.dup2(2, 1)  # prints from any library go to stderr, never into the answers
    boot = json.loads(sys.stdin.readline())
    from sheetsync.i18n import set_lang

    limits = Limits.from_json(boot["limits"])
    set_lang(boot.get("lang"))
    hook = boot.get("hook")
    # Import the parsers before the memory cap so their mapping is not counted against a file.
    import python_calamine  # noqa: F401

    import sheetsync.intake.inspect
    import sheetsync.intake.isolate
    import sheetsync.intake.reader  # noqa: F401 - all three imported before the memory cap

    # optional second step run on the parsed data in this same child (e.g. reading a return
    # against the master), so only its compact result crosses back to the parent
    post = boot.get("post")
    post_fn = None
    if post:
        import importlib

        mod, _, fn = post["fn"].partition(":")
        post_fn = getattr(importlib.import_module(mod), fn)

    cpu_hard = 0
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if limits.memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        _soft, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        out_path = req["out"]
        try:
            if resource is not None:  # CPU backstop for this file: what was used so far plus its allowance
                use = resource.getrusage(resource.RUSAGE_SELF)
                soft = int(use.ru_utime + use.ru_stime) + int(limits.timeout_s) + 5
                if cpu_hard == resource.RLIM_INFINITY or soft <= cpu_hard:
                    resource.setrlimit(resource.RLIMIT_CPU, (soft, cpu_hard))
            payload = _answer(req, limits, hook, post_fn, post["args"] if post else {})
            with open(out_path, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(payload, ensure_ascii=False))  # dumps: the C encoder (dump streams in Python)
            del payload
            answers.write("ok\n")
        except MemoryError:
            try:
                answers.write("oom\n")
            finally:
                os._exit(EXIT_OOM)
        except BaseException as exc:  # anything else: report what, the parent words it; keep serving
            try:
                traceback.print_exc(file=sys.stderr)
                with open(out_path, "w", encoding="utf-8") as fh:
                    json.dump({"type": "error", "value": f"{type(exc).__name__}: {exc}"[:300]}, fh)
                answers.write("error\n")
            except BaseException:
                os._exit(EXIT_ERROR)
    os._exit(0)


def _answer(req: dict[str, Any], limits: Limits, hook: str | None, post_fn: Callable[..., Any] | None,
            post_args: dict[str, Any]) -> dict[str, Any]:
    """One request, in the child: inspect the file if asked (``kind`` None), parse, run the post step."""
    from sheetsync.intake._child import run_call
    from sheetsync.intake.inspect import inspect_file
    from sheetsync.intake.isolate import with_inspection
    from sheetsync.intake.reader import parse_file

    if req.get("call"):
        return run_call(req["call"], req.get("args") or {})

    def parse(kind: str) -> Any:
        if hook:
            import importlib

            mod, _, fn = hook.partition(":")
            getattr(importlib.import_module(mod), fn)(req["path"])
        result = parse_file(req["path"], kind, limits, req.get("password"))
        if post_fn is not None and isinstance(result, WorkbookData):
            result = post_fn(result, **post_args)
        return result

    if req.get("kind") is not None:
        result = parse(req["kind"])
        return {"type": type(result).__name__, "value": result.to_json()}
    ins = inspect_file(req["path"], limits)
    result = with_inspection(ins, req.get("password"), lambda: parse(ins.kind))
    return {"type": type(result).__name__, "value": result.to_json(), "inspection": ins.to_json()}
