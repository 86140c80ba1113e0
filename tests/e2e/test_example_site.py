"""The repository's example site builds cleanly with the bundled default theme."""

from __future__ import annotations

from pathlib import Path

from builder.cli import main


def test_example_site_builds_without_warnings(example_site: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(example_site)
    assert main(["build", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "error" not in err
    out = example_site / "output"
    assert (out / "index.html").is_file()
    assert (out / "feed.xml").is_file()
    assert (out / "about" / "index.html").is_file()
    assert "left out 1 draft, 1 scheduled" in err
