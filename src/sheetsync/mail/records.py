"""The mail log: what was sent to whom, and what the server said, in the project's SQLite file.

The table lives beside the merge ledger (same ``sheetsync.db``) so 'status' can show both; it is
created with ``CREATE TABLE IF NOT EXISTS`` and touches no other table. ``--retry`` reads the
newest non-dry-run row of each (kind, period, unit) and resends only where that row is not 'sent'
(an 'unknown' outcome only when asked: the message may have arrived).
Periods are compared by their canonical key (``period_key`` column, from core.period): a retry
for 2026年第四季度 finds what was sent for 2026年第4季度.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core.period import period_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS mail_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- distribute / remind / send
    period TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',      -- '' for the roll-up sent upward
    recipients TEXT NOT NULL DEFAULT '',-- envelope recipients, comma-separated
    subject TEXT NOT NULL DEFAULT '',
    attachment TEXT NOT NULL DEFAULT '',
    attachment_sha256 TEXT NOT NULL DEFAULT '',
    size INTEGER,                       -- encoded message bytes
    status TEXT NOT NULL,               -- sent / failed / partial / dry-run / skipped / unknown
    smtp_code INTEGER,
    smtp_message TEXT NOT NULL DEFAULT '',
    refused TEXT NOT NULL DEFAULT '',   -- JSON {recipient: "code text"} when some were refused
    eml TEXT NOT NULL DEFAULT '',       -- outbox file of a dry run
    time TEXT NOT NULL
);
"""
# after the column exists (logs made before it get it in connect())
INDEX = "CREATE INDEX IF NOT EXISTS mail_log_pkey ON mail_log (kind, period_key, unit, id);"

RETRYABLE = ("failed", "partial", "skipped")
#: the server took the whole message and dropped the connection before its reply: it may have
#: been delivered, so ``--retry`` holds it back (saying so) unless told to resend it
UNKNOWN = "unknown"


@dataclass(frozen=True)
class LastAttempt:
    status: str
    refused: dict[str, str]
    code: int | None
    message: str
    time: str = ""

    @property
    def retryable(self) -> bool:
        """Did not go out (failed, partly refused, skipped): ``--retry`` resends it."""
        return self.status in RETRYABLE

    @property
    def unknown(self) -> bool:
        """May have arrived: ``--retry`` holds it back unless told ``--resend-unknown``."""
        return self.status == UNKNOWN


def new_batch_id() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def connect(db_path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the SQLite file; a 30 s busy timeout rides out a running merge."""
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(db_path), timeout=30)
    conn.executescript(SCHEMA)
    if "period_key" not in {r[1] for r in conn.execute("PRAGMA table_info(mail_log)")}:
        with conn:  # the period as typed stays in ``period``; the key is what lookups compare
            conn.execute("ALTER TABLE mail_log ADD COLUMN period_key TEXT NOT NULL DEFAULT ''")
            for (text,) in conn.execute("SELECT DISTINCT period FROM mail_log").fetchall():
                conn.execute("UPDATE mail_log SET period_key=? WHERE period=?", (period_key(text) if text else "", text))
    conn.executescript(INDEX)
    return conn


def record(db_path: str | Path, rows: list[dict[str, Any]]) -> None:
    cols = ("batch", "kind", "period", "unit", "recipients", "subject", "attachment",
            "attachment_sha256", "size", "status", "smtp_code", "smtp_message", "refused", "eml", "time",
            "period_key")
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    with closing(connect(db_path)) as conn, conn:
        conn.executemany(
            f"INSERT INTO mail_log ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(_cell(r, c, now) for c in cols) for r in rows])


def _cell(row: dict[str, Any], col: str, now: str) -> Any:
    v = row.get(col)
    if col == "time":
        return v or now
    if col == "period_key":
        return period_key(row["period"]) if row.get("period") else ""
    if col == "recipients" and isinstance(v, (list, tuple)):
        return ",".join(v)
    if col == "refused":
        return json.dumps(v, ensure_ascii=False) if v else ""
    if col in ("size", "smtp_code"):
        return v
    return "" if v is None else str(v)


def last_attempts(db_path: str | Path, kind: str, period: str) -> dict[str, LastAttempt]:
    """unit → the newest real (not dry-run) attempt for this kind and period."""
    if not Path(db_path).exists():
        return {}
    with closing(connect(db_path)) as conn:
        rows = conn.execute(
            "SELECT unit, status, refused, smtp_code, smtp_message, time FROM mail_log m "
            "WHERE kind = ? AND period_key = ? AND status != 'dry-run' AND id = ("
            "  SELECT MAX(id) FROM mail_log n WHERE n.kind = m.kind AND n.period_key = m.period_key"
            "  AND n.unit = m.unit AND n.status != 'dry-run') ORDER BY id",
            (kind, period_key(period) if period else "")).fetchall()
    return {u: LastAttempt(s, json.loads(r) if r else {}, c, msg, tm) for u, s, r, c, msg, tm in rows}


KINDS = ("distribute", "remind", "send")  # the kinds of mail, in the order a period sends them


@dataclass(frozen=True)
class Outstanding:
    """A period's mail that did not surely go out, per kind: what a "resend what failed" run redoes
    (``retry``) and what it must not redo by itself (``unknown``: the server took the message and
    dropped the connection before confirming, so it may have arrived).

    Both map kind → units (``''`` for the roll-up sent upward) in sending order; kinds without
    such a unit are absent. One answer for the ribbon's 重发失败 and for anything that has to say
    why a message was held back."""

    period: str
    retry: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)

    @property
    def kinds(self) -> list[str]:
        """The kinds (in :data:`KINDS` order) to run again with ``retry=True``."""
        return [k for k in KINDS if self.retry.get(k)]

    @property
    def unknown_count(self) -> int:
        return sum(len(units) for units in self.unknown.values())

    def unknown_note(self) -> str:
        """What the clerk is told about the unknown ones ('' when there are none): how many, who,
        that they were not resent, and how to resend them once checked (the CLI's
        ``--retry --resend-unknown``, worded as the CLI words it)."""
        if not self.unknown:
            return ""
        from sheetsync.i18n import t

        sep = t("mail.list_sep")
        who = t("mail.list_sep_kind").join(
            t("mail.unknown_of_kind", kind=t(f"mail.kind.{k}"),
              units=sep.join(u or t("mail.rollup_label") for u in units))
            for k, units in self.unknown.items())
        commands = t("mail.list_sep_kind").join(f"sheetsync mail {k} … --retry --resend-unknown" for k in self.unknown)
        return t("mail.unknown_not_resent", n=self.unknown_count, period=self.period, who=who, commands=commands)


def outstanding(db_path: str | Path, period: str) -> Outstanding:
    """Each kind's units whose newest real attempt in ``period`` did not go out, and those whose
    outcome is unknown. A message only written to the outbox (a dry run) was never attempted and
    does not count; a unit skipped in a dry run (no address) does."""
    retry: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for kind in KINDS:
        for unit, a in last_attempts(db_path, kind, period).items():
            if a.retryable:
                retry.setdefault(kind, []).append(unit)
            elif a.unknown:
                unknown.setdefault(kind, []).append(unit)
    return Outstanding(period, retry, unknown)


def retryable_kinds(db_path: str | Path, period: str) -> list[str]:
    """The kinds (in :data:`KINDS` order) with a unit whose newest real attempt in ``period`` did
    not go out: :attr:`Outstanding.kinds` of :func:`outstanding` (which also says which messages
    have an unknown outcome; those are not counted here)."""
    return outstanding(db_path, period).kinds


def history(db_path: str | Path, kind: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
    """Rows of the log, oldest first (for 'status' and the ribbon)."""
    if not Path(db_path).exists():
        return []
    sql, args = "SELECT * FROM mail_log WHERE 1=1", []
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    if period is not None:
        sql += " AND period_key = ?"
        args.append(period_key(period) if period else "")
    with closing(connect(db_path)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql + " ORDER BY id", args)]
