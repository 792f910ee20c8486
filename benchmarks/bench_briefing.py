"""Briefing benchmark: the district briefing (HTML + PDF + xlsx) against the papermill floor.

Run: .venv/bin/python benchmarks/bench_briefing.py  (writes benchmarks/results/bench_briefing.json)

- floor: papermill executing a notebook that has only the briefing template's parameters,
  imports and panel load, then imports every other module a briefing's kernel ends up
  holding, in the same order (``_common.kernel_modules``, read off a papermill run of the
  template with the runner's parameters and an extra last cell): "an empty notebook with
  the same imports". What a kernel imports can depend on the caches, so there is a floor
  for a briefing that fits the national scorecard ("fitted") and one for a briefing that
  finds it in the cache ("cached"), :data:`FLOOR_OF`; on 2026-12-02 they differed by one
  module of this package (2,065 and 2,064 modules). Until then the floor imported a
  hand-written list (altair, vl-convert, statsmodels' ``linear_model``, the analysis and
  model modules): 0.2 s shorter, for the modules the briefing's cells import as they run
  that the list left out (medians of 8 alternating runs: 2.82 against 3.03 s).
- briefing: ``run_report()`` (the default template, Lixia, ``lang="zh"``) on the shipped
  data: validation, kernel, HTML, workbook, the PDF printed by headless Chromium with the
  CJK font, atomic write; force=True. Its own timings (execute, export, pdf) are
  kept too, and the PDF step is split into the font, the browser's start (it
  overlaps the kernel) and the printing. Each repeat runs
  it three times (:data:`KINDS`): "cold" with the caches emptied first -- the font
  subsets (a first print of that text) and the national scorecard of the appendix (the
  first report on new data) --, "fonts" with only the scorecard fitted again (the same
  words printed on new data), and "warm" (both found in the cache, as for every report
  of a batch after its first, or a report run again). A page whose characters the
  chart font's TrueType copy has (:mod:`lixia_econ._vlfont`; the Lixia briefing's do) is
  printed with that copy and cuts no subset (:mod:`lixia_econ._cjkfont`), so "cold" and
  "fonts" differ by the cache alone only for pages beyond it.

Each kind runs ``BENCH_REPEATS`` times (default 5). Floor and briefing runs alternate
(floors, cold, fonts, warm, floors, ...) so that a change in the machine's load hits both;
the ratio is of the medians of the same run. The report runner kills its kernel after the
last cell; the floor, papermill's default, asks it to shut down (0.2-0.3 s more), so the
ratios against floors killed the same way are recorded too. Issue 12's target:
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

from _common import floor_source, kernel_modules, papermill_floor

from lixia_econ import config
from lixia_econ.report import run_report

REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
TEMPLATE = "district_briefing"


#: The runs of each repeat and the caches each empties first: "cold" a first print on new
#: data, "fonts" the same text printed again on new data (the scorecard fitted, as by the
#: first briefing of a batch), "warm" a briefing after the first of a batch or a re-run.
KINDS = {"cold": ("cjk-subsets", "memo"), "fonts": ("memo",), "warm": ()}
#: The floor of each kind: the imports of a briefing that fits the national scorecard, or
#: of one that finds it in the cache.
FLOOR_OF = {"cold": "fitted", "fonts": "fitted", "warm": "cached"}


def briefing(tmp: Path, *, emptied: tuple[str, ...]) -> tuple[float, dict[str, float]]:
    for folder in emptied:
        shutil.rmtree(config.CACHE_DIR / folder, ignore_errors=True)
    t = time.perf_counter()
    result = run_report(TEMPLATE, output_dir=tmp / "briefing", force=True)
    took = time.perf_counter() - t
    assert result.metrics["pdf"]["made"] is True, result.metrics["pdf"]
    return took, dict(result.timings)


def pdf_parts(html: Path) -> dict[str, float]:
    """Time the PDF step's parts on a finished report: font, browser start, printing.

    A report starts its browser when its kernel starts, so only the printing (opening the
    page, waiting for its charts, ``Page.printToPDF``) is on its critical path.
    """
    from lixia_econ._pdf import Browser, print_to_pdf, with_cjk_font

    t = time.perf_counter()
    page = with_cjk_font(html.read_text(encoding="utf-8"))
    font = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        browser = Browser()
        browser.wait_ready()
        start = time.perf_counter() - t
        try:
            t = time.perf_counter()
            print_to_pdf(html, Path(d) / "x.pdf", embed_cjk=False, browser=browser, text=page)
            printing = time.perf_counter() - t
        finally:
            browser.close()
    return {"font_s": font, "browser_start_s": start, "print_s": printing}


def main() -> None:
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        run_report(TEMPLATE, output_dir=tmp / "warm", force=True)  # warm caches and the panel
        modules = {
            "cached": kernel_modules(tmp),
            "fitted": kernel_modules(tmp, empty=("memo",)),
        }
        sources = {k: floor_source(v) for k, v in modules.items()}
        floors: dict[str, list] = {k: [] for k in sources}
        killed: dict[str, list] = {k: [] for k in sources}
        runs: dict[str, list] = {k: [] for k in KINDS}
        timings: dict[str, list] = {k: [] for k in KINDS}
        for _ in range(REPEATS):
            for k, source in sources.items():
                floors[k].append(papermill_floor(tmp, source))
                # killed after its cell, as the report runner kills its kernel
                killed[k].append(papermill_floor(tmp, source, shutdown_kernel="immediate"))
            for kind, emptied in KINDS.items():
                took, parts = briefing(tmp, emptied=emptied)
                runs[kind].append(took)
                timings[kind].append(parts)
        html = next((tmp / "briefing").rglob("report.html"))
        parts = pdf_parts(html)
    med = statistics.median
    fitted_only = sorted(set(modules["fitted"]) - set(modules["cached"]))
    out = {
        "cpu_count": os.cpu_count(),
        "loadavg_at_start": load,
        "loadavg_at_end": os.getloadavg(),
        "floor_modules": {
            **{k: len(v) for k, v in modules.items()},
            "fitted_only_top_level": sorted({m.split(".")[0] for m in fitted_only}),
        },
        "floor_s": floors,
        "briefing_s": runs,
        "briefing_timings_s": timings,
        # cold: the PDF's font subsets (if the page needs one) and the national scorecard
        # made (a first print on new data); fonts: the scorecard fitted; warm: both cached
        "briefing_over_floor": {k: med(v) / med(floors[FLOOR_OF[k]]) for k, v in runs.items()},
        "floor_killed_s": killed,
        "briefing_over_floor_killed": {
            k: med(v) / med(killed[FLOOR_OF[k]]) for k, v in runs.items()
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
