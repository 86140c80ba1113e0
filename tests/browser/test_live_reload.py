"""A real browser against `broadsheet serve`: edit, break and fix an article, watch the page.

Runs Debian's chromium headless through Playwright (never `playwright
install`: the browser comes from apt, as .ci/run installs it). Without
chromium the test is skipped locally but fails under CI, so CI cannot
pass by silently not running it.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site-serve"
ARTICLE = "content/2024/06/ferry-timetable-changes.md"
WAIT_MS = 15_000  # an upper bound for each step, never a measured expectation


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`broadsheet serve --port 0` on a copy of the fixture site: (site, url)."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    # `python -m builder serve`, with Ctrl-C turned back on first: a test runner
    # started in the background inherits SIGINT ignored, and Python keeps it so.
    launcher = (
        "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "runpy.run_module('builder', run_name='__main__', alter_sys=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, "serve", "--port", "0"],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)  # bound a hung start
        line = proc.stdout.readline() if ready else ""
        if not line.startswith("serving http://127.0.0.1:"):
            proc.kill()
            pytest.fail(f"serve did not start: {line!r}\n{proc.communicate()[1]}")
        yield site, line.split()[1]
    finally:
        interrupted = proc.poll() is None
        if interrupted:
            proc.send_signal(signal.SIGINT)  # what Ctrl-C does
        try:
            _, errors = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("serve did not stop on Ctrl-C")
        if interrupted:
            assert proc.returncode == 130, errors


def test_page_reloads_on_edit_shows_the_error_overlay_and_recovers(
    chromium_path: Path, served: tuple[Path, str]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    site, url = served
    source = site / ARTICLE
    good = source.read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium_path),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url + "2024/06/ferry-timetable-changes/")
            expect(page.locator("h1")).to_have_text("Ferry timetable changes for the summer")
            expect(page.locator("main")).to_contain_text("adds two evening crossings")

            # 1. An edit reloads the page with the new text.
            edited = good.replace("adds two evening crossings", "adds three evening crossings")
            source.write_text(edited, encoding="utf-8")
            expect(page.locator("main")).to_contain_text("adds three evening crossings")

            # 2. Broken front matter: the error page replaces the article.
            source.write_text(
                edited.replace(
                    'title: "Ferry timetable changes for the summer"', 'title: "Ferry <b>timetable'
                ),
                encoding="utf-8",
            )
            overlay = page.locator("#broadsheet-build-failed")
            expect(overlay).to_be_visible()
            expect(page.locator("h1")).to_have_text("Build failed: 1 error")
            expect(overlay).to_contain_text(
                f"{ARTICLE}:5:11: error: invalid YAML: did not find expected key"
            )
            assert page.locator("b").count() == 0  # the editor's text is shown, not parsed

            # 3. Fixed again: the article is back, with the edit.
            source.write_text(
                edited.replace("for the summer", "for the summer season"), encoding="utf-8"
            )
            expect(page.locator("h1")).to_have_text("Ferry timetable changes for the summer season")
            expect(overlay).to_have_count(0)
            expect(page.locator("main")).to_contain_text("adds three evening crossings")
        finally:
            browser.close()
    # All of it was built in serve's own folder: nothing to deploy by mistake.
    assert not (site / "output").exists()
    built = site / ".broadsheet-cache" / "serve" / "2024/06/ferry-timetable-changes/index.html"
    assert b"for the summer season" in built.read_bytes()
    assert b"data-broadsheet-live" not in built.read_bytes()
