"""Authors: the entries of `authors:` in site.yaml, each with the articles that name them.

A byline (`author` / `authors` in front matter) is matched to an entry by
its name as written. A name not in the list stays plain text on the page;
when the site keeps a list at all, that is most often a misspelling, so it
is a warning naming the nearest entry. A site without `authors:` has no
author pages and no warnings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from builder.core.errors import Diagnostics, did_you_mean, display_path
from builder.core.models import Article, Author, Listed, SiteConfig
from builder.core.paths import SiteLayout
from builder.core.slugs import slug_problem, slugify


def place_authors(
    articles: Sequence[Listed], config: SiteConfig, diags: Diagnostics
) -> tuple[Author, ...]:
    """Each entry of `authors:` with its articles (indexes, newest first), in the list's order."""
    if not config.authors:
        return ()
    layout = SiteLayout.of(config)
    known = {entry.name for entry in config.authors}
    written: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        if not isinstance(article, Article):  # a link item credits no author
            continue
        for name in article.meta.authors:
            if name in known:
                written[name].append(index)
                continue
            guess = did_you_mean(name, known)
            diags.warning(
                article.meta.path,
                1,
                1,
                f"author `{name}` is not in `authors:` of site.yaml, so the byline links nowhere",
                f"did you mean `{guess}`?"
                if guess
                else "add them to `authors:` in site.yaml, or check the spelling",
            )
    placed = []
    for entry in config.authors:
        slug = slugify(entry.name)
        if slug_problem(slug, reserved=False):
            diags.error(
                display_path(config.config_path),
                0,
                0,
                f"author `{entry.name}` cannot have a page: its slug "
                f"{slug_problem(slug, reserved=False)}",
                "write the name with letters or digits",
            )
            continue
        placed.append(
            Author(
                entry.name,
                slug,
                layout.author(slug),
                entry.bio,
                entry.url,
                tuple(written.get(entry.name, ())),
            )
        )
    return tuple(placed)
