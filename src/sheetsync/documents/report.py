"""``draft_report``: the 情况报告 (report upward) from a roll-up, as a GB/T 9704 .docx 初稿."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.core.errors import SheetsyncError
from sheetsync.documents.gbt9704 import PLACEHOLDER, Draft, render
from sheetsync.documents.source import Facts, load_facts
from sheetsync.i18n import t

if TYPE_CHECKING:
    from sheetsync.core.model import Master


@dataclass
class DraftResult:
    """What was written, and what a person still has to write (the 【请补充：…】 placeholders)."""

    output: Path
    draft: Draft
    facts: Facts
    placeholders: list[str] = field(default_factory=list)


def check_facts(facts: Facts) -> None:
    """Settings the drafts depend on, checked before anything is written."""
    from sheetsync.documents import figures

    try:
        figures.mode_of(facts.setting("figures"))
    except ValueError:
        raise SheetsyncError(t("documents.bad_figures", value=facts.setting("figures"))) from None


def refuse_inputs(output: str | Path, *inputs: str | Path | Master | None) -> None:
    """Refuse an output that is one of the files the draft is made from (the roll-up, the master,
    the template, the assessment) or names a workbook: the .docx would replace it."""
    from sheetsync.core.model import Master
    from sheetsync.core.outputs import refuse_replacing

    out = Path(output)
    if out.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".et", ".csv"):
        raise SheetsyncError(t("documents.output_not_docx", file=str(out)), file=str(out))
    for item in inputs:
        path = item.path if isinstance(item, Master) else item
        if path is None:
            continue
        path = Path(path)
        try:
            same = out.exists() and path.exists() and out.samefile(path)
        except OSError:
            same = False
        if same or out.resolve() == path.resolve():
            raise SheetsyncError(t("documents.output_is_input", file=str(out)), file=str(out))
    refuse_replacing(out, "draft")  # an earlier draft; never the plan, the ledger or any other file


def write_draft(draft: Draft, facts: Facts, output: str | Path, template: str | Path | None) -> DraftResult:
    """Render ``draft`` and say which parts are left to write."""
    if template is not None:
        template = Path(template)
        _check_template(template)
        try:
            import docx

            docx.Document(str(template))
        except Exception as exc:  # noqa: BLE001 - any unreadable template gets the same clear message
            raise SheetsyncError(t("documents.bad_template", file=str(template), detail=str(exc)[:200]),
                                 file=str(template)) from exc
    out = render(draft, output, template=template)
    return DraftResult(out, draft, facts, PLACEHOLDER.findall(draft.text()))


def _check_template(template: Path) -> None:
    """Intake's package checks (entry count, sizes, compression ratio, DTDs) before python-docx
    opens a template the clerk picked: it is opened in this process, to write on."""
    from sheetsync.intake.limits import Limits
    from sheetsync.intake.zipcheck import check_zip

    if not template.is_file():
        raise SheetsyncError(t("core.file_missing", file=str(template)), file=str(template))
    with template.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(b"PK"):
        return  # not a package: python-docx says so below
    for f in check_zip(template, Limits(), head).findings:
        if f.severity == "error":
            raise SheetsyncError(t("documents.bad_template", file=str(template), detail=f.message), file=str(template))


def draft_report(rollup: str | Path, output: str | Path, *, master: str | Path | Master | None = None,
                 template: str | Path | None = None, facts: Facts | None = None,
                 sections: dict[str, str] | None = None, when: date | None = None,
                 lang: str | None = None) -> DraftResult:
    """Draft the report on the roll-up at ``rollup`` (its stored summary) into ``output`` (.docx).

    ``master``: the 设置 (document keys, 报送截止日期) come from it; without it the defaults
    apply and the draft cannot tell on-time from late returns. ``facts``: already loaded
    (:func:`~sheetsync.documents.source.load_facts`); ``sections``: headings of the
    plan's top-level task groups (一 → 强化基层组织建设), else each group is named by its tasks;
    ``template``: an office's letterhead .docx to fill; ``when``: 成文日期 (else 设置, else today).
    """
    from sheetsync.documents.compose import compose_report

    refuse_inputs(output, rollup, master, template)
    facts = facts or load_facts(rollup, master)
    check_facts(facts)
    draft = compose_report(facts, sections=sections, when=when, lang=lang)
    return write_draft(draft, facts, output, template)
