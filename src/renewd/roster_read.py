"""The one roster read: every entry reads the roster files through `read_roster`.

The daemon (start, change, SIGHUP), `check`, `plan`, `notify`, `done`, `log`, `feeds`, `export`,
`user`, `calendar import` and the console's upload check all apply the same `[roster]` limits
(sizes, cells, plannable years: nothing is allocated before they are checked), the same check that
no group or person takes the name of a `[[feeds.extra]]` feed, and the same rule for bad rows:

- partial (the default, as the daemon serves): a bad row holds back only its own person, who
  keeps his last good record (`last_good`, from the state database) or is left out; an
  unreadable file keeps its last good version. Its problems come back in `PartialRoster.problems`.
- strict (`check`, an uploaded roster, a daemon with no state yet): all or nothing; one
  `RosterError` lists every problem of every file.

A feed-name clash is never partial: it is a configuration conflict, and the read refuses.

The keys a roster holds for people (Bark device keys, PushPlus friend tokens) are secrets like a
channel's: every read registers them with `renewd.redaction`, so no log line shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from renewd import redaction
from renewd.core.errors import RosterError
from renewd.roster.assemble import NO_RECORDS, LastGood, PartialRoster, read_partial
from renewd.roster.feednames import feed_name_problems
from renewd.roster.reader import load_roster
from renewd.settings import Settings


def read_roster(
    settings: Settings,
    last_good: LastGood = NO_RECORDS,
    *,
    files: Sequence[Path] | None = None,
    strict: bool = False,
) -> PartialRoster:
    """The roster `settings` name (or `files` in their place, for an upload being checked), read
    within `[roster]` limits and checked against the configuration's feed names."""
    paths = tuple(files) if files is not None else tuple(settings.roster.files)
    limits = settings.roster.limits()
    if strict:
        partial = PartialRoster(load_roster(paths, limits))
    else:
        partial = read_partial(paths, last_good, limits)
    clashes = feed_name_problems(partial.roster, {feed.name for feed in settings.feeds.extra})
    if clashes:
        raise RosterError(
            f"the roster has {len(clashes)} feed name clash(es); nothing was loaded", clashes
        )
    people = partial.roster.people
    redaction.register_secret(*(p.bark for p in people), *(p.pushplus for p in people))
    return partial
