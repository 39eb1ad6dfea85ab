"""The demo: the fictional 示例县 through the whole loop, in a folder the user can open.

It is the README's main command and a smoke test of every stage: master → check → split →
simulated returns (on time, missing, resubmitted, messy typing, a corrupt file, an email) →
merge → roll-up → messages in an outbox. Deterministic: the same folder gives the same files.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from sheetsync.demo import data as demo_data
from sheetsync.i18n import get_lang, t

ISSUED_AT = datetime(2026, 12, 1, 9, 0, 0)


MARKER = ".sheetsync-demo"  # written first into a demo folder: a later run may overwrite it


def claim_folder(folder: Path) -> None:
    """Make ``folder`` the demo's, refusing one that holds anything the demo did not write.

    Why: the demo writes a master, a ledger (sheetsync.db), an archive and dozens of workbooks
    under fixed names; pointed at a clerk's real project folder it replaced their files without a
    word. An empty or new folder, or one an earlier demo wrote (its marker, or its plan document
    from before the marker existed), is used; anything else is refused naming what is there."""
    from sheetsync.core.errors import SheetsyncError
    from sheetsync.core.outputs import make_folder

    make_folder(folder)
    entries = sorted(p.name for p in folder.iterdir())
    ours = {MARKER, t("demo.file.plan", lang="zh"), t("demo.file.plan", lang="en")}
    if entries and not ours & set(entries):
        shown = "、".join(entries[:5]) + ("…" if len(entries) > 5 else "")
        raise SheetsyncError(t("demo.folder_not_empty", folder=str(folder), n=len(entries), entries=shown),
                             file=str(folder), hint=t("demo.folder_not_empty_hint"))
    (folder / MARKER).write_text("sheetsync demo\n", encoding="utf-8")


@dataclass
class DemoResult:
    folder: Path
    artefacts: list[tuple[str, Path]] = field(default_factory=list)  # (label key, path)
    summary: list[str] = field(default_factory=list)
    merge: Any = None

    def add(self, key: str, path: Path) -> None:
        self.artefacts.append((key, path))


def build_demo(folder: str | Path, *, lang: str | None = None, echo: Callable[[str], None] | None = None) -> DemoResult:
    """Build the demo county in ``folder`` and run every stage on it."""
    from sheetsync.ledger import default_path
    from sheetsync.master.check import annotate_master, check_master
    from sheetsync.master.workbook import read_master, write_master
    from sheetsync.merge import merge_returns
    from sheetsync.split.workbook import split_master

    lang = lang or get_lang()
    say = echo or (lambda s: None)
    folder = Path(folder)
    claim_folder(folder)
    res = DemoResult(folder)

    # 0. the plan as published (.docx), imported into a master using the county's unit list
    from sheetsync.core.model import Master
    from sheetsync.plan import import_plan

    plan = demo_data.write_plan_docx(folder / t("demo.file.plan", lang=lang))
    imported = import_plan(plan, existing=Master(units=demo_data.units(), settings=demo_data.settings()))
    imported_path = folder / t("demo.file.imported", lang=lang)
    write_master(imported.master, imported_path, lang=lang)
    res.add("demo.artefact.plan", plan)
    res.add("demo.artefact.imported", imported_path)
    res.summary.append(t("demo.step.import", lang=lang, tasks=len(imported.master.tasks),
                         phases=len(imported.master.phases)))
    say(res.summary[-1])

    # 1. the master staff keep (the imported tasks plus indicators and targets filled in), and a
    #    copy with the mistakes staff make
    master_path = folder / t("demo.file.master", lang=lang)
    write_master(demo_data.master(), master_path, lang=lang)
    res.add("demo.artefact.master", master_path)
    flawed = folder / t("demo.file.flawed", lang=lang)
    write_master(demo_data.master_with_mistakes(), flawed, lang=lang)
    findings = check_master(read_master(flawed))
    annotated = folder / t("demo.file.annotated", lang=lang)
    annotate_master(flawed, annotated, findings)
    res.add("demo.artefact.flawed", flawed)
    res.add("demo.artefact.annotated", annotated)
    errors = sum(f.severity == "error" for f in findings)
    res.summary.append(t("demo.step.check", lang=lang, errors=errors, warnings=sum(f.severity == "warning" for f in findings),
                         codes="、".join(sorted({f.code for f in findings if f.severity != "info"}))))
    say(res.summary[-1])

    # 1b. the year's reporting calendar (a copy of the master), and the quarter before this one
    #     run through split and merge into the same ledger, so this quarter has a trend
    from sheetsync.demo.calendar import previous_quarter, write_calendar

    calendar_path, n_periods = write_calendar(master_path, folder, lang=lang)
    res.add("demo.artefact.calendar", calendar_path)
    res.summary.append(t("demo.step.calendar", lang=lang, n=n_periods))
    say(res.summary[-1])
    ledger = default_path(master_path)
    if ledger.exists():
        ledger.unlink()
    import shutil

    shutil.rmtree(folder / "sheetsync-archive", ignore_errors=True)
    earlier = previous_quarter(master_path, folder, ledger, lang=lang)
    res.add("demo.artefact.previous", earlier.rollup.parent)
    res.summary.append(t("demo.step.previous", lang=lang, period=earlier.period, due=earlier.due, sent=earlier.sent,
                         late=earlier.late, missing=earlier.missing))
    say(res.summary[-1])

    # 2. split
    master = read_master(master_path)
    outdir = folder / t("demo.dir.outgoing", lang=lang)
    split = split_master(master, outdir, issued_at=ISSUED_AT, lang=lang)
    res.add("demo.artefact.outgoing", outdir)
    res.summary.append(t("demo.step.split", lang=lang, n=len(split.workbooks), none=len(split.units_without_tasks)))
    say(res.summary[-1])

    # 3. returns, as units would send them
    returns_dir = folder / t("demo.dir.returns", lang=lang)
    story = simulate_returns(split.workbooks, returns_dir, seed=2026, lang=lang)
    res.add("demo.artefact.returns", returns_dir)
    res.summary.append(t("demo.step.returns", lang=lang, **story))
    say(res.summary[-1])

    # 4. merge
    rollup_path = folder / t("demo.file.rollup", lang=lang)
    result = merge_returns(master_path, [returns_dir], rollup_path, as_of=demo_data.AS_OF, ledger_path=ledger, lang=lang)
    res.merge = result
    res.add("demo.artefact.rollup", rollup_path)
    res.add("demo.artefact.ledger", ledger)
    h = result.rollup.headline()
    res.summary.append(t("merge.summary", lang=lang, period=result.period, expected=h["units_expected"],
                         reported=h["units_reported"], missing=h["units_missing"], tasks=h["tasks"], done=h["done"],
                         overdue=h["overdue"], lagging=h["lagging"], gaps=len(result.rollup.gaps)))
    say(res.summary[-1])

    # 5. mail, to an outbox (the demo configures no server, so every message is a dry run)
    outbox = folder / t("demo.dir.outbox", lang=lang)
    n = demo_mail(master, split, rollup_path, outbox, ledger=ledger, period=result.period)
    res.add("demo.artefact.outbox", outbox)
    res.summary.append(t("demo.step.mail", lang=lang, n=n))
    say(res.summary[-1])

    # 6. 考核: score and rank the units from the ledger
    from sheetsync.assess import assess_units

    scored = assess_units(master_path, [earlier.period, result.period], db_path=ledger, as_of=demo_data.AS_OF,
                          weights=f"{earlier.period}:0.4;{result.period}:0.6",
                          output=folder / t("demo.file.assess", lang=lang), lang=lang)
    res.add("demo.artefact.assess", scored.output)
    res.summary.append(t("demo.step.assess", lang=lang, n=sum(u.assessed for u in scored.units),
                         red=sum(u.board == "red" for u in scored.units),
                         black=sum(u.board == "black" for u in scored.units)))
    say(res.summary[-1])

    # 7. the report upward and the circular (with the 考核 ranking), drafted from the roll-up,
    #    dated at its as-of date
    from sheetsync.documents import draft_notice, draft_report
    from sheetsync.documents.source import load_facts

    facts = load_facts(rollup_path, master)  # the summary stored in the roll-up, and the master's 设置
    drafts = [draft_report(rollup_path, folder / t("demo.file.report", lang=lang), facts=facts,
                           sections=demo_data.SECTIONS, when=demo_data.AS_OF, lang=lang),
              draft_notice(rollup_path, folder / t("demo.file.notice", lang=lang), facts=facts,
                           assessment=scored.output, when=demo_data.AS_OF, lang=lang)]
    res.add("demo.artefact.report", drafts[0].output)
    res.add("demo.artefact.notice", drafts[1].output)
    res.summary.append(t("demo.step.documents", lang=lang, n=sum(len(d.placeholders) for d in drafts)))
    say(res.summary[-1])

    # 8. three levels: villages → township → county → city, each roll-up a return to the level above
    from sheetsync.demo.levels import build_levels

    levels = build_levels(folder / t("demo.dir.levels", lang=lang), lang=lang, say=say)
    res.add("demo.artefact.levels", levels.folder)
    res.summary += levels.summary
    return res


def demo_mail(master: Any, split: Any, rollup_path: Path, outbox: Path, *, ledger: Path, period: str) -> int:
    """Distribute, remind and report upward — written as .eml files to ``outbox``."""
    import shutil

    from sheetsync.ledger import Ledger
    from sheetsync.mail import distribute, remind, send_rollup
    from sheetsync.merge import build_rollup

    shutil.rmtree(outbox, ignore_errors=True)
    common = {"dry_run": True, "outbox": outbox, "db_path": ledger}
    n = len(distribute(split.outdir, master, **common).results)
    with Ledger(ledger) as led:
        gaps = build_rollup(master, led, period=period, as_of=demo_data.AS_OF).gaps_by_unit()
    workbooks = {w.unit: w.file for w in split.workbooks}
    n += len(remind(master, gaps, workbooks, period=period, due=split.due, **common).results)
    n += len(send_rollup(rollup_path, master=master, period=period, **common).results)
    return n


# ---------------------------------------------------------------- simulated returns
_PROGRESS_TEXT = [
    "已召开专题会议部署，制定工作台账，明确责任人和时间节点。",
    "按计划推进，已完成阶段性任务，相关资料已归档。",
    "已组织开展专项行动，覆盖全部村(社区)。",
    "工作进展顺利，已形成初步成果，正在总结经验做法。",
    "已与相关单位对接，联合开展工作。",
]
_PROBLEMS = ["无", "", "暂无", "资金到位较慢，影响部分项目进度。", "专业人员不足，需加强培训。",
             "=部分村(社区)场地不足", "基层人员流动大，业务衔接不够顺畅。"]
_NEXT = ["继续按计划推进，确保按期完成。", "加强督促指导，及时总结推广经验。", "争取资金支持，加快项目实施。"]


def simulate_returns(workbooks: list[Any], outdir: Path, *, seed: int = 2026, lang: str | None = None) -> dict[str, int]:
    """Fill in the units' workbooks the way units really do, and drop them in ``outdir``.

    Most units reply on time; a few never reply; one replies twice (the second corrects the
    first); one types values by hand (完成, ８０％, 0.8, 25个); one sends a damaged file; one
    reply arrives as a saved email; two arrive in one zip (a mailbox's "download all attachments").
    """
    import shutil

    import openpyxl

    rng = random.Random(seed)
    lang = lang or get_lang()
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    units = list(workbooks)
    missing = {units[i].unit for i in (5, 17, 33) if i < len(units)}
    messy = units[2].unit if len(units) > 2 else ""
    twice = units[4].unit if len(units) > 4 else ""
    corrupt = units[9].unit if len(units) > 9 else ""
    by_mail = units[12].unit if len(units) > 12 else ""
    zipped = {units[i].unit for i in (20, 21) if i < len(units)}  # a mailbox's "download all" archive
    story = {"sent": 0, "missing": len(missing), "resubmitted": 0, "messy": 0, "corrupt": 0, "emailed": 0,
             "zipped": 0}
    archive: list[Path] = []
    for i, wb_info in enumerate(units):
        if wb_info.unit in missing:
            continue
        wb = openpyxl.load_workbook(wb_info.file)
        ws = wb.worksheets[0]
        _fill(ws, rng, messy=wb_info.unit == messy, late_lagging=i % 7 == 3)
        target = outdir / wb_info.file.name
        wb.save(target)
        _touch(target, datetime(2026, 12, 15 + i % 10, 10, i % 60))
        story["sent"] += 1
        if wb_info.unit == messy:
            story["messy"] += 1
        if wb_info.unit == twice:
            # the corrected second version, received later
            wb2 = openpyxl.load_workbook(target)
            ws2 = wb2.worksheets[0]
            for r in range(4, ws2.max_row + 1):
                if ws2.cell(row=r, column=1).value:
                    ws2.cell(row=r, column=7).value = "已完成"
                    ws2.cell(row=r, column=8).value = 100
            second = outdir / (target.stem + t("demo.file.resubmitted_suffix", lang=lang) + ".xlsx")
            wb2.save(second)
            _touch(second, datetime(2026, 12, 27, 16, 0))
            story["resubmitted"] += 1
        if wb_info.unit == by_mail:
            data = target.read_bytes()
            target.unlink()
            msg = EmailMessage()
            msg["From"] = f"{wb_info.unit} <{wb_info.email}>"
            msg["To"] = f"jczl@{demo_data.MAIL_DOMAIN}"
            msg["Subject"] = t("demo.mail_subject", lang=lang, unit=wb_info.unit)
            msg["Date"] = format_datetime(datetime(2026, 12, 20, 11, 30).astimezone())
            msg.set_content(t("demo.mail_body", lang=lang))
            msg.add_attachment(data, maintype="application",
                               subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=target.name)
            (outdir / f"{wb_info.unit}.eml").write_bytes(bytes(msg))
            story["emailed"] += 1
        if wb_info.unit in zipped:
            archive.append(target)
    if archive:
        import zipfile

        with zipfile.ZipFile(outdir / t("demo.file.attachments_zip", lang=lang), "w", zipfile.ZIP_DEFLATED) as zf:
            for path in archive:
                zf.write(path, path.name)
                path.unlink()
        story["zipped"] = len(archive)
    if corrupt:
        bad = next(w for w in units if w.unit == corrupt)
        damaged = outdir / (bad.file.stem + t("demo.file.corrupt_suffix", lang=lang) + ".xlsx")
        damaged.write_bytes(bad.file.read_bytes()[: 3000])
        story["corrupt"] += 1
    # Excel's lock file of an open workbook: skipped, never an error
    (outdir / ("~$" + units[0].file.name)).write_bytes(b"\x00" * 165)
    return story


def _touch(path: Path, when: datetime) -> None:
    import os

    ts = when.timestamp()
    os.utime(path, (ts, ts))


# how a unit that types by hand writes the dropdown's words
MESSY_STATUS = {"已完成": "完成 ", "推进中": "进行中", "滞后": "进度滞后", "长期坚持": "常态化"}


def roll_status(rng: random.Random, lagging_below: float = 0.93) -> tuple[str | None, int | None]:
    """A unit's status and progress for one task: mostly done or under way, some lagging, a few blank."""
    roll = rng.random()
    if roll < 0.45:
        return "已完成", 100
    if roll < 0.75:
        return "推进中", rng.choice([40, 60, 70, 85])
    if roll < 0.85:
        return "长期坚持", rng.choice([50, 80, None])
    if roll < lagging_below:
        return "滞后", rng.choice([10, 20, 30])
    return None, None  # left blank


def _fill(ws: Any, rng: random.Random, *, messy: bool, late_lagging: bool) -> None:
    ws.cell(row=2, column=2).value = rng.choice(["王丽", "张强", "李娜", "赵军", "陈静"])
    ws.cell(row=2, column=5).value = f"138{rng.randint(10000000, 99999999)}"
    ws.cell(row=2, column=8).value = datetime(2026, 12, rng.randint(14, 24))
    for r in range(4, ws.max_row + 1):
        if not ws.cell(row=r, column=1).value:
            continue
        target = ws.cell(row=r, column=6).value
        status, progress = roll_status(rng, 1.0 if late_lagging else 0.93)
        if status is None:
            continue
        value = None
        is_lead = ws.cell(row=r, column=4).value in ("牵头", "Lead")
        if isinstance(target, (int, float)) and is_lead:  # the lead reports the county figure
            share = 1.0 if status == "已完成" and rng.random() < 0.8 else rng.uniform(0.3, 0.9)
            value = round(target * share)
        if messy:
            status = MESSY_STATUS[status]
            progress = rng.choice([f"{progress}%", f"{_fullwidth(progress)}％", (progress or 0) / 100]) if progress else progress
            value = f"{value}个" if value is not None else None
        ws.cell(row=r, column=7).value = status
        ws.cell(row=r, column=8).value = progress
        ws.cell(row=r, column=9).value = value
        ws.cell(row=r, column=10).value = rng.choice(_PROGRESS_TEXT)
        problem = rng.choice(_PROBLEMS)
        ws.cell(row=r, column=11).value = problem or None
        if problem.startswith("="):
            ws.cell(row=r, column=11).data_type = "s"
        ws.cell(row=r, column=12).value = rng.choice(_NEXT)


def _fullwidth(n: Any) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(n))
