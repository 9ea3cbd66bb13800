"""The delivery log: which reminders were issued, and every delivery row with its status.

Tables (component "delivery" of the state database):

- `reminder`: one row per issued reminder or alert, key (person, cycle, kind, lead) — a
  `ReminderKey`. What `schedule.due_reminders` reads as "already issued".
- `delivery`: one row per (person, cycle, kind, lead, part, channel, recipient), unique. A digest
  row uses person = "@digest:<group>" (or "@escalation"; since issue 9 "@channel:<channel>", one
  digest per channel and pass), cycle = the pass day, kind = "digest", lead = the digest's number
  that day, part = its part when split. A person's one message of a pass uses kind = "message",
  cycle = the pass day, lead = the pass's number that day. The rendered title and body are
  stored, so a retry sends exactly what was claimed.
- `delivery_item`: which reminders (keys) each message or digest carried.
- `pass_history`: the days a pass ran; `person_seen`: the people renewd has written to (the
  others get a first-contact status); `delivery_meta`: a 0.1.0 database adopts its roster.

The column encoding is `renewd.store.delivery_rows`'s alone: callers see `DeliveryRow`s whose
`subject` is a `ReminderKey` or a `DigestKey`, and `DeliveryStatus` values, never raw rows.

Row states: pending → sending → sent | failed → (sending again when its wait is over) → dead after
`max_attempts`; cancelled when the step was done before a retry got through. A `sending` row
names its `holder` until its `lease_until` (`renewd.store.claims`, `renewd.delivery.holders`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from renewd.core.reminders import (
    DigestKey,
    DocumentReminder,
    MilestoneReminder,
    Reminder,
    ReminderKey,
    parse_kind,
)
from renewd.store.database import Database
from renewd.store.delivery_rows import (
    DIGEST,
    INSERT,
    MESSAGE,
    DeliveryRow,
    DeliveryStatus,
    NewDelivery,
    ReminderFact,
    columns,
    insert_values,
    rows_of,
)
from renewd.store.delivery_schema import SCHEMA

log = logging.getLogger(__name__)


class DeliveryLog:
    """The delivery tables of one state database. Every method runs on the caller's thread."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema("delivery", SCHEMA)

    # -- reading -------------------------------------------------------------------------------

    def issued(self, since: dt.date | None = None) -> set[ReminderKey]:
        """The reminders and alerts issued for cycles from `since` on."""
        sql = "SELECT person, cycle, kind, lead FROM reminder"
        args: tuple[str, ...] = ()
        if since is not None:
            sql += " WHERE cycle >= ?"
            args = (since.isoformat(),)
        keys = set()
        for person, cycle, kind, lead in self.db.conn.execute(sql, args):
            parsed = parse_kind(kind)
            if parsed is not None:
                keys.add(ReminderKey(person, dt.date.fromisoformat(cycle), parsed, lead))
        return keys

    def dues(self, since: dt.date | None = None) -> dict[ReminderKey, dt.date]:
        """The due date each step reminder of cycles from `since` on was issued for (rows
        written before the `due` column have none: they are left out)."""
        sql = "SELECT person, cycle, kind, lead, due FROM reminder WHERE due IS NOT NULL"
        args: tuple[str, ...] = ()
        if since is not None:
            sql += " AND cycle >= ?"
            args = (since.isoformat(),)
        out: dict[ReminderKey, dt.date] = {}
        for person, cycle, kind, lead, due in self.db.conn.execute(sql, args):
            parsed = parse_kind(kind)
            if parsed is not None:
                key = ReminderKey(person, dt.date.fromisoformat(cycle), parsed, lead)
                out[key] = dt.date.fromisoformat(due)
        return out

    def counts(self) -> dict[DeliveryStatus, int]:
        """Delivery rows by status, for health and metrics."""
        rows = self.db.conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status")
        return {DeliveryStatus(status): n for status, n in rows}

    def dead(self) -> int:
        row = self.db.conn.execute(
            "SELECT COUNT(*) FROM delivery WHERE status = ?", (DeliveryStatus.DEAD,)
        ).fetchone()
        return int(row[0])

    def history(
        self, person: str | None = None, limit: int = 200, only: Sequence[DeliveryStatus] = ()
    ) -> list[DeliveryRow]:
        """Rows newest first, of one person (roster id) or of all, with the reminders each
        carried; a person's include the digests that carried one of his reminders. `only`:
        rows in these states (`renewd log --failed`: failed and dead)."""
        sql = f"SELECT * FROM delivery WHERE status IN ({', '.join('?' * len(only))})"
        args: tuple[object, ...] = tuple(only)
        if not only:
            sql, args = "SELECT * FROM delivery WHERE 1 = 1", ()
        if person is not None:
            sql += (
                " AND (person = ? OR id IN (SELECT delivery FROM delivery_item WHERE person = ?))"
            )
            args = (*args, person, person)
        sql += " ORDER BY id DESC LIMIT ?"
        return self.with_items(rows_of(self.db.conn.execute(sql, (*args, limit))))

    def with_items(self, rows: Sequence[DeliveryRow]) -> list[DeliveryRow]:
        """`rows` with the reminder keys each message or digest carried."""
        items = self.items_of([r.id for r in rows if not isinstance(r.subject, ReminderKey)])
        return [replace(r, items=tuple(items[r.id])) if r.id in items else r for r in rows]

    def items_of(self, ids: Sequence[int]) -> dict[int, list[ReminderKey]]:
        out: dict[int, list[ReminderKey]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.db.conn.execute(
                "SELECT delivery, person, cycle, kind, lead FROM delivery_item"
                f" WHERE delivery IN ({marks}) ORDER BY rowid",
                chunk,
            ):
                kind = parse_kind(row[3])
                if kind is not None:
                    key = ReminderKey(row[1], dt.date.fromisoformat(row[2]), kind, row[4])
                    out.setdefault(row[0], []).append(key)
        return out

    def reminder_facts(self, keys: Iterable[ReminderKey]) -> dict[ReminderKey, ReminderFact]:
        """How each reminder was issued (fire day, late, first contact), for readable lines."""
        out = {}
        for key in set(keys):
            person, cycle, kind, lead = columns(key)
            row = self.db.conn.execute(
                "SELECT fire_on, issued_on, late, first,"
                " (SELECT at FROM pass_history WHERE day = issued_on) = 0 FROM reminder"
                " WHERE person = ? AND cycle = ? AND kind = ? AND lead = ?",
                (person, cycle.isoformat(), kind, lead),
            ).fetchone()
            if row is not None:
                out[key] = ReminderFact(
                    dt.date.fromisoformat(row[0]),
                    dt.date.fromisoformat(row[1]),
                    bool(row[2]),
                    bool(row[3]),
                    bool(row[4]),
                )
        return out

    def pass_days(self) -> frozenset[dt.date]:
        """The days a pass ran (derived from the reminder log for a 0.1.0 database)."""
        rows = self.db.conn.execute("SELECT day FROM pass_history")
        return frozenset(dt.date.fromisoformat(r[0]) for r in rows)

    def known_people(self) -> set[str] | None:
        """The people renewd has written to; None while a 0.1.0 database adopts its roster
        (everyone counts as known, so upgrading sends no first-contact flood)."""
        adopt = self.db.conn.execute(
            "SELECT 1 FROM delivery_meta WHERE key = 'adopt_roster'"
        ).fetchone()
        if adopt is not None:
            return None
        return {r[0] for r in self.db.conn.execute("SELECT person FROM person_seen")}

    def last_said(self, day: dt.date) -> dict[tuple[str, str], tuple[ReminderKey, ...]]:
        """What each reader's message of `day` carried, by (channel, recipient): the keys of the
        last message or digest claimed for it that day (cancelled ones said nothing)."""
        rows = self.db.conn.execute(
            "SELECT id, channel, recipient FROM delivery WHERE cycle = ? AND kind IN (?, ?)"
            " AND part = 0 AND status != ? ORDER BY id",
            (day.isoformat(), MESSAGE, DIGEST, DeliveryStatus.CANCELLED),
        ).fetchall()
        items = self.items_of([r[0] for r in rows])
        return {(r[1], r[2]): tuple(items.get(r[0], ())) for r in rows}

    def next_pass_number(self, day: dt.date) -> int:
        """Messages and digests of a pass share its number for the day (the `lead` column)."""
        row = self.db.conn.execute(
            "SELECT MAX(lead) FROM delivery WHERE cycle = ? AND kind IN (?, ?)",
            (day.isoformat(), MESSAGE, DIGEST),
        ).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def waiting(self, now: float, stale_before: float) -> list[DeliveryRow]:
        """Rows to send now, in id order: pending, failed with their wait over, and sending with
        a lease that ran out (its holder stopped renewing it) or, a claim of 0.1.0 without a
        holder, claimed before `stale_before`."""
        s = DeliveryStatus
        clock, args = self.db.dialect.moment(now)  # leases run on the database's clock
        cursor = self.db.conn.execute(
            "SELECT * FROM delivery WHERE status = ? OR (status = ? AND next_at <= ?)"
            f" OR (status = ? AND holder != '' AND lease_until <= {clock})"
            " OR (status = ? AND holder = '' AND updated_at <= ?) ORDER BY id",
            (s.PENDING, s.FAILED, now, s.SENDING, *args, s.SENDING, stale_before),
        )
        return rows_of(cursor)

    def next_digest_number(self, group: str | None, day: dt.date) -> int:
        """The number of the next digest of `day` for `group` (None: the escalation digest)."""
        person, cycle, kind, _ = columns(DigestKey(day, 0, group))
        row = self.db.conn.execute(
            "SELECT MAX(lead) FROM delivery WHERE person = ? AND cycle = ? AND kind = ?",
            (person, cycle.isoformat(), kind),
        ).fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    # -- writing -------------------------------------------------------------------------------

    def claim(
        self,
        reminders: Sequence[Reminder],
        deliveries: Callable[[list[Reminder]], list[NewDelivery]],
        today: dt.date,
        at: float,
        seen: Iterable[str] = (),
    ) -> int:
        """Issue `reminders` and insert `deliveries(won)` as pending, all or nothing; record that
        a pass ran for `today` and that renewd has now written to `seen`. Returns how many
        reminders this call issued.

        One write transaction: a concurrent pass (a cron `notify --due` beside the daemon) waits,
        then finds the reminders issued. `deliveries` is called inside the transaction with the
        reminders this call won, so two passes never send the same digest twice."""
        with self.db.transaction() as conn:
            won: list[Reminder] = []
            for r in reminders:
                person, cycle, kind, lead = columns(r.key)
                cur = conn.execute(
                    "INSERT OR IGNORE INTO reminder"
                    " (person, cycle, kind, lead, fire_on, issued_on, late, first, due)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        person,
                        cycle.isoformat(),
                        kind,
                        lead,
                        r.fire_on.isoformat(),
                        today.isoformat(),
                        int(r.late),
                        int(r.first),
                        step_due(r),
                    ),
                )
                if cur.rowcount == 1:  # else another pass issued it first
                    won.append(r)
            items: list[tuple[object, ...]] = []
            for d in deliveries(won):
                new = conn.execute(INSERT, insert_values(d, at)).fetchone()
                if new is not None:
                    row_id = int(new[0])
                    for key in d.items:
                        person, cycle, kind, lead = columns(key)
                        items.append((row_id, person, cycle.isoformat(), kind, lead))
            conn.executemany(
                "INSERT INTO delivery_item (delivery, person, cycle, kind, lead)"
                " VALUES (?, ?, ?, ?, ?)",
                items,
            )
            conn.execute(
                "INSERT OR IGNORE INTO pass_history (day, at) VALUES (?, ?)",
                (today.isoformat(), at),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO person_seen (person, first_day) VALUES (?, ?)",
                [(person, today.isoformat()) for person in seen],
            )
            conn.execute("DELETE FROM delivery_meta WHERE key = 'adopt_roster'")
        return len(won)

    def ran(self, today: dt.date, at: float, seen: Iterable[str] = ()) -> None:
        """Record that a pass ran for `today` and issued nothing (a rest day under
        `workdays_only`): the day does not count as one renewd was not running."""
        self.claim([], lambda _: [], today, at, seen)

    def take(
        self, row: DeliveryRow, at: float, holder: str = "", lease_until: float = 0.0
    ) -> DeliveryRow | None:
        """Claim `row` for `holder` until `lease_until` (compare-and-set to `sending`, one more
        attempt), or None if another pass (of this or another instance) has changed it since it
        was read, or is claiming it right now (PostgreSQL: the row is locked, and passed over).
        The attempt number is the claim's epoch: `finish` records only the claim it names."""
        attempts = row.attempts + 1
        dialect = self.db.dialect
        until, lease = dialect.until(at, lease_until)
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE delivery SET status = ?, attempts = ?, updated_at = ?, holder = ?,"
                f" lease_until = {until} WHERE id IN (SELECT id FROM delivery"
                f" WHERE id = ? AND status = ? AND attempts = ?{dialect.skip_locked})",
                (
                    DeliveryStatus.SENDING,
                    attempts,
                    at,
                    holder,
                    *lease,
                    row.id,
                    row.status,
                    row.attempts,
                ),
            )
        if cur.rowcount != 1:
            return None
        return replace(
            row, status=DeliveryStatus.SENDING, attempts=attempts, updated_at=at, holder=holder
        )

    def finish(
        self,
        row: DeliveryRow,
        status: DeliveryStatus,
        at: float,
        reason: str = "",
        *,
        next_at: float | None = None,
    ) -> bool:
        """Record how `row` ended this time: sent, failed (with `next_at`), dead or cancelled.
        Compare-and-set (fencing): only while the row is as `row` says — the same claim (status,
        attempt, holder). A claim rescued meanwhile (its lease ran out, its holder was taken for
        dead) and taken again records nothing of the old one; False then."""
        sent = status is DeliveryStatus.SENT
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE delivery SET status = ?, updated_at = ?, reason = ?,"
                " sent_at = CASE WHEN ? THEN ? ELSE sent_at END,"
                " next_at = COALESCE(?, next_at), holder = ''"
                " WHERE id = ? AND status = ? AND attempts = ? AND holder = ?",
                (
                    status,
                    at,
                    reason,
                    sent,
                    at,
                    next_at,
                    row.id,
                    row.status,
                    row.attempts,
                    row.holder,
                ),
            )
        if cur.rowcount != 1:
            log.warning("delivery %s was claimed again meanwhile; this outcome is not kept", row.id)
            return False
        return True


def step_due(reminder: Reminder) -> str | None:
    """The due date a step's reminder is issued for (None for alerts and notices)."""
    if isinstance(reminder, MilestoneReminder | DocumentReminder):
        return reminder.due.isoformat()
    return None
