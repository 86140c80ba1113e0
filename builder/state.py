"""BuildState: what one build leaves for the next, so an unchanged site costs a stat per file.

The cache saves it after every successful build and hands it back at the
start of the next. It has two parts, because they belong to different things:

* the output folder's: the signature of everything that output depends on,
  the counts of the closing line, when the next scheduled article comes due
  and the content diagnostics, which a no-change build replays;
* the site folder's: each source's stat and hash (so discovery need not
  read unchanged files again), and the memos of the related-articles ranking
  and of the theme's template fingerprints.

A cache is untrusted input. `from_json` checks the type of every field and
treats a malformed part as absent: that costs a rebuild, never a crash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from builder.core.errors import Diagnostic

Stat = tuple[int, int, int, str]  # size, mtime_ns, inode, sha256: read.discover's Known
SITE_PARTS = ("stats", "related", "theme")  # saved per site folder, the rest per output folder


@dataclass(frozen=True)
class SourceStats:
    """What discovery may trust next time: each file's stat and hash, and when they were taken."""

    hashed_at: int = 0  # ns; a file changed close to this is read again (see discover)
    known: dict[str, Stat] = field(default_factory=dict)  # source rel → its stat and hash


@dataclass(frozen=True)
class RelatedMemo:
    """The last related-articles ranking and the digest of what it was ranked from.

    Its fields are the keys of the memo dict site.related reads and fills in.
    """

    digest: str
    rows: list[list[int]]  # per article (by index), the indexes of its related articles


@dataclass(frozen=True)
class ThemeMemo:
    """The template fingerprints of the last theme that compiled cleanly, by its digest.

    Its fields are the keys of the memo dict render.theme reads and fills in.
    """

    signature: str
    fingerprints: dict[str, str]  # template name → fingerprint


@dataclass(frozen=True)
class BuildState:
    """The state of the last successful build; the defaults mean "none is known"."""

    signature: str = ""  # everything the output depends on but the clock; "" never matches
    counts: str = ""  # "12 articles, 1 page, …", for the closing line
    next_due: dt.datetime | None = None  # the first scheduled article not yet published
    diagnostics: tuple[Diagnostic, ...] = ()  # what a no-change build prints again
    sources: SourceStats = SourceStats()
    related: RelatedMemo | None = None
    theme: ThemeMemo | None = None


# --------------------------------------------------------------------------
# JSON, as the cache stores it
# --------------------------------------------------------------------------
def to_json(state: BuildState) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(the output folder's part, the site folder's parts by name); absent memos are left out,
    so the last ones made are kept."""
    output = {
        "signature": state.signature,
        "counts": state.counts,
        "next_due": state.next_due.isoformat() if state.next_due else None,
        "diagnostics": [list(d.__dict__.values()) for d in state.diagnostics],
    }
    site: dict[str, dict[str, Any]] = {"stats": stats_json(state.sources)}
    for name, memo in (("related", state.related), ("theme", state.theme)):
        if memo is not None:
            site[name] = dict(vars(memo))  # the dict form site.related and render.theme use
    return output, site


def stats_json(stats: SourceStats) -> dict[str, Any]:
    return {"at": stats.hashed_at, "files": stats.known}  # each stat a JSON array


def from_json(output: object, site: dict[str, object]) -> BuildState:
    """The state the cache held, each part checked; a malformed part counts as absent."""
    return replace(
        _part(_output, output) or BuildState(),
        sources=_part(_stats, site.get("stats")) or SourceStats(),
        related=_part(_related, site.get("related")),
        theme=_part(_theme, site.get("theme")),
    )


class _Malformed(ValueError):
    pass


def _part(read: Any, data: object) -> Any:
    try:
        return read(data) if isinstance(data, dict) and data else None
    except (KeyError, TypeError, ValueError, AttributeError):  # _Malformed is a ValueError
        return None


def _check(ok: bool) -> None:
    if not ok:
        raise _Malformed


def _int(value: object) -> int:
    _check(type(value) is int)
    return value  # type: ignore[return-value]


def _str(value: object) -> str:
    _check(isinstance(value, str))
    return value  # type: ignore[return-value]


def _output(data: dict) -> BuildState:
    due = data["next_due"]
    next_due = dt.datetime.fromisoformat(_str(due)) if due is not None else None
    _check(next_due is None or next_due.tzinfo is not None)  # compared with an aware clock
    return BuildState(
        _str(data["signature"]),
        _str(data["counts"]),
        next_due,
        tuple(_diagnostic(d) for d in data["diagnostics"]),
    )


def _diagnostic(data: object) -> Diagnostic:
    _check(isinstance(data, list) and len(data) == 6)
    fields: list[Any] = data  # type: ignore[assignment]  # checked just above
    path, line, col, severity, message, hint = fields
    _check(severity in ("error", "warning") and (hint is None or isinstance(hint, str)))
    return Diagnostic(_str(path), _int(line), _int(col), severity, _str(message), hint)


def _stats(data: dict) -> SourceStats:
    files = data["files"]
    _check(isinstance(files, dict))
    known: dict[str, Stat] = {}
    for rel, stat in files.items():
        _check(isinstance(stat, list))
        size, mtime, inode, sha = stat
        known[_str(rel)] = (_int(size), _int(mtime), _int(inode), _str(sha))
    return SourceStats(_int(data["at"]), known)


def _related(data: dict) -> RelatedMemo:
    rows = data["rows"]
    _check(isinstance(rows, list) and all(isinstance(row, list) for row in rows))
    _check(all(type(i) is int and i >= 0 for row in rows for i in row))
    return RelatedMemo(_str(data["digest"]), rows)


def _theme(data: dict) -> ThemeMemo:
    fingerprints = data["fingerprints"]
    _check(isinstance(fingerprints, dict))
    return ThemeMemo(
        _str(data["signature"]), {_str(name): _str(fp) for name, fp in fingerprints.items()}
    )
