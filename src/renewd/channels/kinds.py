"""Every channel type's settings as one tagged union (`type` picks the model), which
`renewd.settings.Settings` validates each `[[channels]]` entry against."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from renewd.channels.settings import (
    AppriseSettings,
    ConsoleChannelSettings,
    EmailSettings,
    TelegramSettings,
    WecomSettings,
)
from renewd.channels.settings_cn import (
    BarkSettings,
    DingtalkSettings,
    FeishuSettings,
    PushplusSettings,
    ServerchanSettings,
)

ChannelSettings = Annotated[
    EmailSettings
    | TelegramSettings
    | WecomSettings
    | AppriseSettings
    | ConsoleChannelSettings
    | DingtalkSettings
    | FeishuSettings
    | BarkSettings
    | ServerchanSettings
    | PushplusSettings,
    Field(discriminator="type"),
]
