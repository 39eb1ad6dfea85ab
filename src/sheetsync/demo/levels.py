"""The demo's three levels: villages → 城关镇 → 平安县 → 示例市, each step one library call
(the same as one command): derive, split, merge, export-return.

A fictional city 示例市 issues the demo county's plan to its three counties; 平安县's master is
derived from the city's (``sheetsync derive``) and completed with the demo county's 58 units; 城关镇's master is
derived from the county's, given 12 villages (two of which do not report) and one task split in
two (一.(一).2-1, -2). Each roll-up is written into the very return the level above issued
(``sheetsync export-return``), so the 10/12 coverage of 城关镇 reaches the county and the city.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core.model import Master, Task, Unit
from sheetsync.demo import data as demo_data
from sheetsync.i18n import get_lang, t

CITY = "示例市"
COUNTIES = ("平安县", "东山县", "西岭县")  # not 示例县: a unit name starting 示例 reads as an example row
TOWNSHIP = "城关镇"
VILLAGES = ("东关村", "西关村", "南街社区", "北街社区", "河口村", "柳树村", "石桥村", "杏花村", "新民村", "红星村",
            "前进村", "和平社区")
SILENT_VILLAGES = ("前进村", "和平社区")  # 10 of 12 report
VILLAGE_GROUP = "各村(社区)"
COUNTY_GROUP = "各县(区)"
SPLIT_TASK = "一.(一).2"  # 城关镇 splits it into -1 (its villages) and -2 (two of them)
ISSUED_AT = datetime(2026, 12, 1, 9, 0)


@dataclass
class LevelsResult:
    folder: Path
    paths: dict[str, Path] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)


def city_master() -> Master:
    """示例市's master: the county plan's tasks, each led by 各县(区)."""
    units = [Unit(name=c, category="government", groups=[COUNTY_GROUP], email=f"c{i}@{demo_data.MAIL_DOMAIN}")
             for i, c in enumerate(COUNTIES)]
    tasks = [Task(id=tk.id, title=tk.title, content=tk.content, lead=COUNTY_GROUP, deadline=tk.deadline,
                  indicator=tk.indicator, target=(tk.target * 3 if tk.target is not None and tk.target_unit != "%"
                                                  else tk.target), target_unit=tk.target_unit)
             for tk in demo_data.tasks()]
    settings = {**demo_data.settings(), "region": CITY, "office": "市委组织部基层治理办公室"}
    return Master(tasks=tasks, units=units, phases=list(demo_data.PHASES), settings=settings)


def complete_county(derived: Master) -> Master:
    """What the county's clerk does after ``derive``: its own 单位 sheet and lead/co-units (the demo county's)."""
    own = {tk.id: tk for tk in demo_data.tasks()}
    for tk in derived.tasks:
        src = own[tk.id]
        tk.lead, tk.co_units, tk.target = src.lead, list(src.co_units), src.target
    derived.units = demo_data.units()
    kept = ("region", "office", "lead_days", "progress_mode")
    derived.settings = {**demo_data.settings(), **{k: v for k, v in derived.settings.items() if k in kept}}
    return derived


def complete_township(derived: Master) -> Master:
    """What 城关镇's clerk does after ``derive``: 12 villages, each task led by 各村(社区), one task split."""
    derived.units = [Unit(name=v, category="other", groups=[VILLAGE_GROUP], email=f"v{i}@{demo_data.MAIL_DOMAIN}")
                     for i, v in enumerate(VILLAGES)]
    tasks: list[Task] = []
    for tk in derived.tasks:
        tk.lead, tk.co_units = VILLAGE_GROUP, []
        if tk.target is not None and tk.target_unit != "%":
            tk.target = max(1.0, round(tk.target / 12))
        if tk.id == SPLIT_TASK:
            a = Task(**{**tk.__dict__, "id": f"{tk.id}-1", "title": tk.title + "（村级清单）"})
            b = Task(**{**tk.__dict__, "id": f"{tk.id}-2", "title": tk.title + "（社区清单）", "lead": VILLAGES[2],
                        "co_units": [VILLAGES[3]]})
            a.lead = "、".join(v for v in VILLAGES if v not in (VILLAGES[2], VILLAGES[3]))
            tasks += [a, b]
        else:
            tasks.append(tk)
    derived.tasks = tasks
    derived.settings["region"] = TOWNSHIP
    return derived


def fill_returns(workbooks: list[Any], outdir: Path, *, skip: tuple[str, ...] = (), seed: int = 7) -> list[Path]:
    """Fill the units' workbooks as units do (demo.run's filler) into ``outdir``; ``skip`` send nothing."""
    import openpyxl

    from sheetsync.demo.run import _fill

    rng = random.Random(seed)
    outdir.mkdir(parents=True, exist_ok=True)
    out = []
    for wb_info in workbooks:
        if wb_info.unit in skip:
            continue
        wb = openpyxl.load_workbook(wb_info.file)
        _fill(wb.worksheets[0], rng, messy=False, late_lagging=False)
        target = outdir / wb_info.file.name
        wb.save(target)
        out.append(target)
    return out


def build_levels(folder: str | Path, *, lang: str | None = None, say: Any = None) -> LevelsResult:
    """Villages → township → county → city in ``folder``; every step is one library call."""
    from sheetsync.levels import derive_master, export_return
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.merge import merge_returns
    from sheetsync.split.workbook import split_master

    lang = lang or get_lang()
    say = say or (lambda s: None)
    folder = Path(folder)
    res = LevelsResult(folder)
    city_dir, county_dir, town_dir = (folder / CITY, folder / COUNTIES[0], folder / TOWNSHIP)
    for d in (city_dir, county_dir, town_dir):
        d.mkdir(parents=True, exist_ok=True)
    as_of = demo_data.AS_OF

    # the city: its master and the returns it issues to its counties
    city_path = write_master(city_master(), city_dir / f"{CITY}_任务分解表.xlsx", lang=lang)
    city_split = split_master(read_master(city_path), city_dir / "下发填报表", issued_at=ISSUED_AT, lang=lang)
    city_returns = city_dir / "回收文件"
    fill_returns([w for w in city_split.workbooks if w.unit != COUNTIES[0]], city_returns, seed=11)

    # the county: derived from the city (sheetsync derive), completed by its clerk, split to its units
    county_path = county_dir / f"{COUNTIES[0]}_任务分解表.xlsx"
    derive_master(city_path, COUNTIES[0], county_path, lang=lang, derived_at=ISSUED_AT)
    write_master(complete_county(read_master(county_path)), county_path, lang=lang)
    county_split = split_master(read_master(county_path), county_dir / "下发填报表", issued_at=ISSUED_AT, lang=lang)
    county_returns = county_dir / "回收文件"
    fill_returns([w for w in county_split.workbooks if w.unit != TOWNSHIP], county_returns, skip=("县信访局",), seed=12)

    # the township: derived from the county, 12 villages, split, 10 return, merged
    town_path = town_dir / f"{TOWNSHIP}_任务分解表.xlsx"
    derive_master(county_path, TOWNSHIP, town_path, lang=lang, derived_at=ISSUED_AT)
    write_master(complete_township(read_master(town_path)), town_path, lang=lang)
    town_split = split_master(read_master(town_path), town_dir / "下发填报表", issued_at=ISSUED_AT, lang=lang)
    town_returns = town_dir / "回收文件"
    fill_returns(town_split.workbooks, town_returns, skip=SILENT_VILLAGES, seed=13)
    town_rollup = town_dir / f"{TOWNSHIP}_汇总表.xlsx"
    res.results["township"] = merge_returns(town_path, [town_returns], town_rollup, as_of=as_of, lang=lang)
    res.summary.append(t("demo.step.levels_merged", lang=lang, level=TOWNSHIP, n=len(town_split.workbooks),
                         reported=len(town_split.workbooks) - len(SILENT_VILLAGES)))
    say(res.summary[-1])

    # up: the township's roll-up into the return the county issued to it, then the county's merge
    issued = next(w.file for w in county_split.workbooks if w.unit == TOWNSHIP)
    res.results["township_export"] = export_return(town_rollup, issued, county_returns, lang=lang)
    county_rollup = county_dir / f"{COUNTIES[0]}_汇总表.xlsx"
    res.results["county"] = merge_returns(county_path, [county_returns], county_rollup, as_of=as_of, lang=lang)
    issued = next(w.file for w in city_split.workbooks if w.unit == COUNTIES[0])
    res.results["county_export"] = export_return(county_rollup, issued, city_returns, lang=lang)
    city_rollup = city_dir / f"{CITY}_汇总表.xlsx"
    res.results["city"] = merge_returns(city_path, [city_returns], city_rollup, as_of=as_of, lang=lang)
    res.summary.append(t("demo.step.levels_up", lang=lang, township=TOWNSHIP, county=COUNTIES[0], city=CITY))
    say(res.summary[-1])
    res.paths.update(city_master=city_path, county_master=county_path, township_master=town_path,
                     township_rollup=town_rollup, county_rollup=county_rollup, city_rollup=city_rollup,
                     township_return=res.results["township_export"].output,
                     county_return=res.results["county_export"].output,
                     township_returns=town_returns, county_returns=county_returns, city_returns=city_returns,
                     township_outgoing=town_split.outdir, county_outgoing=county_split.outdir,
                     city_outgoing=city_split.outdir)
    return res
