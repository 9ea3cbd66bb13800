"""Reminders for the documents other than the points (issue 22, item 5), read from the inboxes of
a real SMTP server after daily `renewd notify --due` passes from January to late April 2027 with
`workdays_only = true`: a foreign employee with both permits (John, the residence permit
following the work permit), progress recorded late and by several hands (`renewd done
--document`), a second one whose HR never files (Marie: the work permit's hard cut-off passes),
and a points holder in the same group. The same invariants as the points' season: every message
is for its reader and true, not repeated on consecutive pass days, one per recipient per pass,
nothing after a step is done; the residence permit's steps after the work permit is renewed;
the cut-off escalated once and told to the holder and HR. `renewd preview` shows them too."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from netkit import Sink, smtp_server
from renewd.cli import main
from renewd.core.workdays import WorkdayCalendar
from renewd.store.database import Database
from renewd.store.deliveries import DeliveryLog
from seasonkit import HR, LEAD, Mail, config, next_workday, season

pytestmark = pytest.mark.integration

D = dt.date.fromisoformat
CALENDAR = WorkdayCalendar()
JOHN, MARIE, ZHANG = "john@example.com", "marie@example.com", "zhang@example.com"
WORK, RESIDENCE = "foreign-work-permit", "foreign-residence-permit"
HEADER = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱,证件类型,语言\n"
ROWS = (
    "1001,张三,研发部,2027-02-20,,是,zhang@example.com,,",
    f"2001,John Smith,研发部,2027-04-20,,,{JOHN},{WORK},en",
    f"2001,John Smith,研发部,2027-04-25,,,{JOHN},{RESIDENCE},en",
    f"2002,Marie Curie,研发部,2027-03-31,,,{MARIE},{WORK},en",
)
# John's plan: HR files the extension by 2027-02-23 (cut-off 03-21) and writes the letter by
# 03-19; he signs after the decision and applies for the residence permit by 03-26. Marie's
# extension is due 02-26, its cut-off 03-01: HR never files it.
START, END = "2027-01-04", "2027-04-23"
DONE = {  # recorded days after the fact, by whoever did the step
    "2027-03-01": [["2001", "extension_filing", "--document", WORK, "--on", "2027-02-25"]],
    "2027-03-16": [["2001", "permit_processing", "--document", WORK, "--on", "2027-03-15"]],
    "2027-03-18": [["2001", "holder_signature", "--document", WORK, "--on", "2027-03-17"]],
    "2027-03-23": [
        ["2001", "residence_application", "--document", RESIDENCE, "--on", "2027-03-22"]
    ],
    "2027-04-16": [["2001", "passport_held", "--document", RESIDENCE, "--on", "2027-04-14"]],
}
# Each step's title (en for John and Marie, zh in HR's digests) and when it was recorded.
RECORDED = {
    ("File the work-permit extension", "申报工作许可延期"): D("2027-03-01"),
    ("Work-permit decision expected", "等待工作许可审批"): D("2027-03-16"),
    ("Holder signs for the extended permit", "持证人签字确认"): D("2027-03-18"),
    ("Apply at the exit-entry administration", "到出入境管理机构申请居留许可延期"): D("2027-03-23"),
}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Mail]]]:
    folder = tmp_path_factory.mktemp("documents-season")
    with smtp_server() as (sink, port):
        path = config(folder, port, [], "workdays_only = true")
        (folder / "people.csv").write_text(HEADER + "".join(r + "\n" for r in ROWS), "utf-8")
        yield season(sink, path, START, END, DONE)


def todo(body: str) -> list[str]:
    """The step lines of a message's "to do" sections (documents' and points')."""
    out: list[str] = []
    for block in body.split("\n\n"):
        head, _, rest = block.partition("\n")
        if head.endswith(("For you to do:", "需要您办理：")):
            out += [line for line in rest.splitlines() if line.startswith("- ")]
    return out


def test_every_message_is_for_its_reader(inbox: dict[str, list[Mail]]) -> None:
    john = inbox[JOHN]
    assert john[0].day == D(START)  # first contact: where both permits stand
    assert "[Renewal status] John Smith" in john[0].subject
    assert "Next, done by your employer's HR: File the work-permit extension" in john[0].body
    for mail in john:
        assert "Marie" not in mail.text
        assert "张三" not in mail.text
        assert "2001" not in mail.body  # the roster id is for HR only
        for line in todo(mail.body):  # only his own steps are his to do
            assert line.startswith(
                ("- Holder signs", "- Apply at the exit-entry", "- Collect the passport")
            ), line
    for mail in inbox[MARIE]:
        assert "John" not in mail.text
        assert todo(mail.body) == []  # HR's steps: she is told, never asked
    for mail in inbox[HR]:  # HR does the employer's steps; the holder's only inform it
        for line in re.findall(r"^- .*$", mail.body, re.M):
            assert "持证人签字确认，截止" not in line
            assert "到出入境管理机构申请居留许可延期，截止" not in line


def test_every_countdown_is_true(inbox: dict[str, list[Mail]]) -> None:
    checked = 0
    for mails in inbox.values():
        for mail in mails:
            for due, n in re.findall(r"by (\d{4}-\d\d-\d\d) \(\w+\), (\d+) days? left", mail.body):
                assert (D(due) - mail.day).days == int(n), mail.text
                checked += 1
            for due, n in re.findall(
                r"截止 (\d{4}-\d\d-\d\d)（周.）：?，?还剩 (\d+) 天", mail.body
            ):
                assert (D(due) - mail.day).days == int(n), mail.text
                checked += 1
            for due, n in re.findall(r"截止 (\d{4}-\d\d-\d\d)（周.），已逾期 (\d+) 天", mail.body):
                assert (mail.day - D(due)).days == int(n), mail.text
                checked += 1
    assert checked > 40


def test_one_message_per_reader_per_pass_and_only_on_working_days(
    inbox: dict[str, list[Mail]],
) -> None:
    for reader, mails in inbox.items():
        per_day = Counter(m.day for m in mails)
        assert max(per_day.values()) == 1, reader
        assert all(CALENDAR.is_workday(day) for day in per_day), reader


def test_nothing_is_said_twice_on_consecutive_pass_days(inbox: dict[str, list[Mail]]) -> None:
    def gist(mail: Mail) -> str:  # the message without its countdowns
        return re.sub(r"\d+ (days? left|天)|overdue by \d+ days|\d+ 天", "N", mail.body)

    for reader, mails in inbox.items():
        for a, b in itertools.pairwise(mails):
            if next_workday(a.day, CALENDAR) == b.day:
                assert gist(a) != gist(b), (reader, a.day, b.day)


def test_nothing_is_reminded_after_it_is_done(inbox: dict[str, list[Mail]]) -> None:
    for (en, zh), recorded in RECORDED.items():
        for reader in (JOHN, HR, LEAD):
            for mail in (m for m in inbox.get(reader, []) if m.day >= recorded):
                lines = mail.body.splitlines()
                assert not any(line.startswith(f"- {en}") for line in lines), (mail.day, en)
                johns = [line for line in lines if "John Smith（2001）" in line]
                assert not any(f"{zh}，" in line for line in johns), (reader, mail.day, zh)


def test_the_residence_permit_follows_the_renewed_work_permit(
    inbox: dict[str, list[Mail]],
) -> None:
    john = inbox[JOHN]
    signed = next(m.day for m in john if "- Holder signs for the extended permit" in m.body)
    assert signed == D("2027-03-16")  # the decision recorded: his signature is asked for
    # Applying needs the renewed work permit: not asked before he signed for it (recorded on
    # 2027-03-18), asked at once after.
    before = [m for m in john if m.day < D("2027-03-18")]
    assert not any("- Apply at the exit-entry administration" in m.body for m in before)
    after = [m for m in john if m.day >= D("2027-03-18")]  # the work permit is renewed
    assert "- Apply at the exit-entry administration" in after[0].body
    # Applied for: the decision day (passport held) to both, then collecting it, his.
    held = [m for m in after if "Decision expected (passport held)" in m.body]
    assert [m.day for m in held] == [D("2027-04-13")]  # its day; then what follows it, not "late"
    collect = [m for m in after if "- Collect the passport and permit" in m.body]
    assert collect[0].day == D("2027-04-13")  # told with the decision's day
    assert any(m.day > D("2027-04-13") for m in collect)  # and reminded after it, on its own
    assert not any("Work permit" in line for m in after for line in todo(m.body))
    digest = [m for m in inbox[HR] if "居留许可" in m.body and m.day >= D("2027-03-23")]
    assert any("等待居留许可审批（护照被收存）" in m.body for m in digest)


def test_the_cut_off_is_escalated_once_and_told_to_the_holder_and_hr(
    inbox: dict[str, list[Mail]],
) -> None:
    said = "受理截止日 2027-03-01 已过，延期未申请，须重新申请"
    lead = [m for m in inbox[LEAD] if said in m.body.split("每周汇总")[0]]
    assert [m.day for m in lead] == [D("2027-03-02")]  # the first pass with no working day left
    assert [m.day for m in inbox[HR] if said in m.body] == [D("2027-03-02")]
    marie = [m for m in inbox[MARIE] if "A new application is needed" in m.body]
    assert [m.day for m in marie] == [D("2027-03-02")]
    assert "the last day was 2027-03-01" in marie[0].body
    # HR, who files it, reads the last day in each reminder of the filing, and on that day.
    filing = "Marie Curie（2002）：外国人工作许可证 · 申报工作许可延期，"
    asked = [m for m in inbox[HR] if filing in m.body]
    assert D("2027-03-01") in [m.day for m in asked]
    assert all("最后受理日：2027-03-01" in m.body for m in asked)
    # Her step's first overdue reminder was escalated, once; later weeks are the summary's.
    overdue = [
        m
        for m in inbox[LEAD]
        if "Marie Curie（2002）：外国人工作许可证 · 申报工作许可延期，" in m.body
    ]
    assert [m.day for m in overdue] == [D("2027-03-01")]
    summaries = [m for m in inbox[LEAD] if "Marie" in m.body.partition("每周汇总")[2]]
    assert len(summaries) >= 5
    for mail in summaries:  # past the cut-off, the week's line says what is needed now
        assert said in mail.body.partition("每周汇总")[2], mail.day
    for mail in summaries:  # Mondays, or the first working day of a week off on Monday
        monday = mail.day - dt.timedelta(days=mail.day.weekday())
        rest = (monday + dt.timedelta(days=n) for n in range(mail.day.weekday()))
        assert not any(CALENDAR.is_workday(day) for day in rest), mail.day


def test_the_holders_points_and_work_permit_are_one_message(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    rows = (  # his permit step's 7-day reminder and his signature's 3-day one on 2027-03-19
        "3001,王五,研发部,2027-04-12,,是,wang@example.com,,",
        "3001,王五,研发部,2027-04-20,,,wang@example.com,foreign-work-permit,",
    )
    path = config(tmp_path, port, [])
    (tmp_path / "people.csv").write_text(HEADER + "".join(r + "\n" for r in rows), "utf-8")
    done = {"2027-03-12": [["3001", "permit_processing", "--document", WORK, "--on", "2027-03-12"]]}
    inbox = season(sink, path, "2027-03-11", "2027-03-22", done)
    both = [m for m in inbox["wang@example.com"] if "持证人签字确认" in m.body]
    assert both
    per_day = Counter(m.day for m in inbox["wang@example.com"])
    assert max(per_day.values()) == 1
    assert any("居住证签注" in m.body for m in both)  # the two documents in one message


def test_preview_shows_the_documents_reminders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, 2525, [])
    (tmp_path / "people.csv").write_text(HEADER + "".join(r + "\n" for r in ROWS), "utf-8")
    capsys.readouterr()
    args = ["preview", "-c", str(path), "--from", "2027-02-22", "--days", "3", "--json"]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)
    hr = [r for r in rows if r["channel"] == "hr" and "申报工作许可延期" in r["body"]]
    # its last two days; on 02-24 it is a day overdue (the first repeat comes at two)
    assert [r["day"] for r in hr] == ["2027-02-22", "2027-02-23"]
    mine = [r for r in rows if r["recipient"] == JOHN]
    assert mine  # his first contact: where his permits stand


def test_delivery_keys_name_the_document_and_the_points_keys_do_not(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = config(tmp_path, port, [])
    (tmp_path / "people.csv").write_text(HEADER + "".join(r + "\n" for r in ROWS), "utf-8")
    season(sink, path, "2027-02-22", "2027-02-22")
    db = Database.in_dir(tmp_path / "state")
    try:
        kinds = {(k.person, k.kind.value) for k in DeliveryLog(db).issued()}
    finally:
        db.close()
    assert ("2001", "foreign-work-permit/extension_filing") in kinds
    assert ("2001", "foreign-residence-permit/!first_contact") in kinds
    assert ("1001", "points_application") in kinds  # as on main: no document in its key
    assert all("/" not in kind for person, kind in kinds if person == "1001")


def test_preview_takes_a_document_holder_as_its_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, 2525, [])
    (tmp_path / "people.csv").write_text(HEADER + "".join(r + "\n" for r in ROWS), "utf-8")
    capsys.readouterr()
    args = ["preview", "-c", str(path), "--from", "2027-03-19", "--days", "1", "--person", "2001"]
    assert main([*args, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    mine = [r for r in rows if r["recipient"] == JOHN]
    assert len(mine) == 1
    assert "Foreign work permit" in mine[0]["body"]
    # Nothing recorded: his work permit is not renewed, so he is not asked to apply yet.
    assert "Apply at the exit-entry administration" not in mine[0]["body"]
    assert not any("Marie" in r["body"] or "张三" in r["body"] for r in rows)
