"""The inputs of `broadsheet import`, as bytes: files as given, the text and HTML files of a
folder, and pages fetched from http(s) addresses (by `importer.fetch`, loaded only then).

Every input is read before any is converted, and what cannot be read is a problem located
at the argument, so one run reports every unreadable input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.commands.importer.model import ImportFailure
from builder.core.errors import Diagnostic
from builder.core.progress import SILENT, Progress, counted

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a saved page with inline images, with room to spare
SUFFIXES = (".txt", ".text", ".html", ".htm", ".xhtml")  # what a folder is searched for


@dataclass(frozen=True)
class Input:
    """One article to import, as read: a file, a file in a folder, or a fetched page."""

    shown: str  # how the report and errors name it
    path: Path  # its name (a fetched page's is `page.html`), for telling HTML from text
    data: bytes
    url: str | None = None  # where a fetched page ended up
    charset: str | None = None  # what the server said the page's charset is


def gather(args: list[str], problems: list[Diagnostic], shown: Progress = SILENT) -> list[Input]:
    """Every input as bytes: files as given, a folder's text and HTML files (sorted, in
    subfolders too, hidden ones skipped), pages fetched from http(s) addresses. What
    cannot be read is a problem, and the others are still read so all are reported."""
    inputs: list[Input] = []
    shown.stage("reading", len(args), "inputs")
    for arg in counted(args, shown):
        try:
            if re.match(r"(?i)https?://", arg):
                from builder.commands.importer.fetch import fetch  # urllib and ssl: when needed

                page = fetch(arg)
                inputs.append(Input(arg, Path("page.html"), page.data, page.url, page.charset))
            elif Path(arg).is_dir():
                found = sorted(
                    p
                    for p in Path(arg).rglob("*")
                    if p.suffix.lower() in SUFFIXES
                    and p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(arg).parts)
                )
                if not found:
                    raise ImportFailure(
                        "no .txt or .html files in this folder",
                        hint="save the articles as .txt or .html files",
                    )
                inputs += [Input(str(p), p, read_input(p)) for p in found]
            else:
                inputs.append(Input(arg, Path(arg), read_input(Path(arg))))
        except ImportFailure as exc:
            problems.append(Diagnostic(arg, exc.line, 0, "error", exc.message, exc.hint or None))
    return inputs


def read_input(file: Path) -> bytes:
    """The FILE's bytes, or an ImportFailure saying why it cannot be read."""
    try:
        size = file.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ImportFailure(
                f"file is {size:,} bytes, over the {MAX_INPUT_BYTES // 2**20} MB limit",
                hint="save only the article (text, or the page without its media)",
            )
        return file.read_bytes()
    except FileNotFoundError:
        raise ImportFailure("no such file", hint="check the path and its spelling") from None
    except OSError as exc:
        raise ImportFailure(
            f"cannot read file: {exc.strerror or exc}",
            hint="check that the file exists and is readable",
        ) from None
