"""The console's words for the phone timeline and the home-screen app (issue 19), in English:
part of the English catalogue (`words_en.EN`)."""

from __future__ import annotations

PHONE_EN: dict[str, str] = {
    "console.earlier_steps": "Steps done or passed ({count})",
    "console.today_is": "Today, {day}",
    "console.next_step": "Next",
    "console.on_the_day": "today",
    "console.tomorrow": "tomorrow",
    "console.yesterday": "yesterday",
    "console.in_days": "in {days} days",
    "console.days_ago": "{days} days ago",
    "console.app_name": "Permit renewals · renewd",
    "console.app_about": "Reminders and progress of residence-permit and points renewals, for HR",
}
