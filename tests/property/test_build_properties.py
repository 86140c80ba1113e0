"""Property-based tests: no input crashes the build, and any text survives escaping.

Each example builds a real one-article site into a temporary folder with
`builder.pipeline.build`, so these stay modest in number (a few dozen each).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.config import load_config
from builder.core.models import BuildOptions
from builder.core.slugs import slug_problem, slugify
from builder.pipeline import BuildResult, build

SITE_YAML = 'title: "Fuzz"\nbase_url: "https://example.org/"\ntimezone: Europe/Berlin\n'
NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
# FUZZ_EXAMPLES=500 for a longer hunt by hand; the suite stays quick by default.
FEW = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def build_site(files: dict[str, bytes]) -> tuple[BuildResult, dict[str, bytes]]:
    """Build a site of `files` (paths under content/); return the result and output files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "site.yaml").write_text(SITE_YAML)
        for rel, data in files.items():
            path = root / "content" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        config = load_config(root / "site.yaml")
        result = build(config, BuildOptions(cache_dir=None, jobs=1, now=NOW))
        out = root / "output"
        outputs = (
            {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
            if out.exists()
            else {}
        )
    return result, outputs


def check_outcome(result: BuildResult, outputs: dict[str, bytes]) -> None:
    """Either a site was built, or at least one located error explains why not."""
    for d in result.diagnostics:
        assert d.path.startswith("content/"), d.format()
        assert d.line >= 0 and d.col >= 0
        assert d.message.strip()
        d.format().encode("utf-8")  # printable
    if result.ok:
        assert "index.html" in outputs and "feed.xml" in outputs
    else:
        assert any(d.severity == "error" for d in result.diagnostics)
        assert outputs == {}


# --------------------------------------------------------------------------
# 1. Nothing crashes
# --------------------------------------------------------------------------
KEYS = st.sampled_from(
    [
        "title",
        "date",
        "updated",
        "tags",
        "summary",
        "slug",
        "draft",
        "source",
        "author",
        "authors",
        "image",
        "titel",
        "tag",
        "x",
        "<<",
        "? x",
        "- title",
        "title ",
        "",
        "1",
        "null",
    ]
)
SCALARS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "yes",
            "NO",
            "0123",
            "1:30",
            "2024-02-30",
            "2024-06-03",
            "2024-06-03 10:00:00",
            "2024-06-03T10:00:00+05:00",
            "'2024-06-03'",
            "May 1, 2024",
            "~",
            "[a, b]",
            "{a: 1}",
            "[",
            "{",
            '"open',
            "'open",
            "*alias",
            "&anchor x",
            "!!python/object/apply:os.system ['true']",
            "!!binary aGk=",
            "!custom x",
            "|",
            ">",
            "- a",
            "https://ex.org/a",
            "{url: https://ex.org/b, name: X}",
            "[C++, C, index, '..']",
            ".inf",
            "1e999",
            "9999-12-31",
            "0001-01-01",
            "\t",
            "a: b",
            "#",
            "%",
            "@x",
            "`x",
        ]
    ),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
)
LINES = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", KEYS, SCALARS),
    st.builds(lambda v: f"  - {v}", SCALARS),
    st.builds(lambda k, v: f"  {k}: {v}", KEYS, SCALARS),
    st.text(max_size=20),
)
BODIES = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(
            [
                "---",
                "...",
                "# Head",
                "<script>alert(1)</script>",
                "<!-- more -->",
                "```py",
                "```",
                "| a | b |",
                "|---|---|",
                "[^1]",
                "[^1]: note",
                "<div>",
                "</div>",
                "![x](y.png)",
                "[link](javascript:alert(1))",
                "\t",
                "",
                "* item",
                "> quote",
                "<a onclick='x'>a</a>",
                "&amp; &lt;",
                "{#id}",
                "\r",
                "\x00",
            ]
        ),
        max_size=15,
    ).map("\n".join),
)


@FEW
@given(
    lines=st.lists(LINES, max_size=8),
    body=BODIES,
    opener=st.sampled_from(["---", "", "--- "]),
    closer=st.sampled_from(["---", "...", "", "----"]),
    name=st.sampled_from(
        [
            "a.md",
            "2024-06-03-b.md",
            "pages/about.md",
            "editions/2024-w23.md",
            "ä/Ö.md",
            "2024-13-45-x.md",
        ]
    ),
)
def test_random_front_matter_and_bodies_never_crash(
    lines: list[str], body: str, opener: str, closer: str, name: str
) -> None:
    text = "\n".join([opener, *lines, closer, body])
    good = "---\ntitle: Anchor\ndate: 2024-06-01\n---\nA valid neighbour.\n"
    result, outputs = build_site(
        {name: text.encode("utf-8", "surrogatepass"), "zz-valid.md": good.encode()}
    )
    check_outcome(result, outputs)


@FEW
@given(
    data=st.binary(max_size=300),
    prefix=st.sampled_from([b"", b"---\ntitle: x\n", b"\xef\xbb\xbf---\r\n"]),
)
def test_random_bytes_never_crash(data: bytes, prefix: bytes) -> None:
    result, outputs = build_site({"a.md": prefix + data})
    check_outcome(result, outputs)


# --------------------------------------------------------------------------
# 2. Any title or tag is escaped, never interpreted
# --------------------------------------------------------------------------
def _allowed(ch: str) -> bool:
    """Characters an editor can legitimately write (no controls, non-characters, breaks)."""
    code = ord(ch)
    return not (
        unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp")
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
    )


TEXT = st.text(st.characters(codec="utf-8").filter(_allowed), min_size=1, max_size=40)
NASTY = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "</title><b>",
        "a & b",
        '"quoted"',
        "it's",
        "]]>",
        "<![CDATA[x]]>",
        "&amp;",
        "{{ site.title }}",
        "{% raw %}",
        "C++ & C#",
        "😀 emoji",
        "e\u0301",
        "\u202eRTL",
        "<!--",
        "x</script><script>y",
    ]
)
TITLES = st.one_of(TEXT, NASTY, st.builds(lambda a, b: a + b, NASTY, TEXT)).filter(
    lambda t: t.strip() != ""
)
TAGS = (
    st.one_of(TEXT, NASTY)
    .map(lambda t: " ".join(t.split()))
    .filter(lambda t: t != "" and slug_problem(slugify(t), reserved=False) is None)
)


def _text(element: ET.Element | None) -> str:
    assert element is not None
    return "".join(element.itertext())


@FEW
@given(title=TITLES, tag=TAGS)
def test_titles_and_tags_round_trip_into_html_and_feeds(title: str, tag: str) -> None:
    front = (
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: 2024-06-03\n"
        f"tags: [{json.dumps(tag, ensure_ascii=False)}]\n---\nBody text.\n"
    )
    result, out = build_site({"a.md": front.encode("utf-8")})
    assert result.ok, [d.format() for d in result.diagnostics]
    expected = title.strip()

    page = html5lib.parse(out["2024/06/a/index.html"], namespaceHTMLElements=False)
    assert _text(page.find(".//h1")) == expected
    assert page.find(".//meta[@property='og:title']").get("content") == expected  # type: ignore[union-attr]
    assert [m.get("content") for m in page.findall(".//meta[@property='article:tag']")] == [tag]
    ld = page.find(".//script[@type='application/ld+json']")
    assert json.loads(_text(ld))["headline"] == expected
    assert json.loads(_text(ld))["keywords"] == [tag]

    rss = ET.fromstring(out["feed.xml"])
    item = rss.find("channel/item")
    assert item is not None
    assert _text(item.find("title")) == expected
    assert [_text(c) for c in item.findall("category")] == [tag]

    atom_ns = "{http://www.w3.org/2005/Atom}"
    atom = ET.fromstring(out["atom.xml"])
    entry = atom.find(f"{atom_ns}entry")
    assert entry is not None
    title_el = entry.find(f"{atom_ns}title")
    assert title_el is not None
    got = _text(title_el)
    assert (html.unescape(got) if title_el.get("type") == "html" else got) == expected
    assert [c.get("term") for c in entry.findall(f"{atom_ns}category")] == [tag]

    feed = json.loads(out["feed.json"])
    assert feed["items"][0]["title"] == expected
    assert feed["items"][0]["tags"] == [tag]

    tag_page = html5lib.parse(out[f"tags/{slugify(tag)}/index.html"], namespaceHTMLElements=False)
    assert _text(tag_page.find(".//h1")).strip().endswith(tag)
