"""Ctrl-C and SIGTERM: one owner for how a run is stopped, and for when it may not be.

- :func:`stop_signals` (the command line): SIGTERM stops a run the way Ctrl-C does,
  both are remembered, and neither is raised inside Python's import machinery.
- :func:`safe_interrupts` (a report run from Python, JupyterLab's kernel included): Ctrl-C
  does what it did, but not inside the import machinery either.
- :func:`held`: a few renames during which neither signal is delivered; it is delivered
  right after.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

#: The signals a run can be stopped with.
STOP = (signal.SIGINT, signal.SIGTERM)

#: How long a signal that arrived inside the import machinery waits before it is sent
#: again (seconds).
RETRY_S = 0.01


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (SIGINT), raised by :func:`stop_signals`' handler.

    A subclass, not :class:`KeyboardInterrupt` itself. CPython (``run_eval_code_obj`` in
    ``Python/pythonrun.c``) records "this process ends by an unhandled Ctrl-C" whenever
    an exception whose type is exactly ``KeyboardInterrupt`` leaves code that ``exec()`` or
    ``eval()`` runs from a string, as dataclasses and namedtuples do while a module is
    imported, even when the exception is caught afterwards. ``python -m lixia_econ.cli``
    then printed "interrupted", returned 130, and killed itself with SIGINT after its
    clean-up (-2 to ``subprocess``; CI, 2026-12-02). The type check is exact, so a
    subclass is not recorded; ``tests/test_signals.py`` shows both on this Python.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that runs stop the same careful way."""


#: Signals received (each once) while :func:`stop_signals` was in force. The exit code follows them
#: even when the exception they raised was swallowed ("Exception ignored in ..." from a
#: callback or a finaliser, where Python drops exceptions).
RECEIVED: list[int] = []


def _in_import_machinery(frame: FrameType | None) -> bool:
    """Whether ``frame`` is code of ``importlib._bootstrap`` (its module locks)."""
    return frame is not None and frame.f_code.co_filename.startswith("<frozen importlib")


#: Whether :func:`stop_signals` is in force; changed and read under :data:`_LOCK`, so that
#: a signal is not sent again once it has ended.
_IN_FORCE = False
_LOCK = threading.Lock()


def _send_again(signum: int, in_force: Callable[[], bool] = lambda: _IN_FORCE) -> threading.Timer:
    """Send ``signum`` to this process again in :data:`RETRY_S` seconds, if still handled.

    ``in_force`` says whether the handler that deferred it still is (read under
    :data:`_LOCK`; default: :func:`stop_signals`'). Returns the timer that will send it
    (tests wait for it).

    Once :func:`stop_signals` has ended the command has returned, the signal in
    :data:`RECEIVED`: sent to Python's own handler then, it would end the process with a
    traceback instead of the command's exit code. A signal sent before the end is handled
    before it: its handler runs in the main thread at the next call, within the command.
    """

    def again() -> None:
        with _LOCK:
            if in_force():
                os.kill(os.getpid(), signum)

    timer = threading.Timer(RETRY_S, again)
    timer.daemon = True
    timer.start()
    return timer


def _stop(signum: int, frame: FrameType | None) -> None:
    """Raise :class:`Interrupted` (Ctrl-C) or :class:`Terminated` (SIGTERM).

    Not while the main thread is in ``importlib._bootstrap``: raised between a module
    lock's bookkeeping steps, the exception leaves the lock taken, and the next import of
    that module by any thread waits for ever. A report run's HTML export once hung so,
    its main thread importing Jinja2 while a background thread did (see
    ``tests/test_signals.py``). The signal is then sent again a moment later, when the
    import has moved on.
    """
    if signum not in RECEIVED:
        RECEIVED.append(signum)
    if _in_import_machinery(frame):
        _send_again(signum)
        return
    raise Terminated if signum == signal.SIGTERM else Interrupted


@contextlib.contextmanager
def stop_signals() -> Iterator[list[int]]:
    """Make SIGTERM stop a running command the way Ctrl-C does, and remember both.

    Without it ``timeout``, ``kill`` or a service stop would end the process on the spot
    and leave temporary report folders behind. Outside the main thread (where Python
    cannot set handlers) nothing changes.

    Yields
    ------
    list of int
        The signals received so far (:data:`RECEIVED`, emptied on entry).
    """
    RECEIVED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield RECEIVED
        return
    global _IN_FORCE
    old = {signum: signal.signal(signum, _stop) for signum in STOP}
    _IN_FORCE = True
    try:
        yield RECEIVED
    finally:
        try:
            with _LOCK:
                _IN_FORCE = False
        finally:
            for signum, handler in old.items():
                signal.signal(signum, handler)


@contextlib.contextmanager
def safe_interrupts() -> Iterator[None]:
    """Keep Ctrl-C out of Python's import machinery during the block; else as it was.

    For reports run from Python: a script, or JupyterLab's kernel, whose Interrupt button
    sends SIGINT. The handler in force is kept and called for every Ctrl-C, except one
    that arrives while the main thread is in ``importlib._bootstrap``: that one is sent
    again a moment later, as :func:`stop_signals` does (raised there, it can leave an
    import lock taken, and the report's export then waits for ever on a module its
    background warm-up was importing). Nothing changes outside the main thread, under
    :func:`stop_signals` (the command line), or when SIGINT is ignored or left to the
    system (then nothing is raised).
    """
    before = signal.getsignal(signal.SIGINT)
    if (
        threading.current_thread() is not threading.main_thread()
        or _IN_FORCE
        or not callable(before)
    ):
        yield
        return
    active = [True]

    def deferring(signum: int, frame: FrameType | None) -> Any:
        if _in_import_machinery(frame):
            _send_again(signum, lambda: active[0])
            return None
        return before(signum, frame)

    signal.signal(signal.SIGINT, deferring)
    try:
        yield
    finally:
        with _LOCK:
            active[0] = False
        if signal.getsignal(signal.SIGINT) is deferring:  # not replaced meanwhile
            signal.signal(signal.SIGINT, before)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the block; the first one is delivered right after.

    The handlers are swapped for ones that only record, rather than the signals blocked:
    blocking in the main thread does not stop another thread from receiving a signal, and
    Python runs a handler in the main thread whichever thread received it. Outside the
    main thread, where no handler runs, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    old = {signum: signal.signal(signum, record) for signum in STOP}
    try:
        yield
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)
        if pending:
            signal.raise_signal(pending[0])  # its own handler runs now, as if it just came
