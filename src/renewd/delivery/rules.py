"""The rules a delivery pass follows, from the settings: lead days and cadence
(`renewd.core.schedule.LeadRules`), and the move of a fire date to a working day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from renewd.core.schedule import LeadRules
from renewd.core.workdays import WorkdayCalendar
from renewd.settings import Settings
from renewd.settings_notify import WEEKDAYS, NotifySettings


def rules_from(notify: NotifySettings, grace_days: int) -> LeadRules:
    escalate = bool(notify.escalate_to)
    return LeadRules(
        default=notify.lead_days,
        by_kind=notify.points_leads(),
        by_step=notify.step_leads(),
        by_person=notify.lead_days_by_person,
        overdue_every_days=notify.overdue_every_days,
        overdue_weekly_after_days=notify.overdue_weekly_after_days,
        grace_days=grace_days,
        critical_leads=notify.critical_lead_days,
        summary_weekday=WEEKDAYS.index(notify.escalation_summary_day) if escalate else None,
    )


def workday_move(
    settings: Settings, calendar: WorkdayCalendar
) -> Callable[[dt.date], dt.date] | None:
    """With `notify.workdays_only`: a fire date moved to the previous working day."""
    if not settings.notify.workdays_only:
        return None
    return lambda day: calendar.last_workday(day).date
