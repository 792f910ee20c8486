"""What a process on the report path does first: skip slow optional imports, size BLAS.

Two costs are paid by every report that nothing in it uses:

- ``rfc3987_syntax``: when it is installed (``jupyterlab`` brings it, through
  ``jupyter-events`` and ``jsonschema[format-nongpl]``), importing :mod:`jsonschema` imports
  it, and it builds some 35 Earley parsers at import (python-jsonschema/jsonschema#1428),
  once in the process that runs papermill (nbformat validates with jsonschema) and once
  in the kernel (altair). It only adds the ``iri`` formats to jsonschema's format checker,
  which neither nbformat nor altair's schema uses. :func:`import_jsonschema` imports
  jsonschema with it held back, and lets it be imported normally afterwards.
- BLAS threads: the matrices of a report are small (state-space models of a few states,
  regressions of a few dozen rows); on a 2-core machine a multi-threaded BLAS loses more to
  thread start-up than it gains, and two report kernels each starting threads oversubscribe
  the cores. :func:`blas_threads` says how many threads a kernel gets and
  :func:`limit_blas` sets it with threadpoolctl.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["SLOW_OPTIONAL", "blas_threads", "import_jsonschema", "limit_blas", "without"]

#: Optional modules that something on the report path imports only if installed and that
#: cost far more at import than the report uses them (not at all).
SLOW_OPTIONAL = ("rfc3987_syntax",)

#: Environment variable: BLAS threads per report kernel (an integer >= 1).
BLAS_THREADS_ENV = "LIXIA_ECON_BLAS_THREADS"


@contextlib.contextmanager
def without(modules: tuple[str, ...] = SLOW_OPTIONAL) -> Iterator[None]:
    """Make ``import`` of ``modules`` fail with ImportError inside the block.

    Modules already imported are left alone; afterwards the modules can be imported as
    usual (only imports made inside the block saw them missing).
    """
    held = [name for name in modules if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        yield
    finally:
        for name in held:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def import_jsonschema() -> None:
    """Import :mod:`jsonschema` (if installed and not yet imported) without ``rfc3987_syntax``."""
    if "jsonschema" in sys.modules:
        return
    with without(), contextlib.suppress(ImportError):
        import jsonschema  # noqa: F401


def blas_threads() -> int:
    """Return the BLAS threads of a report kernel: ``LIXIA_ECON_BLAS_THREADS`` if set, else 1.

    Measured on the 2-core machine (``benchmarks/bench_report.py``, figure ``blas``): a
    report's cells run no faster with two threads, and with two batch workers each kernel
    starting threads per core would oversubscribe the cores.
    """
    value = os.environ.get(BLAS_THREADS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) >= 1 else 1


def limit_blas(threads: int | None = None) -> Any:
    """Limit the BLAS (and OpenMP) thread pools of this process to ``threads``.

    Returns the :class:`threadpoolctl.threadpool_limits` object (which can restore the
    previous limits), or ``None`` when threadpoolctl is not installed.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(limits=threads if threads is not None else blas_threads())
