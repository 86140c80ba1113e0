"""The email of an edition in a real browser: 600 pixels wide, nothing fetched, dark mode.

Chromium stands in for a mail client's HTML engine (Debian's, through
Playwright, as test_live_reload.py runs it). The file is opened from disk
with every request outside it refused and recorded: an email that loads
nothing shows the same whatever the network.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.models import BuildOptions
from builder.pipeline import build

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "site-editions"
MONDAY = dt.datetime.fromisoformat("2026-11-23T00:00:00+01:00")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def email(tmp_path: Path) -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    result = build(load_config(site / "site.yaml"), BuildOptions(now=MONDAY, jobs=1))
    assert result.ok
    return site / "output" / "editions" / "2026-w47" / "email.html"


def test_the_email_fits_600_pixels_loads_nothing_and_has_a_dark_mode(email: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            colours = {}
            for scheme in ("light", "dark"):
                page = browser.new_page(viewport={"width": 600, "height": 800}, color_scheme=scheme)
                fetched: list[str] = []

                def only_the_file(route, fetched=fetched) -> None:
                    if route.request.url == email.as_uri():
                        route.continue_()
                    else:
                        fetched.append(route.request.url)
                        route.abort()

                page.route("**/*", only_the_file)
                page.goto(email.as_uri())
                assert fetched == []
                assert page.evaluate("document.documentElement.scrollWidth") <= 600
                assert page.locator("text=View this edition on the web").is_visible()
                assert not page.locator(".preheader").is_visible()
                colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert colours == {"light": "rgb(243, 239, 230)", "dark": "rgb(15, 14, 13)"}
        finally:
            browser.close()
