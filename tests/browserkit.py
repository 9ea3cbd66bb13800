"""Headless Chromium for console tests: Debian's chromium and chromium-driver, never a download.

Skipped when Chromium is missing, except under CI=true, where a missing browser is a failure.
Screenshots go to build/screenshots/ at desktop (1280x800) and phone (390x844) size.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

DRIVER = "/usr/bin/chromedriver"
SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser() -> Iterator[object]:
    """A Selenium Chrome driver, or a skip (a failure in CI)."""
    binary = _chromium()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:  # pragma: no cover - selenium is a test dependency
        binary = None
    if binary is None or not Path(DRIVER).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium and chromium-driver are required in CI (see .ci/run)")
        pytest.skip("Chromium or chromium-driver is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--lang=zh-CN", "--window-size=1280,800"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP reports land there
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.implicitly_wait(2)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: object, name: str) -> list[Path]:
    """Save the current page at both sizes; return the files."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    files = []
    for size, (width, height) in SIZES.items():
        # The viewport itself at that size (a window size would include the browser's frame).
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1,
                   "mobile": size == "phone"}  # fmt: skip
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]
        path = SHOTS / f"{name}-{size}.png"
        driver.save_screenshot(str(path))  # type: ignore[attr-defined]
        files.append(path)
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})  # type: ignore[attr-defined]
    driver.execute_script("return document.body.getBoundingClientRect()")  # type: ignore[attr-defined]
    return files
