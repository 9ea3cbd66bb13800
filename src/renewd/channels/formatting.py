"""The channel edge: a plain-text `Letter` rendered for one channel's markup, escaped there.

The core writes titles and bodies as plain text. Here, and only here, they become Telegram HTML
(`<b>` headings, everything else HTML-escaped: Apprise puts the title in `<b>` as it is, so the
title is escaped too), WeCom markdown (`**` headings, markdown characters backslash-escaped, `<`
and `&` as entities, title included: WeCom shows it in bold) or plain text. A name like
`张*三_<b>` therefore arrives intact and inert on every channel.

A letter longer than the channel's byte budget is split between lines, never inside one (a
single line longer than the budget is cut with "…"); every part repeats the first line of the
body, the closing notes go on the last part, and the title gets a counter "（1/3）".

@-mentions: on a channel that can mention people (a DingTalk or Feishu group robot), a line
naming its owner (`Line.mention`, a roster id) ends with " @<user id>" when `mention` knows the
person's id on that service, and each part lists the ids it mentions (`Message.mentions`), so
the robot notifies exactly the people named in that part. The id comes from the roster, where it
is checked to be one plain token (`renewd.roster.cells`): it cannot carry markup or a line break.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from renewd.core.letter import Format, Letter, Level, Message
from renewd.core.model import Lang
from renewd.core.wording import say

# Inline markup WeCom's markdown knows (emphasis, code, links, strike-through); `#`, `>`, `-`
# and `+` only start a heading, quote or list at the start of a line.
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
_MD_LINE_START = re.compile(r"^([#>+\-]|\d+\.)")


def escape(text: str, fmt: Format) -> str:
    """Make text inert in `fmt`: no markup, no tags, no line breaks."""
    text = " ".join(text.split())
    if fmt is Format.HTML:
        return html.escape(text, quote=False)
    if fmt is Format.MARKDOWN:
        text = _MD_LINE_START.sub(r"\\\1", _MD_SPECIAL.sub(r"\\\1", text))
        return html.escape(text, quote=False)
    return text


_MD_ESCAPED = re.compile(r"\\([\\`*_\[\]~|#>+\-]|\d+\.)")


def plain(text: str, fmt: Format) -> str:
    """What `escape(text, fmt)` made inert, as text again: for a service that shows a title as
    plain text although its body takes markup (Server酱, PushPlus)."""
    if fmt is Format.HTML:
        return html.unescape(text)
    if fmt is Format.MARKDOWN:
        return _MD_ESCAPED.sub(r"\1", html.unescape(text))
    return text


def bold(text: str, fmt: Format) -> str:
    """`text` (already escaped) in bold."""
    if fmt is Format.HTML:
        return f"<b>{text}</b>"
    if fmt is Format.MARKDOWN:
        return f"**{text}**"
    return text


# A roster id -> the person's user id on the channel ("" or None: none known).
Mention = Callable[[str], str | None]


def _no_mention(person: str) -> str | None:
    return None


def body_lines(
    letter: Letter, fmt: Format, mention: Mention = _no_mention
) -> tuple[list[str], list[str]]:
    """(the lines of the body, the closing lines), rendered and escaped for `fmt`; a line whose
    owner `mention` knows ends with " @<his user id>"."""
    lines = [escape(text, fmt) for text in letter.opening]
    for section in letter.sections:
        if lines:
            lines.append("")
        if section.heading:
            sep = (
                ""
                if section.heading.endswith(("：", ":"))
                else ("：" if _CJK.search(section.heading) else ":")
            )
            lines.append(bold(escape(section.heading, fmt), fmt) + sep)
        for line in section.lines:
            text = escape(line.text, fmt)
            if line.level is Level.BULLET:
                text = f"- {text}"
            elif line.level is Level.DETAIL:
                text = f"  {text}"
            user = mention(line.mention) if line.mention else ""
            if user:
                text = f"{text} @{user}"
            lines.append(text)
    closing = [escape(text, fmt) for text in letter.closing]
    return lines, closing


def render(
    letter: Letter,
    fmt: Format,
    max_bytes: int | None = None,
    lang: Lang = Lang.ZH,
    mention: Mention = _no_mention,
) -> list[Message]:
    """One message, or several parts when the body exceeds `max_bytes` UTF-8 bytes; with
    `mention`, each part @-mentions the owners its lines name (see the module docstring)."""
    lines, closing = body_lines(letter, fmt, mention)
    named = (ln.mention for section in letter.sections for ln in section.lines if ln.mention)
    users = tuple(dict.fromkeys(user for person in named if (user := mention(person))))
    footer = "\n".join(closing)
    title = escape(letter.title, fmt) if fmt is not Format.TEXT else " ".join(letter.title.split())
    parts = split(lines, footer, max_bytes)
    if len(parts) == 1:
        return [Message(title, parts[0], fmt, mentioned(parts[0], users))]
    return [
        Message(
            title + say(lang, "title.digest.part", n=n, total=len(parts)),
            body,
            fmt,
            mentioned(body, users),
        )
        for n, body in enumerate(parts, start=1)
    ]


def mentioned(body: str, users: tuple[str, ...]) -> tuple[str, ...]:
    """Which of `users` (in their order) a line of `body` ends by mentioning."""
    ends = {line.rsplit(" @", 1)[-1] for line in body.split("\n") if " @" in line}
    return tuple(u for u in users if u and u in ends)


def split(lines: list[str], footer: str, max_bytes: int | None) -> list[str]:
    """Pack lines into as few bodies as fit `max_bytes`; the first line repeats on each part,
    the footer ends the last one. Nothing but a blank separator at a part's edge is dropped, and
    the order is kept."""
    tail = f"\n\n{footer}" if footer else ""
    if max_bytes is None or not lines:
        return ["\n".join(lines) + tail]
    head, items = lines[0], lines[1:]
    budget = max(64, max_bytes - len(tail.encode()) - 32)  # room for the counter and slack
    head_size = len(head.encode())
    parts: list[str] = []
    current = [head]
    size = head_size
    for line in items:
        cost = len(line.encode()) + 1
        if cost + head_size > budget:  # one huge line: cut it rather than loop
            room = max(8, budget - head_size - 4)
            line = line.encode()[:room].decode(errors="ignore") + "…"
            cost = len(line.encode()) + 1
        if size + cost > budget and len(current) > 1:
            parts.append("\n".join(current).rstrip("\n"))  # no blank line at a part's end
            current, size = [head], head_size
        if not line and len(current) == 1:
            continue  # nor at a part's start: a blank only separates sections
        current.append(line)
        size += cost
    parts.append("\n".join(current))
    parts[-1] += tail
    return parts
