"""The report kernel: an IPython kernel that starts ready for reports, and can be reused.

Run by the report runner as ``python -m lixia_econ._kernel -f {connection_file}``:

1. :mod:`jsonschema` is imported without ``rfc3987_syntax`` (see :mod:`lixia_econ._startup`),
   and the BLAS thread pools are limited with threadpoolctl;
2. with ``--preload`` (the warm kernels of a batch), the modules every template imports
   (pandas, altair, statsmodels, scipy, the package's analysis and models) are imported
   before the kernel says it is ready;
3. ipykernel starts as ``python -m ipykernel_launcher`` would.

A warm kernel runs many reports one after another. Before each, the runner calls
:func:`fresh` (:data:`FRESH_CODE`), which puts the kernel back in the state it started
in: the user namespace emptied and the execution count at 1 (IPython's
``reset(new_session=True)``), pandas options, Altair theme/renderer/data transformer,
NumPy error and print options, warnings filters (and the "shown once" registries),
environment variables, ``sys.path``, the working directory (the new report's folder),
the units registered from a data folder, the chart SVGs prefetched and never displayed,
the random generators reseeded from entropy (as a new process is), and modules imported
from outside the installed packages forgotten. What a report does to the internals of an
installed library beyond these is not undone: such a template should run with fresh
kernels (``warm_kernels=False``).
"""

from __future__ import annotations

import copy
import gc
import os
import random
import sys
import sysconfig
import warnings
from pathlib import Path
from typing import Any

#: Modules the templates import; a warm kernel has them loaded before its first report.
PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow.parquet",
    "altair",
    "scipy.optimize",
    "statsmodels.api",
    "statsmodels.tsa.statespace.structural",
    "IPython.display",
    "lixia_econ.analysis",
    "lixia_econ.briefing",
    "lixia_econ.models.compare",
    "lixia_econ.models.counterfactual",
    "lixia_econ.models.recovery",
    "lixia_econ.panel",
    "lixia_econ.report.notebook",
    "lixia_econ.viz",
)

#: The statement the runner executes (silently, outside the history) before each report
#: of a warm kernel; ``{cwd!r}`` is the report's folder.
FRESH_CODE = "__import__('lixia_econ._kernel')._kernel.fresh({cwd!r})"

_BASELINE: dict[str, Any] = {}


def _pandas_options() -> dict[str, Any] | None:
    try:
        from pandas._config import config
    except ImportError:
        return None
    return config._global_config


def _altair_registries() -> list[Any]:
    alt = sys.modules.get("altair")
    if alt is None:
        return []
    names = ("theme", "themes", "renderers", "data_transformers")
    found = [getattr(alt, name, None) for name in names]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [r for r in found if r is not None and hasattr(r, "enable")]


def _registry_state(registry: Any) -> tuple[Any, dict[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return registry.active, dict(getattr(registry, "options", {}) or {})


def _installed_roots() -> tuple[str, ...]:
    """Folders whose modules stay loaded between reports: the stdlib, site-packages, us."""
    paths = sysconfig.get_paths()
    roots = {paths.get("stdlib"), paths.get("platstdlib"), paths.get("purelib")}
    roots |= {paths.get("platlib"), sys.prefix, sys.base_prefix}
    roots.add(str(Path(__file__).resolve().parent))
    return tuple(str(Path(r).resolve()) for r in roots if r)


def _snapshot() -> dict[str, Any]:
    import numpy as np

    options = _pandas_options()
    return {
        "modules": set(sys.modules),
        "path": list(sys.path),
        "environ": dict(os.environ),
        "warnings": list(warnings.filters),
        "numpy_err": np.geterr(),
        "numpy_print": np.get_printoptions(),
        "pandas": copy.deepcopy(options) if options is not None else None,
        "altair": {id(r): (r, *_registry_state(r)) for r in _altair_registries()},
        "roots": _installed_roots(),
    }


def _forget_local_modules(base: dict[str, Any]) -> None:
    """Drop modules a report imported from its own folders (not stdlib, site-packages, us)."""
    roots = base["roots"]
    for name in set(sys.modules) - base["modules"]:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and not str(Path(file).resolve()).startswith(roots):
            del sys.modules[name]


def _restore(base: dict[str, Any]) -> None:
    import numpy as np

    _forget_local_modules(base)
    sys.path[:] = base["path"]
    os.environ.clear()
    os.environ.update(base["environ"])
    warnings.simplefilter("ignore", _Bump)  # bumps the filters' version: "once" shows again
    warnings.filters[:] = base["warnings"]
    np.seterr(**base["numpy_err"])
    np.set_printoptions(**base["numpy_print"])
    options = _pandas_options()
    if options is not None and base["pandas"] is not None:
        options.clear()
        options.update(copy.deepcopy(base["pandas"]))
    for registry, active, kwargs in base["altair"].values():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            registry.enable(active, **kwargs)
    if "lixia_econ.regions" in sys.modules:
        sys.modules["lixia_econ.regions"].clear_registered()
    notebook = sys.modules.get("lixia_econ.report.notebook")
    if notebook is not None and notebook._worker is not None:
        notebook._worker.forget()  # charts prefetched by the last report and never shown
    random.seed()
    np.random.seed()


class _Bump(Warning):
    """A warning category no code raises; filtering it re-arms every "once" registry."""


def fresh(cwd: str) -> None:
    """Put this kernel back in its starting state for the next report, run in ``cwd``.

    The first call records the starting state (the kernel has run nothing yet); later
    calls restore it. See the module docstring for what is restored.
    """
    from IPython import get_ipython

    if not _BASELINE:
        _BASELINE.update(_snapshot())
        # the preloaded modules' objects live as long as the kernel: kept out of every
        # later collection (IPython's reset runs a full one: 0.12 s before, a few ms after)
        gc.collect()
        gc.freeze()
    else:
        _restore(_BASELINE)
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    os.chdir(cwd)


def main(argv: list[str] | None = None) -> None:
    """Start the kernel: imports without slow parsers, BLAS limited, optionally preloaded."""
    args = list(sys.argv[1:] if argv is None else argv)
    preload = "--preload" in args
    args = [a for a in args if a != "--preload"]
    from lixia_econ._startup import blas_threads, import_jsonschema, limit_blas

    threads = str(blas_threads())
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, threads)  # libraries loaded later start with these
    import_jsonschema()
    if preload:
        import importlib

        for name in PRELOAD:
            importlib.import_module(name)
    limit_blas()  # those loaded already
    from ipykernel.kernelapp import launch_new_instance

    launch_new_instance(argv=args)


if __name__ == "__main__":
    main()
