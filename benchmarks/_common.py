"""What several benchmarks share: timing, the papermill floor, writing the results.

The benchmarks run as scripts (``python benchmarks/bench_x.py``), so this folder is on
``sys.path`` and they import it as ``_common``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median CPU and wall seconds of ``fn()`` over ``repeat`` runs, and its last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), out


#: The last cell :func:`kernel_modules` adds: every module the kernel holds, in import order.
_LIST_MODULES = "import json, sys\njson.dump(list(sys.modules), open({path!r}, 'w'))\n"
_MODULES: dict[tuple[str, tuple[str, ...]], list[str]] = {}


def kernel_modules(
    tmp: Path, template: str = "district_briefing", *, empty: tuple[str, ...] = ()
) -> list[str]:
    """The modules a kernel holds after running ``template``, in the order they came in.

    The template runs with papermill, with the parameters the report runner gives it
    (``as_of`` resolved: ``prepare_job``), the cache folders ``empty`` (under
    ``lixia_econ.config.CACHE_DIR``) removed first: what a briefing imports depends on
    them. Measured once per process and arguments.
    """
    import shutil

    import nbformat
    import papermill

    from lixia_econ import config
    from lixia_econ.report import prepare_job

    key = (template, empty)
    if key not in _MODULES:
        for folder in empty:
            shutil.rmtree(config.CACHE_DIR / folder, ignore_errors=True)
        nb = nbformat.read(config.TEMPLATES_DIR / f"{template}.ipynb", as_version=4)
        listed = tmp / "modules.json"
        nb.cells.append(nbformat.v4.new_code_cell(_LIST_MODULES.format(path=str(listed))))
        path = tmp / "modules.ipynb"
        nbformat.write(nb, path)
        papermill.execute_notebook(
            str(path),
            str(tmp / "modules.out.ipynb"),
            parameters=prepare_job(template, output_dir=tmp / "modules").parameters,
            progress_bar=False,
            cwd=str(tmp),
        )
        _MODULES[key] = json.loads(listed.read_text(encoding="utf-8"))
    return _MODULES[key]


def floor_source(modules: list[str], template: str = "district_briefing") -> str:
    """The template's parameters and imports up to its panel load, then ``modules``.

    "An empty notebook with the same imports": what every report of the template pays
    before its own work (``build_briefing`` and after), with every module a report kernel
    ends up holding (:func:`kernel_modules`: those its cells import as they run too)
    imported, in the same order, and nothing else.
    """
    import nbformat

    from lixia_econ import config

    nb = nbformat.read(config.TEMPLATES_DIR / f"{template}.ipynb", as_version=4)
    params, imports = [c.source for c in nb.cells if c.cell_type == "code"][:2]
    head = imports.split("brief = briefing.build_briefing(")[0]
    assert "load_panel(" in head, "the template's imports cell no longer loads the panel"
    late = (
        "import importlib as _il, sys as _sys\n"
        f"for _name in {modules!r}:\n"
        "    if _name not in _sys.modules:\n"
        "        try:\n"
        "            _il.import_module(_name)\n"
        "        except Exception:  # a name that is no module of its own (an alias)\n"
        "            pass\n"
    )
    return params + "\n" + head + "\n" + late


def papermill_floor(tmp: Path, source: str | None = None, **papermill_kw: Any) -> float:
    """Seconds for papermill to run ``source`` in a fresh kernel.

    Default: :func:`floor_source` with the modules of a briefing run with the caches as
    they are (:func:`kernel_modules`).

    ``papermill_kw`` go to ``papermill.execute_notebook`` (``shutdown_kernel="immediate"``:
    the kernel killed after the cell, as the report runner does, not asked to shut down).
    """
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    if source is None:
        source = floor_source(kernel_modules(tmp))
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    path = tmp / "floor.ipynb"
    nbformat.write(nb, path)
    t = time.perf_counter()
    papermill.execute_notebook(
        str(path), str(tmp / "floor.out.ipynb"), progress_bar=False, **papermill_kw
    )
    return time.perf_counter() - t


def save(name: str, result: dict[str, Any]) -> Path:
    """Write ``result`` (with machine and time stamps) to ``benchmarks/results/<name>.json``."""
    result = {
        **result,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {path}")
    return path
