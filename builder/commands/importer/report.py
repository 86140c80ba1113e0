"""The removal report: every piece of the input that is not in the article body, and why.

One line per piece, located like a diagnostic (`received.txt:41: share bar: Twitter`), so
an editor can find it in the input. Pieces that went into the front matter say where
(`→ source.author`). Removals made by position rather than by a known wording, which read
like body text, are also warnings: a real import prints them, so nothing is lost unseen.
"""

from __future__ import annotations

from collections.abc import Sequence

from builder.commands.importer.furniture import body_like
from builder.commands.importer.model import Removal, collapse

SHOWN = 72  # characters of a removed piece shown in the report
WARNING_HINT = "if it belongs to the article, copy it from the input into the written file"


def _cut(text: str) -> str:
    text = collapse(text)
    return text if len(text) <= SHOWN else text[: SHOWN - 1].rstrip() + "…"


def report_lines(
    name: str, removals: Sequence[Removal], converted_from: str | None = None
) -> list[str]:
    """The report as lines, input order; the encoding first when the input was converted."""
    lines = [f"{name}: converted from {converted_from} to UTF-8"] if converted_from else []
    for r in sorted(removals, key=lambda r: r.line):
        where = f"{name}:{r.line}" if r.line else name
        what = f"{r.reason} → {r.kept_as}" if r.kept_as else r.reason
        flag = " [reads like body text]" if warns(r) else ""
        lines.append(f"{where}: {what}: {_cut(r.text)}{flag}")
    return lines


def warns(removal: Removal) -> bool:
    """A removal by position whose text reads like a sentence of the article."""
    return removal.guess and not removal.kept_as and body_like(removal.text)


def dropped(removals: Sequence[Removal]) -> int:
    """How many pieces were dropped (not taken into the front matter)."""
    return sum(1 for r in removals if not r.kept_as)
