"""THE table of site.yaml options, in the order the scaffold and the reference list them.

Adding an option: one row of OPTIONS (and its field in the dataclass it lands in). The
rows are written with the constructors of config/options.py; the checks and readers of
single values they name are config/checks.py's.

Defaults of nested sections come from the dataclasses in core/models.py:
they are built with their defaults by code and tests that never read a
site.yaml, and core may not import this package, so the table reads them
rather than restating them. Top-level SiteConfig fields have no defaults
there (the paths are always given), so theirs live in the table.
"""

from __future__ import annotations

import re

from builder.config.checks import (
    check_language,
    check_link,
    check_style,
    check_theme,
    check_timezone,
    check_url,
    normalise_base_url,
    read_numbering,
    read_records,
    style_hint,
    timezone_hint,
)
from builder.config.options import (
    Option,
    choice,
    flag,
    mapping,
    names,
    number,
    section,
    text,
)
from builder.core import languages
from builder.core.models import (
    AuthorInfo,
    ContentConfig,
    EditionOptions,
    FeedsConfig,
    LinksConfig,
    MarkdownConfig,
    Permalinks,
)


def _permalink(kind: str, what: str, placeholders: tuple[str, ...], needed: str) -> Option:
    """A permalink pattern row: its check and help follow from the placeholders it allows."""
    default = getattr(Permalinks(), kind)

    def check(pattern: str) -> str | None:
        fields = set(re.findall(r"{(\w+)}", pattern))
        unknown = fields - set(placeholders)
        if unknown:
            return f"unknown placeholder {{{sorted(unknown)[0]}}} in permalink `{kind}`"
        if needed not in fields:
            return f"permalink `{kind}` must contain {{{needed}}}"
        if not pattern.endswith("/") or pattern.startswith("/") or ".." in pattern:
            return f"permalink `{kind}` must be a relative folder path ending in `/`"
        return None

    names = ", ".join("{" + p + "}" for p in placeholders)
    rule = f"; {{{needed}}} is required" if len(placeholders) > 1 else ""
    return text(
        f"permalinks.{kind}",
        default,
        f"{what}: {names}{rule}.",
        check=check,
        hint=f'the default is  {kind}: "{default}"',
    )


def _feed(name: str, what: str) -> tuple[Option, ...]:
    """A feed's section and its three switches, with that feed's defaults."""
    base = getattr(FeedsConfig(), name)
    return (
        section(f"feeds.{name}", what),
        flag(f"feeds.{name}.enabled", base.enabled, "Publish this feed (true) or not (false)."),
        number(
            f"feeds.{name}.limit",
            base.limit,
            0,
            100000,
            "How many of the newest items it holds; 0 for all.",
        ),
        flag(
            f"feeds.{name}.full_content",
            base.full_content,
            "Each item holds the whole article (true) or just its summary (false).",
        ),
    )


_MD = MarkdownConfig()  # the markdown section's defaults
_CONTENT = ContentConfig()
_ED = EditionOptions()
_LINKS = LinksConfig()
OPTIONS: tuple[Option, ...] = (
    text(
        "title",
        "",
        "The name of the site: page titles, the masthead and the feeds use it.",
        required=True,
        example="My Digest",
    ),
    text(
        "description",
        "",
        "One sentence about the site, for the masthead, search engines and feed readers.",
        example="A curated digest of the week's most useful reading.",
    ),
    text(
        "base_url",
        "http://localhost:8000/",
        "Where the site will be published, as an absolute http(s) URL; feeds, the sitemap "
        "and canonical links are built from it. A sub-path works too: on GitHub Pages a "
        "project site lives at https://USER.github.io/REPOSITORY/",
        check=check_url,
        hint="for example  base_url: https://example.org/digest/",
        convert=normalise_base_url,
        example="https://example.org/",
    ),
    text(
        "language",
        "en",
        "The language of the articles (a tag such as en, de or pt-BR), for the pages' "
        "lang attribute and the feeds.",
        check=check_language,
        convert=languages.canonical,
        hint="use the BCP 47 code of the site's language: en, de, fr, pt-BR, ...",
    ),
    text(
        "timezone",
        "UTC",
        "The time zone dates are read and shown in (an IANA name such as Europe/Berlin or "
        "America/New_York). A date written without a time zone in front matter is taken to "
        "be in this one; it also decides the edition weeks.",
        check=check_timezone,
        hint=timezone_hint,
    ),
    text(
        "author",
        "",
        "Shown as the publisher when an article names no author of its own.",
        example="The editors",
    ),
    text(
        "theme",
        "default",
        "The theme: a folder under themes/ in this site, or the bundled `default`. Templates "
        "in a templates/ folder beside this file override the theme's.",
        check=check_theme,
        hint="write the name of a folder in themes/, such as  theme: default",
    ),
    number("paginate", 10, 1, 1000, "Articles per page on the front page and the tag pages."),
    number(
        "related",
        5,
        0,
        50,
        "How many related articles (sharing tags) to show under each article; 0 for none.",
    ),
    flag(
        "search",
        True,
        "A search index (Pagefind), a search box and a /search/ page, "
        "working from the published files alone.",
    ),
    Option(
        "authors",
        "records",
        (),
        "Writers and editors, as `name` (as bylines write it), "
        "`bio`, `url`: each gets a page at /authors/<name>/ with a feed, and bylines link "
        "to it.",
        shape="[{name, bio, url}]",
        reader=read_records((("name", None), ("bio", None), ("url", check_link)), AuthorInfo),
    ),
    text(
        "output",
        "output",
        "The folder the built site is written to. Broadsheet replaces it on every build, so "
        "never point it at a folder holding anything else.",
        field="output_dir",
    ),
    section("content", "What contributors may publish from content/."),
    flag(
        "content.allow_active",
        _CONTENT.allow_active,
        "Publish files that can run script on the site: HTML and JavaScript files (.html, "
        ".htm, .shtml, .xhtml, .xht, .js, .mjs, .cjs), .svgz images, and SVG images with "
        "scripts, event handlers, javascript: links or foreignObject. Off, they are refused "
        "with an error. Turn it on only when every contributor is trusted (see "
        "docs/security.md).",
    ),
    section(
        "editions",
        "Editions group the articles published in one period into an issue with its own "
        "page and an item in the editions feed (ready for RSS-to-email).",
    ),
    choice(
        "editions.period",
        "week",
        ("week", "month", "off"),
        "How long an edition runs: week (ISO weeks), month, or off for no editions.",
        field="editions",
    ),
    flag(
        "editions.show_open",
        _ED.show_open,
        'Show the edition still open (its period has not ended) as "this week so far". '
        "An open edition is never in the editions feed, the front page's latest-edition "
        "banner or an email file, whatever this says.",
        field="edition_options.show_open",
    ),
    mapping(
        "editions.numbering",
        read_numbering,
        "{from: YYYY-MM-DD, start: N}",
        "Number the editions, e.g. {from: 2026-01-05, start: 1}: the one holding the date "
        "`from` is No. `start`, and each later period counts one on. An editor's note can "
        "set `number:` to start the count afresh. null: editions have no numbers.",
        field="edition_options.numbering",
    ),
    names(
        "editions.sections",
        "The sections of an edition, in order: each item goes in the section its "
        "`section:` names or, failing that, the one its first tag names; the rest go under "
        "More, last. Empty: one section per first tag, alphabetically.",
        field="edition_options.sections",
    ),
    section("links", "Link hygiene: the outbound links of articles and link items."),
    number(
        "links.window",
        _LINKS.window,
        0,
        1000,
        "A link already given in one of this many previous editions is a warning (an "
        "error with --strict); 0 to compare nothing.",
    ),
    flag(
        "links.strip_tracking",
        _LINKS.strip_tracking,
        "Remove tracking parameters (utm_source, fbclid, ...; listed in docs/editions.md) "
        "from published links. The source files are never changed.",
    ),
    section("permalinks", "URL patterns, relative to base_url; each must end in `/`."),
    _permalink("article", "Articles", ("year", "month", "day", "slug"), "slug"),
    _permalink("page", "Standalone pages from content/pages/", ("slug",), "slug"),
    _permalink("tag", "Tag pages", ("tag",), "tag"),
    _permalink(
        "edition",
        "Edition pages, named like 2024-w25 (2024-06 for months)",
        ("edition",),
        "edition",
    ),
    section("feeds", "The feeds, each with the same three settings."),
    *_feed("rss", "/feed.xml, RSS 2.0"),
    *_feed("atom", "/atom.xml, Atom 1.0"),
    *_feed("json", "/feed.json, JSON Feed 1.1"),
    *_feed("tags", "/tags/<tag>/feed.xml, one RSS feed per tag"),
    *_feed("editions", "/editions/feed.xml, one item per edition holding the whole edition"),
    *_feed("authors", "/authors/<name>/feed.xml, one RSS feed per author of `authors:`"),
    section("markdown", "How the Markdown of articles is turned into HTML."),
    choice(
        "markdown.raw_html",
        _MD.raw_html,
        ("sanitize", "allow", "escape"),
        "Raw HTML written inside Markdown: sanitize (keep safe tags only), allow (keep "
        "everything: only for text you fully trust) or escape (show it as text).",
    ),
    flag("markdown.highlight", _MD.highlight, "Colour code blocks with Pygments."),
    text(
        "markdown.style_light",
        _MD.style_light,
        "The Pygments style of code blocks when the reader's system is in light mode "
        "(`pygmentize -L styles` lists the names).",
        check=check_style,
        hint=style_hint,
    ),
    text(
        "markdown.style_dark",
        _MD.style_dark,
        "The Pygments style of code blocks in dark mode.",
        check=check_style,
        hint=style_hint,
    ),
    number(
        "markdown.words_per_minute",
        _MD.words_per_minute,
        50,
        2000,
        'Reading speed used for the "N min read" estimate.',
    ),
)


def children(parent: str) -> tuple[Option, ...]:
    """The options directly inside `parent` ("" for the top level), in table order."""
    return tuple(o for o in OPTIONS if o.parent == parent)


# The known keys of some sections, derived from the table (the scaffold's test compares
# them with the keys of site.yaml).
TOP_KEYS = {o.leaf for o in children("")}
PERMALINK_FIELDS = {o.leaf for o in children("permalinks")}
FEED_NAMES = tuple(o.leaf for o in children("feeds"))
