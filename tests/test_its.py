"""Tests of lixia_econ.models.its (interrupted time series).

All series here are hand-made synthetic fixtures with a known level and slope change,
built in the test from a seeded generator.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from _reference import newey_west

from lixia_econ.errors import InsufficientDataError, ParameterError
from lixia_econ.models.its import ITSResult, interrupted_time_series

QUARTERS = pd.period_range("2010Q1", "2024Q4", freq="Q")
SHOCK = pd.Period("2020Q1", freq="Q")
T = np.arange(len(QUARTERS)) - (SHOCK.ordinal - QUARTERS[0].ordinal)  # 0 at the shock
D = (T >= 0).astype(float)
SEASON = np.tile([-0.05, 0.0, 0.02, 0.03], len(QUARTERS) // 4)


def _ar1(rng, n, phi, sd):
    e = np.zeros(n)
    e[0] = rng.normal(0, sd / math.sqrt(1 - phi**2))
    for i in range(1, n):
        e[i] = phi * e[i - 1] + rng.normal(0, sd)
    return e


def _log_path(jump, slope_change, noise):
    return 4 + 0.015 * T + SEASON + jump * D + slope_change * T * D + noise


@pytest.mark.parametrize(
    ("jump", "slope_change"),
    [(-0.10, 0.004), (-0.25, 0.0), (0.05, -0.006)],
)
def test_exact_recovery_without_noise(jump, slope_change):
    s = pd.Series(np.exp(_log_path(jump, slope_change, 0.0)), index=QUARTERS)
    r = interrupted_time_series(s, shock="2020Q1")
    assert isinstance(r, ITSResult)
    assert r.level_change == pytest.approx(100 * math.expm1(jump), abs=1e-8)
    assert r.slope_change == pytest.approx(100 * math.expm1(4 * slope_change), abs=1e-8)
    assert r.pre_trend_growth == pytest.approx(100 * math.expm1(0.06), abs=1e-8)
    assert r.post_trend_growth == pytest.approx(
        100 * math.expm1(4 * (0.015 + slope_change)), abs=1e-8
    )
    np.testing.assert_allclose(r.fitted.to_numpy(), s.to_numpy(), rtol=1e-9)
    expected_cf = np.exp(_log_path(0.0, 0.0, 0.0))
    np.testing.assert_allclose(r.counterfactual.to_numpy(), expected_cf, rtol=1e-9)


def test_levels_mode_reports_input_units():
    # monthly levels: +2 a month before, a fall of 15 at the shock, then +1 a month
    idx = pd.period_range("2017-01", "2022-12", freq="M")
    t = np.arange(len(idx)) - (pd.Period("2020-02", freq="M").ordinal - idx[0].ordinal)
    d = (t >= 0).astype(float)
    month_effect = np.tile(np.linspace(-5, 5, 12), len(idx) // 12)
    y = 300 + 2 * t - 15 * d - 1 * t * d + month_effect
    r = interrupted_time_series(pd.Series(y, index=idx), shock="2020-02", log=False)
    assert r.level_change == pytest.approx(-15.0, abs=1e-8)
    assert r.slope_change == pytest.approx(-12.0, abs=1e-8)  # -1 a month = -12 a year
    assert r.pre_trend_growth == pytest.approx(24.0, abs=1e-8)
    assert r.post_trend_growth == pytest.approx(12.0, abs=1e-8)
    assert set(r.to_frame()["unit"]) == {"input units", "input units per year"}


def test_recovers_known_change_with_autocorrelated_noise():
    # truth: level change 100 (exp(-0.10) - 1) = -9.52%, slope change
    # 100 (exp(0.016) - 1) = 1.61% a year, pre-trend 6.18%, post-trend 7.90% a year.
    # Tolerances: 1.5 pp on the level change, 0.5 pp on the slope change and post trend,
    # 0.3 pp on the pre trend (noise AR(1) 0.5 with innovation s.d. 0.005).
    rng = np.random.default_rng(20200123)
    s = pd.Series(np.exp(_log_path(-0.10, 0.004, _ar1(rng, len(T), 0.5, 0.005))), index=QUARTERS)
    r = interrupted_time_series(s, shock=SHOCK)
    assert r.level_change == pytest.approx(100 * math.expm1(-0.10), abs=1.5)
    assert r.slope_change == pytest.approx(100 * math.expm1(0.016), abs=0.5)
    assert r.pre_trend_growth == pytest.approx(100 * math.expm1(0.06), abs=0.3)
    assert r.post_trend_growth == pytest.approx(100 * math.expm1(0.076), abs=0.5)
    assert (r.n_pre, r.n_post) == (40, 20)
    assert r.seasonal
    ci = r.conf_int()
    assert (ci["lower"] < ci["upper"]).all()
    est = r.to_frame().set_index("quantity")["estimate"]
    assert (ci["lower"] <= est).all()
    assert (est <= ci["upper"]).all()


def test_hac_errors_differ_from_ols_on_autocorrelated_noise():
    rng = np.random.default_rng(7)
    y = _log_path(-0.10, 0.004, _ar1(rng, len(T), 0.8, 0.01))
    s = pd.Series(np.exp(y), index=QUARTERS)
    r = interrupted_time_series(s, shock=SHOCK, hac_lags=4)
    q = QUARTERS.quarter.to_numpy()
    X = np.column_stack([np.ones(len(T)), T, D, T * D] + [(q == k) * 1.0 for k in (2, 3, 4)])
    ols = sm.OLS(y, X).fit()  # classical (non-robust) standard errors
    beta = np.asarray(ols.params)
    hac_se = np.sqrt(np.diag(newey_west(X, y - X @ beta, 4)))
    got = r.model_result.bse.to_numpy()
    # the result's SEs are the Newey-West ones written out by hand...
    np.testing.assert_allclose(got, hac_se, rtol=1e-9)
    # ...and on strongly autocorrelated noise they differ from the classical ones
    ratio = got[2:4] / np.asarray(ols.bse)[2:4]
    assert np.all(np.abs(ratio - 1) > 0.2), ratio
    assert r.model_result.cov_type == "HAC"


def test_annual_series_without_seasonal_terms():
    years = pd.period_range("2010", "2023", freq="Y")
    t = np.arange(len(years)) - 10
    x = np.exp(0.07 * t - 0.08 * (t >= 0) - 0.03 * t * (t >= 0))
    r = interrupted_time_series(pd.Series(x, index=years), shock=2020, seasonal=True)
    assert not r.seasonal  # annual data have no seasons
    assert r.level_change == pytest.approx(100 * math.expm1(-0.08), abs=1e-8)
    assert r.post_trend_growth == pytest.approx(100 * math.expm1(0.04), abs=1e-8)


def test_gaps_are_absent_observations():
    keep = np.ones(len(QUARTERS), dtype=bool)
    keep[[5, 17, 30, 45]] = False
    s = pd.Series(np.exp(_log_path(-0.1, 0.002, 0.0)), index=QUARTERS)[keep]
    s.iloc[3] = np.nan
    r = interrupted_time_series(s, shock="2020Q1")
    assert r.model_result.nobs == keep.sum() - 1
    assert r.level_change == pytest.approx(100 * math.expm1(-0.1), abs=1e-8)


@pytest.mark.parametrize(
    ("periods", "shock", "match"),
    [
        # Lixia's GDP is published for 2012, 2019 and 2022 only
        (
            ["2012", "2019", "2022"],
            "2020",
            r"got 2 before \(2012, 2019\) and 1 from it on \(2022\)",
        ),
        (["2016", "2017", "2018", "2019"], "2020", r"got 4 before .* and 0 from it on"),
        (["2020", "2021", "2022"], "2020", "got 0 before"),
    ],
)
def test_refuses_too_few_observations_around_the_shock(periods, shock, match):
    s = pd.Series(np.linspace(100, 130, len(periods)), index=pd.PeriodIndex(periods, freq="Y"))
    with pytest.raises(InsufficientDataError, match=match):
        interrupted_time_series(s, shock=shock)


def test_refuses_too_few_for_seasonal_dummies():
    idx = pd.period_range("2019Q2", "2020Q3", freq="Q")  # 3 before, 3 after, 7 parameters
    s = pd.Series(np.linspace(100, 110, len(idx)), index=idx)
    with pytest.raises(InsufficientDataError, match="at least 8 observations; got 6"):
        interrupted_time_series(s, shock="2020Q1")
    assert np.isfinite(interrupted_time_series(s, shock="2020Q1", seasonal=False).level_change)


def test_refuses_bad_arguments():
    s = pd.Series(np.exp(_log_path(-0.1, 0.0, 0.0)), index=QUARTERS)
    with pytest.raises(ParameterError, match="not a period"):
        interrupted_time_series(s, shock="next spring")
    with pytest.raises(ParameterError, match="hac_lags"):
        interrupted_time_series(s, shock=SHOCK, hac_lags=-1)
    neg = s.copy()
    neg.iloc[0] = -1.0
    with pytest.raises(ParameterError, match="positive levels"):
        interrupted_time_series(neg, shock=SHOCK)


def test_result_face():
    rng = np.random.default_rng(1)
    s = pd.Series(np.exp(_log_path(-0.1, 0.004, rng.normal(0, 0.01, len(T)))), index=QUARTERS)
    r = interrupted_time_series(s, shock=SHOCK, level=0.9)
    summary = r.summary()
    assert list(summary.columns) == ["estimate", "lower 90%", "upper 90%", "p-value", "unit"]
    assert summary.loc["Level change at 2020Q1", "estimate"] == round(r.level_change, 2)
    frame = r.to_frame()
    assert list(frame["quantity"]) == [
        "level_change",
        "slope_change",
        "pre_trend_growth",
        "post_trend_growth",
    ]
    wide, narrow = r.conf_int(0.99), r.conf_int(0.5)
    assert (wide["lower"] < narrow["lower"]).all()
    assert (wide["upper"] > narrow["upper"]).all()
    assert "<table" in r._repr_html_()
    assert "Interrupted time series at 2020Q1" in repr(r)


def test_default_errors_are_ar1_by_reml_and_gls():
    rng = np.random.default_rng(15)
    y = _log_path(-0.10, 0.004, _ar1(rng, len(T), 0.6, 0.008))
    r = interrupted_time_series(pd.Series(np.exp(y), index=QUARTERS), shock=SHOCK)
    assert r.errors == "ar1"
    assert r.hac_lags is None
    assert 0.3 < r.rho < 0.9
    q = QUARTERS.quarter.to_numpy()
    X = np.column_stack([np.ones(len(T)), T, D, T * D] + [(q == k) * 1.0 for k in (2, 3, 4)])
    sigma = r.rho ** np.abs(T[:, None] - T[None, :]).astype(float)
    gls = sm.GLS(y, X, sigma=sigma).fit()
    np.testing.assert_allclose(r.model_result.params.to_numpy(), gls.params, rtol=1e-8)
    assert r.level_change == pytest.approx(100 * math.expm1(gls.params[2]), rel=1e-8)
    # the interval's standard error includes the uncertainty of rho: wider than plug-in GLS
    se = r.to_frame().set_index("quantity")["coef_se"]
    assert se["level_change"] >= np.asarray(gls.bse)[2] * 0.99
    assert "AR(1) errors" in r.title
    assert any("AR(1) with coefficient" in n for n in r.notes)


def test_hac_is_asked_for_or_forced_by_a_short_sample():
    s = pd.Series(np.exp(_log_path(-0.1, 0.0, 0.0)), index=QUARTERS)
    assert interrupted_time_series(s, shock=SHOCK, errors="hac").model_result.cov_type == "HAC"
    with pytest.raises(ParameterError, match="hac_lags=2 is for errors='hac'"):
        interrupted_time_series(s, shock=SHOCK, errors="ar1", hac_lags=2)
    with pytest.raises(ParameterError, match="'ar1', 'hac'"):
        interrupted_time_series(s, shock=SHOCK, errors="gls")
    short = s[pd.Period("2018Q1", "Q") : pd.Period("2021Q2", "Q")]  # 14 values, 7 coefficients
    r = interrupted_time_series(short, shock=SHOCK)
    assert r.errors == "hac"
    assert any("too few to estimate the autocorrelation" in n for n in r.notes)
