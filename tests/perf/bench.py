"""Broadsheet benchmark: every figure of the speed issue in one run; asserts nothing.

    python tests/perf/bench.py --sizes 10000 --cold-only 100000 --runs 3

For each size N in --sizes it generates N seeded articles (the shared
generator, see sites.py) under the example site's site.yaml and times whole
processes:

* builds: cold (no cache, no output) with --jobs J and with --jobs 1, no
  change, one article edited, one tag added, one article deleted, and the
  CI warm build (a fresh checkout with the cache the publish workflow
  restores, one article added and one edited since the last build);
* the Markdown floor: a fresh markdown.markdown() per article with
  Broadsheet's extensions, over J processes (floor.py);
* serve: first start on a warm cache, an edit reaching its page, an added
  and a deleted article reaching the lists and feed (serve_latency.py).

For each size in --cold-only only the cold build and the floor, for the
per-article cost; a cold build of a 1-article site gives the fixed cost, and
the largest cold size is extrapolated to 1,000,000 articles. Build figures
are medians of --runs runs. Memory is sampled every 50 ms (builds.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))  # this checkout's builder
import builds  # noqa: E402
import floor  # noqa: E402
import report  # noqa: E402
import serve_latency  # noqa: E402
import sites  # noqa: E402
from builds import BuildRun, median, run_build  # noqa: E402
from report import Row, SizeResult  # noqa: E402

SCENARIOS = ("cold", "jobs1", "rebuild", "edit", "tag", "delete", "ci", "floor", "serve", "fixed")
SERVE_EDITS = 5


def bench_full(n: int, args: argparse.Namespace, generator: sites.Generator) -> SizeResult:
    """Every scenario the options select, at one size, in an order that lets each reuse
    the state the previous one left (the serve figures need the cache CI left warm)."""
    want, runs, jobs = set(args.scenarios), args.runs, str(args.jobs)
    corpus = sites.pristine_corpus(n, generator, args.workdir)
    site = sites.make_site(corpus, args.workdir / f"site-{n}")
    content = site / "content"
    jobs1 = builds.cold(site, "--jobs", "1") if "jobs1" in want and args.jobs > 1 else None
    result = SizeResult(
        n,
        sites.corpus_stats(content),
        median([builds.cold(site, "--jobs", jobs) for _ in range(runs)]),
    )
    result.output = sites.tree_counts(site / "output")
    rows = result.rows
    rows.append(Row.of_build(n, f"cold build, --jobs {jobs}", result.cold))
    if jobs1:
        result.jobs1 = jobs1
        rows.append(Row.of_build(n, "cold build, --jobs 1", jobs1))
    if "rebuild" in want:
        result.rebuild = median([run_build(site) for _ in range(runs)])
        rows.append(Row.of_build(n, "no-change rebuild", result.rebuild))
    files = sites.articles(content)
    for name, scenario, change in (
        (
            "edit",
            "one article edited",
            lambda k: sites.edit(
                files[(len(files) // 2 + k) % len(files)], f"A late correction, number {k}."
            ),
        ),
        (
            "tag",
            "one tag added",
            lambda k: sites.add_tag(files[(len(files) // 3 + k) % len(files)], f"Bench tag {k}"),
        ),
        (
            "delete",
            "one article deleted",
            lambda k: files[(len(files) // 4 + k) % len(files)].unlink(missing_ok=True),
        ),
    ):
        if name in want:
            timed = []
            for k in range(runs):
                change(k)
                timed.append(run_build(site))
            rows.append(Row.of_build(n, scenario, median(timed)))
    if "ci" in want:
        result.ci = ci_warm(site, runs, args.workdir)
        rows.append(Row.of_build(n, "CI warm build (cache restored, 1 added, 1 edited)", result.ci))
    if "floor" in want:
        rows.append(floor_row(result, site, corpus, args.jobs))
    if "serve" in want:
        result.serve = serve_figures(site, args.serve_start_limit)
        rows += serve_rows(n, result.serve)
    shutil.rmtree(site, ignore_errors=True)
    return result


def floor_row(result: SizeResult, site: Path, corpus: Path, jobs: int) -> Row:
    """Measure the Markdown floor over the pristine corpus into `result`; its table row."""
    result.floor = floor.markdown_floor(site, corpus, jobs)
    return Row(result.n, f"Markdown floor, {jobs} processes", result.floor.wall, result.floor.cpu)


def ci_warm(site: Path, runs: int, workdir: Path) -> BuildRun:
    """The publish workflow's build on a fresh checkout at the same path, with its cache
    restored and one article added and one edited since the build that saved it."""
    step = builds.ci_step()
    previous = workdir / f"{site.name}-last-build"
    shutil.rmtree(previous, ignore_errors=True)
    site.rename(previous)
    timed = []
    try:
        for k in range(runs):
            builds.ci_checkout(site, previous, step)
            content = site / "content"
            files = sites.articles(content)
            sites.add_article(content, f"ci-added-{k}", sites.newest(content), f"ci-added-{k}")
            sites.edit(files[len(files) // 5], f"A CI correction, number {k}.")
            # The synthetic corpus repeats links within links.window, which --strict
            # turns into errors; the build does the same work either way, so the bench
            # measures the workflow's build without it rather than a refusal.
            args = [a for a in step.build_args if a != "--strict"]
            timed.append(run_build(site, *args))
    finally:
        shutil.rmtree(previous, ignore_errors=True)
    return median(timed)


def serve_figures(site: Path, start_limit: float) -> serve_latency.ServeFigures:
    from builder.config import load_config

    base_path = load_config(site / "site.yaml").base_path
    return serve_latency.measure(site, base_path, SERVE_EDITS, start_limit)


def serve_rows(n: int, s: serve_latency.ServeFigures) -> list[Row]:
    return [
        Row.of_figure(
            n,
            "serve: first start on a warm cache → first page (files written: pages re-rendered)",
            s.warm_start,
            s.warm_start_rendered,
        ),
        Row.of_figure(n, "serve: first start → its first build done (its own folder)", s.ready),
        Row.of_figure(n, f"serve: edit → page served (median of {SERVE_EDITS})", s.edit),
        Row.of_figure(n, "serve: article added → front page, tag page, feed.xml", s.add),
        Row.of_figure(n, "serve: article deleted → front page, tag page, feed.xml", s.delete),
    ]


def bench_cold_only(n: int, args: argparse.Namespace, generator: sites.Generator) -> SizeResult:
    corpus = sites.pristine_corpus(n, generator, args.workdir)
    site = sites.make_site(corpus, args.workdir / f"site-{n}")
    result = SizeResult(
        n, sites.corpus_stats(site / "content"), builds.cold(site, "--jobs", str(args.jobs))
    )
    result.output = sites.tree_counts(site / "output")
    result.rows.append(Row.of_build(n, f"cold build, --jobs {args.jobs}", result.cold))
    if "floor" in args.scenarios:
        result.rows.append(floor_row(result, site, corpus, args.jobs))
    shutil.rmtree(site, ignore_errors=True)
    return result


def fixed_cost(args: argparse.Namespace, generator: sites.Generator) -> BuildRun:
    """A cold build of one article: start-up, imports, pools, theme, the fixed outputs."""
    site = sites.make_site(
        sites.pristine_corpus(1, generator, args.workdir), args.workdir / "site-1"
    )
    run = builds.cold(site, "--jobs", str(args.jobs))
    shutil.rmtree(site, ignore_errors=True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[10000], help="sizes measured in every scenario"
    )
    parser.add_argument(
        "--cold-only",
        type=int,
        nargs="*",
        default=[100000],
        help="sizes for which only the cold build (and floor) is timed",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--scenarios",
        nargs="*",
        choices=SCENARIOS,
        default=list(SCENARIOS),
        help="what to measure (the cold build always is)",
    )
    parser.add_argument(
        "--corpus-generator",
        type=Path,
        help="a gen_corpus.py taking --n --out --seed "
        "(default: ../shared/bench/gen_corpus.py beside the repository)",
    )
    parser.add_argument(
        "--serve-start-limit",
        type=float,
        default=300.0,
        help="seconds to wait for serve to start serving",
    )
    parser.add_argument("--workdir", type=Path, help="keep corpora here (default: a temp dir)")
    args = parser.parse_args()
    args.cold_only = [n for n in args.cold_only if n > 0]
    keep = args.workdir is not None
    args.workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="broadsheet-bench-"))).resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    generator = sites.find_generator(args.corpus_generator)
    load = os.getloadavg()
    try:
        full = [bench_full(n, args, generator) for n in args.sizes]
        cold_only = [bench_cold_only(n, args, generator) for n in args.cold_only]
        fixed = fixed_cost(args, generator) if "fixed" in args.scenarios else None
    finally:
        if not keep:
            shutil.rmtree(args.workdir, ignore_errors=True)
    print_report(args, generator, full, cold_only, fixed, load)


def print_report(
    args: argparse.Namespace,
    generator: sites.Generator,
    full: list[SizeResult],
    cold_only: list[SizeResult],
    fixed: BuildRun | None,
    load: tuple[float, float, float],
) -> None:
    cores = os.cpu_count() or 1
    results = full + cold_only
    print(
        f"\nbroadsheet from {sites.REPO}; Python {platform.python_version()}; {cores} cores; "
        f"--jobs {args.jobs}; build figures: median of {args.runs} "
        f"run{'s' if args.runs != 1 else ''} (cold-only sizes: 1 run); load average "
        f"{load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"corpus generator: {generator.path} ({generator.label}); site.yaml: the example "
        f"site's ({sites.REPO / 'site.yaml'})"
    )
    if "floor" in args.scenarios:
        print(
            "Markdown floor extensions (from builder/read/markup.py): "
            + ", ".join(floor.extension_names(sites.REPO))
        )
    for r in results:
        print(report.corpus_line(r))
    print()
    print("\n".join(report.table(results)))
    print()
    for r in results:
        print(report.profile_line(r))
    for line in report.scaling_lines(full, args.jobs):
        print(line)
    for line in report.extrapolation_lines(results, fixed, cores):
        print(line)
    for r in full:
        print("\n".join(report.target_lines(r)))
    for line in report.cold_only_targets(cold_only):
        print(line)


if __name__ == "__main__":
    main()
