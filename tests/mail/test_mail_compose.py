"""Message building, templates, chart, outbox names and configuration — no server needed."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from email import message_from_bytes, policy
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from sheetsync.core.errors import SheetsyncError
from sheetsync.i18n import set_lang
from sheetsync.mail.chart import BLUE, bar_chart
from sheetsync.mail.compose import Attachment, Draft, GapLine, InlineImage, build_message, to_bytes
from sheetsync.mail.outbox import safe_name, write_eml
from sheetsync.mail.templates import Rich, Template, load_templates
from sheetsync.mail.transport import (
    PASSWORD_ENV,
    config_from_settings,
    get_password,
    load_config_file,
    parse_security,
    resolve_config,
    split_addresses,
)

LONG_NAME = "示例县教育局2024年第一季度重点工作任务进展情况填报表（请于4月10日前报送）.xlsx"


@pytest.fixture(autouse=True)
def _zh():
    set_lang("zh")
    yield
    set_lang(None)


def _draft(**kw) -> Draft:
    base = dict(to=["县教育局 <jyj@units.example.test>"], cc=["督查室 <dcs@example.test>"],
                subject="【请填报】2024年重点工作任务第一季度进展情况（县教育局）",
                text="县教育局：\n请填写附件。", html="<p>县教育局：</p><img src=\"cid:c1@t\">",
                attachments=[Attachment(LONG_NAME, b"PK\x03\x04" + bytes(range(256)) * 50),
                             Attachment("readme.txt", b"plain ascii\r\n")],
                images=[InlineImage("c1@t", bar_chart([50, 100]))])
    base.update(kw)
    return Draft(**base)


def test_headers_are_pure_ascii_with_rfc2047_and_rfc2231():
    raw = to_bytes(build_message(_draft(), from_addr="dcs@example.test", from_name="示例县委督查室"))
    assert raw.isascii(), "every header and body must be 7-bit on the wire"
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert re.search(r"^Subject: =\?utf-8\?[bq]\?", head, re.M)
    assert re.search(r"^From: =\?utf-8\?[bq]\?.*\?= <dcs@example\.test>", head, re.M)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "【请填报】2024年重点工作任务第一季度进展情况（县教育局）"
    assert msg["From"].addresses[0].display_name == "示例县委督查室"
    assert msg["To"].addresses[0].display_name == "县教育局"


def test_attachment_name_has_rfc2231_filename_and_rfc2047_name_fallback():
    raw = to_bytes(build_message(_draft(), from_addr="dcs@example.test")).decode("ascii")
    start = raw.index("Content-Type: application/vnd.openxmlformats")
    block = raw[start:raw.index("\r\n\r\n", start)]
    # RFC 2231: filename*0*=utf-8''…; filename*1*=… (the name is long, so it is continued)
    assert "filename*0*=utf-8''%E7%A4%BA" in block
    assert "filename*1*=" in block
    # RFC 2047 fallback inside Content-Type name="…", one encoded word per folded line
    words = re.findall(r'=\?utf-8\?b\?([A-Za-z0-9+/=]+)\?=', block.split("Content-Disposition")[0])
    assert 'name="=?utf-8?b?' in block
    assert len(words) > 1
    # each word decodes on its own (no character cut in half) and together they give the name
    decoded = [base64.b64decode(w).decode("utf-8") for w in words]
    assert "".join(decoded) == LONG_NAME
    # each RFC 2231 segment also holds whole characters
    segs = re.findall(r"filename\*\d+\*=(?:utf-8'')?([^;\r\n]+)", block)
    for seg in segs:
        _pct_decode(seg)  # raises if a segment ends inside a character
    assert "".join(_pct_decode(s) for s in segs) == LONG_NAME
    msg = message_from_bytes(raw.encode(), policy=policy.default)
    atts = list(msg.iter_attachments())
    assert [a.get_filename() for a in atts] == [LONG_NAME, "readme.txt"]
    assert atts[0]["Content-Type"].params["name"] == LONG_NAME
    assert atts[0].get_content() == b"PK\x03\x04" + bytes(range(256)) * 50
    # an ASCII name stays simply quoted
    assert 'name="readme.txt"' in raw and 'filename="readme.txt"' in raw


def _pct_decode(seg: str) -> str:
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(seg).decode("utf-8")  # raises if a character was split


def test_structure_text_html_related_image_and_attachments():
    msg = build_message(_draft(), from_addr="dcs@example.test")
    parsed = message_from_bytes(to_bytes(msg), policy=policy.default)
    types = [p.get_content_type() for p in parsed.walk()]
    assert types[:6] == ["multipart/mixed", "multipart/alternative", "text/plain", "multipart/related",
                         "text/html", "image/png"]
    img = [p for p in parsed.walk() if p.get_content_type() == "image/png"][0]
    assert img["Content-ID"] == "<c1@t>"
    assert parsed.get_body(("plain",)).get_content().startswith("县教育局：")
    assert sum(1 for p in parsed.walk() if "MIME-Version" in p) == 1


def test_envelope_override_and_no_attachment_message():
    d = _draft(attachments=[], images=[], html="")
    parsed = message_from_bytes(to_bytes(build_message(d)), policy=policy.default)
    assert parsed.get_content_type() == "text/plain"
    assert "From" not in parsed  # unknown sender in a preview stays absent, never invented


def test_gapline_coerce_accepts_tuples_mappings_objects():
    class Obj:
        kind, task_id, title, detail = "逾期", "3.5", "家庭医生签约", "时限已过"

    assert GapLine.coerce(("未报送", "2.1", "义务教育", "")) == GapLine("未报送", "2.1", "义务教育", "")
    assert GapLine.coerce({"缺口类型": "未填写", "任务编号": "3.4", "任务名称": "x"}).kind == "未填写"
    assert GapLine.coerce(Obj()).detail == "时限已过"


# ------------------------------------------------------------------ templates
def test_unknown_placeholder_is_an_error_naming_it_and_where(tmp_path):
    with pytest.raises(SheetsyncError) as exc:
        load_templates("distribute", {"分发邮件主题": "{单住}的填报表"})
    assert "{单住}" in str(exc.value) and "分发邮件主题" in str(exc.value)
    (tmp_path / "remind.txt").write_text("{unit} {deadline}", encoding="utf-8")
    with pytest.raises(SheetsyncError) as exc:
        load_templates("remind", {}, tmp_path)
    assert "{deadline}" in str(exc.value) and "remind.txt" in str(exc.value)
    with pytest.raises(SheetsyncError):
        Template("{单位!r}", "x").check()


def test_template_sources_and_placeholders_in_both_languages(tmp_path):
    ts = load_templates("remind", {"mail_remind_subject": "催报：{unit}（{报送周期}）"})
    subject, text, html = ts.render({"unit": "县教育局", "period": "一季度", "gaps": Rich("1. 缺", "<table>t</table>"),
                                     "gap_count": "1"})
    assert subject == "催报：县教育局（一季度）"
    assert "1. 缺" in text and "<table>t</table>" in html
    # full-width braces typed with a Chinese IME work too
    assert Template("｛单位｝请报送", "x").render({"unit": "城关镇"}) == "城关镇请报送"
    # a templates folder wins over the settings; Notepad's GBK files are read
    (tmp_path / "remind.subject.txt").write_bytes("【催报】{单位}".encode("gbk"))
    ts = load_templates("remind", {"催报邮件主题": "不用这个"}, tmp_path)
    assert ts.render({"unit": "城关镇"})[0] == "【催报】城关镇"


def test_html_escapes_values_and_drops_scripts(tmp_path):
    (tmp_path / "send.html").write_text("<p>{单位}</p><script>alert(1)</script><p>{总览}</p>", encoding="utf-8")
    ts = load_templates("send", {}, tmp_path)
    _s, _t, html = ts.render({"unit": "<b>县</b>", "summary": Rich("s", "<table>ok</table>")})
    assert "&lt;b&gt;县&lt;/b&gt;" in html and "<table>ok</table>" in html
    assert "<script" not in html.lower()
    # the derived HTML (no .html template) also escapes
    _s, _t, html = load_templates("distribute").render({"unit": "A&B<script>"})
    assert "A&amp;B&lt;script&gt;" in html and "<script" not in html


def test_english_defaults_use_english_placeholders():
    ts = load_templates("distribute", lang="en")
    subject, text, _ = ts.render({"unit": "Education Bureau", "plan": "Plan", "period": "Q1"})
    assert subject == "[Please report] Plan Q1 progress (Education Bureau)"
    assert text.startswith("Dear Education Bureau,")


# ------------------------------------------------------------------ chart
def _png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    w = h = 0
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos:pos + 4]), png[pos + 4:pos + 8]
        data = png[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])[0]
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        if kind == b"IHDR":
            w, h = struct.unpack(">II", data[:8])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 3 * w
    return w, h, [raw[i * stride + 1:(i + 1) * stride] for i in range(h)]


def test_chart_is_a_valid_png_with_bars_in_proportion():
    w, h, rows = _png_pixels(bar_chart([25, 100, 0], percent=True))
    assert w == 560 and h == 3 * 24 + 8
    blue = bytes(BLUE)

    def filled(row_index: int) -> int:
        y = 4 + row_index * 24 + 12
        line = rows[y]
        return sum(1 for x in range(w) if line[3 * x:3 * x + 3] == blue)

    full, quarter, empty = filled(1), filled(0), filled(2)
    assert empty == 0 and full > 300
    assert abs(quarter / full - 0.25) < 0.02


# ------------------------------------------------------------------ outbox
def test_outbox_names_are_safe_and_deterministic(tmp_path):
    assert safe_name('县教育局/基础教育股:"一"') == "县教育局_基础教育股_一"
    assert safe_name("CON") == "_CON" and safe_name("...") == "_"
    p1 = write_eml(tmp_path, 3, "城关镇", b"x")
    p2 = write_eml(tmp_path, 3, "城关镇", b"y")
    assert p1 == p2 == tmp_path / "003-城关镇.eml" and p1.read_bytes() == b"y"


# ------------------------------------------------------------------ configuration
def test_settings_to_config_defaults_and_spellings():
    cfg = config_from_settings({"smtp_host": "mail.example.test", "smtp_security": "SSL",
                                "mail_cc": "a@x.test；b@x.test、a@x.test", "mail_max_mb": "5", "mail_rate": "30"})
    assert (cfg.security, cfg.effective_port, cfg.cc) == ("ssl", 465, ["a@x.test", "b@x.test"])
    assert cfg.max_bytes == 5 * 1024 * 1024 and cfg.rate_per_minute == 30
    assert parse_security("", 465) == "ssl" and parse_security("", 25) == "starttls"
    assert parse_security("无") == "plain"
    with pytest.raises(SheetsyncError):
        parse_security("maybe")
    assert split_addresses("x@a.test, y@b.test;z@c.test") == ["x@a.test", "y@b.test", "z@c.test"]


def test_config_file_toml_and_ini_override_settings(tmp_path):
    toml = tmp_path / "mail.toml"
    toml.write_text('[smtp]\nhost = "relay.example.test"\nport = 2525\nsecurity = "starttls"\n'
                    'user = "u@example.test"\n', encoding="utf-8")
    cfg = resolve_config({"smtp_host": "old.example.test", "SMTP端口": "25"}, toml)
    assert (cfg.host, cfg.port, cfg.user) == ("relay.example.test", 2525, "u@example.test")
    ini = tmp_path / "mail.ini"
    ini.write_text("[smtp]\nSMTP服务器 = relay2.example.test\n加密方式 = SSL\n", encoding="utf-8")
    cfg = resolve_config({}, ini, rate=12)
    assert (cfg.host, cfg.security, cfg.rate_per_minute) == ("relay2.example.test", "ssl", 12)


@pytest.mark.parametrize("text", ['[smtp]\nhost = "h"\npassword = "x"\n', '[other]\nsmtp_pass = "x"\n'])
def test_config_file_with_a_password_is_refused(tmp_path, text):
    f = tmp_path / "mail.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(SheetsyncError) as exc:
        load_config_file(f)
    assert PASSWORD_ENV in str(exc.value)
    ini = tmp_path / "mail.ini"
    ini.write_text("[smtp]\nhost=h\n密码=x\n", encoding="utf-8")
    with pytest.raises(SheetsyncError):
        load_config_file(ini)


class MemoryKeyring(KeyringBackend):
    """A real keyring backend kept in memory (the CI machine has no desktop keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def test_password_from_env_then_keyring_never_file(monkeypatch):
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        monkeypatch.delenv(PASSWORD_ENV, raising=False)
        with pytest.raises(SheetsyncError) as exc:
            get_password("u@example.test")
        assert "keyring set sheetsync u@example.test" in str(exc.value)
        keyring.set_password("sheetsync", "u@example.test", "from-keyring")
        assert get_password("u@example.test") == "from-keyring"
        monkeypatch.setenv(PASSWORD_ENV, "from-env")
        assert get_password("u@example.test") == "from-env"
    finally:
        keyring.set_keyring(previous)


def test_missing_ca_file_is_an_error(tmp_path):
    with pytest.raises(SheetsyncError):
        resolve_config({"smtp_host": "h"}, ca_file=tmp_path / "nope.pem")


def test_attachment_from_path(tmp_path: Path):
    f = tmp_path / "汇总表.xlsx"
    f.write_bytes(b"data")
    att = Attachment.from_path(f)
    assert att.filename == "汇总表.xlsx" and att.content_type.endswith("spreadsheetml.sheet")


def test_gap_type_keys_from_the_merge_become_labels():
    from sheetsync.i18n import catalog

    if "merge.gap.not_reported" not in catalog():
        pytest.skip("the merge's message catalogue is not in this checkout")

    class MergeGap:  # the shape of sheetsync.rollup.compute.Gap
        type, task_id, task_title, unit, detail = "not_reported", "", "", "县文旅局", "本期未报送"

    g = GapLine.coerce(MergeGap())
    assert (g.kind, g.detail) == ("未报送", "本期未报送")
    assert GapLine.coerce(("overdue", "3.5", "t", "")).kind == "逾期未完成"
    assert GapLine.coerce(("自定义", "1", "t", "")).kind == "自定义"


def test_every_mail_message_has_the_same_fields_in_both_languages():
    import string as _string

    from sheetsync.i18n.mail import MESSAGES

    for key, (zh, en) in MESSAGES.items():
        if key.startswith("mail.tpl."):
            continue  # templates: Chinese vs English placeholder names by design
        fields = [{f for _, f, _, _ in _string.Formatter().parse(s) if f} for s in (zh, en)]
        assert fields[0] == fields[1], key
