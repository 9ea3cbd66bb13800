"""A letter and its parts, as every writer in the core builds them (personal messages, HR
digests, dates-moved and roster notes) and every channel renders them
(`renewd.channels.formatting`): plain text in sections and lines; the format a channel needs is
applied when it is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Format(StrEnum):
    """How a channel renders a message body."""

    TEXT = "text"
    MARKDOWN = "markdown"  # CommonMark subset: **bold**, lists (WeCom markdown)
    HTML = "html"  # the subset Telegram accepts: <b>, plain newlines


@dataclass(frozen=True)
class Message:
    """A letter rendered for one channel's format: what is stored and sent."""

    title: str
    body: str
    format: Format
    # The channel user ids this part @-mentions (a group robot's `at` list); their
    # "@<id>" stands at the end of the lines that name them (`renewd.channels.formatting`).
    mentions: tuple[str, ...] = ()


class Level(IntEnum):
    TEXT = 0
    BULLET = 1
    DETAIL = 2  # under the bullet before it


@dataclass(frozen=True)
class Line:
    """A line of plain text. `mention`: the roster id of the person whose step this line is
    (its owner), for a group robot that can @-mention him; "" = nobody."""

    text: str
    level: Level = Level.BULLET
    mention: str = ""


@dataclass(frozen=True)
class Section:
    """A heading (may be empty) and its lines, all plain text."""

    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Letter:
    title: str
    opening: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: tuple[str, ...] = ()
