"""Issue 17: the files the documents stage is handed — a roll-up (perhaps from a level below),
an assessment workbook, a letterhead template — are read with the same defences as returns: a
hostile one is a message naming the file and what to do (exit 2), never a dead process.

Real parts: the demo county's real roll-up and assessment, edited at the byte level; the CLI in
a real process.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROLLUP = "示例县_2026年第4季度_汇总表.xlsx"
ASSESSMENT = "示例县_2026年第4季度_考核结果.xlsx"
FAR = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'


def _cli(*args: object, lang: str = "zh") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHEETSYNC_LANG": lang}
    return subprocess.run([sys.executable, "-m", "sheetsync.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


def _sheet_part(z: zipfile.ZipFile, name: str) -> str:
    """The part of the sheet called ``name`` (workbook.xml → its relationship)."""
    wb = z.read("xl/workbook.xml").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(name)}"[^>]*r:id="([^"]+)"', wb)
    assert rid, name
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rel = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*/>', rels)
    assert rel
    target = re.search(r'Target="([^"]+)"', rel.group(0)).group(1)  # type: ignore[union-attr]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def far_cell(src: Path, dest: Path, sheet: str) -> Path:
    """``src`` with one cell at XFD1048576 in ``sheet`` (what made python-calamine abort)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        part = _sheet_part(zin, sheet)
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                text = data.decode("utf-8").replace("</sheetData>", FAR + "</sheetData>", 1)
                data = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', text).encode()
            zout.writestr(info, data)
    return dest


@pytest.mark.parametrize("command", ["report", "notice"])
def test_a_rollup_with_a_far_cell_in_its_summary_is_refused_not_fatal(demo, tmp_path: Path, command: str) -> None:
    folder, _ = demo
    bad = far_cell(folder / ROLLUP, tmp_path / "汇总表.xlsx", "_sheetsync")
    before = bad.read_bytes()
    out = tmp_path / "初稿.docx"
    proc = _cli(command, bad, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "汇总表.xlsx" in proc.stderr
    assert "重新生成" in proc.stderr  # what to do
    assert not out.exists() and bad.read_bytes() == before
    good = _cli(command, folder / ROLLUP, "-o", out)  # the real one still drafts
    assert good.returncode == 0, good.stderr and out.exists()


def test_an_assessment_workbook_with_a_far_cell_is_refused_not_fatal(demo, tmp_path: Path) -> None:
    folder, _ = demo
    bad = far_cell(folder / ASSESSMENT, tmp_path / "考核结果.xlsx", "得分汇总")
    out = tmp_path / "通报.docx"
    proc = _cli("notice", folder / ROLLUP, "--assessment", bad, "-o", out, lang="en")
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "考核结果.xlsx" in proc.stderr
    assert not out.exists()


def test_a_template_that_is_a_zip_bomb_is_refused_before_python_docx_opens_it(demo, tmp_path: Path) -> None:
    folder, _ = demo
    bomb = tmp_path / "红头模板.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (300 * 1024 * 1024) + b"</w:document>")
    assert bomb.stat().st_size < 2 * 1024 * 1024
    out = tmp_path / "报告.docx"
    proc = _cli("report", folder / ROLLUP, "--template", bomb, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "红头模板.docx" in proc.stderr
    assert not out.exists()


def test_mail_send_refuses_a_rollup_whose_summary_cannot_be_read(demo, tmp_path: Path) -> None:
    """Not taken for a hand-made roll-up and sent upward on guessed figures."""
    folder, _ = demo
    bad = far_cell(folder / ROLLUP, tmp_path / "汇总表.xlsx", "_sheetsync")
    proc = _cli("mail", "send", bad, "--master", folder / "示例县_任务分解表.xlsx", "--dry-run")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "汇总表.xlsx" in proc.stderr and "重新生成" in proc.stderr
    assert "写入发件箱" not in proc.stdout


def test_mail_send_refuses_a_hand_made_rollup_with_a_far_cell(demo, tmp_path: Path) -> None:
    """A roll-up made by hand is read by its headers, after the checks every return passes."""
    import openpyxl

    folder, _ = demo
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "总览"
    ws.append(["报送周期", "2026年第4季度"])
    ws.append(["应报单位数", 55])
    plain = tmp_path / "手工汇总.xlsx"
    wb.save(plain)
    bad = far_cell(plain, tmp_path / "手工汇总_远处.xlsx", "总览")
    master = folder / "示例县_任务分解表.xlsx"
    ok = _cli("mail", "send", plain, "--master", master, "--dry-run")
    assert ok.returncode == 0, ok.stderr
    proc = _cli("mail", "send", bad, "--master", master, "--dry-run")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "XFD1048576" in proc.stderr and "手工汇总_远处.xlsx" in proc.stderr


@pytest.mark.parametrize(("content", "reason"), [(b"", "文件为空"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
                                                 ("单位,得分\n".encode("gbk"), "不是 .xlsx 格式")])
def test_a_rollup_that_is_no_workbook_is_said_in_the_clerks_words(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "汇总表.xlsx"
    bad.write_bytes(content)
    proc = _cli("report", bad, "-o", tmp_path / "r.docx")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "汇总表.xlsx" in proc.stderr and reason in proc.stderr
    assert "EOCD" not in proc.stderr and "Cfb" not in proc.stderr  # no library text
