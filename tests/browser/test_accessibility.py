"""axe-core over every page type of the default theme, light and dark, at 1280 and 390 px.

(Tap-target sizes, which axe does not measure at 44 px, are tests/browser/test_tap_targets.py.)

No serious or critical violation is allowed (contrast, names of links and
controls, landmarks, language, …). axe-core's own script ships in the
axe-playwright-python wheel: nothing is fetched. The site is the
four-language fixture (an Arabic article among the pages), served on
127.0.0.1 by tests/browser/conftest.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

WAIT_MS = 15_000
PAGES = {  # page type → path below the site's base URL
    "index": "",
    "article": "2025/03/lumen-ferry-enters-service/",
    "article (Arabic)": quote("2025/03/يوقّع-اتفاق-العبّارات/"),
    "article (Chinese)": "2025/03/shanghai-electric-ferries/",
    "page": "about/",
    "tags": "tags/",
    "tag": "tags/ferries/",
    "author": "authors/mira-costa/",
    "archive": "archive/",
    "year": "2025/",
    "month": "2025/03/",
    "editions": "editions/",
    "edition": "editions/2025-w11/",
    "search": "search/?q=ferry",
    "404": "404.html",
}
MODES = [(scheme, width) for scheme in ("light", "dark") for width in (1280, 390)]


def serious(page: Any) -> list[str]:
    """The serious and critical violations axe-core finds on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(("scheme", "width"), MODES, ids=[f"{s}-{w}" for s, w in MODES])
def test_no_page_type_has_a_serious_violation(
    browser: Any, languages_site: Any, scheme: str, width: int
) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = {}
    for name, path in PAGES.items():
        page.goto(languages_site.url + path)
        if name == "search":
            page.wait_for_selector(".pagefind-ui__result-link", timeout=WAIT_MS)
        found = serious(page)
        if found:
            problems[name] = found
    context.close()
    assert problems == {}
