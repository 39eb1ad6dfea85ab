"""Messages of the master workbook reader and writer."""

MESSAGES: dict[str, tuple[str, str]] = {
    "core.address.empty": ("地址为空", "the address is empty"),
    "core.address.no_at": ("缺少 @", "it has no @"),
    "core.address.two_at": ("有多个 @（多个地址请用“、”或“;”分隔）", "it has more than one @ (separate addresses with ; or 、)"),
    "core.address.bad_local": ("@ 前的部分含有不允许的字符", "the part before @ has characters that are not allowed"),
    "core.address.bad_domain": ("@ 后的域名不正确（应如 example.gov.cn）", "the domain after @ is not valid (like example.gov.cn)"),
    "core.address.not_ascii": ("含有中文或全角字符，邮件服务器无法投递", "it has Chinese or full-width characters that mail servers cannot deliver to"),
    "core.file_missing": ("找不到文件：{file}。请检查路径是否正确。", "File not found: {file}. Check the path."),
    "core.not_workbook": ("{file} 不是有效的 Excel 工作簿（.xlsx）：{reason}。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。",
                          "{file} is not a valid Excel workbook (.xlsx): {reason}. Open it in Excel or WPS, save as .xlsx and try again."),
    "core.no_tasks_sheet": ("{file} 中没有“任务”工作表（也没有表头含“任务名称/牵头单位”的工作表）。请按模板（sheetsync new）整理后再试。",
                            "{file} has no 'Tasks' sheet (nor any sheet whose header has Task / Lead unit). Use the template from 'sheetsync new'."),
    "core.missing_column": ("工作表“{sheet}”缺少必填列“{column}”（表头在第 {row} 行）。请补上该列。",
                            "Sheet '{sheet}' lacks the required column '{column}' (header on row {row}). Add the column."),
    "core.no_header": ("工作表“{sheet}”前 {rows} 行中找不到表头。请确认表头包含“{columns}”等列名。",
                       "No header found in the first {rows} rows of sheet '{sheet}'. The header must contain columns such as {columns}."),
    "core.file_locked": ("{file} 正被其他程序（如 Excel、WPS）占用，无法写入。请关闭该文件后重试。",
                         "{file} is open in another program (Excel, WPS?) and cannot be written. Close it and try again."),
    "core.xls_needs_xlsx": ("{file} 是旧版 .xls 格式：可以读取，但{action}需要 .xlsx 格式。",
                            "{file} is an old .xls workbook: it can be read, but {action} needs an .xlsx."),
    "core.action.annotate": ("生成标注副本", "an annotated copy"),
    "core.action.calendar": ("写入报送日历副本", "a copy with the calendar"),
    "core.action.export": ("填入上级填报表", "filling in the return for the level above"),
    "core.xls_needs_xlsx_hint": ("请用 Excel 或 WPS 打开它，另存为 Excel 工作簿（.xlsx）后重试。",
                                 "Open it in Excel or WPS, save it as an Excel workbook (.xlsx) and try again."),
    "core.output_folder_is_file": ("无法在 {folder} 保存输出：路径中的 {file} 是一个文件，不是文件夹。",
                                   "Cannot save the output in {folder}: {file} in that path is a file, not a folder."),
    "core.output_is_folder": ("输出文件 {file} 是一个已有的文件夹，不能覆盖。", "The output file {file} is an existing folder; it cannot be overwritten."),
    "core.output_other_kind": ("输出文件 {file} 已存在，且是{kind}，不是本命令生成的同类文件，未覆盖。",
                               "The output {file} exists and is {kind}, not a file of the kind this command writes; it was "
                               "not overwritten."),
    "core.kind.ledger": ("台账数据库", "a ledger database"),
    "core.kind.document": ("他人编写的 Word 文档（非 sheetsync 起草）", "a Word document sheetsync did not draft"),
    "core.kind.draft": ("sheetsync 起草的文稿", "a draft sheetsync wrote"),
    "core.kind.other": ("其他文件", "another file"),
    "core.kind.master": ("任务分解表（主表）", "a master workbook"),
    "core.kind.calendar": ("含报送日历的主表副本", "a master copy with a reporting calendar"),
    "core.kind.derived": ("下级主表", "a derived master"),
    "core.kind.rollup-or-return": ("汇总表或填报表", "a roll-up or return workbook"),
    "core.kind.assessment": ("考核结果", "an assessment result"),
    "core.output_hint": ("请另选一个可写的文件夹或文件名（命令行的 -o 或输出文件夹参数）后重试；未做任何改动。",
                         "Choose another writable folder or file name (the command's -o or output folder) and try again; nothing was changed."),
    "core.no_permission": ("没有权限写入 {file}。", "No permission to write {file}."),
    "core.os_error": ("无法读写 {file}：{reason}。请检查该路径后重试。", "Cannot read or write {file}: {reason}. Check the path and try again."),
    "core.disk_full": ("磁盘空间不足，无法保存 {file}。原有文件未改动。请清理磁盘（或换一个有空间的文件夹）后重试。",
                       "The disk is full; {file} could not be saved. The previous file is unchanged. Free some space (or choose another folder) and try again."),
    "core.refuse_overwrite": ("{file} 已存在。如需覆盖请加 --force。", "{file} exists. Use --force to overwrite."),
    "core.example_marker": ("【示例】", "[Example] "),
    "core.written": ("已生成：{file}", "Written: {file}"),
    "core.reason_empty": ("文件为空（0 字节）", "the file is empty (0 bytes)"),
    "core.reason_xls": ("这是旧版 .xls 格式", "it is an old .xls file"),
    # what to do when the master's limited reader died on it (crash, memory cap, timeout)
    "core.master_read_hint": ("请用 Excel 或 WPS 打开该工作簿，按 Ctrl+End 找到最右下角的单元格，删除表格右侧和下方多余的内容"
                              "（整行、整列删除），再“另存为”一个新的 .xlsx 文件，用新文件重试。原文件未被改动。",
                              "Open the workbook in Excel or WPS, press Ctrl+End to find its last cell, delete the stray "
                              "content to the right of and below the table (whole rows and columns), then use Save As "
                              "to save a new .xlsx and try again with that. The original file was not changed."),
    "core.reason_not_zip": ("文件不是 .xlsx 格式（可能已损坏或是其他类型的文件）", "it is not in .xlsx format (corrupt, or another kind of file)"),
    "core.bad_category": ("单位类别“{value}”不在可选范围内，已按“其他”处理。", "Unit category '{value}' is not one of the choices; treated as Other."),
    "core.dv_lead_title": ("牵头单位", "Lead unit"),
    "core.dv_lead_prompt": ("从“单位”表选择，或填写“各乡镇(街道)”等分组词", "Pick from the Units sheet, or write a group word"),
    "core.dv_target_title": ("目标值", "Target"),
    "core.dv_target_error": ("目标值填数字（不少于）；上限写“≤5”或“不超过5”；计量单位写在后一列。",
                             "Target: a number (at least); an upper limit as \"≤5\" or \"不超过5\"; the unit of measure goes in the next column."),
    "core.instructions_title": ("{region}{plan} 任务分解表（主表）填写说明", "{region} {plan} master workbook — how to fill in"),
    "core.instructions_body": (
        "1. “任务”表每行一项任务：任务编号唯一（如 1、1.1、四.(二).3）；任务名称简明；任务内容写具体要求。\n"
        "2. “牵头单位”填一个单位；“配合单位”可填多个，用顿号（、）分隔；可写“各乡镇(街道)”“政府各部门”等分组词，表示该类全部单位。\n"
        "3. “完成时限”可写 2026-12-31、2026年12月底、12月底或“长期坚持”“常态化”。\n"
        "4. 有量化指标的任务：“指标”写指标名称，“目标值”只填数字，“计量单位”写次、个、%等。\n"
        "5. “单位”表登记全部责任单位：单位名称用全称，“简称”列可登记多个简称（用顿号分隔），“所属分组”列写该单位属于的分组词（用分号分隔），并填写联系人和邮箱。\n"
        "6. “设置”表填写地区名称、计划名称、报送周期和报送截止日期；邮件服务器等设置用于分发和催报。\n"
        "7. 标有【示例】的行仅作示例，不会被读取，可以删除。\n"
        "8. 填好后运行“校验主表”（sheetsync check），按提示修改标红、标黄的单元格。",
        "1. The Tasks sheet has one task per row: a unique Task ID (1, 1.1, 4.(2).3), a short title and the details.\n"
        "2. Lead unit: one unit. Co-units: several, separated by 、 or commas; group words such as 各乡镇(街道) mean every unit of that kind.\n"
        "3. Deadline: 2026-12-31, 2026年12月底, 12月底, or 长期坚持 / 常态化 for ongoing work.\n"
        "4. Numeric targets: the indicator's name in Indicator, only the number in Target, the unit of measure (times, %, …) beside it.\n"
        "5. The Units sheet lists every responsible unit by full name, with aliases (separated by 、), the group words that include it (separated by ;), contact and email.\n"
        "6. The Settings sheet holds the region, plan name, reporting period and due date, and the mail server used to send workbooks and reminders.\n"
        "7. Rows marked [Example] are examples only; they are not read and can be deleted.\n"
        "8. When done, run Check master (sheetsync check) and fix the cells marked red or amber."),
}

# help text beside each setting in the 设置 sheet
_SETTING_HELP = {
    "region": ("县（市、区）名称，如：示例县", "County or district name"),
    "plan": ("实施方案名称", "Name of the implementation plan"),
    "period": ("本期报送周期，如：2026年第4季度", "Current reporting period, e.g. 2026 Q4"),
    "due": ("本期报送截止日期，如：2026-12-25", "Due date of this period's returns"),
    "as_of": ("判断逾期、滞后所按的日期，如：2026-12-31（季度末）；留空则按汇总当天",
              "Date overdue and lagging tasks are judged at, e.g. 2026-12-31 (end of quarter); empty = the day of the roll-up"),
    "year": ("计划年度；“12月底”等简写日期按此年度理解", "Plan year; short dates such as 12月底 use it"),
    "office": ("负责汇总的科室或单位", "Office that runs the roll-up"),
    "office_contact": ("汇总联系人（写入填报说明）", "Contact person shown in the return workbooks"),
    "office_phone": ("汇总联系电话", "Contact phone"),
    "sheet_password": ("填报表工作表保护密码（可空）", "Sheet protection password of the return workbooks (optional)"),
    "return_password": ("回收表被加密时用于解密的密码（可空）", "Password to open encrypted returns (optional)"),
    "smtp_host": ("发件邮件服务器，如 smtp.example.gov.cn；留空则只生成待发邮件", "SMTP server; empty = write messages to the outbox only"),
    "smtp_port": ("端口：STARTTLS 一般 587，SSL 一般 465", "Port: 587 for STARTTLS, 465 for SSL"),
    "smtp_security": ("starttls / ssl / plain（plain 不加密，仅限内网且须明确允许）", "starttls / ssl / plain (plain only on an intranet, explicitly allowed)"),
    "smtp_user": ("登录用户名；密码不写在这里，存放在系统钥匙串或环境变量 SHEETSYNC_SMTP_PASSWORD", "User name; the password lives in the system keyring or SHEETSYNC_SMTP_PASSWORD, never here"),
    "mail_from": ("发件人邮箱地址", "Sender address"),
    "mail_from_name": ("发件人显示名称", "Sender display name"),
    "mail_cc": ("抄送地址（可多个，用分号分隔）", "Cc addresses (separate with ;)"),
    "mail_to_upward": ("报送汇总表的收件人（上级单位）", "Recipients of the roll-up (superior office)"),
    "mail_max_mb": ("单封邮件大小上限（MB，默认 20）", "Maximum message size in MB (default 20)"),
    "mail_rate": ("每分钟最多发送的邮件数（可空）", "Maximum messages per minute (optional)"),
    "smtp_ca_file": ("单位自建邮件服务器的根证书文件路径（可空）", "CA certificate file of an in-house mail server (optional)"),
    "mail_distribute_subject": ("分发邮件主题（空则用默认）。可用 {单位} {报送周期} {截止日期}", "Subject of the distribution mail (empty: default). Placeholders {unit} {period} {due}"),
    "mail_distribute_body": ("分发邮件正文（空则用默认）", "Body of the distribution mail (empty: default)"),
    "mail_remind_subject": ("催报邮件主题（空则用默认）", "Subject of reminders (empty: default)"),
    "mail_remind_body": ("催报邮件正文（空则用默认）。{缺口清单} 为该单位的缺口", "Body of reminders (empty: default). {gaps} lists the unit's gaps"),
    "mail_send_subject": ("上报汇总表邮件主题（空则用默认）", "Subject of the roll-up mail (empty: default)"),
    "mail_send_body": ("上报汇总表邮件正文（空则用默认）", "Body of the roll-up mail (empty: default)"),
    "limit_file_mb": ("单个回收文件大小上限（MB，默认 50）", "Maximum size of one returned file (MB, default 50)"),
    "limit_entry_mb": ("压缩条目解压后大小上限（MB，默认 200）", "Maximum uncompressed size of one zip entry (MB, default 200)"),
    "limit_ratio": ("压缩比上限（默认 100）", "Maximum compression ratio (default 100)"),
    "limit_rows": ("回收表行数上限（默认 100000）", "Maximum rows in a returned sheet (default 100000)"),
    "limit_cols": ("回收表列数上限（默认 200）", "Maximum columns in a returned sheet (default 200)"),
}
MESSAGES.update({f"setting.help.{k}": v for k, v in _SETTING_HELP.items()})
