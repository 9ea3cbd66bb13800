"""HR's notices of roster problems: each problem once, on the digest channels of its group.

A bad row holds back only its own person (`renewd.roster.assemble.read_partial`); HR has to
correct it. Each problem HR was not told of yet goes out in one notice per group on that group's
digest channels (`[groups.X] channels`), or on `notify.escalate_to` when the row has no group
(or its group has no channels). The notice rows and the record that HR was told
(`renewd.store.records.mark_noticed`) commit in one transaction, so a crash cannot tell HR twice
or not at all; a problem that is fixed is forgotten, and told again should it come back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import PurePath as Path

from renewd.channels.base import Channel
from renewd.channels.formatting import bold, escape
from renewd.core.errors import Problem
from renewd.core.messages import Format, Message
from renewd.core.model import Lang
from renewd.core.reminders import DigestKey
from renewd.settings import Settings
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog, NewDelivery
from renewd.store.records import mark_noticed, unnoticed


class Notices:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        channels: Mapping[str, Channel],
        problems: Mapping[str, Sequence[Problem]],
    ) -> None:
        self.db = db
        self.settings = settings
        self.channels = channels
        self.problems = problems  # by group; "" = no group known

    def build(self, today: dt.date, record: bool) -> list[NewDelivery]:
        """The notices of the problems not told yet; `record`: mark them told (the caller runs
        this inside the transaction that inserts the notices)."""
        out: list[NewDelivery] = []
        if not any(self.problems.values()):
            return out
        log = DeliveryLog(self.db)
        for group, problems in sorted(unnoticed(self.db, self.problems).items()):
            conf = self.settings.groups.get(group)
            names = conf.channels if conf and conf.channels else self.settings.notify.escalate_to
            key_group = group if conf and conf.channels else None
            key = DigestKey(today, log.next_digest_number(key_group, today), key_group)
            made = [
                NewDelivery(key, 0, name, "", roster_notice(group or None, problems,
                            self.settings.language, channel.format), False)
                for name in names
                if (channel := self.channels.get(name)) is not None and channel.fixed
            ]  # fmt: skip
            if made and record:
                mark_noticed(self.db, group, problems, today.isoformat())
            out += made
        return out


def roster_notice(
    group: str | None, problems: Sequence[Problem], lang: Lang, fmt: Format
) -> Message:
    """HR's notice of roster rows that were held back (each problem is noticed once): where
    each is and what is wrong, as `renewd check` says it (a roster holds no ID-card or phone
    numbers: renewd never reads those columns)."""
    zh = lang is Lang.ZH
    who = group or ("未分组" if zh else "no group")
    title = (
        f"【名单问题】{who}：{len(problems)} 处需要更正"
        if zh
        else f"[Roster problems] {who}: {len(problems)} to correct"
    )
    lines = [
        bold(escape(who, fmt), fmt),
        "以下行未能读取：已保留此人上次的正确记录（新人暂不提醒）。请更正名单。"
        if zh
        else "These rows could not be read: each person keeps his last good record (a new"
        " person is left out until fixed). Please correct the roster.",
    ]
    for p in problems:
        where = Path(p.file).name + (f" {'第' if zh else 'row '}{p.row}{'行' if zh else ''}"
                                     if p.row is not None else "")  # fmt: skip
        column = f" {p.field}" if p.field else ""
        lines.append(f"- {escape(where + column, fmt)}: {escape(p.message, fmt)}")
    return Message(title, "\n".join(lines), fmt)
