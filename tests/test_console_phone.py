"""The console on a phone (issue 19 item 5), in real headless Chromium at 390x844 and 1280x800:
a person's page opens on today with the next step in view and no two labels overlapping, and
the console can be added to a home screen (a manifest every page links, served as
application/manifest+json, with PNG icons of the sizes it states)."""

from __future__ import annotations

import datetime as dt
import json
import struct
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import browserkit
from consolekit import PASSWORD, SHANGHAI, Server, add_user, console_config, running

pytestmark = [pytest.mark.integration, pytest.mark.browser]

Driver = Any
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)  # the suite's pinned day

# At 2026-12-07: E004's chain is overdue, with steps on the same and close days, and a gap;
# P01 has two steps recorded done; P02's chain is all ahead; P03 has an enrolment at risk (the
# card above the timeline); P04 expires today.
ROSTER = """\
工号,姓名,部门,居住证到期日,变更事项,邮箱,居住证续签日期,积分续办申请日期,关键日期
E004,赵六,市场部,2026-12-01,,e004@example.com,,,
P01,钱七,研发部,2027-01-20,,p01@example.com,2026-12-01,2026-12-03,
P02,孙八,研发部,2027-06-30,,p02@example.com,,,
P03,周九,研发部,2027-01-05,子女,p03@example.com,,,2027-01-10 子女入学登记
P04,吴十,市场部,2026-12-07,,p04@example.com,,,
"""
PEOPLE = ("E004", "P01", "P02", "P03", "P04")


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    yield from browserkit.browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("phone")
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
    """Load `url` afresh in a viewport of `size`, as a phone or a desktop would first show it."""
    width, height = browserkit.SIZES[size]
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": size == "phone"}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    driver.get("about:blank")
    driver.get(url)
    loaded(driver)


# Every shown label's box (none in a folded <details> nor a hidden picture), and whether each
# shown element matching a selector lies in the viewport.
LABELS = """
return [...document.querySelectorAll('.tl-label')].filter(e => e.checkVisibility())
  .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && r.height > 0)
  .map(([t, r]) => [t, r.left, r.top, r.right, r.bottom]);
"""
IN_VIEW = """
const shown = [...document.querySelectorAll(arguments[0])]
  .filter(e => e.checkVisibility());
return shown.map(e => {
  const r = e.getBoundingClientRect();
  return [e.textContent.trim() || e.id, r.top >= 0 && r.left >= 0
    && r.bottom <= window.innerHeight && r.right <= window.innerWidth];
});
"""


def overlaps(labels: list[list[Any]]) -> list[tuple[str, str]]:
    found = []
    for i, (a, *ra) in enumerate(labels):
        for b, *rb in labels[i + 1 :]:
            wide = min(ra[2], rb[2]) - max(ra[0], rb[0])
            high = min(ra[3], rb[3]) - max(ra[1], rb[1])
            if wide > 0.5 and high > 0.5:
                found.append((a, b))
    return found


def in_view(driver: Driver, selector: str) -> list[tuple[str, bool]]:
    return [tuple(x) for x in driver.execute_script(IN_VIEW, selector)]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_person_page_opens_on_today_with_the_next_step_and_no_overlaps(
    driver: Driver, server: Server, size: str
) -> None:
    sign_in(driver, server)
    try:
        for lang in ("zh", "en"):
            driver.get(server.url(f"/lang?to={lang}&next=/"))
            for person in PEOPLE:
                open_at(driver, server.url(f"/people/{person}"), size)
                where = f"{person} {lang} {size}"
                today = in_view(driver, ".today-mark")
                assert today, where
                assert all(seen for _, seen in today), (where, today)
                upcoming = in_view(driver, "li.next, text.next")
                assert len(upcoming) == 1, (where, upcoming)
                assert upcoming[0][1], (where, upcoming)
                if size == "phone":  # the step after today's marker is in view too
                    after = in_view(driver, ".vtl > .today-mark + li")
                    assert all(seen for _, seen in after), (where, after)
                else:  # the whole picture: every step's label
                    labels = in_view(driver, "svg.timeline .tl-label")
                    assert all(seen for _, seen in labels), (where, labels)
                labels = driver.execute_script(LABELS)
                assert len(labels) >= 4, (where, labels)
                assert overlaps(labels) == [], where
                overflow = driver.execute_script(
                    "return document.documentElement.scrollWidth"
                    " - document.documentElement.clientWidth"
                )
                assert overflow <= 0, where
                if person == "E004":
                    browserkit.SHOTS.mkdir(parents=True, exist_ok=True)
                    driver.save_screenshot(str(browserkit.SHOTS / f"timeline-{lang}-{size}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_phone_timeline_folds_the_done_steps_and_marks_the_next(
    driver: Driver, server: Server
) -> None:
    sign_in(driver, server)
    driver.get(server.url("/lang?to=zh&next=/"))
    try:
        open_at(driver, server.url("/people/P01"), "phone")
        earlier = driver.find_element(By.CSS_SELECTOR, "#vtl .earlier details")
        assert earlier.get_attribute("open") is None
        assert "已完成或已过的步骤（4）" in earlier.text
        order = [
            li.get_attribute("id")
            for li in driver.find_elements(By.CSS_SELECTOR, "#vtl > li:not(.earlier)")
        ]
        assert order.index("vtl-today") < order.index("vtl-employer_submission")
        nxt = driver.find_element(By.CSS_SELECTOR, "#vtl li.next")
        assert "下一步" in nxt.text
        assert not driver.find_element(By.CSS_SELECTOR, "svg.timeline").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_every_page_links_a_manifest_with_icons_of_the_stated_sizes(
    driver: Driver, server: Server
) -> None:
    sign_in(driver, server)
    driver.get_log("browser")  # start afresh
    links = {}
    for path in ("/", "/people", "/people/E004", "/deliveries", "/calendar", "/roster"):
        driver.get(server.url(path))
        loaded(driver)
        link = driver.find_element(By.CSS_SELECTOR, "link[rel=manifest]")
        links[path] = link.get_attribute("href")
        theme = driver.find_element(By.CSS_SELECTOR, "meta[name=theme-color]")
        assert theme.get_attribute("content") == "#0d47a1"
        touch = driver.find_element(By.CSS_SELECTOR, "link[rel=apple-touch-icon]")
        response = requests.get(str(touch.get_attribute("href")), timeout=10)
        assert response.headers["Content-Type"] == "image/png"
        assert png_size(response.content) == (180, 180)
    complaints = [e["message"] for e in driver.get_log("browser")]
    assert not [m for m in complaints if "Content Security Policy" in m], complaints
    driver.get(server.url("/signin"))  # before signing in too: the browser fetches it without
    href = driver.find_element(By.CSS_SELECTOR, "link[rel=manifest]").get_attribute("href")
    assert href == links["/"]
    response = requests.get(str(href), timeout=10)  # no cookie, as a browser fetches it
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == "application/manifest+json"
    manifest = json.loads(response.text)
    assert manifest["name"] == "居住证续办 · renewd"
    assert manifest["short_name"] == "居住证续办"
    assert manifest["lang"] == "zh-CN"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    seen = set()
    for icon in manifest["icons"]:
        data = requests.get(server.url(icon["src"]), timeout=10)
        assert data.headers["Content-Type"] == "image/png"
        width, height = png_size(data.content)
        assert icon["sizes"] == f"{width}x{height}"
        seen.add((width, icon["purpose"]))
    assert {(192, "maskable"), (512, "maskable"), (192, "any"), (512, "any")} <= seen
    english = json.loads(requests.get(server.url("/manifest.webmanifest?lang=en"), timeout=10).text)
    assert english["short_name"] == "Permit renewals"
    assert english["lang"] == "en"


def test_chromium_reads_the_manifest(driver: Driver, server: Server) -> None:
    """The browser itself finds the manifest installable-shaped: parsed, with its icons."""
    driver.get(server.url("/signin"))
    loaded(driver)
    got = driver.execute_cdp_cmd("Page.getAppManifest", {})
    assert got["errors"] == [], got["errors"]
    assert got["url"].endswith("/manifest.webmanifest?lang=zh")
    parsed = json.loads(got["data"])
    assert parsed["theme_color"] == "#0d47a1"


def test_an_unknown_icon_is_not_found(server: Server) -> None:
    assert requests.get(server.url("/static/icon-64.png"), timeout=10).status_code == 404
    assert requests.get(server.url("/static/icon-192.png"), timeout=10).status_code == 200
