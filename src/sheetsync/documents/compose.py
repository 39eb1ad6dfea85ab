"""What the 情况报告 and the 通报 say, drafted from the roll-up's facts as plain blocks.

Each piece is a small function of the facts (title, 主送, the lead paragraph's counts, one part
per top-level task group, 存在问题, 下一步打算 / 工作要求, 署名, 附注, the attachment tables), so
each is tested on its own and the format layer (:mod:`~sheetsync.documents.gbt9704`) never
decides content. Every figure comes from the facts through :mod:`~sheetsync.documents.figures`;
what only a person can write (成效, 经验做法, 典型案例) is a highlighted 【请补充：…】 placeholder.
Nothing is invented: no judgement, no political wording beyond the plan's own names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sheetsync.core import schema
from sheetsync.core.phrases import is_no_problem
from sheetsync.core.textnorm import norm_key
from sheetsync.documents import figures
from sheetsync.documents.gbt9704 import Block, Draft, Table
from sheetsync.documents.source import Facts
from sheetsync.i18n import get_lang, t

if TYPE_CHECKING:
    from sheetsync.rollup.summary import SummaryDetail, SummaryTask

SENTENCE_LIMIT = 60  # characters of a unit's 进展情况 one item quotes
_CN = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (headings and 一是/二是 go up to the nineties)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def ordinal(n: int, lang: str) -> str:
    """The n-th item word: 一是 / First."""
    if lang == "en":
        words = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")
        return (words[n - 1] if n <= len(words) else f"{n}th") + ", "
    return cn_number(n) + "是"


def heading(level: int, n: int, text: str, lang: str) -> str:
    """一、… / （一）… / 1. … ; in English I. / (1) / 1."""
    if lang == "en":
        roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
        mark = f"{roman[n - 1] if n <= 10 else n}. " if level == 1 else f"({n}) " if level == 2 else f"{n}. "
        return mark + text
    mark = f"{cn_number(n)}、" if level == 1 else f"（{cn_number(n)}）" if level == 2 else f"{n}."
    return mark + text


def placeholder(what: str, lang: str) -> str:
    """The highlighted gap a person fills in: 【请补充：…】."""
    return f"[To be written: {what}]" if lang == "en" else f"【请补充：{what}】"


def written_date(d: date, lang: str) -> str:
    """2026年1月5日 (no zero padding), as 公文 dates are written; 5 January 2026 in English."""
    if lang == "en":
        return f"{d.day} {d:%B} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def doc_number(text: str) -> str:
    """发文字号 with the standard's brackets: 示县办[2026]3号 / (2026) / 【2026】 → 示县办〔2026〕3号."""
    return re.sub(r"[\[［(（【〔]\s*(\d{4})\s*[\]］)）】〕]", r"〔\1〕", text.strip())


def figure(value: float, unit: str, f: Facts, lang: str) -> str:
    """A figure with its unit, 约写 as 设置·数字约写 says (余 unless 精确)."""
    mode = figures.mode_of(f.setting("figures"))
    if lang == "en":
        return figures.approx_en(value, mode) + (f" {unit}" if unit and unit not in ("%", "％") else "%" if unit else "")
    return figures.with_unit(value, unit, mode)


# ---------------------------------------------------------------- title, 主送
def subject(f: Facts) -> str:
    """What the plan is about, as a title says it: 示例县2026年…实施方案 → 示例县…行动 (the period
    already names the year; 实施方案/工作方案 is the document, not the work)."""
    plan = re.sub(r"(实施方案|工作方案|行动方案|方案)$", "", f.plan.strip()) or f.plan.strip()
    year = re.match(r"(\d{4})年", f.period)
    if year and plan.startswith(year.group(0)):
        plan = plan[len(year.group(0)):]
    if f.region and not plan.startswith(f.region):
        plan = f.region + plan
    return plan


def title(f: Facts, kind: str, lang: str | None = None) -> str:
    """关于{计划}{报送周期}工作情况的报告 / …报送情况的通报."""
    return t(f"documents.{kind}.title", lang=lang, subject=subject(f), period=f.period)


def addressee(f: Facts, kind: str, lang: str | None = None) -> str:
    """主送机关 from 设置, else the usual default (the circular goes to every unit; the report's
    addressee is for the office to name)."""
    lang = lang or get_lang()
    value = f.setting("addressee")
    if not value:
        value = t("documents.notice.addressee", lang=lang) if kind == "notice" else placeholder(
            t("documents.ph.addressee", lang=lang), lang)
    return value.rstrip("：:") + ("：" if lang == "zh" else ":")


# ---------------------------------------------------------------- counts
@dataclass
class Counts:
    expected: int
    reported: int
    on_time: int
    late: int
    missing: int
    tasks: int
    done: int
    in_progress: int
    ongoing: int
    lagging: int
    overdue: int
    not_started: int
    not_reported: int
    rate: str


def counts(f: Facts) -> Counts:
    """The lead paragraph's numbers, all from the facts' headline and unit lines."""
    h = f.headline
    on_time = sum(f.on_time(u) for u in f.units)
    return Counts(h["units_expected"], h["units_reported"], on_time, h["units_reported"] - on_time,
                  h["units_missing"], h["tasks"], h["done"], h["in_progress"], h["ongoing"], h["lagging"],
                  h["overdue"], h["not_started"], h["not_reported"], figures.percent(h["completion_rate"]))


def units_sentence(f: Facts, lang: str | None = None) -> str:
    """应报送单位…个，已报送…个（其中按时报送…个、逾期报送…个），未报送…个；"""
    c = counts(f)
    key = "documents.counts.units" if f.knows_due else "documents.counts.units_no_due"
    return t(key, lang=lang, expected=c.expected, reported=c.reported, on_time=c.on_time, late=c.late,
             missing=c.missing)


def tasks_sentence(f: Facts, lang: str | None = None) -> str:
    """…项任务中，已完成…项、推进中…项、滞后…项、逾期…项，完成率…%。 (other statuses only when present)"""
    c = counts(f)
    parts = [t(f"documents.counts.{k}", lang=lang, n=getattr(c, k))
             for k in ("done", "in_progress", "ongoing", "lagging", "overdue", "not_started", "not_reported")
             if getattr(c, k) or k in ("done", "in_progress", "lagging", "overdue")]
    return t("documents.counts.tasks", lang=lang, n=c.tasks, parts=t("documents.sep", lang=lang).join(parts),
             rate=c.rate)


def counts_sentence(f: Facts, lang: str | None = None) -> str:
    """The lead paragraph's counts: units, then tasks."""
    return units_sentence(f, lang) + tasks_sentence(f, lang)


def lead_paragraph(f: Facts, kind: str, lang: str | None = None) -> str:
    """按照《方案》要求，… 截至{日期}，{counts}。现将有关情况报告/通报如下："""
    lang = lang or get_lang()
    office = f.setting("issuer") or f.setting("office") or t("documents.we", lang=lang)
    plan = f.plan if not f.region or f.plan.startswith(f.region) else f.region + f.plan
    return t(f"documents.{kind}.lead", lang=lang, plan=plan, region=f.region, office=office, period=f.period,
             as_of=written_date(f.as_of, lang), counts=counts_sentence(f, lang))


# ---------------------------------------------------------------- task groups
def group_key(task_id: str) -> str:
    """The first outline level of a task id: 一.(一).1 → 一, 四、(二)3 → 四, 1.2 → 1, 3 → 3."""
    text = task_id.strip()
    m = re.match(r"[（(]?([一二三四五六七八九十百]+|\d+|[A-Za-z]+)", text)
    return m.group(1) if m else text


def task_groups(f: Facts) -> list[tuple[str, list[SummaryTask]]]:
    """Tasks by top-level group, in plan order."""
    out: dict[str, list[SummaryTask]] = {}
    for task in f.tasks:
        out.setdefault(group_key(task.id), []).append(task)
    return list(out.items())


def first_sentence(text: str, limit: int = SENTENCE_LIMIT) -> str:
    """A unit's 进展情况 cut to its first sentence (at most ``limit`` characters, cut at a comma
    where possible), without the closing 。."""
    text = re.sub(r"\s+", "", text or "")
    if not text:
        return ""
    m = re.search(r"[。！？!?；;]", text)
    first = text[:m.start()] if m else text
    if len(first) > limit:
        cut = max(first.rfind(c, 0, limit) for c in "，,、")
        first = first[:cut] if cut > limit // 2 else first[:limit]
    return first.rstrip("，,、。")


def lead_detail(f: Facts, task: SummaryTask) -> SummaryDetail | None:
    """The lead unit's line of a task (the unit whose 进展情况 a report quotes)."""
    for d in f.details:
        if d.task_id == task.id and d.unit == task.lead:
            return d
    return None


def task_value(f: Facts, task: SummaryTask) -> float | None:
    """The figure a report gives for a task: the summed 完成值, or for a rate (%) the lead's own
    value (rates of several units do not add up)."""
    if task.target_unit.strip() in ("%", "％"):
        d = lead_detail(f, task)
        return d.value if d else None
    return task.value_sum


def task_item(f: Facts, task: SummaryTask, lang: str | None = None) -> str | None:
    """One 一是… item: the task, its lead's first sentence, and its figure; None if the lead said nothing."""
    lang = lang or get_lang()
    d = lead_detail(f, task)
    said = first_sentence(d.progress_text) if d else ""
    if not said:
        return None
    text = t("documents.item", lang=lang, title=task.title.rstrip("。"), unit=task.lead, said=said)
    value = task_value(f, task)
    if value is not None:
        key = "documents.item.rate" if task.target_unit.strip() in ("%", "％") else "documents.item.value"
        text += t(key, lang=lang, indicator=task.indicator or t("documents.value", lang=lang),
                  figure=figure(value, task.target_unit, f, lang))
    return text


def items(texts: Iterable[str], lang: str | None = None) -> str:
    """一是…；二是…。 — items in one paragraph, as reports run them on."""
    lang = lang or get_lang()
    texts = [x.rstrip("。；;.") for x in texts if x]
    sep, end = ("; ", ".") if lang == "en" else ("；", "。")
    return sep.join(ordinal(i, lang) + (x[:1].lower() + x[1:] if lang == "en" else x)
                    for i, x in enumerate(texts, start=1)) + (end if texts else "")


def group_part(f: Facts, n: int, key: str, tasks: list[SummaryTask], sections: dict[str, str] | None = None,
               lang: str | None = None) -> list[Block]:
    """（n）{the group's heading}, then one paragraph of 一是…二是… items."""
    lang = lang or get_lang()
    name = (sections or {}).get(key) or t("documents.group", lang=lang, first=tasks[0].title, n=len(tasks))
    blocks = [Block("h2", heading(2, n, name, lang))]
    said = [x for x in (task_item(f, task, lang) for task in tasks) if x]
    blocks.append(Block("para", items(said, lang) if said else placeholder(t("documents.ph.group", lang=lang), lang)))
    return blocks


# ---------------------------------------------------------------- problems
def units_phrase(names: list[str], lang: str | None = None, limit: int = 2) -> str:
    """Units named the plan's way: 县林业局、县残联等4个单位 (all of them when few)."""
    lang = lang or get_lang()
    if len(names) <= limit:
        return (", " if lang == "en" else "、").join(names)
    return t("documents.units_etc", lang=lang, names=(", " if lang == "en" else "、").join(names[:limit]),
             n=len(names))


def problem_lines(f: Facts, lang: str | None = None) -> list[str]:
    """The problems units raised, de-duplicated (same words once), each with its units:
    资金到位较慢，影响部分项目进度（县财政局、县民政局）."""
    lang = lang or get_lang()
    seen: dict[str, tuple[str, list[str]]] = {}
    for g in f.gaps:
        if g.type != "problem":
            continue
        text = g.detail.strip().lstrip("'").rstrip("。.；; ")
        key = norm_key(text).rstrip("。")
        if not key or is_no_problem(text):
            continue
        entry = seen.setdefault(key, (text, []))
        if g.unit and g.unit not in entry[1]:
            entry[1].append(g.unit)
    open_, close = ("(", ")") if lang == "en" else ("（", "）")
    return [f"{text}{open_}{units_phrase(units, lang, limit=3)}{close}" for text, units in seen.values()]


def late_units(f: Facts) -> list[str]:
    """Units that did not report on time (late or not at all), in the 单位 sheet's order; without
    a known due date, the units that did not report."""
    return [u.name for u in f.units if not f.on_time(u)]


def reporting_sentence(f: Facts, lang: str | None = None) -> str | None:
    """县林业局、县残联等4个单位未按时报送 (None when everyone did); 未报送 when the due date is unknown."""
    names = late_units(f)
    key = "documents.late_units" if f.knows_due else "documents.notice.missing"
    return t(key, lang=lang, units=units_phrase(names, lang)) if names else None


def behind_sentence(f: Facts, lang: str | None = None) -> str | None:
    """…等N项任务逾期未完成 / 进度滞后."""
    out = []
    for key, pick in (("overdue", lambda x: x.overdue), ("lagging", lambda x: not x.overdue and x.status == "lagging")):
        names = [x.title for x in f.tasks if pick(x)]
        if names:
            lang_ = lang or get_lang()
            q = ("“", "”") if lang_ == "zh" else ('"', '"')
            # quoted items in a row take no 顿号 between them (GB/T 15834)
            shown = (", " if lang_ == "en" else "").join(f"{q[0]}{n}{q[1]}" for n in names[:2])
            what = shown if len(names) <= 2 else t("documents.tasks_etc", lang=lang, names=shown, n=len(names))
            out.append(t(f"documents.tasks_{key}", lang=lang, tasks=what))
    return t("documents.sep2", lang=lang).join(out) if out else None


def problems_part(f: Facts, n: int, lang: str | None = None) -> list[Block]:
    """二、存在问题: reporting and lagging first (facts), then the problems units raised."""
    lang = lang or get_lang()
    lines = [x for x in (reporting_sentence(f, lang), behind_sentence(f, lang)) if x] + problem_lines(f, lang)
    text = items(lines, lang) if lines else placeholder(t("documents.ph.problems", lang=lang), lang)
    return [Block("h1", heading(1, n, t("documents.problems", lang=lang), lang)), Block("para", text)]


# ---------------------------------------------------------------- next steps / requirements
def next_steps_lines(f: Facts, limit: int = 3) -> list[str]:
    """The 下步计划 units wrote most often (de-duplicated), for the report's editable template."""
    tally: dict[str, tuple[str, int]] = {}
    for d in f.details:
        text = first_sentence(d.next_steps)
        key = norm_key(text)
        if key and not is_no_problem(text):  # 无 / 暂无 as a next step is no plan either
            prev = tally.get(key)
            tally[key] = (text, (prev[1] if prev else 0) + 1)
    return [text for text, _n in sorted(tally.values(), key=lambda x: -x[1])[:limit]]


def next_steps_part(f: Facts, n: int, kind: str, lang: str | None = None) -> list[Block]:
    """三、下一步打算 (report) / 工作要求 (circular): template text to edit."""
    lang = lang or get_lang()
    blocks = [Block("h1", heading(1, n, t(f"documents.{kind}.next", lang=lang), lang))]
    late = late_units(f)
    for i, key in enumerate(("one", "two", "three"), start=1):
        body = t(f"documents.{kind}.next.{key}", lang=lang)
        if kind == "report" and key == "one" and (said := next_steps_lines(f)):
            body += t("documents.report.next.said", lang=lang, said=t("documents.sep", lang=lang).join(said))
        if kind == "notice" and key == "two" and late:
            body += t("documents.notice.next.late", lang=lang, units=units_phrase(late, lang, limit=3))
        head, _, rest = body.partition("|")
        blocks.append(Block("para", heading(2, i, head, lang) + rest))
    return blocks


# ---------------------------------------------------------------- 署名, 日期, 附注
def closing(f: Facts, kind: str, when: date, lang: str | None = None, attachments: list[str] | None = None) -> list[Block]:
    """特此报告/通报, 附件说明, the unsealed 署名 and 成文日期, and 附注."""
    lang = lang or get_lang()
    out = [Block("para", t(f"documents.{kind}.closing", lang=lang))]
    if attachments:
        names = [f"{i}.{a}" if len(attachments) > 1 else a for i, a in enumerate(attachments, start=1)]
        out.append(Block("blank", ""))
        out.append(Block("attachments", t("documents.attachments", lang=lang, names=names[0])))
        out += [Block("attachments", "\u3000" * 3 + x) for x in names[1:]]
    issuer = f.setting("issuer") or f.setting("office") or placeholder(t("documents.ph.issuer", lang=lang), lang)
    out += [Block("blank", ""), Block("blank", ""), Block("signature", issuer),
            Block("date", written_date(when, lang))]
    note = f.setting("doc_note")
    if not note:
        contact = f.setting("office_contact") or "…"
        phone = f.setting("office_phone") or "…"
        note = t("documents.note", lang=lang, contact=contact, phone=phone)
    if not note.startswith(("（", "(")):
        note = f"（{note}）" if lang == "zh" else f"({note})"
    out.append(Block("note", note))
    return out


def doc_date(f: Facts, today: date | None = None) -> date:
    """成文日期 from 设置, else the run date."""
    from sheetsync.core.dates import parse_date, plan_year

    text = f.setting("doc_date")
    when = parse_date(text, plan_year(f.settings)) if text else None
    return when or today or date.today()


# ---------------------------------------------------------------- attachments
def progress_table(f: Facts, lang: str | None = None) -> Table:
    """附件: every task with its lead, status, progress and 完成值 / 目标 (exact figures)."""
    lang = lang or get_lang()
    header = [t(f"documents.table.{k}", lang=lang)
              for k in ("no", "id", "task", "lead", "status", "progress", "value", "target")]
    rows = []
    for i, x in enumerate(f.tasks, start=1):
        status = (t("documents.status.not_reported", lang=lang) if x.status == "not_reported"
                  else schema.label_for(schema.STATUSES, x.status, lang))
        if x.overdue:
            status += t("documents.status.overdue_mark", lang=lang)
        value = task_value(f, x)
        rows.append([str(i), x.id, x.title, x.lead, status,
                     "" if x.progress is None else figures.percent(x.progress),
                     "" if value is None else figures.exact(value) + x.target_unit,
                     "" if x.target is None else figures.exact(x.target) + x.target_unit])
    return Table(t("documents.attachment_label", lang=lang, n=1), t("documents.table.title", lang=lang, period=f.period),
                 header, rows, [4, 8, 22, 12, 9, 6, 9, 9])


# ---------------------------------------------------------------- whole drafts
def _head(f: Facts, kind: str, lang: str) -> list[Block]:
    blocks = [Block("mark", t("documents.draft_mark", lang=lang))]
    number = f.setting("doc_number")
    if number:  # 发文字号 belongs to the letterhead (版头); without one, centred above the title
        blocks += [Block("number", doc_number(number)), Block("blank", "")]
    blocks += [Block("title", title(f, kind, lang)), Block("blank", ""), Block("addressee", addressee(f, kind, lang))]
    return blocks


def compose_report(f: Facts, *, sections: dict[str, str] | None = None, when: date | None = None,
                   lang: str | None = None) -> Draft:
    """The 情况报告: lead paragraph; 一、工作进展 with one （n） part per task group; 二、存在问题;
    三、下一步打算; 署名, date, 附注; the task progress table as 附件."""
    lang = lang or get_lang()
    blocks = _head(f, "report", lang)
    blocks.append(Block("para", lead_paragraph(f, "report", lang)))
    blocks.append(Block("h1", heading(1, 1, t("documents.report.progress", lang=lang), lang)))
    blocks.append(Block("para", placeholder(t("documents.ph.overall", lang=lang), lang)))
    groups = task_groups(f)
    for n, (key, tasks) in enumerate(groups, start=1):
        blocks += group_part(f, n, key, tasks, sections, lang)
    blocks.append(Block("h2", heading(2, len(groups) + 1, t("documents.report.cases", lang=lang), lang)))
    blocks.append(Block("para", placeholder(t("documents.ph.cases", lang=lang), lang)))
    blocks += problems_part(f, 2, lang)
    blocks += next_steps_part(f, 3, "report", lang)
    table = progress_table(f, lang)
    blocks += closing(f, "report", when or doc_date(f), lang, [table.title])
    return Draft(blocks, [table], title(f, "report", lang), t("documents.draft_mark", lang=lang), _fields(f, "report", when, lang))


def compose_notice(f: Facts, assessment: object | None = None, *, when: date | None = None,
                   lang: str | None = None) -> Draft:
    """The 通报: lead paragraph; 一、报送情况; 二、任务推进情况; (with an assessment) 三、考核情况 with
    红榜/黑榜; then 工作要求; the progress table (and the ranking) as 附件."""
    from sheetsync.documents.assessment import Assessment, ranking_blocks, ranking_table

    lang = lang or get_lang()
    blocks = _head(f, "notice", lang)
    blocks.append(Block("para", lead_paragraph(f, "notice", lang)))
    n = 1
    blocks.append(Block("h1", heading(1, n, t("documents.notice.reporting", lang=lang), lang)))
    on_time = [u.name for u in f.units if f.on_time(u)]
    late = [u.name for u in f.units if u.reported and not f.on_time(u)]
    missing = [u.name for u in f.units if not u.reported]
    lines = []
    if on_time:
        key = "documents.notice.on_time" if f.knows_due else "documents.notice.reported"
        lines.append(t(key, lang=lang, units=units_phrase(on_time, lang, limit=3)))
    if late:
        lines.append(t("documents.notice.late", lang=lang, units=units_phrase(late, lang, limit=len(late))))
    if missing:
        lines.append(t("documents.notice.missing", lang=lang, units=units_phrase(missing, lang, limit=len(missing))))
    blocks.append(Block("para", items(lines, lang)))
    n += 1
    blocks.append(Block("h1", heading(1, n, t("documents.notice.tasks", lang=lang), lang)))
    behind = behind_sentence(f, lang)
    task_lines = [tasks_sentence(f, lang)]
    if behind:
        task_lines.append(behind)
    task_lines += problem_lines(f, lang)[:5]
    blocks.append(Block("para", items(task_lines, lang)))
    tables = [progress_table(f, lang)]
    if isinstance(assessment, Assessment):
        n += 1
        blocks.append(Block("h1", heading(1, n, t("documents.notice.assessment", lang=lang), lang)))
        blocks += ranking_blocks(assessment, lang)
        tables.append(ranking_table(assessment, lang, 2))
    blocks += next_steps_part(f, n + 1, "notice", lang)
    blocks += closing(f, "notice", when or doc_date(f), lang, [tb.title for tb in tables])
    return Draft(blocks, tables, title(f, "notice", lang), t("documents.draft_mark", lang=lang), _fields(f, "notice", when, lang))


def _fields(f: Facts, kind: str, when: date | None, lang: str) -> dict[str, str]:
    """What a letterhead template's {placeholders} are filled with."""
    return {"发文字号": doc_number(f.setting("doc_number")), "发文机关": f.setting("issuer") or f.setting("office"),
            "成文日期": written_date(when or doc_date(f), lang), "标题": title(f, kind, lang)}
