"""The person timeline's layout without a browser (issue 19 item 5): in the day-column picture
every label stays inside it and clear of the others, however long the span or close the steps;
the phone's list folds what is behind, puts today before what is to come and marks one next
step. (tests/test_console_phone.py measures the same in Chromium.)"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import person
from renewd.core.model import Lang, Progress, Status
from renewd.core.plan import Planner
from renewd.core.workdays import WorkdayCalendar
from renewd.web.console.steplist import next_step, step_list
from renewd.web.console.timeline import FONT, WIDTH, text_width, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
Box = tuple[str, float, float, float, float]  # text, left, top, right, bottom


def label_boxes(svg: str) -> list[Box]:
    """Each label's box as drawn: from its anchor and the width `text_width` allows for it."""
    boxes = []
    for text in ET.fromstring(svg).iter(f"{SVG}text"):
        assert "tl-label" in (text.get("class") or "")
        content = text.text or ""
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        width = text_width(content)
        left = x - width if text.get("text-anchor") == "end" else x
        boxes.append((content, left, y - FONT * 1.16, left + width, y + FONT * 0.29))
    return boxes


def clashes(boxes: list[Box]) -> list[tuple[str, str]]:
    found = []
    for i, (a, l1, t1, r1, b1) in enumerate(boxes):
        for b, l2, t2, r2, b2 in boxes[i + 1 :]:
            if min(r1, r2) - max(l1, l2) > 0 and min(b1, b2) - max(t1, t2) > 0:
                found.append((a, b))
    return found


@settings(max_examples=60, deadline=None)
@given(
    expires=st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    offset=st.integers(-900, 400),
    lang=st.sampled_from(list(Lang)),
    renewed=st.booleans(),
)
def test_labels_stay_inside_the_picture_and_clear_of_each_other(
    planner: Planner,
    calendar: WorkdayCalendar,
    expires: dt.date,
    offset: int,
    lang: Lang,
    renewed: bool,
) -> None:
    today = expires + dt.timedelta(days=offset)
    renewed_on = expires - dt.timedelta(days=20)
    progress = Progress(permit_renewed_on=renewed_on) if renewed else Progress()
    plan = planner.plan(person(permit_expires=expires, progress=progress), today)
    svg = timeline_svg(plan, today, calendar, lang)
    boxes = label_boxes(svg)
    assert all(left >= 0 and right <= WIDTH for _, left, _, right, _ in boxes), boxes
    assert clashes(boxes) == []
    assert svg.count('class="tl-label next"') == (next_step(plan) is not None)


def test_month_labels_thin_out_over_a_long_span(
    planner: Planner, calendar: WorkdayCalendar
) -> None:
    plan = planner.plan(person(permit_expires=dt.date(2027, 6, 30)), dt.date(2025, 1, 6))
    svg = timeline_svg(plan, dt.date(2025, 1, 6), calendar, Lang.EN)
    months = [b for b in label_boxes(svg) if b[0][:2] == "20"]
    assert 8 < len(months) < 30  # not one for each of the 30 months: they would overlap
    assert clashes(months) == []


def test_the_phone_list_folds_what_is_behind_and_opens_on_today(planner: Planner) -> None:
    today = dt.date(2026, 12, 7)
    recorded = Progress(permit_renewed_on=dt.date(2026, 12, 1))
    plan = planner.plan(person(permit_expires=dt.date(2027, 1, 20), progress=recorded), today)
    steps = step_list(plan, today, Lang.ZH)
    assert steps.earlier
    assert all(e.status == Status.DONE.value for e in steps.earlier)
    keys = [e.key for e in steps.entries]
    assert keys.count("today") == 1
    following = [e for e in steps.entries if e.next]
    assert len(following) == 1
    assert keys.index("today") < keys.index(following[0].key)
    assert following[0].day >= today
    days = [e.day for e in steps.entries]
    assert days == sorted(days)
    whens = {e.key: e.when for e in steps.entries}
    assert whens["today"] == ""
    assert whens[following[0].key] == f"{(following[0].day - today).days} 天后"


def test_overdue_steps_come_before_today_and_the_first_is_next(planner: Planner) -> None:
    today = dt.date(2026, 12, 7)
    plan = planner.plan(person(permit_expires=dt.date(2026, 12, 1)), today)
    steps = step_list(plan, today, Lang.EN)
    keys = [e.key for e in steps.entries]
    overdue = [e for e in steps.entries if e.status == Status.OVERDUE.value]
    assert overdue
    assert all(keys.index(e.key) < keys.index("today") for e in overdue)
    assert overdue[0].next
    assert "gap" in keys  # the projected gap in points validity, in its place
    assert overdue[0].when.endswith("days ago")
