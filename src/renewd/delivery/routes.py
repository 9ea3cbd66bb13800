"""The routes of a delivery pass: the channels in force and the configured routes, as the pure
routing (`renewd.core.routing`) sees them. Every decision of who hears what is made there."""

from __future__ import annotations

from collections.abc import Mapping

from renewd.channels.base import Channel
from renewd.core.routing import Routes
from renewd.settings import Settings


def routes_of(settings: Settings, channels: Mapping[str, Channel]) -> Routes:
    """The channels and the configured routes, as the pure routing sees them."""
    return Routes(
        channels=tuple(c.route() for c in channels.values()),
        groups={g: conf.channels for g, conf in settings.groups.items()},
        escalate_to=settings.notify.escalate_to,
        owners=settings.policy.core().owners,
    )
