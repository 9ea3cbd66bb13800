"""The CLI through its real entry point: exit codes, stderr, and the `plan --json` contract."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.cli import build_parser
from renewd.commands import COMMANDS

pytestmark = pytest.mark.integration

Write = Callable[[str, str], Path]
ROOT = Path(__file__).parent.parent


def renewd(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "renewd", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture
def config(write: Write) -> Path:
    write(
        "people.csv",
        """\
        工号,姓名,部门,居住证到期日,变更事项,身份证号
        1001,张三,研发部,2026-10-20,,310101199001011234
        1002,李四,研发部,2026/10/20,单位,310101199001015678
        """,
    )
    return write("config.toml", '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n')


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_every_command_has_help() -> None:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    assert actions[0].choices is not None
    commands = sorted(actions[0].choices)
    assert {"check", "plan", "run"} <= set(commands)
    for command in commands:
        result = renewd(command, "--help")
        assert result.returncode == 0, command
        assert "usage: renewd" in result.stdout


def commands_of(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(found.choices)


def test_each_command_is_registered_by_the_module_the_table_names() -> None:
    """`renewd X` builds its parser from the one module `COMMANDS` names for X: the table must
    say exactly what every module registers, or a command would be unknown when run alone."""
    choices = commands_of(build_parser())
    assert list(choices) == [name for names in COMMANDS.values() for name in names]
    for module, names in COMMANDS.items():
        for name in names:
            alone = commands_of(build_parser(name))
            assert list(alone) == list(names), (module, name)
            assert alone[name].format_help() == choices[name].format_help(), name


def test_a_command_imports_only_its_own_module() -> None:
    """`renewd plan` starts without the calendar's snapshot, the channels or the console
    (issue 20: start-up was a sixth of `plan --json` at 100,000 people)."""
    probe = (
        "import sys; from renewd.cli import build_parser; build_parser('plan');"
        " print(sorted(m for m in sys.modules if m.startswith('renewd.commands.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = {m.rsplit(".", 1)[1] for m in json.loads(result.stdout.replace("'", '"'))}
    assert "plan" in loaded
    assert not loaded & (set(COMMANDS) - {"plan"}), loaded


def test_version() -> None:
    result = renewd("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("renewd ")


def test_check_ok_warns_about_ignored_columns_without_values(config: Path) -> None:
    result = renewd("check", "-c", config)
    assert result.returncode == 0, result.stderr
    assert "ok: 2 人" in result.stdout
    assert "身份证号" in result.stderr
    assert "310101" not in result.stdout + result.stderr


def test_check_reports_every_roster_error_with_exit_65(write: Write) -> None:
    write(
        "people.csv",
        """\
        工号,姓名,居住证到期日
        1001,张三,2027-02-30
        1002,,2027-03-01
        1001,王五,明年
        """,
    )
    config = write("config.toml", '[roster]\nfiles = ["people.csv"]\n')
    result = renewd("check", "-c", config)
    assert result.returncode == 65
    err = result.stderr
    assert "row 2" in err
    assert "2027-02-30" in err
    assert "row 3" in err
    assert "row 4" in err
    assert "明年" in err
    assert "居住证到期日" in err


def test_check_config_error_exits_78(write: Write, tmp_path: Path) -> None:
    config = write("config.toml", '[roster]\nfiles = ["people.csv"]\n[notify]\nsend_at = "late"\n')
    result = renewd("check", "-c", config)
    assert result.returncode == 78
    assert "notify.send_at" in result.stderr
    assert str(config) in result.stderr
    missing = renewd("check", "-c", tmp_path / "missing.toml")
    assert missing.returncode == 78
    assert "not found" in missing.stderr


def test_plan_json_shape(config: Path) -> None:
    result = renewd("plan", "-c", config, "--today", "2026-08-01", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["today"] == "2026-08-01"
    assert [p["id"] for p in doc["people"]] == ["1001", "1002"]
    first, second = doc["people"]
    assert set(first) >= {
        "id",
        "name",
        "group",
        "cycle",
        "profile",
        "feasible",
        "gap_days",
        "provisional",
        "milestones",
    }
    assert first["cycle"] == "2026-10-20"
    assert first["profile"] == "unchanged"
    assert first["feasible"] is True
    assert second["profile"] == "changed"
    assert second["feasible"] is False
    assert second["gap_days"] == 10
    kinds = [m["kind"] for m in first["milestones"]]
    assert kinds[:3] == ["prepare", "permit_window", "permit_renewal"]
    renewal = first["milestones"][2]
    assert set(renewal) >= {"kind", "due", "opens", "status", "provisional"}
    assert renewal == {
        "kind": "permit_renewal",
        "due": "2026-09-28",
        "opens": "2026-09-20",
        "status": "upcoming",
        "provisional": False,
        "done_on": None,
        "implied_by": None,  # added by issue 17: the later step that proves this one done
    }
    assert first["milestones"][0]["opens"] is None


def test_plan_json_streams_the_same_document_as_pretty(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The compact stream (the default, C encoder, in chunks) parses to exactly what the
    indented document says, across chunk boundaries and for no people at all."""
    from renewd.cli import main
    from renewd.commands import plan_stream

    args = ["plan", "-c", str(config), "--today", "2026-08-01", "--json"]
    assert main([*args, "--pretty"]) == 0
    pretty = capsys.readouterr().out
    assert "\n  " in pretty  # indented
    for chunk in (1, 2, 500):
        monkeypatch.setattr(plan_stream, "CHUNK", chunk)
        assert main(args) == 0
        stream = capsys.readouterr().out
        assert stream.count("\n") == 1  # one line: no indent
        assert json.loads(stream) == json.loads(pretty)
    assert main([*args, "--person", "nobody"]) != 0  # unknown: refused, as before
    capsys.readouterr()
    out = io.StringIO()
    plan_stream.stream_json(dt.date(2026, 8, 1), [], out)
    assert json.loads(out.getvalue()) == {"today": "2026-08-01", "people": []}


def test_plan_person_filter_and_unknown_person(config: Path) -> None:
    result = renewd("plan", "-c", config, "--today", "2026-08-01", "--json", "--person", "1002")
    assert [p["id"] for p in json.loads(result.stdout)["people"]] == ["1002"]
    missing = renewd("plan", "-c", config, "--person", "9999")
    assert missing.returncode == 64
    assert "9999" in missing.stderr


def test_plan_table_is_readable(config: Path) -> None:
    result = renewd("plan", "-c", config, "--today", "2026-08-01")
    assert result.returncode == 0, result.stderr
    assert "张三" in result.stdout
    assert "积分中断约 10 天" in result.stdout  # the table follows `language` (zh)


def test_bad_today_is_a_usage_error(config: Path) -> None:
    result = renewd("plan", "-c", config, "--today", "tomorrow")
    assert result.returncode == 2
    assert "not a date" in result.stderr


def test_config_from_environment(config: Path) -> None:
    import os

    env = {**os.environ, "RENEWD_CONFIG": str(config)}
    result = renewd("check", env=env)
    assert result.returncode == 0, result.stderr


def test_today_is_the_shanghai_date_whatever_the_server_zone(config: Path) -> None:
    import os

    # 23:30 UTC on 7 December is already 8 December in Shanghai, and still the 7th (or earlier)
    # in the server's zone.
    moment = {"RENEWD_NOW": "2026-12-07T23:30:00+00:00"}
    for zone in ("America/Los_Angeles", "Pacific/Kiritimati", "UTC"):
        result = renewd("plan", "-c", config, "--json", env={**os.environ, **moment, "TZ": zone})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["today"] == "2026-12-08"


def test_a_malformed_renewd_now_is_a_clear_error(config: Path) -> None:
    import os

    result = renewd("plan", "-c", config, env={**os.environ, "RENEWD_NOW": "tomorrow"})
    assert result.returncode != 0
    assert "RENEWD_NOW" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_plan_shows_progress_recorded_with_done(config: Path) -> None:
    assert not (config.parent / "state").exists()
    before = renewd("plan", "-c", config, "--json", "--today", "2026-09-26", "--person", "1001")
    assert before.returncode == 0, before.stderr
    assert not (config.parent / "state").exists()  # planning alone creates no state
    done = renewd("done", "-c", config, "1001", "permit", "--on", "2026-09-25")
    assert done.returncode == 0, done.stderr
    result = renewd("plan", "-c", config, "--json", "--today", "2026-09-26", "--person", "1001")
    milestones = {m["kind"]: m for m in json.loads(result.stdout)["people"][0]["milestones"]}
    assert milestones["permit_renewal"]["status"] == "done"
    assert milestones["permit_renewal"]["done_on"] == "2026-09-25"


def test_check_refuses_an_escalation_route_without_a_destination(write: Write) -> None:
    write("people.csv", "工号,姓名,居住证到期日\n1001,张三,2027-03-01\n")
    config = write(
        "config.toml",
        """\
        [roster]
        files = ["people.csv"]
        [notify]
        escalate_to = ["mail"]
        [[channels]]
        name = "mail"
        type = "email"
        host = "smtp.example.com"
        sender = "hr@example.com"
        """,
    )
    result = renewd("check", "-c", config)
    assert result.returncode == 78
    assert "notify.escalate_to" in result.stderr
    assert 'scope = "personal"' in result.stderr  # an email channel without `to`


def test_check_refuses_a_group_channel_without_recipients(write: Write) -> None:
    write("people.csv", "工号,姓名,居住证到期日\n1001,张三,2027-03-01\n")
    config = write(
        "config.toml",
        """\
        [roster]
        files = ["people.csv"]
        [[channels]]
        name = "tg"
        type = "telegram"
        bot_token = "1:x"
        scope = "group"
        [groups."研发部"]
        channels = ["tg"]
        """,
    )
    result = renewd("check", "-c", config)
    assert result.returncode == 78
    assert "channels.tg.scope" in result.stderr
    assert "groups.研发部.channels" in result.stderr
    assert "no recipients" in result.stderr


def test_the_hr_example_is_a_valid_configuration() -> None:
    example = Path(__file__).parent.parent / "examples" / "hr.toml"
    env = {**os.environ, "RENEWD_HR_WECOM_ROBOT_KEY": "key-from-the-environment"}
    result = subprocess.run(
        [sys.executable, "-m", "renewd", "check", "-c", str(example)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ok: 9 人（其中 1 人只办理其他证件）" in result.stdout  # John Smith: documents only


def test_check_refuses_a_roster_no_calendar_covers_naming_the_row(write: Write) -> None:
    write("people.csv", "工号,姓名,居住证到期日\n1001,张三,2026-06-30\n1002,李四,2028-03-31\n")
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[calendar]\nfallback = "error"\n',
    )
    result = renewd("check", "-c", config)
    assert result.returncode == 78, result.stderr
    assert "cannot be planned: 1 of 2 people" in result.stderr
    assert "people.csv, row 3" in result.stderr
    assert "no working-day calendar for 202" in result.stderr


def test_plan_plans_everyone_but_a_bad_row_and_says_where_it_is(config: Path) -> None:
    """As the daemon and `notify`: one bad row holds back only its own person. `plan` shows the
    others, names the row on stderr, and exits 65 so a script still sees the problem."""
    roster = config.parent / "people.csv"
    roster.write_text(
        roster.read_text(encoding="utf-8") + "1003,王五,研发部,2026-02-30,,\n", encoding="utf-8"
    )
    result = renewd("plan", "-c", config, "--today", "2026-08-01", "--json")
    assert result.returncode == 65
    assert [p["id"] for p in json.loads(result.stdout)["people"]] == ["1001", "1002"]
    assert "people.csv, row 4, field '居住证到期日'" in result.stderr
    assert not (config.parent / "state").exists()  # a read-only command makes no state
    table = renewd("plan", "-c", config, "--today", "2026-08-01")
    assert table.returncode == 65
    assert "张三" in table.stdout
