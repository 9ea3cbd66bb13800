"""`renewd feeds` and `renewd export` serve everyone they can (issue 18, item 15): a row whose
feed would take an extra feed's name, or a person no working-day calendar covers, holds back only
that person. The rows held back are named on stderr, the others' feeds are listed and written,
the held-back person keeps the file of his last export, and the exit status says it (65; 78 for
a missing calendar, as `renewd check` says them). Before, one such row refused everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from renewd.cli import main

HEADER = "工号,姓名,部门,居住证到期日\n"
GOOD = HEADER + "".join(
    f"{pid},{name},研发部,2027-03-{day}\n"
    for pid, name, day in (("1001", "张三", 15), ("1002", "李四", 16), ("1003", "王五", 17))
)
EXTRA = '[[feeds.extra]]\nname = "group-市场部"\ngroups = ["研发部"]\n'


def configure(tmp_path: Path, roster: str, extra: str = "") -> Path:
    (tmp_path / "people.csv").write_text(roster, encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[server]\nbase_url = "https://cal.example.com"\n' + extra,
        encoding="utf-8",
    )
    return path


def listed(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str], str]:
    """`renewd feeds --json`: the exit code, each feed's token, stderr."""
    code = main(["feeds", "-c", str(config), "--json"])
    out, err = capsys.readouterr()
    rows = json.loads(out)["feeds"]
    return code, {row["name"]: row["https"].rsplit("/", 1)[1] for row in rows}, err


def test_a_clashing_row_holds_back_only_its_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = configure(tmp_path, GOOD, EXTRA)
    out = tmp_path / "out"
    assert main(["export", "-c", str(config), "--out", str(out)]) == 0
    capsys.readouterr()
    before = {path.name for path in out.iterdir()}
    assert len(before) == 6  # all, group-研发部, three people, the extra feed
    code, tokens, _ = listed(config, capsys)
    assert code == 0
    # 李四 moves to 市场部, whose feed would be named like the extra feed: his row is held back.
    (tmp_path / "people.csv").write_text(GOOD.replace("李四,研发部", "李四,市场部"), "utf-8")
    code, names, err = listed(config, capsys)
    assert code == 65, err
    assert set(names) == {"all", "group-研发部", "person-1001", "person-1003", "group-市场部"}
    assert "people.csv, row 3" in err
    assert "1 row(s) held back" in err
    assert main(["export", "-c", str(config), "--out", str(out)]) == 65
    err = capsys.readouterr().err
    assert "people.csv, row 3" in err
    after = {path.name for path in out.iterdir()}
    assert tokens["person-1002"] in after  # his last export stays until he is fixed
    assert after == before


def test_a_person_no_calendar_covers_holds_back_only_himself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = GOOD.replace("1002,李四,研发部,2027-03-16", "1002,李四,研发部,2035-03-16")
    calendar = '[calendar]\nfallback = "error"\n[calendar.years.2027]\ncomplete = true\n'
    config = configure(tmp_path, roster, calendar)
    out = tmp_path / "out"
    code = main(["export", "-c", str(config), "--out", str(out), "--today", "2026-11-01"])
    err = capsys.readouterr().err
    assert code == 78, err
    assert "held back" in err
    assert "people.csv, row 3" in err
    assert len(list(out.iterdir())) == 4  # all, group-研发部, person-1001, person-1003
