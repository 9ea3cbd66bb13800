"""Every count of people counts persons (docs/packs.md): a points holder with other documents
once, a holder of other documents only (the sample roster's John Smith, 1009: a work permit and a
residence permit, no points row) once too, and the other documents as documents. Before, `check`,
`roster import`, the daemon's log, its status line and /healthz counted the points rows alone
("8 people and 2 other documents" for the sample roster's nine people)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from daemonkit import Daemon
from netkit import free_port
from renewd.cli import main
from renewd.core.headcount import Headcount, headcount
from renewd.core.model import Lang
from renewd.roster.reader import load_roster

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "people.csv"
Write = Callable[[str, str], Path]

# A points holder, a points holder who also holds a Guangzhou permit, and a foreign employee
# with both permits and no points row.
ROSTER = """\
工号,姓名,部门,证件类型,居住证到期日,签发日期
1001,张三,研发部,,2027-03-10,
1002,李四,研发部,,2027-04-10,
1002,李四,研发部,广州居住证,,2019-05-15
2001,John Smith,研发部,foreign-work-permit,2027-04-20,
2001,John Smith,研发部,居留许可,2027-04-25,
"""


def test_the_sample_roster_holds_nine_people_one_of_them_for_documents_only() -> None:
    roster = load_roster([SAMPLE])
    assert roster.headcount == Headcount(people=9, documents_only=1, documents=2)
    assert str(roster.headcount) == (
        "9 people (1 of them only for other documents), 2 other documents (besides the points)"
    )


def test_a_points_holder_with_documents_is_one_person(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(ROSTER, encoding="utf-8")
    roster = load_roster([tmp_path / "people.csv"])
    assert roster.headcount == Headcount(people=3, documents_only=1, documents=3)
    assert headcount(roster.people) == Headcount(2, 0, 0)
    assert headcount(roster.people).words(Lang.ZH) == "2 人"
    assert headcount(roster.people[:1]).words(Lang.EN) == "1 person"
    with_docs = headcount(roster.people, roster.documents[:1])  # 李四's Guangzhou permit
    assert with_docs.words(Lang.EN) == "2 people, 1 other documents (besides the points)"
    assert with_docs.words(Lang.ZH) == "2 人，另有其他证件 1 份（积分之外）"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("zh", "ok: 9 人（其中 1 人只办理其他证件），另有其他证件 2 份（积分之外），名单文件 1 个"),
        (
            "en",
            "ok: 9 people (1 of them only for other documents), 2 other documents (besides the"
            " points) in 1 roster file(s)",
        ),
    ],
)
def test_check_on_the_sample_configuration_counts_john_smith(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], language: str, said: str
) -> None:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('files = ["examples/people.csv"]', f'files = ["{SAMPLE}"]', 1)
    text = text.replace('dir = "/var/lib/renewd"', f'dir = "{tmp_path / "state"}"', 1)
    text = text.replace('language = "zh"', f'language = "{language}"', 1)
    config = tmp_path / "renewd.toml"
    config.write_text(text, encoding="utf-8")
    assert main(["check", "-c", str(config), "--today", "2026-12-07"]) == 0
    assert capsys.readouterr().out.strip() == said


@pytest.fixture
def daemon(write: Write) -> Iterator[Daemon]:
    write("people.csv", ROSTER)
    port = free_port()
    config = write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        settle_seconds = 0
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        [[channels]]
        name = "console"
        type = "console"
        [calendar.years.2027]
        complete = true
        """,
    )
    d = Daemon(config, port).start()
    assert d.read_notify("READY=1"), d.kill()
    d.wait_planned()
    yield d
    d.stop()


@pytest.mark.integration
def test_the_daemon_counts_each_person_once_in_its_log_status_and_health(daemon: Daemon) -> None:
    _, body = daemon.health()
    assert body["counts"]["people"] == 3
    assert b"renewd_people 3.0" in daemon.get("/metrics")[1]
    assert daemon.read_notify("STATUS=3 人")
    said = "3 people (1 of them only for other documents), 3 other documents (besides the points)"
    assert f"roster loaded (start-up): {said}" in daemon.output()


def test_a_roster_that_cannot_be_planned_counts_persons(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    """N in "X of N people" counts the holders of other documents only too (it counted the
    points rows: "1 of 2 people" for a roster of three people)."""
    covered, uncovered = "1001,张三,研发部,,2026-12-20,", "1003,王五,研发部,,2031-03-10,"
    write(
        "people.csv",
        "\n".join([*ROSTER.splitlines()[:1], covered, uncovered, *ROSTER.splitlines()[4:]]) + "\n",
    )
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n'
        '[calendar]\nfallback = "error"\n',
    )
    assert main(["check", "-c", str(config), "--today", "2026-12-07"]) == 78
    said = capsys.readouterr().err
    assert "the roster cannot be planned: 1 of 3 people" in said
    assert "people.csv, row 3" in said
