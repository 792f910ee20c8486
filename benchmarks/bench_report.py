"""Report benchmark: the papermill floor, one report, and a batch serially and on 2 workers.

Run: .venv/bin/python benchmarks/bench_report.py  (writes benchmarks/results/bench_report.json)

- floor: papermill executing a notebook that only has the template's imports and panel load,
  plus the model modules the report's cells import (``lixia_econ.models.recovery`` and
  ``compare``, which bring statsmodels and scipy): "an empty notebook with the same imports";
- report: ``run_report("region_recovery")`` on the shipped data (validation, kernel, HTML,
  workbook, atomic write), force=True;
- batch: 8 reports (region_recovery for four regions, twice each as variants, benchmarks =
  []) with workers=1 (one after another) and workers=2 (two kernels at once, driven from
  two threads of this process: run_batch's default); the pair is run BATCH_REPEATS times,
  alternating, and the speedup is taken per pair (the machine's load drifts between pairs).

Targets: report <= 1.5 x floor; 2 workers >= 1.7 x faster than serial (median of the pairs).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from lixia_econ import config
from lixia_econ.report import run_batch, run_report

REPEATS = 3
BATCH_REPEATS = 3
#: The batch: the region report for each of these regions, BATCH_COPIES times (as variants).
REGIONS = ("370102", "370100", "370000", "000000")
BATCH_COPIES = 2


def _setup_source() -> str:
    nb = nbformat.read(config.TEMPLATES_DIR / "region_recovery.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    # parameters + imports/panel load + the models the report imports in its later cells
    models = "import lixia_econ.models.compare\nimport lixia_econ.models.recovery\n"
    return code[0].source + "\n" + code[1].source + "\n" + models


def floor(tmp: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(_setup_source())]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    path = tmp / "floor.ipynb"
    nbformat.write(nb, path)
    t = time.perf_counter()
    papermill.execute_notebook(str(path), str(tmp / "floor.out.ipynb"), progress_bar=False)
    return time.perf_counter() - t


def one_report(tmp: Path) -> float:
    t = time.perf_counter()
    run_report("region_recovery", output_dir=tmp / "one", force=True)
    return time.perf_counter() - t


def batch(tmp: Path, workers: int) -> float:
    cfg = {
        "batch": {"timeout": 600},
        "defaults": {"benchmarks": []},
        "report": [
            {"template": "region_recovery", "region": r, "variant": f"bench{k}"}
            for r in REGIONS
            for k in range(BATCH_COPIES)
        ],
        "matrix": [],
    }
    t = time.perf_counter()
    res = run_batch(
        cfg, workers=workers, output_dir=tmp / f"b{workers}", progress=False, force=True
    )
    took = time.perf_counter() - t
    assert res.counts["failed"] == 0, res
    return took


def main() -> None:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        run_report("region_recovery", output_dir=tmp / "warm", force=True)  # warm caches
        floors = [floor(tmp) for _ in range(REPEATS)]
        reports = [one_report(tmp) for _ in range(REPEATS)]
        pairs = [(batch(tmp, 1), batch(tmp, 2)) for _ in range(BATCH_REPEATS)]
    out = {
        "cpu_count": os.cpu_count(),
        "loadavg_at_start": load,
        "loadavg_at_end": os.getloadavg(),
        "floor_s": floors,
        "report_s": reports,
        "report_over_floor": statistics.median(reports) / statistics.median(floors),
        "batch_reports": len(REGIONS) * BATCH_COPIES,
        "batch_serial_s": [s for s, _ in pairs],
        "batch_2_workers_s": [p for _, p in pairs],
        "speedup_2_workers_each": [s / p for s, p in pairs],
        "speedup_2_workers": statistics.median(s / p for s, p in pairs),
        "targets": {"report_over_floor_max": 1.5, "speedup_2_workers_min": 1.7},
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "bench_report.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
