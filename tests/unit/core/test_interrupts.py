"""A Ctrl-C that lands in a finaliser is kept and delivered, never printed and lost; a
requested stop ends a build at its next safe point."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from builder.core import interrupts


class _RaisesOnDelete:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __del__(self) -> None:
        raise self.exc


def test_an_interrupt_in_a_finaliser_is_delivered_once_later(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    interrupts.install()
    _RaisesOnDelete(KeyboardInterrupt())  # dropped at once: Python cannot raise from __del__
    assert capsys.readouterr().err == ""  # no "Exception ignored ... Traceback"
    with pytest.raises(KeyboardInterrupt):
        interrupts.deliver()
    interrupts.deliver()  # delivered once: nothing is left


def test_other_exceptions_in_finalisers_are_still_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    interrupts.install()
    _RaisesOnDelete(ValueError("a real bug"))
    assert "ValueError: a real bug" in capsys.readouterr().err
    interrupts.deliver()  # and it is not taken for an interrupt


def test_a_stop_is_raised_only_once_requested_and_then_every_time() -> None:
    stop = interrupts.Stop()
    stop.check()  # nothing asked: the build goes on
    interrupts.check(stop)
    interrupts.check(None)  # a build with no Stop at all
    assert not stop.requested
    stop.request()
    assert stop.requested
    for _ in range(2):  # every safe point after the request stops the build
        with pytest.raises(interrupts.Cancelled):
            interrupts.check(stop)


def test_a_held_build_waits_at_its_safe_point_until_the_holder_lets_go() -> None:
    stop = interrupts.Stop()
    passed = threading.Event()

    def build() -> None:
        stop.check()
        passed.set()

    with stop.held():
        thread = threading.Thread(target=build)
        thread.start()
        assert not passed.wait(0.2)  # waiting while held
    assert passed.wait(5)  # let go: it goes on at once
    thread.join()


def test_holds_nest_and_a_stop_asked_during_one_is_raised_after_it() -> None:
    stop = interrupts.Stop()
    outcome: list[str] = []

    def build() -> None:
        try:
            stop.check()
            outcome.append("went on")
        except interrupts.Cancelled:
            outcome.append("stopped")

    with stop.held():
        with stop.held():
            thread = threading.Thread(target=build)
            thread.start()
        time.sleep(0.1)  # one holder left: still waiting
        assert outcome == []
        stop.request()
    thread.join(5)
    assert outcome == ["stopped"]


def test_a_hold_never_keeps_a_build_longer_than_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(interrupts, "HOLD_LIMIT", 0.05)
    stop = interrupts.Stop()
    with stop.held():  # the holder forgot to let go, or waits for this very build
        thread = threading.Thread(target=stop.check)
        thread.start()
        thread.join(5)
        assert not thread.is_alive()  # went on after HOLD_LIMIT, though still held
