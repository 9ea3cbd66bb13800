"""Secrets and personal numbers never reach a log line, at any level, from any logger (Apprise
and urllib3 included), and no library's debug output (payloads: whole messages) unless asked for.

`install()` replaces the log record factory, so every record is scrubbed once, when it is made,
before any handler sees it: handlers added later (Apprise's own, a test's) get clean records too.
Scrubbed are every configured secret (`register(settings)`: channel passwords, bot tokens, robot
keys, app secrets, Apprise URLs and the parts of them that look like tokens), every access token
a channel obtained at run time (`register_secret`), and whatever looks like a credential:
`bot<id>:<token>` in a Telegram URL, `key=`/`access_token=`/`corpsecret=` query values, the
password of `scheme://user:password@`, feed tokens in paths (`/feeds/<token>`, any case, any
number of slashes) and one-click action-link tokens (`/a/<payload>.<mac>`). ID-card and mobile
numbers are hidden as the console hides them (`renewd.core.problemwords.NUMBERS_RE`), wherever
they appear: a roster value quoted in a problem, an address, an exception.

`LibraryCap` (put on the handlers by every entry: the CLI, `renewd run` and `renewd serve`)
drops the DEBUG records of every logger outside renewd: Apprise logs each payload whole (a
holder's message with his action links), urllib3 and aiohttp each URL. `-v` shows renewd's own
debug lines; `--debug-libraries` asks for theirs too (still scrubbed as above).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from renewd.core.model import Lang
from renewd.core.problemwords import hide_numbers

MASK = "***"
_MIN_SECRET = 6  # shorter values (a port, "on") would mask ordinary words
_PATTERNS = (
    (re.compile(r"(/bot)\d+:[\w-]+", re.ASCII), r"\1" + MASK),
    (
        re.compile(
            r"(\b(?:access_token|corpsecret|secret|key|token|password|passwd|pass|sig|"
            r"signature|api_key|apikey)=)[^&\s'\"<>…]+",
            re.IGNORECASE,
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"(://[^/\s:@]*:)[^/\s@]+@"), r"\1" + MASK + "@"),
    (re.compile(r"(/+feeds/+)[^\s?#'\"<>]+", re.IGNORECASE), r"\1…"),
    # A one-click action link's token (`renewd.delivery.actionlinks`): base64url payload, a
    # dot, base64url MAC. Whoever holds it can record the holder's step.
    (re.compile(r"(/+a/+)[\w-]{8,}\.[\w-]{8,}", re.ASCII), r"\1…"),
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
    register_secret(getattr(getattr(settings, "state", None), "database_password", None))
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
    """`text` without any registered secret, credential-looking part or personal number."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return hide_numbers(text, Lang.EN)


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


class LibraryCap(logging.Filter):
    """A handler filter: DEBUG records of loggers outside renewd are dropped, whatever level a
    library sets on its own logger (Apprise lowers it while it captures a send's log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        return record.levelno >= logging.INFO or name == "renewd" or name.startswith("renewd.")


def cap_libraries(handlers: Iterable[logging.Handler], *, debug_libraries: bool = False) -> None:
    """Keep third-party debug output (payloads, URLs) out of `handlers`, unless
    `debug_libraries` (the `--debug-libraries` flag) asks for it."""
    if debug_libraries:
        return
    for handler in handlers:
        if not any(isinstance(f, LibraryCap) for f in handler.filters):
            handler.addFilter(LibraryCap())


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
