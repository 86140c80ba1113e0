"""Broadsheet build benchmark: prints a table, asserts nothing.

    python tests/perf/bench.py --sizes 1000 10000 --cold-only 50000 --runs 3

For each corpus size N it generates N seeded articles (tests/perf/corpus.py)
as a site with the default theme, then times whole `broadsheet build`
processes: a cold build (no cache, no output), a rebuild with nothing
changed, one article edited, one tag added to one article, one article
deleted; and a cold build with `search: false`, whose difference from the
cold build is what the search index costs. Each figure is the median of
--runs runs. It also times Python-Markdown alone over the same bodies with
the same extensions (the floor), on one core and spread over the same
number of processes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

SITE_YAML = """title: "Benchmark Digest"
base_url: "https://bench.example.org/"
timezone: UTC
paginate: 10
"""


def tree_memory(pid: int) -> tuple[int, int]:
    """(summed PSS, largest RSS) in bytes of a process and all its descendants.

    Forked workers share most of their memory with the parent; RSS counts
    shared pages in every process, PSS divides them among the sharers, so
    the PSS sum is what the build really occupies.
    """
    pss = largest = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        largest = max(largest, int(line.split()[1]) * 1024)
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return pss, largest


def run_build(site: Path, *extra: str) -> dict:
    """One whole `broadsheet build` process: wall, CPU, peak RSS, files written."""
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "builder", "build", *extra], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = largest = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, largest
        while not done.is_set():
            pss, rss = tree_memory(proc.pid)
            peak, largest = max(peak, pss), max(largest, rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = os.times()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{err}")
    written = re.search(r"(\d+) files written", err)
    return {
        "wall": wall,
        "cpu": (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        "pss": peak / 2**20,
        "rss": largest / 2**20,
        "written": int(written.group(1)) if written else 0,
    }


def _bodies(content: Path) -> list[str]:
    return [p.read_text("utf-8").split("---\n", 2)[2] for p in sorted(content.glob("*.md"))]


def _convert_all(bodies: list[str]) -> int:
    import markdown

    from builder.core.models import MarkdownConfig
    from builder.read.markup import _markdown

    md: markdown.Markdown = _markdown(MarkdownConfig())
    for body in bodies:
        md.reset()
        md.convert(body)
    return len(bodies)


def markdown_floor(content: Path, jobs: int) -> tuple[float, float]:
    """Seconds for Python-Markdown alone: (one core, `jobs` processes)."""
    bodies = _bodies(content)
    started = time.perf_counter()
    _convert_all(bodies)
    one = time.perf_counter() - started
    chunks = [bodies[i::jobs] for i in range(jobs)]
    started = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_convert_all, chunks))
    return one, time.perf_counter() - started


def median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def bench_size(n: int, runs: int, cold_only: bool, jobs: int, workdir: Path) -> list[tuple]:
    site = workdir / f"site-{n}"
    content = site / "content"
    if not content.exists():
        print(f"generating {n} articles…", file=sys.stderr)
        corpus.generate(n, content)
    (site / "site.yaml").write_text(SITE_YAML)
    rows = []
    cold = []
    for _ in range(runs):
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".broadsheet-cache", ignore_errors=True)
        cold.append(run_build(site, "--jobs", str(jobs)))
    rows.append((n, "cold build", median(cold)))
    # The same without the search index: the difference is what indexing costs.
    (site / "site.yaml").write_text(SITE_YAML + "search: false\n")
    unindexed = []
    for _ in range(runs):
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".broadsheet-cache", ignore_errors=True)
        unindexed.append(run_build(site, "--jobs", str(jobs)))
    rows.append((n, "cold build, search: false", median(unindexed)))
    (site / "site.yaml").write_text(SITE_YAML)
    shutil.rmtree(site / "output", ignore_errors=True)  # the later scenarios start indexed
    shutil.rmtree(site / ".broadsheet-cache", ignore_errors=True)
    run_build(site, "--jobs", str(jobs))
    if not cold_only:
        rows.append((n, "no-change rebuild", median([run_build(site) for _ in range(runs)])))
        files = sorted(content.glob("*.md"))
        edits, tagged, deleted = [], [], []
        for k in range(runs):
            target = files[len(files) // 2 + k]
            target.write_text(target.read_text("utf-8") + f"\nA late correction, number {k}.\n")
            edits.append(run_build(site))
        for k in range(runs):
            target = files[len(files) // 3 + k]
            text = target.read_text("utf-8").replace("tags:\n", f'tags:\n  - "Bench tag {k}"\n', 1)
            target.write_text(text)
            tagged.append(run_build(site))
        for k in range(runs):
            files[len(files) // 4 + k].unlink()
            deleted.append(run_build(site))
        rows += [(n, "one article edited", median(edits)),
                 (n, "one tag added", median(tagged)),
                 (n, "one article deleted", median(deleted))]
        shutil.rmtree(site)  # the corpus was edited: start clean next time
    one, spread = markdown_floor(content, jobs) if content.exists() else (0.0, 0.0)
    if not content.exists():
        corpus.generate(n, content)
        one, spread = markdown_floor(content, jobs)
    rows.append((n, "Markdown floor, 1 core", {"wall": one}))
    rows.append((n, f"Markdown floor, {jobs} processes", {"wall": spread}))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--cold-only", type=int, nargs="*", default=[],
                        help="sizes for which only the cold build is timed")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--workdir", type=Path, help="keep corpora here (default: a temp dir)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="broadsheet-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows += bench_size(n, args.runs, False, args.jobs, workdir)
    for n in args.cold_only:
        rows += bench_size(n, 1, True, args.jobs, workdir)
    print(f"\n{os.cpu_count()} cores, --jobs {args.jobs}, median of {args.runs} runs "
          "(cold-only sizes: 1 run)\n")
    print("| articles | scenario | wall s | CPU s | peak memory MiB (PSS, all processes) "
          "| largest process RSS MiB | files written | ms/article |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, name, r in rows:
        cpu = f"{r['cpu']:.2f}" if "cpu" in r else ""
        pss = f"{r['pss']:.0f}" if "pss" in r else ""
        rss = f"{r['rss']:.0f}" if "rss" in r else ""
        written = str(int(r["written"])) if "written" in r else ""
        print(f"| {n:,} | {name} | {r['wall']:.2f} | {cpu} | {pss} | {rss} | {written} | "
              f"{r['wall'] / n * 1000:.2f} |")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
