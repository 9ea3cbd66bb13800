"""The console in real headless Chromium: sign in, filter, open a person, record a step done and
undo it, and follow a one-click link from an email received by a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import browserkit
from consolekit import NOW, PASSWORD, ROSTER, Server, add_user, console_config, running
from netkit import Sink

pytestmark = [pytest.mark.integration, pytest.mark.browser]

Driver = Any
Write = Callable[[str, str], Path]


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    yield from browserkit.browser()


@pytest.fixture
def server(write: Write, smtp: tuple[Sink, int]) -> Iterator[Server]:
    _, smtp_port = smtp
    people = write("people.csv", ROSTER)
    channel = (
        f'[[channels]]\nname = "mail"\ntype = "email"\nhost = "127.0.0.1"\nport = {smtp_port}\n'
        'mode = "plain"\nsender = "人事部 <hr@example.com>"\n'
    )
    config = console_config(people.parent, channel)
    add_user(config, "hr", "--admin")
    with running(config, NOW) as srv:
        yield srv


def gone(element: Any) -> Any:
    """A wait condition: `element` left the document. Chromium sometimes answers a look at a
    replaced node with "Node with given id does not belong to the document" instead of a stale
    element error; both mean the page was replaced."""

    def check(_: Driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def loaded(driver: Driver) -> None:
    """Wait until the current document has finished loading."""
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def click(driver: Driver, element_id: str) -> None:
    """Click and wait for the next page to load (a form post or a link)."""
    loaded(driver)  # a screenshot's resize may still be settling
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 30).until(gone(old))
    loaded(driver)


def follow(driver: Driver, text: str) -> None:
    """Follow the link with `text` and wait for the next page."""
    loaded(driver)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, text).click()
    WebDriverWait(driver, 30).until(gone(old))
    loaded(driver)


def sign_in(driver: Driver, server: Server) -> None:
    driver.delete_all_cookies()
    driver.get(server.url("/"))
    assert "/signin" in driver.current_url  # no session: the sign-in page
    driver.find_element(By.ID, "name").send_keys("hr")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    click(driver, "signin")


@pytest.mark.slow  # over 6 s: `make test-slow` (CI runs it)
def test_sign_in_filter_open_person_record_and_undo(driver: Driver, server: Server) -> None:
    driver.get(server.url("/signin"))
    browserkit.screenshot(driver, "signin")
    sign_in(driver, server)
    assert driver.find_element(By.ID, "count-overdue").text.startswith("1")
    browserkit.screenshot(driver, "overview")

    driver.get(server.url("/people"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#people tbody tr")) == 4
    Select(driver.find_element(By.ID, "group")).select_by_visible_text("研发部")
    click(driver, "apply")
    ids = [
        r.get_attribute("data-id")
        for r in driver.find_elements(By.CSS_SELECTOR, "#people tbody tr")
    ]
    assert ids == ["E001", "E002"]  # sorted by next due date
    driver.find_element(By.ID, "q").send_keys("李")
    click(driver, "apply")
    rows = driver.find_elements(By.CSS_SELECTOR, "#people tbody tr")
    assert [r.get_attribute("data-id") for r in rows] == ["E002"]
    driver.get(server.url("/people?group=研发部"))
    browserkit.screenshot(driver, "people")

    follow(driver, "张三")
    assert driver.find_element(By.ID, "person-name").text.startswith("张三")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.timeline")
    assert "已逾期" in driver.find_element(By.ID, "step-permit_renewal").text
    browserkit.screenshot(driver, "person")

    click(driver, "done-permit_renewal")  # date defaults to today
    assert driver.find_element(By.ID, "flash").text == "已记录。"
    assert "已完成" in driver.find_element(By.ID, "step-permit_renewal").text
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-15"}
    assert "控制台：hr" in driver.find_element(By.ID, "changes").text
    browserkit.screenshot(driver, "person-done")

    click(driver, "undo-permit_renewal")
    assert driver.find_element(By.ID, "flash").text == "已撤销。"
    assert "已逾期" in driver.find_element(By.ID, "step-permit_renewal").text
    assert server.facts("E001") == {}

    follow(driver, "English")
    assert driver.find_element(By.ID, "flash").text == "Undone."
    assert "overdue" in driver.find_element(By.ID, "step-permit_renewal").text
    browserkit.screenshot(driver, "person-en")
    driver.find_element(By.LINK_TEXT, "中文").click()


def _link_in_mail(sink: Sink, to: str) -> str:
    for _, rcpts, raw in sink.messages:
        if to in rcpts:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            body = msg.get_body(preferencelist=("plain", "html"))
            text = body.get_content() if body else ""
            found = re.search(r"http://127\.0\.0\.1:\d+/a/[A-Za-z0-9_.=-]+", text)
            if found:
                return found.group(0)
    raise AssertionError(f"no action link in the mail to {to}: {sink.messages!r}")


def test_one_click_link_from_an_email(
    driver: Driver, server: Server, smtp: tuple[Sink, int]
) -> None:
    sink, _ = smtp
    server.run(server.daemon.run_pass("send_at"))  # the day's reminders
    link = _link_in_mail(sink, "e001@example.com")
    driver.delete_all_cookies()
    driver.get(link)  # opening it changes nothing
    assert "居住证签注" in driver.find_element(By.ID, "link-step").text
    assert server.facts("E001") == {}
    browserkit.screenshot(driver, "action-link")
    driver.find_element(By.ID, "expires").send_keys("")  # present on the permit step
    click(driver, "confirm")
    assert driver.find_element(By.ID, "link-done").text.startswith("谢谢")
    assert server.facts("E001") == {"permit_renewed_on": "2026-06-15"}
    browserkit.screenshot(driver, "action-done")
    driver.get(link)  # the step is done: the page says so and offers nothing
    assert driver.find_elements(By.ID, "link-already")
    driver.get(link[:-3] + "abc")
    assert "无效" in driver.find_element(By.ID, "message").text
    with server.db() as conn:
        actors = [r[0] for r in conn.execute("SELECT actor FROM console_audit")]
    assert actors == ["link"]


def test_phone_pages_fit_and_nothing_breaks_the_csp(driver: Driver, server: Server) -> None:
    sign_in(driver, server)
    driver.get_log("browser")  # start afresh
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    pages = ("/", "/people", "/people/E001", "/deliveries", "/subscriptions", "/calendar",
             "/roster", "/accounts")  # fmt: skip
    for path in pages:
        driver.get(server.url(path))
        if path in ("/subscriptions", "/calendar", "/roster", "/deliveries"):
            browserkit.screenshot(driver, path.strip("/"))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        try:
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        assert overflow <= 0, path
    complaints = [e["message"] for e in driver.get_log("browser")]
    assert not [m for m in complaints if "Content Security Policy" in m], complaints


def test_roster_upload_shows_who_would_be_removed_before_the_swap(
    driver: Driver, server: Server, write: Write
) -> None:
    sign_in(driver, server)
    smaller = ROSTER.splitlines(keepends=True)
    changed = smaller[0] + smaller[1].replace("2026-06-30", "2026-07-15")  # 张三 only, a new date
    sheet = write("upload/people.csv", changed + "E005,钱七,研发部,2026-10-01,e005@example.com\n")
    driver.get(server.url("/roster"))
    driver.find_element(By.ID, "file").send_keys(str(sheet))
    click(driver, "check")
    warning = driver.find_element(By.ID, "removed-warning")
    assert "danger" in (warning.get_attribute("class") or "")
    assert "将移除 3 人" in warning.text
    assert "李四（E002）" in driver.find_element(By.ID, "diff-removed").text
    assert "2026-06-30 → 2026-07-15" in driver.find_element(By.ID, "diff-changed").text
    assert driver.find_element(By.ID, "swap").text == "仍然替换并移除 3 人"
    browserkit.screenshot(driver, "roster-diff")
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:  # the lists wrap on a phone
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0
    assert "E002" in (server.daemon.settings.roster.files[0]).read_text(encoding="utf-8")


def test_a_foreign_employees_documents_changing_are_listed_and_fit_a_phone(
    driver: Driver, server: Server, write: Write
) -> None:
    """John Smith holds a work permit and a residence permit, no points: HR adds him, then a
    later file moves one document's expiry and drops the other. The check lists him as changed,
    each document on its own line, in words HR reads on a phone too."""
    sign_in(driver, server)
    header, *rows = ROSTER.splitlines(keepends=True)
    header = header.rstrip("\n") + ",证件类型\n"
    points = "".join(row.rstrip("\n") + ",\n" for row in rows)
    work = "J001,John Smith,研发部,2027-04-20,john@example.com,foreign-work-permit\n"
    residence = "J001,John Smith,研发部,2027-04-25,john@example.com,居留许可\n"
    first = write("upload/people.csv", header + points + work + residence)
    driver.get(server.url("/roster"))
    driver.find_element(By.ID, "file").send_keys(str(first))
    click(driver, "check")
    assert driver.find_element(By.ID, "diff-added").text == "John Smith（J001）"
    click(driver, "swap")
    server.run(server.daemon.poll_roster())  # the watcher's look: John is on the roster now
    later = write("upload/later.csv", header + points + work.replace("2027-04-20", "2027-05-20"))
    driver.get(server.url("/roster"))
    driver.find_element(By.ID, "file").send_keys(str(later))
    click(driver, "check")
    changed = driver.find_element(By.ID, "diff-changed").text
    assert "John Smith（J001）" in changed
    assert "外国人工作许可证：到期日 2027-04-20 → 2027-05-20" in changed
    assert "外国人居留许可（工作类）：移除" in changed
    assert "移除 0 人" in driver.find_element(By.ID, "diff-counts").text
    browserkit.screenshot(driver, "roster-documents")
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0


def test_an_upload_with_bad_rows_lists_what_it_holds_back_and_fits_a_phone(
    driver: Driver, server: Server, write: Write
) -> None:
    sign_in(driver, server)
    rows = ROSTER.splitlines(keepends=True)
    bad = rows[2].replace("2026-09-30", "2026-09-31")  # 李四: no such day
    sheet = write("upload/people.csv", rows[0] + rows[1] + bad + "".join(rows[3:]))
    driver.get(server.url("/roster"))
    driver.find_element(By.ID, "file").send_keys(str(sheet))
    click(driver, "check")
    held = driver.find_element(By.ID, "held-warning")
    assert "warning" in (held.get_attribute("class") or "")
    assert "有问题的行：1 行" in held.text
    assert "第3行 居住证到期日：没有这一天（2026-09-31）" in held.text
    assert driver.find_element(By.ID, "swap").text == "确认替换（1 行暂不生效）"
    assert "移除 0 人" in driver.find_element(By.ID, "diff-counts").text
    assert driver.find_element(By.ID, "diff-none").text.startswith("除有问题的行外")
    said = [e.get_attribute("id") for e in driver.find_elements(By.CSS_SELECTOR, "#result [id]")]
    assert said.index("held-warning") < said.index("diff-counts")  # what is held, first
    browserkit.screenshot(driver, "roster-held")
    phone = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
    try:
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert overflow <= 0


def test_the_person_page_lists_his_upcoming_messages(driver: Driver, server: Server) -> None:
    sign_in(driver, server)
    driver.get(server.url("/people/E002"))
    loaded(driver)
    rows = driver.find_elements(By.CSS_SELECTOR, "#upcoming-list tbody tr")
    assert rows
    assert all("mail → e002@example.com" in r.text for r in rows)
    first = driver.find_element(By.CSS_SELECTOR, "#upcoming-list details")
    first.find_element(By.TAG_NAME, "summary").click()
    assert "李四" in first.find_element(By.CSS_SELECTOR, "pre.body").text
    driver.execute_script("document.getElementById('upcoming').scrollIntoView()")
    files = browserkit.screenshot(driver, "person-upcoming")
    assert all(f.stat().st_size > 0 for f in files)
