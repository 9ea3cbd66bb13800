"""Roster uploads never confirmed do not pile up (issue 18): each waits an hour at most, an
account has at most five waiting, a check with problems keeps nothing, and what a run left
behind is deleted at start."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import NOW, ROSTER, Server, add_user, csrf_of, four_people, running, sign_in, upload
from renewd.daemon.uploads import EXPIRY, PER_ACCOUNT, PendingUploads

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]


class Clock:
    """The daemon's clock, moved on by the test."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def config(write: Write) -> Path:
    return four_people(write)


@pytest.fixture
def server(config: Path, clock: Clock) -> Iterator[Server]:
    with running(config, clock) as srv:
        yield srv


def stored(server: Server) -> list[Path]:
    folder = server.daemon.settings.state.dir / "roster-uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def upload_id(page: str) -> str:
    found = re.search(r'name="upload" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def swap(web: requests.Session, server: Server, page: str) -> requests.Response:
    form = {"csrf": csrf_of(page), "upload": upload_id(page)}
    return web.post(server.url("/roster/swap"), data=form)


def test_an_account_has_at_most_five_uploads_waiting(server: Server, config: Path) -> None:
    web = sign_in(server, "admin")
    pages = [upload(web, server, ROSTER) for _ in range(PER_ACCOUNT)]
    assert all(p.status_code == 200 for p in pages)
    assert len(stored(server)) == PER_ACCOUNT
    refused = upload(web, server, ROSTER)
    assert refused.status_code == 429
    assert 'id="upload-quota"' in refused.text
    assert "1 小时" in refused.text
    assert len(stored(server)) == PER_ACCOUNT
    add_user(config, "admin2", "--admin")  # another account has its own five
    assert upload(sign_in(server, "admin2"), server, ROSTER).status_code == 200
    assert swap(web, server, pages[0].text).status_code == 200  # confirming one frees a place
    assert upload(web, server, ROSTER).status_code == 200
    assert len(stored(server)) == PER_ACCOUNT + 1


def test_an_upload_not_confirmed_within_an_hour_is_gone(server: Server, clock: Clock) -> None:
    web = sign_in(server, "admin")
    first = upload(web, server, ROSTER)
    assert len(stored(server)) == 1
    clock.at = NOW + EXPIRY + dt.timedelta(minutes=1)
    second = upload(web, server, ROSTER)  # an upload sweeps what expired
    assert [p.stem for p in stored(server)] == [upload_id(second.text)]
    late = swap(web, server, first.text)
    assert late.status_code == 400
    assert "upload it again" in late.text or "重新上传" in late.text


def test_a_refused_check_keeps_no_file(server: Server) -> None:
    web = sign_in(server, "admin")
    header = ROSTER.splitlines(keepends=True)[0]
    bad = upload(web, server, header + "E009,,研发部,not a date,\n")  # not one good row
    assert 'class="problems"' in bad.text
    assert 'id="swap"' not in bad.text
    assert stored(server) == []


def test_a_check_holding_rows_back_keeps_its_file_for_the_confirmation(server: Server) -> None:
    web = sign_in(server, "admin")
    held = upload(web, server, ROSTER + "E009,,研发部,not a date,\n")
    assert 'id="held"' in held.text
    assert [p.stem for p in stored(server)] == [upload_id(held.text)]


def test_uploads_left_by_a_run_that_ended_are_deleted_at_start(config: Path, clock: Clock) -> None:
    folder = config.parent / "state" / "roster-uploads"
    folder.mkdir(parents=True)
    (folder / "left-over.csv").write_text(ROSTER, encoding="utf-8")
    with running(config, clock) as server:
        assert stored(server) == []


def test_the_sweep_deletes_expired_uploads_without_a_new_one(tmp_path: Path) -> None:
    clock = Clock(NOW)
    uploads = PendingUploads(tmp_path / "uploads", clock)
    kept = uploads.store("hr", b"x", ".csv")
    clock.at = NOW + EXPIRY - dt.timedelta(seconds=1)
    assert uploads.sweep() == 0
    assert kept.path.exists()
    clock.at = NOW + EXPIRY
    assert uploads.sweep() == 1
    assert not kept.path.exists()
    assert uploads.take(kept.upload, "hr") is None


def test_only_the_admin_who_checked_an_upload_confirms_it(server: Server, config: Path) -> None:
    """An upload's id is on one admin's screen; another admin who learns it cannot swap the
    file in (nor use it up): the one who read the check decides."""
    web = sign_in(server, "admin")
    page = upload(web, server, ROSTER.replace("张三", "张三丰")).text
    add_user(config, "admin2", "--admin")
    other = sign_in(server, "admin2")
    mine = other.get(server.url("/roster")).text
    refused = other.post(
        server.url("/roster/swap"), data={"csrf": csrf_of(mine), "upload": upload_id(page)}
    )
    assert refused.status_code == 400
    assert len(stored(server)) == 1  # still waiting for its admin
    assert swap(web, server, page).status_code == 200
    assert stored(server) == []
