"""The files of an import created in content/, never replacing one, and what a real run
reports: each path on stdout, then a warning for each removed piece that reads like body
text and one summary line on stderr.

A write that fails after every check passed stops the batch and names the files not
written; a half-written file of our own is removed, an editor's file never touched.
"""

from __future__ import annotations

import sys

from builder.commands.importer.planning import Planned
from builder.commands.importer.report import WARNING_HINT, dropped, warns
from builder.core.errors import EXIT_CONTENT, EXIT_OK, Diagnostic, display_path, emit
from builder.core.models import SiteConfig


def write(planned: list[Planned], config: SiteConfig) -> int:
    """Create each file (never replacing one), print its path on stdout, then one summary
    line and a warning for each removed piece that reads like body text."""
    for item in planned:
        target = config.root / item.article.rel_path
        shown = display_path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _stopped(
                item, shown, f"cannot create its folder: {exc.strerror or exc}", planned
            )
        try:
            handle = open(target, "x", encoding="utf-8", newline="\n")  # noqa: SIM115
        except FileExistsError:
            return _stopped(item, shown, "appeared while importing; it was left as it is", planned)
        except OSError as exc:
            return _stopped(item, shown, f"cannot write: {exc.strerror or exc}", planned)
        try:
            with handle:
                handle.write(item.article.text)
        except OSError as exc:
            target.unlink(missing_ok=True)  # our own half-written file, not the editor's work
            return _stopped(item, shown, f"cannot write: {exc.strerror or exc}", planned)
        print(shown, flush=True)
    emit(
        [
            Diagnostic(
                item.shown,
                r.line,
                0,
                "warning",
                f"removed text that reads like the article ({r.reason}): “{r.text}”",
                WARNING_HINT,
            )
            for item in planned
            for r in item.article.removals
            if warns(r)
        ],
        sys.stderr,
    )
    print(_summary(planned), file=sys.stderr)
    return EXIT_OK


def _summary(planned: list[Planned]) -> str:
    """One line: how many articles, and how much furniture was left out of them."""
    count = len(planned)
    removed = sum(dropped(p.article.removals) for p in planned)
    converted = sum(1 for p in planned if p.article.converted_from)
    line = f"imported {count} article{'s' if count != 1 else ''}"
    if removed:
        line += (
            f", leaving out {removed} piece{'s' if removed != 1 else ''} of site furniture "
            "(--dry-run lists them)"
        )
    if converted:
        line += f"; {converted} converted to UTF-8"
    return line


def _stopped(item: Planned, shown: str, message: str, planned: list[Planned]) -> int:
    """A write failed after the checks passed: say so, and which files were written."""
    emit(
        [
            Diagnostic(
                shown, 0, 0, "error", message, "run the import again for the files not written"
            )
        ],
        sys.stderr,
    )
    rest = planned[planned.index(item) :]
    print(f"not written: {', '.join(p.shown for p in rest)}", file=sys.stderr)
    return EXIT_CONTENT
