"""Chart SVGs measured with a TrueType copy of Noto Sans CJK SC are the SVGs vl-convert draws.

The copy is built here into a temporary cache, for the characters of these hand-made charts
only (a second or so of fontTools, instead of the 9 s of the full copy). Needs fontTools
and the Noto CJK fonts, as the PDF tests do.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import vl_convert

from lixia_econ import _vlfont, viz

pytestmark = pytest.mark.slow


def _charts() -> list[dict]:
    """Charts in the package's theme (which names Noto Sans CJK SC): CJK labels, negatives."""
    frame = pd.DataFrame(
        {
            "地区": ["历下区", "济南市", "全国"],
            "增速": [-4.3, 11.4, 2.3],
            "年份": ["2020", "2021", "2022"],
        }
    )
    before = alt.theme.active
    viz.use_theme()
    try:
        bars = alt.Chart(frame, title="地区生产总值增速（%）").mark_bar()
        bars = bars.encode(x=alt.X("增速:Q", title="实际增速（%）"), y=alt.Y("地区:N"))
        line = alt.Chart(frame, title="实际GDP指数").mark_line(point=True)
        line = line.encode(
            x="年份:O", y=alt.Y("增速:Q", scale=alt.Scale(zero=False)), color="地区:N"
        )
        return [bars.to_dict(), line.to_dict()]
    finally:
        alt.theme.enable(before)


@pytest.fixture(scope="module")
def fonts(tmp_path_factory):
    """The copy, built for this module's characters into a cache of its own."""
    from lixia_econ import config

    mp = pytest.MonkeyPatch()
    mp.setattr(config, "CACHE_DIR", tmp_path_factory.mktemp("cache"))
    specs = _charts()
    ascii_ = "".join(map(chr, range(0x20, 0x7F)))  # as the full copy: all of ASCII
    text = json.dumps(specs, ensure_ascii=False) + ascii_ + _vlfont._FORMAT_SIGNS
    mp.setattr(_vlfont, "chars", lambda: frozenset(text) | {" "})
    assert _vlfont.build() is not None, "fontTools or Noto Sans CJK is missing"
    yield _vlfont.Fonts(build=False), specs, mp
    mp.undo()


def test_the_copy_draws_the_svg_the_system_font_draws(fonts, monkeypatch):
    drawer, specs, _ = fonts
    assert drawer.fast
    assert all(_vlfont.SYSTEM in json.dumps(s) for s in specs)  # the theme names the font
    drawn_with = []
    real = vl_convert.vegalite_to_svg
    monkeypatch.setattr(
        vl_convert, "vegalite_to_svg", lambda s: drawn_with.append(json.dumps(s)) or real(s)
    )
    for spec in specs:
        fast = drawer.svg(json.dumps(spec))
        assert _vlfont.FAMILY in drawn_with[-1]  # measured with the copy...
        assert fast == real(spec)  # ...and the SVG is the one the system font gives
        assert _vlfont.FAMILY not in fast


def test_a_chart_with_a_character_the_copy_lacks_is_drawn_as_before(fonts, monkeypatch):
    drawer, specs, _ = fonts
    spec = dict(specs[0], title="蛟龙")  # not among the copy's characters here
    drawn_with = []
    real = vl_convert.vegalite_to_svg
    monkeypatch.setattr(
        vl_convert, "vegalite_to_svg", lambda s: drawn_with.append(json.dumps(s)) or real(s)
    )
    assert drawer.svg(json.dumps(spec)) == real(spec)
    assert _vlfont.FAMILY not in drawn_with[0]


def test_a_build_under_way_elsewhere_is_left_alone(fonts, tmp_path, monkeypatch):
    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    target = _vlfont.folder()
    target.parent.mkdir(parents=True)
    target.with_suffix(".lock").touch()  # another process is making it
    assert _vlfont.build() is None
    assert not target.exists()
    started = []
    monkeypatch.setattr(_vlfont, "start_build", lambda: started.append(1))
    drawer = _vlfont.Fonts()  # a worker without the copy starts one, and draws as before
    assert started == [1]
    assert not drawer.fast


def test_a_new_copy_removes_older_copies_and_dead_builds_leftovers(fonts, tmp_path, monkeypatch):
    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    root = tmp_path / "vl-fonts"
    old = time.time() - 2 * _vlfont._STALE_LOCK_S
    made = {}
    for name, age in [("newer", 10), ("older", 20), ("oldest", 30)]:  # finished copies
        made[name] = root / name
        made[name].mkdir(parents=True)
        (made[name] / "done").touch()
        os.utime(made[name], (old - age, old - age))
    dead = root / "x.123.tmp"  # a build killed long ago
    dead.mkdir()
    os.utime(dead, (old, old))
    under_way = root / "y.456.tmp"  # a build going on elsewhere now
    under_way.mkdir()
    stale_lock = root / "z.lock"
    stale_lock.touch()
    os.utime(stale_lock, (old, old))
    target = _vlfont.build()
    assert target is not None
    assert (target / "done").exists()
    left = sorted(p.name for p in root.iterdir())
    assert left == sorted([target.name, "newer", "y.456.tmp"])


def test_a_finished_build_process_is_reaped_not_left_a_zombie(fonts, tmp_path, monkeypatch):
    import subprocess
    import sys

    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)  # no copy here: a build is started
    quick = subprocess.Popen([sys.executable, "-c", "pass"])  # stands in for the build
    monkeypatch.setattr(_vlfont, "start_build", lambda: quick)
    drawer = _vlfont.Fonts()
    assert drawer._builder is quick
    deadline = time.monotonic() + 30
    while drawer._builder is not None and time.monotonic() < deadline:
        drawer.fast  # noqa: B018 (what every chart asks)
        time.sleep(0.05)
    assert drawer._builder is None
    assert quick.returncode == 0  # waited for: no zombie left in the process table
    with pytest.raises(ChildProcessError):
        os.waitpid(quick.pid, os.WNOHANG)


# --------------------------------------------------------------------------- PDF subsets


def _font_parts(data: bytes) -> dict:
    """What a font draws: per character its outline and advance; its names and positioning."""
    import io

    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    drawn = {}
    for code, name in cmap.items():
        pen = RecordingPen()
        glyphs[name].draw(pen)
        drawn[chr(code)] = (pen.value, font["hmtx"][name])
    names = {
        (r.nameID, r.platformID, r.platEncID, r.langID): r.toUnicode() for r in font["name"].names
    }
    hhea = font["hhea"]
    return {
        "lines": (font["head"].unitsPerEm, hhea.ascent, hhea.descent, hhea.lineGap),
        "drawn": drawn,
        "names": names,
        "gpos": font.getTableData("GPOS"),
        "os2": font.getTableData("OS/2"),
    }


def test_a_pdf_subset_cut_from_the_copy_is_the_one_cut_from_the_collection(fonts):
    from lixia_econ import _cjkfont

    text = "".join(sorted(_vlfont.chars() - {"\u2212"}))[:120]
    for weight in (400, 700):
        path = _cjkfont._font_file(weight)
        from_copy = _cjkfont._subset_of_copy(path, text)
        assert from_copy is not None
        # the same outlines, advances, line metrics, names (Noto's, not the copy's), kerning
        assert _font_parts(from_copy) == _font_parts(_cjkfont._subset(path, text))
        assert not any("Lixia" in name for name in _font_parts(from_copy)["names"].values())


def test_a_page_with_a_character_the_copy_lacks_is_cut_from_the_collection(fonts):
    from lixia_econ import _cjkfont

    path = _cjkfont._font_file(400)
    assert _cjkfont._subset_of_copy(path, "历下区蛟龙") is None  # 蛟龙: not in the copy here
    assert not _cjkfont._copy_covers("历下区蛟龙")


#: A page whose characters the module's copy has (see the ``fonts`` fixture).
_PAGE_TEXT = "历下区 济南市 全国 地区生产总值增速（%） 实际GDP指数 -4.3, 11.4, 2.3"


def _named_files(css: str) -> list[Path]:
    urls = re.findall(r'src: url\("(file://[^"]+)"\) format\("truetype"\)', css)
    return [Path(urllib.parse.unquote(urllib.parse.urlparse(u).path)) for u in urls]


def test_pdf_fonts_are_the_copy_under_notos_names_when_it_has_the_page(fonts, monkeypatch):
    from lixia_econ import _cjkfont

    def no(*args):
        raise AssertionError("a subset was cut, or a helper started")

    monkeypatch.setattr(_cjkfont, "_subset", no)
    monkeypatch.setattr(_cjkfont, "_subset_of_copy", no)
    monkeypatch.setattr(_cjkfont, "_start_helper", no)
    css = _cjkfont.font_face_css(_PAGE_TEXT)
    assert css.count("@font-face") == 2
    files = _named_files(css)
    assert [f.name for f in files] == ["noto-cjk-sc-400.ttf", "noto-cjk-sc-700.ttf"]
    for weight, named in zip((400, 700), files, strict=True):
        got = _font_parts(named.read_bytes())
        copy = _font_parts((named.parent / f"lixia-cjk-{weight}.ttf").read_bytes())
        # the copy's outlines, advances, line metrics and positioning ...
        assert {k: v for k, v in got.items() if k != "names"} == {
            k: v for k, v in copy.items() if k != "names"
        }
        # ... under the names of the collection's SC face, not the copy's
        noto = _cjkfont._sc_face(_cjkfont._font_file(weight))["name"]
        for (name_id, *where), text in got["names"].items():
            if name_id in _vlfont.RENAMED:
                was = noto.getName(name_id, *where)
                assert was is None or text == was.toUnicode()
        assert not any("Lixia" in text for text in got["names"].values())
    before = [f.stat().st_mtime_ns for f in files]
    assert _cjkfont.font_face_css(_PAGE_TEXT + "全国") == css  # made once, then found
    assert [f.stat().st_mtime_ns for f in files] == before


@pytest.mark.browser
def test_a_pdf_printed_with_the_named_copy_embeds_notos_truetype_subsets(fonts, tmp_path):
    from lixia_econ import _cjkfont
    from lixia_econ._pdf import print_to_pdf

    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        '@page { size: A4 } body { font-family: "Noto Sans CJK SC" }</style></head>'
        f"<body><h1>{_PAGE_TEXT}</h1><p>{_PAGE_TEXT}</p></body></html>",
        encoding="utf-8",
    )
    assert _named_files(_cjkfont.font_face_css(page.read_text(encoding="utf-8")))  # the copy
    pdf = print_to_pdf(page, tmp_path / "page.pdf", timeout=60)
    fonts_listed = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    cjk = [line for line in fonts_listed.splitlines() if "NotoSansCJKsc-" in line]
    assert {line.split()[0].split("+")[1] for line in cjk} == {
        "NotoSansCJKsc-Regular",
        "NotoSansCJKsc-Bold",
    }, fonts_listed
    assert all("CID TrueType" in line for line in cjk)
    assert "Type 3" not in fonts_listed  # every character drawn from the copy
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "地区生产总值增速" in text
