"""One long-lived helper process per thread, kept between a batch's reports.

A batch worker thread keeps a warm kernel (:mod:`lixia_econ.report._kernels`) and a
headless Chromium (:mod:`lixia_econ._pdf`) from one report to the next. Both are held the
same way, by a :class:`PerThread`: each thread gets its own (started on first use, started
again if it died), each is tagged with the batch that last used it, and a batch closes
the ones it used when it ends; whatever is left is closed when the process exits.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["PerThread"]

T = TypeVar("T")


class PerThread(Generic[T]):
    """A registry of one ``T`` per thread.

    Parameters
    ----------
    start : callable
        Makes a new one (called in the thread that will use it).
    alive : callable
        Tells whether one is still usable (its process still runs).
    stop : callable
        Shuts one down; must not raise.
    """

    def __init__(
        self, start: Callable[[], T], alive: Callable[[T], bool], stop: Callable[[T], None]
    ) -> None:
        self._start, self._alive, self._stop = start, alive, stop
        self._local = threading.local()
        self._open: dict[int, tuple[T, str | None]] = {}  # id -> (item, batch last used by)
        self._lock = threading.Lock()
        atexit.register(self.close)

    def get(self, batch: str | None = None) -> T:
        """Return this thread's item, starting one if there is none or it died.

        ``batch`` is recorded on it, for :meth:`close`.
        """
        item = getattr(self._local, "item", None)
        if item is not None and self._alive(item):
            with self._lock:
                self._open[id(item)] = (item, batch)
            return item
        if item is not None:
            self.discard(item)
        item = self._start()
        with self._lock:
            self._open[id(item)] = (item, batch)
        self._local.item = item
        return item

    def discard(self, item: T) -> None:
        """Shut ``item`` down and forget it (its thread's next :meth:`get` starts another)."""
        with self._lock:
            self._open.pop(id(item), None)
        if getattr(self._local, "item", None) is item:
            self._local.item = None
        self._stop(item)

    def close(self, batch: str | None = None) -> int:
        """Shut down the items last used by ``batch`` (``None``: all); return how many."""
        with self._lock:
            keys = [k for k, (_, b) in self._open.items() if batch is None or b == batch]
            items = [self._open.pop(k)[0] for k in keys]
        for item in items:
            self._stop(item)
        return len(items)
