"""Our own files' readers (master, plan, saved mail) run in limited children too: a call that
crashes, hangs or runs out of memory costs one clear refusal, never the caller's process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheetsync.core.errors import FileUnusable
from sheetsync.intake import Limits, Rejection
from sheetsync.intake.isolate import call_isolated
from sheetsync.intake.pool import WorkerPool

H = "helpers.isolated_calls"


def test_call_returns_the_childs_json_result(tmp_path: Path) -> None:
    got = call_isolated(f"{H}:echo", {"a": [1, "二"]}, file=tmp_path / "x.docx")
    assert got["args"] == {"a": [1, "二"]}
    assert got["isolated"] is True and got["pid"] != os.getpid()


def test_sheetsync_error_in_child_is_raised_here_unchanged(tmp_path: Path) -> None:
    with pytest.raises(FileUnusable) as info:
        call_isolated(f"{H}:refuse", {"file": "方案.docx"}, file=tmp_path / "方案.docx", hint="unused")
    assert info.value.message == "方案.docx: refused in the child"
    assert info.value.hint == "do this" and info.value.file == "方案.docx"


def test_out_of_memory_is_a_refusal_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileUnusable) as info:
        call_isolated(f"{H}:allocate", {"mb": 900}, file=tmp_path / "主表.xlsx", limits=Limits(memory_mb=400),
                      hint="请另存为新的 .xlsx")
    assert "主表.xlsx" in info.value.message and "400 MB" in info.value.message
    assert info.value.hint == "请另存为新的 .xlsx"


def test_hang_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    with pytest.raises(FileUnusable) as info:
        call_isolated(f"{H}:hang", {"seconds": 60}, file=tmp_path / "plan.html", limits=Limits(timeout_s=2))
    assert "plan.html" in info.value.message and "2 秒" in info.value.message


def test_abort_is_a_crash_refusal(tmp_path: Path) -> None:
    with pytest.raises(FileUnusable) as info:
        call_isolated(f"{H}:abort", {}, file=tmp_path / "mail.eml")
    assert "mail.eml" in info.value.message and "SIGABRT" in info.value.message


def test_other_exception_is_a_crash_refusal_with_its_text(tmp_path: Path) -> None:
    with pytest.raises(FileUnusable) as info:
        call_isolated(f"{H}:fail", {}, file=tmp_path / "m.eml")
    assert "not a SheetsyncError" in info.value.message


def test_pool_call_survives_a_crash_and_keeps_serving(tmp_path: Path) -> None:
    f = tmp_path / "a.eml"
    with WorkerPool(Limits(memory_mb=400), 1, hook=f"{H}:noop") as pool:
        first = pool.call(f"{H}:echo", {"n": 1}, f)
        died = pool.call(f"{H}:abort", {}, f)
        oom = pool.call(f"{H}:allocate", {"mb": 900}, f)
        again = pool.call(f"{H}:echo", {"n": 2}, f)
    assert first["args"] == {"n": 1} and again["args"] == {"n": 2}
    assert isinstance(died, Rejection) and died.code == "call-crashed" and "a.eml" in died.message
    assert isinstance(oom, Rejection) and oom.code == "call-oom"
    assert again["pid"] != first["pid"]  # the crashed child was replaced
    with WorkerPool(Limits(), 1, hook=f"{H}:noop") as pool, pytest.raises(FileUnusable):
        pool.call(f"{H}:refuse", {"file": "x"}, f)
