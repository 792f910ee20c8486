"""Benchmark of the recovery scorecard (a script, not a pytest test).

1. Trend method, vectorised: scorecards of 3,000 and 30,000 synthetic quarterly county
   series, 2010Q1-2024Q4, shock 2020Q1, with ``analyze_recovery_many``; CPU time
   (``time.process_time``, the machine is shared) and wall time, and CPU seconds per
   1,000 series, the larger run as a ratio of the smaller one's rate (1.0 = linear).
   Targets (issue 14): 3,000 under 2 s, 30,000 under 20 s.
2. Structural method (UnobservedComponents), one series at a time: mean seconds per series
   over 20 series (target: under 0.2 s).

The series are synthetic (log-linear trend, quarterly seasonal pattern, a dip of random depth
and duration, noise; seeded). Prints a table and writes JSON to benchmarks/results/.

Run: .venv/bin/python benchmarks/bench_recovery.py [--series 3000] [--series-large 30000]
     [--structural 20]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from _common import save

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
    parser.add_argument("--series-large", type=int, default=30000)
    parser.add_argument("--structural", type=int, default=20)
    args = parser.parse_args()

    sizes = [args.series, args.series_large] if args.series_large else [args.series]
    big = synthetic_panel(max(sizes))
    analyze_recovery_many(big.iloc[:, :5], shock="2020Q1")  # warm-up (imports)
    scorecards = []
    for n in sizes:
        panel = big.iloc[:, :n]
        c0, w0 = time.process_time(), time.perf_counter()
        table = analyze_recovery_many(panel, shock="2020Q1")
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        scorecards.append({"series": n, "cpu_s": cpu, "wall_s": wall})
    panel = big.iloc[:, : args.series]
    analyze_recovery(panel.iloc[:, 0], shock="2020Q1", method="structural")  # warm-up
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for col in panel.columns[1 : 1 + args.structural]:
            t0 = time.perf_counter()
            analyze_recovery(panel[col], shock="2020Q1", method="structural")
            times.append(time.perf_counter() - t0)
    structural_mean = float(np.mean(times))

    base = scorecards[0]
    rows = [
        (
            f"scorecards, {sc['series']:,} series",
            f"{sc['cpu_s']:.2f} s CPU, {sc['wall_s']:.2f} s wall; "
            f"{1000 * sc['cpu_s'] / sc['series']:.3f} s CPU per 1,000 series "
            f"({(sc['cpu_s'] / sc['series']) / (base['cpu_s'] / base['series']):.2f}x "
            f"the {base['series']:,}-series rate)",
            "< 2 s" if sc["series"] <= 3000 else "< 20 s (linear)",
        )
        for sc in scorecards
    ]
    rows.append(
        (
            "structural, per series",
            f"{len(times)} series",
            f"{structural_mean:.3f} s/series (max {max(times):.3f})",
        )
    )
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)))
    print(f"shapes: {table['shape'].value_counts().to_dict()}")

    result = {
        "benchmark": "bench_recovery",
        "scorecards": scorecards,
        "structural_series": len(times),
        "structural_seconds_per_series_mean": structural_mean,
        "structural_seconds_per_series_max": max(times),
    }
    save("bench_recovery", result)


if __name__ == "__main__":
    main()
