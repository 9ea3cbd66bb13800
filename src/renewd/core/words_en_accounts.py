"""The admin's console words in English (issue 19): the accounts page, its refusals, the
whole-roster download, the roster problems of the channel columns, and `renewd init`'s group
robot for a department. Part of the English catalogue (`words_en.EN`); `words_zh_accounts` has
the same keys."""

from __future__ import annotations

ACCOUNTS_EN: dict[str, str] = {
    "console.accounts.role": "Access",
    "console.accounts.actions": "Actions",
    "console.accounts.you": " (you)",
    "console.accounts.groups": "Groups (separate several with commas)",
    "console.accounts.known": "Groups the roster and [groups] know: {groups}",
    "console.accounts.none_known": "The roster names no group yet.",
    "console.accounts.admin_box": "Admin (sees every group, manages accounts)",
    "console.accounts.add": "Add an account",
    "console.accounts.name": "Account name",
    "console.accounts.name_hint": "1-64 letters, digits, _ . @ -",
    "console.accounts.password": "Password (at least {n} characters; leave empty to generate one)",
    "console.accounts.create": "Create the account",
    "console.accounts.save": "Save access",
    "console.accounts.reset": "Reset password",
    "console.accounts.remove": "Remove",
    "console.accounts.remove_ask": "Remove the account {name}? It is signed out at once; this"
    " cannot be undone.",
    "console.accounts.remove_yes": "Remove it",
    "console.accounts.cancel": "Cancel",
    "console.accounts.added": "Account {name} created.",
    "console.accounts.scoped": "Access of {name} saved.",
    "console.accounts.was_reset": "Password of {name} reset; the account is signed out everywhere.",
    "console.accounts.removed": "Account {name} removed; it is signed out everywhere.",
    "console.accounts.generated": "The new password of {name} (shown this once; pass it on now):",
    "console.accounts.forbidden": "Only an admin manages accounts.",
    "console.accounts.bad_name": "Account name {name!r} is not valid: use 1-64 letters, digits,"
    " _ . @ -",
    "console.accounts.short_password": "The password must be at least {n} characters long",
    "console.accounts.unknown_group": "Unknown group {unknown}: the roster and [groups] know"
    " {known}",
    "console.accounts.no_scope": "Give the account at least one group, or make it admin",
    "console.accounts.exists": "An account named {name!r} exists already",
    "console.accounts.no_account": "No account named {name!r}",
    "console.accounts.last_admin": "{name} is the last admin and cannot be removed or demoted:"
    " make another account admin first",
    # the whole roster, for an admin (the roster page)
    "console.roster_download": "Download the whole roster",
    "console.roster_download_hint": "One file with every roster column (Bark and PushPlus keys"
    " included: keep it safe), under the template's headers; edit it and upload it back as it"
    " is. Progress recorded in the console or by a link is not in it.",
    "console.roster_download_held": "The roster has problems now: a person held back is in the"
    " file with his last good record, or not at all.",
    # roster problems of the channel columns, as the reader words them (renewd.roster.cells)
    "problem.robot_phone": "expected a user id, not a phone number (renewd stores no phone"
    " numbers; @-mentions use the DingTalk userid or the Feishu open_id/user_id)",
    "problem.robot_user": "expected one user id (letters, digits and _ - .; not a list)",
    "problem.push_key": "expected one key of 8-128 letters, digits, _ or - (the key alone, not a"
    " URL)",
    "problem.wecom_user": "expected one WeCom userid (letters, digits, _ - . @; not @all, not a"
    " list)",
    "problem.telegram": "expected a Telegram chat id (a number) or @username",
    "problem.upload_kind": "upload a {suffix} file to replace it",
    # renewd init: a department's group robot instead of an HR mailbox (commands/init_robots)
    "init.hr.robots": "For each department, give its HR mailbox, or the webhook address of its"
    " DingTalk, Feishu or WeCom group robot; a robot that signs takes its signing secret after"
    " the address, a space between.",
    "init.bad.robot": "not a group robot's address: expected DingTalk's"
    " https://oapi.dingtalk.com/robot/send?access_token=…, Feishu's"
    " https://open.feishu.cn/open-apis/bot/v2/hook/… or WeCom's"
    " https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… (a signing secret after a space;"
    " WeCom robots do not sign)",
    "init.robot.dingtalk": "DingTalk group robot",
    "init.robot.feishu": "Feishu group robot",
    "init.robot.wecom": "WeCom group robot",
    "init.toml.robot": "{kind} ({groups}): one digest per pass with the employer's steps,"
    " @-mentioning the people whose DingTalk/Feishu id the roster has",
    "init.toml.robot_secret": "The robot's keys are not in this file: they are in {files}"
    " (mode 0600)",
    "init.wrote.robot": "wrote a group robot's key to {path} (mode 0600: readable by this user"
    " only)",
}
