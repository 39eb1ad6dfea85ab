"""起草报告, 起草通报: the drafted documents from the ribbon.

Both read the ledger the last 合并回收表 filled, with the open workbook as the master (as 标注缺口
does), and write the .docx beside the master; the clerk opens it in Word or WPS and fills in the
highlighted parts.
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


def draft_report(book: Any) -> str:
    """起草报告: ``documents.draft_report`` on the period's roll-up, written beside the master."""
    from sheetsync.documents import draft_report as run
    from sheetsync.documents.source import facts_from_rollup
    from sheetsync.ribbon.rollup_buttons import ledger_rollup, rollup_path

    path, live, rollup = ledger_rollup(book)
    facts = facts_from_rollup(rollup, live.settings)
    res = run(rollup_path(path, live, rollup.period), _output(path, live.region, rollup.period, "report"),
              facts=facts)
    return _message(res, "report")


def draft_notice(book: Any) -> str:
    """起草通报: ``documents.draft_notice``; a 考核结果 workbook beside the master adds the ranking."""
    from sheetsync.documents import draft_notice as run
    from sheetsync.documents.source import facts_from_rollup
    from sheetsync.ribbon.rollup_buttons import ledger_rollup, rollup_path

    path, live, rollup = ledger_rollup(book)
    facts = facts_from_rollup(rollup, live.settings)
    res = run(rollup_path(path, live, rollup.period), _output(path, live.region, rollup.period, "notice"),
              facts=facts, assessment=assessment_beside(path))
    return _message(res, "notice")
