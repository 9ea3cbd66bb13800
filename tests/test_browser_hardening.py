"""Issue 18 in real headless Chromium: a crafted redirect keeps the browser on the console's own
origin, and a used one-click link shows what is recorded and by whom, offering nothing to send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browserkit
from consolekit import NOW, Server, four_people, running
from renewd.core.model import Step
from renewd.delivery.actionlinks import ActionLinks, action_key
from renewd.store.tokens import load_key

pytestmark = [pytest.mark.integration, pytest.mark.browser]

Driver = Any


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    yield from browserkit.browser()


@pytest.fixture
def server(write: Callable[[str, str], Path]) -> Iterator[Server]:
    with running(four_people(write), NOW) as srv:
        yield srv


def settled(driver: Driver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_a_tab_in_next_keeps_the_browser_on_the_site(driver: Driver, server: Server) -> None:
    """Browsers drop a TAB from a Location: "/<TAB>/localhost:PORT/x" was "//localhost:PORT/x",
    another origin (here the same server under another name, so nothing leaves the machine)."""
    driver.delete_all_cookies()
    for target in (f"/%09/localhost:{server.port}/elsewhere", f"/%5C/localhost:{server.port}/"):
        driver.get(server.url(f"/lang?to=zh&next={target}"))
        settled(driver)
        assert driver.current_url.startswith(server.url("/")), driver.current_url


def test_a_used_link_says_who_recorded_it_and_offers_nothing(
    driver: Driver, server: Server
) -> None:
    key = load_key(server.daemon.settings.state.dir)
    link = ActionLinks(action_key(key), server.url("")).url(
        "E001", dt.date(2026, 6, 30), Step.PERMIT_RENEWED
    )
    driver.get(server.url("/signin"))
    driver.delete_all_cookies()  # this origin's
    driver.get(link)
    driver.find_element(By.ID, "expires").send_keys("")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "confirm").click()
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "html") != old)
    settled(driver)
    assert driver.find_element(By.ID, "link-done").text.startswith("谢谢")
    driver.get(link)  # a forwarded mail, opened again later
    settled(driver)
    already = driver.find_element(By.ID, "link-already").text
    assert "2026-06-15" in already
    assert "员工确认链接" in already
    assert not driver.find_elements(By.ID, "on")  # no date to send again
    assert driver.find_elements(By.ID, "expires")  # only the missing new expiry
    browserkit.screenshot(driver, "action-link-used")
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-15"}
