"""Benchmark: a national county panel through ``lixia-econ build`` (issue 14, item 5).

Target: every current county-level division of GB/T 2260 (2,847 in the catalogue) x 30
series x 121 monthly year-to-date periods (10.3M rows) built in < 60 s and < 8 GiB.

The input is synthetic (a benchmark input, not data), written by this script into a
temporary folder (never ``data/raw``) in the raw layouts the package reads, as county
statistics bureaus publish them: 15 flow indicators, each as its year-to-date value
(累计, half the counties in 万元, half in 亿元) and its year-to-date growth (累计增长,
percent); periods ``2012年1-2月`` (January and February released together), ``2012年1-3月``
… ``2022年1-12月``. Most counties are in long CSVs, one per province (``地区,指标名称,时间,
数值,单位``); one county in twenty is a wide bulletin of its own (indicators as rows,
periods as columns, the unit in the indicator name), as a district publishes it. A
manifest lists every file with its layout.

The build runs as ``python -m lixia_econ.cli build`` in a child process; ``os.wait4``
gives that child's own CPU time and peak RSS. The anchor, measured in the same run, is
``pandas.read_csv`` of the same files in a child process (the bare parse, nothing
checked, derived or written): ``build / bare read`` is the ratio that says how much the
package costs over reading the text.

Run: ``.venv/bin/python benchmarks/bench_county.py [--millions 1,3,all]`` (writes
``benchmarks/results/county.json``; the exit status says whether the last size met the
targets).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SECONDS, TARGET_PEAK_MIB = 60, 8 * 1024
#: Flow indicators (catalogue code, name as a bulletin prints it).
INDICATORS = [
    ("gdp", "地区生产总值"),
    ("va_primary", "第一产业增加值"),
    ("va_secondary", "第二产业增加值"),
    ("va_tertiary", "第三产业增加值"),
    ("va_industry", "工业增加值"),
    ("va_construction", "建筑业增加值"),
    ("industrial_va_above_size", "规模以上工业增加值"),
    ("fai", "固定资产投资"),
    ("real_estate_investment", "房地产开发投资"),
    ("retail_sales", "社会消费品零售总额"),
    ("retail_sales_above_size", "限额以上单位消费品零售额"),
    ("gpb_revenue", "一般公共预算收入"),
    ("gpb_expenditure", "一般公共预算支出"),
    ("tax_revenue", "税收收入"),
    ("foreign_trade", "进出口总额"),
]
YEARS = range(2012, 2023)
#: Year-to-date labels of a year: January–February together, then to each month's end.
MONTH_ENDS = range(2, 13)
N_SERIES = 2 * len(INDICATORS)
N_PERIODS = len(YEARS) * len(MONTH_ENDS)
WIDE_EVERY = 20


def _counties(n: int | None = None) -> list[tuple[str, str]]:
    """Return (code, province code) of the current county-level divisions (the first ``n``)."""
    from lixia_econ.regions import regions

    out = [
        (r.code, r.code[:2] + "0000")
        for r in regions().values()
        if r.level == "county" and r.current and r.kind == "division"
    ]
    return out[:n] if n is not None else out


def _series(codes: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Return the synthetic panel as printed: one row per county, series and period."""
    n_c, n_i, n_y, n_m = len(codes), len(INDICATORS), len(YEARS), len(MONTH_ENDS)
    # single months (January–February as one), cumulated within each year
    scale = rng.gamma(2.0, 20.0, size=(n_c, n_i, 1, 1))
    single = scale * rng.uniform(0.5, 1.5, size=(n_c, n_i, n_y, n_m))
    single[..., 0] *= 2  # January and February
    ytd = np.cumsum(single, axis=-1)
    growth = rng.uniform(-5.0, 15.0, size=(n_c, n_i, n_y, n_m))
    wan = np.repeat(np.arange(n_c) % 2 == 1, n_i * n_y * n_m)  # these counties print 万元
    levels = ytd.ravel()
    level_text = np.where(
        wan,
        np.char.mod("%.0f", np.round(levels * 1e4)),
        np.char.mod("%.2f", np.round(levels, 2)),
    )
    labels = np.array([f"{y}年1-{m}月" for y in YEARS for m in MONTH_ENDS])
    names = np.array([name for _, name in INDICATORS])
    region = np.repeat(np.array(codes), n_i * n_y * n_m)
    indicator = np.tile(np.repeat(names, n_y * n_m), n_c)
    period = np.tile(labels, n_c * n_i)
    level = pd.DataFrame(
        {
            "地区": region,
            "指标名称": indicator,
            "时间": period,
            "数值": level_text,
            "单位": np.where(wan, "万元", "亿元"),
        }
    )
    rate = level.assign(
        指标名称=np.char.add(indicator.astype(str), "增长"),
        数值=np.char.mod("%.1f", growth.ravel()),
        单位="%",
    )
    # a county's series next to each other, as a bureau's table lists them
    both = pd.concat([level, rate], keys=[0, 1], names=["kind", "row"]).reset_index()
    both["series"] = np.tile(np.repeat(np.arange(n_c * n_i), n_y * n_m), 2)
    return both.sort_values(["series", "kind", "row"], kind="stable").drop(
        columns=["kind", "row", "series"]
    )


def write_raw(raw: Path, counties: list[tuple[str, str]], seed: int = 14) -> dict[str, int]:
    """Write the synthetic raw folder; return what it holds."""
    from pyarrow import Table
    from pyarrow import csv as pa_csv

    raw.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    codes = [c for c, _ in counties]
    frame = _series(codes, rng)
    wide_codes = set(codes[::WIDE_EVERY])
    entries = []
    long_rows = 0
    province = frame["地区"].str[:2] + "0000"
    is_wide = frame["地区"].isin(wide_codes)
    plain = pa_csv.WriteOptions(quoting_style="none", include_header=False)
    for prov, part in frame[~is_wide].groupby(province[~is_wide], sort=True):
        name = f"county_monthly_{prov}.csv"
        with open(raw / name, "wb") as fh:
            fh.write((",".join(part.columns) + "\n").encode("utf-8"))
            pa_csv.write_csv(Table.from_pandas(part, preserve_index=False), fh, plain)
        entries.append(f'[[file]]\npath = "{name}"\nlayout = "long"\n')
        long_rows += len(part)
    wide = frame[is_wide]
    labels = [f"{y}年1-{m}月" for y in YEARS for m in MONTH_ENDS]
    for code, part in wide.groupby("地区", sort=True):
        unit = part["单位"].iloc[0]
        name_of = {n: f"{n}（{unit}）" for _, n in INDICATORS}
        name_of.update({f"{n}增长": f"{n}比上年同期增长（%）" for _, n in INDICATORS})
        table = part.pivot(index="指标名称", columns="时间", values="数值")[labels]
        table = table.loc[[k for _, n in INDICATORS for k in (n, f"{n}增长")]]
        table.index = [name_of[k] for k in table.index]
        lines = ["指标," + ",".join(labels)]
        lines += [f"{k}," + ",".join(v) for k, v in zip(table.index, table.to_numpy(), strict=True)]
        name = f"bulletins/county_{code}.csv"
        (raw / "bulletins").mkdir(exist_ok=True)
        (raw / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        entries.append(
            f'[[file]]\npath = "{name}"\nlayout = "wide"\n[file.options]\nregion = "{code}"\n'
        )
    head = (
        "# SYNTHETIC BENCHMARK INPUT written by benchmarks/bench_county.py: made-up numbers,\n"
        "# not data. Deleted when the benchmark ends.\n\n"
    )
    (raw / "manifest.toml").write_text(head + "\n".join(entries), encoding="utf-8")
    return {
        "counties": len(codes),
        "wide_counties": len(wide_codes),
        "rows": len(frame),
        "long_rows": long_rows,
        "files": len(entries),
        "input_mib": round(sum(p.stat().st_size for p in raw.rglob("*.csv")) / 2**20, 1),
    }


def _run(cmd: list[str]) -> dict[str, object]:
    """Run a child process; return its wall and CPU seconds and peak RSS (its own)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[1:4])} failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mib": round(usage.ru_maxrss / 1024),
        "stdout": stdout,
    }


def _bare_read(raw: str) -> None:
    """The anchor: ``pandas.read_csv`` of every data file, nothing else (a child process)."""
    rows = 0
    for p in sorted(Path(raw).rglob("*.csv")):
        rows += len(pd.read_csv(p, dtype=str))
    print(rows)


def measure(millions: float | None, tmp: Path) -> dict[str, object]:
    """Write about ``millions`` million rows (None: every county), then time read and build."""
    per_county = N_SERIES * N_PERIODS
    counties = _counties()
    n = len(counties) if millions is None else round(millions * 1e6 / per_county)
    n = min(len(counties), max(1, n))
    raw, out = tmp / f"raw_{n}", tmp / f"processed_{n}"
    t0 = time.perf_counter()
    info = write_raw(raw, counties[:n])
    info["write_seconds"] = round(time.perf_counter() - t0, 1)
    anchor = _run([sys.executable, __file__, "--bare-read", str(raw)])
    env_cmd = [sys.executable, "-m", "lixia_econ.cli", "build", "--raw", str(raw)]
    build = _run([*env_cmd, "--processed", str(out)])
    panel_rows = int(json.loads((out / "build_log.json").read_text(encoding="utf-8"))["rows"])
    log = build.pop("stdout")
    anchor.pop("stdout")
    result = {
        **info,
        "panel_rows": panel_rows,
        "build": build,
        "bare_read": anchor,
        "build_over_bare_read": round(build["seconds"] / anchor["seconds"], 2),
        "build_over_bare_read_cpu": round(build["cpu_seconds"] / anchor["cpu_seconds"], 2),
        "input_rows_per_second": round(info["rows"] / build["seconds"]),
        "build_last_line": log.strip().splitlines()[-1] if log.strip() else "",
    }
    return result


def _line(r: dict) -> str:
    b, a = r["build"], r["bare_read"]
    return (
        f"{r['rows'] / 1e6:5.2f}M rows ({r['counties']} counties, {r['files']} files, "
        f"{r['input_mib']} MiB): build {b['seconds']:.1f} s wall, {b['cpu_seconds']:.1f} s CPU, "
        f"peak {b['peak_mib']} MiB, {r['input_rows_per_second']:,} rows/s; bare read "
        f"{a['seconds']:.1f} s ({a['cpu_seconds']:.1f} s CPU, {a['peak_mib']} MiB); build / bare "
        f"read {r['build_over_bare_read']}x wall, {r['build_over_bare_read_cpu']}x CPU; "
        f"panel {r['panel_rows']:,} rows"
    )


def main(argv: list[str] | None = None) -> int:
    """Measure each size; print and save the figures; exit 1 if the largest misses a target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--millions",
        default="all",
        help="sizes in million rows, 'all' for every county (~10.3M); default 'all'",
    )
    args = parser.parse_args(argv)
    sizes = [None if s == "all" else float(s) for s in args.millions.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="lixia-bench-county-") as tmp:
        for m in sizes:
            r = measure(m, Path(tmp))
            print(_line(r), flush=True)
            results.append(r)
    last = results[-1]
    ok = last["build"]["seconds"] < TARGET_SECONDS and last["build"]["peak_mib"] < TARGET_PEAK_MIB
    summary = {
        "target_seconds": TARGET_SECONDS,
        "target_peak_mib": TARGET_PEAK_MIB,
        "ok": ok,
        "loadavg_1min_at_end": round(os.getloadavg()[0], 2),
        "sizes": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "county.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bare-read":
        _bare_read(sys.argv[2])
    else:
        sys.exit(main())
