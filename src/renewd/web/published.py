"""A feed ready to serve (`Published`: its bytes, validators and prebuilt response headers) and
the addresses of a feed (`FeedUrls`), as `renewd.web.publisher.FeedCache` hands them out.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from dataclasses import dataclass
from email.utils import format_datetime

from renewd.core.feeds import FeedSpec

CACHE_CONTROL = "private, max-age=900"


@dataclass(frozen=True)
class FeedUrls:
    https: str
    webcal: str
    page: str


@dataclass
class Published:
    """One feed ready to serve: its bytes, validators and prebuilt response headers."""

    spec: FeedSpec
    body: bytes
    etag: str
    last_modified: dt.datetime
    headers: dict[str, str]
    not_modified_headers: dict[str, str]
    _gzip: tuple[bytes, dict[str, str]] | None = None

    @classmethod
    def build(cls, spec: FeedSpec, body: bytes, modified: dt.datetime) -> Published:
        tag = hashlib.sha256(body).hexdigest()[:32]
        etag = f'"{tag}"'
        common = {
            "Last-Modified": format_datetime(modified.astimezone(dt.UTC), usegmt=True),
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept-Encoding",
        }
        headers = {
            **common,
            "ETag": etag,
            "Content-Type": "text/calendar; charset=utf-8",
            "X-Content-Type-Options": "nosniff",
        }
        return cls(spec, body, etag, modified, headers, {**common, "ETag": etag})

    def gzipped(self) -> tuple[bytes, dict[str, str]]:
        """The gzip representation (its own strong ETag), compressed once."""
        if self._gzip is None:
            body = gzip.compress(self.body, compresslevel=6, mtime=0)
            etag = self.etag[:-1] + '-gz"'
            self._gzip = body, {**self.headers, "ETag": etag, "Content-Encoding": "gzip"}
        return self._gzip

    def matches(self, if_none_match: str) -> bool:
        """If-None-Match against either representation (weak comparison, RFC 9110 §13.1.2)."""
        plain = self.etag.strip('"')
        for candidate in if_none_match.split(","):
            candidate = candidate.strip()
            if candidate == "*":
                return True
            candidate = candidate.removeprefix("W/").strip('"')
            if candidate in (plain, plain + "-gz"):
                return True
        return False
