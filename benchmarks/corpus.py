"""Benchmark corpora: a master with N units × M tasks, split with the real ``split_master``,
and the returns filled in the way units fill them.

Why this shape: a city or province roll-up collects the same form from every unit, so every
task is assigned (through a group word, 各成员单位) to every unit and each return has exactly
M rows — N × M rows in the roll-up. The returns are the real split workbooks; filling them
through openpyxl would take longer than the merge being measured (3,000 files), so the empty
editable cells of the sheet XML are replaced directly. What the merge reads is therefore the
real template with real-looking Chinese text, numbers, typos and blanks.

Corpora are cached under ``benchmarks/corpus/<N>x<M>/`` (git-ignored); ``CORPUS_VERSION``
invalidates them when the generator changes.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

CORPUS_VERSION = 4  # 3: returns split by the XlsxWriter writer (shared strings, raw UTF-8); 4: template version 2 (task ids 100 to a metadata row)
ROOT = Path(__file__).resolve().parent / "corpus"
GROUP = "各成员单位"
PERIOD = "2026年第4季度"
AS_OF = date(2026, 12, 31)
ISSUED_AT = datetime(2026, 12, 1, 9, 0, 0)

_PLACES = "东西南北中青白红金银龙凤柳桃梅松竹石沙河湖山岭泉溪川原田林峰港湾岗坪坝桥塘营庄集店铺寨堡关岩洲渡"
_KINDS = ["镇", "乡", "街道", "发展和改革局", "教育局", "民政局", "财政局", "卫生健康局", "农业农村局", "交通运输局",
          "应急管理局", "自然资源局", "市场监督管理局", "司法局", "人民医院", "供电公司", "融媒体中心", "水利局"]
_NUM = "一二三四五六七八九十"
_VERBS = ["推进", "完善", "健全", "深化", "开展", "加强", "落实", "建设", "提升", "规范", "优化", "强化"]
_OBJECTS = ["基层治理网格化管理", "村(社区)便民服务", "矛盾纠纷排查化解", "农村人居环境整治", "安全隐患排查整治",
            "公共法律服务体系", "养老服务设施", "就业技能培训", "农村道路提档升级", "饮水安全保障", "新时代文明实践",
            "政务服务一窗通办", "食品药品安全监管", "信访工作法治化", "干部教育培训", "移风易俗工作", "舆情监测研判机制"]
_CONTENT = ["制定工作方案，明确责任分工和时间节点，建立月调度、季通报制度。",
            "梳理事项清单，厘清权责边界，清单向社会公开并动态调整。",
            "落实经费保障，纳入年度财政预算，确保专款专用、按期拨付。",
            "组织专题培训，分期分批覆盖全部工作人员，培训情况纳入年度考核。",
            "开展专项督查，对发现的问题建立台账，逐项整改销号。",
            "健全长效机制，总结推广典型经验做法，形成可复制的制度成果。"]
_DEADLINES = ["2026年3月底", "2026年6月30日", "2026年9月底", "2026年10月31日", "2026年11月30日", "2026年12月底",
              "长期坚持", "常态化", "总结评估阶段"]
_UNITS_OF_MEASURE = [("个", 12), ("人次", 1200), ("%", 95), ("场次", 40), ("公里", 85), ("处", 300)]
_PROGRESS_TEXT = ["已召开专题会议部署，制定工作台账，明确责任人和时间节点。",
                  "按计划推进，已完成阶段性任务，相关资料已归档。",
                  "已组织开展专项行动，覆盖全部村(社区)，群众满意度较高。",
                  "工作进展顺利，已形成初步成果，正在总结经验做法。",
                  "已与相关单位对接，联合开展工作，完成年度目标任务的大部分。"]
_PROBLEMS = ["无", "", "暂无", "资金到位较慢，影响部分项目进度。", "专业人员不足，需加强培训。",
             "=部分村(社区)场地不足", "基层人员流动大，业务衔接不够顺畅。"]
_NEXT = ["继续按计划推进，确保按期完成。", "加强督促指导，及时总结推广经验。", "争取资金支持，加快项目实施。"]
_PEOPLE = ["王丽", "张强", "李娜", "赵军", "陈静", "刘洋", "杨帆", "黄敏"]
_EDITABLE = "GHIJKLM"  # status, progress, value, progress_text, problems, next_steps, evidence


@dataclass
class Corpus:
    units: int
    rows: int
    folder: Path

    @property
    def master(self) -> Path:
        return self.folder / "master.xlsx"

    @property
    def outgoing(self) -> Path:
        return self.folder / "outgoing"

    @property
    def returns(self) -> Path:
        return self.folder / "returns"

    @property
    def name(self) -> str:
        return f"{self.units}x{self.rows}"


def unit_names(n: int) -> list[str]:
    """n distinct, plausible unit names (东河镇, 青石教育局 …)."""
    out: list[str] = []
    seen: set[str] = set()
    for k in range(n * 4):
        a = _PLACES[k % len(_PLACES)]
        b = _PLACES[(k // len(_PLACES) * 7 + k + 3) % len(_PLACES)]
        kind = _KINDS[(k // (len(_PLACES) ** 2) + k) % len(_KINDS)]
        name = f"{a}{b}{kind}" if a != b else f"{a}{kind}"
        if name not in seen:
            seen.add(name)
            out.append(name)
        if len(out) == n:
            return out
    raise ValueError(f"cannot make {n} unit names")


def make_master(n_units: int, n_rows: int, seed: int = 9):  # -> sheetsync.core.model.Master
    """A master where every one of ``n_rows`` tasks is assigned to all ``n_units`` units."""
    from sheetsync.core.model import Master, Task, Unit
    from sheetsync.demo import data as demo_data

    rng = random.Random(seed)
    units = [Unit(name=name, category="township", groups=[GROUP], contact=rng.choice(_PEOPLE),
                  phone=f"0000-86{1000 + i:05d}", email=f"u{i:05d}@bench.example")
             for i, name in enumerate(unit_names(n_units))]
    tasks = []
    for i in range(n_rows):
        sec, sub, k = i // 50, (i // 10) % 5, i % 10 + 1
        ident = f"{_NUM[sec % 10]}{'' if sec < 10 else sec // 10}.({_NUM[sub]}).{k}"
        title = f"{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}"
        uom, base = rng.choice(_UNITS_OF_MEASURE) if rng.random() < 0.5 else ("", None)
        tasks.append(Task(id=ident, title=title, content=rng.choice(_CONTENT) + rng.choice(_CONTENT), lead=GROUP,
                          deadline=rng.choice(_DEADLINES), indicator=f"{title}指标" if base else "",
                          target=float(base) if base else None, target_unit=uom))
    settings = dict(demo_data.settings(), region="示例市", plan="2026年基层治理能力提升行动实施方案（全市）",
                    period=PERIOD)
    return Master(tasks=tasks, units=units, phases=list(demo_data.PHASES), settings=settings)


def build(n_units: int, n_rows: int, *, root: Path = ROOT, seed: int = 9, log=print) -> Corpus:  # noqa: ANN001
    """The corpus N × M, built once and reused while ``CORPUS_VERSION`` matches."""
    c = Corpus(n_units, n_rows, root / f"{n_units}x{n_rows}")
    stamp = c.folder / "corpus.json"
    want = {"version": CORPUS_VERSION, "units": n_units, "rows": n_rows, "seed": seed}
    if stamp.exists() and json.loads(stamp.read_text()).get("version") == CORPUS_VERSION:
        return c
    if c.folder.exists():
        shutil.rmtree(c.folder)
    c.folder.mkdir(parents=True)
    from sheetsync.master.workbook import write_master
    from sheetsync.split.workbook import split_master

    t0 = time.perf_counter()
    write_master(make_master(n_units, n_rows, seed), c.master, lang="zh")
    from sheetsync.master.workbook import read_master

    # force: generated deadlines include phase words check flags; the split is what is measured
    res = split_master(read_master(c.master), c.outgoing, issued_at=ISSUED_AT, lang="zh", force=True)
    t1 = time.perf_counter()
    c.returns.mkdir()
    rng = random.Random(seed + 1)
    for i, wb in enumerate(res.workbooks):
        if i % 50 == 17:
            continue  # a unit that never replies: the roll-up has 未报送 gaps, as in real life
        dest = c.returns / wb.file.name
        fill_return(wb.file, dest, rng, messy=i % 23 == 2)
        ts = datetime(2026, 12, 15 + i % 10, 10, i % 60).timestamp()
        os.utime(dest, (ts, ts))
    t2 = time.perf_counter()
    log(f"  corpus {c.name}: master+split {t1 - t0:.1f}s, fill {t2 - t1:.1f}s")
    stamp.write_text(json.dumps(want))
    return c


_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"( s="\d+")?( t="n")?\s*(?:/>|></c>)')


def fill_return(src: Path, dest: Path, rng: random.Random, *, messy: bool = False) -> None:
    """Copy the split workbook ``src`` to ``dest`` with its editable cells filled in.

    Statuses, progress and values follow the demo's mix (45% done, some lagging, some blank
    rows, a reply beginning with "="); ``messy`` units type 完成 / ８０％ / 25个 instead.
    """
    with zipfile.ZipFile(src) as zin:
        sheet = zin.read("xl/worksheets/sheet1.xml").decode("utf-8")
        row_vals: dict[int, dict[str, object]] = {}

        def values_for(r: int) -> dict[str, object]:
            if r not in row_vals:
                row_vals[r] = _row_values(rng, messy)
            return row_vals[r]

        def sub(m: re.Match[str]) -> str:
            col, r, style = m.group(1), int(m.group(2)), m.group(3) or ""
            if r == 2:
                v: object = {"B": rng.choice(_PEOPLE), "E": f"138{rng.randint(10000000, 99999999)}",
                             "H": 46370 + rng.randint(0, 10)}.get(col)
            elif r >= 4 and col in _EDITABLE:
                v = values_for(r).get(col)
            else:
                v = None
            if v is None:
                return m.group(0)
            if isinstance(v, (int, float)):
                return f'<c r="{col}{r}"{style}><v>{v}</v></c>'
            return f'<c r="{col}{r}"{style} t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

        filled = _CELL.sub(sub, sheet)
        tmp = dest.with_suffix(".part")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = filled.encode("utf-8") if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info)
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(dest)


def _row_values(rng: random.Random, messy: bool) -> dict[str, object]:
    from sheetsync.demo.run import MESSY_STATUS, roll_status

    status, progress = roll_status(rng, 0.95)
    if status is None:
        return {}
    value: object = rng.randint(1, 300) if rng.random() < 0.5 else None
    if messy:
        status = MESSY_STATUS[status]
        progress = f"{progress}%" if progress else progress
        value = f"{value}个" if value is not None else None
    problem = rng.choice(_PROBLEMS)
    return {"G": status, "H": progress, "I": value, "J": rng.choice(_PROGRESS_TEXT), "K": problem or None,
            "L": rng.choice(_NEXT), "M": "见附件台账" if rng.random() < 0.3 else None}
