"""考核结果.xlsx: 得分汇总, 扣分明细, one ranking per group (a circular's attachment), 规则快照.

Written with openpyxl through the shared xlsxio helpers, so text from returns stays text. The
扣分明细 sheet is also read back (:func:`read_reviews`): a clerk's 复核后分值 + 复核意见 there is
how an override reaches the ledger.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sheetsync.assess.rules import rule_rows
from sheetsync.assess.score import Line
from sheetsync.core import schema
from sheetsync.core.errors import SheetsyncError
from sheetsync.core.schema import Column, Label, SheetSpec
from sheetsync.i18n import both, get_lang, t

SUMMARY_COLS = ("unit", "group", "base", "deducted", "bonus", "score", "grade", "rank", "change", "list",
                "consecutive", "action", "veto")
SUMMARY_WIDTHS = (24, 12, 8, 8, 8, 8, 8, 9, 8, 8, 10, 28, 30)
DETAIL_COLS = ("period", "unit", "rule", "item", "task", "fact", "source", "points", "review_note", "reviewed",
               "weight", "counted")
DETAIL_WIDTHS = (14, 22, 9, 16, 11, 46, 40, 8, 24, 10, 7, 9)
RANK_COLS = ("rank", "unit", "score", "grade")


def _detail_spec() -> SheetSpec:
    """The 扣分明细 header as a spec, so a re-saved or re-ordered result is still read back."""
    return SheetSpec(Label("assess_detail", *both("assess.sheet.detail")),
                     tuple(Column(k, *both(f"assess.col.{k}"), (), 10, k in ("period", "unit", "rule"))
                           for k in DETAIL_COLS))


def write_assessment(res: Any, path: str | Path, *, lang: str | None = None) -> Path:
    """Write the result ``res`` (an :class:`~sheetsync.assess.Assessment`) atomically at ``path``."""
    import openpyxl

    from sheetsync.workbook import xlsxio

    lang = lang or get_lang()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    st = xlsxio.styles()

    def tr(key: str, **kw: Any) -> str:
        return t(key, lang=lang, **kw)

    # 得分汇总
    ws = wb.create_sheet(tr("assess.sheet.summary"))
    xlsxio.write_header(ws, 1, [tr(f"assess.col.{k}") for k in SUMMARY_COLS], SUMMARY_WIDTHS)
    order = {g: i for i, (g, _) in enumerate(res.rules.settings.groups)}
    units = sorted(res.units, key=lambda u: (not u.assessed, order.get(u.group, 99), u.rank or 0, u.unit))
    rows = []
    for u in units:
        if not u.assessed:
            rows.append([u.unit, u.group, "", "", "", "", u.grade, "", "", "", "", "", ""])
            continue
        rows.append([u.unit, u.group, _r(u.base), _r(u.deductions), _r(u.bonuses), _r(u.score), u.grade, u.rank,
                     "" if u.change is None else _r(u.change), tr(f"assess.list.{u.board or 'none'}"),
                     u.consecutive_black or "", u.action,
                     "；".join(f"{v.reason}（{v.day.isoformat()}）" if v.day else v.reason for v in u.vetoes)])
    last = xlsxio.write_rows(ws, 2, rows, SUMMARY_WIDTHS) - 1
    fills = {"red": xlsxio.GREEN, "black": xlsxio.RED}
    for r, u in enumerate(units, start=2):
        if u.board in fills:
            ws.cell(row=r, column=SUMMARY_COLS.index("list") + 1).fill = xlsxio.fill(fills[u.board])
        for k in ("base", "deducted", "bonus", "score", "change"):
            ws.cell(row=r, column=SUMMARY_COLS.index(k) + 1).number_format = "0.00"
    xlsxio.finish_table(ws, 1, last, len(SUMMARY_COLS), freeze_col=2)

    # 扣分明细
    ws = wb.create_sheet(tr("assess.sheet.detail"))
    xlsxio.write_header(ws, 1, [tr(f"assess.col.{k}") for k in DETAIL_COLS], DETAIL_WIDTHS)
    items = {r.id: r.item for r in res.rules.rules}
    unit_order = {u.unit: i for i, u in enumerate(units)}
    period_order = {p: i for i, p in enumerate(res.periods)}
    lines: list[Line] = sorted(res.lines, key=lambda ln: (unit_order.get(ln.unit, 10**6),
                                                          period_order.get(ln.period, len(res.periods))))
    rows = [[ln.period or tr("assess.all_periods"), ln.unit, ln.rule, _line_item(ln, items, tr), ln.task, ln.fact,
             ln.source, _r(ln.points), ln.review_note, "" if ln.reviewed is None else _r(ln.reviewed),
             _r(ln.weight, 4), _r(ln.counted, 4)] for ln in lines]
    last = xlsxio.write_rows(ws, 2, rows, DETAIL_WIDTHS, [k in ("fact", "source", "review_note", "item")
                                                          for k in DETAIL_COLS]) - 1
    for r, ln in enumerate(lines, start=2):
        if ln.reviewed is not None:
            ws.cell(row=r, column=DETAIL_COLS.index("reviewed") + 1).fill = xlsxio.fill(xlsxio.AMBER)
    xlsxio.finish_table(ws, 1, last, len(DETAIL_COLS), freeze_col=3)

    # 排名-<group>: printable on A4 as a circular's attachment
    for group, _cats in res.rules.settings.groups:
        ranked = res.ranked(group)
        ws = wb.create_sheet(_sheet_name(tr("assess.sheet.ranking", group=group)))
        title = tr("assess.ranking_title", region=res.region, plan=res.plan, group=group,
                   periods="、".join(res.periods)).strip()
        widths = (8, 30, 10, 10)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RANK_COLS))
        c = xlsxio.set_value(ws.cell(row=1, column=1), title)
        c.font, c.alignment = st["title"], st["wrap"]
        ws.row_dimensions[1].height = xlsxio.row_height([(title, sum(widths) / 1.5)], line_height=24)
        xlsxio.write_header(ws, 2, [tr(f"assess.col.{k}") for k in RANK_COLS], widths)
        last = xlsxio.write_rows(ws, 3, [[u.rank, u.unit, _r(u.score), u.grade] for u in ranked], widths) - 1
        for r in range(3, last + 1):
            ws.cell(row=r, column=3).number_format = "0.00"
        xlsxio.print_setup(ws, 2)
        ws.page_setup.orientation = "portrait"

    # 规则快照
    ws = wb.create_sheet(tr("assess.sheet.rules"))
    spec = schema.ASSESS_RULES
    heads = [c.text(lang) for c in spec.columns] + [tr("assess.col.origin")]
    widths = [c.width for c in spec.columns] + [18]
    xlsxio.write_header(ws, 1, heads, widths)
    body = [[*row, tr("assess.origin.default") if r.default else r.where]
            for row, r in zip(rule_rows(res.rules.rules, lang), res.rules.rules)]
    row = xlsxio.write_rows(ws, 2, body, widths) + 1
    xlsxio.write_header(ws, row, [tr("assess.col.setting"), tr("assess.col.value"), tr("assess.col.origin")])
    s = res.rules.settings
    settings_rows = [[schema.label_for(schema.SETTING_KEYS, k, lang), v,
                      tr("assess.origin.default") if k in s.defaults else tr("assess.origin.settings")]
                     for k, v in s.text.items()]
    settings_rows.append([schema.label_for(schema.SETTING_KEYS, "due", lang), s.due.isoformat() if s.due else "",
                          tr("assess.origin.settings")])
    settings_rows.append([tr("assess.col.periods"), "；".join(f"{p}:{_r(w, 4)}" for p, w in res.weights.items()), ""])
    settings_rows.append([tr("assess.col.as_of"), res.as_of.isoformat(), ""])
    settings_rows += [[tr("assess.col.note"), note, ""] for note in res.notes]
    xlsxio.write_rows(ws, row + 1, settings_rows, widths[:3])
    xlsxio.print_setup(ws, 1)

    wb.active = 0
    return xlsxio.save_atomic(wb, Path(path))


def _line_item(ln: Line, items: dict[str, str], tr: Any) -> str:
    if ln.kind in ("cap", "floor"):
        return tr(f"assess.kind.{ln.kind}")
    return items.get(ln.rule, "")


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "", name)[:31]


def _r(x: float, places: int = 2) -> float | int:
    v = round(x + 0.0, places)
    return int(v) if float(v).is_integer() else v


def read_reviews(path: str | Path) -> dict[tuple[str, str, str, str], tuple[float, str]]:
    """(period, unit, rule, task) → (复核后分值, 复核意见) of every 扣分明细 row a clerk filled in.

    The reviewed value takes the sign of its line (a deduction stays a deduction whether typed
    as 5 or −5). A value without a reason, or one that is not a number, is refused naming its cell.
    """
    from openpyxl.utils import get_column_letter

    from sheetsync.assess.rules import _number
    from sheetsync.master.workbook import load_grids
    from sheetsync.workbook.headers import find_header

    spec = _detail_spec()
    grids = load_grids(path)
    names = set(both("assess.sheet.detail"))
    title = next((n for n in grids if n in names), None)
    match = find_header(grids[title], spec) if title else None
    if title is None or match is None or match.missing(spec) or "reviewed" not in match.columns:
        raise SheetsyncError(t("assess.review_unreadable", file=str(path), sheet=t("assess.sheet.detail")), file=str(path))
    all_periods = set(both("assess.all_periods"))
    out: dict[tuple[str, str, str, str], tuple[float, str]] = {}
    for r in range(match.first_data_row, len(grids[title]) + 1):
        row = grids[title][r - 1]

        def get(key: str, row: list[Any] = row) -> Any:
            c = match.columns.get(key)
            return row[c - 1] if c and c <= len(row) else None

        raw = get("reviewed")
        if raw in (None, ""):
            continue
        cell = f"{title}!{get_column_letter(match.columns['reviewed'])}{r}"
        value = _number(raw)
        note = "" if get("review_note") is None else str(get("review_note")).strip()
        if value is None:
            raise SheetsyncError(t("assess.review_bad_value", file=str(path), cell=cell, value=raw), file=str(path))
        if not note:
            raise SheetsyncError(t("assess.review_no_note", file=str(path), cell=cell), file=str(path))
        points = _number(get("points")) or 0.0
        value = -abs(value) if points < 0 else abs(value)
        period = "" if str(get("period") or "") in all_periods else str(get("period") or "")
        out[(period, str(get("unit") or ""), str(get("rule") or ""), str(get("task") or ""))] = (value, note)
    return out


