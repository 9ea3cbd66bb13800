"""Settings of the channels Chinese offices use besides WeCom: DingTalk (钉钉) and Feishu/Lark
(飞书) group robots, Bark, Server酱 and PushPlus. Typed keys, never a raw webhook URL: the
secret part of each address (a robot's key, a SendKey, a token) is a secret like the others
(`$CREDENTIALS_DIRECTORY/<channel>.<key>` or `RENEWD_<CHANNEL>_<KEY>`), and `url` only moves
the service's base address (a self-hosted Bark server, Lark instead of Feishu, a test server).

Scopes by type (docs/design.md §7): the robots and Server酱 (one SendKey, one reader) are group
channels; Bark and PushPlus are personal, each person at his roster `bark` device key or
`pushplus` friend token, and a group channel too when they have a destination of their own
(`device_key`, `topic`).
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from renewd.channels.settings import BaseChannelSettings, ChannelType, key_error
from renewd.core.routing import AddressField, Scope

# A secret that travels in a URL's path or query: one token, not the whole address it came in.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_.~-]{1,256}")


class ServiceSettings(BaseChannelSettings):
    """What the five have in common: the service's base address, for self-hosting and tests."""

    secret_keys: ClassVar[tuple[str, ...]] = ()
    url: str | None = None  # the service's base address (scheme and host), not a secret here

    def _check_url(self) -> None:
        if self.url is None:
            return
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            message = (
                f"channel {self.name}: `url` is the service's base address, e.g."
                " https://open.larksuite.com (http or https, no query string)"
            )
            raise key_error(type(self).__name__, ["url"], message)

    def _check_token(self, key: str, what: str) -> None:
        value = getattr(self, key)
        if value is not None and _TOKEN_RE.fullmatch(value) is None:
            message = f"channel {self.name}: `{key}` is {what}, not a whole address"
            raise key_error(type(self).__name__, [key], message)

    def _require(self, key: str, what: str) -> None:
        if not getattr(self, key):
            kind = getattr(self, "type", "")
            message = f"channel {self.name}: {kind} needs `{key}` ({what}; a secret)"
            raise key_error(type(self).__name__, [key], message)


class RobotSettings(ServiceSettings):
    """A group robot (自定义机器人): its key, and what its security settings ask for."""

    secret_keys: ClassVar[tuple[str, ...]] = ("robot_key", "secret")
    key_is: ClassVar[str] = "the robot's key"
    robot_key: str | None = Field(default=None, repr=False)
    secret: str | None = Field(default=None, repr=False)  # 加签 / 签名校验: the signing secret
    # 自定义关键词: a word every message must contain (added in front of the title if missing).
    keyword: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[^\r\n]+$")

    @model_validator(mode="after")
    def _complete(self) -> RobotSettings:
        self._require("robot_key", self.key_is)
        self._check_token("robot_key", self.key_is)
        self._check_url()
        return self

    @property
    def fixed(self) -> bool:
        return True

    @property
    def default_scope(self) -> Scope:
        return Scope.GROUP


class DingtalkSettings(RobotSettings):
    """A DingTalk group robot: `robot_key` = the `access_token` of its webhook address, `secret`
    = the 加签 secret (SEC…), if the robot signs; people are @-mentioned by `dingtalk_user`."""

    type: Literal[ChannelType.DINGTALK] = ChannelType.DINGTALK
    key_is: ClassVar[str] = "the access_token in the robot's webhook address"


class FeishuSettings(RobotSettings):
    """A Feishu (or Lark: `url = "https://open.larksuite.com"`) group robot: `robot_key` = the
    last part of its webhook address (…/bot/v2/hook/<robot_key>), `secret` = its 签名校验
    secret; people are @-mentioned by `feishu_user`."""

    type: Literal[ChannelType.FEISHU] = ChannelType.FEISHU
    key_is: ClassVar[str] = "the last part of the robot's webhook address"


class BarkSettings(ServiceSettings):
    """Bark (iPhone pushes): each person at his roster `bark` device key; `device_key` (a
    secret) makes it a group channel too, HR's own phone."""

    type: Literal[ChannelType.BARK] = ChannelType.BARK
    secret_keys: ClassVar[tuple[str, ...]] = ("device_key",)
    device_key: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _complete(self) -> BarkSettings:
        self._check_token("device_key", "the device key (the part after the server's address)")
        self._check_url()
        return self

    @property
    def fixed(self) -> bool:
        return bool(self.device_key)

    @property
    def default_scope(self) -> Scope:
        return Scope.PERSONAL

    @property
    def address_field(self) -> AddressField | None:
        return AddressField.BARK


class ServerchanSettings(ServiceSettings):
    """Server酱 (Turbo `SCT…` or Server酱³ `sctp…` SendKey): one key, one reader (HR)."""

    type: Literal[ChannelType.SERVERCHAN] = ChannelType.SERVERCHAN
    secret_keys: ClassVar[tuple[str, ...]] = ("send_key",)
    send_key: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _complete(self) -> ServerchanSettings:
        self._require("send_key", "the SendKey")
        self._check_token("send_key", "the SendKey")
        self._check_url()
        return self

    @property
    def fixed(self) -> bool:
        return True


class PushplusSettings(ServiceSettings):
    """PushPlus (推送加): the sending account's `token` (a secret); each person at his roster
    `pushplus` friend token (好友令牌); `topic` (群组编码) makes it a group channel too."""

    type: Literal[ChannelType.PUSHPLUS] = ChannelType.PUSHPLUS
    secret_keys: ClassVar[tuple[str, ...]] = ("token",)
    token: str | None = Field(default=None, repr=False)
    topic: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^\S+$")

    @model_validator(mode="after")
    def _complete(self) -> PushplusSettings:
        self._require("token", "the account's token")
        self._check_token("token", "the account's token")
        self._check_url()
        return self

    @property
    def fixed(self) -> bool:
        return bool(self.topic)

    @property
    def default_scope(self) -> Scope:
        return Scope.PERSONAL

    @property
    def address_field(self) -> AddressField | None:
        return AddressField.PUSHPLUS
