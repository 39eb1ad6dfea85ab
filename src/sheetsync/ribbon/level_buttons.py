"""生成下级主表 and 生成上报表: ``sheetsync derive`` and ``sheetsync export-return`` from the ribbon.

生成下级主表 is clicked by the clerk one level down, choosing the return workbook the level above
sent: its metadata names the unit, so nothing has to be typed. 生成上报表 is clicked in our
own (derived) master: it takes this period's roll-up beside the master (合并回收表 wrote it) and
fills the chosen return workbook issued from above, into the 上报 folder beside the master.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t
from sheetsync.ribbon.sheets import master_file, period_of


def derive_master(book: Any, parent: Path) -> str:
    """生成下级主表: the chosen return workbook issued to us → ``{unit}_任务分解表.xlsx`` beside it
    (the unit is the one its metadata names; a master needs ``sheetsync derive --unit``)."""
    from sheetsync.levels import derive_master as run
    from sheetsync.levels.derive import return_unit
    from sheetsync.split.workbook import safe_filename

    unit = return_unit(parent)
    if not unit:
        raise SheetsyncError(t("ribbon.levels.not_a_return", file=parent.name), hint=t("ribbon.levels.not_a_return_hint"))
    out = parent.parent / (safe_filename(t("ribbon.levels.master_name", unit=unit)) + ".xlsx")
    res = run(parent, unit, out)
    return t("ribbon.levels.derived", unit=res.unit, file=out, n=len(res.tasks))


def export_return(book: Any, parent_return: Path) -> str:
    """生成上报表: this period's roll-up beside the master → the chosen return, in ``上报/``."""
    from sheetsync.levels import export_return as run
    from sheetsync.ribbon.handlers import live_master
    from sheetsync.ribbon.rollup_buttons import rollup_path

    live = live_master(book)
    path = master_file(book)
    rollup = rollup_path(path, live, period_of(live))
    if not rollup.is_file():
        raise SheetsyncError(t("ribbon.levels.no_rollup", file=rollup.name))
    res = run(rollup, parent_return, path.parent / t("ribbon.levels.outdir"))
    notes = "".join(f"\n{f.message}" for f in res.findings if f.severity != "info")
    return t("ribbon.levels.exported", file=res.output, n=len(res.coverage),
             complete=sum(c.complete for c in res.coverage), notes=notes)
