"""The delivery log's tables (component "delivery"), one script per schema version.

Every step is applied once, in order, by `Database.ensure_schema`; a new version is a new step at
the end (never an edit of an old one), so a database made by any release upgrades in place.
`renewd.store.deliveries` explains what the tables hold.
"""

from __future__ import annotations

SCHEMA = [
    """
    CREATE TABLE reminder (
        person TEXT NOT NULL,
        cycle TEXT NOT NULL,
        kind TEXT NOT NULL,
        lead INTEGER NOT NULL,
        fire_on TEXT NOT NULL,
        issued_on TEXT NOT NULL,
        late INTEGER NOT NULL,
        PRIMARY KEY (person, cycle, kind, lead)
    );
    CREATE TABLE delivery (
        id INTEGER PRIMARY KEY,
        person TEXT NOT NULL,
        cycle TEXT NOT NULL,
        kind TEXT NOT NULL,
        lead INTEGER NOT NULL,
        part INTEGER NOT NULL DEFAULT 0,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        sent_at REAL,
        late INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        format TEXT NOT NULL,
        UNIQUE (person, cycle, kind, lead, part, channel, recipient)
    );
    CREATE INDEX delivery_work ON delivery (status, next_at);
    CREATE INDEX delivery_person ON delivery (person, created_at)
    """,
    # Issue 9: one message per recipient per pass. `delivery_item` says which reminders a
    # message carried; `pass_history` the days a pass ran (late = renewd was not running);
    # `person_seen` who renewd has written to (the others get a first-contact status). A 0.1.0
    # database derives both from its reminder log and adopts its roster without a message.
    """
    CREATE TABLE delivery_item (
        delivery INTEGER NOT NULL,
        person TEXT NOT NULL,
        cycle TEXT NOT NULL,
        kind TEXT NOT NULL,
        lead INTEGER NOT NULL
    );
    CREATE INDEX delivery_item_of ON delivery_item (delivery);
    CREATE INDEX delivery_item_person ON delivery_item (person);
    CREATE TABLE pass_history (day TEXT PRIMARY KEY, at REAL NOT NULL);
    INSERT OR IGNORE INTO pass_history (day, at) SELECT DISTINCT issued_on, 0 FROM reminder;
    CREATE TABLE person_seen (person TEXT PRIMARY KEY, first_day TEXT NOT NULL);
    INSERT OR IGNORE INTO person_seen (person, first_day)
        SELECT person, MIN(issued_on) FROM reminder GROUP BY person;
    CREATE TABLE delivery_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO delivery_meta (key, value) SELECT 'adopt_roster', '1'
        WHERE EXISTS (SELECT 1 FROM reminder);
    ALTER TABLE reminder ADD COLUMN first INTEGER NOT NULL DEFAULT 0
    """,
    # Issue 10: a claim records who holds it and until when (`renewd.store.claims`). Claims of
    # 0.1.0 keep holder '' and are retried after `notify.stale_sending_seconds`, as before.
    """
    ALTER TABLE delivery ADD COLUMN holder TEXT NOT NULL DEFAULT '';
    ALTER TABLE delivery ADD COLUMN lease_until REAL NOT NULL DEFAULT 0
    """,
    # Issue 19: the user ids a group robot @-mentions in a message (space-separated; ids are
    # single tokens). Rows of earlier releases mention nobody, as they were rendered.
    """
    ALTER TABLE delivery ADD COLUMN mentions TEXT NOT NULL DEFAULT ''
    """,
    # The due date a step's reminder was issued for: when an earlier step recorded late moves it,
    # the same lead is due again on the new date (`renewd.core.cadence.moved`). Rows of earlier
    # releases have none and are never sent again.
    """
    ALTER TABLE reminder ADD COLUMN due TEXT
    """,
]
