"""Channel settings: one model per channel `type`, a discriminated union validated by
`renewd.settings.load_settings` like every other key, so a channel missing its host or its secret
is a configuration error naming the file and the channel before any channel is built.

Secrets (`password`, `bot_token`, `robot_key`, `secret`, `url`, `device_key`, `send_key`,
`token`) are filled in by the settings loader from the credentials directory or the environment
before validation; they never appear in a `repr`. The types Chinese offices use besides WeCom
(DingTalk, Feishu/Lark, Bark, Server酱, PushPlus) are in `renewd.channels.settings_cn`; every
type's model is in the union `renewd.channels.kinds.ChannelSettings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from renewd.core.routing import AddressField, ChannelRoute, Scope


class ChannelType(StrEnum):
    EMAIL = "email"
    TELEGRAM = "telegram"
    WECOM = "wecom"
    APPRISE = "apprise"
    CONSOLE = "console"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"
    BARK = "bark"
    SERVERCHAN = "serverchan"
    PUSHPLUS = "pushplus"


SECRET_KEYS = (
    "password",
    "bot_token",
    "robot_key",
    "secret",
    "url",
    "device_key",
    "send_key",
    "token",
)
WECOM_APP_KEYS = ("corp_id", "agent_id", "secret")
# Names no channel may take: `smtp` is the [smtp] table's, whose password is the credential
# `smtp.password` / `RENEWD_SMTP_PASSWORD` (a channel of that name would share it).
RESERVED_NAMES = frozenset({"smtp"})


def key_error(title: str, keys: Sequence[str], message: str) -> ValidationError:
    """A validation error located at each of `keys` of the channel (so `load_settings` names
    `channels.N.KEY`), all with `message`."""
    errors = [
        InitErrorDetails(type=PydanticCustomError("channel_key", message), loc=(key,), input=None)
        for key in keys
    ]
    return ValidationError.from_exception_data(title, errors)


class BaseChannelSettings(BaseModel):
    """What every channel has: a name, and how it formats, cuts, paces and overlaps sends."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    # The keys whose values are secrets for this type (scrubbed from reasons, masked in logs).
    secret_keys: ClassVar[tuple[str, ...]] = SECRET_KEYS

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    markdown: bool | None = None
    max_length: int | None = Field(default=None, ge=200)  # UTF-8 bytes per message body
    # Pause between two sends on this channel; default 3.1 s for a WeCom robot (20 a minute).
    min_interval_seconds: float | None = Field(default=None, ge=0, le=600)
    # Sends in flight at once on this channel during a pass; default 4 for email, Telegram and a
    # WeCom app, 1 elsewhere (a WeCom robot is rate-limited anyway, the console is one stream).
    concurrency: int | None = Field(default=None, ge=1, le=32)
    # What the channel is for: "personal" (each person's own address), "group" (its own fixed
    # recipients: HR's mailbox, a robot, a group chat) or "both". Default by type (docs/design.md
    # §7): email with `to` = group, email without = personal; a wecom robot and apprise = group;
    # telegram, a wecom app and the console = both. A channel acts as a group channel only where it
    # is listed (`[groups.X] channels`, `notify.escalate_to`).
    scope: Scope | None = None

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.lower() in RESERVED_NAMES:
            raise ValueError(
                f"a channel may not be named {value!r}: the name belongs to the [smtp] table"
                " and its password (smtp.password, RENEWD_SMTP_PASSWORD); rename the channel"
            )
        return value

    @property
    def fixed(self) -> bool:
        """Whether the channel has a configured destination (for digests and escalations)."""
        return False

    @property
    def default_scope(self) -> Scope:
        return Scope.GROUP

    @property
    def effective_scope(self) -> Scope:
        return self.scope or self.default_scope

    @property
    def address_field(self) -> AddressField | None:
        """Where the channel finds a person's own address (None: it cannot reach people)."""
        return None

    @property
    def hides_addresses(self) -> bool:
        """Its people's addresses are secrets (Bark, PushPlus): listings show "***"."""
        return self.address_field is not None and self.address_field.secret

    def route(self) -> ChannelRoute:
        """The channel as the pure routing sees it: personal only within its scope."""
        scope = self.effective_scope
        field = self.address_field if scope is not Scope.GROUP else None
        return ChannelRoute(self.name, scope, field, self.fixed)

    def secrets(self) -> tuple[str, ...]:
        """The secret values this channel holds, to scrub from every reason it reports."""
        values = (getattr(self, key, None) for key in self.secret_keys)
        return tuple(v for v in values if isinstance(v, str) and v)


class EmailSettings(BaseChannelSettings):
    """SMTP: host, port, mode once; each person's `email` (or `to`) fills the recipient."""

    type: Literal[ChannelType.EMAIL] = ChannelType.EMAIL
    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    mode: Literal["ssl", "starttls", "plain"] = "ssl"
    user: str | None = None
    sender: str | None = None
    to: tuple[str, ...] = ()
    password: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _complete(self) -> EmailSettings:
        missing = [
            k for k, v in (("host", self.host), ("sender", self.sender or self.user)) if not v
        ]
        if missing:
            message = f"channel {self.name}: email needs `host` and `sender`"
            raise key_error(type(self).__name__, missing, message)
        return self

    @property
    def fixed(self) -> bool:
        return bool(self.to)

    @property
    def default_scope(self) -> Scope:
        # With `to` it is HR's mailbox and never emails employees; without, each person's own.
        return Scope.GROUP if self.to else Scope.PERSONAL

    @property
    def address_field(self) -> AddressField | None:
        return AddressField.EMAIL


class TelegramSettings(BaseChannelSettings):
    """A bot token once; each person's `telegram` chat id; `chat_id` for the HR group chat."""

    type: Literal[ChannelType.TELEGRAM] = ChannelType.TELEGRAM
    bot_token: str | None = Field(default=None, repr=False)
    chat_id: str | None = None
    api_url: str | None = None  # the Bot API base, for self-hosted proxies and tests

    @model_validator(mode="after")
    def _complete(self) -> TelegramSettings:
        if not self.bot_token:
            message = f"channel {self.name}: telegram needs a bot_token (secret)"
            raise key_error(type(self).__name__, ["bot_token"], message)
        return self

    @property
    def fixed(self) -> bool:
        return bool(self.chat_id)

    @property
    def default_scope(self) -> Scope:
        return Scope.BOTH

    @property
    def address_field(self) -> AddressField | None:
        return AddressField.TELEGRAM


class WecomSettings(BaseChannelSettings):
    """A WeCom group robot (`robot_key`) or a self-built app (`corp_id`, `agent_id`, `secret`).

    An app reaches each person's `wecom_user`, and `to` (userids or "@all") and `to_party`
    (department ids) for HR."""

    type: Literal[ChannelType.WECOM] = ChannelType.WECOM
    robot_key: str | None = Field(default=None, repr=False)
    corp_id: str | None = None
    agent_id: int | None = Field(default=None, ge=1)
    secret: str | None = Field(default=None, repr=False)
    to: tuple[str, ...] = ()
    to_party: tuple[str, ...] = ()
    api_url: str | None = None  # the WeCom API base, for proxies and tests

    @model_validator(mode="after")
    def _robot_or_app(self) -> WecomSettings:
        title = type(self).__name__
        app_keys = [key for key in WECOM_APP_KEYS if getattr(self, key)]
        if self.robot_key and app_keys:
            message = (
                f"channel {self.name}: set either robot_key (a group robot) or corp_id, agent_id"
                f" and secret (an app), not both (found robot_key and {', '.join(app_keys)})"
            )
            raise key_error(title, ["robot_key", *app_keys], message)
        if not self.robot_key and not app_keys:
            message = (
                f"channel {self.name}: wecom needs a robot_key (a group robot) or corp_id,"
                " agent_id and secret (an app)"
            )
            raise key_error(title, ["robot_key"], message)
        missing = [key for key in WECOM_APP_KEYS if not getattr(self, key)]
        if app_keys and missing:
            message = (
                f"channel {self.name}: a wecom app needs corp_id, agent_id and secret;"
                f" missing {', '.join(missing)}"
            )
            raise key_error(title, missing, message)
        return self

    @property
    def robot(self) -> bool:
        """A group robot (else an app)."""
        return bool(self.robot_key)

    @property
    def fixed(self) -> bool:
        return self.robot or bool(self.to or self.to_party)

    @property
    def default_scope(self) -> Scope:
        return Scope.GROUP if self.robot else Scope.BOTH

    @property
    def address_field(self) -> AddressField | None:
        return None if self.robot else AddressField.WECOM_USER


class AppriseSettings(BaseChannelSettings):
    """Any Apprise URL (the `url` secret): a fixed destination for digests and escalations."""

    type: Literal[ChannelType.APPRISE] = ChannelType.APPRISE
    url: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _complete(self) -> AppriseSettings:
        if not self.url:
            message = f"channel {self.name}: apprise needs a `url` (secret)"
            raise key_error(type(self).__name__, ["url"], message)
        return self

    @property
    def fixed(self) -> bool:
        return True


class ConsoleChannelSettings(BaseChannelSettings):
    """Prints messages: everyone's personal channel and a fixed one for digests."""

    type: Literal[ChannelType.CONSOLE] = ChannelType.CONSOLE

    @property
    def fixed(self) -> bool:
        return True

    @property
    def default_scope(self) -> Scope:
        return Scope.BOTH

    @property
    def address_field(self) -> AddressField | None:
        return AddressField.ID


def scope_problems(channels: Iterable[BaseChannelSettings]) -> list[tuple[str, str]]:
    """(where, what) for scopes that cannot work: a group channel without recipients of its
    own, or a personal scope on a channel that cannot reach a person."""
    out = []
    for c in channels:
        where = f"channels.{c.name}.scope"
        if c.effective_scope is Scope.GROUP and not c.fixed:
            out.append(
                (
                    where,
                    f'channel {c.name!r} has scope = "group" but no recipients of'
                    " its own (set `to`, `chat_id`, `to_party`, `device_key` or `topic`)",
                )
            )
        if c.scope not in (None, Scope.GROUP) and c.address_field is None:
            out.append(
                (
                    where,
                    f"channel {c.name!r} cannot reach a person at his own address;"
                    " it can only be a group channel",
                )
            )
    return out
