"""The Markdown floor: Python-Markdown alone over the corpus, as the issue defines it.

A fresh `markdown.markdown()` per article, with exactly the extensions and
settings Broadsheet's renderer uses for the site, spread over the same
number of processes as the build. The extension list is not repeated here:
it is captured from builder/read/markup.py by letting it build its
Markdown instance once with `markdown.Markdown` wrapped, so the floor
follows the renderer when its extensions change. What the renderer does
after Markdown (sanitising, summaries, links, word counts) is not part of
the floor; that is the gap the cold build is compared against.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import markdown
from sites import articles, body_of


def markdown_settings(site: Path) -> dict[str, Any]:
    """The keyword arguments builder/read/markup.py gives `markdown.Markdown` for `site`."""
    from builder.config import load_config
    from builder.read import markup

    captured: dict[str, Any] = {}
    real = markdown.Markdown

    def capture(*args: Any, **kwargs: Any) -> markdown.Markdown:
        captured.update(kwargs)
        return real(*args, **kwargs)

    config = load_config(site / "site.yaml").markdown
    with mock.patch.object(markup.markdown, "Markdown", capture):
        markup._markdown.__wrapped__(config)  # past its cache: always build one
    return captured


def _fresh(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings with new Extension objects: nothing carried from one article over."""
    return {
        **settings,
        "extensions": [
            e if isinstance(e, str) else _renewed(e) for e in settings.get("extensions", [])
        ],
    }


def _renewed(extension: markdown.Extension) -> markdown.Extension:
    """A new instance with the same settings; the same one if it needs more to be made."""
    try:
        return type(extension)(**extension.getConfigs())
    except TypeError:
        return extension


def _convert_all(work: tuple[dict[str, Any], list[str]]) -> int:
    settings, bodies = work
    for body in bodies:
        markdown.markdown(body, **_fresh(settings))
    return len(bodies)


@dataclass(frozen=True)
class Floor:
    """Wall seconds, and CPU seconds of every process: on a loaded machine the CPU
    ratio of build to floor stays meaningful when the wall ratio does not."""

    wall: float
    cpu: float


def _cpu() -> float:
    now = os.times()
    return now.user + now.system + now.children_user + now.children_system


def markdown_floor(site: Path, content: Path, processes: int) -> Floor:
    """Convert every body in `content` over `processes` forked processes."""
    settings = markdown_settings(site)
    bodies = [body_of(p.read_text("utf-8")) for p in articles(content)]
    chunks = [(settings, bodies[i::processes]) for i in range(processes)]
    started, cpu = time.perf_counter(), _cpu()
    if processes == 1:
        _convert_all(chunks[0])
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            list(pool.map(_convert_all, chunks))
    # The pool's workers are reaped on leaving it, so their CPU is in children_*.
    return Floor(time.perf_counter() - started, _cpu() - cpu)


def extension_names(site: Path) -> list[str]:
    """For the report: which extensions the floor used."""
    return [
        e if isinstance(e, str) else type(e).__name__
        for e in markdown_settings(site).get("extensions", [])
    ]
