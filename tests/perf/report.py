"""The benchmark's output: one Markdown table, then the lines the table cannot hold.

The table has the columns docs/performance.md uses, so a run can be pasted
there as is; scaling with cores, the extrapolation to 1,000,000 articles
and the issue's targets follow as plain lines, each with the formula or the
figures it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builds import BuildRun
from floor import Floor
from serve_latency import Figure, ServeFigures
from sites import CorpusStats

HEADER = (
    "| articles | scenario | wall s | CPU s | peak memory MiB (PSS, all processes) "
    "| largest process RSS MiB | files written | ms/article |"
)
RULE = "|---:|---|---:|---:|---:|---:|---:|---:|"
EXTRAPOLATE_TO = 1_000_000
RUNNER_CORES = (2, 4, 8, 16)
SEARCH_WORDS = ("search", "index")


@dataclass(frozen=True)
class Row:
    """One line of the table; `missing` is shown instead of the figures when set."""

    articles: int
    scenario: str
    wall: float | None = None
    cpu: float | None = None
    pss: float | None = None
    rss: float | None = None
    written: int | None = None
    missing: str = ""
    per_article: bool = True  # a serve latency is per edit, not per article

    @classmethod
    def of_build(cls, n: int, scenario: str, run: BuildRun) -> Row:
        if run.error:
            return cls(n, scenario, missing=f"n/a (build failed: {run.error})")
        return cls(n, scenario, run.wall, run.cpu, run.pss, run.rss, run.written)

    @classmethod
    def of_figure(
        cls,
        n: int,
        scenario: str,
        figure: Figure,
        written: Figure | None = None,
    ) -> Row:
        count = int(written.value) if written and written.value is not None else None
        if figure.value is None:
            return cls(n, scenario, missing=figure.text(), per_article=False)
        return cls(n, scenario, figure.value, written=count, per_article=False)

    def line(self) -> str:
        def cell(value: float | None, digits: int) -> str:
            return "" if value is None else f"{value:.{digits}f}"

        if self.missing:
            shown = self.missing.replace("|", "/")  # a reason must not split the row
            return f"| {self.articles:,} | {self.scenario} | {shown} |  |  |  |  |  |"
        timed = self.per_article and self.wall is not None
        per = f"{(self.wall or 0.0) / self.articles * 1000:.2f}" if timed else ""
        written = "" if self.written is None else str(self.written)
        return (
            f"| {self.articles:,} | {self.scenario} | {cell(self.wall, 2)} | "
            f"{cell(self.cpu, 2)} | {cell(self.pss, 0)} | {cell(self.rss, 0)} | {written} "
            f"| {per} |"
        )


@dataclass
class SizeResult:
    """Everything measured at one corpus size (cold-only sizes leave most of it empty)."""

    n: int
    corpus: CorpusStats
    cold: BuildRun
    rows: list[Row] = field(default_factory=list)
    output: tuple[int, int] = (0, 0)  # files and folders the cold build left in output/
    jobs1: BuildRun | None = None
    rebuild: BuildRun | None = None
    ci: BuildRun | None = None
    floor: Floor | None = None
    serve: ServeFigures | None = None


def table(results: list[SizeResult]) -> list[str]:
    return [HEADER, RULE, *(row.line() for r in results for row in r.rows)]


def profile_line(r: SizeResult) -> str:
    files, folders = r.output
    return (
        f"profile of the cold build at {r.n:,} (--timings): {stage_text(r.cold)}; "
        f"output/: {files:,} files in {folders:,} folders"
    )


def stage_text(run: BuildRun) -> str:
    return ", ".join(f"{name} {sec:.2f} s" for name, sec in run.stages) or "n/a (no --timings line)"


def search_text(r: SizeResult) -> str:
    """The search-indexing stage of the cold build and of the no-change rebuild, if any."""

    def stage(run: BuildRun | None) -> tuple[str, float] | None:
        for name, sec in run.stages if run else ():
            if any(word in name.lower() for word in SEARCH_WORDS):
                return name, sec
        return None

    cold = stage(r.cold)
    if cold is None:
        return f"search index at {r.n:,}: n/a (no search or index stage in the build's --timings)"
    again = stage(r.rebuild)
    unchanged = (
        "not re-indexed (no such stage)"
        if r.rebuild and again is None
        else f"{again[1]:.2f} s"
        if again
        else "n/a"
    )
    return (
        f"search index at {r.n:,}: cold build {cold[1]:.2f} s (stage `{cold[0]}`); "
        f"no-change rebuild: {unchanged}"
    )


def per_article_cpu(run: BuildRun, n: int, fixed: BuildRun | None) -> float:
    """CPU seconds an article costs: the cold build's CPU less the fixed cost's, over n.

    CPU rather than wall time: on a machine shared with other work the wall
    time grows with the load, the CPU an article needs much less.
    """
    base = fixed.cpu if fixed and not fixed.error else 0.0
    return max(run.cpu - base, 0.0) / max(n - 1 if fixed else n, 1)


def scaling_lines(results: list[SizeResult], jobs: int) -> list[str]:
    lines = []
    for r in results:
        if r.jobs1 and not r.jobs1.error and not r.cold.error:
            lines.append(
                f"scaling at {r.n:,}: cold build --jobs 1 {r.jobs1.wall:.2f} s "
                f"(CPU {r.jobs1.cpu:.2f} s), --jobs {jobs} {r.cold.wall:.2f} s "
                f"(CPU {r.cold.cpu:.2f} s): {r.jobs1.wall / r.cold.wall:.2f}× faster "
                f"on {jobs} processes (ideal {jobs}×)"
            )
    return lines


def extrapolation_lines(results: list[SizeResult], fixed: BuildRun | None, cores: int) -> list[str]:
    """Per-article cost at every cold size, and 1,000,000 articles from the largest."""
    colds = [r for r in results if not r.cold.error]
    if not colds:
        return []
    lines = [
        "per-article cost of a cold build (CPU of the build and its workers, less the "
        "fixed cost, per article): "
        + "; ".join(
            f"{r.n:,}: {per_article_cpu(r.cold, r.n, fixed) * 1000:.2f} ms CPU, "
            f"{r.cold.wall / r.n * 1000:.2f} ms wall"
            for r in colds
        )
    ]
    if fixed is None or fixed.error:
        return [*lines, "extrapolation: n/a (the fixed cost was not measured)"]
    big = max(colds, key=lambda r: r.n)
    per = per_article_cpu(big.cold, big.n, fixed)
    lines.append(
        f"fixed cost F: a cold build of a 1-article site, {fixed.wall:.2f} s wall "
        f"(CPU {fixed.cpu:.2f} s)"
    )
    lines.append(
        f"check at {big.n:,} on {cores} cores: F + c × N / cores = {fixed.wall:.2f} + "
        f"{per * 1000:.3f} ms × {big.n:,} / {cores} = "
        f"{fixed.wall + per * big.n / cores:.1f} s predicted, "
        f"{big.cold.wall:.1f} s measured"
    )
    guesses = ", ".join(
        f"{k} cores {(fixed.wall + per * EXTRAPOLATE_TO / k) / 60:.1f} min" for k in RUNNER_CORES
    )
    lines.append(
        f"extrapolated to {EXTRAPOLATE_TO:,} articles from {big.n:,}, "
        f"F + c × {EXTRAPOLATE_TO:,} / cores with c = {per * 1000:.3f} ms CPU an "
        f"article, as if the work spread perfectly over the cores (the --jobs 1 line "
        f"above shows how near {cores} cores come to that): {guesses}"
    )
    per_mib = max(big.cold.pss - fixed.pss, 0.0) / max(big.n - 1, 1)
    lines.append(
        f"memory at {EXTRAPOLATE_TO:,}, if it grows linearly: {fixed.pss:.0f} MiB + "
        f"({big.cold.pss:.0f} − {fixed.pss:.0f}) MiB PSS / {big.n:,} × "
        f"{EXTRAPOLATE_TO:,} ≈ {(fixed.pss + per_mib * EXTRAPOLATE_TO) / 1024:.1f} GiB"
    )
    return lines


def _verdict(value: float | None, limit: float) -> str:
    return "n/a" if value is None else "met" if value <= limit else "missed"


def target_lines(r: SizeResult) -> list[str]:
    """The issue's targets at one fully measured size, each with its figure."""
    lines = [f"targets at {r.n:,} articles:"]
    s = r.serve
    if s:
        lines.append(
            f"  1. serve edit → page ≤ 0.3 s: {s.edit.text()} [{_verdict(s.edit.value, 0.3)}]"
        )
        lines.append(
            f"  1. serve add → lists and feed ≤ 1 s: {s.add.text()} "
            f"[{_verdict(s.add.value, 1.0)}]; delete: {s.delete.text()} "
            f"[{_verdict(s.delete.value, 1.0)}]"
        )
        lines.append(
            f"  1. serve first start on a warm cache ≤ 2 s, nothing re-rendered: "
            f"{s.warm_start.text()} [{_verdict(s.warm_start.value, 2.0)}], "
            f"re-rendered {s.warm_start_rendered.text('', 0)}"
        )
    if r.ci:
        shown = (
            f"n/a ({r.ci.error})"
            if r.ci.error
            else f"{r.ci.wall:.2f} s, {r.ci.written} files written (--timings: {stage_text(r.ci)})"
        )
        lines.append(
            f"  2. CI warm build (1 added, 1 edited) ≤ 1.0 s: {shown} "
            f"[{_verdict(None if r.ci.error else r.ci.wall, 1.0)}]"
        )
    if r.floor and not r.cold.error:
        ratio = r.cold.wall / r.floor.wall
        lines.append(
            f"  3. cold ≤ 1.3 × floor: {r.cold.wall:.2f} s / {r.floor.wall:.2f} s = "
            f"{ratio:.2f}× [{_verdict(ratio, 1.3)}]; in CPU of all processes "
            f"{r.cold.cpu:.2f} s / {r.floor.cpu:.2f} s = {r.cold.cpu / r.floor.cpu:.2f}×"
        )
    if not r.cold.error:
        lines.append(
            f"  4. peak PSS ≤ 300 MiB (at 10,000): {r.cold.pss:.0f} MiB (largest "
            f"process RSS {r.cold.rss:.0f} MiB) [{_verdict(r.cold.pss, 300)}]"
        )
    lines.append(f"  5. {search_text(r)}")
    return lines


def cold_only_targets(results: list[SizeResult]) -> list[str]:
    """Target 4 for the large cold-only sizes: within 2 GiB, the same cost per article."""
    return [
        f"  4. {r.n:,} articles cold within 2 GiB: {r.cold.pss:.0f} MiB PSS "
        f"(largest process RSS {r.cold.rss:.0f} MiB) [{_verdict(r.cold.pss, 2048)}]"
        for r in results
        if not r.cold.error
    ]


def corpus_line(r: SizeResult) -> str:
    c = r.corpus
    return (
        f"corpus {r.n:,}: {c.articles:,} articles, {c.words:,} words, {c.files:,} files, "
        f"{c.megabytes:.1f} MB"
    )
