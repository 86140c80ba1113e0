"""Kills: of one pool worker (as the out-of-memory killer would), and of the build itself.

Real `python -m builder build --jobs 2` processes on a site big enough for
both pools (more than read.entries.POOL_MIN new files, more than
render.engine.PARALLEL_MIN pages: 160 articles make some 700) and no bigger,
since every build here is a cold one. The pool workers are found as the build's
children in /proc, so these tests run on Linux only. Nothing here measures
time: a hang shows as a subprocess timeout, a survivor as a process still
alive once a generous deadline has passed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder import write
from builder.read.entries import POOL_MIN
from builder.render.engine import PARALLEL_MIN

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "perf"))
import corpus  # noqa: E402

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="finds pool workers in /proc"
)
ARTICLES = 160
assert ARTICLES > POOL_MIN  # the read stage uses the pool; big_site checks the render stage
BUILD = [sys.executable, "-m", "builder", "build", "--no-cache", "--jobs", "2"]
DIED = re.compile(
    r"^\S+: error: a worker process died while working on this file "
    r"\(killed by SIGKILL: out of memory\?\); build again, or with --jobs 1$"
)


def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return {
        **base,
        "PYTHONPATH": str(REPO),
        "SOURCE_DATE_EPOCH": "1748779200",
        "PYTHONFAULTHANDLER": "1",
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def children(pid: int) -> set[int]:
    """The live child processes of `pid` that are pool workers (forks of the build, so the
    same program; not the search indexer it also starts), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if (
                int(fields[1]) == pid
                and fields[0] not in ("Z", "X")
                and (entry / "exe").resolve() == Path(f"/proc/{pid}/exe").resolve()
            ):
                found.add(int(entry.name))
    return found


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")  # a zombie has exited; only its parent's wait is missing


def survivors(pids: set[int], seconds: float = 20) -> set[int]:
    """The pids still alive once all have exited or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(map(gone, pids)):
        time.sleep(0.05)
    return {pid for pid in pids if not gone(pid)}


def workers_of(proc: subprocess.Popen, after: set[int] = frozenset()) -> set[int]:
    """Wait until the build has pool workers not in `after`; empty if it ended first."""
    while proc.poll() is None:
        found = children(proc.pid) - after
        if found:
            return found
        time.sleep(0.005)
    return set()


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A site of ARTICLES articles, and its complete build."""
    site = tmp_path_factory.mktemp("kills") / "site"
    corpus.generate(ARTICLES, site / "content" / "news")
    (site / "site.yaml").write_text(
        'title: "Kill Digest"\nbase_url: "https://example.org/"\n', "utf-8"
    )
    done = subprocess.run(BUILD, cwd=site, env=env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    built = tree(site / "output")
    pages = sum(1 for rel in built if rel.endswith(".html"))
    assert pages > PARALLEL_MIN, f"{pages} pages: too few for the render stage to use the pool"
    return site, built


@pytest.fixture
def site(big_site: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(big_site[0], copy)
    return copy


def run_build(site: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        BUILD, cwd=site, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str]) -> str:
    """The build's stderr once it has ended; a build still running after 120 s has hung."""
    try:
        return proc.communicate(timeout=120)[1]
    except subprocess.TimeoutExpired:
        left = children(proc.pid)
        proc.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: every thread's stack
        err = proc.communicate()[1]
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        pytest.fail(f"the build hung:\n{err}")


@pytest.mark.parametrize("stage", ["read", "render"])
def test_a_killed_worker_is_a_located_error_not_a_hang(
    site: Path, big_site: tuple[Path, dict[str, bytes]], stage: str
) -> None:
    for _attempt in range(3):  # the kill may land after the pool's last chunk: try again
        proc = run_build(site)
        seen = workers_of(proc)
        if stage == "render":  # the second pool: the first one's workers are gone
            while proc.poll() is None and not all(map(gone, seen)):
                time.sleep(0.005)
            seen = workers_of(proc, seen)
        if seen:
            time.sleep(0.2)  # working on a chunk by now
            os.kill(min(seen), signal.SIGKILL)
        err = finish(proc)
        if proc.returncode != 0:
            break
    lines = err.splitlines()
    assert proc.returncode == 1, err
    assert [line for line in lines if DIED.match(line)] != [], err
    assert lines[-1] == "build failed; output/ left as it was"
    assert "Traceback" not in err
    assert survivors(seen | children(proc.pid)) == set(), "a worker outlived the build"
    assert tree(site / "output") == big_site[1]
    assert [p for p in site.iterdir() if p.name.startswith(write.TMP_PREFIX)] == []
    again = subprocess.run(BUILD, cwd=site, env=env(), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr


def test_kill_9_of_the_build_leaves_no_worker_and_no_lock(
    site: Path, big_site: tuple[Path, dict[str, bytes]]
) -> None:
    proc = run_build(site)
    workers = workers_of(proc)
    assert workers, "the build ended before its pool started"
    time.sleep(0.1)
    workers |= children(proc.pid)
    proc.kill()
    finish(proc)
    assert proc.returncode == -signal.SIGKILL
    assert survivors(workers) == set(), "pool workers outlived the build"
    # They held the lock no more than the dead build does: the next build does not wait.
    done = subprocess.run(BUILD, cwd=site, env=env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "waiting for another build" not in done.stderr
    assert tree(site / "output") == big_site[1]
    assert [p for p in site.iterdir() if p.name.startswith(write.TMP_PREFIX)] == []
