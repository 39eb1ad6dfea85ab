"""A small county for the merge-level robustness tests (tests/test_robustness*.py).

The demo master trimmed to six tasks, split into real return workbooks once per module; each
test gets its own copy of the master and a returns folder holding two good returns, so a
hostile file can be dropped beside them and the whole merge judged.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl

from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import read_master, write_master
from sheetsync.merge import MergeResult, merge_returns
from sheetsync.split.workbook import split_master

AS_OF = date(2026, 12, 31)
PERIOD = "2026年第4季度"
HOSTILE_UNIT = "县委组织部"  # four tasks: 一.(一).1, 一.(一).3, 一.(二).1, 一.(二).2 (rows 4–7)
# the good returns every case is merged with: unit → task → (status, progress, value, progress text, problems)
GOOD: dict[str, dict[str, tuple[Any, ...]]] = {
    "县委编办": {"一.(一).2": ("推进中", 50, 6, "编办进展正常", "无")},
    "县财政局": {"一.(一).3": ("已完成", 100, None, "财政局已完成", "无")},
}
HOSTILE_VALUES: dict[str, tuple[Any, ...]] = {
    "一.(一).1": ("已完成", 100, None, "组织部一", "无"),
    "一.(一).3": ("推进中", 60, None, "组织部二", "无"),
    "一.(二).1": ("推进中", 40, 300, "组织部三", "无"),
    "一.(二).2": ("长期坚持", None, None, "组织部四", "无"),
}
RECEIVED = datetime(2026, 12, 20, 10, 0)


@dataclass
class Issued:
    """The master and the returns as split, built once per test module."""

    folder: Path
    master: Path
    files: dict[str, Path]  # unit → issued return workbook
    good: dict[str, Path] = field(default_factory=dict)  # unit → filled good return
    hostile_base: Path | None = None  # HOSTILE_UNIT's return, filled in


def issue(folder: Path) -> Issued:
    m = demo_data.master()
    m.tasks = m.tasks[:6]
    master = write_master(m, folder / "master.xlsx")
    res = split_master(read_master(master), folder / "issued", issued_at=datetime(2026, 12, 1))
    issued = Issued(folder, master, {w.unit: w.file for w in res.workbooks})
    for unit, values in GOOD.items():
        issued.good[unit] = fill(issued.files[unit], folder / "good" / issued.files[unit].name, values)
    issued.hostile_base = fill(issued.files[HOSTILE_UNIT], folder / "base" / "组织部.xlsx", HOSTILE_VALUES)
    return issued


def fill(src: Path, dest: Path, values: dict[str, tuple[Any, ...]], when: datetime | None = None) -> Path:
    """Fill the return ``src`` like a unit does (as tests/test_merge.py::fill), saved at ``dest``."""
    wb = openpyxl.load_workbook(src)
    ws = wb["填报"]
    for r in range(4, ws.max_row + 1):
        tid = ws.cell(row=r, column=1).value
        if tid in values:
            for col, v in zip((7, 8, 9, 10, 11), values[tid]):
                c = ws.cell(row=r, column=col)
                c.value = v
                if isinstance(v, str) and v.startswith("="):
                    c.data_type = "s"
    ws["B2"], ws["E2"] = "张三", "0000-1234567"
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    if when:
        os.utime(dest, (when.timestamp(), when.timestamp()))
    return dest


def touch(path: Path, when: datetime = RECEIVED) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


@dataclass
class County:
    root: Path
    master: Path
    inbox: Path
    out: Path
    issued: Issued

    @property
    def db(self) -> Path:
        return self.root / "sheetsync.db"

    @property
    def archive(self) -> Path:
        return self.root / "sheetsync-archive"

    def merge(self, *inputs: Path, **kw: Any) -> MergeResult:
        kw.setdefault("as_of", AS_OF)
        return merge_returns(self.master, list(inputs) or [self.inbox], self.out, **kw)

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        con = sqlite3.connect(self.db)
        try:
            return con.execute(sql, args).fetchall()
        finally:
            con.close()


def make_county(issued: Issued, root: Path, settings: dict[str, str] | None = None) -> County:
    """A fresh county in ``root``: the master (with extra 设置 ``settings``) and the good returns."""
    root.mkdir(parents=True, exist_ok=True)
    if settings:
        m = read_master(issued.master)
        m.settings.update(settings)
        master = write_master(m, root / "master.xlsx")
    else:
        master = Path(shutil.copyfile(issued.master, root / "master.xlsx"))
    inbox = root / "returns"
    inbox.mkdir()
    for path in issued.good.values():
        touch(Path(shutil.copyfile(path, inbox / path.name)))
    return County(root, master, inbox, root / "汇总表.xlsx", issued)


# ---------------------------------------------------------------- editing a real return's bytes
def rezip(src: Path, dest: Path, *, replace: dict[str, bytes] | None = None,
          add: list[tuple[str, bytes]] | None = None, compress: bool = True) -> Path:
    """Copy the zip ``src`` to ``dest`` with some parts replaced and others appended (names may repeat)."""
    import warnings

    replace = replace or {}
    dest.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(src) as zin, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
            for name, data in add or []:
                zout.writestr(name, data)
    dest.write_bytes(buf.getvalue())
    return dest


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def zip_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def details(rollup: Path) -> dict[tuple[str, str], list[Any]]:
    """(task id, unit) → the 汇总明细 cells (openpyxl Cell objects, so types can be checked)."""
    wb = openpyxl.load_workbook(rollup)
    ws = wb["汇总明细"]
    out: dict[tuple[str, str], list[Any]] = {}
    for row in ws.iter_rows(min_row=2):
        if row[0].value is not None:
            out[(str(row[0].value), str(row[2].value))] = list(row)
    return out


def sheet_values(rollup: Path, sheet: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(rollup, read_only=True)
    try:
        return [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def saved_mail(attachment: bytes, name: str = "组织部.xlsx") -> EmailMessage:
    """A saved mail from 组织部 with one workbook attached, as a mailbox's "save as .eml" gives it."""
    msg = EmailMessage()
    msg["From"], msg["Date"] = "zzb@shilixian.example", "Sun, 20 Dec 2026 10:00:00 +0800"
    msg.set_content("附件")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename=name)
    return msg
