"""Which files in a folder of collected returns are worth intake at all.

Mail clients and office suites leave lock files (~$x.xlsx while Excel has x.xlsx open,
.~lock.x.xlsx# from LibreOffice/WPS), temp files and thumbnails beside the real returns;
feeding those to intake only produces confusing rejections.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

# extensions worth inspecting when walking a folder; a file named explicitly is always kept
RETURN_EXTS = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".et", ".ett", ".csv", ".ods", ".xlsb"}
_JUNK_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_JUNK_SUFFIXES = (".tmp", ".temp", ".crdownload", ".part", ".partial", "~")


def is_temp_or_lock(path: str | Path) -> bool:
    """True for office lock files, temp/partial downloads, hidden dot files and thumbnails."""
    name = Path(path).name
    low = name.lower()
    if not name:
        return True
    if low.startswith(("~$", ".~lock.", "~")) or name.startswith("."):
        return True
    if low in _JUNK_NAMES or low.endswith(_JUNK_SUFFIXES):
        return True
    return low.endswith("#") and low.startswith(".~")


def iter_return_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to intake: folders expanded recursively (sorted, spreadsheet-like names only),
    lock/temp files skipped, each file once."""
    seen: set[Path] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in sub.relative_to(path).parts[:-1]):
                    continue  # inside a hidden folder (.git, .Trash…)
                if sub.is_file() and sub.suffix.lower() in RETURN_EXTS and not is_temp_or_lock(sub):
                    key = sub.resolve()
                    if key not in seen:
                        seen.add(key)
                        yield sub
        elif not is_temp_or_lock(path):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path
