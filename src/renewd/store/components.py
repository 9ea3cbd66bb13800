"""Every component of the state database and its schema steps: what `Database.ensure_schema` is
called with across the store, in one table. `renewd state migrate` makes them all; `Database.of`
checks that none is newer than this release knows (`database.KNOWN_VERSIONS`, filled in here;
the package `renewd.store` imports this module first, so it is full wherever a state opens).
"""

from __future__ import annotations

from collections.abc import Sequence

import renewd.store.accounts as accounts
import renewd.store.delivery_schema as delivery_schema
import renewd.store.document_progress as document_progress
import renewd.store.feedkey as feedkey
import renewd.store.feedstamps as feedstamps
import renewd.store.leader as leader
import renewd.store.leavers as leavers
import renewd.store.moves as moves
import renewd.store.notices as notices
import renewd.store.progress as progress
import renewd.store.records as records
import renewd.store.rosters as rosters
import renewd.store.tokens as tokens
from renewd.store.database import KNOWN_VERSIONS

COMPONENTS: dict[str, Sequence[str]] = {
    "delivery": delivery_schema.SCHEMA,
    "progress": progress.SCHEMA,
    "roster": records.SCHEMA,
    "feeds": feedstamps.SCHEMA,
    "feed_tokens": tokens.SCHEMA,
    "feed_key": feedkey.SCHEMA,
    "notices": notices.SCHEMA,
    "moves": moves.SCHEMA,
    "leavers": leavers.SCHEMA,
    "console": accounts.SCHEMA,
    "document_progress": document_progress.SCHEMA,
}
SHARED_ONLY: dict[str, Sequence[str]] = {  # not in a SQLite state
    "leader": leader.SCHEMA,
    "roster_versions": rosters.SCHEMA,
}


KNOWN_VERSIONS.update({name: len(steps) for name, steps in {**COMPONENTS, **SHARED_ONLY}.items()})
