"""Say what a file really is from its first bytes, whatever its name claims.

People rename files (a web-system export saved as "report.xls" is HTML; a CSV gets ".xlsx"
appended). Sniffing first lets us say *what* the file is, which is the message the unit needs.
"""

from __future__ import annotations

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
    (b"\x1f\x8b", "archive"),
)


def sniff(head: bytes) -> str:
    """Kind of a file from its first few KB.

    One of: ``empty``, ``zip``, ``ole``, ``html``, ``xml2003``, ``csv``, ``text``, ``pdf``,
    ``image``, ``archive``, ``unknown``. Zip and OLE2 are refined later by looking inside.
    """
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole"
    for magic, kind in _BINARY_MAGICS:
        if head.startswith(magic):
            return kind
    text = _as_text(head)
    if text is None:
        return "unknown"
    low = text.lstrip("\ufeff \t\r\n").lower()[:4096]
    if "urn:schemas-microsoft-com:office:spreadsheet" in low and "<workbook" in low:
        return "xml2003"
    if low.startswith("mime-version:") or any(
        tag in low for tag in ("<html", "<!doctype html", "<table", "<head", "<body", "<meta ")
    ):
        return "html"
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    if lines and sum(1 for ln in lines if ("," in ln or "\t" in ln or ";" in ln)) >= max(1, len(lines) // 2):
        return "csv"
    return "text"


def _as_text(head: bytes) -> str | None:
    """``head`` decoded when it looks like text people write (UTF-8/16 or GBK), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head[: len(head) // 2 * 2].decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        text = None
        for enc in ("utf-8", "gb18030"):
            try:
                # the head may cut a multi-byte character in half: drop up to 3 trailing bytes
                for cut in range(4):
                    try:
                        text = head[: len(head) - cut].decode(enc)
                        break
                    except UnicodeDecodeError:
                        if cut == 3:
                            raise
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            return None
    if not text:
        return None
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    if bad > len(text) // 100 + 1 or "\x00" in text:
        return None
    return text
