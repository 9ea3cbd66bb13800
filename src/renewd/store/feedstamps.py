"""What the feeds remember between runs, in the state database (tables `feed_*`).

- `feed_events`: per event UID, a digest of its content, its SEQUENCE and when the content last
  changed. A new digest raises SEQUENCE and moves the time; the same digest changes nothing, so
  unchanged data renders to the same bytes.
- `feed_published`: per feed, a digest of what it publishes and when that last changed: the HTTP
  `Last-Modified`, which therefore never moves backwards, even across restarts.

Nothing secret is stored here. Rows of events that left the roster are kept, so a person who comes
back continues his SEQUENCE instead of restarting at 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Mapping

from renewd.core.events import EventKey, Stamp
from renewd.store.database import Database

SCHEMA = [
    """
    CREATE TABLE feed_events (
        uid TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE feed_published (
        name TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        modified_at TEXT NOT NULL
    )
    """,
    # 0.2: UIDs are keyed with the feed key, so no stamp of an unkeyed UID will be asked for
    # again. Calendar clients see each old event replaced by a new one, once.
    """
    DELETE FROM feed_events
    """,
]


_SLICE = 500  # uids per query: below SQLite's limit of bound parameters


@functools.lru_cache(maxsize=1024)  # a refresh writes few distinct moments, many times
def _to_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class FeedStore:
    """Event stamps and feed modification times. Holds nothing between calls: each call reads
    its table (so it also sees what another process, e.g. `renewd export`, wrote) and writes
    what changed. Equal stamps and times are returned as one shared object, so that a caller
    keeping them for every event pays for a reference, not an object."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("feeds", SCHEMA)

    def _known_events(self, uids: list[str]) -> dict[str, tuple[str, Stamp]]:
        """The stored digest and stamp of each of `uids` that has one (read in slices, so a
        refresh holds the rows of one chunk of events, not of the whole table)."""
        stamps: dict[tuple[int, str], Stamp] = {}
        known: dict[str, tuple[str, Stamp]] = {}
        for start in range(0, len(uids), _SLICE):
            part = uids[start : start + _SLICE]
            rows = self.db.conn.execute(
                "SELECT uid, digest, sequence, changed_at FROM feed_events"
                f" WHERE uid IN ({','.join('?' * len(part))})",
                part,
            )
            for uid, digest, sequence, changed in rows:
                stamp = stamps.get((sequence, changed))
                if stamp is None:
                    stamp = stamps[sequence, changed] = Stamp(sequence, _from_text(changed))
                known[uid] = (digest, stamp)
        return known

    def stamp(self, events: Iterable[EventKey], now: dt.datetime) -> list[Stamp]:
        """The stamp of every event, in order: unchanged ones keep theirs, new ones start at
        SEQUENCE 0 and `now`, changed ones get SEQUENCE + 1 and `now`. Callers with many events
        pass them a chunk at a time (`FeedCache.refresh`)."""
        events = list(events)
        known = self._known_events([event.uid for event in events])
        now = now.astimezone(dt.UTC).replace(microsecond=0)
        fresh: dict[tuple[int, dt.datetime], Stamp] = {}
        out: list[Stamp] = []
        writes: list[tuple[str, str, int, str]] = []
        for event in events:
            old = known.get(event.uid)
            if old is not None and old[0] == event.digest:
                out.append(old[1])
                continue
            sequence, changed = 0 if old is None else old[1].sequence + 1, now
            if old is not None and now <= old[1].changed:
                changed = old[1].changed + dt.timedelta(seconds=1)
            stamp = fresh.get((sequence, changed))
            if stamp is None:
                stamp = fresh[sequence, changed] = Stamp(sequence, changed)
            known[event.uid] = (event.digest, stamp)
            out.append(stamp)
            writes.append((event.uid, event.digest, stamp.sequence, _to_text(stamp.changed)))
        if writes:
            with self.db.transaction() as conn:
                conn.executemany(
                    "INSERT INTO feed_events (uid, digest, sequence, changed_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (uid) DO UPDATE SET"
                    " digest = excluded.digest, sequence = excluded.sequence,"
                    " changed_at = excluded.changed_at",
                    writes,
                )
        return out

    def published(self, digests: Mapping[str, str], now: dt.datetime) -> dict[str, dt.datetime]:
        """When each feed's content last changed: kept while its digest is the same, otherwise
        `now` (or one second after the previous time, should the clock have gone back)."""
        return dict(zip(digests, self.moments(digests.items(), now), strict=True))

    def moments(self, digests: Iterable[tuple[str, str]], now: dt.datetime) -> list[dt.datetime]:
        """`published` for (feed, digest) pairs, in order, read and written a slice at a time (a
        refresh of 100,000 people's feeds holds the rows of one slice, not of the table). Equal
        times are one object."""
        moments: dict[str, dt.datetime] = {}
        now = now.astimezone(dt.UTC).replace(microsecond=0)
        out: list[dt.datetime] = []
        pairs = iter(digests)
        while part := list(itertools.islice(pairs, _SLICE)):
            known: dict[str, tuple[str, dt.datetime]] = {}
            rows = self.db.conn.execute(
                "SELECT name, digest, modified_at FROM feed_published"
                f" WHERE name IN ({','.join('?' * len(part))})",
                [name for name, _ in part],
            )
            for name, digest, text in rows:
                if text not in moments:
                    moments[text] = _from_text(text)
                known[name] = (digest, moments[text])
            writes: list[tuple[str, str, str]] = []
            for name, digest in part:
                old = known.get(name)
                if old is not None and old[0] == digest:
                    out.append(old[1])
                    continue
                moment = now if old is None or now > old[1] else old[1] + dt.timedelta(seconds=1)
                known[name] = (digest, moment)
                out.append(moment)
                writes.append((name, digest, _to_text(moment)))
            if writes:
                with self.db.transaction() as conn:
                    conn.executemany(
                        "INSERT INTO feed_published (name, digest, modified_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (name) DO UPDATE SET digest = excluded.digest,"
                        " modified_at = excluded.modified_at",
                        writes,
                    )
        return out
