"""The ribbon's button registry: one place says what the 任务汇总 tab shows and what each click runs.

The customUI XML, the dialog each button needs (carried to VBA in the control's ``tag``) and the
Python handler a click dispatches to are all derived from :data:`BUTTONS`, so adding a button is
one entry here and a rebuild — the VBA dispatcher never changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sheetsync.i18n import t

Needs = Literal["none", "file", "folder"]

#: group id -> label key, in ribbon order
GROUPS: dict[str, str] = {
    "master": "ribbon.group.master",
    "distribute": "ribbon.group.distribute",
    "rollup": "ribbon.group.rollup",
    "mail": "ribbon.group.mail",
    "assess": "ribbon.group.assess",
    "documents": "ribbon.group.documents",
    "levels": "ribbon.group.levels",
    "help": "ribbon.group.help",
}

TAB_ID = "sheetsyncTab"
TAB_LABEL_KEY = "ribbon.tab"
#: the one VBA Sub every button calls (macros/SheetsyncRibbon.bas)
DISPATCH_MACRO = "SheetsyncDispatch"


@dataclass(frozen=True)
class Button:
    """One ribbon button.

    ``id`` is ASCII because it crosses VBA and the Python command line; everything a user reads
    is an i18n key. ``handler`` is ``"module:function"`` so the registry can be imported (and the
    XML generated) without importing xlwings or any core module.
    """

    id: str
    label_key: str
    icon: str  # imageMso: a built-in Office icon, nothing to ship
    group: str
    handler: str
    needs: Needs = "none"
    file_filter: str = ""  # for needs="file": "*.docx;*.txt" patterns shown in the dialog
    size: Literal["large", "normal"] = "large"

    @property
    def screentip_key(self) -> str:
        return f"{self.label_key}.tip"

    @property
    def supertip_key(self) -> str:
        return f"{self.label_key}.super"

    @property
    def dialog_key(self) -> str:
        return f"{self.label_key}.dialog"

    def label(self, lang: str | None = None) -> str:
        return t(self.label_key, lang=lang)

    def tag(self, lang: str | None = None) -> str:
        """What the VBA dispatcher needs before calling Python: ``needs|filter|dialog title``.

        VBA cannot see the registry, so the dialog to show travels in the control's tag.
        """
        if self.needs == "none":
            return "none"
        return "|".join((self.needs, self.file_filter, t(self.dialog_key, lang=lang)))


_P = "sheetsync.ribbon"
_H = f"{_P}.handlers"

BUTTONS: tuple[Button, ...] = (
    Button("importPlan", "ribbon.importPlan", "ImportTextFile", "master", f"{_P}.import_plan:import_plan",
           needs="file", file_filter="*.docx;*.xlsx;*.txt;*.md;*.html;*.htm;*.mht;*.mhtml"),
    Button("checkMaster", "ribbon.checkMaster", "DataValidation", "master", f"{_H}:check_master"),
    Button("makeReturns", "ribbon.makeReturns", "FileNew", "distribute", f"{_H}:make_returns", needs="folder"),
    Button("sendReturns", "ribbon.sendReturns", "FileSendAsAttachment", "distribute", f"{_P}.mail_buttons:send_returns",
           needs="folder"),
    Button("mergeReturns", "ribbon.mergeReturns", "Consolidate", "rollup", f"{_P}.rollup_buttons:merge_returns", needs="folder"),
    Button("markGaps", "ribbon.markGaps", "ConditionalFormattingMenu", "rollup", f"{_P}.rollup_buttons:mark_gaps"),
    Button("refreshOverview", "ribbon.refreshOverview", "RefreshAll", "rollup", f"{_P}.rollup_buttons:refresh_overview"),
    Button("remind", "ribbon.remind", "NewMailMessage", "mail", f"{_P}.mail_buttons:remind"),
    Button("reportUp", "ribbon.reportUp", "FileSendAsAttachment", "mail", f"{_P}.mail_buttons:report_up"),
    Button("resendFailed", "ribbon.resendFailed", "Redo", "mail", f"{_P}.mail_buttons:resend_failed", size="normal"),
    Button("assessUnits", "ribbon.assessUnits", "ChartInsert", "assess", f"{_P}.assess_buttons:assess_units"),
    Button("draftReport", "ribbon.draftReport", "CreateReport", "documents", f"{_P}.document_buttons:draft_report"),
    Button("draftNotice", "ribbon.draftNotice", "FileDocumentInspect", "documents", f"{_P}.document_buttons:draft_notice"),
    Button("deriveMaster", "ribbon.deriveMaster", "FileNew", "levels", f"{_P}.level_buttons:derive_master",
           needs="file", file_filter="*.xlsx"),
    Button("exportReturn", "ribbon.exportReturn", "FileSaveAs", "levels", f"{_P}.level_buttons:export_return",
           needs="file", file_filter="*.xlsx"),
    Button("help", "ribbon.help", "Help", "help", f"{_H}:show_help"),
    Button("settings", "ribbon.settings", "PropertySheet", "help", f"{_H}:show_settings"),
)


def button(button_id: str) -> Button:
    """The button with this id; KeyError for an id the registry does not know."""
    for b in BUTTONS:
        if b.id == button_id:
            return b
    raise KeyError(button_id)


def by_group() -> dict[str, list[Button]]:
    """Buttons per group, groups in ribbon order (a group without buttons is left out)."""
    out: dict[str, list[Button]] = {g: [] for g in GROUPS}
    for b in BUTTONS:
        out[b.group].append(b)
    return {g: bs for g, bs in out.items() if bs}
