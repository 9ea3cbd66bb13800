"""The answers of `renewd init`, question by question: each from its flag when given (checked as
an answer would be), else asked (`init_ask.Asker`), else, with `--yes`, its default.

What an HR specialist knows, in the order she knows it: the organisation, the roster (its
departments are read from it; a missing file becomes a template, and the departments are asked),
the SMTP server once, each department's HR mailbox or group robot (`init_robots`), the
escalation contact, the address phones open. The console admin is asked last (`init.py`), once
the state directory is known.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from renewd.channels.smtp import PORTS
from renewd.commands.init_ask import Asker, split_list
from renewd.commands.init_config import Setup
from renewd.commands.init_robots import Robot, concealed, looks_like_robot, read_robot
from renewd.core.errors import RosterError, UsageError
from renewd.roster.reader import SHEET_SUFFIXES, TEXT_SUFFIXES, TOML_SUFFIXES
from renewd.roster.template import TEMPLATE_SUFFIXES
from renewd.roster_read import read_roster
from renewd.settings import Settings
from renewd.settings_notify import NotifySettings
from renewd.settings_state import RosterSettings

# `[notify] signature` is the organisation's name and a few words ("示例公司人事部").
SIGNATURE_LIMIT: int = NotifySettings.model_fields["signature"].metadata[0].max_length
ROSTER_SUFFIXES = TOML_SUFFIXES | TEXT_SUFFIXES | SHEET_SUFFIXES
DEFAULT_LISTEN = "127.0.0.1:8765"
SMTP_ENV = "RENEWD_SMTP_PASSWORD"


@dataclass(frozen=True)
class Password:
    """The SMTP password as init found it: typed or read from a file (`value`, to be written to
    the credentials directory), already there (`kept`), in the environment, or none."""

    value: str | None = None
    kept: bool = False
    from_env: bool = False

    @property
    def login(self) -> bool:
        return bool(self.value) or self.kept or self.from_env


def _given(value: str | None, flag: str, check: Callable[[str], str | None]) -> str | None:
    """A flag's value, checked as an answer would be (None: the flag was not given)."""
    if value is None:
        return None
    problem = check(value)
    if problem:
        raise UsageError(f"{flag}: {problem}")
    return value


def answer(
    ask: Asker,
    value: str | None,
    key: str,
    flag: str,
    check: Callable[[str], str | None],
    default: str | None = None,
    **values: object,
) -> str:
    given = _given(value, flag, check)
    return (
        given if given is not None else ask.ask(key, flag, default, check, conceal=None, **values)
    )


def default_state_dir(config: Path) -> str:
    """/var/lib/renewd for a configuration in /etc (the unit's StateDirectory), else `state`
    beside the configuration."""
    return "/var/lib/renewd" if config.is_relative_to("/etc") else "state"


def state_path(config: Path, state_dir: str) -> Path:
    path = Path(state_dir).expanduser()
    return path if path.is_absolute() else config.parent / path


def _roster(ask: Asker, args: argparse.Namespace, default: Path) -> Path:
    def check(text: str) -> str | None:
        path = Path(text).expanduser()
        if path.exists():
            ok = path.is_file() and path.suffix.lower() in ROSTER_SUFFIXES
            return None if ok else ask.say("init.bad.roster")
        ok = path.suffix.lower() in TEMPLATE_SUFFIXES
        return None if ok else ask.say("init.bad.template", path=path)

    text = answer(ask, args.roster, "roster", "--roster", check, str(default))
    return Path(text).expanduser().absolute()


def _departments_in(ask: Asker, roster: Path) -> list[str] | None:
    """The roster's departments in the order they first appear (None: it cannot be read)."""
    try:  # as `check` reads it, within the default [roster] limits
        settings = Settings(roster=RosterSettings(files=(roster,)))
        read = read_roster(settings, strict=True).roster
    except RosterError as exc:
        print(ask.say("init.roster.unreadable", path=roster, reason=exc.message))
        return None
    rows = (*read.people, *read.documents)  # a foreign employee has document rows only
    people = read.headcount.words(ask.lang)  # each person once, the other documents beside
    groups = list(dict.fromkeys(p.group for p in rows if p.group))
    sep = ask.say("init.list_sep")
    if groups:
        print(ask.say("init.roster.read", path=roster, people=people, groups=sep.join(groups)))
    else:
        print(ask.say("init.roster.no_groups", path=roster, people=people))
    return groups


def _hr_check(ask: Asker) -> Callable[[str], str | None]:
    """An HR mailbox list, "-", or a group robot's webhook address (and signing secret)."""

    def check(text: str) -> str | None:
        if looks_like_robot(text):
            return None if read_robot(text) else ask.say("init.bad.robot")
        return ask.checks.emails(text)

    return check


def _hr_flags(
    ask: Asker, given: list[tuple[str, str]] | None, robots: dict[str, Robot]
) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for group, text in given or []:
        problem = _hr_check(ask)(text) if text.strip() else None
        if problem:
            raise UsageError(f"--hr {group}=: {problem}")
        _take(ask, group, text, found, robots)
    return found


def _take(
    ask: Asker,
    group: str,
    text: str,
    hr: dict[str, tuple[str, ...]],
    robots: dict[str, Robot],
) -> None:
    """A department's checked answer: its robot, or its mailboxes (maybe none)."""
    robot = read_robot(text) if looks_like_robot(text) else None
    if robot is not None:
        robots[group] = robot
    hr[group] = () if robot is not None else _addresses(ask, text)


def _addresses(ask: Asker, text: str) -> tuple[str, ...]:
    if text.strip() in ("", ask.say("init.none")):
        return ()
    return tuple(dict.fromkeys(split_list(text)))


def _departments(
    ask: Asker, args: argparse.Namespace, roster: Path, hr: dict[str, tuple[str, ...]]
) -> list[str]:
    """The departments: the roster's, and those the flags name (a department the roster does
    not have yet is said, and kept: HR may be about to add its people)."""
    flags = list(args.department or [])
    named = flags + [group for group in hr if group not in flags]
    found = _departments_in(ask, roster) if roster.exists() else None
    if found is not None:
        extra = [group for group in named if group not in found]
        if extra:
            sep = ask.say("init.list_sep")
            print(ask.say("init.roster.extra", value=sep.join(extra), path=roster))
        named = found + extra
    elif not named:
        named = split_list(ask.ask("departments", "--department", "", None))
    seen: list[str] = []
    for group in named:
        problem = ask.checks.department(group, seen)
        if problem:
            raise UsageError(problem)
        seen.append(group)
    return seen


def _smtp_password(ask: Asker, args: argparse.Namespace, credentials: Path) -> Password:
    if args.smtp_password_file:
        try:
            text = Path(args.smtp_password_file).read_text(encoding="utf-8").strip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--smtp-password-file: {exc}") from None
        return Password(value=text or None)
    if os.environ.get(SMTP_ENV):
        return Password(from_env=True)
    there = (credentials / "smtp.password").exists()
    typed = ask.secret("smtp_password_keep" if there else "smtp_password", "--smtp-password-file")
    if typed:
        return Password(value=typed)
    return Password(kept=there)


def gather(
    ask: Asker, args: argparse.Namespace, config: Path, day: dt.date
) -> tuple[Setup, Password]:
    """Every answer but the console admin's."""
    checks = ask.checks
    org = answer(ask, args.org, "org", "--org", lambda t: checks.org(t, SIGNATURE_LIMIT - 8))
    state_dir = args.state_dir or default_state_dir(config)
    state = state_path(config, state_dir)
    home = state / "roster" if Path(state_dir).is_absolute() else config.parent
    roster = _roster(ask, args, home / "people.xlsx")
    robots: dict[str, Robot] = {}
    hr = _hr_flags(ask, args.hr, robots)
    departments = _departments(ask, args, roster, hr)

    host = answer(ask, args.smtp_host, "smtp_host", "--smtp-host", checks.host)
    mode = answer(ask, args.smtp_mode, "smtp_mode", "--smtp-mode", checks.mode, "ssl")
    port_text = None if args.smtp_port is None else str(args.smtp_port)
    port = answer(ask, port_text, "smtp_port", "--smtp-port", checks.port, str(PORTS[mode]))
    sender = answer(ask, args.smtp_sender, "smtp_sender", "--smtp-sender", checks.email)
    credentials = Path(
        args.credentials or os.environ.get("CREDENTIALS_DIRECTORY") or config.parent / "credentials"
    ).absolute()
    password = _smtp_password(ask, args, credentials)
    user = None
    if password.login or args.smtp_user:
        user = answer(ask, args.smtp_user, "smtp_user", "--smtp-user", checks.required, sender)

    previous = ask.say("init.none")
    if any(group not in hr for group in departments):
        print(ask.say("init.hr.robots"))
    for group in departments:
        if group in hr:
            continue
        text = ask.ask("hr", "--hr", previous, _hr_check(ask), concealed, group=group)
        _take(ask, group, text, hr, robots)
        # The next department is offered the same mailboxes, never a robot's key (a secret).
        previous = ask.say("init.none") if group in robots else text
    escalate_text = answer(
        ask, args.escalate, "escalate", "--escalate", checks.emails, ask.say("init.none")
    )
    listen = _given(args.listen, "--listen", checks.listen) or DEFAULT_LISTEN
    base_url = answer(
        ask, args.base_url, "base_url", "--base-url", checks.url, f"http://{listen}"
    ).rstrip("/")
    sys.stdout.flush()
    setup = Setup(
        lang=ask.lang,
        org=org.strip(),
        config=config,
        roster=roster,
        state_dir=state_dir,
        listen=listen,
        base_url=base_url,
        smtp_host=host.strip(),
        smtp_port=int(port),
        smtp_mode=mode,
        smtp_sender=sender.strip(),
        smtp_user=user,
        credentials=credentials,
        login=password.login,
        day=day,
        departments=tuple(departments),
        hr=hr,
        escalate=_addresses(ask, escalate_text),
        robots=robots,
    )
    return setup, password
