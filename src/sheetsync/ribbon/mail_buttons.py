"""发送填报表, 催报, 报送汇总, 重发失败: ``sheetsync mail distribute | remind | send [--retry]`` from the ribbon.

The open workbook is the master (its 设置 decide the server, sender and recipients, unsaved edits
included); the mail log and the outbox live beside the saved master file, as the CLI puts them.
With no SMTP server in 设置 the messages are only written as .eml files to the outbox (a dry
run) and the message box says where. Each run rewrites the 邮件结果 sheet: one row per message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t
from sheetsync.ledger import default_path
from sheetsync.ribbon.sheets import (
    AMBER,
    BLUE,
    GREEN,
    RED,
    fresh_sheet,
    master_file,
    paint,
    period_of,
    write_table,
)

# "unknown" (may have arrived: check, do not resend blindly) in amber like a skipped unit
STATUS_FILL = {"sent": GREEN, "dry-run": BLUE, "failed": RED, "partial": RED, "skipped": AMBER, "unknown": AMBER}
PROBLEMS = ("failed", "partial", "unknown", "skipped")  # the rows also listed in the message box
MAX_PROBLEMS_SHOWN = 8


def send_returns(book: Any, folder: Path) -> str:
    """发送填报表: ``distribute(split folder, open master)``."""
    return show_report(book, _distribute(book, folder))


def remind(book: Any) -> str:
    """催报: the period's gaps from the ledger → a reminder to each unit with gaps, its workbook
    attached again from the split folder beside the master (found by the period in its manifest)."""
    report, nothing = _remind(book)
    return nothing if report is None else show_report(book, report)


def report_up(book: Any) -> str:
    """报送汇总: ``send_rollup`` of the roll-up 合并回收表 wrote beside the master to 设置·上报收件人."""
    return show_report(book, _report_up(book))


def resend_failed(book: Any) -> str:
    """重发失败: what ``--retry`` is on the command line, for every kind of mail at once.

    Why one button and not a retry per button: a clerk who fixed an address or the server wants
    whatever did not go out this period to go out now — not to resend all 70 workbooks (which is
    what clicking 发送填报表 again does), and not to remember which button failed. Each kind with a
    unit whose last attempt failed, was refused or skipped (:func:`records.outstanding`) is
    run again with ``retry=True``: only those units, only the refused addresses of a partly
    refused message. 发送填报表's folder is found beside the master by the period, as 催报 finds it.

    A message whose outcome is unknown (the server took it and dropped the connection before
    confirming) may have arrived: the button never resends it and says so — how many, to whom,
    and the command line that resends them once the clerk has checked. Why no yes/no prompt
    instead: the ribbon has no confirm step (a message box only informs), and resending on a
    click would give a unit that did receive it a second copy; telling is the safe default.
    """
    from sheetsync.mail import find_split_dir
    from sheetsync.mail.records import outstanding
    from sheetsync.ribbon.handlers import live_master

    live = live_master(book)
    period = period_of(live)
    path = master_file(book)
    pending = outstanding(default_path(path), period)
    if not pending.kinds and not pending.unknown:
        return t("ribbon.mail.nothing_to_resend", period=period)
    if not pending.kinds:  # only messages that may have arrived: nothing is sent, the sheet is kept
        raise SheetsyncError(pending.unknown_note(), hint=t("ribbon.mail.unknown_hint"))
    reports, notes = [], []
    for kind in pending.kinds:
        if kind == "distribute":
            reports.append(_distribute(book, find_split_dir(path.parent, period), retry=True))
        elif kind == "remind":
            report, nothing = _remind(book, retry=True)
            if report is None:
                notes.append(nothing)  # every gap closed since: no reminder is owed any more
            else:
                reports.append(report)
        else:
            reports.append(_report_up(book, retry=True))
    return show_report(book, *reports, notes=notes, unknown_note=pending.unknown_note())


def _distribute(book: Any, folder: Path, *, retry: bool = False) -> Any:
    from sheetsync.mail import distribute
    from sheetsync.ribbon.handlers import live_master

    live = live_master(book)
    master_file(book)
    return distribute(folder, live, retry=retry)


def _remind(book: Any, *, retry: bool = False) -> tuple[Any, str]:
    """(the reminders' report, "") — or (None, why not) when no unit has a gap."""
    from sheetsync.mail import remind_period
    from sheetsync.ribbon.rollup_buttons import ledger_rollup

    path, live, rollup = ledger_rollup(book)
    report = remind_period(path, rollup.period, master=live, rollup=rollup, retry=retry)
    if not report.results:
        return None, t("ribbon.mail.nothing_to_remind", period=rollup.period)
    return report, ""


def _report_up(book: Any, *, retry: bool = False) -> Any:
    from sheetsync.mail import send_rollup
    from sheetsync.ribbon.handlers import live_master
    from sheetsync.ribbon.rollup_buttons import rollup_path

    live = live_master(book)
    path = master_file(book)
    rollup = rollup_path(path, live, period_of(live))
    if not rollup.is_file():
        raise SheetsyncError(t("ribbon.mail.no_rollup", file=str(rollup)), hint=t("ribbon.mail.no_rollup_hint"))
    return send_rollup(rollup, [], master=live, retry=retry)


def show_report(book: Any, *reports: Any, notes: list[str] | None = None, unknown_note: str = "") -> str:
    """The 邮件结果 sheet (one row per message, coloured by status) and the message box text;
    several reports (重发失败 runs each kind of mail) share the sheet and the box.

    ``unknown_note`` (:meth:`records.Outstanding.unknown_note`) tells about every message of the
    period whose outcome is unknown at once; the runs' own one-per-unit notes of the same are then
    left out of the box."""
    sheet = fresh_sheet(book, "ribbon.sheet.mail")
    header = [t(f"ribbon.mail.col.{k}") for k in ("unit", "recipients", "subject", "status", "message", "attachment",
                                                    "eml")]
    results = [r for report in reports for r in report.results]
    rows = [[r.unit or t("mail.rollup_label"), "; ".join(r.recipients), r.subject, t(f"mail.status.{r.status}"),
             r.message, r.attachment, r.eml] for r in results]
    write_table(sheet, header, rows)
    paint(sheet, {(i, 4): STATUS_FILL.get(r.status) for i, r in enumerate(results, start=2)})
    sheet.activate()

    lines = []
    for report in reports:
        held = set(report.held_notes) if unknown_note else set()
        lines.extend([report.summary(), *(w for w in report.warnings if w not in held)])
    lines.extend(notes or [])
    if unknown_note:
        lines.append(unknown_note)
    for report in reports:
        if report.outbox and report.counts["dry-run"]:
            lines.append(t("mail.outbox_written", dir=str(report.outbox)))
    problems = [r for r in results if r.status in PROBLEMS]
    for r in problems[:MAX_PROBLEMS_SHOWN]:
        lines.append(f"[{t(f'mail.status.{r.status}')}] {r.unit or t('mail.rollup_label')}：{r.message}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(t("ribbon.mail.more", n=len(problems) - MAX_PROBLEMS_SHOWN, sheet=sheet.name))
    unknown = bool(unknown_note) or any(r.status == "unknown" for r in results) or any(
        report.held_unknown for report in reports)
    if unknown or not all(report.ok for report in reports):  # an error box; the sheet has every row
        failed = any(r.status in ("failed", "partial", "skipped") for r in results)
        hints = [t("ribbon.mail.retry_hint")] if failed or not unknown else []
        if unknown:
            hints.append(t("ribbon.mail.unknown_hint"))
        raise SheetsyncError("\n".join(lines), hint=" ".join(hints))
    return "\n".join(lines)
