"""The README's pack for another city works as written: its two TOML blocks, saved as the README
says, pass `renewd check`, and a roster row naming the pack is planned by it (the window figure
overridden in the configuration, the due day moved to the last working day)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.cli import main

Write = Callable[[str, str], Path]
README = Path(__file__).resolve().parent.parent / "README.md"


def section_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### A pack for another city", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```toml\n(.*?)```", section, re.S)


def test_the_readmes_city_pack_checks_and_plans(
    write: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    config_block, pack_block = section_blocks()
    assert config_block.startswith("# config.toml")
    assert pack_block.startswith("# packs/suzhou.toml")
    write("packs/suzhou.toml", pack_block)
    # Expiry Monday 2027-10-04 is in the National Day holiday: due on the last working day before.
    write(
        "people.csv",
        "工号,姓名,部门,证件类型,到期日\n5001,李雷,苏州分公司,suzhou-residence-permit,2027-10-04\n",
    )
    config = write(
        "config.toml",
        '[roster]\nfiles = ["people.csv"]\n[state]\ndir = "state"\n' + config_block,
    )
    assert main(["check", "-c", str(config), "--today", "2026-12-07"]) == 0, capsys.readouterr()
    capsys.readouterr()
    assert main(["plan", "-c", str(config), "--json", "--today", "2027-08-01"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [entry] = [p for p in doc["people"] if p.get("document") == "suzhou-residence-permit"]
    [step] = entry["milestones"]
    assert step["kind"] == "endorsement"
    assert step["owner"] == "holder"
    assert step["opens"] == "2027-08-20"  # 45 days before, the configuration's figure
    assert step["due"] == "2027-09-30"  # the last working day before the holiday
    assert step["cutoff"] == "2027-10-04"
    assert step["materials"] == ["card", "id_card"]
