"""What serve keeps between the builds of its process, and how its folder is started.

`Warm` is what one build leaves the next in the same process (the entries
read and the templates compiled), so a rebuild after an edit reads only
the edit. `seed` starts serve's own folder from output/'s last build, so its
first start renders nothing. Neither is a stage: pipeline.build takes a
Warm, and serve calls seed before its first build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder import cache as cache_mod
from builder import write
from builder.core.errors import Diagnostics
from builder.core.models import BuildOptions, Entry, Meta, Site, SiteConfig
from builder.render import theme
from builder.site import items


def seed(source: SiteConfig, target: SiteConfig, options: BuildOptions) -> int:
    """Start `target`'s output folder, which holds no build yet, as a copy of `source`'s
    last build, if that is whole: every file its list names is there, untouched (see
    write/seed.py). Returns the files it now holds; 0 when it was not done.

    serve's first start beside a built output/ then renders nothing: with
    the file list and state of that build, a build into `target` that would
    make the same files finds nothing changed.
    """
    if _seed_cache(target, options) is None:
        return 0
    with write.output_lock(source, recovering=False), write.output_lock(target):
        if not write.seed_empty(target.output_dir):
            return 0
        store = cache_mod.for_site(source, options.cache_dir, Diagnostics())
        try:
            files = _whole(source, store)
            if not files:
                return 0  # no build there, or one touched since: render as usual
            count = write.seed(source.output_dir, target.output_dir, sorted(files))
            store.adopt(source.output_dir, target.output_dir)
        finally:
            store.close()
    return count


def can_seed(source: SiteConfig, target: SiteConfig, options: BuildOptions) -> bool:
    """Whether `seed` would start `target` from `source`'s last build now: serve then shows
    that build while its own folder is made from it (seconds for a large site)."""
    folder = _seed_cache(target, options)
    if folder is None or not (folder / "cache.sqlite").is_file():
        return False  # nowhere to seed, or nothing to read (for_site would make the file)
    store = cache_mod.for_site(source, folder, Diagnostics())
    try:
        return bool(_whole(source, store))
    finally:
        store.close()


def _seed_cache(target: SiteConfig, options: BuildOptions) -> Path | None:
    """The cache folder to read the last build's file list from, if `target`'s output
    folder is one a seed may start (absent or empty); else None."""
    if options.cache_dir is None or not write.seed_empty(target.output_dir):
        return None
    return options.cache_dir


def _whole(source: SiteConfig, store: cache_mod.Cache) -> dict[str, list]:
    """The file list of `source`'s last build if every file of it is there untouched."""
    files = write.previous_files(source, store.manifest(source.output_dir))
    return files if files and len(write.reusable(source, files)) == len(files) else {}


@dataclass(frozen=True)
class Shown:
    """The site model and theme of the last build that succeeded in this process, and the
    entries and options it was made from: what serve makes an edited page, or the lists
    that show an added or deleted article, from at once, while the site is built again
    (preview.py)."""

    site: Site
    theme: theme.Theme
    entries: tuple[Entry[Meta], ...]
    options: BuildOptions


class Warm:
    """What serve keeps from one build to the next in its process, so that a rebuild after
    an edit redoes only what the edit changed: every source's entry by cache key (see
    read.entries), the items of the site model (site.items.Placed), the compiled
    templates (render.theme.Compiled), and the last good build's site model (Shown).

    The entries' bodies are read from the cache file when a page needs them,
    so they are kept only while that file is the same one (deleted and made
    again, it may not hold them).
    """

    def __init__(self) -> None:
        self.templates = theme.Compiled()
        self.site = items.Placed()  # the last build's items, placed and completed
        self.shown: Shown | None = None  # the last good build's site model and theme
        self._entries: dict[str, cache_mod.Value] = {}
        self._file: tuple[int, int] | None = None  # the cache file's device and inode

    def entries(self, cache_dir: Path | None) -> dict[str, cache_mod.Value] | None:
        """The entries memo, emptied if the cache file is not the one they came from; None
        (nothing kept) without a cache file."""
        try:
            found = (cache_dir / "cache.sqlite").stat() if cache_dir else None
        except OSError:
            found = None
        now = (found.st_dev, found.st_ino) if found else None
        if now != self._file:
            self._entries.clear()
            self._file = now
        return self._entries if now else None
