"""Critical dates reach people (issue 17 item 6): from the day the plan puts one at risk (the
projected gap in points validity covers it) the holder's messages, HR's digest line for him and
his console page say it, with what to do; reminders go out `[notify] critical_lead_days` before
it; once progress closes the gap it is said nowhere. Checked on the mail a real SMTP server on
127.0.0.1 receives from `renewd notify --due`, and on the console page over a real socket."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest

from consolekit import SHANGHAI, add_user, console_config, running, sign_in
from netkit import Sink
from renewd.cli import main

pytestmark = pytest.mark.integration

# Expiry 2026-10-20, a changed profile: the projected approval 2026-10-30 leaves a 10-day gap
# that covers the enrolment registration on 2026-10-25 (tests/test_plan.py).
ROSTER = (
    "工号,姓名,部门,居住证到期日,变更事项,邮箱,关键日期\n"
    "1001,张三,研发部,2026-10-20,子女,zhang@example.com,2026-10-25 子女入学登记\n"
)
HR = "hr-desk@example.com"
HOLDER = "zhang@example.com"
RISK = "子女入学登记：2026-10-25（周日）"


def config(folder: Path, port: int, roster: str = ROSTER) -> Path:
    (folder / "people.csv").write_text(roster, encoding="utf-8")
    path = folder / "config.toml"
    mail = f'type = "email"\nhost = "127.0.0.1"\nport = {port}\nmode = "plain"\n'
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        f'[[channels]]\nname = "mail"\n{mail}sender = "人事部 <hr@example.com>"\n'
        f'[[channels]]\nname = "hr"\n{mail}sender = "人事部 <hr@example.com>"\n'
        f'to = ["{HR}"]\n[groups."研发部"]\nchannels = ["hr"]\n',
        encoding="utf-8",
    )
    return path


def received(sink: Sink, since: int) -> dict[str, str]:
    """recipient -> the subject and plain text of what it got since message `since`."""
    out: dict[str, str] = {}
    for _, rcpts, raw in sink.messages[since:]:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        for to in rcpts:
            out[to] = out.get(to, "") + f"{parsed['Subject']}\n{body.get_content()}\n"
    return out


def notify(sink: Sink, path: Path, day: str) -> dict[str, str]:
    seen = len(sink.messages)
    assert main(["notify", "-c", str(path), "--due", "--today", day]) == 0
    return received(sink, seen)


def test_a_critical_date_at_risk_reaches_the_holder_and_hr_with_advice(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    got = notify(sink, config(tmp_path, port), "2026-08-01")  # at risk from the first pass
    holder, hr = got[HOLDER], got[HR]
    assert f"关键日期：\r\n- {RISK}，还有 85 天" in holder
    assert "预计中断约 10 天" in holder
    assert "请在签注窗口开放的 2026-09-20（周日）当天续签居住证" in holder
    assert f"张三（1001）：关键日期 {RISK}，还有 85 天" in hr
    assert "请提醒员工在签注窗口开放的 2026-09-20（周日）当天续签居住证" in hr
    for text in (holder, hr):  # when the gap cannot be avoided: ask, modestly
        assert "请提前向学校或相关办事部门确认" in text
    assert hr.count(RISK) == 1  # named once in HR's line


def test_critical_lead_days_remind_the_holder_and_hr_on_their_days(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port)
    notify(sink, path, "2026-08-01")
    before = notify(sink, path, "2026-09-24")
    assert all(f"{RISK}，还有 30 天" not in text for text in before.values())
    got = notify(sink, path, "2026-09-25")  # 30 days before: a message of its own
    assert got[HOLDER].startswith(f"【续签提醒】张三：{RISK}，还有 30 天")
    assert f"{RISK}，还有 30 天" in got[HR]
    assert "请立即续签居住证" in got[HOLDER]  # the window is open now: at once
    got = notify(sink, path, "2026-10-18")  # and 7 days before
    assert f"{RISK}，还有 7 天" in got[HOLDER]
    assert f"张三（1001）：关键日期 {RISK}，还有 7 天" in got[HR]


def test_once_progress_closes_the_gap_the_critical_date_is_not_said(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port)
    assert RISK in notify(sink, path, "2026-08-01")[HOLDER]
    assert main(["done", "-c", str(path), "1001", "approved", "--on", "2026-09-30"]) == 0
    for day in ("2026-10-01", "2026-10-18", "2026-10-20"):  # 10-18: was the 7-day reminder
        got = notify(sink, path, day)
        assert all("子女入学登记" not in text for text in got.values()), day


def test_the_person_page_says_a_critical_date_at_risk_until_progress_closes_the_gap(
    tmp_path: Path,
) -> None:
    done = "1002,李四,研发部,2026-10-20,子女,li@example.com,2026-10-25 子女入学登记,2026-07-31\n"
    roster = ROSTER.replace("关键日期\n", "关键日期,积分核定日期\n").replace(
        "子女入学登记\n", "子女入学登记,\n"
    )
    (tmp_path / "people.csv").write_text(roster + done, encoding="utf-8")
    path = console_config(tmp_path)
    add_user(path, "admin", "--admin")
    with running(path, dt.datetime(2026, 8, 1, 10, 0, tzinfo=SHANGHAI)) as server:
        web = sign_in(server, "admin")
        page = web.get(server.url("/people/1001")).text
        assert 'id="critical"' in page
        assert f"{RISK}，还有 85 天" in page
        assert "预计中断约 10 天" in page
        assert "请提醒员工在签注窗口开放的 2026-09-20（周日）当天续签居住证" in page
        other = web.get(server.url("/people/1002")).text  # approval recorded: no gap
        assert 'id="critical"' not in other
        assert "子女入学登记" not in other
