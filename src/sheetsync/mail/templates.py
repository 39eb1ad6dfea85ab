"""Subject and body templates staff can edit, with {单位}-style placeholders.

One text template per message kind drives both parts of the message: the plain-text part is
the template as written, the HTML part is the same template with values escaped and the
"block" placeholders ({缺口清单}, {总览}, {图表}) rendered as tables / the chart image. A
``<kind>.html`` file in the templates folder replaces the derived HTML when staff want their own.

Where a template comes from, highest first: the templates folder (``<kind>.subject.txt``,
``<kind>.txt``, ``<kind>.html``), the 设置 sheet (keys below), the built-in default in the
current language. Placeholders are checked: an unknown one is an error naming it and where it
was written, never a message sent with ``{单住}`` in it.
"""

from __future__ import annotations

import html as _html
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sheetsync.core.errors import SheetsyncError
from sheetsync.core.schema import SETTING_KEYS, Label, key_for
from sheetsync.i18n import t

KINDS = ("distribute", "remind", "send")

# Chinese placeholder → English placeholder; both spellings work in any template.
PLACEHOLDERS: dict[str, str] = {
    "单位": "unit",
    "报送周期": "period",
    "截止日期": "due",
    "缺口清单": "gaps",
    "缺口数": "gap_count",
    "地区": "region",
    "计划名称": "plan",
    "牵头科室": "office",
    "联系人": "contact",
    "联系电话": "phone",
    "附件": "attachment",
    "牵头任务数": "lead_tasks",
    "配合任务数": "co_tasks",
    "总览": "summary",
    "图表": "chart",
}
_NAMES = set(PLACEHOLDERS) | set(PLACEHOLDERS.values())

# settings keys (and their 设置-sheet labels) that override the defaults
TEMPLATE_SETTINGS: tuple[Label, ...] = tuple(
    lab for lab in SETTING_KEYS if lab.key.startswith("mail_") and lab.key.endswith(("_subject", "_body")))

# full-width braces typed with a Chinese input method: ｛单位｝ means {单位}
_FULLWIDTH = re.compile(r"｛([^｛｝{}\s]{1,12})｝")


@dataclass(frozen=True)
class Rich:
    """A value with its own HTML form (a table, an image) instead of escaped text."""

    text: str
    html: str


Value = str | Rich


@dataclass(frozen=True)
class Template:
    text: str
    source: str  # where it was read: "默认模板", "设置!分发邮件主题", a file path — for errors

    def fields(self) -> list[str]:
        return [f for _, f, _, _ in _parse(self.text, self.source) if f is not None]

    def check(self) -> None:
        for name in self.fields():
            if name not in _NAMES:
                raise SheetsyncError(
                    t("mail.tpl_unknown", name=name, source=self.source,
                      known="、".join("{" + n + "}" for n in PLACEHOLDERS)))

    def render(self, values: Mapping[str, Value], *, html: bool = False) -> str:
        """Fill the placeholders; ``html=True`` escapes text and uses each Rich value's HTML."""
        self.check()
        out: list[str] = []
        for literal, name, _spec, _conv in _parse(self.text, self.source):
            out.append(_html.escape(literal, quote=False) if html else literal)
            if name is None:
                continue
            value = values.get(PLACEHOLDERS.get(name, name), "")
            if isinstance(value, Rich):
                out.append(value.html if html else value.text)
            else:
                out.append(_html.escape(value, quote=False) if html else value)
        return "".join(out)


def _parse(text: str, source: str) -> list[tuple[str, str | None, str | None, str | None]]:
    text = _FULLWIDTH.sub(lambda m: "{" + m.group(1) + "}", text)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:  # a lone { or }
        raise SheetsyncError(t("mail.tpl_braces", source=source, reason=str(exc))) from exc
    for _lit, name, spec, conv in parsed:
        if name is not None and (spec or conv):
            raise SheetsyncError(t("mail.tpl_unknown", name=name + (f"!{conv}" if conv else "")
                                   + (f":{spec}" if spec else ""), source=source,
                                   known="、".join("{" + n + "}" for n in PLACEHOLDERS)))
    return parsed


@dataclass(frozen=True)
class TemplateSet:
    subject: Template
    body: Template
    html: Template | None = None  # a hand-written HTML body; None → derived from ``body``

    def check(self) -> None:
        for tpl in (self.subject, self.body, self.html):
            if tpl is not None:
                tpl.check()

    def render(self, values: Mapping[str, Value]) -> tuple[str, str, str]:
        """(subject, plain text, HTML document)."""
        subject = " ".join(self.subject.render(values).split())  # one line, always
        # an empty block value ({图表} in the text part) must not leave a hole of blank lines
        text = re.sub(r"\n[ \t]*(?:\n[ \t]*){2,}", "\n\n", self.body.render(values))
        if self.html is not None:
            # a hand-written template may carry a script; mail clients block it anyway, so drop it
            body_html = _SCRIPT.sub("", self.html.render(values, html=True))
            if "<html" in body_html.lower():
                return subject, text, body_html
        else:
            body_html = text_to_html(self.body.render(values, html=True))
        return subject, text, wrap_html(body_html, subject)


_SCRIPT = re.compile(r"<script\b.*?(?:</script\s*>|$)", re.I | re.S)


def text_to_html(rendered: str) -> str:
    """Paragraphs from blank lines, <br> for single newlines; block values stay blocks."""
    paras = re.split(r"\n\s*\n", rendered.replace("\r\n", "\n").strip("\n"))
    out = []
    for p in paras:
        if not p.strip():
            continue
        inner = p.strip("\n").replace("\n", "<br>\n")
        inner = re.sub(r"<br>\n(?=<(?:table|div|img|h\d)\b)", "\n", inner)
        inner = re.sub(r"(</table>|</div>)<br>\n", r"\1\n", inner)
        out.append(f'<div style="margin:0 0 14px 0;">{inner}</div>')
    return "\n".join(out)


def wrap_html(body: str, title: str) -> str:
    """A complete HTML document with inline styles only: Outlook drops <style> and scripts."""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{_html.escape(title)}</title></head>\n"
        '<body style="margin:0;padding:16px;font-family:\'Microsoft YaHei\',\'PingFang SC\','
        'SimSun,Arial,sans-serif;font-size:14px;line-height:1.6;color:#222;">\n'
        f"{body}\n</body></html>\n"
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        # Windows Notepad's default before 2019 (GBK) — staff edit these files there
        return path.read_text(encoding="gbk")


def load_templates(kind: str, settings: Mapping[str, str] | None = None,
                   templates_dir: str | Path | None = None, lang: str | None = None) -> TemplateSet:
    """The templates for ``kind`` (distribute / remind / send), checked for unknown placeholders."""
    if kind not in KINDS:
        raise ValueError(kind)
    subject = Template(t(f"mail.tpl.{kind}.subject", lang), t("mail.tpl_default_source", lang))
    body = Template(t(f"mail.tpl.{kind}.body", lang), t("mail.tpl_default_source", lang))
    html_tpl: Template | None = None
    for raw_key, value in (settings or {}).items():
        key = raw_key if raw_key in {lab.key for lab in TEMPLATE_SETTINGS} else key_for(TEMPLATE_SETTINGS, raw_key)
        if not key or not str(value or "").strip():
            continue
        src = t("mail.tpl_setting_source", name=raw_key)
        if key == f"mail_{kind}_subject":
            subject = Template(str(value), src)
        elif key == f"mail_{kind}_body":
            body = Template(str(value), src)
    if templates_dir is not None:
        folder = Path(templates_dir)
        if not folder.is_dir():
            raise SheetsyncError(t("mail.tpl_dir_missing", dir=str(folder)))
        for suffix, which in ((".subject.txt", "subject"), (".txt", "body"), (".html", "html")):
            f = folder / f"{kind}{suffix}"
            if f.is_file():
                tpl = Template(_read(f), str(f))
                if which == "subject":
                    subject = tpl
                elif which == "body":
                    body = tpl
                else:
                    html_tpl = tpl
    ts = TemplateSet(subject, body, html_tpl)
    ts.check()
    return ts


def default_templates_dir(base: Path | None) -> Path | None:
    """``邮件模板`` (or ``mail_templates``) beside the master, when staff have made one."""
    if base is None:
        return None
    for name in ("邮件模板", "mail_templates"):
        if (base / name).is_dir():
            return base / name
    return None
