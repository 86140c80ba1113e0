"""The `broadsheet` command: one table of subcommands, exit codes, and nothing else.

Exit codes mean something to CI: 0 built, 1 content or theme errors, 2 a
usage or configuration problem, 130 interrupted. Whatever goes wrong, the
user sees diagnostics, never a traceback. Each subcommand is a module of
`builder.commands` with `HELP`, `configure(parser)` and `run(args)`; the
modules keep their heavy imports inside `run`, so loading them all is cheap.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import ModuleType

from builder import __version__, write
from builder.commands import build, check, init, new, serve
from builder.commands.importer import cli as importer
from builder.core.errors import (
    EXIT_CONTENT,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ConfigErrors,
    UsageError,
    emit,
    to_diagnostics,
)

COMMANDS: dict[str, ModuleType] = {
    "build": build,
    "serve": serve,
    "check": check,
    "new": new,
    "import": importer,
    "init": init,
}


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="broadsheet", description="Build a curated article digest from Markdown.")
    main_parser.add_argument("--version", action="version", version=f"broadsheet {__version__}")
    sub = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        module.configure(sub.add_parser(name, help=module.HELP))
    return main_parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help(sys.stderr)
        return EXIT_USAGE
    signal.signal(signal.SIGTERM, _terminate)
    commits = write.commits()
    try:
        result: int = COMMANDS[args.command].run(args)
        return result
    except (ConfigErrors, UsageError) as exc:
        emit(to_diagnostics(exc), sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(interrupted(args.command, write.commits() != commits), file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        emit(to_diagnostics(exc), sys.stderr)
        print("build failed; output/ left as it was", file=sys.stderr)
        return EXIT_CONTENT


def interrupted(command: str, updated: bool) -> str:
    """The last line after Ctrl-C or SIGTERM: for a build, what became of output/.

    `updated`: the build had put its new site in place (see write.commits).
    """
    if command != "build":
        return "stopped"
    return ("interrupted after output/ was updated" if updated
            else "interrupted; output/ left as it was")
