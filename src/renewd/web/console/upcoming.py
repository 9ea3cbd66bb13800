"""The "upcoming messages" of the overview and a person's page: what the coming days' passes would
send if nobody acts (`renewd.calendar.preview`, through the console's source).

A group-limited account asks only for its groups' readers, so the passes plan only their people:
it never sees another group's messages, nor another group's lines in a shared digest. The
source computes it off the event loop and keeps it until the plans or the state change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from renewd.calendar.preview import Readers, Received
from renewd.core.model import Lang
from renewd.core.wording import date
from renewd.redaction import MASK
from renewd.web.console.i18n import word
from renewd.web.console.source import ConsoleSource

log = logging.getLogger(__name__)

OVERVIEW_DAYS = 14
PERSON_DAYS = 28


async def upcoming(source: ConsoleSource, readers: Readers, days: int) -> Sequence[Received] | None:
    """The readers' coming messages, in day order; None when they cannot be computed (logged)."""
    try:
        return await asyncio.to_thread(source.upcoming, readers, days)
    except Exception:  # a page still shows the rest; the log keeps why
        log.exception("the upcoming messages could not be computed")
        return None


def rows(
    received: Sequence[Received] | None,
    names: Mapping[str, str],
    lang: Lang,
    hidden: frozenset[str] = frozenset(),
) -> list[dict[str, str]] | None:
    """Each message as the page lists it: its day, its reader (channel → recipient, and whose
    message or a digest) and its text. A recipient on a `hidden` channel (a Bark device key, a
    PushPlus token) is a secret: ***."""
    if received is None:
        return None
    out = []
    for r in received:
        to = r.recipient or word("upcoming_configured", lang)
        if r.recipient and r.channel in hidden:
            to = MASK
        if r.person is None:
            whose = word("upcoming_digest", lang, people=len(r.people))
        else:
            whose = names.get(r.person, r.person)
        out.append(
            {
                "day": date(r.day, lang),
                "reader": f"{r.channel} → {to}",
                "whose": whose,
                "title": r.title,
                "body": r.body,
            }
        )
    return out
