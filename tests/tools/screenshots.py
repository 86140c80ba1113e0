"""Every page type of the default theme, photographed: docs/screenshots/TYPE-WIDTH-MODE.png.

    python tests/tools/screenshots.py [--out docs/screenshots]

Builds tests/fixtures/site-languages (English, Arabic, Persian and Chinese
articles, an author, editions) into a temporary folder, serves it on
127.0.0.1 and photographs each page type at 1280 and 390 px wide, in light
and dark mode, with Debian's Chromium. A maintainer's tool, not a test:
run it after changing the theme and look at the pictures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import LAUNCH, serve  # noqa: E402
from tests.browser.test_accessibility import PAGES  # noqa: E402
from tests.conftest import FIXTURES, build_fixture_copy  # noqa: E402

SIZES = {1280: 900, 390: 844}  # width → height of the window


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = build_fixture_copy(Path(tmp) / "site", source=FIXTURES / "site-languages")
        served = serve(site.out, Path(tmp) / "www", "/digest/")
        base = next(served)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**LAUNCH)
            for scheme in ("light", "dark"):
                for width, height in SIZES.items():
                    context = browser.new_context(
                        color_scheme=scheme, viewport={"width": width, "height": height}
                    )
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto(base + path)
                        if name == "search":
                            page.wait_for_selector(".pagefind-ui__result-link")
                        slug = name.replace(" (", "-").replace(")", "").lower()
                        page.screenshot(path=args.out / f"{slug}-{width}-{scheme}.png")
                    context.close()
            browser.close()
        served.close()
    print(f"wrote {len(PAGES) * 4} screenshots to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
