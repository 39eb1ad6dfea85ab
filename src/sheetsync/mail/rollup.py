"""Send the roll-up upward: the workbook attached, the headline figures, gaps by unit and a chart.

The figures are read back from the roll-up workbook itself (not from the merge's memory), so
what the leaders read in the message is what the attachment says. Reading matches sheets and
columns by their names, tolerant of layout changes — docs/mail.md lists what is read, so the
roll-up writer can stay compatible:

- 总览 (or 概况 / 汇总概况 / Summary / Overview): rows of label | value (first two filled cells).
- 缺口清单 (or any sheet whose header has 缺口类型 and 责任单位): 缺口类型 | 任务编号 | 任务名称 |
  责任单位 | 说明, header within the first 10 rows, rows until the first empty one.
- optionally a per-unit sheet (单位报送 / 各单位情况 first, else any sheet) whose header has a unit
  column and 完成率 (or 任务数 + 已完成): the chart then shows completion by unit; otherwise it
  shows the number of gaps by unit. Percentages: Excel's ``0%`` format means a fraction,
  a literal ``0.0"%"`` format means the number is already in percent.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheetsync.core import schema
from sheetsync.core.errors import FileUnusable, SheetsyncError
from sheetsync.i18n import t
from sheetsync.mail.batch import MailReport, Outgoing, common_values, context_from, load_config, run_batch
from sheetsync.mail.chart import BLUE, ORANGE, bar_chart
from sheetsync.mail.compose import Attachment, Draft, GapLine, InlineImage
from sheetsync.mail.remind import TABLE, TD, TH
from sheetsync.mail.templates import Rich, default_templates_dir, load_templates
from sheetsync.mail.transport import SmtpConfig, split_addresses, valid_address


def _spellings(labels: tuple[schema.Label, ...], *keys: str) -> tuple[str, ...]:
    return tuple(sp for k in keys for sp in schema.rollup_spellings(labels, k))


# the header reader's spellings, from the roll-up vocabulary's home (core/schema.py)
if TYPE_CHECKING:
    from sheetsync.rollup.summary import RollupSummary

SUMMARY_SHEETS = _spellings(schema.ROLLUP_SHEETS, "overview")
GAP_SHEETS = _spellings(schema.ROLLUP_SHEETS, "gaps")
UNIT_SHEETS = _spellings(schema.ROLLUP_SHEETS, "units")
_ITEM_HEADERS = {_n for _n in (s.lower() for s in _spellings(schema.ROLLUP_COLUMNS, "item"))}
GAP_COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": _spellings(schema.ROLLUP_COLUMNS, "gap_type"),
    "task_id": _spellings(schema.ROLLUP_COLUMNS, "id"),
    "title": _spellings(schema.ROLLUP_COLUMNS, "title"),
    "unit": _spellings(schema.ROLLUP_COLUMNS, "gap_unit"),
    "detail": _spellings(schema.ROLLUP_COLUMNS, "detail"),
}
UNIT_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": (*schema.rollup_spellings(schema.ROLLUP_COLUMNS, "unit"), *GAP_COLUMNS["unit"]),
    "rate": _spellings(schema.ROLLUP_COLUMNS, "completion"),
    "total": _spellings(schema.ROLLUP_COLUMNS, "tasks"),
    "done": _spellings(schema.ROLLUP_COLUMNS, "done"),
}
PERIOD_LABELS = (*next(lab for lab in schema.SETTING_KEYS if lab.key == "period").spellings(), "period")
MAX_GAP_ROWS = 200  # in the message body; the attachment has them all
CHART_CID = "rollup-chart@sheetsync"


@dataclass
class UnitLine:
    unit: str
    gaps: int = 0
    rate: float | None = None  # completion in percent, when the roll-up has it


@dataclass
class UpwardSummary:
    """What the upward mail shows: labels in the mail's language, built from the roll-up's
    :class:`~sheetsync.rollup.summary.UpwardSummary` (or, for a roll-up without one, read from
    its headers — ``note`` then says so)."""

    period: str = ""
    headline: list[tuple[str, str]] = field(default_factory=list)
    gaps: list[tuple[str, GapLine]] = field(default_factory=list)  # (unit, gap)
    units: list[UnitLine] = field(default_factory=list)
    note: str = ""  # set when the figures were read from the headers of a hand-made roll-up

    @property
    def has_rates(self) -> bool:
        return any(u.rate is not None for u in self.units)


def _norm(text: Any) -> str:
    return re.sub(r"[\s()（）:：*_\-/%]", "", str(text or "")).lower()


def _shown(value: Any, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        kind = _percent_kind(number_format)
        if kind:
            pct = value * 100 if kind == "fraction" else float(value)
            return f"{pct:.1f}%".replace(".0%", "%")
        return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")
    return str(value).strip()


def _percent_kind(number_format: str) -> str:
    """'fraction' for Excel's 0% (0.375 shows as 37.5%), 'percent' for 0.0"%" (37.5 shows as
    37.5%), '' otherwise — the roll-up writer uses the second form."""
    fmt = number_format or ""
    unquoted = re.sub(r'"[^"]*"|\\.', "", fmt)
    if "%" in unquoted:
        return "fraction"
    return "percent" if "%" in fmt else ""


def _find_header(rows: list[tuple[Any, ...]], spec: dict[str, tuple[str, ...]],
                 need: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    """(header row index, column key → index); the best-ranked spelling wins a column key."""
    wanted = {k: [_norm(s) for s in v] for k, v in spec.items()}
    for r, row in enumerate(rows[:10]):
        best: dict[str, tuple[int, int]] = {}  # key -> (rank of spelling, column)
        taken: set[int] = set()
        names = [_norm(cell.value if hasattr(cell, "value") else cell) for cell in row]
        for key, spellings in wanted.items():
            for c, n in enumerate(names):
                if n and n in spellings and c not in taken:
                    rank = spellings.index(n)
                    if key not in best or rank < best[key][0]:
                        best[key] = (rank, c)
            if key in best:
                taken.add(best[key][1])
        cols = {k: c for k, (_rank, c) in best.items()}
        if all(k in cols for k in need):
            return r, cols
    return None


def _rate(value: Any, number_format: str = "") -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        v = float(value)
        kind = _percent_kind(number_format)
        if kind:
            return v * 100 if kind == "fraction" else v
        return v * 100 if v <= 1.0 else v
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", str(value))
    if not m:
        return None
    v = float(m.group(1))
    return v if "%" in str(value) or v > 1 else v * 100


def read_rollup_summary(path: str | Path) -> UpwardSummary:
    """Headline figures, gap lines and per-unit figures of a roll-up workbook.

    A roll-up sheetsync wrote carries its summary (``_sheetsync``): that is read, by key, so a
    roll-up written in English says what the same one in Chinese says. A workbook without one
    (made by hand, or by an older sheetsync) is read by its headers, and ``note`` says so; a
    damaged summary is refused (:func:`~sheetsync.rollup.summary.read_summary`), never guessed around.
    """
    from sheetsync.rollup.summary import has_summary, read_summary

    p = Path(path)
    if not p.is_file():
        raise SheetsyncError(t("core.file_missing", file=str(p)))
    if has_summary(p):
        return upward_summary(read_summary(p))
    summary = read_rollup_headers(p)
    summary.note = t("mail.summary_from_headers", file=p.name)
    return summary


def _check_master(path: Path, master: Any) -> None:
    """Refuse a master of another plan or level: its 设置 (sender, recipients, 发文机关) would go
    with this roll-up (the documents stage refuses the same, by the same rule)."""
    from sheetsync.core.model import Master
    from sheetsync.rollup.summary import has_summary, read_summary

    if isinstance(master, Master) and has_summary(path):
        from sheetsync.documents.source import check_master_matches

        check_master_matches(read_summary(path), master, path, key="mail.master_other_plan")


def upward_summary(rs: RollupSummary) -> UpwardSummary:
    """The mail's view of a roll-up summary: the 总览 items, gap lines and completion by unit."""
    from sheetsync.rollup.compute import _num

    values: dict[str, Any] = {**rs.counts, "period": rs.period, "as_of": rs.as_of, "generated": rs.generated,
                              "gaps": len(rs.gaps)}
    headline = []
    for key in schema.ROLLUP_OVERVIEW_ITEMS:
        v = values.get(key, "")
        if key == "completion_rate":
            text = f"{float(v or 0):.1f}%".replace(".0%", "%")
        else:
            text = _num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)
        headline.append((t(f"rollup.head.{key}"), text))
    summary = UpwardSummary(rs.period, headline,
                            [(g.unit, GapLine(t(f"merge.gap.{g.type}"), g.task_id, g.title, g.detail)) for g in rs.gaps],
                            [UnitLine(u.name, 0, u.completion) for u in rs.units])
    _count_gaps(summary)
    return summary


def read_rollup_headers(p: Path) -> UpwardSummary:
    """The fallback for a roll-up without a summary: sheets and columns found by their names.

    Read here (openpyxl keeps the number formats that say a cell is a percentage) only after the
    checked reader of every workbook handed to us accepted it: a bomb, a DTD or a cell far outside
    any table is refused there with its message (:func:`sheetsync.master.workbook.load_grids`)."""
    from openpyxl import load_workbook

    from sheetsync.master.workbook import load_grids

    load_grids(p)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise FileUnusable(t("core.not_workbook", file=str(p), reason=str(exc) or type(exc).__name__)) from exc
    summary = UpwardSummary()
    try:
        sheets = {ws.title: ws for ws in wb.worksheets}
        rows_of = {title: list(ws.iter_rows()) for title, ws in sheets.items()}
        for title, rows in rows_of.items():
            if _norm(title) in {_norm(s) for s in SUMMARY_SHEETS}:
                for row in rows:
                    filled = [c for c in row if c.value not in (None, "")]
                    if len(filled) < 2:
                        if summary.headline:
                            break  # the first block of label | value rows is the headline
                        continue
                    label = _shown(filled[0].value)
                    value = _shown(filled[1].value, getattr(filled[1], "number_format", ""))
                    if _norm(label) in _ITEM_HEADERS:  # the 项目 | 数值 header row
                        continue
                    summary.headline.append((label, value))
                    if _norm(label) in {_norm(s) for s in PERIOD_LABELS} and not summary.period:
                        summary.period = value
                break
        gap_titles = sorted(rows_of, key=lambda s: _norm(s) not in {_norm(g) for g in GAP_SHEETS})
        for title in gap_titles:
            found = _find_header(rows_of[title], GAP_COLUMNS, ("kind", "unit"))
            if not found:
                continue
            hr, cols = found
            for row in rows_of[title][hr + 1:]:
                vals = {k: _shown(row[c].value) if c < len(row) else "" for k, c in cols.items()}
                if not any(vals.values()):
                    break
                summary.gaps.append((vals.get("unit", ""), GapLine(vals.get("kind", ""), vals.get("task_id", ""),
                                                                   vals.get("title", ""), vals.get("detail", ""))))
            break
        unit_titles = sorted(rows_of, key=lambda s: _norm(s) not in {_norm(u) for u in UNIT_SHEETS})
        for rows in (rows_of[title] for title in unit_titles):
            found = _find_header(rows, UNIT_COLUMNS, ("unit",))
            if not found or not ({"rate"} <= set(found[1]) or {"total", "done"} <= set(found[1])):
                continue
            hr, cols = found
            for row in rows[hr + 1:]:
                cell = row[cols["unit"]] if cols["unit"] < len(row) else None
                unit = _shown(cell.value) if cell is not None else ""
                if not unit:
                    break
                rate = None
                if "rate" in cols and cols["rate"] < len(row):
                    rc = row[cols["rate"]]
                    rate = _rate(rc.value, getattr(rc, "number_format", ""))
                if rate is None and "total" in cols and "done" in cols:
                    try:
                        total = float(row[cols["total"]].value or 0)
                        done = float(row[cols["done"]].value or 0)
                        rate = done / total * 100 if total else None
                    except (TypeError, ValueError, IndexError):
                        rate = None
                summary.units.append(UnitLine(unit, 0, rate))
            break
    finally:
        wb.close()
    _count_gaps(summary)
    return summary


def _count_gaps(summary: UpwardSummary) -> None:
    counts: dict[str, int] = {}
    for unit, _g in summary.gaps:
        counts[unit] = counts.get(unit, 0) + 1
    known = {u.unit for u in summary.units}
    for u in summary.units:
        u.gaps = counts.get(u.unit, 0)
    summary.units.extend(UnitLine(unit, n) for unit, n in counts.items() if unit not in known)
    if not summary.has_rates:
        summary.units.sort(key=lambda u: -u.gaps)


# ------------------------------------------------------------------ rendering
def _summary_value(summary: UpwardSummary) -> Rich:
    text = "\n".join(f"{label}：{value}" for label, value in summary.headline)
    rows = "".join(f"<tr><td {TH}>{html.escape(label)}</td><td {TD}>{html.escape(value)}</td></tr>"
                   for label, value in summary.headline)
    return Rich(text, f"<table {TABLE}>{rows}</table>" if rows else "")


def _gaps_value(summary: UpwardSummary) -> Rich:
    if not summary.gaps and not summary.units:
        return Rich(t("mail.no_gaps"), html.escape(t("mail.no_gaps")))
    # by unit: numbered like the chart's bars
    lines = []
    heads = [t("mail.col.no"), t("mail.col.unit"), t("mail.col.gap_count")]
    if summary.has_rates:
        heads.append(t("mail.col.rate"))
    trs = ["<tr>" + "".join(f"<th {TH}>{html.escape(h)}</th>" for h in heads) + "</tr>"]
    for i, u in enumerate(summary.units, 1):
        rate = "" if u.rate is None else f"{u.rate:.0f}%"
        lines.append(f"{i}. {u.unit}：{t('mail.gap_count', n=u.gaps)}" + (f"，{t('mail.col.rate')} {rate}" if rate else ""))
        cells = [str(i), u.unit, str(u.gaps)] + ([rate] if summary.has_rates else [])
        trs.append("<tr>" + "".join(f"<td {TD}>{html.escape(c)}</td>" for c in cells) + "</tr>")
    by_unit_html = f"<table {TABLE}>" + "".join(trs) + "</table>"
    # the gap lines themselves
    detail_lines = []
    heads = [t("mail.col.unit"), t("mail.col.kind"), t("mail.col.task_id"), t("mail.col.title"), t("mail.col.detail")]
    trs = ["<tr>" + "".join(f"<th {TH}>{html.escape(h)}</th>" for h in heads) + "</tr>"]
    for unit, g in summary.gaps[:MAX_GAP_ROWS]:
        what = " ".join(p for p in (g.task_id, g.title) if p)
        detail_lines.append(f"- {unit}【{g.kind}】{what}" + (f"（{g.detail}）" if g.detail else ""))
        cells = [unit, g.kind, g.task_id, g.title, g.detail]
        trs.append("<tr>" + "".join(f"<td {TD}>{html.escape(c)}</td>" for c in cells) + "</tr>")
    more = ""
    if len(summary.gaps) > MAX_GAP_ROWS:
        more = t("mail.more_gaps", n=len(summary.gaps) - MAX_GAP_ROWS)
        detail_lines.append(more)
    detail_html = (f"<div style=\"margin:12px 0 4px 0;font-weight:bold;\">{html.escape(t('mail.gap_details'))}</div>"
                   f"<table {TABLE}>" + "".join(trs) + "</table>"
                   + (f"<div style=\"color:#666;\">{html.escape(more)}</div>" if more else "")) if summary.gaps else ""
    text = "\n".join(lines) + ("\n\n" + t("mail.gap_details") + "\n" + "\n".join(detail_lines) if detail_lines else "")
    return Rich(text, by_unit_html + detail_html)


def _chart(summary: UpwardSummary) -> tuple[Rich, InlineImage | None]:
    if not summary.units:
        return Rich("", ""), None
    if summary.has_rates:
        png = bar_chart([u.rate or 0.0 for u in summary.units], percent=True, color=BLUE)
        caption = t("mail.chart_rate")
    else:
        png = bar_chart([u.gaps for u in summary.units], color=ORANGE)
        caption = t("mail.chart_gaps")
    img = InlineImage(CHART_CID, png)
    tag = (f'<div style="margin:8px 0;"><div style="font-weight:bold;margin-bottom:4px;">{html.escape(caption)}</div>'
           f'<img src="cid:{CHART_CID}" alt="{html.escape(caption)}" width="560" '
           f'style="display:block;border:0;max-width:100%;"></div>')
    return Rich("", tag), img


def send_rollup(rollup_path: str | Path, to: Iterable[str] | None = None, *, summary: UpwardSummary | None = None,
                master: Any = None, period: str | None = None, cc: Iterable[str] = (),
                dry_run: bool | None = None, outbox: str | Path | None = None,
                db_path: str | Path | None = None, retry: bool | str = False, allow_plain: bool = False,
                config: SmtpConfig | None = None, config_file: str | Path | None = None,
                ca_file: str | Path | None = None, rate: float | None = None,
                templates_dir: str | Path | None = None, warn: Callable[[str], None] | None = None,
                clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep, attach: Iterable[str | Path] = ()) -> MailReport:
    """Send the roll-up workbook to ``to`` (else 设置 上报收件人) with an HTML summary and chart.

    ``attach``: more files to go with it, e.g. the drafted 情况报告 (``sheetsync report``)."""
    path = Path(rollup_path)
    if summary is None:
        summary = read_rollup_summary(path)
    elif not path.is_file():
        raise SheetsyncError(t("core.file_missing", file=str(path)))
    _check_master(path, master)
    ctx = context_from(master)
    if ctx.base_dir is None:
        ctx.base_dir = path.parent
    cfg = load_config(ctx, config=config, config_file=config_file, ca_file=ca_file, rate=rate)
    recipients = [a for item in (to or []) for a in split_addresses(item)] or list(cfg.to_upward)
    if not recipients:
        raise SheetsyncError(t("mail.no_upward"))
    bad = [a for a in recipients if not valid_address(a)]
    if bad:
        raise SheetsyncError(t("mail.bad_upward", address="、".join(bad)))
    period = period if period is not None else (summary.period or ctx.setting("period"))
    templates = load_templates("send", ctx.settings, templates_dir or default_templates_dir(ctx.base_dir))
    chart_value, image = _chart(summary)
    attachment = Attachment.from_path(path)
    extra = []
    for item in attach:
        if not Path(item).is_file():
            raise SheetsyncError(t("core.file_missing", file=str(item)))
        extra.append(Attachment.from_path(item))
    values = {**common_values(ctx, period, ctx.setting("due")), "attachment": path.name, "unit": "",
              "summary": _summary_value(summary), "gaps": _gaps_value(summary), "chart": chart_value,
              "gap_count": str(len(summary.gaps))}
    subject, text, body_html = templates.render(values)
    draft = Draft(to=recipients, cc=[*cfg.cc, *[a for c in cc for a in split_addresses(c)]], subject=subject,
                  text=text, html=body_html, attachments=[attachment, *extra], images=[image] if image else [])
    report = run_batch("send", period, [Outgoing("", draft, attachment)], ctx=ctx, config=cfg, dry_run=dry_run,
                       outbox=outbox, db_path=db_path, retry=retry, allow_plain=allow_plain, warn=warn,
                       clock=clock, sleep=sleep)
    if summary.note:  # the figures came from a hand-made roll-up's headers: said, not hidden
        report.warnings.append(summary.note)
        if warn is not None:
            warn(summary.note)
    return report
