"""Briefing benchmark: the district briefing (HTML + PDF + xlsx) against the papermill floor.

Run: .venv/bin/python benchmarks/bench_briefing.py  (writes benchmarks/results/bench_briefing.json)

- floor: papermill executing a notebook that has only the briefing template's parameters,
  imports and panel load, plus the modules the briefing imports as it runs (altair, the
  analysis and model modules, which bring statsmodels and scipy, and vl-convert): "an
  empty notebook with the same imports" (statsmodels' ``linear_model``, which the
  appendix's recovery fits import; not ``statsmodels.api``, which no briefing imports --
  check a briefing kernel's ``sys.modules`` when this changes);
- briefing: ``run_report()`` (the default template, Lixia, ``lang="zh"``) on the shipped
  data: validation, kernel, HTML, workbook, the PDF printed by headless Chromium with the
  CJK font subset, atomic write; force=True. Its own timings (execute, export, pdf) are
  kept too, and the PDF step is split into the font subset, the browser's start (it
  overlaps the kernel) and the printing. Each repeat runs
  it three times (:data:`KINDS`): "cold" with the caches emptied first -- the font
  subsets (a first print of that text) and the national scorecard of the appendix (the
  first report on new data) --, "fonts" with only the scorecard fitted again (the same
  words printed on new data), and "warm" (both found in the cache, as for every report
  of a batch after its first, or a report run again).

Each kind runs ``BENCH_REPEATS`` times (default 5). Floor and briefing runs alternate
(floor, cold, fonts, warm, floor, ...) so that a change in the machine's load hits both;
the ratio is of the medians of the same run. The report runner kills its kernel after the
last cell; the floor, papermill's default, asks it to shut down (0.2-0.3 s more), so the
ratios against a floor killed the same way are recorded too. Issue 12's target:
briefing <= 1.4 x floor.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _common import papermill_floor

from lixia_econ import config
from lixia_econ.report import run_report

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
TEMPLATE = "district_briefing"


def floor(tmp: Path) -> float:
    return papermill_floor(tmp)


def floor_killed(tmp: Path) -> float:
    """The floor with its kernel killed after the cell, as the report runner kills its own."""
    return papermill_floor(tmp, shutdown_kernel="immediate")


#: The runs of each repeat and the caches each empties first: "cold" a first print on new
#: data, "fonts" the same text printed again on new data (the scorecard fitted, as by the
#: first briefing of a batch), "warm" a briefing after the first of a batch or a re-run.
KINDS = {"cold": ("cjk-subsets", "memo"), "fonts": ("memo",), "warm": ()}


def briefing(tmp: Path, *, emptied: tuple[str, ...]) -> tuple[float, dict[str, float]]:
    for folder in emptied:
        shutil.rmtree(config.CACHE_DIR / folder, ignore_errors=True)
    t = time.perf_counter()
    result = run_report(TEMPLATE, output_dir=tmp / "briefing", force=True)
    took = time.perf_counter() - t
    assert result.metrics["pdf"]["made"] is True, result.metrics["pdf"]
    return took, dict(result.timings)


def pdf_parts(html: Path) -> dict[str, float]:
    """Time the PDF step's parts on a finished report: font subset, browser start, printing.

    A report starts its browser when its kernel starts, so only the printing (opening the
    page, waiting for its charts, ``Page.printToPDF``) is on its critical path.
    """
    from lixia_econ import _cjkfont
    from lixia_econ._pdf import Browser, print_to_pdf

    t = time.perf_counter()
    _cjkfont.font_face_css(html.read_text(encoding="utf-8"))
    font = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        browser = Browser()
        browser.wait_ready()
        start = time.perf_counter() - t
        try:
            t = time.perf_counter()
            print_to_pdf(html, Path(d) / "x.pdf", embed_cjk=False, browser=browser)
            printing = time.perf_counter() - t
        finally:
            browser.close()
    return {"font_subset_s": font, "browser_start_s": start, "print_s": printing}


def main() -> None:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        run_report(TEMPLATE, output_dir=tmp / "warm", force=True)  # warm caches and the panel
        floors, killed = [], []
        runs: dict[str, list] = {k: [] for k in KINDS}
        timings: dict[str, list] = {k: [] for k in KINDS}
        for _ in range(REPEATS):
            floors.append(floor(tmp))
            killed.append(floor_killed(tmp))
            for kind, emptied in KINDS.items():
                took, parts = briefing(tmp, emptied=emptied)
                runs[kind].append(took)
                timings[kind].append(parts)
        html = next((tmp / "briefing").rglob("report.html"))
        parts = pdf_parts(html)
    out = {
        "cpu_count": os.cpu_count(),
        "loadavg_at_start": load,
        "loadavg_at_end": os.getloadavg(),
        "floor_s": floors,
        "briefing_s": runs,
        "briefing_timings_s": timings,
        # cold: the PDF's font subsets and the national scorecard made (a first print on
        # new data); fonts: the subsets cached, the scorecard fitted; warm: both cached
        "briefing_over_floor": {
            k: statistics.median(v) / statistics.median(floors) for k, v in runs.items()
        },
        # the same against a floor whose kernel is killed after its cell (papermill's
        # shutdown_kernel="immediate", what the runner does): the stricter comparison
        "floor_killed_s": killed,
        "briefing_over_floor_killed": {
            k: statistics.median(v) / statistics.median(killed) for k, v in runs.items()
        },
        "pdf_parts_once": parts,
        "targets": {"briefing_over_floor_max": 1.4},
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / "bench_briefing.json").write_text(json.dumps(out, indent=2))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
