"""Which feeds exist (docs/design.md §10): everyone, one per group, one per person, and the extra
feeds of `[[feeds.extra]]`; their titles and whether they mask names. Pure: people and options in,
specs out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from renewd.core.errors import ConfigError
from renewd.core.model import Lang, Person
from renewd.core.policy import FeedOptions
from renewd.core.wording import say

ALL_FEED = "all"


class FeedKind(StrEnum):
    PERSON = "person"
    GROUP = "group"
    ALL = "all"
    EXTRA = "extra"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One published feed. `name` is stable: the feed's token is derived from it."""

    name: str
    kind: FeedKind
    title: str
    members: tuple[str, ...]  # person ids, roster order
    mask_names: bool
    alarms: bool
    window_days: int | None = None  # HR's feeds: hold events this many days ahead of today
    # HR's feeds: only the events HR acts on or watches (`EventContent.hr`)
    hr_only: bool = False

    @property
    def brief(self) -> bool:
        """HR's feeds (group, all-people, extra) carry short descriptions: one feed holds many
        people, and the checklist is in each person's own feed and messages."""
        return self.kind is not FeedKind.PERSON

    def holds(self, day: dt.date, today: dt.date, hr: bool = True) -> bool:
        """Whether an event on `day` is in this feed (`hr`: whether HR acts on or watches it):
        HR's feeds stop `window_days` ahead and hold only what HR acts on or watches."""
        if self.hr_only and not hr:
            return False
        return self.window_days is None or (day - today).days <= self.window_days


def person_lang(person: Person, default: Lang) -> Lang:
    return person.lang or default


def feed_specs(
    people: Sequence[Person], options: FeedOptions, documents_only: Collection[str] = ()
) -> tuple[FeedSpec, ...]:
    """Every feed the roster and the configuration define: all, one per group, one per person,
    then the extra feeds of `[[feeds.extra]]`. Raises ConfigError when two feeds share a name.
    The people in `documents_only` hold other documents and no points: their own feed's title
    says document renewals."""
    conf = options
    lang = options.language
    ids = tuple(p.id for p in people)
    specs = [
        FeedSpec(
            ALL_FEED,
            FeedKind.ALL,
            say(lang, "feed.title.all"),
            ids,
            conf.mask_names,
            conf.alarms,
            conf.window_days,
            hr_only=True,
        )
    ]
    groups: dict[str, list[str]] = {}
    for person in people:
        if person.group:
            groups.setdefault(person.group, []).append(person.id)
    for group, members in groups.items():
        title = options.group_titles.get(group)
        default = say(lang, "feed.title.group", group=group)
        specs.append(
            FeedSpec(
                f"group-{group}",
                FeedKind.GROUP,
                title or default,
                tuple(members),
                conf.mask_names,
                conf.alarms,
                conf.window_days,
                hr_only=True,
            )
        )
    for person in people:
        titled = "docfeed.title.person" if person.id in documents_only else "feed.title.person"
        title = say(person_lang(person, lang), titled, name=person.name)
        specs.append(
            FeedSpec(
                f"person-{person.id}", FeedKind.PERSON, title, (person.id,), False, conf.alarms
            )
        )
    for extra in conf.extra:
        chosen = tuple(
            p.id for p in people if p.group in extra.groups or set(p.tags) & set(extra.tags)
        )
        specs.append(
            FeedSpec(
                extra.name,
                FeedKind.EXTRA,
                extra.title or extra.name,
                chosen,
                conf.mask_names,
                extra.alarms or conf.alarms,
                conf.window_days,
                hr_only=True,
            )
        )
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise ConfigError(f"two feeds are named {spec.name!r}: rename the extra feed")
        seen.add(spec.name)
    return tuple(specs)


def masked_with_id(name: str, person_id: str, lang: Lang) -> str:
    """What HR's masked feeds show: 高*（E0012）, so that two people named 高* can be told apart."""
    masked = mask_name(name)
    return say(lang, "item.person", name=masked, id=person_id)


def mask_name(name: str) -> str:
    """张三 → 张*, 张三明 → 张*明, 欧阳小明 → 欧**明; Latin names keep each word's first letter."""
    name = name.strip()
    if " " in name:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
