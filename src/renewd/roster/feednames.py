"""The feed-name clash check: a group's or person's feed may not take a reserved feed's name.

The names reserved are those of the `[[feeds.extra]]` feeds; the caller passes them, so the roster
needs no settings (`renewd check`, `renewd plan` and the daemon ask the same question).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from renewd.core.errors import Problem
from renewd.core.model import Person
from renewd.roster.assemble import PartialRoster
from renewd.roster.reader import Roster


def clashes(roster: Roster, reserved: Collection[str]) -> list[tuple[Person, Problem]]:
    """Each person whose own feed, or whose group's, would take the name of a `[[feeds.extra]]`
    feed, with the problem that says so (file, row and field)."""
    return [(person, problem) for person in roster.people for problem in clash(person, reserved)]


def clash(person: Person, reserved: Collection[str]) -> list[Problem]:
    """What `clashes` finds of one person (the group's feed first, then his own)."""
    found = []
    for field, name in (("group", f"group-{person.group}"), ("id", f"person-{person.id}")):
        if name in reserved and (field == "id" or person.group):
            found.append(
                Problem(
                    person.source,
                    f"this {field}'s feed would be named {name!r}, like the extra feed of"
                    " [[feeds.extra]]; rename the extra feed in the configuration",
                    field=field,
                )
            )
    return found


def feed_name_problems(roster: Roster, reserved: Collection[str]) -> list[Problem]:
    """A group or person whose feed would take the name of a `[[feeds.extra]]` feed."""
    return [problem for _, problem in clashes(roster, reserved)]


def hold_back_clashes(partial: PartialRoster, reserved: Collection[str]) -> PartialRoster:
    """`partial` without the people whose feeds would clash (each left out, his problem said):
    what a command that only reads and publishes (`renewd feeds`, `export`, `plan`) serves,
    so one clashing row holds back only its own person."""
    found = clashes(partial.roster, reserved)
    if not found:
        return partial
    out = {id(person) for person, _ in found}
    problems = tuple(problem for _, problem in found)
    people = tuple(p for p in partial.roster.people if id(p) not in out)
    by_group = dict(partial.by_group)
    for person, problem in found:
        by_group[person.group] = (*by_group.get(person.group, ()), problem)
    return replace(
        partial,
        roster=replace(partial.roster, people=people),
        problems=partial.problems + problems,
        left_out=partial.left_out + len(out),
        by_group=by_group,
        held=partial.held + tuple(dict.fromkeys(person.id for person, _ in found)),
    )
