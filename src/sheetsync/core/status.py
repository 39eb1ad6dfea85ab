"""Status words (完成情况) as units type them: 已完成, 完成, 已办结, Done, 进度滞后 … → a status key.

The one home for reading a status: the returns reader and anything else that meets a typed
status ask :func:`parse_status`. The words themselves are a table, ``schema.STATUSES`` (label,
English label, aliases), so a new spelling is one more alias there, not code.
"""

from __future__ import annotations

from functools import lru_cache

from sheetsync.core import schema


@lru_cache(maxsize=256)
def parse_status(text: str) -> tuple[str | None, str]:
    """(status key or None, the canonical 中文 label when ``text`` was spelled otherwise, else "").

    ``("done", "已完成")`` for 完成, ``("done", "")`` for 已完成 or Completed, ``(None, "")`` for a
    word that is no status. Cached: a merge meets a handful of spellings thousands of times.
    """
    key = schema.key_for(schema.STATUSES, text)
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
