"""Tests of lixia_econ.viz through the Vega-Lite specs, and of the static export.

The frames below are HAND-MADE FIXTURES (simple arithmetic sequences), not data: they
exercise the chart plumbing only.
"""

from __future__ import annotations

import itertools
import json
import re
import struct
import subprocess
import sys
import zlib
from types import SimpleNamespace

import altair as alt
import numpy as np
import pandas as pd
import pytest

from lixia_econ import viz
from lixia_econ.errors import InsufficientDataError, ParameterError, PeriodError

# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def _marks(spec: dict) -> list[str]:
    out = []
    for layer in _layers(spec):
        mark = layer["mark"]
        out.append(mark if isinstance(mark, str) else mark["type"])
    return out


def _values(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", spec.get("data"))
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def _layer(spec: dict, mark: str) -> dict:
    found = [la for la, m in zip(_layers(spec), _marks(spec), strict=True) if m == mark]
    assert found, f"no {mark} layer in {_marks(spec)}"
    return found[0]


def _decode_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit non-interlaced PNG into an (h, w, channels) uint8 array.

    Written here (rather than depending on Pillow) from the PNG specification, section
    9 (filters 0-4).
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8
            assert interlace == 0
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int64)
    prev = np.zeros(stride, dtype=np.int64)
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        line = np.frombuffer(raw[start + 1 : start + 1 + stride], dtype=np.uint8).astype(np.int64)
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) & 255
        else:
            cur = np.zeros(stride, dtype=np.int64)
            for i in range(stride):
                a = cur[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                if ftype == 1:
                    pred = a
                elif ftype == 3:
                    pred = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + pred) & 255
        out[y] = cur
        prev = cur
    return out.reshape(height, width, channels).astype(np.uint8)


@pytest.fixture
def cf_frame() -> pd.DataFrame:
    # Hand-made fixture: a straight line for the counterfactual, actual 2 below from 2020Q1.
    idx = pd.period_range("2018Q1", "2021Q4", freq="Q")
    predicted = 100.0 + np.arange(len(idx))
    actual = predicted - np.where(idx >= pd.Period("2020Q1", "Q"), 2.0, 0.0)
    return pd.DataFrame(
        {
            "actual": actual,
            "predicted": predicted,
            "lower": predicted - 1.5,
            "upper": predicted + 1.5,
        },
        index=idx,
    )


# --------------------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "lang", "expected"),
    [
        ("370102", "zh", "历下区"),
        ("370102", "en", "Lixia District"),
        ("Jinan", "zh", "济南市"),
        ("山东", "en", "Shandong"),
        ("000000", "zh", "全国"),
        ("Atlantis", "zh", "Atlantis"),  # not in the catalogue: unchanged
    ],
)
def test_region_label(given, lang, expected):
    assert viz.region_label(given, lang=lang) == expected


@pytest.mark.parametrize(
    ("given", "lang", "unit", "expected"),
    [
        ("retail_sales", "zh", False, "社会消费品零售总额"),
        ("retail_sales", "en", False, "Retail sales of consumer goods"),
        ("GDP", "zh", True, "地区生产总值（亿元）"),
        ("fai", "en", True, "Fixed-asset investment (亿元)"),
        ("made-up", "en", False, "made-up"),
    ],
)
def test_indicator_label(given, lang, unit, expected):
    assert viz.indicator_label(given, lang=lang, unit=unit) == expected


def test_bad_lang_names_allowed_values(cf_frame):
    with pytest.raises(ParameterError, match=r"lang='fr'.*'zh', 'en'"):
        viz.counterfactual_chart(cf_frame, lang="fr")


# --------------------------------------------------------------------------------------
# counterfactual_chart
# --------------------------------------------------------------------------------------


def test_counterfactual_layers_band_and_shock_rule(cf_frame):
    spec = viz.counterfactual_chart(cf_frame, shock="2020Q1").to_dict()
    marks = _marks(spec)
    assert {"area", "line", "rule"} <= set(marks)

    band = _layer(spec, "area")
    assert band["encoding"]["y"]["field"] == "lower"
    assert band["encoding"]["y2"]["field"] == "upper"
    band_rows = _values(spec, band)
    assert [r["lower"] for r in band_rows] == pytest.approx(cf_frame["lower"].tolist())
    assert [r["upper"] for r in band_rows] == pytest.approx(cf_frame["upper"].tolist())

    rule = _layer(spec, "rule")
    (rule_row,) = _values(spec, rule)
    assert pd.Timestamp(rule_row["date"]) == pd.Timestamp("2020-01-01")
    assert rule["encoding"]["x"]["field"] == "date"


def test_counterfactual_line_values_match_input(cf_frame):
    spec = viz.counterfactual_chart(cf_frame, lang="en").to_dict()
    line = _layer(spec, "line")
    rows = _values(spec, line)
    actual = [r["value"] for r in rows if r["series"] == "Actual"]
    predicted = [r["value"] for r in rows if r["series"] == "Counterfactual (no shock)"]
    assert actual == pytest.approx(cf_frame["actual"].tolist())
    assert predicted == pytest.approx(cf_frame["predicted"].tolist())
    assert line["encoding"]["x"]["type"] == "temporal"
    assert line["encoding"]["y"]["field"] == "value"
    # no shock given and a bare frame has none: no rule
    assert "rule" not in _marks(spec)


def test_counterfactual_accepts_result_objects_and_reads_their_shock(cf_frame):
    # Hand-made stand-ins with the results interface (frame, shock, actual).
    recovery = SimpleNamespace(frame=cf_frame, shock="2020Q2", actual=None)
    cf_result = SimpleNamespace(frame=cf_frame, shock=None, actual=None)
    for obj, expected_rule in ((recovery, "2020-04-01"), (cf_result, None)):
        spec = viz.counterfactual_chart(obj).to_dict()
        rules = [la for la, m in zip(_layers(spec), _marks(spec), strict=True) if m == "rule"]
        if expected_rule is None:
            assert rules == []
        else:
            assert pd.Timestamp(_values(spec, rules[0])[0]["date"]) == pd.Timestamp(expected_rule)


def test_counterfactual_zh_labels(cf_frame):
    spec = viz.counterfactual_chart(cf_frame, shock="2020Q1", lang="zh").to_dict()
    rows = _values(spec, _layer(spec, "line"))
    assert {r["series"] for r in rows} == {"实际值", "反事实（无冲击趋势）"}
    assert spec["title"] == "实际值与反事实趋势"
    texts = [_values(spec, la) for la, m in zip(_layers(spec), _marks(spec), strict=True)]
    assert any(r.get("label") == "冲击" for rows in texts for r in rows)


def test_estimated_points_dashed_and_labelled(cf_frame):
    frame = cf_frame.assign(status="published")
    frame.loc[pd.Period("2020Q3", "Q") : pd.Period("2020Q4", "Q"), "status"] = "estimated"
    spec = viz.counterfactual_chart(frame).to_dict()
    line = _layer(spec, "line")
    dash = line["encoding"]["strokeDash"]
    assert dash["field"] == "status"
    assert dash["scale"]["domain"] == ["Published", "Estimated"]
    assert dash["scale"]["range"][1] != [1, 0]  # estimated is dashed, published solid
    rows = [r for r in _values(spec, line) if r["series"] == "Actual"]
    dashed = sorted({r["period"] for r in rows if r["status"] == "Estimated"})
    # the dashed run covers the estimates and joins the neighbours on both sides
    assert dashed == ["2020Q2", "2020Q3", "2020Q4", "2021Q1"]
    labels = [
        r
        for la, m in zip(_layers(spec), _marks(spec), strict=True)
        if m == "text"
        for r in _values(spec, la)
        if r.get("label") == "Estimated"
    ]
    assert [r["period"] for r in labels] == ["2020Q3"]


def test_without_status_nothing_is_dashed(cf_frame):
    spec = viz.counterfactual_chart(cf_frame).to_dict()
    rows = _values(spec, _layer(spec, "line"))
    assert {r["status"] for r in rows} == {"Published"}
    assert _layer(spec, "line")["encoding"]["strokeDash"]["legend"] is None


@pytest.mark.parametrize(
    ("bad", "error", "match"),
    [
        (pd.DataFrame({"actual": [1.0]}, index=pd.period_range("2020", periods=1, freq="Y")),
         ParameterError, "lacks column.*predicted.*found: actual"),
        (pd.DataFrame({"actual": [1.0], "predicted": [1.0]}, index=[0]),
         ParameterError, "PeriodIndex"),
        ("not a frame", ParameterError, "got str"),
    ],
)  # fmt: skip
def test_counterfactual_bad_input(bad, error, match):
    with pytest.raises(error, match=match):
        viz.counterfactual_chart(bad)


def test_counterfactual_bad_shock(cf_frame):
    with pytest.raises(PeriodError, match="shock='spring'"):
        viz.counterfactual_chart(cf_frame, shock="spring")


# --------------------------------------------------------------------------------------
# ytd_vs_single_chart
# --------------------------------------------------------------------------------------


def test_ytd_vs_single_marks_and_values():
    # Hand-made fixture: single months 10, 11, ...; year to date is their running sum.
    idx = pd.period_range("2020-03", "2020-12", freq="M")
    single = pd.Series(10.0 + np.arange(len(idx)), index=idx)
    ytd = single.cumsum()
    spec = viz.ytd_vs_single_chart(ytd, single).to_dict()
    assert _marks(spec) == ["bar", "line"]
    bar_rows = _values(spec, _layer(spec, "bar"))
    line_rows = _values(spec, _layer(spec, "line"))
    assert [r["value"] for r in bar_rows] == pytest.approx(single.tolist())
    assert [r["value"] for r in line_rows] == pytest.approx(ytd.tolist())
    assert {r["series"] for r in bar_rows} == {"Single period"}
    assert _layer(spec, "line")["encoding"]["x"]["axis"]["format"] == "%Y-%m"

    spec_zh = viz.ytd_vs_single_chart(ytd, single, single_mark="line", lang="zh").to_dict()
    assert _marks(spec_zh) == ["line", "line"]
    assert {r["series"] for r in _values(spec_zh, _layers(spec_zh)[1])} == {"累计值"}


def test_ytd_vs_single_rejects_mixed_frequencies():
    ytd = pd.Series([1.0, 2.0], index=pd.period_range("2020-01", periods=2, freq="M"))
    single = pd.Series([1.0, 2.0], index=pd.period_range("2020Q1", periods=2, freq="Q"))
    with pytest.raises(ParameterError, match="same frequency"):
        viz.ytd_vs_single_chart(ytd, single)


# --------------------------------------------------------------------------------------
# indexed_levels_chart
# --------------------------------------------------------------------------------------


def _expected_index(series: pd.Series, base_year: int) -> list[float]:
    # Independent computation: plain Python over (period, value) pairs.
    base_vals = [v for p, v in series.items() if p.year == base_year]
    mean = sum(base_vals) / len(base_vals)
    return [100.0 * v / mean for v in series.tolist()]


def test_indexed_levels_annual_and_quarterly_bases():
    annual = pd.Series([80.0, 90.0, 100.0, 95.0], index=pd.period_range("2017", "2020", freq="Y"))
    quarterly = pd.Series(
        [40.0, 42.0, 44.0, 46.0, 30.0, 45.0, 47.0, 50.0],
        index=pd.period_range("2019Q1", "2020Q4", freq="Q"),
    )
    spec = viz.indexed_levels_chart(
        {"370102": annual, "000000": quarterly}, base="2019", lang="zh"
    ).to_dict()
    line = _layer(spec, "line")
    rows = _values(spec, line)
    lixia = [r["index"] for r in rows if r["region"] == "历下区"]
    china = [r["index"] for r in rows if r["region"] == "全国"]
    assert lixia == pytest.approx(_expected_index(annual, 2019))
    assert china == pytest.approx(_expected_index(quarterly, 2019))
    assert lixia[2] == pytest.approx(100.0)
    rule = _layer(spec, "rule")
    assert _values(spec, rule) == [{"index": 100.0}]
    assert line["encoding"]["y"]["title"] == "指数（2019年=100）"


def test_indexed_levels_single_quarter_base():
    s = pd.Series([50.0, 40.0, 60.0], index=pd.period_range("2019Q4", periods=3, freq="Q"))
    spec = viz.indexed_levels_chart({"Jinan": s}, base="2019Q4").to_dict()
    rows = _values(spec, _layer(spec, "line"))
    assert [r["index"] for r in rows] == pytest.approx([100.0, 80.0, 120.0])
    assert {r["region"] for r in rows} == {"Jinan"}


@pytest.mark.parametrize(
    ("series", "match"),
    [
        # no 2019 at all
        (pd.Series([1.0, 2.0], index=pd.period_range("2020", periods=2, freq="Y")),
         "no value in the base period 2019"),
        # only three quarters of 2019: a partial base year
        (pd.Series([1.0, 2.0, 3.0], index=pd.period_range("2019Q2", periods=3, freq="Q")),
         "3 of the 4 values"),
    ],
)  # fmt: skip
def test_indexed_levels_missing_base(series, match):
    with pytest.raises(InsufficientDataError, match=match):
        viz.indexed_levels_chart({"x": series}, base="2019")


def test_indexed_levels_empty():
    with pytest.raises(ParameterError, match="empty"):
        viz.indexed_levels_chart({})


# --------------------------------------------------------------------------------------
# scorecard_chart
# --------------------------------------------------------------------------------------


@pytest.fixture
def compare_table() -> pd.DataFrame:
    # Hand-made fixture in the shape of compare()'s output: one row per name.
    return pd.DataFrame(
        {"output_loss_pct": [3.5, -1.0, 7.25], "rank": [2, 1, 3]},
        index=pd.Index(["Jinan", "370102", "Shandong"], name="name"),
    )


def test_scorecard_sorted_bars_and_labels(compare_table):
    spec = viz.scorecard_chart(compare_table, lang="zh").to_dict()
    assert _marks(spec) == ["bar", "text"]
    bar = _layer(spec, "bar")
    assert bar["encoding"]["x"]["field"] == "value"
    assert bar["encoding"]["y"]["sort"] == ["历下区", "济南市", "山东省"]
    rows = _values(spec, bar)
    assert [(r["name"], r["value"], r["rank"]) for r in rows] == [
        ("历下区", -1.0, 1),
        ("济南市", 3.5, 2),
        ("山东省", 7.25, 3),
    ]
    assert [r["sign"] for r in rows] == ["negative", "non-negative", "non-negative"]
    assert bar["encoding"]["x"]["title"].startswith("累计产出损失")


def test_scorecard_descending_and_name_column(compare_table):
    table = compare_table.reset_index()
    spec = viz.scorecard_chart(table, ascending=False, name_column="name").to_dict()
    assert _layer(spec, "bar")["encoding"]["y"]["sort"] == ["Shandong", "Jinan", "Lixia District"]


def test_scorecard_unknown_metric_lists_columns(compare_table):
    with pytest.raises(ParameterError, match=r"metric='gdp_loss'.*output_loss_pct, rank"):
        viz.scorecard_chart(compare_table, metric="gdp_loss")


# --------------------------------------------------------------------------------------
# small_multiples
# --------------------------------------------------------------------------------------


def _tidy_fixture() -> pd.DataFrame:
    # Hand-made fixture in the tidy long format (values are 1, 2, 3 ...).
    rows = []
    for region in ("370100", "370000"):
        for i, year in enumerate(range(2018, 2022)):
            rows.append(
                {
                    "region": region,
                    "indicator": "gdp",
                    "freq": "A",
                    "period": str(year),
                    "measure": "level",
                    "value": float(i + 1),
                }
            )
    return pd.DataFrame(rows)


def test_small_multiples_facets_by_region():
    spec = viz.small_multiples(_tidy_fixture(), columns=2, lang="zh").to_dict()
    assert spec["facet"]["field"] == "label"
    assert spec["columns"] == 2
    assert spec["resolve"]["scale"]["y"] == "independent"
    inner = spec["spec"]
    mark = inner["mark"]
    assert (mark if isinstance(mark, str) else mark["type"]) == "line"
    rows = _values(spec, spec)
    assert sorted({r["label"] for r in rows}) == sorted({"济南市", "山东省"})
    assert {r["colour"] for r in rows} == {"地区生产总值"}
    assert [r["value"] for r in rows if r["label"] == "济南市"] == [1.0, 2.0, 3.0, 4.0]


def test_small_multiples_by_indicator_shared_scale():
    spec = viz.small_multiples(_tidy_fixture(), facet="indicator", independent_y=False).to_dict()
    assert "resolve" not in spec
    rows = _values(spec, spec)
    # the panel header says what is drawn and its unit (the axis has no title then)
    assert {r["label"] for r in rows} == {"Gross domestic product (亿元)"}
    assert {r["colour"] for r in rows} == {"Jinan", "Shandong"}
    assert spec["spec"]["encoding"]["y"].get("title") is None


@pytest.mark.parametrize(
    ("mutate", "error", "match"),
    [
        (lambda f: f.drop(columns="freq"), ParameterError, "lacks column.*freq"),
        (lambda f: f.assign(freq="W"), ParameterError, "freq 'W'"),
        (lambda f: f.assign(period="20x8"), PeriodError, "period '20x8'"),
    ],
)
def test_small_multiples_bad_input(mutate, error, match):
    with pytest.raises(error, match=match):
        viz.small_multiples(mutate(_tidy_fixture()))


def test_small_multiples_bad_facet():
    with pytest.raises(ParameterError, match="facet='freq'"):
        viz.small_multiples(_tidy_fixture(), facet="freq")


# --------------------------------------------------------------------------------------
# theme
# --------------------------------------------------------------------------------------


def test_import_does_not_enable_theme():
    code = "import altair as alt, lixia_econ.viz; print(alt.theme.active)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() != viz.THEME_NAME


def test_use_theme_registers_and_enables():
    before = alt.theme.active
    try:
        assert viz.use_theme() == viz.THEME_NAME
        assert alt.theme.active == viz.THEME_NAME
        chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
        spec = chart.to_dict()
        assert spec["config"]["font"] == viz.FONT_FAMILY
        assert spec["config"]["range"]["category"][0] == "#1f4e79"
    finally:
        alt.theme.enable(before)


# --------------------------------------------------------------------------------------
# static export
# --------------------------------------------------------------------------------------


def _title_chart(text: str, font: str | None = None) -> alt.Chart:
    title = alt.TitleParams(text, fontSize=28, anchor="start", **({"font": font} if font else {}))
    return (
        alt.Chart(pd.DataFrame({"x": [1.0]}))
        .mark_point()
        .encode(x="x:Q")
        .properties(width=220, height=10, title=title)
    )


def _title_region(png: bytes) -> np.ndarray:
    img = _decode_png(png).astype(np.int64)
    # the title sits in the top ~40 pixels at scale 1; compare luminance only
    return img[:40, :, :3].mean(axis=2)


def test_png_draws_chinese_characters_not_boxes():
    # Boxes-only reference: code points of the Private Use Area, which no installed font
    # draws, rendered in a font without CJK glyphs -> every character is the same box.
    zh_a = _title_region(viz.to_png(_title_chart("历下区经济"), scale=1))
    zh_b = _title_region(viz.to_png(_title_chart("济南市山东"), scale=1))
    tofu = "\ue000\ue001\ue002\ue003\ue004"
    boxes_a = _title_region(viz.to_png(_title_chart(tofu, "DejaVu Sans"), scale=1))
    boxes_b = _title_region(viz.to_png(_title_chart(tofu[::-1], "DejaVu Sans"), scale=1))

    def differing(a: np.ndarray, b: np.ndarray) -> float:
        return float((np.abs(a - b) > 64).mean())

    # sanity: the boxes-only renderings are identical whatever the (missing) characters
    assert differing(boxes_a, boxes_b) == 0.0
    # real glyphs: two different Chinese titles differ, and neither looks like the boxes
    assert differing(zh_a, zh_b) > 0.02
    assert differing(zh_a, boxes_a) > 0.02
    assert differing(zh_b, boxes_a) > 0.02
    # and there is ink in the title region (not a blank render)
    assert (zh_a < 128).mean() > 0.02


def test_svg_names_the_cjk_font_and_keeps_text():
    svg = viz.to_svg(_title_chart("历下区"))
    assert "历下区" in svg
    assert "Noto Sans CJK SC" in svg


def test_save_static_png_and_svg(tmp_path, cf_frame):
    chart = viz.counterfactual_chart(cf_frame, shock="2020Q1", lang="zh")
    png = viz.save_static(chart, tmp_path / "cf.png", scale=1)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert width > 200
    assert height > 200
    svg = viz.save_static(chart, tmp_path / "cf.svg")
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cf.png", "cf.svg"]  # no temp left


def test_save_static_rejects_unknown_suffix_and_missing_folder(tmp_path, cf_frame):
    chart = viz.counterfactual_chart(cf_frame)
    with pytest.raises(ParameterError, match=r"'\.jpg'.*'\.png', '\.svg'"):
        viz.save_static(chart, tmp_path / "cf.jpg")
    with pytest.raises(ParameterError, match="does not exist"):
        viz.save_static(chart, tmp_path / "nope" / "cf.png")


def test_counterfactual_chart_of_a_real_result_shows_pre_shock_history():
    # A real CounterfactualResult on a hand-made fixture: an exact exponential trend.
    from lixia_econ.models.counterfactual import counterfactual

    idx = pd.period_range("2015Q1", "2021Q4", freq="Q")
    y = pd.Series(100 * np.exp(0.015 * np.arange(len(idx))), index=idx)
    y[idx >= pd.Period("2020Q1", "Q")] *= 0.9
    result = counterfactual(y, shock="2020Q1")
    spec = viz.counterfactual_chart(result, history=4).to_dict()
    rows = _values(spec, _layer(spec, "line"))
    actual = {r["period"]: r["value"] for r in rows if r["series"] == "Actual"}
    predicted = [r["period"] for r in rows if r["series"] != "Actual" and r["value"] is not None]
    # four observed quarters before the shock, then every post-shock quarter
    assert sorted(actual)[:5] == ["2019Q1", "2019Q2", "2019Q3", "2019Q4", "2020Q1"]
    assert actual["2019Q4"] == pytest.approx(float(y[pd.Period("2019Q4", "Q")]))
    assert min(predicted) == "2020Q1"  # the counterfactual starts at the shock
    # the shock comes from the result itself
    (rule_row,) = _values(spec, _layer(spec, "rule"))
    assert pd.Timestamp(rule_row["date"]) == pd.Timestamp("2020-01-01")
    # the default history is three years
    spec = viz.counterfactual_chart(result).to_dict()
    periods = {r["period"] for r in _values(spec, _layer(spec, "line"))}
    assert min(periods) == "2017Q1"


def test_counterfactual_gaps_stay_gaps(cf_frame):
    frame = cf_frame.copy()
    frame.loc[pd.Period("2020Q3", "Q"), "actual"] = np.nan
    spec = viz.counterfactual_chart(frame).to_dict()
    rows = [r for r in _values(spec, _layer(spec, "line")) if r["series"] == "Actual"]
    # the missing quarter is a null (Vega-Lite breaks the line there), not dropped or filled
    assert [r["value"] for r in rows if r["period"] == "2020Q3"] == [None]
    assert len(rows) == len(frame)


def test_scorecard_axis_labels_for_every_compare_metric_in_both_languages():
    from lixia_econ.models.compare import compare
    from lixia_econ.models.recovery import analyze_recovery
    from lixia_econ.models.vocab import METRICS

    idx = pd.period_range("2014Q1", "2023Q4", freq="Q")
    t = np.arange(len(idx), dtype=float)
    regions = {}
    for name, depth in (("370102", 0.9), ("370100", 0.95)):
        dip = np.where(idx == pd.Period("2020Q1", "Q"), depth, 1.0)
        wiggle = 0.001 * (-1.0) ** t
        regions[name] = analyze_recovery(
            pd.Series(100 * np.exp(0.012 * t + wiggle) * dip, index=idx), shock="2020Q1"
        )
    table = compare(regions)
    numeric = [
        c
        for c in table.columns
        if pd.api.types.is_numeric_dtype(table[c]) and table[c].notna().any()
    ]
    assert "output_loss_pct" in numeric
    for metric in numeric:
        for lang in ("zh", "en"):
            spec = viz.scorecard_chart(table, metric=metric, lang=lang).to_dict()
            title = _layer(spec, "bar")["encoding"]["x"]["title"]
            assert title == METRICS[metric].label(lang), (metric, lang)
            assert title != metric


# --------------------------------------------------------------------------- axes and legends
# (hand-made series, not data: only the chart's layout is tested)


def _quarterly_frame(start: str = "2017Q1", end: str = "2023Q4") -> pd.DataFrame:
    idx = pd.period_range(start, end, freq="Q")
    trend = 100 + np.arange(len(idx)) * 2.0
    return pd.DataFrame(
        {"actual": trend - 1, "predicted": trend, "lower": trend - 2, "upper": trend + 2},
        index=idx,
    )


def _axis_labels(svg: str, role: str = "axis-label") -> list[tuple[float, str, str]]:
    """(x, anchor, text) of the labels shown (Vega hides overlapping ones with opacity 0)."""
    group = svg.split(f'class="mark-text role-{role}"', 1)[1].split("</g>", 1)[0]
    shown = []
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)<", group):
        if 'opacity="0"' in attrs:
            continue
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        x = re.search(r"translate\(([-\d.]+),", attrs)
        shown.append((float(x.group(1)) if x else 0.0, anchor.group(1) if anchor else "", text))
    return shown


def _label_px(text: str) -> float:
    return sum(11.0 if ord(ch) > 0x2E80 else 6.5 for ch in text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_quarterly_x_labels_never_collide(lang):
    chart = viz.counterfactual_chart(_quarterly_frame(), shock="2020Q1", lang=lang)
    labels = _axis_labels(viz.to_svg(chart))
    assert len(labels) >= 3
    spans = []
    for x, anchor, text in labels:
        w = _label_px(text)
        left = x if anchor == "start" else x - w if anchor == "end" else x - w / 2
        spans.append((left, left + w))
    for (_, right), (left, _) in itertools.pairwise(spans):
        assert left > right, labels  # e.g. "2017 Q12018 Q1" today
    texts = [t for _, _, t in labels]
    if lang == "zh":
        assert texts[0] == "2017年一季度"
        assert all(t.endswith("季度") for t in texts)
    else:
        assert texts[0] == "2017Q1"


def test_quarterly_axis_is_labelled_at_year_starts_with_overlap_handling():
    spec = viz.counterfactual_chart(_quarterly_frame(), lang="zh").to_dict()
    axis = spec["layer"][1]["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] == "greedy"
    assert {v["month"] for v in axis["values"]} == {1}
    assert "季度" in axis["labelExpr"]


@pytest.mark.parametrize(
    ("kwargs", "lang", "title"),
    [
        ({"indicator": "gdp"}, "zh", "地区生产总值（亿元）"),
        ({"indicator": "gdp"}, "en", "Gross domestic product (亿元)"),
        ({"indicator": "gdp", "unit": "万元"}, "zh", "地区生产总值（万元）"),
        ({"unit": "亿元"}, "zh", "实际值与反事实值（亿元）"),
        ({}, "zh", "实际值与反事实值"),
        ({"y_title": "自定义"}, "zh", "自定义"),
    ],
)
def test_value_axis_title_says_what_is_drawn(kwargs, lang, title):
    spec = viz.counterfactual_chart(_quarterly_frame(), lang=lang, **kwargs).to_dict()
    titles = {layer["encoding"]["y"].get("title") for layer in spec["layer"][:3]}
    assert titles == {title}


def test_growth_line_axis_title_is_growth_in_percent():
    idx = pd.period_range("2020-01", "2021-12", freq="M")
    s = pd.Series(np.linspace(-5, 8, len(idx)), index=idx)
    spec = viz.ytd_vs_single_chart(s, s, single_mark="line", indicator="gdp", lang="zh").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["title"] == "地区生产总值增速（%）"
    assert "数值" not in json.dumps(spec["layer"][0]["encoding"]["y"], ensure_ascii=False)


def test_legend_lists_only_what_is_drawn():
    frame = _quarterly_frame().drop(columns=["lower", "upper"])
    frame["predicted"] = np.nan  # nothing to compare with: only the actual line is drawn
    spec = viz.counterfactual_chart(frame, lang="zh").to_dict()
    domains = [
        layer["encoding"]["color"]["scale"]["domain"]
        for layer in spec["layer"]
        if "color" in layer.get("encoding", {})
    ]
    assert domains == [["实际值"], ["实际值"]]
    text = json.dumps(spec, ensure_ascii=False)
    assert "反事实区间" not in text  # no band, no band entry
    svg = viz.to_svg(viz.counterfactual_chart(_quarterly_frame(), lang="zh"))
    legend = re.findall(r'role-legend-label"[^>]*><text [^>]*>([^<]*)<', svg)
    assert legend == ["实际值", "反事实（无冲击趋势）"]  # no band or shock entries
