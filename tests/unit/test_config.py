"""site.yaml → SiteConfig: values, defaults, and every problem reported in one go."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.errors import ConfigErrors, display_path
from builder.core.models import (
    FeedOptions,
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
    assert (config.title, config.base_url, config.base_path, config.language, config.timezone,
            config.theme, config.paginate, config.editions, config.related) == (
        "Digest", "http://localhost:8000/", "/", "en", "UTC", "default", 10, "week", 5)
    assert config.permalinks == Permalinks()
    assert config.markdown == MarkdownConfig()
    assert config.root == tmp_path.resolve()
    assert config.output_dir == tmp_path.resolve() / "output"
    assert config.content_dir == tmp_path.resolve() / "content"


def test_full_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """\
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
"""), tmp_path / "elsewhere")
    assert config.base_url == "https://example.org/digest/"
    assert config.base_path == "/digest/"
    assert (config.language, config.timezone, config.theme, config.paginate) == (
        "pt-BR", "America/Sao_Paulo", "plain", 7)
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
    assert problems(tmp_path, """\
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
""") == [
        'site.yaml:1:1: error: the site needs a `title`\n'
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
        "site.yaml:19:16: error: unknown Pygments style `monokay`\n"
        "  hint: did you mean `monokai`?",
        "site.yaml:20:11: error: `editions` must be a mapping of settings, found a string "
        "(`weekly`)\n  hint: write the settings indented on the lines below  editions:",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("title: T\nbase_url: https://ex.org/?a=1\n",
     "site.yaml:2:11: error: `base_url` cannot have a query or fragment\n"
     "  hint: for example  base_url: https://example.org/digest/"),
    ("title: T\nbase_url: example.org\n",
     "site.yaml:2:11: error: `base_url` must be an absolute http(s) URL, found `example.org`\n"
     "  hint: for example  base_url: https://example.org/digest/"),
    ("title: T\ntimezone: Mars/Olympus\n",
     "site.yaml:2:11: error: unknown time zone `Mars/Olympus`\n"
     "  hint: use an IANA name such as Europe/Berlin or America/New_York"),
    ("title: T\ntimezone: /etc/passwd\n",
     "site.yaml:2:11: error: unknown time zone `/etc/passwd`\n"
     "  hint: use an IANA name such as Europe/Berlin or America/New_York"),
    ("title: T\ntimezone: 5\n",
     "site.yaml:2:11: error: `timezone` must be text, found a number (`5`)\n  hint: quote it"),
    ("title:\n", 'site.yaml:1:7: error: the site needs a `title`\n'
     '  hint: add a line such as  title: "My Digest"'),
    ("title: T\npermalinks:\n  page: /{slug}/\n",
     "site.yaml:3:9: error: permalink `page` must be a relative folder path ending in `/`\n"
     '  hint: the default is  page: "{slug}/"'),
    ("title: T\neditions:\n  period: fortnight\n",
     "site.yaml:3:11: error: `period` must be one of week, month, off; found `fortnight`"),
    ("- title\n", "site.yaml:1:1: error: expected a mapping of `key: value` lines, found a list"
     "\n  hint: front matter and site.yaml are made of `key: value` lines"),
    ("title: [Digest\n", "site.yaml:1:8: error: invalid YAML: did not find expected ',' or ']'"
     "\n  hint: this `[` is never closed; to start a value with `[`, quote the whole value"),
])
def test_single_problems(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_text_problems_in_the_file(tmp_path: Path) -> None:
    assert problems(tmp_path, "title: Caf\xe9\n".encode("latin-1")) == [
        "site.yaml:1:11: error: byte 0xE9 is not valid UTF-8 (byte 11 of the line)\n"
        "  hint: save the file as UTF-8 (0xE9 is `é` in Windows-1252, so it was probably saved "
        "in that encoding)"]
    assert problems(tmp_path, "title: T\ndescription: a\x1bb\n") == [
        "site.yaml:2:15: error: control character U+001B (ESC)\n"
        "  hint: delete it; it is invisible in most editors and breaks feeds"]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(Path("nowhere/site.yaml"))
    assert [d.format() for d in caught.value.diagnostics] == [
        "nowhere/site.yaml: error: no such file\n"
        "  hint: run broadsheet in a site folder (one with site.yaml) or pass --config PATH"]
    (tmp_path / "sub").mkdir()
    with pytest.raises(ConfigErrors) as caught:
        load_config(Path("sub"))
    assert [d.format() for d in caught.value.diagnostics] == [
        "sub: error: is a folder, not a file\n  hint: pass the file itself: --config sub/site.yaml"]


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
