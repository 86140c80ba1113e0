"""A Ctrl-C that lands in a finaliser is kept and delivered, never printed and lost; a
requested stop ends a build at its next safe point."""

from __future__ import annotations

import sys

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
