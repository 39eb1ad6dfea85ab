"""Messages of sheetsync.mail: SMTP problems, the mail log, and the default mail templates.

The ``mail.tpl.*`` entries are templates, not messages: they are fetched raw (no fields) and
filled by :mod:`sheetsync.mail.templates`, so their {单位}-style placeholders stay literal here.
"""

_DISTRIBUTE_ZH = """{单位}：

根据《{计划名称}》工作安排，现将贵单位{报送周期}进展情况填报表发给你们（见附件“{附件}”），其中牵头任务 {牵头任务数} 项、配合任务 {配合任务数} 项。

请于{截止日期}前填写完毕，将附件原文件直接回复至本邮箱。

填写说明：
1. 只填写白色单元格（完成状态、完成进度、完成值、进展情况、存在问题、下步计划、佐证材料），灰色部分请勿修改；
2. 完成状态请从下拉列表中选择；
3. 请勿修改文件名、增删行列或另存为其他格式；
4. 如有疑问，请联系{牵头科室}{联系人}（电话：{联系电话}）。

{牵头科室}
"""

_DISTRIBUTE_EN = """Dear {unit},

Please find attached your progress report workbook for {period} of "{plan}" ({attachment}): {lead_tasks} task(s) you lead and {co_tasks} you support.

Please fill it in and reply with the attached file by {due}.

How to fill it in:
1. Fill in only the white cells (status, progress, achieved value, progress notes, problems, next steps, evidence); leave the grey cells as they are.
2. Choose the status from the drop-down list.
3. Do not rename the file, add or delete rows or columns, or save it in another format.
4. Questions: {office}, {contact} (phone {phone}).

{office}
"""

_REMIND_ZH = """{单位}：

截至目前，贵单位《{计划名称}》{报送周期}进展情况尚有以下 {缺口数} 项未报送或未填写完整：

{缺口清单}

请于{截止日期}前补报。填报表已再次附上（“{附件}”），请在原表中补充后回复至本邮箱。如已报送，请核对上述事项后重新发送。
如有疑问，请联系{牵头科室}{联系人}（电话：{联系电话}）。

{牵头科室}
"""

_REMIND_EN = """Dear {unit},

For {period} of "{plan}", the following {gap_count} item(s) from your unit are still missing or incomplete:

{gaps}

Please complete them by {due}. Your workbook is attached again ({attachment}); fill it in and reply with the file. If you have already reported, please check the items above and send it again.
Questions: {office}, {contact} (phone {phone}).

{office}
"""

_SEND_ZH = """各位领导：

现报送{地区}《{计划名称}》{报送周期}进展情况汇总表（见附件“{附件}”），主要情况如下：

{总览}

{图表}

各单位缺口情况：

{缺口清单}

{牵头科室}
"""

_SEND_EN = """Dear colleagues,

Attached is the roll-up of progress for {period} of "{plan}", {region} ({attachment}). In brief:

{summary}

{chart}

Gaps by unit:

{gaps}

{office}
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "mail.master_other_plan": ("{master} 不是 {rollup} 所用的主表：汇总表属于“{region}”的“{plan}”，主表是“{master_region}”的“{master_plan}”。"
                               "邮件未发送，以免用另一方案的设置（发件人、收件人、发文机关）报送本汇总表。",
                               "{master} is not the master {rollup} was merged on: the roll-up is {region}'s '{plan}', the "
                               "master is {master_region}'s '{master_plan}'. Nothing was sent, so that another plan's settings "
                               "(sender, recipients, issuer) do not go with this roll-up."),
    # ------------------------------------------------------------ templates (raw, see module doc)
    "mail.tpl.distribute.subject": ("【请填报】{计划名称}{报送周期}进展情况（{单位}）",
                                    "[Please report] {plan} {period} progress ({unit})"),
    "mail.tpl.distribute.body": (_DISTRIBUTE_ZH, _DISTRIBUTE_EN),
    "mail.tpl.remind.subject": ("【催报】{计划名称}{报送周期}进展情况（{单位}）",
                                "[Reminder] {plan} {period} progress ({unit})"),
    "mail.tpl.remind.body": (_REMIND_ZH, _REMIND_EN),
    "mail.tpl.send.subject": ("{地区}{计划名称}{报送周期}进展情况汇总", "{region} {plan} {period}: progress roll-up"),
    "mail.tpl.send.body": (_SEND_ZH, _SEND_EN),
    "mail.tpl_default_source": ("默认模板", "built-in template"),
    "mail.tpl_setting_source": ("设置表“{name}”", "setting '{name}'"),
    "mail.tpl_unknown": ("邮件模板（{source}）中有无法识别的占位符 {{{name}}}。可用的占位符：{known}。请改正后再试。",
                         "The mail template ({source}) has an unknown placeholder {{{name}}}. Available: {known}. Correct it and try again."),
    "mail.tpl_braces": ("邮件模板（{source}）中的花括号不成对（{reason}）。占位符写作 {{单位}}；如需显示花括号本身，请写成 {{{{ 或 }}}}。",
                        "The mail template ({source}) has an unmatched brace ({reason}). Placeholders are written {{unit}}; write {{{{ or }}}} for a literal brace."),
    "mail.tpl_dir_missing": ("找不到邮件模板文件夹：{dir}。", "Mail templates folder not found: {dir}."),
    "mail.due_unset": ("规定时限", "the due date"),
    # ------------------------------------------------------------ body pieces
    "mail.col.no": ("序号", "No."),
    "mail.col.kind": ("缺口类型", "Gap"),
    "mail.col.task_id": ("任务编号", "Task ID"),
    "mail.col.title": ("任务名称", "Task"),
    "mail.col.detail": ("说明", "Detail"),
    "mail.col.unit": ("责任单位", "Unit"),
    "mail.col.gap_count": ("缺口数", "Gaps"),
    "mail.col.rate": ("完成率", "Completion"),
    "mail.gap_count": ("缺口 {n} 项", "{n} gap(s)"),
    "mail.gap_details": ("缺口明细", "Gap details"),
    "mail.more_gaps": ("另有 {n} 项缺口，详见附件。", "{n} more gap(s): see the attachment."),
    "mail.no_gaps": ("无缺口，各单位均已按时报送。", "No gaps: every unit reported on time."),
    "mail.chart_rate": ("各单位任务完成率（序号同“各单位缺口情况”表）", "Completion by unit (numbered as in the gaps-by-unit table)"),
    "mail.chart_gaps": ("各单位缺口数（序号同“各单位缺口情况”表）", "Gaps by unit (numbered as in the gaps-by-unit table)"),
    "mail.summary_from_headers": ("{file} 没有 sheetsync 写入的汇总数据（_sheetsync），邮件中的数字按表头读取，请核对。",
                                  "{file} has no sheetsync summary (_sheetsync); the figures in the mail were read from its headers: check them."),
    "mail.rollup_label": ("汇总表", "roll-up"),
    # ------------------------------------------------------------ report
    "mail.kind.distribute": ("分发", "Distribution"),
    "mail.kind.remind": ("催报", "Reminders"),
    "mail.kind.send": ("上报汇总", "Roll-up"),
    "mail.summary": ("{kind}：已发送 {sent} 封，写入发件箱 {dry} 封，失败 {failed} 封，跳过 {skipped} 个。",
                     "{kind}: {sent} sent, {dry} written to the outbox, {failed} failed, {skipped} skipped."),
    "mail.status.sent": ("已发送", "sent"),
    "mail.status.dry-run": ("已写入发件箱", "written to outbox"),
    "mail.status.failed": ("失败", "FAILED"),
    "mail.status.partial": ("部分收件人被拒", "some recipients refused"),
    "mail.status.skipped": ("跳过", "skipped"),
    "mail.status.unknown": ("结果不明", "outcome unknown"),
    "mail.status.confirmed": ("已确认收到", "confirmed received"),
    # ------------------------------------------------------------ mail confirm
    "mail.confirm_done": ("{kind}（{period}）：已将 {n} 封结果不明的邮件记录为对方已收到——{units}（{by}，{time}）。"
                          "原记录保留；此后 --retry 和“重发失败”不再重发或提示这些邮件。",
                          "{kind} ({period}): {n} message(s) with an unknown outcome recorded as received — {units} "
                          "({by}, {time}). The original entries stay; --retry and 重发失败 no longer resend or "
                          "mention them."),
    "mail.confirm_not_unknown": ("“{unit}”本期（{period}）没有结果不明的{kind}邮件（最近一次：{status}），未作记录。",
                                 "'{unit}' has no {kind} message with an unknown outcome in {period} (last: {status}); "
                                 "nothing recorded for it."),
    "mail.confirm_never_sent": ("邮件记录中没有发给“{unit}”的{kind}邮件（{period}），未作记录。",
                                "The mail log has no {kind} message to '{unit}' in {period}; nothing recorded for it."),
    "mail.confirm_none": ("{kind}（{period}）没有结果不明的邮件，无需确认。",
                          "{kind} ({period}): no message with an unknown outcome; nothing to confirm."),
    "mail.confirm_bad_unit": ("找不到单位“{unit}”（相近：{suggestions}）。请写单位全称或主表“单位”表中登记的简称。",
                              "No unit '{unit}' (closest: {suggestions}). Write the unit's full name or an alias "
                              "listed in the master's Units sheet."),
    "mail.confirm_nothing_done": ("未作任何记录。", "Nothing was recorded."),
    "mail.confirm_send_no_units": ("上报汇总只有一封邮件，没有单位：请用 --all，不要用 --unit。",
                                   "The roll-up sent upward is one message without units: use --all, not --unit."),
    "mail.confirm_nothing_logged": ("邮件记录 {db} 中没有“{kind}”（{period}）的发送记录，无可确认。请核对 --period 和 --kind。",
                                    "The mail log {db} has no '{kind}' run for '{period}': nothing to confirm. "
                                    "Check --period and --kind."),
    "mail.summary_unknown": ("其中 {n} 封结果不明：服务器收下邮件后未确认就断开了连接，对方可能已收到。请先向收件人核实。",
                             "{n} of them with outcome unknown: the server took the message and dropped the connection "
                             "before confirming it; it may have arrived. Check with the recipients first."),
    "mail.outcome_unknown": ("邮件已全部传给邮件服务器 {where}，但服务器未确认就断开了连接（{reason}），对方可能已收到。"
                             "请向收件人核实；确未收到时用 --retry --resend-unknown 重发。",
                             "The whole message reached the mail server {where}, which dropped the connection before "
                             "confirming it ({reason}); it may have arrived. Check with the recipients; if it did not "
                             "arrive, resend with --retry --resend-unknown."),
    "mail.retry_unknown_held": ("{who}：上次发送结果不明（服务器收下后未确认即断开，{time}），对方可能已收到，本次未重发。"
                                "请向收件人核实；确未收到时用 --retry --resend-unknown 重发，已收到时用 sheetsync mail confirm 记录。",
                                "{who}: the last send had an unknown outcome (the server dropped the connection before "
                                "confirming, {time}); it may have arrived, so it was not resent. Check with the "
                                "recipients; if it did not arrive, resend with --retry --resend-unknown; if it did, "
                                "record that with sheetsync mail confirm."),
    "mail.outbox_written": ("邮件已写入发件箱文件夹：{dir}（可用 Outlook、Foxmail 等直接打开 .eml 文件检查）",
                            "Messages written to the outbox folder: {dir} (open the .eml files in Outlook, Foxmail … to check them)"),
    "mail.unknown_not_resent": (
        "{period}：{n} 封邮件结果不明，本次未重发——{who}。服务器收下这些邮件后未确认就断开了连接，对方可能已经收到，"
        "自动重发可能让对方收到两份。请先向这些单位核实是否收到：确未收到的，在命令行加 --retry --resend-unknown 重发"
        "（{commands}）；已经收到的，用 sheetsync mail confirm 记录为已收到（{confirm}），此后不再提示。",
        "{period}: {n} message(s) with an unknown outcome were NOT resent — {who}. The server took them and dropped "
        "the connection before confirming, so they may already have arrived, and resending could deliver them twice. "
        "Check with these units first; for any that did not arrive, resend on the command line with "
        "--retry --resend-unknown ({commands}); for any that did arrive, record that with sheetsync mail confirm "
        "({confirm}) and it is not mentioned again."),
    "mail.unknown_of_kind": ("{kind}：{units}", "{kind}: {units}"),
    "mail.list_sep": ("、", ", "),
    "mail.list_sep_kind": ("；", "; "),
    "mail.retry_hint": ("失败的邮件可在排除问题后用 --retry 重发（只发送失败的）。",
                        "Fix the problem, then resend only the failed messages with --retry."),
    "mail.no_server_dry_run": ("未配置邮件服务器（设置表“SMTP服务器”为空），本次只把邮件写入发件箱文件夹，未发送。",
                               "No mail server configured (setting 'SMTP server' is empty): messages were written to the outbox, not sent."),
    "mail.retry_none": ("没有需要重发的邮件：上次均已发送成功。", "Nothing to retry: everything was sent last time."),
    "mail.retry_nothing_logged": ("邮件记录 {db} 中没有“{kind}”（{period}）的发送记录，无法 --retry。请先正常发送一次。",
                                  "The mail log {db} has no '{kind}' run for '{period}', so there is nothing to --retry. Send normally first."),
    # ------------------------------------------------------------ recipients and inputs
    "mail.no_email": ("“{unit}”没有邮箱地址，未发送。请在主表“单位”工作表的“邮箱”列填写后用 --retry 补发。",
                      "'{unit}' has no e-mail address and was not sent to. Fill in the Email column of the Units sheet, then use --retry."),
    "mail.bad_email": ("“{unit}”的邮箱地址“{address}”格式不正确，未发送。请在主表“单位”工作表改正。",
                       "The e-mail address '{address}' of '{unit}' is not valid; not sent. Correct it in the Units sheet."),
    "mail.workbook_missing": ("找不到“{unit}”的填报表 {file}，未发送。请重新运行 sheetsync split 生成。",
                              "The workbook of '{unit}' was not found ({file}); not sent. Run sheetsync split again."),
    "mail.no_manifest": ("{dir} 中没有 manifest.json，这不是 sheetsync split 的输出文件夹。请先运行 sheetsync split，或指定其输出文件夹。",
                         "{dir} has no manifest.json, so it is not an output folder of sheetsync split. Run split first or give its folder."),
    "mail.bad_manifest": ("分发清单 {file} 无法读取（{reason}）。请重新运行 sheetsync split。",
                          "The distribution list {file} cannot be read ({reason}). Run sheetsync split again."),
    "mail.no_upward": ("没有上报收件人。请用 --to 指定，或在设置表填写“上报收件人”。",
                       "No recipients for the roll-up. Give --to or fill in the setting 'Report-upward recipients'."),
    "mail.bad_upward": ("收件人地址“{address}”格式不正确。", "The recipient address '{address}' is not valid."),
    "mail.no_from": ("没有发件人地址。请在设置表填写“发件人邮箱”（或“SMTP用户名”填写完整邮箱地址）。",
                     "No sender address. Fill in the setting 'Sender address' (or use a full address as 'SMTP user')."),
    # ------------------------------------------------------------ configuration
    "mail.no_server": ("未配置邮件服务器。请在设置表填写“SMTP服务器”，或用 --config 指定配置文件；也可用 --dry-run 只生成邮件文件。",
                       "No mail server configured. Fill in the setting 'SMTP server' or give --config; or use --dry-run to only write the messages."),
    "mail.bad_security": ("加密方式“{value}”无法识别。请填写 STARTTLS、SSL 或 无（仅限无加密的内网服务器）。",
                          "Unknown encryption '{value}'. Use STARTTLS, SSL, or none (intranet relays without TLS only)."),
    "mail.bad_number": ("设置“{name}”的值“{value}”不是数字。", "The setting '{name}' is not a number: '{value}'."),
    "mail.config_bad": ("配置文件 {file} 格式有误：{reason}", "The config file {file} cannot be read: {reason}"),
    "mail.password_in_file": ("配置文件 {file} 中含有密码项“{entry}”。为安全起见，密码不能写在文件里：请删除该项，改用系统凭据管理器（keyring）或环境变量 {env}。",
                              "The config file {file} contains a password entry '{entry}'. Passwords are never read from files: remove it and use the system keyring or the environment variable {env}."),
    "mail.ca_missing": ("找不到 CA 证书文件：{file}。", "CA certificate file not found: {file}."),
    "mail.no_password": ("没有找到 SMTP 用户“{user}”的密码。请在系统凭据管理器中保存（命令：keyring set {service} {user}），或设置环境变量 {env}。密码不会从文件读取。",
                         "No password for SMTP user '{user}'. Store it in the system keyring (keyring set {service} {user}) or set the environment variable {env}. Passwords are never read from files."),
    "mail.plain_needs_flag": ("设置要求以不加密方式连接 {host}。不加密会让邮件内容（和密码）在网络上明文传输，必须在命令中加 --allow-plain-smtp 明确同意。",
                              "The settings ask for an unencrypted connection to {host}. Mail (and the password) would cross the network in clear text; pass --allow-plain-smtp to agree explicitly."),
    "mail.plain_warning": ("【警告】正在以不加密方式连接邮件服务器 {host}:{port}，邮件内容在网络上以明文传输！仅应在没有 TLS 的内网中继上使用。",
                           "WARNING: connecting to the mail server {host}:{port} WITHOUT encryption; messages cross the network in clear text! Use only for intranet relays without TLS."),
    "mail.plain_password_warning": ("用户名和密码也将明文传输。", " The user name and password are sent in clear text too."),
    # ------------------------------------------------------------ SMTP outcomes
    "mail.connect_failed": ("无法连接邮件服务器 {where}（{reason}）。请检查服务器地址、端口和网络；邮件未发送，可稍后用 --retry 重发。",
                            "Cannot reach the mail server {where} ({reason}). Check server, port and network; nothing was sent — use --retry later."),
    "mail.no_starttls": ("邮件服务器 {where} 不支持 STARTTLS 加密，已拒绝以明文发送。若这是没有 TLS 的内网中继，请把设置“加密方式”改为“无”并加 --allow-plain-smtp。",
                         "The mail server {where} does not offer STARTTLS; refusing to send in clear text. If it is an intranet relay without TLS, set Encryption to 'none' and pass --allow-plain-smtp."),
    "mail.no_auth": ("邮件服务器 {where} 不接受用户名登录（未提供 AUTH）。请检查端口与加密方式，或清空“SMTP用户名”。",
                     "The mail server {where} does not offer AUTH. Check port and encryption, or leave 'SMTP user' empty."),
    "mail.cert_failed": ("无法验证邮件服务器 {where} 的证书：{reason}。如单位使用自建证书，请用 --ca-file（或配置项 smtp_ca_file）指定其根证书文件；证书验证不会被关闭。",
                         "The certificate of the mail server {where} could not be verified: {reason}. If your office uses its own CA, give its certificate with --ca-file (or smtp_ca_file); verification is never turned off."),
    "mail.tls_failed": ("与邮件服务器 {where} 建立加密连接失败（{reason}）。请核对端口与加密方式（当前：{security}；通常 465 用 SSL，587 用 STARTTLS）。",
                        "TLS with the mail server {where} failed ({reason}). Check port and encryption (now: {security}; usually 465 = SSL, 587 = STARTTLS)."),
    "mail.auth_failed": ("登录邮件服务器失败：用户名或密码错误（用户 {user}，服务器答复 {code} {reply}）。QQ、163 等邮箱需使用“授权码”而非登录密码。",
                         "Login to the mail server failed: wrong user name or password (user {user}, server said {code} {reply})."),
    "mail.server_said": ("邮件服务器 {where} 拒绝：{code} {reply}", "The mail server {where} refused: {code} {reply}"),
    "mail.refused_all": ("所有收件人均被服务器拒收：{detail}", "The server refused every recipient: {detail}"),
    "mail.refused_some": ("部分收件人被服务器拒收：{detail}", "The server refused some recipients: {detail}"),
    "mail.too_big_local": ("邮件大小 {size} 超过上限 {limit}（设置“邮件大小上限(MB)”），未发送。请压缩附件或调整上限。",
                           "The message ({size}) exceeds the limit of {limit} (setting 'Mail size limit (MB)'); not sent."),
    "mail.too_big_server": ("邮件大小 {size} 超过服务器 {where} 允许的 {limit}，未发送。",
                            "The message ({size}) exceeds the {limit} the server {where} accepts; not sent."),
    # ------------------------------------------------------------ command line
    "mail.cli.resend_unknown_needs_retry": ("--resend-unknown 只能与 --retry 一起使用。",
                                            "--resend-unknown only goes with --retry."),
    "mail.cli.confirm_units_or_all": ("请用 --unit 指定已核实收到的单位（可多次使用），或用 --all 确认全部结果不明的邮件（二者选一）。",
                                      "Name the units that confirmed receipt with --unit (repeatable), or --all for "
                                      "every message with an unknown outcome (one of the two)."),
    "mail.cli.master_required": ("请用 --master 指定主表（任务分解表）。", "Give the master workbook with --master."),
    "mail.cli.no_split_dir": ("在 {dir} 下找不到“{period}”的填报表文件夹（含 manifest.json）。请用 --split-dir 指定 sheetsync split 的输出文件夹。",
                              "No workbook folder (with manifest.json) for '{period}' under {dir}. Give the output folder of sheetsync split with --split-dir."),
}
