"""Running the real CLI on a county and checking that its ledger is sound (shared by the robustness tests)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_ledger_sound(db: Path) -> None:
    """SQLite's integrity check passes and every recorded file's archived copy has its hash."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for digest, archived in con.execute("SELECT sha256, archived_path FROM files"):
            assert sha(Path(archived)) == digest
    finally:
        con.close()


def run_cli(*args: str | Path, lang: str = "zh") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHEETSYNC_LANG": lang, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "sheetsync.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


