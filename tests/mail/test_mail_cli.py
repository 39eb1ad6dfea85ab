"""``sheetsync mail …`` end to end: a real master, real split output, real SMTP server or outbox."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.mail import PASSWORD, TLS, free_port, make_rollup, smtp_server
from sheetsync.cli import cli
from sheetsync.core.model import Master, Task, Unit
from sheetsync.i18n import set_lang
from sheetsync.mail import read_rollup_summary
from sheetsync.mail.transport import PASSWORD_ENV


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    set_lang("zh")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    monkeypatch.delenv("SHEETSYNC_LANG", raising=False)
    yield
    set_lang(None)


def _master(tmp: Path, **settings: str) -> Path:
    """A master workbook written by sheetsync.master.workbook and split by sheetsync.split.workbook."""
    from sheetsync.master.workbook import write_master
    from sheetsync.split.workbook import split_master

    base = {"region": "示例县", "plan": "2024年重点工作任务", "period": "2024年第一季度", "due": "2024-04-10",
            "office": "县委督查室", "mail_from": "office@example.test", "mail_from_name": "示例县委督查室"}
    base.update(settings)
    m = Master(
        tasks=[Task("1.1", "推进义务教育优质均衡", lead="县教育局", co_units=["城关镇"], deadline="2024年6月底"),
               Task("1.2", "家庭医生签约", lead="县卫生健康局", deadline="2024年3月31日"),
               Task("1.3", "文旅融合示范", lead="县文旅局", deadline="2024年12月底")],
        units=[Unit("县教育局", email="jyj@units.example.test"), Unit("县卫生健康局", email="wjj@units.example.test"),
               Unit("城关镇", email="cgz@units.example.test"), Unit("县文旅局")],
        settings=base)
    path = tmp / "任务分解表.xlsx"
    write_master(m, path)
    from sheetsync.master.workbook import read_master

    split_master(read_master(path), tmp / "分发")
    return path


def _run(args: list[str]) -> object:
    return CliRunner().invoke(cli, args, catch_exceptions=True)


def test_distribute_dry_run_from_a_real_split_folder(tmp_path):
    master = _master(tmp_path)
    res = _run(["mail", "distribute", str(tmp_path / "分发"), "--master", str(master)])
    assert res.exit_code == 0, res.output
    assert "已写入发件箱" in res.output and "县文旅局" in res.output and "邮箱" in res.output
    folder = tmp_path / "outbox" / "distribute-2024年第一季度"
    emls = sorted(folder.glob("*.eml"))
    assert len(emls) == 3
    manifest = json.loads((tmp_path / "分发" / "manifest.json").read_text(encoding="utf-8"))
    files = {u["unit"]: u["file"] for u in manifest["units"]}
    for eml in emls:
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        unit = msg["Subject"].split("（")[-1].rstrip("）")
        (att,) = list(msg.iter_attachments())
        assert att.get_filename() == files[unit]
        assert att.get_content() == (tmp_path / "分发" / files[unit]).read_bytes()


def test_send_json_report_and_exit_code_when_the_server_is_down(tmp_path):
    tls = TLS(tmp_path)
    rollup = make_rollup(tmp_path)
    cfg = tmp_path / "mail.toml"
    cfg.write_text(f'[smtp]\nhost = "127.0.0.1"\nport = {free_port()}\nsecurity = "starttls"\n'
                   f'user = "office@example.test"\nfrom = "office@example.test"\n', encoding="utf-8")
    res = _run(["mail", "send", str(rollup), "--to", "sj@up.example.test", "--config", str(cfg),
                "--ca-file", str(tls.ca_file), "--db", str(tmp_path / "db"), "--json"])
    assert res.exit_code == 1
    report = json.loads(res.output)
    assert report["counts"]["failed"] == 1 and report["ok"] is False
    assert "无法连接" in report["results"][0]["message"]
    # the server comes up on that port: --retry sends it
    port = int(cfg.read_text(encoding="utf-8").split("port = ")[1].split()[0])
    with smtp_server("starttls", tls, port=port) as srv:
        res = _run(["mail", "send", str(rollup), "--to", "sj@up.example.test", "--config", str(cfg),
                    "--ca-file", str(tls.ca_file), "--db", str(tmp_path / "db"), "--retry"])
    assert res.exit_code == 0, res.output
    assert len(srv.handler.received) == 1 and "已发送" in res.output


def test_plain_smtp_via_cli_needs_the_flag_and_warns(tmp_path):
    rollup = make_rollup(tmp_path)
    with smtp_server("plain", auth=False) as srv:
        cfg = tmp_path / "mail.ini"
        cfg.write_text(f"[smtp]\nhost = 127.0.0.1\nport = {srv.port}\nsecurity = 无\nfrom = office@example.test\n",
                       encoding="utf-8")
        res = _run(["mail", "send", str(rollup), "--to", "sj@up.example.test", "--config", str(cfg),
                    "--db", str(tmp_path / "db")])
        assert res.exit_code != 0 and "--allow-plain-smtp" in str(res.exception)
        res = _run(["mail", "send", str(rollup), "--to", "sj@up.example.test", "--config", str(cfg),
                    "--db", str(tmp_path / "db"), "--allow-plain-smtp"])
    assert res.exit_code == 0, res.output
    assert "不加密" in (res.stderr if hasattr(res, "stderr") else res.output)
    assert len(srv.handler.received) == 1


def test_remind_without_a_split_folder_for_the_period_says_what_to_do(tmp_path):
    master = _master(tmp_path)
    (tmp_path / "分发" / "manifest.json").unlink()
    res = _run(["mail", "remind", "--period", "2024年第一季度", "--master", str(master)])
    assert res.exit_code != 0
    msg = str(res.exception)
    # with the merge present the folder is what is missing; without it, the merge is
    assert ("--split-dir" if _merge_available() else "merge") in msg, msg


def _merge_available() -> bool:
    try:
        import sheetsync.merge as merge
    except ImportError:
        return False
    return hasattr(merge, "gaps_by_unit") and hasattr(merge, "merge_returns")


@pytest.mark.skipif(not _merge_available(), reason="sheetsync.merge (gaps_by_unit, merge_returns) not in this checkout")
def test_remind_end_to_end_with_the_merge(tmp_path):
    """No returns yet: every unit with an address gets a 催报 listing its tasks, workbook attached."""
    master = _master(tmp_path)
    res = _run(["mail", "remind", "--period", "2024年第一季度", "--master", str(master), "--dry-run"])
    assert res.exit_code == 0, res.output
    emls = sorted((tmp_path / "outbox" / "remind-2024年第一季度").glob("*.eml"))
    assert len(emls) == 3
    by_unit = {}
    for eml in emls:
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        by_unit[msg["Subject"].split("（")[-1].rstrip("）")] = msg
    text = by_unit["县卫生健康局"].get_body(("plain",)).get_content()
    assert "【催报】" in by_unit["县卫生健康局"]["Subject"] and "未报送" in text
    assert len(list(by_unit["城关镇"].iter_attachments())) == 1


@pytest.mark.skipif(not _merge_available(), reason="sheetsync.merge (merge_returns) not in this checkout")
def test_reads_the_roll_up_written_by_the_merge(tmp_path):
    """Compatibility with the real roll-up writer: headline, gaps and per-unit completion."""
    from sheetsync.merge import merge_returns

    master = _master(tmp_path)
    out = tmp_path / "汇总.xlsx"
    merge_returns(master, [], out, ledger_path=tmp_path / "sheetsync.db")
    summary = read_rollup_summary(out)
    labels = dict(summary.headline)
    assert summary.period == "2024年第一季度" and labels.get("报送周期") == "2024年第一季度"
    assert labels.get("完成率", "").endswith("%") and float(labels["完成率"].rstrip("%")) <= 100
    assert {u for u, _g in summary.gaps} >= {"县教育局", "县卫生健康局", "城关镇"}
    assert summary.has_rates and {u.unit for u in summary.units} >= {"县教育局", "县卫生健康局"}
    res = _run(["mail", "send", str(out), "--to", "sj@up.example.test", "--master", str(master), "--dry-run"])
    assert res.exit_code == 0, res.output
    (eml,) = (tmp_path / "outbox" / "send-2024年第一季度").glob("*.eml")
    html = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("html",)).get_content()
    assert "cid:rollup-chart@sheetsync" in html and "县卫生健康局" in html


def test_remind_period_is_the_one_call_behind_cli_and_ribbon(tmp_path):
    """status → gaps by unit → the period's split folder → remind, in one library call."""
    from sheetsync.mail import remind_period

    master = _master(tmp_path)
    report = remind_period(master, dry_run=True, outbox=tmp_path / "outbox")  # period from 设置
    assert report.kind == "remind" and report.period == "2024年第一季度"
    by_unit = {r.unit: r for r in report.results}
    assert set(by_unit) == {"县教育局", "县卫生健康局", "城关镇", "县文旅局"}  # no merge yet: all 未报送
    assert by_unit["县文旅局"].status == "skipped" and by_unit["县教育局"].status == "dry-run"
    assert by_unit["县教育局"].attachment.endswith("_县教育局_任务进展填报表.xlsx")
    cli_res = _run(["mail", "remind", "--period", "2024年第一季度", "--master", str(master), "--json"])
    assert {r["unit"] for r in json.loads(cli_res.output)["results"]} == set(by_unit)
