"""The email channel against a real aiosmtpd server on 127.0.0.1: the message it builds, one
connection reused for many messages, and what happens when the server drops or refuses."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from conftest import at, person, settings
from netkit import free_port
from renewd.channels.email import EmailChannel
from renewd.channels.settings import EmailSettings
from renewd.channels.smtp import envelope
from renewd.core.letter import Format, Message
from renewd.core.model import MilestoneKind
from renewd.core.plan import Planner
from renewd.delivery.passes import Delivery
from renewd.store.database import Database

pytestmark = pytest.mark.integration


class Server:
    """An aiosmtpd handler that records each message with the connection it came on, and can
    answer the n-th MAIL of a connection with 421 or every DATA with a refusal."""

    def __init__(self, mails_per_session: int | None = None, refuse_data: bool = False) -> None:
        self.mails_per_session = mails_per_session
        self.refuse_data = refuse_data
        self.messages: list[tuple[tuple[str, int], list[str], bytes]] = []
        self.mails: Counter[tuple[str, int]] = Counter()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.mails[session.peer] += 1
        if self.mails_per_session and self.mails[session.peer] > self.mails_per_session:
            return "421 4.7.0 too many messages on this connection"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return "554 5.6.0 message refused"
        self.messages.append((session.peer, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    @property
    def connections(self) -> int:
        return len({peer for peer, _, _ in self.messages})


def serve(handler: Server, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def server(port: int) -> Iterator[Server]:
    handler = Server()
    controller = serve(handler, port)
    yield handler
    controller.stop()


def channel(
    port: int, concurrency: int = 1, sender: str = "人事部 <hr@example.com>"
) -> EmailChannel:
    return EmailChannel(
        EmailSettings(name="mail", host="127.0.0.1", port=port, mode="plain", sender=sender,
                      concurrency=concurrency)
    )  # fmt: skip


TITLE = "【居住证】3 天后截止：办理居住证签注（续签）"
BODY = "张三，您好：\n请在 2026年6月11日 前办理居住证签注。\n材料：持证人有效的居住证及身份证\n"


def test_email_has_date_message_id_encoded_subject_and_utf8_body(server: Server, port: int) -> None:
    mail = channel(port)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert mail.send(Message(TITLE, BODY, Format.TEXT), "e001@example.com").ok
    assert mail.send(Message(TITLE, BODY, Format.TEXT), "e002@example.com").ok
    mail.close()
    raws = [raw for _, _, raw in server.messages]
    first = email.message_from_bytes(raws[0], policy=email.policy.default)
    # Subject on the wire is RFC 2047 (ASCII only), and decodes to the Chinese title.
    header = next(line for line in raws[0].split(b"\r\n") if line.startswith(b"Subject:"))
    assert header.decode("ascii").startswith("Subject: =?utf-8?")
    assert first["Subject"] == TITLE
    sent_at = email.utils.parsedate_to_datetime(first["Date"])
    assert before <= sent_at <= dt.datetime.now(dt.UTC)
    ids = [email.message_from_bytes(r, policy=email.policy.default)["Message-ID"] for r in raws]
    assert ids[0] != ids[1]
    assert all(i.startswith("<") and i.endswith("@example.com>") for i in ids)
    assert first["From"].addresses[0].display_name == "人事部"
    assert first["To"] == "e001@example.com"
    part = first.get_body(preferencelist=("plain",))
    assert part is not None
    assert part.get_content_charset() == "utf-8"
    assert part.get_content().replace("\r\n", "\n") == BODY  # CRLF: canonical text lines
    assert all(byte < 128 for byte in raws[0])  # 7-bit clean: no server needs 8BITMIME


def test_one_connection_carries_every_message_of_a_batch(server: Server, port: int) -> None:
    mail = channel(port)
    for i in range(20):
        assert mail.send(Message(TITLE, BODY, Format.TEXT), f"e{i}@example.com").ok
    assert len(server.messages) == 20
    assert server.connections == 1
    assert mail.pool.opened == 1


def test_a_421_at_mail_opens_a_new_connection_and_sends_once(port: int) -> None:
    handler = Server(mails_per_session=2)
    controller = serve(handler, port)
    try:
        mail = channel(port)
        results = [mail.send(Message(TITLE, BODY, Format.TEXT), f"e{i}@x.cn") for i in range(5)]
    finally:
        controller.stop()
    assert all(r.ok for r in results), results
    assert sorted(to for _, [to], _ in handler.messages) == sorted(f"e{i}@x.cn" for i in range(5))
    assert handler.connections == 3  # two messages a connection
    assert mail.pool.opened == 3


def test_a_server_restart_between_sends_reopens_the_connection(port: int) -> None:
    first, second = Server(), Server()
    controller = serve(first, port)
    mail = channel(port)
    assert mail.send(Message(TITLE, BODY, Format.TEXT), "a@example.com").ok
    controller.stop()  # the pooled connection is now dead
    controller = serve(second, port)
    try:
        result = mail.send(Message(TITLE, BODY, Format.TEXT), "b@example.com")
    finally:
        controller.stop()
    assert result.ok, result.reason
    assert [to for _, [to], _ in second.messages] == ["b@example.com"]
    assert mail.pool.opened == 2


def test_a_refused_message_fails_with_the_server_reason_and_is_not_resent(port: int) -> None:
    handler = Server(refuse_data=True)
    controller = serve(handler, port)
    try:
        result = channel(port).send(Message(TITLE, BODY, Format.TEXT), "a@example.com")
    finally:
        controller.stop()
    assert not result.ok
    assert "554" in result.reason
    assert sum(handler.mails.values()) == 1


def test_no_server_is_a_failure_naming_host_and_port(port: int) -> None:
    result = channel(port).send(Message(TITLE, BODY, Format.TEXT), "a@example.com")
    assert not result.ok
    assert f"127.0.0.1:{port}" in result.reason
    assert "Connection" in result.reason


def test_a_pass_uses_at_most_concurrency_connections_and_closes_them(
    server: Server, port: int, db: Database, planner: Planner
) -> None:
    only_permit: dict[str, list[int]] = {
        k.value: [] for k in MilestoneKind if k is not MilestoneKind.PERMIT_RENEWAL
    }
    mail = channel(port, concurrency=3)
    delivery = Delivery(db, settings(notify={"lead_days_by_kind": only_permit}), {"mail": mail})
    day = dt.date(2026, 6, 8)
    who = [person(f"E{i:03}") for i in range(30)]
    report = delivery.run_pass(planner.plan_all(who, day), day, at(day))
    assert len(report.sent) == 30
    assert len(server.messages) == 30
    assert 1 <= server.connections <= 3
    assert mail.pool.opened == server.connections
    assert not mail.pool._idle  # closed at the end of the pass


def test_long_subjects_fold_and_every_header_decodes(server: Server, port: int) -> None:
    title = "【积分】" + "请尽快办理居住证积分续办申请并提交材料" * 4
    mail = EmailChannel(
        EmailSettings(name="hr", host="127.0.0.1", port=port, mode="plain",
                      sender="HR, Shanghai <hr@example.com>", to=("a@example.com", "b@example.com"))
    )  # fmt: skip
    assert mail.send(Message(title, "第一行\r\n第二行\n\n第四行", Format.TEXT), "").ok
    [(_, rcpts, raw)] = server.messages
    assert rcpts == ["a@example.com", "b@example.com"]
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78  # RFC 5322 line length
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == title
    assert parsed["From"].addresses[0].display_name == "HR, Shanghai"
    assert envelope("HR, Shanghai <hr@example.com>") == "hr@example.com"  # MAIL FROM
    assert envelope("hr@example.com") == "hr@example.com"
    assert [a.addr_spec for a in parsed["To"].addresses] == ["a@example.com", "b@example.com"]
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().splitlines() == ["第一行", "第二行", "", "第四行"]
