"""Which feed a presented token opens (`renewd.web.publisher.FeedCache.feed_name`).

HR's feeds (few) are found by the SHA-256 of their token in a dict. The people's own feeds are
found by the first 5 bytes of it, in one sorted array of 8-byte entries that also hold the
person's place in the roster (8 bytes a person, beside the roster's ids, instead of a dict
entry, a 32-byte key and a feed name: about 190), and each hit is confirmed by deriving that
feed's token again and comparing the whole hash in constant time.
"""

from __future__ import annotations

import hmac
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping

from renewd.store.tokens import Tokens, token_hash

PERSON = "person-"  # a person's own feed is named `person-<id>`


PLACE_BITS = 24  # an entry: 40 bits of the token hash, then the person's place (16M people)


def _prefix(digest: bytes) -> int:
    return int.from_bytes(digest[:5], "big") << PLACE_BITS


class TokenIndex:
    """token hash → feed name, for HR's feeds `shared` and the own feeds of `people` (ids)."""

    def __init__(
        self,
        tokens: Tokens,
        counters: Mapping[str, int],
        shared: Iterable[str] = (),
        people: Iterable[str] = (),
    ) -> None:
        self._tokens = tokens
        self._counters = counters
        self._shared = {token_hash(tokens.token(n, counters)): n for n in shared}
        self._ids = list(people)
        if len(self._ids) >= 1 << PLACE_BITS:
            raise ValueError(f"more than {1 << PLACE_BITS:,} people's own feeds")
        entries = (self._hash(person_id) | n for n, person_id in enumerate(self._ids))
        self._entries = array("Q", sorted(entries))

    def _hash(self, person_id: str) -> int:
        return _prefix(token_hash(self._tokens.token(PERSON + person_id, self._counters)))

    def get(self, digest: bytes) -> str | None:
        """The feed whose token hashes to `digest`, or None."""
        name = self._shared.get(digest)
        if name is not None:
            return name
        key = _prefix(digest)
        at = bisect_left(self._entries, key)
        while at < len(self._entries) and self._entries[at] >> PLACE_BITS == key >> PLACE_BITS:
            name = PERSON + self._ids[self._entries[at] & ((1 << PLACE_BITS) - 1)]
            whole = token_hash(self._tokens.token(name, self._counters))
            if hmac.compare_digest(whole, digest):
                return name
            at += 1
        return None
