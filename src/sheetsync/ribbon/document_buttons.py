"""起草报告, 起草通报: the drafted documents from the ribbon.

Both read the summary stored in the period's roll-up that 合并回收表 wrote beside the master, with
the open workbook's 设置 (unsaved edits included), and write the .docx beside the master; the
clerk opens it in Word or WPS and fills in the highlighted parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.i18n import t


def _output(path: Path, region: str, period: str, what: str) -> Path:
    from sheetsync.split.workbook import safe_filename

    name = t("ribbon.documents.output", region=region, period=period, what=t(f"documents.what.{what}")).lstrip("_")
    return path.parent / (safe_filename(name) + ".docx")


def _message(res: Any, what: str) -> str:
    lines = [t("documents.written", what=t(f"documents.what.{what}"), file=res.output)]
    if res.placeholders:
        lines.append(t("documents.placeholders", n=len(res.placeholders), items="；".join(res.placeholders)))
    return "\n".join(lines)


def assessment_beside(path: Path) -> Path | None:
    """The newest 考核结果 workbook beside the master, if there is one (the circular's ranking)."""
    found = sorted(path.parent.glob("*考核结果*.xlsx"), key=lambda p: p.stat().st_mtime, reverse=True)
    return next((p for p in found if not p.name.startswith("~$")), None)


def _facts(book: Any) -> tuple[Path, Any, Path, Any]:
    """(master file, open master, roll-up path, facts) — the roll-up must exist (merge first)."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.documents.source import load_facts
    from sheetsync.ribbon.handlers import live_master
    from sheetsync.ribbon.rollup_buttons import rollup_path
    from sheetsync.ribbon.sheets import master_file, period_of

    live = live_master(book)
    period = period_of(live)
    path = master_file(book)
    rollup = rollup_path(path, live, period)
    if not rollup.is_file():
        raise SheetsyncError(t("documents.no_rollup", file=str(rollup)))
    return path, live, rollup, load_facts(rollup, live)


def draft_report(book: Any) -> str:
    """起草报告: ``documents.draft_report`` on the period's roll-up, written beside the master."""
    from sheetsync.documents import draft_report as run

    path, live, rollup, facts = _facts(book)
    res = run(rollup, _output(path, live.region, facts.period, "report"), facts=facts)
    return _message(res, "report")


def draft_notice(book: Any) -> str:
    """起草通报: ``documents.draft_notice``; a 考核结果 workbook beside the master adds the ranking."""
    from sheetsync.documents import draft_notice as run

    path, live, rollup, facts = _facts(book)
    res = run(rollup, _output(path, live.region, facts.period, "notice"), facts=facts,
              assessment=assessment_beside(path))
    return _message(res, "notice")
