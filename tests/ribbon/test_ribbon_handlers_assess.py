"""考核评分 on the small county (real master, returns and ledger; xlwings' remote Book engine):
the 考核得分 sheet and the result workbook give what ``sheetsync assess`` gives."""

from __future__ import annotations

import pytest

from helpers.ribbon import (
    Demo,
    alert,
    merge_cli,
    open_file,
    remote_engine,  # noqa: F401  (autouse fixture)
    sheet_values,
    small_county,
)
from sheetsync.assess import assess_units
from sheetsync.ribbon import handlers


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    d = small_county(tmp_path_factory.mktemp("assess") / "示例县")
    merge_cli(d)
    return d


def test_assess_button_writes_the_scores_sheet_and_the_result(merged: Demo) -> None:
    expected = assess_units(merged.master)
    book = open_file(merged.master)
    handlers.dispatch("assessUnits")
    text, mode = alert(book)
    assert mode == "info" and "考核得分" in text, text
    values = sheet_values(book, "考核得分")
    assert values[0] == ["单位", "分组", "得分", "等次", "组内排名", "榜单", "处理建议"]
    got = {r[0]: (r[2], r[3], r[4]) for r in values[1:] if r[4] not in (None, "")}
    assert got == {u.unit: (round(u.score, 2), u.grade, u.rank) for u in expected.units if u.assessed}
    results = list(merged.master.parent.glob("*考核结果.xlsx"))
    assert len(results) == 1


def test_assess_button_before_any_merge_says_to_merge_first(tmp_path) -> None:
    d = small_county(tmp_path / "示例县")
    book = open_file(d.master)
    handlers.dispatch("assessUnits")
    text, mode = alert(book)
    assert "还没有合并过回收表" in text and mode != "info", (text, mode)
    assert not list(d.master.parent.glob("*考核结果.xlsx"))
