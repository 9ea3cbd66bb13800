"""The wording catalogue: every sentence renewd says about a renewal, per language, as plain text.

Messages, digests, feeds and the CLI take their words from here, so a step is called the same
thing everywhere and the two languages cannot drift apart (a test checks that both catalogues
have the same keys). Nothing here knows about markup: channels escape at their own edge.

Each step has one owner (docs/design.md §7, `[policy.owners]`) and is worded for its reader
(`Role`):
- ACT: the reader does it (the holder for his own steps, HR for the employer's);
- ASK_HR: an employer step heard by a holder who has no HR channel ("ask your HR to ...");
- INFORM: a waiting step or a date to know; nobody is asked to act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum

from renewd.core.leads import days_before
from renewd.core.model import Lang, MilestoneKind, Status
from renewd.core.words_en import EN
from renewd.core.words_zh import ZH

K = MilestoneKind


class Role(StrEnum):
    ACT = "act"
    ASK_HR = "ask_hr"
    INFORM = "inform"


# The renewal chain in the order it happens: messages list steps in this order.
CHAIN_ORDER: tuple[MilestoneKind, ...] = tuple(MilestoneKind)
# Heads-ups: a day to know, never "overdue".
HEADS_UP = frozenset({K.PREPARE, K.PERMIT_WINDOW})
# Waits and dates: both hear of them, nobody acts.
INFORM_ONLY = frozenset({K.POINTS_APPROVAL, K.EXPIRY, K.PERMIT_WINDOW})
POINTS_STEPS = frozenset(
    {K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION, K.POINTS_APPROVAL, K.COLLECT_NOTICE}
)

CATALOGUE: Mapping[Lang, Mapping[str, str]] = {Lang.ZH: ZH, Lang.EN: EN}
# The policy whose words the steps take: a policy-specific key starts with it
# (`shanghai-points.permit_renewal.title`), so another policy pack adds keys beside these.
POLICY = "shanghai-points"


def policy_key(kind: MilestoneKind, part: str) -> str:
    """The catalogue key of `part` ("title", "short", "do", "ask", "info", "feed") of a step."""
    return f"{POLICY}.{kind.value}.{part}"


def say(lang: Lang, key: str, **values: object) -> str:
    """The catalogue's sentence `key` in `lang`, filled in with `values`; with `n` = 1 its
    singular `key.one` where the catalogue has one ("1 day left", not "1 days left")."""
    words = CATALOGUE[lang]
    if values.get("n") == 1 and f"{key}.one" in words:
        key = f"{key}.one"
    return words[key].format(**values)


def say_for(lang: Lang, key: str, points: bool, **values: object) -> str:
    """`say`, in the words for a person without points (`key.permit`) where there are some."""
    if not points and f"{key}.permit" in CATALOGUE[lang]:
        key = f"{key}.permit"
    return say(lang, key, **values)


def step_name(kind: MilestoneKind, lang: Lang, points: bool = True) -> str:
    """The step's full name (messages, feeds, the CLI); for a person without points
    (`has_points = false`) without "points"."""
    return say_for(lang, policy_key(kind, "title"), points)


def short_name(kind: MilestoneKind, lang: Lang) -> str:
    """The step's short label (dates-moved notes, the console's tables)."""
    return say(lang, policy_key(kind, "short"))


def step_names(kind: MilestoneKind) -> frozenset[str]:
    """Every name the product shows for `kind`, in every language (what `renewd done` accepts)."""
    keys = [policy_key(kind, "title"), f"{policy_key(kind, 'title')}.permit"]
    keys.append(policy_key(kind, "short"))
    return frozenset(c[k] for c in CATALOGUE.values() for k in keys if k in c)


def capital(text: str) -> str:
    """`text` with a capital first letter (a line that starts with an English step name)."""
    return text[:1].upper() + text[1:]


def status_name(status: Status, lang: Lang) -> str:
    return say(lang, "status.done_" if status is Status.DONE else f"status.{status.value}")


def date(day: dt.date, lang: Lang) -> str:
    """2027-01-19（周二） / 2027-01-19 (Tue)."""
    return day.isoformat() + say(lang, "weekday", w=say(lang, "weekdays").split()[day.weekday()])


def days_left(kind: MilestoneKind, due: dt.date, today: dt.date, lang: Lang) -> str:
    """How far the step's date is, in words that never call a heads-up overdue."""
    n = (due - today).days
    overdue_wait = kind is MilestoneKind.POINTS_APPROVAL and n < 0  # it did not come: overdue
    if (kind in HEADS_UP or kind in INFORM_ONLY) and not overdue_wait:
        if n > 0:
            return say(lang, "left.headsup.future", n=n)
        if n == 0:
            return say(lang, "left.headsup.today", date=due)
        past = f"left.past.{kind.value}"  # "expired on", not "began on"
        return say(lang, past if past in CATALOGUE[lang] else "left.headsup.past", date=due)
    if n > 0:
        return say(lang, "left.days", n=n)
    return say(lang, "left.today") if n == 0 else say(lang, "left.over", n=-n)


def day_span(days: Iterable[dt.date], lang: Lang) -> str:
    """Missed days as "2026-12-02 至 2026-12-04" (consecutive) or a list."""
    ordered = sorted(days)
    if not ordered:
        return ""
    if len(ordered) == 1:
        return ordered[0].isoformat()
    consecutive = (ordered[-1] - ordered[0]).days == len(ordered) - 1
    if consecutive:
        return say(lang, "days.range", a=ordered[0].isoformat(), b=ordered[-1].isoformat())
    return say(lang, "p.list").join(d.isoformat() for d in ordered)


def lead_text(lead: int, lang: Lang) -> str:
    """A reminder's lead for people: "60 days before", "6 days after the due date"."""
    lead = days_before(lead)  # a moved step's dated key (`leads.dated_lead`)
    if lead > 0:
        return say(lang, "lead.before", n=lead)
    return say(lang, "lead.on") if lead == 0 else say(lang, "lead.after", n=-lead)


def years_text(years: Iterable[int], lang: Lang) -> str:
    joined = [str(y) for y in sorted(set(years))]
    return say(lang, "p.and").join(joined)
