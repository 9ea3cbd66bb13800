"""Building the channels of a configuration: one object per `[[channels]]` entry, by type.

The settings are already valid (`renewd.settings.load_settings` checks every channel's keys and
every digest route), so building cannot fail on configuration. The daemon builds its channels
once per configuration and keeps them, so state such as the WeCom access token outlives a pass.
"""

from __future__ import annotations

from renewd.channels.bark import BarkChannel
from renewd.channels.base import Channel
from renewd.channels.console import ConsoleChannel
from renewd.channels.dingtalk import DingtalkChannel
from renewd.channels.email import EmailChannel
from renewd.channels.feishu import FeishuChannel
from renewd.channels.kinds import ChannelSettings
from renewd.channels.pushplus import PushplusChannel
from renewd.channels.serverchan import ServerchanChannel
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
from renewd.channels.telegram import TelegramChannel
from renewd.channels.via_apprise import AppriseChannel
from renewd.channels.wecom_app import WecomAppChannel
from renewd.channels.wecom_robot import WecomRobotChannel
from renewd.settings import Settings


def build_channel(settings: ChannelSettings) -> Channel:
    match settings:
        case EmailSettings():
            return EmailChannel(settings)
        case TelegramSettings():
            return TelegramChannel(settings)
        case WecomSettings() if settings.robot:
            return WecomRobotChannel(settings)
        case WecomSettings():
            return WecomAppChannel(settings)
        case AppriseSettings():
            return AppriseChannel(settings)
        case ConsoleChannelSettings():
            return ConsoleChannel(settings)
        case DingtalkSettings():
            return DingtalkChannel(settings)
        case FeishuSettings():
            return FeishuChannel(settings)
        case BarkSettings():
            return BarkChannel(settings)
        case ServerchanSettings():
            return ServerchanChannel(settings)
        case PushplusSettings():
            return PushplusChannel(settings)


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Every configured channel by name, with the `[notify]` send timeouts."""
    channels = {c.name: build_channel(c) for c in settings.channels}
    for channel in channels.values():
        email = isinstance(channel, EmailChannel)
        notify = settings.notify
        channel.timeout = notify.smtp_timeout_seconds if email else notify.http_timeout_seconds
        if isinstance(channel, EmailChannel):
            channel.pool.timeout = channel.timeout  # per SMTP socket operation
    return channels
