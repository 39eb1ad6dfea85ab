"""Property: for any set of returns, every returned row appears exactly once in 汇总明细 and
nothing else does — whatever the units did to row order, which rows they kept and what they typed."""

from __future__ import annotations

import itertools
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import sheet_rows
from sheetsync.core.model import Master, Task, Unit
from sheetsync.master.workbook import write_master
from sheetsync.merge import merge_returns
from sheetsync.split.workbook import split_master

WORK = Path(tempfile.mkdtemp(prefix="sheetsync-prop-"))
UNITS = ["甲局", "乙局", "丙镇"]
MASTER = Master(
    tasks=[Task("1", "任务一", lead="甲局", co_units=["乙局"]), Task("2", "任务二", lead="乙局", co_units=["各乡镇(街道)"]),
           Task("3", "任务三", lead="丙镇"), Task("4", "任务四", lead="甲局", co_units=["乙局", "丙镇"], target=5)],
    units=[Unit("甲局", category="government"), Unit("乙局", category="government"),
           Unit("丙镇", category="township", groups=["各乡镇(街道)"])],
    settings={"region": "示例县", "plan": "测试方案", "period": "2026年第4季度"},
)
MASTER_PATH = write_master(MASTER, WORK / "master.xlsx")
ISSUED = {w.unit: w.file for w in split_master(MASTER, WORK / "out", issued_at=datetime(2026, 12, 1)).workbooks}
COUNTER = itertools.count()

text = st.text(alphabet="任务进展完成问题无=+-@ab1，。", max_size=12)
row = st.fixed_dictionaries({
    "keep": st.booleans(),
    "status": st.sampled_from([None, "已完成", "推进中", "滞后", "完成", "未启动", "乱写"]),
    "progress": st.sampled_from([None, 0, 35, 100, "80%", 0.5, "abc"]),
    "text": text,
    "problem": text,
})
unit_return = st.one_of(st.none(), st.tuples(st.lists(row, min_size=4, max_size=4), st.randoms(use_true_random=False)))


def write_return(unit: str, rows: list[dict], rnd, dest: Path) -> list[tuple[str, str]]:
    wb = openpyxl.load_workbook(ISSUED[unit])
    ws = wb["填报"]
    issued = [[c.value for c in r] for r in ws.iter_rows(min_row=4) if r[0].value]
    kept = [(vals, spec) for vals, spec in zip(issued, rows) if spec["keep"]]
    rnd.shuffle(kept)
    for r in range(4, ws.max_row + 1):
        for c in range(1, 14):
            ws.cell(row=r, column=c).value = None
    expected = []
    for i, (vals, spec) in enumerate(kept):
        r = 4 + i
        for c, v in enumerate(vals[:6], start=1):
            ws.cell(row=r, column=c).value = v
        for c, v in ((7, spec["status"]), (8, spec["progress"]), (10, spec["text"]), (11, spec["problem"])):
            cell = ws.cell(row=r, column=c)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"
        expected.append((str(vals[0]), unit, spec["text"].strip(), spec["problem"].strip()))
    wb.save(dest)
    return expected


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({u: unit_return for u in UNITS}))
def test_every_returned_row_exactly_once(returns: dict) -> None:
    case = WORK / f"case{next(COUNTER)}"
    (case / "in").mkdir(parents=True)
    expected = []
    for unit, spec in returns.items():
        if spec is None:
            continue
        rows, rnd = spec
        expected += write_return(unit, rows, rnd, case / "in" / f"{unit}.xlsx")
    out = case / "rollup.xlsx"
    res = merge_returns(MASTER_PATH, [case / "in"], out, as_of=date(2026, 12, 31), ledger_path=case / "l.db")
    # a unit that kept no row still sent its file: accepted, with every task missing
    assert all(f.outcome != "rejected" for f in res.files), [f.findings for f in res.files]
    details = sheet_rows(out, "汇总明细")[1:]
    got = [(str(r[0]), r[2], (r[7] or "").strip() if isinstance(r[7], str) else str(r[7] or ""),
            (r[8] or "").strip() if isinstance(r[8], str) else str(r[8] or "")) for r in details]
    assert sorted(got) == sorted(expected)
