"""The HR lead's weekly summary lists the roster problems left unfixed (issue: counts, item 2):
HR hears each problem once, in its group's digest; a row still wrong on the summary day is what
the lead should see, with how many rows are held back, since when, and what to do. Once the row
is fixed, the next summary says nothing of it. Never a value from the row (a phone number typed
into the date column stays out of every mail). On a real SMTP server."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

import seasonkit as sk
from netkit import Sink
from renewd.core.errors import Problem
from renewd.core.model import Lang
from renewd.core.notes import unfixed_section

pytestmark = pytest.mark.integration

GOOD = "1001,张三,研发部,2026-12-15,,是,zhang@example.com"  # open steps: a summary every Monday
PHONE = "13812345678"
BAD = f"1002,李四,研发部,{PHONE},,是,li@example.com"  # a phone number in 居住证到期日
FIXED = "1002,李四,研发部,2027-02-10,,是,li@example.com"
HEADING = "名单仍有 1 行未更正"


def test_the_leads_summary_lists_an_unfixed_row_until_it_is_fixed(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    path = sk.config(tmp_path, port, [GOOD, BAD])
    first = sk.season(sink, path, "2026-12-01", "2026-12-07")  # Tuesday to Monday
    told = [m for m in first[sk.HR] if "名单问题" in m.text]
    assert [m.day.isoformat() for m in told] == ["2026-12-01"]  # HR hears it once
    lead = first[sk.LEAD]
    summary = [m for m in lead if "每周汇总" in m.text]
    assert [m.day.isoformat() for m in summary] == ["2026-12-07"]
    body = summary[0].body
    assert HEADING in body
    assert "最早一处自 2026-12-01 起未更正（6 天）" in body
    assert "people.csv 第3行" in body  # file and row, as `check` says them
    assert "居住证到期日" in body
    assert "控制台的名单页上传：http://127.0.0.1:8765/roster" in body
    assert not any(HEADING in m.text for m in lead if m is not summary[0])  # weekly, not daily
    everything = [m.text for mails in first.values() for m in mails]
    assert not any(PHONE in text for text in everything)
    assert not any(HEADING in m.text for r, mails in first.items() if r != sk.LEAD for m in mails)
    # HR fixes the row: the next Monday's summary still lists what is open, not the row.
    sk.config(tmp_path, port, [GOOD, FIXED])
    second = sk.season(sink, path, "2026-12-08", "2026-12-14")
    summary = [m for m in second[sk.LEAD] if "每周汇总" in m.text]
    assert [m.day.isoformat() for m in summary] == ["2026-12-14"]
    assert not any("名单问题" in m.text or "未更正" in m.text for m in second[sk.LEAD])
    with contextlib.closing(sqlite3.connect(tmp_path / "state" / "renewd.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM roster_notice").fetchone() == (0,)  # forgotten


def test_the_unfixed_section_counts_rows_and_names_ten_problems_at_most() -> None:
    problems = [
        Problem("people.csv", "not a date", row=r, field="居住证到期日") for r in range(2, 14)
    ]
    problems.append(Problem("people.csv", "no name", row=2, field="姓名"))  # the same row again
    day, since = dt.date(2026, 12, 14), dt.date(2026, 12, 1)
    page = "https://hr.example.com/roster"
    section = unfixed_section(problems, since, day, Lang.EN, page)
    assert section.heading == "12 roster rows still not corrected"
    texts = [line.text for line in section.lines]
    assert texts[0].startswith("The oldest has waited since 2026-12-01 (13 days).")
    assert texts[1].endswith(page)
    assert len(texts) == 2 + 10 + 1
    assert texts[-1].startswith("… and 3 more")
    one = unfixed_section(problems[:1], since, day, Lang.ZH, page)
    assert one.heading == "名单仍有 1 行未更正"
