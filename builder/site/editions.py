"""Editions: the articles of one week or month, with an editor's note.

An edition groups the already sorted article list by a date key in the
site time zone, in one pass; an editor's note from content/editions/<id>.md
is attached to its edition.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import replace

from builder.core.dates import MONTHS
from builder.core.errors import Diagnostics
from builder.core.models import Article, Edition, EditionNote, Entry, Link, SiteConfig
from builder.core.paths import SiteLayout

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
        return (f"{start.day} {MONTHS[start.month - 1]} {start.year} – "
                f"{end.day} {MONTHS[end.month - 1]} {end.year}")
    if start.month != end.month:
        return (f"{start.day} {MONTHS[start.month - 1]} – "
                f"{end.day} {MONTHS[end.month - 1]} {end.year}")
    return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"


def editions(
    articles: list[Article], notes: list[Entry[EditionNote]], config: SiteConfig,
    diags: Diagnostics,
) -> tuple[tuple[Edition, ...], list[Link | None]]:
    """Group articles into editions; also each article's link to its edition."""
    if config.editions == "off":
        for note in notes:
            diags.warning(note.meta.path, 1, 1, "editor's note ignored: editions are off",
                          "set editions.period in site.yaml")
        return (), [None] * len(articles)
    groups: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        groups[period_of(article.date, config.editions)].append(index)
    by_id = {note.meta.id: note for note in notes}
    example = "2024-w25" if config.editions == "week" else "2024-06"
    for name, note in sorted(by_id.items()):
        if bounds(name) is None or (config.editions == "week") != bool(_WEEK_ID.match(name)):
            diags.error(note.meta.path, 1, 1, f"`{name}` is not a valid edition name",
                        f"name editor's notes after their period, e.g. {example}.md")
        elif name not in groups:
            diags.warning(note.meta.path, 1, 1, f"editor's note for {name}, which has no articles",
                          "check the week number, or publish an article in that week")
    layout = SiteLayout.of(config)
    result: list[Edition] = []
    for edition_id in sorted(groups, reverse=True):
        period = bounds(edition_id)
        assert period is not None, edition_id  # period_of made it
        start, end = period
        if config.editions == "week":
            title = f"Week {int(edition_id[-2:])}, {edition_id[:4]}"
        else:
            title = f"{MONTHS[start.month - 1]} {start.year}"
        url = layout.edition(edition_id)
        found = by_id.get(edition_id)
        result.append(Edition(
            id=edition_id,
            title=title,
            span=span_text(start, end),
            start=start,
            end=end,
            url=url,
            out_path=layout.output(url),
            articles=tuple(groups[edition_id]),
            note_title=found.meta.title if found else None,
            note_html=found.rendered.html if found else "",
            note_key=found.sha256 if found else "",
        ))
    linked = []
    for i, edition in enumerate(result):
        newer = result[i - 1] if i > 0 else None
        older = result[i + 1] if i + 1 < len(result) else None
        linked.append(replace(
            edition,
            prev=Link(older.title, older.url) if older else None,
            next=Link(newer.title, newer.url) if newer else None,
        ))
    edition_of: list[Link | None] = [None] * len(articles)
    for edition in linked:
        link = Link(edition.title, edition.url)
        for index in edition.articles:
            edition_of[index] = link
    return tuple(linked), edition_of
