"""One engine for all three kinds of mail: drafts in, outbox files or SMTP sends out, all logged.

distribute / remind / send_rollup only decide *what* to say to *whom*; this module decides
*how* it leaves: dry run (the default when no server is configured) or SMTP, the retry filter,
the ledger rows and the report that the CLI and the ribbon show.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import get_lang, t
from sheetsync.ledger import folder_path as ledger_in
from sheetsync.mail import outbox as _outbox
from sheetsync.mail import records
from sheetsync.mail.compose import Attachment, Draft, build_message, envelope_recipients, to_bytes
from sheetsync.mail.transport import (
    SendResult,
    SmtpConfig,
    SmtpTransport,
    Status,
    get_password,
    human_size,
    resolve_config,
    split_addresses,
)

#: a value of ``retry`` (``--retry --resend-unknown``): retry, and also resend the messages whose
#: outcome was unknown (the server took them and dropped the connection before confirming).
#: Passed through the ``retry`` argument of distribute / remind / send_rollup unchanged.
RESEND_UNKNOWN = "resend-unknown"


@dataclass
class MailResult:
    unit: str  # '' for the roll-up sent upward
    recipients: list[str]
    subject: str
    status: Status
    code: int | None = None
    message: str = ""
    attachment: str = ""
    eml: str = ""
    refused: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"unit": self.unit, "recipients": list(self.recipients), "subject": self.subject,
                "status": self.status, "code": self.code, "message": self.message,
                "attachment": self.attachment, "eml": self.eml, "refused": dict(self.refused)}


@dataclass
class MailReport:
    kind: str
    batch: str
    period: str = ""
    dry_run: bool = False
    outbox: Path | None = None
    db_path: Path | None = None
    results: list[MailResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: units (or '' for the roll-up) whose last outcome was unknown and that ``--retry`` held back
    held_unknown: list[str] = field(default_factory=list)
    #: the warnings (also in ``warnings``) that say so, one per held unit: a front-end that tells
    #: the clerk about every unknown outcome at once (:meth:`records.Outstanding.unknown_note`)
    #: leaves these out instead of saying it twice
    held_notes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Messages per outcome; "unknown" is listed only when there is one (it is rare)."""
        c = Counter(r.status for r in self.results)
        counts = {s: c.get(s, 0) for s in ("sent", "dry-run", "failed", "partial", "skipped")}
        if c.get("unknown"):
            counts["unknown"] = c["unknown"]
        return counts

    @property
    def ok(self) -> bool:
        """True when nothing failed and nothing is in doubt (skipped units are reported, but do not
        fail the run). An unknown outcome, or one held back by ``--retry``, needs the clerk to check
        with the recipient: the command exits non-zero for it as for a failure."""
        return not self.held_unknown and not any(r.status in ("failed", "partial", "unknown") for r in self.results)

    def summary(self) -> str:
        c = self.counts
        unknown = c.get("unknown", 0)
        text = t("mail.summary", kind=t(f"mail.kind.{self.kind}"), sent=c["sent"], dry=c["dry-run"],
                 failed=c["failed"] + c["partial"] + unknown, skipped=c["skipped"])
        if unknown:
            text += t("mail.summary_unknown", n=unknown)
        return text

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "batch": self.batch, "period": self.period, "dry_run": self.dry_run,
                "outbox": str(self.outbox) if self.outbox else None,
                "db_path": str(self.db_path) if self.db_path else None,
                "counts": self.counts, "ok": self.ok, "warnings": list(self.warnings),
                "held_unknown": list(self.held_unknown),
                "results": [r.to_json() for r in self.results]}


@dataclass
class Outgoing:
    """One message to send, or a unit that cannot be sent to (``skip`` says why)."""

    unit: str
    draft: Draft
    attachment: Attachment | None = None
    skip: str = ""


@dataclass
class MailContext:
    """What the mail functions need from a master: settings, unit addresses, where it lives."""

    settings: dict[str, str]
    emails: dict[str, list[str]]
    base_dir: Path | None = None

    def setting(self, key: str) -> str:
        return str(self.settings.get(key) or "").strip()


def context_from(master: Any, unit_emails: Mapping[str, str | Iterable[str]] | None = None) -> MailContext:
    """Accept a :class:`sheetsync.core.model.Master` or a plain settings dict (+ unit → e-mail)."""
    if master is None:
        settings: dict[str, str] = {}
        emails: dict[str, list[str]] = {}
        base: Path | None = None
    elif hasattr(master, "settings") and hasattr(master, "units"):
        settings = {k: str(v or "") for k, v in master.settings.items()}
        emails = {}
        for u in master.units:
            addrs = split_addresses(u.email)
            for name in [u.name, *u.aliases]:
                if addrs and name:
                    emails.setdefault(name, addrs)
        base = Path(master.path).parent if getattr(master, "path", None) else None
    elif isinstance(master, Mapping):
        settings = {str(k): str(v or "") for k, v in master.items()}
        emails = {}
        base = None
    else:
        raise TypeError(f"master must be a Master or a settings dict, not {type(master).__name__}")
    for unit, value in (unit_emails or {}).items():
        addrs = split_addresses(value) if isinstance(value, str) else [a for v in value for a in split_addresses(v)]
        if addrs:
            emails[unit] = addrs
    return MailContext(settings, emails, base)


def format_due(due: str | date | None, lang: str | None = None) -> str:
    """2024-04-10 → 2024年4月10日 for Chinese readers; anything else is shown as written."""
    if isinstance(due, date):
        due = due.isoformat()
    due = (due or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", due)
    if m and (lang or get_lang()) != "en":
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return due


def common_values(ctx: MailContext, period: str, due: str) -> dict[str, str]:
    return {
        "region": ctx.setting("region"), "plan": ctx.setting("plan"),
        "office": ctx.setting("office"), "contact": ctx.setting("office_contact"),
        "phone": ctx.setting("office_phone"), "period": period,
        "due": format_due(due) or t("mail.due_unset"),
    }


def recipients_for(ctx: MailContext, unit: str, given: str = "") -> tuple[list[str], str]:
    """(addresses, reason-if-none) for a unit: the split manifest's address, else 单位.邮箱."""
    addrs = split_addresses(given) or ctx.emails.get(unit, [])
    if not addrs:
        return [], t("mail.no_email", unit=unit)
    from sheetsync.core.addresses import problem, reason_text

    bad = [f"{a}（{reason_text(why)}）" for a in addrs if (why := problem(a))]
    if bad:
        return [], t("mail.bad_email", unit=unit, address="、".join(bad))
    return addrs, ""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_batch(kind: str, period: str, outgoing: list[Outgoing], *, ctx: MailContext,
              config: SmtpConfig, dry_run: bool | None, outbox: str | Path | None,
              db_path: str | Path | None, retry: bool | str, allow_plain: bool,
              warn: Callable[[str], None] | None = None,
              clock: Callable[[], float] = time.monotonic,
              sleep: Callable[[float], None] = time.sleep) -> MailReport:
    """Send (or write) every message, record each outcome, and return the report.

    ``retry`` resends only what did not go out last time; a message whose outcome was unknown is
    held back with a message (it may have arrived) unless ``retry`` is :data:`RESEND_UNKNOWN`."""
    base = ctx.base_dir or Path.cwd()
    report = MailReport(kind=kind, batch=records.new_batch_id(), period=period)
    report.db_path = Path(db_path) if db_path else ledger_in(base)

    def say(msg: str) -> None:
        report.warnings.append(msg)
        if warn:
            warn(msg)

    if dry_run is None:
        dry_run = not config.configured
        if dry_run:
            say(t("mail.no_server_dry_run"))
    report.dry_run = dry_run
    if dry_run or outbox:
        report.outbox = _outbox.batch_folder(Path(outbox) if outbox else base / "outbox", kind, period)

    if retry:
        last = records.last_attempts(report.db_path, kind, period)
        if not last:
            raise SheetsyncError(t("mail.retry_nothing_logged", db=str(report.db_path), kind=kind, period=period))
        kept = []
        for item in outgoing:
            prev = last.get(item.unit)
            if prev is not None and prev.unknown and retry != RESEND_UNKNOWN:
                report.held_unknown.append(item.unit)
                note = t("mail.retry_unknown_held", who=item.unit or t("mail.rollup_label"),
                         time=prev.time.replace("T", " "))
                report.held_notes.append(note)
                say(note)
                continue
            if prev is None or not (prev.retryable or prev.unknown):
                continue
            if prev.status == "partial" and prev.refused:
                item.draft = _only(item.draft, list(prev.refused))
            kept.append(item)
        outgoing = kept
        if not outgoing and not report.held_unknown:
            say(t("mail.retry_none"))

    from_addr = config.envelope_from
    if not from_addr and not dry_run:
        raise SheetsyncError(t("mail.no_from"))
    transport: SmtpTransport | None = None
    if not dry_run and any(not o.skip for o in outgoing):
        password = get_password(config.user) if config.user else None
        transport = SmtpTransport(config, password=password, allow_plain=allow_plain, warn=say,
                                  clock=clock, sleep=sleep)
    rows: list[dict[str, Any]] = []
    try:
        for seq, item in enumerate(outgoing, 1):
            result, size = _one(seq, item, report, transport, config, from_addr)
            report.results.append(result)
            rows.append({"batch": report.batch, "kind": kind, "period": period, "unit": item.unit,
                         "recipients": result.recipients, "subject": result.subject,
                         "attachment": item.attachment.filename if item.attachment else "",
                         "attachment_sha256": sha256(item.attachment.data) if item.attachment else "",
                         "size": size, "status": result.status, "smtp_code": result.code,
                         "smtp_message": result.message, "refused": result.refused, "eml": result.eml})
    finally:
        if transport is not None:
            transport.close()
        if rows:
            records.record(report.db_path, rows)
    return report


def _only(draft: Draft, recipients: list[str]) -> Draft:
    """The same message, envelope limited to the recipients the server refused last time."""
    return Draft(to=draft.to, subject=draft.subject, text=draft.text, html=draft.html, cc=draft.cc,
                 attachments=draft.attachments, images=draft.images, envelope=recipients)


def _one(seq: int, item: Outgoing, report: MailReport, transport: SmtpTransport | None,
         config: SmtpConfig, from_addr: str) -> tuple[MailResult, int | None]:
    draft = item.draft
    att_name = item.attachment.filename if item.attachment else ""
    if item.skip:
        return MailResult(item.unit, list(draft.to), draft.subject, "skipped", None, item.skip, att_name), None
    msg = build_message(draft, from_addr=from_addr, from_name=config.from_name)
    raw = to_bytes(msg)
    rcpts = list(draft.envelope) if draft.envelope else envelope_recipients(msg)
    if report.dry_run:
        assert report.outbox is not None
        path = _outbox.write_eml(report.outbox, seq, item.unit or t("mail.rollup_label"), raw)
        # the local limit is known without a server: say so now rather than at send time
        note = ""
        if config.max_bytes and len(raw) > config.max_bytes:
            note = t("mail.too_big_local", size=human_size(len(raw)), limit=human_size(config.max_bytes))
        return MailResult(item.unit, rcpts, draft.subject, "dry-run", None, note, att_name, str(path)), len(raw)
    assert transport is not None
    res: SendResult = transport.send(raw, from_addr, rcpts)
    eml = ""
    if report.outbox is not None:  # an explicit --outbox keeps a copy of what was sent
        eml = str(_outbox.write_eml(report.outbox, seq, item.unit or t("mail.rollup_label"), raw))
    return MailResult(item.unit, rcpts, draft.subject, res.status, res.code, res.message, att_name, eml,
                      dict(res.refused)), len(raw)


def load_config(ctx: MailContext, *, config: SmtpConfig | None = None, config_file: str | Path | None = None,
                ca_file: str | Path | None = None, rate: float | None = None) -> SmtpConfig:
    """The SMTP configuration for a run: an explicit SmtpConfig, else 设置 + config file + options."""
    if config is not None:
        if ca_file:
            config.ca_file = str(ca_file)
        if rate is not None:
            config.rate_per_minute = rate
        return config
    return resolve_config(ctx.settings, config_file, ca_file=ca_file, rate=rate)
