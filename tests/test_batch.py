"""Tests of the batch runner and ``lixia-econ batch``: parallel reports, failures, skips, Dask.

Uses the tiny template and hand-made panel of tests/_report_fixtures.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from _report_fixtures import FIXTURE_LEVELS, make_panel, make_template

from lixia_econ.cli import main
from lixia_econ.errors import ParameterError
from lixia_econ.report import load_batch_config, run_batch

pytestmark = pytest.mark.notebooks

PAIRS = sorted((r, i) for r, by in FIXTURE_LEVELS.items() for i in by)


@pytest.fixture(autouse=True)
def _no_pdf(monkeypatch, tmp_path):
    # These tests are about the batch (workers, skips, failures, signals), not the printout:
    # printing a PDF costs each report about 5 s of Chromium. With no Chromium found a report
    # is still written and says why it has no PDF (tested in test_report.py); the PDF itself
    # is tested in test_pdf.py and test_html_browser.py. Subprocesses inherit the setting.
    monkeypatch.setenv("LIXIA_ECON_CHROMIUM", str(tmp_path / "no-chromium-for-batch-tests"))


@pytest.fixture
def setup(tmp_path):
    template = make_template(tmp_path / "tpl")
    data = make_panel(tmp_path / "data")
    return {"template": template, "data": data, "out": tmp_path / "out", "tmp": tmp_path}


def _config(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def _matrix(template: Path, extra: str = "") -> str:
    return f"""
[batch]
workers = 2
timeout = 120

[defaults]
benchmarks = []

[[matrix]]
template = "{template}"
regions = "*"
indicators = "*"
{extra}
"""


@pytest.mark.slow
def test_every_region_x_indicator_then_idempotent_rerun(setup, capsys):
    cfg = _config(setup["tmp"] / "b.toml", _matrix(setup["template"]))
    args = ["batch", str(cfg), "--data", str(setup["data"]), "--output", str(setup["out"])]
    assert main([*args, "--no-progress", "--log-file", str(setup["tmp"] / "b.log")]) == 0
    summary = json.loads((setup["out"] / "batch-summary.json").read_text(encoding="utf-8"))
    names = sorted(e["name"] for e in summary["entries"])
    # one report per (region, indicator) pair of the fixture panel, as_of = its latest year
    expected = sorted(f"tiny/{r}_{i}/{max(FIXTURE_LEVELS[r][i])}" for r, i in PAIRS)
    assert names == expected
    assert summary["counts"] == {"ok": len(PAIRS), "failed": 0, "skipped": 0}
    index = (setup["out"] / "index.html").read_text(encoding="utf-8")
    for name in expected:
        assert f'href="{name}/report.html"' in index
        assert (setup["out"] / name / "report.html").exists()
    assert "batch b: 4 ok, 0 failed, 0 skipped" in (setup["tmp"] / "b.log").read_text()

    made = {
        n: json.loads((setup["out"] / n / "metrics.json").read_text(encoding="utf-8"))
        for n in expected
    }

    # unchanged inputs: everything skipped; --force runs them again
    again = run_batch(cfg, data_dir=setup["data"], output_dir=setup["out"], progress=False)
    assert again.counts == {"ok": 0, "failed": 0, "skipped": len(PAIRS)}
    # the index keeps, for a kept report, when it was made and how long it took
    index = (setup["out"] / "index.html").read_text(encoding="utf-8")
    for name, metrics in made.items():
        row = next(r for r in index.split("<tr") if f'href="{name}/report.html"' in r)
        assert "skipped (unchanged)" in row
        assert metrics["created_utc"][:19].replace("T", " ") in row
        assert f"{metrics['timings_s']['total']:.1f}" in row
        assert f"<td>{metrics['values']['headline']}</td>" in row
    # a scheduled run with nothing to do prints exactly one line
    capsys.readouterr()
    assert main([*args, "--no-progress"]) == 0
    printed = capsys.readouterr()
    assert len(printed.out.splitlines()) == 1, printed.out
    assert printed.out.startswith(f"nothing to do: {len(PAIRS)} reports unchanged")
    assert printed.err == ""
    forced = run_batch(
        cfg, data_dir=setup["data"], output_dir=setup["out"], progress=False, force=True, workers=1
    )
    assert forced.counts == {"ok": len(PAIRS), "failed": 0, "skipped": 0}


@pytest.mark.slow
def test_one_broken_entry_fails_alone_and_the_exit_status_says_so(setup):
    t = setup["template"]
    body = f"""
[batch]
workers = 2
timeout = 120

[[report]]
template = "{t}"

[[report]]
template = "{t}"
region = "370100"
fail = true

[[report]]
template = "{t}"
region = "../../x"

[[report]]
template = "{t}"
region = "000000"
"""
    cfg = _config(setup["tmp"] / "broken.toml", body)
    code = main(
        [
            "batch",
            str(cfg),
            "--data",
            str(setup["data"]),
            "--output",
            str(setup["out"]),
            "--no-progress",
        ]
    )
    assert code == 1
    summary = json.loads((setup["out"] / "batch-summary.json").read_text(encoding="utf-8"))
    status = {e["name"]: e for e in summary["entries"]}
    assert status["tiny/370102/2021"]["status"] == "ok"
    assert status["tiny/000000/2021"]["status"] == "ok"
    broken = status["tiny/370100/2021"]
    assert broken["status"] == "failed"
    assert "template cell 3" in broken["error"]
    assert "deliberate failure" in broken["error"]
    assert Path(broken["log"]).exists()
    invalid = [e for e in summary["entries"] if "../../x" in e["name"]]
    assert len(invalid) == 1
    assert invalid[0]["status"] == "failed"
    assert "not in the region catalogue" in invalid[0]["error"]
    # nothing was written outside the output folder
    assert not (setup["tmp"] / "x").exists()
    assert not (setup["out"].parent.parent / "x").exists()
    index = (setup["out"] / "index.html").read_text(encoding="utf-8")
    assert "deliberate failure" in index


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[report]]\ntemplate = 'x'\n[oops]\n", "unknown section"),
        ("[batch]\nworkers = 2\nspeed = 1\n[[report]]\ntemplate = 'x'\n", "unknown \\[batch\\]"),
        ("[batch]\nworkers = 2\n", "no \\[\\[report\\]\\]"),
        ("[[report]]\nregion = '370102'\n", "has no 'template'"),
        ("[[report]\n", "not valid TOML"),
    ],
)
def test_bad_configs_are_usage_errors(tmp_path, body, message):
    cfg = _config(tmp_path / "c.toml", body)
    with pytest.raises(ParameterError, match=message):
        load_batch_config(cfg)
    assert main(["batch", str(cfg), "--no-progress", "--output", str(tmp_path)]) == 2


def _report_contents(out: Path) -> dict[str, tuple]:
    """Each report's glued values and tables, and its cells' outputs (timings left out)."""
    found = {}
    for metrics_path in sorted(out.rglob("metrics.json")):
        folder = metrics_path.parent
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        nb = nbformat.read(folder / "report.ipynb", as_version=4)
        cells = [
            [{k: v for k, v in o.items() if k != "metadata"} for o in c.outputs]
            for c in nb.cells
            if c.cell_type == "code"
        ]
        values = {k: v for k, v in metrics["values"].items() if k not in {"kernel_cwd", "slept"}}
        cells = [c for c in cells if "kernel_cwd" not in json.dumps(c)]
        found[str(folder.relative_to(out))] = (values, metrics["tables"], cells)
    return found


@pytest.mark.slow
def test_batch_on_a_dask_local_cluster_writes_what_a_local_run_writes(setup):
    """The same batch on a Dask LocalCluster (2 worker processes) and locally: same reports."""
    distributed = pytest.importorskip("distributed")
    cfg = _config(setup["tmp"] / "d.toml", _matrix(setup["template"]))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(
            cfg,
            scheduler=cluster.scheduler_address,
            data_dir=setup["data"],
            output_dir=setup["out"] / "dask",
            progress=False,
        )
    assert result.counts == {"ok": len(PAIRS), "failed": 0, "skipped": 0}
    assert result.exit_code == 0
    local = run_batch(
        cfg, workers=1, data_dir=setup["data"], output_dir=setup["out"] / "local", progress=False
    )
    assert local.counts == result.counts
    on_dask, here = (
        _report_contents(setup["out"] / "dask"),
        _report_contents(setup["out"] / "local"),
    )
    assert sorted(on_dask) == sorted(here)
    assert len(here) == len(PAIRS)
    for name, contents in here.items():
        assert on_dask[name] == contents, name


@pytest.mark.slow
def test_two_workers_run_two_kernels_at_once_each_in_its_own_folder(setup):
    """workers=2: both reports' kernels are alive together, each in its report's folder.

    Each kernel sleeps 3 s and glues the wall-clock interval of its sleep; run one after
    the other the intervals could not overlap. The batch process's own working directory
    is left alone (papermill's ``cwd`` would ``os.chdir`` it; nteract/papermill#473).
    """
    t = setup["template"]
    body = "".join(
        f'[[report]]\ntemplate = "{t}"\nregion = "{r}"\nbenchmarks = []\nsleep = 3.0\n'
        for r in ("370102", "000000")
    )
    cwd = Path.cwd()
    cfg = _config(setup["tmp"] / "two.toml", body)
    res = run_batch(cfg, workers=2, data_dir=setup["data"], output_dir=setup["out"], progress=False)
    assert res.counts["ok"] == 2, res
    assert Path.cwd() == cwd
    metrics = [
        json.loads((Path(e.target) / "metrics.json").read_text(encoding="utf-8"))
        for e in res.entries
    ]
    (a0, a1), (b0, b1) = (m["values"]["slept"] for m in metrics)
    assert a0 < b1, (a0, a1, b0, b1)
    assert b0 < a1, (a0, a1, b0, b1)
    for entry, m in zip(res.entries, metrics, strict=True):
        # the kernel ran in the temporary folder that became the report's folder
        kernel_dir = Path(m["values"]["kernel_cwd"])
        assert kernel_dir.parent == Path(entry.target).parent
        assert kernel_dir.name.startswith(f".{Path(entry.target).name}.tmp-")


@pytest.mark.slow
def test_any_executor_drives_the_batch_a_process_pool_too(setup):
    """The executor is pluggable: a spawn process pool gives the same reports."""
    import concurrent.futures as cf
    import multiprocessing as mp

    cfg = _config(setup["tmp"] / "p.toml", _matrix(setup["template"]))
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as pool:
        res = run_batch(
            cfg, executor=pool, data_dir=setup["data"], output_dir=setup["out"], progress=False
        )
    assert res.counts == {"ok": len(PAIRS), "failed": 0, "skipped": 0}
    for e in res.entries:
        assert (Path(e.target) / "report.html").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "code", "workers", "cut_short"),
    [
        (signal.SIGINT, 130, 2, ["000000", "370102"]),
        (signal.SIGINT, 130, 1, ["370102"]),
        (signal.SIGTERM, 143, 2, ["000000", "370102"]),
    ],
)
def test_ctrl_c_stops_the_batch_and_leaves_no_half_written_report(
    setup, sig, code, workers, cut_short
):
    """Ctrl-C (SIGINT to the process group) or SIGTERM mid-batch: exit 130/143 at once,
    each report cut short in its ``.failed`` folder, no temporary folder left, no
    report.html.

    Kernels run in sessions of their own, so the terminal's SIGINT does not reach them: the
    batch must stop them itself (each sleeps 120 s here; without that this test hangs).
    """
    t = setup["template"]
    body = "".join(
        f'[[report]]\ntemplate = "{t}"\nregion = "{r}"\nbenchmarks = []\nsleep = 120.0\n'
        for r in ("370102", "000000")
    )
    cfg = _config(setup["tmp"] / "long.toml", body)
    out = setup["out"]
    cmd = [sys.executable, "-m", "lixia_econ.cli", "batch", str(cfg), "--no-progress"]
    cmd += ["--workers", str(workers)]
    cmd += ["--data", str(setup["data"]), "--output", str(out)]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # a shell's background job ignores SIGINT, and children inherit that: undo it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        waited = 0.0
        while len(list(out.glob("tiny/*/.*.tmp-*/kernel.log"))) < workers and waited < 90:
            time.sleep(0.5)
            waited += 0.5
        time.sleep(3)  # let both kernels reach their sleeping cell
        os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, err
    assert ("interrupted" if sig == signal.SIGINT else "terminated") in err
    assert not list(out.rglob("*.tmp-*"))
    assert not list(out.rglob("report.html"))
    failed = sorted(out.glob("tiny/*/*.failed"))
    assert [f.parent.name for f in failed] == cut_short
    for folder in failed:
        assert "FAILED: interrupted" in (folder / "run.log").read_text(encoding="utf-8")


@pytest.mark.slow
def test_matrix_skips_pairs_whose_data_end_before_the_shock(setup):
    """A pair with no data from the shock on is skipped with its reason, not failed."""
    cfg = _config(setup["tmp"] / "s.toml", _matrix(setup["template"], 'shock = "2099"'))
    res = run_batch(cfg, workers=1, data_dir=setup["data"], output_dir=setup["out"], progress=False)
    assert res.exit_code == 0
    assert res.counts["ok"] == 0
    assert res.counts["skipped"] == len(res.entries) > 0
    assert all("no data from the shock 2099 on" in e.error for e in res.entries)


@pytest.mark.slow
@pytest.mark.notebooks
def test_example_batch_over_the_shipped_panel_with_one_broken_entry(tmp_path):
    """Issue 4: the example's region x indicator matrix on the shipped panel, one broken entry.

    The example names five regions (China, Shandong, Jinan, Lixia, Qingdao); ``"*"`` would take
    every region of the panel (the Jinan districts too: three times the reports).
    """
    root = Path(__file__).resolve().parents[1]
    cfg = load_batch_config(root / "examples" / "batch.toml")
    cfg["report"].append({"template": "region_recovery", "region": "370102", "shock": "2020Q5"})
    res = run_batch(cfg, workers=2, output_dir=tmp_path, progress=False, force=True)
    assert res.exit_code == 1
    failed = [e for e in res.entries if e.status == "failed"]
    assert len(failed) == 1
    assert "2020Q5" in failed[0].error
    ok = [e for e in res.entries if e.status == "ok"]
    assert len(ok) >= 30
    for e in ok:
        assert (Path(e.target) / "report.html").exists()
    # A sparse district report says plainly what could not be computed.
    lixia = next(e for e in ok if e.name.startswith("region_recovery/370102_gdp/"))
    text = (Path(lixia.target) / "report.html").read_text(encoding="utf-8")
    assert "No recovery scorecard for 历下区 Lixia District" in text
    assert (tmp_path / "index.html").exists()
