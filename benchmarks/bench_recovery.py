"""Benchmark of the recovery scorecard (a script, not a pytest test).

1. Trend method, vectorised: scorecards of 3,000 synthetic quarterly county series,
   2010Q1-2024Q4, shock 2020Q1, with ``analyze_recovery_many`` (target: under 10 s).
2. Structural method (UnobservedComponents), one series at a time: mean seconds per series
   over 20 series (target: under 0.2 s).

The series are synthetic (log-linear trend, quarterly seasonal pattern, a dip of random depth
and duration, noise; seeded). Prints a table and writes JSON to benchmarks/results/.

Run: .venv/bin/python benchmarks/bench_recovery.py [--series 3000] [--structural 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings

import numpy as np
import pandas as pd

from lixia_econ.config import PROJECT_ROOT
from lixia_econ.models.recovery import analyze_recovery, analyze_recovery_many


def synthetic_panel(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2010Q1", "2024Q4", freq="Q")
    t = np.arange(len(idx), dtype=float)[:, None]
    slope = rng.uniform(0.005, 0.025, n)[None, :]
    season = rng.normal(0, 0.03, (4, n))[np.asarray(idx.quarter) - 1, :]
    noise = rng.normal(0, 0.01, (len(idx), n))
    post = np.asarray(idx >= pd.Period("2020Q1", "Q"))
    k = np.cumsum(post) - 1  # quarters since the shock
    depth = rng.uniform(0.02, 0.15, n)[None, :]
    length = rng.integers(1, 6, n)[None, :]
    dip = np.where(
        post[:, None] & (k[:, None] < length), 1 - depth * (1 - k[:, None] / length), 1.0
    )
    values = 100 * np.exp(slope * t + season + noise) * dip
    return pd.DataFrame(values, index=idx, columns=[f"county{i:04d}" for i in range(n)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=3000)
    parser.add_argument("--structural", type=int, default=20)
    args = parser.parse_args()

    panel = synthetic_panel(args.series)
    analyze_recovery_many(panel.iloc[:, :5], shock="2020Q1")  # warm-up (imports)
    t0 = time.perf_counter()
    table = analyze_recovery_many(panel, shock="2020Q1")
    trend_s = time.perf_counter() - t0

    analyze_recovery(panel.iloc[:, 0], shock="2020Q1", method="structural")  # warm-up
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for col in panel.columns[1 : 1 + args.structural]:
            t0 = time.perf_counter()
            analyze_recovery(panel[col], shock="2020Q1", method="structural")
            times.append(time.perf_counter() - t0)
    structural_mean = float(np.mean(times))

    rows = [
        ("trend, vectorised", f"{args.series} series", f"{trend_s:.2f} s total", "< 10 s"),
        (
            "structural, per series",
            f"{len(times)} series",
            f"{structural_mean:.3f} s/series (max {max(times):.3f})",
            "< 0.2 s",
        ),
    ]
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)))
    print(f"shapes: {table['shape'].value_counts().to_dict()}")

    out_dir = PROJECT_ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "bench_recovery",
        "trend_vectorised_series": args.series,
        "trend_vectorised_seconds": trend_s,
        "structural_series": len(times),
        "structural_seconds_per_series_mean": structural_mean,
        "structural_seconds_per_series_max": max(times),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    path = out_dir / "bench_recovery.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
