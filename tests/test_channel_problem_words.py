"""A bad cell in a channel column (企业微信, Telegram, 钉钉, 飞书, Bark, PushPlus) is worded in the
console's language like every other roster problem (issue 19): Chinese on a Chinese page, the
reader's own English on an English one; a Bark key or a phone number is never shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from renewd.core.errors import Problem
from renewd.core.model import Lang
from renewd.core.problemwords import describe, message
from renewd.roster.reader import load_roster_file

KEY = "应填一个 8–128 位的密钥（字母、数字、_ 或 -），只填密钥本身，不要填网址"
CELLS = [
    ("钉钉", "13812345678", "应填钉钉 userid 或飞书 open_id/user_id，不能填手机号"),
    ("飞书", "ou a|b", "应填一个用户 ID（字母、数字及 _ - .，不能填多个）"),
    ("Bark", "https://api.day.app/AbCdEfGh12345678", KEY),
    ("PushPlus", "short", KEY),
    ("企业微信", "@all", "应填一个企业微信 userid（字母、数字及 _ - . @，不能填 @all 或多个）"),
    ("Telegram", "li si", "应填 Telegram 的 chat id（数字）或 @用户名"),
]  # fmt: skip


@pytest.mark.parametrize(("header", "value", "zh"), CELLS)
def test_a_bad_channel_cell_is_worded_in_the_pages_language(
    write: Callable[[str, str], Path], header: str, value: str, zh: str
) -> None:
    path = write("p.csv", f"工号,姓名,居住证到期日,{header}\nE1,张三,2027-02-10,{value}\n")
    _, problems, _ = load_roster_file(path)
    assert len(problems) == 1
    said = describe(problems[0], Lang.ZH)
    assert said.startswith(f"p.csv 第2行 {header}：{zh}")
    assert message(problems[0].message, Lang.EN) == problems[0].message  # as `renewd check`
    if header in ("Bark", "PushPlus", "钉钉"):  # a key or a phone number: never shown
        assert value not in said
        assert "AbCdEfGh" not in describe(problems[0], Lang.EN)


def test_an_upload_of_the_wrong_kind_is_worded_in_chinese() -> None:
    problem = Problem("people.csv", "upload a .csv file to replace it")
    assert describe(problem, Lang.ZH) == "people.csv：请上传 .csv 文件来替换它"
