"""site.yaml → SiteConfig: values, defaults, and every problem reported in one go."""

from __future__ import annotations

import dataclasses
import functools
import os
import typing
from pathlib import Path

import pytest
import yaml

from builder import config_docs
from builder.config import OPTIONS, load_config, yaml_scalar
from builder.core.errors import ConfigErrors, display_path
from builder.core.models import (
    FeedOptions,
    FeedsConfig,
    MarkdownConfig,
    Permalinks,
    SiteConfig,
    config_fingerprint,
)


def write(tmp_path: Path, text: str | bytes, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigErrors) as caught:
        load_config(path)
    # Paths are shown relative to the current folder when inside it; use the name.
    return [d.format().replace(str(path), "site.yaml") for d in caught.value.diagnostics]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_minimal_config_gets_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: Digest\n"))
    assert isinstance(config, SiteConfig)
    assert (
        config.title,
        config.base_url,
        config.base_path,
        config.language,
        config.timezone,
        config.theme,
        config.paginate,
        config.editions,
        config.related,
    ) == ("Digest", "http://localhost:8000/", "/", "en", "UTC", "default", 10, "week", 5)
    assert config.permalinks == Permalinks()
    assert config.markdown == MarkdownConfig()
    assert config.root == tmp_path.resolve()
    assert config.output_dir == tmp_path.resolve() / "output"
    assert config.content_dir == tmp_path.resolve() / "content"


def test_full_config(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """\
title: "Digest"
description: About things
base_url: https://example.org/digest
language: pt-BR
timezone: America/Sao_Paulo
author: Desk
theme: plain
paginate: 7
related: 0
output: public
permalinks:
  article: "{year}/{slug}/"
  page: "p/{slug}/"
feeds:
  rss: {limit: 5, full_content: false}
  json: {enabled: false}
markdown:
  raw_html: escape
  highlight: false
  style_dark: native
  words_per_minute: 180
editions:
  period: month
""",
        ),
        tmp_path / "elsewhere",
    )
    assert config.base_url == "https://example.org/digest/"
    assert config.base_path == "/digest/"
    assert (config.language, config.timezone, config.theme, config.paginate) == (
        "pt-BR",
        "America/Sao_Paulo",
        "plain",
        7,
    )
    assert config.permalinks.article == "{year}/{slug}/"
    assert config.feeds.rss == FeedOptions(limit=5, full_content=False)
    assert config.feeds.json.enabled is False
    assert config.markdown == MarkdownConfig("escape", False, "friendly", "native", 180)
    assert config.editions == "month"
    assert config.output_dir == (tmp_path / "elsewhere").resolve()


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, b"\xef\xbb\xbftitle: Digest\r\npaginate: 3\r\n"))
    assert (config.title, config.paginate) == ("Digest", 3)


def test_every_problem_at_once(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """\
titel: Digest
base_url: ftp://example.org
timezone: europe/berlin
language: english
paginate: ten
related: 99
theme: ../up
permalinks:
  article: "{yr}/{slug}/"
  tag: /tags/
  pgae: "{slug}/"
feeds:
  rss:
    limt: 5
    enabled: yes
  atom: on
markdown:
  raw_html: sanitise
  style_light: monokay
editions: weekly
""",
    ) == [
        "site.yaml:1:1: error: the site needs a `title`\n"
        '  hint: add a line such as  title: "My Digest"',
        "site.yaml:1:1: error: unknown key `titel`\n  hint: did you mean `title`?",
        "site.yaml:2:11: error: `base_url` must be an absolute http(s) URL, found "
        "`ftp://example.org`\n  hint: for example  base_url: https://example.org/digest/",
        "site.yaml:3:11: error: unknown time zone `europe/berlin`\n"
        "  hint: did you mean `Europe/Berlin`?",
        "site.yaml:4:11: error: `language` must be a language tag such as en or pt-BR, found "
        "`english`\n  hint: use the BCP 47 code of the site's language: en, de, fr, pt-BR, ...",
        "site.yaml:5:11: error: `paginate` must be a whole number, found a string (`ten`)\n"
        "  hint: write  paginate: 10",
        "site.yaml:6:10: error: `related` must be between 0 and 50, found 99\n"
        "  hint: the default is 5",
        "site.yaml:7:8: error: `theme` must be a folder name under themes/, found `../up`\n"
        "  hint: write the name of a folder in themes/, such as  theme: default",
        "site.yaml:9:12: error: unknown placeholder {yr} in permalink `article`\n"
        '  hint: the default is  article: "{year}/{month}/{slug}/"',
        "site.yaml:10:8: error: permalink `tag` must contain {tag}\n"
        '  hint: the default is  tag: "tags/{tag}/"',
        "site.yaml:11:3: error: unknown key `pgae` in `permalinks`\n  hint: did you mean `page`?",
        "site.yaml:14:5: error: unknown key `limt` in `feeds.rss`\n  hint: did you mean `limit`?",
        "site.yaml:15:14: error: `enabled` must be true or false, found `yes`, which YAML reads "
        "as the boolean true\n  hint: write  enabled: true  or  enabled: false",
        "site.yaml:16:9: error: `atom` must be a mapping of settings, found `on`, which YAML "
        "reads as the boolean true\n  hint: write the settings indented on the lines below  atom:",
        "site.yaml:18:13: error: `raw_html` must be one of sanitize, allow, escape; found "
        "`sanitise`\n  hint: did you mean `sanitize`?",
        "site.yaml:19:16: error: unknown Pygments style `monokay`\n  hint: did you mean `monokai`?",
        "site.yaml:20:11: error: `editions` must be a mapping of settings, found a string "
        "(`weekly`)\n  hint: write the settings indented on the lines below  editions:",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: T\nbase_url: https://ex.org/?a=1\n",
            "site.yaml:2:11: error: `base_url` cannot have a query or fragment\n"
            "  hint: for example  base_url: https://example.org/digest/",
        ),
        (
            "title: T\nbase_url: example.org\n",
            "site.yaml:2:11: error: `base_url` must be an absolute http(s) URL, found `example.org`\n"
            "  hint: for example  base_url: https://example.org/digest/",
        ),
        (
            "title: T\nbase_url: 'https://[::1/'\n",
            "site.yaml:2:11: error: `base_url` `https://[::1/` cannot be read as a URL: a `[` in its "
            "host is never closed (an IPv6 host is written [2001:db8::1])\n"
            "  hint: for example  base_url: https://example.org/digest/",
        ),
        (
            "title: T\nbase_url: https://example.org:80a/\n",
            "site.yaml:2:11: error: `base_url` `https://example.org:80a/` cannot be read as a URL: "
            "its port `80a` is not a number\n"
            "  hint: for example  base_url: https://example.org/digest/",
        ),
        (
            "title: T\ntimezone: Mars/Olympus\n",
            "site.yaml:2:11: error: unknown time zone `Mars/Olympus`\n"
            "  hint: use an IANA name such as Europe/Berlin or America/New_York",
        ),
        (
            "title: T\ntimezone: /etc/passwd\n",
            "site.yaml:2:11: error: unknown time zone `/etc/passwd`\n"
            "  hint: use an IANA name such as Europe/Berlin or America/New_York",
        ),
        (
            "title: T\ntimezone: 5\n",
            "site.yaml:2:11: error: `timezone` must be text, found a number (`5`)\n  hint: quote it",
        ),
        (
            "title:\n",
            "site.yaml:1:7: error: the site needs a `title`\n"
            '  hint: add a line such as  title: "My Digest"',
        ),
        (
            "title: T\npermalinks:\n  page: /{slug}/\n",
            "site.yaml:3:9: error: permalink `page` must be a relative folder path ending in `/`\n"
            '  hint: the default is  page: "{slug}/"',
        ),
        (
            "title: T\neditions:\n  period: fortnight\n",
            "site.yaml:3:11: error: `period` must be one of week, month, off; found `fortnight`",
        ),
        (
            "- title\n",
            "site.yaml:1:1: error: expected a mapping of `key: value` lines, found a list"
            "\n  hint: front matter and site.yaml are made of `key: value` lines",
        ),
        (
            "title: [Digest\n",
            "site.yaml:1:8: error: invalid YAML: did not find expected ',' or ']'"
            "\n  hint: this `[` is never closed; to start a value with `[`, quote the whole value",
        ),
    ],
)
def test_single_problems(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_text_problems_in_the_file(tmp_path: Path) -> None:
    assert problems(tmp_path, "title: Caf\xe9\n".encode("latin-1")) == [
        "site.yaml:1:11: error: byte 0xE9 is not valid UTF-8 (byte 11 of the line)\n"
        "  hint: save the file as UTF-8 (0xE9 is `é` in Windows-1252, so it was probably saved "
        "in that encoding)"
    ]
    assert problems(tmp_path, "title: T\ndescription: a\x1bb\n") == [
        "site.yaml:2:15: error: control character U+001B (ESC)\n"
        "  hint: delete it; it is invisible in most editors and breaks feeds"
    ]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(Path("nowhere/site.yaml"))
    assert [d.format() for d in caught.value.diagnostics] == [
        "nowhere/site.yaml: error: no such file\n"
        "  hint: run broadsheet in a site folder (one with site.yaml) or pass --config PATH"
    ]
    (tmp_path / "sub").mkdir()
    with pytest.raises(ConfigErrors) as caught:
        load_config(Path("sub"))
    assert [d.format() for d in caught.value.diagnostics] == [
        "sub: error: is a folder, not a file\n  hint: pass the file itself: --config sub/site.yaml"
    ]


def test_display_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(Path("site.yaml")) == "site.yaml"
    assert display_path(Path("./a/../a/site.yaml")) == "a/../a/site.yaml"
    assert display_path(tmp_path / "a" / "site.yaml") == "a/site.yaml"
    outside = tmp_path.parent / "other" / "site.yaml"
    assert display_path(outside) == outside.as_posix()


def test_diagnostics_use_the_path_as_given(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    write(tmp_path / "conf", "title: T\nparginate: 2\n", "digest.yaml")
    for given in (Path("conf/digest.yaml"), tmp_path / "conf" / "digest.yaml"):
        with pytest.raises(ConfigErrors) as caught:
            load_config(given)
        assert caught.value.diagnostics[0].path == "conf/digest.yaml"
    os.chdir(tmp_path / "conf")
    with pytest.raises(ConfigErrors) as caught:
        load_config(tmp_path / "conf" / "digest.yaml")
    assert caught.value.diagnostics[0].path == "digest.yaml"


def test_fingerprint_follows_settings_not_paths(tmp_path: Path) -> None:
    a = load_config(write(tmp_path, "title: T\npaginate: 3\n"))
    (tmp_path / "b").mkdir()
    b = load_config(write(tmp_path / "b", "title: T\npaginate: 3\n"))
    c = load_config(write(tmp_path, "title: T\npaginate: 4\n", "c.yaml"))
    assert config_fingerprint(a) == config_fingerprint(b)
    assert config_fingerprint(a) != config_fingerprint(c)


# --------------------------------------------------------------------------
# The option table and what is derived from it
# --------------------------------------------------------------------------
def _leaf_fields(cls: type, prefix: str = "") -> set[str]:
    """Every SiteConfig value as a dotted field path (`feeds.rss.limit`)."""
    hints = typing.get_type_hints(cls)
    paths = set()
    for f in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[f.name]):
            paths |= _leaf_fields(hints[f.name], prefix + f.name + ".")
        else:
            paths.add(prefix + f.name)
    return paths


def test_every_config_field_has_exactly_one_option() -> None:
    landing = [o.field or o.key for o in OPTIONS if o.kind != "section"]
    assert len(landing) == len(set(landing))
    assert set(landing) | {"root", "config_path"} == _leaf_fields(SiteConfig)
    assert len({o.key for o in OPTIONS}) == len(OPTIONS)
    assert all(o.help and "\n" not in o.help for o in OPTIONS)


def test_defaults_are_the_tables_and_the_dataclasses(tmp_path: Path) -> None:
    """A site.yaml holding only a title gets every table default, equal to the dataclasses'."""
    config = load_config(write(tmp_path, "title: T\n"))
    for option in OPTIONS:
        if option.kind == "section" or option.required:
            continue
        path = option.field or option.key
        value = functools.reduce(getattr, path.split("."), config)
        if path == "output_dir":
            assert value == (tmp_path / option.default).resolve()
        else:
            assert value == option.default, option.key
    assert (config.permalinks, config.feeds, config.markdown) == (
        Permalinks(),
        FeedsConfig(),
        MarkdownConfig(),
    )


def test_scaffold_holds_the_example_or_default_of_every_option(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text(config_docs.SCAFFOLD.read_text())
    config = load_config(tmp_path / "site.yaml")
    assert (config.title, config.description, config.base_url, config.author) == (
        "My Digest",
        "A curated digest of the week's most useful reading.",
        "https://example.org/",
        "The editors",
    )
    shown = [o for o in OPTIONS if o.kind != "section" and o.key != "output"]
    for option in shown:
        value = functools.reduce(getattr, (option.field or option.key).split("."), config)
        assert value == (option.default if option.example is None else option.example)


@pytest.mark.parametrize("path", sorted(config_docs.generated(), key=str), ids=lambda p: p.name)
def test_committed_scaffold_and_reference_match_the_table(path: Path) -> None:
    assert path.read_text(encoding="utf-8") == config_docs.generated()[path], (
        f"{path} is out of date with OPTIONS in builder/config/; run  python -m builder.config_docs"
    )


def test_reference_lists_every_key_with_type_and_default() -> None:
    rows = [
        line for line in config_docs.REFERENCE.read_text().splitlines() if line.startswith("| `")
    ]
    assert [row.split("`")[1] for row in rows] == [o.key for o in OPTIONS]
    assert "| `paginate` | whole number, 1–1000 | `10` | Articles per page" in "\n".join(rows)
    assert "| `markdown.raw_html` | one of `sanitize`, `allow`, `escape` | `sanitize` |" in (
        "\n".join(rows)
    )


def test_config_docs_writes_stale_files_and_check_reports_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(config_docs, "SCAFFOLD", tmp_path / "site.yaml")
    monkeypatch.setattr(config_docs, "REFERENCE", tmp_path / "site-yaml.md")
    (tmp_path / "site.yaml").write_text("stale\n")
    assert config_docs.main(["--check"]) == 1
    assert capsys.readouterr().err.count("out of date; run  python -m builder.config_docs") == 2
    assert (tmp_path / "site.yaml").read_text() == "stale\n"
    assert config_docs.main([]) == 0
    assert (tmp_path / "site.yaml").read_text() == config_docs.scaffold_text()
    assert (tmp_path / "site-yaml.md").read_text() == config_docs.reference_text()
    assert config_docs.main(["--check"]) == 0


def test_known_keys_of_each_section_come_from_the_table(tmp_path: Path) -> None:
    assert problems(tmp_path, "title: T\nfeeds:\n  podcast: {}\neditions:\n  xyz: 1\n") == [
        "site.yaml:3:3: error: unknown key `podcast` in `feeds`\n"
        "  hint: known keys: atom, authors, editions, json, rss, tags",
        "site.yaml:5:3: error: unknown key `xyz` in `editions`\n"
        "  hint: known keys: numbering, period, sections, show_open",
    ]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (True, "true"),
        (False, "false"),
        (20, "20"),
        ("week", "week"),
        ("UTC", "UTC"),
        ("", '""'),
        ("yes", '"yes"'),
        ("Off", '"Off"'),
        ("{slug}/", '"{slug}/"'),
        ("My Digest", '"My Digest"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\b", '"a\\\\b"'),
    ],
)
def test_yaml_scalar_quotes_what_yaml_would_misread(value: bool | int | str, written: str) -> None:
    assert yaml_scalar(value) == written
    assert yaml.safe_load(f"k: {written}")["k"] == value
