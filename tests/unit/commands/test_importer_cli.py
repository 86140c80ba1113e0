"""`broadsheet import` end to end through `builder.cli.main`, in a tiny site in tmp.

The conversion itself is covered by test_importer.py; these tests pin what the command
does around it: the site's vocabulary and articles, the path it writes, what it prints,
and that on any problem it writes nothing and never overwrites.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.cli import main
from builder.commands.importer import cli as importer_cli
from builder.commands.importer.convert import ImportOptions
from builder.config import load_config

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
RAIL = FIXTURES / "plain_rail_accord.txt"
HARBOUR = FIXTURES / "plain_harbour_wrapped.txt"
GLACIER = FIXTURES / "html_article_og.html"

RAIL_TALKS = """\
---
title: Rail talks begin in Minsk
date: 2024-05-02
tags: [Iran, Belarus, Trade]
source:
  url: https://www.transit-wire.test/world/rail-talks
  name: Transit Wire
---

Delegations met for a first round.
"""
SUMMIT = """\
---
title: Alliance summit ends
date: 2024-05-20
tags: [NATO, Belarus, Climate]
---

The summit closed with a statement.
"""
EXISTING = {"content/2024/05/rail-talks.md": RAIL_TALKS, "content/2024/05/summit.md": SUMMIT}

RAIL_REL = "content/2024/06/iran-and-belarus-sign-rail-freight-accord-a-corridor-for.md"
RAIL_TEXT = """\
---
title: 'Iran and Belarus sign rail freight accord: “a corridor for decades”'
date: 2024-06-23
summary: Transport officials from Iran and Belarus agreed on Saturday to open a year-round \
rail freight corridor linking Minsk with the Iranian port of Bandar Abbas, a route both \
governments say will cut…
source:
  url: https://transit-wire.test/world/rail-accord
  name: Transit Wire
tags:
- Rail
- Belarus
- Iran
- NATO
---

Transport officials from Iran and Belarus agreed on Saturday to open a year-round rail \
freight corridor linking Minsk with the Iranian port of Bandar Abbas, a route both \
governments say will cut delivery times by a third.

The Belarusian delegation, led by deputy transport minister Olga Varenik, said the first \
trial train would leave in September carrying potash, tractors and \\*dairy\\* machinery.

\\# of wagons per month was not disclosed, but an Iranian official put the target at \
“at least 1,200”.

1\\. The corridor bypasses routes that NATO members have closed to Belarusian cargo since \
2022.

Analysts in Tehran called the deal “modest but symbolic” & said &lt;b>tags&lt;/b> would be \
tested \\[sic\\] by sanctions.
"""
HARBOUR_REL = "content/2024/06/harbour-town-votes-to-keep-its-last-ferry.md"
GLACIER_REL = "content/2024/06/glacier-retreat-doubles-in-a-decade.md"
NOTHING = "nothing written: 1 of 1 file could not be imported\n"


@pytest.fixture
def site(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny site (Europe/Berlin) with two tagged articles; the working folder."""
    root = make_site(EXISTING)
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["import", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def _articles(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md"))


# --- normal use -----------------------------------------------------------------------


def test_import_writes_the_file_prints_its_path_and_the_site_builds_cleanly(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, RAIL, "--url",
                          "https://transit-wire.test/world/rail-accord?utm_source=mail",
                          "--source-name", "Transit Wire", "--tags", "Rail")
    assert (code, out, err) == (0, RAIL_REL + "\n", "")
    # Tags: --tags first, then the site's vocabulary found in the text, in its spelling;
    # `Trade` and `Climate` are on the site but not in this article.
    assert (site / RAIL_REL).read_text("utf-8") == RAIL_TEXT
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("built 3 articles, 0 pages, 6 tags, ")
    assert "warning" not in err
    html = (site / "output/2024/06/iran-and-belarus-sign-rail-freight-accord-a-corridor-for"
            "/index.html").read_text("utf-8")
    assert "<em>" not in html and "*dairy*" in html and "&lt;b&gt;tags&lt;/b&gt;" in html


def test_several_files_are_written_in_order_and_build(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, HARBOUR, GLACIER, "--tags", "Climate")
    assert (code, out, err) == (0, f"{HARBOUR_REL}\n{GLACIER_REL}\n", "")
    harbour = (site / HARBOUR_REL).read_text("utf-8")
    assert "\nauthor: Ana Lucía Ferreira\ntags:\n- Climate\n---\n" in harbour
    glacier = (site / GLACIER_REL).read_text("utf-8")
    assert "source:\n  url: https://www.alpine-observer.example/science/glacier-retreat/\n" \
        "  name: Alpine Observer\n  author: Marta Keller\ntags:\n- Climate\n---\n" in glacier
    assert main(["build", "--no-cache"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_dry_run_prints_the_file_and_writes_nothing(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, RAIL, "--dry-run", "--tags", "Rail", "--source-name",
                          "Transit Wire", "--url", "https://transit-wire.test/world/rail-accord")
    assert code == 0
    assert out == RAIL_TEXT
    assert err == f"dry run: would write {RAIL_REL}\n"
    assert _articles(site) == sorted(EXISTING)


def test_tags_take_the_sites_spelling(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, HARBOUR, "--tags", "nato, climate ,NATO", "--dry-run")
    assert code == 0
    assert "\ntags:\n- NATO\n- Climate\n---\n" in out


def test_a_broken_article_elsewhere_is_noted_but_does_not_stop_the_import(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = {"content/2024/05/broken.md": "---\ntitle: [unclosed\n---\n",
              "content/2024/05/nodate.md": "---\ntitle: No date\n---\n"}
    monkeypatch.chdir(make_site({**EXISTING, **broken}))
    code, out, err = _run(capsys, HARBOUR)
    assert (code, out) == (0, HARBOUR_REL + "\n")
    assert err == ("note: 2 files in content/ have errors and were not checked for "
                   "duplicates; `broadsheet build` shows them\n")


# --- refusals: nothing is written -----------------------------------------------------


def test_same_source_url_as_an_existing_article_is_refused_naming_it(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, RAIL, "--url",
                          "https://transit-wire.test/world/rail-talks/?utm_medium=email")
    assert (code, out) == (1, "")
    assert err == (
        f"{RAIL}: error: already imported as content/2024/05/rail-talks.md (same source URL)\n"
        "  hint: edit the existing article instead of importing it again\n" + NOTHING)
    assert _articles(site) == sorted(EXISTING)


def test_same_title_and_date_as_an_existing_article_is_refused_naming_it(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ferry = "---\ntitle: Harbour Town Votes To Keep Its Last Ferry\ndate: 2024-06-23\n---\n\nx\n"
    root = make_site({**EXISTING, "content/2024/06/ferry.md": ferry})
    monkeypatch.chdir(root)
    code, out, err = _run(capsys, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{HARBOUR}: error: already imported as content/2024/06/ferry.md (same title and date)\n"
        "  hint: edit the existing article instead of importing it again\n" + NOTHING)


def test_an_existing_file_at_the_target_path_is_never_overwritten(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = "---\ntitle: My own draft\ndate: 2024-06-01\n---\n\nWork in progress.\n"
    (site / HARBOUR_REL).parent.mkdir(parents=True)
    (site / HARBOUR_REL).write_text(mine, "utf-8")
    code, out, err = _run(capsys, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{HARBOUR}: error: {HARBOUR_REL} already exists\n"
        "  hint: the slug comes from the headline: change the headline in the file, "
        "or edit that article\n" + NOTHING)
    assert (site / HARBOUR_REL).read_text("utf-8") == mine


def test_an_article_that_would_publish_at_the_same_url_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "---\ntitle: Ferry news\n---\n\nAn older text.\n"
    (site / "content/2024/06").mkdir(parents=True)
    dated = "content/2024/06/2024-06-02-harbour-town-votes-to-keep-its-last-ferry.md"
    (site / dated).write_text(other, "utf-8")
    code, _out, err = _run(capsys, HARBOUR)
    assert code == 1
    assert err.startswith(
        f"{HARBOUR}: error: {dated} is already published at "
        "/2024/06/harbour-town-votes-to-keep-its-last-ferry/\n")
    assert _articles(site) == sorted([*EXISTING, dated])


def test_a_tag_whose_url_clashes_with_a_site_tag_is_refused(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lang = "---\ntitle: Compilers\ndate: 2024-05-01\ntags: [C++]\n---\n\nText.\n"
    monkeypatch.chdir(make_site({"content/2024/05/compilers.md": lang}))
    code, _out, err = _run(capsys, HARBOUR, "--tags", "C")
    assert code == 1
    assert err == (f"{HARBOUR}: error: tag `C` would have the same URL as the site's tag `C++`\n"
                   "  hint: use `C++`, or another tag\n" + NOTHING)


def test_unreadable_inputs_are_all_reported_and_the_good_file_is_not_written(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("June 23, 2024\nCaf\xe9 owners protest\nText.\n".encode("latin-1"))
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n")
    code, out, err = _run(capsys, missing, tmp_path, latin1, empty, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{missing}: error: no such file\n  hint: check the path and its spelling\n"
        f"{tmp_path}: error: is a folder, not a file\n"
        "  hint: pass the article files themselves, e.g. folder/*.txt\n"
        f"{latin1}: error: not valid UTF-8 at byte 17 (line 2)\n"
        "  hint: re-save the file as UTF-8\n"
        f"{empty}: error: the file is empty\n"
        "  hint: save the article as UTF-8 text (dateline, headline, paragraphs) or as HTML\n"
        "nothing written: 4 of 5 files could not be imported\n")
    assert _articles(site) == sorted(EXISTING)


def test_not_an_article(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Remember to call the desk.\nAnd buy milk.\n", "utf-8")
    code, _out, err = _run(capsys, notes)
    assert code == 1
    assert err == (
        f"{notes}: error: no date found: 'Remember to call the desk.' is not a dateline\n"
        "  hint: start the file with a dateline such as 'Sunday, June 23, 2024' or "
        "'2024-06-23'\n" + NOTHING)


def test_the_same_article_twice_in_one_run_is_refused(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retitled = tmp_path / "glacier-copy.html"
    retitled.write_text(GLACIER.read_text("utf-8").replace(
        "Glacier retreat doubles in a decade", "Glaciers shrink twice as fast"), "utf-8")
    code, out, err = _run(capsys, GLACIER, retitled, HARBOUR, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{retitled}: error: same source URL as {GLACIER}, also in this import\n"
        "  hint: import only one of the two files\n"
        f"{HARBOUR}: error: same title and date as {HARBOUR}, also in this import\n"
        "  hint: import only one of the two files\n"
        "nothing written: 2 of 4 files could not be imported\n")
    assert _articles(site) == sorted(EXISTING)


def test_source_name_without_any_url_is_an_error(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(capsys, HARBOUR, "--source-name", "Estuary Courier")
    assert code == 1
    assert err == (f"{HARBOUR}: error: --source-name needs a source URL, and the file names "
                   "none\n  hint: pass --url with the original article's address as well\n"
                   + NOTHING)


# --- usage errors (exit 2) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "https://a.example/x", str(RAIL), str(HARBOUR)],
         "broadsheet: error: --url names one article, but 2 files were given\n"
         "  hint: import the files one at a time, each with its own --url\n"),
        (["--url", "a.example/x", str(RAIL)],
         "broadsheet: error: --url must be an http:// or https:// URL, found `a.example/x`\n"
         "  hint: copy the address from the browser's address bar\n"),
        (["--url", "https://[::1/x", str(RAIL)],
         "broadsheet: error: --url `https://[::1/x` cannot be read as a URL: a `[` in its host "
         "is never closed (an IPv6 host is written [2001:db8::1])\n"
         "  hint: copy the address from the browser's address bar\n"),
        (["--tags", "!!", str(RAIL)],
         "broadsheet: error: tag `!!` cannot be a URL: its slug is empty once symbols are "
         "removed\n  hint: use a tag with letters or digits\n"),
    ],
)  # fmt: skip
def test_usage_errors(
    site: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert _run(capsys, *args) == (2, "", message)
    assert _articles(site) == sorted(EXISTING)


def test_no_site_yaml_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = _run(capsys, RAIL)
    assert code == 2
    assert err.startswith("site.yaml: error: no such file\n")
    assert not (tmp_path / "content").exists()


# --- the write itself -----------------------------------------------------------------


def test_a_file_appearing_after_the_checks_is_not_replaced(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(Path("site.yaml"))
    index = importer_cli.index_site(config)
    options = ImportOptions(timezone=config.timezone, existing=index.existing)
    first = importer_cli.plan(RAIL, options, config, index, [])
    second = importer_cli.plan(HARBOUR, options, config, index, [first])
    (site / HARBOUR_REL).parent.mkdir(parents=True)
    (site / HARBOUR_REL).write_text("someone else's work\n", "utf-8")
    assert importer_cli.write([first, second], config) == 1
    out, err = capsys.readouterr()
    assert out == RAIL_REL + "\n"
    assert err == (f"{HARBOUR_REL}: error: appeared while importing; it was left as it is\n"
                   "  hint: run the import again for the files not written\n"
                   f"not written: {HARBOUR}\n")
    assert (site / HARBOUR_REL).read_text("utf-8") == "someone else's work\n"
