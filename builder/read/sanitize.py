"""The raw-HTML policy and link rewriting applied to rendered Markdown.

Split from markup.py because it is a job of its own: whatever Markdown
produced (and whatever raw HTML an editor pasted into it) goes through one
allowlist sanitiser, which also makes relative links site-absolute and
notes URLs that cannot be parsed. The Markdown tree processors in markup.py
report their URL problems in the same form (`Problems`, `url_problem`).
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from urllib.parse import urljoin

import nh3

from builder.core import urlattrs
from builder.core.models import MarkdownConfig
from builder.core.textfile import bad_char, describe_char, without_bad_chars
from builder.core.urls import ParsedUrl, parse_url, shown_url

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

Problems = list[tuple[str, str, str]]  # (the text as written, to find its line; message; hint)
URL_OF = {"a": "href", "img": "src"}

KIND = {"href": "link", "src": "image", "cite": "citation"}
_URL_HINT = "correct the address: copy it again from the browser's address bar"


def url_problem(kind: str, url: str, problem: str) -> tuple[str, str, str]:
    return url, f"{kind} `{shown_url(url)}` cannot be read as a URL: {problem}", _URL_HINT


def clean(
    html: str, config: MarkdownConfig, folder_url: str = "/", problems: Problems | None = None
) -> str:
    """Apply the site's raw_html policy to rendered HTML, and make its relative links
    and images site-absolute against `folder_url`.

    Under `sanitize` and `escape` the sanitiser does both: it parses the HTML, so
    the URL rewriting sees real attribute values and never text that merely looks
    like one. `allow` keeps the HTML as written (a trusted author's markup), but
    for its links, found by an HTML parser too (core.urlattrs).
    """
    found: Problems = [] if problems is None else problems
    html = _char_refs(html, found)
    if config.raw_html == "allow":
        return _site_absolute(html, folder_url, found)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=partial(_url_filter, folder_url, found),
    )


def reclean(html: str, config: MarkdownConfig) -> str:
    """HTML read back from the build cache, through the same policy again: the cache is
    untrusted input (CI may restore one that another run wrote), so nothing in it
    reaches a page or feed without the sanitiser.

    `clean`'s output is a fixed point of the sanitiser (tests/unit/read hold it to that
    over every shape Markdown makes), so a genuine entry comes back byte for byte, and a
    tampered one loses what the policy forbids. Its URLs are site-absolute already, so
    the pass needs no folder and reports nothing; a reused Cleaner makes it cheap
    enough for every cached summary on every build. Under `allow` raw HTML is
    trusted as the site's own, from content or cache alike (docs/security.md).
    """
    if config.raw_html == "allow":
        return html
    return _recleaner().clean(without_bad_chars(_char_refs(html, [])))


@lru_cache(maxsize=1)
def _recleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=_scheme_filter,
    )


def _scheme_filter(element: str, attribute: str, value: str) -> str | None:
    """`_url_filter` without the rewriting: the schemes nh3 does not check (`cite`)."""
    if attribute not in KIND:
        return value
    parsed = parse_url(value)
    if isinstance(parsed, str) or (parsed.scheme and parsed.scheme not in _SCHEMES):
        return None
    return value


_BASE = "http://site.invalid"  # a stand-in origin: only the path part is kept


def _url_filter(
    folder_url: str, problems: Problems, element: str, attribute: str, value: str
) -> str | None:
    """The sanitiser's hook, called with every attribute it keeps (decoded); None drops it."""
    if attribute not in KIND:
        return value
    parsed = _parsed(value, attribute, problems)
    if parsed is None or (parsed.scheme and parsed.scheme not in _SCHEMES):
        return None  # nh3 checks the scheme of href and src, but not of `cite`
    return _site_path(value, folder_url) if URL_OF.get(element) == attribute else value


def _parsed(url: str, attribute: str, problems: Problems) -> ParsedUrl | None:
    """The URL as a browser reads it (tabs and newlines removed), or None, noted."""
    parsed = parse_url(url)
    if isinstance(parsed, str):
        problems.append(url_problem(KIND[attribute], url, parsed))
        return None
    return parsed


def _site_path(url: str, folder_url: str) -> str:
    """A relative URL resolved as a browser would (`../` stops at the site's root, so a
    link that climbs too far is reported by `check` as missing)."""
    if not url or _ABSOLUTE.match(url):
        return url
    # What resolves elsewhere had a scheme after all (`\x01javascript:`): kept as it is.
    joined = urljoin(_BASE + folder_url, url)
    return joined[len(_BASE) :] if joined.startswith(_BASE + "/") else url


# `allow`'s links: those Markdown writes, and the same in raw HTML.
_LINK_TAGS = frozenset({"a", "img"})
_LINK_ATTRS = frozenset({"href", "src"})


def _site_absolute(html: str, folder_url: str, problems: Problems) -> str:
    """`allow`'s rewriting of a/img URLs, over HTML the sanitiser has not normalised:
    found by a parser, so never inside another attribute's value or a code sample."""

    def fix(element: str, attribute: str, value: str) -> str | None:
        if _parsed(value, attribute, problems) is None:
            return None  # the attribute is dropped
        return _site_path(value, folder_url)

    return urlattrs.rewrite(html, fix, _LINK_ATTRS, _LINK_TAGS)


_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _char_refs(html: str, problems: Problems) -> str:
    """Numeric character references to what `decode` refuses in a file (`&#27;`,
    `&#xFFFE;`, `&#128;`), or to no character at all: noted, and replaced by U+FFFD,
    because the sanitiser would write the raw character into pages and feeds."""
    if "&#" not in html:
        return html

    def fix(match: re.Match[str]) -> str:
        code = int(match[1], 16) if match[1] else int(match[2])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            message, hint = f"character reference `{match[0]}` names no character", "delete it"
        elif (char := bad_char(chr(code))) is not None:
            message = f"character reference `{match[0]}` writes {describe_char(char)[0]}"
            hint = "delete it: the character is invisible and feeds reject it"
            if 0x80 <= code <= 0x9F and (meant := bytes([code]).decode("cp1252", "ignore")):
                hint = (
                    f"write `{meant}` itself: browsers show {match[0]} as `{meant}`, feed "
                    "readers as an invisible control character"
                )
        else:
            return match[0]
        problems.append((match[0], message, hint))
        return "&#xFFFD;"

    return _CHAR_REF.sub(fix, html)
