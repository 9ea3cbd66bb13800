"""The holder's one-click links in real mail: only in his own message, only for the steps he
does himself; HR's digest links to the console instead (behind sign-in)."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]

ROSTER = """\
工号,姓名,部门,居住证到期日,邮箱
E001,张三,研发部,2026-06-30,e001@example.com
"""


def text_of(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_links_go_to_the_holder_and_the_console_to_hr(write: Write, smtp: tuple[Sink, int]) -> None:
    sink, port = smtp
    write("people.csv", ROSTER)
    smtp_keys = f'host = "127.0.0.1"\nport = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"'
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[server]\nbase_url = "https://hr.example.com"\n'
        f'[[channels]]\nname = "mail"\ntype = "email"\n{smtp_keys}\n'
        f'[[channels]]\nname = "hr"\ntype = "email"\nto = ["hr-rd@example.com"]\n{smtp_keys}\n'
        '[groups."研发部"]\nchannels = ["hr"]\n',
    )
    assert main(["notify", "-c", str(config), "--due", "--today", "2026-06-15"]) == 0
    # first contact: his status, his own step (HR may hear of 续办申请 in the same pass: the
    # permit is past its due date unrecorded)
    [holder] = [text_of(raw) for _, rcpts, raw in sink.messages if rcpts == ["e001@example.com"]]
    # The permit is renewed; the points application (HR's step) is due to HR the next days.
    assert main(["done", "-c", str(config), "E001", "permit", "--on", "2026-06-15"]) == 0
    for day in ("2026-06-16", "2026-06-17", "2026-06-18", "2026-06-19"):
        assert main(["notify", "-c", str(config), "--due", "--today", day]) == 0
    to_hr = [text_of(raw) for _, rcpts, raw in sink.messages if rcpts == ["hr-rd@example.com"]]
    assert to_hr, [rcpts for _, rcpts, _ in sink.messages]
    hr = "\n".join(to_hr)
    assert "https://hr.example.com/a/" in holder  # his permit renewal: he does it himself
    assert holder.count("https://hr.example.com/a/") == 1  # not the employer's steps
    assert "/a/" not in hr  # no bearer link in a digest...
    assert "https://hr.example.com/" in hr  # ...but the console, behind sign-in
