"""The state store: SQLite database, feed tokens, feed stamps and recorded progress."""

from renewd.store import components as components  # every component's steps: Database.of checks
