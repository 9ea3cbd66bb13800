"""The `[console]` settings (docs/design.md §16) and the loopback test behind `check`'s warning."""

from __future__ import annotations

import ipaddress
import urllib.parse

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ConsoleSettings(BaseModel):
    """The console's sign-in (docs/design.md §12)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_hours: float = Field(default=12, gt=0, le=24 * 90)
    # A reverse proxy's user header (single sign-on), trusted only from `trusted_proxies`.
    trusted_proxy_header: str | None = None
    trusted_proxies: tuple[str, ...] = ()

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not an IP address or network") from None
        return values


def is_loopback(url: str) -> bool:
    """True when `url` names this machine only (127.0.0.0/8, ::1, localhost)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
