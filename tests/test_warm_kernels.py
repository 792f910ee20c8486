"""Warm kernels (issue 14): a batch worker keeps one kernel, and nothing leaks between reports.

Uses the tiny template and hand-made panel of tests/_report_fixtures.py, plus a "leaky"
template written here (a test fixture) that records the state it finds and then changes it.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from _report_fixtures import make_panel, make_template

from lixia_econ.report import execute_job, prepare_job, run_batch, run_report
from lixia_econ.report._kernels import close_warm_kernels

pytestmark = pytest.mark.notebooks

#: What the leaky template records, then changes (test fixture, not data).
LEAKY_BODY = [
    """\
    import os, sys, warnings
    import altair as alt
    import numpy as np
    import pandas as pd
    from lixia_econ.report.notebook import glue
    theme = alt.theme if hasattr(alt, "theme") else alt.themes
    seen = {
        "leftover_defined": "leftover" in globals(),
        "max_rows": pd.get_option("display.max_rows"),
        "theme": theme.active,
        "renderer": alt.renderers.active,
        "env": os.environ.get("LIXIA_LEAK"),
        "numpy_err": np.geterr()["divide"],
        "warning_filters": len(warnings.filters),
        "path_has_junk": "/nonexistent/junk" in sys.path,
        "local_module": "leaky_local_module" in sys.modules,
        "cwd_is_report_folder": os.path.basename(os.getcwd()).startswith("."),
        "rfc3987_syntax": "rfc3987_syntax" in sys.modules,
        "pid": os.getpid(),
    }
    glue("seen", seen)
    """,
    """\
    leftover = 1
    pd.set_option("display.max_rows", 3)
    theme.enable("dark")
    alt.renderers.enable("json")
    os.environ["LIXIA_LEAK"] = "yes"
    np.seterr(divide="raise")
    warnings.simplefilter("ignore")
    sys.path.append("/nonexistent/junk")
    with open("leaky_local_module.py", "w") as fh:
        fh.write("X = 1\\n")
    sys.path.insert(0, os.getcwd())
    import leaky_local_module
    """,
    """\
    if fail:
        raise RuntimeError("deliberate failure (test)")
    """,
]


def _leaky_template(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('label = "a"  # which report\nfail = False  # raise\n')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(textwrap.dedent(b)) for b in LEAKY_BODY)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Py 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "leaky.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch, tmp_path):
    # about kernels, not printing: no Chromium, so no PDF (tested in test_pdf.py)
    monkeypatch.setenv("LIXIA_ECON_CHROMIUM", str(tmp_path / "no-chromium"))


def _seen(target: str | Path) -> dict:
    metrics = json.loads((Path(target) / "metrics.json").read_text(encoding="utf-8"))
    return metrics["values"]["seen"]


def _batch(tmp_path: Path, template: Path, labels: list[str], *, fail: str = "") -> list[dict]:
    cfg = {
        "batch": {"workers": 1, "timeout": 120},
        "report": [
            {"template": str(template), "label": x, "fail": x == fail, "variant": x} for x in labels
        ],
    }
    data = make_panel(tmp_path / "data")
    res = run_batch(cfg, data_dir=data, output_dir=tmp_path / "out", progress=False)
    return [e for e in res.entries]


def test_reports_of_one_worker_share_a_kernel_and_none_sees_the_previous_ones_changes(tmp_path):
    template = _leaky_template(tmp_path / "tpl")
    entries = _batch(tmp_path, template, ["a", "b", "c"])
    assert [e.status for e in entries] == ["ok", "ok", "ok"], entries
    seen = [_seen(e.target) for e in entries]
    # one warm kernel ran all three (else this test would prove nothing)
    assert len({s["pid"] for s in seen}) == 1
    first = {k: v for k, v in seen[0].items() if k != "pid"}
    assert first["leftover_defined"] is False
    assert first["env"] is None
    assert first["numpy_err"] == "warn"
    assert first["cwd_is_report_folder"] is True
    assert first["rfc3987_syntax"] is False
    for later in seen[1:]:
        assert {k: v for k, v in later.items() if k != "pid"} == first


def test_a_failed_report_takes_its_warm_kernel_with_it(tmp_path):
    template = _leaky_template(tmp_path / "tpl")
    entries = _batch(tmp_path, template, ["a", "b", "c"], fail="b")
    assert [e.status for e in entries] == ["ok", "failed", "ok"], entries
    assert "deliberate failure" in entries[1].error
    first, third = _seen(entries[0].target), _seen(entries[2].target)
    assert first["pid"] != third["pid"]  # a new kernel after the failure
    assert {k: v for k, v in third.items() if k != "pid"} == {
        k: v for k, v in first.items() if k != "pid"
    }


def _outputs(path: Path) -> list:
    """The code cells' execution counts and outputs (metadata, which holds timings, left out)."""
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = [{k: v for k, v in o.items() if k != "metadata"} for o in cell.outputs]
        cells.append((cell.execution_count, outs))
    return cells


def test_a_warm_kernel_writes_the_same_notebook_as_a_fresh_one(tmp_path):
    template = make_template(tmp_path / "tpl")
    data = make_panel(tmp_path / "data")
    fresh = run_report(template, data_dir=data, output_dir=tmp_path / "fresh")
    warm = []
    try:
        for k in range(2):  # the second report runs in the kernel the first one used
            job = prepare_job(template, data_dir=data, output_dir=tmp_path / f"warm{k}")
            out = execute_job(job, warm=True)
            assert out.status == "ok", out.error
            warm.append(job.target)
    finally:
        assert close_warm_kernels() == 1
    want = _outputs(fresh.notebook_path)
    for target in warm:
        got = _outputs(target / "report.ipynb")
        # the cell that glues the kernel's cwd differs by folder name only
        assert len(got) == len(want)
        for (count_w, outs_w), (count_g, outs_g) in zip(want, got, strict=True):
            assert count_g == count_w
            if "kernel_cwd" not in json.dumps(outs_w):
                assert outs_g == outs_w


def test_the_report_process_does_not_import_rfc3987_syntax(tmp_path):
    """The process running papermill and nbformat does not build rfc3987's parsers either."""
    # installed with the dev extra (jupyterlab -> jupyter-events -> jsonschema[format-nongpl]);
    # without it this test and the kernel's check in the first test would prove nothing
    assert importlib.util.find_spec("rfc3987_syntax") is not None
    template = make_template(tmp_path / "tpl")
    data = make_panel(tmp_path / "data")
    code = (
        "import sys; from lixia_econ.report import run_report; "
        f"run_report({str(template)!r}, data_dir={str(data)!r}, "
        f"output_dir={str(tmp_path / 'out')!r}); "
        "print('RFC', 'rfc3987_syntax' in sys.modules, 'JSONSCHEMA', 'jsonschema' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    # jsonschema was imported (so the check means something), its rfc3987 formats were not
    assert "RFC False JSONSCHEMA True" in proc.stdout, proc.stdout
    kernel_saw = json.loads(
        next((tmp_path / "out").rglob("metrics.json")).read_text(encoding="utf-8")
    )
    assert kernel_saw["status"] == "ok"


def test_a_warm_kernel_does_not_import_from_the_shared_temporary_folder(tmp_path, monkeypatch):
    # A module left in the temporary folder (test fixture: a json.py that fails) must not
    # stand in for the standard library's: a stray /tmp/grp.py killed every warm kernel
    # ("Kernel died before replying to kernel_info") when kernels started in /tmp.
    import tempfile

    from lixia_econ.report._kernels import WarmKernel

    (tmp_path / "json.py").write_text("raise ImportError('json.py of the shared folder')\n")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    kernel = WarmKernel(start_timeout=120)
    try:
        assert kernel.alive()
        (tmp_path / "report").mkdir()  # the report's own folder, as the runner makes it
        kernel.prepare(tmp_path / "report")
    finally:
        kernel.shutdown()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["json.py", "report"]  # its own: gone
