"""Messages and labels of the return workbooks (``sheetsync split``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "split.name_collision": ("这些单位的填报表文件名无法区分：{units}。请在主表“单位”表中修改单位名称。",
                             "These units' return file names cannot be told apart: {units}. Rename the units in the "
                             "master's Units sheet."),
    "split.filename": ("{period}_{unit}_任务进展填报表", "{period}_{unit}_progress-report"),
    "split.title": ("{region}{plan} {period} 任务进展填报表 — {unit}", "{region} {plan} {period} progress report — {unit}"),
    "split.unit_label": ("填报单位：{unit}", "Unit: {unit}"),
    "split.no_period": ("没有指定报送周期。请用 --period 指定（如“2026年第4季度”），或在主表“设置”表填写“报送周期”。",
                        "No reporting period. Give --period (e.g. '2026 Q4') or fill in Reporting period in the master's Settings sheet."),
    "split.carry_other_plan": ("上期汇总表 {file} 属于“{region}”的“{plan}”，而主表是“{master_region}”的“{master_plan}”：未预填，也未生成填报表。请指定本方案的上期汇总表。",
                               "The previous roll-up {file} is {region}'s '{plan}', the master is {master_region}'s "
                               "'{master_plan}': nothing was pre-filled or written. Give this plan's previous roll-up."),
    "split.bad_due": ("报送截止日期“{value}”（{where}）不是有效日期，未生成填报表。请写成 2026-12-25 这样的日期。",
                      "The due date '{value}' ({where}) is not a valid date; no workbooks were made. Write a date such as 2026-12-25."),
    "split.due_before_period": ("报送截止日期 {due} 早于报送周期“{period}”的开始（{start}），年份是否写错？填报表已按此日期生成。",
                                "The due date {due} is before {period} begins ({start}): is the year wrong? The workbooks "
                                "carry this date."),
    "split.due_past": ("报送截止日期 {due} 已过（今天 {today}），所有单位都将算作迟报。填报表已按此日期生成。",
                       "The due date {due} has passed (today is {today}): every unit will count as late. The workbooks "
                       "carry this date."),
    "split.period_unknown": ("报送周期“{period}”不是可识别的期别（如 2026年第4季度、2026年11月），报送日历、迟报天数和趋势对它不适用。",
                             "The period '{period}' is not a recognised period (e.g. 2026 Q4, 2026-11); the reporting calendar, "
                             "days late and trends do not apply to it."),
    "split.has_errors": ("主表有 {errors} 个错误，未生成填报表：\n{list}",
                         "The master has {errors} errors; no return workbooks were made:\n{list}"),
    "split.has_errors_in": ("主表 {file} 有 {errors} 个错误，未生成填报表：\n{list}",
                            "The master {file} has {errors} errors; no return workbooks were made:\n{list}"),
    "split.more_errors": ("……另有 {n} 个错误（用 sheetsync check 查看全部）", "… and {n} more (sheetsync check lists them all)"),
    "split.fix_or_force": ("改正这些单元格后再生成；确需照此下发，可加 --force 强制生成。",
                           "Fix these cells and split again, or add --force to split anyway."),
    "split.no_due": ("（见通知）", "(see the notice)"),
    "split.dv.status_title": ("完成状态", "Status"),
    "split.dv.status_prompt": ("请从下拉列表选择：未启动、推进中、已完成、滞后、长期坚持", "Pick from the list"),
    "split.dv.status_error": ("请从下拉列表中选择完成状态，不要手工输入其他内容。", "Pick a status from the list."),
    "split.dv.progress_title": ("完成进度", "Progress"),
    "split.dv.progress_prompt": ("填 0 到 100 的整数，如 80 表示完成 80%", "A whole number from 0 to 100"),
    "split.dv.progress_error": ("完成进度只能填 0 到 100 的整数（不要加 % 号）。", "Progress must be a whole number from 0 to 100."),
    "split.dv.value_title": ("完成值", "Achieved"),
    "split.dv.value_prompt": ("填实际完成的数量（只填数字），与“目标值”同一计量单位", "The achieved amount, a number in the target's unit"),
    "split.dv.value_error": ("完成值只能填数字（不小于 0）。", "Achieved must be a number (0 or more)."),
    "split.dv.date_title": ("填报日期", "Date"),
    "split.dv.date_error": ("请填写日期，如 2026-12-20。", "Enter a date, e.g. 2026-12-20."),
    "split.guide_title": ("填报说明", "How to fill in"),
    "split.guide_prefilled": ("浅黄色单元格是上期填报的内容，已代为填入：请逐项核对，有变化的请更新（完成状态、进度、完成值和进展情况都按本期实际填写）。",
                              "Pale yellow cells hold what you reported last period, filled in for you: check each one and "
                              "update what has changed (status, progress, value and notes as of this period)."),
    "split.guide_body": (
        "1. 本表只列出本单位负责（牵头或配合）的任务。灰色列（任务编号、名称、内容、角色、时限、目标值）不能修改。\n"
        "2. 每项任务填写“完成状态”（从下拉列表选择：{statuses}）和“完成进度(%)”（0–100 的整数）。\n"
        "3. 有目标值的任务，在“完成值”填写实际完成数量（只填数字，与目标值计量单位相同）。\n"
        "4. “进展情况”写已开展的工作和取得的成效；“存在问题”写遇到的困难；“下步计划”写下一步措施；“佐证材料”写材料名称或链接。\n"
        "5. 在表头上方填写填报人、联系电话和填报日期。\n"
        "6. 请不要增删行、修改表头或另存为其他格式；不要改动文件中的隐藏信息。如任务有误，请直接联系汇总单位。\n"
        "7. 截止日期：{due}。填好后保存为 .xlsx，通过邮件回复即可，文件名可保持不变。\n"
        "8. 联系方式：{office} {contact} {phone}",
        "1. This workbook lists only the tasks your unit leads or supports. Grey columns cannot be changed.\n"
        "2. For each task choose a Status from the list ({statuses}) and enter Progress (%) as a whole number from 0 to 100.\n"
        "3. Where a task has a target, enter the achieved amount in Achieved (a number, same unit as the target).\n"
        "4. Progress notes: what was done; Problems: difficulties met; Next steps: what comes next; Evidence: names or links of supporting material.\n"
        "5. Fill in the reporter, phone and date above the table.\n"
        "6. Do not add or delete rows, change the header or save in another format; do not touch the hidden information. If a task is wrong, contact the coordinating office.\n"
        "7. Due date: {due}. Save as .xlsx and reply by email; the file name may stay as it is.\n"
        "8. Contact: {office} {contact} {phone}"),
    "split.dist.sheet": ("分发清单", "Distribution list"),
    "split.dist.filename": ("分发清单", "distribution-list"),
    "split.dist.no": ("序号", "No."),
    "split.dist.unit": ("单位", "Unit"),
    "split.dist.file": ("填报表文件", "Workbook"),
    "split.dist.email": ("邮箱", "Email"),
    "split.dist.lead": ("牵头任务数", "Lead tasks"),
    "split.dist.co": ("配合任务数", "Co-tasks"),
    "split.dist.note": ("说明", "Note"),
    "split.dist.no_tasks_sheet": ("无任务单位", "Units without tasks"),
    "split.dist.no_tasks_note": ("主表中没有该单位负责的任务，未生成填报表", "No task names this unit; no workbook made"),
    "split.done": ("已为 {n} 个单位生成填报表：{outdir}", "Workbooks for {n} units written to {outdir}"),
    "split.no_tasks_units": ("{n} 个单位没有任务，未生成填报表：{names}", "{n} units have no tasks and get no workbook: {names}"),
    "split.missing_email": ("{n} 个单位没有邮箱：{names}", "{n} units have no email: {names}"),
    "split.master_errors": ("主表有 {n} 个错误，相关任务可能未分到单位。请先运行 sheetsync check 查看。",
                            "The master has {n} errors; some tasks may reach no unit. Run sheetsync check first."),
    "split.carry_no_period": ("{file} 不是 sheetsync 生成的汇总表（找不到报送周期）。请用 --carry-period 指定上期周期。",
                              "{file} is not a roll-up made by sheetsync (no period found). Give --carry-period."),
}
