"""A department's group robot in `renewd init`, instead of an HR mailbox: the webhook address as
the robot's settings page shows it, read into a channel of its type (issue 19).

    https://oapi.dingtalk.com/robot/send?access_token=KEY              DingTalk (钉钉)
    https://open.feishu.cn/open-apis/bot/v2/hook/KEY                   Feishu (飞书), Lark too
    https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY           WeCom (企业微信)

A robot that signs (DingTalk 加签, Feishu 签名校验) takes its secret after the address, a space
between. The robot's key and secret are secrets: `renewd init` writes them to the credentials
directory as `<channel>.robot_key` and `<channel>.secret` (mode 0600), never into the config.
The address is recognised by its path, so a robot behind another host (Lark, a proxy, a test
server) keeps that host as the channel's `url` (`api_url` for WeCom).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from renewd.channels.dingtalk import DINGTALK_API
from renewd.channels.feishu import FEISHU_API
from renewd.channels.wecom import WECOM_API

_KEY = re.compile(r"[A-Za-z0-9_.~-]{1,256}")  # as the channel settings take a robot's key
_FEISHU_PATH = re.compile(r"/open-apis/bot/v2/hook/(?P<key>[^/]+)/?")
DEFAULT_BASE = {"dingtalk": DINGTALK_API, "feishu": FEISHU_API, "wecom": WECOM_API}
SIGNS = frozenset({"dingtalk", "feishu"})  # WeCom robots do not sign


@dataclass(frozen=True)
class Robot:
    """A group robot: its channel type, its key (a secret), the service's base address when it
    is not the default one, and its signing secret if it signs."""

    type: str
    key: str
    base: str | None = None
    secret: str | None = None

    @property
    def base_key(self) -> str:
        """The settings key that moves the service's address."""
        return "api_url" if self.type == "wecom" else "url"


def looks_like_robot(text: str) -> bool:
    """Whether the answer is an address (then it must be a robot's), not a mailbox list."""
    return text.strip().lower().startswith(("http://", "https://"))


def concealed(text: str) -> str:
    """An answer as the dialogue echoes it: a robot's address without its key or secret."""
    if not looks_like_robot(text):
        return text
    address = urlsplit(text.split()[0])
    return f"{address.scheme}://{address.netloc}/***"


def read_robot(text: str) -> Robot | None:
    """The robot whose webhook address (and signing secret) `text` is; None if it is none."""
    parts = text.split()
    if not parts or len(parts) > 2:
        return None
    address = urlsplit(parts[0])
    if address.scheme not in ("http", "https") or not address.netloc:
        return None
    query = {k: v[0] for k, v in parse_qs(address.query).items()}
    path = address.path
    if path.rstrip("/") == "/robot/send" and "access_token" in query:
        kind, key = "dingtalk", query["access_token"]
    elif (found := _FEISHU_PATH.fullmatch(path)) is not None:
        kind, key = "feishu", found["key"]
    elif path.rstrip("/") == "/cgi-bin/webhook/send" and "key" in query:
        kind, key = "wecom", query["key"]
    else:
        return None
    secret = parts[1] if len(parts) == 2 else None
    if not _KEY.fullmatch(key) or (secret is not None and (kind not in SIGNS or not secret)):
        return None
    base = f"{address.scheme}://{address.netloc}"
    return Robot(kind, key, None if base == DEFAULT_BASE[kind] else base, secret)
