"""The console shows each document's chain (issue 22): the person page has one section per
document after the points' (timeline, step list, steps with who, due day, cut-off and status),
the people list counts the documents' steps, and a document's step is recorded and undone on
the page, then shows in the person's feed after the daemon's sweep."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import requests

from consolekit import SHANGHAI, add_user, console_config, csrf_of, running, sign_in

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
ROSTER = """\
工号,姓名,部门,证件类型,到期日
1001,张三,研发部,,2027-03-10
2001,John Smith,研发部,foreign-work-permit,2027-04-20
2001,John Smith,研发部,居留许可,2027-04-25
3001,陈大文,市场部,hmt-residence-permit,2026-12-20
"""


def documents_console(write: Callable[[str, str], Path]) -> Path:
    people = write("people.csv", ROSTER)
    path = console_config(people.parent)
    add_user(path, "admin", "--admin")
    add_user(path, "rd", "--group", "研发部")
    return path


def test_the_person_page_shows_each_documents_chain(write: Callable[[str, str], Path]) -> None:
    with running(documents_console(write), NOW) as server:
        web = sign_in(server, "admin")
        page = web.get(server.url("/people/2001")).text
        # Points first (none for John), then each pack's title, in roster order.
        work, residence = (
            page.index('id="doc-foreign-work-permit"'),
            page.index('id="doc-foreign-residence-permit"'),
        )
        assert 0 < work < residence
        assert "外国人工作许可证" in page
        assert 'id="tl-foreign-work-permit-today"' in page  # its own timeline
        assert 'id="step-foreign-work-permit-extension_filing"' in page
        row = page.split('id="step-foreign-work-permit-extension_filing"')[1].split("</tr>")[0]
        assert "单位人事专员" in row  # the owner
        assert "2027-03-21" in row  # the hard cut-off
        # A person with points and documents: the points first.
        mixed = web.get(server.url("/people/1001")).text
        assert 'id="steps"' in mixed
        assert 'id="doc-' not in mixed


def test_the_people_list_counts_the_documents_steps(write: Callable[[str, str], Path]) -> None:
    with running(documents_console(write), NOW) as server:
        admin = sign_in(server, "admin")
        overdue = admin.get(server.url("/people?status=overdue")).text
        assert 'data-id="3001"' in overdue  # the HMT holder's own application is overdue
        assert 'data-id="2001"' not in overdue
        listed = admin.get(server.url("/people?q=john")).text
        assert 'data-id="2001"' in listed
        assert "外国人工作许可证 · " in listed  # his next step, the document named
        # A group-limited account sees only its groups' people, documents or not.
        rd = sign_in(server, "rd")
        assert 'data-id="3001"' not in rd.get(server.url("/people")).text
        assert rd.get(server.url("/people/3001")).status_code == 404
        assert rd.get(server.url("/people/2001")).status_code == 200


def _feed(server: object, name: str) -> str:
    feeds = server.daemon.feeds  # type: ignore[attr-defined]
    return str(requests.get(feeds.urls(name).https, timeout=10).text)


def test_a_document_step_is_recorded_and_undone_on_the_page(
    write: Callable[[str, str], Path],
) -> None:
    with running(documents_console(write), NOW) as server:
        web = sign_in(server, "admin")
        page = web.get(server.url("/people/3001")).text
        response = web.post(
            server.url("/people/3001/done"),
            data={
                "csrf": csrf_of(page),
                "document": "hmt-residence-permit",
                "step": "card_application",
                "on": "2026-12-04",
            },
        )
        assert response.status_code == 200
        assert "msg=recorded" in response.url
        with server.db() as conn:
            fact = conn.execute("SELECT * FROM document_fact WHERE person = '3001'").fetchone()
        assert (fact["document"], fact["step"], fact["day"]) == (
            "hmt-residence-permit",
            "card_application",
            "2026-12-04",
        )
        assert fact["recorded_by"] == "console:admin"
        row = response.text.split('id="step-hmt-residence-permit-card_application"')[1]
        assert "2026-12-04" in row.split("</tr>")[0]
        assert 'id="undo-hmt-residence-permit-card_application"' in response.text
        # The feed shows it after the daemon's sweep.
        deadline = time.monotonic() + 30
        while "✓【港澳台居民居住证】陈大文" not in _feed(server, "person-3001"):
            assert time.monotonic() < deadline, "the feed never showed the recorded step"
            time.sleep(0.2)
        # A form naming a step the person's document does not have is refused.
        bad = web.post(
            server.url("/people/3001/done"),
            data={"csrf": csrf_of(page), "document": "hmt-residence-permit", "step": "nope"},
        )
        assert bad.status_code == 400
        undone = web.post(
            server.url("/people/3001/undo"),
            data={
                "csrf": csrf_of(response.text),
                "document": "hmt-residence-permit",
                "step": "card_application",
            },
        )
        assert "msg=undone" in undone.url
        with server.db() as conn:
            assert conn.execute("SELECT COUNT(*) FROM document_fact").fetchone()[0] == 0
        assert 'id="done-hmt-residence-permit-card_application"' in undone.text
        while "✓【港澳台居民居住证】陈大文" in _feed(server, "person-3001"):
            assert time.monotonic() < deadline + 30, "the feed never dropped the undone step"
            time.sleep(0.2)


def test_a_step_is_not_recorded_before_the_step_it_waits_for(
    write: Callable[[str, str], Path],
) -> None:
    with running(documents_console(write), NOW) as server:
        web = sign_in(server, "admin")
        page = web.get(server.url("/people/2001")).text

        def record(step: str, day: str) -> requests.Response:
            data = {"csrf": csrf_of(page), "document": "foreign-work-permit", "step": step}
            return web.post(server.url("/people/2001/done"), data={**data, "on": day})

        assert "msg=recorded" in record("extension_filing", "2026-12-05").url
        refused = record("permit_processing", "2026-12-01")
        assert refused.status_code == 400
        assert "2026-12-05" in refused.text
        with server.db() as conn:
            steps = [r["step"] for r in conn.execute("SELECT step FROM document_fact")]
        assert steps == ["extension_filing"]
        # The change log says the step in the pack's words.
        changes = web.get(server.url("/people/2001")).text.split('id="changes"')[1]
        assert "申报延期 2026-12-05" in changes.split("</table>")[0]
