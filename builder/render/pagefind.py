"""Pagefind's indexer, driven through its Python API: documents and records in, the
index's files out as bytes (never written by Pagefind), and its failures as located
UsageErrors, never tracebacks.

render/search.py decides what is indexed and in which part; this module only talks
to the indexer's process.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from builder.core import interrupts
from builder.core.errors import UsageError
from builder.render import search_files

# Pagefind ships other front ends too; the default theme uses pagefind-ui only.
UNUSED = frozenset(
    {
        "pagefind-highlight.js",
        "pagefind-modular-ui.js",
        "pagefind-modular-ui.css",
        "pagefind-component-ui.js",
        "pagefind-component-ui.css",
    }
)
BATCH = 64  # pages sent to Pagefind before waiting for its answers
TIMEOUT = 600.0  # seconds: a stuck indexer stops the build instead of hanging it
STOP_POLL = 0.05  # seconds between looks at a requested stop while Pagefind works
READER_GRACE = 5.0  # seconds for the reader to see the end of a stopped indexer's output


@dataclass(frozen=True)
class Record:
    """A link item as Pagefind's custom record: it has no page of its own to read."""

    url: str  # where a reader finds it (LinkItem.found_at)
    content: str  # its headline and comment, as text
    language: str  # the index it goes to: Pagefind's spelling of its language
    meta: dict[str, str]
    filters: dict[str, list[str]]


def index(
    documents: Sequence[tuple[str, str]],
    extra: Sequence[Record] = (),
    stop: interrupts.Stop | None = None,
) -> list[tuple[str, bytes]]:
    """(file name, bytes) of a Pagefind index of `documents` (site path, HTML) and the
    records `extra`, by name.

    A missing or broken Pagefind is the installation's problem, not the
    content's: it stops the build with a hint, never with a traceback. A
    requested `stop` ends Pagefind between batches (interrupts.Cancelled).
    """
    hint = (
        "reinstall it with  pip install 'pagefind[extended]', or set  search: false  in site.yaml"
    )

    def run() -> list[tuple[str, bytes]]:
        return asyncio.run(asyncio.wait_for(_index(documents, extra, stop), TIMEOUT))

    try:
        if not _loop_running():
            return run()
        # The caller runs an event loop of its own in this thread (a test driving a browser,
        # an async host): asyncio.run() cannot nest, so Pagefind is driven from a thread.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(run).result()
    except interrupts.Cancelled:
        raise  # asked for: not Pagefind's failure
    except ImportError as exc:
        raise UsageError(
            f"search needs Pagefind, which is not installed ({exc})",
            "pip install 'pagefind[extended]', or set  search: false  in site.yaml",
        ) from None
    except ConnectionError:  # its pipe closed under a write: the same death, seen sooner
        raise UsageError(
            "the search index could not be built: Pagefind: the indexer stopped "
            "before it answered (killed?)",
            hint,
        ) from None
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise UsageError(
            f"the search index could not be built: cannot run Pagefind{where}: "
            f"{exc.strerror or exc}",
            hint,
        ) from None
    except Exception as exc:  # Pagefind reports its own failures as bare Exceptions
        raise UsageError(f"the search index could not be built: Pagefind: {exc}", hint) from None


def _loop_running() -> bool:
    """Whether this thread runs an event loop.

    Asked apart from the indexing, never with run() inside an `except`: an
    exception raised while one is handled keeps it as its context, and
    asyncio's own (a cancelled reader's CancelledError) sit in reference
    cycles, so the handled error's traceback would keep this call's frame,
    and with it the part's documents (~30 MiB of pages), until Python's
    collector ran, which a build's raised thresholds put off (core/collector.py).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _index(
    documents: Sequence[tuple[str, str]], extra: Sequence[Record], stop: interrupts.Stop | None
) -> list[tuple[str, bytes]]:
    async with _service() as service:
        pagefind = await service.create_index({"keep_index_url": False})
        for start in range(0, len(documents), BATCH):
            interrupts.check(stop)  # between batches: no answer is left waiting
            await asyncio.gather(
                *(
                    pagefind.add_html_file(content=html, url=url)
                    for url, html in documents[start : start + BATCH]
                )
            )
        for start in range(0, len(extra), BATCH):
            await asyncio.gather(
                *(
                    pagefind.add_custom_record(
                        url=r.url,
                        content=r.content,
                        language=r.language,
                        meta=r.meta,
                        filters=r.filters,
                    )
                    for r in extra[start : start + BATCH]
                )
            )
        interrupts.check(stop)
        files = await pagefind.get_files()
    return search_files.canonical(
        [(str(f["path"]), bytes(f["content"])) for f in files if f["path"] not in UNUSED]
    )


def _service() -> Any:
    """Pagefind's service, reading its answers as they come.

    The package's own reader sleeps a tenth of a second before each answer
    (ten pages a second: 10,000 articles would take 17 minutes) and cannot
    read an answer over 2 MiB (the files of a large index). This one reads
    whatever has arrived, splits it into answers and settles the waiting
    requests; when Pagefind exits, every request still waiting fails.
    """
    from pagefind.service import PagefindService  # only when a site with search is built

    class Service(PagefindService):
        async def _wait_for_responses(self) -> None:
            stream = self._backend.stdout
            assert stream is not None  # launched with stdout=PIPE
            pending: list[bytes] = []  # the answer arriving, in pieces (one can be 100 MB)
            try:
                while chunk := await stream.read(1 << 20):
                    *ends, rest = chunk.split(b",")
                    for end in ends:
                        pending.append(end)
                        self._settle(json.loads(base64.b64decode(b"".join(pending))))
                        pending.clear()
                    if rest:
                        pending.append(rest)
            finally:
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(
                            IndexerStopped("the indexer stopped before it answered (killed?)")
                        )

        async def close(self) -> None:
            """Stop the indexer and wait for it, even when it has died already.

            The reader is let run to the end of the indexer's output rather
            than cancelled: a cancelled task keeps its CancelledError, whose
            traceback keeps the reader's frame and, through the service, every
            answer the package kept (a page's, the index's files as base64).
            Such a cycle stays until Python's collector runs, which a build's
            raised thresholds put off (core/collector.py), so each part's
            answers would stay in memory to the end of the build.
            """
            with contextlib.suppress(ProcessLookupError):
                self._backend.terminate()
            await self._backend.wait()
            _done, running = await asyncio.wait({self._poll_task}, timeout=READER_GRACE)
            for task in running:  # its output held open by something else: stop waiting
                task.cancel()
            self._responses.clear()

        def _settle(self, answer: dict) -> None:
            payload = answer.get("payload") or {}
            wanted = self._responses.get(answer.get("message_id") or -1)
            # An error about a message Pagefind could not read names no message: fail them all.
            for future in [wanted] if wanted else list(self._responses.values()):
                if future is None or future.done():
                    continue
                if payload.get("type") == "Error":
                    future.set_exception(Exception(payload.get("message", "unknown error")))
                elif wanted:
                    future.set_result(payload)  # type: ignore[arg-type]

    return Service()


class IndexerStopped(Exception):
    """Pagefind's process ended while requests were waiting for its answers."""


def version_of_pagefind() -> str:
    """Part of the fingerprint: another Pagefind writes another index."""
    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "none"
