"""Plan import messages (sheetsync import-plan)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "plan.not_found": ("找不到方案文件：{file}", "Plan file not found: {file}"),
    "plan.unsupported": ("无法导入“{file}”：只支持 {suffixes} 文件。",
                         "Cannot import “{file}”: only {suffixes} files are supported."),
    "plan.doc_binary": ("无法导入“{file}”：这是旧版 Word（.doc）文件。",
                        "Cannot import “{file}”: it is an old Word (.doc) file."),
    "plan.doc_binary_hint": ("请在 Word 或 WPS 中“另存为” .docx 后再导入。",
                             "Open it in Word or WPS and save it as .docx, then import that file."),
    "plan.convert_hint.pdf": ("PDF 无法直接导入：请用 WPS 或 Word 打开后另存为 .docx，或全选复制其中文字存为 .txt 后再导入。",
                              "A PDF cannot be imported directly: open it in WPS or Word and save it as .docx, or copy all its text into a .txt file, then import that."),
    "plan.convert_hint.sheet": ("请在 Excel 或 WPS 中“另存为” .xlsx 后再导入。",
                                "Open it in Excel or WPS and save it as .xlsx, then import that file."),
    "plan.unreadable": ("无法读取方案文件“{file}”（{reason}）：文件可能已损坏或不是 Word/文本/网页文件。",
                        "Cannot read the plan “{file}” ({reason}): the file may be damaged or not a Word, text or web page file."),
    "plan.no_structure": ("“{file}”中没有找到任务结构（编号的任务条目或任务分解表），未生成主表。",
                          "No task structure found in “{file}” (no numbered task items or breakdown table); "
                          "no master was written."),
    "plan.no_structure_hint": ("实施方案应有“一、（一）1.”之类的编号条目或“序号/重点任务/牵头单位”表格；"
                               "新闻报道、总结等不是方案。",
                               "A plan has numbered items (一、 / （一） / 1.) or a table with 序号/重点任务/牵头单位; "
                               "news reports and summaries are not plans."),
    "plan.table_preferred": ("文件中既有任务段落又有任务分解表，已按表格导入任务。",
                             "The file has task paragraphs and a breakdown table; tasks were taken from the table."),
    "plan.several_plans": ("文件中似乎有 {n} 份方案，任务编号前加了方案序号（如“2/3”）。",
                           "The file seems to hold {n} plans; task ids are prefixed with the plan number (e.g. “2/3”)."),
    "plan.short_form": ("“{short}”按方案中的全称记为“{full}”。", "“{short}” was recorded under the plan's full name “{full}”."),
    "plan.resolved_existing": ("“{name}”对应主表中的单位“{unit}”。", "“{name}” matches the master's unit “{unit}”."),
    "plan.ambiguous_unit": ("“{name}”可能是以下单位之一：{candidates}；已按原文保留，请在主表中改为确切名称。",
                            "“{name}” could be any of: {candidates}; kept as written — change it to the exact name in the master."),
    "plan.open_list": ("任务 {id} 的责任单位以“等”结尾，可能还有未列出的单位。",
                       "The responsible units of task {id} end with “等” (etc.): there may be units not named."),
    "plan.unclear_units": ("任务 {id} 的责任单位中有一段不像单位名称，未导入：{text}",
                           "Part of task {id}'s responsible units does not read as a unit name and was left out: {text}"),
    "plan.no_units": ("找到 {n} 项任务，但方案没有写明责任单位：请在主表“牵头单位”列补填（校验时会报 no-responsible-unit）。",
                      "Found {n} tasks but the plan names no responsible units: fill in 牵头单位 in the master "
                      "(check reports no-responsible-unit)."),
    "plan.some_without_units": ("{n} 项任务没有写明责任单位：{ids}（校验时会报 no-responsible-unit）。",
                                "{n} tasks name no responsible unit: {ids} (check reports no-responsible-unit)."),
    "plan.groups_kept": ("方案中的分组词已按原文保留为分组：{groups}。请在“单位”表中登记其成员单位（“所属分组”列）或设置类别。",
                         "Group words were kept as groups, not units: {groups}. Register their member units on the "
                         "Units sheet (Groups column) or set categories."),
    "plan.categories_inferred": ("{n} 个新单位的“类别”是按名称推断的，请在“单位”表中核对。",
                                 "The category of {n} new units was inferred from their names: check them on the Units sheet."),
    "plan.id_conflict": ("主表中已有编号为 {id} 的任务“{title}”，方案中的同号任务未导入。",
                         "The master already has task {id} “{title}”; the plan's task with that id was not imported."),
    "plan.output_exists": ("“{file}”已存在；如要覆盖请加 --force。", "“{file}” exists; add --force to overwrite it."),
    "plan.output_is_master": ("输出文件不能与 --master 指定的主表相同：请用 -o 写到新文件。",
                              "The output must not be the --master file itself: write to a new file with -o."),
    "plan.summary": ("从“{file}”导入 {tasks} 项任务（{with_units} 项有责任单位）、{units} 个新单位、{phases} 个阶段。",
                     "Imported {tasks} tasks ({with_units} with responsible units), {units} new units and "
                     "{phases} phases from “{file}”."),
    "plan.written": ("已写入主表：{file}", "Master written: {file}"),
    "plan.warning_prefix": ("提示：", "Note: "),
    # refusals before parsing (plan/limits.py): what is wrong, then plan.limit_hint says what to do
    "plan.too_large": ("方案文件“{file}”有 {size_mb} MB，超过上限 {limit_mb} MB，不予读取。",
                       "The plan “{file}” is {size_mb} MB, over the limit of {limit_mb} MB; it was not read."),
    "plan.package_refused": ("方案文件“{file}”的内部结构异常（{detail}），疑似“压缩炸弹”或被改动过的文件，不予读取。",
                             "The plan “{file}” has an abnormal inner structure ({detail}), like a zip bomb or a "
                             "tampered file; it was not read."),
    "plan.table_too_large": ("方案文件“{file}”的第 {table} 个表格展开后有 {cells} 个单元格，超过上限 {limit}，"
                             "不是正常的任务表，不予读取。",
                             "Table {table} of the plan “{file}” expands to {cells} cells, over the limit of {limit}; "
                             "it is not a task table and the file was not read."),
    "plan.web_too_deep": ("网页“{file}”的第 {table} 个表格嵌套超过 {limit} 层，不予读取。",
                          "Table {table} of the web page “{file}” is nested more than {limit} levels deep; "
                          "the file was not read."),
    "plan.mime_too_deep": ("网页存档“{file}”含有 {count} 个多部分（multipart）结构，超过上限 {limit}，不予读取。",
                           "The web archive “{file}” holds {count} multipart containers, over the limit of {limit}; "
                           "it was not read."),
    "plan.mime_header_too_large": ("网页存档“{file}”中有超过 {limit_kb} KB 的邮件头，不予读取。",
                                   "The web archive “{file}” has a mail header over {limit_kb} KB; it was not read."),
    "plan.too_many_items": ("方案“{file}”的编号条目（任务及其标题）或任务表行数超过上限 {limit}，未导入，未生成主表。",
                            "The plan “{file}” has more than {limit} numbered items (tasks and their headings) or "
                            "breakdown table rows; it was not imported and no master was written."),
    "plan.too_many_items_hint": ("实际的实施方案只有几百项任务：请确认选对了文件；确需导入时，请把方案按章节拆成几个文件"
                                 "（每个不超过 {limit} 项、各自从 1 编号），分别导入为各自的主表。",
                                 "A real implementation plan has a few hundred tasks: check that this is the right file. "
                                 "To import it anyway, split the plan by section into several files (at most {limit} "
                                 "items each, each numbered from 1) and import each into its own master."),
    "plan.limit_hint": ("请在 Word/WPS（网页用浏览器）中打开方案，另存为新的 .docx 或 .txt 后再导入；"
                        "或全选复制其中文字存为 .txt 后导入。",
                        "Open the plan in Word or WPS (a web page in a browser), save it as a new .docx or .txt "
                        "and import that; or copy all its text into a .txt file and import that."),
}
