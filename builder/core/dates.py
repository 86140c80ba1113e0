"""Dates as people write them: English month names, and ISO forms of other spellings.

Feeds, templates and the front-matter hints all need the same month names,
spelt out in English whatever the machine's locale, so they live here once.
"""

from __future__ import annotations

import datetime as dt
import os
import re

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WORDY_DATE = re.compile(
    r"^(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<m1>[a-z]+)\.?,?|(?P<m2>[a-z]+)\.?\s+"
    r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?)\s+(?P<y>\d{4})$",
    re.I,
)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")


def date_long(value: dt.date | None) -> str:
    """`23 June 2024`: English month names, never the machine's locale."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def guess_date(text: str) -> str | None:
    """The ISO form of a date written another way, or None when it cannot be told.

    `01/05/2024` is 1 May in most of the world and 5 January in the US; when
    both readings are real dates the hint offers both rather than guess.
    """
    text = text.strip()
    readings: list[tuple[int, int, int]] = []
    if match := _WORDY_DATE.match(text):
        name = (match["m1"] or match["m2"]).lower()
        months = [
            i for i, m in enumerate(MONTHS, 1) if len(name) >= 3 and m.lower().startswith(name)
        ]
        if len(months) == 1:
            readings.append((int(match["y"]), months[0], int(match["d1"] or match["d2"])))
    elif match := _NUMERIC_DATE.match(text):
        a, b, year = int(match[1]), int(match[2]), int(match[3])
        readings += [(year, b, a), (year, a, b)]
    elif match := _YEAR_FIRST.match(text):
        readings.append((int(match[1]), int(match[2]), int(match[3])))
    valid = []
    for year, month, day in readings:
        try:
            iso = dt.date(year, month, day).isoformat()
        except ValueError:
            continue
        if iso not in valid:
            valid.append(iso)
    if not valid:
        return None
    return " or ".join(valid)


def source_date_epoch(tz: dt.tzinfo) -> dt.datetime | None:
    """SOURCE_DATE_EPOCH (reproducible builds) as a moment in `tz`, or None when unset."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).astimezone(tz)


def build_clock(now: dt.datetime | None, tz: dt.tzinfo) -> dt.datetime:
    """The moment a build judges by: which articles are due, which editions have closed.

    `now` (BuildOptions.now, for tests) first, then SOURCE_DATE_EPOCH, else
    the wall clock: the same input and the same clock give the same site.
    """
    return now or source_date_epoch(tz) or dt.datetime.now(tz)
