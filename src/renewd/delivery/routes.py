"""The routes of a delivery pass: the channels in force and the configured routes, as the pure
routing (`renewd.core.routing`) sees them (every decision of who hears what is made there); and
the name its letters to holders sign with."""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parseaddr

from renewd.channels.base import Channel
from renewd.channels.settings import ChannelType
from renewd.core.routing import Routes
from renewd.settings import Settings


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
