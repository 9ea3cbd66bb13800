"""One-click links of a document's step (issue 22): the holder's own reminder of a step he does
himself carries a signed link, HR's digest never does; the link's page over a real socket shows
the step and changes nothing, its POST records the step (by "link") and the next pass no longer
reminds it; a forged link, a link of another cycle, of a document the person does not hold or of
HR's step is refused, as is a day before the step it waits for. Mail goes to a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from consolekit import SHANGHAI, Server, console_config, csrf_of, running
from netkit import Sink, smtp_server
from renewd.cli import main
from renewd.core.model import Step
from renewd.delivery.actionlinks import ActionLinks, action_key
from renewd.store.tokens import load_key
from seasonkit import HR, Mail, received

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
HMT, WORK = "hmt-residence-permit", "foreign-work-permit"
CHEN, JOHN = "chen@example.com", "john@example.com"
APPLY_ZH = "到指定派出所申请换领居住证"
ROSTER = (
    "工号,姓名,部门,居住证到期日,积分,邮箱,证件类型,语言\n"
    f"3001,陈大文,研发部,2026-12-20,,{CHEN},{HMT},\n"
    f"2001,John Smith,研发部,2027-04-20,,{JOHN},{WORK},en\n"
)
CYCLE = dt.date(2026, 12, 20)  # 陈大文's permit expiry: the cycle of his links


def config(folder: Path, port: int) -> Path:
    """The console's config, with each person's mailbox and HR's (group 研发部)."""
    (folder / "people.csv").write_text(ROSTER, "utf-8")
    mail = f'type = "email"\nhost = "127.0.0.1"\nport = {port}\nmode = "plain"\n'
    mail += 'sender = "人事部 <hr@example.com>"\n'
    return console_config(
        folder,
        f'[[channels]]\nname = "mail"\n{mail}'
        f'[[channels]]\nname = "hr"\n{mail}to = ["{HR}"]\n'
        '[groups."研发部"]\nchannels = ["hr"]\n',
    )


def notify(sink: Sink, path: Path, day: str) -> dict[str, list[Mail]]:
    seen = len(sink.messages)
    assert main(["notify", "-c", str(path), "--due", "--today", day]) == 0
    inbox: dict[str, list[Mail]] = {}
    for mail, to in received(sink.messages[seen:], dt.date.fromisoformat(day)):
        inbox.setdefault(to, []).append(mail)
    return inbox


def links_of(body: str) -> list[str]:
    return re.findall(r"https?://\S+/a/\S+", body)


def document_facts(server: Server, person: str) -> dict[tuple[str, str], tuple[str, str]]:
    with server.db() as conn:
        rows = conn.execute(
            "SELECT document, step, day, recorded_by FROM document_fact WHERE person = ?",
            (person,),
        ).fetchall()
    return {(r["document"], r["step"]): (r["day"], r["recorded_by"]) for r in rows}


@pytest.fixture
def mailed(tmp_path: Path) -> Iterator[tuple[Sink, Path, dict[str, list[Mail]]]]:
    with smtp_server() as (sink, port):
        path = config(tmp_path, port)
        yield sink, path, notify(sink, path, "2026-12-07")


def test_the_holders_reminder_carries_the_link_hr_s_does_not(
    mailed: tuple[Sink, Path, dict[str, list[Mail]]],
) -> None:
    inbox = mailed[2]
    (chen,) = inbox[CHEN]
    assert APPLY_ZH in chen.body
    urls = links_of(chen.body)
    assert len(urls) == 1, chen.body
    line = next(line for line in chen.body.splitlines() if urls[0] in line)
    assert line.startswith(
        f"- {APPLY_ZH}: "
    )  # labelled with the pack's step title, in his language
    for mail in inbox[HR]:
        assert "/a/" not in mail.body, mail.body
    # John's steps this season are HR's (the extension filing): his mail carries no link.
    for mail in inbox.get(JOHN, []):
        assert "/a/" not in mail.body


def test_the_link_shows_the_step_records_it_and_the_reminders_stop(
    mailed: tuple[Sink, Path, dict[str, list[Mail]]],
) -> None:
    sink, path, inbox = mailed
    (url,) = links_of(inbox[CHEN][0].body)
    token = url.rsplit("/a/", 1)[1]
    with running(path, NOW) as server:
        web = requests.Session()
        page = web.get(server.url(f"/a/{token}"))
        assert page.status_code == 200
        assert APPLY_ZH in page.text
        assert "陈大文" in page.text
        assert document_facts(server, "3001") == {}  # a mail scanner's prefetch records nothing
        done = web.post(
            server.url(f"/a/{token}"), data={"csrf": csrf_of(page.text), "on": "2026-12-05"}
        )
        assert done.status_code == 200, done.text
        assert 'id="link-done"' in done.text
        assert document_facts(server, "3001") == {(HMT, "card_application"): ("2026-12-05", "link")}
        again = web.get(server.url(f"/a/{token}"))
        assert 'id="link-already"' in again.text
        assert "2026-12-05" in again.text
        twice = web.post(
            server.url(f"/a/{token}"), data={"csrf": csrf_of(page.text), "on": "2026-12-07"}
        )
        assert twice.status_code == 409  # a link acts once
        assert document_facts(server, "3001")[(HMT, "card_application")][0] == "2026-12-05"
        with server.db() as conn:
            audit = conn.execute("SELECT actor, detail FROM console_audit").fetchall()
        assert [tuple(r) for r in audit] == [("link", f"{HMT}.card_application=2026-12-05")]
    # Unrecorded, the step is reminded again on 2026-12-10 (its next lead day): now it is not.
    sink_after = notify(sink, path, "2026-12-10")
    for mail in sink_after.get(CHEN, []) + sink_after.get(HR, []):
        assert APPLY_ZH not in mail.body, mail.body
        assert url not in mail.body


def _links(server: Server) -> ActionLinks:
    return ActionLinks(action_key(load_key(server.daemon.settings.state.dir)), server.url(""))


def _refused(server: Server, token: str) -> None:
    web = requests.Session()
    page = web.get(server.url(f"/a/{token}"))
    assert page.status_code == 404, page.text
    assert 'id="message"' in page.text
    csrf = web.cookies.get("renewd_presign") or ""
    posted = web.post(server.url(f"/a/{token}"), data={"csrf": csrf, "on": "2026-12-07"})
    assert posted.status_code == 404
    assert document_facts(server, "3001") == {}
    assert document_facts(server, "2001") == {}


def test_forged_other_cycle_and_foreign_links_are_refused(
    mailed: tuple[Sink, Path, dict[str, list[Mail]]],
) -> None:
    _, path, _ = mailed
    with running(path, NOW) as server:
        links = _links(server)
        good = links.document_token("3001", CYCLE, HMT, "card_application")
        head, _, mac = good.partition(".")
        _refused(server, f"{head}.{mac[:-2]}{'AA' if not mac.endswith('AA') else 'BB'}")
        forged = ActionLinks(b"k" * 32, server.url("")).document_token(
            "3001", CYCLE, HMT, "card_application"
        )
        _refused(server, forged)
        # The cycle is over: the plan is on the next expiry.
        _refused(
            server, links.document_token("3001", dt.date(2025, 12, 20), HMT, "card_application")
        )
        _refused(server, links.document_token("3001", CYCLE, WORK, "holder_signature"))  # not his
        _refused(server, links.document_token("3001", CYCLE, HMT, "card_processing"))  # a wait
        _refused(server, links.document_token("3001", CYCLE, HMT, "no_such_step"))
        work = dt.date(2027, 4, 20)
        _refused(server, links.document_token("2001", work, WORK, "extension_filing"))  # HR's
        _refused(server, links.document_token("9999", CYCLE, HMT, "card_application"))  # gone
        # A points token for the same person stays a points token: he has no points plan.
        _refused(server, links.token("3001", CYCLE, Step.PERMIT_RENEWED))


def test_a_day_before_the_step_it_waits_for_is_refused(
    mailed: tuple[Sink, Path, dict[str, list[Mail]]],
) -> None:
    _, path, _ = mailed
    for step, on in (("card_application", "2026-12-01"), ("card_processing", "2026-12-06")):
        args = ["done", "-c", str(path), "3001", step, "--document", HMT, "--on", on]
        assert main(args) == 0
    with running(path, NOW) as server:
        token = _links(server).document_token("3001", CYCLE, HMT, "card_collection")
        web = requests.Session()
        page = web.get(server.url(f"/a/{token}"))
        assert page.status_code == 200, page.text
        early = web.post(
            server.url(f"/a/{token}"), data={"csrf": csrf_of(page.text), "on": "2026-12-05"}
        )
        assert early.status_code == 400
        assert (HMT, "card_collection") not in document_facts(server, "3001")
        ok = web.post(
            server.url(f"/a/{token}"), data={"csrf": csrf_of(page.text), "on": "2026-12-07"}
        )
        assert ok.status_code == 200, ok.text
        assert document_facts(server, "3001")[(HMT, "card_collection")] == ("2026-12-07", "link")


def test_a_step_a_later_record_proves_done_is_not_recorded_again(
    mailed: tuple[Sink, Path, dict[str, list[Mail]]],
) -> None:
    _, path, inbox = mailed
    (url,) = links_of(inbox[CHEN][0].body)
    token = url.rsplit("/a/", 1)[1]
    args = ["done", "-c", str(path), "3001", "card_collection", "--document", HMT]
    assert main([*args, "--on", "2026-12-07"]) == 0  # he collected the card: he applied
    with running(path, NOW) as server:
        web = requests.Session()
        page = web.get(server.url(f"/a/{token}"))
        assert page.status_code == 200
        assert 'id="link-already"' in page.text
        assert "命令行" in page.text  # who recorded the step that proves it
        assert 'id="confirm"' not in page.text
        csrf = web.cookies.get("renewd_presign") or ""
        posted = web.post(server.url(f"/a/{token}"), data={"csrf": csrf, "on": "2026-12-07"})
        assert posted.status_code == 409
        assert "2026-12-07" in posted.text
        assert set(document_facts(server, "3001")) == {(HMT, "card_collection")}
