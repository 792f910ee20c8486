"""Charts in a saved notebook draw with no network, outside our own HTML export too.

An analyst's notebook is run by papermill (a real kernel), exported by plain
``jupyter nbconvert --to html`` (not lixia_econ's exporter), and opened in headless
Chromium with every non-file request aborted: every chart output must show as an SVG (or
image). Marked ``browser`` and ``notebooks``; no skip: a missing browser fails and says
how to install it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from _browser import offline_page

from lixia_econ import config

JUPYTER = Path(sys.executable).with_name("jupyter")

pytestmark = [pytest.mark.browser, pytest.mark.notebooks, pytest.mark.slow]

CELLS = [
    """\
    import altair as alt
    import pandas as pd
    from lixia_econ import viz
    from lixia_econ.report.notebook import setup
    viz.use_theme()
    setup()
    """,
    """\
    frame = pd.DataFrame({"期": ["2019", "2020", "2021"], "值": [1.0, 3.0, 2.0]})
    alt.Chart(frame, title="地区生产总值").mark_line().encode(x="期:O", y="值:Q")
    """,
    """\
    bars = alt.Chart(frame).mark_bar().encode(x="期:O", y="值:Q")
    bars | bars.mark_point()
    """,
]


def _chart_outputs(nb) -> int:
    return sum(
        any(k.startswith("application/vnd.vegalite") for k in out.get("data", {}))
        for cell in nb.cells
        for out in cell.get("outputs", [])
    )


def test_nbconvert_html_of_an_executed_notebook_draws_every_chart_offline(tmp_path):
    import papermill as pm

    src = tmp_path / "charts.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, src)
    out = tmp_path / "charts-run.ipynb"
    pm.execute_notebook(str(src), str(out), kernel_name="python3", progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    charts = _chart_outputs(executed)
    assert charts == 2
    for cell in executed.cells:
        for o in cell.get("outputs", []):
            assert "text/html" not in o.get("data", {})  # Altair's CDN loader is gone
            assert "cdn.jsdelivr" not in str(o.get("data", {}))
    subprocess.run(
        [str(JUPYTER), "nbconvert", "--to", "html", str(out), "--output-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    seen = _open_offline(tmp_path / "charts-run.html", tmp_path)
    assert seen["drawn"] == charts, seen
    assert not [u for u in seen["network"] if "vega" in u], seen["network"]
    assert seen["loaded"] == charts  # each image decoded (a broken one has no width)
    svgs = [o["data"]["image/svg+xml"] for c in executed.cells for o in c.get("outputs", [])]
    assert "地区生产总值" in svgs[0]  # Chinese title kept as text in the static SVG


def _open_offline(html: Path, tmp_path: Path) -> dict:
    from playwright import sync_api

    seen: dict = {"network": []}
    with sync_api.sync_playwright() as p:
        page = offline_page(p, seen, width=1100, args=["--no-sandbox"])
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        outputs = ".jp-OutputArea-output"
        seen["drawn"] = page.locator(f"{outputs} svg.marks, {outputs} img").count()
        seen["loaded"] = page.evaluate(
            f"""Array.from(document.querySelectorAll('{outputs} svg.marks, {outputs} img'))
            .filter(e => e.tagName !== 'IMG' || e.naturalWidth > 0).length"""
        )
        shot = config.PROJECT_ROOT / "test-artifacts" / "nbconvert-offline.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        page.context.browser.close()
    return seen
