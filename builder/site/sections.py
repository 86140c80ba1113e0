"""An edition in the editor's order: featured items, the configured sections, then More.

Digests are read top to bottom, so the order is the editor's, not the
alphabet's: `editions.sections` lists the sections, an item names its own
with `section:` or falls into the one its first tag names, and what fits
none goes under More, last. `featured: true` lifts an item to the top.
Without configured sections, each first tag is a section, alphabetically,
as before. Credits (`via:`) are gathered here too, in reading order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from builder.core.errors import Diagnostics, did_you_mean
from builder.core.models import Listed, Section, TagRef
from builder.core.slugs import slugify, tag_key

FEATURED = "Featured"  # the items with `featured: true`, atop the edition
MORE = "More"  # the items no section claims, last


@dataclass(frozen=True)
class Arranged:
    """One edition's items in reading order, its sections and its credits."""

    order: tuple[int, ...]
    sections: tuple[Section, ...]
    credits: tuple[str, ...]


def check_sections(articles: list[Listed], names: tuple[str, ...], diags: Diagnostics) -> None:
    """A `section:` naming no configured section is an error at its line, with a guess."""
    known = {name.casefold(): name for name in names}
    for article in articles:
        meta = article.meta
        wanted = meta.section
        if wanted is None or wanted.casefold() in known:
            continue
        line, col = meta.section_at
        if not names:
            diags.error(
                meta.path,
                line,
                col,
                f"`section: {wanted}`, but site.yaml lists no sections",
                f"add  sections: [{wanted}]  under  editions:  in site.yaml, or remove the line",
            )
            continue
        guess = did_you_mean(wanted, names)  # case-blind already
        hint = (
            f"did you mean `{guess}`?"
            if guess
            else "the sections are " + ", ".join(names) + " (editions.sections in site.yaml)"
        )
        diags.error(meta.path, line, col, f"unknown section `{wanted}`", hint)


def arrange(
    indexes: list[int], articles: list[Listed], names: tuple[str, ...], tag_urls: dict[str, str]
) -> Arranged:
    """Place the items at `indexes` (newest first) into sections, in the editor's order.

    `tag_urls` maps a tag key to its tag page, so a section named like a tag
    links to it.
    """
    featured = [i for i in indexes if articles[i].meta.featured]
    rest = [i for i in indexes if not articles[i].meta.featured]
    parts: list[Section] = []
    if featured:
        parts.append(Section(FEATURED, "featured", None, tuple(featured)))
    parts += _by_section(rest, articles, names, tag_urls) if names else _by_tag(rest, articles)
    order = tuple(i for part in parts for i in part.items)
    return Arranged(order, tuple(parts), _credits(order, articles))


def _by_section(
    indexes: list[int], articles: list[Listed], names: tuple[str, ...], tag_urls: dict[str, str]
) -> list[Section]:
    """The configured sections in their order (empty ones left out), then More."""
    known = {name.casefold(): name for name in names}
    by_tag = {tag_key(name): name for name in names}
    members: dict[str, list[int]] = defaultdict(list)
    for i in indexes:
        article = articles[i]
        chosen = known.get((article.meta.section or "").casefold())
        if chosen is None and article.tags:
            chosen = by_tag.get(tag_key(article.tags[0].name))
        members[chosen or MORE].append(i)
    parts = [
        Section(name, slugify(name), tag_urls.get(tag_key(name)), tuple(members[name]))
        for name in names
        if members.get(name)
    ]
    if members.get(MORE):
        parts.append(Section(MORE, "more", None, tuple(members[MORE])))
    return parts


def _by_tag(indexes: list[int], articles: list[Listed]) -> list[Section]:
    """Without configured sections: one per first tag, by name, untagged items under More."""
    members: dict[str, list[int]] = defaultdict(list)
    refs: dict[str, TagRef | None] = {}
    for i in indexes:
        tags = articles[i].tags
        key = tags[0].name.casefold() if tags else ""
        members[key].append(i)
        refs.setdefault(key, tags[0] if tags else None)
    parts = []
    for key in sorted(k for k in members if k):
        ref = refs[key]
        assert ref is not None
        parts.append(Section(ref.name, ref.slug, ref.url, tuple(members[key])))
    if members.get(""):
        parts.append(Section(MORE, "more", None, tuple(members[""])))
    return parts


def _credits(order: tuple[int, ...], articles: list[Listed]) -> tuple[str, ...]:
    """Each `via:` name once, in the order a reader meets them."""
    seen: dict[str, str] = {}
    for i in order:
        via = articles[i].meta.via
        if via:
            seen.setdefault(via.casefold(), via)
    return tuple(seen.values())
