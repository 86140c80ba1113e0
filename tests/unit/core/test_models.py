"""The little logic the data classes carry: a source's kind and the site's base path."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from builder.config import load_config
from builder.core.models import SourceFile


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("content/a.md", "article"),
        ("content/2024/06/a.md", "article"),
        ("content/pages/about.md", "page"),
        ("content/pages/team/about.md", "article"),  # only the top of pages/ holds pages
        ("content/news/pages/a.md", "article"),
        ("content/editions/2024-w25.md", "edition"),
        ("content/editions/2024/w25.md", "article"),
        ("content/pages/logo.png", "asset"),
        ("content/2024/06/chart.svg", "asset"),
        ("content/notes.markdown", "asset"),
    ],
)
def test_source_kind_follows_where_the_file_sits(rel: str, kind: str) -> None:
    assert SourceFile(rel, b"", "").kind == kind


def test_base_path_is_the_path_part_of_base_url(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text('title: T\nbase_url: "https://example.org/"\n', "utf-8")
    config = load_config(tmp_path / "site.yaml")
    assert config.base_path == "/"
    assert replace(config, base_url="https://example.org/news/").base_path == "/news/"
    assert replace(config, base_url="https://example.org/a/b/").base_path == "/a/b/"
    assert replace(config, base_url="http://localhost:8000/").base_path == "/"
    assert config.content_dir == tmp_path / "content"


def test_data_is_frozen() -> None:
    src = SourceFile("content/a.md", b"x", "h")
    with pytest.raises(FrozenInstanceError):
        src.rel = "content/b.md"  # type: ignore[misc]
