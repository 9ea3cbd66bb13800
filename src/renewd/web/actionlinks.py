"""One-click action links: a signed URL per (person, cycle, step) that lets the holder say "done".

    links = ActionLinks(action_key(feed_key), base_url)
    links.url("E001", cycle, Step.PERMIT_RENEWED)   # https://host/a/<token>
    links.claim(token)                               # ActionClaim or None

token = base64url(payload) "." base64url(HMAC-SHA256(key, payload)[:16]),
payload = the JSON array [person, cycle, step]

The key is derived from the feed key, so no new secret needs managing; rotating the feed key
voids every link. A link carries no expiry of its own: it belongs to its cycle, and the console
refuses it once the person's current plan is on another cycle or the step is done. Opening the
link (GET) changes nothing: mail scanners prefetch links. Only the POST of its page records.

Holder links belong only in the holder's own messages and personal feed: group and all-people
feeds and HR digests never carry them (they link to the console, behind sign-in).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from renewd.core.messages import Line, Section, lang_of
from renewd.core.model import Lang, MilestoneKind, Step
from renewd.core.policy import Owner, Policy
from renewd.core.reminders import MilestoneReminder
from renewd.core.routing import PersonalEnvelope
from renewd.core.wording import Role, step_name
from renewd.store.tokens import load_key

Extra = Callable[[PersonalEnvelope], Sequence[Section]]  # as renewd.delivery.outbox takes it
MAC_BYTES = 16
PATH = "/a/"

# The steps a holder can confirm himself, by the milestone they close.
HOLDER_STEPS: dict[MilestoneKind, Step] = {
    MilestoneKind.PERMIT_RENEWAL: Step.PERMIT_RENEWED,
    MilestoneKind.POINTS_APPLICATION: Step.POINTS_APPLIED,
    MilestoneKind.EMPLOYER_SUBMISSION: Step.POINTS_SUBMITTED,
    MilestoneKind.POINTS_APPROVAL: Step.POINTS_APPROVED,
    MilestoneKind.COLLECT_NOTICE: Step.NOTICE_COLLECTED,
}


def action_key(feed_key: bytes) -> bytes:
    """The action-link key, derived from the feed key (one secret on disk, separate uses)."""
    return hmac.new(feed_key, b"renewd-action-link-key", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class ActionClaim:
    """What a valid token says: this person may record this step of this cycle."""

    person: str
    cycle: dt.date
    step: Step


class ActionLinks:
    def __init__(self, key: bytes, base_url: str) -> None:
        self._key = key
        self.base_url = base_url.rstrip("/")

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"action\x00" + payload, hashlib.sha256).digest()[:MAC_BYTES]

    def token(self, person: str, cycle: dt.date, step: Step) -> str:
        payload = json.dumps([person, cycle.isoformat(), step.value], separators=(",", ":"))
        return self._signed(payload.encode())

    def _signed(self, payload: bytes) -> str:
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    @classmethod
    def of(cls, state_dir: Path, base_url: str) -> ActionLinks:
        """The links of an installation: its feed key, its base URL."""
        return cls(action_key(load_key(state_dir)), base_url)

    def url(self, person: str, cycle: dt.date, step: Step) -> str:
        return f"{self.base_url}{PATH}{self.token(person, cycle, step)}"

    def claim(self, token: str) -> ActionClaim | None:
        """The claim of a well-signed token, or None for anything forged, altered or malformed."""
        head, dot, tail = token.partition(".")
        if not dot or len(token) > 600:
            return None
        try:
            payload, mac = _unb64(head), _unb64(tail)
        except (binascii.Error, ValueError):
            return None
        if _b64(payload) != head or _b64(mac) != tail:
            return None  # one spelling per token: unused base64 bits must not vary
        if not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            person, cycle, step = json.loads(payload)
            return ActionClaim(str(person), dt.date.fromisoformat(cycle), Step(step))
        except (ValueError, TypeError):
            return None


def action_url(links: ActionLinks, person: str, cycle: dt.date, kind: MilestoneKind) -> str | None:
    """The holder's one-click link for milestone `kind`, or None when it has no step to confirm."""
    step = HOLDER_STEPS.get(kind)
    return links.url(person, cycle, step) if step else None


def holder_acts(policy: Policy, kind: MilestoneKind) -> bool:
    """Whether the holder does this step himself (`[policy.owners]`): only those carry his link."""
    return kind in HOLDER_STEPS and policy.owners.of(kind) is Owner.HOLDER


def link_sections(links: ActionLinks, default: Lang) -> Extra:
    """The `extra` of a delivery pass: in a person's own message, one line per step he does
    himself (role "act") with its one-click link. HR's digests never get one."""

    def extra(envelope: PersonalEnvelope) -> Sequence[Section]:
        lines: dict[str, Line] = {}
        for item in envelope.items:
            reminder = item.reminder
            if item.role is not Role.ACT or not isinstance(reminder, MilestoneReminder):
                continue
            if reminder.milestone.done:
                continue
            plan = reminder.plan
            url = action_url(links, plan.person.id, plan.cycle, reminder.kind)
            if url:
                lang = lang_of(plan, default)
                lines[url] = Line(f"{step_name(reminder.kind, lang)}: {url}")
        if not lines:
            return ()
        lang = lang_of(envelope.plans[0], default)
        heading = (
            "办完了？点链接确认（无需登录）" if lang is Lang.ZH else "Done? Confirm in one click"
        )
        return (Section(heading, tuple(lines.values())),)

    return extra
