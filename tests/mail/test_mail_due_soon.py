"""``sheetsync mail remind --due-soon`` against a real SMTP server (aiosmtpd), a real split,
a real merge and the real mail log: only on 催报 working days, only units that have not
reported, never twice on one day."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.mail import smtp_server
from helpers.robustness_county import fill
from sheetsync.cli import cli
from sheetsync.core.model import Master, Task, Unit
from sheetsync.i18n import set_lang

PERIOD = "2026年9月"  # 次月5日 = 10-05 (National Day) → due 10-08; 催报提前 3 → 09-28, 09-29, 09-30, 10-08


@pytest.fixture(autouse=True)
def _zh(monkeypatch):
    set_lang("zh")
    monkeypatch.delenv("SHEETSYNC_LANG", raising=False)
    yield
    set_lang(None)


def _county(tmp: Path) -> Path:
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.merge import merge_returns
    from sheetsync.split.workbook import split_master

    m = Master(
        tasks=[Task("1.1", "推进义务教育优质均衡", lead="县教育局", co_units=["城关镇"], deadline="2026年12月底"),
               Task("1.2", "家庭医生签约", lead="县卫生健康局", deadline="2026年12月31日"),
               Task("1.3", "文旅融合示范", lead="县文旅局", deadline="2026年12月底")],
        units=[Unit("县教育局", email="jyj@units.example.test"), Unit("县卫生健康局", email="wjj@units.example.test"),
               Unit("城关镇", email="cgz@units.example.test"), Unit("县文旅局", email="wlj@units.example.test")],
        settings={"region": "示例县", "plan": "2026年重点工作任务", "year": "2026", "frequency": "月报",
                  "office": "县委督查室", "mail_from": "office@example.test"})
    master = write_master(m, tmp / "任务分解表.xlsx")
    res = split_master(read_master(master), tmp / "分发", period=PERIOD, issued_at=datetime(2026, 9, 20))
    files = {w.unit: w.file for w in res.workbooks}
    # 县教育局 has reported: it must not be chased
    done = fill(files["县教育局"], tmp / "收回" / files["县教育局"].name,
                {"1.1": ("推进中", 50, None, "正常推进", "无")}, when=datetime(2026, 9, 27, 10))
    merge_returns(master, [done], tmp / "汇总.xlsx", period=PERIOD)
    return master


def _remind(master: Path, cfg: Path, today: str) -> object:
    return CliRunner().invoke(cli, ["mail", "remind", "--due-soon", "--today", today, "--master", str(master),
                                    "--config", str(cfg), "--allow-plain-smtp"], catch_exceptions=False)


def test_due_soon_sends_once_a_day_only_on_remind_days_only_to_units_not_reported(tmp_path: Path) -> None:
    master = _county(tmp_path)
    with smtp_server("plain", auth=False) as srv:
        cfg = tmp_path / "mail.ini"
        cfg.write_text(f"[smtp]\nhost = 127.0.0.1\nport = {srv.port}\nsecurity = 无\nfrom = office@example.test\n",
                       encoding="utf-8")
        # 09-25 is Mid-Autumn (off) and 09-24 is before the 催报日: nothing goes out
        for day in ("2026-09-24", "2026-09-25"):
            res = _remind(master, cfg, day)
            assert res.exit_code == 0, res.output
            assert "不是任何一期的催报工作日" in res.output
        assert srv.handler.received == []

        first = _remind(master, cfg, "2026-09-29")
        assert first.exit_code == 0, first.output
        got = sorted(r for m in srv.handler.received for r in m.rcpt_tos)
        assert got == ["cgz@units.example.test", "wjj@units.example.test", "wlj@units.example.test"]
        from email import message_from_bytes, policy

        bodies = [message_from_bytes(m.data, policy=policy.default).get_body(("plain",)).get_content()
                  for m in srv.handler.received]
        assert all("2026年10月8日" in b for b in bodies), bodies[0]  # the calendar's deadline, rolled over

        second = _remind(master, cfg, "2026-09-29")
        assert second.exit_code == 0, second.output
        assert len(srv.handler.received) == 3  # the same day again: nobody is reminded twice
        assert "今天已催报过的 3 个单位" in second.output


def test_due_soon_json_on_a_day_off(tmp_path: Path) -> None:
    import json

    master = _county(tmp_path)
    res = CliRunner().invoke(cli, ["mail", "remind", "--due-soon", "--today", "2026-10-03", "--master", str(master),
                                   "--dry-run", "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["results"] == [] and "2026-10-03" in data["warnings"][0]


def test_a_reminder_with_an_unknown_outcome_counts_as_sent_today(tmp_path) -> None:
    """Real SQLite mail log: the server may have the reminder, so the daily run does not send a second."""
    from datetime import datetime

    from sheetsync.mail import records
    from sheetsync.mail.due_soon import reminded_today

    db = tmp_path / "sheetsync.db"
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    records.record(db, [{"batch": "b1", "kind": "remind", "period": "2026年第4季度", "unit": u, "status": s,
                         "time": now} for u, s in (("城关镇", records.UNKNOWN), ("东河镇", "failed"), ("西山镇", "sent"))])
    assert reminded_today(db, "2026Q4") == {"城关镇", "西山镇"}
