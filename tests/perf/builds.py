"""Whole `broadsheet build` processes, timed: wall, CPU, memory, files written, stages.

Whole processes, because that is what an editor and CI wait for:
interpreter start-up and imports count. Every build runs with --timings so
the stage profile (and a search-index stage, once there is one) comes with
every figure. The builder is always this checkout's (PYTHONPATH), never an
installed copy.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from sites import REPO

WORKFLOW = REPO / "builder" / "scaffold" / "github" / "workflows" / "publish.yml"
_WRITTEN = re.compile(r"(\d[\d,]*) (?:files|pages) (?:written|rendered)")
_STAGE = re.compile(r"^([A-Za-z][\w /+()-]*?) (\d+(?:\.\d+)?) s$")


@dataclass(frozen=True)
class BuildRun:
    """One build: seconds, memory in MiB, files written (None if the log does not say)."""

    wall: float
    cpu: float = 0.0
    pss: float = 0.0  # peak of the PSS of the build and its workers, added up
    rss: float = 0.0  # the largest single process's RSS
    written: int | None = None
    stages: tuple[tuple[str, float], ...] = ()
    error: str = ""  # why the build failed; the figures are then meaningless


def builder_env() -> dict[str, str]:
    """This checkout's builder first on the path, output unbuffered (serve is read live)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def tree_memory(pid: int) -> tuple[int, int]:
    """(summed PSS, largest RSS) in bytes of a process and all its descendants, those
    started by any of its threads included.

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
            # A child belongs to the thread that started it: Pagefind is started from
            # the indexing threads, so every thread's children are counted.
            tasks = os.listdir(f"/proc/{current}/task")
        except (OSError, ValueError):
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
            except (OSError, ValueError):  # that thread ended meanwhile
                continue
    return pss, largest


def run_build(site: Path, *extra: str) -> BuildRun:
    """One whole `broadsheet build --timings` process in `site`, memory sampled every 50 ms."""
    before = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "--timings", *extra],
        cwd=site,
        env=builder_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
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
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    after = os.times()
    log = out + err
    if proc.returncode != 0:
        lines = [line for line in log.splitlines() if line.strip()]
        return BuildRun(wall, error=f"exit {proc.returncode}: " + " / ".join(lines[-3:]))
    return BuildRun(
        wall,
        (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        peak / 2**20,
        largest / 2**20,
        written_count(log),
        stages_of(log),
    )


def written_count(log: str) -> int | None:
    """Files a build wrote, read loosely from its summary line ("nothing changed" is 0)."""
    found = _WRITTEN.search(log)
    if found:
        return int(found.group(1).replace(",", ""))
    return 0 if "nothing changed" in log else None


def stages_of(log: str) -> tuple[tuple[str, float], ...]:
    """The --timings line: `name 1.23 s` pairs joined by commas, on a line of their own."""
    for line in log.splitlines():
        parts = [_STAGE.match(p.strip()) for p in line.strip().split(", ")]
        if line.strip() and all(parts):
            return tuple((m.group(1), float(m.group(2))) for m in parts if m)
    return ()


def median(runs: list[BuildRun]) -> BuildRun:
    """The median of each figure; the stages of the run with the median wall time."""
    failed = [r for r in runs if r.error]
    if failed:
        return failed[0]
    middle = sorted(runs, key=lambda r: r.wall)[len(runs) // 2]
    written = [r.written for r in runs if r.written is not None]
    return replace(
        middle,
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        pss=statistics.median(r.pss for r in runs),
        rss=statistics.median(r.rss for r in runs),
        written=int(statistics.median(written)) if written else None,
    )


def cold(site: Path, *extra: str) -> BuildRun:
    """No cache, no output folder: a first build."""
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".broadsheet-cache", ignore_errors=True)
    return run_build(site, *extra)


@dataclass(frozen=True)
class CiStep:
    """What the publish workflow `init` writes restores and how it builds."""

    restored: tuple[str, ...]  # paths beside site.yaml that its cache step restores
    build_args: tuple[str, ...]  # the arguments after `broadsheet build`


def ci_step(workflow: Path = WORKFLOW) -> CiStep:
    """Read the workflow itself, so the benchmark follows it when it changes."""
    restored: list[str] = []
    args: tuple[str, ...] = ()
    try:
        data = yaml.safe_load(workflow.read_text("utf-8"))
        steps = [s for job in data["jobs"].values() for s in job.get("steps", [])]
    except (OSError, yaml.YAMLError, KeyError, AttributeError, TypeError):
        steps = []
    for step in steps:
        if "actions/cache" in str(step.get("uses", "")):
            restored += str(step.get("with", {}).get("path", "")).split()
        for line in str(step.get("run", "")).splitlines():
            if line.strip().startswith("broadsheet build"):
                args = tuple(line.split()[2:])
    return CiStep(tuple(restored) or (".broadsheet-cache",), args)


def ci_checkout(site: Path, previous: Path, step: CiStep) -> None:
    """`site` as a CI runner has it: a fresh checkout of `previous` (new files, new
    mtimes and inodes, as git writes them) plus what the cache step restores."""
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    shutil.copy(previous / "site.yaml", site / "site.yaml")
    shutil.copytree(previous / "content", site / "content", copy_function=shutil.copy)
    for rel in step.restored:
        source = previous / rel
        if source.is_dir():
            shutil.copytree(source, site / rel, symlinks=True)
        elif source.is_file():
            shutil.copy2(source, site / rel)
