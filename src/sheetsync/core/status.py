"""Status words (完成情况) as units type them: 已完成, 完成, 已办结, Done, 进度滞后 … → a status key.

The one home for reading a status: the returns reader and anything else that meets a typed
status ask :func:`parse_status`. The words themselves are a table, ``schema.STATUSES`` (label,
English label, aliases), so a new spelling is one more alias there, not code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sheetsync.core import schema

# How clerks write the statuses beyond the labels and aliases of schema.STATUSES (which are the
# dropdown's vocabulary and the master's): on-schedule and done as written in county reports.
# 基本完成 ("basically done") is not done: it is read as in progress, and the reader says so.
MORE_SPELLINGS: dict[str, str] = {
    "序时推进": "in_progress", "按序时推进": "in_progress", "按序时进度推进": "in_progress",
    "按计划推进": "in_progress", "按进度推进": "in_progress", "正常推进": "in_progress",
    "有序推进": "in_progress", "稳步推进": "in_progress", "已启动": "in_progress", "正在实施": "in_progress",
    "基本完成": "in_progress", "大部分完成": "in_progress", "部分完成": "in_progress",
    "全部完成": "done", "已全部完成": "done", "已经完成": "done", "完成了": "done", "已完结": "done",
    "已完成任务": "done", "超额完成": "done", "提前完成": "done",
    "尚未开始": "not_started", "还未启动": "not_started", "暂未启动": "not_started", "未启动实施": "not_started",
    "滞后推进": "lagging", "进度缓慢": "lagging", "推进缓慢": "lagging", "未按时完成": "lagging", "逾期": "lagging",
    "常态化推进": "ongoing", "持续开展": "ongoing", "长期开展": "ongoing",
}
# marks around a status that do not change it: 已完成✓, 已完成。, 【已完成】, 已完成!
_MARKS = re.compile(r"^[\s【\[（(「“\"']+|[\s✓✔√☑✅。．.！!，,、;；】\]）)」”\"'~～]+$")


def _bare(text: str) -> str:
    """``text`` without surrounding marks and a final 了/啦 (完成了 → 完成)."""
    bare = _MARKS.sub("", text)
    return bare[:-1] if len(bare) > 2 and bare.endswith(("了", "啦")) else bare


@lru_cache(maxsize=256)
def parse_status(text: str) -> tuple[str | None, str]:
    """(status key or None, the canonical 中文 label when ``text`` was spelled otherwise, else "").

    ``("done", "已完成")`` for 完成 or 已完成✓, ``("done", "")`` for 已完成 or Completed,
    ``(None, "")`` for a word that is no status. Cached: a merge meets a handful of spellings
    thousands of times.
    """
    key = schema.key_for(schema.STATUSES, text)
    if key is None:
        from sheetsync.core.textnorm import norm_key

        for candidate in (text, _bare(text)):
            key = MORE_SPELLINGS.get(norm_key(candidate)) or schema.key_for(schema.STATUSES, candidate)
            if key is not None:
                break
    if key is None:
        return None, ""
    canonical = schema.label_for(schema.STATUSES, key, "zh")
    return key, "" if text in (canonical, schema.label_for(schema.STATUSES, key, "en")) else canonical


def status_label(key: str, lang: str | None = None) -> str:
    """The label a status key is shown as (已完成 / Completed)."""
    return schema.label_for(schema.STATUSES, key, lang)


def status_choices(lang: str = "zh") -> list[str]:
    """The labels a clerk may pick from, in table order (for messages and drop-downs)."""
    return [s.text(lang) for s in schema.STATUSES]
