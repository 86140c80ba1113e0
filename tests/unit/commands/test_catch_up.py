"""serve's search catch-up (builder/commands/catch_up.py): it runs once, after its delay,
unless an edit calls it off first, and one running stops when asked."""

from __future__ import annotations

import threading

from builder.commands.catch_up import THREAD, CatchUp
from builder.core import interrupts


def test_it_runs_once_after_its_delay_in_a_named_thread() -> None:
    ran: list[str] = []
    done = threading.Event()

    def run(stop: interrupts.Stop) -> None:
        ran.append(threading.current_thread().name)
        done.set()

    catch_up = CatchUp()
    catch_up.schedule(0.05, run)
    assert done.wait(5)
    catch_up.close()
    assert ran == [THREAD]


def test_giving_way_before_it_starts_means_it_never_starts() -> None:
    ran = threading.Event()
    catch_up = CatchUp()
    catch_up.schedule(0.3, lambda stop: ran.set())
    catch_up.give_way()
    assert not ran.wait(0.6)


def test_scheduling_again_calls_off_the_one_before() -> None:
    ran: list[int] = []
    second = threading.Event()
    catch_up = CatchUp()
    catch_up.schedule(0.3, lambda stop: ran.append(1))
    catch_up.schedule(0.05, lambda stop: (ran.append(2), second.set()))
    assert second.wait(5)
    catch_up.close()
    assert not threading.Event().wait(0.4)  # past the first one's delay
    assert ran == [2]


def test_a_running_catch_up_is_asked_to_stop_and_close_waits_for_it() -> None:
    started, finished = threading.Event(), threading.Event()
    seen: list[bool] = []

    def run(stop: interrupts.Stop) -> None:
        started.set()
        while not stop.requested:  # a build checks at its safe points
            threading.Event().wait(0.01)
        seen.append(stop.requested)
        finished.set()

    catch_up = CatchUp()
    catch_up.schedule(0.0, run)
    assert started.wait(5)
    catch_up.close()  # gives way, then waits
    assert finished.is_set()
    assert seen == [True]


def test_giving_way_with_nothing_scheduled_does_nothing() -> None:
    catch_up = CatchUp()
    catch_up.give_way()
    catch_up.close()
