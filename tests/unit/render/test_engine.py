"""engine.py: the render loop (reuse, collisions, template errors) and pages from templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest

from builder.core.errors import Diagnostics
from builder.core.paths import SiteLayout
from builder.render.engine import Job, Spec, fingerprint, run
from builder.render.theme import Theme

TEMPLATES = {
    "page.html": "<html><body><p>{{ text }}</p></body></html>\n",
    "broken.html": "<p>\n{{ missing }}</p>\n",
}


@pytest.fixture
def theme(tmp_path: Path) -> Theme:
    for name, text in TEMPLATES.items():
        (tmp_path / name).write_text(text, "utf-8")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(tmp_path),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return Theme(
        env,
        {name: name for name in TEMPLATES},
        (),
        {name: f"templates/{name}" for name in TEMPLATES},
    )


def job(theme: Theme) -> Job:
    """A Job whose pages need no site model: the templates here show none."""
    return Job(
        None,
        SiteLayout("https://x.example/", "/", "https://x.example", None),  # type: ignore[arg-type]
        theme,
        None,
        "base",
    )  # type: ignore[arg-type]


def spec(out: str, data: bytes, origin: str = "generated", calls: list[str] | None = None) -> Spec:
    def make() -> bytes:
        if calls is not None:
            calls.append(out)
        return data

    return Spec(out, fingerprint(out, data), origin, make)


def test_an_output_with_last_builds_fingerprint_is_not_made(theme: Theme) -> None:
    calls: list[str] = []
    specs = [spec("a.txt", b"a", calls=calls), spec("b.txt", b"b", calls=calls)]
    reusable = {"a.txt": specs[0].fingerprint, "b.txt": "stale"}
    made = list(run(specs, theme, reusable, Diagnostics()))
    assert [(f.rel_path, f.data) for f in made] == [("a.txt", None), ("b.txt", b"b")]
    assert calls == ["b.txt"]


def test_two_outputs_on_one_path_are_an_error_at_the_source(theme: Theme) -> None:
    diags = Diagnostics()
    made = list(
        run(
            [
                spec("about/index.html", b"g"),
                spec("about/index.html", b"p", "content/pages/about.md"),
            ],
            theme,
            {},
            diags,
        )
    )
    assert [f.data for f in made] == [b"g"]
    assert [d.format() for d in diags.items] == [
        "content/pages/about.md: error: would write /about/index.html, which a page "
        "Broadsheet generates writes too\n  hint: change the slug or the permalink pattern "
        "so the paths differ"
    ]


def test_a_template_error_names_the_template_line_and_the_page(theme: Theme) -> None:
    diags = Diagnostics()
    page = job(theme).page("broken.html", "2025/03/x/index.html", (), "generated", dict)
    assert list(run([page], theme, {}, diags)) == []
    assert [d.format() for d in diags.items] == [
        "templates/broken.html:2: error: undefined variable: 'missing' is undefined "
        "(rendering /2025/03/x/)\n  hint: check the template against the variables listed in "
        "docs/themes.md"
    ]


def test_a_page_fingerprint_covers_template_and_what_the_page_shows(theme: Theme) -> None:
    make: Callable[..., Spec] = job(theme).page
    one = make("page.html", "a/index.html", ("k1",), "generated", lambda: {"text": "x"})
    assert (
        one.fingerprint == make("page.html", "a/index.html", ("k1",), "generated", dict).fingerprint
    )
    assert (
        one.fingerprint != make("page.html", "a/index.html", ("k2",), "generated", dict).fingerprint
    )
    assert (
        one.fingerprint
        != make("broken.html", "a/index.html", ("k1",), "generated", dict).fingerprint
    )
    assert one.make() == b"<html><body><p>x</p></body></html>\n"


def test_with_only_some_outputs_wanted_the_others_get_no_fingerprint(theme: Theme) -> None:
    """serve's preview asks for a few pages of the catalogue (render/showing.py): the rest
    are described without the hashing, and the wanted ones are exactly as a build's."""
    whole = job(theme)
    few = replace(whole, only=frozenset({"a/index.html"}))
    wanted = few.page("page.html", "a/index.html", ("k1",), "generated", lambda: {"text": "x"})
    other = few.page("page.html", "b/index.html", ("k1",), "generated", lambda: {"text": "y"})
    built = whole.page("page.html", "a/index.html", ("k1",), "generated", dict)
    assert wanted.fingerprint == built.fingerprint != ""
    assert other.fingerprint == ""
    assert other.make() == b"<html><body><p>y</p></body></html>\n"  # still made as asked
