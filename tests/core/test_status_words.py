"""core.status: the one home for status words (完成情况)."""

from __future__ import annotations

import pytest

from sheetsync.core import schema
from sheetsync.core.status import parse_status, status_choices, status_label


@pytest.mark.parametrize(("typed", "key", "canonical"), [
    ("已完成", "done", ""), ("Completed", "done", ""), ("完成", "done", "已完成"), ("已办结", "done", "已完成"),
    ("进行中", "in_progress", "推进中"), ("进度滞后", "lagging", "滞后"), ("常态化", "ongoing", "长期坚持"),
    ("未开始", "not_started", "未启动"), (" 已完成 ", "done", "已完成"), ("差不多", None, ""), ("", None, ""),
])
def test_parse_status(typed: str, key: str | None, canonical: str) -> None:
    assert parse_status(typed) == (key, canonical)


def test_every_label_and_alias_of_the_table_is_read() -> None:
    for lab in schema.STATUSES:
        for spelling in lab.spellings():
            assert parse_status(spelling)[0] == lab.key, spelling


def test_labels_and_choices() -> None:
    assert status_label("done", "zh") == "已完成" and status_label("done", "en") == "Completed"
    assert status_choices("zh") == ["未启动", "推进中", "已完成", "滞后", "长期坚持"]
