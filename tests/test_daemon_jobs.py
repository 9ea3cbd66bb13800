"""The daemon in-process: its job functions called directly, time injected."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import responses

from conftest import PERMIT_DUE
from netkit import free_port
from renewd.service.daemon import Daemon

Write = Callable[[str, str], Path]
ZONE = dt.timezone(dt.timedelta(hours=8))
API = "https://wecom.test"


def wecom_config(write: Write) -> Path:
    write(
        "people.csv", "工号,姓名,部门,居住证到期日,企业微信\n1001,张三,研发部,2026-06-30,zhangsan\n"
    )
    port = free_port()
    return write(
        "config.toml",
        f"""\
        [roster]
        files = ["people.csv"]
        [state]
        dir = "state"
        [server]
        listen = "127.0.0.1:{port}"
        base_url = "http://127.0.0.1:{port}"
        [[channels]]
        name = "app"
        type = "wecom"
        corp_id = "ww1"
        agent_id = 1000002
        secret = "S3CRET"
        api_url = "{API}"
        """,
    )


def at(day: dt.date, hour: int = 9, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE)


@responses.activate
def test_the_wecom_access_token_outlives_passes_and_a_reload(write: Write) -> None:
    gettoken = responses.get(
        f"{API}/cgi-bin/gettoken",
        json={"errcode": 0, "errmsg": "ok", "access_token": "TOKEN", "expires_in": 7200},
    )
    send = responses.post(f"{API}/cgi-bin/message/send", json={"errcode": 0, "errmsg": "ok"})
    now = [at(PERMIT_DUE - dt.timedelta(days=3))]
    daemon = Daemon(wecom_config(write), clock=lambda: now[0])

    async def scenario() -> list[dict[str, int]]:
        await daemon.start()
        try:
            counts = [await asyncio.to_thread(daemon.deliver, now[0])]
            assert daemon.reload_config()  # same channels: the same channel objects
            now[0] = at(PERMIT_DUE - dt.timedelta(days=1))
            counts.append(await asyncio.to_thread(daemon.deliver, now[0]))
            return counts
        finally:
            await daemon.stop()

    counts = asyncio.run(scenario())
    assert all(c.get("sent") for c in counts), counts
    assert send.call_count == sum(c["sent"] for c in counts) >= 2
    assert gettoken.call_count == 1
