"""Tests of the recovery scorecard (lixia_econ.models.recovery).

Synthetic series here are hand-made fixtures built in the tests (trend, seasonal, dip, noise
with a seeded RNG); nothing here is published data except where a source is cited.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lixia_econ.config import RAW_DIR
from lixia_econ.errors import InsufficientDataError, LixiaEconError, ParameterError
from lixia_econ.models.recovery import (
    RecoveryResult,
    analyze_recovery,
    analyze_recovery_many,
    effect_table,
)

# --------------------------------------------------------------------------- helpers


def _national_index() -> pd.Series:
    """Chain the shipped NBS quarterly real GDP growth into an index, each 2019 quarter = 100.

    Written with plain loops over a dict (independent of lixia_econ.clean.chain_yoy):
    forward I[q] = I[q - 4] * (1 + g[q] / 100), backward I[q] = I[q + 4] / (1 + g[q + 4] / 100).
    """
    raw = pd.read_csv(RAW_DIR / "national_gdp_quarterly_real_yoy_1992_2022.csv", dtype=str)
    growth = {}
    for label, value in zip(raw["quarter_end_month"], raw["real_gdp_yoy_pct"], strict=True):
        year, month = (int(x) for x in label.split("-"))
        growth[(year, (month - 1) // 3 + 1)] = float(value)
    index = {(2019, q): 100.0 for q in range(1, 5)}
    for year in range(2020, 2023):
        for q in range(1, 5):
            index[(year, q)] = index[(year - 1, q)] * (1 + growth[(year, q)] / 100)
    for year in range(2018, 1991, -1):
        for q in range(1, 5):
            index[(year, q)] = index[(year + 1, q)] / (1 + growth[(year + 1, q)] / 100)
    keys = sorted(index)
    periods = pd.PeriodIndex([pd.Period(f"{y}Q{q}", freq="Q") for y, q in keys])
    return pd.Series([index[k] for k in keys], index=periods, name="China real GDP index")


def _ols_trend_path(index: pd.Series, start: str, shock: str, post: list[str]) -> np.ndarray:
    """Independent log-linear trend: normal equations with one dummy per quarter (no intercept)."""
    pre = [p for p in index.index if pd.Period(start, "Q") <= p < pd.Period(shock, "Q")]
    origin = pd.Period(shock, "Q").ordinal

    def row(p: pd.Period) -> list[float]:
        return [float(p.ordinal - origin)] + [1.0 if p.quarter == q else 0.0 for q in (1, 2, 3, 4)]

    X = np.array([row(p) for p in pre])
    y = np.array([math.log(index[p]) for p in pre])
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    return np.array([math.exp(np.dot(row(pd.Period(p, "Q")), beta)) for p in post])


def _synthetic(
    rng: np.random.Generator,
    dip: list[float],
    *,
    start: str = "2010Q1",
    end: str = "2023Q4",
    shock: str = "2020Q1",
    slope: float = 0.015,
    seasonal: tuple[float, ...] = (-0.04, 0.01, 0.0, 0.03),
    sd: float = 0.004,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return (observed, no-shock truth with the same noise, noise-free deseasonalised path)."""
    idx = pd.period_range(start, end, freq="Q")
    t = (idx.asi8 - pd.Period(shock, "Q").ordinal).astype(float)
    season = np.array(seasonal)[np.asarray(idx.quarter) - 1]
    d = np.ones(len(idx))
    post = np.flatnonzero(idx >= pd.Period(shock, "Q"))
    d[post[: len(dip)]] = dip
    noise = rng.normal(0.0, sd, len(idx))
    base = 100 * np.exp(0.2 + slope * t + season + noise)
    clean = pd.Series(100 * np.exp(0.2 + slope * t) * d, index=idx)
    return pd.Series(base * d, index=idx), pd.Series(base, index=idx), clean


# --------------------------------------------------------------------------- national GDP


def test_national_gdp_scorecard_matches_independent_computation():
    index = _national_index()
    # NBS published 2020 single-quarter growth: -6.9, 3.1, 4.8, 6.4 (SOURCES.md, revised vintage)
    assert index[pd.Period("2020Q1", "Q")] == pytest.approx(93.1)
    # errors="independent": the OLS path, which the independent computation below writes out
    res = analyze_recovery(index, shock="2020Q1", pre_window=("2012Q1", None), errors="independent")
    m = res.metrics
    assert m["trough_period"] == pd.Period("2020Q1", "Q")
    assert m["pre_shock_period"] == pd.Period("2019Q4", "Q")
    # Independent: trough vs. 2019Q4 (= 100), and first quarter back at >= 100.
    values = [index[pd.Period(p, "Q")] for p in pd.period_range("2020Q1", "2022Q4", freq="Q")]
    depth = 100 * (min(values) / 100.0 - 1)
    assert m["trough_depth_pct"] == pytest.approx(depth)
    assert m["trough_depth_pct"] == pytest.approx(-6.9)
    first_back = next(i for i, v in enumerate(values) if v >= 100.0)
    assert m["periods_to_recover_level"] == first_back == 1
    # Output loss against an independently fitted trend (2012Q1-2019Q4), 2020Q1-2022Q4.
    post = [str(p) for p in pd.period_range("2020Q1", "2022Q4", freq="Q")]
    trend = _ols_trend_path(index, "2012Q1", "2020Q1", post)
    loss = 100 * (1 - sum(values) / trend.sum())
    assert m["output_loss_pct"] == pytest.approx(loss, rel=1e-9)
    assert m["output_loss_pct_lower"] < m["output_loss_pct"] < m["output_loss_pct_upper"]
    back_on_trend = [i for i, (v, c) in enumerate(zip(values, trend, strict=True)) if v >= c]
    expected = back_on_trend[0] if back_on_trend else None
    assert m["periods_to_recover_trend"] == expected
    gap = [1 - v / c for v, c in zip(values, trend, strict=True)]
    assert m["recovered_share"] == pytest.approx(1 - gap[-1] / gap[0])
    # growth from trough (2020Q1) to 2022Q4: 11 quarters, annualised
    assert m["post_shock_growth_pct"] == pytest.approx(
        100 * ((values[-1] / values[0]) ** (4 / 11) - 1)
    )


def test_national_gdp_effect_table_is_consistent():
    index = _national_index()
    res = analyze_recovery(index, shock="2020Q1", pre_window=("2012Q1", None), as_of="2021Q4")
    eff = res.effects
    assert list(eff.columns) == ["Average", "Cumulative"]
    cum, avg = eff["Cumulative"], eff["Average"]
    actual = sum(index[p] for p in pd.period_range("2020Q1", "2021Q4", freq="Q"))
    assert cum["Actual"] == pytest.approx(actual)
    assert avg["Actual"] == pytest.approx(actual / 8)
    assert cum["Absolute effect"] == pytest.approx(cum["Actual"] - cum["Predicted"])
    assert cum["Predicted lower"] < cum["Predicted"] < cum["Predicted upper"]
    assert cum["Relative effect (%)"] == pytest.approx(-res.metrics["output_loss_pct"])
    assert avg["Relative effect (%)"] == pytest.approx(cum["Relative effect (%)"])
    assert 0 <= cum["Tail-area probability p"] < 0.01  # a 6.9% fall is far outside the band
    assert res.metrics["as_of"] == pd.Period("2021Q4", "Q")
    assert (
        effect_table(res, level=0.5).loc["Predicted upper", "Cumulative"] < cum["Predicted upper"]
    )


# --------------------------------------------------------------------------- synthetic truth

# dip factors from the shock on; 1.02 overshoot makes "back on the path" unambiguous at t=3
_V_DIP = [0.92, 0.96, 0.99, 1.02]


@pytest.mark.parametrize("seed", range(20))
def test_synthetic_metrics_within_tolerance(seed):
    rng = np.random.default_rng(seed)
    observed, no_shock_truth, clean = _synthetic(rng, _V_DIP, sd=0.004)
    res = analyze_recovery(
        observed, shock="2020Q1", adjust="seasonal", as_of="2023Q4", pre_window=(None, None)
    )
    m = res.metrics
    b = 0.015
    # truth from the noise-free deseasonalised path
    pre, trough = clean[pd.Period("2019Q4", "Q")], clean[pd.Period("2020Q1", "Q")]
    assert m["trough_period"] == pd.Period("2020Q1", "Q")
    assert m["trough_depth_pct"] == pytest.approx(100 * (trough / pre - 1), abs=1.5)
    assert m["periods_to_recover_level"] == 2  # 0.99 * exp(3b) > 1 > 0.96 * exp(2b)
    assert m["periods_to_recover_trend"] == 3  # the 1.02 overshoot
    window = pd.period_range("2020Q1", "2023Q4", freq="Q")
    # the output loss against the true no-shock values (same trend, season and noise)
    true_loss = 100 * (1 - observed[window].sum() / no_shock_truth[window].sum())
    assert m["output_loss_pct"] == pytest.approx(true_loss, abs=0.5)
    assert m["recovered_share"] == pytest.approx(1.0, abs=0.2)
    true_growth = 100 * ((clean[window[-1]] / trough) ** (4 / 15) - 1)
    assert m["post_shock_growth_pct"] == pytest.approx(true_growth, abs=1.0)
    assert m["trend_growth_pct"] == pytest.approx(100 * (math.exp(4 * b) - 1), abs=0.5)
    assert m["shape"] == "V"


def test_trend_interval_coverage_of_true_no_shock_path():
    """Pointwise 95% intervals cover the true no-shock values 90-99% of the time (pooled)."""
    rng = np.random.default_rng(2024)
    hits = total = cum_hits = 0
    n_series = 250
    frame, truth = {}, {}
    for i in range(n_series):
        observed, no_shock, _ = _synthetic(rng, [0.9, 0.95], sd=0.01, end="2022Q4")
        frame[f"s{i}"], truth[f"s{i}"] = observed, no_shock
    for i in range(n_series):
        res = analyze_recovery(frame[f"s{i}"], shock="2020Q1")
        cf = res.counterfactual.frame
        true = truth[f"s{i}"].reindex(cf.index)
        inside = (cf["lower"] <= true) & (true <= cf["upper"])
        hits += int(inside.sum())
        total += len(inside)
        lo, hi = res.conf_int(0.95).loc["cumulative_predicted"]
        cum_hits += int(lo <= true.sum() <= hi)
    print(f"pointwise coverage {hits / total:.3f}, cumulative {cum_hits / n_series:.3f}")
    assert 0.90 <= hits / total <= 0.99
    assert 0.90 <= cum_hits / n_series <= 0.99


# --------------------------------------------------------------------------- shapes


def _shaped(dip: list[float], *, end: str = "2023Q4", slope: float = 0.01) -> pd.Series:
    """Noise-free trend (tiny deterministic wiggle before the shock) times a dip profile."""
    idx = pd.period_range("2012Q1", end, freq="Q")
    t = np.arange(len(idx), dtype=float)
    wiggle = np.where(idx < pd.Period("2020Q1", "Q"), 0.001 * (-1.0) ** t, 0.0)
    d = np.ones(len(idx))
    post = np.flatnonzero(idx >= pd.Period("2020Q1", "Q"))
    d[post[: len(dip)]] = dip
    d[post[len(dip) :]] = dip[-1] if dip and dip[-1] < 0.95 else 1.0  # L keeps its last level
    return pd.Series(100 * np.exp(slope * t + wiggle) * d, index=idx)


@pytest.mark.parametrize(
    ("dip", "expected"),
    [
        ([0.9, 1.0], "V"),  # one-quarter bottom, straight back to the path
        ([0.9, 0.9, 0.9, 0.9, 0.95, 1.0], "U"),  # four quarters at the bottom
        ([0.9, 1.0, 0.9, 1.0], "W"),  # second dip as deep as the first
        ([0.88, 0.88, 0.88, 0.88], "L"),  # 12% lost for good; growth resumes at trend
        ([0.99, 0.995, 1.0], "none"),  # slower, but never below the 2019Q4 level
    ],
)
def test_shape_rules(dip, expected):
    res = analyze_recovery(_shaped(dip), shock="2020Q1")
    assert res.metrics["shape"] == expected
    assert any(n.startswith(f"shape {expected}") for n in res.notes)


def test_shape_is_none_when_as_of_is_trough():
    res = analyze_recovery(_shaped([0.9, 0.85, 1.0]), shock="2020Q1", as_of="2020Q2")
    assert res.metrics["shape"] is None
    assert res.metrics["post_shock_growth_pct"] is None
    assert res.metrics["periods_to_recover_level"] is None
    assert any("cannot be told" in n for n in res.notes)


def test_k_shape_for_diverging_components():
    services = _shaped([0.88, 0.88, 0.88, 0.88])  # L
    industry = _shaped([0.92, 1.03, 1.03, 1.03, 1.03])  # back and above the path
    total = services + industry
    res = analyze_recovery(
        total, shock="2020Q1", components={"services": services, "industry": industry}
    )
    assert res.metrics["shape"] == "K"
    assert res.components["services"].metrics["shape"] == "L"
    assert res.components["industry"].metrics["gap_as_of_pct"] < 0
    both_v = {"a": _shaped([0.9, 1.0]), "b": _shaped([0.92, 1.0])}
    res2 = analyze_recovery(total, shock="2020Q1", components=both_v)
    assert res2.metrics["shape"] != "K"


# --------------------------------------------------------------------------- sparse data


def _lixia_gdp() -> pd.Series:
    # Lixia District GDP, billion yuan, as shipped in data/raw/jinan_lixia_public_figures.csv:
    # 2012: 83.7 and 2022: 228.29 (english.jinan.gov.cn/art/2023/3/17/art_29558_4777462.html);
    # 2019: 1685.4 亿元 = 168.54 (district newspaper article, spring 2020).
    return pd.Series(
        [83.7, 168.54, 228.29], index=pd.PeriodIndex(["2012", "2019", "2022"], freq="Y")
    )


def test_sparse_annual_series_is_refused_with_reason():
    with pytest.raises(InsufficientDataError) as info:
        analyze_recovery(_lixia_gdp(), shock="2020")
    msg = str(info.value)
    assert "at least 4" in msg
    assert "has 2" in msg
    assert "2013" in msg  # names missing years
    assert "interpolated" in msg


def test_gap_after_shock_is_noted_not_filled():
    y = _shaped([0.9, 0.95, 1.0])
    y[pd.Period("2020Q2", "Q")] = np.nan
    res = analyze_recovery(y, shock="2020Q1")
    assert res.metrics["n_periods"] == len(pd.period_range("2020Q1", "2023Q4", freq="Q")) - 1
    assert any("2020Q2" in n and "interpolated" in n for n in res.notes)
    assert np.isnan(res.counterfactual.frame.loc[pd.Period("2020Q2", "Q"), "actual"])


def test_annual_series_notes_resolution():
    idx = pd.period_range("2008", "2023", freq="Y")
    t = np.arange(len(idx), dtype=float)
    d = np.where(idx == pd.Period("2020", "Y"), 0.95, 1.0)
    y = pd.Series(100 * np.exp(0.06 * t + 0.002 * (-1.0) ** t) * d, index=idx)
    res = analyze_recovery(y, shock="2020")
    assert res.metrics["trough_period"] == pd.Period("2020", "Y")
    assert any("trough resolution is one year" in n for n in res.notes)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"method": "arima"}, ParameterError, "'trend', 'ets', 'structural'"),
        ({"adjust": "x13"}, ParameterError, "'none', 'seasonal'"),
        ({"as_of": "2019Q2"}, ParameterError, "before the shock"),
        ({"as_of": "2030Q1"}, ParameterError, "after the last period"),
        ({"level": 1.5}, ParameterError, "between 0 and 1"),
        ({"shock": "2020Q9"}, ParameterError, "not a period label"),
        ({"shock": "2030Q1"}, InsufficientDataError, "no value from the shock"),
        ({"pre_window": ("2019Q1", "2020Q2")}, ParameterError, "not before the shock"),
        ({"pre_window": 3}, InsufficientDataError, "needs at least 7"),
    ],
)
def test_bad_input_errors(kwargs, error, fragment):
    args = {"shock": "2020Q1", **kwargs}
    with pytest.raises(error) as info:
        analyze_recovery(_shaped([0.9, 1.0]), **args)
    assert fragment in str(info.value)
    assert isinstance(info.value, LixiaEconError)


@pytest.mark.parametrize(
    ("series", "fragment"),
    [
        (pd.Series([1.0, 2.0, 3.0]), "PeriodIndex"),
        ([1.0, 2.0], "must be a pandas Series"),
        (
            pd.Series([-1.0] * 20, index=pd.period_range("2016Q1", periods=20, freq="Q")),
            "positive",
        ),
        (pd.Series(1.0, index=pd.period_range("2018-01-01", periods=40, freq="W")), "frequency"),
    ],
)
def test_bad_series_errors(series, fragment):
    with pytest.raises(LixiaEconError) as info:
        analyze_recovery(series, shock="2020Q1")
    assert fragment in str(info.value)


# --------------------------------------------------------------------------- result face


def test_result_face():
    res = analyze_recovery(_shaped([0.9, 0.95, 1.0]).rename("demo"), shock="2020Q1")
    assert isinstance(res, RecoveryResult)
    tidy = res.to_frame()
    assert list(tidy.columns) == ["metric", "value", "unit"]
    assert set(tidy["metric"]) == set(res.metrics)
    assert tidy.set_index("metric").loc["trough_period", "value"] == "2020Q1"
    ci = res.conf_int(0.9)
    assert list(ci.columns) == ["lower", "upper"]
    assert (ci["lower"] <= ci["upper"]).all()
    wide = res.conf_int(0.99)
    assert wide.loc["output_loss_pct", "lower"] < ci.loc["output_loss_pct", "lower"]
    html = res._repr_html_()
    assert "Recovery scorecard" in html
    assert "demo" in html
    assert "Tail-area" in html
    assert "Trough period" in res.summary().index
    assert res.model_result is res.counterfactual.model_result


# --------------------------------------------------------------------------- many series


def test_many_equals_one_by_one():
    rng = np.random.default_rng(7)
    cols = {}
    for i, dip in enumerate([_V_DIP, [0.9, 0.9, 0.9, 0.95], [0.85, 1.0, 0.9, 1.0], [0.97]]):
        observed, _, _ = _synthetic(rng, dip, sd=0.006)
        cols[f"county{i}"] = observed
    gappy = cols["county3"].copy()
    gappy[pd.Period("2015Q2", "Q")] = np.nan  # gap in the pre-window: fitted on its own
    cols["gappy"] = gappy
    frame = pd.DataFrame(cols)
    many = analyze_recovery_many(frame, shock="2020Q1", adjust="seasonal", level=0.9)
    assert list(many.index) == list(frame.columns)
    for name in frame.columns:
        one = analyze_recovery(frame[name], shock="2020Q1", adjust="seasonal", level=0.9)
        for key, value in one.metrics.items():
            got = many.loc[name, key]
            if isinstance(value, float):
                assert got == pytest.approx(value, rel=1e-8, abs=1e-10), (name, key)
            else:
                assert (got is None and value is None) or got == value, (name, key)


def test_many_rejects_bad_frames():
    with pytest.raises(ParameterError, match="DataFrame"):
        analyze_recovery_many(pd.Series([1.0]), shock="2020Q1")
    frame = pd.DataFrame({"a": _shaped([0.9, 1.0])})
    with pytest.raises(ParameterError, match="'ets'"):
        analyze_recovery_many(frame, shock="2020Q1", method="ets")
    short = frame.loc[pd.Period("2019Q1", "Q") :]
    with pytest.raises(InsufficientDataError, match="'a'"):
        analyze_recovery_many(short, shock="2020Q1")


def test_shape_label_reads_the_shapes_vocabulary():
    from lixia_econ.models.vocab import SHAPES

    idx = pd.period_range("2012Q1", "2023Q4", freq="Q")
    t = np.arange(len(idx), dtype=float)
    dip = np.where(idx == pd.Period("2020Q1"), 0.9, 1.0)
    res = analyze_recovery(pd.Series(100 * np.exp(0.015 * t) * dip, index=idx), shock="2020Q1")
    assert res.metrics["shape"] == "V"
    assert res.shape_label() == SHAPES["V"].en
    assert res.shape_label("zh") == SHAPES["V"].zh
    with pytest.raises(ParameterError, match="lang='fr'"):
        res.shape_label("fr")


# --------------------------------------------------------------------------- shape vs noise


def _wiggly(post: list[float], amplitude: float) -> pd.Series:
    """Flat series 2012Q1-2023Q4: pre-shock values 100 exp(+-amplitude) alternating, then
    ``post`` (times 100) from 2020Q1, 100 after it. The pre-shock noise s.d. (around a
    straight line, default 20-quarter window) is about 1.05 * amplitude, so the shape
    threshold 3 sqrt(2) s.d. is about 4.5 * amplitude."""
    idx = pd.period_range("2012Q1", "2023Q4", freq="Q")
    values = 100 * np.exp(amplitude * (-1.0) ** np.arange(len(idx)))
    post_i = np.flatnonzero(idx >= pd.Period("2020Q1", "Q"))
    values[post_i] = 100.0
    values[post_i[: len(post)]] = 100 * np.array(post)
    return pd.Series(values, index=idx)


@pytest.mark.parametrize(
    ("amplitude", "expected_w"),
    [
        (0.005, True),  # threshold ~2.2%: a 7.5% second dip is a W
        (0.025, False),  # threshold ~11%: the same 7.5% second dip is noise
    ],
)
def test_w_needs_a_second_dip_larger_than_the_noise(amplitude, expected_w):
    res = analyze_recovery(_wiggly([0.83, 0.97, 0.90, 0.97], amplitude), shock="2020Q1")
    m = res.metrics
    assert m["shape_threshold_pct"] == pytest.approx(3 * math.sqrt(2) * m["shape_noise_pct"])
    assert m["shape_noise_pct"] == pytest.approx(100 * amplitude * 1.05, rel=0.05)
    assert (m["shape"] == "W") is expected_w
    shape_note = next(n for n in res.notes if n.startswith("shape "))
    assert f"{m['shape_threshold_pct']:.1f}%" in shape_note
    if not expected_w:
        assert "not W" in shape_note


def test_fall_within_the_noise_is_unclear():
    from lixia_econ.models.vocab import SHAPES

    res = analyze_recovery(_wiggly([0.92, 0.97, 1.0], 0.025), shock="2020Q1")
    assert res.metrics["shape"] == "unclear"
    assert res.shape_label() == SHAPES["unclear"].en
    assert any(n.startswith("shape unclear: the fall to the trough") for n in res.notes)
    clear = analyze_recovery(_wiggly([0.92, 0.97, 1.0], 0.002), shock="2020Q1")
    assert clear.metrics["shape"] == "V"


# --------------------------------------------------------------------------- anchor case


def test_causal_impact_anchor_perfect_control_minus_five_percent():
    """48 quarters, a control the series tracks exactly before the shock, a true -5% effect.

    The series is 1.3 times the control (a seasonal, trending, noisy index) before
    2020Q1 and 0.95 times that from 2020Q1 on (12 quarters): the relative effect is -5%
    exactly, and the counterfactual from the control must find it."""
    rng = np.random.default_rng(48)
    idx = pd.period_range("2011Q1", "2022Q4", freq="Q")  # 48 quarters, 36 before the shock
    t = np.arange(len(idx), dtype=float)
    season = np.array([-0.04, 0.01, 0.0, 0.03])[np.asarray(idx.quarter) - 1]
    control = pd.Series(100 * np.exp(0.015 * t + season + rng.normal(0, 0.02, 48)), index=idx)
    effect = np.where(idx >= pd.Period("2020Q1", "Q"), 0.95, 1.0)
    y = 1.3 * control * effect
    for method, pre_window in [("trend", None), ("structural", None), ("structural", 36)]:
        res = analyze_recovery(
            y, shock="2020Q1", controls=control, method=method, pre_window=pre_window
        )
        eff = res.effects["Cumulative"]
        assert eff["Relative effect (%)"] == pytest.approx(-5.0, abs=0.1), method
        assert eff["Relative effect lower (%)"] <= -5.0 <= eff["Relative effect upper (%)"]
        if method == "structural":  # issue 14: it used to stop with "failed to converge"
            assert res.counterfactual.model_result.mle_retvals["converged"]
            assert not any("converge" in n for n in res.notes)
            assert any("fit the pre-shock window exactly" in n for n in res.notes)


# --------------------------------------------------------------------------- issue 13, fault 6


def _issue13_annual() -> pd.Series:
    # hand-made fixture: a rising annual series with a dip at 2018
    values = [100.0, 104, 108, 112, 117, 121, 110, 118, 126]
    return pd.Series(values, index=pd.period_range("2012", periods=9, freq="Y"))


def test_a_pre_shock_infinite_value_is_refused_naming_the_period():
    series = _issue13_annual()
    series.loc["2014"] = np.inf
    with pytest.raises(ParameterError, match=r"infinite values \(2014\)"):
        analyze_recovery(series, shock="2018")


@pytest.mark.parametrize("scale", [1e300, 1e-300, -1e300])
def test_values_beyond_what_the_model_computes_are_refused(scale):
    with pytest.raises(ParameterError, match="rescale"):
        analyze_recovery(_issue13_annual() * scale, shock="2018")


def test_large_but_ordinary_magnitudes_are_scored():
    # a country's GDP in yuan (~1e14) is far inside the limits
    res = analyze_recovery(_issue13_annual() * 1e12, shock="2018")
    assert res.metrics["trough_period"] == pd.Period("2018", "Y")
