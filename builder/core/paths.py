"""Every URL and output path of a site, stated once: SiteLayout.

Three kinds of address appear in Broadsheet, and only this module turns one
into another:

- a *site path* is what pages link to: `/digest/2024/06/x/`. It starts with
  base_path (so a site under a sub-path links correctly) and, for a page,
  ends in `/`;
- an *output path* is where write.py puts the file, relative to output/:
  `2024/06/x/index.html`;
- an *absolute URL* is what feeds, the sitemap and `<link rel=canonical>`
  need: `https://example.org/digest/2024/06/x/`, percent-encoded.

The generated top-level names (`tags/`, `feed.xml`, ...) are class
constants here, and RESERVED (the slugs a page may not take) is derived from
them, so a new generated page cannot forget to reserve its name.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar
from urllib.parse import quote, urljoin

from builder.core import urlattrs
from builder.core.models import ArticleMeta, OwnPage, PageMeta, Permalinks, SiteConfig

# Everything ASCII that may appear in a URI stays as it is; the rest is %-encoded.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
_HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class SiteLayout:
    """The URL and output path of everything a site publishes, made once from SiteConfig.

    Methods named for a thing (`tag`, `edition`, `year`) return its site
    path; `output()` turns a site path into the file that serves it, and
    `absolute()` into the URL a feed reader can follow.
    """

    base_url: str  # absolute, exactly one trailing slash
    base_path: str  # '/' or '/sub/'
    origin: str  # `https://host`: site paths carry the sub-path themselves
    permalinks: Permalinks

    # Fixed names, relative to the site root (folders end in `/`).
    INDEX: ClassVar[str] = "index.html"  # the file a folder URL serves
    NOT_FOUND: ClassVar[str] = "404.html"
    TAGS: ClassVar[str] = "tags/"
    ARCHIVE: ClassVar[str] = "archive/"
    EDITIONS: ClassVar[str] = "editions/"
    PAGED: ClassVar[str] = "page/{number}/"  # page N of a list, inside the list's folder
    RSS: ClassVar[str] = "feed.xml"
    ATOM: ClassVar[str] = "atom.xml"
    JSON_FEED: ClassVar[str] = "feed.json"
    FOLDER_FEED: ClassVar[str] = "feed.xml"  # the feed of a tag or of the editions, in its folder
    EMAIL_HTML: ClassVar[str] = "email.html"  # an edition's email, in the edition's folder
    EMAIL_TEXT: ClassVar[str] = "email.txt"  # its plain-text part
    SITEMAP: ClassVar[str] = "sitemap.xml"
    ROBOTS: ClassVar[str] = "robots.txt"
    STATIC: ClassVar[str] = "static/"  # the theme's files
    HIGHLIGHT_CSS: ClassVar[str] = STATIC + "highlight.css"
    PAGE_FILES: ClassVar[str] = "pages/"  # the files beside content/pages/*.md
    SEARCH: ClassVar[str] = "search/"  # the search page
    AUTHORS: ClassVar[str] = "authors/"  # author pages: authors/<slug of name>/
    PAGEFIND: ClassVar[str] = "pagefind/"  # the search index and Pagefind's own scripts
    # The names feeds and the sitemap are written under, wherever they sit.
    FEED_FILES: ClassVar[frozenset[str]] = frozenset({RSS, ATOM, JSON_FEED, FOLDER_FEED, SITEMAP})

    @classmethod
    def of(cls, config: SiteConfig) -> SiteLayout:
        """The layout of a site; the same object for the same config."""
        return _layout(config.base_url, config.base_path, config.permalinks)

    # Site paths ----------------------------------------------------------
    def site_path(self, rel: str) -> str:
        """The site path of a file or folder given relative to the site root."""
        return self.base_path + rel

    @property
    def home(self) -> str:
        return self.base_path

    @property
    def tags_index(self) -> str:
        return self.base_path + self.TAGS

    @property
    def archive(self) -> str:
        return self.base_path + self.ARCHIVE

    @property
    def editions_index(self) -> str:
        return self.base_path + self.EDITIONS

    @property
    def not_found(self) -> str:
        return self.base_path + self.NOT_FOUND

    @property
    def search(self) -> str:
        return self.base_path + self.SEARCH

    @property
    def pagefind(self) -> str:
        """The folder of the search index: pagefind-ui.js and .css are in it."""
        return self.base_path + self.PAGEFIND

    def entry_folder(self, meta: ArticleMeta | PageMeta) -> str:
        """The folder an article or page is published in, relative to the site root."""
        if isinstance(meta, PageMeta):
            return expand(self.permalinks.page, slug=meta.slug)
        date = meta.date
        return expand(
            self.permalinks.article,
            slug=meta.slug,
            year=f"{date.year:04d}",
            month=f"{date.month:02d}",
            day=f"{date.day:02d}",
        )

    def entry(self, meta: ArticleMeta | PageMeta) -> str:
        return self.base_path + self.entry_folder(meta)

    def author(self, slug: str) -> str:
        return self.base_path + self.AUTHORS + slug + "/"

    def tag(self, slug: str) -> str:
        return self.base_path + expand(self.permalinks.tag, tag=slug)

    def edition(self, edition_id: str) -> str:
        return self.base_path + expand(self.permalinks.edition, edition=edition_id)

    def edition_email(self, edition_url: str, name: str) -> str:
        """The site path of an edition's email file `name` (EMAIL_HTML, EMAIL_TEXT)."""
        return edition_url + name

    def year(self, year: int) -> str:
        return f"{self.base_path}{year:04d}/"

    def month(self, year: int, month: int) -> str:
        return f"{self.base_path}{year:04d}/{month:02d}/"

    def list_page(self, first: str, number: int) -> str:
        """Page `number` of the list whose first page is at site path `first`."""
        return first if number == 1 else first + self.PAGED.format(number=number)

    def source_folder(self, rel: str) -> str:
        """Site path of a source file's folder: where its other files are published."""
        folder = self.asset_output(rel).rpartition("/")[0]
        return self.base_path + (folder + "/" if folder else "")

    # Output paths --------------------------------------------------------
    def output(self, path: str) -> str:
        """The output file serving a site path: a folder's is its index.html."""
        rel = path.removeprefix(self.base_path)
        return rel + self.INDEX if rel == "" or rel.endswith("/") else rel

    @staticmethod
    def asset_output(rel: str) -> str:
        """Where a file under content/ is published: at the same path below the site root."""
        return rel.removeprefix("content/")

    def served_at(self, out_path: str) -> str:
        """The site path an output file is served at: `2024/06/x/index.html` → `/2024/06/x/`."""
        return self.base_path + folder_of_output(out_path)

    def feed_output(self, subject: str, name: str) -> str:
        """Where the feed `name` of the page at site path `subject` goes: in that page's folder."""
        return self.output(subject).removesuffix(self.INDEX) + name

    # Absolute URLs -------------------------------------------------------
    def absolute(self, url: str) -> str:
        """A site path (`/digest/2024/06/x/`) or a relative URL, made absolute and encoded.

        Site paths already carry base_url's sub-path, so joining against
        base_url keeps it exactly once.
        """
        if url.startswith("/") and not url.startswith("//"):  # the common case, without urljoin
            return to_uri(self.origin + url)
        return to_uri(urljoin(self.base_url, url))

    def image_url(self, meta: OwnPage) -> str | None:
        """The front-matter `image`, absolute: relative names sit beside the source file,
        where the build copies the article's other files."""
        image = meta.image
        if not image:
            return None
        if _HAS_SCHEME.match(image) or image.startswith("/"):
            return self.absolute(image)
        return self.absolute(self.source_folder(meta.path) + image)

    def image_src(self, meta: OwnPage) -> str | None:
        """The front-matter `image` as a page links it (`<img src>`): a site path for an
        image beside the source, else as written."""
        image = meta.image
        if not image:
            return None
        if _HAS_SCHEME.match(image) or image.startswith("/"):
            return image
        return href(self.source_folder(meta.path) + image)

    # Source paths --------------------------------------------------------
    @staticmethod
    def image_source(meta: OwnPage) -> str | None:
        """The file under content/ a relative `image` names (`content/2024/06/a.jpg`), whose
        header gives its width and height; None for an image given by URL or root path."""
        image = meta.image
        if not image or _HAS_SCHEME.match(image) or image.startswith("/"):
            return None
        return posixpath.normpath(posixpath.join(posixpath.dirname(meta.path), image))

    @staticmethod
    def new_article(day: dt.date, slug: str) -> str:
        """Where `new`, `import` and `init` put an article: `content/YYYY/MM/<slug>.md`."""
        return f"content/{day.year:04d}/{day.month:02d}/{slug}.md"


@lru_cache(maxsize=16)
def _layout(base_url: str, base_path: str, permalinks: Permalinks) -> SiteLayout:
    origin = base_url[: base_url.index("/", base_url.index("//") + 2)]
    return SiteLayout(base_url, base_path, origin, permalinks)


def _top(name: str) -> str:
    return name.split("/", 1)[0]


# The slugs no page may take, as they would land on a generated name at the
# site root: the top folder or file of every fixed output, the names hosts
# with clean URLs serve a top-level .html file at (`/404`, and `/index`,
# which many hosts also redirect to the folder above it), and `feed`, where
# readers and people look for a site's feed.
RESERVED = frozenset(
    {
        _top(name)
        for name in (
            SiteLayout.NOT_FOUND,
            SiteLayout.TAGS,
            SiteLayout.ARCHIVE,
            SiteLayout.EDITIONS,
            SiteLayout.PAGED,
            SiteLayout.RSS,
            SiteLayout.ATOM,
            SiteLayout.JSON_FEED,
            SiteLayout.SITEMAP,
            SiteLayout.ROBOTS,
            SiteLayout.STATIC,
            SiteLayout.PAGE_FILES,
            SiteLayout.SEARCH,
            SiteLayout.PAGEFIND,
            SiteLayout.AUTHORS,
        )
    }
    | {name.removesuffix(".html") for name in (SiteLayout.INDEX, SiteLayout.NOT_FOUND)}
    | {"feed"}
)


def folder_of_output(out_path: str) -> str:
    """An output path without its index.html: the folder part of its URL."""
    if out_path == SiteLayout.INDEX or out_path.endswith("/" + SiteLayout.INDEX):
        return out_path.removesuffix(SiteLayout.INDEX)
    return out_path


def folder_url(config: SiteConfig, rel: str) -> str:
    """Site path of a source file's folder (SiteLayout.source_folder, for the pipeline)."""
    return SiteLayout.of(config).source_folder(rel)


def expand(pattern: str, **fields: str) -> str:
    """Fill a permalink pattern; every field is already a safe segment."""
    return pattern.format(**fields)


def href(path: str) -> str:
    """Percent-encode a site path for use in an attribute (Unicode slugs)."""
    return quote(path, safe="/:#?=&%~-._")


def to_uri(url: str) -> str:
    """Percent-encode what a URI cannot hold (non-ASCII slugs, spaces), nothing else."""
    return quote(url, safe=_URI_SAFE)


def absolutize(html: str, page_url: str) -> str:
    """Make every href/src/srcset/poster in rendered HTML absolute, `#fragment` links included.

    Feed readers resolve nothing relative (many ignore xml:base). `page_url`
    (absolute) is the base: a fragment points into that page. URLs that
    already have a scheme (`https:`, `mailto:`) are left alone. The
    attributes are found by an HTML parser (core.urlattrs), so text that
    only looks like one, in a code sample or inside another attribute's
    value, is never touched.
    """
    if not _maybe_relative(html):
        return html  # every URL has a scheme, as in most bodies: no parse needed

    def one(url: str) -> str:
        bare = url.strip()
        return url if _has_scheme(bare) else to_uri(urljoin(page_url, bare))

    def fix(tag: str, name: str, value: str) -> str:
        if name != "srcset":
            return one(value)
        parts = []
        for candidate in value.split(","):
            bits = candidate.split()
            if bits:
                parts.append(" ".join([one(bits[0]), *bits[1:]]))
        return ", ".join(parts)

    return urlattrs.rewrite(html, fix)


def _maybe_relative(html: str) -> bool:
    """Whether absolutize might have work to do: a srcset, or an href/src/poster name (in
    any case) with `=`, a quote or none, and a value without a scheme after it.

    Any attribute absolutize would change is written so, so False is certain;
    text that merely looks alike only costs a parse, and so does an entity or a
    control character in a scheme (`&#104;ttps:`). Most bodies link only to
    other sites, and this saves them the parse at a fiftieth of its cost.
    """
    lowered = html.lower()
    if "srcset" in lowered:
        return True
    for name in ("href", "src", "poster"):
        at = lowered.find(name)
        while at >= 0:
            if _NO_SCHEME.match(lowered, at + len(name)):
                return True
            at = lowered.find(name, at + len(name))
    return False


_NO_SCHEME = re.compile(r"""\s*+=\s*+["']?+\s*+(?![a-z][a-z0-9+.-]*:)""")
# What a browser ignores around a URL and inside it (the URL standard): leading and
# trailing C0 controls and spaces, and every tab and line break.
_URL_IGNORED = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")


def _has_scheme(url: str) -> bool:
    """Whether a browser reads `url` as having a scheme, as it reads `java`, a tab and
    `script:`: such a URL is left as it is, never resolved into an innocent-looking one."""
    return bool(_HAS_SCHEME.match(url.strip(_URL_IGNORED).translate(_URL_DROPPED)))
