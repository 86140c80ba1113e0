"""Compare `broadsheet import`'s own page extractor with trafilatura on our saved pages.

    PYTHONPATH=. python tests/tools/compare_extractors.py

For each page in tests/fixtures/import/pages/ (NAME.html, with NAME.body.txt listing the
paragraphs of the original body and NAME.furniture.txt text that is not the article):
paragraph recall (body paragraphs found whole in the extracted text) and furniture left
(furniture strings found in it). trafilatura is run with its defaults and with
favor_recall; it is only read from a string here, so it makes no network request. Needs
`pip install trafilatura`, which Broadsheet itself does not depend on (docs/import.md says
why, with the figures this prints).
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable
from pathlib import Path

import markdown

from builder.commands.importer.convert import ImportOptions, convert
from builder.commands.importer.encoding import decode

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "pages"


def _flat(text: str) -> str:
    return " ".join(text.replace("|", " ").split())


def ours(page: Path) -> str:
    article = convert(page, page.read_bytes(), ImportOptions())
    rendered = markdown.markdown(article.text.split("---\n", 2)[2], extensions=["tables"])
    rendered = re.sub(r"</?(?:a|em|strong|code)\b[^>]*>", "", rendered)
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", rendered)))


def trafilatura_with(**options: bool) -> Callable[[Path], str]:
    import trafilatura  # only this tool needs it

    def extract(page: Path) -> str:
        text = trafilatura.extract(
            decode(page.read_bytes()).text,
            output_format="txt",
            include_comments=False,
            include_tables=True,
            include_images=True,
            include_links=False,
            **options,
        )
        return _flat(text or "")

    return extract


def score(extract: Callable[[Path], str], page: Path) -> tuple[int, int, int, int]:
    """(paragraphs found, paragraphs, furniture strings left, furniture strings)."""
    text = extract(page)
    body = page.with_name(f"{page.stem}.body.txt").read_text("utf-8").splitlines()
    furniture = page.with_name(f"{page.stem}.furniture.txt").read_text("utf-8").splitlines()
    found = sum(1 for p in body if _flat(p) in text)
    left = sum(1 for f in furniture if f in text)
    return found, len(body), left, len(furniture)


def main() -> int:
    try:
        extractors = {
            "ours": ours,
            "trafilatura": trafilatura_with(),
            "trafilatura favor_recall": trafilatura_with(favor_recall=True),
        }
    except ImportError:
        print("trafilatura is not installed: pip install trafilatura", file=sys.stderr)
        return 1
    pages = sorted(p for p in PAGES.glob("*.html"))
    totals = {name: [0, 0, 0, 0] for name in extractors}
    head = f"| {'page':<22} |" + "".join(f" {n} recall | {n} furniture |" for n in extractors)
    print(head)
    print("|" + "---|" * (1 + 2 * len(extractors)))
    for page in pages:
        cells = []
        for name, extract in extractors.items():
            found, count, left, junk = score(extract, page)
            totals[name] = [
                a + b for a, b in zip(totals[name], (found, count, left, junk), strict=True)
            ]
            cells.append(f" {found}/{count} | {left}/{junk} |")
        print(f"| {page.stem:<22} |" + "".join(cells))
    cells = []
    for name in extractors:
        found, count, left, junk = totals[name]
        cells.append(
            f" {found}/{count} ({100 * found / count:.0f}%) | {left}/{junk} "
            f"({100 * left / junk:.0f}%) |"
        )
    print(f"| {'all pages':<22} |" + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
