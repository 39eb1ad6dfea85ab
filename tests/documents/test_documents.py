"""The drafted 情况报告 and 通报: figures as officials write them, the content drawn from the roll-up,
the GB/T 9704 format read back from the .docx XML, and LibreOffice rendering the result."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from sheetsync.core.errors import SheetsyncError
from sheetsync.documents import compose, figures, gbt9704
from sheetsync.documents.source import Facts
from sheetsync.rollup.summary import SummaryDetail, SummaryGap, SummaryTask, SummaryUnit

# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(("value", "text"), [
    (6127, "6000余"), (134, "100余"), (18240, "1.8万余"), (473120, "47万余"), (40000, "4万"), (99, "99"),
    (6000, "6000"), (100, "100"), (9999, "9000余"), (10000, "1万"), (10050, "1万余"), (99999, "9.9万余"),
    (100000, "10万"), (3110000, "311万"), (12.5, "12.5"), (0, "0"), (833, "800余"),
])
def test_figures_as_officials_write_them(value: float, text: str) -> None:
    assert figures.approx(value) == text


def test_exact_mode_and_the_setting() -> None:
    assert figures.approx(6127, "精确") == "6127"
    assert figures.approx(18240.0, "精确") == "18240"
    assert figures.mode_of("") == "余" and figures.mode_of("余") == "余" and figures.mode_of(" 精确 ") == "精确"
    with pytest.raises(ValueError):
        figures.mode_of("大约")
    assert figures.with_unit(6127, "场次") == "6000余场次"
    assert figures.with_unit(95, "%") == "95%"
    assert figures.approx_en(473120) == "over 470,000" and figures.approx_en(40000) == "40,000"


def test_percentages_and_shares_that_total_100() -> None:
    got = figures.shares([17, 10, 24, 9, 162])
    assert got == [Decimal(x) for x in ("7.7", "4.5", "10.8", "4.1", "72.9")]
    assert sum(got) == Decimal("100.0")
    assert sum(figures.shares([1, 1, 1])) == Decimal("100.0")
    assert figures.percent(72.94) == "72.9%" and figures.percent(100.0) == "100%" and figures.rate(1, 3) == "33.3%"
    assert figures.rate(1, 0) == "0%"


# ---------------------------------------------------------------- compose, on small facts
def small_facts(**settings: str) -> Facts:
    """A county of six units and four tasks in two groups, written by hand so every number is known."""
    def unit(name: str, received: str = "", tasks: int = 1) -> SummaryUnit:
        return SummaryUnit(name, reported=bool(received), received_at=received, tasks=tasks)

    def task(id_: str, title: str, lead: str, status: str, **kw: object) -> SummaryTask:
        return SummaryTask(id_, title, lead, status=status, **kw)  # type: ignore[arg-type]

    def detail(id_: str, unit: str, role: str, status: str, progress: float, value: float, text: str,
               problems: str, nxt: str) -> SummaryDetail:
        return SummaryDetail(id_, unit, role, True, status, progress, value, text, problems, nxt)

    units = [unit("县林业局"), unit("县残联", "2026-12-27T10:00:00"), unit("县教育局", "2026-12-20T09:00:00", 2),
             unit("县民政局", "2026-12-21T09:00:00", 2), unit("城关镇"), unit("县财政局")]
    tasks = [
        task("一.(一).1", "开展宣讲活动", "县教育局", "done", value_sum=6127, target=6000, target_unit="场次",
             indicator="宣讲场次"),
        task("一.(一).2", "扩大受众覆盖", "县民政局", "in_progress", progress=80, value_sum=473120, target_unit="人",
             indicator="受众人数"),
        task("二.1", "提高签约率", "县民政局", "lagging", value_sum=150, target=90, target_unit="%", indicator="签约率"),
        task("二.2", "建设服务站", "县林业局", "in_progress", overdue=True),
    ]
    details = [
        detail("一.(一).1", "县教育局", "lead", "done", 100, 6127, "已组建宣讲团，深入基层开展宣讲。同时开展线上宣讲。",
               "资金到位较慢。", "继续推进。"),
        detail("一.(一).2", "县民政局", "lead", "in_progress", 80, 473120, "覆盖全部村（社区）", "无", "继续推进。"),
        detail("二.1", "县民政局", "lead", "lagging", 40, 75, "签约工作正在推进", "", "加强督导。"),
        detail("二.1", "县教育局", "co", "lagging", 40, 75, "配合开展", "", ""),
    ]
    gaps = [SummaryGap("problem", "medium", "一.(一).1", "开展宣讲活动", "县教育局", "资金到位较慢。"),
            SummaryGap("problem", "medium", "二.1", "提高签约率", "县残联", "资金到位较慢"),
            SummaryGap("problem", "medium", "二.1", "提高签约率", "县民政局", "专业人员不足"),
            SummaryGap("not_reported", "high", "", "", "县林业局", "")]
    headline = {"units_expected": 6, "units_reported": 3, "units_missing": 3, "tasks": 4, "done": 1,
                "in_progress": 1, "lagging": 1, "overdue": 1, "not_started": 0, "ongoing": 0, "not_reported": 0,
                "completion_rate": 25.0, "files": 3}
    base = {"office": "县委宣传部", "office_contact": "周明", "office_phone": "0000-8612345", **settings}
    due = None if base.get("due") == "" else date(2026, 12, 25)
    return Facts("示例县", "2026年理论宣讲实施方案", "2026年第4季度", date(2026, 12, 31), "2027-01-02 09:00:00",
                 headline, units, tasks, gaps, details, due, base)


def test_title_subject_and_addressee() -> None:
    f = small_facts()
    assert compose.subject(f) == "示例县理论宣讲"
    assert compose.title(f, "report", "zh") == "关于示例县理论宣讲2026年第4季度工作情况的报告"
    assert compose.title(f, "notice", "zh") == "关于示例县理论宣讲2026年第4季度报送情况的通报"
    assert compose.addressee(f, "report", "zh") == "【请补充：主送机关】："
    assert compose.addressee(f, "notice", "zh") == "各责任单位："
    assert compose.addressee(small_facts(addressee="县委、县政府"), "report", "zh") == "县委、县政府："


def test_lead_paragraph_counts() -> None:
    f = small_facts()
    c = compose.counts(f)
    assert (c.expected, c.reported, c.on_time, c.late, c.missing) == (6, 3, 2, 1, 3)
    text = compose.lead_paragraph(f, "report", "zh")
    assert text.startswith("按照《示例县2026年理论宣讲实施方案》要求，县委宣传部对2026年第4季度")
    assert "截至2026年12月31日，应报送单位6个，已报送3个（其中按时报送2个、逾期报送1个），未报送3个；" in text
    assert "4项任务中，已完成1项、推进中1项、滞后1项、逾期1项，完成率25%。" in text
    assert "长期坚持" not in text  # a status nobody has is left out


def test_without_a_due_date_on_time_is_not_claimed() -> None:
    f = small_facts(due="")
    assert not f.knows_due
    text = compose.lead_paragraph(f, "report", "zh")
    assert "应报送单位6个，已报送3个，未报送3个；" in text and "按时" not in text
    assert compose.reporting_sentence(f, "zh") == "县林业局、城关镇等3个单位未报送"
    notice = compose.compose_notice(f, when=date(2027, 1, 5), lang="zh").text()
    assert "按时报送" not in notice and "县残联、县教育局、县民政局已报送" in notice


def test_groups_and_items() -> None:
    f = small_facts()
    assert [compose.group_key(x) for x in ("一.(一).1", "四、(二)3", "1.2", "3", "（五）1")] == ["一", "四", "1", "3", "五"]
    assert [(k, [x.id for x in ts]) for k, ts in compose.task_groups(f)] == [
        ("一", ["一.(一).1", "一.(一).2"]), ("二", ["二.1", "二.2"])]
    assert compose.first_sentence("已组建宣讲团，深入基层开展宣讲。同时开展线上宣讲。") == "已组建宣讲团，深入基层开展宣讲"
    long = "按照" + "统筹推进、" * 30 + "完成。"
    assert len(compose.first_sentence(long)) <= compose.SENTENCE_LIMIT
    item = compose.task_item(f, f.tasks[0], "zh")
    assert item == "开展宣讲活动，县教育局已组建宣讲团，深入基层开展宣讲，宣讲场次累计6000余场次"
    assert compose.task_item(f, f.tasks[1], "zh").endswith("受众人数累计47万余人")
    # a rate is the lead's own value, never a sum over units
    assert compose.task_item(f, f.tasks[2], "zh").endswith("签约率达到75%")
    assert compose.task_item(f, f.tasks[3], "zh") is None  # the lead did not report
    part = compose.group_part(f, 1, "一", f.tasks[:2], {"一": "加强理论武装"}, "zh")
    assert part[0].kind == "h2" and part[0].text == "（一）加强理论武装"
    assert part[1].text.startswith("一是开展宣讲活动，") and "；二是扩大受众覆盖，" in part[1].text
    assert part[1].text.endswith("。")
    empty = compose.group_part(f, 2, "二", f.tasks[3:], None, "zh")
    assert empty[0].text == "（二）建设服务站等1项任务推进情况" and empty[1].text.startswith("【请补充：")


def test_exact_setting_reaches_the_items() -> None:
    f = small_facts(figures="精确")
    assert compose.task_item(f, f.tasks[0], "zh").endswith("宣讲场次累计6127场次")


def test_problems_named_the_plans_way() -> None:
    f = small_facts()
    assert compose.units_phrase(["县林业局", "县残联", "城关镇", "县财政局"], "zh") == "县林业局、县残联等4个单位"
    assert compose.units_phrase(["县林业局", "县残联"], "zh") == "县林业局、县残联"
    assert compose.reporting_sentence(f, "zh") == "县林业局、县残联等4个单位未按时报送"
    assert compose.problem_lines(f, "zh") == ["资金到位较慢（县教育局、县残联）", "专业人员不足（县民政局）"]
    assert compose.behind_sentence(f, "zh") == "“建设服务站”逾期未完成，“提高签约率”进度滞后"
    blocks = compose.problems_part(f, 2, "zh")
    assert blocks[0].text == "二、存在问题"
    assert blocks[1].text.startswith("一是县林业局、县残联等4个单位未按时报送；二是“建设服务站”逾期未完成")


def test_next_steps_closing_and_dates() -> None:
    f = small_facts()
    nxt = compose.next_steps_part(f, 3, "report", "zh")
    assert nxt[0].text == "三、下一步打算" and nxt[1].text.startswith("（一）加强统筹调度。")
    assert "各单位提出：继续推进" in nxt[1].text
    req = compose.next_steps_part(f, 4, "notice", "zh")
    assert req[0].text == "四、工作要求" and "县林业局、县残联、城关镇等4个单位要于【请补充：日期】前补报" in req[2].text
    end = compose.closing(f, "report", date(2026, 1, 5), "zh", ["任务推进情况表"])
    kinds = {b.kind: b.text for b in end}
    assert kinds["signature"] == "县委宣传部" and kinds["date"] == "2026年1月5日"
    assert kinds["note"] == "（联系人：周明，电话：0000-8612345）" and kinds["attachments"] == "附件：任务推进情况表"
    assert compose.doc_number("示县办[2026]3号") == "示县办〔2026〕3号" == compose.doc_number("示县办（2026）3号")
    assert compose.doc_date(small_facts(doc_date="2026-01-05")) == date(2026, 1, 5)
    # a date longer than the signature: two characters in, the signature moves left (starts 2 before it)
    assert gbt9704.signature_indents("县委宣传部", "2026年1月5日") == (5, 2)
    assert gbt9704.signature_indents("县委组织部基层治理办公室", "2027年1月5日") == (2, 6)


def test_report_draft_holds_the_facts_numbers_only() -> None:
    f = small_facts()
    draft = compose.compose_report(f, when=date(2027, 1, 5), lang="zh")
    text = draft.text()
    assert draft.blocks[0].text == "初稿"
    assert [b.text for b in draft.blocks if b.kind == "h1"] == ["一、工作进展情况", "二、存在问题", "三、下一步打算"]
    # every figure the prose gives is a fact written by figures.py
    for x in f.tasks:
        value = compose.task_value(f, x)
        if value is not None and compose.lead_detail(f, x):
            assert figures.with_unit(value, x.target_unit) in text
    assert "【请补充：经验做法、典型案例" in text
    assert draft.tables[0].rows[0][:5] == ["1", "一.(一).1", "开展宣讲活动", "县教育局", "已完成"]
    assert draft.tables[0].rows[3][4] == "推进中（逾期）" and draft.tables[0].rows[0][6] == "6127场次"


def test_english_draft_has_the_same_structure() -> None:
    f = small_facts()
    zh = compose.compose_report(f, when=date(2027, 1, 5), lang="zh")
    en = compose.compose_report(f, when=date(2027, 1, 5), lang="en")
    assert [b.kind for b in zh.blocks] == [b.kind for b in en.blocks]
    assert en.title == "Report on 示例县理论宣讲: progress in 2026年第4季度"
    assert en.blocks[0].text == "DRAFT" and "over 470,000" in en.text() and "5 January 2027" in en.text()
    assert [b.text for b in en.blocks if b.kind == "h1"] == ["I. Progress", "II. Problems", "III. Next steps"]
    zn = compose.compose_notice(f, when=date(2027, 1, 5), lang="zh")
    nn = compose.compose_notice(f, when=date(2027, 1, 5), lang="en")
    assert [b.kind for b in zn.blocks] == [b.kind for b in nn.blocks]


# ---------------------------------------------------------------- the docx, read back
def _xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def _east(run) -> str | None:  # type: ignore[no-untyped-def]
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_docx_format_is_gbt9704(tmp_path: Path) -> None:
    draft = compose.compose_report(small_facts(doc_number="示宣[2026]3号"), when=date(2027, 1, 5), lang="zh")
    out = gbt9704.render(draft, tmp_path / "报告.docx")
    doc = docx.Document(str(out))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.left_margin, s.right_margin, s.bottom_margin)] == [37, 28, 26, 35]
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and int(grid.get(qn("w:linePitch"))) == gbt9704.LINE_PITCH
    assert gbt9704.LINE_PITCH * 22 <= (297 - 37 - 35) / 25.4 * 1440 < (gbt9704.LINE_PITCH + 1) * 22  # 22 lines
    assert 28.5 < gbt9704.LINE_PITCH / 20 < 29.5  # about 29 pt
    # 28 characters of 16 pt, condensed, fit the 156 mm line; 29 would not
    pitch = 16 + gbt9704.CHAR_CONDENSE / 20
    assert 28 * pitch <= gbt9704.TEXT_WIDTH_PT < 29 * pitch
    styles = _xml(out, "word/styles.xml")
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)
    assert 'w:eastAsia="仿宋_GB2312"' in normal and '<w:sz w:val="32"/>' in normal
    assert f'<w:spacing w:val="{gbt9704.CHAR_CONDENSE}"/>' in normal
    assert 'w:lineRule="exact"' in normal
    by_text = {p.text: p for p in doc.paragraphs}
    title = by_text["关于示例县理论宣讲2026年第4季度工作情况的报告"]
    assert _east(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    assert title.alignment == 1  # centred
    assert _east(by_text["一、工作进展情况"].runs[0]) == "黑体"
    assert _east(next(p for p in doc.paragraphs if p.text.startswith("（一）")).runs[0]) == "楷体_GB2312"
    body = next(p for p in doc.paragraphs if p.text.startswith("按照"))
    assert _east(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32  # two characters
    assert "示宣〔2026〕3号" in by_text
    # placeholders are highlighted; the draft is marked 初稿
    ph = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("【请补充：")]
    assert ph and all(r.font.highlight_color == 7 for r in ph)  # WD_COLOR_INDEX.YELLOW
    assert doc.paragraphs[0].text == "初稿" and doc.core_properties.content_status == "初稿"
    # page numbers: — PAGE — in the odd (right) and even (left) footers
    settings = _xml(out, "word/settings.xml")
    assert "<w:evenAndOddHeaders" in settings
    for footer, align in ((s.footer, 2), (s.even_page_footer, 0)):
        xml = footer._element.xml
        assert "<w:instrText" in xml and " PAGE " in xml and 'w:fldCharType="begin"' in xml
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —") and p.alignment == align
        assert _east(p.runs[0]) == "宋体" and p.runs[0].font.size.pt == 14
    # the substitutes Word and WPS use when the office fonts are missing
    fonts = _xml(out, "word/fontTable.xml")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', fonts)
    # the attachment is a landscape page
    land = doc.sections[-1]
    assert land.page_width > land.page_height and len(doc.tables) == 1


def test_control_characters_from_returns_do_not_break_the_docx(tmp_path: Path) -> None:
    f = small_facts()
    f.details[0].progress_text = "已组建宣讲团\x0b，深入基层\x01开展宣讲。"
    out = gbt9704.render(compose.compose_report(f, when=date(2027, 1, 5), lang="zh"), tmp_path / "r.docx")
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "县教育局已组建宣讲团，深入基层开展宣讲" in text


def test_letterhead_template_is_filled(tmp_path: Path) -> None:
    tpl = docx.Document()
    tpl.add_paragraph("示例县委宣传部文件")
    tpl.add_paragraph("{发文字号}")
    tpl.add_paragraph("{正文}")
    tpl.add_paragraph("抄送：县委办公室。")
    tpl.save(str(tmp_path / "红头.docx"))
    draft = compose.compose_report(small_facts(doc_number="示宣[2026]3号"), when=date(2027, 1, 5), lang="zh")
    out = gbt9704.render(draft, tmp_path / "报告.docx", template=tmp_path / "红头.docx")
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[:2] == ["示例县委宣传部文件", "示宣〔2026〕3号"]
    assert "{正文}" not in texts and texts[-1] == "抄送：县委办公室。"
    assert texts.index("特此报告。") < texts.index("抄送：县委办公室。")


# ---------------------------------------------------------------- the 考核结果 workbook
def _assessment(path: Path, *, with_sheet: bool = True) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "得分" if with_sheet else "Sheet"
    ws.append(["2026年第4季度考核得分"])
    ws.append(["排名", "单位", "得分"])
    for i, (u, s) in enumerate([("县教育局", 98), ("县民政局", 95.5), ("县残联", 90), ("城关镇", 80), ("县林业局", 60)], 1):
        ws.append([i, u, s])
    d = wb.create_sheet("扣分明细")
    d.append(["单位", "扣分事由", "扣分"])
    d.append(["县林业局", "未报送", 20])
    d.append(["县林业局", "逾期未完成", 20])
    wb.save(path)
    return path


def test_notice_with_assessment(tmp_path: Path) -> None:
    from sheetsync.documents import draft_notice
    from sheetsync.documents.assessment import read_assessment

    a = read_assessment(_assessment(tmp_path / "考核结果.xlsx"))
    assert [(s.rank, s.unit, s.score) for s in a.scores][:2] == [(1, "县教育局", 98.0), (2, "县民政局", 95.5)]
    res = draft_notice("unused.xlsx", tmp_path / "通报.docx", facts=small_facts(), assessment=tmp_path / "考核结果.xlsx",
                       when=date(2027, 1, 5), lang="zh")
    text = res.draft.text()
    assert "红榜（得分居前）：县教育局（98）、县民政局（95.5）、县残联（90）。" in text
    assert "黑榜（得分居后）：城关镇、县林业局（未报送、逾期未完成）。" in text
    assert [tb.label for tb in res.draft.tables] == ["附件1", "附件2"]
    assert res.draft.tables[1].rows[-1] == ["5", "县林业局", "60", "未报送（-20）；逾期未完成（-20）"]
    assert "附件：1.2026年第4季度任务推进情况表" in text and "2.考核得分排名表" in text
    doc = docx.Document(str(res.output))
    assert len(doc.tables) == 2
    with pytest.raises(SheetsyncError, match="得分"):
        read_assessment(_assessment(tmp_path / "错.xlsx", with_sheet=False))


def test_notice_without_assessment_is_about_reporting() -> None:
    draft = compose.compose_notice(small_facts(), when=date(2027, 1, 5), lang="zh")
    heads = [b.text for b in draft.blocks if b.kind == "h1"]
    assert heads == ["一、报送情况", "二、任务推进情况", "三、工作要求"]
    reporting = draft.blocks[draft.blocks.index(next(b for b in draft.blocks if b.text == "一、报送情况")) + 1].text
    assert reporting == "一是县教育局、县民政局按时报送；二是县残联逾期报送；三是县林业局、城关镇、县财政局未报送。"


# ---------------------------------------------------------------- the demo, end to end
def _docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    cells = [c.text for tb in d.tables for row in tb.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_demo_drafts_match_the_rollup(demo, libreoffice, tmp_path: Path) -> None:
    from sheetsync.demo import data as demo_data
    from sheetsync.master.workbook import read_master
    from sheetsync.merge import status

    folder, _out = demo
    report = folder / "示例县_2026年第4季度_情况报告(初稿).docx"
    notice = folder / "示例县_2026年第4季度_通报(初稿).docx"
    assert report.exists() and notice.exists()
    master = read_master(folder / "示例县_任务分解表.xlsx")
    rollup = status(folder / "示例县_任务分解表.xlsx", as_of=demo_data.AS_OF, master=master)
    h = rollup.headline()
    text = _docx_text(report)
    assert f"应报送单位{h['units_expected']}个，已报送{h['units_reported']}个" in text
    assert f"未报送{h['units_missing']}个" in text
    assert f"{h['tasks']}项任务中，已完成{h['done']}项、推进中{h['in_progress']}项" in text
    assert f"完成率{figures.percent(h['completion_rate'])}" in text
    assert "截至2026年12月31日" in text and "2026年12月31日" in text
    assert "（一）强化基层组织建设" in text  # the plan's own section names in the demo
    # every summed 完成值 the prose gives equals the roll-up's, written by figures.py
    shown = 0
    for tl in rollup.tasks:
        if tl.value_sum is not None and tl.task.target_unit not in ("%",):
            lead = tl.rows.get(tl.lead)
            if lead is not None and lead.progress_text:
                assert f"{tl.task.indicator}累计{figures.with_unit(tl.value_sum, tl.task.target_unit)}" in text
                shown += 1
    assert shown >= 5
    missing = rollup.missing_units
    notice_text = _docx_text(notice)
    assert all(u in notice_text for u in missing)
    # the circular's 红榜/黑榜 are the ones `assess` decided (its 榜单 column), ranking attached
    import openpyxl

    wb = openpyxl.load_workbook(folder / "示例县_2026年第4季度_考核结果.xlsx", read_only=True)
    rows = list(wb["得分汇总"].iter_rows(values_only=True))
    col = {name: i for i, name in enumerate(rows[0])}
    red = [r[col["单位"]] for r in rows[1:] if r[col["榜单"]] == "红榜"]
    black = [r[col["单位"]] for r in rows[1:] if r[col["榜单"]] == "黑榜"]
    wb.close()
    assert red and black
    line = next(x for x in notice_text.splitlines() if x.startswith("红榜："))
    assert [u for u in red if u in line] == red and not any(u in line for u in black)
    assert "三、考核情况" in notice_text and "考核得分排名表" in notice_text
    # LibreOffice opens both; the PDF is A4 with the page number in the footer
    pdfs = libreoffice([report, notice], tmp_path)
    info = subprocess.run(["pdfinfo", str(pdfs[0])], capture_output=True, text=True).stdout
    assert "595.3" in info and "841.89" in info  # A4 in points
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 3
    first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdfs[0]), "-"], capture_output=True,
                           text=True).stdout
    assert re.search(r"—\s*1\s*—", first) and "初稿" in first
    body_lines = [x for x in first.splitlines() if x.strip()]
    assert len(body_lines) <= 22 + 6  # the grid's 22 lines, plus the mark, title and page number lines
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(pdfs[0]), str(png)], check=True)
    assert any(p.stat().st_size > 5000 for p in tmp_path.glob("page*.png"))


def test_cli_report_and_notice(demo, tmp_path: Path) -> None:
    folder, _out = demo
    env_py = [sys.executable, "-m", "sheetsync.cli"]
    rollup = folder / "示例县_2026年第4季度_汇总表.xlsx"
    master = folder / "示例县_任务分解表.xlsx"
    out = tmp_path / "报告.docx"
    proc = subprocess.run([*env_py, "report", str(rollup), "-o", str(out), "--master", str(master)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "已生成情况报告初稿" in proc.stdout and "待补充" in proc.stdout and out.exists()
    proc = subprocess.run([*env_py, "--lang", "en", "notice", str(rollup), "-o", str(tmp_path / "n.docx"),
                           "--master", str(master)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert docx.Document(str(tmp_path / "n.docx")).paragraphs[0].text == "DRAFT"
    # the same draft as the demo's (which reads the same stored summary); only the 成文日期 and the
    # group headings (the demo names the plan's sections) differ
    a = _docx_text(out).splitlines()
    b = _docx_text(folder / "示例县_2026年第4季度_情况报告(初稿).docx").splitlines()
    assert len(a) == len(b)
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    assert differ and all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", x) or x[:3] == y[:3] == x[:3].rstrip()
                          and x.startswith("（") and x.endswith("项任务推进情况") for x, y in differ), differ
    # without the master: drafted from the roll-up alone, saying what it cannot know
    proc = subprocess.run([*env_py, "report", str(rollup), "-o", str(tmp_path / "x.docx")], capture_output=True,
                          text=True)
    assert proc.returncode == 0 and "--master" in proc.stderr
    text = _docx_text(tmp_path / "x.docx")
    assert "按时报送" not in text and "【请补充：发文机关署名】" in text
    # a workbook that is not a sheetsync roll-up is refused, naming it
    proc = subprocess.run([*env_py, "report", str(master), "-o", str(tmp_path / "y.docx")], capture_output=True,
                          text=True)
    assert proc.returncode != 0 and master.name in proc.stderr and not (tmp_path / "y.docx").exists()


def test_bad_figures_setting_is_refused(tmp_path: Path) -> None:
    from sheetsync.documents import draft_report

    with pytest.raises(SheetsyncError, match="数字约写|Figures"):
        draft_report("unused.xlsx", tmp_path / "r.docx", facts=small_facts(figures="大概"), lang="zh")
    assert not (tmp_path / "r.docx").exists()


def test_mail_send_attaches_the_report(demo, tmp_path: Path) -> None:
    from email import message_from_bytes, policy

    folder, _out = demo
    report = folder / "示例县_2026年第4季度_情况报告(初稿).docx"
    proc = subprocess.run([sys.executable, "-m", "sheetsync.cli", "mail", "send",
                           str(folder / "示例县_2026年第4季度_汇总表.xlsx"), "--master", str(folder / "示例县_任务分解表.xlsx"),
                           "--to", "shiwei@shilixian.example", "--attach", str(report), "--dry-run",
                           "--outbox", str(tmp_path / "out"), "--db", str(tmp_path / "mail.db")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    (eml,) = (tmp_path / "out").rglob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    names = [a.get_filename() for a in msg.iter_attachments() if a.get_filename()]
    assert names == ["示例县_2026年第4季度_汇总表.xlsx", report.name]
    sent = next(a for a in msg.iter_attachments() if a.get_filename() == report.name)
    assert sent.get_content() == report.read_bytes()
