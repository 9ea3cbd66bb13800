"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata


def iso_date(text: str) -> dt.date:
    """argparse type for --today and other date options."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-02-10") from None


def person_id(text: str) -> str:
    """argparse type for a roster id: normalised as the roster's ids are (NFKC), so that
    `renewd done １００１` finds 1001."""
    return unicodedata.normalize("NFKC", text).strip()
