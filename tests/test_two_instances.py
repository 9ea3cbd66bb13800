"""Two daemons on one PostgreSQL state (issue 21): one leads and sends, the other stands by and
serves; kill -9 the leader mid-pass and the other takes over within 30 s: every reminder arrives,
and only the messages in flight at the kill may arrive twice."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import requests

from conftest import FROZEN_NOW
from consolekit import PASSWORD, add_user, csrf_of
from daemonkit import Daemon
from netkit import free_port, smtp_server
from pgkit import PgServer

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

Write = Callable[[str, str], Path]
FROZEN_DAY = dt.datetime.fromisoformat(FROZEN_NOW).date()


def statuses(url: str) -> Counter[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT status, COUNT(*) FROM delivery GROUP BY status").fetchall()
    return Counter({str(s): int(n) for s, n in rows})


def wait_for(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def instance(write: Write, name: str, url: str, smtp_port: int) -> Daemon:
    port = free_port()
    config = write(
        f"{name}.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0
        [state]
        dir = "state-{name}"
        database = "{url}"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://renewd.example.com"  # one address, behind one proxy
        [[channels]]
        name = "mail"
        type = "email"
        host = "127.0.0.1"
        port = {smtp_port}
        mode = "plain"
        sender = "人事部 <hr@example.com>"
        """,
    )
    return Daemon(config, port)


def role(daemon: Daemon) -> str:
    return str(daemon.health()[1].get("role"))


def roster(write: Write, people: int) -> None:
    # Without points, a permit expiring in 40 days has exactly one reminder due today.
    expires = FROZEN_DAY + dt.timedelta(days=40)
    rows = "\n".join(f"P{i:04d},人员{i},{expires},否,p{i}@example.com" for i in range(people))
    write("people.csv", f"工号,姓名,居住证到期日,积分,邮箱\n{rows}\n")


@pytest.mark.slow  # two daemons on one PostgreSQL: `make test-slow`
def test_one_leads_the_other_stands_by_and_both_serve_the_same_feeds(
    write: Write, postgres: PgServer
) -> None:
    url = postgres.fresh()
    roster(write, 3)
    with smtp_server() as (sink, smtp_port):
        a = instance(write, "a", url, smtp_port)
        add_user(a.config, "admin", "--admin")  # into the shared database
        a.start()
        try:
            assert a.read_notify("READY=1"), a.kill()
            b = instance(write, "b", url, smtp_port).start()
            try:
                assert b.read_notify("READY=1"), b.kill()
                assert wait_for(lambda: statuses(url)["sent"] == 3, 30), a.output()
                assert (role(a), role(b)) == ("leader", "standby")
                assert b.health()[0] == 200  # a standby is healthy without passes of its own
                listed = subprocess.run(
                    [sys.executable, "-m", "renewd", "feeds", "-c", str(b.config), "--json"],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert listed.returncode == 0, listed.stderr
                rows = {r["name"]: r for r in json.loads(listed.stdout)["feeds"]}
                feed = urlsplit(rows["person-P0000"]["https"]).path
                status_a, bytes_a = a.get(feed)
                assert status_a == 200
                assert bytes_a.startswith(b"BEGIN:VCALENDAR")
                assert b.get(feed) == (status_a, bytes_a)  # one key, one roster: same bytes
                web = requests.Session()  # a console session made on a works on b
                page = web.get(a.url("/signin"))
                signed = web.post(
                    a.url("/signin"),
                    data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page.text)},
                )
                assert signed.status_code == 200, signed.text
                assert not signed.url.endswith("/signin"), signed.text
                there = web.get(b.url("/"))
                assert there.status_code == 200
                assert not there.url.rstrip("/").endswith("/signin"), there.url
            finally:
                b.stop()
        finally:
            a.stop()
    assert sorted(Counter(sink.recipients).values()) == [1, 1, 1]


@pytest.mark.slow  # two daemons and 2,000 people: `make test-slow`
def test_kill_9_of_the_leader_mid_pass_the_standby_takes_over(
    write: Write, postgres: PgServer
) -> None:
    people = 2000
    url = postgres.fresh()
    roster(write, people)
    with smtp_server() as (sink, smtp_port):
        a = instance(write, "a", url, smtp_port).start()
        b = instance(write, "b", url, smtp_port)
        try:
            assert a.read_notify("READY=1"), a.kill()
            b.start()
            assert b.read_notify("READY=1"), b.kill()
            assert role(a) == "leader"
            assert role(b) == "standby"
            started = wait_for(lambda: len(sink.recipients) >= people // 3, 180)
            log = a.kill()  # SIGKILL mid-pass: no lease given up, claims left `sending`
            killed = time.monotonic()
            assert started, log
            at_kill = statuses(url)
            assert at_kill["pending"] >= 1, "killed too late"
            in_flight = at_kill["sending"]
            assert wait_for(lambda: role(b) == "leader", 30), b.output()
            assert time.monotonic() - killed < 30  # taken over within 30 s
            finished = wait_for(lambda: statuses(url)["sent"] == people, 240)
            assert finished, (statuses(url), b.output())
        finally:
            code, log = b.stop()
            if a.proc is not None and a.proc.poll() is None:
                a.kill()
        assert code == 0, log
    counts = Counter(sink.recipients)
    assert set(counts) == {f"p{i}@example.com" for i in range(people)}  # nothing lost
    assert sum(n - 1 for n in counts.values()) <= in_flight  # only those in flight repeat
