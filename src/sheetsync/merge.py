"""Merging returned workbooks into the county roll-up: intake → ledger → roll-up.

Every file found is archived and recorded before it is parsed; parsing happens in isolated
child processes (see :mod:`sheetsync.intake`), so one hostile file cannot stop the merge. The
roll-up is computed from the ledger — the current return of each unit for the period — and
written atomically under a lock. The master is only read.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Finding, Master
from sheetsync.core.units import UnitRegistry, assignments
from sheetsync.i18n import t
from sheetsync.ledger import Ledger, archive_path, default_path, ledger_fault, ledger_files
from sheetsync.returns.read import ParsedReturn, ReturnRow, parse_return
from sheetsync.rollup.compute import FileLine, Rollup, UnitReturn, compute_rollup
from sheetsync.workbook.locking import FileLock


def printable(text: str) -> str:
    """``text`` safe for a terminal: control and bidirectional-override characters (an escape
    sequence in a file or attachment name would reach the console) shown as ``\\x1b``, ``\\u202e``."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _UNPRINTABLE else c
                   for c in text)


_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # a full-width space (Zs) stays as it is


@dataclass
class FileOutcome:
    path: str  # source as the user knows it
    unit: str
    outcome: str  # accepted | warnings | rejected | duplicate
    findings: list[Finding] = field(default_factory=list)
    sha256: str = ""
    sender: str = ""
    received_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "unit": self.unit, "outcome": self.outcome,
                "findings": [f.to_json() for f in self.findings], "sha256": self.sha256,
                "sender": self.sender, "received_at": self.received_at}


@dataclass
class MergeResult:
    period: str
    output: Path | None
    ledger: Path
    rollup: Rollup
    files: list[FileOutcome]

    def to_json(self) -> dict[str, Any]:
        h = self.rollup.headline()
        return {
            "period": self.period,
            "output": str(self.output) if self.output else None,
            "ledger": str(self.ledger),
            "as_of": self.rollup.as_of.isoformat(),
            "units_expected": h["units_expected"],
            "units_reported": h["units_reported"],
            "missing_units": self.rollup.missing_units,
            "files": [f.to_json() for f in self.files],
            "gaps": self.rollup.gap_counts(),
            "headline": h,
        }

    def outcome_counts(self) -> dict[str, int]:
        """Files per outcome, the four the summary line names (a skipped file is only listed)."""
        return {k: sum(f.outcome == k for f in self.files) for k in ("accepted", "warnings", "rejected", "duplicate")}

    @staticmethod
    def problems(file: FileOutcome) -> list[str]:
        """``sheet!cell  message`` of a file's errors and warnings (notes are left to the ledger)."""
        return [f"{fd.location + '  ' if fd.location else ''}{fd.message}" for fd in file.findings
                if fd.severity in ("error", "warning")]

    def file_lines(self, file: FileOutcome, lang: str | None = None) -> list[str]:
        """``[outcome] path → unit``, then one indented line per problem; names from files and
        mails printed escaped (see :func:`printable`)."""
        head = f"[{t('merge.outcome.' + file.outcome, lang=lang)}] {file.path}" + (f"  → {file.unit}" if file.unit else "")
        return [printable(head), *("    " + printable(p) for p in self.problems(file))]

    def files_summary(self, lang: str | None = None) -> str:
        return t("merge.files_summary", lang=lang, n=len(self.files), **self.outcome_counts())

    def to_summary(self, lang: str | None = None) -> str:
        """Every file with its outcome and problems, then the counts: what ``sheetsync merge`` prints."""
        return "\n".join([*(line for f in self.files for line in self.file_lines(f, lang)), self.files_summary(lang)])


def _limits(master: Master) -> Any:
    from sheetsync.intake import Limits

    return Limits.from_settings(master.settings)


class _OwnFiles:
    """What a merge must never read as a return: the master, the ledger and its archive, the
    roll-ups it wrote (by path and by hash) and the blank workbooks ``split`` issued (by hash,
    from the manifest.json of each split folder under the inputs and beside the master).

    Why by hash: a roll-up or an issued workbook copied into the returns folder (or the whole
    project folder named as the input) would otherwise count as a unit's return."""

    def __init__(self, master: Master, ledger: Ledger, inputs: list[str | Path]) -> None:
        self.master = Path(master.path).resolve() if master.path else None
        self.ledger = ledger
        self.ledger_files = ledger_files(ledger.path)
        self.archive = ledger.archive.resolve()
        self.rollups = {Path(p) for (p,) in ledger.db.execute("SELECT DISTINCT output FROM rollups") if p}
        self.manifests = _manifests(inputs, self.master)
        self._issued: dict[str, tuple[str, Path]] | None = None

    def skip(self, path: Path) -> tuple[str, str] | None:
        full = path.resolve()
        if full == self.master:
            return str(path), "own-master"
        if full in self.ledger_files:
            return str(path), "own-ledger"
        if full.is_relative_to(self.archive):
            return str(self.archive), "own-archive"
        if full in self.rollups:
            return str(path), "own-rollup"
        return None

    def issued(self, items: list[Any]) -> dict[str, tuple[str, Path]]:
        """sha256 → (unit, manifest folder) of the issued workbooks as large as some incoming file
        (only those are hashed: a county's split folder is hundreds of files)."""
        if self._issued is None:
            from sheetsync.returns.inbox import sha256_of
            from sheetsync.split.manifest import read_manifest

            sizes = {it.path.stat().st_size for it in items}
            self._issued = {}
            for folder in self.manifests:
                try:
                    manifest = read_manifest(folder)
                except SheetsyncError:
                    continue
                for unit, path in manifest.workbooks().items():
                    try:
                        if path.is_file() and path.stat().st_size in sizes:
                            self._issued[sha256_of(path)] = (unit, folder)
                    except OSError:
                        continue
        return self._issued

    def own_output(self, sha256: str) -> bool:
        return self.ledger.own_output(sha256) is not None


def _manifests(inputs: list[str | Path], master: Path | None) -> list[Path]:
    """Split folders (holding manifest.json) under the input folders and one or two levels below the master's."""
    from sheetsync.split.manifest import MANIFEST

    found: list[Path] = []
    bases = [Path(p) for p in inputs if Path(p).is_dir()]
    for base in bases:
        found += [m.parent for m in base.rglob(MANIFEST)]
    if master is not None:
        found += [m.parent for m in (*master.parent.glob(f"*/{MANIFEST}"), *master.parent.glob(f"*/*/{MANIFEST}"))]
    return list(dict.fromkeys(f.resolve() for f in found))


def _skip_finding(code: str, source: str, **fields: Any) -> FileOutcome:
    return FileOutcome(source, "", "skipped", [Finding(code, "warning", t(f"merge.finding.{code}", file=source, **fields),
                                                       file=source)])


def _not_filled_in(result: ParsedReturn) -> bool:
    """No task row filled in: the workbook is as it was issued (a unit that sent the blank back,
    or one only opened and saved it). The reporter fields alone do not make a return: a unit
    must say something of its tasks to count as reported. Stops at the first filled row."""
    return bool(result.rows) and all(r.blank for r in result.rows)


def ingest(master: Master, inputs: list[str | Path], ledger: Ledger, *, period: str, accept_stale: bool = False,
           password: str | None = None, workers: int = 2, as_of: date | None = None) -> list[FileOutcome]:
    """Archive, parse and record every returned file in ``inputs`` (files, folders, .eml).

    Each return is read against the master inside the parser children, in parallel. Our own
    files (see :class:`_OwnFiles`) are listed as skipped, never read; a return with nothing
    filled in is rejected (kept, recorded, the unit still owes its return). A time later than
    now, the period's end and ``as_of`` is not believed (see :func:`sheetsync.returns.inbox.trust_times`).
    """
    from sheetsync.intake import Rejection, intake_many
    from sheetsync.intake.pool import WorkerPool
    from sheetsync.returns.inbox import collect, trust_times

    limits = _limits(master)
    password = password or master.setting("return_password") or None
    workdir = Path(tempfile.mkdtemp(prefix="sheetsync-inbox-"))
    outcomes: list[FileOutcome] = []
    # the parser children start now, while the files are collected and archived
    children = WorkerPool(limits, workers, post=_post_step(master, period, accept_stale)).start()
    try:
        own = _OwnFiles(master, ledger, inputs)
        claims = _UnitClaims(master)
        times = ledger.received_times(period)  # (unit, time) → returns: "which of two is newer?" in memory
        items, skipped = collect(inputs, workdir, skip=own.skip, pool=children)  # mails and zips unpacked there
        trust_times(items, until=_believed_until(period, as_of))
        for source, code in skipped:
            outcomes.append(_skip_finding(code, source))
        issued_counts: dict[Path, int] = {}
        kept = []
        for it in items:
            if own.own_output(it.sha256):
                outcomes.append(_skip_finding("own-rollup", it.source))
                continue
            blank = own.issued(items).get(it.sha256)
            if blank is not None:
                unit, folder = blank
                if Path(it.path).resolve().parent == folder:  # the split folder itself: one line for all
                    issued_counts[folder] = issued_counts.get(folder, 0) + 1
                else:
                    outcomes.append(_skip_finding("issued-blank", it.source, unit=unit, folder=str(folder)))
                continue
            kept.append(it)
        items = kept
        outcomes += [_skip_finding("issued-folder", str(folder), n=n) for folder, n in issued_counts.items()]
        todo = []
        duplicates: list[FileOutcome] = []
        seen_now: set[str] = set()

        reconsider = "accept-stale" if accept_stale else "password" if password else ""
        seam = os.environ.get("SHEETSYNC_TEST_KILL_POINT", "")

        def fresh() -> Iterator[str]:
            """Admit each file to the ledger (archived, known or new) and hand the new ones to the
            children as it goes, so parsing starts with the first file instead of after the last."""
            for it in items:
                known = ledger.admit(it.sha256, it.path, it.name, period, reconsider=reconsider).known
                if seam:
                    _test_point(seam, "archived", len(todo) + len(duplicates) + 1)
                if known is not None or it.sha256 in seen_now:
                    duplicates.append(FileOutcome(it.source, known.unit if known else "", "duplicate", [], it.sha256,
                                                  it.sender, it.received_at))
                    continue
                seen_now.add(it.sha256)
                todo.append(it)
                yield it.path

        parsed: list[FileOutcome] = []
        for n, (_path, _ins, data) in enumerate(intake_many(fresh(), limits, password=password, pool=children)):
            it = todo[n]
            if isinstance(data, Rejection):
                findings = _renamed(list(data.findings), it) + _time_findings(it)
                ledger.record_return(sha256=it.sha256, period=period, unit="", source=it.source, sender=it.sender,
                                     received_at=it.received_at, outcome="rejected", identified_by="",
                                     fields={}, findings=findings, rows=[], missing=[], claimed_at=it.claimed_at)
                parsed.append(FileOutcome(it.source, "", "rejected", findings, it.sha256, it.sender, it.received_at))
                continue
            try:
                result = data if isinstance(data, ParsedReturn) else _parse_here(data, master, period, accept_stale)
            except Exception as exc:  # noqa: BLE001 - a bug on one file must not cost the other 69 their merge
                result = ParsedReturn(file=it.path, rejected=True, findings=[Finding(
                    "internal-error", "error", t("merge.finding.internal-error", file=it.name,
                                                 detail=f"{type(exc).__name__}: {exc}"[:300]), file=it.source)])
            if not result.rejected and _not_filled_in(result):
                result.rejected = True
                result.findings.append(Finding("not-filled-in", "error", t("merge.finding.not-filled-in", file=it.name,
                                                                            unit=result.unit), file=it.source))
            findings = _renamed(list(result.findings), it) + _time_findings(it)
            if not result.rejected and result.unit:
                findings += _dispute_findings(claims, result, it) + _order_findings(times, result.unit, it)
            outcome = result.outcome
            if outcome == "accepted" and any(f.severity in ("error", "warning") for f in findings):
                outcome = "warnings"
            rid = ledger.record_return(sha256=it.sha256, period=period, unit=result.unit, source=it.source,
                                       sender=it.sender, received_at=it.received_at, outcome=outcome,
                                       identified_by=result.identified_by, fields=result.fields, findings=findings,
                                       rows=[] if result.rejected else result.rows,
                                       missing=[] if result.rejected else result.missing_tasks,
                                       claimed_at=it.claimed_at)
            if outcome != "rejected" and result.unit:
                times.setdefault((result.unit, it.received_at), []).append((it.sha256, it.source))
            if result.coverage and not result.rejected:  # a return exported from a roll-up below (levels)
                ledger.record_coverage(rid, result.coverage)
            if seam:
                _test_point(seam, "recorded", n + 1)
            parsed.append(FileOutcome(it.source, result.unit, outcome, findings, it.sha256, it.sender, it.received_at))
        outcomes += duplicates + parsed  # as listed before parsing and archiving overlapped
    finally:
        children.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return outcomes


class _UnitClaims:
    """Which unit a sender address belongs to (a unit's 邮箱 in the master), built once per merge.

    Why: another unit's workbook sent from a unit's own address was silently counted for the
    workbook's unit and replaced that unit's real return. (A file name or title naming another
    unit is the return reader's finding, ``other-unit-named``: its one home.)"""

    def __init__(self, master: Master) -> None:
        from sheetsync.core.addresses import address_of, split_addresses

        self.by_address: dict[str, list[str]] = {}
        for u in master.units:
            for item in split_addresses(u.email):
                self.by_address.setdefault(address_of(item).lower(), []).append(u.name)
        self._address_of = address_of

    def disagreeing(self, unit: str, sender: str) -> str:
        """The unit whose address sent a workbook of ``unit``, or "" (unknown address, or its own)."""
        owners = self.by_address.get(self._address_of(sender).lower(), []) if sender else []
        return owners[0] if owners and unit not in owners else ""


def _dispute_findings(claims: _UnitClaims, result: ParsedReturn, it: Any) -> list[Finding]:
    """A workbook that says (in its hidden information) it is one unit's, mailed from another
    unit's address: counted for the workbook's unit, flagged ``unit-mismatch``, and never
    preferred to a return of that unit that is not flagged (see :meth:`sheetsync.ledger.Ledger.current`)."""
    if result.identified_by not in ("metadata", "properties"):
        return []  # identified from the title or file name: nothing independent to compare
    other = claims.disagreeing(result.unit, it.sender)
    if not other:
        return []
    return [Finding("unit-mismatch", "warning", t("merge.finding.unit-mismatch", file=it.name, unit=result.unit,
                                                   how=t("merge.how.sender", sender=it.sender), other=other),
                    file=it.source)]


def _believed_until(period: str, as_of: date | None) -> date | None:
    """The later of the period's last day and the as-of date (see returns.inbox.trust_times)."""
    from sheetsync.core.period import parse_period

    parsed = parse_period(period)
    days = [d for d in (as_of, parsed.end if parsed else None) if d is not None]
    return max(days) if days else None


def _time_findings(it: Any) -> list[Finding]:
    """Say so when the file's time was not believed (see returns.inbox.trust_times)."""
    if not it.claimed_at:
        return []
    code = "time-unreadable" if it.claimed_at == "?" else "time-in-future"
    return [Finding(code, "warning", t(f"merge.finding.{code}", file=it.name, claimed=it.claimed_at.replace("T", " "),
                                       arrived=it.received_at.replace("T", " ")), file=it.source)]


def _order_findings(times: dict[tuple[str, str], list[tuple[str, str]]], unit: str, it: Any) -> list[Finding]:
    """Two different files of one unit at the very same time cannot be ordered: say that this
    one, recorded later, is the one used, and which it was preferred to. ``times``: the period's
    accepted returns by (unit, time) (:meth:`Ledger.received_times`, kept up to date by the merge)."""
    others = [source for digest, source in times.get((unit, it.received_at), ()) if digest != it.sha256]
    if not others:
        return []
    return [Finding("same-time", "warning", t("merge.finding.same-time", file=it.name, unit=unit,
                                               when=it.received_at.replace("T", " "), others="、".join(others)),
                    file=it.source)]


def _test_point(seam: str, stage: str, n: int) -> None:
    """Test seam (tests/merge/test_robustness_data.py), read only when the variable is set:
    ``SHEETSYNC_TEST_KILL_POINT=<archived|recorded>:<n>`` stops the merge after its n-th file
    reached that stage and says so on stderr, so a test can kill -9 it at a known moment."""
    import sys
    import time

    if seam != f"{stage}:{n}":
        return
    sys.stderr.write(f"sheetsync-test: stopped after {stage} {n}\n")
    sys.stderr.flush()
    time.sleep(300)


def _post_step(master: Master, period: str, accept_stale: bool) -> dict[str, Any] | None:
    """Read each return against the master inside the parser children (None: in this process)."""
    from sheetsync.returns.read import WORKER_PARSE

    return {"fn": WORKER_PARSE,
            "args": {"master": master.to_json(), "period": period, "accept_stale": accept_stale}}


def _parse_here(data: Any, master: Master, period: str, accept_stale: bool) -> ParsedReturn:
    """A workbook the parser child returned unread (no post step ran): read it against the master here."""
    registry = UnitRegistry(master.units, master.region)
    return parse_return(data, master, registry, assignments(master.tasks, registry), period=period,
                        accept_stale=accept_stale, fingerprint=master.fingerprint())


def _renamed(findings: list[Finding], it: Any) -> list[Finding]:
    """Findings name the file as the user knows it, not the temporary copy."""
    tmp_name = Path(it.path).name
    for f in findings:
        f.file = it.source
        if tmp_name != it.name:
            f.message = f.message.replace(tmp_name, it.name)
    return findings


def build_rollup(master: Master, ledger: Ledger, *, period: str, as_of: date | None = None) -> Rollup:
    """The roll-up of ``period`` from what the ledger holds (no files read).

    Judged at ``as_of``, else 设置·统计截至日期, else today (see :func:`status` for the ledger's
    own record of a period's last roll-up)."""
    from sheetsync.rollup.compute import gc_paused

    with gc_paused():  # ~a million objects that all live on: see gc_paused
        records = ledger.returns(period)  # read once: each read parses every file's findings
        current = ledger.current(period, records)
        superseded = ledger.superseded_counts(period, records)
        ids = [rec.id for rec in current.values()]
        missing = ledger.missing_rows(ids)
        returns: dict[str, UnitReturn] = {}
        rows_of: dict[int, list[ReturnRow]] = {}
        for rec in current.values():
            ur = returns[rec.unit] = UnitReturn(
                rec.unit, rec.source or rec.original_name, rec.received_at, [], missing.get(rec.id, []),
                superseded.get(rec.unit, 0), sum(1 for f in rec.findings if f.get("severity") in ("error", "warning")),
                rec.reporter, rec.phone, rec.sender)
            rows_of[rec.id] = ur.rows
        for r in ledger.rows(ids):  # return_id, then ReturnRow's fields in order (ledger.ROW_COLUMNS)
            rows_of[r[0]].append(ReturnRow(*r[1:]))
        files = [FileLine(rec.source or rec.original_name, rec.unit, rec.outcome,
                          [Finding.from_json(f) for f in rec.findings], rec.received_at)
                 for rec in records]
        judged = as_of or as_of_setting(master) or date.today()
        rollup = compute_rollup(master, returns, files, period=period, as_of=judged, coverage=_coverage(ledger, current))
        rollup.notes += _far_as_of(period, judged)
        return rollup


def _far_as_of(period: str, as_of: date) -> list[str]:
    """Say so when the as-of date lies over a year past the period's end (or today, for a period
    that is no date range): 2099-01-01 typed for 2026-01-01 makes every open task overdue."""
    from datetime import timedelta

    from sheetsync.core.period import parse_period

    p = parse_period(period)
    end = p.end if p is not None else date.today()
    if as_of <= end + timedelta(days=366):
        return []
    return [t("merge.as_of_far", as_of=as_of.isoformat(), period=period, end=end.isoformat())]


def _coverage(ledger: Ledger, current: dict[str, Any]) -> dict[str, list[Any]]:
    """Unit → the coverage rows of its current return (returns exported from a roll-up below)."""
    from sheetsync.levels.link import Coverage

    by_id = ledger.coverage([rec.id for rec in current.values()])
    return {unit: [Coverage.from_json(d) for d in by_id[rec.id]] for unit, rec in current.items() if rec.id in by_id}


def as_of_setting(master: Master) -> date | None:
    """设置·统计截至日期: the date a period's roll-up judges overdue and lagging tasks at.

    Why a setting and not only ``--as-of``: a quarter reported a week late must still be judged
    at its end, and the Excel buttons have no command line. Empty: the day of the roll-up."""
    from sheetsync.core.dates import parse_date, plan_year

    text = master.setting("as_of").strip()
    if not text:
        return None
    when = parse_date(text, plan_year(master.settings))  # 12月31日 in the plan's year, as check reads it
    if when is None:
        from sheetsync.core import schema
        from sheetsync.master.workbook import setting_cell

        sheet, cell = setting_cell(master, "as_of")
        raise SheetsyncError(t("merge.bad_as_of", value=text, label=schema.label_for(schema.SETTING_KEYS, "as_of"),
                               sheet=sheet, cell=cell), file=str(master.path or ""), hint=t("merge.bad_as_of_hint"))
    return when


def resolve_period(master: Master, period: str | None) -> str:
    """The period to work on as the clerk typed it (``--period`` or 设置·报送周期).

    The text is kept for display (the roll-up title says what the clerk typed); every lookup
    compares :func:`sheetsync.core.period.period_key` of it, so any spelling finds the period."""
    p = (period or master.setting("period")).strip()
    if not p:
        raise SheetsyncError(t("split.no_period", file=str(master.path or "")))
    return p


def merge_returns(master_path: str | Path, inputs: list[str | Path], output: str | Path, *, period: str | None = None,
                  as_of: date | None = None, ledger_path: str | Path | None = None, accept_stale: bool = False,
                  password: str | None = None, workers: int = 2, lang: str | None = None,
                  lock_timeout: float = 120.0) -> MergeResult:
    """Merge ``inputs`` into the roll-up of ``period`` written to ``output``.

    Merging the same files again changes nothing; a newer return from a unit replaces its
    older one; rejected files are kept and listed with the reason.
    """
    from sheetsync.master.workbook import read_master
    from sheetsync.rollup.workbook import write_rollup
    from sheetsync.workbook.xlsxio import clean_stale_temps

    master = read_master(master_path)
    period = resolve_period(master, period)
    output = Path(output)
    # resolved: two merges naming one ledger through a symlink or another spelling share one lock
    ledger_path = (Path(ledger_path) if ledger_path else default_path(master_path)).resolve()
    _refuse_clashes(Path(master_path), list(inputs), output, ledger_path)
    try:
        with FileLock(ledger_path.with_name(ledger_path.name + ".lock"), timeout=lock_timeout):
            clean_stale_temps(output.parent, output.stem)
            with Ledger(ledger_path, keep_rows=True) as ledger:  # the roll-up below reads them again
                ledger.ensure_writable()
                ledger.bind_master(master, master_path)
                _refuse_overwriting_a_return(ledger, list(inputs), output)
                files = ingest(master, list(inputs), ledger, period=period, accept_stale=accept_stale,
                               password=password, workers=workers, as_of=as_of or as_of_setting(master))
                rollup = build_rollup(master, ledger, period=period, as_of=as_of)
                from sheetsync.rollup.trend import trend_for

                rollup.trend = trend_for(master, ledger, period)  # the 趋势 sheet, from the ledger's history
                mode = _mode_to_keep(output)
                write_rollup(rollup, output, lang=lang)
                os.chmod(output, mode)  # the replaced roll-up's mode (a temp file is made 0600)
                from sheetsync.returns.inbox import sha256_of

                ledger.record_output(sha256_of(output), output.resolve())
                ledger.record_rollup(period, rollup.as_of, output.resolve())
    except sqlite3.DatabaseError as exc:
        # locked by another program, read-only, damaged or a full disk while recording: each
        # file's record is one transaction, so the ledger holds what was done and a re-run
        # after the fault is cleared finishes the merge; the previous roll-up is untouched
        raise ledger_fault(exc, ledger_path) from exc
    except OSError as exc:
        full = getattr(exc, "errno", None) in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
        if not full and not isinstance(exc, PermissionError):
            raise
        raise ledger_fault(exc, ledger_path) from exc
    return MergeResult(period, output, ledger_path, rollup, files)


def _mode_to_keep(output: Path) -> int:
    """The permission bits of the roll-up being replaced, or the usual ones for a new file."""
    try:
        return output.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def _refuse_clashes(master_path: Path, inputs: list[str | Path], output: Path, ledger_path: Path) -> None:
    """Refuse, before anything is written, an output that would replace an input, the ledger,
    its archive or the master, and a ledger that is the master or an input. Why: ``-o`` naming
    the ledger replaced the SQLite file with a workbook, and ``--ledger`` naming the master made
    SQLite try to open a workbook."""
    out, master = output.resolve(), master_path.resolve()
    named = {Path(p).resolve() for p in inputs if not Path(p).is_dir()}
    hint = t("merge.clash_hint")

    def refuse(key: str, file: Path) -> SheetsyncError:
        return SheetsyncError(t(key, file=str(file)), file=str(file), hint=hint)

    if out == master:
        raise refuse("merge.output_is_master", output)
    if out.is_dir():
        raise refuse("merge.output_is_folder", output)
    existing = next((p for p in out.parents if p.exists()), None)  # the folder it would be made in
    if existing is not None and not existing.is_dir():
        raise refuse("merge.output_folder_is_file", existing)
    if out in ledger_files(ledger_path):
        raise refuse("merge.output_is_ledger", output)
    if out.is_relative_to(archive_path(ledger_path).resolve()):
        raise refuse("merge.output_in_archive", output)
    if out in named:
        raise refuse("merge.output_is_input", output)
    if ledger_path == master or ledger_path in named:
        raise refuse("merge.ledger_is_input", ledger_path)
    existing = next((p for p in ledger_path.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise refuse("merge.ledger_folder_is_file", ledger_path)


def _refuse_overwriting_a_return(ledger: Ledger, inputs: list[str | Path], output: Path) -> None:
    """An existing file at ``output`` inside an input folder may be replaced only if it is a
    roll-up this ledger wrote (by path or hash); anything else there is someone's return."""
    out = output.resolve()
    if not out.is_file() or not any(out.is_relative_to(Path(p).resolve()) for p in inputs if Path(p).is_dir()):
        return
    from sheetsync.returns.inbox import sha256_of

    written = ledger.db.execute("SELECT 1 FROM rollups WHERE output=? LIMIT 1", (str(out),)).fetchone()
    if written is None and ledger.own_output(sha256_of(out)) is None:
        raise SheetsyncError(t("merge.output_is_input", file=str(output)), file=str(output), hint=t("merge.clash_hint"))


def gaps_by_unit(master_path: str | Path, period: str | None = None, db_path: str | Path | None = None,
                 as_of: date | None = None, *, master: Master | None = None) -> dict[str, list[Any]]:
    """Unit → its gaps for ``period`` from the ledger (used by the 催报 reminders).

    ``master``: the master as already read (the Excel ribbon passes the open workbook, unsaved
    edits included); ``master_path`` still locates the ledger beside it.
    """
    return status(master_path, period, db_path, as_of, master=master).gaps_by_unit()


def status(master_path: str | Path, period: str | None = None, db_path: str | Path | None = None,
           as_of: date | None = None, *, master: Master | None = None) -> Rollup:
    """The roll-up of ``period`` as the ledger stands, without reading or writing any workbook.

    ``master`` as in :func:`gaps_by_unit`: given, the file at ``master_path`` is not read.
    Judged at ``as_of`` when given, else at 设置·统计截至日期 (typed in the master, possibly
    unsaved in the ribbon: the clerk's explicit choice), else at the as-of of the period's last
    roll-up (so status agrees with the roll-up the county sent), else today.
    """
    from sheetsync.master.workbook import read_master

    if master is None:
        master = read_master(master_path)
    period = resolve_period(master, period)
    db = Path(db_path) if db_path else default_path(master_path)
    try:
        with Ledger(db) as ledger:
            ledger.check_master(master, master_path)
            if as_of is None and as_of_setting(master) is None:
                last = ledger.last_rollup(period)
                as_of = last.as_of if last is not None else None
            rollup = build_rollup(master, ledger, period=period, as_of=as_of)
            rollup.notes += _period_unknown(ledger, period)
            return rollup
    except (sqlite3.DatabaseError, PermissionError) as exc:
        raise ledger_fault(exc, db) from exc


def _period_unknown(ledger: Ledger, period: str) -> list[str]:
    """Say so when the ledger holds other periods but none of ``period`` (a mistyped 报送周期
    would otherwise show every unit as missing without a word)."""
    from sheetsync.core.period import period_key, period_label

    known = ledger.periods()
    if not known or period_key(period) in known or ledger.last_rollup(period) is not None:
        return []
    return [t("status.period_unknown", period=period, known="、".join(period_label(k) for k in known))]

