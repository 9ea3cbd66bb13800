"""SMTP once: the `[smtp]` table that email channels inherit (issue 19).

An HR setup reaches employees, HR's mailboxes and an escalation contact through one SMTP server;
`[smtp]` says `host`, `port`, `mode`, `user`, `sender` and the secret `password` once, and each
email channel keeps only its role (personal, or `to` for a group). The rule, per channel:

- an email channel without a `host` of its own takes every `[smtp]` key it does not set itself
  (its own `sender`, `port` or password still win, key by key);
- an email channel with its own `host` is a server of its own and takes nothing, so a password
  meant for the shared server never goes to another one (and every configuration written before
  `[smtp]` existed loads as it did).

The password comes from `$CREDENTIALS_DIRECTORY/smtp.password` or `RENEWD_SMTP_PASSWORD`
(`renewd.credentials`), which is why no channel may be named `smtp`
(`renewd.channels.settings.RESERVED_NAMES`): its password would be the same credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from renewd.channels.settings import ChannelType, key_error

SMTP = "smtp"  # the table, and the credential name of its password (`smtp.password`)
INHERITED = ("host", "port", "mode", "user", "sender", "password")


class SmtpSettings(BaseModel):
    """The shared SMTP server. `host` and a `sender` (or `user`) are required, as for an email
    channel; the port defaults by mode (465 ssl, 587 starttls, 25 plain)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    mode: Literal["ssl", "starttls", "plain"] = "ssl"
    user: str | None = None
    sender: str | None = None
    password: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _sender(self) -> SmtpSettings:
        if not (self.sender or self.user):
            raise key_error(
                type(self).__name__, ["sender"], "[smtp] needs a `sender` (or a `user`)"
            )
        return self


def _table(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, SmtpSettings):
        return value.model_dump(exclude_unset=True)
    return value if isinstance(value, Mapping) else None


def inherit_smtp(data: Any) -> Any:
    """`data` (the raw configuration) with each email channel that has no `host` of its own
    filled in from `[smtp]`, its own keys kept."""
    if not isinstance(data, Mapping):
        return data
    table = _table(data.get(SMTP))
    channels = data.get("channels")
    if table is None or not isinstance(channels, list | tuple):
        return data
    shared = {key: table[key] for key in INHERITED if table.get(key) is not None}
    filled = [{**shared, **channel} if _inherits(channel) else channel for channel in channels]
    return {**data, "channels": filled}


def _inherits(channel: Any) -> bool:
    return (
        isinstance(channel, Mapping)
        and channel.get("type") == ChannelType.EMAIL.value
        and not channel.get("host")
    )
