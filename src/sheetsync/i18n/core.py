"""Messages of the master workbook reader and writer."""

MESSAGES: dict[str, tuple[str, str]] = {
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
    "core.refuse_overwrite": ("{file} 已存在。如需覆盖请加 --force。", "{file} exists. Use --force to overwrite."),
    "core.example_marker": ("【示例】", "[Example] "),
    "core.written": ("已生成：{file}", "Written: {file}"),
}
