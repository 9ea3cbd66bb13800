"""Channel adapters: one class per channel type, each with `send(message, recipient) -> Result`.

Email, Telegram and raw URLs go through Apprise (one fresh plugin per send, its reason for a
failure kept from the logs Apprise captures for that one `notify` call); the WeCom group robot is
posted to directly because Apprise's plugin reports success when WeCom answers HTTP 200 with a
non-zero `errcode` (a wrong key). The console channel prints.

Throttling: Apprise sleeps `request_rate_per_sec` between two sends *of the same plugin object*.
Every send here builds a fresh plugin, so Apprise never sleeps; rate limits that matter are ours:
`min_interval_seconds` per channel (default 3.1 s for a WeCom robot, which takes about 20
messages a minute; 0 elsewhere).

Concurrency: `send` is safe to call from several threads at once; a delivery pass runs up to
`concurrency` sends of one channel at a time (default 4 for email and Telegram, 1 elsewhere).
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
import requests

from renewd.errors import ConfigError, Problem
from renewd.messages import Format, Message
from renewd.model import Person
from renewd.settings import ChannelSettings, ChannelType, Settings

log = logging.getLogger(__name__)

WECOM_API = "https://qyapi.weixin.qq.com"
TELEGRAM_API = "https://api.telegram.org"
TIMEOUT = (4.0, 10.0)  # connect, read


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
        return None

    @property
    def fixed(self) -> bool:
        """Whether the channel has a configured destination (for digests and escalations)."""
        return False

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

    def address(self, person: Person) -> str | None:
        return person.email or None

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

    def address(self, person: Person) -> str | None:
        return person.telegram or None

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
    default_max_bytes = 4000  # WeCom: markdown content at most 4096 bytes

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
        base = (self.settings.api_url or WECOM_API).rstrip("/")
        url = f"{base}/cgi-bin/webhook/send"
        if message.format is Format.MARKDOWN:
            heading = message.title.replace("\n", " ")
            payload: dict[str, Any] = {
                "msgtype": "markdown",
                "markdown": {"content": f"**{heading}**\n{message.body}"},
            }
        else:
            payload = {"msgtype": "text", "text": {"content": f"{message.title}\n{message.body}"}}
        return _post_wecom(url, {"key": self.settings.robot_key or ""}, payload)


def _post_wecom(url: str, params: Mapping[str, str], payload: Mapping[str, Any]) -> Result:
    try:
        response = requests.post(url, params=params, json=payload, timeout=TIMEOUT)
    except requests.RequestException as exc:
        return Result(False, f"WeCom unreachable: {type(exc).__name__}")
    if response.status_code != 200:
        return Result(False, f"WeCom HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        return Result(False, "WeCom answered with something that is not JSON")
    code = data.get("errcode") if isinstance(data, dict) else None
    if code != 0:
        return Result(False, f"WeCom errcode {code}: {data.get('errmsg', '')}")
    return Result(True)


# -- console -------------------------------------------------------------------------------------


class ConsoleChannel(Channel):
    """Prints messages: a personal channel for everyone (recipient = the person's id) and a fixed
    one for digests. The example configuration uses it so `make run` needs no account."""

    type = ChannelType.CONSOLE
    format = Format.TEXT

    def __init__(self, settings: ChannelSettings, stream: TextIO | None = None) -> None:
        super().__init__(settings)
        self.stream = stream

    def address(self, person: Person) -> str | None:
        return person.id

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
        if settings.robot_key or not settings.corp_id:
            return WecomRobotChannel(settings)
        raise ConfigError(
            f"channel {settings.name}: WeCom app messages (corp_id/agent_id) are not supported"
            " yet; use a group robot (robot_key)"
        )
    return FACTORIES[settings.type](settings)


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Every configured channel by name. A channel missing its settings (a secret whose
    credential is not there) is a ConfigError, and so is a digest or escalation route to a
    channel that has no fixed destination: such a message would have nowhere to go."""
    channels = {c.name: build_channel(c) for c in settings.channels}
    routes = [
        (f"groups.{g}.channels", n) for g, conf in settings.groups.items() for n in conf.channels
    ]
    routes += [("notify.escalate_to", n) for n in settings.notify.escalate_to]
    problems = [
        Problem(
            file=str(settings.config_file or "config"),
            field=where,
            message=f"channel {name!r} has no fixed destination for digests"
            " (set `to`, `chat_id`, a robot key or an Apprise url)",
        )
        for where, name in routes
        if name in channels and not channels[name].fixed
    ]
    if problems:
        raise ConfigError("digest and escalation channels need a fixed destination", problems)
    return channels
