"""The HTML and PDF report in headless Chromium with the network off: charts drawn, no errors.

Marked ``browser`` (needs /usr/bin/chromium, poppler-utils) and ``notebooks`` (runs a real
kernel). Screenshots of the page and of the PDF's first pages are kept in test-artifacts/
(git-ignored).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _browser import offline_page

from lixia_econ import config
from lixia_econ.report import run_report

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
    from playwright import sync_api

    seen: dict = {"network": [], "errors": [], "dialogs": []}
    with sync_api.sync_playwright() as p:
        page = offline_page(p, seen, width=1200, args=ARGS)
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
        page.context.browser.close()
    return seen


ARTIFACTS = config.PROJECT_ROOT / "test-artifacts"


def _poppler(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} is missing: apt-get install poppler-utils"
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


def test_default_report_renders_offline_in_chromium(default_report):
    result = default_report.result  # the Lixia briefing (run_report(), conftest.py)
    seen = _open_offline(result.html_path, ARTIFACTS / "report.png")
    assert seen["network"] == []
    assert seen["errors"] == []
    assert seen["charts"] >= 2  # the real index and the districts' GDP
    assert seen["drawn"] == seen["charts"]
    assert "历下区" in seen["chart_text"]  # Chinese labels are drawn as text in the SVG


def _pdf_pages(pdf: Path, count: int) -> list[str]:
    """The text of each page of the PDF (pdftotext splits pages with a form feed)."""
    pages = _poppler("pdftotext", "-layout", str(pdf), "-").split("\f")
    assert len(pages) >= count, (len(pages), count)
    return pages[:count]


def test_default_report_pdf_is_a4_with_cjk_embedded_and_charts_drawn(default_report):
    result = default_report.result  # the Lixia briefing in Chinese, shared (conftest.py)
    assert result.template == "district_briefing"
    pdf = result.pdf_path
    assert result.metrics["pdf"]["made"] is True
    info = _poppler("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 1 <= pages <= 8, info  # issue 12: a briefing of at most 8 A4 pages
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842), info  # A4 in points
    fonts = _poppler("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts, "the PDF has no fonts: the text was not printed"
    emb = [f for f in fonts if f.split()[-5] == "yes"]
    assert len(emb) == len(fonts), fonts  # every font embedded, none left to the reader
    # Chromium embeds the installed CFF-outline Noto Sans CJK as anonymous Type 3 fonts; the
    # report prints with a TrueType subset instead (fontTools), embedded under its name
    cjk = [f for f in fonts if "NotoSansCJKsc" in f and "CID TrueType" in f]
    assert cjk, f"no named Noto Sans CJK font (is fontTools installed?): {fonts}"
    assert not [f for f in fonts if "Type 3" in f], fonts
    texts = _pdf_pages(pdf, pages)
    assert all(t.strip() for t in texts), "a blank page"
    heading = re.compile(r"^\s*([一二三四五六七八]、|附录)")
    for number, page_text in enumerate(texts[:-1], start=1):  # no heading ends a page
        last = [ln for ln in page_text.splitlines() if ln.strip()][-1]
        assert not heading.match(last), (number, last)
    text = "\n".join(texts)
    assert "历下区经济运行简报" in text  # Chinese text is real, searchable text in the PDF
    assert "地区生产总值" in text
    # the charts were drawn before printing: their titles and axis titles are in the PDF
    assert "实际GDP指数" in text
    assert "亿元（现价）" in text
    # every section is printed, the sources and the appendix included
    for heading in ("一、要点", "五、目标完成情况", "八、数据来源", "附录"):
        assert heading in text, heading
    assert "import " not in text  # code hidden
    assert not re.search(r"\b(NaN|None)\b", text)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _poppler("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(ARTIFACTS / "pdf"))
    assert (ARTIFACTS / "pdf-1.png").exists()


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
