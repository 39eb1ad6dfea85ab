"""Messages of the levels stage (sheetsync.levels: ``derive``, ``export-return``, the parent's
merge of a return exported from a roll-up below, the 生成下级主表 / 生成上报表 buttons)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # CLI
    "cli.help.derive": ("从上级主表（或本单位的填报表）生成本级主表", "Derive this level's master from the one above"),
    "cli.help.export-return": ("把本级汇总表填入上级下发的填报表", "Fill the return issued from above from our roll-up"),
    "cli.doc.derive": ("生成下级主表：从上级主表或上级下发给本单位的填报表，取出本单位牵头、配合的任务，"
                       "生成本级主表（含上级任务编号、上级角色、上级完成时限，时限提前“下级提前(天)”天，单位表留空待填）。",
                       "Derive a master for one unit from the master above (or from the return workbook issued to "
                       "it): exactly its lead and co-unit tasks, with the parent's task id, role and deadline, "
                       "deadlines earlier by the 'Days earlier below' setting, and an empty Units sheet."),
    "cli.doc.export-return": ("生成上报表：按本级汇总表的机读摘要，逐项填写上级下发的填报表（状态取最差、进度取平均或最小、"
                              "完成值在计量单位一致时合计），并记录下级覆盖情况；手工填写过的单元格不会被悄悄覆盖。",
                              "Fill the very return workbook issued from above from this level's roll-up summary "
                              "(worst status, mean or minimum progress, summed values when units of measure agree) "
                              "with a hidden coverage record; cells typed by hand are never overwritten silently."),
    "levels.cli.unit": ("本单位在上级主表中的名称 / the unit's name in the master above", "the unit's name in the master above"),
    "levels.bad_lead_days": ("{file}：设置“{setting}”的值“{value}”不是 0 到 {most} 之间的工作日天数，未生成下级主表。请改为如 5 的整数，或用 --lead-days 指定。",
                             "{file}: setting '{setting}' is '{value}', not a number of working days from 0 to {most}; no "
                             "master was written. Write a whole number such as 5, or give --lead-days."),
    "levels.cli.lead_days": ("时限提前天数（默认取上级设置或5天） / days earlier than the parent's deadlines",
                             "days earlier than the parent's deadlines (default: the setting, else 5)"),
    "levels.cli.out_master": ("本级主表 .xlsx / the derived master", "the derived master (.xlsx)"),
    "levels.cli.parent_return": ("上级下发给本单位的填报表 / the return workbook issued from above",
                                 "the return workbook issued from above"),
    "levels.cli.outdir": ("上报表输出文件夹 / folder for the filled return", "folder for the filled return"),
    "levels.cli.map_period": ("允许把月度汇总填入季度（等较长周期）填报表 / accept a shorter period inside the parent's",
                              "accept a period inside the parent's (monthly into quarterly)"),
    "levels.cli.accept_stale": ("上级任务已改动时仍然生成 / export although the parent's tasks changed",
                                "export although the parent's tasks changed since derivation"),
    "levels.cli.overwrite": ("覆盖手工填写的单元格（并列出） / overwrite cells typed by hand (listed)",
                             "overwrite cells typed by hand (each one listed)"),
    "levels.cli.json": ("输出 JSON / print JSON", "print JSON"),
    # results
    "levels.derived": ("已生成本级主表 {file}：{unit} 的 {n} 项任务，时限提前 {days} 个工作日。请在“单位”表填写下级单位，再指定牵头、配合单位。",
                       "Wrote {file}: {n} tasks of {unit}, deadlines {days} working days earlier. Fill in the Units sheet, "
                       "then name lead and co-units."),
    "levels.exported": ("已生成上报表 {file}（{unit}）：{n} 项任务，其中 {complete} 项下级全部报送。",
                        "Wrote {file} ({unit}): {n} tasks, {complete} with every unit below reported."),
    # refusals
    "levels.out_is_parent": ("输出文件不能是上级文件本身：{file}", "The output cannot be the parent file itself: {file}"),
    "levels.no_tasks_for_unit": ("{file} 中没有 {unit} 牵头或配合的任务。", "{file} gives {unit} no task as lead or co-unit."),
    "levels.unit_unknown": ("{file} 的单位表中没有“{unit}”（相近：{suggestions}）。",
                            "{file} has no unit '{unit}' in its Units sheet (closest: {suggestions})."),
    "levels.return_of_other_unit": ("{file} 是发给 {found} 的填报表，不是 {unit} 的。",
                                    "{file} is the return issued to {found}, not to {unit}."),
    "levels.not_a_return": ("{file} 不是 sheetsync 生成的填报表（没有隐藏的元数据或填报表格）。",
                            "{file} is not a return workbook sheetsync issued (no hidden metadata or return table)."),
    "levels.not_derived": ("{file} 的主表不是用“生成下级主表”（sheetsync derive）生成的，无法对应上级任务。",
                           "The master behind {file} was not derived (sheetsync derive), so its tasks cannot be "
                           "matched to the parent's."),
    "levels.not_derived_hint": ("先用 sheetsync derive 从上级主表或填报表生成本级主表。",
                                "Derive this level's master first with sheetsync derive."),
    "levels.wrong_unit": ("{file} 是发给 {unit} 的填报表，而 {child} 的主表是为 {derived} 生成的。",
                          "{file} is the return issued to {unit}, but the master behind {child} was derived for {derived}."),
    "levels.period_unmapped": ("{child} 的周期是 {period}，{parent} 的周期是 {parent_period}：较短周期不会自动填入较长周期。",
                               "{child} is for {period} and {parent} for {parent_period}: a shorter period is not "
                               "reported into a longer one by default."),
    "levels.period_mismatch": ("{child} 的周期是 {period}，与 {parent} 的周期 {parent_period} 不对应。",
                               "{child} is for {period}, which does not fall within {parent_period} of {parent}."),
    "levels.period_hint": ("确认以本期数据上报时，加 --map-period。", "Add --map-period to report this period's figures."),
    "levels.stale": ("{file} 的任务自生成本级主表以来已改动：{ids}。", "Tasks of {file} changed since this master was derived: {ids}."),
    "levels.stale_hint": ("请从新的上级主表重新生成本级主表（sheetsync derive），或确认后加 --accept-stale。",
                          "Derive this level's master again from the new parent, or add --accept-stale."),
    # findings of the export
    "levels.finding.own_task": ("本级任务 {id} 没有上级任务编号，不上报。", "Task {id} has no parent task: not reported upward."),
    "levels.finding.kept": ("{cell} 已有手工填写的内容“{value}”，保留未覆盖（需要覆盖时加 --overwrite）。",
                            "{cell} holds '{value}' typed by hand: kept (add --overwrite to replace it)."),
    "levels.finding.overwrote": ("{cell} 原有手工填写的内容“{value}”，已按要求覆盖。",
                                 "{cell} held '{value}' typed by hand: overwritten as asked."),
    "levels.finding.control-chars": ("{cell} 的文字含控制字符，已删除。", "{cell}: control characters removed."),
    "levels.finding.text-too-long": ("{cell} 的文字超过 Excel 单元格上限，已截断。", "{cell}: text cut to Excel's cell limit."),
    "levels.finding.measures": ("任务 {id} 的计量单位不一致（{units}），完成值未合计，请手工填写。",
                                "Task {id}: units of measure differ ({units}); the achieved value is left blank."),
    # the text written into 进展情况
    "levels.text.head": ("{level}{n}个单位中已报{reported}个，已完成{done}个", "{level}: of {n} units below, {reported} reported, {done} done"),
    "levels.text.missing": ("；未报：{names}", "; not reported: {names}"),
    "levels.text.end": ("。", ". "),
    "levels.text.more": ("……另有{n}个单位的进展见下级汇总表", "... {n} more units in the roll-up below"),
    # the parent's merge
    "merge.finding.derived-stale": ("{file}：下级主表生成后，上级任务已改动：{ids}（不采用；请下级重新生成主表，或确认后加 --accept-stale）。",
                                    "{file}: the master below was derived before these tasks changed: {ids} (not "
                                    "used; derive again below, or add --accept-stale)."),
    "merge.finding.derived-stale-accepted": ("{file}：下级主表生成后上级任务已改动：{ids}（已按要求采用）。",
                                             "{file}: tasks changed since the master below was derived: {ids} "
                                             "(accepted as asked)."),
    "merge.finding.period-unmapped": ("{file}：下级汇总的周期 {found} 与本期 {period} 不对应，且未确认对应关系。",
                                      "{file}: the figures below are for {found}, not {period}, and were not mapped."),
    "merge.finding.double-count": ("{file}：重复计数风险——{unit} 既是本级单位，又在下级单位中（任务 {ids}）。",
                                   "{file}: double-count risk: {unit} is one of our units and also a unit below "
                                   "(tasks {ids})."),
    "merge.gap.sub_incomplete": ("下级未全报", "Incomplete below"),
    "merge.gap_detail.sub_missing": ("下级已报 {ratio}，未报：{names}", "Reported below {ratio}; not reported: {names}"),
    "merge.gap_detail.sub_nested": ("下级已报 {ratio}；更下级未全报：{nested}", "Reported below {ratio}; incomplete further below: {nested}"),
    # settings help (设置 sheet)
    "setting.help.lead_days": ("生成下级主表时，下级完成时限比本级提前的天数（按工作日计，含调休，默认 5）",
                               "Working days earlier a derived master's deadlines are (调休 included, default 5)"),
    "setting.help.progress_mode": ("生成上报表时完成进度的汇总方式：平均 或 最小（默认 平均；全部完成时为 100）",
                                   "How the return upward rolls up progress: Mean or Minimum (default Mean; 100 when all done)"),
    # ribbon
    # demo
    "demo.dir.levels": ("三级联动", "three-levels"),
    "demo.artefact.levels": ("三级联动（村→镇→县→市）", "Three levels (villages → township → county → city)"),
    "demo.step.levels_merged": ("三级联动：{level} {n} 个村（社区）中 {reported} 个报送，已合并为镇汇总表。",
                                "Three levels: {reported} of {n} villages of {level} reported; merged into its roll-up."),
    "demo.step.levels_up": ("三级联动：{township} 汇总表已填入县下发的填报表，{county} 合并后再填入市下发的填报表，{city} 已合并。",
                            "Three levels: {township}'s roll-up filled the county's return, {county}'s roll-up the "
                            "city's, and {city} merged it."),
    "ribbon.group.levels": ("上下级", "Levels"),
    "ribbon.deriveMaster": ("生成下级主表", "Derive master"),
    "ribbon.deriveMaster.tip": ("为一个下级单位生成其本级主表", "Derive a master for one unit below"),
    "ribbon.deriveMaster.super": ("选择上级下发给本单位的填报表，在它旁边生成本单位的主表：本单位牵头、配合的任务，"
                                  "时限提前 5 个工作日；再填写“单位”表并指定牵头、配合单位。",
                                  "Choose the return workbook issued to your unit: your master is written beside it "
                                  "with your lead and co-unit tasks, deadlines 5 working days earlier; then fill in Units."),
    "ribbon.deriveMaster.dialog": ("选择上级下发的填报表", "Choose the return issued from above"),
    "ribbon.exportReturn": ("生成上报表", "Return upward"),
    "ribbon.exportReturn.tip": ("把本级汇总表填入上级下发的填报表", "Fill the return issued from above"),
    "ribbon.exportReturn.super": ("选择上级下发给本单位的填报表；按本主表本期的汇总表逐项填写，存入“上报”文件夹，"
                                  "随后用邮件发给上级即可。", "Choose the return workbook issued from above; it is "
                                  "filled from this period's roll-up and saved in the 'upward' folder."),
    "ribbon.exportReturn.dialog": ("选择上级下发的填报表", "Choose the return issued from above"),
    "ribbon.levels.derived": ("已为 {unit} 生成主表：{file}（{n} 项任务）", "Derived the master of {unit}: {file} ({n} tasks)"),
    "ribbon.levels.exported": ("已生成上报表：{file}（{n} 项任务，{complete} 项下级全部报送）{notes}",
                               "Wrote the return upward: {file} ({n} tasks, {complete} complete below){notes}"),
    "ribbon.levels.no_rollup": ("还没有本期的汇总表：{file}。请先“合并回收表”。", "No roll-up for this period yet: {file}. Merge returns first."),
    "ribbon.levels.not_a_return": ("{file} 不是上级下发给本单位的填报表。", "{file} is not a return workbook issued to a unit."),
    "ribbon.levels.not_a_return_hint": ("请选择上级下发的填报表；从上级主表生成时请用命令 sheetsync derive 主表 --unit 单位。",
                                        "Choose the return issued from above; from a master use sheetsync derive MASTER --unit UNIT."),
    "ribbon.levels.outdir": ("上报", "upward"),
    "ribbon.levels.master_name": ("{unit}_任务分解表", "{unit}_master"),
}
