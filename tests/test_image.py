"""The container image for real (`make test-image`, after `make image`): the commands of the
README's "Run it in a container", run as written but for the names (a container, a volume and a
secret of this test's own, a free port on 127.0.0.1) and the suite's frozen clock, then checked
from the host: the image's own configuration, a feed, the console's sign-in page, a delivery pass
that reaches an SMTP server on the host with the password from /run/secrets, the log on the
container's output, `podman healthcheck run`, a restart (SIGTERM, then start) that sends nothing
again, and a clean stop.

Marked `image`: left out of `make test` and `make test-slow`; needs podman and the image (CI:
.ci/run prepares its machine with .ci/image-host, then runs `make test-image`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import FROZEN_NOW
from imagekit import CONFIG_OUT, HEALTH, RESTART, ROOT, RUN, SECRET, Names
from netkit import Sink, free_port

pytestmark = pytest.mark.image

PASSWORD = "container-smtp-secret"
SAMPLE = {
    line.split(",")[6]
    for line in (ROOT / "examples" / "people.csv").read_text(encoding="utf-8").splitlines()[1:]
}  # the sample roster's addresses: the image copies it into a new volume


def podman(
    *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], capture_output=True, text=True, check=False, timeout=timeout
    )
    if check:
        assert result.returncode == 0, f"podman {args}: {result.stdout}\n{result.stderr}"
    return result


def shell(command: str, cwd: Path) -> str:
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def planned(response: tuple[int, str, bytes]) -> bool:
    status, _, body = response
    return status == 200 and json.loads(body)["status"] != "starting"


def wait_for(what: str, test: Callable[[], Any], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = test()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.5)


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()
    except OSError:
        return 0, "", b""


class Password:
    """aiosmtpd's authenticator: only the password the container was given in /run/secrets."""

    def __init__(self) -> None:
        self.users: list[str] = []

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
        if ok:
            self.users.append(auth_data.login.decode())
        return AuthResult(success=ok)


@pytest.fixture
def smtp_on_the_host() -> Iterator[tuple[Sink, Password, int]]:
    """An SMTP server the container reaches as host.containers.internal (podman's name for the
    host), so on every address: the bridge's is made with the first container."""
    sink, auth, port = Sink(), Password(), free_port()
    controller = Controller(
        sink, hostname="0.0.0.0", port=port, authenticator=auth, auth_require_tls=False
    )
    controller.start()
    try:
        yield sink, auth, port
    finally:
        controller.stop()


@pytest.fixture
def names() -> Iterator[Names]:
    assert shutil.which("podman"), "make test-image needs podman (.ci/image-host installs it)"
    found = Names(f"renewd-test-{os.getpid()}", free_port(), PASSWORD, FROZEN_NOW)
    yield found
    podman("rm", "--force", "--time", "5", found.container, check=False)
    podman("volume", "rm", "--force", found.container, check=False)
    podman("secret", "rm", found.container, check=False)


def passes(container: str) -> list[str]:
    """The daemon's "delivery pass (start-up) done" log lines, from the container's output."""
    logs = podman("logs", container)
    return re.findall(r"delivery pass \(start-up\) done.*", logs.stdout + logs.stderr)


def test_the_readme_container_serves_sends_once_and_stops_cleanly(
    names: Names, smtp_on_the_host: tuple[Sink, Password, int], tmp_path: Path
) -> None:
    sink, auth, smtp_port = smtp_on_the_host
    # The image's configuration, copied out as the README says: the example with its paths.
    shell(names.adapt(CONFIG_OUT), tmp_path)
    config = tmp_path / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# renewd configuration of the container image")
    assert 'listen = "0.0.0.0:8765"' in text
    assert 'files = ["/var/lib/renewd/roster/people.csv"]' in text
    assert 'dir = "/var/lib/renewd"\n' in text
    # Edited as a user would: the feed URLs' address, and an email channel with its password
    # in /run/secrets, to the SMTP server on the host.
    base_url = f"http://127.0.0.1:{names.port}"
    text = text.replace('base_url = "http://127.0.0.1:8765"', f'base_url = "{base_url}"', 1)
    text += (
        f'\n[[channels]]\nname = "mail"\ntype = "email"\nhost = "host.containers.internal"\n'
        f'port = {smtp_port}\nmode = "plain"\nuser = "renewd"\nsender = "HR <hr@example.com>"\n'
    )
    config.write_text(text, encoding="utf-8")
    shell(names.adapt(SECRET), tmp_path)

    started = time.monotonic()
    shell(names.adapt(RUN), tmp_path)
    # READY, then `starting` while everyone is planned (feeds answer 503 meanwhile), then ok
    wait_for("/healthz", lambda: planned(get(f"{base_url}/healthz")))
    ready = time.monotonic() - started

    # An unprivileged user runs the daemon and owns its state; `podman exec` is that user too.
    user = podman("top", names.container, "user", "group", "comm").stdout
    assert re.search(r"^renewd\s+renewd\s+renewd$", user, re.MULTILINE), user
    owner = podman("exec", names.container, "stat", "-c", "%u:%g %a", "/var/lib/renewd")
    assert owner.stdout.split() == ["10001:10001", "700"]
    assert podman("exec", names.container, "id", "-u").stdout.strip() == "10001"

    # A feed, served to the host at the URL `renewd feeds` gives.
    feeds = podman("exec", names.container, "renewd", "feeds", "--json").stdout
    url = re.search(rf'"({re.escape(base_url)}/feeds/[^"]+\.ics)"', feeds)
    assert url, feeds
    status, kind, body = get(url.group(1))
    assert (status, kind.split(";")[0]) == (200, "text/calendar")
    assert body.startswith(b"BEGIN:VCALENDAR")

    # The console's sign-in page.
    status, kind, body = get(f"{base_url}/signin")
    assert (status, kind.split(";")[0]) == (200, "text/html")
    assert b'type="password"' in body

    # The start-up pass: mail to the sample roster through the host's SMTP server, with the
    # password from /run/secrets; the console channel's messages and the log on the output.
    first = wait_for("the start-up pass", lambda: passes(names.container))
    sent = list(sink.messages)
    assert sorted(sink.recipients) == sorted(SAMPLE), first  # each his first status message
    assert set(auth.users) == {"renewd"}
    logs = podman("logs", names.container)
    assert "── console → 1001" in logs.stdout

    # The image's HEALTHCHECK, as podman runs it.
    shell(names.adapt(HEALTH), tmp_path)  # exit 0: healthy
    health = podman("inspect", "--format", "{{.State.Health.Status}}", names.container).stdout
    assert health.strip() == "healthy"

    # Restarted (SIGTERM, a clean exit, a new start on the same volume): nothing again.
    restarted = time.monotonic()
    shell(names.adapt(RESTART), tmp_path)
    restart_seconds = time.monotonic() - restarted
    second = wait_for("the pass after the restart", lambda: passes(names.container)[1:])
    assert "nothing due" in second[0], second
    logs = podman("logs", names.container)
    assert re.search(r"INFO \S+: stopping\n", logs.stderr), logs.stderr
    assert sink.messages == sent
    assert get(url.group(1))[0] == 200  # the same feed URL: the feed key is in the volume

    # Stopped with SIGTERM: exit 0, well before podman's 10 s would turn to SIGKILL.
    stopping = time.monotonic()
    podman("stop", names.container)
    stop_seconds = time.monotonic() - stopping
    state = podman("inspect", "--format", "{{.State.ExitCode}}", names.container).stdout
    assert state.strip() == "0"
    assert stop_seconds < 8, stop_seconds
    assert restart_seconds < 8, restart_seconds
    print(f"ready after {ready:.1f} s; restart {restart_seconds:.1f} s; stop {stop_seconds:.1f} s")
