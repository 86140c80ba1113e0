"""Active content under content/: what is refused, what is not, and the setting that allows it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.core.errors import Diagnostics
from builder.core.models import ContentConfig, SourceFile
from builder.read.assets import check_active, svg_problems

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'
OK = "---\ntitle: Fine\ndate: 2024-06-03\n---\nBody.\n"


def problems(body: str) -> list[tuple[int, int, str]]:
    return svg_problems(SVG.format(body).encode())


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<script>alert(1)</script>", "has a <script> element, which can run script"),
        (
            '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
            "has a <script> element, which can run script",
        ),
        (
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"/></foreignObject>',
            "has a <foreignObject> element, which can run script",
        ),
        ('<rect ONCLICK="x()"/>', "has an event-handler attribute `ONCLICK`"),
        ('<animate onbegin="x()"/>', "has an event-handler attribute `onbegin`"),
        ('<a href="JavaScript:alert(1)">x</a>', "has a `javascript:` URL in `href`"),
        ('<a xlink:href="&#x6A;avascript:alert(1)">x</a>', "has a `javascript:` URL in `href`"),
        ('<a href="\tjava&#10;script:x">x</a>', "has a `javascript:` URL in `href`"),
        ('<a href="data:text/html,&lt;script&gt;">x</a>', "has a `data:text/html` URL in `href`"),
        ('<set attributeName="href" to="vbscript:x"/>', "has a `vbscript:` URL in `to`"),
        ('<embed src="x.swf"/>', "has a <embed> element, which can run script"),
    ],
)
def test_active_svg_content_is_found_by_the_parser(body: str, problem: str) -> None:
    assert [p[2] for p in problems(body)] == [problem]


def test_problems_are_located_at_their_element() -> None:
    data = b'<svg xmlns="http://www.w3.org/2000/svg">\n  <g>\n    <script/>\n  </g>\n</svg>\n'
    assert svg_problems(data) == [(3, 5, "has a <script> element, which can run script")]


@pytest.mark.parametrize(
    "body",
    [
        "<title>onload= and javascript: in text are only text</title>",
        '<a href="https://example.org/x"><rect width="1" height="1"/></a>',
        '<image href="data:image/png;base64,AAAA"/>',
        "<style>rect { fill: red }</style>",
        '<text font-family="Mono">x</text>',
    ],
)
def test_plain_drawings_pass(body: str) -> None:
    assert problems(body) == []


def test_a_doctype_without_entities_passes_and_nothing_is_fetched() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    assert svg_problems(data) == []


def test_entities_are_refused_not_expanded() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "lol">'
        + "".join(
            f'<!ENTITY {n} "{("&" + p + ";") * 10}">'
            for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>'
    )
    assert svg_problems(bomb.encode()) == [
        (2, 27, "declares the XML entity `a`; entities are not expanded")
    ]
    external = (
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
    )
    assert [p[2] for p in svg_problems(external)] == [
        "declares the XML entity `x`; entities are not expanded"
    ]


def test_other_encodings_are_read_as_the_parser_reads_them() -> None:
    data = SVG.format("<script>x</script>").encode("utf-16")
    assert [p[2] for p in svg_problems(data)] == ["has a <script> element, which can run script"]


def test_an_svg_that_is_not_xml_cannot_be_vouched_for() -> None:
    assert svg_problems(b"<svg><g></svg>") == [
        (1, 11, "cannot be read as XML (mismatched tag), so it cannot be checked for scripts")
    ]
    assert svg_problems(b"<svg>&undefined;</svg>")[0][2].startswith("cannot be read as XML")


def test_xslt_stylesheets_are_refused() -> None:
    data = (
        b'<?xml-stylesheet type="text/xsl" href="x.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    assert [p[2] for p in svg_problems(data)] == ["has an XSLT stylesheet, which can write script"]


def _asset(rel: str, data: bytes) -> SourceFile:
    return SourceFile(rel, data, "")


def test_the_setting_allows_everything() -> None:
    sources = [
        _asset("content/a.js", b"x"),
        _asset("content/b.svg", b"<svg onload='x'/>"),
        _asset("content/c.html", b"<p>"),
    ]
    diags = Diagnostics()
    check_active(sources, ContentConfig(allow_active=True), diags)
    assert diags.items == []
    check_active(sources, ContentConfig(), diags)
    assert [d.path for d in diags.items] == ["content/a.js", "content/b.svg", "content/c.html"]


def test_articles_and_ordinary_assets_are_not_touched() -> None:
    sources = [
        _asset("content/a.md", b"<script>"),
        _asset("content/b.png", b"<script>"),
        _asset("content/c.json", b"{}"),
        _asset("content/d.css", b"x"),
    ]
    diags = Diagnostics()
    check_active(sources, ContentConfig(), diags)
    assert diags.items == []


def test_allowed_active_content_is_published_as_it_is(
    make_site: Callable[..., Path], run_build: Callable[..., object]
) -> None:
    site_yaml = 'title: "T"\nbase_url: "https://example.org/"\ncontent:\n  allow_active: true\n'
    site = make_site(
        {
            "content/a.md": OK,
            "content/app.js": "alert(1)\n",
            "content/x.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>',
        },
        site_yaml,
    )
    run = run_build(site)
    assert (run.code, run.diags) == (0, "")  # type: ignore[attr-defined]
    assert (site / "output/app.js").read_text() == "alert(1)\n"


def test_theme_static_files_stay_trusted(
    make_site: Callable[..., Path], run_build: Callable[..., object]
) -> None:
    site = make_site(
        {
            "content/a.md": OK,
            "themes/t/static/app.js": "console.log(1)\n",
            "themes/t/static/icon.svg": '<svg xmlns="http://www.w3.org/2000/svg">'
            "<script>x()</script></svg>",
        },
        'title: "T"\nbase_url: "https://example.org/"\ntheme: t\n',
    )
    run = run_build(site)
    assert (run.code, run.diags) == (0, "")  # type: ignore[attr-defined]
    assert (site / "output/static/app.js").is_file()
