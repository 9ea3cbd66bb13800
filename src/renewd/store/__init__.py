"""The state store: SQLite database, feed tokens, feed stamps and recorded progress."""
