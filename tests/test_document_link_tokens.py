"""The tokens of one-click links (issue 22): a document's step signs [person, cycle, step,
document]; a points token is byte for byte what it was before documents had links (mailed links
stay valid), and any change to either breaks it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from renewd.core.model import Step
from renewd.delivery.actionlinks import MAX_TOKEN, ActionClaim, ActionLinks

KEY = b"k" * 32
# Made by release main@04d467e (before document links), with KEY.
POINTS_TOKEN = "WyJFMDAxIiwiMjAyNi0wNi0zMCIsInBlcm1pdF9yZW5ld2VkX29uIl0.UlnvBl-Qrl_i49uSqpDhGQ"


def test_a_points_token_is_unchanged_and_still_claims_its_step() -> None:
    links = ActionLinks(KEY, "https://x")
    assert links.token("E001", dt.date(2026, 6, 30), Step.PERMIT_RENEWED) == POINTS_TOKEN
    assert links.claim(POINTS_TOKEN) == ActionClaim(
        "E001", dt.date(2026, 6, 30), Step.PERMIT_RENEWED, None
    )


NAMES = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=40)


@given(st.text(min_size=1, max_size=30), st.dates(), NAMES, NAMES)
def test_document_tokens_round_trip_and_any_change_breaks_them(
    who: str, cycle: dt.date, document: str, kind: str
) -> None:
    links = ActionLinks(KEY, "https://hr.example.com")
    token = links.document_token(who, cycle, document, kind)
    assert links.claim(token) == ActionClaim(who, cycle, kind, document)
    assert links.document_url(who, cycle, document, kind) == f"https://hr.example.com/a/{token}"
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert links.claim(flipped) is None
    assert ActionLinks(b"j" * 32, "https://x").claim(token) is None


def test_a_signed_payload_of_another_shape_claims_nothing() -> None:
    links = ActionLinks(KEY, "https://x")
    for payload in (
        b'["E001","2026-06-30"]',
        b'["E001","2026-06-30","a","b","c"]',
        b'["E001","2026-06-30","kind",""]',
        b'["E001","2026-06-30","kind",7]',
        b'{"person":"E001"}',
    ):
        assert links.claim(links._signed(payload)) is None


def test_a_token_past_the_bound_claims_nothing() -> None:
    links = ActionLinks(KEY, "https://hr.example.com")
    token = links.document_token("9" * 800, dt.date(2027, 3, 20), "x", "holder_signature")
    assert len(token) > MAX_TOKEN
    assert links.claim(token) is None
