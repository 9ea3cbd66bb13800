"""A season on a real SMTP server: daily `renewd notify --due` passes over weeks, progress
recorded between them with `renewd done`, and each reader's inbox read in order."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import itertools
import os
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from netkit import Sink
from renewd import clock
from renewd.cli import main
from renewd.core.workdays import WorkdayCalendar

HEADER = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱\n"
HOLDER = "zhang@example.com"
HR = "hr-desk@example.com"
LEAD = "hr-lead@example.com"


def config(folder: Path, port: int, rows: Sequence[str], notify: str = "") -> Path:
    """A roster of `rows` (after HEADER) in group 研发部, whose HR mailbox is `HR`; each person
    at his own address; escalations to `LEAD`."""
    (folder / "people.csv").write_text(HEADER + "".join(r + "\n" for r in rows), "utf-8")
    mail = f'type = "email"\nhost = "127.0.0.1"\nport = {port}\nmode = "plain"\n'
    mail += 'sender = "人事部 <hr@example.com>"\n'
    path = folder / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f'[notify]\nescalate_to = ["lead"]\n{notify}\n'
        f'[[channels]]\nname = "mail"\n{mail}'
        f'[[channels]]\nname = "hr"\n{mail}to = ["{HR}"]\n'
        f'[[channels]]\nname = "lead"\n{mail}to = ["{LEAD}"]\n'
        '[groups."研发部"]\nchannels = ["hr"]\n',
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def clock_at(moment: str) -> Iterator[None]:
    """This process's clock at `moment` (`renewd done` refuses dates after its today)."""
    frozen = os.environ[clock.ENV]
    os.environ[clock.ENV] = moment
    clock._offset.cache_clear()  # the offset is read once per process
    try:
        yield
    finally:
        os.environ[clock.ENV] = frozen
        clock._offset.cache_clear()


@dataclass(frozen=True)
class Mail:
    day: dt.date
    subject: str
    body: str

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


def days(start: str, end: str) -> list[dt.date]:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def season(
    sink: Sink,
    path: Path,
    start: str,
    end: str,
    done: Mapping[str, Sequence[Sequence[str]]] | None = None,
    down: Container[str] = (),
) -> dict[str, list[Mail]]:
    """Run a daily pass on each day from `start` to `end` but the days `down` (renewd was not
    running); before a day's pass, the `done` commands listed for it (`["1001", "permit",
    "--on", "..."]`). Returns each recipient's inbox, in order."""
    inbox: dict[str, list[Mail]] = {}
    for day in days(start, end):
        for args in (done or {}).get(day.isoformat(), ()):
            with clock_at(f"{day.isoformat()}T09:00:00+08:00"):  # HR records it that day
                assert main(["done", "-c", str(path), *args]) == 0
        if day.isoformat() in down:
            continue
        seen = len(sink.messages)
        assert main(["notify", "-c", str(path), "--due", "--today", day.isoformat()]) == 0
        for mail, to in received(sink.messages[seen:], day):
            inbox.setdefault(to, []).append(mail)
    return inbox


def received(
    messages: Sequence[tuple[str, list[str], bytes]], day: dt.date
) -> Iterator[tuple[Mail, str]]:
    """Each (mail, recipient) of `messages`, a pass's haul on a `Sink`, read as plain text."""
    for _, rcpts, raw in messages:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        mail = Mail(day, str(parsed["Subject"]), body.get_content())
        for to in rcpts:
            yield mail, to


def next_workday(day: dt.date, calendar: WorkdayCalendar) -> dt.date:
    """The working day after `day`: the next pass day under `workdays_only`."""
    day += dt.timedelta(days=1)
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def gaps(mails: Sequence[Mail]) -> list[int]:
    """The days between consecutive mails."""
    return [(b.day - a.day).days for a, b in itertools.pairwise(mails)]
