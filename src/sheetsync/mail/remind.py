"""催报: a reminder to each unit that has not reported or left gaps, listing exactly what is missing.

:func:`remind_period` is the whole 催报 step the CLI and the ribbon run: the period's gaps from
the ledger (``sheetsync.merge.status``), the split folder of that period beside the master (its
manifest lists each unit's workbook and the due date), then :func:`remind`, which attaches each
unit's workbook again so nobody has to dig for last month's e-mail.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sheetsync.i18n import t
from sheetsync.mail.batch import (
    MailReport,
    Outgoing,
    common_values,
    context_from,
    load_config,
    recipients_for,
    run_batch,
)
from sheetsync.mail.compose import Attachment, Draft, GapLine
from sheetsync.mail.templates import Rich, default_templates_dir, load_templates
from sheetsync.mail.transport import SmtpConfig, split_addresses

TH = 'style="border:1px solid #c8d0da;background:#eef2f7;padding:4px 8px;text-align:left;font-weight:bold;"'
TD = 'style="border:1px solid #c8d0da;padding:4px 8px;vertical-align:top;"'
TABLE = 'style="border-collapse:collapse;font-size:13px;margin:4px 0;" cellpadding="0" cellspacing="0" border="0"'


def gap_text(lines: Sequence[GapLine]) -> str:
    out = []
    for i, g in enumerate(lines, 1):
        detail = f"（{g.detail}）" if g.detail else ""
        what = " ".join(p for p in (g.task_id, g.title) if p)
        out.append(f"{i}. 【{g.kind}】{what}{detail}")
    return "\n".join(out)


def gap_table(lines: Sequence[GapLine]) -> str:
    """The gap list as a table with inline styles (Outlook ignores <style> blocks)."""
    heads = [t("mail.col.no"), t("mail.col.kind"), t("mail.col.task_id"), t("mail.col.title"), t("mail.col.detail")]
    rows = ["<tr>" + "".join(f"<th {TH}>{html.escape(h)}</th>" for h in heads) + "</tr>"]
    for i, g in enumerate(lines, 1):
        cells = [str(i), g.kind, g.task_id, g.title, g.detail]
        rows.append("<tr>" + "".join(f"<td {TD}>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return f"<table {TABLE}>" + "".join(rows) + "</table>"


def remind(master: Any, gaps_by_unit: Mapping[str, Iterable[Any]], workbooks: Mapping[str, str | Path], *,
           period: str, due: str = "", cc: Iterable[str] = (), dry_run: bool | None = None,
           outbox: str | Path | None = None, db_path: str | Path | None = None, retry: bool | str = False,
           allow_plain: bool = False, unit_emails: Mapping[str, str] | None = None,
           config: SmtpConfig | None = None, config_file: str | Path | None = None,
           ca_file: str | Path | None = None, rate: float | None = None,
           templates_dir: str | Path | None = None, warn: Callable[[str], None] | None = None,
           clock: Callable[[], float] = time.monotonic,
           sleep: Callable[[float], None] = time.sleep) -> MailReport:
    """Remind every unit with a non-empty gap list; attach its workbook from ``workbooks``.

    Gap items may be GapLine objects, 4-tuples (type, task id, title, detail) or mappings —
    see :meth:`GapLine.coerce`. A unit whose workbook cannot be found is skipped with a message.
    """
    ctx = context_from(master, unit_emails)
    cfg = load_config(ctx, config=config, config_file=config_file, ca_file=ca_file, rate=rate)
    templates = load_templates("remind", ctx.settings, templates_dir or default_templates_dir(ctx.base_dir))
    base_values = common_values(ctx, period, due or ctx.setting("due"))
    cc_list = [*cfg.cc, *[a for c in cc for a in split_addresses(c)]]
    outgoing: list[Outgoing] = []
    for unit, items in gaps_by_unit.items():
        lines = [GapLine.coerce(g) for g in items]
        if not lines:
            continue
        to, reason = recipients_for(ctx, unit)
        wb = workbooks.get(unit)
        attachment = None
        if not reason:
            if wb and Path(wb).is_file():
                attachment = Attachment.from_path(wb)
            else:
                reason = t("mail.workbook_missing", unit=unit, file=str(wb or "?"))
        values = {**base_values, "unit": unit, "attachment": Path(wb).name if wb else "",
                  "gap_count": str(len(lines)), "gaps": Rich(gap_text(lines), gap_table(lines))}
        subject, text, body_html = templates.render(values)
        draft = Draft(to=to, cc=cc_list if to else [], subject=subject, text=text, html=body_html,
                      attachments=[attachment] if attachment else [])
        outgoing.append(Outgoing(unit, draft, attachment, skip=reason))
    return run_batch("remind", period, outgoing, ctx=ctx, config=cfg, dry_run=dry_run, outbox=outbox,
                     db_path=db_path, retry=retry, allow_plain=allow_plain, warn=warn, clock=clock,
                     sleep=sleep)


def remind_period(master_path: str | Path, period: str | None = None, *, master: Any = None,
                  split_dir: str | Path | None = None, due: str = "", db_path: str | Path | None = None,
                  rollup: Any = None, **mail_options: Any) -> MailReport:
    """Remind every unit with a gap in ``period`` (default: the master's 报送周期).

    ``master``: the master as already read (the ribbon passes the open workbook, unsaved edits
    included); ``master_path`` still locates the ledger, the split folder and the outbox.
    ``rollup``: the period's roll-up if the caller already built it from the ledger.
    ``split_dir`` defaults to the split output beside the master whose manifest is for the
    period; ``due`` to that manifest's due date. ``mail_options`` go to :func:`remind` (cc,
    dry_run, outbox, retry, ...). With no gap left the report has no results.
    """
    from sheetsync.ledger import default_path
    from sheetsync.master.workbook import read_master
    from sheetsync.merge import status
    from sheetsync.split.manifest import find_split_dir, read_manifest

    master_path = Path(master_path)
    if master is None:
        master = read_master(master_path)
    db = Path(db_path) if db_path else default_path(master_path)
    if rollup is None:  # no merge yet: every unit is a 未报送 gap, so every unit is reminded
        rollup = status(master_path, period, db, master=master)
    gaps = rollup.gaps_by_unit()
    if not gaps:  # nothing owed: no server is contacted, nothing is logged
        return MailReport("remind", "", period=rollup.period, db_path=db)
    manifest = read_manifest(split_dir or find_split_dir(master_path.resolve().parent, rollup.period))
    return remind(master, gaps, manifest.workbooks(), period=rollup.period, due=due or manifest.due, db_path=db,
                  **mail_options)
