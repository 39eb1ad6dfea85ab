"""Down one level: a master for one unit, holding exactly the tasks it is lead or co-unit for.

From the county master, or from the return workbook the county issued to the unit (it carries
the same ``_sheetsync`` metadata: unit, period, master fingerprint, task ids). The township then
fills its own 单位 sheet, assigns its villages and splits tasks as it likes (3-1, 3-2 keep
上级任务编号); the hidden record of the parent keeps the link through renames, and its task
hashes let the county name exactly which tasks changed since.

Deadlines are the parent's minus 设置·下级提前(天) (default 5) counted in **working days** on
China's calendar, 调休 included (:mod:`sheetsync.core.calendar`; the parent master's 节假日 sheet
overrides it), so a township's deadline never lands on a day off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Phase, Task
from sheetsync.i18n import get_lang, t
from sheetsync.levels.link import DEFAULT_LEAD_DAYS, RECORD_KIND, encode_tasks, task_hash


@dataclass
class DeriveResult:
    output: Path
    unit: str
    source: str  # master | return
    parent_fingerprint: str
    tasks: list[str] = field(default_factory=list)  # parent task ids taken over
    lead_days: int = DEFAULT_LEAD_DAYS
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"output": str(self.output), "unit": self.unit, "source": self.source,
                "parent_fingerprint": self.parent_fingerprint, "tasks": self.tasks, "lead_days": self.lead_days,
                "notes": self.notes}

    def to_summary(self, lang: str | None = None) -> str:
        return "\n".join([t("levels.derived", lang=lang, file=self.output, unit=self.unit, n=len(self.tasks),
                            days=self.lead_days), *self.notes])


@dataclass
class _Parent:
    """What a child master needs of its parent, read from a master or from a return workbook."""

    source: str
    unit: str
    fingerprint: str
    region: str
    plan: str
    period: str
    due: str
    year: int | None
    rows: list[tuple[Task, str]]  # (task as the parent has it, our role there: lead | co)
    phases: list[Phase] = field(default_factory=list)
    lead_days: str = ""


def derive_master(parent: str | Path, unit: str, out: str | Path, *, lead_days: int | None = None,
                  lang: str | None = None, derived_at: datetime | None = None) -> DeriveResult:
    """Write the master of ``unit``'s own level to ``out`` from ``parent`` (a master or the unit's
    return workbook). Raises :class:`SheetsyncError` naming the file when the unit has no task
    there or the file is neither."""
    from sheetsync.master.workbook import load_grids, write_master
    from sheetsync.split.workbook import unit_id

    parent, out = Path(parent), Path(out)
    if out.resolve() == parent.resolve():
        raise SheetsyncError(t("levels.out_is_parent", file=str(out)), file=str(out))
    from sheetsync.core.outputs import refuse_replacing

    refuse_replacing(out, "derived")  # an earlier derived master; never a ledger, roll-up or another master
    from sheetsync.core.calendar import WorkCalendar, holiday_overrides

    grids = load_grids(parent)
    meta = _meta(grids)
    overrides, cal_findings, sheet = holiday_overrides(grids, str(parent))
    cal = WorkCalendar(overrides, file=str(parent), sheet=sheet)
    info = _from_return(parent, grids, meta, unit) if meta.get("unit") and meta.get("master_fingerprint") \
        else _from_master(parent, grids, unit)
    if not info.rows:
        raise SheetsyncError(t("levels.no_tasks_for_unit", unit=unit, file=parent.name), file=str(parent))
    days = lead_days if lead_days is not None else setting_days(info.lead_days, parent)
    lang = lang or get_lang()
    role_text = {r.key: r.text(lang) for r in schema.ROLES}
    tasks = [Task(id=pt.id, title=pt.title, content=pt.content, deadline=_earlier(pt.deadline, days, info.year, cal),
                  indicator=pt.indicator, target=pt.target, target_op=pt.target_op, target_unit=pt.target_unit,
                  parent_id=pt.id, parent_role=role_text[role], parent_deadline=pt.deadline)
             for pt, role in info.rows]
    when = (derived_at or datetime.now()).replace(microsecond=0)
    record = {
        "kind": RECORD_KIND, "parent_fingerprint": info.fingerprint, "parent_region": info.region,
        "parent_plan": info.plan, "parent_period": info.period, "unit": info.unit, "unit_id": unit_id(info.unit),
        "derived_from": parent.name, "derived_at": when.isoformat(sep=" "), "lead_days": str(days),
        "tasks": encode_tasks([(pt.id, task_hash(pt.id, pt.title, pt.content), pt.target_unit) for pt, _ in info.rows]),
    }
    settings = {"region": info.unit, "plan": info.plan, "period": info.period,
                "due": _earlier(info.due, days, info.year, cal) if info.due else "", "office": info.unit,
                "lead_days": str(days), "progress_mode": schema.label_for(schema.PROGRESS_MODES, "mean", lang)}
    if info.year:
        settings["year"] = str(info.year)
    child = Master(tasks=tasks, units=[], phases=[Phase(p.name, p.start, cal.shift(p.end, -days) if p.end else None,
                                                        p.note) for p in info.phases],
                   settings={k: v for k, v in settings.items() if v}, parent=record)
    write_master(child, out, lang=lang)
    notes = [f.message for f in [*cal_findings, *cal.findings]]
    return DeriveResult(out, info.unit, info.source, info.fingerprint, [pt.id for pt, _ in info.rows], days, notes)


def return_unit(path: str | Path) -> str:
    """The unit a return workbook was issued to (its ``_sheetsync`` metadata); "" for anything else."""
    from sheetsync.master.workbook import load_grids

    meta = _meta(load_grids(Path(path)))
    return meta.get("unit", "") if meta.get("master_fingerprint") else ""


def _meta(grids: dict[str, list[list[Any]]]) -> dict[str, str]:
    from sheetsync.core.textnorm import value_text

    rows = grids.get(schema.META_SHEET) or []
    return {value_text(r[0]): value_text(r[1]) for r in rows if len(r) >= 2 and value_text(r[0])}


MAX_LEAD_DAYS = 365  # as --lead-days: a year of working days earlier is already no deadline


def setting_days(text: str, parent: Path) -> int:
    """设置·下级提前(天) as written (5, "５", "5天"; empty: the default). Anything else is refused
    naming the file: "abc" and "-3" were taken as 5 and 0 without a word, 1e9 and inf ended in a
    traceback after counting working days past the calendar's end."""
    from sheetsync.core.textnorm import nfkc

    raw = nfkc(text or "").strip()
    if not raw:
        return DEFAULT_LEAD_DAYS
    m = re.fullmatch(r"(\d{1,3})(?:\.0+)?\s*(?:个?工作日|天|日)?", raw)
    if m is None or int(m[1]) > MAX_LEAD_DAYS:
        raise SheetsyncError(t("levels.bad_lead_days", file=parent.name, value=text,
                               setting=schema.label_for(schema.SETTING_KEYS, "lead_days"), most=MAX_LEAD_DAYS),
                             file=str(parent))
    return int(m[1])


def _earlier(deadline: str, days: int, year: int | None, cal: Any) -> str:
    """The parent's deadline ``days`` working days earlier (ISO date; :meth:`WorkCalendar.shift`);
    长期坚持 or a phase name stays as written."""
    from sheetsync.core.dates import parse_deadline

    dl = parse_deadline(deadline, year)
    if dl.kind != "date" or dl.date is None:
        return deadline
    return cal.shift(dl.date, -days).isoformat()


def _from_master(path: Path, grids: dict[str, Any], unit: str) -> _Parent:
    from sheetsync.core.dates import plan_year
    from sheetsync.core.units import UnitRegistry, assignments
    from sheetsync.master.workbook import master_from_grids

    master = master_from_grids(grids, path=path)
    registry = UnitRegistry(master.units, master.region)
    r = registry.resolve(unit)
    if r.kind != "unit" or not r.units:
        raise SheetsyncError(t("levels.unit_unknown", unit=unit, file=path.name,
                               suggestions="、".join(registry.suggest(unit)) or "-"), file=str(path))
    name = r.units[0].name
    rows = [(a.task, a.role) for a in assignments(master.tasks, registry).get(name, [])]
    return _Parent("master", name, master.fingerprint(), master.region, master.plan_name, master.setting("period"),
                   master.setting("due"), plan_year(master.settings), rows, list(master.phases),
                   master.setting("lead_days"))


def _from_return(path: Path, grids: dict[str, Any], meta: dict[str, str], unit: str) -> _Parent:
    """The tasks of a return workbook as issued (its locked columns), identified by its metadata."""
    from sheetsync.core.period import parse_period
    from sheetsync.core.targets import parse_target_value
    from sheetsync.core.textnorm import norm_key, value_text
    from sheetsync.workbook.headers import find_header

    if unit and norm_key(unit) != norm_key(meta["unit"]):
        raise SheetsyncError(t("levels.return_of_other_unit", file=path.name, unit=unit, found=meta["unit"]),
                             file=str(path))
    rows: list[tuple[Task, str]] = []
    for title, grid in grids.items():
        if title == schema.META_SHEET:
            continue
        match = find_header(grid, schema.RETURN)
        if match is None or "id" not in match.columns:
            continue
        cols = match.columns
        for r in range(match.first_data_row, len(grid) + 1):
            row = grid[r - 1]

            def get(key: str, row: list[Any] = row, cols: dict[str, int] = cols) -> Any:
                c = cols.get(key)
                return row[c - 1] if c and c <= len(row) else None

            tid = value_text(get("id"))
            if not tid:
                continue
            target = parse_target_value(get("target"))
            role = schema.key_for(schema.ROLES, value_text(get("role"))) or "co"
            rows.append((Task(id=tid, title=value_text(get("title")), content=value_text(get("content")),
                              deadline=value_text(get("deadline")), target=target.value if target else None,
                              target_op=target.op if target else ">="), role))
        break
    p = parse_period(meta.get("period", ""))
    return _Parent("return", meta["unit"], meta.get("master_fingerprint", ""), meta.get("region", ""),
                   meta.get("plan", ""), meta.get("period", ""), meta.get("due", ""), p.year if p else None, rows)
