"""`broadsheet import` end to end through `builder.cli.main`, in a tiny site in tmp.

The conversion itself is covered by test_importer.py; these tests pin what the command
does around it: the site's vocabulary and articles, the path it writes, what it prints,
and that on any problem it writes nothing and never overwrites.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from builder.cli import main
from builder.commands.importer import cli as importer_cli
from builder.commands.importer import create, inputs, planning
from builder.commands.importer.convert import ImportedArticle, ImportOptions
from builder.config import load_config
from builder.read import discover

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
date: 2024-06-24T09:00:00+02:00
summary: Transport officials from Iran and Belarus agreed on Saturday to open a year-round \
rail freight corridor linking Minsk with the Iranian port of Bandar Abbas, a route both \
governments say will cut…
source:
  url: https://transit-wire.test/world/rail-accord
  name: Transit Wire
  date: 2024-06-23
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
RAIL_REPORT = """\
  {0}:1: dateline → source.date: Sunday, June 23, 2024
  {0}:3: headline → title: Iran and Belarus sign rail freight accord: “a corridor for decades”
  {0}:15: subscribe prompt: › Subscribe
  {0}:18: comment form: Please enter your comment!
  {0}:19: comment form: Please enter your name here
  {0}:21: comment form: You have entered an incorrect email address!
  {0}:22: comment form: Please enter your email address here
  {0}:24: reCAPTCHA notice: This site is protected by reCAPTCHA and the Google Privacy Policy and T…
  {0}:26: reCAPTCHA notice: The reCAPTCHA verification period has expired. Please reload the page.
  {0}:28: link block heading: More Articles
  {0}:30: link under “More Articles”: Caspian shipping rates climb for third month
  {0}:32: link under “More Articles”: Minsk hosts regional grain forum
"""
SUMMARY = "imported {} article{}, leaving out {} pieces of site furniture (--dry-run lists them)\n"


NOW = datetime.datetime(2024, 6, 24, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports are dated by the moment of import: Monday 24 June 2024, 09:00 in Berlin."""
    monkeypatch.setattr(importer_cli, "now", lambda timezone: NOW.astimezone(ZoneInfo(timezone)))


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
    code, out, err = _run(
        capsys,
        RAIL,
        "--url",
        "https://transit-wire.test/world/rail-accord?utm_source=mail",
        "--source-name",
        "Transit Wire",
        "--tags",
        "Rail",
    )
    assert (code, out, err) == (0, RAIL_REL + "\n", SUMMARY.format(1, "", 10))
    # Tags: --tags first, then the site's vocabulary found in the text, in its spelling;
    # `Trade` and `Climate` are on the site but not in this article.
    assert (site / RAIL_REL).read_text("utf-8") == RAIL_TEXT
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("built 3 articles, 0 pages, 6 tags, ")
    assert "warning" not in err
    html = (
        site / "output/2024/06/iran-and-belarus-sign-rail-freight-accord-a-corridor-for/index.html"
    ).read_text("utf-8")
    assert "<em>" not in html and "*dairy*" in html and "&lt;b&gt;tags&lt;/b&gt;" in html


def test_several_files_are_written_in_order_and_build(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, HARBOUR, GLACIER, "--tags", "Climate")
    assert (code, out, err) == (0, f"{HARBOUR_REL}\n{GLACIER_REL}\n", SUMMARY.format(2, "s", 19))
    harbour = (site / HARBOUR_REL).read_text("utf-8")
    assert (
        "\nsource:\n  author: Ana Lucía Ferreira\n  date: 2024-06-23\ntags:\n- Climate\n---\n"
        in harbour
    )
    glacier = (site / GLACIER_REL).read_text("utf-8")
    assert (
        "source:\n  url: https://www.alpine-observer.example/science/glacier-retreat/\n"
        "  name: Alpine Observer\n  author: Marta Keller\n  date: 2024-06-23\ntags:\n- Climate\n"
        "---\n" in glacier
    )
    assert main(["build", "--no-cache"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_dry_run_prints_the_file_and_writes_nothing(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys,
        RAIL,
        "--dry-run",
        "--tags",
        "Rail",
        "--source-name",
        "Transit Wire",
        "--url",
        "https://transit-wire.test/world/rail-accord",
    )
    assert code == 0
    assert out == RAIL_TEXT
    assert err == f"dry run: would write {RAIL_REL}\n" + RAIL_REPORT.format(RAIL)
    assert _articles(site) == sorted(EXISTING)


def test_tags_take_the_sites_spelling(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, HARBOUR, "--tags", "nato, climate ,NATO", "--dry-run")
    assert code == 0
    assert "\ntags:\n- NATO\n- Climate\n---\n" in out


def test_a_broken_article_elsewhere_is_noted_but_does_not_stop_the_import(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = {
        "content/2024/05/broken.md": "---\ntitle: [unclosed\n---\n",
        "content/2024/05/nodate.md": "---\ntitle: No date\n---\n",
    }
    monkeypatch.chdir(make_site({**EXISTING, **broken}))
    code, out, err = _run(capsys, HARBOUR)
    assert (code, out) == (0, HARBOUR_REL + "\n")
    assert err == (
        "note: 2 files in content/ have errors and were not checked for "
        "duplicates; `broadsheet build` shows them\n" + SUMMARY.format(1, "", 13)
    )


# --- refusals: nothing is written -----------------------------------------------------


def test_same_source_url_as_an_existing_article_is_refused_naming_it(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        capsys, RAIL, "--url", "https://transit-wire.test/world/rail-talks/?utm_medium=email"
    )
    assert (code, out) == (1, "")
    assert err == (
        f"{RAIL}: error: already imported as content/2024/05/rail-talks.md (same source URL)\n"
        "  hint: edit the existing article instead of importing it again\n" + NOTHING
    )
    assert _articles(site) == sorted(EXISTING)


def test_same_title_and_date_as_an_existing_article_is_refused_naming_it(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ferry = "---\ntitle: Harbour Town Votes To Keep Its Last Ferry\ndate: 2024-06-23\n---\n\nx\n"
    root = make_site({**EXISTING, "content/2024/06/ferry.md": ferry})
    monkeypatch.chdir(root)
    code, out, err = _run(capsys, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{HARBOUR}: error: already imported as content/2024/06/ferry.md (same title and date)\n"
        "  hint: edit the existing article instead of importing it again\n" + NOTHING
    )


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
        "or edit that article\n" + NOTHING
    )
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
        "/2024/06/harbour-town-votes-to-keep-its-last-ferry/\n"
    )
    assert _articles(site) == sorted([*EXISTING, dated])


def test_a_tag_whose_url_clashes_with_a_site_tag_is_refused(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lang = "---\ntitle: Compilers\ndate: 2024-05-01\ntags: [C++]\n---\n\nText.\n"
    monkeypatch.chdir(make_site({"content/2024/05/compilers.md": lang}))
    code, _out, err = _run(capsys, HARBOUR, "--tags", "C")
    assert code == 1
    assert err == (
        f"{HARBOUR}: error: tag `C` would have the same URL as the site's tag `C++`\n"
        "  hint: use `C++`, or another tag\n" + NOTHING
    )


def test_unreadable_inputs_are_all_reported_and_the_good_file_is_not_written(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n")
    folder = tmp_path / "nothing-here"
    (folder / ".hidden").mkdir(parents=True)
    (folder / ".hidden" / "draft.txt").write_text("June 23, 2024\nHidden\nText.\n", "utf-8")
    (folder / "notes.md").write_text("# not an input\n", "utf-8")
    code, out, err = _run(capsys, missing, folder, binary, empty, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{missing}: error: no such file\n  hint: check the path and its spelling\n"
        f"{folder}: error: no .txt or .html files in this folder\n"
        "  hint: save the articles as .txt or .html files\n"
        f"{binary}: error: this is a binary file, not text or HTML\n"
        "  hint: save the article as text (dateline, headline, paragraphs) or as an HTML page\n"
        f"{empty}: error: the file is empty\n"
        "  hint: save the article as text (dateline, headline, paragraphs) or as an HTML page\n"
        "nothing written: 4 of 5 files could not be imported\n"
    )
    assert _articles(site) == sorted(EXISTING)


def test_a_folder_is_imported_in_name_order_and_other_encodings_are_converted(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "received"
    (folder / "later").mkdir(parents=True)
    (folder / "b-cafe.txt").write_bytes(
        "June 23, 2024\nCafé owners protest\n\nThe “tax” is €5 a cup, owners said.\n".encode(
            "cp1252"
        )
    )
    (folder / "a-ferry.txt").write_bytes(HARBOUR.read_bytes())
    (folder / "later" / "glacier.html").write_bytes(GLACIER.read_bytes())
    (folder / "notes.md").write_text("# not an input\n", "utf-8")
    code, out, err = _run(capsys, folder)
    cafe = "content/2024/06/café-owners-protest.md"
    assert (code, out) == (0, f"{HARBOUR_REL}\n{cafe}\n{GLACIER_REL}\n")
    assert err == (
        "imported 3 articles, leaving out 20 pieces of site furniture (--dry-run "
        "lists them); 1 converted to UTF-8\n"
    )
    assert (
        (site / cafe)
        .read_bytes()
        .decode("utf-8")
        .endswith("\nThe “tax” is €5 a cup, owners said.\n")
    )
    code, _out, err = _run(capsys, folder / "b-cafe.txt", "--dry-run")
    assert code == 1
    assert err == (
        f"{folder / 'b-cafe.txt'}: error: already imported as {cafe} (same text)\n"
        "  hint: edit the existing article instead of importing it again\n" + NOTHING
    )


def test_not_an_article(site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Remember to call the desk.\nAnd buy milk.\n", "utf-8")
    code, _out, err = _run(capsys, notes)
    assert code == 1
    assert err == (
        f"{notes}: error: no dateline in the first 8 lines (the first is 'Remember to call the "
        "desk.')\n  hint: the first lines should hold a dateline such as 'Sunday, June 23, 2024', "
        "'June 3, 2024, 10:15 a.m. ET' or '2024-06-23'\n" + NOTHING
    )


def test_the_same_article_twice_in_one_run_is_refused(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    retitled = tmp_path / "glacier-copy.html"
    retitled.write_text(
        GLACIER.read_text("utf-8").replace(
            "Glacier retreat doubles in a decade", "Glaciers shrink twice as fast"
        ),
        "utf-8",
    )
    code, out, err = _run(capsys, GLACIER, retitled, HARBOUR, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{retitled}: error: same source URL as {GLACIER}, also in this import\n"
        "  hint: import only one of the two files\n"
        f"{HARBOUR}: error: same title and date as {HARBOUR}, also in this import\n"
        "  hint: import only one of the two files\n"
        "nothing written: 2 of 4 files could not be imported\n"
    )
    assert _articles(site) == sorted(EXISTING)


def test_source_name_without_a_url_credits_the_publication_and_builds(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _run(capsys, HARBOUR, "--source-name", "Estuary Courier")
    assert (code, out) == (0, HARBOUR_REL + "\n")
    assert (
        "\nsource:\n  name: Estuary Courier\n  author: Ana Lucía Ferreira\n"
        "  date: 2024-06-23\n---\n" in (site / HARBOUR_REL).read_text("utf-8")
    )
    assert main(["build", "--no-cache"]) == 0
    page = site / "output/2024/06/harbour-town-votes-to-keep-its-last-ferry/index.html"
    # The credit names the publication, its writer and date, and links nowhere: no URL.
    assert (
        '<p class="credit"><bdi class="publication">Estuary Courier</bdi> · '
        '<span class="writer">by <bdi>Ana Lucía Ferreira</bdi></span> · '
        '<time datetime="2024-06-23">'
    ) in page.read_text("utf-8")
    assert "Read the original" not in page.read_text("utf-8")
    assert main(["check"]) == 0  # no empty link in the page or the feeds


def test_date_from_source_dates_the_article_by_its_dateline(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = _run(capsys, HARBOUR, "--date-from-source", "--dry-run")
    assert code == 0
    assert "\ndate: 2024-06-23\n" in out and "\n  date: 2024-06-23\n" in out
    code, out, _err = _run(capsys, HARBOUR, "--dry-run")
    assert "\ndate: 2024-06-24T09:00:00+02:00\n" in out and "\n  date: 2024-06-23\n" in out


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
    index = planning.index_site(config)
    options = ImportOptions(timezone=config.timezone, existing=index.existing)
    rail, harbour = (inputs.Input(str(p), p, p.read_bytes()) for p in (RAIL, HARBOUR))
    first = planning.plan(rail, options, config, index, [])
    second = planning.plan(harbour, options, config, index, [first])
    (site / HARBOUR_REL).parent.mkdir(parents=True)
    (site / HARBOUR_REL).write_text("someone else's work\n", "utf-8")
    assert create.write([first, second], config) == 1
    out, err = capsys.readouterr()
    assert out == RAIL_REL + "\n"
    assert err == (
        f"{HARBOUR_REL}: error: appeared while importing; it was left as it is\n"
        "  hint: run the import again for the files not written\n"
        f"not written: {HARBOUR}\n"
    )
    assert (site / HARBOUR_REL).read_text("utf-8") == "someone else's work\n"


# --- what a real run reports ----------------------------------------------------------

COMMENTS = FIXTURES / "texts" / "comments_thread.txt"
COMMENTS_REL = "content/2024/06/town-council-votes-to-light-the-old-bridge-at-night.md"


def test_removed_text_that_reads_like_the_article_is_a_warning(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, COMMENTS)
    hint = "  hint: if it belongs to the article, copy it from the input into the written file\n"
    assert (code, out) == (0, COMMENTS_REL + "\n")
    assert err == (
        f"{COMMENTS}:11: warning: removed text that reads like the article (comments, after "
        "“3 Comments”): “Jo Marsh September 9, 2024 at 6:12 pm About time, the bridge is "
        "beautiful and nobody can see it after dark.”\n"
        + hint
        + f"{COMMENTS}:16: warning: removed text that reads like the article (comments, after "
        "“3 Comments”): “Pete Lang September 10, 2024 at 8:40 am What about the bats under "
        "the arches?”\n" + hint + SUMMARY.format(1, "", 6)
    )


def test_a_file_over_the_size_limit_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inputs, "MAX_INPUT_BYTES", 1024 * 1024)
    big = site / "big.html"
    big.write_bytes(b"<p>" + b"x" * (1024 * 1024))
    code, _out, err = _run(capsys, big)
    assert code == 1
    assert err == (
        f"{big}: error: file is 1,048,579 bytes, over the 1 MB limit\n"
        "  hint: save only the article (text, or the page without its media)\n" + NOTHING
    )


def test_a_fresh_site_gets_the_countries_of_the_headline_as_tags(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(make_site({}))
    code, out, _err = _run(capsys, FIXTURES / "texts" / "sample_shape.txt", "--dry-run")
    assert code == 0
    assert "\ntags:\n- Chile\n- Peru\n---\n" in out


def test_an_article_over_the_builds_size_limit_is_not_written(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An input within import's own limit can convert to an article the next build would
    refuse (read.discover.MAX_BYTES): refused here, before anything is written. (The
    conversion is padded: converting 2 MB of real text takes seconds.)"""
    convert = planning.convert
    sizes: list[int] = []

    def grown(*args: object, **kwargs: object) -> ImportedArticle:
        article = convert(*args, **kwargs)  # type: ignore[arg-type]
        text = article.text + "x" * discover.MAX_BYTES
        sizes.append(len(text.encode("utf-8")))
        return dataclasses.replace(article, text=text)

    monkeypatch.setattr(planning, "convert", grown)
    before = _articles(site)
    code, out, err = _run(capsys, HARBOUR)
    assert (code, out) == (1, "")
    assert err == (
        f"{HARBOUR}: error: the article would be {sizes[0]:,} bytes, over the 2 MB "
        "limit of an article file\n  hint: split it into several articles, or "
        "import only the part that is the article\n" + NOTHING
    )
    assert _articles(site) == before
