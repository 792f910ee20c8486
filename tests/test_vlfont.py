"""Chart SVGs measured with a TrueType copy of Noto Sans CJK SC are the SVGs vl-convert draws.

The copy is built here into a temporary cache, for the characters of these hand-made charts
only (a second or so of fontTools, instead of the 9 s of the full copy). Needs fontTools
and the Noto CJK fonts, as the PDF tests do.
"""

from __future__ import annotations

import json

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
    text = json.dumps(specs, ensure_ascii=False) + "0123456789.,%-" + _vlfont._FORMAT_SIGNS
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
