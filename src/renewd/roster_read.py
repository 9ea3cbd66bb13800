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

A feed-name clash is never partial for the daemon: it is a configuration conflict, and the read
refuses (the last good roster stays, rather than a person going as a leaver). A command that only
reads and publishes (`feeds`, `export`, `plan`) asks to hold the clashing person back instead.

The keys a roster holds for people (Bark device keys, PushPlus friend tokens) are secrets like a
channel's: every read registers them with `renewd.redaction`, so no log line shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from renewd import redaction
from renewd.core.errors import RosterError
from renewd.roster.assemble import NO_RECORDS, LastGood, PartialRoster, read_partial
from renewd.roster.feednames import feed_name_problems, hold_back_clashes
from renewd.roster.reader import load_roster
from renewd.roster.stream import RosterStream
from renewd.settings import Settings


def read_roster(
    settings: Settings,
    last_good: LastGood = NO_RECORDS,
    *,
    files: Sequence[Path] | None = None,
    strict: bool = False,
    hold_clashes: bool = False,
) -> PartialRoster:
    """The roster `settings` name (or `files` in their place, for an upload being checked), read
    within `[roster]` limits and checked against the configuration's feed names. With
    `hold_clashes` (commands that only read and publish), a person whose feed would clash is
    held back like a bad row instead of refusing the read."""
    paths = tuple(files) if files is not None else tuple(settings.roster.files)
    limits = settings.roster.limits()
    if strict:
        partial = PartialRoster(load_roster(paths, limits))
    else:
        partial = read_partial(paths, last_good, limits)
    rows = (*partial.roster.people, *partial.roster.documents)  # masked in every log from now
    redaction.register_secret(*(p.bark for p in rows), *(p.pushplus for p in rows))
    reserved = {feed.name for feed in settings.feeds.extra}
    if hold_clashes and not strict:
        return hold_back_clashes(partial, reserved)
    clashes = feed_name_problems(partial.roster, reserved)
    if clashes:
        raise RosterError(
            f"the roster has {len(clashes)} feed name clash(es); nothing was loaded", clashes
        )
    return partial


def stream_roster(
    settings: Settings, last_good: LastGood = NO_RECORDS, *, files: Sequence[Path] | None = None
) -> RosterStream:
    """`read_roster(..., hold_clashes=True)` as a stream (`renewd.roster.stream`): the same
    people, problems and documents, a person at a time, for a command that writes each as it
    comes (`plan --json`)."""
    paths = tuple(files) if files is not None else tuple(settings.roster.files)
    reserved = {feed.name for feed in settings.feeds.extra}
    return RosterStream(paths, last_good, settings.roster.limits(), reserved)
