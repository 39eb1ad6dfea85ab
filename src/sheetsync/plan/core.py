"""Plan file → Master: which numbered items are tasks, who is responsible, ids, units, phases.

Which items are tasks: where a plan names responsible units, the items that carry (or inherit) a
unit clause and their siblings are the tasks; sections such as 指导思想 or 保障措施 without clauses
are context. Where a plan names no units at all, the items of its task sections (重点任务, 主要措施,
活动计划 …) are tasks, imported without units and reported — a unit is never made up.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheetsync.core.errors import SheetsyncError
from sheetsync.core.model import Master, Phase, Task, Unit
from sheetsync.core.targets import Target, parse_target
from sheetsync.core.textnorm import clean, norm_key, unique_names
from sheetsync.core.units import UnitRegistry
from sheetsync.i18n import t
from sheetsync.plan.clauses import Clause, combine, extract_inline, parse_clause_text
from sheetsync.plan.extract import read_blocks
from sheetsync.plan.furniture import is_furniture
from sheetsync.plan.limits import MAX_PLAN_ITEMS, TooManyItems, too_many_items
from sheetsync.plan.outline import Node, first_sentence, marker
from sheetsync.plan.phases import PHASE_SECTION, find_deadline, make_phase, normalise_deadline
from sheetsync.plan.runon import split_run_together
from sheetsync.plan.structure import Part, build_parts, clause_units, plan_title, region_of, year_of
from sheetsync.plan.table import table_rows
from sheetsync.plan.unitnames import infer_category, inherit_prefix, is_group, short_form_map

_NOT_TASKS_STRONG = re.compile(r"保障措施|保障机制|组织领导|组织保障|领导小组|指导思想|基本原则|工作原则|实施步骤|工作步骤|方法步骤"
                               r"|时间安排|进度安排|工作要求|有关要求|总体要求|附件|成立组织")
_TASK_WORDS = re.compile(r"任务|重点工作|工作重点|主要内容|工作内容|活动内容|创建内容|宣传内容|措施|举措|活动计划|活动策划"
                         r"|活动安排|具体实施|实施办法|主要工作|工作事项|行动")
_NOT_TASKS = re.compile(r"目标|原则|意义|背景|主题|范围|依据|思路|要求|组织|步骤|阶段")


@dataclass
class ImportedTask:
    task: Task
    groups: list[str]
    target: Target | None


@dataclass
class PlanImport:
    """What a plan gave: the master (merged when an existing one was passed) and what to tell the user."""

    master: Master
    warnings: list[str] = field(default_factory=list)
    tasks: list[ImportedTask] = field(default_factory=list)  # the plan's tasks, in plan order
    new_units: list[Unit] = field(default_factory=list)
    source: str = ""  # paragraphs | table
    phases: list[Phase] = field(default_factory=list)  # the plan's phases (master.phases may hold older ones)

    def to_json(self) -> dict[str, Any]:
        return {
            "tasks": [
                {
                    "id": it.task.id,
                    "title": it.task.title,
                    "lead": it.task.lead,
                    "co_units": [c for c in it.task.co_units if not is_group(c)],
                    "groups": list(it.groups),
                    "deadline": it.task.deadline,
                    "target": None if it.target is None else {
                        "indicator": it.task.indicator, "value": it.target.value,
                        "unit": it.target.unit, "comparator": it.target.comparator},
                }
                for it in self.tasks
            ],
            "phases": [
                {"name": p.name, "start": p.start.isoformat() if p.start else None,
                 "end": p.end.isoformat() if p.end else None, "note": p.note}
                for p in self.phases
            ],
            "units": [
                {"name": u.name, "category": u.category, "inferred": u.inferred, "aliases": list(u.aliases)}
                for u in self.new_units
            ],
            "warnings": list(self.warnings),
        }


# ---------------------------------------------------------------- entry point
def import_plan(path: str | Path, existing: Master | None = None) -> PlanImport:
    """Read a plan (.txt/.md/.docx) into a new master, or merge it into ``existing``.

    Raises SheetsyncError when the file cannot be read or holds no task structure; nothing is
    returned half-made in that case, so the caller never writes an empty master.
    """
    path = Path(path)
    blocks = read_blocks(path)
    paras = split_run_together([b.text for b in blocks if b.kind == "para" and not is_furniture(b.text)])
    tables = [b.rows for b in blocks if b.kind == "table"]
    title = plan_title(paras) or (_table_title(paras) if tables else "")
    year = year_of(title, paras)
    warnings: list[str] = []

    try:
        parts = build_parts(paras)
        raw = _tasks_from_tables(tables)
    except TooManyItems:
        raise too_many_items(path) from None
    source = "table"
    if raw:
        if any(clause_units(n) for p in parts for n in p.nodes()):
            warnings.append(t("plan.table_preferred"))
    else:
        raw = _tasks_from_outline(parts, warnings)
        source = "paragraphs"
    if not raw:
        raise SheetsyncError(t("plan.no_structure", file=path.name), file=str(path), hint=t("plan.no_structure_hint"))

    phases = _phases(parts, year)
    registry = UnitRegistry(existing.units, existing.region) if existing is not None else None
    assembled = _assemble(raw, registry, warnings, year)
    settings = {"plan": title, "region": region_of(title), "year": str(year) if year else ""}

    if existing is None:
        master = Master(settings={k: v for k, v in settings.items() if v})
    else:
        master = copy.deepcopy(existing)
        for k, v in settings.items():
            if v and not master.setting(k):
                master.settings[k] = v
    master.path = None
    _merge_tasks(master, [it.task for it in assembled.tasks], warnings)
    master.units.extend(assembled.new_units)
    known_phases = {norm_key(p.name) for p in master.phases}
    master.phases.extend(p for p in phases if norm_key(p.name) not in known_phases)
    return PlanImport(master, warnings, assembled.tasks, assembled.new_units, source, phases)


def _table_title(paras: list[str]) -> str:
    """A breakdown table's own title line (示例县2024年重点工作任务分解表) when no plan title was
    found: the first paragraph, if it is short and reads as a title, not a sentence or an item."""
    first = paras[0].strip() if paras else ""
    if first.startswith("附件"):  # 附件2：示例县重点任务分解表
        first = re.sub(r"^附件\s*\d*\s*[：:]?\s*", "", first)
    if not first or len(first) > 60 or marker(first) or re.search(r"[。，,；;！？：:]", first):
        return ""
    return first


# ---------------------------------------------------------------- tasks from the outline
@dataclass
class _Raw:
    id: str
    title: str
    content: str
    clauses: list[Clause]
    text_for_search: str
    deadline: str = ""
    target_text: str = ""


def _tasks_from_outline(parts: list[Part], warnings: list[str]) -> list[_Raw]:
    any_clauses = any(clause_units(n) for p in parts for n in p.nodes())
    chosen: list[tuple[int, list[tuple[Node, list[Clause]]]]] = []
    for i, part in enumerate(parts):
        picked = _pick_with_clauses(part) if any_clauses else _pick_by_heading(part)
        if picked:
            chosen.append((i, picked))
    if len(chosen) > 1:
        warnings.append(t("plan.several_plans", n=len(chosen)))
    out: list[_Raw] = []
    for n_part, (_, picked) in enumerate(chosen, start=1):
        ids = _ids([node for node, _ in picked])
        prefix = f"{n_part}/" if len(chosen) > 1 else ""
        for (node, inherited), tid in zip(picked, ids, strict=False):
            own = list(node.clauses)
            clauses = own if any(c.has_units for c in own) else own + inherited
            folded = bool(node.children)
            content_lines = [node.detail, *node.body] + [c.full_text(with_marker=True) for c in node.children]
            content = "\n".join(x for x in content_lines if x)
            out.append(_Raw(prefix + tid, node.title, content, clauses,
                            text_for_search=node.heading + "\n" + content if folded else
                            "\n".join([node.heading, *node.body])))
    return out


def _pick_with_clauses(part: Part) -> list[tuple[Node, list[Clause]]]:
    """Items that carry a unit clause, the items that inherit one, and their unassigned siblings."""
    picked: list[tuple[Node, list[Clause]]] = []

    def has_below(node: Node) -> bool:
        return any(clause_units(d) for c in node.children for d in c.walk())

    def visit(node: Node, inherited: list[Clause]) -> None:
        own = clause_units(node)
        if not node.children or (own and not has_below(node)) or (not has_below(node) and not own):
            picked.append((node, inherited if not own else []))
            return
        for c in node.children:
            visit(c, own or inherited)

    roots_are_tasks = any(clause_units(r) and not has_below(r) for r in part.roots)
    for root in part.roots:
        if any(clause_units(d) for d in root.walk()):
            own = clause_units(root)
            if not root.children or not has_below(root):
                picked.append((root, []))
            else:
                for c in root.children:
                    visit(c, own)
        elif roots_are_tasks and not root.children and _kind_of_section(root.title) != "context":
            picked.append((root, []))  # a top-level task whose clause was forgotten
    return picked


def _kind_of_section(title: str) -> str:
    if _NOT_TASKS_STRONG.search(title):
        return "context"
    if _TASK_WORDS.search(title):
        return "tasks"
    if _NOT_TASKS.search(title) or PHASE_SECTION.search(title):
        return "context"
    return "neutral"


def _pick_by_heading(part: Part) -> list[tuple[Node, list[Clause]]]:
    """No unit clauses anywhere: the leaves of the task sections (重点任务, 活动计划 …)."""
    kinds = {id(r): _kind_of_section(r.title) for r in part.roots}
    sections = [r for r in part.roots if kinds[id(r)] == "tasks" and r.children]
    if not sections:
        sections = [r for r in part.roots if kinds[id(r)] == "neutral" and r.children]
    picked: list[tuple[Node, list[Clause]]] = []
    for s in sections:
        for node in s.walk():
            if node is not s and not node.children:
                picked.append((node, []))
    if not picked:
        loose = [r for r in part.roots if kinds[id(r)] in ("tasks", "neutral") and not r.children]
        if len(loose) >= 2:
            picked = [(r, []) for r in loose]
    return picked


def _ids(nodes: list[Node]) -> list[str]:
    """The plan's own numbers when they identify the tasks (1…15), else the path (四.(二).3)."""
    labels = [n.label for n in nodes]
    if all(n.kind == "num" or n.kind.startswith("dec") for n in nodes) and len(set(labels)) == len(labels):
        return labels
    ids = [".".join(x.label for x in n.path()) for n in nodes]
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}-{seen[i]}")
    return out


# ---------------------------------------------------------------- tasks from a breakdown table
def _tasks_from_tables(tables: list[list[list[str]]]) -> list[_Raw]:
    out: list[_Raw] = []
    sections: list[str] = []
    for rows in tables:
        for row in table_rows(rows):
            sections.append(row.section)
            title, rest = first_sentence(row.title) if row.title else first_sentence(row.content)
            content = row.content if row.title else rest
            if row.title and rest:
                content = "\n".join(x for x in (rest, content) if x)
            clauses: list[Clause] = []
            lead_text, lead_clauses = extract_inline(row.lead_text)
            clauses.extend(lead_clauses)
            if lead_text:
                c = parse_clause_text(f"责任单位：{lead_text}")
                if row.co_text:  # a separate 配合单位 column: the lead column names the leads
                    c.lead, c.resp = [n for n, _ in c.resp if _ != "co"], [(n, h) for n, h in c.resp if h == "co"]
                clauses.append(c)
            if row.co_text:
                clauses.append(parse_clause_text(f"配合单位：{row.co_text}"))
            if len(out) >= MAX_PLAN_ITEMS:
                raise TooManyItems(MAX_PLAN_ITEMS)
            rid = row.id or str(len(out) + 1)
            out.append(_Raw(rid, title, content, clauses, text_for_search=f"{row.title}\n{row.content}",
                            deadline=normalise_deadline(row.deadline), target_text=row.target_text))
    if len({r.id for r in out}) < len(out):
        # numbering restarts in each section of the table: 一、宣传教育 / 1, 2 … → 一.1, 一.2
        labels = [marker(s) for s in sections]
        for r, lab in zip(out, labels, strict=True):
            if lab is not None:
                r.id = f"{lab.label}.{r.id}"
        if len({r.id for r in out}) < len(out):
            for n, r in enumerate(out, start=1):
                r.id = str(n)
    return out


# ---------------------------------------------------------------- units, deadlines, targets
@dataclass
class _Assembled:
    tasks: list[ImportedTask]
    new_units: list[Unit]


def _assemble(raw: list[_Raw], registry: UnitRegistry | None, warnings: list[str], year: int | None) -> _Assembled:
    responsibles = [combine(r.clauses) for r in raw]
    all_names = [n for resp in responsibles for n in resp.names]
    mapping = short_form_map(all_names)
    for resp in responsibles:
        for short, full in inherit_prefix(resp.names).items():
            mapping.setdefault(short, full)
    reported: set[str] = set()
    for short, full in mapping.items():
        if short not in reported:
            reported.add(short)
            warnings.append(t("plan.short_form", short=short, full=full))

    new_units: dict[str, Unit] = {}
    canonical_cache: dict[str, str] = {}

    def canonical(name: str) -> str:
        if name in canonical_cache:
            return canonical_cache[name]
        full = mapping.get(name, name)
        out = full
        if is_group(full):
            pass
        elif registry is not None:
            res = registry.resolve(full)
            if res.kind == "unit" and res.units:
                out = res.units[0].name
                if norm_key(out) != norm_key(full):
                    warnings.append(t("plan.resolved_existing", name=full, unit=out))
            elif res.kind == "ambiguous":
                warnings.append(t("plan.ambiguous_unit", name=full, candidates="、".join(res.candidates)))
            elif res.kind == "group":
                pass
            else:
                _new_unit(new_units, full)
        else:
            _new_unit(new_units, full)
        if name != full and norm_key(full) in new_units:
            unit = new_units[norm_key(full)]
            if name not in unit.aliases:
                unit.aliases.append(name)
        canonical_cache[name] = out
        return out

    tasks: list[ImportedTask] = []
    no_units: list[str] = []
    for r, resp in zip(raw, responsibles, strict=False):
        names = _unique([canonical(n) for n in resp.names])
        lead, co = (names[0], names[1:]) if names else ("", [])
        if not names:
            no_units.append(r.id)
        if resp.open_list:
            warnings.append(t("plan.open_list", id=r.id))
        for d in resp.dropped:
            warnings.append(t("plan.unclear_units", id=r.id, text=d[:40]))
        deadline = r.deadline or normalise_deadline(resp.deadline) or find_deadline(r.text_for_search)
        target = parse_target(r.target_text) if r.target_text else None
        if target is None:
            target = parse_target(r.title) or parse_target(r.content)
        task = Task(id=r.id, title=r.title, content=r.content, lead=lead, co_units=co, deadline=deadline)
        if target is not None:
            indicator = target.indicator
            if len(indicator) < 4:  # 每月不少于1次: the clause has no noun, the task title says what is counted
                indicator = f"{r.title}（{indicator}）" if indicator else r.title
            task.indicator, task.target, task.target_unit = indicator, target.value, target.unit
            task.target_op = target.op  # ≤5 / 不超过5 / 控制在5%以内 stay upper limits
        tasks.append(ImportedTask(task, [n for n in names if is_group(n)], target))
    if no_units:
        if len(no_units) == len(raw):
            warnings.append(t("plan.no_units", n=len(raw)))
        else:
            shown = "、".join(no_units[:10]) + ("…" if len(no_units) > 10 else "")
            warnings.append(t("plan.some_without_units", n=len(no_units), ids=shown))
    groups = _unique([g for it in tasks for g in it.groups])
    if registry is not None:  # groups the existing unit list already fills need no action
        groups = [g for g in groups if not (registry.resolve(g).kind == "group" and registry.resolve(g).units)]
    if groups:
        warnings.append(t("plan.groups_kept", groups="、".join(groups)))
    inferred = [u for u in new_units.values() if u.inferred]
    if inferred:
        warnings.append(t("plan.categories_inferred", n=len(inferred)))
    return _Assembled(tasks, list(new_units.values()))


def _new_unit(units: dict[str, Unit], name: str) -> None:
    key = norm_key(name)
    if key not in units:
        units[key] = Unit(name=clean(name), category=infer_category(name), inferred=True)


_unique = unique_names


def _merge_tasks(master: Master, tasks: list[Task], warnings: list[str]) -> None:
    """Same id and title: the plan's version replaces the row; same id, other title: kept, reported."""
    index = {task.id: i for i, task in enumerate(master.tasks)}
    for task in tasks:
        i = index.get(task.id)
        if i is None:
            master.tasks.append(task)
            index[task.id] = len(master.tasks) - 1
        elif norm_key(master.tasks[i].title) == norm_key(task.title):
            task.row = master.tasks[i].row
            task.note = task.note or master.tasks[i].note
            master.tasks[i] = task
        else:
            warnings.append(t("plan.id_conflict", id=task.id, title=master.tasks[i].title))


# ---------------------------------------------------------------- phases
def _phases(parts: list[Part], year: int | None) -> list[Phase]:
    out: list[Phase] = []
    seen: set[str] = set()

    def add(phase: Phase | None) -> None:
        if phase is not None and norm_key(phase.name) not in seen:
            seen.add(norm_key(phase.name))
            out.append(phase)

    for part in parts:
        for root in part.roots:
            if PHASE_SECTION.search(root.title):
                if root.children:
                    for child in root.children:
                        note = "\n".join(x for x in [child.detail, *child.body,
                                                     *(c.full_text(True) for c in child.children)] if x)
                        add(make_phase(child.title, note, year))
                else:
                    for para in [root.detail, *root.body]:
                        head, rest = _phase_head(para)
                        if head:
                            add(make_phase(head, rest, year))
        for node in part.nodes():
            if "阶段" in node.title and not PHASE_SECTION.search(node.title):
                add(make_phase(node.title, "\n".join([node.detail, *node.body]), year))
    return out


def _phase_head(para: str) -> tuple[str, str]:
    """第一阶段：动员部署（2021年12月） … → (heading, rest) for phases written as plain paragraphs."""
    m = re.match(r"^(第[一二三四五六七八九十]+阶段|[\u4e00-\u9fff]{2,10}阶段)\s*[:：]?\s*"
                 r"([^。；;]*?[（(][^）)]*\d[^）)]*[）)]|[^。；;]*?\d{1,2}\s*月[^。；;]*?)?[。；;:：]?", para)
    if not m:
        return "", ""
    head = (m.group(1) + (m.group(2) or "")).strip()
    return head, para[m.end():].strip()
