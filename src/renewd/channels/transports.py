"""Channel adapters: one class per channel type, each with `send(message, recipient) -> Result`.

Email, Telegram and raw URLs go through Apprise (one fresh plugin per send, its reason for a
failure kept from the logs Apprise captures for that one `notify` call). WeCom is called directly
(`renewd.channels.wecom`): Apprise's group robot plugin reports success when WeCom answers
HTTP 200 with a non-zero `errcode` (a wrong key), and Apprise has no plugin for a WeCom app.
The console channel prints.

Throttling: Apprise sleeps `request_rate_per_sec` between two sends *of the same plugin object*.
Every send here builds a fresh plugin, so Apprise never sleeps; rate limits that matter are ours:
`min_interval_seconds` per channel (default 3.1 s for a WeCom robot, which takes about 20
messages a minute; 0 elsewhere).

Concurrency: `send` is safe to call from several threads at once; a delivery pass runs up to
`concurrency` sends of one channel at a time (default 4 for email, Telegram and a WeCom app, 1
elsewhere).
Under `min_interval_seconds`, two sends start at least that far apart, and no send starts sooner
than that after a send that had already ended (with concurrency 1: the pause runs from the end of
one send to the start of the next). Apprise's reason for a failure is taken from the result of
that one `notify` call, never from the shared `apprise` logger, so concurrent sends cannot swap
reasons (nor one channel's secrets into another's reason).

Secrets never leave this module: a reason is scrubbed of the channel's secrets and of any URL
before it is returned, and channels have no `repr` that shows their configuration.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TextIO
from urllib.parse import quote

import apprise

from renewd.channels import wecom
from renewd.core.errors import ConfigError, Problem
from renewd.core.messages import Format, Message
from renewd.core.model import Person
from renewd.core.routing import AddressField, ChannelRoute, Routes, Scope, route_problems
from renewd.settings import ChannelSettings, ChannelType, Settings

log = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org"


@dataclass(frozen=True)
class Result:
    ok: bool
    reason: str = ""


_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+")


class Channel(ABC):
    """One configured way to reach people."""

    type: ChannelType
    format: Format = Format.TEXT
    default_max_bytes: int | None = None
    default_concurrency: ClassVar[int] = 1
    address_field: ClassVar[AddressField | None] = None  # where a person's address is
    default_scope: ClassVar[Scope] = Scope.GROUP

    def __init__(self, settings: ChannelSettings) -> None:
        self.name = settings.name
        self.settings = settings
        self._secrets = tuple(
            s for s in (settings.password, settings.bot_token, settings.robot_key,
                        settings.secret, settings.url) if s
        )  # fmt: skip
        if settings.markdown is not None:
            self.format = Format.MARKDOWN if settings.markdown else Format.TEXT
        self.max_bytes = settings.max_length or self.default_max_bytes
        self.min_interval = settings.min_interval_seconds or 0.0
        self.concurrency = settings.concurrency or self.default_concurrency
        self._pace = threading.Lock()
        self._next_start = 0.0  # time.monotonic(): no send starts before this

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    def address(self, person: Person) -> str | None:
        """The person's own address on this channel, or None if it cannot reach him."""
        if self.address_field is None or self.scope is Scope.GROUP:
            return None
        return self.address_field.of(person) or None

    @property
    def fixed(self) -> bool:
        """Whether the channel has a configured destination (for digests and escalations)."""
        return False

    @property
    def scope(self) -> Scope:
        """`scope` from the settings, else the type's default (SPEC §5)."""
        return self.settings.scope or self.default_scope

    def route(self) -> ChannelRoute:
        return ChannelRoute(self.name, self.scope, self.address_field, self.fixed)

    def send(self, message: Message, recipient: str) -> Result:
        """Send to `recipient` ("" = the configured destination). Never raises for delivery
        problems: they come back as Result(ok=False, reason). Safe to call from several threads;
        waits as `min_interval_seconds` requires (see the module docstring)."""
        self._wait_turn()
        try:
            result = self._send(message, recipient)
        except Exception as exc:  # a plugin bug must not stop the pass; keep the reason
            result = Result(False, f"{type(exc).__name__}: {exc}")
        finally:
            self._ended()
        if not result.ok:
            return Result(False, self.scrub(result.reason) or "failed (no reason given)")
        return result

    def _wait_turn(self) -> None:
        if not self.min_interval:
            return
        with self._pace:  # reserve a start time; sleep outside the lock
            start = max(time.monotonic(), self._next_start)
            self._next_start = start + self.min_interval
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _ended(self) -> None:
        if not self.min_interval:
            return
        with self._pace:
            self._next_start = max(self._next_start, time.monotonic() + self.min_interval)

    @abstractmethod
    def _send(self, message: Message, recipient: str) -> Result: ...

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
            text = text.replace(quote(secret, safe=""), "***")
        text = _URL.sub("<url>", text)
        return " ".join(text.split())[:500]


# -- Apprise-backed channels -------------------------------------------------------------------


def _asset() -> apprise.AppriseAsset:
    # Sequential (we send one message at a time and want its own reason), no persistent storage.
    return apprise.AppriseAsset(async_mode=False, secure_logging=True, storage_mode="memory")


class AppriseBacked(Channel):
    body_format: ClassVar[Mapping[Format, str]] = {
        Format.TEXT: "text",
        Format.MARKDOWN: "markdown",
        Format.HTML: "html",
    }

    @abstractmethod
    def url(self, recipient: str) -> str: ...

    def tweak(self, plugin: Any) -> None:
        """Adjust the plugin object before sending (API base for tests and proxies)."""

    def _send(self, message: Message, recipient: str) -> Result:
        asset = _asset()
        plugin = apprise.Apprise.instantiate(self.url(recipient), asset=asset)
        if plugin is None:
            return Result(False, f"channel {self.name}: Apprise rejected its URL (check settings)")
        self.tweak(plugin)
        app = apprise.Apprise(asset=asset)
        app.add(plugin)
        # The result keeps this call's own log entries (Apprise >= 2.0), unlike a LogCapture on
        # the shared "apprise" logger, which would also catch other threads' sends.
        outcome = app.notify(
            body=message.body,
            title=message.title,
            body_format=self.body_format[message.format],
            log_level=logging.WARNING,
        )
        if outcome:
            return Result(True)
        reasons = (str(entry.message).strip() for entry in outcome.logs())
        return Result(False, "; ".join(r for r in reasons if r).replace("\n", "; "))


class EmailChannel(AppriseBacked):
    """SMTP: host, port, mode once; each person's `email` (or `to`) fills the recipient."""

    type = ChannelType.EMAIL
    format = Format.TEXT
    default_concurrency = 4  # SMTP servers take a few connections at once
    modes: ClassVar[Mapping[str, str]] = {"ssl": "ssl", "starttls": "starttls", "plain": "insecure"}

    def __init__(self, settings: ChannelSettings) -> None:
        super().__init__(settings)
        if not settings.host or not (settings.sender or settings.user):
            raise ConfigError(f"channel {settings.name}: email needs `host` and `sender`")

    address_field = AddressField.EMAIL

    @property
    def default_scope(self) -> Scope:  # type: ignore[override]
        # With `to` it is HR's mailbox and never emails employees; without, each person's own.
        return Scope.GROUP if self.settings.to else Scope.PERSONAL

    @property
    def fixed(self) -> bool:
        return bool(self.settings.to)

    def url(self, recipient: str) -> str:
        s = self.settings
        targets = [recipient] if recipient else list(s.to)
        auth = ""
        if s.user:
            auth = quote(s.user, safe="")
            if s.password:
                auth += ":" + quote(s.password, safe="")
            auth += "@"
        port = s.port or {"ssl": 465, "starttls": 587, "plain": 25}[s.mode]
        query = {
            "smtp": s.host or "",
            "mode": self.modes[s.mode],
            "from": s.sender or s.user or "",
            "to": ",".join(targets),
        }
        qs = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
        scheme = "mailtos" if s.mode != "plain" else "mailto"
        return f"{scheme}://{auth}{s.host}:{port}?{qs}"


class TelegramChannel(AppriseBacked):
    """Bot token once; each person's `telegram` chat id; `chat_id` for the HR group chat.

    Bodies are Telegram HTML (`<b>` only, user data HTML-escaped): the most forgiving of
    Telegram's parsers, so a name with `*` or `_` cannot break a message.
    """

    type = ChannelType.TELEGRAM
    format = Format.HTML
    default_max_bytes = 4096
    default_concurrency = 4  # the Bot API takes ~30 messages a second across chats

    def __init__(self, settings: ChannelSettings) -> None:
        super().__init__(settings)
        if not settings.bot_token:
            raise ConfigError(f"channel {settings.name}: telegram needs a bot_token (secret)")
        if settings.markdown is not None:
            self.format = Format.HTML  # Telegram always gets HTML; see the class docstring

    address_field = AddressField.TELEGRAM
    default_scope = Scope.BOTH

    @property
    def fixed(self) -> bool:
        return bool(self.settings.chat_id)

    def url(self, recipient: str) -> str:
        target = recipient or self.settings.chat_id or ""
        token = self.settings.bot_token or ""
        return f"tgram://{token}/{quote(target, safe='')}?preview=no"

    def tweak(self, plugin: Any) -> None:
        base = (self.settings.api_url or TELEGRAM_API).rstrip("/")
        plugin.notify_url = f"{base}/bot"


class AppriseChannel(AppriseBacked):
    """Any Apprise URL (the `url` secret): a fixed destination for digests and escalations."""

    type = ChannelType.APPRISE
    format = Format.TEXT
    default_max_bytes = 4000

    def __init__(self, settings: ChannelSettings) -> None:
        super().__init__(settings)
        if not settings.url:
            raise ConfigError(f"channel {settings.name}: apprise needs a `url` (secret)")

    @property
    def fixed(self) -> bool:
        return True

    def url(self, recipient: str) -> str:
        return self.settings.url or ""


# -- WeCom ---------------------------------------------------------------------------------------


class WecomRobotChannel(Channel):
    """A WeCom group robot webhook, posted to directly so `errcode != 0` is a failure."""

    type = ChannelType.WECOM
    format = Format.MARKDOWN
    default_max_bytes = 4000  # leaves room for the title within the limit below
    limit = 4096  # webhook/send: markdown content at most 4096 bytes

    def __init__(self, settings: ChannelSettings) -> None:
        super().__init__(settings)
        if not settings.robot_key:
            raise ConfigError(f"channel {settings.name}: wecom needs a robot_key (secret)")
        if settings.min_interval_seconds is None:
            self.min_interval = 3.1  # about 20 messages a minute per robot

    @property
    def fixed(self) -> bool:
        return True

    def _send(self, message: Message, recipient: str) -> Result:
        base = (self.settings.api_url or wecom.WECOM_API).rstrip("/")
        params = {"key": self.settings.robot_key or ""}
        try:
            payload = wecom.content(message, self.limit)
            wecom.call("POST", f"{base}/cgi-bin/webhook/send", params, payload)
        except wecom.WecomError as exc:
            return Result(False, exc.reason)
        return Result(True)


class WecomAppChannel(Channel):
    """A WeCom self-built app (企业微信自建应用): `corp_id`, `agent_id` and the app's `secret`.

    Each person is reached at his roster `wecom_user` (the WeCom userid); with `to` (userids, or
    "@all" for everyone who can see the app) or `to_party` (department ids) the channel is also
    a fixed destination for digests. The access token is fetched once and shared until shortly
    before it expires; when WeCom refuses it (40001, 40014, 42001) it is fetched again and the
    message sent once more.
    """

    type = ChannelType.WECOM
    format = Format.MARKDOWN
    default_max_bytes = 1800  # leaves room for the title within the limit below
    default_concurrency = 4  # WeCom limits messages per person (30 a minute), not per app
    limit = 2048  # message/send: markdown and text content at most 2048 bytes
    required: ClassVar[tuple[str, ...]] = ("corp_id", "agent_id", "secret")

    def __init__(
        self, settings: ChannelSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(settings)
        missing = [key for key in self.required if not getattr(settings, key)]
        if missing:
            raise ConfigError(
                f"channel {settings.name}: a wecom app needs corp_id, agent_id and secret;"
                f" missing {', '.join(missing)}"
            )
        base = (settings.api_url or wecom.WECOM_API).rstrip("/")
        self._url = f"{base}/cgi-bin/message/send"
        self._agent_id = settings.agent_id or 0
        self._token = wecom.AccessToken(base, settings.corp_id or "", settings.secret or "", clock)

    address_field = AddressField.WECOM_USER
    default_scope = Scope.BOTH

    @property
    def fixed(self) -> bool:
        return bool(self.settings.to or self.settings.to_party)

    def _targets(self, recipient: str) -> dict[str, str]:
        if recipient:
            return {"touser": recipient}
        targets = {
            "touser": "|".join(self.settings.to),
            "toparty": "|".join(self.settings.to_party),
        }
        return {key: value for key, value in targets.items() if value}

    def _send(self, message: Message, recipient: str) -> Result:
        targets = self._targets(recipient)
        if not targets:
            return Result(False, f"channel {self.name} has no `to` or `to_party` for HR")
        payload = {**targets, "agentid": self._agent_id, **wecom.content(message, self.limit)}
        try:
            token = self._token.get()
            try:
                data = wecom.call("POST", self._url, {"access_token": token}, payload)
            except wecom.WecomError as exc:
                if exc.code not in wecom.TOKEN_ERRORS:
                    raise
                token = self._token.get(stale=token)
                data = wecom.call("POST", self._url, {"access_token": token}, payload)
        except wecom.WecomError as exc:
            return Result(False, exc.reason)
        return self._delivered(data, recipient)

    def _delivered(self, data: Mapping[str, Any], recipient: str) -> Result:
        """WeCom sends to the valid recipients and lists the others (userids in lower case)."""

        def listed(key: str) -> set[str]:
            return {item.casefold() for item in str(data.get(key) or "").split("|") if item}

        if recipient:
            if recipient.casefold() in listed("invaliduser"):
                return Result(
                    False, f"unknown WeCom user {recipient!r} (or not in the app's scope)"
                )
            if recipient.casefold() in listed("unlicenseduser"):
                return Result(False, f"WeCom user {recipient!r} has no interface licence")
            return Result(True)
        skipped = {key: data[key] for key in ("invaliduser", "invalidparty", "unlicenseduser")
                   if data.get(key)}  # fmt: skip
        if skipped:  # the others have it; a retry would send it to them twice
            log.warning("channel %s: WeCom skipped some recipients: %s", self.name, skipped)
        return Result(True)

    def scrub(self, text: str) -> str:
        for token in self._token.seen:
            text = text.replace(token, "***")
        return super().scrub(text)


# -- console -------------------------------------------------------------------------------------


class ConsoleChannel(Channel):
    """Prints messages: a personal channel for everyone (recipient = the person's id) and a fixed
    one for digests. The example configuration uses it so `make run` needs no account."""

    type = ChannelType.CONSOLE
    format = Format.TEXT

    def __init__(self, settings: ChannelSettings, stream: TextIO | None = None) -> None:
        super().__init__(settings)
        self.stream = stream

    address_field = AddressField.ID
    default_scope = Scope.BOTH

    @property
    def fixed(self) -> bool:
        return True

    def _send(self, message: Message, recipient: str) -> Result:
        out = self.stream or sys.stdout
        to = recipient or "(all)"
        out.write(f"── {self.name} → {to}\n{message.title}\n{message.body}\n\n")
        out.flush()
        return Result(True)


Factory = Callable[[ChannelSettings], Channel]

FACTORIES: Mapping[ChannelType, Factory] = {
    ChannelType.EMAIL: EmailChannel,
    ChannelType.TELEGRAM: TelegramChannel,
    ChannelType.APPRISE: AppriseChannel,
    ChannelType.CONSOLE: ConsoleChannel,
}


def build_channel(settings: ChannelSettings) -> Channel:
    if settings.type is ChannelType.WECOM:
        return _wecom_channel(settings)
    return FACTORIES[settings.type](settings)


def _wecom_channel(settings: ChannelSettings) -> Channel:
    """A group robot with `robot_key`, an app with `corp_id`, `agent_id` and `secret`."""
    app_keys = [key for key in WecomAppChannel.required if getattr(settings, key)]
    if settings.robot_key and app_keys:
        raise ConfigError(
            f"channel {settings.name}: set either robot_key (a group robot) or corp_id, agent_id"
            f" and secret (an app), not both (found robot_key and {', '.join(app_keys)})"
        )
    if settings.robot_key:
        return WecomRobotChannel(settings)
    if app_keys:
        return WecomAppChannel(settings)  # names the missing keys
    raise ConfigError(
        f"channel {settings.name}: wecom needs a robot_key (a group robot) or corp_id, agent_id"
        " and secret (an app)"
    )


def routes_of(settings: Settings, channels: Mapping[str, Channel]) -> Routes:
    """The channels and the configured routes, as the pure routing sees them."""
    return Routes(
        channels=tuple(c.route() for c in channels.values()),
        groups={g: conf.channels for g, conf in settings.groups.items()},
        escalate_to=settings.notify.escalate_to,
        owners=settings.policy.core().owners,
    )


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Every configured channel by name. A channel missing its settings (a secret whose
    credential is not there) is a ConfigError, and so is a route that cannot be delivered: a
    digest or escalation route to a channel that has no fixed recipients or whose scope is
    personal only (such a message would have nowhere to go)."""
    channels = {c.name: build_channel(c) for c in settings.channels}
    problems = [
        Problem(file=str(settings.config_file or "config"), field=where, message=what)
        for where, what in route_problems(routes_of(settings, channels))
    ]
    problems += [
        Problem(
            file=str(settings.config_file or "config"),
            field=f"channels.{c.name}.scope",
            message=f'channel {c.name!r} has scope = "{c.scope.value}" but no recipients'
            " of its own (set `to`, `chat_id` or `to_party`)",
        )
        for c in channels.values()
        if c.scope is Scope.GROUP and not c.fixed
    ]
    problems += [
        Problem(
            file=str(settings.config_file or "config"),
            field=f"channels.{c.name}.scope",
            message=f"channel {c.name!r} cannot reach a person at his own address; it can only"
            " be a group channel",
        )
        for c in channels.values()
        if c.scope is not Scope.GROUP and c.address_field is None and c.settings.scope
    ]
    if problems:
        raise ConfigError("some channels or routes cannot deliver", problems)
    return channels
