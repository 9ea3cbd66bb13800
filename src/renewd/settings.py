"""Typed settings, built once from the TOML file, the environment and the credentials directory.

Precedence, highest first: `RENEWD_*` environment variables (nested with `__`, e.g.
`RENEWD_NOTIFY__SEND_AT=08:00`), then the TOML file, then defaults. Channel secrets
(`password`, `bot_token`, `robot_key`, `secret`) come from `$CREDENTIALS_DIRECTORY/<channel>.<key>`
(systemd `LoadCredential=`), else `RENEWD_<CHANNEL>_<KEY>`, else the file itself; the `[smtp]`
table's password likewise from `smtp.password` / `RENEWD_SMTP_PASSWORD`.

SMTP once (`[smtp]`, `renewd.settings_smtp`): an email channel without a `host` of its own takes
every `[smtp]` key it does not set itself; one with its own `host` is a server of its own.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from renewd import redaction
from renewd.channels.kinds import ChannelSettings
from renewd.channels.settings import SECRET_KEYS, ChannelType, scope_problems
from renewd.core.errors import ConfigError, Problem
from renewd.core.feeds import ALL_FEED
from renewd.core.model import Lang
from renewd.core.pack import Pack
from renewd.core.policy import (
    ExtraFeed,
    FeedOptions,
)
from renewd.core.routing import Routes, route_problems
from renewd.credentials import with_secrets
from renewd.pack_settings import PackOverride, build_packs
from renewd.policy_settings import PolicySettings
from renewd.settings_calendar import CalendarSettings
from renewd.settings_console import ConsoleSettings, is_loopback
from renewd.settings_notify import NotifySettings, lead_key_problems
from renewd.settings_smtp import SmtpSettings, inherit_smtp
from renewd.settings_state import RosterSettings, StateSettings, shared_roster

DEFAULT_CONFIG = Path("/etc/renewd/config.toml")


def config_path(given: str | None) -> Path:
    """`-c PATH`, else `$RENEWD_CONFIG`, else /etc/renewd/config.toml."""
    return Path(given or os.environ.get("RENEWD_CONFIG") or DEFAULT_CONFIG)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Section):
    listen: str = "127.0.0.1:8765"
    base_url: str = "http://127.0.0.1:8765"
    refresh_hours: int = Field(default=12, ge=1, le=24 * 7)
    idle_timeout_seconds: float = Field(default=75, gt=0, le=3600)
    header_timeout_seconds: float = Field(default=10, gt=0, le=600)
    max_connections: int = Field(default=512, ge=1, le=100_000)

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:8765")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def loopback(self) -> bool:
        """True when `base_url` names this machine only: no phone can open its links."""
        return is_loopback(self.base_url)


class GroupSettings(_Section):
    channels: tuple[str, ...] = ()
    feed_title: str | None = None


class FeedSettings(_Section):
    """An extra feed beyond the per-person, per-group and all-people feeds."""

    name: str = Field(pattern=r"^[A-Za-z0-9\u4e00-\u9fff][\w\u4e00-\u9fff.-]*$")
    title: str | None = None
    groups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    alarms: bool = False

    @field_validator("name")
    @classmethod
    def _not_built_in(cls, value: str) -> str:
        if value == ALL_FEED:  # the names of group and person feeds depend on the roster
            raise ValueError(f"{ALL_FEED!r} is the name of the feed of everyone; name it otherwise")
        return value


class FeedsSettings(_Section):
    alarms: bool = False
    mask_names: bool = True
    # Group, all-people and extra feeds (HR's) hold what HR acts on or watches (the employer's
    # steps, overdue steps, expiries, critical dates) this many days ahead; each person's own
    # feed holds his whole plan.
    window_days: int = Field(default=120, ge=1, le=3660)
    extra: tuple[FeedSettings, ...] = ()

    @field_validator("extra")
    @classmethod
    def _unique(cls, extra: tuple[FeedSettings, ...]) -> tuple[FeedSettings, ...]:
        names = [feed.name for feed in extra]
        dupes = sorted({name for name in names if names.count(name) > 1})
        if dupes:
            raise ValueError(f"two extra feeds are named {', '.join(map(repr, dupes))}")
        return extra


class Settings(BaseSettings):
    """The whole configuration. Relative paths are resolved against the config file's folder."""

    model_config = SettingsConfigDict(
        env_prefix="RENEWD_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        case_sensitive=False,
    )

    timezone: str = "Asia/Shanghai"
    language: Lang = Lang.ZH
    roster: RosterSettings
    state: StateSettings = StateSettings()
    server: ServerSettings = ServerSettings()
    policy: PolicySettings = PolicySettings()
    packs: dict[str, PackOverride] = Field(default_factory=dict)  # docs/packs.md
    calendar: CalendarSettings = CalendarSettings()
    notify: NotifySettings = NotifySettings()
    smtp: SmtpSettings | None = None
    channels: tuple[ChannelSettings, ...] = ()
    groups: dict[str, GroupSettings] = Field(default_factory=dict)
    feeds: FeedsSettings = FeedsSettings()
    console: ConsoleSettings = ConsoleSettings()
    config_file: Path | None = Field(default=None, exclude=True)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="before")
    @classmethod
    def _smtp_once(cls, data: Any) -> Any:
        """Email channels take the `[smtp]` keys they do not set (before they are validated,
        so a channel that names no host of its own is complete with the shared one)."""
        return inherit_smtp(data)

    @model_validator(mode="before")
    @classmethod
    def _shared_roster(cls, data: Any) -> Any:
        return shared_roster(data)  # `[roster] files` optional with a shared database

    @model_validator(mode="after")
    def _references(self) -> Settings:
        names = [c.name for c in self.channels]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"channel names must be unique: {', '.join(dupes)}")
        known = set(names)
        for ref in self.notify.escalate_to:
            if ref not in known:
                raise ValueError(f"notify.escalate_to names unknown channel {ref!r}")
        for group, conf in self.groups.items():
            for ref in conf.channels:
                if ref not in known:
                    raise ValueError(f"groups.{group}.channels names unknown channel {ref!r}")
        return self

    def routes(self) -> Routes:
        """The channels and routes as the pure routing sees them (no channel is built)."""
        return Routes(
            channels=tuple(c.route() for c in self.channels),
            groups={g: conf.channels for g, conf in self.groups.items()},
            escalate_to=self.notify.escalate_to,
            owners=self.policy.core().owners,
        )

    def route_problems(self) -> list[Problem]:
        """Routes that cannot be delivered (docs/design.md §7): a digest or escalation route to a
        channel with no recipients of its own or whose scope is personal only; a `group` channel
        without recipients; a personal scope on a channel that cannot reach people."""
        file = str(self.config_file or "config")
        problems = [
            Problem(file=file, field=where, message=what)
            for where, what in route_problems(self.routes())
        ]
        problems += [
            Problem(file=file, field=where, message=what)
            for where, what in scope_problems(self.channels)
        ]
        return problems

    def pack_set(self) -> dict[str, Pack]:
        """Every policy pack, with the `[packs.<name>]` overrides (docs/packs.md)."""
        base = self.config_file.parent if self.config_file else None
        return build_packs(self.packs, base, str(self.config_file or "config"))

    def feed_options(self) -> FeedOptions:
        """What the core needs to know to name, title and mask the feeds."""
        titles = {g: c.feed_title for g, c in self.groups.items() if c.feed_title}
        extra = tuple(
            ExtraFeed(f.name, f.title, f.groups, f.tags, f.alarms) for f in self.feeds.extra
        )
        return FeedOptions(
            self.language,
            self.feeds.mask_names,
            self.feeds.alarms,
            MappingProxyType(titles),
            extra,
            self.feeds.window_days,
        )

    def channel(self, name: str) -> ChannelSettings:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML data arrives as init kwargs; the environment must override it, so it goes first.
        return (env_settings, init_settings)


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    files = tuple(p if p.is_absolute() else base / p for p in settings.roster.files)
    state_dir = (
        settings.state.dir if settings.state.dir.is_absolute() else base / settings.state.dir
    )
    return settings.model_copy(
        update={
            "roster": settings.roster.model_copy(update={"files": files}),
            "state": settings.state.model_copy(update={"dir": state_dir}),
        }
    )


def _location(loc: tuple[int | str, ...]) -> str | None:
    """`channels.0.host`, not `channels.0.email.host`: the channel's type is not a key."""
    parts = list(loc)
    if len(parts) > 2 and parts[0] == "channels" and parts[2] in set(ChannelType):
        del parts[2]
    return ".".join(str(part) for part in parts) or None


def _message(err: Any) -> str:
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        kinds = ", ".join(t.value for t in ChannelType)
        tag = err.get("ctx", {}).get("tag")
        given = f"unknown channel type {tag!r}" if tag else "a channel needs a `type`"
        return f"{given}; use one of: {kinds}"
    if err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return "unknown key: check its spelling (config.example.toml lists every key)"
    return str(err["msg"]).removeprefix("Value error, ")


def _problems(file: str, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = _location(err["loc"])
        value = err.get("input")
        shown = None if isinstance(value, dict | list) or value is None else str(value)
        if loc and (loc.split(".")[-1] in SECRET_KEYS or loc.startswith(("channels", "smtp"))):
            shown = None  # never echo a secret back, not even under a mistyped key
        problems.append(Problem(file=file, field=loc, message=_message(err), value=shown))
    return problems


def load_settings(path: Path | str) -> Settings:
    """Read and validate the configuration; raise ConfigError naming the file and every bad key."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: configuration is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    data = with_secrets(data, os.environ)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: invalid configuration", _problems(str(path), exc)) from None
    resolved = _resolve_paths(settings, path.resolve().parent)
    resolved = resolved.model_copy(update={"config_file": path.resolve()})
    # Every entry loads its settings here (the CLI, the daemon, a SIGHUP): from now on no log
    # line shows a secret this configuration holds.
    redaction.register(resolved)
    packs = resolved.pack_set()  # every pack file valid, every override a figure or step of it
    leads = lead_key_problems(resolved.notify, packs, str(path))
    if leads:  # a `[notify.lead_days_by_kind]` key that names no step
        raise ConfigError(f"{path}: invalid configuration", leads)
    routes = resolved.route_problems()
    if routes:
        raise ConfigError("some channels or routes cannot deliver", routes)
    return resolved
