"""Which feed a presented token opens (`renewd.web.publisher.FeedCache.feed_name`).

HR's feeds (few) are found by the SHA-256 of their token in a dict. The people's own feeds are
found by the first 8 bytes of it, in a sorted array beside their person ids (16 bytes a person
instead of a dict entry, a 32-byte key and a feed name, about 190), and each hit is confirmed by
deriving that feed's token again and comparing the whole hash in constant time.
"""

from __future__ import annotations

import hmac
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping

from renewd.store.tokens import Tokens, token_hash

PERSON = "person-"  # a person's own feed is named `person-<id>`


def _prefix(digest: bytes) -> int:
    return int.from_bytes(digest[:8], "big")


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
        pairs = sorted((self._hash(person_id), person_id) for person_id in people)
        self._keys = array("Q", (key for key, _ in pairs))
        self._ids = [person_id for _, person_id in pairs]

    def _hash(self, person_id: str) -> int:
        return _prefix(token_hash(self._tokens.token(PERSON + person_id, self._counters)))

    def get(self, digest: bytes) -> str | None:
        """The feed whose token hashes to `digest`, or None."""
        name = self._shared.get(digest)
        if name is not None:
            return name
        key = _prefix(digest)
        at = bisect_left(self._keys, key)
        while at < len(self._keys) and self._keys[at] == key:
            name = PERSON + self._ids[at]
            whole = token_hash(self._tokens.token(name, self._counters))
            if hmac.compare_digest(whole, digest):
                return name
            at += 1
        return None
