"""The feed-name clash check: a group's or person's feed may not take a reserved feed's name.

The names reserved are those of the `[[feeds.extra]]` feeds; the caller passes them, so the roster
needs no settings (`renewd check`, `renewd plan` and the daemon ask the same question).
"""

from __future__ import annotations

from collections.abc import Collection

from renewd.core.errors import Problem
from renewd.roster.reader import Roster


def feed_name_problems(roster: Roster, reserved: Collection[str]) -> list[Problem]:
    """A group or person whose feed would take the name of a `[[feeds.extra]]` feed."""
    problems = []
    for person in roster.people:
        for field, name in (("group", f"group-{person.group}"), ("id", f"person-{person.id}")):
            if name in reserved and (field == "id" or person.group):
                problems.append(
                    Problem(
                        person.source,
                        f"this {field}'s feed would be named {name!r}, like the extra feed of"
                        " [[feeds.extra]]; rename the extra feed in the configuration",
                        field=field,
                    )
                )
    return problems
