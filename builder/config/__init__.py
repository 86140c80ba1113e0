"""site.yaml → SiteConfig: one table of options, every key checked, every problem at once.

A misspelt key in a config file is the most common reason a setting "does
nothing"; so unknown keys are errors with a "did you mean" hint, and values
are checked for type and range with the line and column they sit on.

Each option is declared once, as a row of OPTIONS: dotted key, type,
default, check and help. The known keys of every section, the reading into
the frozen SiteConfig, the scaffold site.yaml that `broadsheet init` copies
and docs/site-yaml.md are all derived from that table (the last two are
written by `python -m builder.config_docs`; tests fail when they are stale).

The checks and readers of single values (a time zone, a list of section
names, the numbering) are config/checks.py's.

Defaults of nested sections come from the dataclasses in core/models.py:
they are built with their defaults by code and tests that never read a
site.yaml, and core may not import this module, so the table reads them
rather than restating them. Top-level SiteConfig fields have no defaults
there (the paths are always given), so theirs live in the table.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.config.checks import (
    check_language,
    check_link,
    check_style,
    check_theme,
    check_timezone,
    check_url,
    normalise_base_url,
    read_names,
    read_numbering,
    read_records,
    style_hint,
    timezone_hint,
)
from builder.core import languages
from builder.core.errors import ConfigErrors, Diagnostics, display_path
from builder.core.models import (
    AuthorInfo,
    ContentConfig,
    EditionOptions,
    FeedsConfig,
    LinksConfig,
    MarkdownConfig,
    Permalinks,
    SiteConfig,
    SourceFile,
)
from builder.core.textfile import decode
from builder.core.yamlload import YamlValue, load_mapping
from builder.core.yamlschema import FieldReader, Hint


@dataclasses.dataclass(frozen=True)
class Option:
    """One site.yaml key: what the loader, the scaffold and the reference know of it."""

    key: str  # dotted path in site.yaml: `feeds.rss.limit`
    kind: str  # text | flag | number | choice | names | mapping | records | section
    default: Any
    help: str  # one sentence or two; wrapped in the scaffold, one table row in the docs
    low: int = 0  # number: the accepted range
    high: int = 0
    choices: tuple[str, ...] = ()  # choice
    check: Callable[[str], str | None] | None = None  # text: an error message, or None
    hint: Hint = None  # the hint when `check` fails
    example: Any = None  # what the scaffold shows, when not the default
    required: bool = False  # text that must be given and not be empty
    field: str | None = None  # where the value lands in SiteConfig, when not at `key`
    convert: Callable[[Any], Any] | None = None  # applied to the value read
    reader: Callable[[FieldReader, dict[str, YamlValue], str], Any] | None = None  # mapping
    shape: str = ""  # mapping: how it is written, for the reference

    @property
    def leaf(self) -> str:
        return self.key.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        return self.key.rpartition(".")[0]

    def read(self, r: FieldReader, mapping: dict[str, YamlValue]) -> Any:
        """This option's value out of its section's mapping, or its default with an error."""
        leaf = self.leaf
        if self.kind == "flag":
            return r.boolean(mapping, leaf, self.default)
        if self.kind == "number":
            return r.integer(mapping, leaf, self.default, self.low, self.high)
        if self.kind == "choice":
            return r.choice(mapping, leaf, self.default, self.choices)
        if self.kind == "names":
            return read_names(r, mapping, leaf)
        if self.reader is not None:
            return self.reader(r, mapping, leaf)
        if self.check is not None:
            value = r.checked(mapping, leaf, self.default, self.check, self.hint)
        else:
            value = r.text(mapping, leaf, self.default, strip=True)
        given = mapping.get(leaf)
        if self.required and (given is None or (given.kind in ("str", "null") and not value)):
            line, col = (given.line, given.col) if given is not None else (1, 1)
            r.diags.error(r.path, line, col, f"the site needs a `{leaf}`",
                          f"add a line such as  {leaf}: {yaml_scalar(self.example)}")
        return self.convert(value) if self.convert else value


# One constructor per kind, so that each row of OPTIONS reads: key, default,
# range or choices, help, then any check.
def text(key: str, default: str, help: str, **more: Any) -> Option:
    return Option(key, "text", default, help, **more)


def flag(key: str, default: bool, help: str, **more: Any) -> Option:
    return Option(key, "flag", default, help, **more)


def number(key: str, default: int, low: int, high: int, help: str) -> Option:
    return Option(key, "number", default, help, low=low, high=high)


def choice(key: str, default: str, choices: tuple[str, ...], help: str, **more: Any) -> Option:
    return Option(key, "choice", default, help, choices=choices, **more)


def names(key: str, help: str, **more: Any) -> Option:
    """A list of names, in the order written: `[Energy, Climate]`."""
    return Option(key, "names", (), help, **more)


def mapping(key: str, reader: Callable[[FieldReader, dict[str, YamlValue], str], Any],
            shape: str, help: str, **more: Any) -> Option:
    """A small mapping read by `reader` into one value (None when it is left out)."""
    return Option(key, "mapping", None, help, reader=reader, shape=shape, **more)


def section(key: str, help: str) -> Option:
    return Option(key, "section", None, help)


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
    return text(f"permalinks.{kind}", default, f"{what}: {names}{rule}.", check=check,
                hint=f'the default is  {kind}: "{default}"')


def _feed(name: str, what: str) -> tuple[Option, ...]:
    """A feed's section and its three switches, with that feed's defaults."""
    base = getattr(FeedsConfig(), name)
    return (
        section(f"feeds.{name}", what),
        flag(f"feeds.{name}.enabled", base.enabled, "Publish this feed (true) or not (false)."),
        number(f"feeds.{name}.limit", base.limit, 0, 100000,
               "How many of the newest items it holds; 0 for all."),
        flag(f"feeds.{name}.full_content", base.full_content,
             "Each item holds the whole article (true) or just its summary (false)."),
    )


# --------------------------------------------------------------------------
# THE table, in the order the scaffold and the reference list it. Adding an
# option: one row here (and its field in the dataclass it lands in).
# --------------------------------------------------------------------------
_MD = MarkdownConfig()  # the markdown section's defaults
_CONTENT = ContentConfig()
_ED = EditionOptions()
_LINKS = LinksConfig()
OPTIONS: tuple[Option, ...] = (
    text("title", "", "The name of the site: page titles, the masthead and the feeds use it.",
         required=True, example="My Digest"),
    text("description", "",
         "One sentence about the site, for the masthead, search engines and feed readers.",
         example="A curated digest of the week's most useful reading."),
    text("base_url", "http://localhost:8000/",
         "Where the site will be published, as an absolute http(s) URL; feeds, the sitemap "
         "and canonical links are built from it. A sub-path works too: on GitHub Pages a "
         "project site lives at https://USER.github.io/REPOSITORY/",
         check=check_url, hint="for example  base_url: https://example.org/digest/",
         convert=normalise_base_url, example="https://example.org/"),
    text("language", "en",
         "The language of the articles (a tag such as en, de or pt-BR), for the pages' "
         "lang attribute and the feeds.",
         check=check_language, convert=languages.canonical,
         hint="use the BCP 47 code of the site's language: en, de, fr, pt-BR, ..."),
    text("timezone", "UTC",
         "The time zone dates are read and shown in (an IANA name such as Europe/Berlin or "
         "America/New_York). A date written without a time zone in front matter is taken to "
         "be in this one; it also decides the edition weeks.",
         check=check_timezone, hint=timezone_hint),
    text("author", "", "Shown as the publisher when an article names no author of its own.",
         example="The editors"),
    text("theme", "default",
         "The theme: a folder under themes/ in this site, or the bundled `default`. Templates "
         "in a templates/ folder beside this file override the theme's.",
         check=check_theme,
         hint="write the name of a folder in themes/, such as  theme: default"),
    number("paginate", 10, 1, 1000, "Articles per page on the front page and the tag pages."),
    number("related", 5, 0, 50,
           "How many related articles (sharing tags) to show under each article; 0 for none."),
    flag("search", True, "A search index (Pagefind), a search box and a /search/ page, "
         "working from the published files alone."),
    Option("authors", "records", (), "Writers and editors, as `name` (as bylines write it), "
           "`bio`, `url`: each gets a page at /authors/<name>/ with a feed, and bylines link "
           "to it.", shape="[{name, bio, url}]", reader=read_records(
               (("name", None), ("bio", None), ("url", check_link)), AuthorInfo)),
    text("output", "output",
         "The folder the built site is written to. Broadsheet replaces it on every build, so "
         "never point it at a folder holding anything else.", field="output_dir"),
    section("content", "What contributors may publish from content/."),
    flag("content.allow_active", _CONTENT.allow_active,
         "Publish files that can run script on the site: HTML and JavaScript files (.html, "
         ".htm, .shtml, .xhtml, .xht, .js, .mjs, .cjs), .svgz images, and SVG images with "
         "scripts, event handlers, javascript: links or foreignObject. Off, they are refused "
         "with an error. Turn it on only when every contributor is trusted (see "
         "docs/security.md)."),
    section("editions",
            "Editions group the articles published in one period into an issue with its own "
            "page and an item in the editions feed (ready for RSS-to-email)."),
    choice("editions.period", "week", ("week", "month", "off"),
           "How long an edition runs: week (ISO weeks), month, or off for no editions.",
           field="editions"),
    flag("editions.show_open", _ED.show_open,
         "Show the edition still open (its period has not ended) as \"this week so far\". "
         "An open edition is never in the editions feed, the front page's latest-edition "
         "banner or an email file, whatever this says.",
         field="edition_options.show_open"),
    mapping("editions.numbering", read_numbering, "{from: YYYY-MM-DD, start: N}",
            "Number the editions, e.g. {from: 2026-01-05, start: 1}: the one holding the date "
            "`from` is No. `start`, and each later period counts one on. An editor's note can "
            "set `number:` to start the count afresh. null: editions have no numbers.",
            field="edition_options.numbering"),
    names("editions.sections",
          "The sections of an edition, in order: each item goes in the section its "
          "`section:` names or, failing that, the one its first tag names; the rest go under "
          "More, last. Empty: one section per first tag, alphabetically.",
          field="edition_options.sections"),
    section("links", "Link hygiene: the outbound links of articles and link items."),
    number("links.window", _LINKS.window, 0, 1000,
           "A link already given in one of this many previous editions is a warning (an "
           "error with --strict); 0 to compare nothing."),
    flag("links.strip_tracking", _LINKS.strip_tracking,
         "Remove tracking parameters (utm_source, fbclid, ...; listed in docs/editions.md) "
         "from published links. The source files are never changed."),
    section("permalinks", "URL patterns, relative to base_url; each must end in `/`."),
    _permalink("article", "Articles", ("year", "month", "day", "slug"), "slug"),
    _permalink("page", "Standalone pages from content/pages/", ("slug",), "slug"),
    _permalink("tag", "Tag pages", ("tag",), "tag"),
    _permalink("edition", "Edition pages, named like 2024-w25 (2024-06 for months)",
               ("edition",), "edition"),
    section("feeds", "The feeds, each with the same three settings."),
    *_feed("rss", "/feed.xml, RSS 2.0"),
    *_feed("atom", "/atom.xml, Atom 1.0"),
    *_feed("json", "/feed.json, JSON Feed 1.1"),
    *_feed("tags", "/tags/<tag>/feed.xml, one RSS feed per tag"),
    *_feed("editions", "/editions/feed.xml, one item per edition holding the whole edition"),
    *_feed("authors", "/authors/<name>/feed.xml, one RSS feed per author of `authors:`"),
    section("markdown", "How the Markdown of articles is turned into HTML."),
    choice("markdown.raw_html", _MD.raw_html, ("sanitize", "allow", "escape"),
           "Raw HTML written inside Markdown: sanitize (keep safe tags only), allow (keep "
           "everything: only for text you fully trust) or escape (show it as text)."),
    flag("markdown.highlight", _MD.highlight, "Colour code blocks with Pygments."),
    text("markdown.style_light", _MD.style_light,
         "The Pygments style of code blocks when the reader's system is in light mode "
         "(`pygmentize -L styles` lists the names).", check=check_style, hint=style_hint),
    text("markdown.style_dark", _MD.style_dark,
         "The Pygments style of code blocks in dark mode.", check=check_style,
         hint=style_hint),
    number("markdown.words_per_minute", _MD.words_per_minute, 50, 2000,
           'Reading speed used for the "N min read" estimate.'),
)


def children(parent: str) -> tuple[Option, ...]:
    """The options directly inside `parent` ("" for the top level), in table order."""
    return tuple(o for o in OPTIONS if o.parent == parent)


# The known keys of each section, derived from the table.
_TOP_KEYS = {o.leaf for o in children("")}
_PERMALINK_FIELDS = {o.leaf for o in children("permalinks")}
_FEED_NAMES = tuple(o.leaf for o in children("feeds"))


def load_config(config_path: Path, output: Path | None = None) -> SiteConfig:
    """Read and validate site.yaml; raise ConfigErrors listing every problem."""
    root = config_path.parent.resolve()
    rel = display_path(config_path)
    diags = Diagnostics()
    try:
        data_bytes = config_path.read_bytes()
    except FileNotFoundError:
        diags.error(rel, 0, 0, "no such file",
                    "run broadsheet in a site folder (one with site.yaml) or pass --config PATH")
        raise ConfigErrors(diags.sorted()) from None
    except IsADirectoryError:
        diags.error(rel, 0, 0, "is a folder, not a file",
                    f"pass the file itself: --config {rel.rstrip('/')}/site.yaml")
        raise ConfigErrors(diags.sorted()) from None
    except OSError as exc:
        diags.error(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
        raise ConfigErrors(diags.sorted()) from None
    yaml_text = decode(SourceFile(rel, data_bytes, ""), diags)
    if yaml_text is None:
        raise ConfigErrors(diags.sorted())
    data = load_mapping(yaml_text, rel, 0, diags)
    if data is None:
        raise ConfigErrors(diags.sorted())
    values = read_options(data, FieldReader(rel, diags, text_hint=lambda key, value: "quote it"))
    # `output` is a folder name; --output on the command line wins over it.
    values["output_dir"] = output.resolve() if output else (root / values["output_dir"]).resolve()
    config: SiteConfig = _assemble(SiteConfig, {**values, "root": root,
                                                "config_path": config_path.resolve()})
    if diags.items:
        raise ConfigErrors(diags.sorted())
    return config


def read_options(data: dict[str, YamlValue], r: FieldReader) -> dict[str, Any]:
    """Every option's value (or default), keyed by the SiteConfig field it lands in."""
    values: dict[str, Any] = {}

    def walk(mapping: dict[str, YamlValue], parent: str) -> None:
        inside = children(parent)
        r.unknown_keys(mapping, {o.leaf for o in inside}, parent or None)
        for option in inside:
            if option.kind == "section":
                walk(r.mapping(mapping, option.leaf), option.key)
            else:
                values[option.field or option.key] = option.read(r, mapping)

    walk(data, "")
    return values


def _assemble(cls: type, values: dict[str, Any], prefix: str = "") -> Any:
    """Build `cls` from dotted values, nested dataclasses from their own prefix.

    A SiteConfig field no option fills is a TypeError on every load, so a
    half-added option cannot pass the tests.
    """
    hints = _hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        name = prefix + f.name
        if dataclasses.is_dataclass(hints[f.name]):
            kwargs[f.name] = _assemble(hints[f.name], values, name + ".")
        elif name in values:
            kwargs[f.name] = values[name]
    return cls(**kwargs)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def yaml_scalar(value: bool | int | str | tuple[str, ...] | None) -> str:
    """A value as the scaffold writes it: plain where YAML cannot misread it, else quoted."""
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    plain = re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value)
    if plain and value.lower() not in {"yes", "no", "on", "off", "y", "n", "true", "false",
                                       "null"}:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
