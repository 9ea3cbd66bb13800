"""Channels: email, Telegram, WeCom, Apprise URLs and the console."""
