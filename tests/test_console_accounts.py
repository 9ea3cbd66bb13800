"""The accounts page over a real socket: the rules of `renewd user` (name, password length,
Argon2id, known groups), plus the console's own: admins only (403), CSRF on every form, the last
admin kept, a reset or a removal ending the account's sessions, a generated password shown once
and never logged."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from consolekit import NOW, PASSWORD, Server, csrf_of, four_people, running, sign_in

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
OTHER = "another password 2"


@pytest.fixture
def server(write: Write) -> Iterator[Server]:
    with running(four_people(write), NOW) as srv:
        yield srv


def post(web: requests.Session, server: Server, action: str, **data: str) -> requests.Response:
    """A form of the accounts page, with the session's CSRF token."""
    csrf = csrf_of(web.get(server.url("/accounts")).text)
    return web.post(server.url(f"/accounts/{action}"), data={"csrf": csrf, **data})


def accounts(server: Server) -> dict[str, tuple[int, list[str]]]:
    with server.db() as conn:
        rows = conn.execute("SELECT name, admin, groups FROM console_account").fetchall()
    return {r["name"]: (r["admin"], json.loads(r["groups"])) for r in rows}


def refusal(response: requests.Response) -> str:
    match = re.search(r'id="refused">([^<]*)<', response.text)
    assert match, response.text
    return match.group(1)


def test_an_admin_adds_an_account_limited_to_a_group_that_signs_in_and_sees_only_it(
    server: Server,
) -> None:
    admin = sign_in(server, "admin")
    added = post(admin, server, "add", name="mkt", groups="市场部", password=PASSWORD)
    assert added.status_code == 200
    assert added.url.endswith("/accounts?msg=added&name=mkt")
    assert 'id="done">已创建账号 mkt。' in added.text
    assert accounts(server)["mkt"] == (0, ["市场部"])
    with server.db() as conn:
        digest = conn.execute("SELECT hash FROM console_account WHERE name = 'mkt'").fetchone()
    assert digest[0].startswith("$argon2id$")  # as `renewd user add` stores it
    people = sign_in(server, "mkt").get(server.url("/people")).text
    assert "王五" in people
    assert "张三" not in people


def test_a_generated_password_is_shown_once_works_and_is_never_logged(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = sign_in(server, "admin")
    added = post(admin, server, "add", name="boss", groups="", admin="on", password="")
    match = re.search(r'id="new-password">([^<]+)<', added.text)
    assert match, added.text
    password = match.group(1)
    assert len(password) >= 12
    assert accounts(server)["boss"][0] == 1
    assert sign_in(server, "boss", password).get(server.url("/accounts")).status_code == 200
    assert password not in admin.get(server.url("/accounts")).text  # once
    reset = post(admin, server, "reset", name="rd", password="")
    fresh = re.search(r'id="new-password">([^<]+)<', reset.text)
    assert fresh
    sign_in(server, "rd", fresh.group(1))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "boss" in logged  # the change is logged, the password is not
    assert password not in logged
    assert fresh.group(1) not in logged


def test_an_unknown_group_is_refused_naming_the_known_ones(server: Server) -> None:
    admin = sign_in(server, "admin")
    typo = post(admin, server, "add", name="sales", groups="销售部, 研发部", password=PASSWORD)
    assert typo.status_code == 400
    assert refusal(typo) == "未知部门：销售部。名单和 [groups] 中的部门有：市场部, 研发部"
    assert 'value="sales"' in typo.text  # the form keeps what was typed
    assert "sales" not in accounts(server)
    limit = post(admin, server, "scope", name="rd", groups="研发部，销售部")
    assert limit.status_code == 400
    assert "销售部" in refusal(limit)
    assert accounts(server)["rd"] == (0, ["研发部"])


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (
            {"name": "a b", "groups": "研发部"},
            "账号名“a b”无效：只能用 1–64 个字母、数字或 _ . @ -",
        ),
        ({"name": "short", "groups": "研发部", "password": "1234567"}, "密码至少需要 8 个字符"),
        ({"name": "nobody", "groups": " , "}, "请至少填写一个部门，或设为管理员"),
        ({"name": "rd", "groups": "研发部"}, "已有名为“rd”的账号"),
    ],
)
def test_the_rules_of_renewd_user_apply_worded_in_chinese(
    server: Server, data: dict[str, str], words: str
) -> None:
    admin = sign_in(server, "admin")
    before = accounts(server)
    refused = post(admin, server, "add", **{"password": PASSWORD, **data})
    assert refused.status_code == 400
    assert refusal(refused) == words
    assert accounts(server) == before


def test_limiting_an_account_changes_what_its_open_session_sees(server: Server) -> None:
    admin, rd = sign_in(server, "admin"), sign_in(server, "rd")
    assert "张三" in rd.get(server.url("/people")).text
    limited = post(admin, server, "scope", name="rd", groups="市场部")
    assert limited.url.endswith("/accounts?msg=scoped&name=rd")
    people = rd.get(server.url("/people")).text
    assert "王五" in people
    assert "张三" not in people
    post(admin, server, "scope", name="rd", groups="", admin="on")
    assert rd.get(server.url("/accounts")).status_code == 200  # now an admin


def test_a_reset_ends_the_accounts_sessions_and_the_new_password_works(server: Server) -> None:
    admin, rd = sign_in(server, "admin"), sign_in(server, "rd")
    short = post(admin, server, "reset", name="rd", password="short")
    assert short.status_code == 400
    assert rd.get(server.url("/people")).url.endswith("/people")  # still signed in
    done = post(admin, server, "reset", name="rd", password=OTHER)
    assert "已重置账号 rd 的密码" in done.text
    assert "/signin" in rd.get(server.url("/people")).url
    assert admin.get(server.url("/people")).url.endswith("/people")  # only rd's ended
    sign_in(server, "rd", OTHER)


def test_a_removal_asks_first_then_ends_the_accounts_sessions(server: Server) -> None:
    admin, rd = sign_in(server, "admin"), sign_in(server, "rd")
    asked = post(admin, server, "remove", name="rd")
    assert 'id="confirm-remove"' in asked.text
    assert "rd" in accounts(server)
    removed = post(admin, server, "remove", name="rd", confirm="1")
    assert removed.url.endswith("/accounts?msg=removed&name=rd")
    assert "rd" not in accounts(server)
    assert "/signin" in rd.get(server.url("/people")).url
    with server.db() as conn:
        assert (
            conn.execute("SELECT COUNT(*) FROM console_session WHERE account = 'rd'").fetchone()[0]
            == 0
        )
        audit = [r[0] for r in conn.execute("SELECT detail FROM console_audit")]
    assert audit == ["remove rd"]


def test_the_last_admin_can_be_neither_removed_nor_demoted(server: Server) -> None:
    admin = sign_in(server, "admin")
    for action, data in (("remove", {"confirm": "1"}), ("scope", {"groups": "研发部"})):
        refused = post(admin, server, action, name="admin", **data)
        assert refused.status_code == 400
        assert refusal(refused).startswith("admin 是最后一个管理员")
    assert accounts(server)["admin"][0] == 1
    post(admin, server, "add", name="boss", admin="on", password=PASSWORD)
    demoted = post(admin, server, "scope", name="admin", groups="研发部")  # another admin now
    assert demoted.url.endswith("/")
    assert admin.get(server.url("/accounts")).status_code == 403
    boss = sign_in(server, "boss")
    assert post(boss, server, "remove", name="boss", confirm="1").status_code == 400
    gone = post(boss, server, "remove", name="admin", confirm="1")
    assert gone.status_code == 200
    assert set(accounts(server)) == {"boss", "rd"}


def test_someone_not_an_admin_gets_403_and_no_link(server: Server) -> None:
    rd = sign_in(server, "rd")
    assert 'href="/accounts"' not in rd.get(server.url("/")).text
    page = rd.get(server.url("/accounts"))
    assert page.status_code == 403
    assert "只有管理员可以管理账号" in page.text
    csrf = csrf_of(rd.get(server.url("/")).text)
    for action, data in (
        ("add", {"name": "x", "admin": "on", "password": PASSWORD}),
        ("scope", {"name": "rd", "admin": "on"}),
        ("reset", {"name": "admin", "password": OTHER}),
        ("remove", {"name": "admin", "confirm": "1"}),
    ):
        response = rd.post(server.url(f"/accounts/{action}"), data={"csrf": csrf, **data})
        assert response.status_code == 403, action
    assert accounts(server) == {"admin": (1, []), "rd": (0, ["研发部"])}
    sign_in(server, "admin")  # its password unchanged


def test_every_accounts_form_needs_the_csrf_token(server: Server) -> None:
    admin = sign_in(server, "admin")
    for action, data in (
        ("add", {"name": "x", "admin": "on", "password": PASSWORD}),
        ("scope", {"name": "rd", "admin": "on"}),
        ("reset", {"name": "rd", "password": OTHER}),
        ("remove", {"name": "rd", "confirm": "1"}),
    ):
        response = admin.post(server.url(f"/accounts/{action}"), data={"csrf": "forged", **data})
        assert response.status_code == 403, action
    assert accounts(server) == {"admin": (1, []), "rd": (0, ["研发部"])}
    sign_in(server, "rd")
