"""The admin's console words in Chinese (issue 19): the accounts page, its refusals (the reasons
`renewd.store.accounts.AccountProblem` names), the whole-roster download, and the roster
problems of the channel columns (钉钉, 飞书, Bark, PushPlus); and `renewd init`'s group robot
for a department. Part of the Chinese catalogue (`words_zh.ZH`)."""

from __future__ import annotations

ACCOUNTS_ZH: dict[str, str] = {
    "console.accounts.role": "权限",
    "console.accounts.actions": "操作",
    "console.accounts.you": "（你）",
    "console.accounts.groups": "部门（多个用逗号分隔）",
    "console.accounts.known": "名单和 [groups] 中的部门：{groups}",
    "console.accounts.none_known": "名单中还没有部门。",
    "console.accounts.admin_box": "管理员（查看全部部门、管理账号）",
    "console.accounts.add": "添加账号",
    "console.accounts.name": "账号名",
    "console.accounts.name_hint": "1–64 个字母、数字或 _ . @ -",
    "console.accounts.password": "密码（至少 {n} 个字符；留空则自动生成）",
    "console.accounts.create": "创建账号",
    "console.accounts.save": "保存权限",
    "console.accounts.reset": "重置密码",
    "console.accounts.remove": "删除",
    "console.accounts.remove_ask": "确定删除账号 {name}？该账号将立即退出登录，且无法恢复。",
    "console.accounts.remove_yes": "确认删除",
    "console.accounts.cancel": "取消",
    "console.accounts.added": "已创建账号 {name}。",
    "console.accounts.scoped": "已更新账号 {name} 的权限。",
    "console.accounts.was_reset": "已重置账号 {name} 的密码，该账号已退出所有登录。",
    "console.accounts.removed": "已删除账号 {name}，该账号已退出所有登录。",
    "console.accounts.generated": "账号 {name} 的新密码（只显示这一次，请现在转交给本人）：",
    "console.accounts.forbidden": "只有管理员可以管理账号。",
    "console.accounts.bad_name": "账号名“{name}”无效：只能用 1–64 个字母、数字或 _ . @ -",
    "console.accounts.short_password": "密码至少需要 {n} 个字符",
    "console.accounts.unknown_group": "未知部门：{unknown}。名单和 [groups] 中的部门有：{known}",
    "console.accounts.no_scope": "请至少填写一个部门，或设为管理员",
    "console.accounts.exists": "已有名为“{name}”的账号",
    "console.accounts.no_account": "没有名为“{name}”的账号",
    "console.accounts.last_admin": "{name} 是最后一个管理员，不能删除或取消其管理员权限："
    "请先把另一个账号设为管理员",
    # the whole roster, for an admin (the roster page)
    "console.roster_download": "下载完整名单",
    "console.roster_download_hint": "一个文件，包含名单的全部列（含 Bark、PushPlus 密钥，"
    "请妥善保管），表头与名单模板相同，修改后可直接上传。不含在控制台或确认链接中记录的进度。",
    "console.roster_download_held": "名单目前有问题：有问题的人员按其上次正确的记录导出，"
    "或不在文件中。",
    # roster problems of the channel columns, as the reader words them in English
    "problem.robot_phone": "应填钉钉 userid 或飞书 open_id/user_id，不能填手机号"
    "（renewd 不保存手机号）",
    "problem.robot_user": "应填一个用户 ID（字母、数字及 _ - .，不能填多个）",
    "problem.push_key": "应填一个 8–128 位的密钥（字母、数字、_ 或 -），只填密钥本身，不要填网址",
    "problem.wecom_user": "应填一个企业微信 userid（字母、数字及 _ - . @，不能填 @all 或多个）",
    "problem.telegram": "应填 Telegram 的 chat id（数字）或 @用户名",
    "problem.upload_kind": "请上传 {suffix} 文件来替换它",
    # renewd init: a department's group robot instead of an HR mailbox (commands/init_robots)
    "init.hr.robots": "每个部门可填人事邮箱，也可填群机器人（钉钉、飞书、企业微信）的"
    " Webhook 地址；机器人开启了加签（签名校验）的，在地址后空一格再填密钥。",
    "init.bad.robot": "不是可用的群机器人地址：应为钉钉 https://oapi.dingtalk.com/robot/send?"
    "access_token=…、飞书 https://open.feishu.cn/open-apis/bot/v2/hook/… 或企业微信 "
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…（加签密钥在地址后空一格；"
    "企业微信机器人没有加签）",
    "init.robot.dingtalk": "钉钉群机器人",
    "init.robot.feishu": "飞书群机器人",
    "init.robot.wecom": "企业微信群机器人",
    "init.toml.robot": "{kind}（{groups}）：每次一条汇总，列出单位要办的步骤，"
    "并 @ 名单里填了钉钉/飞书 ID 的本人",
    "init.toml.robot_secret": "机器人的密钥不写在本文件里，在 {files}（权限 0600）",
    "init.wrote.robot": "已写入群机器人密钥 {path}（权限 0600，只有本用户可读）",
}
