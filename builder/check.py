"""`broadsheet check`: after a build, prove the published site holds together.

CI runs it after `broadsheet build`. It reads output/ (never writes it) and
reports every internal link, image, stylesheet, script and `#anchor` that
leads nowhere, every feed or sitemap entry pointing at a page that does not
exist, and the content warnings an editor should see (no summary, a source
curated twice, one tag spelt two ways, articles scheduled for later).

A problem is reported where it can be fixed: when a broken link is written
in an article's Markdown, at that line of the source file (the site model
maps output pages back to sources); otherwise at the line of the output
file, once, with a count of the other pages that share it (a broken link in
a template would otherwise be reported on every page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from builder import build as build_mod
from builder import cache as cache_mod
from builder import site as site_mod
from builder.config import load_config
from builder.discover import discover
from builder.errors import EXIT_CONTENT, EXIT_OK, Diagnostics, UsageError, emit
from builder.feeds import ATOM, CONTENT
from builder.models import BuildOptions, Entry, SiteConfig, SourceFile
from builder.write import MARKER

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_SKIP_SCHEMES = {"mailto", "tel", "data", "javascript", "sms", "geo", "about", "blob"}
_URL_ATTRS = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src", "srcset"),
    "source": ("src", "srcset"), "script": ("src",), "iframe": ("src",), "embed": ("src",),
    "audio": ("src",), "video": ("src", "poster"), "track": ("src",),
}
_META_URLS = {"og:url", "og:image", "twitter:image"}
_MORE_LINE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.M)  # as markup.py reads it


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
            urls = [c.split()[0] for c in values[attr].split(",") if c.split()] \
                if attr == "srcset" else [values[attr]]
            for url in urls:
                self.refs.append(Ref(_kind(tag, values), url, line, col + 1))

    handle_startendtag = handle_starttag


def _kind(tag: str, attrs: dict[str, str]) -> str:
    if tag == "link":
        return "stylesheet" if "stylesheet" in attrs.get("rel", "").split() else "link"
    return {"a": "link", "area": "link", "img": "image", "source": "image",
            "script": "script"}.get(tag, "media")


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
        self.host = urlsplit(config.base_url).netloc.lower()
        self.ids: dict[str, set[str]] = {}

    def page_url(self, rel: str) -> str:
        """The site path a file is served at: `2024/06/x/index.html` → `/2024/06/x/`."""
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel.removesuffix("index.html")
        return self.base + rel

    def resolve(self, url: str, page_url: str | None) -> Target | None:
        """A Target for a URL of this site; None for external URLs and mailto: and the like.

        `page_url` is None in feeds, where a relative URL is itself a problem.
        """
        url = url.strip()
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
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
            path = urlsplit(urljoin(page_url, url)).path
            if not path.startswith(self.base):
                return Target(None, "", "leads outside the site")
        fragment = unquote(parts.fragment)
        rest = unquote(path[len(self.base):])
        if rest:
            normal = posixpath.normpath(rest)
            if normal.startswith("..") or normal.startswith("/"):
                return Target(None, fragment, "leads outside the site")
            rest = normal + ("/" if rest.endswith("/") and normal != "." else "")
            rest = "" if rest in (".", "./") else rest
        for candidate in ((rest + "index.html",) if rest == "" or rest.endswith("/")
                          else (rest, rest + "/index.html")):
            if candidate in self.files:
                return Target(candidate, fragment)
        missing = "no page or file of the built site"
        if self.base + rest != parts.path:
            missing = f"{self.base + rest}, which is {missing}"
        return Target(None, fragment, f"leads to {missing}", rest)

    def anchor_missing(self, target: Target) -> bool:
        """True when the URL names an anchor its (HTML) page does not have."""
        if not target.fragment or target.fragment == "top" or target.rel is None \
                or not target.rel.endswith(".html"):
            return False
        ids = self.ids.get(target.rel)
        return ids is not None and target.fragment not in ids


# --------------------------------------------------------------------------
# Findings → diagnostics
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
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
        files = {os.path.relpath(os.path.join(folder, name), self.out).replace(os.sep, "/")
                 for folder, _dirs, names in os.walk(self.out) for name in names}
        self.built = Built(config, files - {MARKER})
        self.findings: list[Finding] = []
        self.pages = self.feeds = self.refs = 0

    def display(self, rel: str) -> str:
        """An output file as the user would type it: `output/feed.xml`."""
        try:
            return (self.out.relative_to(self.config.root) / rel).as_posix()
        except ValueError:
            return (self.out / rel).as_posix()

    def run(self) -> list[Finding]:
        pages: dict[str, list[Ref]] = {}
        for rel in sorted(self.built.files):
            if rel.endswith(".html"):
                parsed = parse_html(self._text(rel))
                self.built.ids[rel] = parsed.ids
                pages[rel] = parsed.refs
        for rel, refs in pages.items():
            self.pages += 1
            page_url = self.built.page_url(rel)
            for ref in refs:
                self._check(ref, rel, page_url)
        for rel in sorted(self.built.files):
            if rel.endswith(".xml") or rel.endswith(".json"):
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
            where = "this page" if target.rel == rel else "/" + target.rel.removesuffix(
                "index.html")  # type: ignore[union-attr]
            message = f"broken anchor `{ref.url}`: no id=\"{target.fragment}\" on {where}"
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
        known = rel.rsplit("/", 1)[-1] in ("feed.xml", "atom.xml", "feed.json", "sitemap.xml")
        try:
            if rel.endswith(".json"):
                feed = json.loads(data)
                if not (isinstance(feed, dict)
                        and str(feed.get("version", "")).startswith("https://jsonfeed.org/")):
                    return
                refs = _json_refs(feed)
            else:
                root = ET.fromstring(data)
                if root.tag not in ("rss", f"{{{ATOM}}}feed", f"{{{SITEMAP}}}urlset"):
                    return
                refs = _xml_refs(root)
        except (ValueError, ET.ParseError) as exc:
            if known:
                self.findings.append(Finding(rel, self.display(rel), 0, 0,
                                             f"cannot be read as a feed: {exc}", False))
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
            node.tag in (f"{{{ATOM}}}content", f"{{{ATOM}}}summary")
            and node.get("type") == "html")
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
        refs += [Ref("link" if k == "url" else "image", str(item[k]), 0, 0)
                 for k in ("url", "image", "banner_image") if k in item]
        refs += [Ref(r.kind, r.url, 0, 0)
                 for r in parse_html(str(item.get("content_html", ""))).refs]
    return refs


def _spellings(url: str, source: str, config: SiteConfig) -> list[str]:
    """How the Markdown may have written a URL the renderer made site-absolute."""
    folder = build_mod.folder_url(config, source)
    forms = [url, unquote(url)]
    if url.startswith(folder) and len(url) > len(folder):
        rest = url[len(folder):]
        forms += [rest, "./" + rest]
    return forms


def _line_of(text: str, forms: list[str]) -> int:
    """The first line (1-based) holding one of `forms` as a whole URL, else 0.

    `/2024/06/x/` must not be found inside `/sub/2024/06/x/`, so the URL may
    not be glued to more URL characters on either side.
    """
    pattern = re.compile("|".join(rf"(?<![\w/.%~-]){re.escape(f)}(?![\w/%~-])"
                                  for f in dict.fromkeys(forms) if f))
    for number, line in enumerate(text.split("\n"), 1):
        if pattern.search(line):
            return number
    return 0


def to_diagnostics(findings: list[Finding], diags: Diagnostics) -> None:
    """Source-located findings as they are; the rest once per broken target, with a count."""
    in_sources = {f.key for f in findings if f.from_source}
    groups: dict[str, list[Finding]] = defaultdict(list)
    hint_src = "fix the link in the Markdown, or build again if output/ is older than content/"
    hint_out = "the theme or a feed writes this URL; check the template or the permalinks"
    for f in findings:
        if f.from_source:
            diags.error(f.path, f.line, f.col, f.message, hint_src)
        elif f.key not in in_sources:
            groups[f.key].append(f)
    for group in groups.values():
        first = min(group, key=lambda f: (f.path, f.line))
        others = len({f.path for f in group}) - 1
        if others:
            text = f"{first.message} (and in {others} other file{'s' if others != 1 else ''})"
        else:
            text = first.message + (f" (on the page of {first.page_of})" if first.page_of else "")
        diags.error(first.path, first.line, first.col, text, hint_out)


# --------------------------------------------------------------------------
# Content warnings, from the pipeline stages up to the site model
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Model:
    entries: list[Entry]
    assets: list[SourceFile]
    texts: dict[str, str]  # source rel → its text, to find the line a URL is written on
    origin: dict[str, str]  # output rel → the source rel it is made from


def read_model(config: SiteConfig, diags: Diagnostics) -> Model:
    """The pipeline up to the site model, writing nothing: the cache is only read."""
    sources = discover(config.root, diags)
    texts = [s for s in sources if s.kind != "asset"]
    assets = [s for s in sources if s.kind == "asset"]
    cache_dir = config.root / ".broadsheet-cache"
    store = cache_mod.Cache(
        cache_dir if (cache_dir / "cache.sqlite").is_file() else None,
        cache_mod.salt(config.markdown, config.timezone, config.base_path), diags)
    try:  # read only: new results are put into the store, but it is never saved
        entries, _parsed = build_mod.load_entries(texts, config, store, 1, diags)
    finally:
        store.close()
    everything = site_mod.build_site(entries, assets, config,
                                     BuildOptions(drafts=True, future=True), Diagnostics())
    origin = {a.out_path: a.meta.path for a in everything.articles + everything.pages}
    origin |= {e.out_path: f"content/editions/{e.id}.md" for e in everything.editions
               if e.note_key}
    return Model(entries, assets, {s.rel: s.data.decode("utf-8", "replace") for s in texts},
                 origin)


def content_warnings(model: Model, config: SiteConfig, diags: Diagnostics) -> None:
    """What `build` warns about, plus missing summaries and scheduled articles."""
    now = dt.datetime.now(zoneinfo.ZoneInfo(config.timezone))
    site_mod.build_site(model.entries, model.assets, config, BuildOptions(now=now), diags)
    for entry in model.entries:
        meta = entry.meta
        if meta.kind != "article" or meta.draft:
            continue
        text = model.texts.get(meta.path, "")
        if meta.summary is None and not _MORE_LINE.search(text):
            diags.warning(meta.path, meta.title_line, 0,
                          "no summary: lists and feeds show the first paragraph",
                          'add  summary: "..."  to the front matter, or a <!-- more --> '
                          "line after the opening paragraphs")
        if meta.date and meta.date > now:
            diags.warning(meta.path, _key_line(text, "date"), 0,
                          f"scheduled: dated {meta.date.isoformat()}, so not published "
                          "until then", "the daily CI build publishes it on its date")


def _key_line(text: str, key: str) -> int:
    match = re.search(rf"^{key}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    config = load_config(args.config, args.output)
    out = config.output_dir
    if not (out / MARKER).is_file():
        shown = out.relative_to(config.root).as_posix() + "/" if out.is_relative_to(
            config.root) else str(out)
        raise UsageError(f"no built site in {shown}", "run  broadsheet build  first")
    diags = Diagnostics()
    model = read_model(config, diags)
    content_warnings(model, config, diags)
    checker = Checker(config, {out: (src, model.texts.get(src, ""))
                               for out, src in model.origin.items()})
    to_diagnostics(checker.run(), diags)
    result = diags.sorted(args.strict)
    emit(result, sys.stderr)
    errors = sum(1 for d in result if d.severity == "error")
    warnings = len(result) - errors
    counts = f"{checker.pages} pages and {checker.feeds} feeds, {checker.refs} links"
    tail = f"; {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    if errors:
        print(f"check failed: {errors} problem{'s' if errors != 1 else ''} in {counts}{tail}",
              file=sys.stderr)
        return EXIT_CONTENT
    print(f"checked {counts}: no problems{tail}", file=sys.stderr)
    return EXIT_OK
