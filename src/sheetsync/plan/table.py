"""A table that already is a task breakdown (序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限).

Many plans attach their 任务分解表 as a Word table. Its headers are matched against the master's
own column vocabulary (schema.TASKS), so a table made for the master reads back into it; cells
are parsed like text clauses, so 县委宣传部（牵头）、县文明办 in a 责任单位 cell means the same
as in a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheetsync.core import schema
from sheetsync.core.textnorm import clean, norm_key

_EXTRA = {  # headers seen in plans that are not master column names
    "title": ("工作任务", "任务名称", "重点工作", "工作重点", "任务事项", "项目", "工作项目", "主要任务", "目标任务"),
    "content": ("具体任务", "工作措施", "主要措施", "具体举措", "工作举措", "任务要求", "工作要求", "具体工作"),
    "lead": ("牵头单位", "牵头部门", "责任单位", "责任部门", "主责单位", "牵头领导单位"),
    "co_units": ("配合单位", "配合部门", "协办单位", "参与部门"),
    "deadline": ("完成时限", "完成时间", "时间安排", "时间进度", "推进时限", "完成期限"),
}
_SKIP = ("责任领导", "牵头领导", "分管领导", "责任人", "联系人")


@dataclass
class TableRow:
    id: str
    title: str
    content: str
    lead_text: str
    co_text: str
    deadline: str
    target_text: str
    section: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _column_key(header: str) -> str | None:
    h = re.sub(r"[（(][^）)]*[）)]", "", clean(header)).replace("\n", "")
    key = norm_key(h)
    if not key or any(norm_key(s) == key for s in _SKIP):
        return None
    found = schema.key_for(schema.TASKS.columns, h)
    if found:
        return found
    for col, words in _EXTRA.items():
        if any(norm_key(w) == key for w in words):
            return col
    for col in schema.TASKS.columns:  # 重点任务名称, 牵头单位及责任人 …
        for s in col.spellings():
            sk = norm_key(s)
            if len(sk) >= 2 and key.startswith(sk) and not any(norm_key(x) in key for x in _SKIP):
                return col.key
    return None


def header_map(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    """(header row index, {column key: cell index}) when the table reads as a task breakdown."""
    for r, row in enumerate(rows[:4]):
        cols: dict[str, int] = {}
        for i, cell in enumerate(row):
            key = _column_key(cell)
            if key and key not in cols:
                cols[key] = i
        has_task = "title" in cols or "content" in cols
        has_who = "lead" in cols or "co_units" in cols
        if has_task and (has_who or "deadline" in cols) and len(cols) >= 2:
            return r, cols
    return None


def table_rows(rows: list[list[str]]) -> list[TableRow]:
    """The task rows of a breakdown table; spanning rows (一、宣传教育) become the section."""
    found = header_map(rows)
    if found is None:
        return []
    start, cols = found
    out: list[TableRow] = []
    section = ""

    def cell(row: list[str], key: str) -> str:
        i = cols.get(key)
        return clean(row[i]) if i is not None and i < len(row) else ""

    for row in rows[start + 1:]:
        texts = [clean(c) for c in row]
        if not any(texts):
            continue
        if len({t for t in texts if t}) == 1 and len(row) > 2 and all(texts):
            section = texts[0]  # a merged row across the table: a heading
            continue
        if any(_column_key(t) for t in texts if t) and cell(row, "title") and _column_key(cell(row, "title")):
            continue  # a repeated header row (page break in Word)
        title = cell(row, "title")
        content = cell(row, "content")
        if "title" in cols and "content" in cols and title == content:
            content = ""
        if not (title or content):
            continue
        out.append(TableRow(
            id=cell(row, "id").rstrip("、.．"),
            title=title,
            content=content,
            lead_text=cell(row, "lead"),
            co_text=cell(row, "co_units") if cols.get("co_units") != cols.get("lead") else "",
            deadline=cell(row, "deadline"),
            target_text=" ".join(x for x in (cell(row, "indicator"), cell(row, "target"), cell(row, "target_unit")) if x),
            section=section,
        ))
    return out
