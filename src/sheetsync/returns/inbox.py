"""What staff drop into the returns folder: workbooks, saved emails (.eml) carrying them, and
zip archives of them (QQ Mail's and 163's "download all attachments" make one).

Each incoming item knows where it came from (file path, or email + attachment name), who sent
it and when it was received (the email's Date, else the file's modification time), because
"newest wins" and "who sent what" must not depend on the order files were copied.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.split.workbook import safe_filename

if TYPE_CHECKING:
    from sheetsync.intake.limits import Limits
    from sheetsync.intake.pool import WorkerPool

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".xltx")
MAX_ATTACHMENT = 60 * 1024 * 1024
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z")
MAX_ZIP_ENTRIES = 2000  # a folder of returns zipped, not a filesystem
MAX_ZIP_TOTAL = 500 * 1024 * 1024  # bytes taken out of one archive, whatever its entries claim
# a file, mail or zip member dated later than now plus this is not believed (a wrong clock, a
# forged Date, a zip's 2107 maximum): it is ordered by when it arrived instead. The skew allows
# a sender's clock a little ahead, and a Date read in another time zone.
FUTURE_SKEW = timedelta(hours=12)


@dataclass
class Incoming:
    path: Path  # where the bytes are now (the original file or an extracted attachment)
    name: str  # the name the user knows (file name or attachment name)
    source: str  # the original path, or "mail.eml ▸ attachment.xlsx"
    sender: str = ""
    received_at: str = ""
    sha256: str = ""
    claimed_at: str = ""  # the time the file claimed when it was not believed (then received_at is its arrival)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _mtime(path: Path) -> str:
    """The file's modification time, or "" when the file system holds one no date can be (year 30000)."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0).isoformat()
    except (OverflowError, OSError, ValueError):
        return ""


# bytes of a temporary file's name: within every file system's 255 and far from Windows' MAX_PATH
TEMP_NAME_BYTES = 120


def display_name(text: str) -> str:
    """A path or name as the clerk should see it, always valid text: names that are not UTF-8
    (GBK bytes, as unzip leaves them on Linux) are decoded as GB18030, else shown escaped."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text)
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def temp_name(name: str) -> str:
    """``name`` made safe to create anywhere: Windows-legal, at most :data:`TEMP_NAME_BYTES`
    bytes (a 90-character Chinese name is 270), suffix kept (the reader goes by it)."""
    safe = safe_filename(display_name(name), max_len=255)
    suffix = Path(safe).suffix[:10]
    stem = safe[:len(safe) - len(Path(safe).suffix)] if Path(safe).suffix else safe
    while stem and len((stem + suffix).encode("utf-8")) > TEMP_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(". ") or "_") + suffix


def trust_times(items: list[Incoming], now: datetime | None = None, until: date | None = None) -> None:
    """Times later than ``now`` + :data:`FUTURE_SKEW` (or none at all) are not believed: the
    item is dated by its arrival (``now``) and keeps the claimed time in ``claimed_at``, so a
    file dated 2099 cannot shadow every later correction.

    ``until``: a day whose times are believed whatever the clock says (the merge gives the later
    of the period's last day and the as-of date): a unit's clock a few days ahead, or this
    machine's behind, is not a forgery; 2099, 9999 or a zip's 2107 still are."""
    now = (now or datetime.now()).replace(microsecond=0)
    limit = now + FUTURE_SKEW
    if until is not None:
        limit = max(limit, datetime.combine(until, datetime.max.time()).replace(microsecond=0))
    for it in items:
        try:
            believed = bool(it.received_at) and datetime.fromisoformat(it.received_at) <= limit
        except ValueError:
            believed = False
        if not believed:
            it.claimed_at = it.received_at or "?"
            it.received_at = now.isoformat()


def collect(paths: Iterable[str | Path], workdir: Path, *, skip: Callable[[Path], tuple[str, str] | None] | None = None,
            pool: WorkerPool | None = None, limits: Limits | None = None,
            ) -> tuple[list[Incoming], list[tuple[str, str]]]:
    """Expand files, folders (recursively), .eml messages and .zip archives into incoming workbooks.

    Returns the items and a list of (source, reason) for things that were looked at and skipped
    (an email without a workbook attachment), so the merge can say so. ``skip``: the merge's own
    files (the master, the ledger's archive) → (what to name, reason) once per name, else None.

    Saved mails and zips are unpacked in limited children (:func:`unpack_container`): a mail
    nested 2,000 deep, an encoded-word bomb or a huge attachment costs that child, never this
    process; one whose child died is skipped (``container-oom``/``-timeout``/``-crashed``), the
    file left where it is. ``pool``: the merge's parser children, so no interpreter is started
    for it; without one a single child (with ``limits``) is started for the first container.
    """
    from contextlib import ExitStack

    skipped: list[tuple[str, str]] = []
    # what each expanded path gave, (items, skipped), in order; a container's filled in below
    slots: list[tuple[list[Incoming], list[tuple[str, str]]]] = [([], skipped)]
    containers: list[tuple[int, Path]] = []  # (its slot, path)
    own_seen: set[tuple[str, str]] = set()
    for p in expand(paths, skipped):
        own = skip(p) if skip else None
        if own is not None:
            if own not in own_seen:
                own_seen.add(own)
                slots.append(([], [own]))
            continue
        suffix = p.suffix.lower()
        if suffix in (".eml", ".zip"):
            containers.append((len(slots), p))
            slots.append(([], []))
        elif suffix in ARCHIVE_SUFFIXES:
            slots.append(([], [(str(p), "archive-unsupported")]))
        else:
            shown = display_name(str(p))
            if shown != str(p):  # not UTF-8: the ledger, the children and the terminal get a copy's name
                copy = Path(tempfile.mkdtemp(prefix="name-", dir=workdir)) / temp_name(p.name)
                shutil.copyfile(p, copy)
                slots.append(([Incoming(copy, display_name(p.name), shown, "", _mtime(p))], []))
            else:
                slots.append(([Incoming(p, p.name, str(p), "", _mtime(p))], []))
    if containers:
        with ExitStack() as stack:
            if pool is None:
                from sheetsync.intake.limits import Limits as _Limits
                from sheetsync.intake.pool import WorkerPool as _Pool

                pool = stack.enter_context(_Pool(limits or _Limits(), 1))
            answers = _unpack_all(pool, [path for _, path in containers], workdir)
            for (slot, _path), answer in zip(containers, answers):
                slots[slot] = answer
    items = [it for found, _ in slots for it in found]
    for it in items:
        it.sha256 = sha256_of(it.path)
        it.name, it.source = display_name(it.name), display_name(it.source)  # a zip or mail with a GBK name
    return items, [(display_name(src), code) for _, skips in slots for src, code in skips]


# what collect runs in a child for each saved mail or zip (a module constant: the tests' seam)
UNPACK_CALL = "sheetsync.returns.inbox:unpack_container"
# a child's death on a container → the skip code (see i18n merge.finding.container-*)
_DIED = {"call-oom": "container-oom", "call-timeout": "container-timeout"}


def _unpack_all(pool: WorkerPool, paths: list[Path], workdir: Path,
                ) -> Iterator[tuple[list[Incoming], list[tuple[str, str]]]]:
    """:func:`unpack_container` of each path in one of ``pool``'s children, as many at once as
    it has children, in input order: (the items, the skipped) of each."""
    from concurrent.futures import ThreadPoolExecutor

    from sheetsync.intake.data import Rejection

    work = Path(workdir).resolve()

    def one(p: Path) -> tuple[list[Incoming], list[tuple[str, str]]]:
        full = str(p.absolute())  # the child's working folder is its own
        answer = pool.call(UNPACK_CALL, {"path": full, "workdir": str(work)}, p)
        if isinstance(answer, Rejection):
            return [], [(str(p), _DIED.get(answer.code, "container-crashed"))]
        found = [Incoming(Path(d["path"]), d["name"], d["source"], d["sender"], d["received_at"])
                 for d in answer["items"]]
        if not all(it.path.resolve().is_relative_to(work) and it.path.is_file() for it in found):
            return [], [(str(p), "container-crashed")]  # only what the child took out is read, never another path
        shown = display_name(full)
        return found, [(str(p) if src == shown else src, code) for src, code in answer["skipped"]]

    with ThreadPoolExecutor(max_workers=max(1, min(pool.size, len(paths)))) as threads:
        yield from threads.map(one, paths)


def unpack_container(path: str, workdir: str) -> dict[str, Any]:
    """Unpack one saved mail (.eml) or zip at ``path``: its workbooks written under ``workdir``,
    as JSON ``{"items": [{path, name, source, sender, received_at}], "skipped": [[source, code]]}``.

    Runs in a limited child (see :func:`collect`); the caps below still bound its work and
    give the specific messages (too large, too deep, too many entries). Every text is valid
    UTF-8 (:func:`display_name`): names and headers of raw GBK bytes must cross as JSON."""
    p = Path(path)
    skipped: list[tuple[str, str]] = []
    if p.suffix.lower() == ".eml":
        found = _from_eml(p, Path(workdir), skipped)
        if not found and not skipped:
            skipped.append((str(p), "eml-no-attachment"))
    else:
        found = _from_zip(p, Path(workdir), skipped)
    return {"items": [{"path": str(it.path), "name": display_name(it.name), "source": display_name(it.source),
                       "sender": display_name(it.sender), "received_at": it.received_at} for it in found],
            "skipped": [[display_name(src), code] for src, code in skipped]}


def expand(paths: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Workbooks, saved emails and archives under ``paths`` (each folder's workbooks first, then
    its mails and archives, each sorted); office lock files, temp and hidden files left out.

    ``skipped`` collects, for the merge to list, what is left out for a reason the clerk may
    need: a FIFO, device or socket (reading one would hang the merge), and a workbook whose name
    starts with ``~`` but is not an office lock file (``~$x.xlsx``)."""
    from sheetsync.intake.files import RETURN_EXTS

    wanted = RETURN_EXTS | {".eml", *ARCHIVE_SUFFIXES}
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            books, others = [], []
            for sub in sorted(p.rglob("*")):
                if sub.suffix.lower() not in wanted or any(
                        part.startswith(".") for part in sub.relative_to(p).parts[:-1]):
                    continue
                if _usable(sub, skipped):
                    (books if sub.suffix.lower() in RETURN_EXTS else others).append(sub)
            out += books + others
        elif _usable(p, skipped):
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique


def _usable(path: Path, skipped: list[tuple[str, str]] | None) -> bool:
    """A regular file that is not a lock or temp file; the reasons worth saying go to ``skipped``."""
    import stat

    from sheetsync.intake import is_temp_or_lock

    name = path.name
    if is_temp_or_lock(path):
        low = name.lower()
        if skipped is not None and low.startswith("~") and not low.startswith("~$") and not low.endswith(
                ("~", ".tmp", ".temp")):
            skipped.append((display_name(str(path)), "tilde-name"))
        return False
    try:
        mode = path.stat().st_mode
    except OSError:
        return False  # vanished or a dangling link: nothing to read
    if not stat.S_ISREG(mode):
        if skipped is not None:
            skipped.append((display_name(str(path)), "not-a-file"))
        return False
    return True


def _from_eml(path: Path, workdir: Path, skipped: list[tuple[str, str]]) -> list[Incoming]:
    """The workbook attachments of a saved email, and those inside a zipped attachment (a unit
    that zips its return before sending); an attached RAR/7z is reported like a loose one."""
    parsed = _parse_eml(path, skipped)
    if parsed is None:
        return []
    msg, parts = parsed
    sender = _header_text(msg.get("From"))
    try:
        received = parsedate_to_datetime(_header_text(msg["Date"])).astimezone().replace(
            tzinfo=None, microsecond=0).isoformat()
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, OSError):
        # no Date, a malformed one, or 9999-12-31 in a zone east of UTC (past datetime's range)
        received = _mtime(path)
    out: list[Incoming] = []
    for i, part in enumerate(parts):
        if part.is_multipart():
            continue
        try:
            filename = _header_text(part.get_filename())
        except (ValueError, TypeError, LookupError, RecursionError):
            filename = ""
        if not filename:
            continue
        name = Path(filename).name
        low = name.lower()
        if low.endswith(ARCHIVE_SUFFIXES) and not low.endswith(".zip"):
            skipped.append((f"{path.name} ▸ {name}", "archive-unsupported"))
            continue
        if not low.endswith((*WORKBOOK_SUFFIXES, ".zip")):
            continue
        payload = part.get_payload(decode=True) or b""
        if len(payload) > MAX_ATTACHMENT:
            payload = payload[:MAX_ATTACHMENT]  # the size check in intake rejects it with a message
        folder = Path(tempfile.mkdtemp(prefix=f"eml{i}-", dir=workdir))
        dest = folder / temp_name(name)
        dest.write_bytes(payload)
        if low.endswith(".zip"):
            inner: list[tuple[str, str]] = []
            for it in _from_zip(dest, workdir, inner):
                out.append(Incoming(it.path, it.name, f"{path.name} ▸ {it.source}", sender, received))
            skipped.extend((f"{path.name} ▸ {src if ' ▸ ' in src else name}", code) for src, code in inner)
            continue
        out.append(Incoming(dest, name, f"{path.name} ▸ {name}", sender, received))
    return out


MAX_EML = 80 * 1024 * 1024  # a saved mail: a 50 MB attachment base64-encoded, and some
MAX_EML_HEADER = 64 * 1024  # the top header block; a real one is a few KB even with long Received chains
MAX_EML_PARTS = 500
MAX_HEADER_TEXT = 2000  # characters of one header decoded (From, Date, a file name)


def _parse_eml(path: Path, skipped: list[tuple[str, str]]) -> tuple[Any, list[Any]] | None:
    """The message and its parts, or None (reason in ``skipped``) for a mail too large, with a
    header block too large, too deeply nested or with too many parts.

    Why compat32: the default policy parses every header eagerly into objects, and an
    encoded-word bomb of 200 KB took GBs; here only From, Date and the file names are decoded,
    each capped (see :func:`_header_text`)."""
    try:
        size = path.stat().st_size
        if size > MAX_EML:
            skipped.append((str(path), "eml-too-large"))
            return None
        with open(path, "rb") as fh:
            head = fh.read(MAX_EML_HEADER + 4)
            if len(head) > MAX_EML_HEADER and b"\n\n" not in head and b"\r\n\r\n" not in head:
                skipped.append((str(path), "eml-header-too-large"))
                return None
            fh.seek(0)
            msg = email.message_from_binary_file(fh, policy=email.policy.compat32)
        parts: list[Any] = []
        for part in msg.walk():
            parts.append(part)
            if len(parts) > MAX_EML_PARTS:
                skipped.append((str(path), "eml-unreadable"))
                return None
    except (RecursionError, ValueError, TypeError, LookupError, OSError):
        # nesting deeper than the parser's recursion, or a part it cannot make sense of
        skipped.append((str(path), "eml-unreadable"))
        return None
    for part in parts:
        _decode_8bit_headers(part)
    return msg, parts


_8BIT_HEADERS = ("from", "subject", "content-type", "content-disposition")


def _decode_8bit_headers(part: Any) -> None:
    """Headers written as raw 8-bit text instead of encoded words (older Chinese mail clients send
    GBK so), decoded as UTF-8 or else GB18030 — the parser keeps such bytes as surrogates, which
    became "\ufffd" in senders and attachment names."""
    for key, value in part.raw_items():
        if key.lower() not in _8BIT_HEADERS or not isinstance(value, str) or value.isascii():
            continue
        try:
            raw = value.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            continue  # already text (a header made in memory), nothing to decode
        for enc in ("utf-8", "gb18030"):
            try:
                part.replace_header(key, raw.decode(enc))
                break
            except UnicodeDecodeError:
                continue


def _header_text(value: Any) -> str:
    """A header's text with encoded words (=?GBK?B?…?=) decoded, at most :data:`MAX_HEADER_TEXT`
    characters of it read; "" for none."""
    if value is None:
        return ""
    if isinstance(value, tuple):  # an RFC 2231 value compat32 could not collapse
        value = email.utils.collapse_rfc2231_value(value)
    text = str(value)[:MAX_HEADER_TEXT]
    try:
        from email.header import decode_header, make_header

        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError, TypeError, RecursionError):
        return text


def _from_zip(path: Path, workdir: Path, skipped: list[tuple[str, str]]) -> list[Incoming]:
    """The workbooks inside a zip, each taken out under its own name ("回收.zip ▸ 县教育局.xlsx",
    with the folder inside the archive when there is one).

    The archive is untrusted: its entry count is read from the end record before ``zipfile``
    builds an object per entry, each member is read with a cap whatever size it claims, and the
    total taken out is capped too; names are never used as paths. A member the zip encrypts, one
    too large, or an archive inside the archive is reported, not silently dropped. Names written
    by Chinese Windows tools without the UTF-8 flag are GBK, read as such.
    """
    from sheetsync.intake import is_temp_or_lock

    declared = _zip_entry_count(path)
    if declared is None:
        skipped.append((str(path), "zip-unreadable"))
        return []
    entries, cd_size = declared
    # the central directory's size too: an end record that lies about its count cannot make
    # zipfile build an object for each of a million records
    if entries > MAX_ZIP_ENTRIES or cd_size > MAX_ZIP_ENTRIES * 1200:
        skipped.append((str(path), "zip-too-many"))
        return []
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        skipped.append((str(path), "zip-unreadable"))
        return []
    if len(zf.filelist) > MAX_ZIP_ENTRIES:  # what zipfile actually read, whatever the end record said
        zf.close()
        skipped.append((str(path), "zip-too-many"))
        return []
    out: list[Incoming] = []
    taken = 0
    with zf:
        for i, info in enumerate(zf.infolist()):
            name = _member_name(info).replace("\\", "/")
            base = name.rsplit("/", 1)[-1]
            shown = f"{path.name} ▸ {name.lstrip('/')}"  # the folder inside too: two 填报表.xlsx stay apart
            if info.is_dir() or not base or name.startswith("__MACOSX/") or is_temp_or_lock(base):
                continue
            low = base.lower()
            if low.endswith(ARCHIVE_SUFFIXES):
                skipped.append((shown, "zip-nested"))
                continue
            if not low.endswith(WORKBOOK_SUFFIXES):
                continue
            if info.flag_bits & 0x1:
                skipped.append((shown, "zip-member-encrypted"))
                continue
            try:
                with zf.open(info) as fh:
                    data = fh.read(MAX_ATTACHMENT + 1)
            except Exception:  # noqa: BLE001 - zlib/bz2/lzma errors, bad headers…: this member is unreadable
                skipped.append((shown, "zip-unreadable"))
                continue
            taken += len(data)
            if len(data) > MAX_ATTACHMENT or taken > MAX_ZIP_TOTAL:
                skipped.append((shown, "zip-member-too-large"))
                continue
            folder = Path(tempfile.mkdtemp(prefix=f"zip{i}-", dir=workdir))
            dest = folder / temp_name(base)
            dest.write_bytes(data)
            out.append(Incoming(dest, base, shown, "", _zip_time(info) or _mtime(path)))
    if not out and not any(src.startswith(f"{path.name} ▸ ") for src, _ in skipped):
        skipped.append((str(path), "zip-no-workbook"))
    return out


def _zip_entry_count(path: Path) -> tuple[int, int] | None:
    """(entries, central directory bytes) the archive's end record declares (None: not a readable zip)."""
    from sheetsync.intake.zipcheck import find_eocd

    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            eocd = find_eocd(fh, size)
    except OSError:
        return None
    return None if eocd is None else (eocd[0], eocd[1])


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")  # how zipfile decoded the bytes
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _zip_time(info: zipfile.ZipInfo) -> str:
    """The member's own modification time (when the unit saved it), if the archive kept one."""
    try:
        when = datetime(*info.date_time)
    except ValueError:
        return ""
    return when.isoformat() if when.year >= 2000 else ""
