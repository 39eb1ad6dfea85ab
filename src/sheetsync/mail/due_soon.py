"""``remind --due-soon``: the 催报 a scheduled task may run every day.

It sends only on the reporting calendar's 催报 working days (from a period's 催报日 to its
deadline, :mod:`sheetsync.core.calendar`), only to units that have not reported the period, and
never twice on one day: a unit already sent a reminder for the period today (the mail log)
is left out. Any other day it does nothing and says so, so Windows Task Scheduler or cron can
run it daily without anyone deciding when to chase.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sheetsync.core.calendar import ScheduleRow, load_calendar, period_schedule, schedule
from sheetsync.i18n import t
from sheetsync.mail.batch import MailReport
from sheetsync.mail.records import history


def due_periods(master: Any, today: date, period: str | None = None) -> list[ScheduleRow]:
    """The periods whose 催报 window holds ``today`` (a working day): ``period`` alone when given."""
    cal = load_calendar(master)
    if period:
        hit = period_schedule(master, period, calendar=cal)
        rows = [(hit[0], hit[1])] if hit else []
    else:
        rows = [(r, s) for y in (today.year - 1, today.year) for s in [schedule(master, y, calendar=cal)] for r in s.rows]
    return [r for r, s in rows if r.remind <= today <= r.due and today in s.remind_days(r)]


def reminded_today(db_path: str | Path, period: str, day: date | None = None) -> set[str]:
    """Units the mail log shows a reminder sent to for ``period`` on ``day`` — one the server may
    have taken (outcome unknown) counts too: a second 催报 the same day is what the rule prevents."""
    from sheetsync.mail.records import UNKNOWN

    day = day or datetime.now().date()
    return {r["unit"] for r in history(db_path, "remind", period)
            if r["status"] in ("sent", "partial", UNKNOWN) and str(r["time"])[:10] == day.isoformat()}


def remind_due_soon(master_path: str | Path, *, today: date | None = None, period: str | None = None,
                    db_path: str | Path | None = None, split_dir: str | Path | None = None,
                    **mail_options: Any) -> MailReport:
    """Remind the units that have not reported a period whose 催报 window is today.

    ``today``: the day judged (default: today); the once-a-day rule always counts the real day
    a reminder was sent. ``mail_options`` go to :func:`sheetsync.mail.remind.remind`."""
    from sheetsync.ledger import default_path
    from sheetsync.mail.remind import remind
    from sheetsync.master.workbook import read_master
    from sheetsync.merge import status
    from sheetsync.split.manifest import find_split_dir, read_manifest

    master_path = Path(master_path)
    master = mail_options.pop("master", None) or read_master(master_path)
    db = Path(db_path) if db_path else default_path(master_path)
    today = today or date.today()
    rows = due_periods(master, today, period)
    if not rows:
        return MailReport("remind", "", period=period or "", db_path=db,
                          warnings=[t("calendar.not_remind_day", day=today.isoformat())])
    report: MailReport | None = None
    notes: list[str] = []
    for row in rows:
        label = row.period.label()
        rollup = status(master_path, label, db, master=master)
        done = reminded_today(db, label)
        owed = {u: [g for g in gaps if g.type == "not_reported"] for u, gaps in rollup.gaps_by_unit().items()}
        owed = {u: gaps for u, gaps in owed.items() if gaps and u not in done}
        if done:
            notes.append(t("calendar.reminded_today", period=label, n=len(done), units="、".join(sorted(done))))
        if not owed:
            notes.append(t("calendar.nobody_owes", period=label))
            continue
        manifest = read_manifest(split_dir or find_split_dir(master_path.resolve().parent, label))
        part = remind(master, owed, manifest.workbooks(), period=manifest.period, due=row.due_text, db_path=db,
                      **mail_options)
        if report is None:
            report = part
        else:
            report.results.extend(part.results)
            report.warnings.extend(part.warnings)
    if report is None:
        report = MailReport("remind", "", period=rows[0].period.label(), db_path=db)
    report.warnings.extend(notes)
    return report
