"""Model honesty benchmark (a script, not a pytest test): interval coverage and W false positives.

Runs the simulations of ``tests/test_simulation.py`` (the one definition of the designs)
with more series than the test suite can afford:

1. pooled pointwise coverage of the 95% counterfactual intervals, methods ``trend``,
   ``ets`` and ``structural``, AR(1) noise rho in {0, 0.3, 0.6} (``--series`` per cell);
2. coverage of the 95% ITS intervals of the level and slope change (``--its-series``);
3. shape labels of V-shaped series, W false-positive rate (``--w-series``).

``--pre-quarters`` sets the counterfactual's fitting window (default 40; the package's
default window is 20 quarters).

Prints a table and writes benchmarks/results/honesty.json.

Run: .venv/bin/python benchmarks/bench_honesty.py [--series 200] [--its-series 1000]
     [--w-series 1000] [--methods trend,ets,structural]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict

from lixia_econ.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "tests"))
from test_simulation import (
    RHOS,
    counterfactual_coverage,
    its_coverage,
    w_false_positives,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--its-series", type=int, default=1000)
    parser.add_argument("--w-series", type=int, default=1000)
    parser.add_argument("--methods", default="trend,ets,structural")
    parser.add_argument("--pre-quarters", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", default="honesty.json")
    args = parser.parse_args()

    cells = []
    for method in [m for m in args.methods.split(",") if m]:
        for i, rho in enumerate(RHOS):
            cell = counterfactual_coverage(
                method, rho, args.series, args.seed + i, pre_quarters=args.pre_quarters
            )
            print(f"{method:18s} rho={rho:.1f}  n={cell.n_series}  {cell.coverage:.3f}", flush=True)
            cells.append(cell)
    for i, rho in enumerate(RHOS):
        if args.its_series:
            for cell in its_coverage(rho, args.its_series, args.seed + 100 + i):
                print(f"{cell.method:18s} rho={rho:.1f}  n={cell.n_series}  {cell.coverage:.3f}")
                cells.append(cell)
    shapes: dict[str, dict[str, int]] = {}
    if args.w_series:
        for adjust in ("seasonal", "none"):
            counts = w_false_positives(args.w_series, args.seed + 200, adjust=adjust)
            shapes[adjust] = {str(k): int(v) for k, v in counts.items()}
            w_rate = shapes[adjust].get("W", 0) / args.w_series
            label = f"W on {args.w_series} V shapes, adjust={adjust!r}"
            print(f"{label}: {w_rate:.3%} {shapes[adjust]}")

    out_dir = PROJECT_ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "bench_honesty",
        "coverage": [asdict(c) for c in cells],
        "v_shape_labels": shapes,
        "w_series": args.w_series,
        "seed": args.seed,
        "pre_quarters": args.pre_quarters,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    path = out_dir / args.out
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {path.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
