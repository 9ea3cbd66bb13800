"""The sign-in throttle over a real socket (docs/design.md §12, issue 18): the attempt is reserved
before the ~0.2 s password check, per account (5 in 15 minutes) and per address (100), and a busy
address (a reverse proxy) does not shut its users out."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from consolekit import NOW, PASSWORD, Server, add_user, console_config, csrf_of, running
from netkit import Sink
from renewd.cli import main
from renewd.store import signins
from renewd.store.accounts import SCHEMA, Accounts
from renewd.store.database import DB_NAME, Database

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
FIXTURE = Path(__file__).parent / "fixtures" / "state-0.1.0"
ROSTER = "工号,姓名,部门,居住证到期日\nE001,张三,研发部,2026-06-30\n"


@pytest.fixture
def server(write: Write) -> Iterator[Server]:
    people = write("people.csv", ROSTER)
    config = console_config(people.parent)
    add_user(config, "admin", "--admin")
    add_user(config, "rd", "--group", "研发部")
    with running(config, NOW) as srv:
        yield srv


def attempt(server: Server, name: str, password: str) -> int:
    """One sign-in from a fresh browser; its status (303 signed in, 401 wrong, 429 throttled)."""
    web = requests.Session()
    page = web.get(server.url("/signin")).text
    form = {"name": name, "password": password, "csrf": csrf_of(page)}
    return web.post(server.url("/signin"), data=form, allow_redirects=False).status_code


def test_simultaneous_guesses_at_one_account_are_checked_at_most_five_times(
    server: Server,
) -> None:
    web = requests.Session()
    csrf = csrf_of(web.get(server.url("/signin")).text)
    cookies = {k: v or "" for k, v in web.cookies.get_dict().items()}

    def guess(n: int) -> int:
        form = {"name": "admin", "password": f"wrong-guess-{n}", "csrf": csrf}
        url = server.url("/signin")
        return requests.post(url, data=form, cookies=cookies, allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(guess, range(40)))
    assert codes.count(401) == signins.PER_NAME  # checked (and wrong): five, not forty
    assert codes.count(429) == 40 - signins.PER_NAME
    assert attempt(server, "admin", PASSWORD) == 429  # the right password waits too
    assert attempt(server, "rd", PASSWORD) == 303  # another account at the same address does not


def test_a_busy_address_still_signs_in_on_the_accounts_own_budget(server: Server) -> None:
    """Behind a reverse proxy everyone shares one address: 100 failures from it (other names)
    shut nobody out, but from then on every attempt there counts against its account."""
    with server.db() as conn:
        conn.executemany(
            "INSERT INTO console_signin_failure (key, at) VALUES (?, ?)",
            [(signins.key("addr", "127.0.0.1"), time.time())] * signins.PER_ADDRESS,
        )
    assert attempt(server, "rd", PASSWORD) == 303
    for _ in range(signins.PER_NAME - 1):
        assert attempt(server, "admin", PASSWORD) == 303
    assert attempt(server, "admin", "wrong-password") == 401
    assert attempt(server, "admin", PASSWORD) == 429  # five attempts, successes included
    assert attempt(server, "rd", PASSWORD) == 303


def test_a_correct_password_under_the_limits_keeps_the_budget(server: Server) -> None:
    for _ in range(signins.PER_NAME + 2):
        assert attempt(server, "admin", PASSWORD) == 303
    for _ in range(signins.PER_NAME):
        assert attempt(server, "admin", "wrong-password") == 401
    assert attempt(server, "admin", PASSWORD) == 429


def test_reservations_count_before_they_are_settled(tmp_path: Path) -> None:
    db = Database.in_dir(tmp_path / "state")
    try:
        throttle = Accounts(db).throttle
        held = [throttle.reserve("hr", "10.0.0.1", 1000.0 + n) for n in range(signins.PER_NAME)]
        assert all(held)
        assert throttle.reserve("hr", "10.0.0.2", 1010.0) is None  # per name, from anywhere
        assert throttle.throttled("hr", 1010.0)
        later = 1000.0 + signins.WINDOW + signins.PER_NAME
        assert throttle.reserve("hr", "10.0.0.1", later) is not None  # the window slid
        stored = db.conn.execute("SELECT group_concat(key) FROM console_signin_failure")
        assert "hr" not in stored.fetchone()[0].removeprefix("name:")  # hashes only
    finally:
        db.close()


def test_a_console_database_of_the_last_release_keeps_its_failures(tmp_path: Path) -> None:
    """A database whose "console" component is at step 1 (no reservations yet): its failures
    still count after the upgrade."""
    db = Database.in_dir(tmp_path / "state")
    try:
        db.ensure_schema("console", SCHEMA[:1])
        with db.transaction() as conn:
            conn.executemany(
                "INSERT INTO console_signin_failure (key, at) VALUES (?, ?)",
                [(signins.key("name", "hr"), 1000.0 + n) for n in range(signins.PER_NAME)],
            )
        throttle = Accounts(db).throttle
        assert throttle.reserve("hr", "10.0.0.1", 1010.0) is None
        version = db.conn.execute("SELECT version FROM schema_version WHERE component = 'console'")
        assert version.fetchone()[0] == len(SCHEMA)
    finally:
        db.close()


def test_a_state_of_release_010_upgrades_and_sends_nothing(
    tmp_path: Path, smtp: tuple[Sink, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """0.1.0 had no console: its state gains the console's tables, throttle included, and the
    first pass after the upgrade sends nothing 0.1.0 sent."""
    sink, port = smtp
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    for name in (DB_NAME, "feed.key"):
        shutil.copy(FIXTURE / name, state / name)
        (state / name).chmod(0o600)
    shutil.copy(FIXTURE / "people.csv", tmp_path / "people.csv")
    config = console_config(
        tmp_path,
        '[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
        '[[channels]]\nname = "console"\ntype = "console"\n',
    )
    add_user(config, "admin", "--admin")
    with running(config, NOW.replace(year=2026, month=12, day=1)) as server:
        for _ in range(signins.PER_NAME):
            assert attempt(server, "admin", "wrong-password") == 401
        assert attempt(server, "admin", PASSWORD) == 429
    assert main(["notify", "-c", str(config), "--due", "--today", "2026-12-01"]) == 0, (
        capsys.readouterr()
    )
    assert sink.messages == []
    conn = sqlite3.connect(state / DB_NAME)
    try:
        versions = dict(conn.execute("SELECT component, version FROM schema_version"))
    finally:
        conn.close()
    assert versions["console"] == len(SCHEMA)
