"""Hand-made fixtures for the report tests: a tiny panel and a tiny template.

THE NUMBERS HERE ARE HAND-MADE TEST FIXTURES, NOT DATA. They exist so the report machinery
(papermill, HTML export, batch runner) can be tested without the shipped panel. Every
report test that wants real published figures uses the shipped data instead.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pandas as pd

from lixia_econ.schema import COLUMNS

# region -> indicator -> {year: value}; hand-made fixture values (not published figures)
FIXTURE_LEVELS = {
    "370102": {"gdp": {2017: 100.0, 2018: 110.0, 2019: 120.0, 2020: 121.0, 2021: 133.0}},
    "370100": {
        "gdp": {2017: 700.0, 2018: 750.0, 2019: 800.0, 2020: 820.0, 2021: 880.0},
        "retail_sales": {2019: 400.0, 2020: 390.0, 2021: 420.0},
    },
    "000000": {"gdp": {2018: 9000.0, 2019: 9900.0, 2020: 10100.0, 2021: 11400.0}},
}


def make_panel(folder: Path, *, note: str = "") -> Path:
    """Write a tiny tidy panel (hand-made fixture values) to ``folder/panel.parquet``."""
    rows = []
    for region, by_ind in FIXTURE_LEVELS.items():
        for indicator, values in by_ind.items():
            for year, value in values.items():
                rows.append(
                    {
                        "region": region,
                        "indicator": indicator,
                        "freq": "A",
                        "period": str(year),
                        "measure": "level",
                        "value": value,
                        "unit": "亿元",
                        "price_basis": "current",
                        "status": "published",
                        "source": "hand-made test fixture",
                        "note": note,
                    }
                )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "panel.parquet", index=False)
    return folder


PARAMETERS = """\
region = "370102"  # region code reported on
benchmarks = ["370100", "000000"]  # regions compared against
indicators = ["gdp"]  # indicator codes
shock = "2020"  # shock period
as_of = ""  # last period used; empty means the latest in the data
data_dir = ""  # processed-data folder; empty means data/processed
title = "Tiny report"  # free text shown as the heading
fail = False  # raise in a cell (tests)
die = False  # kill the kernel (tests)
sleep = 0.0  # seconds to sleep in a cell (tests)
"""

BODY = [
    """\
    import os, time
    import altair as alt
    import pandas as pd
    from lixia_econ.panel import load_panel
    from lixia_econ.report.notebook import glue, say, fmt, setup
    setup()
    from lixia_econ.schema import regions
    panel = load_panel(data_dir or None, rebuild=False)
    say("# {title}", title=title)
    """,
    """\
    rows = panel[panel["region"].isin([region, *benchmarks]) & panel["indicator"].isin(indicators)]
    rows = rows[rows["period"] <= as_of]
    last = rows.sort_values("period").groupby(["region", "indicator"]).tail(1)
    card = last[["region", "indicator", "period", "value"]].reset_index(drop=True)
    card["name"] = [regions()[r].name_zh for r in card["region"]]
    glue("scorecard", card)
    glue("n_rows", int(len(rows)))
    glue("headline", f"{region} {indicators[0]}: {len(rows)} rows")
    say("Rows used: {n}; note: {note}", n=len(rows), note=rows["note"].iloc[0])
    """,
    """\
    if fail:
        raise ValueError("deliberate failure for the test")
    if die:
        os.kill(os.getpid(), 9)
    glue("kernel_cwd", os.getcwd())
    slept_from = time.time()
    time.sleep(sleep)
    glue("slept", [slept_from, time.time()])  # wall-clock interval of the sleep (batch tests)
    """,
    """\
    from lixia_econ.report.notebook import glue_table
    growth = pd.DataFrame(
        {"year": ["2019", "2020"], "gdp": [120.0, 121.04], "note": ["=1+1", "@SUM(A1)"]}
    )
    headers = {"year": "年份", "gdp": "地区生产总值（亿元）"}
    glue_table("growth", growth, headers=headers, sheet="增长")
    glue_table("sources", pd.DataFrame({"source": ["hand-made test fixture"], "url": ["-x"]}))
    """,
    """\
    names = [regions()[r].name_zh + " " + n for r, n in zip(rows["region"], rows["note"])]
    data = rows.assign(name=names)
    chart = alt.Chart(data, title=title).mark_line(point=True)
    chart.encode(x="period:O", y="value:Q", color="name:N")
    """,
]


def make_template(folder: Path, name: str = "tiny") -> Path:
    """Write the tiny template (one cell tagged ``parameters``) and return its path."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(textwrap.dedent(b)) for b in BODY)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path
