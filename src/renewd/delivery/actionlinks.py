"""One-click action links: a signed URL per (person, cycle, step) that lets the holder say "done".

    links = ActionLinks(action_key(feed_key), base_url)
    links.url("E001", cycle, Step.PERMIT_RENEWED)   # https://host/a/<token>
    links.claim(token)                               # ActionClaim or None

token = base64url(payload) "." base64url(HMAC-SHA256(key, payload)[:16]),
payload = the JSON array [person, cycle, step] (a points step), or [person, cycle, step,
document] for a step of another document (docs/packs.md: the pack's step kind, its name);
a points token is the same, byte for byte, as before documents had links.

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

from renewd.core.documents import DocumentPlan
from renewd.core.letter import Section
from renewd.core.model import Lang, MilestoneKind, PersonPlan, Step
from renewd.core.notes import link_section
from renewd.core.policy import Owner, Policy
from renewd.core.routing import PersonalEnvelope
from renewd.store.tokens import load_key

Extra = Callable[[PersonalEnvelope], Sequence[Section]]  # as renewd.delivery.outbox takes it
MAC_BYTES = 16
# A bound on what `claim` decodes; a long id in CJK or beyond (each character escaped in the JSON)
# with a document's pack and step still fits well within it.
MAX_TOKEN = 1024
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
    """What a valid token says: this person may record this step of this cycle. `document`:
    None for a points step (`step` a `Step`), else the pack's name (`step` its step's kind)."""

    person: str
    cycle: dt.date
    step: Step | str
    document: str | None = None


class ActionLinks:
    def __init__(self, key: bytes, base_url: str) -> None:
        self._key = key
        self.base_url = base_url.rstrip("/")

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, b"action\x00" + payload, hashlib.sha256).digest()[:MAC_BYTES]

    def token(self, person: str, cycle: dt.date, step: Step) -> str:
        payload = json.dumps([person, cycle.isoformat(), step.value], separators=(",", ":"))
        return self._signed(payload.encode())

    def document_token(self, person: str, cycle: dt.date, document: str, kind: str) -> str:
        """The token of step `kind` of `person`'s `document` (a pack's name) in `cycle`."""
        fields = [person, cycle.isoformat(), kind, document]
        return self._signed(json.dumps(fields, separators=(",", ":")).encode())

    def document_url(self, person: str, cycle: dt.date, document: str, kind: str) -> str:
        return f"{self.base_url}{PATH}{self.document_token(person, cycle, document, kind)}"

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
        if not dot or len(token) > MAX_TOKEN:
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
            fields = json.loads(payload)
            if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
                return None
            if len(fields) == 3:
                person, cycle, step = fields
                return ActionClaim(person, dt.date.fromisoformat(cycle), Step(step))
            person, cycle, kind, document = fields  # ValueError for any other length
            if not kind or not document:
                return None
            return ActionClaim(person, dt.date.fromisoformat(cycle), kind, document)
        except (ValueError, TypeError):
            return None


def action_url(links: ActionLinks, person: str, cycle: dt.date, kind: MilestoneKind) -> str | None:
    """The holder's one-click link for milestone `kind`, or None when it has no step to confirm."""
    step = HOLDER_STEPS.get(kind)
    return links.url(person, cycle, step) if step else None


def holder_acts(policy: Policy, kind: MilestoneKind) -> bool:
    """Whether the holder does this step himself (`[policy.owners]`): only those carry his link."""
    return kind in HOLDER_STEPS and policy.owners.of(kind) is Owner.HOLDER


def link_sections(links: ActionLinks, default: Lang, policy: Policy | None = None) -> Extra:
    """The `extra` of a delivery pass: the action-link section of a person's own message
    (`renewd.core.notes.link_section`), its links signed with `links`; with `policy`, none for
    a step the holder does not do himself (the notice HR collects, asked of an approval)."""

    def link_of(plan: PersonPlan, kind: MilestoneKind) -> str | None:
        if policy is not None and not holder_acts(policy, kind):
            return None
        return action_url(links, plan.person.id, plan.cycle, kind)

    def doc_link_of(doc: DocumentPlan, kind: str) -> str:
        return links.document_url(doc.person.id, doc.cycle, doc.pack.name, kind)

    def extra(envelope: PersonalEnvelope) -> Sequence[Section]:
        return link_section(envelope, default, link_of, doc_link_of)

    return extra
