"""Messages of the Excel ribbon add-in: tab, groups, buttons, dialogs and results in Excel."""

MESSAGES: dict[str, tuple[str, str]] = {
    # ---------------------------------------------------------------- tab and groups
    "ribbon.tab": ("任务汇总", "Task roll-up"),
    "ribbon.group.master": ("主表", "Master"),
    "ribbon.group.distribute": ("分发", "Distribute"),
    "ribbon.group.rollup": ("汇总", "Roll-up"),
    "ribbon.group.mail": ("邮件", "Mail"),
    "ribbon.group.help": ("帮助", "Help"),
    # ---------------------------------------------------------------- buttons
    "ribbon.importPlan": ("导入方案", "Import plan"),
    "ribbon.importPlan.tip": ("从实施方案（docx/txt/md）导入任务", "Import tasks from an implementation plan (docx/txt/md)"),
    "ribbon.importPlan.super": ("选择实施方案文件（Word、Excel 任务分解表、文本或从政府网站另存的网页），拆出重点任务、责任单位和时限，追加到当前打开的主表（不改动已有的行）；没有打开主表时，在方案旁生成一份新的任务分解表。",
                                "Pick the plan file (Word, an Excel task breakdown, text, or a page saved from a government site); its tasks, units and deadlines are appended to the open master (existing rows are left alone), or become a new master beside the plan when none is open."),
    "ribbon.importPlan.dialog": ("选择实施方案文件", "Choose the implementation plan"),
    "ribbon.checkMaster": ("校验主表", "Check master"),
    "ribbon.checkMaster.tip": ("检查当前打开的主表", "Check the open master workbook"),
    "ribbon.checkMaster.super": ("检查编号、责任单位、时限和指标（包括尚未保存的修改）：有问题的单元格标红或标黄并加批注，结果列在“校验结果”表。",
                                 "Checks IDs, units, deadlines and indicators (unsaved edits included): problem cells are coloured and noted; the list is on the 'Check results' sheet."),
    "ribbon.makeReturns": ("生成填报表", "Make returns"),
    "ribbon.makeReturns.tip": ("按单位生成填报表", "One return workbook per unit"),
    "ribbon.makeReturns.super": ("为每个责任单位生成一份只含本单位任务的填报表，并生成分发清单。请选择存放的文件夹。",
                                 "Makes one return workbook per unit with only its tasks, and a distribution list. Choose the output folder."),
    "ribbon.makeReturns.dialog": ("选择填报表的存放文件夹", "Choose the folder for the return workbooks"),
    "ribbon.sendReturns": ("发送填报表", "Send returns"),
    "ribbon.sendReturns.tip": ("把填报表发给各单位", "Email each unit its return workbook"),
    "ribbon.sendReturns.super": ("按分发清单把填报表作为附件发送到各单位邮箱。请选择填报表所在的文件夹。",
                                 "Emails each unit its return workbook as listed in the distribution list. Choose the folder of the return workbooks."),
    "ribbon.sendReturns.dialog": ("选择填报表所在的文件夹", "Choose the folder holding the return workbooks"),
    "ribbon.mergeReturns": ("合并回收表", "Merge returns"),
    "ribbon.mergeReturns.tip": ("合并各单位交回的填报表", "Merge the returned workbooks"),
    "ribbon.mergeReturns.super": ("检查并合并文件夹中各单位交回的填报表，生成汇总表和缺口清单。请选择回收表所在的文件夹。",
                                  "Checks and merges the returned workbooks in a folder into the roll-up with its gaps. Choose the folder."),
    "ribbon.mergeReturns.dialog": ("选择回收表所在的文件夹", "Choose the folder of returned workbooks"),
    "ribbon.markGaps": ("标注缺口", "Mark gaps"),
    "ribbon.markGaps.tip": ("在主表上标出未报送和滞后的任务", "Mark unreported and lagging tasks in the master"),
    "ribbon.markGaps.super": ("根据最近一次合并的结果，在“任务”表中把有缺口的任务行标红（未报送、逾期）或标黄（滞后、未填等），批注中列出缺口，清单写入“缺口标注”表。",
                              "From the last merge, fills the task rows with gaps red (not reported, overdue) or amber (lagging, blank…), notes each gap and lists them on the 'Gap marks' sheet."),
    "ribbon.refreshOverview": ("刷新总览", "Refresh overview"),
    "ribbon.refreshOverview.tip": ("更新报送总览表", "Update the overview sheet"),
    "ribbon.refreshOverview.super": ("按最近一次合并的结果更新主表中的“总览”表：应报、已报、未报单位，各状态任务数，完成率和各单位报送情况。",
                                     "Updates the 'Overview' sheet of the master from the last merge: units expected/reported/missing, tasks per status, completion rate, each unit."),
    "ribbon.remind": ("催报", "Remind"),
    "ribbon.remind.tip": ("给未报送的单位发催报邮件", "Email units that have not reported"),
    "ribbon.remind.super": ("给截至目前仍未报送的单位发送催报邮件，邮件中列出其未报任务和截止日期。",
                            "Emails every unit that has not reported yet, listing its open tasks and the due date."),
    "ribbon.reportUp": ("报送汇总", "Report upward"),
    "ribbon.reportUp.tip": ("把汇总表发给上级", "Send the roll-up upward"),
    "ribbon.reportUp.super": ("把最近一次合并生成的汇总表发送给“设置”表中的上报收件人。",
                              "Sends the latest roll-up to the report-upward recipients of the Settings sheet."),
    "ribbon.resendFailed": ("重发失败", "Resend failed"),
    "ribbon.resendFailed.tip": ("只重发本期没有发出的邮件", "Resend only this period's mail that did not go out"),
    "ribbon.resendFailed.super": ("排除问题（补填邮箱、修正邮件服务器设置）后点击：本期发送失败、被拒收或因缺邮箱而跳过的填报表、催报和汇总表邮件，只重发给这些单位；已发出的不会重复发送。",
                                  "Click after fixing the cause (a missing address, the server settings): this period's workbooks, reminders and roll-up that failed, were refused or were skipped go out again to those units only; nothing already sent is sent twice."),
    "ribbon.help": ("使用说明", "How to use"),
    "ribbon.help.tip": ("各按钮的用法", "What each button does"),
    "ribbon.help.super": ("显示本选项卡各按钮的用途和一次完整的工作流程。", "Shows what each button does and the whole loop."),
    "ribbon.settings": ("设置", "Settings"),
    "ribbon.settings.tip": ("补全并打开“设置”表", "Complete and open the Settings sheet"),
    "ribbon.settings.super": ("在主表的“设置”表中补上缺少的设置项（地区、截止日期、邮件服务器等）并切换到该表；同时显示加载项所用的 Python。",
                              "Adds the missing setting rows (region, due date, mail server…) to the master's Settings sheet and shows it, with the Python the add-in uses."),
    # ---------------------------------------------------------------- results in Excel
    "ribbon.title": ("sheetsync 任务汇总", "sheetsync"),
    "ribbon.check.summary": ("校验完成：{errors} 个错误，{warnings} 个警告，{infos} 个提示。\n有问题的单元格已标色并加批注（红色为错误，黄色为警告），详见“{sheet}”表。",
                             "Check finished: {errors} errors, {warnings} warnings, {infos} notes.\nProblem cells are coloured and noted (red: error, amber: warning); see sheet '{sheet}'."),
    "ribbon.check.clean": ("校验完成：未发现问题。", "Check finished: no problems found."),
    "ribbon.note_prefix": ("[sheetsync] ", "[sheetsync] "),
    "ribbon.split.has_errors": ("主表还有 {errors} 个错误，未生成填报表。出错的单元格已标红，详见“校验结果”表。",
                                "The master still has {errors} errors; no return workbooks were made. The cells are marked red; see the results sheet."),
    "ribbon.split.fix_first": ("改正标红的单元格后，再点击“生成填报表”。", "Fix the red cells, then click 'Make returns' again."),
    "ribbon.split.done": ("已为 {count} 个单位生成填报表，保存在：{folder}\n分发清单：{list}",
                          "Return workbooks made for {count} units in {folder}\nDistribution list: {list}"),
    "ribbon.split.no_tasks": ("以下单位没有任务，未生成填报表：{units}", "Units without tasks (no workbook): {units}"),
    # ---------------------------------------------------------------- our sheets in the master
    "ribbon.sheet.merge": ("合并结果", "Merge results"),
    "ribbon.sheet.mail": ("邮件结果", "Mail results"),
    "ribbon.sheet.gaps": ("缺口标注", "Gap marks"),
    "ribbon.sheet.overview": ("总览", "Overview"),
    # ---------------------------------------------------------------- 导入方案
    "ribbon.plan.added": ("已追加到主表：任务 {tasks} 项，单位 {units} 个，阶段 {phases} 个，设置 {settings} 项。",
                          "Appended to the master: {tasks} tasks, {units} units, {phases} phases, {settings} settings."),
    "ribbon.plan.kept": ("{n} 项任务的编号在主表中已有，原有的行未改动。", "{n} task ids were already in the master; their rows were left as they are."),
    "ribbon.plan.units_marked": ("新增的单位已标黄并加批注：名称和类别由方案文字推断，请核对并填写联系人和邮箱。",
                                 "New units are filled amber with a note: names and categories were inferred from the plan; check them and fill in contacts and e-mail."),
    "ribbon.plan.unit_note": ("导入方案时新增的单位，请核对名称、类别，补充联系人和邮箱。", "Added by plan import: check name and category, add contact and e-mail."),
    "ribbon.plan.unit_note_inferred": ("导入方案时新增的单位，类别是按名称推断的（标有“推断”），请核对名称、类别，补充联系人和邮箱。",
                                       "Added by plan import; the category was guessed from the name (marked inferred): check name and category, add contact and e-mail."),
    "ribbon.plan.more_warnings": ("……另有 {n} 条提示未列出。", "… {n} more notes not listed."),
    "ribbon.plan.next": ("下一步：核对任务和单位后点击“校验主表”。", "Next: check the tasks and units, then click 'Check master'."),
    "ribbon.plan.new_name": ("{plan}_任务分解表", "{plan}_master"),
    "ribbon.plan.new_master": ("当前没有打开主表，已在方案所在文件夹生成新的主表：{file}", "No master was open; a new master was written beside the plan: {file}"),
    "ribbon.plan.open_failed": ("未能在 Excel 中自动打开新主表（{error}），请手动打开。", "The new master could not be opened in Excel ({error}); open it by hand."),
    # ---------------------------------------------------------------- 合并回收表
    "ribbon.merge.output": ("{region}_{period}_汇总表", "{region}_{period}_rollup"),
    "ribbon.merge.col.file": ("文件", "File"),
    "ribbon.merge.col.unit": ("单位", "Unit"),
    "ribbon.merge.col.outcome": ("处理结果", "Outcome"),
    "ribbon.merge.col.problems": ("问题说明", "Problems"),
    "ribbon.merge.rejected_hint": ("被拒收的文件及原因见“{sheet}”表，请联系相关单位改正后重新报送。",
                                   "Rejected files and the reasons are on sheet '{sheet}'; ask those units to correct and resend."),
    "ribbon.merge.next": ("下一步：点击“标注缺口”或“刷新总览”查看缺口，点击“催报”提醒未报单位。",
                          "Next: click 'Mark gaps' or 'Refresh overview' to see the gaps, 'Remind' to chase units."),
    # ---------------------------------------------------------------- 标注缺口 / 刷新总览
    "ribbon.gaps.note_prefix": ("[sheetsync 缺口] ", "[sheetsync gaps] "),
    "ribbon.gaps.col.gaps": ("缺口", "Gaps"),
    "ribbon.gaps.line": ("【{kind}】{unit}", "[{kind}] {unit}"),
    "ribbon.gaps.line_detail": ("【{kind}】{unit}：{detail}", "[{kind}] {unit}: {detail}"),
    "ribbon.gaps.none": ("{period}：所有任务均无缺口，“任务”表上的旧标注已清除。", "{period}: no task has gaps; old marks on the task sheet were cleared."),
    "ribbon.gaps.done": ("已在“{sheet}”表标出 {n} 项有缺口的任务：红色 {high} 项（未报送或逾期），黄色 {medium} 项（滞后、未填、未达目标或有问题）。每项的缺口写在任务名称的批注中，清单见“{list}”表。",
                         "Marked {n} tasks with gaps on sheet '{sheet}': {high} red (not reported or overdue), {medium} amber (lagging, blank, below target or problems). Each task's gaps are in the note on its title; the list is on sheet '{list}'."),
    "ribbon.overview.missing_units": ("未报单位名单", "Units not reported"),
    "ribbon.overview.gap_kind": ("缺口：{kind}", "Gaps: {kind}"),
    "ribbon.overview.ledger": ("台账文件", "Ledger file"),
    "ribbon.overview.done": ("已更新“{sheet}”表。", "Sheet '{sheet}' updated."),
    # ---------------------------------------------------------------- 邮件
    "ribbon.mail.col.unit": ("单位", "Unit"),
    "ribbon.mail.col.recipients": ("收件人", "Recipients"),
    "ribbon.mail.col.subject": ("主题", "Subject"),
    "ribbon.mail.col.status": ("结果", "Result"),
    "ribbon.mail.col.message": ("说明", "Message"),
    "ribbon.mail.col.attachment": ("附件", "Attachment"),
    "ribbon.mail.col.eml": ("邮件文件", "Message file"),
    "ribbon.mail.more": ("……另有 {n} 条，详见“{sheet}”表。", "… {n} more; see sheet '{sheet}'."),
    "ribbon.mail.retry_hint": ("排除问题（如补填邮箱、检查邮件服务器设置）后，点击“重发失败”只重发没有发出的邮件；再次点击原按钮会重新发送全部邮件。",
                               "After fixing the cause (missing e-mail, server settings), click 'Resend failed' to send only what did not go out; clicking the same button again sends every message again."),
    "ribbon.mail.nothing_to_resend": ("{period}：没有需要重发的邮件——本期没有发送失败、被拒收或跳过的邮件（只写入发件箱的邮件不算发送，也不会重发）。",
                                      "{period}: nothing to resend — no message this period failed, was refused or was skipped (messages only written to the outbox are not sent, and are not resent)."),
    "ribbon.mail.nothing_to_remind": ("{period}：所有单位均已报送且没有缺口，无需催报。", "{period}: every unit has reported without gaps; no reminders needed."),
    "ribbon.mail.no_rollup": ("找不到本期的汇总表 {file}。", "This period's roll-up {file} was not found."),
    "ribbon.mail.no_rollup_hint": ("请先点击“合并回收表”生成汇总表，再点击“报送汇总”。", "Click 'Merge returns' to make the roll-up, then 'Report upward'."),
    # ---------------------------------------------------------------- help and settings
    "ribbon.help.text": (
        "“任务汇总”选项卡的一次完整流程：\n"
        "1. 导入方案：选择实施方案文件，生成任务分解表（主表）。\n"
        "2. 校验主表：在打开的主表上标出问题单元格，改到没有红色为止。\n"
        "3. 生成填报表 → 发送填报表：每个单位一份，只含本单位任务。\n"
        "4. 合并回收表：选择收回的文件所在文件夹，生成汇总表与缺口清单。\n"
        "5. 标注缺口 / 刷新总览：在主表上看谁未报、哪些任务滞后。\n"
        "6. 催报 / 报送汇总：给未报单位发催报邮件，把汇总表报给上级；有邮件没发出时，排除问题后点“重发失败”。\n"
        "设置：填写地区、截止日期、邮件服务器等。出现错误时，提示框会说明原因和处理办法。",
        "The 'Task roll-up' tab, one whole loop:\n"
        "1. Import plan: pick the plan file; a master workbook is made.\n"
        "2. Check master: problem cells of the open master are marked; fix until nothing is red.\n"
        "3. Make returns → Send returns: one workbook per unit with only its tasks.\n"
        "4. Merge returns: pick the folder of returned files; the roll-up and its gaps are made.\n"
        "5. Mark gaps / Refresh overview: see who has not reported and what lags.\n"
        "6. Remind / Report upward: email the units that have not reported; send the roll-up upward. If some mail did not go out, fix the cause and click Resend failed.\n"
        "Settings: region, due date, mail server. When something goes wrong, a message says why and what to do."),
    "ribbon.settings.added": ("已在“{sheet}”表补上 {count} 个设置项，请在 B 列填写。", "Added {count} setting rows to sheet '{sheet}'; fill in column B."),
    "ribbon.settings.complete": ("“{sheet}”表的设置项齐全。", "Sheet '{sheet}' has every setting."),
    "ribbon.settings.python": ("加载项使用的 Python：{python}\nsheetsync {version}，xlwings {xlwings}", "Python used by the add-in: {python}\nsheetsync {version}, xlwings {xlwings}"),
    "ribbon.settings.key": ("设置项", "Setting"),
    "ribbon.settings.value": ("值", "Value"),
    # ---------------------------------------------------------------- errors
    "ribbon.error.title": ("sheetsync：操作未完成", "sheetsync: not done"),
    "ribbon.error.what_to_do": ("处理办法：{hint}", "What to do: {hint}"),
    "ribbon.error.unexpected": ("“{button}”运行时出现意外错误：{error}\n\n处理办法：请保存工作簿后重试；如仍出错，请把日志文件 {log} 发给技术支持。",
                                "Unexpected error while running '{button}': {error}\n\nWhat to do: save the workbook and try again; if it keeps failing, send the log file {log} to support."),
    "ribbon.error.unknown_button": ("未知的按钮“{button}”。加载项与已安装的 sheetsync 版本不一致，请运行 sheetsync addin install 重新安装加载项。",
                                    "Unknown button '{button}'. The add-in does not match the installed sheetsync; run 'sheetsync addin install' again."),
    "ribbon.error.handler_missing": ("找不到“{button}”的处理函数 {module}：加载项与已安装的 sheetsync 版本不一致。请运行 sheetsync addin install 重新安装加载项，然后重新打开 Excel。",
                                     "The handler {module} of '{button}' is missing: the add-in does not match the installed sheetsync. Run 'sheetsync addin install' and start Excel again."),
    "ribbon.error.not_saved": ("工作簿“{book}”还没有保存为文件。台账、汇总表和发件箱都放在主表所在的文件夹中。",
                               "Workbook '{book}' has not been saved as a file. The ledger, roll-up and outbox live in the master's folder."),
    "ribbon.error.save_hint": ("请先把主表保存（文件 → 另存为，保存为 .xlsx），再点击按钮。", "Save the master (File → Save As, .xlsx) and click the button again."),
    "ribbon.error.unsaved": ("主表“{file}”有尚未保存的修改。合并回收表读取的是已保存的主表文件，台账也按该文件记录。",
                             "The master '{file}' has unsaved changes. The merge reads the saved master file, and the ledger records that version."),
    "ribbon.error.unsaved_hint": ("请先保存主表（Ctrl+S），再点击“合并回收表”；如不想保留这些修改，请关闭后不保存重新打开。",
                                  "Save the master (Ctrl+S) and click 'Merge returns' again; to discard the changes, close without saving and reopen."),
    "ribbon.error.no_period": ("主表“设置”表中没有填写“报送周期”，不知道要合并、统计哪一期。", "The master's Settings sheet has no reporting period, so it is not clear which period to work on."),
    "ribbon.error.no_period_hint": ("请在“设置”表的“报送周期”一行填写本期名称（与生成填报表时相同，如“2026年第4季度”），然后重试。",
                                    "Fill in the reporting period on the Settings sheet (as when the returns were made, e.g. 2026 Q4) and try again."),
    "ribbon.error.no_ledger": ("还没有合并过回收表：主表所在文件夹中没有台账 {file}。", "No returns have been merged yet: the ledger {file} is not in the master's folder."),
    "ribbon.error.no_ledger_hint": ("请先点击“合并回收表”，选择收回的填报表所在文件夹。", "Click 'Merge returns' first and choose the folder of returned workbooks."),
    "ribbon.error.path_missing": ("找不到所选的{kind}：{path}", "The chosen {kind} does not exist: {path}"),
    "ribbon.error.kind.file": ("文件", "file"),
    "ribbon.error.kind.folder": ("文件夹", "folder"),
    "ribbon.error.path_hint": ("请重新点击按钮并在对话框中选择。", "Click the button again and choose it in the dialog."),
    "ribbon.error.needs_path": ("“{button}”需要先选择{kind}。", "'{button}' needs a {kind} to be chosen first."),
    # ---------------------------------------------------------------- add-in build / install (CLI)
    "ribbon.addin.built": ("已生成加载项：{file}", "Add-in written: {file}"),
    "ribbon.addin.up_to_date": ("加载项 {file} 与源文件一致。", "Add-in {file} is up to date with its sources."),
    "ribbon.addin.stale": ("加载项 {file} 与源文件（macros/、按钮定义）不一致。请运行 sheetsync addin build 重新生成。",
                           "Add-in {file} is out of date with its sources (macros/, the button registry). Run 'sheetsync addin build'."),
    "ribbon.addin.missing": ("找不到加载项文件 {file}。请先运行 sheetsync addin build。", "Add-in {file} not found. Run 'sheetsync addin build' first."),
    "ribbon.addin.installed": ("已把加载项复制到 {file}（Excel 启动时自动加载）。", "Add-in copied to {file} (Excel loads it at start-up)."),
    "ribbon.addin.config_written": ("已写入 xlwings 配置 {file}：Python 解释器为 {python}", "xlwings configuration {file} written: interpreter {python}"),
    "ribbon.addin.restart": ("请关闭所有 Excel 窗口后重新打开 Excel，即可看到“{tab}”选项卡。首次使用如提示“安全警告：宏已被禁用”，请点击“启用内容”。",
                             "Close every Excel window and start Excel again; the '{tab}' tab appears. If a security warning says macros are disabled, click 'Enable Content'."),
    "ribbon.addin.xlwings_mismatch": ("警告：加载项内置的 xlwings 运行模块是 {vba} 版，而当前 Python 中的 xlwings 是 {python} 版，两者必须一致。请安装 xlwings=={vba}（pip install xlwings=={vba}）。",
                                      "Warning: the add-in's xlwings runtime module is version {vba} but this Python has xlwings {python}; they must match. Install xlwings=={vba}."),
    "ribbon.addin.manual_steps": (
        "当前系统不是 Windows，无法自动安装。请在办公电脑（Windows）上按以下步骤操作：\n"
        "1. 安装 Python，在 sheetsync 文件夹中运行 pip install . 安装本软件，然后运行：sheetsync addin install\n"
        "   或手动操作：\n"
        "2. 把 {file} 复制到 %APPDATA%\\Microsoft\\Excel\\XLSTART\\ 文件夹；\n"
        "3. 新建文本文件 %USERPROFILE%\\.sheetsync\\sheetsync.conf，写入一行：\"INTERPRETER_WIN\",\"<python.exe 的完整路径>\"；\n"
        "4. 重新打开 Excel，看到“{tab}”选项卡；如出现宏安全警告，点击“启用内容”。",
        "This is not Windows, so nothing was installed. On the office PC (Windows):\n"
        "1. Install Python, run pip install . in the sheetsync folder, then run: sheetsync addin install\n"
        "   or by hand:\n"
        "2. Copy {file} into %APPDATA%\\Microsoft\\Excel\\XLSTART\\;\n"
        "3. Create the text file %USERPROFILE%\\.sheetsync\\sheetsync.conf with one line: \"INTERPRETER_WIN\",\"<full path of python.exe>\";\n"
        "4. Start Excel again; the '{tab}' tab appears. If a macro security warning shows, click 'Enable Content'."),
    "ribbon.addin.help.build": ("从 macros/ 与按钮定义生成 .xlam 加载项", "Build the .xlam add-in from macros/ and the button registry"),
    "ribbon.addin.help.install": ("安装加载项并写入 xlwings 配置", "Install the add-in and write the xlwings configuration"),
    "ribbon.addin.help.check": ("检查已生成的加载项是否与源文件一致", "Check that the built add-in matches its sources"),
}
