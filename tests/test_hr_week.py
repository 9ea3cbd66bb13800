"""An HR department's first week with renewd (issue 9), through the real CLI and a real SMTP
server on 127.0.0.1: employees in two groups with an HR mailbox each, one family.

A first run, then a daily pass for a week (injected days), then three days of downtime and a
restart. Every assertion reads the mails the SMTP server received."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

from netkit import Sink
from renewd.cli import main
from renewd.core.model import Lang, MilestoneKind
from renewd.core.wording import step_name

pytestmark = pytest.mark.integration

K = MilestoneKind
START = dt.date(2026, 12, 1)
HR = {"研发部": "hr-rd@example.com", "市场部": "hr-mkt@example.com"}
# id, name, group, expiry, email, permit renewed on
ROSTER = [
    ("R1", "孙浩", "研发部", "2026-12-18", "r1@example.com", "2026-11-25"),
    ("R2", "李思琪", "研发部", "2027-01-05", "r2@example.com", ""),
    ("R3", "张*三_<b>", "研发部", "2026-12-28", "r3@example.com", ""),
    ("M1", "王建国", "市场部", "2026-12-20", "m1@example.com", "2026-11-27"),
    ("M2", "赵雨桐", "市场部", "2027-01-30", "m2@example.com", ""),
    ("M3", "周子轩", "市场部", "2026-12-15", "", ""),  # no email: HR must pass it on
    ("F1", "陈嘉怡", "", "2026-12-22", "f1@example.com", "2026-11-28"),  # a family
]
EMPLOYER = (K.POINTS_APPLICATION, K.EMPLOYER_SUBMISSION)
LATE_WORDS = ("未运行", "服务中断", "延后", "补发")


@pytest.fixture
def hr_config(tmp_path: Path, smtp: tuple[Sink, int]) -> Path:
    _, port = smtp
    rows = "\n".join(",".join(r) for r in ROSTER)
    (tmp_path / "people.csv").write_text(
        "工号,姓名,部门,居住证到期日,邮箱,居住证续签日期\n" + rows + "\n", encoding="utf-8"
    )
    smtp_keys = (
        f'host = "127.0.0.1"\nport = {port}\nmode = "plain"\nsender = "HR <hr@example.com>"\n'
    )
    config = tmp_path / "config.toml"
    config.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f'[[channels]]\nname = "mail"\ntype = "email"\n{smtp_keys}'
        f'[[channels]]\nname = "hr-rd"\ntype = "email"\nto = ["{HR["研发部"]}"]\n{smtp_keys}'
        f'[[channels]]\nname = "hr-mkt"\ntype = "email"\nto = ["{HR["市场部"]}"]\n{smtp_keys}'
        '[groups."研发部"]\nchannels = ["hr-rd"]\n[groups."市场部"]\nchannels = ["hr-mkt"]\n',
        encoding="utf-8",
    )
    return config


def received(sink: Sink, since: int) -> dict[str, list[tuple[str, str]]]:
    """Recipient -> [(subject, body)] of the mails received after the first `since`."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for _, rcpts, raw in sink.messages[since:]:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        for to in rcpts:
            out[to].append((str(parsed["Subject"]), text))
    return out


def issued(config: Path, day: dt.date) -> list[tuple[str, str, int]]:
    """(person, kind, late) of the reminders issued on `day`."""
    conn = sqlite3.connect(config.parent / "state" / "renewd.sqlite3")
    try:
        rows = conn.execute(
            "SELECT person, kind, late FROM reminder WHERE issued_on = ?", (day.isoformat(),)
        ).fetchall()
    finally:
        conn.close()
    return [(r[0], r[1], r[2]) for r in rows]


def run_pass(config: Path, sink: Sink, day: dt.date) -> dict[str, list[tuple[str, str]]]:
    before = len(sink.messages)
    assert main(["notify", "-c", str(config), "--due", "--today", day.isoformat()]) == 0
    return received(sink, before)


def check_pass(config: Path, day: dt.date, mails: dict[str, list[tuple[str, str]]]) -> None:
    by_id = {r[0]: r for r in ROSTER}
    reminders = issued(config, day)
    for pid, _name, group, _, address, _ in ROSTER:
        if not address:
            continue
        got = mails.get(address, [])
        assert len(got) <= 1, (day, pid, [s for s, _ in got])  # one message per pass
        mine = {kind for who, kind, _ in reminders if who == pid}
        text = "\n".join(f"{s}\n{b}" for s, b in got)
        if group:  # an employee never hears an employer step
            for kind in EMPLOYER:
                assert f"- {step_name(kind, Lang.ZH)}：" not in text, (day, pid)
            assert "请联系单位人事" not in text
        else:  # the family's holder hears every one of his steps
            for step in mine - {"first_contact", "infeasible", "critical_date"}:
                assert step_name(K(step), Lang.ZH) in text, (day, pid, step)
        heard = mine - {"infeasible", "critical_date"}
        if group:
            heard -= {k.value for k in EMPLOYER}
        if heard:
            assert got, (day, pid, mine)
    for group, mailbox in HR.items():
        digests = mails.get(mailbox, [])
        assert len(digests) <= 1, (day, group)  # one digest per pass
        expected = [
            (by_id[who][1], kind)
            for who, kind, _ in reminders
            if by_id[who][2] == group and kind in {k.value for k in EMPLOYER}
        ]
        if expected:
            [(subject, body)] = digests
            assert group in subject
            for name, step in expected:
                assert f"{name}（{by_id_of(name)}）：{step_name(K(step), Lang.ZH)}" in body
        # Nobody of another group (nor the family) appears in this group's digest.
        strangers = [r for r in ROSTER if r[2] != group]
        for _, body in digests:
            assert not [r[0] for r in strangers if f"（{r[0]}）" in body], (day, group)


def by_id_of(name: str) -> str:
    return next(r[0] for r in ROSTER if r[1] == name)


def test_first_run_then_a_week_then_a_restart_after_three_days(
    hr_config: Path, smtp: tuple[Sink, int]
) -> None:
    sink, _ = smtp
    first = run_pass(hr_config, sink, START)
    check_pass(hr_config, START, first)
    every = "\n".join(f"{s}\n{b}" for mails in first.values() for s, b in mails)
    for word in LATE_WORDS:
        assert word not in every  # a first run is no outage
    for _, _, _, _, address, _ in ROSTER:
        if address:
            [(subject, _)] = first[address]
            assert subject.startswith("【续签状态】")  # first contact: one status message
    # The employee without an email: his group's HR digest carries his message to forward.
    [(_, market)] = first[HR["市场部"]]
    assert "周子轩（M3）" in market
    assert "请转告：周子轩（M3）" in market  # his own message, to forward
    assert "周子轩" not in first.get(HR["研发部"], [("", "")])[0][1]
    # A name with markup arrives intact in plain-text mail.
    assert "张*三_<b>，您好" in first["r3@example.com"][0][1]

    for n in range(1, 8):
        day = START + dt.timedelta(days=n)
        mails = run_pass(hr_config, sink, day)
        check_pass(hr_config, day, mails)
        text = "\n".join(b for box in mails.values() for _, b in box)
        for word in LATE_WORDS:
            assert word not in text, day
        assert not any(s.startswith("【续签状态】") for box in mails.values() for s, _ in box)
        again = run_pass(hr_config, sink, day)  # a second pass the same day sends nothing
        assert not again

    back = START + dt.timedelta(days=11)  # down on days 8, 9 and 10
    mails = run_pass(hr_config, sink, back)
    check_pass(hr_config, back, mails)
    missed = f"{START + dt.timedelta(days=8)} 至 {START + dt.timedelta(days=10)} 的提醒未能按时发出"
    groups = {r[0]: r[2] for r in ROSTER}
    employer = {k.value for k in EMPLOYER}
    late = [(who, kind) for who, kind, was_late in issued(hr_config, back) if was_late]
    holders = {who for who, kind in late if not (groups[who] and kind in employer)}
    assert holders  # something of theirs was due while renewd was down
    for pid, _, _, _, address, _ in ROSTER:
        if pid in holders and address:
            [(_, body)] = mails[address]  # one late message per person, naming the days
            assert missed in body, (pid, body)
    for who, kind in late:
        if groups[who] and kind in employer:
            [(_, digest)] = mails[HR[groups[who]]]
            assert "补发（" in digest
