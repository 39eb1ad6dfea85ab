"""Returns as clerks really save them: opened, edited and saved by LibreOffice Calc itself.

Each case is a real return (split from the demo master) that LibreOffice opened, typed into,
rearranged and saved with its own filter (tests/lo_calc.py); the test reads it through the real
intake child and the returns reader and checks the values meant, or the finding at the cell.
县委组织部's return: tasks 一.(一).1, 一.(一).3, 一.(二).1, 一.(二).2 in rows 4–7; columns
A 任务编号 … G 完成状态, H 完成进度(%), I 完成值, J 进展情况, K 存在问题, L 下步计划, M 佐证材料;
row 2: A2 填报人 B2 input, D2 联系电话 E2 input, G2 填报日期 H2 input.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import soffice_path
from helpers.lo_calc import Calc, Edit
from helpers.robustness_county import issue
from sheetsync.core.units import UnitRegistry, assignments
from sheetsync.intake import WorkbookData, read_workbook
from sheetsync.master.workbook import read_master
from sheetsync.returns.read import ParsedReturn, parse_return

UNIT = "县委组织部"
PERIOD = "2026年第4季度"
T1, T2, T3, T4 = "一.(一).1", "一.(一).3", "一.(二).1", "一.(二).2"


def _cases(base: Path, other: Path, out: Path) -> list[Edit]:
    def e(name: str, fmt: str = "xlsx", src: Path = base) -> Edit:
        return Edit(src, out / f"{name}.{fmt}", fmt)

    return [
        # the ordinary return: typed as a clerk types
        e("plain").type("G4", "已完成").type("H4", "100").type("J4", "已召开会议3次")
        .type("G5", "推进中").type("H5", "60").type("B2", "李四").type("E2", "0571-1234567")
        .type("H2", "2026-12-20").type("K4", "无"),
        # percent cells: typed "100%" and "45%" (Calc stores 1 and 0.45 formatted as percent)
        e("percent").type("G4", "已完成").type("H4", "100%").type("G5", "推进中").type("H5", "45%")
        .type("G6", "推进中").type("H6", "0.5%"),
        e("percent-xls", "xls").type("G4", "已完成").type("H4", "100%").type("G5", "已完成").type("H5", "100%")
        .type("G6", "推进中").type("H6", "45%"),
        # magnitude words and Chinese numerals in 完成值
        e("magnitude").type("I4", "12.5万").type("I5", "1.2万人次").type("I6", "十二").type("I7", "两期"),
        # "no problem" phrasings
        e("no-problem").type("K4", "无明显问题").type("K5", "暂未发现问题。").type("K6", "——")
        .type("K7", "目前资金缺口较大"),
        # status words people use
        e("status-words").type("G4", "已完成✓").type("G5", "按序时推进").type("G6", "完成了").type("G7", "差不多吧"),
        # input fields: a column inserted before B, the phone left empty
        e("fields-moved").unprotect().insert_column(1).type("C2", "王五").type("I2", "2026-12-18")
        .type("I5", "50"),
        # the 任务编号 column deleted
        e("no-id-column").unprotect().delete_column(0).type("F4", "已完成").type("F5", "推进中").type("G5", "30"),
        # a free-text cell merged over two task rows
        e("merged-text").unprotect().type("J4", "两项任务合并推进，已完成方案").merge("J4:J5").type("G4", "推进中")
        .type("G5", "推进中"),
        # the same, saved as .xls (WPS, old Excel): BIFF keeps the merge too
        e("merged-text-xls", "xls").unprotect().type("J4", "两项任务合并推进，已完成方案").merge("J4:J5")
        .type("G4", "推进中").type("G5", "推进中"),
        # a row pasted one column off: the status lands in 完成进度
        e("shifted-row").type("H6", "推进中").type("I6", "50").type("J6", "已开展培训").type("G4", "已完成"),
        # 县委编办's return filled and renamed by 组织部 (metadata says 编办)
        e("组织部-2026年第4季度", src=other).type("G4", "推进中").type("H4", "50"),
        # a filled copy of the sheet beside the untouched original
        e("filled-copy").copy_sheet("填报 (2)", 1).type("G4", "已完成", sheet=1).type("G5", "推进中", sheet=1)
        .type("H5", "70", sheet=1),
    ]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory):
    exe = soffice_path()
    if exe is None:
        pytest.skip("LibreOffice (soffice) not installed")
    folder = tmp_path_factory.mktemp("real")
    issued = issue(folder)
    calc = Calc(exe)
    try:
        edits = _cases(issued.files[UNIT], issued.files["县委编办"], folder / "saved")
        calc.run(edits)
    finally:
        calc.close()
    master = read_master(issued.master)
    return master, {e.dst.stem: e.dst for e in edits}


def parsed(saved, name: str) -> ParsedReturn:
    master, files = saved
    data = read_workbook(files[name])
    assert isinstance(data, WorkbookData), getattr(data, "findings", data)
    reg = UnitRegistry(master.units, master.region)
    return parse_return(data, master, reg, assignments(master.tasks, reg), period=PERIOD)


def rows(p: ParsedReturn) -> dict:
    return {r.task_id: r for r in p.rows}


def codes(p: ParsedReturn) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in p.findings:
        out.setdefault(f.code, []).append(f.cell)
    return out


def test_plain_edit_reads_every_value(saved) -> None:
    p = parsed(saved, "plain")
    assert p.unit == UNIT and not p.rejected and p.outcome == "accepted"
    got = rows(p)
    assert (got[T1].status, got[T1].progress, got[T1].progress_text, got[T1].has_problem) == ("done", 100.0, "已召开会议3次", False)
    assert (got[T2].status, got[T2].progress) == ("in_progress", 60.0)
    assert p.fields == {"reporter": "李四", "phone": "0571-1234567", "report_date": "2026-12-20"}


def test_percent_cells_read_through_their_format(saved) -> None:
    got = rows(parsed(saved, "percent"))
    # typed 100%, 45%, 0.5%: Calc stores 1, 0.45, 0.005 formatted as percent
    assert [got[t].progress for t in (T1, T2, T3)] == [100.0, 45.0, 0.5]


def test_percent_lost_in_xls_is_flagged(saved) -> None:
    p = parsed(saved, "percent-xls")  # BIFF: no formats read, two rows 已完成 with 1
    got = rows(p)
    assert got[T3].progress == 45.0
    fr = [f for f in p.findings if f.code == "progress-fraction"]
    assert len(fr) == 1 and fr[0].severity == "warning" and fr[0].cell == "H4" and "H5" in fr[0].message


def test_magnitude_words_and_chinese_numerals(saved) -> None:
    got = rows(parsed(saved, "magnitude"))
    assert [got[t].value for t in (T1, T2, T3, T4)] == [125000.0, 12000.0, 12.0, 2.0]


def test_no_problem_phrasings_are_no_problem(saved) -> None:
    got = rows(parsed(saved, "no-problem"))
    assert [got[t].has_problem for t in (T1, T2, T3, T4)] == [False, False, False, True]
    assert got[T2].problems == "暂未发现问题。"  # the text itself is kept as typed


def test_status_words_mapped_or_flagged(saved) -> None:
    p = parsed(saved, "status-words")
    got = rows(p)
    assert [got[t].status for t in (T1, T2, T3, T4)] == ["done", "in_progress", "done", None]
    assert codes(p)["bad-status"] == ["G7"] and codes(p)["normalised"] == ["G4", "G5", "G6"]


def test_input_fields_found_beside_their_moved_labels(saved) -> None:
    p = parsed(saved, "fields-moved")  # column inserted before B; the phone left empty
    assert p.fields == {"reporter": "王五", "phone": "", "report_date": "2026-12-18"}
    assert rows(p)[T2].progress == 50.0


def test_untouched_fields_stay_empty_never_a_label(saved) -> None:
    assert parsed(saved, "percent").fields == {"reporter": "", "phone": "", "report_date": ""}


def test_deleted_id_column_read_in_issued_order(saved) -> None:
    p = parsed(saved, "no-id-column")
    assert not p.rejected and codes(p)["ids-from-order"]
    got = rows(p)
    assert (got[T1].status, got[T2].status, got[T2].progress) == ("done", "in_progress", 30.0)


def test_merged_free_text_belongs_to_each_row_and_is_named(saved) -> None:
    p = parsed(saved, "merged-text")
    got = rows(p)
    assert got[T1].progress_text == got[T2].progress_text == "两项任务合并推进，已完成方案"
    assert codes(p)["merged-cells"] == ["J4:J5"]


def test_merged_free_text_in_an_xls_is_read_as_in_an_xlsx(saved) -> None:
    """Before .xls merges were read, the lower row of the merge was silently blank."""
    p = parsed(saved, "merged-text-xls")
    got = rows(p)
    assert got[T1].progress_text == got[T2].progress_text == "两项任务合并推进，已完成方案"
    assert codes(p)["merged-cells"] == ["J4:J5"]


def test_row_pasted_one_column_off_is_held_back(saved) -> None:
    p = parsed(saved, "shifted-row")
    got = rows(p)
    assert codes(p)["row-shifted"] == ["H6"]
    assert (got[T3].status, got[T3].progress, got[T3].value, got[T3].progress_text) == (None, None, None, "")
    assert got[T3].unread == "H6" and not got[T3].blank  # not a silent "left blank" either
    assert got[T1].status == "done"


def test_another_units_workbook_is_said_so(saved) -> None:
    p = parsed(saved, "组织部-2026年第4季度")  # 编办's workbook, filled and renamed by 组织部
    assert p.unit == "县委编办" and p.other_unit == UNIT
    f = [x for x in p.findings if x.code == "other-unit-named"]
    assert len(f) == 1 and f[0].severity == "warning" and UNIT in f[0].message
    assert ParsedReturn.from_json(p.to_json()).other_unit == UNIT
    assert parsed(saved, "plain").other_unit == ""


def test_filled_copy_preferred_over_untouched_original(saved) -> None:
    p = parsed(saved, "filled-copy")
    assert p.sheet == "填报 (2)" and codes(p)["several-tables"]
    got = rows(p)
    assert (got[T1].status, got[T2].progress) == ("done", 70.0)
