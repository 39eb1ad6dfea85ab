"""``draft_notice``: the 通报 (circular on reporting) from a roll-up, as a GB/T 9704 .docx 初稿."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sheetsync.core.model import Master
    from sheetsync.documents.report import DraftResult
    from sheetsync.documents.source import Facts


def draft_notice(rollup: str | Path, output: str | Path, *, master: str | Path | Master | None = None,
                 assessment: str | Path | None = None, template: str | Path | None = None,
                 facts: Facts | None = None, when: date | None = None, lang: str | None = None) -> DraftResult:
    """Draft the circular on the roll-up at ``rollup`` (its stored summary) into ``output`` (.docx);
    ``master`` as in :func:`~sheetsync.documents.report.draft_report`.

    Without ``assessment`` it is about reporting: on time, late, missing, lagging tasks. With the
    考核结果 workbook of ``sheetsync assess`` it adds the 红榜/黑榜 paragraphs and the ranking table.
    """
    from sheetsync.documents.assessment import check_assessment_matches, read_assessment
    from sheetsync.documents.compose import compose_notice
    from sheetsync.documents.report import check_facts, refuse_inputs, write_draft
    from sheetsync.documents.source import load_facts

    refuse_inputs(output, rollup, master, assessment, template)
    facts = facts or load_facts(rollup, master)
    check_facts(facts)
    scores = read_assessment(assessment) if assessment else None
    if scores is not None and assessment is not None:
        check_assessment_matches(scores, facts, Path(assessment), Path(rollup))
    draft = compose_notice(facts, scores, when=when, lang=lang)
    return write_draft(draft, facts, output, template)
