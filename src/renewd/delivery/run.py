"""One delivery pass, wired once: the daemon's scheduled passes and sweeps and `renewd notify
--due` (cron) both call `deliver`, so both send the same things the same way.

What a pass needs besides the plans: the working-day move of `notify.workdays_only`, each
person's one-click action links, the calendar's news (dates a new holiday notice moved, noted
before the pass so that the pass tells them; the weekly "import the notice" ask), and the roster's
problems for HR. Who holds the claims differs: the daemon holds the state lock (so any other
daemon's claims are a dead one's), a command does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from renewd.calendar.changes import calendar_pass
from renewd.calendar.snapshot import Snapshot
from renewd.channels.base import Channel
from renewd.core.documents import DocumentPlan
from renewd.core.errors import Problem
from renewd.core.model import PersonPlan
from renewd.delivery.actionlinks import ActionLinks, link_sections
from renewd.delivery.holders import Holder
from renewd.delivery.passes import Delivery, workday_move
from renewd.delivery.sending import PassReport
from renewd.settings import Settings
from renewd.store.database import Database


@dataclass(frozen=True)
class Claims:
    """In whose name a pass claims rows: `holder` (default: this process, as a command);
    `under_lock` for the daemon; `unrecorded`: sends a full disk left unwritten, kept by the
    daemon across passes."""

    holder: Holder | None = None
    under_lock: bool = False
    unrecorded: dict[int, Callable[[], None]] = field(default_factory=dict)


def deliver(
    db: Database,
    snap: Snapshot | None,
    plans: Sequence[PersonPlan],
    day: dt.date,
    now: dt.datetime,
    *,
    settings: Settings | None = None,
    channels: Mapping[str, Channel] | None = None,
    claims: Claims | None = None,
    problems: Mapping[str, Sequence[Problem]] | None = None,
    dry_run: bool = False,
    should_stop: Callable[[], bool] | None = None,
    catch_up_only: bool = False,
    documents: Sequence[DocumentPlan] | None = None,
) -> PassReport:
    """One pass over `plans` for `day` at `now`: issue what is due, send what waits. Without a
    snapshot (a daemon with no roster yet) only what is already waiting is sent, over `settings`
    and `channels`. `problems`: the roster's, by group, for HR. `documents`: the other
    documents' plans (default: the snapshot's)."""
    settings = snap.settings if snap else settings
    channels = snap.channels if snap else channels
    if settings is None or channels is None:
        raise ValueError("a pass without a snapshot needs the settings and channels")
    claims = claims or Claims()
    links = ActionLinks.of(settings.state.dir, settings.server.base_url)
    delivery = Delivery(
        db,
        settings,
        channels,
        move=workday_move(settings, snap.calendar) if snap else None,
        extra=link_sections(links, settings.language, settings.policy.core()),
        holder=claims.holder,
        under_lock=claims.under_lock,
        unrecorded=claims.unrecorded,
    )
    # A calendar change since the last pass: note what moved, for this pass to tell.
    warning = calendar_pass(snap, db, plans, day, now, note=not dry_run) if snap else None
    return delivery.run_pass(
        plans,
        day,
        now,
        dry_run=dry_run,
        should_stop=should_stop,
        catch_up_only=catch_up_only,
        notices=problems,
        calendar_warning=warning,
        documents=documents if documents is not None else _documents(snap, day),
        on_roster=snap.document_holders if snap else (),
    )


def _documents(snap: Snapshot | None, day: dt.date) -> Sequence[DocumentPlan]:
    """The snapshot's documents planned for `day` (the daemon's snapshot may be a day behind)."""
    if snap is None:
        return ()
    return snap.documents if snap.day == day else snap.documents_on(day)
