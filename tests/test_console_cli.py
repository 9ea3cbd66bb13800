"""`renewd user`: accounts from the command line, passwords never from an argument."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.store.accounts import Accounts
from renewd.store.database import Database

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]


@pytest.fixture
def config(write: Write) -> Path:
    write("people.csv", "工号,姓名,居住证到期日\nE1,张三,2027-01-01\n")
    return write(
        "config.toml",
        """\
        [roster]
        files = ["people.csv"]
        [state]
        dir = "state"
        """,
    )


def renewd(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renewd", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_add_list_passwd_remove(config: Path) -> None:
    c = str(config)
    added = renewd("user", "add", "hr", "--group", "研发部", "--group", "市场部", "-c", c,
                   stdin="s3cret-password\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "s3cret-password" not in added.stdout + added.stderr
    listed = renewd("user", "list", "-c", c)
    assert listed.stdout.strip() == "hr\t市场部, 研发部"
    db = Database.in_dir(config.parent / "state")
    try:
        accounts = Accounts(db)
        assert accounts.verify("hr", "s3cret-password") is not None
        assert renewd("user", "passwd", "hr", "-c", c, stdin="another-password\n").returncode == 0
        assert accounts.verify("hr", "s3cret-password") is None
        assert accounts.verify("hr", "another-password") is not None
        stored = db.conn.execute("SELECT hash FROM console_account").fetchone()[0]
        assert stored.startswith("$argon2id$")
    finally:
        db.close()
    assert renewd("user", "remove", "hr", "-c", c).returncode == 0
    assert renewd("user", "list", "-c", c).stdout == ""
    assert renewd("user", "remove", "hr", "-c", c).returncode != 0


def test_add_needs_a_group_or_admin_and_a_long_enough_password(config: Path) -> None:
    c = str(config)
    neither = renewd("user", "add", "hr", "-c", c, stdin="s3cret-password\n")
    assert neither.returncode != 0
    assert "--group" in neither.stderr
    short = renewd("user", "add", "hr", "--admin", "-c", c, stdin="short\n")
    assert short.returncode != 0
    assert "8 characters" in short.stderr
    # There is no password option at all: it would show in `ps` and the shell history.
    assert renewd("user", "add", "hr", "--admin", "--password", "x", "-c", c).returncode == 2


def test_demo_account_is_created_and_printed_once(config: Path) -> None:
    first = renewd("user", "demo", "-c", str(config))
    assert first.returncode == 0
    assert "account: demo" in first.stdout
    password = first.stdout.split("password: ")[1].split()[0]
    db = Database.in_dir(config.parent / "state")
    try:
        assert Accounts(db).verify("demo", password) is not None
    finally:
        db.close()
    again = renewd("user", "demo", "-c", str(config))
    assert again.returncode == 0
    assert password not in again.stdout  # shown once only
    assert "renewd user passwd NAME" in again.stdout  # what to do if it was lost


def test_check_warns_about_a_loopback_base_url(config: Path) -> None:
    result = renewd("check", "-c", str(config))
    assert result.returncode == 0
    assert "loopback" in result.stderr
    config.write_text(config.read_text() + '[server]\nbase_url = "https://hr.example.com"\n')
    assert "loopback" not in renewd("check", "-c", str(config)).stderr


def test_check_warns_about_a_proxy_header_no_proxy_may_send(config: Path) -> None:
    """A single sign-on header with no trusted proxy is never believed: every user would get
    the sign-in page behind the proxy that was meant to sign them in."""
    text = config.read_text()
    assert "trusted_proxies" not in renewd("check", "-c", str(config)).stderr
    config.write_text(text + '[console]\ntrusted_proxy_header = "X-Remote-User"\n')
    warned = renewd("check", "-c", str(config))
    assert warned.returncode == 0
    assert "trusted_proxies is empty" in warned.stderr
    config.write_text(
        text + '[console]\ntrusted_proxy_header = "X-Remote-User"\ntrusted_proxies = ["10.0.0.1"]\n'
    )
    assert "trusted_proxies" not in renewd("check", "-c", str(config)).stderr


def test_add_refuses_a_group_nobody_is_in_and_names_the_known_ones(write: Write) -> None:
    write("people.csv", "工号,姓名,部门,居住证到期日\nE1,张三,研发部,2027-01-01\n")
    c = str(write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'))
    typo = renewd("user", "add", "hr", "--group", "市场部", "-c", c, stdin="s3cret-password\n")
    assert typo.returncode != 0
    assert "unknown group 市场部" in typo.stderr
    assert "研发部" in typo.stderr  # what it could have meant
    assert renewd("user", "list", "-c", c).stdout == ""  # nothing created
    ok = renewd("user", "add", "hr", "--group", "研发部", "-c", c, stdin="s3cret-password\n")
    assert ok.returncode == 0, ok.stderr
