"""Messages to employees speak as the organisation: signed with `[notify] signature`, else the
display name of the email sender, and never naming the software. Checked on the mail a real SMTP
server on 127.0.0.1 receives from `renewd notify --due`."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main

pytestmark = pytest.mark.integration

ROSTER = "工号,姓名,部门,居住证到期日,邮箱\n1001,张三,研发部,2027-03-15,zhang@example.com\n"


def first_mail(tmp_path: Path, smtp: tuple[Sink, int], sender: str, notify: str = "") -> str:
    sink, port = smtp
    (tmp_path / "people.csv").write_text(ROSTER, encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n[notify]\n{notify}\n'
        f'[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\nport = {port}\n'
        f'mode = "plain"\nsender = "{sender}"\n',
        encoding="utf-8",
    )
    assert main(["notify", "-c", str(config), "--due", "--today", "2027-01-04"]) == 0
    (_, _, raw), *_ = sink.messages
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    return f"{parsed['Subject']}\n{body.get_content()}"


def test_a_first_contact_signs_as_the_senders_display_name(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    text = first_mail(tmp_path, smtp, "人事部 <hr@example.com>")
    assert "您的居住证与积分续办进度如下" in text
    assert text.rstrip().endswith("—— 人事部")
    assert "renewd" not in text


def test_the_configured_signature_wins(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    text = first_mail(tmp_path, smtp, "人事部 <hr@example.com>", 'signature = "行政人事中心"')
    assert text.rstrip().endswith("—— 行政人事中心")
    assert "—— 人事部" not in text


def test_a_bare_address_signs_nothing(tmp_path: Path, smtp: tuple[Sink, int]) -> None:
    text = first_mail(tmp_path, smtp, "hr@example.com")
    assert "——" not in text
    assert "renewd" not in text
