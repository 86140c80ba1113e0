"""Every bad input gets a clear diagnostic: exact text, exit codes, CI annotations.

Each folder in tests/fixtures/invalid/ is a small site with one kind of
mistake and an `expected.txt`: `# exit N`, then the exact diagnostics the
build prints (the final summary line, which carries a timing, is left out).
Cases that git cannot carry faithfully (symlinks, 2 MB files, file names
differing only in case or Unicode normalisation, editor debris that global
gitignores drop) are written by the tests below instead.
UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.cli import main

INVALID = Path(__file__).resolve().parent.parent / "fixtures" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())
OK = "---\ntitle: Fine\ndate: 2024-06-03\n---\nBody.\n"

Run = Callable[..., Any]  # conftest.run_build: (site, *args) -> CliRun


def _copy_case(name: str, dest: Path) -> Path:
    site = dest / name
    shutil.copytree(INVALID / name, site)
    if not (site / "site.yaml").exists():
        shutil.copy(INVALID / "site.yaml", site / "site.yaml")
    (site / "expected.txt").unlink()
    return site


def test_every_case_of_the_issue_has_a_fixture() -> None:
    assert set(CASES) >= {
        "empty-file",
        "bom",
        "crlf",
        "lone-cr",
        "not-utf8",
        "utf16",
        "control-chars",
        "no-front-matter",
        "front-matter-late",
        "unclosed-front-matter",
        "yaml-colon",
        "yaml-tab",
        "yaml-unclosed-quote",
        "not-a-mapping",
        "python-tag",
        "custom-tags",
        "duplicate-keys",
        "yaml11-surprises",
        "aliases-merge",
        "unknown-key",
        "wrong-types",
        "missing-title",
        "impossible-date",
        "non-iso-date",
        "tags-not-text",
        "tag-slug-collision",
        "unsafe-tags",
        "unsafe-slugs",
        "same-path",
        "generated-pages",
        "overwrites-archive",
    }


@pytest.mark.parametrize("case", CASES)
def test_invalid_fixture_prints_exact_diagnostics(
    case: str, tmp_path: Path, run_build: Run
) -> None:
    site = _copy_case(case, tmp_path)
    run = run_build(site)
    got = f"# exit {run.code}\n{run.diags}"
    expected_file = INVALID / case / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_file.write_text(got, "utf-8")
    assert got == expected_file.read_text("utf-8")
    assert "Traceback" not in run.err
    if run.code == 1:
        assert not (site / "output").exists()


# --------------------------------------------------------------------------
# Cases written by the tests
# --------------------------------------------------------------------------
def test_editor_debris_is_skipped(make_site: Callable[..., Path], run_build: Run) -> None:
    junk = "not front matter at all \x00"
    site = make_site(
        {
            "content/a.md": OK,
            "content/.#a.md": junk,
            "content/a.md~": junk,
            "content/.a.md.swp": junk,
            "content/.DS_Store": junk,
            "content/#a.md#": junk,
            "content/b.md.swp": junk,
            "content/.drafts/x.md": junk,
            "content/Thumbs.db": junk,
        }
    )
    run = run_build(site)
    assert run.code == 0 and run.diags == ""
    articles = sorted(p.parent.name for p in (site / "output").glob("2024/*/*/index.html"))
    assert articles == ["a"]
    assert not (site / "output" / "a.md~").exists()
    assert not (site / "output" / ".DS_Store").exists()


def test_symlink_out_of_content_is_refused(
    make_site: Callable[..., Path], run_build: Run, tmp_path: Path
) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd.md").write_text(OK)
    site = make_site({"content/a.md": OK})
    (site / "content" / "leak.md").symlink_to(secret / "passwd.md")
    (site / "content" / "folder").symlink_to(secret, target_is_directory=True)
    (site / "content" / "inside.md").symlink_to(site / "content" / "a.md")
    run = run_build(site)
    assert run.code == 1
    assert run.diags == (
        "content/folder: error: symlink points outside content/, refused\n"
        "  hint: copy the file into content/ instead of linking to it\n"
        "content/leak.md: error: symlink points outside content/, refused\n"
        "  hint: copy the file into content/ instead of linking to it\n"
    )


def test_file_over_the_size_cap(make_site: Callable[..., Path], run_build: Run) -> None:
    body = "word " * (2 * 1024 * 1024 // 5 + 1)
    site = make_site({"content/huge.md": OK + body, "content/a.md": OK.replace("Fine", "A")})
    size = (site / "content" / "huge.md").stat().st_size
    run = run_build(site)
    assert run.code == 1
    assert run.diags == (
        f"content/huge.md: error: file is {size:,} bytes, over the 2 MB limit\n"
        "  hint: split the article\n"
    )


def test_slugs_differing_only_in_case(make_site: Callable[..., Path], run_build: Run) -> None:
    site = make_site({"content/Grid-Deal.md": OK, "content/grid-deal.md": OK})
    run = run_build(site)
    assert run.code == 1
    assert run.diags == (
        "content/grid-deal.md:1:1: error: content/Grid-Deal.md and content/grid-deal.md "
        "would both write /2024/06/grid-deal/index.html\n"
        "  hint: the two file names differ only in letter case; rename one\n"
    )


def test_slugs_differing_only_in_unicode_normalisation(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    composed = unicodedata.normalize("NFC", "café-prices")
    decomposed = unicodedata.normalize("NFD", "café-prices")
    assert composed != decomposed
    site = make_site({f"content/{composed}.md": OK, f"content/{decomposed}.md": OK})
    run = run_build(site)
    assert run.code == 1
    assert run.diags == (
        f"content/{composed}.md:1:1: error: content/cafe\\u0301-prices.md and "
        f"content/{composed}.md would both write /2024/06/{composed}/index.html\n"
        "  hint: the two file names differ only in how accents are encoded (composed or "
        "combining); delete or rename one\n"
    )


def test_file_name_that_is_not_utf8(make_site: Callable[..., Path], run_build: Run) -> None:
    site = make_site({"content/a.md": OK})
    (site / "content").joinpath(os.fsdecode(b"caf\xe9.md")).write_text(OK)
    run = run_build(site)
    assert run.code == 1
    assert run.diags == (
        "content/caf\\xe9.md: error: file name is not valid UTF-8\n  hint: rename the file\n"
    )


def test_markdown_with_another_extension_is_flagged(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    site = make_site({"content/a.md": OK, "content/b.markdown": OK})
    run = run_build(site)
    assert run.code == 0
    assert run.diags == (
        "content/b.markdown: warning: copied as a plain file, not built as an article\n"
        "  hint: articles must end in .md (lower case); rename it\n"
    )


def test_body_rule_stays_a_rule(make_site: Callable[..., Path], run_build: Run) -> None:
    text = "---\ntitle: Rules\ndate: 2024-06-03\n---\nAbove.\n\n---\n\nBelow.\n\n---\n"
    site = make_site({"content/rules.md": text})
    run = run_build(site)
    assert (run.code, run.diags) == (0, "")
    html = (site / "output" / "2024" / "06" / "rules" / "index.html").read_text()
    assert html.count("<hr") == 2
    assert "<p>Above.</p>" in html and "<p>Below.</p>" in html


def test_python_payload_is_rejected_and_not_run(
    tmp_path: Path, make_site: Callable[..., Path], run_build: Run
) -> None:
    witness = tmp_path / "pwned.txt"
    payload = f'!!python/object/apply:os.system ["touch {witness}"]'
    # The payload is real: PyYAML's unsafe loader does run it.
    yaml.unsafe_load(f"x: {payload}\n")
    assert witness.exists()
    witness.unlink()
    site = make_site({"content/a.md": f"---\ntitle: {payload}\ndate: 2024-06-03\n---\nx\n"})
    run = run_build(site)
    assert run.code == 1
    assert run.diags.startswith(
        "content/a.md:2:8: error: YAML tag `!!python/object/apply:os.system` is not allowed\n"
    )
    assert not witness.exists()


def test_mixed_naive_and_aware_dates_sort_in_site_time(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    site = make_site(
        {
            # 10:00 in Berlin (naive = site time zone)
            "content/naive.md": "---\ntitle: Naive\ndate: 2024-06-03 10:00:00\n---\nx\n",
            # 09:30 UTC = 11:30 in Berlin: newer than the naive one
            "content/aware.md": "---\ntitle: Aware\ndate: 2024-06-03T09:30:00Z\n---\nx\n",
            # 07:00 UTC as a quoted string = 09:00 in Berlin: the oldest
            "content/text.md": '---\ntitle: Text\ndate: "2024-06-03T07:00:00+00:00"\n---\nx\n',
        }
    )
    run = run_build(site)
    assert (run.code, run.diags) == (0, "")
    feed = (site / "output" / "feed.xml").read_text()
    order = [feed.index(f"<title>{t}</title>") for t in ("Aware", "Naive", "Text")]
    assert order == sorted(order)
    assert "Mon, 03 Jun 2024 11:30:00 +0200" in feed
    assert "Mon, 03 Jun 2024 10:00:00 +0200" in feed
    assert "Mon, 03 Jun 2024 09:00:00 +0200" in feed


def test_an_empty_date_and_a_tagged_page_are_reported_not_crashes(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    """Both once ended the build in a traceback (a dateless article, a page with tags)."""
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate:\n---\nx\n",
            "content/pages/about.md": "---\ntitle: About\ntags: [Us]\n---\nWho we are.\n",
        }
    )
    run = run_build(site)
    assert (run.code, run.diags) == (
        1,
        (
            "content/a.md:3:6: error: `date` is empty\n"
            "  hint: write  date: 2024-06-23\n"
            "content/pages/about.md:3:7: warning: a page has no tags: `tags` is ignored\n"
            "  hint: remove it, or move the file out of content/pages/ to make an article\n"
        ),
    )
    (site / "content" / "a.md").write_text(OK)
    run = run_build(site)
    assert run.code == 0 and (site / "output" / "about" / "index.html").is_file()


# --------------------------------------------------------------------------
# How diagnostics are printed, and what the exit code says
# --------------------------------------------------------------------------
def test_sorted_by_path_and_line_and_printed_once(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    site = make_site(
        {
            "content/b.md": "---\ntitle: B\ndate: 2024-06-03\ntags: [1]\ndraft: maybe\n---\nx\n",
            "content/a.md": "---\ntitle: A\ndate: May 1, 2024\n---\nx\n",
            "content/sub/c.md": "---\ndate: 2024-06-03\n---\nx\n",
        }
    )
    run = run_build(site)
    assert run.code == 1
    assert run.diags == (
        "content/a.md:3:7: error: `date` is not an ISO date: `May 1, 2024`\n"
        "  hint: write it as 2024-05-01 (ISO dates are year-month-day)\n"
        "content/b.md:4:8: error: a tag must be text, found a number (`1`)\n"
        '  hint: quote it: "1"\n'
        "content/b.md:5:8: error: `draft` must be true or false, found a string (`maybe`)\n"
        "  hint: write  draft: true  or  draft: false\n"
        "content/sub/c.md:1:1: error: missing `title`\n"
        '  hint: add  title: "..."  to the front matter\n'
    )
    assert run.err.endswith("build failed: 4 errors; output/ left as it was\n")


def test_strict_turns_warnings_into_errors(make_site: Callable[..., Path], run_build: Run) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\ndate: 2024-06-03\ntag: x\n---\nx\n"})
    warned = run_build(site)
    assert warned.code == 0
    assert warned.diags == (
        "content/a.md:4:1: warning: unknown key `tag` is kept as extra data\n"
        "  hint: did you mean `tags`?\n"
    )
    shutil.rmtree(site / "output")
    strict = run_build(site, "--strict")
    assert strict.code == 1
    assert strict.diags == (
        "content/a.md:4:1: error: unknown key `tag` is kept as extra data\n"
        "  hint: did you mean `tags`?\n"
    )
    assert not (site / "output").exists()


def test_github_actions_annotations(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: Vote: 50%\ndate: 2024-06-03\n---\nx\n",
            "content/b.md": "---\ntitle: B\ndate: 2024-06-03\ntag: x\n---\nx\n",
        }
    )
    monkeypatch.chdir(site)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["build", "--no-cache"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:6] == [
        "content/a.md:2:12: error: invalid YAML: mapping values are not allowed in this context",
        '  hint: a value that contains ": " must be quoted, e.g. title: "Vote: what next"',
        "::error file=content/a.md,line=2,col=12::invalid YAML: mapping values are not allowed "
        'in this context (hint: a value that contains ": " must be quoted, e.g. title: '
        '"Vote: what next")',
        "content/b.md:4:1: warning: unknown key `tag` is kept as extra data",
        "  hint: did you mean `tags`?",
        "::warning file=content/b.md,line=4,col=1::unknown key `tag` is kept as extra data "
        "(hint: did you mean `tags`?)",
    ]


def test_no_annotations_outside_github(make_site: Callable[..., Path], run_build: Run) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\n---\nx\n"})
    run = run_build(site)
    assert run.code == 1
    assert "::error" not in run.err


def test_failed_build_leaves_previous_output(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    site = make_site({"content/a.md": OK})
    assert run_build(site).code == 0
    page = site / "output" / "2024" / "06" / "a" / "index.html"
    before = page.read_bytes()
    (site / "content" / "a.md").write_text("---\ntitle: [broken\n---\n")
    run = run_build(site)
    assert run.code == 1
    assert page.read_bytes() == before


def test_config_errors_all_reported_with_exit_2(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    site = make_site(
        {"content/a.md": OK},
        site_yaml=(
            "titel: Digest\nbase_url: example.org\ntimezone: Europe/Berln\npaginate: ten\n"
            "feeds:\n  rss:\n    limt: 5\n    enabled: yes\n"
        ),
    )
    run = run_build(site)
    assert run.code == 2
    assert run.err == (
        "site.yaml:1:1: error: the site needs a `title`\n"
        '  hint: add a line such as  title: "My Digest"\n'
        "site.yaml:1:1: error: unknown key `titel`\n"
        "  hint: did you mean `title`?\n"
        "site.yaml:2:11: error: `base_url` must be an absolute http(s) URL, found `example.org`\n"
        "  hint: for example  base_url: https://example.org/digest/\n"
        "site.yaml:3:11: error: unknown time zone `Europe/Berln`\n"
        "  hint: did you mean `Europe/Berlin`?\n"
        "site.yaml:4:11: error: `paginate` must be a whole number, found a string (`ten`)\n"
        "  hint: write  paginate: 10\n"
        "site.yaml:7:5: error: unknown key `limt` in `feeds.rss`\n"
        "  hint: did you mean `limit`?\n"
        "site.yaml:8:14: error: `enabled` must be true or false, found `yes`, which YAML reads "
        "as the boolean true\n"
        "  hint: write  enabled: true  or  enabled: false\n"
    )


def test_config_path_is_shown_as_given(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"content/a.md": OK}, site_yaml="title: T\nparginate: 3\n")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    expected = "{}:2:1: error: unknown key `parginate`\n  hint: did you mean `paginate`?\n"
    monkeypatch.chdir(site.parent)
    assert main(["build", "--no-cache", "--config", f"{site.name}/site.yaml"]) == 2
    assert capsys.readouterr().err == expected.format(f"{site.name}/site.yaml")
    # An absolute path inside the current folder is shown relative to it...
    assert main(["build", "--no-cache", "--config", str(site / "site.yaml")]) == 2
    assert capsys.readouterr().err == expected.format(f"{site.name}/site.yaml")
    # ...and one outside it stays absolute.
    monkeypatch.chdir(site / "content")
    assert main(["build", "--no-cache", "--config", str(site / "site.yaml")]) == 2
    assert capsys.readouterr().err == expected.format(site / "site.yaml")


def test_missing_config_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 2
    assert capsys.readouterr().err == (
        "site.yaml: error: no such file\n"
        "  hint: run broadsheet in a site folder (one with site.yaml) or pass --config PATH\n"
    )
    assert main(["build", "--config", "elsewhere/site.yaml"]) == 2
    assert capsys.readouterr().err.startswith("elsewhere/site.yaml: error: no such file\n")


def test_names_windows_cannot_hold_are_located_errors_not_exit_2(
    make_site: Callable[..., Path], run_build: Run
) -> None:
    """Written here: a checkout of the repository on Windows could not hold them."""
    site = make_site(
        {
            "content/a.md": OK,
            "content/img\\chart.png": b"x",
            "content/Nul.md": OK,
            "content/aux/b.md": OK,
        }
    )
    run = run_build(site)
    assert run.code == 1
    device = (
        "is a device name on Windows, where no file or folder can have it\n"
        "  hint: rename it: Windows cannot check out or publish a site holding it\n"
    )
    assert run.diags == (
        f"content/Nul.md: error: `Nul.md` {device}"
        f"content/aux: error: `aux` {device}"
        "content/img\\chart.png: error: file name contains a backslash, which Windows reads "
        "as a folder separator\n  hint: rename the file without `\\`\n"
    )


def test_utf8_file_names_build_under_an_ascii_locale(make_site: Callable[..., Path]) -> None:
    """LANG=C: Python decodes names as ASCII; a UTF-8 name is not "not valid UTF-8"."""
    site = make_site({"content/café.md": OK.replace("title: Fine", "title: Fine\nslug: cafe")})
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    run = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--no-cache"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "not valid UTF-8" not in run.stderr
    assert (site / "output/2024/06/cafe/index.html").is_file()


def test_front_matter_cannot_forge_lines_or_workflow_commands(
    make_site: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Newlines and `::` in values reach messages; they show escaped, in one line each."""
    site = make_site(
        {
            "content/a.md": (
                '---\ntitle: A\ndate: "2024\\n::add-mask::s3cret\\n  ::error file=x.md::forged"\n'
                "---\nx\n"
            )
        }
    )
    monkeypatch.chdir(site)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["build", "--no-cache"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:3] == [
        "content/a.md:3:7: error: `date` is not an ISO date: "
        "`2024\\n::add-mask::s3cret\\n  ::error file=x.md::forged`",
        "  hint: write dates as 2024-06-23 or 2024-06-23T09:30:00+02:00",
        "::error file=content/a.md,line=3,col=7::`date` is not an ISO date: `2024\\n:\\x3a"
        "add-mask:\\x3as3cret\\n  :\\x3aerror file=x.md:\\x3aforged` (hint: write dates as "
        "2024-06-23 or 2024-06-23T09:30:00+02:00)",
    ]
    assert [line for line in lines if line.lstrip().startswith("::")] == [lines[2]]
