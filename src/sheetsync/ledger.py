"""The ledger: a SQLite file recording every received file, its outcome, its rows and every
decision, so nothing is lost and every roll-up can be explained.

Each received file is copied into an archive folder under its SHA-256 before it is parsed.
The same bytes twice are a no-op; a newer return from the same unit for the same period
supersedes the older one (both kept; the roll-up names the file it used). Periods are separate.

Periods are stored by their canonical key (:func:`sheetsync.core.period.period_key`: 2026-Q4 for
2026年第四季度, 2026年第4季度 and 2026Q4 alike) with the text as typed beside it for display;
every method taking a ``period`` accepts any spelling. Each roll-up built from the ledger is
recorded with the as-of date it judged at, so ``status`` agrees with the last roll-up.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding, Master
from sheetsync.core.period import period_key
from sheetsync.core.textnorm import norm_key
from sheetsync.i18n import t

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    original_name TEXT NOT NULL,
    archived_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS returns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    period TEXT NOT NULL,               -- canonical key (core.period.period_key)
    unit TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    identified_by TEXT NOT NULL DEFAULT '',
    reporter TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    report_date TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '[]',
    period_text TEXT NOT NULL DEFAULT '', -- the period as typed, for display
    UNIQUE (sha256, period)
);
CREATE INDEX IF NOT EXISTS returns_unit_period ON returns (period, unit);
CREATE TABLE IF NOT EXISTS rows (
    return_id INTEGER NOT NULL REFERENCES returns(id),
    task_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT,
    progress REAL,
    value REAL,
    progress_text TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    sheet_row INTEGER,
    unread TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, task_id)
);
CREATE TABLE IF NOT EXISTS missing_rows (
    return_id INTEGER NOT NULL REFERENCES returns(id),
    task_id TEXT NOT NULL,
    PRIMARY KEY (return_id, task_id)
);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    period TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS rollups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,               -- canonical key
    period_text TEXT NOT NULL DEFAULT '',
    as_of TEXT NOT NULL,                -- ISO date the roll-up judged overdue and lagging at
    output TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rollups_period ON rollups (period, id);
CREATE TABLE IF NOT EXISTS coverage (     -- a return exported from a roll-up below (sheetsync.levels)
    return_id INTEGER NOT NULL REFERENCES returns(id),
    task_id TEXT NOT NULL,
    data TEXT NOT NULL,                 -- the coverage row as JSON (levels.link.Coverage.to_json)
    PRIMARY KEY (return_id, task_id)
);
"""

# Whose ledger this is (one row): the master's region and plan name, and every task fingerprint
# it has had (its lineage). Why both: a clerk editing tasks changes the fingerprint but not the
# names; fixing a typo in the plan name changes the names but not the tasks. Two plans' masters
# kept in one folder share the default ledger file, and must not share its records.
IDENTITY_SCHEMA = """
CREATE TABLE IF NOT EXISTS master_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    region TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    fingerprints TEXT NOT NULL DEFAULT '[]',  -- JSON list, oldest first
    master TEXT NOT NULL DEFAULT '',          -- the master's path when last bound, for messages
    bound_at TEXT NOT NULL
);
-- files sheetsync wrote itself (roll-ups): never read back as returns
CREATE TABLE IF NOT EXISTS outputs (
    sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
"""


# the columns of a row as :meth:`Ledger.rows` gives them after return_id: the fields of
# sheetsync.returns.read.ReturnRow in order (its ``row`` is ``sheet_row`` here)
ROW_COLUMNS = ("task_id", "unit", "role", "status", "progress", "value", "progress_text", "problems", "next_steps",
               "evidence", "sheet_row", "unread")


@dataclass
class ReturnRecord:
    id: int
    sha256: str
    period: str
    unit: str
    source: str
    sender: str
    received_at: str
    ingested_at: str
    outcome: str
    identified_by: str
    archived_path: str
    original_name: str
    reporter: str
    phone: str
    report_date: str
    findings: list[dict[str, Any]]
    period_text: str = ""
    claimed_at: str = ""  # a time the file claimed and was not believed ("": received_at is its own)


@dataclass(frozen=True)
class RollupRecord:
    """A roll-up the ledger produced: which period, judged at which date, written where, when."""

    period: str
    period_text: str
    as_of: date
    output: str
    at: str


@dataclass(frozen=True)
class MasterIdentity:
    """The master a ledger belongs to (see IDENTITY_SCHEMA)."""

    region: str
    plan: str
    fingerprints: tuple[str, ...]
    master: str

    @property
    def label(self) -> str:
        return f"{self.region}{self.plan}".strip()

    def same_plan(self, master: Master) -> bool:
        """Whether ``master`` is this plan: a task version seen before, or the same named plan."""
        if master.fingerprint() in self.fingerprints:
            return True
        names = (norm_key(master.region), norm_key(master.plan_name))
        return bool(names[1]) and names == (norm_key(self.region), norm_key(self.plan))


class LedgerOfAnotherMaster(SheetsyncError):
    """The ledger file holds the records of another plan's master."""


class LedgerFault(SheetsyncError):
    """The ledger file cannot be used (damaged, not a ledger, read-only, locked, disk full)."""


@dataclass(frozen=True)
class Admission:
    """What the ledger says of an incoming file for a period: ``known`` is its earlier record
    (a duplicate, nothing to do) or None (new: parse it, then :meth:`Ledger.record_return`)."""

    archived: Path
    known: ReturnRecord | None

    @property
    def is_new(self) -> bool:
        return self.known is None


FILE_NAME = "sheetsync.db"


def default_path(master_path: str | Path) -> Path:
    """The ledger of a master: ``sheetsync.db`` beside it (merge, status, mail and split all use this)."""
    return folder_path(Path(master_path).resolve().parent)


def folder_path(folder: str | Path) -> Path:
    """The ledger kept in ``folder`` (the master's folder; the mail log shares the file)."""
    return Path(folder) / FILE_NAME


OPEN_WAIT = 3.0  # seconds to wait for a lock while opening the ledger
BUSY_WAIT = 30.0  # then, for another sheetsync process's short write (mail log, status)
SQLITE_HEADER = b"SQLite format 3\x00"


def _check_header(path: Path) -> None:
    """A file that is not SQLite at all (a workbook named as the ledger, a damaged copy) is
    refused before SQLite opens it, naming the file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except IsADirectoryError as exc:
        raise LedgerFault(t("merge.ledger_damaged", file=str(path), detail="folder"), file=str(path),
                          hint=t("merge.ledger_damaged_hint", archive=str(archive_path(path)))) from exc
    except OSError as exc:
        raise ledger_fault(exc, path) from exc
    if head and head != SQLITE_HEADER:
        raise LedgerFault(t("merge.ledger_damaged", file=str(path), detail=repr(head[:8])), file=str(path),
                          hint=t("merge.ledger_damaged_hint", archive=str(archive_path(path))))


def ledger_fault(exc: BaseException, path: str | Path) -> SheetsyncError:
    """The message for a ledger that cannot be used: locked by another program, read-only,
    damaged, disk full. Why one home: merge, status and every stage opening the ledger say the
    same, naming the file and what to do."""
    import errno

    text = str(exc).lower()
    file = str(getattr(exc, "filename", None) or path)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)) or "full" in text:
        return LedgerFault(t("merge.disk_full", file=file), file=file)
    if "locked" in text or "busy" in text:
        return LedgerFault(t("merge.ledger_locked", file=file), file=file, hint=t("merge.ledger_locked_hint"))
    if isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text or "unable to open" in text:
        return LedgerFault(t("merge.ledger_readonly", file=file), file=file, hint=t("merge.ledger_readonly_hint"))
    return LedgerFault(t("merge.ledger_damaged", file=file, detail=str(exc)[:200]), file=file,
                       hint=t("merge.ledger_damaged_hint", archive=str(archive_path(path))))


def archive_path(ledger_path: str | Path) -> Path:
    """The archive folder of a ledger file (beside it)."""
    return Path(ledger_path).parent / "sheetsync-archive"


def ledger_files(ledger_path: str | Path) -> set[Path]:
    """The ledger file and the files SQLite and the merge lock keep beside it (resolved)."""
    p = Path(ledger_path).resolve()
    return {p.with_name(p.name + s) for s in ("", "-wal", "-shm", "-journal", ".lock")}


class Ledger:
    """A connection to the ledger file; use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, archive: str | Path | None = None, *, keep_rows: bool = False) -> None:
        """``keep_rows``: also keep in memory the rows this connection records, exactly as
        :meth:`rows` would read them back. Why: a merge builds its roll-up right after
        recording ~120,000 rows, and reading them back costs SQLite turning every value into a
        new object again, a noticeable share of a city merge. The rows of a return never change after it
        is recorded, so the copy cannot go stale."""
        self.path = Path(path)
        self._kept: dict[int, list[tuple[Any, ...]]] | None = {} if keep_rows else None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:  # a file where a folder should be
            raise LedgerFault(t("merge.ledger_folder_is_file", file=str(self.path)), file=str(self.path),
                              hint=t("merge.ledger_readonly_hint")) from exc
        self.archive = Path(archive) if archive else archive_path(self.path)
        _check_header(self.path)
        # a short wait on open: a ledger another program holds (a database viewer) is said at
        # once, not after a minute; then the usual wait for the other sheetsync processes
        self.db = sqlite3.connect(self.path, timeout=OPEN_WAIT, isolation_level=None)
        try:
            self._setup()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise ledger_fault(exc, self.path) from exc
        self.db.execute(f"PRAGMA busy_timeout={int(BUSY_WAIT * 1000)}")

    def ensure_writable(self) -> None:
        """Take and drop the write lock with the short wait: a ledger another program holds (or
        a read-only one) is refused before the merge archives or parses anything."""
        self.db.execute(f"PRAGMA busy_timeout={int(OPEN_WAIT * 1000)}")
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            raise ledger_fault(exc, self.path) from exc
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(BUSY_WAIT * 1000)}")

    def _setup(self) -> None:
        """Journal mode, schema and the migrations of older ledgers."""
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a crash or power cut cannot corrupt the ledger, it can only lose the last
        # few commits — which the next merge of the same files redoes (archive and records are
        # idempotent). FULL paid an fsync per received file, a large share of a county merge.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        if "unread" not in {r[1] for r in self.db.execute("PRAGMA table_info(rows)")}:
            # ledgers made before the column: cells with formulas but no saved result
            self.db.execute("ALTER TABLE rows ADD COLUMN unread TEXT NOT NULL DEFAULT ''")
        if "period_text" not in {r[1] for r in self.db.execute("PRAGMA table_info(returns)")}:
            self._migrate_period_keys()
        self.db.executescript(IDENTITY_SCHEMA)
        self._ensure_claimed_at()

    def _migrate_period_keys(self) -> None:
        """Ledgers made before periods had keys stored the text as typed: keep it as
        ``period_text`` and store the canonical key, so 2026年第四季度 and 2026年第4季度 rows
        become one period. Each changed spelling is recorded as a decision."""
        with self.transaction() as db:
            db.execute("ALTER TABLE returns ADD COLUMN period_text TEXT NOT NULL DEFAULT ''")
            db.execute("UPDATE returns SET period_text = period")
            for (text,) in db.execute("SELECT DISTINCT period FROM returns").fetchall():
                key = period_key(text)
                if key == text:
                    continue
                # the same file recorded under two spellings: the first record stays, the
                # other keeps its old text (still readable by that exact text) and is noted
                db.execute("UPDATE OR IGNORE returns SET period=? WHERE period=?", (key, text))
                left = db.execute("SELECT COUNT(*) FROM returns WHERE period=?", (text,)).fetchone()[0]
                db.execute("UPDATE decisions SET period=? WHERE period=?", (key, text))
                db.execute("INSERT INTO decisions (at, period, kind, detail) VALUES (?,?,?,?)",
                           (_now(), key, "period-key-migrated",
                            f"{text} → {key}" + (f" ({left} duplicate records kept as {text})" if left else "")))

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------ whose ledger
    def master_identity(self) -> MasterIdentity | None:
        """The master this ledger belongs to, or None before its first merge."""
        row = self.db.execute("SELECT region, plan, fingerprints, master FROM master_identity WHERE id=1").fetchone()
        if row is None:
            return None
        try:
            prints = tuple(str(p) for p in json.loads(row[2]))
        except (ValueError, TypeError):
            prints = ()
        return MasterIdentity(row[0], row[1], prints, row[3])

    def check_master(self, master: Master, master_path: str | Path = "") -> None:
        """Refuse (:class:`LedgerOfAnotherMaster`) if this ledger belongs to another plan's master.

        Read-only: ``status`` and 催报 ask this; only a merge binds (:meth:`bind_master`)."""
        ident = self.master_identity()
        if ident is not None and not ident.same_plan(master):
            raise self._other_master(ident, master, master_path)

    def bind_master(self, master: Master, master_path: str | Path = "") -> None:
        """Record ``master`` as this ledger's owner (first merge), or extend its lineage (tasks
        edited, plan renamed); refuse another plan's master. Each change is a decision."""
        ident = self.master_identity()
        fp, path = master.fingerprint(), str(Path(master_path).resolve()) if master_path else ""
        if ident is not None and not ident.same_plan(master):
            raise self._other_master(ident, master, master_path)
        with self.transaction() as db:
            if ident is None:
                kind = "master-bound" if self.db.execute("SELECT 1 FROM returns LIMIT 1").fetchone() is None \
                    else "master-bound-existing-ledger"
                db.execute("INSERT INTO master_identity (id, region, plan, fingerprints, master, bound_at) "
                           "VALUES (1,?,?,?,?,?)", (master.region, master.plan_name, json.dumps([fp]), path, _now()))
                db.execute("INSERT INTO decisions (at, kind, detail) VALUES (?,?,?)",
                           (_now(), kind, f"{master.region}{master.plan_name} {fp} {path}"))
                return
            prints = list(ident.fingerprints)
            if fp not in prints:
                prints.append(fp)
                db.execute("INSERT INTO decisions (at, kind, detail) VALUES (?,?,?)",
                           (_now(), "master-tasks-changed", f"{ident.fingerprints[-1:] or ''} → {fp}"))
            if (ident.region, ident.plan) != (master.region, master.plan_name):
                db.execute("INSERT INTO decisions (at, kind, detail) VALUES (?,?,?)",
                           (_now(), "master-renamed", f"{ident.label} → {master.region}{master.plan_name}"))
            db.execute("UPDATE master_identity SET region=?, plan=?, fingerprints=?, master=? WHERE id=1",
                       (master.region, master.plan_name, json.dumps(prints), path or ident.master))

    def _other_master(self, ident: MasterIdentity, master: Master, master_path: str | Path) -> LedgerOfAnotherMaster:
        unnamed = t("merge.ledger_unnamed_plan")
        return LedgerOfAnotherMaster(
            t("merge.ledger_other_master", file=str(self.path), owner=ident.label or unnamed,
              owner_file=ident.master or "?", master=f"{master.region}{master.plan_name}" or unnamed,
              master_file=str(master_path)),
            file=str(self.path), hint=t("merge.ledger_other_master_hint", folder=str(self.path.parent)))

    def _ensure_claimed_at(self) -> None:
        """Ledgers made before times were checked: every record's time was believed."""
        if "claimed_at" not in {r[1] for r in self.db.execute("PRAGMA table_info(returns)")}:
            self.db.execute("ALTER TABLE returns ADD COLUMN claimed_at TEXT NOT NULL DEFAULT ''")

    def received_times(self, period: str) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(unit, received_at) → [(sha256, source)] of the period's accepted returns: what
        the merge asks for every file (two files of one unit at one time cannot be ordered), read once."""
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for unit, at, digest, source in self.db.execute(
                "SELECT unit, received_at, sha256, source FROM returns WHERE period=? AND outcome<>'rejected' "
                "ORDER BY id", (period_key(period),)):
            out.setdefault((unit, at), []).append((digest, source))
        return out

    # ------------------------------------------------------------ our own outputs
    def record_output(self, sha256: str, path: str | Path, kind: str = "rollup") -> None:
        """Note a file sheetsync wrote (a roll-up), so a merge never reads it back as a return."""
        self.db.execute("INSERT OR REPLACE INTO outputs (sha256, kind, path, at) VALUES (?,?,?,?)",
                        (sha256, kind, str(path), _now()))

    def own_output(self, sha256: str) -> tuple[str, str] | None:
        """(kind, when) if sheetsync wrote the file with this hash, else None."""
        row = self.db.execute("SELECT kind, at FROM outputs WHERE sha256=?", (sha256,)).fetchone()
        return (row[0], row[1]) if row else None

    # ------------------------------------------------------------ files
    def archive_file(self, sha256: str, source: Path, original_name: str) -> Path:
        """Copy ``source`` into the archive (once per content) and record it."""
        row = self.db.execute("SELECT archived_path FROM files WHERE sha256=?", (sha256,)).fetchone()
        if row and Path(row[0]).exists():
            return Path(row[0])
        suffix = "".join(Path(original_name).suffixes[-1:])[:10] or ".bin"
        dest = self.archive / sha256[:2] / f"{sha256}{suffix}"
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:  # a file where the archive folder should be
            raise LedgerFault(t("merge.archive_not_folder", file=str(self.archive)), file=str(self.archive),
                              hint=t("merge.archive_not_folder_hint")) from exc
        if not dest.exists():
            tmp = dest.with_suffix(dest.suffix + ".part")
            shutil.copyfile(source, tmp)
            tmp.replace(dest)
        self.db.execute("INSERT OR REPLACE INTO files (sha256, original_name, archived_path, size, first_seen) "
                        "VALUES (?, ?, ?, ?, COALESCE((SELECT first_seen FROM files WHERE sha256=?), ?))",
                        (sha256, original_name, str(dest), dest.stat().st_size, sha256, _now()))
        return dest

    def known(self, sha256: str, period: str) -> ReturnRecord | None:
        row = self.db.execute(
            "SELECT r.*, f.archived_path, f.original_name FROM returns r JOIN files f USING (sha256) "
            "WHERE r.sha256=? AND r.period=?", (sha256, period_key(period))).fetchone()
        return _record(row) if row else None

    def admit(self, sha256: str, source: Path, original_name: str, period: str, *,
              reconsider: str = "") -> Admission:
        """Archive an incoming file and say whether it is new for ``period`` or already recorded.

        ``reconsider``: why a file refused before may be judged again (an option that can change
        a refusal: ``accept-stale``, ``password``); its rejected record is dropped (the decision
        is kept) and it counts as new. The one call the merge makes before parsing a file."""
        archived = self.archive_file(sha256, source, original_name)
        known = self.known(sha256, period)
        if known is not None and known.outcome == "rejected" and reconsider:
            self.replace_rejected(known.id, reason=reconsider)
            known = None
        return Admission(archived, known)

    # ------------------------------------------------------------ returns
    def record_return(self, *, sha256: str, period: str, unit: str, source: str, sender: str, received_at: str,
                      outcome: str, identified_by: str, fields: dict[str, str], findings: list[Finding],
                      rows: list[Any], missing: list[str], claimed_at: str = "") -> int:
        """Record one parsed (or refused) file for ``period`` (any spelling; the key is stored).

        ``claimed_at``: the time the file claimed when it was not believed (``received_at`` is
        then its arrival); such a return is ordered by arrival (see :meth:`current`)."""
        text, period = period, period_key(period)
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO returns (sha256, period, unit, source, sender, received_at, ingested_at, outcome, "
                "identified_by, reporter, phone, report_date, findings, period_text, claimed_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (sha256, period, unit, source, sender, received_at, _now(), outcome, identified_by,
                 fields.get("reporter", ""), fields.get("phone", ""), fields.get("report_date", ""),
                 json.dumps([f.to_json() for f in findings], ensure_ascii=False), text, claimed_at))
            rid = int(cur.lastrowid)
            values = [(rid, r.task_id, r.unit, r.role, r.status, r.progress, r.value, r.progress_text, r.problems,
                       r.next_steps, r.evidence, r.row, getattr(r, "unread", "")) for r in rows]
            db.executemany(
                "INSERT INTO rows (return_id, task_id, unit, role, status, progress, value, progress_text, problems, "
                "next_steps, evidence, sheet_row, unread) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", values)
            db.executemany("INSERT INTO missing_rows (return_id, task_id) VALUES (?, ?)", [(rid, m) for m in missing])
            db.execute("INSERT INTO decisions (at, period, sha256, unit, kind, detail) VALUES (?,?,?,?,?,?)",
                       (_now(), period, sha256, unit, f"return-{outcome}", source))
        if self._kept is not None and (not values or _read_back_unchanged(values)):
            self._kept[rid] = values
        return rid

    def record_coverage(self, return_id: int, rows: list[dict[str, Any]]) -> None:
        """Store the coverage rows a return carried (one per parent task), beside its rows."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO coverage (return_id, task_id, data) VALUES (?,?,?)",
                           [(return_id, str(r.get("task_id", "")), json.dumps(r, ensure_ascii=False)) for r in rows])

    def coverage(self, return_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """Return id → its coverage rows (only returns that carried any)."""
        out: dict[int, list[dict[str, Any]]] = {}
        for i in range(0, len(return_ids), 500):
            chunk = return_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for rid, data in self.db.execute(
                    f"SELECT return_id, data FROM coverage WHERE return_id IN ({marks}) ORDER BY rowid", chunk):
                out.setdefault(int(rid), []).append(json.loads(data))
        return out

    def decide(self, kind: str, detail: str = "", *, period: str = "", sha256: str = "", unit: str = "") -> None:
        self.db.execute("INSERT INTO decisions (at, period, sha256, unit, kind, detail) VALUES (?,?,?,?,?,?)",
                        (_now(), period_key(period) if period else "", sha256, unit, kind, detail))

    # ------------------------------------------------------------ roll-ups
    def record_rollup(self, period: str, as_of: date, output: str | Path | None = None) -> None:
        """Note a roll-up built for ``period`` judged at ``as_of`` (written to ``output``, if any)."""
        self.db.execute("INSERT INTO rollups (period, period_text, as_of, output, at) VALUES (?,?,?,?,?)",
                        (period_key(period), period, as_of.isoformat(), str(output or ""), _now()))

    def last_rollup(self, period: str) -> RollupRecord | None:
        """The newest roll-up recorded for ``period`` (any spelling), or None if there was none."""
        row = self.db.execute("SELECT period, period_text, as_of, output, at FROM rollups WHERE period=? "
                              "ORDER BY id DESC LIMIT 1", (period_key(period),)).fetchone()
        if row is None:
            return None
        return RollupRecord(row[0], row[1], date.fromisoformat(row[2]), row[3], row[4])

    def replace_rejected(self, return_id: int, reason: str) -> None:
        """Drop a rejected return so the same file can be judged again (the decision is kept)."""
        with self.transaction() as db:
            row = db.execute("SELECT sha256, period, unit FROM returns WHERE id=? AND outcome='rejected'",
                             (return_id,)).fetchone()
            if row is None:
                return
            db.execute("DELETE FROM missing_rows WHERE return_id=?", (return_id,))
            db.execute("DELETE FROM rows WHERE return_id=?", (return_id,))
            db.execute("DELETE FROM returns WHERE id=?", (return_id,))
            db.execute("INSERT INTO decisions (at, period, sha256, unit, kind, detail) VALUES (?,?,?,?,?,?)",
                       (_now(), row["period"], row["sha256"], row["unit"], "re-evaluate-rejected", reason))

    def returns(self, period: str) -> list[ReturnRecord]:
        rows = self.db.execute(
            "SELECT r.*, f.archived_path, f.original_name FROM returns r JOIN files f USING (sha256) "
            "WHERE r.period=? ORDER BY r.received_at, r.id", (period_key(period),)).fetchall()
        return [_record(r) for r in rows]

    def current(self, period: str, records: list[ReturnRecord] | None = None) -> dict[str, ReturnRecord]:
        """Unit → the return the roll-up uses: the latest received accepted one (ties: latest ingested).

        When either of two returns has a time that was not believed (``claimed_at``), they are
        ordered by arrival in the ledger instead: the one recorded later wins. A disputed return
        (its sender or file name names another unit) never wins over one that is not.

        ``records``: :meth:`returns` of ``period`` when the caller already has them (each read
        parses every file's findings).
        """
        out: dict[str, ReturnRecord] = {}
        for rec in self.returns(period) if records is None else records:
            if rec.outcome == "rejected" or not rec.unit:
                continue
            prev = out.get(rec.unit)
            if prev is None:
                out[rec.unit] = rec
            elif (disputed := _disputed(rec)) != _disputed(prev):
                if not disputed:
                    out[rec.unit] = rec
            elif rec.claimed_at or prev.claimed_at:
                if rec.id > prev.id:
                    out[rec.unit] = rec
            elif (rec.received_at, rec.id) >= (prev.received_at, prev.id):
                out[rec.unit] = rec
        return out

    def superseded_counts(self, period: str, records: list[ReturnRecord] | None = None) -> dict[str, int]:
        """Unit → how many of its accepted returns a newer one replaced (``records`` as in :meth:`current`)."""
        counts: dict[str, int] = {}
        for rec in self.returns(period) if records is None else records:
            if rec.outcome != "rejected" and rec.unit:
                counts[rec.unit] = counts.get(rec.unit, 0) + 1
        return {u: n - 1 for u, n in counts.items()}

    def rows(self, return_ids: list[int]) -> list[Sequence[Any]]:
        """The rows of these returns, by return id then as recorded: ``return_id``, then
        :data:`ROW_COLUMNS` in that order (by position only: a roll-up reads 120,000 of them and
        a lookup by name per field cost more than the query). Rows kept by ``keep_rows`` come
        from memory."""
        if not return_ids:
            return []
        kept = self._kept or {}
        out: list[Sequence[Any]] = []
        todo = sorted(set(return_ids))
        for rid in todo:
            out.extend(kept.get(rid, ()))
        from_memory = len(out)
        todo = [rid for rid in todo if rid not in kept]
        for i in range(0, len(todo), 500):
            chunk = todo[i:i + 500]
            out.extend(self.db.execute(
                f"SELECT return_id, {', '.join(ROW_COLUMNS)} FROM rows "
                f"WHERE return_id IN ({','.join('?' * len(chunk))}) ORDER BY return_id, rowid", chunk).fetchall())
        if 0 < from_memory < len(out):
            out.sort(key=itemgetter(0))  # stable: each return's rows stay in recorded order
        return out

    def missing_rows(self, return_ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for i in range(0, len(return_ids), 500):
            chunk = return_ids[i:i + 500]
            for r in self.db.execute(
                    f"SELECT return_id, task_id FROM missing_rows WHERE return_id IN ({','.join('?' * len(chunk))})",
                    chunk):
                out.setdefault(r[0], []).append(r[1])
        return out

    def last_values(self, period: str) -> dict[str, dict[str, dict[str, Any]]]:
        """Unit → task id → the editable values of its current return (for split --carry-forward)."""
        cur = self.current(period)
        by_id = {rec.id: rec.unit for rec in cur.values()}
        out: dict[str, dict[str, dict[str, Any]]] = {}
        from sheetsync.core import schema

        for values in self.rows(list(by_id)):
            r = dict(zip(("return_id", *ROW_COLUMNS), values, strict=True))
            status = schema.label_for(schema.STATUSES, r["status"]) if r["status"] else None
            out.setdefault(by_id[r["return_id"]], {})[r["task_id"]] = {
                "status": status, "progress": r["progress"], "value": r["value"], "progress_text": r["progress_text"],
                "problems": r["problems"], "next_steps": r["next_steps"], "evidence": r["evidence"]}
        return out

    def history_records(self, *, returns: bool = False, periods: Sequence[str] | None = None
                        ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """(column names, rows) of :meth:`history`, as plain tuples; ``periods``: only these
        canonical keys (the roll-up's 趋势 sheet reads just the periods it shows)."""
        current = ("SELECT * FROM (SELECT r.id AS return_id, r.period, r.period_text, r.unit, r.received_at, "
                   "COALESCE(NULLIF(r.source, ''), f.original_name) AS file, ROW_NUMBER() OVER ("
                   "PARTITION BY r.period, r.unit ORDER BY r.received_at DESC, r.id DESC) AS n "
                   "FROM returns r JOIN files f USING (sha256) WHERE r.outcome != 'rejected' AND r.unit != ''"
                   + (f" AND r.period IN ({','.join('?' * len(periods))})" if periods is not None else "")
                   + ") WHERE n = 1")
        if returns:
            sql = f"SELECT period, period_text, unit, received_at, file, return_id FROM ({current}) ORDER BY period, unit"
        else:
            cols = ", ".join(f"w.{c}" for c in ROW_COLUMNS if c != "unit")
            sql = (f"SELECT c.period, c.period_text, c.unit, c.received_at, c.file, c.return_id, {cols} "
                   f"FROM ({current}) c JOIN rows w ON w.return_id = c.return_id ORDER BY c.period, c.unit, w.rowid")
        cur = self.db.execute(sql, [period_key(p) for p in periods] if periods is not None else [])
        return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]

    def history(self, *, returns: bool = False) -> Any:
        """The accepted current rows of every period as a pandas DataFrame, for analysts: one row
        per (period, unit, task) from each unit's current return (the one :meth:`current` picks),
        columns ``period`` (canonical key), ``period_text``, ``unit``, ``received_at``, ``file``,
        ``return_id`` and :data:`ROW_COLUMNS` (``status`` is the status key: done, in_progress, ...).
        ``returns``: one row per current return instead (period, period_text, unit, received_at,
        file, return_id) — a unit that sent a file with no task rows has reported all the same."""
        import pandas as pd

        columns, rows = self.history_records(returns=returns)
        return pd.DataFrame(rows, columns=columns)

    def periods(self) -> list[str]:
        """The canonical keys of the periods with returns."""
        return [r[0] for r in self.db.execute("SELECT DISTINCT period FROM returns ORDER BY period")]

    def counts(self) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("files", "returns", "rows", "decisions", "rollups")}


def _findings(text: str, record_id: Any) -> list[dict[str, Any]]:
    """A record's findings; edited by hand into something else, one finding saying so (the
    record still counts: its rows are intact), never a traceback."""
    try:
        found = json.loads(text)
        if isinstance(found, list) and all(isinstance(f, dict) for f in found):
            return found
    except (ValueError, TypeError, RecursionError):
        pass
    return [{"code": "ledger-findings-unreadable", "severity": "warning",
             "message": t("merge.finding.ledger-findings-unreadable", id=record_id)}]


DISPUTED = frozenset({"unit-mismatch", "other-unit-named"})  # sender address / file name or title


def _disputed(rec: ReturnRecord) -> bool:
    """Whether the return may be another unit's: mailed from another unit's address
    (``unit-mismatch``, the merge's) or named after another unit (``other-unit-named``, the
    return reader's)."""
    return any(f.get("code") in DISPUTED for f in rec.findings)


def _record(row: sqlite3.Row) -> ReturnRecord:
    d = dict(row)
    d["findings"] = _findings(d.get("findings") or "[]", d.get("id"))
    return ReturnRecord(**{k: d[k] for k in ReturnRecord.__dataclass_fields__})


# how SQLite gives each column of a rows record back (return_id, then ROW_COLUMNS): a value of
# another type is converted by the column's affinity (5 in a REAL column comes back 5.0)
_TEXT, _TEXT_OR_NULL, _REAL, _INT_OR_NULL = range(4)
_ROW_KINDS = (_INT_OR_NULL, _TEXT, _TEXT, _TEXT, _TEXT_OR_NULL, _REAL, _REAL, _TEXT, _TEXT, _TEXT, _TEXT,
              _INT_OR_NULL, _TEXT)


def _read_back_unchanged(values: list[tuple[Any, ...]]) -> bool:
    """Whether SQLite would give ``values`` back exactly as they are (same types and values).

    Only then may :meth:`Ledger.rows` serve them from memory; anything else (an int in a REAL
    column, NaN, which SQLite stores as NULL, -0.0, which comes back 0.0, a bool) is read
    back from the file instead, so both give the same roll-up.
    """
    for kind, column in zip(_ROW_KINDS, zip(*values, strict=True), strict=True):
        if kind == _TEXT:
            if not all(type(v) is str for v in column):
                return False
        elif kind == _TEXT_OR_NULL:
            if not all(v is None or type(v) is str for v in column):
                return False
        elif kind == _INT_OR_NULL:
            if not all(v is None or type(v) is int for v in column):
                return False
        else:
            for v in column:
                if v is not None and (type(v) is not float or v != v or (v == 0.0 and math.copysign(1.0, v) < 0)):
                    return False
    return True


def _now() -> str:
    return datetime.now().replace(microsecond=0).isoformat()
