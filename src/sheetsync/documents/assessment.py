"""The 考核结果 workbook of ``sheetsync assess`` (sheets 得分汇总 and 扣分明细) as the circular reads it.

Reading it is kept in :func:`read_assessment` alone. The headers are looked up through the assess
stage's own labels (``assess.col.*`` / ``assess.sheet.*``, both languages), and the 红榜/黑榜 are
the ones assess decided (its 榜单 column), not re-derived here; a workbook without that column
(an older or hand-made one) gets the three highest and lowest scores, and the draft says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.core.errors import SheetsyncError
from sheetsync.documents import figures
from sheetsync.documents.gbt9704 import Block, Table
from sheetsync.i18n import both, get_lang, t

if TYPE_CHECKING:
    from sheetsync.documents.source import Facts

BOARD = 3  # units on each list when the workbook does not say


def _names(key: str, *extra: str) -> tuple[str, ...]:
    return (*both(key), *extra)


@dataclass
class Score:
    rank: int
    unit: str
    score: float
    group: str = ""
    board: str = ""  # red | black | "" (as assess decided)


@dataclass
class Deduction:
    unit: str
    reason: str
    points: float  # positive: points taken off


@dataclass
class Assessment:
    scores: list[Score]
    deductions: list[Deduction] = field(default_factory=list)
    boards_given: bool = False  # the workbook's 榜单 column said who is on the lists
    periods: list[str] = field(default_factory=list)  # the periods assessed (规则快照), [] when not said


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _table(grid: list[list[object]], required: tuple[tuple[str, ...], ...]) -> tuple[list[str], list[tuple[object, ...]]]:
    """The header row (the first of the top ten rows holding every required column) and the rows under it."""
    rows = [tuple(r) for r in grid]
    for i, row in enumerate(rows[:10]):
        header = [str(v).strip() if v is not None else "" for v in row]
        if all(_find(header, names) is not None for names in required):
            return header, rows[i + 1:]
    return [], []


def _cell(row: tuple[object, ...], i: int | None) -> object:
    return row[i] if i is not None and i < len(row) else None


def read_assessment(path: str | Path) -> Assessment:
    """Scores (得分汇总) and deductions (扣分明细) of a 考核结果 workbook; a missing sheet or column is
    an error naming the file and sheet, never an empty ranking."""
    from sheetsync.master.workbook import load_grids

    path = Path(path)
    try:
        # the checked reader of any workbook handed to us (intake's checks, a limited child)
        grids = load_grids(path)
    except SheetsyncError as exc:
        raise SheetsyncError(t("documents.assess.unreadable", file=str(path), detail=exc.message[:300]),
                             file=str(path), hint=exc.hint) from exc

    summary_names = _names("assess.sheet.summary", "得分")
    sheet = next((n for n in summary_names if n in grids), None)
    if sheet is None:
        raise SheetsyncError(t("documents.assess.no_sheet", file=str(path), sheet=summary_names[0]), file=str(path))
    unit_n, score_n = _names("assess.col.unit", "单位名称"), _names("assess.col.score", "总分")
    header, rows = _table(grids[sheet], (unit_n, score_n))
    if not header:
        raise SheetsyncError(t("documents.assess.no_columns", file=str(path), sheet=sheet,
                               columns=f"{unit_n[0]}、{score_n[0]}"), file=str(path))
    iu, isc = _find(header, unit_n), _find(header, score_n)
    ir = _find(header, _names("assess.col.rank", "排名", "名次"))
    ig = _find(header, _names("assess.col.group"))
    il = _find(header, _names("assess.col.list"))
    red, black = both("assess.list.red"), both("assess.list.black")
    scores = []
    for row in rows:
        unit, score, rank = _cell(row, iu), _cell(row, isc), _cell(row, ir)
        if not unit or not isinstance(score, (int, float)):
            continue  # a unit not assessed (no score) is not ranked
        mark = str(_cell(row, il) or "").strip()
        scores.append(Score(int(rank) if isinstance(rank, (int, float)) else 0, str(unit).strip(), float(score),
                            str(_cell(row, ig) or "").strip(),
                            "red" if mark in red else "black" if mark in black else ""))
    scores.sort(key=lambda s: -s.score)
    for i, s in enumerate(scores, start=1):
        s.rank = s.rank or i
    deductions = []
    detail_names = _names("assess.sheet.detail")
    detail = next((n for n in detail_names if n in grids), None)
    if detail is not None:
        reason_n = _names("assess.col.item", "扣分事由", "事由")
        points_n = _names("assess.col.counted", *both("assess.col.points"), "扣分")
        header, rows = _table(grids[detail], (unit_n, reason_n, points_n))
        iu, ire, ip = _find(header, unit_n), _find(header, reason_n), _find(header, points_n)
        signed = ip is not None and header[ip] in (*both("assess.col.counted"), *both("assess.col.points"))
        for row in rows:
            unit, pts = _cell(row, iu), _cell(row, ip)
            if not unit or not isinstance(pts, (int, float)):
                continue
            taken = -float(pts) if signed else float(pts)  # assess writes a deduction as negative
            if taken > 0:
                deductions.append(Deduction(str(unit).strip(), str(_cell(row, ire) or "").strip(), taken))
    return Assessment(scores, deductions, il is not None, _periods(grids))


def _periods(grids: dict[str, list[list[object]]]) -> list[str]:
    """The periods the result says it assessed: the 期别及权重 row of its 规则快照 (``P1:0.3；P2:0.7``)."""
    sheet = next((n for n in both("assess.sheet.rules") if n in grids), None)
    if sheet is None:
        return []
    label = set(both("assess.col.periods"))
    for row in grids[sheet]:
        if row and str(row[0] or "").strip() in label and len(row) > 1:
            text = str(row[1] or "").replace(";", "；")
            return [part.rpartition(":")[0].strip() for part in text.split("；") if ":" in part]
    return []


def check_assessment_matches(a: Assessment, facts: Facts, path: Path, rollup: Path) -> None:
    """Refuse a 考核结果 of another plan or of periods that do not include the roll-up's: its
    红榜/黑榜 would name units or quarters this circular is not about."""
    from sheetsync.core.period import same_period

    units = {u.name for u in facts.units}
    strangers = [s.unit for s in a.scores if s.unit not in units]
    if units and strangers:
        raise SheetsyncError(t("documents.assess.other_units", file=path.name, rollup=rollup.name, n=len(strangers),
                               units="、".join(strangers[:5])), file=str(path))
    if a.periods and facts.period and not any(same_period(p, facts.period) for p in a.periods):
        raise SheetsyncError(t("documents.assess.other_period", file=path.name, periods="、".join(a.periods),
                               rollup=rollup.name, period=facts.period), file=str(path))


def boards(a: Assessment) -> tuple[list[Score], list[Score]]:
    """(红榜, 黑榜): as the workbook's 榜单 column says, else the three highest and lowest scores."""
    if a.boards_given:
        return [s for s in a.scores if s.board == "red"], [s for s in a.scores if s.board == "black"]
    top = a.scores[:BOARD]
    return top, [s for s in a.scores[-BOARD:] if s not in top]


def ranking_blocks(a: Assessment, lang: str | None = None) -> list[Block]:
    """红榜 and 黑榜 (with each unit's deductions) as two paragraphs."""
    lang = lang or get_lang()
    if not a.scores:
        return []
    sep = ", " if lang == "en" else "、"
    op, cl = (" (", ")") if lang == "en" else ("（", "）")
    top, bottom = boards(a)
    kind = "given" if a.boards_given else "scores"
    out = []
    if top:
        out.append(Block("para", t(f"documents.assess.red.{kind}", lang=lang, units=sep.join(
            f"{s.unit}{op}{figures.exact(s.score)}{cl}" for s in top))))
    if bottom:
        reasons = []
        for s in bottom:
            why = list(dict.fromkeys(d.reason for d in a.deductions if d.unit == s.unit and d.reason))
            reasons.append(s.unit + (op + ("; " if lang == "en" else "、").join(why) + cl if why else ""))
        out.append(Block("para", t(f"documents.assess.black.{kind}", lang=lang, units=sep.join(reasons))))
    return out


def ranking_table(a: Assessment, lang: str | None, n: int) -> Table:
    """附件n: the ranking with each unit's deductions."""
    lang = lang or get_lang()
    grouped = any(s.group for s in a.scores)
    keys = ("group", "rank", "unit", "score", "deductions") if grouped else ("rank", "unit", "score", "deductions")
    header = [t(f"documents.assess.col.{k}", lang=lang) for k in keys]
    rows = []
    order = {g: i for i, g in enumerate(dict.fromkeys(s.group for s in a.scores))}
    for s in sorted(a.scores, key=lambda s: (order[s.group], s.rank)) if grouped else a.scores:
        taken: dict[str, float] = {}
        for d in a.deductions:
            if d.unit == s.unit:
                taken[d.reason] = taken.get(d.reason, 0.0) + d.points
        ds = "；".join(f"{r}（-{figures.exact(p)}）" for r, p in taken.items())
        rows.append(([s.group] if grouped else []) + [str(s.rank), s.unit, figures.exact(s.score), ds])
    return Table(t("documents.attachment_label", lang=lang, n=n), t("documents.assess.table", lang=lang),
                 header, rows, [8, 4, 14, 6, 30] if grouped else [4, 14, 6, 30])
