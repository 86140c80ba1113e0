"""Datelines as received: `June 3, 2024, 10:15 a.m. ET`, `Monday 3 June 2024 14:05 BST`,
`Published: 2024-06-03T10:15:00Z`, `Updated Sun, 23 Jun 2024 14:05:00 +0200`.

One grammar reads every shape, in text and in the dates pages give. A zone abbreviation is
read with the offset of `ZONES` (a regional one such as ET with the daylight-saving rule
of its region); a dateline with a time but no zone is in the site time zone. Relative
dates ("3 hours ago") are recognised only to be refused: they say nothing once saved.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from builder.commands.importer.model import Date

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

# Abbreviation → fixed offset in hours, or the IANA zone whose rule decides it (ET is
# EDT in summer and EST in winter). docs/import.md lists the same table.
ZONES: dict[str, float | str] = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "IST": 5.5, "JST": 9, "AEST": 10, "AEDT": 11, "ET": "America/New_York",
    "EDT": -4, "EST": -5, "CT": "America/Chicago", "CDT": -5, "CST": -6,
    "MT": "America/Denver", "MDT": -6, "MST": -7, "PT": "America/Los_Angeles",
    "PDT": -7, "PST": -8,
}  # fmt: skip

_PREFIX = (
    r"(?P<prefix>(?:first |last )?(?:published|posted|updated|modified|date)(?: on| at)?"
    r"\s*:?\s+)?"
)
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH_DAY = r"(?P<mon>[a-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?"
_DAY_MONTH = r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>[a-z]{3,9})\.?,?"
_ZONE = "|".join(sorted(ZONES, key=len, reverse=True))
_TIME = (
    r"(?:(?:,|\s+at|\s*[-–—|·/])?\s*(?P<H>\d{1,2})(?:[:.](?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    rf"(?:\s*\(?(?P<tz>(?:{_ZONE})(?![a-z])|(?:utc|gmt)?\s?[+-]\d{{1,2}}(?::?\d{{2}})?)\)?)?)?"
)
_ENGLISH = re.compile(
    rf"{_PREFIX}{_WEEKDAY}(?:{_MONTH_DAY}|{_DAY_MONTH})\s+(?P<y>\d{{4}})(?!\d){_TIME}", re.I
)
_ISO = re.compile(
    rf"{_PREFIX}(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)(?!\d)",
    re.I,
)
_RELATIVE = re.compile(
    r"(?:(?:published|posted|updated)\s*:?\s*)?(?:(?:\d+|an?|one|a few)\s+(?:sec(?:ond)?s?|"
    r"min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?|months?|years?)\s+ago|yesterday|today|just now)"
    r"(?:\s+at\s+\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?)?",
    re.I,
)
_FILLER_CHARS = " \t,;:|·•/()[]–—-"


@dataclass(frozen=True)
class Dateline:
    """A date found on a line: its value, where it stands and whether it is an update."""

    value: Date
    start: int
    end: int
    updated: bool


class BadDate(ValueError):
    """A dateline that names no real day or time (February 30, 25:00)."""


def _value(m: re.Match[str], zone: datetime.tzinfo) -> Date:
    """The date or aware datetime a match names; BadDate when it names none."""
    try:
        if m.re is _ISO:
            text = m["iso"].replace(" ", "T")
            if len(text) == 10:
                return datetime.date.fromisoformat(text)
            value = datetime.datetime.fromisoformat(text).replace(microsecond=0)
            return value if value.tzinfo else value.replace(tzinfo=zone)
        month = _MONTHS[(m["mon"] or m["mon2"]).lower()]
        day = datetime.date(int(m["y"]), month, int(m["d"] or m["d2"]))
        if m["H"] is None or (m["M"] is None and not m["ampm"]):
            return day
        hour = int(m["H"])
        if m["ampm"]:
            if not 1 <= hour <= 12:
                raise BadDate(f"{hour} {m['ampm']} is not a time")
            hour = hour % 12 + (12 if m["ampm"][0] in "pP" else 0)
        clock = datetime.time(hour, int(m["M"] or 0), int(m["S"] or 0))
        when = datetime.datetime.combine(day, clock)
        return when.replace(tzinfo=_zone(m["tz"], when, zone))
    except ValueError as exc:
        raise BadDate(str(exc)) from None


def _zone(name: str | None, when: datetime.datetime, site: datetime.tzinfo) -> datetime.tzinfo:
    """The tzinfo of a zone abbreviation or offset (`+02:00`, `GMT+2`); the site's if none."""
    if not name:
        return site
    key = name.upper().replace(" ", "")
    if key in ZONES:
        rule = ZONES[key]
        if isinstance(rule, str):
            offset = ZoneInfo(rule).utcoffset(when) or datetime.timedelta()
        else:
            offset = datetime.timedelta(hours=rule)
        return datetime.timezone(offset)
    m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", key)
    if not m or int(m[2]) > 14:
        raise BadDate(f"{name} is not a time zone")
    offset = datetime.timedelta(hours=int(m[2]), minutes=int(m[3] or 0))
    return datetime.timezone(-offset if m[1] == "-" else offset)


def find_dates(text: str, zone: datetime.tzinfo) -> list[Dateline]:
    """Every date written in `text`, in order; BadDate for one that names no real day."""
    found: list[Dateline] = []
    for pattern in (_ENGLISH, _ISO):
        for m in pattern.finditer(text):
            if pattern is _ENGLISH and (m["mon"] or m["mon2"]).lower() not in _MONTHS:
                continue
            if any(d.start < m.end() and m.start() < d.end for d in found):
                continue
            updated = (
                bool(m["prefix"])
                and re.match(r"(?i)\s*(last )?(updated|modified)", m["prefix"]) is not None
            )
            found.append(Dateline(_value(m, zone), m.start(), m.end(), updated))
    return sorted(found, key=lambda d: d.start)


def rest_of_line(text: str, dates: list[Dateline]) -> str:
    """What `text` says besides its dates, separators trimmed ("By X |" → "By X")."""
    parts, at = [], 0
    for d in dates:
        parts.append(text[at : d.start])
        at = d.end
    parts.append(text[at:])
    return " ".join(kept for part in parts if (kept := part.strip(_FILLER_CHARS)))


def parse_date(text: str, zone: datetime.tzinfo) -> Date | None:
    """The date `text` consists of (a page's `datetime` attribute, a dateline), else None."""
    try:
        dates = find_dates(text.strip(), zone)
    except BadDate:
        return None
    if len(dates) == 1 and not rest_of_line(text.strip(), dates):
        return dates[0].value
    return None


def relative_date(text: str) -> bool:
    """True for a line that only gives a date relative to when it was read."""
    return _RELATIVE.fullmatch(text.strip(" ·|•-–—")) is not None
