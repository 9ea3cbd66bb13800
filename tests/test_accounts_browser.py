"""The accounts page in real headless Chromium: an admin adds an account (a generated password
shown once), is refused an unknown group with the known ones named, limits an account, resets a
password and removes an account; the account whose password was reset signs in with the new one
and, not being an admin, gets no link and a 403. Screenshots at 390x844 and 1280x800
(build/screenshots/accounts-*)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browserkit
from consolekit import NOW, PASSWORD, Server, four_people, running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

Driver = Any
Write = Callable[[str, str], Path]


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    yield from browserkit.browser()


@pytest.fixture
def server(write: Write) -> Iterator[Server]:
    with running(four_people(write), NOW) as srv:
        yield srv


def loaded(driver: Driver) -> None:
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def click(driver: Driver, element_id: str) -> None:
    """Click and wait until the next page has replaced this one."""
    loaded(driver)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()

    def replaced(_: Driver) -> bool:
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(driver, 30).until(replaced)
    loaded(driver)


def sign_in(driver: Driver, server: Server, name: str, password: str = PASSWORD) -> None:
    driver.delete_all_cookies()
    driver.get(server.url("/signin"))
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    click(driver, "signin")


def text(driver: Driver, element_id: str) -> str:
    return str(driver.find_element(By.ID, element_id).text)


def typed(driver: Driver, element_id: str, value: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def roles(driver: Driver) -> dict[str, str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#accounts tbody tr")
    return {
        r.find_element(By.CSS_SELECTOR, "td").text: r.find_elements(By.CSS_SELECTOR, "td")[1].text
        for r in rows
    }


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_an_admin_manages_accounts_in_the_browser(driver: Driver, server: Server) -> None:
    sign_in(driver, server, "admin")
    driver.find_element(By.LINK_TEXT, "账号").click()
    loaded(driver)
    assert roles(driver) == {"admin（你）": "管理员（全部部门）", "rd": "研发部"}
    browserkit.screenshot(driver, "accounts-list")

    typed(driver, "add-name", "sales")
    typed(driver, "add-groups", "销售部")
    typed(driver, "add-password", PASSWORD)
    click(driver, "add-submit")
    assert text(driver, "refused") == "未知部门：销售部。名单和 [groups] 中的部门有：市场部, 研发部"
    assert driver.find_element(By.ID, "add-name").get_attribute("value") == "sales"
    browserkit.screenshot(driver, "accounts-unknown-group")

    typed(driver, "add-name", "mkt")
    typed(driver, "add-groups", "市场部")
    click(driver, "add-submit")  # no password: one is generated
    assert text(driver, "done") == "已创建账号 mkt。"
    generated = text(driver, "new-password")
    assert len(generated) >= 12
    browserkit.screenshot(driver, "accounts-generated")
    assert roles(driver)["mkt"] == "市场部"

    driver.find_element(By.ID, "open-rd").click()
    typed(driver, "groups-rd", "市场部、研发部")
    browserkit.screenshot(driver, "accounts-manage")
    click(driver, "save-rd")
    assert text(driver, "done") == "已更新账号 rd 的权限。"
    assert roles(driver)["rd"] == "市场部, 研发部"

    driver.find_element(By.ID, "open-rd").click()
    click(driver, "reset-rd")
    assert "rd 的新密码" in text(driver, "generated")
    new_rd = text(driver, "new-password")

    driver.find_element(By.ID, "open-mkt").click()
    click(driver, "remove-mkt")
    assert "确定删除账号 mkt" in text(driver, "confirm-remove")
    browserkit.screenshot(driver, "accounts-confirm-remove")
    click(driver, "remove-yes")
    assert text(driver, "done") == "已删除账号 mkt，该账号已退出所有登录。"
    assert "mkt" not in roles(driver)

    sign_in(driver, server, "rd", new_rd)
    assert not driver.find_elements(By.LINK_TEXT, "账号")
    driver.get(server.url("/accounts"))
    assert text(driver, "message") == "只有管理员可以管理账号。"
    browserkit.screenshot(driver, "accounts-forbidden")
