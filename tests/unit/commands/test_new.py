"""`broadsheet new`: complete front matter that round-trips, never an overwrite."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.cli import main
from builder.commands.new import clean_title, render, shorten
from builder.config import load_config
from builder.core.errors import Diagnostics, UsageError
from builder.core.models import SourceFile
from builder.core.slugs import slugify
from builder.read import frontmatter

SITE_YAML = 'title: "Test Digest"\nbase_url: "https://news.example.org/"\ntimezone: {tz}\n'
TZ = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML.format(tz="Europe/Berlin"))
    monkeypatch.chdir(root)
    return root


def _write(root: Path, rel: str, front: str, body: str = "Body.\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\n\n{body}")


def _parse(root: Path, rel: str):
    data = (root / rel).read_bytes()
    diags = Diagnostics()
    meta = frontmatter.parse(
        SourceFile(rel, data, hashlib.sha256(data).hexdigest()),
        load_config(root / "site.yaml"),
        diags,
    )
    assert diags.items == []
    return meta


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md"))


def test_writes_complete_front_matter_and_prints_the_path(site, capsys):
    assert (
        main(
            [
                "new",
                "Rail freight: a new corridor",
                "--tags",
                "Trade, Europe",
                "--source",
                "https://example.com/rail?id=7",
                "--date",
                "2024-06-23",
            ]
        )
        == 0
    )
    rel = "content/2024/06/rail-freight-a-new-corridor.md"
    assert capsys.readouterr().out == rel + "\n"
    assert (site / rel).read_text() == (
        "---\n"
        "title: 'Rail freight: a new corridor'\n"
        "date: 2024-06-23\n"
        "tags: [Trade, Europe]\n"
        "source: {url: 'https://example.com/rail?id=7'}\n"
        "draft: true\n"
        "# a draft is left out of the site (serve --drafts shows it); "
        "delete the line above to publish\n"
        "# summary: one or two sentences for lists and feeds "
        "(without one, the first paragraph is used)\n"
        "---\n\n"
    )
    meta = _parse(site, rel)
    assert meta.title == "Rail freight: a new corridor"
    assert meta.date == dt.datetime(2024, 6, 23, tzinfo=TZ)
    assert [t for t, _ in meta.tags] == ["Trade", "Europe"]
    assert meta.source.url == "https://example.com/rail?id=7"
    assert meta.summary is None
    assert meta.draft is True


def test_publish_writes_no_draft_line(site, capsys):
    assert main(["new", "Live at once", "--date", "2024-06-23", "--publish"]) == 0
    rel = capsys.readouterr().out.strip()
    assert (site / rel).read_text() == (
        "---\n"
        "title: Live at once\n"
        "date: 2024-06-23\n"
        "tags: []\n"
        "# summary: one or two sentences for lists and feeds "
        "(without one, the first paragraph is used)\n"
        "---\n\n"
    )
    data = (site / rel).read_bytes()
    diags = Diagnostics()
    meta = frontmatter.parse(
        SourceFile(rel, data, hashlib.sha256(data).hexdigest()),
        load_config(site / "site.yaml"),
        diags,
    )
    assert meta.draft is False
    # Published with nothing written yet: the build's front matter check says so.
    assert [(d.line, d.severity, d.message) for d in diags.items] == [
        (7, "warning", "the article has no text")
    ]


def test_default_date_is_now_in_the_site_time_zone_with_offset(site, capsys):
    before = dt.datetime.now(TZ).replace(microsecond=0)
    assert main(["new", "Today"]) == 0
    after = dt.datetime.now(TZ)
    rel = capsys.readouterr().out.strip()
    meta = _parse(site, rel)
    assert before <= meta.date <= after
    text = (site / rel).read_text()
    assert f"date: {meta.date.isoformat()}\n" in text
    assert meta.date.isoformat()[-6:] in ("+01:00", "+02:00")
    assert rel == f"content/{meta.date:%Y/%m}/today.md"
    assert "tags: []\n" in text and "source" not in text


@pytest.mark.parametrize(
    ("given", "written", "folder"),
    [
        ("2024-06-23T09:30", "2024-06-23T09:30:00+02:00", "2024/06"),
        ("2024-06-30T23:30:00-05:00", "2024-07-01T06:30:00+02:00", "2024/07"),
        ("2024-12-31 23:59:59+01:00", "2024-12-31T23:59:59+01:00", "2024/12"),
    ],
)
def test_date_option_in_the_site_time_zone(site, capsys, given, written, folder):
    assert main(["new", "Dated", "--date", given]) == 0
    rel = capsys.readouterr().out.strip()
    assert rel == f"content/{folder}/dated.md"
    assert f"date: {written}\n" in (site / rel).read_text()
    assert _parse(site, rel).date == dt.datetime.fromisoformat(written)


@pytest.mark.parametrize(
    "title",
    [
        "Yes",
        "No: the vote",
        "null",
        "2024-06-23",
        "- dash first",
        "# not a comment",
        "Quotes 'single' and \"double\"",
        "Café, naïve – “curly” — ok",
        "100%",
        "@handle & co",
        "[brackets] {braces}",
        "key: value: more",
        "Ünïcödé 東京 مرحبا",
        "Trailing colon:",
        "a\\b backslash",
        "emoji 🚆 train",
        "*stars* and _underscores_",
        "|pipe >folded",
    ],
)
def test_every_title_round_trips(site, capsys, title):
    assert (
        main(
            [
                "new",
                title,
                "--date",
                "2024-06-23",
                "--slug",
                "t",
                "--tags",
                f"{title.split()[0].strip('#-:*[]@|')}x",
            ]
        )
        == 0
    )
    meta = _parse(site, capsys.readouterr().out.strip())
    assert meta.title == title


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80),
    tag=st.text(st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=20),
)
def test_any_title_and_tag_round_trip_through_the_front_matter_reader(tmp_path_factory, title, tag):
    try:
        title = clean_title(title)
    except UsageError:
        return  # empty, or a control character: refused before anything is written
    root = tmp_path_factory.getbasetemp() / "hypo"
    if not root.exists():
        (root / "content").mkdir(parents=True)
        (root / "site.yaml").write_text(SITE_YAML.format(tz="Europe/Berlin"))
    text = render(
        title, dt.datetime(2024, 6, 23, 9, 30, tzinfo=TZ), [tag], "https://example.com/a'b\"c"
    )
    data = text.encode()
    diags = Diagnostics()
    meta = frontmatter.parse(
        SourceFile("content/2024/06/x.md", data, hashlib.sha256(data).hexdigest()),
        load_config(root / "site.yaml"),
        diags,
    )
    errors = [d for d in diags.items if d.severity == "error"]
    if errors:  # only a tag with no letters or digits, `index` or a device name may be
        shown = " ".join(tag.split())  # refused, by the schema
        assert [d.message for d in errors] in (
            [f"tag `{shown}` cannot be a URL: its slug is empty once symbols are removed"],
            [
                f"tag `{shown}` cannot be a URL: its slug `{slugify(shown)}` is a device name on "
                "Windows, where no file or folder can have it"
            ],
            # `tags/index/` is the one tag folder hosts redirect (see slug_problem)
            [
                f"tag `{shown}` cannot be a URL: its slug `index` is reserved for a page "
                "Broadsheet generates"
            ],
        ) or not shown, errors
        return
    assert meta.title == title
    assert meta.date == dt.datetime(2024, 6, 23, 9, 30, tzinfo=TZ)
    assert meta.source.url == "https://example.com/a'b\"c"
    assert [t for t, _ in meta.tags] == ([" ".join(tag.split())] if tag.split() else [])


def test_title_whitespace_is_collapsed(site, capsys):
    assert main(["new", "  Two\n  lines\t here ", "--date", "2024-06-23"]) == 0
    assert _parse(site, capsys.readouterr().out.strip()).title == "Two lines here"


def test_long_title_slug_is_cut_at_a_hyphen(site, capsys):
    title = "Ministers from eleven countries agree on a shared timetable for phasing out coal power"
    assert main(["new", title, "--date", "2024-06-23"]) == 0
    rel = capsys.readouterr().out.strip()
    assert rel == "content/2024/06/ministers-from-eleven-countries-agree-on-a-shared-timetable.md"
    assert len(Path(rel).stem) == 59


def test_shorten():
    assert shorten("a" * 70) == "a" * 60
    assert shorten("abc-" * 20) == "abc-" * 14 + "abc"
    assert shorten("x" * 59 + "-tail") == "x" * 59
    assert shorten("short-slug") == "short-slug"


def test_tags_reuse_the_sites_spelling_and_drop_repeats(site, capsys):
    _write(
        site,
        "content/2024/05/old.md",
        'title: "Old"\ndate: 2024-05-01\ntags: [Climate Policy]\nsummary: "s"\n',
    )
    assert (
        main(
            [
                "new",
                "Fresh",
                "--date",
                "2024-06-01",
                "--tags",
                "climate policy, Energy,, energy ,  Grid   Power ",
            ]
        )
        == 0
    )
    rel = capsys.readouterr().out.strip()
    assert "tags: [Climate Policy, Energy, Grid Power]\n" in (site / rel).read_text()


def test_link_writes_a_link_item(site, capsys):
    assert (
        main(
            [
                "new",
                "A map of every berth",
                "--link",
                "https://maps.example/berths",
                "--tags",
                "Ports",
                "--date",
                "2024-06-23",
                "--publish",
            ]
        )
        == 0
    )
    rel = "content/2024/06/a-map-of-every-berth.md"
    assert capsys.readouterr().out == rel + "\n"
    assert (site / rel).read_text() == (
        "---\n"
        "title: A map of every berth\n"
        "link: https://maps.example/berths\n"
        "date: 2024-06-23\n"
        "tags: [Ports]\n"
        "# a link item: below the front matter, a comment of at most 80 words, or nothing\n"
        "---\n\n"
    )
    meta = _parse(site, rel)  # no "the article has no text": a link item needs none
    assert type(meta).__name__ == "LinkMeta" and meta.link == "https://maps.example/berths"


def test_link_is_checked_warned_about_and_not_with_source(site, capsys):
    _write(
        site,
        "content/2024/06/berths.md",
        "title: Berths\ndate: 2024-06-20\nsource: https://maps.example/berths/\n",
    )
    assert (
        main(
            [
                "new",
                "Berths again",
                "--link",
                "https://www.maps.example/berths",
                "--date",
                "2024-06-23",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.err == (
        "warning: content/2024/06/berths.md already curates https://www.maps.example/berths\n"
    )
    for args, message in (
        (
            ["--link", "maps.example/berths"],
            "--link must be an http:// or https:// URL, found `maps.example/berths`",
        ),
        (
            ["--link", "https://a.example/", "--source", "https://b.example/"],
            "--link and --source cannot go together: a link item's `link` is what it curates",
        ),
    ):
        assert main(["new", "Bad", *args]) == 2
        assert message in capsys.readouterr().err
    assert _files(site) == ["content/2024/06/berths-again.md", "content/2024/06/berths.md"]


def test_new_article_builds(example_site, monkeypatch, capsys):
    monkeypatch.chdir(example_site)
    assert (
        main(
            [
                "new",
                "Grid operators publish winter outlook",
                "--tags",
                "energy,Europe",
                "--date",
                "2026-11-12T08:00",
                "--source",
                "https://grid.example/outlook",
                "--publish",
            ]
        )
        == 0
    )
    rel = capsys.readouterr().out.strip()
    (example_site / rel).write_text((example_site / rel).read_text() + "The outlook.\n")
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "error" not in err
    page = example_site / "output/2026/11/grid-operators-publish-winter-outlook/index.html"
    assert "Grid operators publish winter outlook" in page.read_text()
    assert 'href="/tags/energy/"' in page.read_text()  # the site's spelling, "Energy"


def test_a_new_draft_stays_off_the_site_without_a_warning(example_site, monkeypatch, capsys):
    monkeypatch.chdir(example_site)
    assert main(["new", "Half-written", "--date", "2026-11-12T08:00"]) == 0
    rel = capsys.readouterr().out.strip()
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "error" not in err
    assert "(left out 2 drafts, " in err  # the example site's own draft, and this one
    assert not (example_site / "output/2026/11/half-written").exists()
    assert main(["build", "--no-cache", "--drafts"]) == 0
    assert "warning" not in capsys.readouterr().err  # a draft may be empty
    assert (example_site / "output/2026/11/half-written/index.html").is_file()
    assert rel == "content/2026/11/half-written.md"


def test_an_empty_published_article_is_a_build_warning(example_site, monkeypatch, capsys):
    monkeypatch.chdir(example_site)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert main(["new", "Nothing yet", "--date", "2026-11-12T08:00", "--publish"]) == 0
    capsys.readouterr()
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.startswith(
        "content/2026/11/nothing-yet.md:7:1: warning: the article has no text\n"
        "  hint: write the article below the front matter, or set  draft: true\n"
    )
    assert main(["build", "--no-cache", "--strict"]) == 1


# --------------------------------------------------------------------------
# --edit: the editor the shell names, a fake one here
# --------------------------------------------------------------------------
FAKE_EDITOR = """#!{python}
import sys
from pathlib import Path
log = Path({log!r})
log.write_text(log.read_text() + repr(sys.argv[1:]) + "\\n" if log.exists() else
               repr(sys.argv[1:]) + "\\n")
path = Path(sys.argv[-1])
path.write_text(path.read_text() + {body!r})
sys.exit({code})
"""


def _fake_editor(
    folder: Path, name: str, body: str = "Written in the editor.\n", code: int = 0
) -> tuple[Path, Path]:
    """An executable that logs its arguments and appends `body` to the file it is given."""
    script, log = folder / name, folder / f"{name}.log"
    script.write_text(FAKE_EDITOR.format(python=sys.executable, log=str(log), body=body, code=code))
    script.chmod(0o755)
    return script, log


@pytest.fixture
def no_editor(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return monkeypatch


def test_edit_opens_the_new_file_in_editor(site, tmp_path, no_editor, capsys):
    script, log = _fake_editor(tmp_path, "fake-editor")
    no_editor.setenv("EDITOR", str(script))
    assert main(["new", "Edited", "--date", "2024-06-23", "--edit"]) == 0
    rel = "content/2024/06/edited.md"
    assert capsys.readouterr().out == rel + "\n"
    assert log.read_text() == repr([str(site / rel)]) + "\n"
    assert (site / rel).read_text().endswith("---\n\nWritten in the editor.\n")


def test_visual_comes_before_editor_and_may_hold_arguments(site, tmp_path, no_editor, capsys):
    visual, visual_log = _fake_editor(tmp_path, "visual editor")
    editor, editor_log = _fake_editor(tmp_path, "plain-editor")
    no_editor.setenv("VISUAL", f"'{visual}' --wait")
    no_editor.setenv("EDITOR", str(editor))
    assert main(["new", "Visual", "--date", "2024-06-23", "--edit"]) == 0
    rel = capsys.readouterr().out.strip()
    assert visual_log.read_text() == repr(["--wait", str(site / rel)]) + "\n"
    assert not editor_log.exists()


def test_an_empty_visual_falls_back_to_editor(site, tmp_path, no_editor, capsys):
    editor, log = _fake_editor(tmp_path, "plain-editor")
    no_editor.setenv("VISUAL", "  ")
    no_editor.setenv("EDITOR", str(editor))
    assert main(["new", "Fallback", "--date", "2024-06-23", "--edit"]) == 0
    assert log.read_text() == repr([str(site / "content/2024/06/fallback.md")]) + "\n"


def test_edit_without_an_editor_is_a_usage_error_and_writes_nothing(site, no_editor, capsys):
    assert main(["new", "Nowhere", "--edit"]) == 2
    assert _error(capsys) == (
        "broadsheet: error: --edit needs an editor, and neither $VISUAL nor $EDITOR is set\n"
        "  hint: set one, e.g.  export EDITOR=nano  (or leave out --edit)\n"
    )
    assert _files(site) == []


def test_edit_with_an_editor_that_is_not_installed_writes_nothing(
    site, tmp_path, no_editor, capsys
):
    no_editor.setenv("EDITOR", str(tmp_path / "no-such-editor") + " -w")
    assert main(["new", "Nowhere", "--edit"]) == 2
    assert _error(capsys) == (
        f"broadsheet: error: $EDITOR names `{tmp_path / 'no-such-editor'}`, which is not an "
        "installed program\n  hint: set it to an editor you have, e.g.  export EDITOR=nano\n"
    )
    assert _files(site) == []


def test_an_editor_that_fails_leaves_the_file_and_says_so(site, tmp_path, no_editor, capsys):
    script, _log = _fake_editor(tmp_path, "failing-editor", body="", code=3)
    no_editor.setenv("EDITOR", str(script))
    assert main(["new", "Kept", "--date", "2024-06-23", "--edit"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "content/2024/06/kept.md\n"
    assert captured.err == (
        f"broadsheet: error: the editor `{script}` exited with status 3\n"
        "  hint: content/2024/06/kept.md was written; open it yourself\n"
    )
    assert _files(site) == ["content/2024/06/kept.md"]


def test_without_edit_the_editor_is_never_run(site, tmp_path, no_editor, capsys):
    script, log = _fake_editor(tmp_path, "fake-editor")
    no_editor.setenv("EDITOR", str(script))
    assert main(["new", "Quiet", "--date", "2024-06-23"]) == 0
    assert not log.exists()


def _error(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def test_refuses_an_existing_file(site, capsys):
    _write(site, "content/2024/06/taken.md", "not: front matter\n")
    (site / "content/2024/06/taken.md").write_text("an unparseable draft")
    assert main(["new", "Taken", "--date", "2024-06-02"]) == 2
    assert _error(capsys) == (
        "broadsheet: error: content/2024/06/taken.md already exists\n"
        "  hint: choose another title, or pass --slug\n"
    )
    assert (site / "content/2024/06/taken.md").read_text() == "an unparseable draft"


def test_refuses_a_slug_used_anywhere_in_content(site, capsys):
    _write(
        site,
        "content/2023/01/whatever.md",
        'title: "Old"\ndate: 2023-01-01\nslug: harbour-strike\nsummary: "s"\n',
    )
    assert main(["new", "Harbour strike", "--date", "2024-06-02"]) == 2
    assert _error(capsys) == (
        "broadsheet: error: an article with the slug `harbour-strike` already exists: "
        "content/2023/01/whatever.md\n  hint: choose another title, or pass --slug\n"
    )
    assert _files(site) == ["content/2023/01/whatever.md"]


def test_refuses_a_dated_file_name_slug(site, capsys):
    _write(site, "content/misc/2023-01-05-port-talks.md", 'title: "Talks"\nsummary: "s"\n')
    assert main(["new", "Port talks", "--date", "2024-06-02"]) == 2
    assert "`port-talks` already exists: content/misc/2023-01-05-port-talks.md" in _error(capsys)


def test_slug_option_avoids_a_clash(site, capsys):
    _write(
        site, "content/2023/01/harbour-strike.md", 'title: "Old"\ndate: 2023-01-01\nsummary: "s"\n'
    )
    assert (
        main(["new", "Harbour strike", "--date", "2024-06-02", "--slug", "harbour-strike-ends"])
        == 0
    )
    assert capsys.readouterr().out == "content/2024/06/harbour-strike-ends.md\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], 'the title is empty\n  hint: write it in quotes: broadsheet new "Headline"'),
        (["bell\x07"], "the title contains a control character\n  hint: type the headline again"),
        (
            ["!!!"],
            "the slug from the title is empty once symbols are removed\n"
            "  hint: pass --slug some-words",
        ),
        (
            ["Archive"],
            "the slug from the title `archive` is reserved for a page Broadsheet "
            "generates\n  hint: pass --slug some-words",
        ),
        (
            ["T", "--slug", "Bad Slug"],
            "--slug `Bad Slug` is not in URL form (use `bad-slug`)\n"
            "  hint: use lower-case words joined by hyphens",
        ),
        (
            ["T", "--date", "23/06/2024"],
            "--date `23/06/2024` is not a date\n"
            "  hint: write 2024-06-23 or 2024-06-23T09:30 or 2024-06-23T09:30:00+02:00",
        ),
        (
            ["T", "--date", "2024-02-30"],
            "--date `2024-02-30` is not a date\n"
            "  hint: write 2024-06-23 or 2024-06-23T09:30 or 2024-06-23T09:30:00+02:00",
        ),
        (
            ["T", "--source", "example.com/x"],
            "--source must be an http:// or https:// URL, found `example.com/x`",
        ),
        (
            ["T", "--source", "https://[::1/x"],
            "--source `https://[::1/x` cannot be read as a URL: a `[` in its host is never closed "
            "(an IPv6 host is written [2001:db8::1])\n"
            "  hint: copy the address from the browser's address bar",
        ),
        (
            ["T", "--source", "https://ex.org:99999/x"],
            "--source `https://ex.org:99999/x` cannot be read as a URL: its port `99999` is out of "
            "range (0 to 65535)\n  hint: copy the address from the browser's address bar",
        ),
        (
            ["T", "--tags", "ok, ???"],
            "tag `???` cannot be a URL: its slug is empty once symbols "
            "are removed\n  hint: use a tag with letters or digits",
        ),
    ],
)
def test_usage_errors_write_nothing(site, capsys, args, message):
    assert main(["new", *args]) == 2
    assert _error(capsys) == f"broadsheet: error: {message}\n"
    assert _files(site) == []


def test_warns_when_the_source_is_already_curated(site, capsys):
    _write(
        site,
        "content/2024/05/first.md",
        'title: "First"\ndate: 2024-05-01\n'
        'summary: "s"\nsource: {url: "https://www.example.com/story/"}\n',
    )
    assert (
        main(
            [
                "new",
                "Second",
                "--date",
                "2024-06-01",
                "--source",
                "https://example.com/story?utm_source=x",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out == "content/2024/06/second.md\n"
    assert captured.err == (
        "warning: content/2024/05/first.md already curates https://example.com/story?utm_source=x\n"
    )


def test_missing_site_yaml_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "Anything"]) == 2
    assert capsys.readouterr().err.startswith("site.yaml: error: ")  # config.py words it
    assert list(tmp_path.iterdir()) == []


def test_a_windows_device_name_is_no_tag(site, capsys):
    assert main(["new", "T", "--tags", "LPT1"]) == 2
    assert _error(capsys) == (
        "broadsheet: error: tag `LPT1` cannot be a URL: its slug `lpt1` is a device name on "
        "Windows, where no file or folder can have it\n"
        "  hint: use a tag with letters or digits\n"
    )
    assert _files(site) == []
