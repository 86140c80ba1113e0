"""The one fork pool: ordered results, inherited work, signals left to the parent, clean stops."""

from __future__ import annotations

import gc
import os
import signal

import pytest

from builder.core import parallel
from builder.core.parallel import WorkerDied, fork_map


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
