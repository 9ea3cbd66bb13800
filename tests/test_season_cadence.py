"""A season's cadence (issue 17, items 2, 4 and 7), read from the inboxes of a real SMTP server
after daily `renewd notify --due` passes over weeks: overdue repeats slow to weekly, the first
contact stands in for the next day's repeat of itself, the escalation channel hears each fact
once plus a weekly summary, and a finished cycle is told once."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from netkit import Sink
from seasonkit import HOLDER, config, gaps, season

pytestmark = pytest.mark.integration

# Permit expiry 2027-01-20: the permit step is due 2027-01-04, the grace period ends 2027-03-21.
PERMIT_DUE = dt.date(2027, 1, 4)
ZHANG = "1001,张三,研发部,2027-01-20,,是,zhang@example.com"


def test_overdue_repeats_come_every_two_days_then_weekly(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port, [ZHANG])
    inbox = season(sink, path, "2027-01-03", "2027-02-10")[HOLDER]
    overdue = [m for m in inbox if "居住证签注（续签）（已逾期" in m.subject]
    said = [int(re.findall(r"已逾期 (\d+) 天", m.subject)[0]) for m in overdue]
    assert said == [2, 4, 6, 13, 20, 27, 34]
    assert gaps(overdue) == [2, 2, 7, 7, 7, 7]
    for mail, n in zip(overdue, said, strict=True):  # each says how late it is, truly
        assert (mail.day - PERMIT_DUE).days == n
