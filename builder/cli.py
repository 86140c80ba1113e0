"""The `broadsheet` command: one table of subcommands, exit codes, and nothing else.

Exit codes mean something to CI: 0 built, 1 content or theme errors, 2 a
usage or configuration problem, 130 interrupted. Whatever goes wrong, the
user sees diagnostics, never a traceback. Each subcommand is a module of
`builder.commands` with `HELP` (its line in the list of commands), `ABOUT`
(what it does, for its --help), `EXAMPLES`, `DOCS` (its docs page),
`configure(parser)` and `run(args)`; the modules keep their heavy imports
inside `run`, so loading them all is cheap.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import ModuleType

from builder import __version__, write
from builder.commands import build, check, init, new, serve
from builder.commands.importer import cli as importer
from builder.core import interrupts
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
DOCS = "docs/commands.md"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help as the commands write it: their line breaks kept, every default shown.

    An option's default is added to its help unless the help already speaks
    of it or there is none worth saying (off, empty, unset). An option that
    takes a value is written `-j, --jobs N`, its value named once (as
    Python 3.13's argparse does, on every version, so the help reads the
    same everywhere).
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "default" in text or not worth_saying(action.default):
            return text
        return text + " (default: %(default)s)"

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {value}"

    def rows(self, parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
        """Each argument as (how it is written, its help): the table of docs/commands.md."""
        actions = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
        actions.sort(key=lambda a: bool(a.option_strings))  # positionals first, as in usage
        return [(self._format_action_invocation(a), self._expand_help(a)) for a in actions]


def worth_saying(default: object) -> bool:
    """A default the help should name: not off, empty or unset (0 is a value)."""
    return not (default is None or default is False or default in ("", argparse.SUPPRESS))


def epilog(module: ModuleType) -> str:
    """A command's examples, each under what it does, and where its docs are."""
    lines = ["examples:"]
    for what, command in module.EXAMPLES:
        lines += [f"  # {what}", f"  {command}"]
    return "\n".join(lines) + f"\n\ndocs: {module.DOCS}"


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(
        prog="broadsheet",
        formatter_class=HelpFormatter,
        description="Build a curated article digest from Markdown.",
        epilog="Run  broadsheet COMMAND --help  for a command's options and examples.\n\n"
        f"docs: {DOCS}",
    )
    main_parser.add_argument(
        "--version",
        action="version",
        version=f"broadsheet {__version__}",
        help="print the version and exit",
    )
    sub = main_parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, module in COMMANDS.items():
        module.configure(
            sub.add_parser(
                name,
                help=module.HELP,
                formatter_class=HelpFormatter,
                epilog=epilog(module),
                description=f"{module.HELP[0].upper()}{module.HELP[1:]}.\n\n{module.ABOUT}",
            )
        )
    return main_parser


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help(sys.stderr)
        return EXIT_USAGE
    signal.signal(signal.SIGTERM, _terminate)
    interrupts.install()  # one that lands in a finaliser is kept, not printed and lost
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
        print(failed(args.command), file=sys.stderr)
        return EXIT_CONTENT


def failed(command: str) -> str:
    """The last line after an error of the machine stopped a command: for a build, that
    output/ is as it was (write.py's promise); another command only says it failed."""
    return "build failed; output/ left as it was" if command == "build" else f"{command} failed"


def interrupted(command: str, updated: bool) -> str:
    """The last line after Ctrl-C or SIGTERM: for a build, what became of output/.

    `updated`: the build had put its new site in place (see write.commits).
    """
    if command != "build":
        return "stopped"
    return (
        "interrupted after output/ was updated"
        if updated
        else "interrupted; output/ left as it was"
    )
