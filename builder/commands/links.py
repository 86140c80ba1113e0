"""Reading the built site for `broadsheet check`: links, anchors, feeds, sitemap.

check.py owns the command and the content warnings; this module owns what
can only be known from output/ itself: every URL a page, feed or sitemap
writes, whether it resolves to a file of the built site under base_path,
and whether the `#anchor` it names exists on that page. It never writes.

A problem is located where it can be fixed: when the URL is written in an
article's Markdown, at that line of the source file (the caller maps output
pages back to sources); otherwise at the line of the output file.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote

from builder.core.models import SiteConfig
from builder.core.paths import SiteLayout
from builder.core.progress import SILENT, Progress, counted
from builder.core.urls import join_url, parse_url
from builder.render.formats import ATOM, CONTENT
from builder.render.sitemap import SITEMAP
from builder.write import MARKER

_SKIP_SCHEMES = {"mailto", "tel", "data", "javascript", "sms", "geo", "about", "blob"}
_URL_ATTRS = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
}
_META_URLS = {"og:url", "og:image", "twitter:image"}


# --------------------------------------------------------------------------
# Reading HTML
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """A URL found in a file: what kind of thing it loads, and where it is written."""

    kind: str  # link | image | stylesheet | script | media
    url: str
    line: int
    col: int


class _PageParser(HTMLParser):
    """Collects the URLs a page refers to and the ids it offers as anchors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[Ref] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        line, col = self.getpos()
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if key in values:
                self.ids.add(values[key])
        if tag == "meta" and values.get("property", values.get("name")) in _META_URLS:
            self.refs.append(Ref("link", values.get("content", ""), line, col + 1))
            return
        for attr in _URL_ATTRS.get(tag, ()):
            if attr not in values:
                continue
            urls = (
                [c.split()[0] for c in values[attr].split(",") if c.split()]
                if attr == "srcset"
                else [values[attr]]
            )
            for url in urls:
                self.refs.append(Ref(_kind(tag, values), url, line, col + 1))

    handle_startendtag = handle_starttag


def _kind(tag: str, attrs: dict[str, str]) -> str:
    if tag == "link":
        return "stylesheet" if "stylesheet" in attrs.get("rel", "").split() else "link"
    return {"a": "link", "area": "link", "img": "image", "source": "image", "script": "script"}.get(
        tag, "media"
    )


def parse_html(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


# --------------------------------------------------------------------------
# Resolving URLs against output/
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """Where a URL leads: the output file (or None when it leads nowhere) and the anchor."""

    rel: str | None
    fragment: str
    problem: str | None = None  # why it leads nowhere
    path: str = ""  # the site path it names, however it was spelt (the key of a finding)


class Built:
    """The files of output/ and the anchors each HTML page offers."""

    def __init__(self, config: SiteConfig, files: set[str]) -> None:
        self.config = config
        self.files = files
        self.base = config.base_path
        self.layout = SiteLayout.of(config)
        base = parse_url(config.base_url)  # checked when site.yaml was read
        self.host = "" if isinstance(base, str) else base.netloc.lower()
        self.ids: dict[str, set[str]] = {}

    def page_url(self, rel: str) -> str:
        """The site path a file is served at: `2024/06/x/index.html` → `/2024/06/x/`."""
        return self.layout.served_at(rel)

    def resolve(self, url: str, page_url: str | None) -> Target | None:
        """A Target for a URL of this site; None for external URLs and mailto: and the like.

        `page_url` is None in feeds, where a relative URL is itself a problem.
        """
        url = url.strip()
        parts = parse_url(url)
        if isinstance(parts, str):
            return Target(None, "", f"cannot be read as a URL: {parts}")
        scheme = parts.scheme
        if scheme in _SKIP_SCHEMES or (scheme and scheme not in ("http", "https")):
            return None
        path = parts.path
        if path + "/" == self.base:
            path = self.base
        if scheme or url.startswith("//"):
            if parts.netloc.lower() != self.host or not path.startswith(self.base):
                return None  # another site (or another project on the same host)
        elif page_url is None:
            return Target(None, "", "is relative, which feed readers cannot resolve")
        elif url.startswith("/"):
            if not path.startswith(self.base):
                return Target(None, "", f"is outside the site's base path {self.base}")
        elif not url or url.startswith("#"):
            path = page_url
        else:
            joined = join_url(page_url, url)
            path = "" if isinstance(joined, str) else joined.path
            if not path.startswith(self.base):
                return Target(None, "", "leads outside the site")
        fragment = unquote(parts.fragment)
        rest = unquote(path[len(self.base) :])
        if rest:
            normal = posixpath.normpath(rest)
            if normal.startswith("..") or normal.startswith("/"):
                return Target(None, fragment, "leads outside the site")
            rest = normal + ("/" if rest.endswith("/") and normal != "." else "")
            rest = "" if rest in (".", "./") else rest
        folder = rest == "" or rest.endswith("/")
        for candidate in (
            (self.layout.output(self.base + rest),)
            if folder
            else (rest, self.layout.output(self.base + rest + "/"))
        ):
            if candidate in self.files:
                return Target(candidate, fragment)
        missing = "no page or file of the built site"
        if self.base + rest != parts.path:
            missing = f"{self.base + rest}, which is {missing}"
        return Target(None, fragment, f"leads to {missing}", rest)

    def anchor_missing(self, target: Target) -> bool:
        """True when the URL names an anchor its (HTML) page does not have."""
        if (
            not target.fragment
            or target.fragment == "top"
            or target.rel is None
            or not target.rel.endswith(".html")
        ):
            return False
        ids = self.ids.get(target.rel)
        return ids is not None and target.fragment not in ids


# --------------------------------------------------------------------------
# Walking output/
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One URL that leads nowhere, and the place to report it."""

    key: str  # the broken target, shared by every file that refers to it
    path: str  # where to report it
    line: int
    col: int
    message: str
    from_source: bool  # located in a content/ file, not in output/
    page_of: str = ""  # the source whose page (in output/) holds the URL


class Checker:
    """Walks output/ once and turns what does not resolve into Findings."""

    def __init__(self, config: SiteConfig, sources: dict[str, tuple[str, str]]) -> None:
        self.config = config
        self.out = config.output_dir
        self.sources = sources  # output rel → (source rel, source text)
        files = {
            os.path.relpath(os.path.join(folder, name), self.out).replace(os.sep, "/")
            for folder, _dirs, names in os.walk(self.out)
            for name in names
        }
        self.built = Built(config, files - {MARKER})
        self.findings: list[Finding] = []
        self.pages = self.feeds = self.refs = 0

    def display(self, rel: str) -> str:
        """An output file as the user would type it: `output/feed.xml`."""
        try:
            return (self.out.relative_to(self.config.root) / rel).as_posix()
        except ValueError:
            return (self.out / rel).as_posix()

    def run(self, progress: Progress = SILENT) -> list[Finding]:
        """Read every page, resolve every reference in it, then read the feeds."""
        html = [rel for rel in sorted(self.built.files) if rel.endswith(".html")]
        progress.stage("pages", len(html), "pages")
        pages: dict[str, list[Ref]] = {}
        for rel in counted(html, progress):
            parsed = parse_html(self._text(rel))
            self.built.ids[rel] = parsed.ids
            pages[rel] = parsed.refs
        progress.stage("links", len(pages), "pages")
        for rel, refs in counted(pages.items(), progress):
            self.pages += 1
            page_url = self.built.page_url(rel)
            for ref in refs:
                self._check(ref, rel, page_url)
        feeds = [rel for rel in sorted(self.built.files) if rel.endswith((".xml", ".json"))]
        progress.stage("feeds", len(feeds), "files")
        for rel in counted(feeds, progress):
            self._feed(rel)
        return self.findings

    def _text(self, rel: str) -> str:
        return (self.out / rel).read_bytes().decode("utf-8", "replace")

    def _check(self, ref: Ref, rel: str, page_url: str | None) -> None:
        self.refs += 1
        target = self.built.resolve(ref.url, page_url)
        if target is None:
            return
        if target.problem:
            message = f"broken {ref.kind} `{ref.url}`: it {target.problem}"
        elif self.built.anchor_missing(target):
            where = (
                "this page"
                if target.rel == rel
                else "/" + target.rel.removesuffix(SiteLayout.INDEX)  # type: ignore[union-attr]
            )
            message = f'broken anchor `{ref.url}`: no id="{target.fragment}" on {where}'
        else:
            return
        key = f"{target.rel or target.path or ref.url}#{target.fragment}"
        self.findings.append(self._locate(key, rel, ref, message, page_url is None))

    def _locate(self, key: str, rel: str, ref: Ref, message: str, feed: bool) -> Finding:
        """At the line of the article's source that writes the URL, else in output/."""
        if rel in self.sources and not feed:
            source, text = self.sources[rel]
            line = _line_of(text, _spellings(ref.url, source, self.config))
            if line:
                return Finding(key, source, line, 0, message, True)
        line, col = ref.line, ref.col
        if feed:
            line, col = _line_of(self._text(rel), [ref.url, ref.url.replace("&", "&amp;")]), 0
        page_of = self.sources[rel][0] if rel in self.sources and not feed else ""
        return Finding(key, self.display(rel), line, col, message, False, page_of)

    # Feeds and the sitemap ---------------------------------------------------
    def _feed(self, rel: str) -> None:
        """Check one feed or sitemap; other .xml/.json files (assets) are left alone."""
        data = (self.out / rel).read_bytes()
        known = rel.rsplit("/", 1)[-1] in SiteLayout.FEED_FILES
        try:
            if rel.endswith(".json"):
                feed = json.loads(data)
                if not (
                    isinstance(feed, dict)
                    and str(feed.get("version", "")).startswith("https://jsonfeed.org/")
                ):
                    return
                refs = _json_refs(feed)
            else:
                root = ET.fromstring(data)
                if root.tag not in ("rss", f"{{{ATOM}}}feed", f"{{{SITEMAP}}}urlset"):
                    return
                refs = _xml_refs(root)
        except (ValueError, ET.ParseError) as exc:
            if known:
                self.findings.append(
                    Finding(rel, self.display(rel), 0, 0, f"cannot be read as a feed: {exc}", False)
                )
            return
        self.feeds += 1
        for ref in refs:
            self._check(ref, rel, None)


def _xml_refs(root: ET.Element) -> list[Ref]:
    """Every URL of an RSS, Atom or sitemap file, including links inside HTML content."""
    refs: list[Ref] = []
    for node in root.iter():
        url = _node_url(node)
        if url:
            refs.append(Ref("link", url, 0, 0))
        html = node.tag in ("description", f"{{{CONTENT}}}encoded") or (
            node.tag in (f"{{{ATOM}}}content", f"{{{ATOM}}}summary") and node.get("type") == "html"
        )
        if html and node.text:
            refs += [Ref(r.kind, r.url, 0, 0) for r in parse_html(node.text).refs]
    return refs


def _node_url(node: ET.Element) -> str | None:
    """The URL an XML element holds: <link>, <loc>, a permalink <guid>, an href or url."""
    if node.tag in ("link", "url", f"{{{SITEMAP}}}loc"):
        return node.text
    if node.tag == "guid" and node.get("isPermaLink", "true") == "true":
        return node.text
    if node.tag == f"{{{ATOM}}}link":
        return node.get("href")
    if node.tag == "enclosure":
        return node.get("url")
    return None


def _json_refs(feed: dict) -> list[Ref]:
    refs = [Ref("link", str(feed[k]), 0, 0) for k in ("home_page_url", "feed_url") if k in feed]
    for item in feed.get("items", []):
        if not isinstance(item, dict):
            continue
        refs += [
            Ref("link" if k == "url" else "image", str(item[k]), 0, 0)
            for k in ("url", "image", "banner_image")
            if k in item
        ]
        refs += [
            Ref(r.kind, r.url, 0, 0) for r in parse_html(str(item.get("content_html", ""))).refs
        ]
    return refs


def _spellings(url: str, source: str, config: SiteConfig) -> list[str]:
    """How the Markdown may have written a URL the renderer made site-absolute."""
    folder = SiteLayout.of(config).source_folder(source)
    forms = [url, unquote(url)]
    if url.startswith(folder) and len(url) > len(folder):
        rest = url[len(folder) :]
        forms += [rest, "./" + rest]
    # `../x` was resolved against the folder: try each folder above it.
    parts = folder.strip("/").split("/")
    for up in range(1, len(parts) + 1):
        above = "/" + "/".join(parts[:-up]) + ("/" if parts[:-up] else "")
        if url.startswith(above) and len(url) > len(above):
            forms.append("../" * up + url[len(above) :])
    return forms


def _line_of(text: str, forms: list[str]) -> int:
    """The first line (1-based) holding one of `forms` as a whole URL, else 0.

    `/2024/06/x/` must not be found inside `/sub/2024/06/x/`, so the URL may
    not be glued to more URL characters on either side.
    """
    pattern = re.compile(
        "|".join(rf"(?<![\w/.%~-]){re.escape(f)}(?![\w/%~-])" for f in dict.fromkeys(forms) if f)
    )
    for number, line in enumerate(text.split("\n"), 1):
        if pattern.search(line):
            return number
    return 0
