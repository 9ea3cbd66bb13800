"""Secrets never reach a log line, at any level, from any logger (Apprise and urllib3 included).

`install()` replaces the log record factory, so every record is scrubbed once, when it is made,
before any handler sees it: handlers added later (Apprise's own, a test's) get clean records too.
Scrubbed are every configured secret (`register(settings)`: channel passwords, bot tokens, robot
keys, app secrets, Apprise URLs and the parts of them that look like tokens), every access token
a channel obtained at run time (`register_secret`), and whatever looks like a credential:
`bot<id>:<token>` in a Telegram URL, `key=`/`access_token=`/`corpsecret=` query values, the
password of `scheme://user:password@`, and feed tokens in paths (`/feeds/<token>`, any case,
any number of slashes).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

MASK = "***"
_MIN_SECRET = 6  # shorter values (a port, "on") would mask ordinary words
_PATTERNS = (
    (re.compile(r"(/bot)\d+:[\w-]+", re.ASCII), r"\1" + MASK),
    (
        re.compile(
            r"(\b(?:access_token|corpsecret|secret|key|token|password|passwd|pass|sig|"
            r"signature|api_key|apikey)=)[^&\s'\"<>]+",
            re.IGNORECASE,
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"(://[^/\s:@]*:)[^/\s@]+@"), r"\1" + MASK + "@"),
    (re.compile(r"(/+feeds/+)[^\s?#'\"<>]+", re.IGNORECASE), r"\1…"),
)


class _HoldsSecrets(Protocol):
    def secrets(self) -> tuple[str, ...]: ...


class _Configured(Protocol):
    """What `register` reads of `renewd.settings.Settings` (redaction sits below the settings:
    a channel registers the tokens it fetches)."""

    @property
    def channels(self) -> Sequence[_HoldsSecrets]: ...


_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
_installed = False


def register_secret(*values: str | None) -> None:
    """Mask these values (and their URL-quoted forms) from now on."""
    global _secrets
    new = set()
    for value in values:
        if value and len(value.strip()) >= _MIN_SECRET:
            value = value.strip()
            new.update({value, quote(value, safe=""), unquote(value)})
    if new - _secrets:
        with _lock:
            _secrets = _secrets | frozenset(v for v in new if len(v) >= _MIN_SECRET)


def register(settings: _Configured) -> None:
    """Every secret the configuration holds (the `[smtp]` password too, used or not)."""
    smtp = getattr(settings, "smtp", None)
    register_secret(getattr(smtp, "password", None))
    for channel in settings.channels:
        for secret in channel.secrets():
            register_secret(secret)
            if "://" in secret:  # an Apprise URL: its token-like parts too
                register_secret(*_url_parts(secret))


def _url_parts(url: str) -> Iterable[str]:
    """The parts of an Apprise URL that may be credentials: user, password, host and path
    segments and query values that look like tokens (no dots: not a host name)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    pieces = [parts.username or "", parts.password or "", parts.hostname or ""]
    pieces += parts.path.split("/")
    pieces += [value for item in parts.query.split("&") for value in item.split("=")[1:]]
    return [p for p in pieces if len(p) >= 8 and "." not in p]


def scrub(text: str) -> str:
    """`text` without any registered secret or credential-looking part."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: log what we have rather than raise in logging
        message = f"{record.msg!r} {record.args!r}"
    record.msg, record.args = scrub(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None  # formatted and scrubbed: handlers use exc_text
    elif record.exc_text:
        record.exc_text = scrub(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)


def install() -> None:
    """Scrub every log record from now on (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    factory = logging.getLogRecordFactory()

    def scrubbed(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _scrub_record(record)
        return record

    logging.setLogRecordFactory(scrubbed)
