"""core.collector: the raised thresholds hold while any build or preview is inside, and the
ones found before come back once the last of them leaves, in whatever order they leave."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from builder.core.collector import RAISED, fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*saved)


def test_raised_inside_and_put_back_after() -> None:
    with fewer_collections():
        assert gc.get_threshold() == RAISED
    assert gc.get_threshold() == (700, 10, 10)


def test_put_back_after_an_exception() -> None:
    with pytest.raises(ValueError), fewer_collections():
        raise ValueError
    assert gc.get_threshold() == (700, 10, 10)


def test_two_threads_that_leave_out_of_order_put_back_the_first_thresholds() -> None:
    """A build thread enters, a preview enters, the build leaves first: the preview still
    runs with the raised ones, and the defaults return when it leaves, not before."""
    inside, build_left = threading.Event(), threading.Event()

    def preview() -> None:
        with fewer_collections():
            inside.set()
            build_left.wait(5)

    thread = threading.Thread(target=preview)
    with fewer_collections():
        thread.start()
        assert inside.wait(5)
    assert gc.get_threshold() == RAISED  # the build left; the preview is still inside
    build_left.set()
    thread.join(5)
    assert gc.get_threshold() == (700, 10, 10)
