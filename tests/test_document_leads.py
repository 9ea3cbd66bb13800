"""`[notify.lead_days_by_kind]` reaches the documents' steps (docs/packs.md): a key is a points
step's kind as before, a document's "<pack>/<step>", or a pack step's kind (that step in every
pack that has it). A key that names no step is refused with the key named; a season on a real
SMTP server shows HR reminded of a work-permit filing only on the lead days set for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from configkit import MINIMAL
from netkit import Sink
from renewd.core.errors import EX_CONFIG, ConfigError
from renewd.settings import load_settings
from seasonkit import HR, config, season

WORK = "foreign-work-permit"


def write(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(MINIMAL + "[notify.lead_days_by_kind]\n" + table, encoding="utf-8")
    return path


def test_points_kinds_pack_steps_and_step_kinds_are_keys(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'permit_renewal = [7, 0]\n"foreign-work-permit/extension_filing" = [14, 3]\n'
        "holder_signature = [1]\n",
    )
    notify = load_settings(path).notify
    assert {k.value: v for k, v in notify.points_leads().items()} == {"permit_renewal": (7, 0)}
    assert notify.step_leads() == {
        "foreign-work-permit/extension_filing": (14, 3),
        "holder_signature": (1,),
    }


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ('"foreign-work-permit/nope"', "pack 'foreign-work-permit' has no step 'nope'"),
        ('"no-such-pack/extension_filing"', "no policy pack 'no-such-pack'"),
        ("extension_filling", "names no step"),
        ('"foreign-work-permit/"', 'is written "<pack>/<step>"'),
    ],
)
def test_a_key_naming_no_step_is_refused_with_the_key(tmp_path: Path, key: str, said: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, f"{key} = [3]\n"))
    assert caught.value.exit_code == EX_CONFIG
    assert said in str(caught.value)
    assert key.strip('"') in str(caught.value)  # the key is named


@pytest.mark.integration
def test_a_document_steps_lead_days_are_those_set_for_it(
    tmp_path: Path, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    # John's work permit expires 2027-04-20: HR files the extension by 2027-03-17 (a Wednesday).
    header = "工号,姓名,部门,居住证到期日,变更事项,积分,邮箱,证件类型,语言\n"
    notify = "workdays_only = true\n[notify.lead_days_by_kind]\n"
    notify += '"foreign-work-permit/extension_filing" = [14, 3]\n'
    path = config(tmp_path, port, [], notify)
    row = f"2001,John Smith,研发部,2027-04-20,,,john@example.com,{WORK},en\n"
    (tmp_path / "people.csv").write_text(header + row, "utf-8")
    inbox = season(sink, path, "2027-01-04", "2027-03-17")[HR]
    said = [
        (m.day.isoformat(), int(n))
        for m in inbox
        for n in re.findall(r"申报工作许可延期，截止 2027-03-17（周三），还剩 (\d+) 天", m.body)
    ]
    assert said == [("2027-03-03", 14), ("2027-03-12", 5)]  # 03-14 is a Sunday: moved back
    assert not any("今天截止" in m.body for m in inbox)  # 0 is not among its lead days
