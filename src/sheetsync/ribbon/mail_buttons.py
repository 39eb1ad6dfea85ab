"""发送填报表, 催报, 报送汇总: ``sheetsync mail distribute | remind | send`` from the ribbon.

The open workbook is the master (its 设置 decide the server, sender and recipients, unsaved edits
included); the mail log and the outbox live beside the saved master file, as the CLI puts them.
With no SMTP server in 设置 the messages are only written as .eml files to the outbox (a dry
run) and the message box says where. Each run rewrites the 邮件结果 sheet: one row per message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.errors import SheetsyncError
from sheetsync.i18n import t
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

STATUS_FILL = {"sent": GREEN, "dry-run": BLUE, "failed": RED, "partial": RED, "skipped": AMBER}
MAX_PROBLEMS_SHOWN = 8


def send_returns(book: Any, folder: Path) -> str:
    """发送填报表: ``distribute(split folder, open master)``."""
    from sheetsync.mail import distribute
    from sheetsync.ribbon.handlers import live_master

    live = live_master(book)
    master_file(book)
    return show_report(book, distribute(folder, live))


def remind(book: Any) -> str:
    """催报: the period's gaps from the ledger → a reminder to each unit with gaps, its workbook
    attached again from the split folder beside the master (found by the period in its manifest)."""
    from sheetsync.mail import find_split_dir, read_manifest
    from sheetsync.mail import remind as run
    from sheetsync.ribbon.rollup_buttons import ledger_rollup

    path, live, rollup = ledger_rollup(book)
    gaps = rollup.gaps_by_unit()
    if not gaps:
        return t("ribbon.mail.nothing_to_remind", period=rollup.period)
    manifest = read_manifest(find_split_dir(path.parent, rollup.period))
    report = run(live, gaps, manifest.workbooks(), period=rollup.period, due=manifest.due,
                 db_path=path.parent / "sheetsync.db")
    return show_report(book, report)


def report_up(book: Any) -> str:
    """报送汇总: ``send_rollup`` of the roll-up 合并回收表 wrote beside the master to 设置·上报收件人."""
    from sheetsync.mail import send_rollup
    from sheetsync.ribbon.handlers import live_master
    from sheetsync.ribbon.rollup_buttons import rollup_path

    live = live_master(book)
    path = master_file(book)
    rollup = rollup_path(path, live, period_of(live))
    if not rollup.is_file():
        raise SheetsyncError(t("ribbon.mail.no_rollup", file=str(rollup)), hint=t("ribbon.mail.no_rollup_hint"))
    return show_report(book, send_rollup(rollup, [], master=live))


def show_report(book: Any, report: Any) -> str:
    """The 邮件结果 sheet (one row per message, coloured by status) and the message box text."""
    sheet = fresh_sheet(book, "ribbon.sheet.mail")
    header = [t(f"ribbon.mail.col.{k}") for k in ("unit", "recipients", "subject", "status", "message", "attachment",
                                                    "eml")]
    rows = [[r.unit or t("mail.rollup_label"), "; ".join(r.recipients), r.subject, t(f"mail.status.{r.status}"),
             r.message, r.attachment, r.eml] for r in report.results]
    write_table(sheet, header, rows)
    paint(sheet, {(i, 4): STATUS_FILL.get(r.status) for i, r in enumerate(report.results, start=2)})
    sheet.activate()

    lines = [report.summary(), *report.warnings]
    if report.outbox and report.counts["dry-run"]:
        lines.append(t("mail.outbox_written", dir=str(report.outbox)))
    problems = [r for r in report.results if r.status in ("failed", "partial", "skipped")]
    for r in problems[:MAX_PROBLEMS_SHOWN]:
        lines.append(f"[{t(f'mail.status.{r.status}')}] {r.unit or t('mail.rollup_label')}：{r.message}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(t("ribbon.mail.more", n=len(problems) - MAX_PROBLEMS_SHOWN, sheet=sheet.name))
    if not report.ok:  # something failed: the box says so as an error, the sheet has every row
        raise SheetsyncError("\n".join(lines), hint=t("ribbon.mail.retry_hint"))
    return "\n".join(lines)
