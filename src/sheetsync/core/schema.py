"""The file formats' vocabulary: sheet names, columns, setting keys, status words.

Each entry carries its Chinese and English label (what we write, by language) and the other
spellings we accept when reading files people made by hand. Messages live in
:mod:`sheetsync.i18n`; this module is the one place for words that are part of a file format.
docs/formats.md describes the same tables for users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sheetsync.i18n import get_lang


@dataclass(frozen=True)
class Label:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def text(self, lang: str | None = None) -> str:
        return self.en if (lang or get_lang()) == "en" else self.zh

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)


@dataclass(frozen=True)
class Column(Label):
    width: float = 12
    required: bool = False
    wrap: bool = False


@dataclass(frozen=True)
class SheetSpec:
    name: Label
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


# ---------------------------------------------------------------- master workbook
TASKS = SheetSpec(
    Label("tasks", "任务", "Tasks", ("任务分解", "任务分解表", "重点任务", "任务清单")),
    (
        Column("id", "任务编号", "Task ID", ("编号", "序号", "任务序号", "No.", "ID"), 10, True),
        Column("title", "任务名称", "Task", ("重点任务", "工作任务", "任务", "工作事项", "主要任务", "Title"), 28, True, True),
        Column("content", "任务内容", "Details", ("具体内容", "工作内容", "主要内容", "具体措施", "工作措施", "Content"), 48, False, True),
        Column("lead", "牵头单位", "Lead unit", ("责任单位", "主责单位", "牵头部门", "Lead"), 18, True, True),
        Column("co_units", "配合单位", "Co-units", ("协助单位", "配合部门", "参与单位", "Co-unit"), 26, False, True),
        Column("deadline", "完成时限", "Deadline", ("完成时间", "时间节点", "时限", "截止时间", "Due"), 14, False, True),
        Column("indicator", "指标", "Indicator", ("考核指标", "指标名称", "目标任务"), 18, False, True),
        Column("target", "目标值", "Target", ("目标", "指标值"), 10),
        Column("target_unit", "计量单位", "Unit of measure", ("单位（计量）", "计量"), 10),
        Column("note", "备注", "Notes", ("说明", "Note", "Remarks"), 20, False, True),
    ),
)

UNITS = SheetSpec(
    Label("units", "单位", "Units", ("单位名录", "责任单位", "单位清单")),
    (
        Column("name", "单位名称", "Unit", ("单位", "部门名称", "名称", "Name"), 26, True),
        Column("aliases", "简称", "Aliases", ("别名", "简称/别名", "Alias"), 22),
        Column("category", "类别", "Category", ("单位类别", "类型", "Type"), 14),
        Column("groups", "所属分组", "Groups", ("分组", "所属组", "Group"), 30, False, True),
        Column("contact", "联系人", "Contact", ("联络员", "负责人"), 10),
        Column("phone", "电话", "Phone", ("联系电话", "手机", "Tel"), 14),
        Column("email", "邮箱", "Email", ("电子邮箱", "邮件", "E-mail", "Mail"), 26),
    ),
)

PHASES = SheetSpec(
    Label("phases", "阶段", "Phases", ("实施步骤", "工作阶段")),
    (
        Column("name", "阶段名称", "Phase", ("阶段", "步骤", "Name"), 20, True),
        Column("start", "开始日期", "Start", ("开始时间", "起始日期"), 14),
        Column("end", "结束日期", "End", ("结束时间", "截止日期"), 14),
        Column("note", "说明", "Notes", ("备注", "内容", "工作内容"), 50, False, True),
    ),
)

SETTINGS = SheetSpec(
    Label("settings", "设置", "Settings", ("配置", "参数")),
    (
        Column("key", "项目", "Setting", ("设置项", "键", "Key"), 22, True),
        Column("value", "值", "Value", ("内容", "设置值", "Value"), 44, True),
        Column("help", "说明", "Help", ("备注",), 60, False, True),
    ),
)

# the 任务 sheet's columns of a master derived from the level above (sheetsync.levels), written
# after TASKS' columns only when a task has a parent; read wherever they are
PARENT_COLUMNS: tuple[Column, ...] = (
    Column("parent_id", "上级任务编号", "Parent task ID", ("上级编号",), 12),
    Column("parent_role", "上级角色", "Role above", ("上级责任类型",), 9),
    Column("parent_deadline", "上级完成时限", "Deadline above", ("上级时限",), 14, False, True),
)

INSTRUCTIONS = Label("instructions", "填写说明", "Instructions", ("使用说明", "说明"))

# setting key -> label; the value column holds text. Mail settings are read by sheetsync.mail.
SETTING_KEYS: tuple[Label, ...] = (
    Label("region", "地区名称", "Region", ("地区", "县区名称")),
    Label("plan", "计划名称", "Plan name", ("方案名称", "计划")),
    Label("period", "报送周期", "Reporting period", ("周期", "本期")),
    Label("due", "报送截止日期", "Due date", ("截止日期", "报送截止")),
    Label("as_of", "统计截至日期", "As-of date", ("统计日期", "数据截至日期")),
    Label("year", "计划年度", "Plan year", ("年度",)),
    Label("office", "牵头科室", "Coordinating office", ("汇总单位", "报送单位")),
    Label("office_contact", "联系人", "Contact", ("汇总联系人",)),
    Label("office_phone", "联系电话", "Phone", ("汇总联系电话",)),
    Label("sheet_password", "工作表保护密码", "Sheet protection password", ("保护密码",)),
    Label("return_password", "回收表解密密码", "Password of encrypted returns", ("解密密码",)),
    Label("smtp_host", "SMTP服务器", "SMTP server", ("邮件服务器",)),
    Label("smtp_port", "SMTP端口", "SMTP port", ("端口",)),
    Label("smtp_security", "加密方式", "Encryption", ("SMTP加密",)),
    Label("smtp_user", "SMTP用户名", "SMTP user", ("邮箱账号", "用户名")),
    Label("mail_from", "发件人邮箱", "Sender address", ("发件人",)),
    Label("mail_from_name", "发件人名称", "Sender name", ()),
    Label("mail_cc", "抄送", "Cc", ()),
    Label("mail_to_upward", "上报收件人", "Report-upward recipients", ("上报邮箱",)),
    Label("mail_max_mb", "邮件大小上限(MB)", "Mail size limit (MB)", ("邮件大小上限",)),
    Label("mail_rate", "每分钟发送上限", "Messages per minute", ()),
    Label("smtp_ca_file", "CA证书文件", "CA file", ("根证书",)),
    Label("mail_distribute_subject", "分发邮件主题", "Distribution subject", ()),
    Label("mail_distribute_body", "分发邮件正文", "Distribution body", ()),
    Label("mail_remind_subject", "催报邮件主题", "Reminder subject", ()),
    Label("mail_remind_body", "催报邮件正文", "Reminder body", ()),
    Label("mail_send_subject", "上报邮件主题", "Roll-up subject", ()),
    Label("mail_send_body", "上报邮件正文", "Roll-up body", ()),
    Label("limit_file_mb", "回收文件大小上限(MB)", "Return file size limit (MB)", ()),
    Label("limit_entry_mb", "压缩条目大小上限(MB)", "Zip entry size limit (MB)", ()),
    Label("limit_ratio", "压缩比上限", "Compression ratio limit", ()),
    Label("limit_rows", "行数上限", "Row limit", ()),
    Label("limit_cols", "列数上限", "Column limit", ()),
    # the reporting calendar (sheetsync.core.calendar)
    Label("frequency", "报送频次", "Reporting frequency", ("报送频率",)),
    Label("due_rule", "报送截止规则", "Due-date rule", ("截止规则",)),
    Label("holiday_roll", "节假日顺延", "Holiday roll-over", ("顺延规则",)),
    Label("remind_lead", "催报提前(工作日)", "Remind ahead (working days)", ("催报提前", "提前催报")),
    Label("value_basis", "完成值口径", "Achieved-value basis", ("完成值统计口径",)),
    # the drafted 情况报告 / 通报 (sheetsync.documents)
    Label("issuer", "发文机关", "Issuing office", ("发文单位", "署名")),
    Label("doc_number", "发文字号", "Document number", ("文号",)),
    Label("addressee", "主送机关", "Addressee", ("主送", "主送单位")),
    Label("doc_date", "成文日期", "Document date", ("发文日期",)),
    Label("doc_note", "附注", "Note", ("联系方式",)),
    Label("figures", "数字约写", "Figures", ("数字写法",)),
)

# ---------------------------------------------------------------- vocabularies
UNIT_CATEGORIES: tuple[Label, ...] = (
    Label("party", "县委部门", "Party committee department", ("党委部门", "区委部门", "市委部门")),
    Label("government", "政府部门", "Government department", ("政府工作部门", "部门")),
    Label("township", "乡镇(街道)", "Township / subdistrict", ("乡镇", "街道", "乡镇（街道）", "乡镇街道")),
    Label("mass", "人民团体", "Mass organisation", ("群团组织", "群团")),
    Label("enterprise", "企事业单位", "Enterprise / public institution", ("事业单位", "企业")),
    Label("other", "其他", "Other", ("其它",)),
)

STATUSES: tuple[Label, ...] = (
    Label("not_started", "未启动", "Not started", ("未开始", "未开展", "尚未启动")),
    Label("in_progress", "推进中", "In progress", ("进行中", "正在推进", "实施中", "正在进行", "推进")),
    Label("done", "已完成", "Completed", ("完成", "已办结", "办结", "已落实", "Done", "Complete")),
    Label("lagging", "滞后", "Lagging", ("进度滞后", "延期", "未按期", "Behind")),
    Label("ongoing", "长期坚持", "Ongoing", ("常态化", "长期", "持续推进", "长期推进")),
)

ROLES = (Label("lead", "牵头", "Lead"), Label("co", "配合", "Co-unit"))


def label_for(labels: tuple[Label, ...], key: str, lang: str | None = None) -> str:
    for lab in labels:
        if lab.key == key:
            return lab.text(lang)
    raise KeyError(key)


def key_for(labels: tuple[Label, ...], text: str) -> str | None:
    """The key whose label or alias equals ``text`` after normalisation, else None."""
    from sheetsync.core.textnorm import norm_key

    want = norm_key(text)
    return _spelling_index(labels).get(want) if want else None


@lru_cache(maxsize=64)
def _spelling_index(labels: tuple[Label, ...]) -> dict[str, str]:
    """Normalised spelling → key, built once per vocabulary (key_for runs for every returned cell)."""
    from sheetsync.core.textnorm import norm_key

    index: dict[str, str] = {}
    for lab in labels:
        for s in lab.spellings():
            index.setdefault(norm_key(s), lab.key)
    return index



# ---------------------------------------------------------------- return workbook (split → merge)
# Locked columns come from the master; the rest are what a unit fills in.
RETURN = SheetSpec(
    Label("returns", "填报", "Report", ("填报表", "进展填报", "任务进展")),
    (
        Column("id", "任务编号", "Task ID", ("编号", "序号", "任务序号", "ID"), 10, True),
        Column("title", "任务名称", "Task", ("重点任务", "工作任务", "任务"), 24, False, True),
        Column("content", "任务内容", "Details", ("具体内容", "工作内容"), 40, False, True),
        Column("role", "本单位角色", "Our role", ("角色", "牵头/配合", "责任类型"), 8),
        Column("deadline", "完成时限", "Deadline", ("完成时间", "时限", "时间节点"), 12, False, True),
        Column("target", "目标值", "Target", ("目标", "指标值"), 9),
        Column("status", "完成状态", "Status", ("状态", "进展状态", "完成情况"), 11),
        Column("progress", "完成进度(%)", "Progress (%)", ("完成进度", "进度", "进度(%)", "完成比例", "完成率"), 10),
        Column("value", "完成值", "Achieved", ("实际完成值", "完成数", "完成数量", "实际完成"), 9),
        Column("progress_text", "进展情况", "Progress notes", ("工作进展", "进展", "推进情况", "完成情况说明"), 36, False, True),
        Column("problems", "存在问题", "Problems", ("问题", "困难问题", "存在的问题"), 26, False, True),
        Column("next_steps", "下步计划", "Next steps", ("下一步计划", "下步工作", "下一步打算"), 26, False, True),
        Column("evidence", "佐证材料", "Evidence", ("佐证", "附件", "证明材料"), 18, False, True),
    ),
)
RETURN_LOCKED = ("id", "title", "content", "role", "deadline", "target")
RETURN_EDITABLE = ("status", "progress", "value", "progress_text", "problems", "next_steps", "evidence")
# labelled input cells above the table
RETURN_FIELDS: tuple[Label, ...] = (
    Label("reporter", "填报人", "Reported by", ("填表人", "联系人")),
    Label("phone", "联系电话", "Phone", ("电话", "手机")),
    Label("report_date", "填报日期", "Date", ("填表日期", "报送日期")),
)
RETURN_GUIDE = Label("guide", "填报说明", "How to fill in", ("说明",))

# hidden metadata: a very hidden sheet of key/value rows (and the same keys as custom
# document properties prefixed "sheetsync_"); rows "tasks" list the task ids in sheet order,
# META_TASKS_PER_ROW per row, one per line (template version 1 had a "task" row per id, which a
# 400-task return paid for in every read; both are read).
META_SHEET = "_sheetsync"
META_TASKS_PER_ROW = 100
META_KEYS = ("template_version", "unit_id", "unit", "period", "master_fingerprint", "issued_at",
             "region", "plan", "due")
RETURN_TEMPLATE_VERSION = "2"

# ---------------------------------------------------------------- roll-up workbook (merge → mail)
# What rollup/workbook.py writes and mail's header reader (a roll-up without its _sheetsync
# summary, e.g. one made by hand) accepts. Machines read the summary, never these labels.
ROLLUP_SHEETS: tuple[Label, ...] = (
    Label("overview", "总览", "Overview", ("概况", "汇总概况", "总体情况", "Summary")),
    Label("tasks", "任务进度", "Tasks", ("任务情况",)),
    Label("units", "单位报送", "Units", ("各单位情况", "单位情况", "按单位")),
    Label("details", "汇总明细", "Details", ("明细",)),
    Label("gaps", "缺口清单", "Gaps", ("缺口", "问题清单")),
    Label("findings", "校验问题", "File findings", ("校验结果",)),
)
ROLLUP_COLUMNS: tuple[Label, ...] = (
    Label("item", "项目", "Item", ("指标", "名称")), Label("value", "数值", "Value"),
    Label("status", "状态", "Status"), Label("tasks", "任务数", "Tasks", ("应报任务数", "任务总数")),
    Label("id", "任务编号", "Task ID", ("编号", "taskid")), Label("title", "任务名称", "Task", ("任务", "重点任务", "title")),
    Label("lead", "牵头单位", "Lead unit"), Label("deadline", "完成时限", "Deadline"),
    Label("progress", "完成进度(%)", "Progress (%)"), Label("target", "目标值", "Target"),
    Label("value_sum", "完成值合计", "Achieved (sum)"), Label("target_unit", "计量单位", "Unit of measure"),
    Label("reported", "已报/应报", "Reported/expected"), Label("unit_statuses", "各单位状态", "Status by unit"),
    Label("unit", "单位", "Unit", ("单位名称", "填报单位")), Label("file", "使用文件", "File used"),
    Label("received_at", "接收时间", "Received"), Label("late_days", "迟报(工作日)", "Days late (working)"),
    Label("superseded", "被替换", "Superseded"),
    Label("done", "已完成", "Done", ("完成数", "已完成数", "已完成任务数", "completed")),
    Label("overdue", "逾期", "Overdue"), Label("problems", "存在问题", "Problems"), Label("blank", "未填报", "Blank"),
    Label("findings", "校验提示", "Findings"), Label("reporter", "填报人", "Reporter"), Label("phone", "联系电话", "Phone"),
    Label("completion", "完成率", "Completion", ("完成进度", "完成比例", "任务完成率", "completionrate")),
    Label("role", "角色", "Role"), Label("progress_text", "进展情况", "Progress notes"),
    Label("next_steps", "下步计划", "Next steps"), Label("evidence", "佐证材料", "Evidence"), Label("row", "行号", "Row"),
    Label("gap_type", "缺口类型", "Gap", ("类型", "问题类型", "gaptype", "type")),
    Label("gap_unit", "责任单位", "Unit", ("单位", "单位名称", "牵头单位", "填报单位")),
    Label("detail", "说明", "Detail", ("缺口说明", "详情", "备注", "情况说明", "notes")),
    Label("severity", "严重程度", "Severity"), Label("outcome", "处理结果", "Outcome"),
    Label("location", "位置", "Location"), Label("code", "代码", "Code"), Label("message", "问题说明", "Message"),
    Label("coverage", "下级覆盖", "Coverage below"),
)
# the 总览 sheet's label | value rows, in order (labels: i18n rollup.head.<key>)
ROLLUP_OVERVIEW_ITEMS = ("period", "as_of", "generated", "files", "units_expected", "units_reported", "units_missing",
                         "tasks", "done", "in_progress", "ongoing", "lagging", "overdue", "not_started", "not_reported",
                         "completion_rate", "gaps")


def rollup_sheet(key: str, lang: str | None = None) -> str:
    """The roll-up sheet title of ``key`` in ``lang``."""
    return label_for(ROLLUP_SHEETS, key, lang)


def rollup_column(key: str, lang: str | None = None) -> str:
    """The roll-up column header of ``key`` in ``lang``."""
    return label_for(ROLLUP_COLUMNS, key, lang)


def rollup_spellings(labels: tuple[Label, ...], key: str) -> tuple[str, ...]:
    """Every spelling of ``key`` a reader of a hand-made roll-up accepts (zh, en, aliases)."""
    for lab in labels:
        if lab.key == key:
            return lab.spellings()
    raise KeyError(key)

# ---------------------------------------------------------------- 考核 (sheetsync.assess)
# Optional master sheets: the county's scoring rules, claimed bonuses and 一票否决 cases.
ASSESS_RULES = SheetSpec(
    Label("assess_rules", "考核规则", "Assessment rules", ("考核细则", "评分规则", "考核评分规则")),
    (
        Column("id", "规则编号", "Rule ID", ("编号", "序号", "ID"), 10, True),
        Column("item", "考核项目", "Item", ("项目", "考核内容", "评分项目"), 22, True, True),
        Column("kind", "类别", "Kind", ("类型", "扣分/加分"), 8, True),
        Column("scope", "适用对象", "Applies to", ("适用范围", "对象"), 14),
        Column("trigger", "触发", "Trigger", ("触发条件", "情形", "扣分情形"), 14, True),
        Column("points", "分值", "Points", ("扣分值", "分数", "标准"), 8, True),
        Column("mode", "计分方式", "Counted", ("计分", "扣分方式"), 10),
        Column("cap", "上限", "Cap", ("最高", "封顶", "扣分上限"), 8),
        Column("basis", "依据", "Basis", ("说明", "备注", "文件依据"), 40, False, True),
    ),
)
ASSESS_BONUS = SheetSpec(
    Label("assess_bonus", "加分申报", "Bonus claims", ("加分项目", "加分")),
    (
        Column("unit", "单位", "Unit", ("单位名称", "申报单位"), 22, True),
        Column("item", "项目", "Item", ("加分项目", "加分事项", "事项"), 36, True, True),
        Column("points", "分值", "Points", ("加分值", "申报分值", "分数"), 8, True),
        Column("evidence", "佐证材料", "Evidence", ("佐证", "证明材料", "附件"), 36, False, True),
    ),
)
ASSESS_VETO = SheetSpec(
    Label("assess_veto", "一票否决", "Veto", ("否决事项", "一票否决事项")),
    (
        Column("unit", "单位", "Unit", ("单位名称", "责任单位"), 22, True),
        Column("reason", "事由", "Reason", ("否决事由", "原因", "情形"), 40, True, True),
        Column("date", "日期", "Date", ("时间", "认定日期"), 12),
    ),
)
# 考核 rule vocabularies (key -> words in the sheet)
ASSESS_KINDS: tuple[Label, ...] = (
    Label("deduct", "扣分", "Deduction", ("减分",)),
    Label("bonus", "加分", "Bonus", ()),
    Label("veto", "否决", "Veto", ("一票否决",)),
)
ASSESS_TRIGGERS: tuple[Label, ...] = (
    Label("not_reported", "未报送", "Not reported", ("未报", "未按时报送")),
    Label("late", "迟报", "Late", ("逾期报送", "延迟报送")),
    Label("blank", "未填报", "Left blank", ("漏报", "未填写")),
    Label("overdue", "逾期未完成", "Overdue", ("逾期",)),
    Label("lagging", "进度滞后", "Lagging", ("滞后",)),
    Label("below_target", "未达目标", "Below target", ("未完成目标",)),
    Label("problem", "存在问题", "Problem raised", ("问题",)),
    Label("thin", "内容空泛", "Thin notes", ("内容简单", "走过场")),
    Label("claim", "加分申报", "Bonus claim", ("申报加分",)),
    Label("veto", "一票否决", "Veto", ("否决",)),
)
ASSESS_SCOPES: tuple[Label, ...] = (
    Label("all", "全部", "All", ("所有单位", "全体")),
    Label("township", "乡镇(街道)", "Townships", ("乡镇", "街道", "乡镇（街道）", "乡镇街道")),
    Label("department", "县直部门", "County departments", ("县直单位", "部门", "区直部门")),
    Label("lead", "牵头", "Lead", ("牵头单位",)),
    Label("co", "配合", "Co-unit", ("配合单位",)),
)
ASSESS_MODES: tuple[Label, ...] = (
    Label("each", "每次", "Each time", ("每起",)),
    Label("per_task", "每项", "Per task", ("每个", "每条")),
    Label("per_period", "每期", "Per period", ("每季度", "每月")),
    Label("once", "一次性", "Once", ("一次",)),
)
ASSESS_SETTING_KEYS: tuple[Label, ...] = (
    Label("assess_base", "基础分", "Base score", ("考核基础分",)),
    Label("assess_groups", "考核分组", "Assessment groups", ("考核组别",)),
    Label("assess_lead_weight", "牵头系数", "Lead weight", ("牵头单位系数",)),
    Label("assess_co_weight", "配合系数", "Co-unit weight", ("配合单位系数",)),
    Label("assess_grades", "等次划分", "Grades", ("考核等次",)),
    Label("assess_red", "红榜名额", "Honour-list places", ("红榜",)),
    Label("assess_black", "黑榜名额", "Warning-list places", ("黑榜",)),
    Label("assess_escalation", "约谈规则", "Escalation", ("连续黑榜处理",)),
    Label("assess_thin_chars", "进展情况最少字数", "Minimum progress-note length", ("内容空泛字数",)),
)
SETTING_KEYS = SETTING_KEYS + ASSESS_SETTING_KEYS


# ---------------------------------------------------------------- reporting calendar
# optional master sheet: days that differ from the maintained calendar (休 = day off, 班 = working day)
HOLIDAYS = SheetSpec(
    Label("holidays", "节假日", "Holidays", ("节假日安排", "放假安排", "调休安排")),
    (
        Column("date", "日期", "Date", ("日期（年月日）", "Day"), 14, True),
        Column("kind", "类型", "Type", ("休/班", "类别", "Kind"), 8, True),
        Column("note", "说明", "Notes", ("备注", "名称"), 30, False, True),
    ),
)
HOLIDAY_KINDS: tuple[Label, ...] = (
    Label("off", "休", "Off", ("放假", "休息", "假", "Holiday")),
    Label("work", "班", "Work", ("上班", "工作日", "补班", "Workday")),
)
FREQUENCIES: tuple[Label, ...] = (  # key = core.period kind
    Label("week", "周报", "Weekly", ("每周", "周")),
    Label("month", "月报", "Monthly", ("每月", "月")),
    Label("quarter", "季报", "Quarterly", ("每季度", "季度")),
    Label("half", "半年报", "Half-yearly", ("半年",)),
    Label("year", "年报", "Yearly", ("每年", "年度")),
)
HOLIDAY_ROLLS: tuple[Label, ...] = (
    Label("none", "不顺延", "No roll-over", ("不调整",)),
    Label("next", "下一工作日", "Next working day", ("顺延至下一工作日", "顺延")),
    Label("second", "第二个工作日", "Second working day", ("顺延至第二个工作日",)),
)
VALUE_BASES: tuple[Label, ...] = (
    Label("cumulative", "累计", "Cumulative", ("累计值", "年度累计")),
    Label("period", "本期", "This period", ("当期", "本期值")),
)
SCHEDULE = SheetSpec(
    Label("schedule", "报送日历", "Reporting calendar", ()),
    (
        Column("period", "期别", "Period", (), 16),
        Column("as_of", "统计截至", "As of", (), 14),
        Column("due", "报送截止", "Due", (), 18),
        Column("remind", "催报日", "Remind on", (), 14),
        Column("note", "说明", "Notes", (), 40, False, True),
    ),
)

# ---------------------------------------------------------------- levels (sheetsync.levels)
LEVEL_SETTING_KEYS: tuple[Label, ...] = (
    Label("lead_days", "下级提前(天)", "Working days earlier below", ("下级提前", "下级提前天数", "下级提前(工作日)")),
    Label("progress_mode", "进度汇总方式", "Progress roll-up", ("进度汇总",)),
)
SETTING_KEYS = SETTING_KEYS + LEVEL_SETTING_KEYS
PROGRESS_MODES: tuple[Label, ...] = (
    Label("mean", "平均", "Mean", ("平均值", "均值")),
    Label("min", "最小", "Minimum", ("最小值", "最低")),
)
# the hidden sheet of a return exported upward (levels.export): coverage per parent task
COVERAGE_SHEET = "_sheetsync_coverage"
COVERAGE_COLUMNS: tuple[Label, ...] = (
    Label("task_id", "上级任务编号", "Parent task ID"),
    Label("expected", "应报", "Expected"),
    Label("reported", "已报", "Reported"),
    Label("done", "已完成", "Done"),
    Label("lagging", "滞后", "Lagging"),
    Label("missing", "未报单位", "Not reported"),
    Label("child_fingerprint", "下级汇总表指纹", "Child roll-up fingerprint"),
    Label("generated", "生成时间", "Generated"),
    Label("sub_units", "下级单位", "Units below"),
    Label("nested", "更下级未全报", "Incomplete further below"),
    Label("task_hash", "派生时上级任务指纹", "Parent task at derivation"),
    Label("child_period", "下级周期", "Period below"),
    Label("period_mapped", "周期对应", "Periods mapped"),
    Label("written", "写入内容指纹", "Written cells fingerprint"),
)
