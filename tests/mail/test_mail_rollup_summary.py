"""The upward mail reads the roll-up's own summary (issue 15, symptom 4): a roll-up written in
English gives the same figures and gap lists as the same roll-up written in Chinese."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from helpers.mail import make_rollup, settings_for
from sheetsync.demo import data as demo_data
from sheetsync.i18n import set_lang
from sheetsync.mail import read_rollup_summary, send_rollup
from sheetsync.returns.read import ReturnRow
from sheetsync.rollup.compute import FileLine, UnitReturn, compute_rollup
from sheetsync.rollup.workbook import write_rollup


@pytest.fixture
def rollup():
    set_lang("zh")
    m = demo_data.master()
    returns: dict[str, UnitReturn] = {}
    statuses = ["done", "lagging", "in_progress", None, "not_started"]
    for i, task in enumerate(m.tasks[:30]):
        ret = returns.setdefault(task.lead, UnitReturn(task.lead, f"/in/{task.lead}.xlsx", "2026-12-20T10:00:00", []))
        ret.rows.append(ReturnRow(task.id, task.lead, "lead", statuses[i % 5], 10.0 * (i % 10), None,
                                  "进展", "资金不足" if i % 3 == 0 else "无", "", "", 5 + i))
    files = [FileLine(f"/in/{u}.xlsx", u, "accepted", [], "2026-12-20T10:00:00") for u in returns]
    yield compute_rollup(m, returns, files, period="2026年第4季度", as_of=date(2026, 12, 31),
                         generated=datetime(2027, 1, 1, 9))
    set_lang(None)


def _view(summary) -> tuple:
    return (summary.period, summary.headline, [(u, g.kind, g.task_id, g.title, g.detail) for u, g in summary.gaps],
            [(u.unit, u.gaps, u.rate) for u in summary.units])


def test_zh_and_en_rollups_give_the_same_mail_figures(rollup, tmp_path: Path) -> None:
    zh = write_rollup(rollup, tmp_path / "zh.xlsx", lang="zh")
    en = write_rollup(rollup, tmp_path / "en.xlsx", lang="en")
    a, b = read_rollup_summary(zh), read_rollup_summary(en)
    assert len(a.gaps) == len(rollup.gaps) > 50
    assert _view(a) == _view(b)
    assert a.has_rates and a.note == ""
    # the headline is in the mail's language, from keys
    assert dict(a.headline)["报送周期"] == "2026年第4季度"
    bodies = []
    for path in (zh, en):
        report = send_rollup(path, ["sj@up.example.test"], dry_run=True,
                             outbox=tmp_path / f"out-{path.stem}", db_path=tmp_path / "db",
                             **_settings(tmp_path, region=rollup.region, plan=rollup.plan))
        (eml,) = (tmp_path / f"out-{path.stem}").rglob("*.eml")
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        bodies.append(msg.get_body(("plain",)).get_content().replace(path.name, "FILE"))
        assert report.counts["dry-run"] == 1
    assert bodies[0] == bodies[1] and str(len(rollup.gaps)) in bodies[0]


def _settings(tmp_path: Path, **extra: str) -> dict:
    """A master whose 设置 send the mail (the roll-up's own region and plan: mail send refuses another plan's)."""
    from helpers.mail import make_master

    return {"master": make_master(tmp_path, settings_for(None, **extra))}


def test_hand_made_rollup_falls_back_to_headers_with_a_note(tmp_path: Path) -> None:
    summary = read_rollup_summary(make_rollup(tmp_path))
    assert len(summary.gaps) == 3 and summary.note and "_sheetsync" in summary.note


def test_mail_send_refuses_a_master_of_another_level(demo, tmp_path) -> None:
    """The county roll-up sent with 城关镇's master would go out with the town's sender and 发文机关."""
    import os
    import subprocess
    import sys

    folder, _ = demo
    env = {**os.environ, "SHEETSYNC_LANG": "zh"}

    def send(master) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sheetsync.cli", "mail", "send",
                               str(folder / "示例县_2026年第4季度_汇总表.xlsx"), "--master", str(master),
                               "--to", "up@example.cn", "--dry-run", "--outbox", str(tmp_path / "box")],
                              capture_output=True, text=True, env=env, timeout=300)

    other = send(folder / "三级联动" / "城关镇" / "城关镇_任务分解表.xlsx")
    assert other.returncode == 2 and "Traceback" not in other.stderr
    assert "城关镇_任务分解表.xlsx" in other.stderr and "邮件未发送" in other.stderr
    assert not (tmp_path / "box").exists() or not any((tmp_path / "box").rglob("*.eml"))
    own = send(folder / "示例县_任务分解表.xlsx")
    assert own.returncode == 0, own.stderr
    assert any((tmp_path / "box").rglob("*.eml"))
