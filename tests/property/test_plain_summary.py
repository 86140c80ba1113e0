"""A plain summary skips Markdown and the sanitiser: the property that makes that safe.

`render_inline` returns text it judges plain as `<p>text</p>` without
running Markdown, smarty or nh3. Whatever the text, the result must be the
bytes the long way (`inline_markdown`) gives, under every raw-HTML policy:
the examples are drawn from the characters the shortcut accepts and those
next to them that Markdown, smarty or the sanitiser do change (quotes,
dashes, dots, emphasis, entities, no-break spaces, list and heading starts).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.core.models import MarkdownConfig
from builder.read.markup import inline_markdown, render_inline

POLICIES = [MarkdownConfig(), MarkdownConfig(raw_html="allow"), MarkdownConfig(raw_html="escape")]
WORDS = ["a", "Z", "é", "ß", "市", "ش", "7", "2024"]
# What the shortcut takes, and what is next to it but changed by Markdown, smarty or nh3.
TAKEN = [
    *WORDS,
    " ",
    ",",
    ";",
    ":",
    "?",
    "!",
    "%",
    "/",
    "€",
    "$",
    "£",
    "“",
    "”",
    "‘",
    "’",
    "—",
    "–",
    "…",
    ".",
    "-",
]
CHANGED = [
    "'",
    '"',
    "--",
    "...",
    ". . .",
    "..",
    "*",
    "_",
    "`",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "&",
    "#",
    "\u00a0",
    "\t",
    "\\",
    "  ",
    "1. ",
    "1) ",
    "- ",
    "> ",
    "http://x.example/",
    "&amp;",
    "<b>",
    "\n",
    "\n\n",
    "![x](y)",
    "[x](y)",
]
# Mostly plain text with at most a piece or two that changes: the cases the rule must tell.
TEXTS = st.tuples(
    st.lists(st.sampled_from(TAKEN + CHANGED[:4]), max_size=2),
    st.sampled_from(WORDS),
    st.lists(st.sampled_from(TAKEN), max_size=6),
    st.sampled_from(TAKEN + CHANGED),
    st.lists(st.sampled_from(TAKEN), max_size=6),
).map(lambda parts: "".join("".join(p) if isinstance(p, list) else p for p in parts))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_shortcut_gives_the_bytes_markdown_gives(text: str) -> None:
    for config in POLICIES:
        assert render_inline(text, config, "/2024/06/", []) == inline_markdown(
            text.strip(), config, "/2024/06/", []
        ), (text, config.raw_html)
