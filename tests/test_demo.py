"""``sheetsync demo`` — the README's main command — on a fresh process, every stage."""

from __future__ import annotations

from conftest import sheet_rows
from sheetsync.demo import data as demo_data
from sheetsync.master.workbook import read_master


def test_demo_runs_every_stage(demo) -> None:
    folder, stdout = demo
    for word in ("从实施方案导入 30 项任务", "校验含错误的主表", "已为 55 个单位生成填报表", "模拟回收", "应报 55 个单位",
                 "待发邮件"):
        assert word in stdout, word
    for name in ("示例县_实施方案.docx", "示例县_从方案导入的任务分解表.xlsx", "示例县_任务分解表.xlsx",
                 "示例县_任务分解表_含常见错误_校验标注.xlsx", "示例县_2026年第4季度_汇总表.xlsx", "sheetsync.db"):
        assert (folder / name).exists(), name


def test_plan_import_reproduces_the_demo_tasks(demo) -> None:
    folder, _ = demo
    imported = read_master(folder / "示例县_从方案导入的任务分解表.xlsx")
    assert [(t.id, t.title, t.lead, t.co_units, t.deadline) for t in imported.tasks] == [
        (t.id, t.title, t.lead, t.co_units, t.deadline) for t in demo_data.tasks()]
    assert [p.name for p in imported.phases] == [p.name for p in demo_data.PHASES]


def test_outbox_holds_distribute_remind_and_send(demo) -> None:
    import email
    import email.policy

    folder, _ = demo
    outbox = folder / "待发邮件"
    kinds = {p.name.split("-")[0]: list(p.glob("*.eml")) for p in outbox.iterdir()}
    assert len(kinds["distribute"]) == 55
    assert kinds["remind"] and len(kinds["send"]) == 1
    # a reminder to a unit that sent nothing lists each task it owes
    missing = {r[0] for r in sheet_rows(folder / "示例县_2026年第4季度_汇总表.xlsx", "单位报送")[1:] if r[1] == "未报"}
    texts = []
    for p in kinds["remind"]:
        msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        texts.append(msg.get_body(("plain",)).get_content())
    owed = [t for t in texts if "本期未报送" in t]
    assert len(owed) >= len(missing)


def test_returns_in_the_mailbox_zip_are_merged(demo) -> None:
    from sheetsync.ledger import Ledger

    folder, stdout = demo
    assert "2 个在邮箱“打包下载”的压缩包中" in stdout
    with Ledger(folder / "sheetsync.db") as ledger:
        from_zip = [r for r in ledger.returns("2026年第4季度") if r.source.startswith("邮箱附件打包下载.zip ▸ ")]
    assert len(from_zip) == 2 and all(r.outcome in ("accepted", "warnings") and r.unit for r in from_zip)


def test_demo_runs_three_levels_up_to_the_city(demo) -> None:
    """Villages → 城关镇 → 平安县 → 示例市 (sheetsync.demo.levels): the township's 10/12 reaches the city."""
    from sheetsync.rollup.summary import read_summary

    folder, stdout = demo
    assert "三级联动" in stdout
    city = read_summary(folder / "三级联动" / "示例市" / "示例市_汇总表.xlsx")
    assert any("城关镇 10/12" in tk.coverage for tk in city.tasks)
    assert city.counts["units_reported"] == 3
