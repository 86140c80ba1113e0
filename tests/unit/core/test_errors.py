"""Diagnostics: their printed forms, sorting, --strict, GitHub annotations, did-you-mean."""

from __future__ import annotations

import io

import pytest

from builder.core.errors import (
    ConfigErrors,
    Diagnostic,
    Diagnostics,
    UsageError,
    did_you_mean,
    edit_distance,
    emit,
    to_diagnostics,
)


def test_format_with_line_column_and_hint() -> None:
    d = Diagnostic("content/a.md", 3, 7, "error", "`date` is not a date", "write 2024-06-23")
    assert d.format() == ("content/a.md:3:7: error: `date` is not a date\n  hint: write 2024-06-23")


def test_format_whole_file_and_line_only() -> None:
    assert (
        Diagnostic("content/a.md", 0, 0, "error", "empty").format() == "content/a.md: error: empty"
    )
    assert (
        Diagnostic("themes/x/a.html", 4, 0, "warning", "w").format()
        == "themes/x/a.html:4: warning: w"
    )


def test_github_command_escapes_data_and_properties() -> None:
    d = Diagnostic("content/a,b:c.md", 2, 5, "error", "50% done\nnext", "fix it")
    assert d.github() == (
        "::error file=content/a%2Cb%3Ac.md,line=2,col=5::50%25 done\\nnext (hint: fix it)"
    )
    assert (
        Diagnostic("content/a.md", 0, 0, "warning", "w").github()
        == "::warning file=content/a.md::w"
    )


# Injection through diagnostics (issue 10): what contributors write reaches the terminal
# and the Actions log only with its control characters visible.
def test_format_shows_control_characters_escaped() -> None:
    d = Diagnostic(
        "content/a\x1b[2J.md",
        2,
        8,
        "error",
        "tag `a\nb\rc\td\x1b[31mred\x7f\x85\x9b` is bad",
        "use  slug: \u202eevil\u2066\u2028x",
    )
    assert d.format() == (
        "content/a\\x1b[2J.md:2:8: error: tag "
        "`a\\nb\\rc\\td\\x1b[31mred\\x7f\\x85\\x9b` is bad\n"
        "  hint: use  slug: \\u202eevil\\u2066\\u2028x"
    )
    assert "\x1b" not in d.format() and d.format().count("\n") == 1


def test_a_value_cannot_forge_a_diagnostic_line_or_a_workflow_command() -> None:
    d = Diagnostic(
        "content/a.md",
        2,
        8,
        "error",
        "title `x`\ncontent/b.md:1:1: error: forged\n::add-mask::secret",
        None,
    )
    assert d.format() == (
        "content/a.md:2:8: error: title `x`\\ncontent/b.md:1:1: error: forged\\n::add-mask::secret"
    )
    assert d.format().count("\n") == 0


def test_multi_line_hints_keep_their_indented_lines_but_no_line_starts_a_command() -> None:
    d = Diagnostic(
        "content/a.md",
        1,
        1,
        "error",
        "no front matter",
        "begin the file with\n  ---\n  ::error::fake\nunindented",
    )
    assert d.format() == (
        "content/a.md:1:1: error: no front matter\n"
        "  hint: begin the file with\n  ---\n  \\x3a:error::fake\\nunindented"
    )
    assert Diagnostic("::add-mask::x", 0, 0, "error", "m").format() == (
        "\\x3a:add-mask::x: error: m"
    )


def test_github_command_stays_one_line_and_breaks_up_workflow_commands() -> None:
    d = Diagnostic(
        "content/a\nb.md",
        3,
        1,
        "warning",
        "title `a\r\n::add-mask::s3cret\x1b]0;x\x07` 100%",
        "write it out\n  ::warning file=x::fake",
    )
    line = d.github()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert line == (
        "::warning file=content/a\\nb.md,line=3,col=1::title "
        "`a\\r\\n:\\x3aadd-mask:\\x3as3cret\\x1b]0;x\\x07` 100%25 "
        "(hint: write it out%0A  :\\x3awarning file=x:\\x3afake)"
    )
    assert line.count("::") == 2  # the command's own two: `::warning` and `...col=1::`


def test_sorted_dedupes_orders_by_path_then_line_and_promotes_when_strict() -> None:
    diags = Diagnostics()
    diags.warning("content/b.md", 2, 1, "second")
    diags.error("content/a.md", 10, 1, "late")
    diags.error("content/a.md", 2, 1, "early")
    diags.error("content/a.md", 2, 1, "early")  # the same problem found twice
    diags.warning("content/a.md", 2, 1, "early", "with a hint")
    assert [(d.path, d.line, d.severity, d.hint) for d in diags.sorted()] == [
        ("content/a.md", 2, "error", None),
        ("content/a.md", 2, "warning", "with a hint"),
        ("content/a.md", 10, "error", None),
        ("content/b.md", 2, "warning", None),
    ]
    strict = diags.sorted(strict=True)
    assert {d.severity for d in strict} == {"error"}
    assert len(strict) == 4  # the promoted warning merges with nothing else
    assert diags.has_errors


def test_sorted_survives_equal_diagnostics_with_and_without_hint() -> None:
    diags = Diagnostics()
    diags.error("a", 1, 1, "m", "hint")
    diags.error("a", 1, 1, "m")
    assert [d.hint for d in diags.sorted()] == [None, "hint"]


def test_emit_prints_once_and_annotates_only_under_github(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [Diagnostic("content/a.md", 1, 1, "error", "bad", "fix")]
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    out = io.StringIO()
    emit(items, out)
    assert out.getvalue() == "content/a.md:1:1: error: bad\n  hint: fix\n"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = io.StringIO()
    emit(items, out)
    assert out.getvalue() == (
        "content/a.md:1:1: error: bad\n  hint: fix\n"
        "::error file=content/a.md,line=1,col=1::bad (hint: fix)\n"
    )


def test_did_you_mean() -> None:
    keys = {"title", "tags", "date", "draft", "summary"}
    assert did_you_mean("titel", keys) == "title"
    assert did_you_mean("tag", keys) == "tags"
    assert did_you_mean("Title", keys) == "title"
    assert did_you_mean("darft", keys) == "draft"
    assert did_you_mean("colour", keys) is None
    assert did_you_mean("name", keys, 1) is None  # two edits from `date`
    assert did_you_mean("name", keys, 2) == "date"


def test_edit_distance_counts_a_transposition_as_one() -> None:
    assert edit_distance("titel", "title") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("a", "abcdef", 2) == 3  # capped at limit + 1


def test_exceptions_carry_their_details() -> None:
    err = UsageError("bad flag", "try --help")
    assert (err.message, err.hint) == ("bad flag", "try --help")
    items = [Diagnostic("site.yaml", 1, 1, "error", "x")]
    assert ConfigErrors(items).diagnostics == items


def _shown(exc: Exception) -> list[str]:
    return [d.format() for d in to_diagnostics(exc)]


def test_to_diagnostics_is_the_one_translation_of_a_stopped_run() -> None:
    config = [Diagnostic("site.yaml", 1, 1, "error", "the site needs a `title`")]
    assert to_diagnostics(ConfigErrors(config)) == config
    assert _shown(UsageError("--jobs must be 0 (all cores) or more")) == [
        "broadsheet: error: --jobs must be 0 (all cores) or more"
    ]
    assert _shown(UsageError("no built site in output/", "run  broadsheet build  first")) == [
        "broadsheet: error: no built site in output/\n  hint: run  broadsheet build  first"
    ]
    assert _shown(OSError(28, "No space left on device", "output/index.html")) == [
        "output/index.html: error: No space left on device\n  hint: free some disk space"
    ]
    assert _shown(PermissionError(13, "Permission denied", "output/a")) == [
        "output/a: error: Permission denied"
    ]
    assert _shown(OSError("cache entry vanished")) == ["broadsheet: error: cache entry vanished"]
    assert _shown(KeyError("x")) == [
        "broadsheet: error: internal error: KeyError: 'x'\n"
        "  hint: this is a bug in Broadsheet; please report it with the file you changed"
    ]
