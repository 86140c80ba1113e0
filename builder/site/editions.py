"""Editions: the articles of one week or month, with an editor's note, as editors run them.

An edition groups the already sorted article list by a date key in the
site time zone, in one pass; an editor's note from content/editions/<id>.md
is attached to its edition. An edition is open until its period ends (by
the build's clock) or its note says `closed: true`: only then does it go
out, in the editions feed, the front page's banner and by email, so no
subscriber is ever mailed half an issue. Numbers are numbering.py's, the
order of the items sections.py's.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, replace

from builder.core.dates import MONTHS
from builder.core.errors import Diagnostics
from builder.core.models import Edition, EditionNote, Entry, Link, Listed, SiteConfig
from builder.core.paths import SiteLayout
from builder.core.slugs import tag_key
from builder.site.numbering import Pin, numbers
from builder.site.sections import arrange, check_sections

_WEEK_ID = re.compile(r"^(\d{4})-w(\d{2})$")
_MONTH_ID = re.compile(r"^(\d{4})-(\d{2})$")


def period_of(date: dt.datetime, period: str) -> str:
    """The edition id of a date: `2024-w25` (ISO week) or `2024-06`."""
    if period == "month":
        return f"{date.year:04d}-{date.month:02d}"
    year, week, _ = date.isocalendar()
    return f"{year:04d}-w{week:02d}"


def bounds(edition_id: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of an edition id, or None when it is not a real period."""
    week = _WEEK_ID.match(edition_id)
    try:
        if week:
            start = dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return start, start + dt.timedelta(days=6)
        month = _MONTH_ID.match(edition_id)
        if month:
            start = dt.date(int(month[1]), int(month[2]), 1)
            nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return start, nxt - dt.timedelta(days=1)
    except ValueError:
        return None
    return None


def span_text(start: dt.date, end: dt.date) -> str:
    """`17–23 June 2024`, `26 October – 1 November 2026`, across years too."""
    if start.year != end.year:
        return (
            f"{start.day} {MONTHS[start.month - 1]} {start.year} – "
            f"{end.day} {MONTHS[end.month - 1]} {end.year}"
        )
    if start.month != end.month:
        return (
            f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
        )
    return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"


@dataclass(frozen=True)
class Editions:
    """What the editions stage gives the site: the editions shown, newest first, each
    article's link to its edition (None while it is not shown), and when the next one
    closes by the clock."""

    shown: tuple[Edition, ...]
    edition_of: list[Link | None]
    next_close: dt.datetime | None
    # Every edition, oldest first, open or not: (`No. 125 (2026-w43)` or its id, items).
    periods: list[tuple[str, tuple[int, ...]]]


def closing_time(end: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """When a period ends: midnight after its last day, in the site time zone."""
    return dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz)


def editions(
    articles: list[Listed],
    notes: list[Entry[EditionNote]],
    config: SiteConfig,
    now: dt.datetime,
    diags: Diagnostics,
) -> Editions:
    """Group articles into editions, judge each open or closed by `now`, number them and
    put their items in the editor's order."""
    if config.editions == "off":
        for ignored in notes:
            diags.warning(
                ignored.meta.path,
                1,
                1,
                "editor's note ignored: editions are off",
                "set editions.period in site.yaml",
            )
        return Editions((), [None] * len(articles), None, [])
    groups: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        groups[period_of(article.date, config.editions)].append(index)
    by_id = _notes(notes, groups, config, diags)
    options = config.edition_options
    check_sections(articles, options.sections, diags)
    tz = zoneinfo.ZoneInfo(config.timezone)
    periods: dict[str, tuple[dt.date, dt.date]] = {}
    for edition_id in groups:
        period = bounds(edition_id)
        assert period is not None, edition_id  # period_of made it
        periods[edition_id] = period
    pins = {
        edition_id: Pin(found.meta.number, found.meta.path, *found.meta.number_at)
        for edition_id, found in by_id.items()
        if found.meta.number is not None and edition_id in groups
    }
    numbered = numbers(
        {k: v[0] for k, v in periods.items()}, config.editions, options.numbering, pins, diags
    )
    layout = SiteLayout.of(config)
    tag_urls = {tag_key(t.name): t.url for a in articles for t in a.tags}
    made: list[Edition] = []
    next_close: dt.datetime | None = None
    for edition_id in sorted(groups, reverse=True):
        start, end = periods[edition_id]
        note = by_id.get(edition_id)
        closes = closing_time(end, tz)
        is_open = now < closes and not (note and note.meta.closed)
        if is_open:
            next_close = closes if next_close is None else min(next_close, closes)
            if not options.show_open:
                continue
        number = numbered.get(edition_id)
        if number is not None:
            title = f"No. {number}"
        elif config.editions == "week":
            title = f"Week {int(edition_id[-2:])}, {edition_id[:4]}"
        else:
            title = f"{MONTHS[start.month - 1]} {start.year}"
        placed = arrange(groups[edition_id], articles, options.sections, tag_urls)
        url = layout.edition(edition_id)
        made.append(
            Edition(
                id=edition_id,
                title=title,
                span=span_text(start, end),
                start=start,
                end=end,
                url=url,
                out_path=layout.output(url),
                articles=placed.order,
                note_title=note.meta.title if note else None,
                note_html=note.rendered.html if note else "",
                note_key=note.sha256 if note else "",
                number=number,
                open=is_open,
                closes=closes,
                sections=placed.sections,
                credits=placed.credits,
            )
        )
    linked = []
    for i, edition in enumerate(made):
        newer = made[i - 1] if i > 0 else None
        older = made[i + 1] if i + 1 < len(made) else None
        linked.append(
            replace(
                edition,
                prev=Link(older.title, older.url) if older else None,
                next=Link(newer.title, newer.url) if newer else None,
            )
        )
    edition_of: list[Link | None] = [None] * len(articles)
    for edition in linked:
        link = Link(edition.heading, edition.url)  # "No. 128 · 9–15 November 2026"
        for index in edition.articles:
            edition_of[index] = link
    every = [
        (f"No. {numbered[i]} ({i})" if i in numbered else i, tuple(groups[i]))
        for i in sorted(groups)
    ]
    return Editions(tuple(linked), edition_of, next_close, every)


def _notes(
    notes: list[Entry[EditionNote]],
    groups: dict[str, list[int]],
    config: SiteConfig,
    diags: Diagnostics,
) -> dict[str, Entry[EditionNote]]:
    """The editor's notes by edition id; a badly named or orphaned note is reported."""
    by_id = {note.meta.id: note for note in notes}
    example = "2024-w25" if config.editions == "week" else "2024-06"
    for name, note in sorted(by_id.items()):
        if bounds(name) is None or (config.editions == "week") != bool(_WEEK_ID.match(name)):
            diags.error(
                note.meta.path,
                1,
                1,
                f"`{name}` is not a valid edition name",
                f"name editor's notes after their period, e.g. {example}.md",
            )
        elif name not in groups:
            diags.warning(
                note.meta.path,
                1,
                1,
                f"editor's note for {name}, which has no articles",
                "check the week number, or publish an article in that week",
            )
    return by_id
