"""A one-click link acts once (issue 18): after its step is recorded, a POST of the same link
changes nothing and says when and by whom it was recorded; it may add a missing new expiry once;
after a console undo it works again; changing a date is HR's, in the change log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from consolekit import NOW, Server, csrf_of, four_people, running, sign_in
from renewd.core.model import Step
from renewd.delivery.actionlinks import ActionLinks, action_key
from renewd.store.tokens import load_key

pytestmark = pytest.mark.integration

CYCLE = dt.date(2026, 6, 30)  # E001's permit expiry


@pytest.fixture
def server(write: Callable[[str, str], Path]) -> Iterator[Server]:
    with running(four_people(write), NOW) as srv:
        yield srv


def link(server: Server, step: Step = Step.PERMIT_RENEWED) -> str:
    key = load_key(server.daemon.settings.state.dir)
    return ActionLinks(action_key(key), server.url("")).url("E001", CYCLE, step)


def confirm(url: str, **form: str) -> requests.Response:
    """Open the link in a fresh browser and post `form` with its CSRF token (the page's
    double-submit cookie: a page without a form shows no token)."""
    web = requests.Session()
    web.get(url)
    return web.post(url, data={"csrf": web.cookies.get("renewd_presign") or "", **form})


def audit(server: Server) -> list[tuple[str, str, str]]:
    with server.db() as conn:
        rows = conn.execute("SELECT actor, action, detail FROM console_audit ORDER BY id")
        return [(r[0], r[1], r[2]) for r in rows]


def test_a_used_link_cannot_rewrite_the_recorded_date(server: Server) -> None:
    url = link(server)
    assert confirm(url, on="2026-06-12", expires="2027-06-30").status_code == 200
    recorded = {"permit_renewed_on": "2026-06-12", "new_permit_expires": "2027-06-30"}
    assert server.facts("E001") == recorded
    again = confirm(url, on="2026-06-05", expires="2027-07-31")
    assert again.status_code == 409
    assert 'id="link-already"' in again.text
    assert "2026-06-12" in again.text
    assert "员工确认链接" in again.text  # by whom
    assert server.facts("E001") == recorded
    page = requests.get(url).text  # opening it says the same, with no form
    assert 'id="link-already"' in page
    assert "<form" not in page
    assert len(audit(server)) == 1


def test_a_step_hr_recorded_is_not_changed_by_the_holders_link(server: Server) -> None:
    web = sign_in(server, "admin")
    page = web.get(server.url("/people/E001")).text
    form = {"csrf": csrf_of(page), "step": "permit_renewed_on", "on": "2026-06-10"}
    assert web.post(server.url("/people/E001/done"), data=form).status_code == 200
    again = confirm(link(server), on="2026-06-14")
    assert again.status_code == 409
    assert "控制台：admin" in again.text
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-10"}


def test_a_link_adds_a_missing_new_expiry_once(server: Server) -> None:
    url = link(server)
    assert confirm(url, on="2026-06-12").status_code == 200
    page = requests.get(url).text
    assert 'id="link-already"' in page
    assert 'name="expires"' in page  # only the expiry is asked
    assert 'name="on"' not in page
    added = confirm(url, on="2026-06-01", expires="2027-06-30")
    assert added.status_code == 200
    assert server.facts("E001") == {
        "permit_renewed_on": "2026-06-12",  # the date in the form was not taken
        "new_permit_expires": "2027-06-30",
    }
    assert confirm(url, expires="2028-01-31").status_code == 409
    assert server.facts("E001")["new_permit_expires"] == "2027-06-30"
    assert [a[1] for a in audit(server)] == ["done", "new_expiry"]


def test_after_a_console_undo_the_link_works_again(server: Server) -> None:
    url = link(server)
    assert confirm(url, on="2026-06-12").status_code == 200
    web = sign_in(server, "admin")
    page = web.get(server.url("/people/E001")).text
    undo = {"csrf": csrf_of(page), "step": "permit_renewed_on"}
    assert web.post(server.url("/people/E001/undo"), data=undo).status_code == 200
    assert server.facts("E001") == {}
    assert confirm(url, on="2026-06-11").status_code == 200
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-11"}


def test_simultaneous_posts_of_one_link_record_one_date(server: Server) -> None:
    url = link(server)
    web = requests.Session()
    csrf = csrf_of(web.get(url).text)
    cookies = {k: v or "" for k, v in web.cookies.get_dict().items()}
    days = [f"2026-06-{d:02d}" for d in range(1, 13)]

    def post(day: str) -> int:
        return requests.post(url, data={"csrf": csrf, "on": day}, cookies=cookies).status_code

    with ThreadPoolExecutor(max_workers=len(days)) as pool:
        codes = list(pool.map(post, days))
    assert sorted(codes) == [200] + [409] * (len(days) - 1)
    assert server.facts("E001")["permit_renewed_on"] in days
    assert len(audit(server)) == 1


def test_changing_a_recorded_date_is_a_console_action_in_the_change_log(server: Server) -> None:
    assert confirm(link(server), on="2026-06-12").status_code == 200
    web = sign_in(server, "admin")
    page = web.get(server.url("/people/E001")).text
    assert 'id="change-permit_renewal"' in page
    form = {"csrf": csrf_of(page), "step": "permit_renewed_on", "on": "2026-06-05"}
    changed = web.post(server.url("/people/E001/done"), data=form)
    assert changed.status_code == 200
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-05"}
    assert audit(server)[-1] == (
        "console:admin",
        "changed",
        "permit_renewed_on=2026-06-12 → 2026-06-05",
    )
    assert "改日期：居住证签注 2026-06-12 → 2026-06-05" in changed.text
