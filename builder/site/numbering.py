"""Edition numbers: "No. 128", counted in periods from an anchor, never renumbered.

The edition holding `editions.numbering.from` is No. `start`, and every
later period counts one on, whether or not it had an edition: numbers are
arithmetic on the calendar, so adding an article to an old week (even one
that had no edition until then) never changes the number of any edition
already mailed. An editor's note may set `number:` to start the count
afresh from its edition (after a break, say). Numbers must rise from one
edition to the next; a note that breaks that is an error at its line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from builder.core.errors import Diagnostics
from builder.core.models import Numbering


@dataclass(frozen=True)
class Pin:
    """A note's `number:`: where it is written, for the error that may name it."""

    number: int
    path: str
    line: int
    col: int


def period_index(start: dt.date, period: str) -> int:
    """A running count of periods, so that two differ by the periods between them."""
    if period == "month":
        return start.year * 12 + start.month - 1
    return start.toordinal() // 7  # Mondays: ordinal 1 (0001-01-01) was a Monday


def numbers(
    starts: dict[str, dt.date],
    period: str,
    numbering: Numbering | None,
    pins: dict[str, Pin],
    diags: Diagnostics,
) -> dict[str, int]:
    """The number of each edition (by id, from the first day of its period), where it has one.

    An edition takes its number from the nearest anchor at or before it: the
    configured one, or a note's `number:`.
    """
    first = period_index(numbering.first_day, period) if numbering else None
    # (period index, 1 for a note's pin, number): at one period a note's pin wins.
    anchors: list[tuple[int, int, int]] = []
    for edition_id in sorted(starts):
        pin = pins.get(edition_id)
        if pin is None:
            continue
        if first is not None and period_index(starts[edition_id], period) < first:
            assert numbering is not None
            diags.error(
                pin.path,
                pin.line,
                pin.col,
                f"`number: {pin.number}` is before the numbering starts "
                f"({numbering.first_day.isoformat()}, editions.numbering in site.yaml)",
                "remove the line, or move editions.numbering.from earlier",
            )
            continue
        anchors.append((period_index(starts[edition_id], period), 1, pin.number))
    if numbering is not None and first is not None:
        anchors.append((first, 0, numbering.start))
    anchors.sort()
    result: dict[str, int] = {}
    previous: tuple[str, int] | None = None
    for edition_id in sorted(starts):
        index = period_index(starts[edition_id], period)
        chosen = [anchor for anchor in anchors if anchor[0] <= index]
        if not chosen:
            continue
        number = chosen[-1][2] + index - chosen[-1][0]
        pin = pins.get(edition_id)
        if previous is not None and number <= previous[1] and pin is not None:
            _clash(pin, previous, diags)
        result[edition_id] = number
        previous = (edition_id, number)
    return result


def _clash(pin: Pin, previous: tuple[str, int], diags: Diagnostics) -> None:
    edition_id, number = previous
    if pin.number == number:
        message = f"edition number {pin.number} is already the number of {edition_id}"
    else:
        message = (
            f"edition number {pin.number} comes after No. {number} ({edition_id}): "
            "numbers must rise"
        )
    diags.error(
        pin.path,
        pin.line,
        pin.col,
        message,
        f"write  number: {number + 1}  or more, or remove the line to count on from {edition_id}",
    )
