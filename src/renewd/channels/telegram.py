"""The Telegram channel: a bot, through Apprise, in Telegram HTML."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from renewd.channels.settings import ChannelType, TelegramSettings
from renewd.channels.via_apprise import AppriseBacked
from renewd.core.letter import Format
from renewd.core.model import Person

TELEGRAM_API = "https://api.telegram.org"


class TelegramChannel(AppriseBacked):
    """Bot token once; each person's `telegram` chat id; `chat_id` for the HR group chat.

    Bodies are Telegram HTML (`<b>` only, user data HTML-escaped): the most forgiving of
    Telegram's parsers, so a name with `*` or `_` cannot break a message.
    """

    type = ChannelType.TELEGRAM
    format = Format.HTML
    default_max_bytes = 4096
    default_concurrency = 4  # the Bot API takes ~30 messages a second across chats

    def __init__(self, settings: TelegramSettings) -> None:
        super().__init__(settings)
        self.settings = settings
        self.format = Format.HTML  # whatever `markdown` says; see the class docstring

    def address(self, person: Person) -> str | None:
        return person.telegram or None

    def url(self, recipient: str) -> str:
        target = recipient or self.settings.chat_id or ""
        token = self.settings.bot_token or ""
        return f"tgram://{token}/{quote(target, safe='')}?preview=no"

    def tweak(self, plugin: Any) -> None:
        base = (self.settings.api_url or TELEGRAM_API).rstrip("/")
        plugin.notify_url = f"{base}/bot"
