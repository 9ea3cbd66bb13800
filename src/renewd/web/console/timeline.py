"""A person's chain as an inline SVG picture on the working-day calendar, drawn on the server.

One column per day: rest days shaded grey, make-up working days (a weekend that is worked)
shaded amber, today a blue line, the milestones as dots coloured by status with their names, and
a projected gap in points validity (after the permit expires) as a red band.

The points' chain (`timeline_svg`) and each other document's (`document_svg`, docs/packs.md) are
drawn by the same `chain_svg` from their marks: a document's steps in the pack's words, and each
hard cut-off as a mark of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from renewd.core.documents import DocumentPlan
from renewd.core.model import Lang, PersonPlan, Status
from renewd.core.wording import say
from renewd.core.workdays import WorkdayCalendar
from renewd.web.console.i18n import document_step_name, step_name, word
from renewd.web.console.steplist import next_document_step, next_step

WIDTH = 960
TOP = 28  # the month labels above the day columns
BAND = 70  # the day columns' height
LABEL_ROW = 19  # a label's box is about 1.45 em high (the CJK fonts' ascent and descent)
FONT = 12  # the labels' size, in the picture's units (console.css: .timeline)
MONTH_GAP = 56  # room for a month label ("2026-06") before the next
COLOURS = {
    Status.DONE: "#2e7d32",
    Status.OVERDUE: "#c62828",
    Status.DUE: "#ef6c00",
    Status.OPEN: "#1565c0",
    Status.UPCOMING: "#607d8b",
}


CUTOFF_COLOUR = "#6a1b9a"


@dataclass(frozen=True)
class Mark:
    """One dot of a chain: its label, day and colour; `next` for the next step."""

    name: str
    day: dt.date
    colour: str
    provisional: bool = False
    next: bool = False


def _range(days: Sequence[dt.date], today: dt.date) -> tuple[dt.date, dt.date]:
    days = [*days, today]
    return min(days) - dt.timedelta(days=5), max(days) + dt.timedelta(days=5)


def text_width(text: str, size: float = FONT) -> float:
    """About how wide `text` is drawn: a Chinese character is a square, the rest narrower (a
    little over, so that a label estimated to fit does)."""
    return sum(size if ord(char) > 0x2E7F else size * 0.62 for char in text)


def _placed(anchor_x: float, text: str, gap: float = 6) -> tuple[float, str]:
    """Where a label beside the point `anchor_x` starts and its anchor: to the right of the
    point if it fits in the picture, else to its left, else held inside the picture."""
    width = text_width(text)
    if anchor_x + gap + width <= WIDTH:
        return anchor_x + gap, "start"
    if anchor_x - gap - width >= 0:
        return anchor_x - gap, "end"
    return max(0.0, WIDTH - width), "start"


def timeline_svg(plan: PersonPlan, today: dt.date, calendar: WorkdayCalendar, lang: Lang) -> str:
    """The points' chain (`chain_svg`), with the projected gap in points validity."""
    following = next_step(plan)
    marks = [
        Mark(step_name(m.kind, lang), m.due, COLOURS[m.status], m.provisional, m is following)
        for m in sorted(plan.milestones, key=lambda m: m.due)
    ]
    gap = None
    if plan.gap_days and plan.projected_approval:
        gap = (plan.cycle + dt.timedelta(days=1), plan.projected_approval, plan.gap_days)
    extra = [plan.projected_approval] if plan.projected_approval else []
    return chain_svg(marks, today, calendar, lang, gap, extra)


def document_svg(doc: DocumentPlan, today: dt.date, calendar: WorkdayCalendar, lang: Lang) -> str:
    """A document's chain (`chain_svg`): its steps in the pack's words, each hard cut-off a
    mark of its own."""
    following = next_document_step(doc)
    marks: list[Mark] = []
    for s in doc.plan.steps:
        name = document_step_name(doc.pack, s.kind, lang)
        marks.append(Mark(name, s.due, COLOURS[s.status], s.provisional, s is following))
        if s.cutoff is not None:
            label = say(lang, "docview.cutoff", date="").strip()
            marks.append(Mark(f"{name} · {label}", s.cutoff, CUTOFF_COLOUR))
    marks.sort(key=lambda m: m.day)
    gap = None
    if doc.plan.gap_days and doc.plan.projected:
        gap = (doc.plan.cycle + dt.timedelta(days=1), doc.plan.projected, doc.plan.gap_days)
    extra = [doc.plan.projected] if doc.plan.projected else []
    return chain_svg(marks, today, calendar, lang, gap, extra, ids=f"tl-{doc.pack.name}")


def chain_svg(
    marks: Sequence[Mark],
    today: dt.date,
    calendar: WorkdayCalendar,
    lang: Lang,
    gap: tuple[dt.date, dt.date, int] | None = None,
    extra: Sequence[dt.date] = (),
    ids: str = "tl",
) -> str:
    """The SVG markup (safe to embed: every text is escaped). Every label is a `tl-label`: each
    mark's on a row of its own, inside the picture, drawn after every line and dot so that
    its halo keeps it legible where a leader line crosses it. `gap`: a lapse (first day, last
    day, days) drawn as a red band."""
    start, end = _range([*(m.day for m in marks), *extra], today)
    span = (end - start).days + 1
    step = WIDTH / span

    def x(day: dt.date) -> float:
        return round((day - start).days * step, 1)

    height = TOP + BAND + LABEL_ROW * (len(marks) + 1) + 8
    out = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' xmlns="http://www.w3.org/2000/svg" aria-label="{escape(word("timeline", lang))}">',
        f'<rect x="0" y="{TOP}" width="{WIDTH}" height="{BAND}" fill="#fafafa"/>',
    ]
    labels: list[str] = []
    month_x = -float(MONTH_GAP)
    day = start
    while day <= end:
        workday = calendar.is_workday(day)
        weekend = day.weekday() >= 5
        fill = None
        if not workday:
            fill = "#d7dbe0"
        elif weekend:
            fill = "#ffcc80"  # a make-up working day
        if fill:
            out.append(
                f'<rect x="{x(day)}" y="{TOP}" width="{round(step, 2)}" height="{BAND}"'
                f' fill="{fill}"/>'
            )
        labelled = day.day == 1 or (day == start and start.day < 15)
        if labelled and x(day) - month_x >= MONTH_GAP and x(day) < WIDTH - MONTH_GAP:
            month_x = x(day)
            out.append(
                f'<line x1="{x(day)}" y1="{TOP - 6}" x2="{x(day)}" y2="{TOP + BAND}"'
                ' stroke="#9e9e9e" stroke-width="1"/>'
            )
            labels.append(
                f'<text x="{x(day) + 2}" y="{TOP - 10}" class="month tl-label">{day:%Y-%m}</text>'
            )
        day += dt.timedelta(days=1)
    if gap is not None:
        first, last, days = gap
        gx = x(first)
        gw = max(step, x(last) - gx + step)
        out.append(
            f'<rect x="{gx}" y="{TOP + BAND - 14}" width="{round(gw, 1)}" height="14"'
            f' fill="#e53935" opacity="0.85"><title>'
            f"{escape(word('gap', lang, days=days))}</title></rect>"
        )
    if start <= today <= end:
        tx = x(today) + step / 2
        now = word("today", lang)
        lx, anchor = _placed(tx, now, gap=3)
        out.append(
            f'<line x1="{tx}" y1="{TOP - 4}" x2="{tx}" y2="{height - 4}" stroke="#1e88e5"'
            f' stroke-width="2" class="today-mark" id="{ids}-today"/>'
        )
        labels.append(
            f'<text x="{lx}" y="{height - 6}" text-anchor="{anchor}" class="today tl-label">'
            f"{escape(now)}</text>"
        )
    dots = []
    for number, milestone in enumerate(marks):
        cx = x(milestone.day) + step / 2
        colour = milestone.colour
        label_y = TOP + BAND + LABEL_ROW * (number + 1)
        name = milestone.name
        text = f"{name} {milestone.day:%m-%d}{'*' if milestone.provisional else ''}"
        lx, anchor = _placed(cx, text)
        mark = f' class="tl-label next" id="{ids}-next"' if milestone.next else ' class="tl-label"'
        out.append(
            f'<line x1="{cx}" y1="{TOP + 8}" x2="{cx}" y2="{label_y - 4}" stroke="{colour}"'
            ' stroke-width="1" stroke-dasharray="2 2"/>'
        )
        dots.append(
            f'<circle cx="{cx}" cy="{TOP + 8 + (number % 4) * 14}" r="5" fill="{colour}">'
            f"<title>{escape(name)} {milestone.day.isoformat()}</title></circle>"
        )
        labels.append(
            f'<text x="{lx}" y="{label_y}" text-anchor="{anchor}" fill="{colour}"{mark}>'
            f"{escape(text)}</text>"
        )
    out += dots
    out += labels
    out.append("</svg>")
    return "".join(out)
