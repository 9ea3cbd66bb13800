"""The Chinese catalogue's words for `renewd init` (`init.*`): the guided setup's questions and
answers, the comments of the configuration it writes, the roster template's example row.
Merged into `renewd.core.words_zh`."""

INIT_ZH: dict[str, str] = {
    "init.hello": "renewd 初始设置：回答几个问题，生成配置文件 {path}。"
    "方括号里是默认值，直接回车即采用。",
    "init.yes_words": "y yes 是 好 对 要",
    "init.no_words": "n no 否 不 不要",
    "init.yn.yes": "[Y/n]",
    "init.yn.no": "[y/N]",
    "init.yn.bad": "请回答 y（是）或 n（否）",
    "init.q.overwrite": "{path} 已存在。覆盖它吗？",
    "init.exists.kept": "未做任何改动，{path} 保持原样（加 --force 可覆盖）。",
    "init.exists.refused": "{path} 已存在：renewd init 不会覆盖它，除非加 --force",
    "init.missing": "缺少“{question}”：请用 {flag} 给出（--yes 时不提问）",
    "init.eof": "输入已结束，还没有回答“{question}”（可用 {flag} 给出）",
    "init.none": "-",
    "init.list_sep": "、",
    # questions
    "init.q.org": "单位名称（消息落款和发件人名称）",
    "init.q.roster": "员工名单文件（Excel、CSV 或 TOML；文件不存在则在此生成名单模板）",
    "init.q.departments": "部门名称，用逗号分隔（即名单“部门”列的值；没有部门直接回车）",
    "init.q.smtp_host": "发信服务器（SMTP）地址，如 smtp.exmail.qq.com",
    "init.q.smtp_mode": "连接方式：ssl、starttls 或 plain",
    "init.q.smtp_port": "端口",
    "init.q.smtp_sender": "发件邮箱地址",
    "init.q.smtp_password": "发件邮箱的密码或授权码（输入不显示；无需登录直接回车）",
    "init.q.smtp_password_keep": "发件邮箱的密码或授权码（输入不显示；直接回车保留已有的）",
    "init.q.smtp_user": "登录名",
    "init.q.hr": "{group} 的人事邮箱（多个用逗号分隔；输入 - 表示没有，"
    "该部门员工自己收到单位要办的步骤）",
    "init.q.escalate": "升级联系人的邮箱：有步骤逾期、无法按期办完或影响关键日期时通知谁"
    "（多个用逗号分隔；输入 - 表示不设）",
    "init.q.base_url": "员工和人事用手机打开的网址（控制台、日历订阅、确认链接）",
    "init.q.admin": "控制台管理员账号名",
    "init.q.admin_password": "管理员密码（至少 8 位，输入不显示；直接回车则自动生成）",
    "init.q.again": "再输入一次",
    "init.q.test": "现在发一封测试邮件到 {to} 吗？",
    # refusals of an answer
    "init.bad.empty": "不能为空",
    "init.bad.org": '单位名称最多 {n} 个字，不含 < > " 和控制字符',
    "init.bad.email": "“{value}”不是一个邮箱地址（如 hr@example.com）",
    "init.bad.host": "“{value}”不是服务器地址（如 smtp.example.com，不含空格和 ://）",
    "init.bad.mode": "请填 ssl、starttls 或 plain",
    "init.bad.port": "端口是 1 到 65535 之间的数字",
    "init.bad.listen": "监听地址写作 主机:端口，如 0.0.0.0:8765",
    "init.bad.url": "网址应以 http:// 或 https:// 开头",
    "init.bad.roster": "名单文件应是 .xlsx、.xls、.csv、.txt、.tsv 或 .toml 文件",
    "init.bad.template": "{path} 不存在；名单模板只能生成为 .xlsx 或 .csv 文件",
    "init.bad.account": "账号名只能用 1 到 64 个字母、数字和 _ . @ -",
    "init.bad.short": "密码至少 {n} 位",
    "init.bad.differ": "两次输入的密码不一样",
    "init.bad.department": "部门“{value}”重复或含有控制字符",
    # what it did
    "init.roster.read": "名单 {path}：{people}；部门：{groups}",
    "init.roster.no_groups": "名单 {path}：{people}；没有填部门（每人自己收到全部步骤）",
    "init.roster.unreadable": "名单 {path} 现在读不出（{reason}）；"
    "稍后 renewd check 会逐条列出问题。",
    "init.roster.extra": "名单 {path} 里还没有部门“{value}”：已照样加上"
    "（填入这些部门的员工后生效）",
    "init.template.made": "已生成名单模板 {path}：第一行是表头，第二行是示例（{name}），"
    "请照此填入员工，再删去示例行。",
    "init.wrote.config": "已写入配置 {path}",
    "init.wrote.secret": "已写入 SMTP 密码 {path}（权限 0600，只有本用户可读）",
    "init.secret.kept": "SMTP 密码沿用已有的 {path}",
    "init.secret.env": "SMTP 密码来自环境变量 RENEWD_SMTP_PASSWORD，没有写入文件",
    "init.admin.made": "已创建控制台管理员 {name}",
    "init.admin.made_with": "已创建控制台管理员 {name}，密码：{password}（只显示这一次）",
    "init.admin.exists": "控制台账号 {name} 已存在，未作改动",
    "init.admin.failed": "未能创建控制台管理员（{reason}）；之后可运行："
    "renewd user add {name} --admin -c {config}",
    "init.check": "检查配置（renewd check）：",
    "init.check.failed": "配置检查没有通过：请按上面的提示修改，再运行 renewd check -c {path}",
    "init.test.sending": "发送测试邮件（renewd notify --test）：",
    "init.test.failed": "测试邮件没有发出：请核对 {path} 的 [smtp] 和密码，"
    "再运行 renewd notify --test -c {path}",
    "init.test.later": "以后可随时发送测试邮件：renewd notify --test -c {path}",
    "init.next": "下一步：",
    "init.next.roster": "  名单：在 {path} 里填入员工（保存后 renewd 自动重新读取）",
    "init.next.creds": "  密码：以 systemd 运行时在服务中加 LoadCredential=smtp.password:{path}；"
    "其他命令前加 CREDENTIALS_DIRECTORY={dir}",
    "init.next.run": "  启动：renewd run -c {path}（或 systemctl enable --now renewd）",
    "init.next.console": "  控制台：{url}/",
    # the configuration's comments
    "init.toml.head": "renewd 配置：由 renewd init 于 {day} 为{org}生成。\n"
    "每个键的说明见 config.example.toml；修改后运行 renewd check -c 本文件。",
    "init.toml.secrets": "密码不写在本文件里。SMTP 密码在 {path}（权限 0600），这样交给 renewd：\n"
    "  systemd 服务：LoadCredential=smtp.password:{path}\n"
    "  其他情况：环境变量 CREDENTIALS_DIRECTORY={dir}，或 RENEWD_SMTP_PASSWORD",
    "init.toml.no_secrets": "SMTP 不需要登录。如需密码，写入 $CREDENTIALS_DIRECTORY/smtp.password\n"
    "或环境变量 RENEWD_SMTP_PASSWORD，不要写在本文件里。",
    "init.toml.language": "消息、日历和控制台的默认语言（名单“语言”列可按人改为 en）",
    "init.toml.roster": "员工名单：工号、姓名、居住证到期日、部门、邮箱……"
    "（表头见 README 的名单一节）",
    "init.toml.state": "数据库和日历订阅密钥所在目录：请定期备份",
    "init.toml.listen": "本机监听的地址和端口",
    "init.toml.base_url": "手机打开的地址：控制台、日历订阅、提醒里的确认链接",
    "init.toml.send_at": "每天发送提醒的时间",
    "init.toml.workdays_only": "周末和节假日不发，改在前一个工作日发",
    "init.toml.signature": "员工收到的消息以此落款",
    "init.toml.escalate": "逾期、无法按期办完、关键日期受影响时通知这里",
    "init.toml.smtp": "发信服务器，只写一次：下面每个邮件通道都用它",
    "init.toml.mail": "员工本人：每人自己的提醒，发到名单“邮箱”列的地址",
    "init.toml.hr": "人事邮箱（{groups}）：每次一封汇总，"
    "列出单位要办的步骤（续办申请、网上审核递交）",
    "init.toml.escalation": "升级联系人：新的逾期、无法按期办完和关键日期风险，每周再汇总一次",
    "init.toml.groups": "各部门的人事通道（部门即名单“部门”列的值）",
    "init.toml.no_hr": "{group}：没有人事邮箱，员工自己收到单位要办的步骤",
    # the roster template's example row and the sender's name
    "init.example.name": "张三",
    "init.example.group": "研发部",
    "init.example.points": "是",
    "init.example.sheet": "名单",
    "init.signature": "{org}人事部",
}
