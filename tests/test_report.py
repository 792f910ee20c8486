"""Tests of lixia_econ.report: parameter checks before a kernel starts, run_report, HTML export.

Tests marked ``notebooks`` start a real Jupyter kernel (the venv's python3) through papermill.
The tiny template and panel come from tests/_report_fixtures.py (hand-made fixtures).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import openpyxl
import pytest
from _browser import table_layout
from _report_fixtures import FIXTURE_LEVELS

from lixia_econ import config
from lixia_econ.cli import main
from lixia_econ.errors import ParameterError, ReportError
from lixia_econ.models.vocab import METRICS
from lixia_econ.report import (
    Job,
    prepare_job,
    run_report,
    template_parameters,
    validate_parameters,
)
from lixia_econ.report._params import DEFAULT_TEMPLATE
from lixia_econ.report._run import safe_component

TEMPLATES = sorted(config.TEMPLATES_DIR.glob("*.ipynb"))


@pytest.fixture(scope="module")
def tiny(tiny_template, tiny_data):
    # written once per session by conftest.py (tests/_report_fixtures.py)
    return {"template": tiny_template, "data": tiny_data}


@pytest.fixture(scope="module")
def good_report(tiny, tmp_path_factory):
    """One run of the tiny template with its defaults (force=False into an empty folder).

    Tests that need a good report in place before they run another copy its output folder
    (``_copy_of``) instead of starting a kernel for the same report again.
    """
    out = tmp_path_factory.mktemp("good-report")
    result = run_report(
        tiny["template"], data_dir=tiny["data"], output_dir=out, timeout=120, force=False
    )
    return out, result


def _copy_of(good_report, folder: Path):
    """The shared good report copied into ``folder``: its result, with its path there."""
    out, result = good_report
    shutil.copytree(out, folder, dirs_exist_ok=True)
    return dataclasses.replace(result, path=folder / result.path.relative_to(out))


# --------------------------------------------------------------------------- parameters

BAD = [
    ({"regoin": "370102"}, "unknown parameter"),
    ({"region": 370102}, "has type int"),
    ({"benchmarks": "370100"}, "has type str"),
    ({"benchmarks": ["370100", 0]}, "item 0"),
    ({"region": "999999"}, "not in the region catalogue"),
    ({"region": "../../x"}, "not in the region catalogue"),
    ({"benchmarks": ["370100", "999999"]}, "not in the region catalogue"),
    ({"indicators": ["gdp", "<script>alert(1)</script>"]}, "not in the indicator catalogue"),
    ({"shock": "2020Q5"}, "not a period"),
    ({"shock": "2021", "as_of": "2020Q4"}, "starts after"),
    ({"sleep": "fast"}, "has type str"),
    ({"fail": 1}, "has type int"),
]


@pytest.mark.parametrize(("given", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_parameters_are_refused_before_a_kernel_starts(tiny, given, message):
    with pytest.raises(ParameterError, match=message):
        validate_parameters(tiny["template"], given)


TEXT = [
    ({"region": "370102"}, "region", "370102"),
    ({"region": "000000"}, "region", "000000"),
    ({"region": "历下区"}, "region", "370102"),
    ({"region": "Lixia District"}, "region", "370102"),
    ({"benchmarks": "济南市,000000"}, "benchmarks", ["370100", "000000"]),
    ({"indicators": "地区生产总值"}, "indicators", ["gdp"]),
    ({"benchmarks": "370100,000000"}, "benchmarks", ["370100", "000000"]),
    ({"benchmarks": '["370000"]'}, "benchmarks", ["370000"]),
    ({"fail": "true"}, "fail", True),
    ({"sleep": "2"}, "sleep", 2.0),
    ({"as_of": "2021"}, "as_of", "2021"),
]


@pytest.mark.parametrize(("given", "name", "expected"), TEXT)
def test_command_line_text_is_coerced_to_the_declared_type(tiny, given, name, expected):
    out = validate_parameters(tiny["template"], given, from_text=True)
    assert out[name] == expected
    assert type(out[name]) is type(expected)


def test_text_that_is_not_the_declared_type_is_refused(tiny):
    with pytest.raises(ParameterError, match="not a boolean"):
        validate_parameters(tiny["template"], {"fail": "perhaps"}, from_text=True)
    with pytest.raises(ParameterError, match="not a number"):
        validate_parameters(tiny["template"], {"sleep": "soon"}, from_text=True)


def test_unknown_parameter_message_lists_what_is_declared(tiny):
    with pytest.raises(ParameterError) as err:
        validate_parameters(tiny["template"], {"nope": 1})
    for name in ("region (str)", "benchmarks (list of str)", "sleep (float)"):
        assert name in str(err.value)


def test_unknown_template_lists_the_templates():
    with pytest.raises(ParameterError, match="region_recovery"):
        validate_parameters("no_such_template")


def test_parameter_lines_papermill_cannot_read_are_an_error(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('a = "x"  # fine\nb = ""  # here = there')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ParameterError, match=r"\['b'\]"):
        template_parameters(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("370102", "370102"), ("../../x", "_.._x"), ("a/b", "a_b"), ("2026Q1", "2026Q1")],
)
def test_safe_component_never_leaves_a_separator_or_dot_dot(text, expected):
    assert safe_component(text, what="x") == expected


@pytest.mark.parametrize("text", ["..", ".", ""])
def test_safe_component_refuses_empty_names(text):
    with pytest.raises(ParameterError):
        safe_component(text, what="region")


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_templates_declare_documented_defaults(path):
    params = template_parameters(path)
    assert {"region", "shock", "as_of", "data_dir"} <= set(params)
    assert all(p.help for p in params.values()), "every parameter needs a help comment"
    validate_parameters(path)  # the defaults themselves are valid


def test_unknown_region_name_is_refused_with_the_nearest_entries(tiny):
    with pytest.raises(ParameterError, match=r"region: 'Lixia Distric' .*Did you mean '370102'"):
        validate_parameters(tiny["template"], {"region": "Lixia Distric"})


def test_a_job_is_a_frozen_record_and_names_its_folder_by_region_code(tiny, tmp_path):
    job = prepare_job(
        tiny["template"],
        {"region": "历下区", "benchmarks": "济南市"},
        data_dir=tiny["data"],
        output_dir=tmp_path,
        from_text=True,
    )
    assert isinstance(job, Job)
    assert job.parameters["region"] == "370102"
    assert job.parameters["benchmarks"] == ["370100"]
    assert job.target == (tmp_path / "tiny" / "370102" / "2021").resolve()
    with pytest.raises(dataclasses.FrozenInstanceError):
        job.target = tmp_path  # type: ignore[misc]


def test_cli_lists_every_templates_parameters_with_defaults_and_types(capsys):
    assert main(["report", "--list-parameters"]) == 0
    out = capsys.readouterr().out
    for path in TEMPLATES:
        assert f"{path.stem}:" in out
        for name, param in template_parameters(path).items():
            line = next(x for x in out.splitlines() if x.split()[:1] == [name])
            assert param.type_name in line
    assert "region_recovery:" in out
    assert "list of str  370100,370000,000000" in out  # a list default as -p would take it


def test_cli_lists_one_templates_parameters(capsys, tiny):
    assert main(["report", "--list-parameters", str(tiny["template"])]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tiny:")
    assert "sleep" in out
    assert "float" in out
    assert "region_recovery" not in out


def test_cli_report_help_ends_with_the_templates_parameters(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["report", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "--list-parameters" in out
    epilog = out.split("templates and their parameters", 1)[1]
    assert "region_recovery:" in epilog
    assert "use_estimates" in epilog


# --------------------------------------------------------------------------- running


@pytest.mark.notebooks
def test_run_report_writes_the_report_folder(tiny, tmp_path):
    title = "<script>alert(2)</script> 历下区"
    result = run_report(
        tiny["template"],
        parameters={"title": title},
        data_dir=tiny["data"],
        output_dir=tmp_path,
        timeout=120,
    )
    # as_of "" resolves to the latest fixture period of the report's regions
    assert result.parameters["as_of"] == "2021"
    assert result.path == (tmp_path / "tiny" / "370102" / "2021").resolve()
    names = {p.name for p in result.path.iterdir()}
    assert {"report.ipynb", "report.html", "metrics.json", "tables.xlsx", "run.log"} <= names
    assert not [p for p in result.path.parent.iterdir() if ".tmp-" in p.name]

    metrics = json.loads(result.metrics_path.read_text(encoding="utf-8"))
    assert metrics["parameters"]["region"] == "370102"
    assert len(metrics["data_hash"]) == 64
    assert metrics["timings_s"]["execute"] > 0
    # scorecard: the latest fixture level of each region, computed independently here
    card = result.scorecard.set_index("region")["value"].to_dict()
    expected = {r: v["gdp"][max(v["gdp"])] for r, v in FIXTURE_LEVELS.items()}
    assert card == expected
    assert metrics["values"]["n_rows"] == sum(
        len(FIXTURE_LEVELS[r]["gdp"]) for r in ("370102", "370100", "000000")
    )

    book = openpyxl.load_workbook(result.xlsx_path)
    assert book.sheetnames[-2:] == ["sources", "parameters"]
    assert {"scorecard", "增长"} <= set(book.sheetnames)
    assert book["scorecard"].max_row == 1 + len(expected)
    growth = book["增长"]  # glue_table(headers=..., sheet=...) inside the kernel
    assert [c.value for c in growth[1]] == ["年份", "地区生产总值（亿元）", "note"]
    assert growth["A2"].value == 2019
    assert growth["B3"].number_format == "#,##0.0"
    assert growth["C2"].value == "=1+1"
    assert growth["C2"].data_type == "s"
    assert growth.freeze_panes == "A2"
    params = {r[0]: r[1] for r in book["parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["benchmarks"] == "370100、000000"
    assert metrics["tables"]["growth"]["headers"][0] == "年份"

    # the PDF (its contents are checked in test_html_browser.py)
    assert "report.pdf" in names
    assert metrics["pdf"]["made"] is True
    assert metrics["pdf"]["error"] is None
    assert result.pdf_path.read_bytes()[:5] == b"%PDF-"
    assert metrics["timings_s"]["pdf"] > 0
    assert "report.pdf printed" in (result.path / "run.log").read_text(encoding="utf-8")

    page = result.html_path.read_text(encoding="utf-8")
    assert "<script>alert" not in page  # names from data and parameters stay text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert 'class="lixia-chart"' in page
    assert "vegaEmbed" in page  # the library is inlined ...
    assert "cdn.jsdelivr" not in page
    assert "require.min.js" not in page
    assert "panel = load_panel" not in page  # code hidden by default


def _alive(pid: int) -> bool:
    """True while process ``pid`` runs (a zombie waiting to be reaped does not count)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.notebooks
def test_nothing_of_a_reports_kernel_outlives_the_report(tmp_path):
    # the runner kills its kernel after the last cell: the chart worker must go with it
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('region = "370102"\nshock = "2020"\nas_of = "2021"')
    params.metadata["tags"] = ["parameters"]
    body = (
        "import os\n"
        "from lixia_econ.report import notebook\n"
        "notebook.setup()\n"
        "notebook.glue('pids', [os.getpid(), notebook._worker._proc.pid])"
    )
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "pids.ipynb")
    result = run_report(tmp_path / "pids.ipynb", output_dir=tmp_path / "out", timeout=120)
    kernel, worker = result.metrics["values"]["pids"]
    deadline = time.monotonic() + 5  # the worker is reaped by whoever adopted it
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(kernel)
    assert not _alive(worker)


@pytest.mark.notebooks
def test_report_without_chromium_succeeds_and_says_so(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("LIXIA_ECON_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = run_report(
        tiny["template"], data_dir=tiny["data"], output_dir=tmp_path / "out", timeout=120
    )
    assert result.status == "ok"
    assert not result.pdf_path.exists()
    assert result.metrics["pdf"]["made"] is False
    assert "apt-get install chromium" in result.metrics["pdf"]["error"]
    log_text = (result.path / "run.log").read_text(encoding="utf-8")
    assert "report.pdf not made" in log_text
    assert "LIXIA_ECON_CHROMIUM" in log_text


@pytest.mark.notebooks
def test_failed_rerun_keeps_the_good_report_and_names_the_cell(tiny, good_report, tmp_path):
    common = {"data_dir": tiny["data"], "output_dir": tmp_path, "timeout": 120}
    good = _copy_of(good_report, tmp_path)  # run_report(tiny["template"], **common), shared
    before = good.html_path.read_bytes()
    with pytest.raises(ReportError) as err:
        run_report(tiny["template"], parameters={"fail": True}, **common)
    msg = str(err.value)
    assert "template cell 3" in msg
    assert "ValueError" in msg
    assert "deliberate failure" in msg
    assert good.html_path.read_bytes() == before
    failed = good.path.with_name("2021.failed")
    assert (failed / "report.ipynb").exists()
    assert (failed / "run.log").exists()


@pytest.mark.notebooks
def test_a_dying_kernel_is_a_failure_not_a_hang(tiny, tmp_path):
    with pytest.raises(ReportError, match="kernel died"):
        run_report(
            tiny["template"],
            parameters={"die": True},
            data_dir=tiny["data"],
            output_dir=tmp_path,
            timeout=120,
        )


@pytest.mark.notebooks
def test_a_report_over_its_timeout_is_stopped(tiny, tmp_path):
    with pytest.raises(ReportError, match="timed out after 8 s"):
        run_report(
            tiny["template"],
            parameters={"sleep": 300.0},
            data_dir=tiny["data"],
            output_dir=tmp_path,
            timeout=8,
        )


@pytest.mark.notebooks
def test_unchanged_inputs_are_skipped_unless_forced(tiny, good_report, tmp_path):
    common = {"data_dir": tiny["data"], "output_dir": tmp_path, "timeout": 120}
    first = _copy_of(good_report, tmp_path)  # run_report(..., force=False, **common), shared
    assert first.status == "ok"
    again = run_report(tiny["template"], force=False, **common)
    assert again.status == "skipped"
    assert again.metrics["input_hash"] == first.metrics["input_hash"]
    changed = run_report(tiny["template"], parameters={"title": "other"}, force=False, **common)
    assert changed.status == "ok"


@pytest.mark.notebooks
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_templates_run_on_the_shipped_data(path, tmp_path, capfd, request):
    if path.stem == DEFAULT_TEMPLATE:  # run once per session, shared (conftest.py)
        result, err = request.getfixturevalue("default_report")
    else:
        result = run_report(path.stem, output_dir=tmp_path, timeout=300)
        err = capfd.readouterr().err
    page = result.html_path.read_text(encoding="utf-8")
    # the kernel's stderr is kept in the report folder, not printed (cron mails stay quiet)
    assert "IPKernelApp" not in err
    assert (result.path / "kernel.log").exists()
    assert result.parameters["region"] == "370102"
    assert page.count('class="lixia-chart"') >= 1
    assert result.scorecard is not None
    assert len(result.scorecard) >= 1
    # tables for readers: labelled headers, a dash for a missing value
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert "NaN" not in visible
    assert [c for c in METRICS if "_" in c and c in visible] == []
    assert "Run it with" not in visible  # the template's note to its user (tag remove-cell)
    # ... that fit a 1,280 px window, their headers wrapping between words ("Uni t" was)
    layout = table_layout(result.html_path)
    assert (layout["scroll"], layout["wide"], layout["broken"]) == (1280, [], [])
    assert layout["network"] == []
    if path.stem == "region_recovery":
        # published Lixia GDP 2012 837 亿元 and 2019 1685.4 亿元 (data/raw/SOURCES.md):
        # CAGR 2012-2019 computed here independently
        growth = result.metrics["tables"]["growth_gdp"]
        rows = [dict(zip(growth["columns"], r, strict=True)) for r in growth["data"]]
        lixia = next(r for r in rows if r["region"] == "370102")
        assert lixia["pre_cagr_pct"] == pytest.approx(100 * ((1685.4 / 837) ** (1 / 7) - 1))
        # the sparse district data are named as such, not hidden
        assert "No recovery scorecard for 历下区 Lixia District" in page
        assert "统计月报" in page
        assert "Growth across the shock (% a year)" in visible


def test_quarterly_estimates_are_labelled_and_add_up_to_published_years():
    """Issue 6 wiring: estimates for Lixia's GDP, checked against the published figures."""
    from lixia_econ import analysis
    from lixia_econ.panel import get_series, load_panel

    panel = load_panel()
    est = analysis.quarterly_estimates(panel, "370102", "gdp", shock="2020", as_of="2026Q1")
    published = get_series(panel, "370102", "gdp", measure="level", freq="A")
    sums = est.estimates.groupby(est.estimates.index.year).sum()
    for year, value in published.items():
        assert sums[year.year] == pytest.approx(value, rel=1e-9)
    # no year invented: estimates only for the years with a published annual figure
    assert set(est.estimates.index.year) == {p.year for p in published.index}
    assert "estimates, not published figures" in est.statements[0]
    # The published 2022 Q1-Q3 figure (1659.7 亿元) was not used: it is the check.
    assert any("published 1,659.7" in s for s in est.statements)
    assert est.recovery is None
    assert any("no recovery scorecard on the estimates" in s for s in est.statements)
