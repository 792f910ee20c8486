"""Benchmark: small workbooks with one stray cell far out (issue 13, fault 1).

A 5 KB workbook with a value at ``KN60000`` (row 60,000, column 300) or ``XFD1048576``
made the reader walk every cell of the declared used range (20 s, 75 s and 1.6 GiB).
Target: each read through ``read_table`` in under 2 s. The workbooks are synthetic
(benchmark inputs): a three-row bulletin table plus the stray cell.

Run: ``.venv/bin/python benchmarks/bench_xlsx.py`` (writes benchmarks/results/xlsx.json).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _workbook(path: Path, far: str) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["指标", "2020", "2021"])
    ws.append(["地区生产总值（亿元）", 100.5, 110.25])
    ws.append(["地区生产总值增长（%）", 3.9, 5.1])
    ws[far] = "x"
    wb.save(path)


def main() -> dict:
    """Write each workbook, read it, print and save the seconds."""
    from lixia_econ.io import read_table

    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for far in ("KN60000", "XFD1048576"):
            path = Path(tmp) / f"stray_{far}.xlsx"
            _workbook(path, far)
            t0 = time.perf_counter()
            rows = len(read_table(path, region="370102"))
            seconds = time.perf_counter() - t0
            result[far] = {"bytes": path.stat().st_size, "rows": rows, "seconds": round(seconds, 3)}
    result["ok"] = all(r["seconds"] < 2 for r in result.values() if isinstance(r, dict))
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "xlsx.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
