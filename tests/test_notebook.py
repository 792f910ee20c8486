"""Tests of lixia_econ.report.notebook's chart renderer and its vl-convert worker."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
import vl_convert

from lixia_econ.report import notebook


@pytest.fixture
def worker():
    """A worker of this test's own (the module's one, if any, put back afterwards)."""
    kept = notebook._worker
    notebook._worker = None
    notebook._start_worker(alt.SCHEMA_URL)
    yield notebook._worker
    notebook._worker.close()
    notebook._worker = kept


def _spec() -> dict:
    frame = pd.DataFrame({"年份": ["2019", "2020", "2021"], "指数": [100.0, 102.5, 111.0]})
    chart = alt.Chart(frame, title="实际GDP指数").mark_line(point=True)
    return chart.encode(x="年份:O", y=alt.Y("指数:Q", scale=alt.Scale(zero=False))).to_dict()


def test_the_worker_draws_the_svg_the_kernel_draws(worker):
    spec = _spec()
    assert worker.svg(spec) == vl_convert.vegalite_to_svg(spec)
    bundle, _ = notebook._chart_renderer(spec)
    assert bundle["image/svg+xml"] == vl_convert.vegalite_to_svg(spec)
    assert bundle["text/plain"] == "<Altair chart>"


def test_a_chart_the_worker_cannot_draw_says_why_as_without_a_worker(worker):
    bad = {"$schema": alt.SCHEMA_URL, "mark": "no_such_mark"}
    assert worker.svg(bad) is None
    with_worker, _ = notebook._chart_renderer(bad)
    notebook._worker = None
    without, _ = notebook._chart_renderer(bad)
    notebook._worker = worker
    assert with_worker == without
    assert with_worker["text/plain"].startswith("<chart: no static image (ValueError:")


def test_charts_still_draw_when_the_worker_is_gone(worker):
    worker._proc.kill()
    worker._proc.wait()
    spec = _spec()
    assert worker.svg(spec) is None
    bundle, _ = notebook._chart_renderer(spec)
    assert bundle["image/svg+xml"] == vl_convert.vegalite_to_svg(spec)


def test_setup_starts_one_worker_a_process(worker, monkeypatch):
    monkeypatch.setattr(notebook, "_frozen", True)  # not this test process's objects
    active = alt.renderers.active
    try:
        notebook.setup()
        assert notebook._worker is worker
    finally:
        alt.renderers.enable(active)


def test_setup_freezes_the_imports_once(monkeypatch):
    import gc

    calls = []
    monkeypatch.setattr(notebook, "_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    notebook._freeze_imports()
    notebook._freeze_imports()
    assert calls == [1]
