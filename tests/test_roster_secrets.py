"""Every way a roster is read masks its people's Bark and PushPlus keys in logs from then on:
the daemon's read, the commands' read that holds a clashing feed name back (`plan`, `feeds`,
`export`) and `plan --json`'s stream, a document row's keys too."""

from __future__ import annotations

import secrets
import string
from pathlib import Path

import pytest

from renewd import redaction
from renewd.roster_read import read_roster, stream_roster
from renewd.settings import Settings
from renewd.settings_state import RosterSettings

HEADER = "工号,姓名,部门,证件类型,居住证到期日,邮箱,Bark,PushPlus\n"


def roster(tmp_path: Path) -> tuple[Settings, list[str]]:
    # New to this process, and letters only: no digit run a personal-number pattern would mask.
    keys = ["".join(secrets.choice(string.ascii_letters) for _ in range(24)) for _ in range(4)]
    text = HEADER + (
        f"E001,张三,研发部,,2027-03-01,a@example.com,{keys[0]},{keys[1]}\n"
        f"E002,John Smith,研发部,工作许可,2027-04-20,j@example.com,{keys[2]},{keys[3]}\n"
    )
    (tmp_path / "people.csv").write_text(text, encoding="utf-8")
    return Settings(roster=RosterSettings(files=(tmp_path / "people.csv",))), keys


def masked(keys: list[str]) -> list[bool]:
    return [key not in redaction.scrub(f"push to {key}") for key in keys]


@pytest.mark.parametrize("how", ["daemon", "commands", "stream"])
def test_a_rosters_push_keys_are_masked_however_it_is_read(tmp_path: Path, how: str) -> None:
    settings, keys = roster(tmp_path)
    assert masked(keys) == [False] * 4
    if how == "stream":
        read = stream_roster(settings)
        assert [p.id for p in read.people()] == ["E001"]
        assert [p.id for p in read.documents] == ["E002"]
    else:
        partial = read_roster(settings, hold_clashes=how == "commands")
        assert [p.id for p in partial.people] == ["E001"]
    assert masked(keys) == [True] * 4
