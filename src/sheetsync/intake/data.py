"""What intake hands to the rest of sheetsync: the data of a workbook, or why there is none.

These objects cross a process boundary (the parser child writes them as JSON), so they hold
plain values only and know how to encode themselves; JSON rather than pickle because the
child handles hostile input and must not be able to make the parent run code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sheetsync.core.model import Finding

Value = str | float | int | bool | date | datetime | None
SheetState = Literal["visible", "hidden", "veryHidden"]


@dataclass
class SheetData:
    """One sheet: its cells from A1, trailing empty rows and columns trimmed."""

    name: str
    state: SheetState = "visible"
    rows: list[list[Value]] = field(default_factory=list)
    # addresses (A1 style) of formulas whose result was never computed/saved: their value is None
    formulas_without_value: list[str] = field(default_factory=list)
    # merged ranges (first row, first column, last row, last column; from 1), when asked for
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    # addresses (A1) of cells whose number format is a percentage: their number is a fraction
    # (a typed "100%" is stored as 1); listed only where the file has such formats (.xlsx)
    percent: list[str] = field(default_factory=list)

    def cell(self, address: str) -> Value:
        """The value at ``address`` (e.g. ``B3``), None when outside the data."""
        from sheetsync.intake.cells import split_address

        row, col = split_address(address)
        if row < 1 or row > len(self.rows) or col < 1 or col > len(self.rows[row - 1]):
            return None
        return self.rows[row - 1][col - 1]


@dataclass
class WorkbookData:
    """A returned workbook that passed intake; ``notes`` say what was odd but harmless."""

    file: str
    kind: str  # "xlsx", "xlsm", "xls" (what the bytes are, not what the name says)
    sheets: list[SheetData] = field(default_factory=list)
    custom_properties: dict[str, Any] = field(default_factory=dict)
    date_system: int = 1900  # 1904 when the workbook uses the Mac date epoch
    notes: list[Finding] = field(default_factory=list)

    def sheet(self, name: str) -> SheetData:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "date_system": self.date_system,
            "custom_properties": {k: encode_value(v) for k, v in self.custom_properties.items()},
            "notes": [n.to_json() for n in self.notes],
            "sheets": [
                {
                    "name": s.name,
                    "state": s.state,
                    "formulas_without_value": s.formulas_without_value,
                    "rows": [[encode_value(v) for v in row] for row in s.rows],
                    **({"merged": [list(m) for m in s.merged]} if s.merged else {}),
                    **({"percent": s.percent} if s.percent else {}),
                }
                for s in self.sheets
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkbookData:
        return cls(
            file=str(data["file"]),
            kind=str(data["kind"]),
            date_system=int(data.get("date_system", 1900)),
            custom_properties={str(k): decode_value(v) for k, v in data.get("custom_properties", {}).items()},
            notes=[Finding.from_json(n) for n in data.get("notes", [])],
            sheets=[
                SheetData(
                    name=str(s["name"]),
                    state=s.get("state", "visible"),
                    formulas_without_value=[str(a) for a in s.get("formulas_without_value", [])],
                    rows=[[decode_value(v) for v in row] for row in s.get("rows", [])],
                    merged=[(int(a), int(b), int(c), int(d)) for a, b, c, d in s.get("merged", [])],
                    percent=[str(a) for a in s.get("percent", [])],
                )
                for s in data.get("sheets", [])
            ],
        )


@dataclass
class Rejection:
    """A file intake refused, with every finding (the first error is the reason)."""

    file: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def reason(self) -> Finding:
        for f in self.findings:
            if f.severity == "error":
                return f
        return self.findings[0]

    @property
    def code(self) -> str:
        return self.reason.code

    @property
    def message(self) -> str:
        return self.reason.message

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "findings": [f.to_json() for f in self.findings]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rejection:
        return cls(file=str(data["file"]), findings=[Finding.from_json(f) for f in data.get("findings", [])])


def encode_value(v: Any) -> Any:
    # datetime before date: datetime is a subclass of date
    if isinstance(v, datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, date):
        return {"d": v.isoformat()}
    return v


def decode_value(v: Any) -> Value:
    if isinstance(v, dict):
        if "dt" in v:
            return datetime.fromisoformat(v["dt"])
        if "d" in v:
            return date.fromisoformat(v["d"])
        return None
    return v
