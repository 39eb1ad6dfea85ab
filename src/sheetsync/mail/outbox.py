"""The outbox: each message as an .eml file that Outlook, Foxmail or Thunderbird opens as is.

Staff check the messages in their own mail client before anything leaves the office, so the
file holds exactly the bytes that would be sent. Names are deterministic (sequence + unit) so
running the same dry run twice replaces the previews instead of piling up copies.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from sheetsync.core.period import period_key

# characters Windows forbids in file names, plus controls
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, max_len: int = 60) -> str:
    """A file-name part that is valid on Windows, keeps Chinese, and is never empty."""
    text = unicodedata.normalize("NFC", text or "")
    text = _UNSAFE.sub("_", text).strip(" ._")
    text = re.sub(r"\s+", " ", text)[:max_len].rstrip(" .")
    if not text or text.upper() in _RESERVED:
        text = f"_{text}" if text else "_"
    return text


def batch_folder(outbox: str | Path, kind: str, period: str = "") -> Path:
    """``outbox/distribute-2024年第一季度`` — one folder per kind and period.

    Named with the period as typed the first time; a later run spelling the period another way
    (2024年第1季度) reuses that folder, so one period's previews stay together."""
    if not period:
        return Path(outbox) / kind
    name = f"{kind}-{safe_name(period, 40)}"
    outbox = Path(outbox)
    if not (outbox / name).is_dir() and outbox.is_dir():
        key = period_key(period)
        for other in sorted(outbox.glob(f"{kind}-*")):
            if other.is_dir() and period_key(other.name[len(kind) + 1:]) == key:
                return other
    return outbox / name


def write_eml(folder: str | Path, seq: int, label: str, raw: bytes) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{seq:03d}-{safe_name(label)}.eml"
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(raw)
    tmp.replace(path)
    return path
