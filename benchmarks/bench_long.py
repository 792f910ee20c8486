"""Benchmark: a long CSV of 1,000,000 rows read through ``read_table`` (issue 13, fault 7).

Target: under 5 s and under 1 GiB peak memory on the 2-core machine (the row-by-row
reader took 89 s and 1.9 GiB for 886k rows). The rows are synthetic (a benchmark input,
not data): 400 region codes × 10 indicators × 250 months, values printed with one or two
decimals, half in 亿元 and half in 万元, periods printed as NBS does (``2010年3月``).
The read runs in a fresh subprocess so ``resource.getrusage`` measures its own peak;
``seconds`` is the wall time of ``read_table`` (it includes loading the region catalogue,
about 0.2 s), ``cpu_seconds_read`` its CPU time (Arrow's parser threads included),
``cpu_seconds_process`` the child's CPU time (imports included): on a shared machine the
CPU times say more than the wall time. Before the reader kept columns as distinct cells
(e95a945) the figures were 14.3 s wall, 6.6 s CPU of the process, 864 MiB (load 1.2).

Run: ``.venv/bin/python benchmarks/bench_long.py`` (writes benchmarks/results/long.json).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_ROWS = 1_000_000
RESULTS = Path(__file__).resolve().parent / "results"
INDICATORS = [
    *("gdp", "retail_sales", "fai", "gpb_revenue", "gpb_expenditure"),
    *("va_primary", "va_secondary", "va_tertiary", "va_industry", "va_construction"),
]


def write_rows(path: Path, n_rows: int = N_ROWS, seed: int = 0) -> None:
    """Write the synthetic long CSV (a benchmark input)."""
    from lixia_econ.schema import regions

    rng = np.random.default_rng(seed)
    codes = [c for c in regions() if c != "000000"][:400]
    months = [f"{y}年{m}月" for y in range(2003, 2024) for m in range(1, 13)][:250]
    n = len(codes) * len(INDICATORS) * len(months)
    region = np.repeat(codes, len(INDICATORS) * len(months))
    indicator = np.tile(np.repeat(INDICATORS, len(months)), len(codes))
    period = np.tile(months, len(codes) * len(INDICATORS))
    unit = np.where(rng.random(n) < 0.5, "亿元", "万元")
    value = np.round(rng.gamma(5.0, 200.0, n), 2)
    frame = pd.DataFrame(
        {"region": region, "indicator": indicator, "period": period, "value": value, "unit": unit}
    )
    frame.iloc[:n_rows].to_csv(path, index=False)


def _child(path: str) -> None:
    from lixia_econ.io import read_table

    t0, c0 = time.perf_counter(), time.process_time()
    df = read_table(path, layout="long")
    seconds, cpu_read = time.perf_counter() - t0, time.process_time() - c0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024  # KiB -> MiB (Linux)
    cpu = usage.ru_utime + usage.ru_stime  # of the whole child, imports included
    print(json.dumps({"rows": len(df), "seconds": round(seconds, 2),
                      "cpu_seconds_read": round(cpu_read, 2),
                      "cpu_seconds_process": round(cpu, 2), "peak_mib": round(peak)}))  # fmt: skip


def main() -> dict:
    """Write the input, read it in a subprocess, print and save the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.csv"
        write_rows(path)
        size = path.stat().st_size
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update({"input_rows": N_ROWS, "input_mib": round(size / 2**20, 1),
                   "target_seconds": 5, "target_peak_mib": 1024})  # fmt: skip
    result["ok"] = result["seconds"] < 5 and result["peak_mib"] < 1024
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "long.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        main()
