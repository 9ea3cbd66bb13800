"""The console channel: prints messages, so `make run` needs no account."""

from __future__ import annotations

import sys
from typing import TextIO

from renewd.channels.base import Channel, Result
from renewd.channels.settings import ChannelType, ConsoleChannelSettings
from renewd.core.letter import Format, Message
from renewd.core.model import Person


class ConsoleChannel(Channel):
    """Prints messages: a personal channel for everyone (recipient = the person's id) and a fixed
    one for digests. The example configuration uses it so `make run` needs no account."""

    type = ChannelType.CONSOLE
    format = Format.TEXT

    def __init__(self, settings: ConsoleChannelSettings, stream: TextIO | None = None) -> None:
        super().__init__(settings)
        self.stream = stream

    def address(self, person: Person) -> str | None:
        return person.id

    def _send(self, message: Message, recipient: str) -> Result:
        out = self.stream or sys.stdout
        to = recipient or "(all)"
        out.write(f"── {self.name} → {to}\n{message.title}\n{message.body}\n\n")
        out.flush()
        return Result(True)
