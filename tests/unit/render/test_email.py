"""email.py: what an edition's email is made of, and a site's own email templates."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from builder.render.email import mailable, text_blocks

REPO = Path(__file__).resolve().parents[3]


def test_mailable_html_keeps_text_and_links_and_loads_nothing() -> None:
    html = (
        '<p>Read <a href="https://a.example/x" class="ext" onclick="x()">this</a> '
        '<img src="https://b.example/pixel.gif"> <em>now</em>.</p>'
        '<script>track()</script><iframe src="https://c.example/"></iframe>'
        '<p style="color:red">Bye</p>'
    )
    assert mailable(html) == (
        '<p>Read <a href="https://a.example/x">this</a>  <em>now</em>.</p><p>Bye</p>'
    )
    assert mailable('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"


def test_text_blocks_are_paragraphs_with_each_link_after_its_words() -> None:
    html = (
        '<p>See <a href="https://a.example/r">the report</a>, then '
        '<a href="https://b.example/">https://b.example/</a>.</p>'
        "<ul><li>One</li><li>Two &amp; three</li></ul><p>  Last\nline </p>"
    )
    assert text_blocks(html) == [
        "See the report <https://a.example/r>, then https://b.example/.",
        "- One",
        "- Two & three",
        "Last line",
    ]
    assert text_blocks("") == []


def test_emails_only_for_closed_editions(basic_site: Any) -> None:
    """Every edition of site-basic has closed by its build's clock: each has both parts."""
    out = basic_site.out
    for edition in basic_site.result.site.editions:
        assert not edition.open
        for name in ("email.html", "email.txt"):
            assert (out / "editions" / edition.id / name).is_file()


def test_a_site_can_override_the_email_templates(tmp_path: Path) -> None:
    from tests.conftest import build_fixture_copy

    site = tmp_path / "site"
    shutil.copytree(REPO / "tests/fixtures/site-basic", tmp_path / "src")
    own = tmp_path / "src" / "templates" / "email"
    own.mkdir(parents=True)
    (own / "edition.txt").write_text("{{ subject }} <{{ web_url }}>\n", "utf-8")
    built = build_fixture_copy(site, source=tmp_path / "src")
    assert built.result.ok
    assert (built.out / "editions/2025-w11/email.txt").read_text() == (
        "Week 11, 2025: Thaw, turnstiles and the night bus "
        "<https://briefing.example.net/editions/2025-w11/>\n"
    )
    assert (
        "View this edition on the web" in (built.out / "editions/2025-w11/email.html").read_text()
    )
