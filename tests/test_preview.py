"""`renewd preview`: the coming days' messages, on the real pass, changing nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from renewd.cli import main

TODAY = dt.date(2026, 12, 7)  # RENEWD_NOW (conftest), after send_at
PERMIT_DUE = TODAY + dt.timedelta(days=14)  # E001's permit step: due 2026-12-21
ROSTER = (
    "工号,姓名,部门,居住证到期日,邮箱\n"
    "E001,张三,研发部,2027-01-07,e001@example.com\n"
    "E002,李四,市场部,2027-03-20,e002@example.com\n"
)
CONFIG = """language = "{language}"
[roster]
files = ["people.csv"]
[state]
dir = "state"
[[channels]]
name = "console"
type = "console"
[[channels]]
name = "hr-mail"
type = "email"
host = "127.0.0.1"
port = 9
sender = "renewd <renewd@example.com>"
to = ["hr@example.com"]
[groups."研发部"]
channels = ["hr-mail"]
[groups."市场部"]
channels = ["hr-mail"]
"""


def write_config(tmp_path: Path, language: str = "zh") -> str:
    (tmp_path / "people.csv").write_text(ROSTER, encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(language=language), encoding="utf-8")
    return str(path)


@pytest.fixture
def config(tmp_path: Path) -> str:
    return write_config(tmp_path)


def preview_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["preview", *args, "--json"]) == 0
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def days_of(rows: list[dict[str, object]], person: str) -> list[dt.date]:
    return [dt.date.fromisoformat(str(r["day"])) for r in rows if r["person"] == person]


def heads(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(r["day"], r["channel"], r["recipient"], r["person"], r["title"]) for r in rows]


def test_a_permit_step_due_in_14_days_gets_its_leads_on_their_days(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = preview_json(capsys, "-c", config)
    assert {tuple(sorted(r)) for r in rows} == {
        ("body", "channel", "day", "person", "recipient", "title")
    }
    mine = [r for r in rows if r["person"] == "E001"]
    first = mine[0]
    assert first["day"] == TODAY.isoformat()  # the first contact, with the 14-day lead in it
    assert str(first["title"]).startswith("【续签状态】张三")
    assert "居住证签注（续签）：截止 2026-12-21（周一），还剩 14 天" in str(first["body"])
    assert first["channel"] == "console"
    assert first["recipient"] == "E001"
    permit = {
        dt.date.fromisoformat(str(r["day"])): str(r["title"])
        for r in mine
        if "居住证签注（续签）" in str(r["title"])
    }
    for lead, words in ((7, "还剩 7 天"), (3, "还剩 3 天"), (1, "还剩 1 天"), (0, "今天截止")):
        assert words in permit[PERMIT_DUE - dt.timedelta(days=lead)]
    leads = [d for d in permit if d <= PERMIT_DUE]
    assert sorted(leads) == [PERMIT_DUE - dt.timedelta(days=n) for n in (7, 3, 1, 0)]
    # Overdue, it repeats every 2 days; HR's digest carries the employer's steps.
    assert PERMIT_DUE + dt.timedelta(days=2) in permit
    digests = [r for r in rows if r["channel"] == "hr-mail"]
    assert digests
    assert all(r["person"] is None and r["recipient"] == "" for r in digests)
    assert all("张三" in str(r["body"]) for r in digests)
    assert max(dt.date.fromisoformat(str(r["day"])) for r in rows) < TODAY + dt.timedelta(28)


def snapshot_of(state: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(state.iterdir())}


def feed_rows(state: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(state / "renewd.sqlite3")
    try:
        rows = [("events", *r) for r in conn.execute("SELECT * FROM feed_events ORDER BY 1, 2")]
        return rows + [("published", *r) for r in conn.execute("SELECT * FROM feed_published")]
    finally:
        conn.close()


def test_preview_after_a_real_pass_changes_no_state_and_knows_what_was_sent(
    tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    # Today's real pass (the first contacts) and a feed export (the stamps), each in its own
    # process, so that nothing of theirs is still open here.
    for args in (["notify", "--due"], ["export", "--out", str(tmp_path / "feeds")]):
        subprocess.run([sys.executable, "-m", "renewd", *args, "-c", config], check=True)
    before, stamps, mode = snapshot_of(state), feed_rows(state), state.stat().st_mode
    assert stamps
    rows = preview_json(capsys, "-c", config)
    assert main(["preview", "-c", config, "--days", "3"]) == 0
    assert snapshot_of(state) == before  # bytes and mtimes; no -wal, -shm or new file
    assert feed_rows(state) == stamps
    assert state.stat().st_mode == mode
    # Today's messages went out in the real pass: the preview does not send them again.
    assert [r for r in rows if r["day"] == TODAY.isoformat()] == []
    after = [TODAY + dt.timedelta(days=1), PERMIT_DUE - dt.timedelta(days=7)]  # window, 7 days
    assert days_of(rows, "E001")[:2] == after


def test_preview_creates_no_state_directory(
    tmp_path: Path, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preview", "-c", config, "--days", "2"]) == 0
    assert not (tmp_path / "state").exists()
    out = capsys.readouterr().out
    assert out.startswith("预览：自 2026-12-07 起 2 天")
    assert "2026-12-07（周一）：2 封消息" in out
    assert "  console → E001（张三 的消息）" in out
    assert "    │ 张三，您好：" in out
    assert "2026-12-08（周二）：1 封消息" in out
    assert not (tmp_path / "state").exists()


def test_preview_of_one_person_shows_only_his_messages_and_lines(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    everyone = preview_json(capsys, "-c", config)
    assert {r["person"] for r in everyone} == {"E001", "E002", None}
    his = preview_json(capsys, "-c", config, "--person", "E002")
    # No digest names him yet. (Without a state directory each run has a new feed key, so the
    # action links in the bodies differ: compare the rest.)
    assert heads(his) == heads([r for r in everyone if r["person"] == "E002"])
    e001 = preview_json(capsys, "-c", config, "--person", "E001")
    assert {r["person"] for r in e001} == {"E001", None}
    assert not any("李四" in str(r["body"]) for r in e001)
    group = preview_json(capsys, "-c", config, "--group", "市场部")
    assert heads(group) == heads(his)
    assert main(["preview", "-c", config, "--person", "E404"]) == 64
    assert "no person with id 'E404'" in capsys.readouterr().err


def test_preview_from_a_day_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "en")
    start = PERMIT_DUE - dt.timedelta(days=1)
    assert main(["preview", "-c", config, "--from", start.isoformat(), "--days", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("preview: 2 days from 2026-12-20, what each reader would receive")
    assert "2026-12-20 (Sun): 2 messages" in out
    assert "console → E001 (message for 张三)" in out
    assert "hr-mail → (the channel's recipients) (digest naming 1 people)" in out
    assert not (tmp_path / "state").exists()
    assert os.environ["RENEWD_NOW"].startswith(TODAY.isoformat())
