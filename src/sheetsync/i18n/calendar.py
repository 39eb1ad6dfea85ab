"""Messages of the reporting calendar (``sheetsync schedule``, working days, trends)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "calendar.holiday_missing": (
        "节假日数据缺失：{year}年的放假调休安排尚未收录（日历包中没有该年调休上班日，主表“{sheet}”表也没有该年的行），"
        "该年日期仅按法定节日和周末推算，可能不准。请在主表“{sheet}”表（日期 | 类型 休/班 | 说明）填写{year}年的安排。",
        "Holiday data missing: the official {year} schedule is not known (the calendar package has no weekend working "
        "days for {year} and the master's {sheet} sheet has no rows for it); dates in {year} assume statutory holidays "
        "and weekends only and may be wrong. Add {year}'s days to the master's {sheet} sheet (Date | Type Off/Work | Notes)."),
    "calendar.holiday_sheet_header": (
        "“{sheet}”表缺少“日期”或“类型”列，未读取。表头应为：日期 | 类型（休/班） | 说明。",
        "The {sheet} sheet lacks a Date or Type column and was not read. Its header must be Date | Type (Off/Work) | Notes."),
    "calendar.holiday_bad_date": (
        "“{sheet}”表第{row}行的日期“{value}”不是带年份的日期（如 2027-02-06），该行未使用。",
        "Row {row} of {sheet}: '{value}' is not a date with a year (e.g. 2027-02-06); the row is not used."),
    "calendar.holiday_bad_kind": (
        "“{sheet}”表第{row}行的类型“{value}”应为“休”或“班”，该行未使用。",
        "Row {row} of {sheet}: type '{value}' must be 休 (off) or 班 (work); the row is not used."),
    "calendar.holiday_conflict": (
        "“{sheet}”表第{row}行把 {date} 写成与第{first}行不同的类型（一行“休”、一行“班”），该行未使用，按第{first}行计算。请删除错误的一行。",
        "Row {row} of {sheet} gives {date} another type than row {first} (one 休, one 班); the row is not used, row "
        "{first} applies. Delete the wrong row."),
    "calendar.bad_frequency": (
        "{file}：{sheet}!{cell} 的“{setting}”为“{value}”，应为 周报 / 月报 / 季报 / 半年报 / 年报 之一。",
        "{file}: {sheet}!{cell} '{setting}' is '{value}'; use one of 周报 / 月报 / 季报 / 半年报 / 年报."),
    "calendar.no_frequency": (
        "{file}：没有报送频次。请在“设置”表 {sheet}!{cell} 填写“{setting}”（周报 / 月报 / 季报 / 半年报 / 年报），"
        "或填写可识别的“报送周期”（如 2026年第4季度）。",
        "{file}: no reporting frequency. Fill in '{setting}' ({sheet}!{cell}: 周报 / 月报 / 季报 / 半年报 / 年报) "
        "or a reporting period such as 2026 Q4."),
    "calendar.bad_rule": (
        "{file}：{sheet}!{cell} 的“{setting}”为“{value}”，无法识别。可写：次月5日、次月第3个工作日、季末月25日、"
        "期末后5个工作日、每周二12:00。",
        "{file}: {sheet}!{cell} '{setting}' is '{value}', which is not understood. Use e.g. 次月5日, 次月第3个工作日, "
        "季末月25日, 期末后5个工作日, 每周二12:00."),
    "calendar.bad_roll": (
        "{file}：{sheet}!{cell} 的“{setting}”为“{value}”，应为 不顺延 / 下一工作日 / 第二个工作日。",
        "{file}: {sheet}!{cell} '{setting}' is '{value}'; use 不顺延 / 下一工作日 / 第二个工作日."),
    "calendar.bad_lead": (
        "{file}：{sheet}!{cell} 的“{setting}”为“{value}”，应为工作日天数（如 3）。",
        "{file}: {sheet}!{cell} '{setting}' is '{value}'; give a number of working days (e.g. 3)."),
    "calendar.note_moved": ("{date} 非工作日，顺延", "{date} is not a working day; moved"),
    "calendar.note_missing": ("{years}年节假日数据缺失", "holiday data missing for {years}"),
    "calendar.title": ("{region}{plan} {year}年报送日历（{frequency}，截止规则：{rule}）",
                       "{region} {plan} reporting calendar {year} ({frequency}, due rule: {rule})"),
    "calendar.written": ("已写入报送日历：{file}（{n} 期）", "Reporting calendar written: {file} ({n} periods)"),
    "calendar.same_file": ("不能写入主表本身：{file}。请用 -o 指定另一个文件（主表副本）。",
                           "Will not write into the master itself: {file}. Give -o another file (a copy)."),
    "calendar.not_remind_day": ("{day} 不是任何一期的催报工作日，未发送催报。", "{day} is not a remind working day of any period; nothing sent."),
    "calendar.reminded_today": ("{period}：今天已催报过的 {n} 个单位不再重复发送（{units}）。",
                                "{period}: {n} units already reminded today are not reminded again ({units})."),
    "calendar.nobody_owes": ("{period}：没有需要催报的未报送单位。", "{period}: no unit left that has not reported."),
    "calendar.period_required": ("请用 --period 指定报送周期，或用 --due-soon 按报送日历催报。",
                                 "Give --period, or --due-soon to remind by the reporting calendar."),
    "calendar.bad_year": ("年度 {year} 无法生成报送日历：请填写 {first} 到 {last} 之间的年份（如 2026）。",
                          "No reporting calendar for the year {year}: give a year from {first} to {last} (e.g. 2026)."),
    "calendar.due_other_period": (
        "主表“设置”中的报送截止日期 {due} 属于“{own}”，未用于“{period}”。如本期有截止日期，请用 --due 指定。",
        "The master's due date {due} belongs to {own} and is not used for {period}. Give --due for this period's deadline."),
    "calendar.header": ("期别\t统计截至\t报送截止\t催报日", "Period\tAs of\tDue\tRemind on"),
}

MESSAGES.update({
    "cli.doc.schedule": ("报送日历：每期统计截至、报送截止、催报日（按国家法定节假日和调休），打印或写入主表副本的“报送日历”表。",
                         "Reporting calendar: each period's as-of, due and remind dates on China's working days "
                         "(make-up working days included), printed or written as a sheet into a copy of the master."),
    "cli.help.schedule": ("报送日历（截止日、催报日，按节假日调休）", "Reporting calendar (due and remind dates on working days)"),
    "setting.help.frequency": ("周报 / 月报 / 季报 / 半年报 / 年报；用于报送日历（sheetsync schedule）",
                               "Weekly / monthly / quarterly / half-yearly / yearly: the reporting calendar"),
    "setting.help.due_rule": ("每期报送截止日，如：次月5日、季末月25日、每周二12:00（默认 次月5日）",
                              "Each period's due date, e.g. 次月5日 (5th of next month), 季末月25日, 每周二12:00 (default 次月5日)"),
    "setting.help.holiday_roll": ("截止日遇节假日：不顺延 / 下一工作日 / 第二个工作日（默认 下一工作日）",
                                  "A due date on a day off: 不顺延 / 下一工作日 / 第二个工作日 (default next working day)"),
    "setting.help.remind_lead": ("截止前几个工作日开始催报（默认 3）", "Start reminding this many working days before the due date (default 3)"),
    "setting.help.value_basis": ("完成值是 累计（自年初） 还是 本期 的数（默认 累计）",
                                 "Whether 完成值 is cumulative (year to date) or this period's (default 累计)"),
})

MESSAGES.update({
    "trend.sheet": ("趋势", "Trend"),
    "trend.title": ("{region}{plan} 各期趋势（截至 {period}）", "{region} {plan} trend (up to {period})"),
    "trend.units_reporting": ("一、各单位报送情况（按时 / 迟报 / 未报；迟报按工作日计）",
                              "1. Reporting by unit (on time / late / missing; late in working days)"),
    "trend.units_rate": ("二、各单位完成率（%）", "2. Completion rate by unit (%)"),
    "trend.units_delta": ("三、完成率较上期（百分点）", "3. Completion rate vs previous period (points)"),
    "trend.tasks": ("四、各任务状态", "4. Task status"),
    "trend.values": ("六、各任务完成值（各单位合计；累计口径下括号内为本期 = 累计 − 上期累计）",
                     "6. Achieved values by task (sum over units; with the cumulative basis, this period's in brackets = "
                     "cumulative − previous cumulative)"),
    "trend.value_cell": ("{total}（本期 {own}）", "{total} (this period {own})"),
    "trend.findings": ("五、跨期提示", "5. Across-period findings"),
    "trend.col.unit": ("单位", "Unit"),
    "trend.col.task": ("任务编号", "Task ID"),
    "trend.col.title": ("任务名称", "Task"),
    "trend.col.missing_run": ("连续未报期数", "Periods missing in a row"),
    "trend.col.code": ("代码", "Code"),
    "trend.col.message": ("说明", "Message"),
    "trend.on_time": ("按时", "On time"),
    "trend.late": ("迟报", "Late"),
    "trend.late_days": ("迟报{n}天", "Late {n}d"),
    "trend.missing": ("未报", "Missing"),
    "trend.reported": ("已报", "Reported"),
    "trend.none": ("无", "None"),
    "trend.cumulative_drop": ("累计值小于上期：{unit} 任务 {task} {period} 完成值 {value}，低于 {prev} 的 {prev_value}（完成值口径为累计）。",
                              "Cumulative value below the previous period: {unit}, task {task}, {period} achieved {value} "
                              "< {prev_value} in {prev} (values are cumulative)."),
    "trend.done_reopened": ("已完成→推进中：{unit} 任务 {task} 在 {prev} 报“已完成”，{period} 报“推进中”。",
                            "Completed → in progress: {unit}, task {task} was completed in {prev}, in progress in {period}."),
    # the demo's year (sheetsync.demo.calendar)
    "demo.file.calendar": ("示例县_2026年报送日历.xlsx", "demo-county_2026_calendar.xlsx"),
    "demo.dir.previous": ("上季度_2026年第3季度", "previous-quarter_2026-Q3"),
    "demo.file.rollup_previous": ("示例县_2026年第3季度_汇总表.xlsx", "demo-county_2026-Q3_rollup.xlsx"),
    "demo.artefact.calendar": ("报送日历（主表副本）", "Reporting calendar (copy of the master)"),
    "demo.artefact.previous": ("上季度的填报、回收与汇总", "The previous quarter: returns and roll-up"),
    "demo.step.calendar": ("报送日历：2026 年 {n} 期（季报，季末月25日截止，遇节假日顺延至下一工作日），写入主表副本。",
                           "Reporting calendar: {n} periods in 2026 (quarterly, due on the 25th of the quarter's last month, "
                           "moved to the next working day), written into a copy of the master."),
    "demo.step.previous": ("{period}（截止 {due}）：{sent} 个单位报送，其中 {late} 个迟报，{missing} 个未报；本季度汇总表因此有“趋势”表。",
                           "{period} (due {due}): {sent} units reported, {late} of them late, {missing} silent; so this "
                           "quarter's roll-up has a Trend sheet."),
})

