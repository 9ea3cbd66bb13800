"""A running daemon facing hostile roster files (issue 18, 1, 2, 10, 11): a crafted workbook at
start-up, a zip bomb on reload, a crafted upload on the console or a TOML nested 5,000 deep
costs that one file (its last good version is served and /healthz names it); the other files
load, and the daemon stays up and small."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import PASSWORD, add_user, csrf_of
from daemonkit import Daemon
from netkit import free_port
from rosterkit import crafted_xlsx, deep_toml, shared_strings_bomb

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
HEADER = "工号,姓名,部门,居住证到期日\n"
TWO = HEADER + "E01,张三,研发部,2027-03-15\nE02,李四,研发部,2027-04-20\n"
THREE = TWO + "E03,王五,研发部,2027-05-20\n"
TEAM = '[[people]]\nid = "T1"\nname = "赵六"\npermit_expires = 2027-06-01\n'


@pytest.fixture
def stop() -> Iterator[list[Daemon]]:
    started: list[Daemon] = []
    yield started
    for daemon in started:
        daemon.stop()


def start(write: Write, files: list[str], stop: list[Daemon]) -> Daemon:
    port = free_port()
    listed = ", ".join(f'"{name}"' for name in files)
    config = write(
        "config.toml",
        f"""\
        [roster]
        files = [{listed}]
        settle_seconds = 0.3
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        """,
    )
    add_user(config, "admin", "--admin")
    daemon = Daemon(config, port).start()
    stop.append(daemon)
    assert daemon.read_notify("READY=1"), daemon.output()  # not aborted at start-up
    return daemon


def people(daemon: Daemon) -> int:
    _, metrics = daemon.get("/metrics")
    line = next(x for x in metrics.splitlines() if x.startswith(b"renewd_people "))
    return int(float(line.split()[1]))


def wait_people(daemon: Daemon, count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while people(daemon) != count:
        assert daemon.proc is not None
        assert daemon.proc.poll() is None, daemon.output()
        assert time.monotonic() < deadline, (people(daemon), daemon.output()[-3000:])
        time.sleep(0.2)


def named(daemon: Daemon, file: str) -> dict[str, object]:
    """/healthz once it is degraded and names `file` (never what is in it)."""
    return daemon.wait_health_status(
        "degraded", also=lambda body: file in " ".join(map(str, body.get("warnings", [])))
    )


def peak_mb(daemon: Daemon) -> int:
    assert daemon.proc is not None
    status = Path(f"/proc/{daemon.proc.pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024  # type: ignore[union-attr]


def replace(path: Path, data: bytes) -> None:
    """As an editor saves: write beside, then rename over."""
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_nested_toml_keeps_its_last_good_version_and_the_other_files_load(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    write("people.csv", TWO)
    team = write("team.toml", TEAM)
    daemon = start(write, ["people.csv", "team.toml"], stop)
    wait_people(daemon, 3)
    replace(team, deep_toml(tmp_path / "deep.toml").read_bytes())
    replace(tmp_path / "people.csv", THREE.encode())  # changed in the same reload
    body = named(daemon, "team.toml")
    assert body["counts"]["stale_files"] == 1  # type: ignore[index]
    wait_people(daemon, 4)  # E03 is new; T1 is served from team.toml's last good version
    assert "Traceback" not in daemon.output()


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_hostile_workbook_costs_the_daemon_one_refused_file(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    write("people.csv", TWO)
    team = crafted_xlsx(tmp_path / "team.xlsx", "strict", far="XFD1048576")
    daemon = start(write, ["people.csv", "team.xlsx"], stop)  # before: SIGABRT, at every start
    named(daemon, "team.xlsx")
    wait_people(daemon, 2)
    # On reload, a shared-strings bomb in its place (and a new person beside it).
    replace(team, shared_strings_bomb(tmp_path / "bomb.xlsx", inflated_mb=300).read_bytes())
    replace(tmp_path / "people.csv", THREE.encode())
    wait_people(daemon, 3)  # people.csv's new person, and not team.xlsx's: it was refused
    body = named(daemon, "team.xlsx")
    assert body["counts"]["stale_files"] == 1  # type: ignore[index]
    assert peak_mb(daemon) < 200


def sign_in(daemon: Daemon) -> requests.Session:
    web = requests.Session()
    page = web.get(daemon.url("/signin"))
    response = web.post(
        daemon.url("/signin"),
        data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page.text), "next": "/"},
    )
    assert response.status_code == 200, response.text
    return web


def test_a_crafted_workbook_uploaded_on_the_console_is_refused(
    write: Write, tmp_path: Path, stop: list[Daemon]
) -> None:
    write("people.csv", TWO)
    team = crafted_xlsx(tmp_path / "team.xlsx", "strict")
    daemon = start(write, ["people.csv", "team.xlsx"], stop)
    wait_people(daemon, 3)
    web = sign_in(daemon)
    crafted = crafted_xlsx(tmp_path / "upload.xlsx", "bare-rels", far="XFD1048576")
    page = web.get(daemon.url("/roster")).text
    result = web.post(
        daemon.url(f"/roster/check?csrf={csrf_of(page)}"),
        data={"target": str(team)},
        files={"file": ("team.xlsx", crafted.read_bytes(), "application/octet-stream")},
    )
    assert "XFD1048576" in result.text  # the refusal, worded on the page
    assert daemon.proc is not None
    assert daemon.proc.poll() is None  # before: the admin's upload aborted the daemon
    wait_people(daemon, 3)
