"""Every shape editors receive, as fixtures: received texts (tests/fixtures/import/texts/)
and saved pages (pages/), each with the article it must become and its removal report,
and refusals (refusals/), each with the exact diagnostic the editor sees.

For each input NAME.txt or NAME.html:
- NAME.expected.md is the whole file written and NAME.report.txt the removal report;
- NAME.body.txt lists the paragraphs of the original body, written by hand: every one
  must be in the article (the extractor may not lose text);
- pages also have NAME.furniture.txt: text of the page that must not be in the article;
- every line of a text is in the article or in a removal (nothing unaccounted for).

UPDATE_IMPORT_FIXTURES=1 rewrites the expected files from the current output, to review.
"""

from __future__ import annotations

import datetime
import html
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import markdown
import pytest

from builder.commands.importer.convert import ImportedArticle, ImportOptions, convert
from builder.commands.importer.model import ImportFailure
from builder.commands.importer.report import report_lines
from builder.core.errors import Diagnostic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
NOW = datetime.datetime(2025, 6, 2, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
OPTIONS = ImportOptions(timezone="Europe/Berlin", now=NOW)
UPDATE = bool(os.environ.get("UPDATE_IMPORT_FIXTURES"))


def _inputs(folder: str) -> list[Path]:
    """NAME.txt / NAME.html, not their companions (NAME.body.txt...)."""
    return sorted(
        p
        for p in (FIXTURES / folder).iterdir()
        if p.suffix in (".txt", ".html") and "." not in p.stem
    )


TEXTS, PAGES, REFUSALS = _inputs("texts"), _inputs("pages"), _inputs("refusals")


def _companion(case: Path, kind: str) -> Path:
    return case.with_name(f"{case.stem}.{kind}")


def _convert(case: Path) -> ImportedArticle:
    return convert(case, case.read_bytes(), OPTIONS)


def _report(case: Path, article: ImportedArticle) -> str:
    lines = report_lines(case.name, article.removals, article.converted_from)
    return "".join(f"{line}\n" for line in lines)


def _readable(text: str) -> str:
    """What a reader sees of Markdown (or plain text): tags dropped, spaces collapsed."""
    rendered = markdown.markdown(text, extensions=["tables"])
    rendered = re.sub(r"</?(?:a|em|strong|code)\b[^>]*>", "", rendered)  # inline: no space
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def _expect(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, "utf-8")
    assert actual == path.read_text("utf-8")


def test_there_are_enough_fixtures() -> None:
    assert len(TEXTS) >= 20 and len(PAGES) >= 10 and len(REFUSALS) >= 8


@pytest.mark.parametrize("case", TEXTS + PAGES, ids=lambda p: p.name)
def test_article_and_removal_report(case: Path) -> None:
    article = _convert(case)
    _expect(_companion(case, "expected.md"), article.text)
    _expect(_companion(case, "report.txt"), _report(case, article))


@pytest.mark.parametrize("case", TEXTS + PAGES, ids=lambda p: p.name)
def test_every_paragraph_of_the_original_body_is_in_the_article(case: Path) -> None:
    seen = _readable(_convert(case).text.split("---\n", 2)[2])
    body = _companion(case, "body.txt").read_text("utf-8").splitlines()
    assert body
    missing = [p for p in body if " ".join(p.split()) not in seen]
    assert missing == []


@pytest.mark.parametrize("case", PAGES, ids=lambda p: p.name)
def test_no_furniture_of_the_page_is_in_the_article(case: Path) -> None:
    seen = _readable(_convert(case).text.split("---\n", 2)[2])
    furniture = _companion(case, "furniture.txt").read_text("utf-8").splitlines()
    assert furniture
    assert [f for f in furniture if f in seen] == []


@pytest.mark.parametrize("case", TEXTS, ids=lambda p: p.name)
def test_every_line_of_a_text_is_in_the_article_or_in_the_report(case: Path) -> None:
    article = _convert(case)
    seen = _readable(article.text.split("---\n", 2)[2])
    removed = " ".join(" ".join(r.text.split()) for r in article.removals)
    text = case.read_bytes().decode("utf-8", errors="replace")
    if article.converted_from:
        text = case.read_bytes().decode("cp1252")
    lost = [
        line
        for line in (" ".join(raw.split()) for raw in text.splitlines())
        if line and line not in seen and line not in removed
    ]
    assert lost == []


@pytest.mark.parametrize("case", REFUSALS, ids=lambda p: p.name)
def test_refusal_diagnostic(case: Path) -> None:
    with pytest.raises(ImportFailure) as info:
        _convert(case)
    failure = info.value
    shown = (
        Diagnostic(
            case.name, failure.line, 0, "error", failure.message, failure.hint or None
        ).format()
        + "\n"
    )
    _expect(_companion(case, "error.txt"), shown)
