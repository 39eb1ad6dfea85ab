"""CLI words: command help and generic messages."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.commands": ("命令", "Commands"),
    "cli.aborted": ("已取消。", "Aborted."),
    "cli.error_prefix": ("错误：", "Error: "),
    "cli.help.new": ("新建空白任务分解表（主表）", "Create an empty master workbook"),
    "cli.help.check": ("校验主表：编号、责任单位、时限、指标", "Check a master workbook"),
    "cli.help.demo": ("生成示例县并运行全流程", "Build the demo county and run the whole loop"),
    "cli.help.import-plan": ("从实施方案（txt/docx）导入任务", "Import an implementation plan (txt/docx)"),
    "cli.help.split": ("按单位生成填报表", "Make one return workbook per unit"),
    "cli.help.merge": ("合并回收表，生成汇总表与缺口清单", "Merge returns into the roll-up with gaps"),
    "cli.help.status": ("查看报送情况", "Show who has and has not reported"),
    "cli.help.mail": ("邮件：分发、催报、报送汇总", "Email: distribute, remind, send upward"),
    "cli.help.addin": ("Excel 加载项：生成与安装", "Excel add-in: build and install"),
}
