"""考核评分: ``sheetsync assess`` on the open master's period, shown in the master.

The rules, 加分申报 and 一票否决 are read from the open workbook (unsaved edits included, as
刷新总览 reads 设置); the facts from the ledger beside the saved master. The result workbook
is written beside the master and its 得分汇总 repeated in our own 考核得分 sheet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import t
from sheetsync.ledger import default_path
from sheetsync.ribbon.sheets import GREEN, RED, fresh_sheet, master_file, paint, period_of, write_table


def result_path(master_path: Path, region: str, period: str) -> Path:
    """``{地区名称}_{报送周期}_考核结果.xlsx`` beside the master (one per period, replaced by each run)."""
    from sheetsync.split.workbook import safe_filename

    name = t("ribbon.assess.output", region=region, period=period).lstrip("_")
    return master_path.parent / (safe_filename(name) + ".xlsx")


def assess_units(book: Any) -> str:
    """考核评分: score the open master's 报送周期 from the ledger; 考核得分 sheet + result workbook."""
    from sheetsync.assess import assess_units as run
    from sheetsync.ribbon.handlers import live_read

    grids, live = live_read(book)
    period = period_of(live)
    path = master_file(book)
    if not default_path(path).is_file():
        raise SheetsyncError(t("ribbon.error.no_ledger", file=str(default_path(path))),
                             hint=t("ribbon.error.no_ledger_hint"))
    out = result_path(path, live.region, period)
    res = run(path, [period], master=live, grids=grids, output=out)

    sheet = fresh_sheet(book, "ribbon.sheet.assess")
    cols = ("unit", "group", "score", "grade", "rank", "list", "action")
    rows, fills = [], {}
    for group, _cats in res.rules.settings.groups:
        for u in res.ranked(group):
            rows.append([u.unit, u.group, round(u.score, 2), u.grade, u.rank, t(f"assess.list.{u.board or 'none'}"),
                         u.action])
            if u.board:
                fills[(len(rows) + 1, 6)] = GREEN if u.board == "red" else RED
    skipped = [u for u in res.units if not u.assessed]
    rows += [[u.unit, u.group, "", u.grade, "", "", ""] for u in skipped]
    write_table(sheet, [t(f"assess.col.{k}") for k in cols], rows)
    paint(sheet, fills)
    sheet.activate()
    lines = [t("ribbon.assess.done", n=len(res.units) - len(skipped), skipped=len(skipped), sheet=sheet.name,
               file=res.output), *res.notes]
    return "\n".join(lines)
