"""E-mail: distribute the workbooks, chase late units (催报), send the roll-up upward.

The three public functions return a :class:`MailReport`; the CLI (``sheetsync mail``) and the
Excel ribbon call them and show the report. Modules: ``compose`` (MIME), ``templates``,
``transport`` (SMTP), ``outbox`` (.eml files), ``records`` (the mail log), ``chart``, and one
module per kind of mail (``distribute``, ``remind``, ``rollup``). See docs/mail.md.
"""

from sheetsync.mail.batch import MailReport, MailResult
from sheetsync.mail.compose import GapLine
from sheetsync.mail.distribute import distribute
from sheetsync.mail.remind import remind, remind_period
from sheetsync.mail.rollup import UpwardSummary, read_rollup_summary, send_rollup
from sheetsync.mail.transport import SmtpConfig, resolve_config
from sheetsync.split.manifest import Manifest, find_split_dir, read_manifest

__all__ = [
    "GapLine", "MailReport", "MailResult", "Manifest", "SmtpConfig", "UpwardSummary", "distribute",
    "find_split_dir", "read_manifest", "read_rollup_summary", "remind", "remind_period", "resolve_config",
    "send_rollup",
]
