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


DOCS = Path(__file__).resolve().parents[2] / "docs" / "editions.md"
REPEAT = "content/2026/11/west-african-customs-pilot-single-digital-declaration.md"


def test_example_site_runs_its_editions_as_editors_do(
    example_site: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(example_site)
    assert main(["build", "--no-cache", "--strict"]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "5 link items" in err
    out = example_site / "output"
    index = (out / "editions/index.html").read_text()
    for number in range(124, 129):
        assert f">No. {number}</a>" in index
    w46 = (out / "editions/2026-w46/index.html").read_text()
    groups = [
        g
        for g in ("Featured", "Energy", "Climate", "Trade", "Elections", "More")
        if f'id="group-{g.lower()}"' in w46
    ]
    assert groups == ["Featured", "Energy", "Climate"]
    assert "Thanks to Lena Sørensen and Amara Diallo." in w46
    assert 'href="https://tenderwatch.example/solar-prices"' in w46
    assert (out / "editions/2026-w46/email.html").is_file()
    feed = (out / "editions/feed.xml").read_text()
    assert "<title>No. 128 · 9–15 November 2026: Cheap sun, warm homes</title>" in feed
    assert "utm_" not in (out / "editions/2026-w44/index.html").read_text()


def test_the_repeated_link_shown_in_the_docs_is_caught(
    example_site: Path, monkeypatch, capsys
) -> None:
    """docs/editions.md shows what the example would print had it repeated a link."""
    monkeypatch.chdir(example_site)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    article = example_site / REPEAT
    article.write_text(
        article.read_text()
        + (
            "\nQueues at the pilot ports have shortened since September, according to [a daily "
            "congestion tracker](https://www.portwatch.example/congestion?utm_source=newsletter)."
            "\n"
        )
    )
    assert main(["build", "--no-cache"]) == 0
    printed = capsys.readouterr().err.split("\nbuilt ")[0]
    shown = DOCS.read_text().split("<!-- repeated-link -->\n```\n")[1].split("\n```")[0]
    assert printed == shown
    assert main(["build", "--no-cache", "--strict"]) == 1
