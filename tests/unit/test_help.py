"""Help that teaches: every command's --help, kept as text, and docs/commands.md made from it.

The help of `broadsheet` and of each command is compared, exactly, with
tests/fixtures/help/<command>.txt, at a terminal 80 columns wide (COLUMNS,
which argparse wraps to). The option table of each command in
docs/commands.md is made from the same parser, between
`<!-- options: NAME -->` and `<!-- end options -->`, so the docs cannot
drift from the help. After an intended change,

    UPDATE_HELP=1 python -m pytest tests/unit/test_help.py

rewrites both; review the diff before committing.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder import __version__, cli

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "help"
COMMANDS_MD = REPO / "docs" / "commands.md"
WIDTH = "80"
UPDATE = os.environ.get("UPDATE_HELP") == "1"
TABLE = re.compile(r"(<!-- options: (?P<name>[\w-]+) -->\n)(.*?)(<!-- end options -->)", re.S)


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", WIDTH)


def subparsers() -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, as `broadsheet COMMAND` builds it."""
    main = cli.parser()
    (action,) = [a for a in main._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def help_text(name: str) -> str:
    parser = cli.parser() if name == "broadsheet" else subparsers()[name]
    return parser.format_help()


def table(parser: argparse.ArgumentParser) -> str:
    """The docs' option table of a command: each argument as its help writes it."""
    rows = cli.HelpFormatter(parser.prog).rows(parser)
    lines = ["| option | |", "|---|---|"]
    lines += ["| `" + how.replace("|", "\\|") + f"` | {what} |" for how, what in rows]
    return "\n".join(lines) + "\n"


def documented() -> str:
    """docs/commands.md with every option table made afresh from the parsers."""
    parsers = subparsers()
    text = COMMANDS_MD.read_text(encoding="utf-8")
    return TABLE.sub(lambda m: m[1] + table(parsers[m["name"]]) + m[4], text)


NAMES = ["broadsheet", *cli.COMMANDS]


@pytest.mark.parametrize("name", NAMES)
def test_help_is_as_recorded(name: str) -> None:
    expected = FIXTURES / f"{name}.txt"
    text = help_text(name)
    if UPDATE:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        expected.write_text(text, encoding="utf-8")
    assert expected.is_file(), f"no {expected.name} yet: run with UPDATE_HELP=1"
    assert text == expected.read_text(encoding="utf-8"), (
        f"`broadsheet {name} --help` changed; if intended: UPDATE_HELP=1 python -m pytest "
        "tests/unit/test_help.py"
    )


def test_docs_option_tables_are_the_parsers() -> None:
    text = documented()
    if UPDATE:
        COMMANDS_MD.write_text(text, encoding="utf-8")
    assert COMMANDS_MD.read_text(encoding="utf-8") == text, (
        "docs/commands.md's option tables differ from the commands' help; if the help is "
        "right: UPDATE_HELP=1 python -m pytest tests/unit/test_help.py"
    )
    assert sorted(m["name"] for m in TABLE.finditer(text)) == sorted(cli.COMMANDS)


def test_a_changed_option_fails_the_docs_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is not vacuous: a help text changed in the code shows."""
    original = cli.COMMANDS["serve"].configure

    def changed(parser: argparse.ArgumentParser) -> None:
        original(parser)
        parser.add_argument("--open", action="store_true", help="open a browser")

    monkeypatch.setattr(cli.COMMANDS["serve"], "configure", changed)
    assert "| `--open` | open a browser |" in documented()
    assert documented() != COMMANDS_MD.read_text(encoding="utf-8")


def test_the_import_docs_list_every_option() -> None:
    """docs/import.md, the import command's page, has its own richer table: same options."""
    text = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    block = text.split("| option |", 1)[1].split("\n\n", 1)[0]
    rows = [row.replace("\\|", "|") for row in re.findall(r"^\| `([^`]+)`", block, re.M)]
    flags = {
        word
        for row in rows
        for word in (
            re.findall(r"--?[a-z][a-z-]*", row) if row.startswith("-") else row.split()[:1]
        )
    }
    parser = subparsers()["import"]
    wanted = {
        s
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction)
        for s in (a.option_strings or [a.metavar])
    }
    assert flags == wanted


@pytest.mark.parametrize("name", list(cli.COMMANDS))
def test_every_command_teaches(name: str) -> None:
    """A description, help for every argument with its default, examples, a docs page."""
    module = cli.COMMANDS[name]
    parser = subparsers()[name]
    assert "\n" not in module.HELP and module.ABOUT.strip()
    assert 2 <= len(module.EXAMPLES) <= 3
    for _what, command in module.EXAMPLES:
        assert command.startswith(f"broadsheet {name}") or f"&& broadsheet {name}" in command
    page, _, anchor = module.DOCS.partition("#")
    doc = (REPO / page).read_text(encoding="utf-8")
    if anchor:
        headings = re.findall(r"^#+ (.+)$", doc, re.M)
        assert anchor in {
            re.sub(r"[^\w -]", "", h).strip().lower().replace(" ", "-") for h in headings
        }, f"{module.DOCS}: no such heading"
    formatter = cli.HelpFormatter(parser.prog)
    for action in parser._actions:
        assert action.help, f"{name}: {action.dest} has no help"
        if cli.worth_saying(action.default):
            assert "default" in formatter._expand_help(action), f"{name} {action.dest}"
    text = help_text(name)
    assert module.DOCS in text and "examples:" in text
    assert max(len(line) for line in text.splitlines()) <= int(WIDTH)


def test_defaults_worth_saying() -> None:
    assert cli.worth_saying(0) and cli.worth_saying(8000) and cli.worth_saying(Path("x"))
    assert not any(cli.worth_saying(v) for v in (None, False, "", argparse.SUPPRESS))


def test_the_port_says_its_default() -> None:
    assert (
        "--port PORT      the port on 127.0.0.1 to serve at; 0 picks a free one\n"
        "                   (default: 8000)" in help_text("serve")
    )


@pytest.mark.parametrize(
    ("name", "option"),
    [
        ("new", "--output"),
        ("import", "--output"),
        ("serve", "--timings"),
        ("serve", "--quiet"),
        ("init", "--config"),
    ],
)
def test_options_a_command_would_ignore_are_not_offered(
    name: str, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert option not in help_text(name)
    with pytest.raises(SystemExit) as stopped:
        cli.main([name, option, "x", "y"])
    assert stopped.value.code == 2
    assert f"unrecognized arguments: {option}" in capsys.readouterr().err


def test_version_prints_the_version() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "builder", "--version"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"broadsheet {__version__}\n", "")
