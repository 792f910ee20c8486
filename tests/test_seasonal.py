"""Tests of lixia_econ.models.seasonal (STL seasonal adjustment).

Synthetic series are hand-made fixtures built here from a seeded generator; the real series
is NBS's monthly retail sales (data/raw/national_monthly_indicators_2015_2022.csv),
de-cumulated by hand in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lixia_econ.clean import decumulate
from lixia_econ.config import RAW_DIR
from lixia_econ.errors import EstimateWarning, InsufficientDataError, ParameterError
from lixia_econ.models.seasonal import SeasonalResult, seasonal_adjust

MONTHS = pd.period_range("2014-01", "2021-12", freq="M")
PATTERN = np.array([-0.12, -0.2, 0.02, -0.03, 0.0, 0.04, -0.02, -0.01, 0.03, 0.05, 0.06, 0.18])
PATTERN = PATTERN - PATTERN.mean()


def _synthetic(seed=0, noise=0.005, months=MONTHS):
    rng = np.random.default_rng(seed)
    n = len(months)
    season = PATTERN[months.month.to_numpy() - 1]
    trend = 8 + 0.006 * np.arange(n) + 0.03 * np.sin(np.arange(n) / 15)
    log_x = trend + season + rng.normal(0, noise, n)
    return pd.Series(np.exp(log_x), index=months), trend, season


def test_recovers_known_multiplicative_seasonality():
    s, trend, season = _synthetic()
    r = seasonal_adjust(s)
    assert isinstance(r, SeasonalResult)
    # tolerance: 0.015 log points (1.5%) on every month, 0.005 on average
    err = r.seasonal.to_numpy() - season
    assert np.max(np.abs(err)) < 0.015
    assert np.mean(np.abs(err)) < 0.005
    np.testing.assert_allclose(np.log(r.adjusted.to_numpy()), trend, atol=0.02)
    assert not r.imputed.any()
    assert not r.jan_feb_split.any()
    assert r.strength()["seasonal"] > 0.9


def test_recovers_known_additive_quarterly_seasonality():
    quarters = pd.period_range("2012Q1", "2022Q4", freq="Q")
    n = len(quarters)
    effect = np.array([-30.0, 5.0, 10.0, 15.0])[quarters.quarter.to_numpy() - 1]
    rng = np.random.default_rng(4)
    x = 1000 + 8 * np.arange(n) + effect + rng.normal(0, 2, n)
    r = seasonal_adjust(pd.Series(x, index=quarters), log=False)
    assert r.period == 4
    np.testing.assert_allclose(r.seasonal.to_numpy(), effect, atol=4.0)  # 4 units of 30
    np.testing.assert_allclose(r.adjusted.to_numpy(), x - r.seasonal.to_numpy(), atol=1e-9)


@pytest.mark.parametrize("how", ["nan", "absent"])
def test_refuses_missing_values_and_lists_them(how):
    s, _, _ = _synthetic()
    gaps = [pd.Period("2016-05", freq="M"), pd.Period("2019-11", freq="M")]
    s = s.copy()
    if how == "nan":
        s.loc[gaps] = np.nan
    else:
        s = s.drop(gaps)
    with pytest.raises(InsufficientDataError, match="missing 2016-05, 2019-11"):
        seasonal_adjust(s)


def test_statsmodels_stl_alone_would_return_nan():
    # the reason for the refusal: one NaN spoils statsmodels' STL entirely
    from statsmodels.tsa.seasonal import STL

    s, _, _ = _synthetic()
    z = np.log(s.to_numpy())
    z[30] = np.nan
    assert np.isnan(np.asarray(STL(z, period=12, robust=True).fit().trend)).all()


def test_imputes_flags_and_warns():
    s, _, _ = _synthetic(seed=3, noise=0.003)
    truth = s.copy()
    gaps = ["2015-07", "2018-02", "2018-03", "2020-10"]
    s.loc[gaps] = np.nan
    with pytest.warns(EstimateWarning, match=r"imputed 4 missing value\(s\) \(2015-07, 2018-02"):
        r = seasonal_adjust(s, missing="impute")
    assert list(r.imputed[r.imputed].index.astype(str)) == gaps
    assert r.imputed.sum() == 4
    # imputed values within 3% of the truth (noise s.d. 0.3%, seasonal swings up to 20%)
    rel = r.observed.loc[gaps] / truth.loc[gaps] - 1
    assert np.abs(rel).max() < 0.03
    # non-missing values untouched
    keep = ~r.imputed
    np.testing.assert_allclose(r.observed[keep], truth[keep], rtol=1e-12)
    assert np.isfinite(r.adjusted).all()
    assert (
        "4 (2015-07, 2018-02, 2018-03, 2020-10)"
        in r.summary().loc["Imputed values (estimates)", "value"]
    )


def test_leading_and_trailing_missing_are_trimmed_not_imputed():
    s, _, _ = _synthetic()
    s.iloc[:3] = np.nan
    s.iloc[-2:] = np.nan
    r = seasonal_adjust(s)
    assert str(r.observed.index[0]) == "2014-04"
    assert str(r.observed.index[-1]) == "2021-10"


def _retail_single_months():
    """NBS retail sales (亿元): single months de-cumulated by hand from year-to-date levels.

    March to December: this month's year-to-date value less last month's. February holds
    the January-February total (NBS publishes no January); January stays missing.
    """
    raw = pd.read_csv(RAW_DIR / "national_monthly_indicators_2015_2022.csv")
    ytd = pd.Series(
        raw["retail_ytd_100m_yuan"].to_numpy(), index=pd.PeriodIndex(raw["month"], freq="M")
    )
    single = pd.Series(np.nan, index=ytd.index)
    for p in ytd.index:
        if p.month == 2:
            single[p] = ytd[p]
        elif p.month > 2:
            single[p] = ytd[p] - ytd[p - 1]
    return ytd, single


def test_real_retail_sales_shock_visible_after_adjustment():
    ytd, single = _retail_single_months()
    # NBS release of 2020-04-17: March 2020 retail sales 26,450 亿元 (78,579.7 - 52,129.8)
    assert single["2020-03"] == pytest.approx(26449.9, abs=0.05)
    assert single["2020-03"] == pytest.approx(26450, abs=0.5)
    with pytest.raises(InsufficientDataError, match="combined January–February"):
        seasonal_adjust(single)
    r = seasonal_adjust(single, jan_feb="equal")
    # the January-February totals were split equally and flagged
    assert r.observed["2020-01"] == pytest.approx(ytd["2020-02"] / 2)
    assert r.observed["2020-02"] == pytest.approx(ytd["2020-02"] / 2)
    assert r.jan_feb_split.sum() == 16  # January and February of 2015-2022
    assert not r.imputed.any()
    # the shock: seasonally adjusted March 2020 well below December 2019 (>10% lower;
    # NBS: March 2020 retail sales -15.8% year on year)
    assert r.adjusted["2020-03"] < 0.9 * r.adjusted["2019-12"]
    assert r.adjusted["2020-02"] < 0.9 * r.adjusted["2019-12"]
    # ... below every adjusted month of 2019, by more than 10%
    assert r.adjusted["2020-03"] < 0.9 * r.adjusted["2019-01":"2019-12"].min()
    # ... and a fall (Dec 2019 to Mar 2020) over three times the largest one-month move of
    # the adjusted series in 2015-2019 (measured: -19.9% against 4.9%, May 2019)
    fall = 1 - r.adjusted["2020-03"] / r.adjusted["2019-12"]
    usual = r.adjusted["2015-01":"2019-12"].pct_change().abs().max()
    assert fall > 3 * usual


def test_jan_feb_split_by_days():
    _, single = _retail_single_months()
    r = seasonal_adjust(single, jan_feb="days")
    total_2020 = single["2020-02"]
    assert r.observed["2020-01"] == pytest.approx(total_2020 * 31 / 60)  # 2020: leap year
    total_2019 = single["2019-02"]
    assert r.observed["2019-02"] == pytest.approx(total_2019 * 28 / 59)


def test_jan_feb_detected_from_lead_decumulate_and_accepted_when_split():
    ytd, _ = _retail_single_months()
    kept = decumulate(ytd, jan_feb="keep")
    with pytest.raises(InsufficientDataError, match="2015, 2016"):
        seasonal_adjust(kept)
    split = decumulate(ytd, jan_feb="days")
    r = seasonal_adjust(split)
    assert not r.jan_feb_split.any()
    assert r.observed["2020-03"] == pytest.approx(26449.9, abs=0.05)


def test_jan_feb_single_treats_january_as_ordinary_gap():
    s, _, _ = _synthetic()
    s.loc["2017-01"] = np.nan
    with pytest.raises(InsufficientDataError, match="combined January–February"):
        seasonal_adjust(s)
    with pytest.raises(InsufficientDataError, match="missing 2017-01"):
        seasonal_adjust(s, jan_feb="single")
    with pytest.warns(EstimateWarning):
        r = seasonal_adjust(s, jan_feb="single", missing="impute")
    assert r.imputed.sum() == 1


def _monthly(values):
    return pd.Series(values, index=pd.period_range("2020-01", periods=len(values), freq="M"))


@pytest.mark.parametrize(
    ("series", "kwargs", "error", "match"),
    [
        (
            pd.Series(np.arange(1.0, 11.0), index=pd.period_range("2010", periods=10, freq="Y")),
            {},
            ParameterError,
            "annual data have no seasonal",
        ),
        (
            pd.Series(np.arange(1.0, 8.0), index=pd.period_range("2020Q1", periods=7, freq="Q")),
            {},
            InsufficientDataError,
            r"two full cycles \(8 quarterly periods\); got 7",
        ),
        (_monthly(np.arange(1.0, 30.0)), {"missing": "fill"}, ParameterError, "'fill' is not"),
        (_monthly(np.arange(1.0, 30.0)), {"period": 1}, ParameterError, "at least 2"),
        (_monthly(np.arange(-3.0, 26.0)), {}, ParameterError, "positive levels"),
    ],
)
def test_refusals(series, kwargs, error, match):
    with pytest.raises(error, match=match):
        seasonal_adjust(series, **kwargs)


def test_result_face():
    s, _, _ = _synthetic()
    r = seasonal_adjust(s)
    frame = r.to_frame()
    assert list(frame.columns) == [
        "period",
        "observed",
        "trend",
        "seasonal",
        "resid",
        "adjusted",
        "imputed",
        "jan_feb_split",
    ]
    assert len(frame) == len(s)
    summary = r.summary()
    assert summary.loc["Span", "value"] == "2014-01 to 2021-12"
    assert summary.loc["January–February split", "value"] == "not needed"
    with pytest.raises(ParameterError, match="no confidence interval"):
        r.conf_int()
    assert "<table" in r._repr_html_()
    assert r.model_result is not None
