"""Each closed edition as an email: `email.html` (inlined CSS) and `email.txt`, its text part.

Mail clients are not browsers: many ignore `<style>` and every `<link>`,
resolve nothing relative, block remote images and lay out only tables. So
the HTML comes from the theme's `email/edition.html`, a table layout whose
CSS `css-inline` moves into `style` attributes; the `@media` rules (dark
mode) stay in a `<style data-css-inline="keep">` in the head for the
clients that read one. Every
URL is absolute, and the item summaries are cut down to text-level HTML
(no images, no embeds), so opening the email loads nothing from anywhere.
`email/edition.txt` is the plain-text part. An open edition has no email:
a subscriber must never get half an issue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import css_inline
import nh3

from builder.core.models import Edition, LinkItem, Listed, Site
from builder.core.paths import SiteLayout, absolutize
from builder.render.context import (
    edition_groups,
    edition_key,
    edition_title,
    plain,
    sent_editions,
    thanks_line,
)
from builder.render.engine import Job, Spec

HTML_TEMPLATE = "email/edition.html"
TEXT_TEMPLATE = "email/edition.txt"
PREHEADER = 140  # characters of the preview line clients show after the subject
# Text-level HTML only: an email that loads nothing (no img, video, iframe, style).
_KEPT_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
}
# A `<style data-css-inline="keep">` (the @media rules) stays where the template put it.
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False)


@dataclass(frozen=True)
class EmailItem:
    """An item as an email shows it: every URL absolute, the summary safe to mail."""

    title: str
    url: str  # absolute: the article's page, or where a link item points
    date: dt.datetime
    minutes: int  # reading time; 0 for a link item
    host: str  # where a link item points (`example.org`); "" for an article
    summary_html: str
    summary_text: str
    source_name: str
    source_url: str
    via: str


@dataclass(frozen=True)
class EmailSection:
    name: str
    items: tuple[EmailItem, ...]


def emails(job: Job) -> Iterator[Spec]:
    """email.html and email.txt beside the page of every closed edition."""
    site, layout = job.site, job.layout
    for edition in sent_editions(site):
        origin = f"content/editions/{edition.id}.md" if edition.note_key else "generated"
        key = (edition_key(edition, site), edition.note_title)

        def context(edition: Edition = edition) -> dict:
            return email_context(edition, site, layout)

        for name, template, finish in (
            (layout.EMAIL_HTML, HTML_TEMPLATE, inline_css),
            (layout.EMAIL_TEXT, TEXT_TEMPLATE, None),
        ):
            out = layout.output(layout.edition_email(edition.url, name))
            yield job.page(template, out, key, origin, context, finish=finish)


def inline_css(html: str) -> str:
    """The template's `<style>` rules moved into `style` attributes (nothing is fetched)."""
    return _INLINER.inline(html)


def email_context(edition: Edition, site: Site, layout: SiteLayout) -> dict:
    """What the email templates see (docs/themes.md lists it)."""
    web = layout.absolute(edition.url)
    sections = tuple(
        EmailSection(g.name, tuple(_item(a, layout) for a in g.articles))
        for g in edition_groups(edition, site)
    )
    note_html = mailable(absolutize(edition.note_html, web)) if edition.note_html else ""
    return {
        "edition": edition,
        "subject": edition_title(edition),
        "preheader": _preheader(note_html, [site.articles[i].title for i in edition.articles]),
        "web_url": web,
        "home_url": layout.absolute(layout.home),
        "editions_url": layout.absolute(layout.editions_index),
        "note_html": note_html,
        "note_text": text_blocks(note_html),
        "sections": sections,
        "thanks": thanks_line(edition.credits),
    }


def _preheader(note_html: str, headlines: list[str]) -> str:
    """The preview line: the note's opening words, else the headlines."""
    text = plain(note_html, PREHEADER) if note_html else ""
    if text:
        return text
    joined = " · ".join(headlines)
    return joined if len(joined) <= PREHEADER else joined[: PREHEADER - 1].rsplit(" ", 1)[0] + "…"


def _item(article: Listed, layout: SiteLayout) -> EmailItem:
    """An item with absolute URLs and a summary safe to mail: an article's summary, a link
    item's whole comment."""
    if isinstance(article, LinkItem):
        url, host, minutes = article.url, article.host, 0
        summary = article.rendered.html
        source_name = source_url = ""
    else:
        url, host, minutes = layout.absolute(article.url), "", article.rendered.reading_minutes
        summary = article.rendered.summary_html
        source = article.meta.source
        source_name, source_url = (source.name, source.url) if source else ("", "")
    summary = mailable(absolutize(summary, url))
    return EmailItem(
        title=article.title,
        url=url,
        date=article.date,
        minutes=minutes,
        host=host,
        summary_html=summary,
        summary_text="\n\n".join(text_blocks(summary)),
        source_name=source_name,
        source_url=source_url,
        via=article.meta.via or "",
    )


def mailable(html: str) -> str:
    """Rendered HTML cut down to what every mail client shows and nothing loads."""
    return nh3.clean(
        html,
        tags=_KEPT_TAGS,
        attributes={"a": {"href", "title"}},
        clean_content_tags={"script", "style"},
        link_rel=None,
        url_schemes={"http", "https", "mailto"},
    )


class _Blocks(HTMLParser):
    """Paragraphs of text, a link's URL written after its words: the plain-text part."""

    _BREAKS = {
        "p",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "div",
        "ul",
        "ol",
        "pre",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.links: list[tuple[str, int]] = []  # (href, where its text starts)

    def _close(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self._close()
        if tag == "li":
            self.current.append("- ")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((href, len("".join(self.current))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.current)[start:].strip()
            if href and unescape(href) != words:
                self.current.append(f" <{href}>")
        elif tag in self._BREAKS:
            self._close()

    def handle_data(self, data: str) -> None:
        self.current.append(data)


def text_blocks(html: str) -> list[str]:
    """The paragraphs of an HTML fragment as text, one string each."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser._close()
    return parser.blocks
