"""Markdown body → Rendered: HTML, summary, table of contents, word count.

A pure function of (body, summary, source folder, settings), which is what
lets the build cache its result by content hash and run it in a process
pool. Raw HTML written inside Markdown goes through an allowlist sanitiser
by default, because editors paste from pages they do not control.
"""

from __future__ import annotations

import html as htmllib
import math
import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urljoin
from xml.etree import ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import run_postprocessors
from markdown.extensions.toc import slugify as toc_slugify
from markdown.extensions.toc import unique as toc_unique
from markdown.treeprocessors import Treeprocessor

from builder.core import urlattrs
from builder.core.models import MarkdownConfig, Rendered, TocEntry

MORE = "<!-- more -->"
MORE_LINE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.M)  # check.py reads it too
_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\S*\w\S*")  # a run of non-space holding a letter or digit
_FIRST_P = re.compile(r"<p>.*?</p>", re.S)
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|#)")

_ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"tfoot"}
_ALLOWED_ATTRS: dict[str, set[str]] = {k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()}
for _tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div", "span", "a"):
    _ALLOWED_ATTRS.setdefault(_tag, set()).add("id")
for _tag in ("span", "div", "code", "pre", "a", "sup", "li", "ol", "hr", "table"):
    _ALLOWED_ATTRS.setdefault(_tag, set()).add("class")
_ALLOWED_ATTRS["a"] |= {"title"}
_ALLOWED_ATTRS["img"] |= {"title"}
_SCHEMES = {"http", "https", "mailto", "tel"}


class _HeadingIdProcessor(Treeprocessor):
    """Give every heading an id (for #links) and list h2–h4 as the table of contents.

    Python-Markdown's `toc` extension does this too, but also builds TOC
    markup nobody here uses; this is a tenth of its cost per article.
    """

    def run(self, root: etree.Element) -> None:
        used: set[str] = set()
        entries: list[TocEntry] = []
        for element in root.iter():
            if element.tag not in _HEADINGS:
                continue
            raw = run_postprocessors("".join(_text_of(element)), self.md)
            text = htmllib.unescape(_TAGS.sub("", raw)).strip()
            ident = element.get("id") or toc_unique(toc_slugify(text, "-") or "section", used)
            used.add(ident)
            element.set("id", ident)
            level = int(element.tag[1])
            if 2 <= level <= 4:
                entries.append(TocEntry(level, ident, text))
        self.md.heading_entries = tuple(entries)  # type: ignore[attr-defined]


def _text_of(element: etree.Element) -> Iterator[str]:
    """Text of a heading without its footnote markers (`Title[^1]` is `Title`)."""
    if element.text:
        yield element.text
    for child in element:
        if not (child.tag == "sup" and str(child.get("id", "")).startswith("fnref")):
            yield from _text_of(child)
        if child.tail:
            yield child.tail


class HeadingIds(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - the API's name
        md.treeprocessors.register(_HeadingIdProcessor(md), "heading_ids", 5)


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@lru_cache(maxsize=4)
def _markdown(config: MarkdownConfig) -> markdown.Markdown:
    """One Markdown instance per process and config: building it costs more than a page."""
    extensions: list[str | markdown.Extension] = [
        "fenced_code", "tables", "footnotes", "sane_lists", "attr_list", HeadingIds()
    ]
    configs = {
        "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        # align= survives the sanitiser; the default style= attribute would not.
        "tables": {"use_align_attribute": True},
    }
    if config.highlight:
        extensions.append("codehilite")
        configs["codehilite"] = {"css_class": "highlight", "guess_lang": False,
                                 "use_pygments": True}
    md = markdown.Markdown(extensions=extensions, extension_configs=configs,
                           output_format="html")
    if config.raw_html == "escape":
        # Without these, raw HTML is treated as text and escaped like any other.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


def render(body: str, summary: str | None, folder_url: str, config: MarkdownConfig) -> Rendered:
    """Render an article body.

    `folder_url` is the site path of the source file's folder (e.g.
    `/2024/06/`): relative links and images are made site-absolute against it,
    because assets are copied to the mirror of their content/ folder while
    the article itself is published at its permalink.
    """
    md = _markdown(config)
    md.reset()
    body = MORE_LINE.sub(MORE, body)
    out = md.convert(body)
    toc = tuple(getattr(md, "heading_entries", ()))
    # Under `escape` the marker is shown as text: find it in that form.
    marker = "<p>&lt;!-- more --&gt;</p>" if config.raw_html == "escape" else MORE
    head, more, _ = out.partition(marker)
    links = _site_absolute(folder_url)
    html = clean(out.replace(marker, ""), config, links)
    if summary is not None:
        summary_html = render_inline(summary, config, folder_url)
    elif more:
        summary_html = clean(head, config, links).strip()
    else:
        first = _FIRST_P.search(html)
        summary_html = first.group(0) if first else ""
    summary_html = _FOOTNOTE_REF.sub("", summary_html)
    words = len(_WORD.findall(htmllib.unescape(_TAGS.sub(" ", html))))
    minutes = max(1, math.ceil(words / config.words_per_minute))
    return Rendered(html, summary_html, toc, words, minutes)


@lru_cache(maxsize=4)
def _inline_markdown(config: MarkdownConfig) -> markdown.Markdown:
    """A bare instance for summaries: no block extensions, a third of the cost."""
    md = markdown.Markdown(output_format="html")
    if config.raw_html == "escape":
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


def render_inline(text: str, config: MarkdownConfig, folder_url: str = "/") -> str:
    """Inline Markdown (a summary) as one paragraph of HTML, links as in `render`."""
    md = _inline_markdown(config)
    md.reset()
    out = md.convert(text.strip())
    out = clean(out, config, _site_absolute(folder_url))
    return out if out.startswith("<p>") else f"<p>{out}</p>" if out else ""


def clean(html: str, config: MarkdownConfig, links: urlattrs.Fix | None = None) -> str:
    """Apply the site's raw_html policy to rendered HTML, and `links` to its URLs.

    The sanitiser parses the HTML anyway, so it also hands each attribute
    to `links` (its attribute filter): one parse, and the same one a
    browser would make. Raw HTML that is allowed is parsed for it alone.
    """
    if config.raw_html == "allow":
        return urlattrs.rewrite(html, links, _LINK_ATTRS, _LINK_TAGS) if links else html
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=links,
    )


_BASE = "http://site.invalid"  # a stand-in origin: only the path part is kept
# The links made site-absolute: those Markdown writes, and the same in raw HTML.
_LINK_TAGS = frozenset({"a", "img"})
_LINK_ATTRS = frozenset({"href", "src"})


def _site_absolute(folder_url: str) -> urlattrs.Fix:
    """The fix that resolves a relative link of a source in `folder_url` to a site path."""
    base = _BASE + folder_url

    def fix(tag: str, name: str, value: str) -> str:
        if (tag not in _LINK_TAGS or name not in _LINK_ATTRS or not value
                or _ABSOLUTE.match(value)):
            return value
        # Resolved as a browser would (`../` stops at the site's root), so a
        # link that climbs too far is reported by `check` as missing. What
        # resolves elsewhere had a scheme after all (`\x01javascript:`): kept.
        joined = urljoin(base, value)
        return joined[len(_BASE):] if joined.startswith(_BASE + "/") else value

    return fix
