"""The mail log: what was sent to whom, and what the server said, in the project's SQLite file.

The table lives beside the merge ledger (same ``sheetsync.db``) so 'status' can show both; it is
created with ``CREATE TABLE IF NOT EXISTS`` and touches no other table. ``--retry`` reads the
newest non-dry-run row of each (kind, period, unit) and resends only where that row is not 'sent'
(an 'unknown' outcome only when asked: the message may have arrived). When the clerk learns that
an unknown message did arrive, :func:`confirm_delivered` adds a 'confirmed' row after it (the
unknown row stays): from then on that unit counts as sent.
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
    status TEXT NOT NULL,               -- sent / failed / partial / dry-run / skipped / unknown / confirmed
    smtp_code INTEGER,
    smtp_message TEXT NOT NULL DEFAULT '',
    refused TEXT NOT NULL DEFAULT '',   -- JSON {recipient: "code text"} when some were refused
    eml TEXT NOT NULL DEFAULT '',       -- outbox file of a dry run
    time TEXT NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '', -- who recorded a 'confirmed' row (the OS user)
    refers_to INTEGER                    -- the 'unknown' row a 'confirmed' row is about
);
"""
#: columns added after the first release: logs made before them get them in connect()
LATER_COLUMNS = {"decided_by": "TEXT NOT NULL DEFAULT ''", "refers_to": "INTEGER"}
# after the column exists (logs made before it get it in connect())
INDEX = "CREATE INDEX IF NOT EXISTS mail_log_pkey ON mail_log (kind, period_key, unit, id);"

RETRYABLE = ("failed", "partial", "skipped")
#: the server took the whole message and dropped the connection before its reply: it may have
#: been delivered, so ``--retry`` holds it back (saying so) unless told to resend it
UNKNOWN = "unknown"
#: an unknown outcome the clerk checked with the recipient: it did arrive (:func:`confirm_delivered`)
CONFIRMED = "confirmed"


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
    columns = {r[1] for r in conn.execute("PRAGMA table_info(mail_log)")}
    for name, decl in LATER_COLUMNS.items():
        if name not in columns:
            with conn:
                conn.execute(f"ALTER TABLE mail_log ADD COLUMN {name} {decl}")
    if "period_key" not in columns:
        with conn:  # the period as typed stays in ``period``; the key is what lookups compare
            conn.execute("ALTER TABLE mail_log ADD COLUMN period_key TEXT NOT NULL DEFAULT ''")
            for (text,) in conn.execute("SELECT DISTINCT period FROM mail_log").fetchall():
                conn.execute("UPDATE mail_log SET period_key=? WHERE period=?", (period_key(text) if text else "", text))
    conn.executescript(INDEX)
    return conn


def record(db_path: str | Path, rows: list[dict[str, Any]]) -> None:
    cols = ("batch", "kind", "period", "unit", "recipients", "subject", "attachment",
            "attachment_sha256", "size", "status", "smtp_code", "smtp_message", "refused", "eml", "time",
            "period_key", "decided_by", "refers_to")
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
    if col in ("size", "smtp_code", "refers_to"):
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
        confirm = t("mail.list_sep_kind").join(
            f"sheetsync mail confirm --master … --period {self.period} --kind {k} --unit …" for k in self.unknown)
        return t("mail.unknown_not_resent", n=self.unknown_count, period=self.period, who=who, commands=commands,
                 confirm=confirm)


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


@dataclass(frozen=True)
class Confirmation:
    """What :func:`confirm_delivered` recorded: the units now logged as delivered, and the units
    named that had no unknown outcome (unit → its newest status, '' when nothing was logged)."""

    kind: str
    period: str
    db_path: Path
    confirmed: list[str] = field(default_factory=list)
    not_unknown: dict[str, str] = field(default_factory=dict)
    by: str = ""
    time: str = ""

    @property
    def ok(self) -> bool:
        """False when a named unit had no unknown message (the CLI exits 1 for it)."""
        return not self.not_unknown

    def summary(self) -> str:
        from sheetsync.i18n import t

        kind = t(f"mail.kind.{self.kind}")
        lines = []
        if self.confirmed:
            lines.append(t("mail.confirm_done", n=len(self.confirmed), kind=kind, period=self.period,
                           units=t("mail.list_sep").join(u or t("mail.rollup_label") for u in self.confirmed),
                           by=self.by or "-", time=self.time.replace("T", " ")))
        for unit, status in self.not_unknown.items():
            who = unit or t("mail.rollup_label")
            lines.append(t("mail.confirm_not_unknown", unit=who, kind=kind, period=self.period,
                           status=t(f"mail.status.{status}")) if status else
                         t("mail.confirm_never_sent", unit=who, kind=kind, period=self.period))
        if not lines:
            lines.append(t("mail.confirm_none", kind=kind, period=self.period))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "period": self.period, "db_path": str(self.db_path), "ok": self.ok,
                "confirmed": list(self.confirmed), "not_unknown": dict(self.not_unknown), "by": self.by,
                "time": self.time}


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment or the user database
        return ""


def confirm_delivered(db_path: str | Path, period: str, kind: str = "distribute", units: list[str] | None = None,
                      *, master: Any = None, by: str | None = None) -> Confirmation:
    """Record that messages with an unknown outcome did arrive (the clerk checked with the unit).

    ``units``: the units named (as typed: resolved against the master's 单位 sheet, or the log's
    names without a master); ``None`` means every unit of ``kind`` whose outcome is unknown. The
    roll-up sent upward (kind ``send``) has no unit: it takes ``None`` only. For each unit whose
    newest real attempt is 'unknown' a 'confirmed' row is added (the unknown row stays), with the
    time, ``by`` (default: the OS user) and the id of the unknown row; after it :func:`outstanding`
    no longer lists the unit and ``--retry`` neither resends nor mentions it. A named unit without
    an unknown message is reported in :attr:`Confirmation.not_unknown` and nothing is recorded for
    it. A name that matches no unit is refused (:class:`SheetsyncError`, with suggestions) and
    nothing at all is recorded."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.core.model import Unit
    from sheetsync.core.units import UnitRegistry
    from sheetsync.i18n import t

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if kind == "send" and units:
        raise SheetsyncError(t("mail.confirm_send_no_units"))
    key = period_key(period) if period else ""
    by = _os_user() if by is None else by
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    if not Path(db_path).exists():
        raise SheetsyncError(t("mail.confirm_nothing_logged", db=str(db_path), kind=kind, period=period))
    with closing(connect(db_path)) as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN IMMEDIATE")  # read and write at once: a retry run cannot slip in between
        try:
            newest = {r["unit"]: dict(r) for r in conn.execute(
                "SELECT * FROM mail_log m WHERE kind = ? AND period_key = ? AND status != 'dry-run' AND id = ("
                "  SELECT MAX(id) FROM mail_log n WHERE n.kind = m.kind AND n.period_key = m.period_key"
                "  AND n.unit = m.unit AND n.status != 'dry-run') ORDER BY id", (kind, key))}
            if not newest:
                raise SheetsyncError(t("mail.confirm_nothing_logged", db=str(db_path), kind=kind, period=period))
            if units is None:
                wanted = [u for u, r in newest.items() if r["status"] == UNKNOWN]
            else:
                wanted = _resolve_units(units, newest, master, UnitRegistry, Unit)
            result = Confirmation(kind, period, Path(db_path), by=by, time=now)
            rows = []
            for unit in wanted:
                row = newest.get(unit)
                if row is None or row["status"] != UNKNOWN:
                    result.not_unknown[unit] = row["status"] if row else ""
                    continue
                result.confirmed.append(unit)
                rows.append({**row, "batch": new_batch_id(), "status": CONFIRMED, "smtp_code": None,
                             "smtp_message": "", "refused": "", "eml": "", "time": now, "decided_by": by,
                             "refers_to": row["id"]})
            cols = ("batch", "kind", "period", "unit", "recipients", "subject", "attachment", "attachment_sha256",
                    "size", "status", "smtp_code", "smtp_message", "refused", "eml", "time", "period_key",
                    "decided_by", "refers_to")
            conn.executemany(f"INSERT INTO mail_log ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             [tuple(r[c] for c in cols) for r in rows])
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    return result


def _resolve_units(names: list[str], newest: dict[str, dict[str, Any]], master: Any, registry_cls: Any,
                   unit_cls: Any) -> list[str]:
    """The log's unit names for what the clerk typed: exact log names first, else the master's
    unit (name or alias, region prefix optional, a unique suffix) as the other commands resolve it.
    Any name that names no one unit is refused, all of them in one message with suggestions."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.i18n import t

    known = list(getattr(master, "units", None) or [])
    listed = {u.name for u in known}
    registry = registry_cls([*known, *(unit_cls(name=u) for u in newest if u and u not in listed)],
                            getattr(master, "region", "") or "")
    out: list[str] = []
    bad: list[str] = []
    for name in names:
        if name in newest:
            hit = name
        else:
            r = registry.resolve(name)
            if r.kind != "unit" or len(r.units) != 1:
                sugg = r.candidates or registry.suggest(name)
                bad.append(t("mail.confirm_bad_unit", unit=name, suggestions=t("mail.list_sep").join(sugg) or "-"))
                continue
            u = r.units[0]
            hit = next((n for n in (u.name, *u.aliases) if n in newest), u.name)
        if hit not in out:
            out.append(hit)
    if bad:
        raise SheetsyncError("\n".join([*bad, t("mail.confirm_nothing_done")]))
    return out
