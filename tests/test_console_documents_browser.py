"""A foreign employee's documents on the console in real headless Chromium, at phone and desktop
size (issue 22): one chain per document with no two labels overlapping and nothing wider than
the screen, and a document's step recorded by clicking its button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browserkit
from consolekit import PASSWORD, SHANGHAI, Server, add_user, console_config, running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

Driver = Any
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)
ROSTER = """\
工号,姓名,部门,证件类型,到期日
2001,John Smith,研发部,foreign-work-permit,2027-02-20
2001,John Smith,研发部,居留许可,2027-02-25
3001,陈大文,市场部,hmt-residence-permit,2026-12-20
"""
# Labels of one picture or one list: every shown `.tl-label` under `arguments[0]`.
LABELS = """
return [...arguments[0].querySelectorAll('.tl-label')].filter(e => e.checkVisibility())
  .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && r.height > 0)
  .map(([t, r]) => [t, r.left, r.top, r.right, r.bottom]);
"""


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    yield from browserkit.browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("documents")
    (folder / "people.csv").write_text(ROSTER, encoding="utf-8")
    config = console_config(folder)
    add_user(config, "hr", "--admin")
    with running(config, NOW) as srv:
        yield srv


def loaded(driver: Driver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def sign_in(driver: Driver, server: Server) -> None:
    driver.delete_all_cookies()
    driver.get(server.url("/signin"))
    driver.find_element(By.ID, "name").send_keys("hr")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "signin").click()
    WebDriverWait(driver, 30).until(lambda d: "/signin" not in d.current_url)
    loaded(driver)


def open_at(driver: Driver, url: str, size: str) -> None:
    width, height = browserkit.SIZES[size]
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": size == "phone"}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get("about:blank")
    driver.get(url)
    loaded(driver)


def overlaps(labels: list[list[Any]]) -> list[tuple[str, str]]:
    found = []
    for i, (a, *ra) in enumerate(labels):
        for b, *rb in labels[i + 1 :]:
            wide = min(ra[2], rb[2]) - max(ra[0], rb[0])
            high = min(ra[3], rb[3]) - max(ra[1], rb[1])
            if wide > 0.5 and high > 0.5:
                found.append((a, b))
    return found


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_each_document_has_its_chain_and_nothing_overlaps(
    driver: Driver, server: Server, size: str
) -> None:
    sign_in(driver, server)
    try:
        for lang in ("zh", "en"):
            driver.get(server.url(f"/lang?to={lang}&next=/"))
            open_at(driver, server.url("/people/2001"), size)
            sections = driver.find_elements(By.CSS_SELECTOR, "section.document")
            assert [s.get_attribute("data-pack") for s in sections] == [
                "foreign-work-permit",
                "foreign-residence-permit",
            ]
            for section in sections:
                for part in section.find_elements(By.CSS_SELECTOR, "svg.timeline, ol.vtl"):
                    labels = driver.execute_script(LABELS, part)
                    assert overlaps(labels) == [], (lang, size)
                shown = [
                    e
                    for e in section.find_elements(By.CSS_SELECTOR, ".tl-label")
                    if e.is_displayed()
                ]
                assert len(shown) >= 4, (lang, size)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (lang, size)
            browserkit.SHOTS.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(browserkit.SHOTS / f"documents-{lang}-{size}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.get(server.url("/lang?to=zh&next=/"))


def test_a_document_step_is_recorded_by_its_button(driver: Driver, server: Server) -> None:
    sign_in(driver, server)
    open_at(driver, server.url("/people/3001"), "desktop")
    driver.find_element(By.ID, "done-hmt-residence-permit-card_application").click()
    WebDriverWait(driver, 30).until(lambda d: "msg=recorded" in d.current_url)
    loaded(driver)
    row = driver.find_element(By.ID, "step-hmt-residence-permit-card_application")
    assert "2026-12-07" in row.text
    assert driver.find_element(By.ID, "undo-hmt-residence-permit-card_application")
    with server.db() as conn:
        fact = conn.execute("SELECT recorded_by FROM document_fact").fetchone()
    assert fact["recorded_by"] == "console:hr"
    driver.find_element(By.ID, "undo-hmt-residence-permit-card_application").click()
    WebDriverWait(driver, 30).until(lambda d: "msg=undone" in d.current_url)
    loaded(driver)
    assert driver.find_element(By.ID, "done-hmt-residence-permit-card_application")
