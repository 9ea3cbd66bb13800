"""The console's words for the phone timeline and the home-screen app (issue 19), in Chinese:
part of the Chinese catalogue (`words_zh.ZH`)."""

from __future__ import annotations

PHONE_ZH: dict[str, str] = {
    "console.earlier_steps": "已完成或已过的步骤（{count}）",
    "console.today_is": "今天 {day}",
    "console.next_step": "下一步",
    "console.on_the_day": "今天",
    "console.tomorrow": "明天",
    "console.yesterday": "昨天",
    "console.in_days": "{days} 天后",
    "console.days_ago": "{days} 天前",
    "console.app_name": "居住证续办 · renewd",
    "console.app_about": "居住证与积分续办的提醒与进度，供人事使用",
}
