"""sanitize.reclean: the second pass that cached HTML takes before it is published.

Two promises: a genuine entry comes back byte for byte (so a warm build is
the same site as a cold one), and a tampered entry loses all the policy forbids.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.models import MarkdownConfig
from builder.read import markup, sanitize

EXAMPLES = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
POLICIES = [MarkdownConfig(raw_html="sanitize"), MarkdownConfig(raw_html="escape")]

# Pieces of Markdown that exercise what the first pass rewrites: raw HTML, attributes,
# entities, code, footnotes, tables, relative and odd URLs, non-Latin text.
PIECES = st.sampled_from(
    [
        "Prices rose *sharply*, then fell.",
        "## Heading {#custom .cls}",
        "## مقدمة",
        "[a link](../up/page/ 'its title') and ![chart](chart.svg)",
        "<div class='box' onclick='x()'>raw <b>bold</b> &amp; &#27; &#x41;</div>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<blockquote cite='https://ex.org/q'>q</blockquote>",
        "```python\nprint('<a href=\"x\">')\n```",
        "    indented <code>",
        "Text with a note.[^1]\n\n[^1]: The note, [linked](https://ex.org/).",
        "| a | b |\n|:--|--:|\n| 1 | 2 |",
        "<!-- more -->",
        '"Quotes" -- and --- dashes... &copy;',
        "<script>alert(1)</script>",
        "<svg><script>x</script></svg>",
        "中文段落，带有标点。",
        "* one\n* two\n\n1. three",
        "<table><tr><td>cell</td></tr><tfoot><tr><td>f</td></tr></tfoot></table>",
    ]
)


@EXAMPLES
@given(pieces=st.lists(PIECES, min_size=1, max_size=8), policy=st.sampled_from(POLICIES))
def test_what_the_sanitiser_made_comes_back_byte_for_byte(
    pieces: list[str], policy: MarkdownConfig
) -> None:
    rendered = markup.render("\n\n".join(pieces), None, "/2024/06/", policy, [])
    assert sanitize.reclean(rendered.html, policy) == rendered.html
    assert sanitize.reclean(rendered.summary_html, policy) == rendered.summary_html


@pytest.mark.parametrize("policy", POLICIES, ids=["sanitize", "escape"])
def test_what_a_tampered_cache_adds_is_taken_out(policy: MarkdownConfig) -> None:
    tampered = (
        '<p onmouseover="alert(1)">a\x1bb&#27;c</p><script>alert(2)</script>'
        '<a href="javascript:alert(3)">x</a><q cite="javascript:alert(4)">y</q>'
        '<img src="data:image/svg+xml,x" alt="i"><iframe src="https://ex.org/"></iframe>'
    )
    assert (
        sanitize.reclean(tampered, policy) == '<p>a\ufffdb\ufffdc</p><a>x</a><q>y</q><img alt="i">'
    )


def test_under_allow_the_html_is_the_sites_own() -> None:
    allow = MarkdownConfig(raw_html="allow")
    assert sanitize.reclean("<script>x()</script>", allow) == "<script>x()</script>"
