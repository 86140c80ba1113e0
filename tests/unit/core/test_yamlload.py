"""The strict YAML loader: positions, YAML 1.1 surprises, and everything it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.core.errors import Diagnostics
from builder.core.yamlload import MAX_DEPTH, YamlValue, describe, load_mapping


def load(text: str, offset: int = 0) -> tuple[dict[str, YamlValue] | None, list[str]]:
    diags = Diagnostics()
    data = load_mapping(text, "f.md", offset, diags)
    return data, [d.format() for d in diags.items]


def test_values_remember_position_raw_text_and_quoting() -> None:
    data, problems = load('title: "Quoted"\ncount: 3\nwhen: 2024-06-03\nlist:\n  - a\n', 1)
    assert problems == []
    assert data is not None
    title = data["title"]
    assert (title.value, title.kind, title.raw, title.plain) == ("Quoted", "str", "Quoted", False)
    assert (title.line, title.col, title.key_line, title.key_col) == (2, 8, 2, 1)
    assert (data["count"].value, data["count"].kind, data["count"].plain) == (3, "int", True)
    assert data["when"].value == dt.date(2024, 6, 3)
    assert data["list"].kind == "seq"
    assert (data["list"].value[0].value, data["list"].value[0].line) == ("a", 6)
    assert data["list"].to_python() == ["a"]


def test_empty_document_is_an_empty_mapping() -> None:
    assert load("") == ({}, [])
    assert load("# only a comment\n") == ({}, [])


@pytest.mark.parametrize(
    ("raw", "surprise"),
    [
        ("yes", True),
        ("No", True),
        ("NO", True),
        ("on", True),
        ("off", True),
        ("y", False),  # PyYAML reads a lone y as text
        ("true", False),
        ("False", False),
        ("0123", True),
        ("0x1F", True),
        ("0b101", True),
        ("1:30", True),
        ("1_000", True),
        ("123", False),
        ("0", False),
        ("-5", False),
        ("1.5", False),
        ("1_0.5", True),
        ("'yes'", False),
        ('"0123"', False),
        ("text", False),
    ],
)
def test_yaml11_surprises(raw: str, surprise: bool) -> None:
    data, problems = load(f"v: {raw}\n")
    assert problems == [] and data is not None
    assert data["v"].surprise() is surprise


def test_describe() -> None:
    data, _ = load("a: yes\nb: 0123\nc: 2024\nd: [x]\ne:\nf: 2024-06-03\ng: text\n")
    assert data is not None
    assert describe(data["a"]) == "`yes`, which YAML reads as the boolean true"
    assert describe(data["b"]) == "`0123`, which YAML reads as the number 83"
    assert describe(data["c"]) == "a number (`2024`)"
    assert describe(data["d"]) == "a list"
    assert describe(data["e"]) == "empty"
    assert describe(data["f"]) == "a date (`2024-06-03`)"
    assert describe(data["g"]) == "a string (`text`)"


def test_duplicate_keys_are_errors() -> None:
    data, problems = load("title: A\ndate: 2024-06-03\ntitle: B\n", 1)
    assert data is None
    assert problems == [
        "f.md:4:1: error: duplicate key `title` (first set on line 2)\n"
        "  hint: YAML would silently keep only the last one; remove one of them"
    ]


def test_aliases_are_reported_where_they_are_used() -> None:
    data, problems = load("a: &x 1\nb: [2, *x]\n")
    assert data is None
    assert problems == [
        "f.md:2:8: error: YAML aliases (`*x`) are not allowed\n"
        "  hint: write the value out; to start a value with `*`, quote it"
    ]


def test_undefined_alias() -> None:
    assert load("title: *nothing here\n")[1] == [
        "f.md:1:8: error: YAML aliases (`*nothing`) are not allowed\n"
        "  hint: write the value out; to start a value with `*`, quote it"
    ]


def test_merge_keys_are_refused_once() -> None:
    data, problems = load("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    assert data is None
    assert problems == [
        "f.md:3:3: error: YAML merge keys (`<<`) are not allowed\n  hint: write the keys out"
    ]
    assert load("other:\n  <<: {x: 1}\n")[1] == [
        "f.md:2:3: error: YAML merge keys (`<<`) are not allowed\n  hint: write the keys out"
    ]


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object/apply:os.system ['true']\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !custom x\n", "!custom"),
        ("a: !!set {x, y}\n", "!!set"),
        ("a: !!binary aGk=\n", "!!binary"),
        ("a: !!omap [x: 1]\n", "!!omap"),
        ("%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n", "tag:example.com,2000:thing"),
    ],
)
def test_non_standard_tags_are_refused(text: str, tag: str) -> None:
    data, problems = load(text)
    assert data is None
    assert len(problems) == 1
    assert f"error: YAML tag `{tag}` is not allowed\n" in problems[0]


def test_explicit_standard_tags_are_read() -> None:
    data, problems = load("a: !!str 0123\nb: !!int '7'\n")
    assert problems == [] and data is not None
    assert (data["a"].value, data["a"].surprise()) == ("0123", False)
    assert data["b"].value == 7


def test_not_a_mapping() -> None:
    assert load("- a\n- b\n", 1)[1] == [
        "f.md:2:1: error: expected a mapping of `key: value` lines, found a list\n"
        "  hint: front matter and site.yaml are made of `key: value` lines"
    ]
    assert load("just words\n")[1] == [
        "f.md:1:1: error: expected a mapping of `key: value` lines, found a string "
        "(`just words`)\n  hint: front matter and site.yaml are made of `key: value` lines"
    ]


def test_complex_keys_are_refused() -> None:
    assert load("? [a, b]\n: c\n")[1] == [
        "f.md:1:3: error: keys must be plain words\n"
        "  hint: write each key as a word followed by `: `"
    ]


def test_deep_nesting_is_refused_without_recursion_errors() -> None:
    deep = "a: " + "[" * 100 + "]" * 100 + "\n"
    data, problems = load(deep)
    assert data is None
    assert problems == [
        f"f.md:1:{MAX_DEPTH + 4}: error: YAML nested more than {MAX_DEPTH} "
        "levels deep\n  hint: front matter needs a few levels at most"
    ]


def test_very_deep_nesting_gets_the_same_message_whoever_stops_it() -> None:
    # Past 1,000 levels libyaml (PyYAML >= 6.0.4) stops first, at its own column.
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    data, problems = load(deep)
    assert data is None
    assert len(problems) == 1
    assert problems[0].startswith("f.md:1:")
    assert problems[0].endswith(
        f": error: YAML nested more than {MAX_DEPTH} levels deep\n"
        "  hint: front matter needs a few levels at most"
    )


def test_impossible_timestamp_gets_its_own_line() -> None:
    assert load("title: x\ndate: 2024-02-30\n", 1)[1] == [
        "f.md:3:7: error: impossible date `2024-02-30`: day is out of range for month\n"
        "  hint: use a real calendar date such as 2024-06-23 or 2024-06-23T09:30:00+02:00"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: Vote: what next\n",
            "f.md:2:12: error: invalid YAML: mapping values are not allowed in this context\n"
            '  hint: a value that contains ": " must be quoted, e.g. title: "Vote: what next"',
        ),
        (
            "title: A\ntags:\n\t- a\n",
            "f.md:4:1: error: invalid YAML: found character that cannot start any token\n"
            "  hint: YAML does not allow tabs for indentation; use spaces",
        ),
        (
            'title: "Open\ndate: 2024-06-03\n',
            "f.md:2:8: error: invalid YAML: found unexpected end of stream\n"
            "  hint: a quoted value is missing its closing quote",
        ),
        (
            "tags: [a, b\ndate: 2024-06-03\n",
            "f.md:2:7: error: invalid YAML: did not find expected ',' or ']'\n"
            "  hint: this `[` is never closed; to start a value with `[`, quote the whole value",
        ),
        (
            "title: [Update] Wind\n",
            "f.md:2:17: error: invalid YAML: did not find expected key\n"
            "  hint: quote the whole value when it starts with a quote or bracket, "
            "and check this line's indentation",
        ),
        (
            "title: @handle\n",
            "f.md:2:8: error: invalid YAML: found character that cannot start any token\n"
            "  hint: a value cannot begin with `@`; quote it",
        ),
    ],
)
def test_syntax_errors_point_at_the_real_file_line(text: str, expected: str) -> None:
    data, problems = load(text, 1)
    assert data is None
    assert problems == [expected]


def test_explicit_standard_tag_on_a_wrong_value() -> None:
    assert load("x: !!int 'x'\n")[1] == [
        "f.md:1:4: error: cannot read `x` as number: invalid literal for int() with base 10: 'x'"
    ]


def test_an_alias_bomb_is_refused_before_anything_expands_it() -> None:
    """Nine aliases of nine aliases, nine levels deep: 470 bytes that name 387 million
    strings. Walking the composed graph once took a minute; the event scan is linear."""
    import signal

    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    assert 400 < len(bomb) < 500

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the alias bomb was expanded")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)  # generous: a guard against hanging the suite, not a timing test
    try:
        data, problems = load(bomb)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    alias = (
        "error: YAML aliases (`*a`) are not allowed\n"
        "  hint: write the value out; to start a value with `*`, quote it"
    )
    assert data is None
    assert problems == [f"f.md:2:{col}: {alias}" for col in range(8, 41, 4)] + [
        "f.md:3:8: " + alias.replace("*a", "*b"),
        "f.md: error: 62 more YAML aliases or merge keys",
    ]


def test_a_syntax_error_after_an_alias_is_reported_as_without_aliases() -> None:
    assert load("a: &x 1\nb: *x\nc: [unclosed\n")[1] == [
        "f.md:3:4: error: invalid YAML: did not find expected ',' or ']'\n"
        "  hint: this `[` is never closed; to start a value with `[`, quote the whole value"
    ]


def test_quoted_or_tagged_merge_keys_are_plain_keys() -> None:
    data, problems = load('a: {"<<": 1}\nb: {!!str <<: 2}\nc: <<\n')
    assert problems == [
        "f.md:3:4: error: YAML tag `!!merge` is not allowed\n"
        "  hint: remove the tag; only plain strings, numbers, dates, lists and "
        "mappings are read"
    ]
    assert data is None and load('a: {"<<": 1}\n')[0] is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'title: "a\\x1bb"\n',
            "f.md:1:8: error: control character U+001B (ESC), written as an escape",
        ),
        (
            'title: "\\N"\n',
            "f.md:1:8: error: control character U+0085 (a C1 control), written as an escape",
        ),
        (
            'title: "\\uFFFE"\n',
            "f.md:1:8: error: Unicode non-character U+FFFE, written as an escape",
        ),
        (
            'tags: [ok, "\\U0010FFFF"]\n',
            "f.md:1:12: error: Unicode non-character U+10FFFF, written as an escape",
        ),
        ('"key\\e": 1\n', "f.md:1:1: error: control character U+001B (ESC), written as an escape"),
    ],
)
def test_escapes_cannot_smuggle_what_files_may_not_hold(text: str, message: str) -> None:
    data, problems = load(text)
    assert data is None
    assert problems == [
        f"{message}\n  hint: remove the escape: the character is invisible and feeds reject it"
    ]


def test_tabs_and_newlines_written_as_escapes_are_text() -> None:
    data, problems = load('title: "a\\tb\\nc"\n')
    assert problems == [] and data is not None and data["title"].value == "a\tb\nc"


def test_an_escape_naming_no_character() -> None:
    assert load('title: "\\ud800"\n')[1] == [
        "f.md:1:8: error: invalid YAML: found invalid Unicode character escape code\n"
        "  hint: this `\\` escape names no character; write the character itself"
    ]
