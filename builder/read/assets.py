"""Active content under content/: files that would run script on the published site.

Anyone who can open a pull request can add files to content/, and every file
there is published beside the articles, at the site's own origin. An `.html`
or `.js` file, or an SVG image carrying a script, would then run with the
site's cookies and storage for any reader who opens it. So by default such
files are refused with an error naming the setting that allows them
(`content.allow_active`); theme files are the site owner's and stay trusted.

An SVG is read with expat, the XML parser browsers' behaviour follows for
image/svg+xml, and never with a regex: what counts is what a parser sees
(entities and character references decoded, namespaces applied). Entity
declarations are refused rather than expanded, as defusedxml does; a file
that is not well-formed XML cannot be vouched for, so it is refused too.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from builder.core.errors import CHANGED, CHANGED_HINT, Diagnostics, SourceChanged
from builder.core.models import ContentConfig, SourceFile

# Browsers run these (or, for .svgz, an SVG this module cannot read uncompressed).
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".cjs", ".svgz")
# Elements that run script or embed a document that can, in any namespace: an
# SVG file may hold XHTML elements (`<html:script>`) and browsers run them.
_ACTIVE_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "frame",
    "frameset",
    "embed",
    "object",
    "applet",
    "handler",
    "listener",
    "meta",
    "base",
}
_SCRIPT_URL = re.compile(r"(javascript|vbscript|livescript):|data:(text/html|application/)")
_IGNORED = re.compile(r"[\x00-\x20]+")  # what browsers skip inside a URL's scheme
HINT = (
    "remove it, or set `content.allow_active: true` in site.yaml if every contributor "
    "to content/ is trusted"
)
MAX_REPORTED = 10  # per file


def check_active(sources: list[SourceFile], settings: ContentConfig, diags: Diagnostics) -> None:
    """An error for each asset that would run script on the site, unless allowed."""
    if settings.allow_active:
        return
    for src in sources:
        if src.kind != "asset":
            continue
        name = src.rel.rsplit("/", 1)[-1].lower()
        if name.endswith(ACTIVE_SUFFIXES):
            kind = "." + name.rsplit(".", 1)[-1]
            diags.error(
                src.rel,
                0,
                0,
                f"a {kind} file can run script on the site's pages, so "
                "it is not published from content/",
                HINT,
            )
        elif name.endswith(".svg"):
            try:
                data = src.content()
            except SourceChanged:
                diags.error(src.rel, 0, 0, CHANGED, CHANGED_HINT)
                continue
            except OSError as exc:
                diags.error(src.rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
                continue
            for line, col, problem in svg_problems(data)[:MAX_REPORTED]:
                diags.error(src.rel, line, col, f"SVG {problem}", HINT)


class _Refused(Exception):
    """Stops the parser at something it must not go on reading."""


def svg_problems(data: bytes) -> list[tuple[int, int, str]]:
    """(line, column, what) for everything in an SVG that would run script; [] if none."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)  # no external DTD
    found: list[tuple[int, int, str]] = []

    def where() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].lower()
        if local in _ACTIVE_ELEMENTS:
            tag = name.rsplit(" ", 1)[-1]
            found.append((*where(), f"has a <{tag}> element, which can run script"))
        for attr, value in attrs.items():
            attr = attr.rsplit(" ", 1)[-1]
            if attr.lower().startswith("on"):
                found.append((*where(), f"has an event-handler attribute `{attr}`"))
            elif match := _SCRIPT_URL.search(_IGNORED.sub("", value).lower()):
                found.append((*where(), f"has a `{match[0]}` URL in `{attr}`"))

    def instruction(target: str, text: str) -> None:
        if target == "xml-stylesheet" and "xsl" in text.lower():
            found.append((*where(), "has an XSLT stylesheet, which can write script"))

    def entity(name: str, *_rest: object) -> None:
        raise _Refused(f"declares the XML entity `{name}`; entities are not expanded")

    parser.StartElementHandler = start
    parser.ProcessingInstructionHandler = instruction
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        found.append((*where(), str(exc)))
    except expat.ExpatError as exc:
        found.append(
            (
                exc.lineno,
                exc.offset + 1,
                f"cannot be read as XML ({expat.ErrorString(exc.code)}), so it cannot be "
                "checked for scripts",
            )
        )
    return found
