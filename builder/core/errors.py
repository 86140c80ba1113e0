"""Diagnostics: every problem a run finds, collected and printed once.

A build never stops at the first mistake: each stage records what it finds
here and carries on, so an editor sees every problem of a commit in one run.
Nothing in Broadsheet should reach the user as a traceback.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

Severity = Literal["error", "warning"]

# Exit codes, as documented in docs/errors.md.
EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a file. line/col are 1-based; 0 means "whole file"."""

    path: str
    line: int
    col: int
    severity: Severity
    message: str
    hint: str | None = None

    def format(self) -> str:
        """The `path:line:col: error: message` form, with the hint on its own line.

        Path, message and hint carry what contributors wrote (titles, tags,
        file names): their control characters are shown escaped, so none can
        recolour the terminal, rewrite the line or forge a diagnostic or a
        GitHub workflow command below it (see `_visible`).
        """
        loc = _visible(self.path)
        if self.line:
            loc += f":{self.line}"
            if self.col:
                loc += f":{self.col}"
        text = f"{loc}: {self.severity}: {_visible(self.message)}"
        if self.hint:
            text += f"\n  hint: {_visible_hint(self.hint)}"
        return _no_command_lines(text)

    def github(self) -> str:
        """A GitHub workflow command, so the problem shows on the pull request.

        One line whatever the data holds: `%`, CR and LF are escaped as GitHub
        reads them back, and `::` in the data is broken up, so a value cannot
        end this command and start another (`::add-mask::`, a fake `::error`).
        """
        kind = "error" if self.severity == "error" else "warning"
        props = [f"file={_gh_prop(_visible(self.path))}"]
        if self.line:
            props.append(f"line={self.line}")
            if self.col:
                props.append(f"col={self.col}")
        msg = _visible(self.message)
        if self.hint:
            msg += f" (hint: {_visible_hint(self.hint)})"
        return f"::{kind} {','.join(props)}::{_gh_data(msg).replace('::', ':' + _COLON)}"

    def as_error(self) -> Diagnostic:
        """The same problem promoted to an error (for --strict)."""
        return Diagnostic(self.path, self.line, self.col, "error", self.message, self.hint)


# Characters shown escaped: C0 and C1 controls and DEL (ESC starts terminal
# sequences, CR rewrites a line, LF starts a new one), the Unicode line and
# paragraph separators, and the bidirectional overrides and isolates that make
# a terminal show text in another order than it is ("Trojan Source").
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_COLON = "\\x3a"  # a colon, escaped: `::` at a line's start would be a workflow command
_COMMAND_LINE = re.compile(r"^(\s*):(?=:)", re.M)


def _visible(text: str) -> str:
    """`text` with its control characters written as `\\n`, `\\x1b`, `\\u202e`."""

    def one(match: re.Match[str]) -> str:
        code = ord(match[0])
        return _NAMED.get(match[0]) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")

    return _CONTROL.sub(one, text)


def _visible_hint(hint: str) -> str:
    """A hint may run over several lines, each indented (`begin the file with\\n  ---`);
    any other line break is data, shown escaped like the rest."""
    lines = hint.split("\n")
    out = [_visible(lines[0])]
    for line in lines[1:]:
        if line.startswith("  "):
            out.append(_visible(line))
        else:
            out[-1] += "\\n" + _visible(line)
    return "\n".join(out)


def _no_command_lines(text: str) -> str:
    """No line may start with `::` (GitHub's runner reads commands from stderr too,
    after trimming leading space)."""
    return _COMMAND_LINE.sub(lambda m: m[1] + _COLON, text)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Diagnostics:
    """A collector that stages append to; the build decides what they mean."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, col: int, message: str, hint: str | None = None) -> None:
        self.items.append(Diagnostic(path, line, col, "error", message, hint))

    def warning(
        self, path: str, line: int, col: int, message: str, hint: str | None = None
    ) -> None:
        self.items.append(Diagnostic(path, line, col, "warning", message, hint))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.items)

    def sorted(self, strict: bool = False) -> list[Diagnostic]:
        """Unique diagnostics sorted by path and line; --strict promotes warnings."""
        items = {d.as_error() if strict else d for d in self.items}
        # An explicit key: the hint may be None in one and text in another.
        return sorted(
            items, key=lambda d: (d.path, d.line, d.col, d.severity, d.message, d.hint or "")
        )


def emit(diags: list[Diagnostic], stream: TextIO) -> None:
    """Print diagnostics once, plus GitHub workflow commands when running in Actions."""
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for d in diags:
        print(d.format(), file=stream)
        if github:
            print(d.github(), file=stream)


class UsageError(Exception):
    """A command-line or configuration problem: exit code 2."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# A file that changed or went away after the build listed it: a save (or a delete) in
# progress. serve builds again when the watcher has seen it; a build reports it.
CHANGED = "the file changed while the build was reading it"
CHANGED_HINT = "build again once the editor has finished saving"


class SourceChanged(OSError):
    """A source file went away between discovery and the read that needed its bytes.

    An OSError, as the FileNotFoundError it stands for: whatever stops a run on
    a machine error (the command line's "output/ left as it was") stops it here.

    Raised by SourceFile.content() so that every stage reading a source late
    (an article's text, an asset's bytes as they are written) says CHANGED
    at that file, rather than a bare "No such file or directory".
    """

    def __init__(self, rel: str) -> None:
        super().__init__(rel)  # args == (rel,): it crosses a process pool intact
        self.rel = rel

    def __str__(self) -> str:
        return f"{self.rel}: {CHANGED}"


class ConfigErrors(Exception):
    """site.yaml could not be loaded; carries every problem found in it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} configuration problem(s)")
        self.diagnostics = diagnostics


def to_diagnostics(exc: Exception) -> list[Diagnostic]:
    """What an exception that stopped a run says to the user: the one translation.

    The command line and the dev server both show a stopped run this way.
    A configuration problem carries its own diagnostics; a usage error, a
    source that went away mid-build (SourceChanged) and an error of the
    machine (OSError: disk full, permissions) become one each. Anything else
    is a bug in Broadsheet, and says so.
    """
    if isinstance(exc, ConfigErrors):
        return list(exc.diagnostics)
    if isinstance(exc, UsageError):
        return [Diagnostic("broadsheet", 0, 0, "error", exc.message, exc.hint)]
    if isinstance(exc, SourceChanged):
        return [Diagnostic(exc.rel, 0, 0, "error", CHANGED, CHANGED_HINT)]
    if isinstance(exc, OSError):
        return [
            Diagnostic(
                str(exc.filename or "broadsheet"),
                0,
                0,
                "error",
                f"{exc.strerror or exc}",
                "free some disk space" if exc.errno == errno.ENOSPC else None,
            )
        ]
    return [
        Diagnostic(
            "broadsheet",
            0,
            0,
            "error",
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in Broadsheet; please report it with the file you changed",
        )
    ]


def did_you_mean(word: str, candidates: Iterable[str], max_distance: int = 2) -> str | None:
    """The closest candidate within `max_distance` edits, for "did you mean" hints."""
    best: tuple[int, str] | None = None
    for cand in sorted(candidates):
        dist = edit_distance(word.lower(), cand.lower(), max_distance)
        if dist <= max_distance and (best is None or dist < best[0]):
            best = (dist, cand)
    return best[1] if best else None


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def display_path(path: Path) -> str:
    """The config path as the user should see it: as given, or relative to the
    current folder when it lies inside it, so editors and CI can jump to it."""
    if not path.is_absolute():
        return path.as_posix()
    cwd = Path.cwd()
    for base in (cwd, cwd.resolve()):
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()
