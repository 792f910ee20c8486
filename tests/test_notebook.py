"""Tests of lixia_econ.report.notebook's chart renderer and its vl-convert worker."""

from __future__ import annotations

import re

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


#: Stand-in workers (test fixtures): one that never answers, one that answers in bursts.
_SILENT_WORKER = "import sys, time\nfor line in sys.stdin:\n    time.sleep(3600)\n"
_BURST_WORKER = """
import json, sys
asked = []
for line in sys.stdin:
    asked.append(json.loads(line)["n"])
    if len(asked) == 3:  # three answers in one write: the kernel reads them as one chunk
        sys.stdout.write("".join(json.dumps({"svg": f"<svg>{n}</svg>"}) + "\\n" for n in asked))
        sys.stdout.flush()
        asked = []
"""


def test_a_silent_worker_is_stopped_and_the_kernel_draws_the_chart(monkeypatch, capsys):
    import time

    monkeypatch.setattr(notebook, "_WORKER_CODE", _SILENT_WORKER)
    monkeypatch.setattr(notebook, "REPLY_TIMEOUT_S", 0.5)
    silent = notebook._SvgWorker(alt.SCHEMA_URL)
    t0 = time.monotonic()
    assert silent.svg(_spec()) is None  # no answer: the caller draws it
    assert time.monotonic() - t0 < 10
    assert silent._proc.wait(timeout=5) is not None  # stopped, not left hanging
    assert "chart worker" in capsys.readouterr().err  # and the kernel's stderr says so
    monkeypatch.setattr(notebook, "_worker", silent)
    bundle, _ = notebook._chart_renderer(_spec())
    assert bundle["image/svg+xml"] == vl_convert.vegalite_to_svg(_spec())


def test_answers_read_together_go_to_their_own_charts(monkeypatch):
    monkeypatch.setattr(notebook, "_WORKER_CODE", _BURST_WORKER)
    burst = notebook._SvgWorker(alt.SCHEMA_URL)
    try:
        for n in range(3):
            burst.prefetch({"n": n})
        assert [burst.svg({"n": n}) for n in (2, 0, 1)] == [
            "<svg>2</svg>",
            "<svg>0</svg>",
            "<svg>1</svg>",
        ]
    finally:
        burst.close()


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


def _chart(title: str) -> alt.Chart:
    frame = pd.DataFrame({"年份": ["2019", "2020"], "指数": [100.0, 104.5]})
    return alt.Chart(frame, title=title).mark_bar().encode(x="年份:O", y="指数:Q")


def test_prefetched_svgs_are_the_ones_displayed_and_drawn_once(worker, monkeypatch):
    charts = [_chart("甲"), _chart("乙"), _chart("丙")]
    sent = []
    send = type(worker)._send
    monkeypatch.setattr(
        type(worker), "_send", lambda self, key: (sent.append(key), send(self, key))
    )
    notebook.prefetch_svgs(charts)
    assert len(sent) == 3  # all three asked for at once, none waited for
    # displayed in another order than asked: each gets its own SVG, none is asked again
    for chart in (charts[2], charts[0], charts[1]):
        spec = chart.to_dict()
        assert worker.svg(spec) == vl_convert.vegalite_to_svg(spec)
    assert len(sent) == 3
    # a chart shown twice, and one never prefetched, are simply drawn when asked
    spec = charts[0].to_dict()
    assert worker.svg(spec) == vl_convert.vegalite_to_svg(spec)
    assert len(sent) == 4


def test_prefetch_without_a_worker_or_with_a_dead_one_changes_nothing(worker):
    charts = [_chart("甲")]
    spec = charts[0].to_dict()
    worker._proc.kill()
    worker._proc.wait()
    notebook.prefetch_svgs(charts)  # no error
    assert worker.svg(spec) is None  # the renderer then draws it in the kernel
    notebook._worker = None
    notebook.prefetch_svgs(charts)  # nothing to do
    notebook._worker = worker


def test_forget_drops_svgs_prefetched_and_never_displayed(worker):
    charts = [_chart("甲"), _chart("乙")]
    notebook.prefetch_svgs(charts)
    worker.forget()  # what a warm kernel does before its next report
    assert not worker._pending
    assert not worker._done
    spec = charts[0].to_dict()
    assert worker.svg(spec) == vl_convert.vegalite_to_svg(spec)  # still draws, asked afresh


def test_show_table_labels_headers_and_names_and_never_prints_nan(monkeypatch):
    # a hand-made scorecard-like table (test fixture values, not data)
    import IPython.display

    from lixia_econ.report import notebook

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    table = pd.DataFrame(
        {
            "rank": pd.array([1, None], dtype="Int64"),
            "shape": ["V", "L"],
            "periods_to_recover_level": [3.0, float("nan")],
            "output_loss_pct": [-1.234, float("nan")],
            "missing": ["", "recovered_share, output_loss_pct"],
        },
        index=pd.Index(["gdp", "retail_sales"], name="name"),
    )
    notebook.show_table(table)
    (page,) = (h.data for h in shown)
    cells = re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", page)
    assert cells[:6] == [
        "Indicator",
        "Rank",
        "Shape",
        "Periods from shock back to pre-shock level",
        "Cumulative output loss vs. no-shock path",
        "Missing metrics",
    ]
    assert cells[6:9] == [
        "Gross domestic product",
        "1",
        "V-shaped: a short bottom and a quick return",
    ]
    assert cells[9:11] == ["3", "-1.23"]  # a count without decimals; numbers rounded
    assert "NaN" not in page
    assert "nan" not in page
    assert cells[13] == "—"  # not ranked (pandas' <NA>)
    assert cells[15:17] == ["—", "—"]  # the missing count and loss of the second row
    assert "Share of the trough shortfall recovered; Cumulative output loss" in page
    assert "retail_sales" not in page
    assert "output_loss_pct" not in page
