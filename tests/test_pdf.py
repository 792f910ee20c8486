"""Printing HTML to PDF with headless Chromium (lixia_econ._pdf), read back with poppler.

Marked ``browser``: needs /usr/bin/chromium, poppler-utils and fonts-noto-cjk; a missing
one fails and says how to install it (no skip). The named CJK font needs ``fontTools``
(a dependency in pyproject.toml).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lixia_econ import _cjkfont
from lixia_econ._pdf import (
    BROWSER_NICE,
    OFFLINE_FLAGS,
    SESSION_NICE,
    Browser,
    close_browsers,
    print_to_pdf,
    thread_browser,
)
from lixia_econ.errors import BrowserNotFound, ReportError

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<style>@page { size: A4; margin: 16mm; } body { font-family: "Noto Sans CJK SC", sans-serif; }
</style></head><body>
<h1>历下区地区生产总值（亿元）</h1>
<p>济南市、山东省、全国：2017年一季度 实际增速 6.7%。</p>
<img src="http://lixia-econ.invalid/logo.png" alt="">
<script>fetch("https://example.com/track").catch(function () {});</script>
</body></html>
"""


def _poppler(tool: str, *args: str) -> str:
    exe = shutil.which(tool)
    assert exe, f"{tool} is missing: apt-get install poppler-utils"
    return subprocess.run([exe, *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_a4_pdf_embeds_a_named_noto_cjk_font(page, tmp_path):
    assert _cjkfont.subsetting_available(), (
        "fontTools is missing: it is a dependency in pyproject.toml; pip install -e '.[dev]' "
        "(make test reinstalls when pyproject.toml changes)"
    )
    t0 = time.perf_counter()
    pdf = print_to_pdf(page, tmp_path / "page.pdf", timeout=60)
    assert time.perf_counter() - t0 < 30  # the blocked image and fetch fail at once
    info = _poppler("pdfinfo", str(pdf))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert (round(float(size[1])), round(float(size[2]))) == (595, 842), info  # A4
    fonts = _poppler("pdffonts", str(pdf))
    cjk = [line for line in fonts.splitlines() if "NotoSansCJKsc" in line]
    assert cjk, fonts
    assert all(
        "CID TrueType" in line and line.split()[-5:-2] == ["yes", "yes", "yes"] for line in cjk
    )
    assert "Type 3" not in fonts  # every character came from the subset
    text = _poppler("pdftotext", str(pdf), "-")
    assert "历下区地区生产总值（亿元）" in text
    assert "2017年一季度" in text


def test_without_fonttools_chromium_embeds_type3_fonts(page, tmp_path, monkeypatch):
    monkeypatch.setattr(_cjkfont, "subsetting_available", lambda: False)
    pdf = print_to_pdf(page, tmp_path / "page.pdf", timeout=60)
    fonts = _poppler("pdffonts", str(pdf))
    assert "Type 3" in fonts
    assert "历下区" in _poppler("pdftotext", str(pdf), "-")  # still searchable text


def test_the_flags_cut_the_network():
    joined = " ".join(OFFLINE_FLAGS)
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in joined
    assert "--proxy-server=" in joined


def test_missing_browser_says_how_to_install_it(page, tmp_path, monkeypatch):
    monkeypatch.setenv("LIXIA_ECON_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(BrowserNotFound, match="apt-get install chromium"):
        print_to_pdf(page, tmp_path / "page.pdf")


def test_font_subsets_are_cached_per_character_set(tmp_path, monkeypatch):
    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    first = _cjkfont.font_face_css(PAGE)
    assert first is not None, "fontTools or Noto Sans CJK is missing"
    assert len(list((tmp_path / "cache" / "cjk-subsets").glob("*.ttf"))) == 2  # both weights

    def no_subsetting(path, chars):
        raise AssertionError("made again although cached")

    monkeypatch.setattr(_cjkfont, "_subset", no_subsetting)
    assert _cjkfont.font_face_css(PAGE) == first
    with pytest.raises(AssertionError, match="made again"):
        _cjkfont.font_face_css(PAGE + "蛟")  # another character: another subset


def test_two_weights_missing_are_made_side_by_side_and_a_failed_helper_costs_nothing(
    tmp_path, monkeypatch
):
    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(_cjkfont, "_cores", lambda: 2)
    made_here = []
    real = _cjkfont._subset
    monkeypatch.setattr(
        _cjkfont, "_subset", lambda path, chars: made_here.append(path) or real(path, chars)
    )
    css = _cjkfont.font_face_css(PAGE + "甲")
    assert css.count("@font-face") == 2
    assert len(made_here) == 1  # the other weight was made by the helper process, in the cache
    assert len(list((tmp_path / "cache" / "cjk-subsets").glob("*.ttf"))) == 2
    # a helper that fails: the weight is made here, the CSS is the same shape
    monkeypatch.setattr(_cjkfont, "_HELPER_CODE", "raise SystemExit(3)")
    made_here.clear()
    css = _cjkfont.font_face_css(PAGE + "乙")
    assert css.count("@font-face") == 2
    assert len(made_here) == 2


# -- one browser printing page after page (what a batch worker keeps) -------------------

HUNG = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>never ready</p>
<script>window.lixiaChartsDrawn = new Promise(function () {});</script></body></html>"""


def _group_alive(pgid: int) -> bool:
    """True while a live (not zombie) process is in the process group ``pgid``."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


def test_one_browser_prints_page_after_page_then_leaves_nothing(page, tmp_path):
    other = tmp_path / "other.html"
    other.write_text(PAGE.replace("历下区", "历城区"), encoding="utf-8")
    browser = Browser()
    browser.warm_up()
    try:
        for n, (html, name) in enumerate([(page, "历下区"), (other, "历城区"), (page, "历下区")]):
            pdf = print_to_pdf(html, tmp_path / f"page{n}.pdf", timeout=60, browser=browser)
            text = _poppler("pdftotext", str(pdf), "-")
            assert f"{name}地区生产总值（亿元）" in text  # this page, not the one before
            assert len(re.findall("地区生产总值", text)) == 1
        assert browser.alive()
        assert browser.pages == 3
    finally:
        browser.close()
    assert not browser.alive()
    assert not browser.profile.exists()
    assert not _group_alive(browser.pid)  # no renderer left behind (zombies aside)


def _autogroup_nice(pid: int) -> int | None:
    """The niceness of ``pid``'s autogroup ("/autogroup-12 nice 19"), None without one."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def test_the_browser_yields_to_the_kernel_until_it_prints(page, tmp_path):
    """The browser starts while the report's kernel runs: in a session of its own, whose
    autogroup (where Linux has them) is at niceness 19 until the first page is printed."""
    browser = Browser()
    try:
        assert os.getsid(browser.pid) == browser.pid  # not the session of this process
        assert os.getpgid(browser.pid) == browser.pid  # close() kills this group
        assert os.getpriority(os.PRIO_PROCESS, browser.pid) >= BROWSER_NICE
        ours = _autogroup_nice(os.getpid())
        try:  # writing our own autogroup's niceness back unchanged: allowed here?
            Path("/proc/self/autogroup").write_text(str(ours))
        except (OSError, TypeError):
            pytest.skip("no autogroups that can be niced here (sched(7)): niceness alone applies")
        assert _autogroup_nice(browser.pid) == SESSION_NICE
        assert _autogroup_nice(os.getpid()) != SESSION_NICE  # ours is not the one niced
        print_to_pdf(page, tmp_path / "page.pdf", timeout=60, browser=browser)
        assert _autogroup_nice(browser.pid) == 0
    finally:
        browser.close()


def test_a_page_that_never_gets_ready_times_out_and_its_browser_is_replaced(tmp_path):
    hung = tmp_path / "hung.html"
    hung.write_text(HUNG, encoding="utf-8")
    first = thread_browser("test-batch")
    t0 = time.perf_counter()
    with pytest.raises(ReportError, match="did not answer") as caught:
        print_to_pdf(hung, tmp_path / "hung.pdf", timeout=3, browser=first, embed_cjk=False)
    assert "hung.html" in str(caught.value)  # the page that hung is named
    assert time.perf_counter() - t0 < 15
    assert not first.alive()  # closed: the thread's next report starts another
    assert not (tmp_path / "hung.pdf").exists()
    second = thread_browser("test-batch")
    assert second is not first
    assert second.alive()
    assert close_browsers("test-batch") == 1
    assert not second.alive()


def test_a_printed_copy_that_fails_is_named_by_the_report_file(tmp_path):
    """The PDF of a report is printed from a temporary copy (its charts as SVGs, the CJK
    font added): an error names the report's own file, never the copy."""
    report = tmp_path / "report.html"
    report.write_text("<!DOCTYPE html><html><head></head><body>报告</body></html>", "utf-8")
    with pytest.raises(ReportError, match="did not answer") as caught:
        print_to_pdf(
            report,
            tmp_path / "report.pdf",
            timeout=3,
            text=HUNG,
        )
    assert str(report) in str(caught.value)
    assert "lixia-print-" not in str(caught.value)  # the temporary copy is not named
    assert not (tmp_path / "report.pdf").exists()


def test_a_browser_killed_between_pages_is_an_error_then_restarted(page, tmp_path):
    browser = thread_browser("test-killed")
    print_to_pdf(page, tmp_path / "a.pdf", timeout=60, browser=browser)
    os.killpg(browser.pid, signal.SIGKILL)
    time.sleep(0.3)
    with pytest.raises(ReportError, match="exit -9"):
        browser.print_pdf(page, tmp_path / "b.pdf", timeout=30)
    again = thread_browser("test-killed")
    assert again is not browser
    print_to_pdf(page, tmp_path / "c.pdf", timeout=60, browser=again)
    close_browsers("test-killed")


def test_chromium_exits_when_the_process_that_started_it_dies(tmp_path):
    # kill -9 of the report runner closes the pipe; Chromium must not outlive it
    code = (
        "import os\n"
        "from lixia_econ._pdf import Browser\n"
        "b = Browser()\n"
        "b.wait_ready()\n"
        "print(b.pid, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90)
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _group_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(pid), f"Chromium (process group {pid}) outlived its parent"


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_browser_closed_while_it_warms_up_stops_quietly(capfd):
    # a report stopped (Ctrl-C, SIGTERM) right after it started its browser
    for _ in range(3):
        browser = Browser()
        browser.warm_up()
        browser.close()
        assert not browser.alive()
        assert not browser.profile.exists()
    assert "Traceback" not in capfd.readouterr().err
