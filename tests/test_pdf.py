"""Printing HTML to PDF with headless Chromium (lixia_econ._pdf), read back with poppler.

Marked ``browser``: needs /usr/bin/chromium, poppler-utils and fonts-noto-cjk; a missing
one fails and says how to install it (no skip). The named CJK font needs ``fontTools``
(a dependency in pyproject.toml).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest

from lixia_econ import _cjkfont
from lixia_econ._pdf import OFFLINE_FLAGS, print_to_pdf
from lixia_econ.errors import BrowserNotFound

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
