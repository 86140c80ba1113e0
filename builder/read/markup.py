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
from typing import Any
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import run_postprocessors
from markdown.extensions.toc import unique as toc_unique
from markdown.treeprocessors import Treeprocessor

from builder.core.errors import Diagnostics
from builder.core.models import FrontMatter, MarkdownConfig, Rendered, TocEntry
from builder.core.slugs import slugify
from builder.core.urls import parse_url
from builder.read.sanitize import KIND, URL_OF, Problems, clean, url_problem

MORE = "<!-- more -->"
MORE_LINE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.M)  # check.py reads it too
_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\S*\w\S*")  # a run of non-space holding a letter or digit
# Chinese and Japanese are written without spaces: read by the character, not by the word.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
CJK_PER_WORD = 1.5  # characters read in the time of one word (≈330 a minute at 220 words)
_FIRST_P = re.compile(r"<p>.*?</p>", re.S)
_FOOTNOTE_REF = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.S)
# Text that is its own HTML: it starts with a letter or digit (no block syntax can begin
# there but a numbered list, hence no digit then `.` or `)`), and holds letters, digits,
# spaces and punctuation that no inline pattern, smarty rule (quotes, `--`, `...`, `. . .`)
# or the sanitiser (which escapes only `&`, `<`, `>` and no-break spaces) changes.
_PLAIN = re.compile(r"(?!\d+[.)])(?!.*(?:--|\.\.|\. \.))[^\W_](?:[^\W_]|[ ,;:?!%/€$£“”‘’—–….-])*")


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
            # The site's one slug rule: `## 市场` is `#市场`, `## يوقّع` keeps its shadda.
            ident = element.get("id") or toc_unique(slugify(text) or "section", used)
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


class _FigureProcessor(Treeprocessor):
    """An image alone in its paragraph with a title becomes a figure with that caption."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "p" or len(child) != 1 or (child.text or "").strip():
                    continue
                image = child[0]
                if image.tag != "img" or not image.get("title") or (image.tail or "").strip():
                    continue
                figure = etree.Element("figure")
                image.tail = None
                figure.append(image)
                caption = etree.SubElement(figure, "figcaption")
                caption.text = image.attrib.pop("title")
                figure.tail = child.tail
                parent.remove(child)
                parent.insert(index, figure)


class HeadingIds(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - the API's name
        md.treeprocessors.register(_HeadingIdProcessor(md), "heading_ids", 5)
        md.treeprocessors.register(_FigureProcessor(md), "figures", 4)


class _UrlCheck(Treeprocessor):
    """Links and images written in Markdown whose URL cannot be parsed: noted, then
    dropped, so that no later stage (the sanitiser silently, feeds with a traceback)
    meets them. Raw HTML is stashed away from this tree; `clean` checks its URLs."""

    def run(self, root: etree.Element) -> None:
        problems: Problems = []
        for element in root.iter():
            attr = URL_OF.get(str(element.tag))
            url = element.get(attr) if attr else None
            if attr and url is not None and isinstance(problem := parse_url(url), str):
                problems.append(url_problem(KIND[attr], url, problem))
                del element.attrib[attr]
        self.md.url_problems = problems  # type: ignore[attr-defined]


class UrlCheck(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - the API's name
        md.treeprocessors.register(_UrlCheck(md), "url_check", 4)


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@lru_cache(maxsize=4)
def _markdown(config: MarkdownConfig) -> markdown.Markdown:
    """One Markdown instance per process and config: building it costs more than a page."""
    extensions: list[str | markdown.Extension] = [
        "fenced_code",
        "tables",
        "footnotes",
        "sane_lists",
        "attr_list",
        HeadingIds(),
        UrlCheck(),
    ]
    # Curly quotes and real dashes, except where raw HTML is shown as text: code stays as typed.
    if config.raw_html != "escape":
        extensions.append("smarty")
    configs: dict[str, dict[str, Any]] = {
        "footnotes": {"BACKLINK_TITLE": "Back to the text"},
        # align= survives the sanitiser; the default style= attribute would not.
        "tables": {"use_align_attribute": True},
    }
    if config.highlight:
        extensions.append("codehilite")
        configs["codehilite"] = {
            "css_class": "highlight",
            "guess_lang": False,
            "use_pygments": True,
        }
    md = markdown.Markdown(extensions=extensions, extension_configs=configs, output_format="html")
    if config.raw_html == "escape":
        # Without these, raw HTML is treated as text and escaped like any other.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


def render(
    body: str,
    summary: str | None,
    folder_url: str,
    config: MarkdownConfig,
    problems: Problems | None = None,
) -> Rendered:
    """Render an article body.

    `folder_url` is the site path of the source file's folder (e.g.
    `/2024/06/`): relative links and images are made site-absolute against it,
    because assets are copied to the mirror of their content/ folder while
    the article itself is published at its permalink. Links whose URL cannot
    be parsed are dropped from the HTML and added to `problems`.
    """
    found: Problems = [] if problems is None else problems
    md = _markdown(config)
    md.reset()
    body = MORE_LINE.sub(MORE, body)
    out = md.convert(body)
    found += getattr(md, "url_problems", [])
    toc = tuple(getattr(md, "heading_entries", ()))
    # Under `escape` the marker is shown as text: find it in that form.
    marker = "<p>&lt;!-- more --&gt;</p>" if config.raw_html == "escape" else MORE
    head, more, _ = out.partition(marker)
    html = clean(out.replace(marker, ""), config, folder_url, found)
    if summary is not None:
        summary_html = render_inline(summary, config, folder_url, found)
    elif more:
        summary_html = clean(head, config, folder_url).strip()
    else:
        first = _FIRST_P.search(html)
        summary_html = first.group(0) if first else ""
    summary_html = _FOOTNOTE_REF.sub("", summary_html)
    words, minutes = reading(htmllib.unescape(_TAGS.sub(" ", html)), config.words_per_minute)
    return Rendered(html, summary_html, toc, words, minutes)


def reading(text: str, per_minute: int) -> tuple[int, int]:
    """(words, minutes to read) of plain text: a CJK character counts as a word, and reads
    CJK_PER_WORD times as fast, so 3,000 characters of Chinese take 10 minutes, not 1."""
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text))) if cjk else len(_WORD.findall(text))
    minutes = words / per_minute + cjk / (per_minute * CJK_PER_WORD)
    return words + cjk, max(1, math.ceil(minutes))


def render_article(
    meta: FrontMatter, folder_url: str, config: MarkdownConfig, diags: Diagnostics
) -> Rendered:
    """`render` of an article's body and summary, with an error for each URL that
    cannot be parsed, at the body line that writes it (the file when it is not found
    there: a summary in front matter, an entity-encoded URL)."""
    problems: Problems = []
    rendered = render(meta.body, meta.summary, folder_url, config, problems)
    lines = meta.body.split("\n")
    for written, message, hint in dict.fromkeys(problems):
        line = col = 0
        for number, text in enumerate(lines):
            if written in text:
                line, col = meta.body_line + number, text.index(written) + 1
                break
        diags.error(meta.path, line, col, message, hint)
    return rendered


@lru_cache(maxsize=4)
def _inline_markdown(config: MarkdownConfig) -> markdown.Markdown:
    """A bare instance for summaries: no block extensions, a third of the cost."""
    # Curly quotes and real dashes, except where raw HTML is shown as text: code stays as typed.
    smarty = ["smarty"] if config.raw_html != "escape" else []
    md = markdown.Markdown(extensions=[UrlCheck(), *smarty], output_format="html")
    if config.raw_html == "escape":
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


def render_inline(
    text: str, config: MarkdownConfig, folder_url: str = "/", problems: Problems | None = None
) -> str:
    """Inline Markdown (a summary) as one paragraph of HTML.

    Most summaries are a plain sentence, which Markdown, smarty and the
    sanitiser would all leave as it is: those skip the three (a Markdown
    run and a sanitiser pass less per article in a cold build).
    """
    text = text.strip()
    if _PLAIN.fullmatch(text):
        return f"<p>{text}</p>"
    return inline_markdown(text, config, folder_url, problems)


def inline_markdown(
    text: str, config: MarkdownConfig, folder_url: str = "/", problems: Problems | None = None
) -> str:
    """`render_inline` the long way, through Markdown and the sanitiser, whatever the text."""
    md = _inline_markdown(config)
    md.reset()
    out = md.convert(text)
    if problems is not None:
        problems += getattr(md, "url_problems", [])
    out = clean(out, config, folder_url, problems)
    return out if out.startswith("<p>") else f"<p>{out}</p>" if out else ""
