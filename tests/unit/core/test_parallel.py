"""The one fork pool: ordered results, inherited work, signals left to the parent, clean stops."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from builder.core import parallel
from builder.core.parallel import WorkerDied, fork_map

REPO = Path(__file__).resolve().parents[3]


def test_results_come_in_the_order_of_the_items_whatever_the_chunks() -> None:
    items = list(range(103))
    factor = 7  # a closure: the work reaches the workers by fork, never pickled
    for chunk in (1, 5, 16, 200):
        assert list(fork_map(lambda x: x * factor, items, 3, chunk)) == [x * 7 for x in items]


def test_the_work_runs_in_forked_workers_that_ignore_ctrl_c_and_sigterm() -> None:
    def where(_: int) -> tuple[int, object, object]:
        return os.getpid(), signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    seen = list(fork_map(where, list(range(40)), 2, 4))
    assert os.getpid() not in {pid for pid, _, _ in seen}
    assert {(i, t) for _, i, t in seen} == {(signal.SIG_IGN, signal.SIG_IGN)}
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the parent keeps its own


def test_one_job_runs_it_all_here() -> None:
    assert set(fork_map(lambda _: os.getpid(), list(range(10)), 1, 4)) == {os.getpid()}


def test_an_error_in_the_work_reaches_the_parent() -> None:
    def work(x: int) -> int:
        if x == 11:
            raise ValueError("eleven")
        return x

    with pytest.raises(ValueError, match="eleven"):
        list(fork_map(work, list(range(30)), 2, 4))
    assert parallel._task is None and gc.get_freeze_count() == 0


def test_a_killed_worker_is_reported_not_waited_for() -> None:
    def work(x: int) -> int:
        if x == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return x

    with pytest.raises(WorkerDied, match="a worker process died") as info:
        list(fork_map(work, list(range(20)), 2, 2))
    assert isinstance(info.value, OSError)  # reported as one line, like a disk error


def test_the_error_names_the_item_the_dead_worker_was_on() -> None:
    def work(x: int) -> int:
        if x == 13:
            os.kill(os.getpid(), signal.SIGKILL)
        return x

    with pytest.raises(WorkerDied) as info:
        list(fork_map(work, list(range(40)), 2, 4, lambda x: f"content/item-{x}.md"))
    assert info.value.filename == "content/item-13.md"
    assert info.value.strerror == (
        "a worker process died while working on this file (killed "
        "by SIGKILL: out of memory?); build again, or with --jobs 1"
    )
    assert str(info.value) == f"content/item-13.md: {info.value.strerror}"
    assert parallel._task is None and gc.get_freeze_count() == 0


def test_a_worker_that_exits_is_reported_with_its_exit_code() -> None:
    def work(x: int) -> int:
        if x == 2:
            os._exit(3)
        return x

    with pytest.raises(WorkerDied) as info:
        list(fork_map(work, list(range(10)), 2, 1, str))
    assert (info.value.filename, info.value.strerror) == (
        "2",
        "a worker process died while working on this file (exit code 3); build again, "
        "or with --jobs 1",
    )


def run_script(code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Python `code` in a process of its own, this checkout first on the path. A hang fails
    the test (by the timeout) instead of hanging the suite."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the script hung for {timeout} s")


def test_a_dead_worker_does_not_leave_the_others_blocked_sending_results() -> None:
    """The others are sending big results down a pipe nobody reads once the pool is broken,
    and ignore SIGTERM: the pool's own clean-up waited for them forever."""
    done = run_script("""
        import os, signal, time
        from builder.core.parallel import WorkerDied, fork_map

        def work(x):
            if x == 3:
                time.sleep(0.3)  # the other worker is busy sending by now
                os.kill(os.getpid(), signal.SIGKILL)
            return b"x" * 4_000_000

        try:
            for _ in fork_map(work, list(range(60)), 2, 1, str):
                pass
        except WorkerDied as exc:
            print(exc)
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "3: a worker process died while working on this file (killed by "
        "SIGKILL: out of memory?); build again, or with --jobs 1\n"
    )


def test_stopping_early_kills_workers_busy_with_long_items() -> None:
    """Ctrl-C, or a consumer that fails: the pool does not wait for the running chunks."""
    done = run_script(
        """
        import time
        from builder.core.parallel import fork_map

        results = fork_map(lambda x: x if x == 0 else time.sleep(600), list(range(8)), 2, 1)
        print(next(results))
        results.close()
        print("stopped")
    """,
        timeout=30,
    )
    assert (done.returncode, done.stdout) == (0, "0\nstopped\n"), done.stderr


def gone(pid: int) -> bool:
    """The process has exited (a zombie nobody has reaped yet counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError):
        return stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    return False


def wait_until_gone(pids: list[int], seconds: float = 20) -> list[int]:
    """Poll until every pid has exited; the ones still alive after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(map(gone, pids)):
        time.sleep(0.05)
    return [pid for pid in pids if not gone(pid)]


KILL_ITSELF = """
    import os, signal, sys, time
    from builder.core import parallel

    if sys.argv[1] == "watch":
        parallel._prctl = lambda: None  # as where PR_SET_PDEATHSIG does not exist

    def work(x):
        time.sleep(0.05)
        return os.getpid()

    seen = set()
    for pid in parallel.fork_map(work, list(range(400)), 2, 1):
        seen.add(pid)
        if len(seen) == 2:
            print(*seen, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9 of the build
"""


@pytest.mark.parametrize("how", ["pdeathsig", "watch"])
def test_workers_die_with_their_parent(how: str, tmp_path: Path) -> None:
    if how == "pdeathsig" and not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    workers: list[int] = []
    with open(tmp_path / "stderr", "w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(KILL_ITSELF), how],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        assert proc.stdout is not None
        try:
            workers = [int(pid) for pid in proc.stdout.readline().split()]
            assert proc.wait(timeout=60) == -signal.SIGKILL, err.seek(0) or err.read()
            assert len(workers) == 2
            assert wait_until_gone(workers) == [], "workers outlived the build"
        finally:
            proc.stdout.close()
            for pid in workers:  # should the test fail, leave no process behind
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_closing_early_stops_the_pool_and_restores_the_parent() -> None:
    results = fork_map(lambda x: x, list(range(500)), 2, 1)
    assert next(results) == 0
    results.close()  # what contextlib.closing does on Ctrl-C or a failing consumer
    assert parallel._task is None
    assert gc.get_freeze_count() == 0


def test_pools_may_nest_one_after_the_other() -> None:
    outer = fork_map(lambda x: x + 1, list(range(10)), 2, 3)
    first = next(outer)
    inner = list(fork_map(lambda x: x * 2, list(range(10)), 2, 3))
    assert [first, *outer] == list(range(1, 11))
    assert inner == [x * 2 for x in range(10)]
