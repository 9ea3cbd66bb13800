"""Argument types shared by the commands."""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata

from renewd.roster.cells import CellError, parse_date


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


def roster_date(text: str) -> dt.date:
    """argparse type for dates people type: any format a roster accepts (2027-02-10, 2027/2/10,
    2027年2月10日, 20270210)."""
    try:
        return parse_date(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


def department_mailbox(text: str) -> tuple[str, str]:
    """argparse type for `renewd init --hr DEPARTMENT=ADDRESS[,ADDRESS]`: (department, addresses
    as typed; empty for none). The addresses are checked with the answers, in their words."""
    department, sep, addresses = text.partition("=")
    department = unicodedata.normalize("NFKC", department).strip()
    if not sep or not department:
        raise argparse.ArgumentTypeError(f"{text!r}: expected DEPARTMENT=ADDRESS[,ADDRESS]")
    return department, addresses.strip()
