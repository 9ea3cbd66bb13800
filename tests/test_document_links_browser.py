"""A document step's one-click link in real headless Chromium (issue 22): the daemon's pass mails
the HMT holder his reminder over a real SMTP server; he opens its link (nothing recorded), sees
the step, confirms, and the step is recorded by "link"; opened again, the page says it is done;
no page breaks the console's CSP."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browserkit
from consolekit import SHANGHAI, console_config, running
from netkit import Sink, smtp_server

pytestmark = [pytest.mark.integration, pytest.mark.browser]

Driver = Any
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
ROSTER = (
    "工号,姓名,部门,居住证到期日,邮箱,证件类型\n"
    "3001,陈大文,研发部,2026-12-20,chen@example.com,hmt-residence-permit\n"
)


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    yield from browserkit.browser()


def _link(sink: Sink) -> str:
    for _, rcpts, raw in sink.messages:
        if "chen@example.com" in rcpts:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain",))
            found = re.search(
                r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_.=-]+", body.get_content() if body else ""
            )
            if found:
                return found.group(0)
    raise AssertionError(f"no action link in his mail: {sink.messages!r}")


def _loaded(driver: Driver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def test_a_document_link_from_an_email_in_a_browser(driver: Driver, tmp_path: Any) -> None:
    with smtp_server() as (sink, port):
        (tmp_path / "people.csv").write_text(ROSTER, "utf-8")
        channel = (
            f'[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\nport = {port}\n'
            'mode = "plain"\nsender = "人事部 <hr@example.com>"\n'
        )
        with running(console_config(tmp_path, channel), NOW) as server:
            server.run(server.daemon.run_pass("send_at"))  # the day's reminders
            link = _link(sink)
            driver.delete_all_cookies()
            driver.get_log("browser")  # start afresh
            driver.get(link)  # opening it changes nothing
            _loaded(driver)
            assert "到指定派出所申请换领居住证" in driver.find_element(By.ID, "link-step").text
            with server.db() as conn:
                assert conn.execute("SELECT COUNT(*) FROM document_fact").fetchone()[0] == 0
            browserkit.screenshot(driver, "document-action-link")
            driver.find_element(By.ID, "confirm").click()
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "link-done"))
            assert driver.find_element(By.ID, "link-done").text.startswith("谢谢")
            with server.db() as conn:
                rows = conn.execute("SELECT step, day, recorded_by FROM document_fact").fetchall()
            assert [tuple(r) for r in rows] == [("card_application", "2026-12-07", "link")]
            driver.get(link)  # done: the page says so and offers nothing
            _loaded(driver)
            assert driver.find_elements(By.ID, "link-already")
            assert not driver.find_elements(By.ID, "confirm")
            complaints = [e["message"] for e in driver.get_log("browser")]
            assert not [c for c in complaints if "Content Security Policy" in c], complaints
