"""Who hears which reminder, on which channel: a pure function of (reminders, routes).

Every step has an owner (`Policy.owners`, docs/design.md §7). Holder steps go to the person's own
channels (scope `personal` or `both`, at his own address); employer steps go to his group's HR
channels (scope `group` or `both`, listed under `[groups.X] channels`, fixed recipients); steps
owned by both inform both. A person without a group, or whose group has no HR channel (a family),
hears every step himself, the employer's worded "ask your HR". A critical date at risk is told to
both (and to the escalation). What an employee whom no personal channel reaches would have read
(his steps, his first-contact status) goes to his group's HR digest, so HR can pass it on.

The result is one envelope per recipient: per (channel, address) for people, with an address two
personal channels share (two email channels, one mailbox) reached once; per channel for HR, with
one section per group and the escalations of the pass (`notify.escalate_to`) in the same
envelope when the channel is the same. One envelope is one message (split only at the channel's
length limit), so nobody gets several messages in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from renewd.core.documents import DocumentPlan
from renewd.core.model import MilestoneKind, Person, PersonPlan
from renewd.core.policy import Owner, Owners
from renewd.core.reminders import (
    Alert,
    CycleDone,
    DocumentAlert,
    DocumentReminder,
    FirstContact,
    Reminder,
)
from renewd.core.wording import CHAIN_ORDER, INFORM_ONLY, Role


class Scope(StrEnum):
    """What a channel is for: each person's own address, fixed recipients (HR), or both."""

    PERSONAL = "personal"
    GROUP = "group"
    BOTH = "both"


class AddressField(StrEnum):
    """Where a channel finds a person's own address on his roster row."""

    EMAIL = "email"
    TELEGRAM = "telegram"
    WECOM_USER = "wecom_user"
    BARK = "bark"
    PUSHPLUS = "pushplus"
    ID = "id"  # the console: the roster id

    def of(self, person: Person) -> str:
        value: str = getattr(person, self.value)
        return value.strip()

    @property
    def secret(self) -> bool:
        """The address is a secret (a Bark device key lets anyone push to the phone; a
        PushPlus friend token goes with it): shown nowhere, not even to HR."""
        return self in (AddressField.BARK, AddressField.PUSHPLUS)


@dataclass(frozen=True)
class ChannelRoute:
    """A channel as routing sees it. `fixed`: it has recipients of its own (HR's mailbox...)."""

    name: str
    scope: Scope
    field: AddressField | None
    fixed: bool

    @property
    def personal(self) -> bool:
        return self.scope is not Scope.GROUP and self.field is not None

    @property
    def group(self) -> bool:
        return self.scope is not Scope.PERSONAL and self.fixed


@dataclass(frozen=True)
class Routes:
    channels: tuple[ChannelRoute, ...]  # configuration order: the first reaching an address wins
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    escalate_to: tuple[str, ...] = ()
    owners: Owners = field(default_factory=Owners)

    def hr_channels(self, group: str) -> tuple[str, ...]:
        """The group channels listed for `group` that can take a digest."""
        usable = {c.name for c in self.channels if c.group}
        return tuple(n for n in self.groups.get(group, ()) if n in usable)


@dataclass(frozen=True)
class Item:
    """One reminder as its reader should hear it."""

    reminder: Reminder
    role: Role
    has_hr: bool = False  # the person's group has an HR channel (it hears employer steps)


@dataclass(frozen=True)
class PersonalEnvelope:
    """Everything one address on one channel hears in a pass (usually one person's steps)."""

    channel: str
    address: str
    items: tuple[Item, ...]

    @property
    def plans(self) -> tuple[PersonPlan, ...]:
        """The points plans it speaks of, one per person (`documents`: the other documents')."""
        seen: dict[str, PersonPlan] = {}
        for item in self.items:
            plan = item.reminder.plan
            if isinstance(plan, PersonPlan):
                seen.setdefault(plan.person.id, plan)
        return tuple(seen.values())

    @property
    def documents(self) -> tuple[DocumentPlan, ...]:
        seen: dict[tuple[str, str], DocumentPlan] = {}
        for item in self.items:
            plan = item.reminder.plan
            if isinstance(plan, DocumentPlan):
                seen.setdefault(plan.key, plan)
        return tuple(seen.values())

    @property
    def person(self) -> Person:
        """The first person it speaks of (whose id keys the message)."""
        return self.items[0].reminder.plan.person


@dataclass(frozen=True)
class GroupSection:
    group: str
    items: tuple[Item, ...]  # employer steps and steps HR should know of
    unreachable: tuple[Item, ...] = ()  # what employees no personal channel reaches would read


@dataclass(frozen=True)
class GroupEnvelope:
    """One HR digest: every group section routed to this channel, and the escalations."""

    channel: str
    sections: tuple[GroupSection, ...]
    attention: tuple[Reminder, ...] = ()

    @property
    def size(self) -> int:
        return sum(len(s.items) + len(s.unreachable) for s in self.sections) + len(self.attention)


@dataclass(frozen=True)
class Routed:
    personal: tuple[PersonalEnvelope, ...]
    group: tuple[GroupEnvelope, ...]
    unheard: tuple[Reminder, ...]  # reminders no channel carries (reported, never silent)


def _order(item: Item) -> tuple[str, object, int]:
    reminder = item.reminder
    kind = reminder.kind
    rank = CHAIN_ORDER.index(kind) if isinstance(kind, MilestoneKind) else -1
    if isinstance(reminder, DocumentReminder):  # after the points, in its pack's chain order
        rank = len(CHAIN_ORDER) + reminder.plan.pack.kinds.index(reminder.step.kind)
    return (reminder.plan.person.id, str(reminder.plan.cycle), rank)


def roles(kind: MilestoneKind, owners: Owners, has_hr: bool) -> tuple[Role | None, Role | None]:
    """(how the holder hears `kind`, how HR hears it); None = does not hear it."""
    return owner_roles(owners.of(kind), kind in INFORM_ONLY, has_hr)


def owner_roles(owner: Owner, inform: bool, has_hr: bool) -> tuple[Role | None, Role | None]:
    """`roles` of a step owned by `owner` (a document's step: as its pack says); `inform`: a
    wait or a heads-up, nobody acts."""
    if owner is Owner.HOLDER:
        return Role.INFORM if inform else Role.ACT, None
    if owner is Owner.EMPLOYER:
        if not has_hr:
            return Role.INFORM if inform else Role.ASK_HR, None
        return None, Role.INFORM if inform else Role.ACT
    both = Role.INFORM if inform else Role.ACT
    return both, both if has_hr else None


def route(reminders: Iterable[Reminder], routes: Routes) -> Routed:
    """Envelopes for one pass; items in chain order, person by person."""
    personal = [c for c in routes.channels if c.personal]
    by_address: dict[tuple[str, str], list[Item]] = defaultdict(list)
    owner_of: dict[tuple[AddressField, str], str] = {}  # first channel reaching an address
    sections: dict[str, dict[str, tuple[list[Item], list[Item]]]] = defaultdict(dict)
    attention: dict[str, list[Reminder]] = defaultdict(list)
    unheard: list[Reminder] = []
    hr_cache: dict[str, tuple[str, ...]] = {}

    def hr_of(group: str) -> tuple[str, ...]:
        if group not in hr_cache:
            hr_cache[group] = routes.hr_channels(group) if group else ()
        return hr_cache[group]

    def to_hr(group: str, item: Item, *, unreachable: bool = False) -> None:
        for name in hr_of(group):
            items, lost = sections[name].setdefault(group, ([], []))
            (lost if unreachable else items).append(item)

    for reminder in reminders:
        if reminder.escalate:
            for name in routes.escalate_to:
                attention[name].append(reminder)
        if isinstance(reminder, Alert | DocumentAlert) and not reminder.told:
            continue  # an infeasible plan, a summary line: the escalation's
        person = reminder.plan.person
        hr = hr_of(person.group)
        holder_role: Role | None
        hr_role: Role | None
        if isinstance(reminder, FirstContact) or (
            isinstance(reminder, DocumentAlert) and reminder.status
        ):
            holder_role, hr_role = Role.INFORM, None
        elif isinstance(reminder, Alert | DocumentAlert):  # a critical date, a cut-off: both
            holder_role, hr_role = Role.INFORM, Role.INFORM if hr else None
        elif isinstance(reminder, DocumentReminder):
            holder_role, hr_role = owner_roles(reminder.step.owner, reminder.inform, bool(hr))
        elif isinstance(reminder, CycleDone):  # HR hears it while the new expiry is missing
            holder_role = Role.INFORM
            hr_role = Role.INFORM if reminder.new_expiry is None and hr else None
        else:
            holder_role, hr_role = roles(reminder.kind, routes.owners, bool(hr))
        heard = False
        if hr_role is not None:
            to_hr(person.group, Item(reminder, hr_role))
            heard = True
        if holder_role is not None:
            item = Item(reminder, holder_role, bool(hr))
            reached = False
            for channel in personal:
                assert channel.field is not None
                address = channel.field.of(person)
                if not address:
                    continue
                first = owner_of.setdefault((channel.field, address), channel.name)
                if first == channel.name:
                    by_address[(channel.name, address)].append(item)
                reached = True
            if not reached and hr:  # HR forwards what he would have read, status included
                to_hr(person.group, item, unreachable=True)
                reached = True
            heard = heard or reached or isinstance(reminder, FirstContact)
        if not heard:
            unheard.append(reminder)

    envelopes = tuple(
        PersonalEnvelope(channel, address, tuple(sorted(items, key=_order)))
        for (channel, address), items in by_address.items()
    )
    names = [c.name for c in routes.channels]
    digests = []
    for name in names:
        if name not in sections and name not in attention:
            continue
        parts = tuple(
            GroupSection(g, tuple(sorted(i, key=_order)), tuple(sorted(u, key=_order)))
            for g, (i, u) in sorted(sections.get(name, {}).items())
        )
        digests.append(GroupEnvelope(name, parts, tuple(attention.get(name, ()))))
    return Routed(envelopes, tuple(digests), tuple(unheard))


# -- the other news: dates moved, roster notices, the escalation asks --------------------------

Address = tuple[str, str]  # (channel, address): one person's own address on one channel


def personal_addresses(person: Person, routes: Routes) -> tuple[Address, ...]:
    """Where `person` hears news of his own: each personal channel that has an address for him,
    the first channel (in configuration order) per address field, as `route` does."""
    out: list[Address] = []
    fields: set[AddressField] = set()
    for channel in routes.channels:
        if channel.personal and channel.field is not None and channel.field not in fields:
            address = channel.field.of(person)
            if address:
                out.append((channel.name, address))
                fields.add(channel.field)
    return tuple(out)


@dataclass(frozen=True)
class Hearers:
    """Who hears one piece of news: addresses of the person, and HR's channels."""

    personal: tuple[Address, ...] = ()
    hr: tuple[str, ...] = ()


FORWARD = "forward:"  # a relayed person's address on an HR channel (`renewd.core.relays`)


def forward_address(person: str) -> str:
    return FORWARD + person


def is_forward(address: str) -> bool:
    return address.startswith(FORWARD)


def moved_hearers(person: Person, kind: MilestoneKind, routes: Routes) -> Hearers:
    """Who hears that a calendar change moved `person`'s step `kind` (docs/design.md §11): its
    owners (`roles`), the holder at his own addresses, HR on the group's HR channels. A holder
    no personal channel reaches hears it through HR: at his forward address on HR's channels."""
    hr = routes.hr_channels(person.group) if person.group else ()
    holder, employer = roles(kind, routes.owners, bool(hr))
    personal = personal_addresses(person, routes) if holder is not None else ()
    if holder is not None and not personal:
        personal = tuple((name, forward_address(person.id)) for name in hr)
    return Hearers(personal, hr if employer is not None else ())


def escalation_channels(routes: Routes) -> tuple[str, ...]:
    """`notify.escalate_to`'s channels that can carry news (configured, with fixed recipients):
    the escalations of a pass, the weekly ask to import the holiday notice."""
    fixed = {c.name for c in routes.channels if c.fixed}
    return tuple(n for n in routes.escalate_to if n in fixed)


def notice_channels(group: str, routes: Routes) -> tuple[str, ...]:
    """Where HR hears of a group's roster problems (docs/design.md §13): the group's own channels
    (`[groups.X] channels`) when it lists any, else the escalation channels ("" = no group);
    only channels with fixed recipients."""
    fixed = {c.name for c in routes.channels if c.fixed}
    names = routes.groups.get(group, ()) or routes.escalate_to
    return tuple(n for n in names if n in fixed)


def notice_is_groups(group: str, routes: Routes) -> bool:
    """Whether a group's roster notice goes to its own channels (else: to the escalation)."""
    return bool(routes.groups.get(group, ()))


def rerouted(
    person: Person | None, group: str | None, escalation: bool, routes: Routes
) -> tuple[Address, ...]:
    """Where a delivery waiting on a channel that was renamed or removed goes instead: a
    person's own message to his personal addresses now (as `route` picks them); a digest to its
    group's channels if the group is configured, else an escalation to the escalation channels.
    Nothing (): it fails and shows as dead, never lost silently."""
    if person is not None:
        return personal_addresses(person, routes)
    if group is None:
        return ()
    fixed = {c.name for c in routes.channels if c.fixed}
    names = routes.groups.get(group, ())
    if group not in routes.groups and escalation:
        names = routes.escalate_to
    return tuple((n, "") for n in names if n in fixed)


def route_problems(routes: Routes) -> list[tuple[str, str]]:
    """(where, what) for routes that cannot be delivered: a group or escalation route to a
    channel that has no fixed recipients, or whose scope is personal only."""
    by_name = {c.name: c for c in routes.channels}
    wheres: list[tuple[str, str]] = [
        (f"groups.{g}.channels", n) for g, names in routes.groups.items() for n in names
    ]
    wheres += [("notify.escalate_to", n) for n in routes.escalate_to]
    problems = []
    for where, name in wheres:
        channel = by_name.get(name)
        if channel is None:
            continue
        if channel.scope is Scope.PERSONAL:
            problems.append(
                (
                    where,
                    f'channel {name!r} has scope = "personal": it reaches each'
                    " person at his own address and cannot carry a digest",
                )
            )
        elif not channel.fixed:
            problems.append(
                (
                    where,
                    f"channel {name!r} has no recipients for digests (set `to`,"
                    " `chat_id`, `to_party`, a robot key or an Apprise url)",
                )
            )
    return problems
