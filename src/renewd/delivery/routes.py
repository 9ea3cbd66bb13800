"""The routes of a delivery pass: the channels in force and the configured routes, as the pure
routing (`renewd.core.routing`) sees them (every decision of who hears what is made there); the
name its letters to holders sign with; and where rows waiting on a removed channel go."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from email.utils import parseaddr

from renewd.channels.base import Channel
from renewd.channels.settings import ChannelType
from renewd.core.model import PersonPlan
from renewd.core.reminders import DigestKey, MessageKey, ReminderKey
from renewd.core.routing import Routes, rerouted
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.delivery_rows import DeliveryRow, NewDelivery
from renewd.store.reroutes import reroute

log = logging.getLogger(__name__)


def signature_of(settings: Settings) -> str | None:
    """How letters to holders sign: `[notify] signature`, else the display name of the first
    email channel's sender ("人事部 <hr@example.com>" signs 人事部), else not at all."""
    if settings.notify.signature:
        return settings.notify.signature.strip() or None
    for channel in settings.channels:
        sender = getattr(channel, "sender", None)
        if channel.type is ChannelType.EMAIL and sender:
            name = parseaddr(sender)[0].strip()
            return name or None
    return None


def routes_of(settings: Settings, channels: Mapping[str, Channel]) -> Routes:
    """The channels and the configured routes, as the pure routing sees them."""
    return Routes(
        channels=tuple(c.route() for c in channels.values()),
        groups={g: conf.channels for g, conf in settings.groups.items()},
        escalate_to=settings.notify.escalate_to,
        owners=settings.policy.core().owners,
    )


def reroute_waiting(
    db: Database,
    settings: Settings,
    channels: Mapping[str, Channel],
    rows: Sequence[DeliveryRow],
    plans: Sequence[PersonPlan],
    stamp: Callable[[], float],
) -> bool:
    """Rows waiting on a channel that was renamed or removed go to the person's current
    channels (a digest: to the group's, or the escalation's), instead of dying there."""
    people = {p.person.id: p.person for p in plans}
    routes = routes_of(settings, channels)
    moved = False
    for row in rows:
        if row.channel in channels:
            continue
        subject = row.subject
        targets: Sequence[tuple[str, str]] = ()
        if isinstance(subject, ReminderKey | MessageKey) and subject.person in people:
            targets = rerouted(people[subject.person], None, False, routes)
        elif isinstance(subject, DigestKey) and subject.channel is None:
            targets = rerouted(None, subject.group or "", subject.escalation, routes)
        if not targets:
            continue  # nowhere else to go: it fails and shows as dead, not lost silently
        new = [
            NewDelivery(subject, row.part, name, to, row.message, row.late, row.items)
            for name, to in targets
        ]
        where = ", ".join(name for name, _ in targets)
        reason = f"channel {row.channel} is no longer configured; re-routed to {where}"
        reroute(db, row, new, stamp(), reason)
        log.info("delivery %d: %s", row.id, reason)
        moved = True
    return moved
