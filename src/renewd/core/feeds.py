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
    head, tail = shared_specs(people, options)
    own = tuple(person_spec(p, options, p.id in documents_only) for p in people)
    return (*head, *own, *tail)


def person_spec(person: Person, options: FeedOptions, documents_only: bool = False) -> FeedSpec:
    """A person's own feed (`documents_only`: he holds other documents and no points)."""
    titled = "docfeed.title.person" if documents_only else "feed.title.person"
    title = say(person_lang(person, options.language), titled, name=person.name)
    return FeedSpec(
        f"person-{person.id}", FeedKind.PERSON, title, (person.id,), False, options.alarms
    )


def shared_specs(
    people: Sequence[Person], options: FeedOptions
) -> tuple[tuple[FeedSpec, ...], tuple[FeedSpec, ...]]:
    """HR's feeds: (all and one per group, the extra feeds), which come before and after the
    people's own feeds (`person_spec`, one per person, built on demand by the feed server).
    Raises ConfigError when two feeds, the people's own included, share a name."""
    conf = options
    lang = options.language
    ids = tuple(p.id for p in people)
    head = [
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
        head.append(
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
    tail = []
    for extra in conf.extra:
        chosen = tuple(
            p.id for p in people if p.group in extra.groups or set(p.tags) & set(extra.tags)
        )
        tail.append(
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
    # The people's own feeds are `person-<id>`: checked against their ids, not made here.
    seen: set[str] = set()
    for person_id in ids:
        if person_id in seen:
            raise ConfigError(
                f"two feeds are named {'person-' + person_id!r}: rename the extra feed"
            )
        seen.add(person_id)
    names: set[str] = set()
    for spec in (*head, *tail):
        own = spec.name.startswith("person-") and spec.name.removeprefix("person-") in seen
        if own or spec.name in names:
            raise ConfigError(f"two feeds are named {spec.name!r}: rename the extra feed")
        names.add(spec.name)
    return tuple(head), tuple(tail)


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
