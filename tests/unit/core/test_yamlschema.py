"""The typed field readers site.yaml and front matter share: values, fallbacks, exact messages."""

from __future__ import annotations

from typing import Any

import pytest

from builder.core.errors import Diagnostics
from builder.core.yamlload import YamlValue, load_mapping
from builder.core.yamlschema import FieldReader, quote_hint


def mapping(text: str) -> dict[str, YamlValue]:
    data = load_mapping(text, "f.yaml", 0, Diagnostics())
    assert data is not None
    return data


def read(text: str, how: str, *args: Any, **kwargs: Any) -> tuple[Any, list[str]]:
    """Call one reader on the mapping in `text`; its value and the problems it reported."""
    diags = Diagnostics()
    reader = FieldReader("f.yaml", diags)
    value = getattr(reader, how)(mapping(text), *args, **kwargs)
    return value, [d.format() for d in diags.items]


def test_text_is_the_string_as_written_or_the_default() -> None:
    assert read("k: ' a '\n", "text", "k", None) == (" a ", [])
    assert read("k: ' a '\n", "text", "k", "", strip=True) == ("a", [])
    assert read("k:\n", "text", "k", "dflt") == ("dflt", [])
    assert read("other: 1\n", "text", "k", None) == (None, [])


def test_text_found_as_another_type_quotes_it_back_by_default() -> None:
    assert read("k: 2024\n", "text", "k", None) == (
        None,
        [
            "f.yaml:1:4: error: `k` must be text, found a number (`2024`)\n"
            '  hint: quote it: k: "2024"'
        ],
    )
    assert read("k: [a]\n", "text", "k", "x") == (
        "x",
        ['f.yaml:1:4: error: `k` must be text, found a list\n  hint: write it as text: k: "..."'],
    )


def test_text_hint_is_the_callers() -> None:
    diags = Diagnostics()
    reader = FieldReader("f.yaml", diags, text_hint=lambda key, value: "quote it")
    assert reader.text(mapping("k: 5\n"), "k", "") == ""
    assert [d.format() for d in diags.items] == [
        "f.yaml:1:4: error: `k` must be text, found a number (`5`)\n  hint: quote it"
    ]


@pytest.mark.parametrize(
    ("value", "with_key", "alone"),
    [
        (YamlValue(5, 1, 1, "int", "5"), 'quote it: k: "5"', 'quote it: "5"'),
        (
            YamlValue(True, 1, 1, "bool", 'say "no"\\'),
            'quote it: k: "say \\"no\\"\\\\"',
            'quote it: "say \\"no\\"\\\\"',
        ),
        (YamlValue({}, 1, 1, "map"), 'write it as text: k: "..."', "write it as text"),
    ],
)
def test_quote_hint(value: YamlValue, with_key: str, alone: str) -> None:
    assert (quote_hint("k", value), quote_hint(None, value)) == (with_key, alone)


def test_boolean_refuses_yaml_1_1_words() -> None:
    assert read("k: false\n", "boolean", "k", True) == (False, [])
    assert read("", "boolean", "k", True) == (True, [])
    assert read("k: yes\n", "boolean", "k", False) == (
        False,
        [
            "f.yaml:1:4: error: `k` must be true or false, found `yes`, which YAML reads as the "
            "boolean true\n  hint: write  k: true  or  k: false"
        ],
    )
    assert read("k:\n", "boolean", "k", False)[1] == [
        "f.yaml:1:3: error: `k` must be true or false, found empty\n"
        "  hint: write  k: true  or  k: false"
    ]


def test_integer_checks_type_surprises_and_range() -> None:
    assert read("n: 7\n", "integer", "n", 3, 1, 9) == (7, [])
    assert read("", "integer", "n", 3, 1, 9) == (3, [])
    assert read("n: 010\n", "integer", "n", 3, 1, 9) == (
        3,
        [
            "f.yaml:1:4: error: `n` must be a whole number, found `010`, which YAML reads as the "
            "number 8\n  hint: write  n: 3"
        ],
    )
    assert read("n: 10\n", "integer", "n", 3, 1, 9) == (
        3,
        ["f.yaml:1:4: error: `n` must be between 1 and 9, found 10\n  hint: the default is 3"],
    )


def test_choice_forgives_spaces_and_suggests_the_nearest() -> None:
    choices = ("week", "month", "off")
    assert read("p: ' month '\n", "choice", "p", "week", choices) == ("month", [])
    assert read("p: mnth\n", "choice", "p", "week", choices) == (
        "week",
        [
            "f.yaml:1:4: error: `p` must be one of week, month, off; found `mnth`\n"
            "  hint: did you mean `month`?"
        ],
    )
    assert read("p: fortnight\n", "choice", "p", "week", choices) == (
        "week",
        ["f.yaml:1:4: error: `p` must be one of week, month, off; found `fortnight`"],
    )


def test_checked_asks_a_callable_hint_only_when_the_check_fails() -> None:
    asked: list[str] = []

    def hint(raw: str) -> str:
        asked.append(raw)
        return "try b"

    def check(text: str) -> str | None:
        return None if text == "b" else f"not b: `{text}`"

    assert read("k: ' b '\n", "checked", "k", "d", check, hint) == ("b", [])
    assert asked == []
    assert read("k: ' c '\n", "checked", "k", "d", check, hint) == (
        "d",
        ["f.yaml:1:4: error: not b: `c`\n  hint: try b"],
    )
    assert asked == [" c "]
    assert read("k: 5\n", "checked", "k", "d", check, "fixed")[0] == "d"  # a text error, not
    assert read("k: c\n", "checked", "k", "d", check, "fixed")[1] == [  # the check's
        "f.yaml:1:4: error: not b: `c`\n  hint: fixed"
    ]


def test_mapping_is_empty_with_an_error_when_not_a_mapping() -> None:
    assert read("s:\n  a: 1\n", "mapping", "s")[0]["a"].value == 1
    assert read("", "mapping", "s") == ({}, [])
    assert read("s: weekly\n", "mapping", "s") == (
        {},
        [
            "f.yaml:1:4: error: `s` must be a mapping of settings, found a string (`weekly`)\n"
            "  hint: write the settings indented on the lines below  s:"
        ],
    )


def test_unknown_keys_suggest_a_near_key_or_list_them_all() -> None:
    diags = Diagnostics()
    reader = FieldReader("f.yaml", diags)
    reader.unknown_keys(mapping("limt: 1\nzzz: 2\nlimit: 3\n"), {"limit", "enabled"}, "feeds.rss")
    reader.unknown_keys(mapping("titel: T\n"), ["title"])
    assert [d.format() for d in diags.items] == [
        "f.yaml:1:1: error: unknown key `limt` in `feeds.rss`\n  hint: did you mean `limit`?",
        "f.yaml:2:1: error: unknown key `zzz` in `feeds.rss`\n  hint: known keys: enabled, limit",
        "f.yaml:1:1: error: unknown key `titel`\n  hint: did you mean `title`?",
    ]
