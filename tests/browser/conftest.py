"""Built sites served on 127.0.0.1 for the browser tests, and Debian's Chromium to read them.

A built output/ is served by a ThreadingHTTPServer from a folder that
mounts it at its base_url's path (`/digest/`), so every link resolves as it
would on the real host. Chromium comes from apt, never `playwright
install`; without it the tests are skipped locally and fail under CI.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, build_fixture_copy

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH = {"executable_path": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu"]}


@dataclass(frozen=True)
class Served:
    """A built fixture on a local server: its build and the URL of its front page."""

    site: Any  # tests/conftest.py's BuiltSite
    url: str  # http://127.0.0.1:PORT/digest/


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the API's name
        pass


def serve(out: Path, mount: Path, base_path: str) -> Iterator[str]:
    """Serve `out` at `base_path` on 127.0.0.1 until the generator is closed; yields the URL."""
    target = mount / base_path.strip("/") if base_path.strip("/") else mount
    target.parent.mkdir(parents=True, exist_ok=True)
    if target != mount:
        target.symlink_to(out, target_is_directory=True)
    root = mount if target != mount else out
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{base_path}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"{CHROMIUM} is missing: CI must install Debian's chromium "
                "(apt-get install chromium) for the browser tests"
            )
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def languages_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """tests/fixtures/site-languages built and served at /digest/."""
    root = tmp_path_factory.mktemp("languages-served")
    site = build_fixture_copy(root / "site", source=FIXTURES / "site-languages")
    assert site.result.ok, [d.format() for d in site.result.diagnostics]
    served = serve(site.out, root / "www", "/digest/")
    yield Served(site, next(served))
    served.close()


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    """One headless Chromium per test module. Not per session: Playwright's sync API runs an
    event loop while it is open, and another module's sync_playwright() cannot start inside
    it (tests/browser/test_live_reload.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(**LAUNCH)
        yield launched
        launched.close()
