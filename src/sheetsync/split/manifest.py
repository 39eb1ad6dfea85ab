"""The split folder's ``manifest.json``: which workbook belongs to which unit, for which period.

Written by :func:`sheetsync.split.workbook.split_master`, read by the mail stages (distribute
sends each file, 催报 attaches it again). The one home for its format and for finding the split
folder of a period, which compares canonical period keys (core.period): a folder split for
2026年第4季度 is found for 2026年第四季度 or 2026Q4.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.core.period import period_key
from sheetsync.i18n import t

MANIFEST = "manifest.json"


@dataclass
class ManifestUnit:
    unit: str
    file: str
    email: str = ""
    lead_tasks: int = 0
    co_tasks: int = 0


@dataclass
class Manifest:
    folder: Path
    period: str = ""
    due: str = ""
    region: str = ""
    plan: str = ""
    units: list[ManifestUnit] = field(default_factory=list)

    def workbooks(self) -> dict[str, Path]:
        return {u.unit: self.folder / u.file for u in self.units}


def write_manifest(folder: str | Path, *, period: str, due: str, region: str, plan: str, master_fingerprint: str,
                   issued_at: str, units: list[ManifestUnit], units_without_tasks: list[str]) -> Path:
    """Write ``manifest.json`` into ``folder``: the period as typed plus its canonical key."""
    path = Path(folder) / MANIFEST
    data = {"period": period, "period_key": period_key(period), "due": due, "region": region, "plan": plan,
            "master_fingerprint": master_fingerprint, "issued_at": issued_at,
            "units": [{"unit": u.unit, "file": u.file, "email": u.email, "lead_tasks": u.lead_tasks,
                       "co_tasks": u.co_tasks} for u in units],
            "units_without_tasks": units_without_tasks}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_manifest(outdir: str | Path) -> Manifest:
    """The ``manifest.json`` written by ``sheetsync split`` into its output folder."""
    folder = Path(outdir)
    path = folder / MANIFEST
    if not path.is_file():
        raise SheetsyncError(t("mail.no_manifest", dir=str(folder)))
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8-sig"))
        units = [ManifestUnit(unit=str(u["unit"]), file=str(u["file"]), email=str(u.get("email") or ""),
                              lead_tasks=int(u.get("lead_tasks") or 0), co_tasks=int(u.get("co_tasks") or 0))
                 for u in data.get("units", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SheetsyncError(t("mail.bad_manifest", file=str(path), reason=str(exc))) from exc
    for u in units:  # a manifest must not point outside its folder
        if Path(u.file).is_absolute() or ".." in Path(u.file).parts:
            raise SheetsyncError(t("mail.bad_manifest", file=str(path), reason=u.file))
    return Manifest(folder, str(data.get("period") or ""), str(data.get("due") or ""),
                    str(data.get("region") or ""), str(data.get("plan") or ""), units)


def find_split_dir(base: str | Path, period: str) -> Path:
    """The split output under ``base`` (one or two levels down) whose manifest is for ``period``.

    催报 attaches each unit's workbook again; the CLI and the Excel ribbon both find the folder
    this way, so a clerk never has to point at it. Any spelling of the period finds it.
    """
    base = Path(base)
    key = period_key(period)
    for manifest in sorted([*base.glob(f"*/{MANIFEST}"), *base.glob(f"*/*/{MANIFEST}")]):
        try:
            if period_key(str(json.loads(manifest.read_text(encoding="utf-8-sig")).get("period") or "")) == key:
                return manifest.parent
        except (OSError, ValueError, AttributeError):
            continue
    raise SheetsyncError(t("mail.cli.no_split_dir", period=period, dir=str(base)))
