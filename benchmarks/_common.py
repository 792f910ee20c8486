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

#: Modules the briefing's cells import while they run (lazily, inside lixia_econ).
LATE_IMPORTS = (
    "import altair\nimport vl_convert\nimport statsmodels.regression.linear_model\n"
    "import lixia_econ.analysis\nimport lixia_econ.models.growth\n"
    "import lixia_econ.models.recovery\n"
)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median CPU and wall seconds of ``fn()`` over ``repeat`` runs, and its last result."""
    cpu, wall, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), out


def floor_source(template: str = "district_briefing") -> str:
    """The template's parameters and imports up to its panel load, plus its late imports.

    "An empty notebook with the same imports": what every report of the template pays
    before its own work (``build_briefing`` and after).
    """
    import nbformat

    from lixia_econ import config

    nb = nbformat.read(config.TEMPLATES_DIR / f"{template}.ipynb", as_version=4)
    params, imports = [c.source for c in nb.cells if c.cell_type == "code"][:2]
    head = imports.split("brief = briefing.build_briefing(")[0]
    assert "load_panel(" in head, "the template's imports cell no longer loads the panel"
    return params + "\n" + head + "\n" + LATE_IMPORTS


def papermill_floor(tmp: Path, source: str | None = None, **papermill_kw: Any) -> float:
    """Seconds for papermill to run ``source`` (default :func:`floor_source`) in a fresh kernel.

    ``papermill_kw`` go to ``papermill.execute_notebook`` (``shutdown_kernel="immediate"``:
    the kernel killed after the cell, as the report runner does, not asked to shut down).
    """
    import nbformat
    import papermill

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source if source is not None else floor_source())]
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
