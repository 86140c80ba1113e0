"""core/urlattrs.py: URL attributes found by a parser, everything else copied as it was."""

from __future__ import annotations

from collections import Counter

import html5lib
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core.urlattrs import quote_attr, rewrite


def mark(tag: str, name: str, value: str) -> str:
    return f"[{value}]"


def test_only_real_attributes_are_rewritten() -> None:
    html = (
        "<p title=\"a href='x' onmouseover='alert(1)'\">Write href=\"y\" here</p>"
        '<pre><code>&lt;a href="z"&gt;</code></pre><a href="w">w</a>'
    )
    assert rewrite(html, mark) == (
        "<p title=\"a href='x' onmouseover='alert(1)'\">Write href=\"y\" here</p>"
        '<pre><code>&lt;a href="z"&gt;</code></pre><a href="[w]">w</a>'
    )


def test_a_rewritten_value_is_escaped_and_cannot_leave_its_quotes() -> None:
    def evil(tag: str, name: str, value: str) -> str:
        return 'x" onmouseover="alert(1)'

    out = rewrite('<a href="y" title="it\'s &amp; &quot;q&quot;">t</a>', evil)
    assert out == (
        '<a href="x&quot; onmouseover=&quot;alert(1)" title="it\'s &amp; &quot;q&quot;">t</a>'
    )
    element = html5lib.parseFragment(out, namespaceHTMLElements=False)[0]
    assert dict(element.attrib) == {"href": 'x" onmouseover="alert(1)', "title": 'it\'s & "q"'}


def test_tags_without_changes_comments_and_scripts_are_copied_byte_for_byte() -> None:
    html = (
        "<!-- <a href='c'> -->\n<A HREF = 'keep' CLASS=x>k</A>\n"
        '<script>var s = \'<a href="s">\';</script>\n<img src="i" / >'
    )
    assert rewrite(html, lambda tag, name, value: value) == html
    assert rewrite(html, mark) == (
        '<!-- <a href=\'c\'> -->\n<a href="[keep]" class="x">k</A>\n'
        "<script>var s = '<a href=\"s\">';</script>\n"
        '<img src="[i]">'
    )


def test_a_fix_returning_none_drops_the_attribute() -> None:
    out = rewrite(
        '<a title="t" href="x">a</a><a href="y">b</a>',
        lambda tag, name, value: None if value == "x" else value,
    )
    assert out == '<a title="t">a</a><a href="y">b</a>'


def test_tags_and_names_narrow_what_is_rewritten() -> None:
    html = '<a href="a" src="b"><img src="c" poster="d"><video poster="e"></video></a>'
    assert rewrite(html, mark, names={"src"}, tags={"img"}) == (
        '<a href="a" src="b"><img src="[c]" poster="d"><video poster="e"></video></a>'
    )


def test_values_are_decoded_for_the_fix_and_escaped_after() -> None:
    seen: list[str] = []

    def fix(tag: str, name: str, value: str) -> str:
        seen.append(value)
        return value + "\xa0<>"

    assert (
        rewrite('<a href="?a=1&amp;b=&quot;2&quot;">x</a>', fix)
        == '<a href="?a=1&amp;b=&quot;2&quot;&nbsp;&lt;&gt;">x</a>'
    )
    assert seen == ['?a=1&b="2"']
    assert quote_attr("a'b") == '"a\'b"'


def test_positions_hold_across_lines_and_entities() -> None:
    html = "<p>caf&eacute;\r\n&amp; more\n\n<a\nhref='x'\n>x</a> &#233; <img src=y></p>\n"
    assert rewrite(html, mark) == (
        '<p>caf&eacute;\r\n&amp; more\n\n<a href="[x]">x</a> &#233; <img src="[y]"></p>\n'
    )


TAGGY = st.lists(
    st.sampled_from(
        [
            *"<>/=\"' \n&;!-?ahrefsc:x",
            "<a ",
            "href=",
            "src=",
            "<!--",
            "-->",
            "<script>",
            "</script>",
            "&amp;",
            "<img ",
            "<p title='",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(TAGGY)
def test_the_identity_fix_changes_nothing(html: str) -> None:
    assert rewrite(html, lambda tag, name, value: value) == html


ATOMS = [
    *"<>/=\"' \n&;!-?ahrefsc:xt",
    "<a ",
    "href=",
    "src=",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<script>",
    "</script>",
    "&amp;",
    "<img ",
    "<p title='",
    "<title>",
    "</title>",
    "<textarea>",
    "</textarea>",
    "<svg>",
    "<![CDATA[",
    "]]>",
    "<style>",
    "</style>",
    "<xmp>",
    "<plaintext>",
    "onmouseover=",
    "</a>",
]


def seen_by_a_browser(html: str) -> Counter[object]:
    """The elements and (element, attribute) pairs html5lib finds, counted."""
    found: Counter[object] = Counter()
    for element in html5lib.parseFragment(html, namespaceHTMLElements=False).iter():
        if isinstance(element.tag, str):
            found[element.tag] += 1
            found.update((element.tag, name) for name in element.attrib)
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ATOMS), max_size=30).map("".join))
def test_a_rewrite_adds_no_element_and_no_attribute_a_browser_sees(html: str) -> None:
    """Even raw HTML the parser and browsers read differently gains nothing live."""
    out = rewrite(html, lambda tag, name, value: value + "/x")
    assert not seen_by_a_browser(out) - seen_by_a_browser(html)
