"""The console's words for what it refuses or keeps from happening twice (issue 18), in Chinese:
part of the Chinese catalogue (`words_zh.ZH`)."""

from __future__ import annotations

WEB_ZH: dict[str, str] = {
    "console.link_recorded": (
        "这一步已于 {day} 记录（{by}），无需再确认。日期如有误，请联系人事在控制台更正。"
    ),
    "console.link_expiry_done": "谢谢！新的居住证到期日已记录。",
    "console.link_expiry_ask": "如已知道新居住证的到期日，可在此补填（只能填一次）：",
    "console.actor.roster": "名单",
    "console.change.changed": "改日期",
    "console.change_date": "改日期",
    "console.upload_quota": (
        "已有 {count} 份上传的名单等待确认。请先确认其中一份；未确认的上传 1 小时后自动删除。"
    ),
    "problem.dot_id": "工号不能是“{id}”：网址会把它当作目录，无法打开此人的页面。请填写员工编号。",
}
