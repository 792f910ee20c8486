"""Any district, its own bulletins: README's "Add your district" followed as written.

A copy of the project (raw data and templates) in a temporary folder is the analyst's
checkout; the README's code blocks are applied in order (the shell commands run in the
copy, the CSV line appended to ``data/raw/regions.csv``, the TOML entry to the manifest),
then the report is read. The bulletins are made-up test fixtures
(``tests/fixtures/district_bulletin/``, invented figures in a real layout). A second test
does the same with a monthly bulletin whose January and February come together.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lixia_econ import config

ROOT = config.PROJECT_ROOT
CLI = Path(sys.executable).with_name("lixia-econ")

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]


def _readme_steps() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Add your district", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)
    return [(lang, "\n".join(line.strip() for line in body.splitlines()) + "\n")
            for lang, body in blocks]  # fmt: skip


def _project_copy(tmp: Path) -> Path:
    """The analyst's checkout: raw data, templates and the fixture bulletins, nothing built."""
    root = tmp / "project"
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    shutil.copytree(ROOT / "notebooks" / "templates", root / "notebooks" / "templates")
    fixtures = ROOT / "tests" / "fixtures" / "district_bulletin"
    shutil.copytree(fixtures, root / "tests" / "fixtures" / "district_bulletin")
    return root


def _run(command: str, root: Path) -> subprocess.CompletedProcess:
    argv = shlex.split(command)
    if argv[0] == ".venv/bin/lixia-econ":
        argv[0] = str(CLI)
    env = {**os.environ, "LIXIA_ECON_ROOT": str(root)}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=600)


def _follow(steps: list[tuple[str, str]], root: Path) -> list[subprocess.CompletedProcess]:
    done = []
    for lang, body in steps:
        if lang == "bash":
            for command in filter(None, body.splitlines()):
                proc = _run(command, root)
                assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
                done.append(proc)
        elif lang == "csv":
            with open(root / "data" / "raw" / "regions.csv", "a", encoding="utf-8") as fh:
                fh.write(body)
        elif lang == "toml":
            with open(root / "data" / "raw" / "manifest.toml", "a", encoding="utf-8") as fh:
                fh.write("\n" + body)
        else:
            pytest.fail(f"README step in a language the test cannot follow: {lang}")
    return done


def _report_folder(root: Path, code: str) -> Path:
    (folder,) = (root / "reports" / "region_recovery" / code).iterdir()
    return folder


def _scorecard(folder: Path) -> dict[str, dict]:
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    table = metrics["tables"]["region_scorecard"]
    return {row[0]: dict(zip(table["columns"], row, strict=True)) for row in table["data"]}


def test_readme_steps_give_a_quarterly_bulletins_district_a_recovery_scorecard(tmp_path):
    steps = _readme_steps()
    assert [lang for lang, _ in steps] == ["bash", "csv", "toml", "bash"]
    root = _project_copy(tmp_path)
    done = _follow(steps, root)
    assert "example_district_quarterly_gb18030.csv" in done[1].stdout  # the build read it
    log = json.loads((root / "data" / "processed" / "build_log.json").read_text("utf-8"))
    entry = next(e for e in log["read"] if e["file"] == "example_district_quarterly_gb18030.csv")
    caveats = " ".join(c["text"] for c in entry["caveats"])
    assert "注：本表为累计数" in caveats
    assert "数据来源：示例区统计局" in caveats
    folder = _report_folder(root, "379901")  # the report's folder uses the resolved code
    gdp = _scorecard(folder)["gdp"]
    # The fixture's single quarters fall 14 % in 2020Q1 against a 2 % a quarter path.
    assert gdp["trough_period"] == "2020Q1"
    assert gdp["trough_depth_pct"] < -5
    assert gdp["output_loss_pct_lower"] <= gdp["output_loss_pct"] <= gdp["output_loss_pct_upper"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "示例区" in html
    assert html.count('class="lixia-chart"') >= 2  # the district's chart and the nation's


def test_a_monthly_bulletin_with_january_and_february_together(tmp_path):
    steps = [(lang, body.replace("quarterly", "monthly")) for lang, body in _readme_steps()]
    lang, entry = steps[2]
    steps[2] = (lang, entry.replace('caveats = "', 'jan_feb = "keep"\ncaveats = "'))
    *prepare, (_, commands) = steps
    report = "-p region=示例区 -p indicators=retail_sales -p jan_feb=days"
    steps = [*prepare, ("bash", commands.replace("-p region=示例区", report))]
    root = _project_copy(tmp_path)
    _follow(steps, root)
    retail = _scorecard(_report_folder(root, "379901"))["retail_sales"]
    # The fixture's months fall 20-30 % from January 2020; the two-month total split by days.
    assert retail["trough_period"] in {"2020-01", "2020-02"}
    assert retail["trough_depth_pct"] < -10
    assert retail["output_loss_pct_lower"] <= retail["output_loss_pct_upper"]
