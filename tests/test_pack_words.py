"""Policy packs' words (docs/packs.md): the shipped packs' titles, step names, instructions and
checklists are the wording catalogue's, in Chinese and English; a pack that says
`words = "catalogue"` without the keys is refused naming them; `renewd plan --person` says each
document's next step with its checklist, and `plan --json` names each step's materials."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.core.errors import ConfigError
from renewd.core.model import Lang
from renewd.core.pack import Engine, StepType
from renewd.core.pack_words import checklist_line, step_checklist
from renewd.core.wording import CATALOGUE
from renewd.pack_settings import parse_pack, shipped_packs

Write = Callable[[str, str], Path]
PACKS = Path(__file__).resolve().parent.parent / "src" / "renewd" / "packs"
CHAINS = [name for name, pack in shipped_packs().items() if pack.engine is Engine.CHAIN]


@pytest.mark.parametrize("name", CHAINS)
def test_a_shipped_packs_words_are_the_catalogues_in_both_languages(name: str) -> None:
    pack = shipped_packs()[name]
    for lang in Lang:
        words = CATALOGUE[lang]
        assert pack.title[lang] == words[f"{name}.title"]
        for step in pack.steps:
            got = pack.step(step.kind).words[lang]
            for part in ("title", "short", "do"):
                assert getattr(got, part) == words[f"{name}.{step.kind}.{part}"], (lang, step)
            assert step_checklist(pack, step.kind, lang) == tuple(
                words[f"{name}.materials.{m}"] for m in step.materials
            )
        # Every act a holder or the employer does has a checklist.
        acts = [s for s in pack.steps if s.type is StepType.ACT]
        assert all(s.materials for s in acts), name
    # No shipped pack file carries words of its own any more.
    text = (PACKS / f"{name}.toml").read_text(encoding="utf-8")
    assert "words.zh" not in text
    assert "[materials]" not in text


def test_the_work_permit_filing_checklist_in_both_languages() -> None:
    pack = shipped_packs()["foreign-work-permit"]
    assert checklist_line(pack, "extension_filing", Lang.ZH) == (
        "所需材料：工作许可延期申请表（在线填写打印，申请人签字、单位盖章）、续签的劳动合同或聘用证明、"
        "持证人护照（有效期需覆盖延期期限）、有效居留许可（信息页）、现有外国人工作许可证"
    )
    assert checklist_line(pack, "extension_filing", Lang.EN) == (
        "Materials: the extension application form, filled in online, signed by the holder and"
        " sealed by the employer; the renewed labour contract or letter of employment; the"
        " holder's passport (valid beyond the extension); the valid residence permit (its"
        " information page); the current foreign work permit"
    )
    assert checklist_line(pack, "permit_processing", Lang.EN) == ""  # a wait brings nothing


def test_a_pack_taking_its_words_from_the_catalogue_needs_the_keys() -> None:
    text = """
name = "shenzhen-residence-permit"
[[steps]]
kind = "endorsement"
owner = "holder"
completes = true
due = { from = "expiry" }
materials = ["card"]
words = "catalogue"
"""
    with pytest.raises(ConfigError) as err:
        parse_pack(text, "shenzhen.toml")
    message = str(err.value)
    assert "title: the catalogue lacks 'shenzhen-residence-permit.title'" in message
    assert "steps.0.words: the catalogue lacks 'shenzhen-residence-permit.endorsement.do'" in (
        message
    )
    assert "steps.0.materials: unknown material 'card'" in message


@pytest.mark.integration
def test_plan_for_one_person_says_each_documents_next_step_and_checklist(write: Write) -> None:
    write(
        "people.csv",
        "工号,姓名,部门,证件类型,到期日\n"
        "2001,John Smith,研发部,工作许可,2027-04-20\n"
        "2001,John Smith,研发部,居留许可,2027-04-25\n",
    )
    config = write(
        "config.toml",
        'language = "en"\n[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n',
    )

    def plan(*extra: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "renewd", "plan", "-c", config, "--today", "2027-01-25", *extra],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    lines = plan("--person", "2001").splitlines()
    assert (
        "John Smith · Foreign work permit: Work-permit extension filing opens, by 2027-01-20 (Wed)."
        not in lines
    )  # a heads-up that passed is not a next step
    filing = lines.index(
        "John Smith · Foreign work permit: File the work-permit extension, by 2027-02-23 (Tue)."
        " File the work-permit extension in the foreigners' work management system; later than"
        " 30 days before the expiry the system refuses it and a new application is needed."
    )
    assert lines[filing + 1] == (
        "  " + checklist_line(shipped_packs()["foreign-work-permit"], "extension_filing", Lang.EN)
    )
    assert any(line.startswith("John Smith · Foreign residence permit (work): ") for line in lines)
    doc = json.loads(plan("--json"))
    work = doc["people"][0]
    assert {m["kind"]: m["materials"] for m in work["milestones"]}["extension_filing"] == [
        "application_form",
        "contract",
        "passport",
        "residence_permit",
        "work_permit",
    ]
