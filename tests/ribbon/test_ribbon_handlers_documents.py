"""起草报告 and 起草通报 on a merged small county: xlwings' remote Book engine with the real
master, ledger and roll-up on disk (no Excel runs here; the engine is xlwings' own)."""

from __future__ import annotations

import docx
import pytest

from helpers.ribbon import (
    Demo,
    alert,
    open_file,
    remote_engine,  # noqa: F401  (autouse fixture)
    small_county,
)
from sheetsync.merge import status
from sheetsync.ribbon import handlers


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The small county merged by ``sheetsync merge`` into the roll-up where 合并回收表 puts it."""
    from click.testing import CliRunner

    from sheetsync.cli import cli
    from sheetsync.master.workbook import read_master
    from sheetsync.ribbon.rollup_buttons import rollup_path

    d = small_county(tmp_path_factory.mktemp("merged") / "示例县")
    master = read_master(d.master)
    out = rollup_path(d.master, master, master.setting("period"))
    r = CliRunner().invoke(cli, ["merge", str(d.master), str(d.returns), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return d


def _text(path) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_draft_report_writes_the_docx_beside_the_master(merged: Demo) -> None:
    h = status(merged.master).headline()
    book = open_file(merged.master)
    handlers.dispatch("draftReport")
    text, mode = alert(book)
    assert mode == "info", text
    found = list(merged.folder.glob("*情况报告(初稿).docx"))
    assert len(found) == 1 and str(found[0]) in text and "待补充" in text
    body = _text(found[0])
    assert f"应报送单位{h['units_expected']}个，已报送{h['units_reported']}个" in body
    assert body.splitlines()[0] == "初稿"


def test_draft_notice_adds_the_ranking_when_an_assessment_is_beside_the_master(merged: Demo) -> None:
    import openpyxl

    rollup = status(merged.master)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "得分"
    ws.append(["排名", "单位", "得分"])
    for i, u in enumerate(rollup.units, start=1):
        ws.append([i, u.unit, 100 - i])
    wb.save(merged.folder / "示例县_考核结果.xlsx")

    book = open_file(merged.master)
    handlers.dispatch("draftNotice")
    text, mode = alert(book)
    assert mode == "info", text
    found = list(merged.folder.glob("*通报(初稿).docx"))
    assert len(found) == 1
    body = _text(found[0])
    assert "红榜（得分居前）：" + rollup.units[0].unit in body
    assert len(docx.Document(str(found[0])).tables) == 2  # progress table and ranking
    for unit in rollup.missing_units:
        assert unit in body


def test_draft_report_before_any_merge_says_to_merge_first(tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = small_county(tmp_path / "d")
    book = open_file(d.master)
    handlers.dispatch("draftReport")
    text, mode = alert(book)
    assert mode == "critical" and "合并" in text
    assert not list(d.folder.glob("*.docx"))
