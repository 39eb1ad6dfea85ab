"""E-mail address lists as clerks type them in one cell: the one home for check and mail.

A 邮箱 cell may hold ``a@x.cn、b@y.cn``, ``a@x.cn;b@y.cn``, ``a@x.cn，b@y.cn``, addresses on
separate lines or separated by spaces, ``张三 <c@z.cn>``, ``"张三" <c@z.cn>``, full-width ``＠``
and brackets (``＜ ＞``, ``〈 〉``, ``《 》``). ``check`` accepts exactly what mail can send to and
flags, with a reason, what it cannot — both ask this module.
"""

from __future__ import annotations

import re
import unicodedata

# the brackets people type around an address, mapped to < > (NFKC already folds ＜＞ ＠ ； ，)
_BRACKETS = str.maketrans({"〈": "<", "〉": ">", "《": "<", "》": ">", "‹": "<", "›": ">"})
_ITEM = re.compile(r"[^;,、<>\r\n]*<[^<>]*>|[^\s;,、<>]+")
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
_QUOTES = " \"'“”‘’"

# reason keys (i18n: core.address.<key>)
REASONS = ("empty", "no_at", "two_at", "bad_local", "bad_domain", "not_ascii")


def normalise(text: str | None) -> str:
    """Full-width forms folded (NFKC: ＠ → @, ＜ → <, ； → ;), other brackets mapped to < >."""
    return unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)


def split_addresses(text: str | None) -> list[str]:
    """``a@x.cn；b@y.cn、张三 <c@z.cn>`` → ``["a@x.cn", "b@y.cn", "张三 <c@z.cn>"]``.

    Separators: ; , 、 (full-width too), newlines and spaces. An item keeps its display name
    (quotes removed); a repeated address is dropped. Invalid items are kept (see :func:`problem`)
    so that the caller can say which one is wrong.
    """
    items: list[str] = []
    for m in _ITEM.finditer(normalise(text)):
        raw = " ".join(m.group(0).split())
        if "<" in raw:
            name, _, rest = raw.partition("<")
            words = name.split()
            while words and "@" in words[0]:  # "a@b.cn 张三 <c@z.cn>": two addresses
                items.append(words.pop(0).strip(_QUOTES))
            name = " ".join(words).strip(_QUOTES)
            addr = rest.rstrip(">").strip()
            items.append(f"{name} <{addr}>" if name else addr)
        else:
            items.append(raw.strip(_QUOTES))
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        addr = address_of(item).lower()
        if item and addr not in seen:
            seen.add(addr)
            out.append(item)
    return out


def parse_address(item: str) -> tuple[str, str]:
    """(display name, bare address) of ``张三 <c@z.cn>``, ``"张三" <c@z.cn>`` or ``c@z.cn``."""
    text = normalise(item).strip()
    m = re.fullmatch(r"(.*?)<([^<>]*)>", text)
    if m:
        return m.group(1).strip(_QUOTES), m.group(2).strip()
    return "", text


def address_of(item: str) -> str:
    """The bare address of ``张三 <c@z.cn>`` or ``c@z.cn``."""
    return parse_address(item)[1]


def problem(item: str) -> str:
    """Why mail cannot send to ``item`` (a key of :data:`REASONS`), or "" when it can.

    What it can: an ASCII ``local@domain`` (SMTP servers of government mail do not take
    internationalised addresses) with a dotted domain of letters, digits and hyphens.
    """
    addr = address_of(item)
    if not addr:
        return "empty"
    if "@" not in addr:
        return "no_at"
    if addr.count("@") > 1:
        return "two_at"
    if not addr.isascii():
        return "not_ascii"
    local, _, domain = addr.partition("@")
    if not _LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return "bad_local"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(p) for p in labels) or labels[-1].isdigit():
        return "bad_domain"
    return ""


def valid_address(item: str) -> bool:
    return not problem(item)


def bad_addresses(text: str | None) -> list[tuple[str, str]]:
    """(item, reason key) for each item of a cell that mail cannot send to."""
    return [(item, why) for item in split_addresses(text) if (why := problem(item))]


def reason_text(reason: str, lang: str | None = None) -> str:
    from sheetsync.i18n import t

    return t(f"core.address.{reason}", lang=lang)
