"""What staff drop into the returns folder: workbooks, and saved emails (.eml) carrying them.

Each incoming item knows where it came from (file path, or email + attachment name), who sent
it and when it was received (the email's Date, else the file's modification time), because
"newest wins" and "who sent what" must not depend on the order files were copied.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from sheetsync.split import safe_filename

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".xltx")
MAX_ATTACHMENT = 60 * 1024 * 1024


@dataclass
class Incoming:
    path: Path  # where the bytes are now (the original file or an extracted attachment)
    name: str  # the name the user knows (file name or attachment name)
    source: str  # the original path, or "mail.eml ▸ attachment.xlsx"
    sender: str = ""
    received_at: str = ""
    sha256: str = ""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _mtime(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0).isoformat()


def collect(paths: Iterable[str | Path], workdir: Path) -> tuple[list[Incoming], list[tuple[str, str]]]:
    """Expand files, folders (recursively) and .eml messages into incoming workbooks.

    Returns the items and a list of (source, reason) for things that were looked at and skipped
    (an email without a workbook attachment), so the merge can say so.
    """
    items: list[Incoming] = []
    skipped: list[tuple[str, str]] = []
    for p in expand(paths):
        if p.suffix.lower() == ".eml":
            found = _from_eml(p, workdir)
            if not found:
                skipped.append((str(p), "eml-no-attachment"))
            items.extend(found)
        else:
            items.append(Incoming(p, p.name, str(p), "", _mtime(p)))
    for it in items:
        it.sha256 = sha256_of(it.path)
    return items, skipped


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Workbooks and saved emails under ``paths``; lock, temp and hidden files skipped."""
    from sheetsync.intake import is_temp_or_lock, iter_return_files

    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out.extend(iter_return_files([p]))
        if p.is_dir():
            out.extend(sorted(e for e in p.rglob("*.eml") if e.is_file() and not is_temp_or_lock(e)
                              and not any(part.startswith(".") for part in e.relative_to(p).parts[:-1])))
    seen: set[Path] = set()
    unique = []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique


def _from_eml(path: Path, workdir: Path) -> list[Incoming]:
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    sender = str(msg.get("From", "") or "")
    try:
        received = parsedate_to_datetime(str(msg["Date"])).astimezone().replace(tzinfo=None, microsecond=0).isoformat()
    except (TypeError, ValueError, KeyError):
        received = _mtime(path)
    out: list[Incoming] = []
    for i, part in enumerate(msg.walk()):
        filename = part.get_filename()
        if not filename or part.is_multipart():
            continue
        if not filename.lower().endswith(WORKBOOK_SUFFIXES):
            continue
        payload = part.get_payload(decode=True) or b""
        if len(payload) > MAX_ATTACHMENT:
            payload = payload[:MAX_ATTACHMENT]  # the size check in intake rejects it with a message
        folder = Path(tempfile.mkdtemp(prefix=f"eml{i}-", dir=workdir))
        dest = folder / safe_filename(Path(filename).name)
        dest.write_bytes(payload)
        out.append(Incoming(dest, Path(filename).name, f"{path.name} ▸ {Path(filename).name}", sender, received))
    return out
