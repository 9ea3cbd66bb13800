"""The console over a real socket: sign-in, sessions, CSRF, group limits, progress forms."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import (
    NOW,
    PASSWORD,
    ROSTER,
    SHANGHAI,
    Server,
    add_user,
    console_config,
    csrf_of,
    four_people,
    running,
    sign_in,
)

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]


@pytest.fixture
def config(write: Write) -> Path:
    return four_people(write)


@pytest.fixture
def server(config: Path) -> Iterator[Server]:
    with running(config, NOW) as srv:
        yield srv


def own_config(write: Write, extra: str = "") -> Path:
    """A config over the people.csv the test wrote, on a free port, with an admin account."""
    config = console_config(write("config.toml", "").parent, extra)
    add_user(config, "admin", "--admin")
    return config


def test_overview_after_sign_in_shows_counts(server: Server) -> None:
    web = sign_in(server, "admin")
    page = web.get(server.url("/")).text
    assert "2026-06-15" in page
    overdue = re.search(r'id="count-overdue"><b>(\d+)</b>', page)
    assert overdue
    assert int(overdue.group(1)) >= 1


def test_every_console_route_without_a_session_redirects_to_sign_in(server: Server) -> None:
    paths = [
        "/", "/people", "/people/E001", "/deliveries", "/subscriptions", "/calendar", "/roster",
        "/export.csv", "/export.xlsx", "/accounts", "/no-such-page",
    ]  # fmt: skip
    for path in paths:
        response = requests.get(server.url(path), allow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/signin"), path
    for path in ["/people/E001/done", "/people/E001/undo", "/people/E001/expiry",
                 "/deliveries/1/retry", "/subscriptions/rotate", "/roster/swap"]:  # fmt: skip
        response = requests.post(server.url(path), data={"step": "permit_renewed_on"},
                                 allow_redirects=False)  # fmt: skip
        assert response.status_code == 303, path
    assert server.facts("E001") == {}


def test_feeds_health_and_metrics_keep_their_paths(server: Server) -> None:
    assert requests.get(server.url("/healthz")).status_code == 200
    assert requests.get(server.url("/feeds/nope.ics")).status_code == 404


def test_record_done_and_undo_change_the_state_database(server: Server) -> None:
    web = sign_in(server, "admin")
    page = web.get(server.url("/people/E001")).text
    assert "张三" in page
    assert "<svg" in page
    response = web.post(
        server.url("/people/E001/done"),
        data={"csrf": csrf_of(page), "step": "permit_renewed_on", "on": "2026-06-12"},
    )
    assert response.status_code == 200
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-12"}
    assert "2026-06-12" in response.text
    assert "控制台：admin" in response.text  # who did it, on the person's page
    prepare = response.text.split('id="step-prepare"', 1)[1].split("</tr>", 1)[0]
    assert "2026-06-12" not in prepare  # a heads-up step closed by the renewal has no date
    assert "记为完成：居住证签注 2026-06-12" in response.text
    response = web.post(
        server.url("/people/E001/undo"),
        data={"csrf": csrf_of(response.text), "step": "permit_renewed_on"},
    )
    assert response.status_code == 200
    assert server.facts("E001") == {}


def test_a_recorded_application_shows_the_permit_renewal_done_as_implied(
    server: Server,
) -> None:
    # Issue 17: HR records only 续办申请; the permit renewal is then done, not "已逾期".
    web = sign_in(server, "admin")
    page = web.get(server.url("/people/E001")).text
    assert "已逾期" in page.split('id="step-permit_renewal"', 1)[1].split("</tr>", 1)[0]
    response = web.post(
        server.url("/people/E001/done"),
        data={"csrf": csrf_of(page), "step": "points_applied_on", "on": "2026-06-15"},
    )
    assert response.status_code == 200
    row = response.text.split('id="step-permit_renewal"', 1)[1].split("</tr>", 1)[0]
    assert 'id="implied-permit_renewal"' in row
    assert "（积分续办申请已记录，可推定）" in row
    assert "已逾期" not in row
    assert 'id="step-grace_end"' not in response.text


def test_a_form_without_its_csrf_token_is_refused(server: Server) -> None:
    web = sign_in(server, "admin")
    for data in ({}, {"csrf": "forged"}):
        response = web.post(
            server.url("/people/E001/done"), data={"step": "permit_renewed_on", **data}
        )
        assert response.status_code == 403
    assert server.facts("E001") == {}


def test_a_group_limited_account_sees_and_changes_only_its_groups(server: Server) -> None:
    web = sign_in(server, "rd")
    listing = web.get(server.url("/people")).text
    assert "张三" in listing
    assert "李四" in listing
    assert "王五" not in listing
    assert "赵六" not in listing
    assert "王五" not in web.get(server.url("/people?group=市场部")).text
    assert web.get(server.url("/people/E003")).status_code == 404
    page = web.get(server.url("/people/E001")).text
    response = web.post(
        server.url("/people/E003/done"),
        data={"csrf": csrf_of(page), "step": "permit_renewed_on", "on": "2026-06-12"},
    )
    assert response.status_code == 404
    assert server.facts("E003") == {}
    for name in ("group-市场部", "person-E003", "all"):  # another group's feed, by the form
        rotated = web.post(server.url("/subscriptions/rotate"),
                           data={"csrf": csrf_of(page), "name": name})  # fmt: skip
        assert rotated.status_code == 404, name
    with server.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM feed_tokens").fetchone()[0] == 0
    assert web.get(server.url("/export.csv?group=市场部")).text.count("E00") == 0
    assert web.get(server.url("/roster")).status_code == 404  # admins only
    assert web.get(server.url("/accounts")).status_code == 403  # says so (issue 19)


def test_sign_in_is_throttled_after_repeated_failures(server: Server) -> None:
    web = requests.Session()
    page = web.get(server.url("/signin")).text
    for _ in range(5):
        response = web.post(
            server.url("/signin"),
            data={"name": "admin", "password": "wrong-password", "csrf": csrf_of(page)},
        )
        assert response.status_code == 401
    response = web.post(
        server.url("/signin"),
        data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page)},
    )
    assert response.status_code == 429  # even the right password waits


def test_sign_out_ends_the_session(server: Server) -> None:
    web = sign_in(server, "admin")
    page = web.get(server.url("/")).text
    cookie = web.cookies.get("renewd_session")
    web.post(server.url("/signout"), data={"csrf": csrf_of(page)})
    again = requests.get(
        server.url("/"), cookies={"renewd_session": cookie or ""}, allow_redirects=False
    )
    assert again.status_code == 303
    with server.db() as conn:
        assert conn.execute("SELECT COUNT(*) FROM console_session").fetchone()[0] == 0


def test_cookies_are_http_only_and_same_site(server: Server) -> None:
    web = requests.Session()
    page = web.get(server.url("/signin"))
    response = web.post(
        server.url("/signin"),
        data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page.text)},
        allow_redirects=False,
    )
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # plain http base_url
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_cookies_are_secure_behind_an_https_base_url(config: Path) -> None:
    text = config.read_text()
    config.write_text(re.sub(r'base_url = "http://', 'base_url = "https://', text))
    with running(config, NOW) as srv:
        web = requests.Session()
        page = web.get(srv.url("/signin"))
        assert "Secure" in page.headers["Set-Cookie"]
        csrf = csrf_of(page.text)
        response = requests.post(  # the browser would send the Secure cookie over https only
            srv.url("/signin"),
            data={"name": "admin", "password": PASSWORD, "csrf": csrf},
            cookies={"renewd_presign": csrf},
            allow_redirects=False,
        )
        assert response.status_code == 303
        assert "Secure" in response.headers["Set-Cookie"]


def test_sign_in_never_redirects_off_site(server: Server) -> None:
    web = requests.Session()
    for target in ("//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com"):
        page = web.get(server.url("/signin"), params={"next": target})
        response = web.post(
            server.url("/signin"),
            data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page.text),
                  "next": target},
            allow_redirects=False,
        )  # fmt: skip
        assert response.headers["Location"] == "/", target


def test_an_id_with_a_slash_opens_and_takes_progress(write: Write) -> None:
    """Roster ids are the employer's own ("HR/2024/017", "A#1 ?"); the console quotes them in
    every link and form, and the person's page opens and records progress like any other."""
    odd = ["HR/2024/017", "A#1 ?&x=y"]
    write(
        "people.csv",
        ROSTER + f"{odd[0]},孙七,研发部,2026-06-30,\n{odd[1]},周八,研发部,2026-06-30,\n",
    )
    config = own_config(write)
    with running(config, NOW) as server:
        web = sign_in(server, "admin")
        listing = web.get(server.url("/people?q=研发部")).text + web.get(server.url("/people")).text
        for person, name in zip(odd, ("孙七", "周八"), strict=True):
            quoted = urllib.parse.quote(person, safe="")
            assert f'href="/people/{quoted}"' in listing, person
            page = web.get(server.url(f"/people/{quoted}"))
            assert page.status_code == 200, person
            assert name in page.text
            done = web.post(
                server.url(f"/people/{quoted}/done"),
                data={"csrf": csrf_of(page.text), "step": "permit_renewed_on", "on": "2026-06-12"},
            )
            assert done.status_code == 200, person
            assert server.facts(person) == {"permit_renewed_on": "2026-06-12"}


def test_a_sighup_applies_new_console_settings(server: Server, config: Path) -> None:
    """`systemctl reload` takes a new `[console]` section, as it does every other one."""

    def session_max_age() -> str:
        web = requests.Session()
        page = web.get(server.url("/signin"))
        response = web.post(
            server.url("/signin"),
            data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(page.text), "next": "/"},
            allow_redirects=False,
        )
        found = re.search(r"Max-Age=(\d+)", response.headers.get("Set-Cookie", ""), re.I)
        assert found, response.headers
        return found.group(1)

    assert session_max_age() == "3600"
    config.write_text(config.read_text().replace("session_hours = 1", "session_hours = 8"))
    assert server.run(server.daemon.reload())
    assert session_max_age() == "28800"


def test_the_overview_names_only_the_years_the_calendar_estimates(write: Write) -> None:
    """A 2026 step counted back from a 2027 expiry is provisional because of 2027; the overview
    must name 2027 (the notice to import), never 2026, whose notice is in."""
    write("people.csv", ROSTER.splitlines()[0] + "\nE009,钱九,研发部,2027-01-08,\n")
    config = own_config(write)
    with running(config, dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI)) as server:
        page = sign_in(server, "admin").get(server.url("/")).text
    found = re.search(r'id="count-years"><b>(\d+)</b>([^<]*)<', page)
    assert found, page
    assert found.group(1) == "1"
    assert "(2027)" in found.group(2)
    assert "2026" not in found.group(2)


def test_the_console_refuses_what_cannot_have_happened(server: Server) -> None:
    """A misclick must not silently close a step: a permit renewal before its window opened,
    a new expiry that is not later than the one in force."""
    web = sign_in(server, "admin")
    page = web.get(server.url("/people/E001")).text
    early = web.post(
        server.url("/people/E001/done"),
        data={"csrf": csrf_of(page), "step": "permit_renewed_on", "on": "2026-05-01"},
    )
    assert early.status_code == 400
    assert "从 2026-05-31 起（到期前 30 天）才能签注" in early.text  # in the console's words
    assert server.facts("E001") == {}
    page = web.get(server.url("/people/E001")).text
    shorter = web.post(
        server.url("/people/E001/expiry"), data={"csrf": csrf_of(page), "expires": "2026-06-01"}
    )
    assert shorter.status_code == 400
    assert "不晚于当前的到期日（2026-06-30）" in shorter.text
    assert server.facts("E001") == {}


def test_the_person_page_says_when_and_what_each_message_carried(write: Write) -> None:
    """Delivery history in words: the time, and for a message the steps it carried, never the
    internal kind "message"."""
    write("people.csv", ROSTER)
    config = own_config(write, '[[channels]]\nname = "console"\ntype = "console"\n')
    with running(config, NOW) as server:
        server.run(server.daemon.run_pass("sweep"))
        page = sign_in(server, "admin").get(server.url("/people/E001")).text
    history = page.split('id="history"', 1)[1].split("</table>", 1)[0]
    assert "2026-06-15 10:00" in history
    assert "首次状态" in history or "居住证签注" in history
    assert ">message<" not in history


def test_an_estimated_next_expiry_is_marked_on_the_person_page(write: Write) -> None:
    """Last cycle finished, its expiry passed, no new expiry recorded: the page shows the next
    cycle at a year on and says it is an estimate (as `plan --json` and the holder's mail do)."""
    write(
        "people.csv",
        "工号,姓名,部门,居住证到期日,居住证续签日期,积分核定日期,通知单领取日期\n"
        "E001,张三,研发部,2026-05-20,2026-04-20,2026-05-06,2026-05-08\n"
        "E002,李四,研发部,2026-09-30,,,\n",
    )
    with running(own_config(write), NOW) as served:
        web = sign_in(served, "admin")
        page = web.get(served.url("/people/E001")).text
        assert re.search(r'id="cycle">2027-05-20<', page)
        assert "估算：上次到期日加一年，尚未登记新的有效期" in page
        assert 'id="expiry-estimated"' not in web.get(served.url("/people/E002")).text
