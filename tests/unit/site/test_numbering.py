"""numbering.py: edition numbers count periods from an anchor and never renumber."""

from __future__ import annotations

import datetime as dt

from builder.core.errors import Diagnostics
from builder.core.models import Numbering
from builder.site.editions import bounds
from builder.site.numbering import Pin, numbers, period_index

FROM_W46 = Numbering(dt.date(2026, 11, 11), 128)  # a Wednesday of 2026-w46


def starts(*ids: str) -> dict[str, dt.date]:
    return {i: bounds(i)[0] for i in ids}  # type: ignore[index]


def formatted(diags: Diagnostics) -> list[str]:
    return [d.format() for d in diags.sorted()]


def test_period_index_counts_weeks_and_months() -> None:
    assert (
        period_index(dt.date(2026, 11, 16), "week") - period_index(dt.date(2026, 11, 9), "week")
        == 1
    )
    assert (
        period_index(dt.date(2027, 1, 4), "week") - period_index(dt.date(2026, 12, 28), "week") == 1
    )
    assert (
        period_index(dt.date(2027, 1, 1), "month") - period_index(dt.date(2026, 12, 1), "month")
        == 1
    )


def test_the_edition_holding_the_date_takes_the_start_and_later_ones_count_on() -> None:
    diags = Diagnostics()
    got = numbers(
        starts("2026-w45", "2026-w46", "2026-w47", "2026-w49"), "week", FROM_W46, {}, diags
    )
    assert got == {"2026-w46": 128, "2026-w47": 129, "2026-w49": 131}
    assert diags.items == []


def test_an_article_in_an_empty_old_week_renumbers_nothing() -> None:
    before = numbers(starts("2026-w46", "2026-w49"), "week", FROM_W46, {}, Diagnostics())
    after = numbers(starts("2026-w46", "2026-w47", "2026-w49"), "week", FROM_W46, {}, Diagnostics())
    assert after["2026-w49"] == before["2026-w49"] == 131
    assert after["2026-w47"] == 129


def test_a_note_starts_the_count_afresh() -> None:
    diags = Diagnostics()
    pins = {"2026-w49": Pin(130, "content/editions/2026-w49.md", 2, 9)}
    got = numbers(starts("2026-w46", "2026-w49", "2026-w50"), "week", FROM_W46, pins, diags)
    assert got == {"2026-w46": 128, "2026-w49": 130, "2026-w50": 131}
    assert diags.items == []


def test_notes_alone_number_editions_from_the_first_of_them() -> None:
    pins = {"2024-06": Pin(7, "content/editions/2024-06.md", 2, 9)}
    got = numbers(starts("2024-05", "2024-06", "2024-08"), "month", None, pins, Diagnostics())
    assert got == {"2024-06": 7, "2024-08": 9}


def test_a_number_clash_is_an_error_at_the_note() -> None:
    diags = Diagnostics()
    pins = {
        "2026-w47": Pin(128, "content/editions/2026-w47.md", 3, 9),
        "2026-w49": Pin(127, "content/editions/2026-w49.md", 2, 9),
    }
    numbers(starts("2026-w46", "2026-w47", "2026-w49"), "week", FROM_W46, pins, diags)
    assert formatted(diags) == [
        "content/editions/2026-w47.md:3:9: error: edition number 128 is already the number "
        "of 2026-w46\n  hint: write  number: 129  or more, or remove the line to count on "
        "from 2026-w46",
        "content/editions/2026-w49.md:2:9: error: edition number 127 comes after No. 128 "
        "(2026-w47): numbers must rise\n  hint: write  number: 129  or more, or remove the "
        "line to count on from 2026-w47",
    ]


def test_a_number_before_the_numbering_starts_is_an_error() -> None:
    diags = Diagnostics()
    pins = {"2026-w44": Pin(5, "content/editions/2026-w44.md", 2, 9)}
    got = numbers(starts("2026-w44", "2026-w46"), "week", FROM_W46, pins, diags)
    assert got == {"2026-w46": 128}
    assert formatted(diags) == [
        "content/editions/2026-w44.md:2:9: error: `number: 5` is before the numbering starts "
        "(2026-11-11, editions.numbering in site.yaml)\n"
        "  hint: remove the line, or move editions.numbering.from earlier"
    ]
