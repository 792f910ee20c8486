"""Benchmark: resolving region names, and building a county-scale annual panel.

Targets (issue "Any district, its own bulletins"):

- resolve 100,000 region names in < 0.5 s: the names are drawn from the catalogue as an
  analyst writes them (code, full-width code, full and short Chinese name, English name,
  prefecture + name), so most are distinct the first time they are seen; the figure is for
  a fresh process (no name resolved before), the catalogue already loaded;
- read a 3,000-county annual panel (every county-level division GB/T 2260 lists today x 20
  years of GDP, written by the benchmark as a long CSV) through ``lixia-econ build`` in
  < 10 s.

The panel's figures are synthetic (a benchmark input, not data).

Run: ``.venv/bin/python benchmarks/bench_regions.py`` (writes benchmarks/results/regions.json).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_NAMES = 100_000
YEARS = range(2004, 2024)
RESULTS = Path(__file__).resolve().parent / "results"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _name_variants() -> list[str]:
    from lixia_econ import regions as R

    catalogue = R.regions()
    out = []
    for reg in catalogue.values():
        if not reg.current:
            continue
        parent = catalogue.get(reg.parent)
        out += [reg.code, reg.code.translate(FULL_WIDTH), reg.name_zh, reg.name_en]
        if parent is not None and parent.code != "000000":
            out.append(parent.name_zh + reg.name_zh)
    return out


def bench_resolve() -> dict[str, float]:
    from lixia_econ import regions as R

    t0 = time.perf_counter()
    R.regions()
    R.lookup_region("370102")  # builds the name table once
    load = time.perf_counter() - t0
    variants = _name_variants()
    rng = random.Random(0)
    names = [rng.choice(variants) for _ in range(N_NAMES)]
    t0 = time.perf_counter()
    found = sum(R.lookup_region(n) is not None for n in names)
    seconds = time.perf_counter() - t0
    return {
        "names": N_NAMES,
        "distinct_names": len(set(names)),
        "resolved": found,
        "seconds": round(seconds, 3),
        "catalogue_load_seconds": round(load, 3),
        "target_seconds": 0.5,
    }


def _write_county_panel(raw: Path) -> int:
    from lixia_econ import regions as R

    counties = [r for r in R.regions().values() if r.level == "county" and r.current]
    rng = random.Random(1)
    lines = ["region,indicator,period,value,unit"]
    for reg in counties:
        level = rng.uniform(50, 2000)
        for year in YEARS:
            level *= 1 + rng.uniform(-0.02, 0.1)
            lines.append(f"{reg.code},地区生产总值,{year}年,{level:.2f},亿元")
    (raw / "counties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (raw / "manifest.toml").write_text(
        '[[file]]\npath = "counties.csv"\nlayout = "long"\n'
        'publisher = "benchmark"\nroute = "synthetic"\ncaveats = "synthetic figures"\n',
        encoding="utf-8",
    )
    return len(counties)


def bench_build() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "processed"
        raw.mkdir()
        n = _write_county_panel(raw)
        cmd = [sys.executable, "-m", "lixia_econ.cli", "build", "--raw", str(raw)]
        t0 = time.perf_counter()
        proc = subprocess.run([*cmd, "--processed", str(out)], capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"build failed:\n{proc.stdout}\n{proc.stderr}")
    return {
        "counties": n,
        "rows": n * len(YEARS),
        "seconds": round(seconds, 2),
        "target_seconds": 10.0,
    }


def main() -> int:
    resolve = bench_resolve()
    print(
        f"resolve {resolve['names']:,} names ({resolve['distinct_names']:,} distinct): "
        f"{resolve['seconds']:.3f} s (target < 0.5 s; catalogue load "
        f"{resolve['catalogue_load_seconds']:.2f} s, once per process)"
    )
    build = bench_build()
    print(
        f"build {build['counties']:,} counties x {len(YEARS)} years ({build['rows']:,} rows): "
        f"{build['seconds']:.2f} s wall, whole command (target < 10 s)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "regions.json").write_text(
        json.dumps({"resolve": resolve, "build": build}, indent=2), encoding="utf-8"
    )
    ok = resolve["seconds"] < 0.5 and build["seconds"] < 10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
