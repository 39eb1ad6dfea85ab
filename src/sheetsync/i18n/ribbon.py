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
    "ribbon.importPlan.super": ("选择实施方案文件，拆出重点任务、责任单位和时限，生成一份新的任务分解表（主表）。",
                                "Pick the plan file; its tasks, units and deadlines become a new master workbook."),
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
    "ribbon.markGaps.super": ("根据最近一次合并的结果，在主表中标出尚未报送、进度滞后的任务。",
                              "From the last merge, marks tasks that are unreported or lagging in the master."),
    "ribbon.refreshOverview": ("刷新总览", "Refresh overview"),
    "ribbon.refreshOverview.tip": ("更新报送总览表", "Update the overview sheet"),
    "ribbon.refreshOverview.super": ("按最近一次合并的结果更新“报送总览”表：各单位已报、未报、滞后情况。",
                                     "Updates the overview sheet from the last merge: who reported, who did not, what lags."),
    "ribbon.remind": ("催报", "Remind"),
    "ribbon.remind.tip": ("给未报送的单位发催报邮件", "Email units that have not reported"),
    "ribbon.remind.super": ("给截至目前仍未报送的单位发送催报邮件，邮件中列出其未报任务和截止日期。",
                            "Emails every unit that has not reported yet, listing its open tasks and the due date."),
    "ribbon.reportUp": ("报送汇总", "Report upward"),
    "ribbon.reportUp.tip": ("把汇总表发给上级", "Send the roll-up upward"),
    "ribbon.reportUp.super": ("把最近一次合并生成的汇总表发送给“设置”表中的上报收件人。",
                              "Sends the latest roll-up to the report-upward recipients of the Settings sheet."),
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
    # ---------------------------------------------------------------- help and settings
    "ribbon.help.text": (
        "“任务汇总”选项卡的一次完整流程：\n"
        "1. 导入方案：选择实施方案文件，生成任务分解表（主表）。\n"
        "2. 校验主表：在打开的主表上标出问题单元格，改到没有红色为止。\n"
        "3. 生成填报表 → 发送填报表：每个单位一份，只含本单位任务。\n"
        "4. 合并回收表：选择收回的文件所在文件夹，生成汇总表与缺口清单。\n"
        "5. 标注缺口 / 刷新总览：在主表上看谁未报、哪些任务滞后。\n"
        "6. 催报 / 报送汇总：给未报单位发催报邮件，把汇总表报给上级。\n"
        "设置：填写地区、截止日期、邮件服务器等。出现错误时，提示框会说明原因和处理办法。",
        "The 'Task roll-up' tab, one whole loop:\n"
        "1. Import plan: pick the plan file; a master workbook is made.\n"
        "2. Check master: problem cells of the open master are marked; fix until nothing is red.\n"
        "3. Make returns → Send returns: one workbook per unit with only its tasks.\n"
        "4. Merge returns: pick the folder of returned files; the roll-up and its gaps are made.\n"
        "5. Mark gaps / Refresh overview: see who has not reported and what lags.\n"
        "6. Remind / Report upward: email the units that have not reported; send the roll-up upward.\n"
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
    "ribbon.error.not_ready": ("“{button}”所需的功能（{module}）在当前安装的 sheetsync 中不可用。请升级 sheetsync（pip install -U sheetsync）后运行 sheetsync addin install；在此之前可以用命令行完成这一步。",
                               "'{button}' needs {module}, which the installed sheetsync lacks. Upgrade sheetsync (pip install -U sheetsync) and run 'sheetsync addin install'; meanwhile use the command line for this step."),
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
        "1. 安装 Python 与 sheetsync（pip install sheetsync），然后运行：sheetsync addin install\n"
        "   或手动操作：\n"
        "2. 把 {file} 复制到 %APPDATA%\\Microsoft\\Excel\\XLSTART\\ 文件夹；\n"
        "3. 新建文本文件 %USERPROFILE%\\.sheetsync\\sheetsync.conf，写入一行：\"INTERPRETER_WIN\",\"<python.exe 的完整路径>\"；\n"
        "4. 重新打开 Excel，看到“{tab}”选项卡；如出现宏安全警告，点击“启用内容”。",
        "This is not Windows, so nothing was installed. On the office PC (Windows):\n"
        "1. Install Python and sheetsync (pip install sheetsync), then run: sheetsync addin install\n"
        "   or by hand:\n"
        "2. Copy {file} into %APPDATA%\\Microsoft\\Excel\\XLSTART\\;\n"
        "3. Create the text file %USERPROFILE%\\.sheetsync\\sheetsync.conf with one line: \"INTERPRETER_WIN\",\"<full path of python.exe>\";\n"
        "4. Start Excel again; the '{tab}' tab appears. If a macro security warning shows, click 'Enable Content'."),
    "ribbon.addin.help.build": ("从 macros/ 与按钮定义生成 .xlam 加载项", "Build the .xlam add-in from macros/ and the button registry"),
    "ribbon.addin.help.install": ("安装加载项并写入 xlwings 配置", "Install the add-in and write the xlwings configuration"),
    "ribbon.addin.help.check": ("检查已生成的加载项是否与源文件一致", "Check that the built add-in matches its sources"),
}
