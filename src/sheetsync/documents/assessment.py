"""The 考核结果 workbook (``sheetsync assess``: sheets 得分 and 扣分明细) as the circular reads it.

Reading it is kept in :func:`read_assessment` alone, so when the assess stage exposes its own
reader the circular switches in one place. The circular uses it for the ranking attachment and
the 红榜/黑榜 paragraphs (the top and bottom units by score, as the scores say — no judgement).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.core.errors import SheetsyncError
from sheetsync.documents import figures
from sheetsync.documents.gbt9704 import Block, Table
from sheetsync.i18n import get_lang, t

BOARD = 3  # units on each of the 红榜 and 黑榜
_UNIT = ("单位", "单位名称", "责任单位", "Unit")
_SCORE = ("得分", "总分", "最终得分", "Score", "Total")
_RANK = ("排名", "名次", "Rank")
_REASON = ("扣分事由", "事由", "扣分情形", "情形", "考核项目", "项目", "Reason", "Item")
_POINTS = ("扣分", "分值", "扣分值", "Points")


@dataclass
class Score:
    rank: int
    unit: str
    score: float


@dataclass
class Deduction:
    unit: str
    reason: str
    points: float


@dataclass
class Assessment:
    scores: list[Score]
    deductions: list[Deduction] = field(default_factory=list)


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _table(ws: object, required: tuple[tuple[str, ...], ...]) -> tuple[list[str], list[tuple[object, ...]]]:
    """The header row (the first of the top ten rows holding every required column) and the rows under it."""
    rows = list(ws.iter_rows(values_only=True))  # type: ignore[attr-defined]
    for i, row in enumerate(rows[:10]):
        header = [str(v).strip() if v is not None else "" for v in row]
        if all(_find(header, names) is not None for names in required):
            return header, rows[i + 1:]
    return [], []


def read_assessment(path: str | Path) -> Assessment:
    """Scores (得分) and deductions (扣分明细) of a 考核结果 workbook; a missing sheet or column is
    an error naming the file and sheet, never an empty ranking."""
    import openpyxl

    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same clear message
        raise SheetsyncError(t("documents.assess.unreadable", file=str(path), detail=str(exc)[:200]),
                             file=str(path)) from exc
    try:
        if "得分" not in wb.sheetnames:
            raise SheetsyncError(t("documents.assess.no_sheet", file=str(path), sheet="得分"), file=str(path))
        header, rows = _table(wb["得分"], (_UNIT, _SCORE))
        if not header:
            raise SheetsyncError(t("documents.assess.no_columns", file=str(path), sheet="得分",
                                   columns="单位、得分"), file=str(path))
        iu, isc, ir = _find(header, _UNIT), _find(header, _SCORE), _find(header, _RANK)
        scores = []
        for row in rows:
            unit = row[iu] if iu is not None and iu < len(row) else None
            score = row[isc] if isc is not None and isc < len(row) else None
            if not unit or not isinstance(score, (int, float)):
                continue
            rank = row[ir] if ir is not None and ir < len(row) and isinstance(row[ir], (int, float)) else 0
            scores.append(Score(int(rank), str(unit).strip(), float(score)))
        scores.sort(key=lambda s: -s.score)
        for i, s in enumerate(scores, start=1):
            s.rank = s.rank or i
        deductions = []
        if "扣分明细" in wb.sheetnames:
            header, rows = _table(wb["扣分明细"], (_UNIT, _REASON, _POINTS))
            iu, ire, ip = _find(header, _UNIT), _find(header, _REASON), _find(header, _POINTS)
            for row in rows:
                if iu is None or ire is None or ip is None or not row[iu]:
                    continue
                pts = row[ip]
                deductions.append(Deduction(str(row[iu]).strip(), str(row[ire] or "").strip(),
                                            float(pts) if isinstance(pts, (int, float)) else 0.0))
        return Assessment(scores, deductions)
    finally:
        wb.close()


def ranking_blocks(a: Assessment, lang: str | None = None) -> list[Block]:
    """红榜 (top scores) and 黑榜 (bottom scores, with their deductions) as two paragraphs."""
    lang = lang or get_lang()
    if not a.scores:
        return []
    sep = ", " if lang == "en" else "、"
    top = a.scores[:BOARD]
    bottom = [s for s in a.scores[-BOARD:] if s not in top]
    out = [Block("para", t("documents.assess.red", lang=lang, units=sep.join(
        f"{s.unit}（{figures.exact(s.score)}）" if lang == "zh" else f"{s.unit} ({figures.exact(s.score)})" for s in top)))]
    if bottom:
        reasons = []
        for s in bottom:
            why = [d.reason for d in a.deductions if d.unit == s.unit and d.reason]
            reasons.append(s.unit + (("（" + "、".join(dict.fromkeys(why)) + "）") if why and lang == "zh" else
                                     (" (" + "; ".join(dict.fromkeys(why)) + ")") if why else ""))
        out.append(Block("para", t("documents.assess.black", lang=lang, units=sep.join(reasons))))
    return out


def ranking_table(a: Assessment, lang: str | None, n: int) -> Table:
    """附件n: the ranking with each unit's deductions."""
    lang = lang or get_lang()
    header = [t(f"documents.assess.col.{k}", lang=lang) for k in ("rank", "unit", "score", "deductions")]
    rows = []
    for s in a.scores:
        ds = [f"{d.reason}（-{figures.exact(d.points)}）" for d in a.deductions if d.unit == s.unit]
        rows.append([str(s.rank), s.unit, figures.exact(s.score), "；".join(ds)])
    return Table(t("documents.attachment_label", lang=lang, n=n), t("documents.assess.table", lang=lang),
                 header, rows, [4, 14, 6, 30])
