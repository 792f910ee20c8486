"""The HTML report in headless Chromium with the network off: charts drawn, no errors.

Marked ``browser`` (needs /usr/bin/chromium) and ``notebooks`` (runs a real kernel). A
screenshot is kept in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lixia_econ import config
from lixia_econ.report import run_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.notebooks,
    pytest.mark.slow,
    # No skip: a missing browser is a failure that says how to install it (.ci/run does).
]


def _open_offline(html: Path, shot: Path) -> dict:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    from playwright import sync_api

    seen: dict = {"network": [], "errors": [], "dialogs": []}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                seen["network"].append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
        page.on("pageerror", lambda e: seen["errors"].append(str(e)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.goto(html.as_uri())
        page.wait_for_selector(".lixia-chart svg", timeout=30_000)
        page.wait_for_load_state("networkidle")
        seen["charts"] = page.locator(".lixia-chart").count()
        seen["drawn"] = page.locator(".lixia-chart svg").count()
        seen["chart_text"] = " ".join(page.locator(".lixia-chart svg text").all_text_contents())
        seen["body"] = page.locator("main").inner_text()
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    return seen


def test_default_report_renders_offline_in_chromium(default_report):
    result = default_report.result  # run_report("region_recovery", timeout=300), conftest.py
    seen = _open_offline(result.html_path, config.PROJECT_ROOT / "test-artifacts" / "report.png")
    assert seen["network"] == []
    assert seen["errors"] == []
    assert seen["charts"] >= 2
    assert seen["drawn"] == seen["charts"]
    assert "历下区" in seen["chart_text"]  # Chinese labels are drawn as text in the SVG


def test_names_from_data_stay_text_in_the_browser(tiny_template, tiny_data, tmp_path):
    # tiny_data's note is "<script>alert(1)</script>" (conftest.py)
    result = run_report(
        tiny_template,
        parameters={"title": "<img src=x onerror=alert(3)>"},
        data_dir=tiny_data,
        output_dir=tmp_path / "out",
        timeout=120,
    )
    seen = _open_offline(result.html_path, config.PROJECT_ROOT / "test-artifacts" / "escaping.png")
    assert seen["dialogs"] == []  # no script from a name ran
    assert seen["network"] == []  # not even the img of the title was fetched
    assert "<script>alert(1)</script>" in seen["body"]
    assert "<img src=x onerror=alert(3)>" in seen["body"]
    assert "<script>alert(1)</script>" in seen["chart_text"]
