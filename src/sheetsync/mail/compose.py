"""Build the messages: Chinese headers and attachment names that every client shows right.

Why the attachment part is written by hand: Outlook (older builds) and QQ Mail ignore the
RFC 2231 ``filename*=`` parameter and show "untitled" / "未命名" unless Content-Type also has a
``name="=?utf-8?b?...?="`` RFC 2047 fallback. The :mod:`email` package always rewrites that
fallback into RFC 2231 form, so the attachment headers are composed here as bytes and parsed
into a part whose header text the generator keeps as written (policy ``refold_source="none"``).

Every message is serialised once (:func:`to_bytes`); the same bytes are size-checked,
written to the outbox and handed to the SMTP server, so a preview is exactly what is sent.
"""

from __future__ import annotations

import base64
import email
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy as _policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

# SMTP line endings and RFC 2047 encoding of non-ASCII headers; header text we composed as
# bytes ourselves is left exactly as written.
POLICY = _policy.SMTP.clone(refold_source="none")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# characters RFC 2231 allows unencoded in an extended parameter value (a safe subset)
_ATTR_SAFE = re.compile(rb"[A-Za-z0-9._-]")
_ASCII_NAME = re.compile(r"[A-Za-z0-9._\- ()\[\]+,]+")


@dataclass(frozen=True)
class GapLine:
    """One line of a unit's gap list: what is missing, for which task, and why.

    ``kind`` is the gap type as staff read it (未报送 / 未填写 / 逾期 …); the merge decides
    the wording, mail only shows it.
    """

    kind: str
    task_id: str
    title: str
    detail: str = ""

    @classmethod
    def coerce(cls, item: Any) -> GapLine:
        """Accept a GapLine, a 4-tuple/list, a mapping or an object with similar attributes.

        The merge is written separately; being liberal here keeps the two sides decoupled.
        """
        if isinstance(item, GapLine):
            return item
        if isinstance(item, (tuple, list)):
            parts = [("" if v is None else str(v)) for v in item] + ["", "", "", ""]
            return cls(_gap_label(parts[0]), *parts[1:4])

        def get(*names: str) -> str:
            for n in names:
                v = item.get(n) if isinstance(item, dict) else getattr(item, n, None)
                if v not in (None, ""):
                    return str(v)
            return ""

        return cls(
            kind=_gap_label(get("kind", "gap_type", "type", "label", "缺口类型")),
            task_id=get("task_id", "id", "任务编号"),
            title=get("title", "task_title", "任务名称"),
            detail=get("detail", "message", "note", "说明"),
        )


def _gap_label(kind: str) -> str:
    """The merge's gap type key (``not_reported``) → its label in the reader's language (未报送)."""
    from sheetsync.i18n import catalog, t

    key = f"merge.gap.{kind}"
    return t(key) if re.fullmatch(r"[a-z_]+", kind or "") and key in catalog() else kind


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mimetype: str = ""

    @classmethod
    def from_path(cls, path: str | Path, filename: str | None = None) -> Attachment:
        p = Path(path)
        return cls(filename or p.name, p.read_bytes())

    @property
    def content_type(self) -> str:
        if self.mimetype:
            return self.mimetype
        if self.filename.lower().endswith(".xlsx"):
            return XLSX_TYPE
        guessed, _ = mimetypes.guess_type(self.filename)
        return guessed or "application/octet-stream"


@dataclass(frozen=True)
class InlineImage:
    """An image shown inside the HTML body, referenced there as ``cid:<cid>``."""

    cid: str  # without angle brackets
    data: bytes
    subtype: str = "png"
    filename: str = "chart.png"


@dataclass
class Draft:
    """What a message says, before it is a MIME tree."""

    to: list[str]
    subject: str
    text: str
    html: str = ""
    cc: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    images: list[InlineImage] = field(default_factory=list)
    # SMTP envelope recipients when they differ from To + Cc (a retry to refused addresses only)
    envelope: list[str] = field(default_factory=list)


def _encoded_words(text: str, max_bytes: int = 39) -> list[str]:
    """RFC 2047 B-encoded words, each holding whole characters (decodable on its own).

    39 bytes → 52 base64 characters: with ``name="`` and the closing quote a folded line
    stays well under 78 characters.
    """
    chunks: list[bytes] = []
    chunk = b""
    for ch in text:
        b = ch.encode("utf-8")
        if chunk and len(chunk) + len(b) > max_bytes:
            chunks.append(chunk)
            chunk = b""
        chunk += b
    if chunk:
        chunks.append(chunk)
    return ["=?utf-8?b?" + base64.b64encode(c).decode("ascii") + "?=" for c in chunks]


def _rfc2231_segments(text: str, width: int = 60) -> list[str]:
    """Percent-encoded UTF-8, split into RFC 2231 continuation segments at character boundaries."""
    out: list[str] = []
    cur = "utf-8''"
    for ch in text:  # whole characters per segment: some clients decode segments one by one
        piece = "".join(chr(b) if _ATTR_SAFE.fullmatch(bytes([b])) else f"%{b:02X}"
                        for b in ch.encode("utf-8"))
        if len(cur) + len(piece) > width:
            out.append(cur)
            cur = ""
        cur += piece
    out.append(cur)
    return out


def _quote_ascii(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', '\\"')


def attachment_headers(filename: str, content_type: str) -> str:
    """The Content-Type and Content-Disposition lines of an attachment, folded, CRLF-ended.

    Non-ASCII names get ``filename*=`` (RFC 2231, continued when long) and a
    ``name="=?utf-8?b?…?="`` fallback; ASCII names are simply quoted.
    """
    crlf = "\r\n"
    if _ASCII_NAME.fullmatch(filename) and len(filename) <= 60:
        q = _quote_ascii(filename)
        return (f'Content-Type: {content_type};{crlf} name="{q}"{crlf}'
                f'Content-Disposition: attachment;{crlf} filename="{q}"{crlf}')
    words = _encoded_words(filename)
    ctype = f"Content-Type: {content_type};{crlf} name=\"" + (crlf + " ").join(words) + '"' + crlf
    segs = _rfc2231_segments(filename)
    if len(segs) == 1:
        disp = f"Content-Disposition: attachment;{crlf} filename*={segs[0]}{crlf}"
    else:
        params = ";".join(f"{crlf} filename*{i}*={s}" for i, s in enumerate(segs))
        disp = f"Content-Disposition: attachment;{params}{crlf}"
    return ctype + disp


def _b64_body(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")


def attachment_part(att: Attachment) -> EmailMessage:
    raw = (attachment_headers(att.filename, att.content_type)
           + "Content-Transfer-Encoding: base64\r\n\r\n" + _b64_body(att.data))
    part = email.message_from_bytes(raw.encode("ascii"), policy=POLICY)
    assert isinstance(part, EmailMessage)
    return part


def _addresses(items: Iterable[str]) -> list[Address]:
    return [parse_address(a) for a in items if a.strip()]


def parse_address(text: str) -> Address:
    """``张三 <a@b.cn>`` or ``a@b.cn`` → Address (the display name is RFC 2047-encoded on output)."""
    from sheetsync.core.addresses import parse_address as parse

    name, addr = parse(text)
    return Address(display_name=name, addr_spec=addr) if name else Address(addr_spec=addr)


def build_message(draft: Draft, *, from_addr: str = "", from_name: str = "",
                  msgid_domain: str = "") -> EmailMessage:
    """A MIME message: text (+ HTML with inline images as multipart/related) + attachments.

    Structure, as Outlook, Foxmail and web mail expect it::

        multipart/mixed
          multipart/alternative
            text/plain
            multipart/related        (or text/html alone when there is no image)
              text/html
              image/png  Content-ID: <cid>
          <attachments>
    """
    msg = EmailMessage(policy=POLICY)
    if from_addr:
        msg["From"] = Address(display_name=from_name, addr_spec=from_addr) if from_name else from_addr
    msg["To"] = _addresses(draft.to)
    if draft.cc:
        msg["Cc"] = _addresses(draft.cc)
    msg["Subject"] = draft.subject
    msg["Date"] = formatdate(localtime=True)
    domain = msgid_domain or (from_addr.rpartition("@")[2] if "@" in from_addr else "sheetsync.invalid")
    msg["Message-ID"] = make_msgid(domain=domain)
    # base64 for all text: safe through relays without 8BITMIME, and Chinese stays compact
    msg.set_content(_crlf_text(draft.text), cte="base64")
    if draft.html:
        msg.add_alternative(draft.html, subtype="html", cte="base64")
        if draft.images:
            html_part = msg.get_payload()[1]
            for img in draft.images:
                html_part.add_related(img.data, "image", img.subtype, cid=f"<{img.cid}>",
                                      filename=img.filename, disposition="inline")
    if draft.attachments:
        msg.make_mixed()
        for att in draft.attachments:
            msg.attach(attachment_part(att))
    for part in msg.walk():
        if part is not msg and "MIME-Version" in part:
            del part["MIME-Version"]
    return msg


def _crlf_text(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def to_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire and into the .eml file."""
    return msg.as_bytes(policy=POLICY)


def envelope_recipients(msg: EmailMessage) -> list[str]:
    out: list[str] = []
    for header in ("To", "Cc", "Bcc"):
        value = msg.get(header)
        if value is None:
            continue
        for addr in getattr(value, "addresses", ()):
            if addr.addr_spec and addr.addr_spec not in out:
                out.append(addr.addr_spec)
    return out


__all__ = [
    "POLICY", "Attachment", "Draft", "GapLine", "InlineImage", "attachment_headers",
    "attachment_part", "build_message", "envelope_recipients", "parse_address", "to_bytes",
]
