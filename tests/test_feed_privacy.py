"""Feed UIDs reveal no id, and a lost feed key never silently changes every URL (issue 11,
defects 12 and 13)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from feedkit import NOW, PLANNER, TODAY, make_settings
from renewd.cli import main
from renewd.core.model import Person
from renewd.store.database import Database
from renewd.web.publisher import FeedCache

pytestmark = pytest.mark.integration

UID_RE = re.compile(rb"^UID:(\S+)\r$", re.MULTILINE)
KEY = b"K" * 32


def crowd(n: int) -> list[Person]:
    import datetime as dt

    return [
        Person(id=str(i), name=f"张{i}", permit_expires=dt.date(2027, 3, 1), group="研发部")
        for i in range(n)
    ]


def published_uids(cache: FeedCache, name: str) -> list[str]:
    return [m.decode() for m in UID_RE.findall(cache.published(name).body)]


def refreshed(tmp_path: Path, key: bytes = KEY) -> FeedCache:
    people = crowd(8)
    cache = FeedCache(make_settings(tmp_path), Database.in_dir(tmp_path), key)
    cache.refresh(people, PLANNER.plan_all(people, TODAY), TODAY, NOW)
    return cache


def test_uids_cannot_be_brute_forced_back_to_ids(tmp_path: Path) -> None:
    uids = published_uids(refreshed(tmp_path), "all")
    assert uids
    prefixes = {uid.split("-", 1)[0] for uid in uids}
    # What 0.1.0 did: sha256(id)[:16] over a small id space, recovered in a second.
    for candidate in range(100_000):
        digest = hashlib.sha256(str(candidate).encode()).hexdigest()
        assert digest[:16] not in prefixes
        assert digest[:20] not in prefixes


def test_uids_are_stable_across_restarts_and_rotations(tmp_path: Path) -> None:
    first = refreshed(tmp_path)
    before = published_uids(first, "person-3")
    first.rotate("person-3")
    first.rotate("all")
    again = refreshed(tmp_path)  # a restart: a new cache on the same database and key
    assert published_uids(again, "person-3") == before
    # HR's feed carries only some of the person's events (HR's steps): under the same UIDs
    prefix = before[0].split("-", 1)[0]
    in_all = {uid for uid in published_uids(again, "all") if uid.startswith(prefix)}
    assert in_all
    assert in_all < set(before)


def test_another_key_gives_other_uids(tmp_path: Path) -> None:
    a = published_uids(refreshed(tmp_path / "a"), "person-3")
    b = published_uids(refreshed(tmp_path / "b", b"L" * 32), "person-3")
    assert set(a).isdisjoint(b)


def test_a_personal_feed_shows_only_its_own_person(tmp_path: Path) -> None:
    cache = refreshed(tmp_path)
    own = cache.published("person-3").body
    for other in ("张2", "张4", "person-2"):
        assert other.encode() not in own
    mine = {u.split("-", 1)[0] for u in published_uids(cache, "person-3")}
    others = {u.split("-", 1)[0] for u in published_uids(cache, "all")} - mine
    assert len(mine) == 1
    assert len(others) == 7


# -- a lost feed key -------------------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "people.csv").write_text(
        "工号,姓名,部门,居住证到期日\n1001,张三,研发部,2027-03-15\n", encoding="utf-8"
    )
    path = tmp_path / "config.toml"
    path.write_text('[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n', "utf-8")
    return path


def all_url(config: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["feeds", "-c", str(config), "--json"]) == 0
    feeds = json.loads(capsys.readouterr().out)["feeds"]
    return str(next(f["https"] for f in feeds if f["name"] == "all"))


def test_a_deleted_feed_key_is_refused_until_rotate_all(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = all_url(config, capsys)
    key = config.parent / "state" / "feed.key"
    key.unlink()
    assert main(["feeds", "-c", str(config)]) == 78
    err = capsys.readouterr().err
    assert "feed key is missing" in err
    assert "rotate --all" in err
    assert not key.exists()  # no new key minted behind the operator's back
    assert main(["export", "-c", str(config), "--out", str(config.parent / "out")]) == 78
    daemon = subprocess.run(
        [sys.executable, "-m", "renewd", "run", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert daemon.returncode == 78, daemon.stderr
    assert "feed key is missing" in daemon.stderr
    assert "Traceback" not in daemon.stderr
    capsys.readouterr()
    assert main(["feeds", "-c", str(config), "rotate", "--all"]) == 0
    assert "all: new URL" in capsys.readouterr().out
    assert key.exists()
    assert all_url(config, capsys) != url


def test_a_replaced_feed_key_is_refused(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    all_url(config, capsys)
    key = config.parent / "state" / "feed.key"
    key.write_bytes(b"x" * 32)
    assert main(["feeds", "-c", str(config)]) == 78
    assert "not the feed key" in capsys.readouterr().err


def test_rotate_all_with_the_key_keeps_uids(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = config.parent / "out"
    assert main(["export", "-c", str(config), "--out", str(out), "--names"]) == 0
    before = UID_RE.findall((out / "all.ics").read_bytes())
    url = all_url(config, capsys)
    assert main(["feeds", "-c", str(config), "rotate", "--all"]) == 0
    assert all_url(config, capsys) != url
    assert main(["export", "-c", str(config), "--out", str(out), "--names"]) == 0
    assert UID_RE.findall((out / "all.ics").read_bytes()) == before


def test_rotate_needs_a_name_or_all(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feeds", "-c", str(config), "rotate"]) == 64


def test_a_leavers_feed_answers_404(tmp_path: Path) -> None:
    people = crowd(3)
    cache = FeedCache(make_settings(tmp_path), Database.in_dir(tmp_path), KEY)
    cache.refresh(people, PLANNER.plan_all(people, TODAY), TODAY, NOW)
    token = cache.token("person-1")
    assert cache.feed_name(token) == "person-1"
    stayed = [p for p in people if p.id != "1"]
    cache.refresh(stayed, PLANNER.plan_all(stayed, TODAY), TODAY, NOW)
    assert cache.feed_name(token) is None  # the server's plain 404
    assert b"\xe5\xbc\xa01" not in cache.published("all").body  # 张1 is gone from the group feed
