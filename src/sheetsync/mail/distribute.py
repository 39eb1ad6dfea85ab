"""Distribute: every unit gets its own return workbook from ``split`` by e-mail.

The split folder's ``manifest.json`` says which file belongs to which unit and where to send
it (:mod:`sheetsync.split.manifest`); the master's 单位.邮箱 fills in addresses the manifest lacks. A unit without an address is
reported (and logged as skipped, so ``--retry`` picks it up once 邮箱 is filled in), never dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
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
from sheetsync.mail.compose import Attachment, Draft
from sheetsync.mail.templates import default_templates_dir, load_templates
from sheetsync.mail.transport import SmtpConfig, split_addresses
from sheetsync.split.manifest import read_manifest


def distribute(outdir: str | Path, master: Any, *, cc: Iterable[str] = (), dry_run: bool | None = None,
               outbox: str | Path | None = None, db_path: str | Path | None = None, retry: bool | str = False,
               allow_plain: bool = False, unit_emails: Mapping[str, str] | None = None,
               config: SmtpConfig | None = None, config_file: str | Path | None = None,
               ca_file: str | Path | None = None, rate: float | None = None,
               templates_dir: str | Path | None = None, warn: Callable[[str], None] | None = None,
               clock: Callable[[], float] = time.monotonic,
               sleep: Callable[[float], None] = time.sleep) -> MailReport:
    """Send each unit its workbook from the split folder ``outdir``, with instructions and due date.

    ``master``: a Master or a plain settings dict (then give ``unit_emails`` or rely on the
    manifest's addresses). ``dry_run=None`` means: dry run when no SMTP server is configured.
    """
    manifest = read_manifest(outdir)
    ctx = context_from(master, unit_emails)
    if ctx.base_dir is None:
        ctx.base_dir = manifest.folder.parent
    cfg = load_config(ctx, config=config, config_file=config_file, ca_file=ca_file, rate=rate)
    templates = load_templates("distribute", ctx.settings,
                               templates_dir or default_templates_dir(ctx.base_dir))
    period = manifest.period or ctx.setting("period")
    base_values = common_values(ctx, period, manifest.due or ctx.setting("due"))
    base_values["region"] = base_values["region"] or manifest.region
    base_values["plan"] = base_values["plan"] or manifest.plan
    cc_list = [*cfg.cc, *[a for c in cc for a in split_addresses(c)]]
    outgoing: list[Outgoing] = []
    for mu in manifest.units:
        to, reason = recipients_for(ctx, mu.unit, mu.email)
        path = manifest.folder / mu.file
        attachment = None
        if not reason:
            if path.is_file():
                attachment = Attachment.from_path(path)
            else:
                reason = t("mail.workbook_missing", unit=mu.unit, file=str(path))
        values = {**base_values, "unit": mu.unit, "attachment": path.name,
                  "lead_tasks": str(mu.lead_tasks), "co_tasks": str(mu.co_tasks)}
        subject, text, html = templates.render(values)
        draft = Draft(to=to, cc=cc_list if to else [], subject=subject, text=text, html=html,
                      attachments=[attachment] if attachment else [])
        outgoing.append(Outgoing(mu.unit, draft, attachment, skip=reason))
    return run_batch("distribute", period, outgoing, ctx=ctx, config=cfg, dry_run=dry_run, outbox=outbox,
                     db_path=db_path, retry=retry, allow_plain=allow_plain, warn=warn, clock=clock,
                     sleep=sleep)
