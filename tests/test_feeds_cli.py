"""`renewd feeds`, `renewd feeds rotate` and `renewd export` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from feedkit import people
from renewd.cli import main
from renewd.roster.reader import load_roster

ROSTER = """\
[[people]]
id = "E001"
name = "张三"
permit_expires = 2027-02-10
group = "研发部"
critical_dates = ["2027-04-20 子女入学登记"]

[[people]]
id = "E002"
name = "李小明"
permit_expires = 2027-02-10
group = "研发部"
changes = ["employer", "child"]

[[people]]
id = "E003"
name = "Anna Schmidt"
permit_expires = 2027-03-15
group = "Sales"
lang = "en"
tags = ["expat"]

[[people]]
id = "E004"
name = "王五"
permit_expires = 2027-01-05
has_points = false
"""


def test_roster_file_matches_the_feedkit_people(config: Path) -> None:
    loaded = load_roster([config.parent / "people.toml"]).people
    assert [(p.id, p.name, p.permit_expires, p.changes, p.lang, p.tags) for p in loaded] == [
        (p.id, p.name, p.permit_expires, p.changes, p.lang, p.tags) for p in people()
    ]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    # The same people as feedkit.people(), as a user would write them.
    (tmp_path / "people.toml").write_text(ROSTER, encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.toml"]\n[state]\ndir = "state"\n'
        '[server]\nbase_url = "https://cal.example.com/"\n',
        encoding="utf-8",
    )
    return path


def feeds_json(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    capsys.readouterr()
    assert main(["feeds", "-c", str(config), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["feeds"]
    return {row["name"]: row for row in rows}


def test_feeds_lists_every_feed_with_https_and_webcal_urls(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = feeds_json(config, capsys)
    assert set(rows) == {
        "all",
        "group-研发部",
        "group-Sales",
        "person-E001",
        "person-E002",
        "person-E003",
        "person-E004",
    }
    row = rows["person-E001"]
    assert row["https"].startswith("https://cal.example.com/feeds/")
    assert row["https"].endswith(".ics")
    assert row["webcal"] == "webcal://" + row["https"].removeprefix("https://")
    assert feeds_json(config, capsys) == rows  # stable across runs
    assert main(["feeds", "-c", str(config)]) == 0
    assert row["webcal"] in capsys.readouterr().out


def test_rotate_changes_only_that_url(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = feeds_json(config, capsys)
    assert main(["feeds", "rotate", "person-E002", "-c", str(config)]) == 0
    out = capsys.readouterr().out
    after = feeds_json(config, capsys)
    assert after["person-E002"]["https"] != before["person-E002"]["https"]
    assert after["person-E002"]["https"] in out
    assert {k: v for k, v in after.items() if k != "person-E002"} == {
        k: v for k, v in before.items() if k != "person-E002"
    }


def test_rotate_unknown_feed_is_a_usage_error(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["feeds", "-c", str(config), "rotate", "person-nobody"]) == 64
    assert "no feed named 'person-nobody'" in capsys.readouterr().err


def test_export_writes_token_named_files_and_drops_rotated_ones(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["export", "-c", str(config), "--out", str(out), "--today", "2026-11-20"]
    assert main(args) == 0
    rows = feeds_json(config, capsys)
    files = {p.name for p in out.iterdir()}
    assert files == {r["https"].rsplit("/", 1)[1] for r in rows.values()}
    first = (out / rows["all"]["https"].rsplit("/", 1)[1]).read_bytes()
    assert icalendar.Calendar.from_ical(first).walk("VEVENT")

    assert main(["feeds", "rotate", "all", "-c", str(config)]) == 0
    assert main(args) == 0
    files_after = {p.name for p in out.iterdir()}
    assert rows["all"]["https"].rsplit("/", 1)[1] not in files_after
    assert len(files_after) == len(files)
    new_all = feeds_json(config, capsys)["all"]["https"].rsplit("/", 1)[1]
    assert (out / new_all).read_bytes() == first  # same data, same bytes


def test_export_by_name(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "named"
    assert main(["export", "-c", str(config), "--out", str(out), "--names"]) == 0
    assert (out / "all.ics").exists()
    assert (out / "group-研发部.ics").exists()


def test_every_feed_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["feeds", "--help"], ["feeds", "rotate", "--help"], ["export", "--help"]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 0
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "SIGTERM" in capsys.readouterr().out
