"""Tests of lixia_econ.models.growth.

Synthetic series below are hand-made fixtures built in the test (exact exponentials, seeded
noise); published figures carry their source in a comment.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _reference import newey_west
from scipy import stats

from lixia_econ.config import RAW_DIR
from lixia_econ.errors import InsufficientDataError, ParameterError
from lixia_econ.models.growth import (
    annualise,
    average_growth,
    cagr,
    elapsed_share,
    growth_rate,
    required_growth,
    two_year_average_growth,
)
from lixia_econ.models.trend import (
    HP_LAMBDA,
    TrendCycleResult,
    TrendGrowthResult,
    trend_cycle,
    trend_growth,
)


def _series(values, periods, freq):
    return pd.Series(np.asarray(values, dtype=float), index=pd.PeriodIndex(periods, freq=freq))


def _range(values, start, freq):
    idx = pd.period_range(start, periods=len(values), freq=freq)
    return pd.Series(np.asarray(values, dtype=float), index=idx)


# --------------------------------------------------------------------------------------
# cagr
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "periods", "freq", "start", "end", "years"),
    [
        ([100.0, 121.0], ["2019", "2021"], "Y", None, None, 2.0),
        ([1685.4, 50.0, 2000.0], ["2019", "2020", "2022"], "Y", "2019", "2022", 3.0),
        ([80.0, 90.0, 95.0], ["2019Q4", "2020Q1", "2022Q4"], "Q", "2019Q4", "2022Q4", 3.0),
        ([50.0, 60.0], ["2019Q1", "2019Q3"], "Q", None, None, 0.5),
        ([10.0, 11.0, 12.0], ["2018-06", "2019-01", "2021-03"], "M", "2018-06", "2021-03", 2.75),
        ([100.0, np.nan, 90.0, 130.0], ["2018", "2019", "2020", "2023"], "Y", None, None, 5.0),
    ],
)
def test_cagr_counts_years_by_frequency(values, periods, freq, start, end, years):
    s = _series(values, periods, freq)
    present = s.dropna()
    x0 = s.loc[pd.Period(start, freq=freq)] if start else present.iloc[0]
    x1 = s.loc[pd.Period(end, freq=freq)] if end else present.iloc[-1]
    # independent: exponentiate the mean log growth per year
    expected = 100.0 * math.expm1((math.log(x1) - math.log(x0)) / years)
    assert cagr(s, start, end) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("values", "start", "end", "error", "match"),
    [
        ([100.0, np.nan, 120.0], "2019", "2020", InsufficientDataError, "missing at 2020"),
        ([100.0, 0.0, 120.0], "2019", "2020", ParameterError, "positive levels"),
        ([-5.0, 10.0, 120.0], "2019", "2021", ParameterError, "positive levels"),
        ([100.0, 110.0, 120.0], "2019", "2025", ParameterError, "not in the series"),
        ([100.0, 110.0, 120.0], "2021", "2019", ParameterError, "must be after"),
        ([100.0, 110.0, 120.0], "20x9", "2021", ParameterError, "not a period"),
    ],
)
def test_cagr_refuses(values, start, end, error, match):
    s = _range(values, "2019", "Y")
    with pytest.raises(error, match=match):
        cagr(s, start, end)


def test_cagr_needs_two_values():
    with pytest.raises(InsufficientDataError, match=r"got 1 \(2019\)"):
        cagr(_series([5.0, np.nan], ["2019", "2020"], "Y"))


# --------------------------------------------------------------------------------------
# annualise and growth_rate
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("g", "ppy"),
    [(1.0, 4), (-2.5, 4), (0.5, 12), (3.0, 1), (-10.0, 12)],
)
def test_annualise_compounds(g, ppy):
    factor = np.prod(np.full(ppy, 1.0 + g / 100.0))  # multiply the factor out, ppy times
    assert annualise(g, ppy) == pytest.approx(100.0 * (factor - 1.0), rel=1e-12)


def test_annualise_series_and_bad_ppy():
    s = pd.Series([1.0, 2.0], index=["a", "b"])
    out = annualise(s, 4)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b"]
    with pytest.raises(ParameterError, match="positive integer"):
        annualise(1.0, 0)


def test_growth_rate_pairs_periods_by_label():
    # 2019Q1..2020Q4 with 2019Q3 absent: 2020Q3's year-on-year rate must be NaN, not a
    # rate against the wrong quarter.
    s = _series(
        [100, 110, 120, 105, 115, 125, 130],
        ["2019Q1", "2019Q2", "2019Q4", "2020Q1", "2020Q2", "2020Q3", "2020Q4"],
        "Q",
    )
    yoy = growth_rate(s, kind="yoy")
    assert yoy.loc["2020Q1"] == pytest.approx(5.0)
    assert yoy.loc["2020Q2"] == pytest.approx(100 * (115 / 110 - 1))
    assert np.isnan(yoy.loc["2020Q3"])
    assert yoy.loc["2020Q4"] == pytest.approx(100 * (130 / 120 - 1))
    pop = growth_rate(s, kind="pop")
    assert np.isnan(pop.loc["2019Q4"])  # 2019Q3 absent
    assert pop.loc["2020Q1"] == pytest.approx(100 * (105 / 120 - 1))
    ann = growth_rate(s, kind="annualised")
    assert ann.loc["2020Q1"] == pytest.approx(100 * ((105 / 120) ** 4 - 1))


def test_growth_rate_kind_is_checked():
    with pytest.raises(ParameterError, match="kind='mom' is not allowed"):
        growth_rate(_range([1, 2, 3], "2019", "Y"), kind="mom")


# --------------------------------------------------------------------------------------
# NBS two-year average growth
# --------------------------------------------------------------------------------------


def _shipped_2020_quarters():
    """2020 quarterly real GDP growth from the shipped file (revised vintage)."""
    raw = pd.read_csv(RAW_DIR / "national_gdp_quarterly_real_yoy_1992_2022.csv")
    raw = raw.set_index("quarter_end_month")["real_gdp_yoy_pct"]
    return [float(raw.loc[m]) for m in ("2020-03", "2020-06", "2020-09", "2020-12")]


# NBS's published two-year average growth (两年平均增长). NBS computes from unrounded rates
# and rounds to 0.1, so from the rounded published inputs we assert agreement to 0.1 pp.
#
# Sources (NBS releases, as reported by Xinhua/SCIO/NBS mirrors in the search corpus):
# - 2021-04-16, Q1 2021: GDP +18.3% yoy, "average Q1 growth of 2020 and 2021 at 5 percent";
#   Q1 2020 was -6.8% on that vintage (english.scio.gov.cn/pressroom/2021-04/16).
# - 2021-10-18, Q3 2021: GDP +4.9% yoy, two-year average 4.9%; Q3 2020 +4.9% (then vintage);
#   Q3's two-year average is "0.6 pp below Q2", i.e. Q2 2021 = 5.5% (Q2: +7.9%, Q2 2020
#   +3.2%) (Xinhua 2021-10-18; Caijing).
# - 2022-01-17, 2021 annual: GDP +8.1%, two-year average 5.1%. The 2020 rate on that
#   vintage is 2.2% (final verification released 2021-12-17, revising 2.3% down 0.1);
#   2.3% gives 5.16, also inside 0.1 pp, so this row cannot tell the vintages apart.
# - 2022-01-17, Ning Jizhe at the SCIO press conference: 2021 Q1-Q4 +18.3, 7.9, 4.9, 4.0%;
#   "按两年平均算,一、二、三、四季度分别增长4.9%、5.5%、4.9%、5.2%". On this vintage the 2020
#   quarters are the revised -6.9, 3.1, 4.8, 6.4 (read from the shipped data/raw file).
# - 2022-01-17, retail sales 2021: 440823 亿元, +12.5%, 两年平均增速 3.9%; 2020: -3.9%
#   (NBS release 2021-01-18: 391981 亿元, 比上年下降3.9%).
NBS_TWO_YEAR = [
    # (label, yoy, previous yoy, published two-year average)
    ("GDP 2021Q1, release 2021-04-16", 18.3, -6.8, 5.0),
    ("GDP 2021Q2, release 2021-07-15", 7.9, 3.2, 5.5),
    ("GDP 2021Q3, release 2021-10-18", 4.9, 4.9, 4.9),
    ("GDP 2021, release 2022-01-17", 8.1, 2.2, 5.1),
    ("retail sales 2021, release 2022-01-17", 12.5, -3.9, 3.9),
]


@pytest.mark.parametrize(("label", "a", "b", "published"), NBS_TWO_YEAR)
def test_two_year_average_growth_reproduces_nbs(label, a, b, published):
    assert abs(two_year_average_growth(a, b) - published) <= 0.1 + 1e-9, label


def test_two_year_average_growth_revised_quarters_from_shipped_data():
    # 2022-01-17 vintage: 2021 quarters from the release, 2020 quarters from data/raw.
    q2021 = pd.Series([18.3, 7.9, 4.9, 4.0], index=pd.period_range("2021Q1", periods=4, freq="Q"))
    q2020 = _shipped_2020_quarters()
    assert q2020 == [-6.9, 3.1, 4.8, 6.4]
    out = two_year_average_growth(q2021, q2020)
    assert isinstance(out, pd.Series)
    assert out.index.equals(q2021.index)
    published = np.array([4.9, 5.5, 4.9, 5.2])
    assert np.all(np.abs(out.to_numpy() - published) <= 0.1 + 1e-9)


def test_two_year_average_growth_is_geometric_mean():
    a = np.array([10.0, -5.0, 0.0])
    b = np.array([-20.0, 5.0, 0.0])
    out = two_year_average_growth(a, b)
    # independent: the geometric mean of two factors via logs
    expected = 100 * np.expm1((np.log1p(a / 100) + np.log1p(b / 100)) / 2)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert isinstance(two_year_average_growth(8.1, 2.2), float)


def test_two_year_average_growth_refuses_factor_below_zero():
    with pytest.raises(ParameterError, match="above -100"):
        two_year_average_growth(5.0, -100.0)


def test_average_growth_from_levels_matches_rate_form():
    # levels built from known yearly rates: the two forms must agree exactly
    rates = np.array([6.0, 2.2, 8.1])
    levels = 100 * np.concatenate([[1.0], np.cumprod(1 + rates / 100)])
    s = _range(levels, "2018", "Y")
    out = average_growth(s)
    assert np.isnan(out.loc["2018"])
    assert np.isnan(out.loc["2019"])
    assert out.loc["2021"] == pytest.approx(two_year_average_growth(8.1, 2.2), rel=1e-12)
    assert average_growth(s, period="2020") == pytest.approx(
        two_year_average_growth(2.2, 6.0), rel=1e-12
    )
    three = average_growth(s, years=3, period="2021")
    assert three == pytest.approx(100 * ((levels[3] / levels[0]) ** (1 / 3) - 1), rel=1e-12)


def test_average_growth_quarterly_uses_same_quarter_n_years_earlier():
    idx = pd.period_range("2019Q1", "2021Q4", freq="Q")
    rng = np.random.default_rng(3)
    s = pd.Series(rng.uniform(50, 150, len(idx)), index=idx)
    out = average_growth(s, years=2)
    for q in range(1, 5):
        p, base = pd.Period(f"2021Q{q}", freq="Q"), pd.Period(f"2019Q{q}", freq="Q")
        assert out.loc[p] == pytest.approx(100 * (math.sqrt(s.loc[p] / s.loc[base]) - 1))
    assert out.loc[:"2020Q4"].isna().all()


def test_average_growth_year_to_date_with_missing_january():
    # year-to-date retail sales (亿元) from the shipped NBS file: January is never published
    raw = pd.read_csv(RAW_DIR / "national_monthly_indicators_2015_2022.csv")
    ytd = pd.Series(
        raw["retail_ytd_100m_yuan"].to_numpy(),
        index=pd.PeriodIndex(raw["month"], freq="M"),
    )
    out = average_growth(ytd, years=2)
    assert np.isnan(out.loc["2021-01"])
    # Jan-Dec 2021 over Jan-Dec 2019, computed by hand from the two year-end figures
    assert out.loc["2021-12"] == pytest.approx(100 * (math.sqrt(440823.2 / 411649.0) - 1))
    with pytest.raises(InsufficientDataError, match="2019-01 and 2021-01"):
        average_growth(ytd, period="2021-01")


def test_average_growth_refuses_bad_years():
    with pytest.raises(ParameterError, match="positive integer"):
        average_growth(_range([1, 2, 3], "2019", "Y"), years=0)


# --------------------------------------------------------------------------------------
# target arithmetic
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "ytd", "share", "expected"),
    [
        (6.0, 3.0, 0.5, 9.0),  # the example
        (5.0, 5.0, 0.3, 5.0),  # on target so far: the rest needs the target
        (6.0, 6.5, 0.25, 100 * ((1.06 - 0.25 * 1.065) / 0.75 - 1)),
        (5.5, -2.0, 0.2, 100 * ((1.055 - 0.2 * 0.98) / 0.8 - 1)),
    ],
)
def test_required_growth(target, ytd, share, expected):
    got = required_growth(target, ytd, share)
    assert got == pytest.approx(expected, abs=1e-9)
    # the identity it solves: the weighted factors give the target
    assert share * (1 + ytd / 100) + (1 - share) * (1 + got / 100) == pytest.approx(
        1 + target / 100, abs=1e-12
    )


@pytest.mark.parametrize("share", [0.0, 1.0, -0.1, 1.2])
def test_required_growth_refuses_share_outside_open_unit_interval(share):
    with pytest.raises(ParameterError, match="strictly between 0 and 1"):
        required_growth(6.0, 3.0, share)


def test_elapsed_share_quarterly_and_monthly():
    q = _range([20.0, 30.0, 25.0, 25.0, 21.0], "2021Q1", "Q")
    assert elapsed_share(q, "2022Q1") == pytest.approx(20 / 100)
    assert elapsed_share(q, "2022Q3") == pytest.approx(75 / 100)
    monthly = np.arange(1.0, 13.0)
    m = _range(monthly, "2021-01", "M")
    assert elapsed_share(m, "2022-06") == pytest.approx(monthly[:6].sum() / monthly.sum())


@pytest.mark.parametrize(
    ("values", "start", "freq", "through", "error", "match"),
    [
        ([20.0, np.nan, 25.0, 25.0], "2021Q1", "Q", "2022Q2", InsufficientDataError, "2021Q2"),
        ([20.0, 30.0, 25.0], "2021Q1", "Q", "2022Q2", InsufficientDataError, "2021Q4"),
        ([20.0, 30.0, 25.0, 25.0], "2021Q1", "Q", "2022Q4", ParameterError, "last period"),
        ([20.0, 30.0], "2021", "Y", "2022", ParameterError, "annual"),
    ],
)
def test_elapsed_share_refuses(values, start, freq, through, error, match):
    with pytest.raises(error, match=match):
        elapsed_share(_range(values, start, freq), through)


# --------------------------------------------------------------------------------------
# trend_growth
# --------------------------------------------------------------------------------------


def test_trend_growth_exact_on_sparse_annual_levels():
    # Lixia-like sparsity: 2012, 2019, 2022 only; an exact 7% path must give 7% with the
    # trend counting the real years between observations.
    years = np.array([2012, 2019, 2022])
    s = _series(500 * 1.07 ** (years - 2012), years.astype(str), "Y")
    r = trend_growth(s)
    assert isinstance(r, TrendGrowthResult)
    assert r.growth_pct == pytest.approx(7.0, abs=1e-9)
    assert r.n_obs == 3
    assert r.hac_lags == 1  # floor(4 (3/100)^(2/9)) = 1


def test_trend_growth_refuses_two_observations():
    s = _series([1685.4, 2000.0, np.nan], ["2019", "2022", "2023"], "Y")
    with pytest.raises(
        InsufficientDataError, match=r"at least 3 observations; got 2 \(2019, 2022\)"
    ):
        trend_growth(s)


def test_trend_growth_window():
    years = np.arange(2010, 2024)
    growth = np.where(years <= 2019, 0.08, 0.02)
    logx = np.concatenate([[0.0], np.cumsum(growth[1:])])
    s = _series(np.exp(logx), years.astype(str), "Y")
    r = trend_growth(s, window=("2010", "2019"))
    assert r.growth_pct == pytest.approx(100 * math.expm1(0.08), abs=1e-9)
    assert str(r.periods[0]) == "2010"
    assert str(r.periods[-1]) == "2019"
    with pytest.raises(ParameterError, match="pair"):
        trend_growth(s, window="2019")


@pytest.mark.parametrize(("n", "lags"), [(3, 1), (10, 2), (40, 3), (100, 4), (250, 4), (500, 5)])
def test_default_hac_lags_rule(n, lags):
    s = _range(np.exp(0.01 * np.arange(n) + 0.01 * np.sin(np.arange(n))), "1900", "Y")
    assert trend_growth(s).hac_lags == lags == math.floor(4 * (n / 100) ** (2 / 9))


def test_trend_growth_interval_matches_handnewey_west():
    rng = np.random.default_rng(11)
    n = 40
    idx = pd.period_range("2012Q1", periods=n, freq="Q")
    season = np.tile([-0.04, 0.01, 0.0, 0.03], n // 4)
    noise = np.zeros(n)
    for i in range(1, n):  # AR(1) noise
        noise[i] = 0.6 * noise[i - 1] + rng.normal(0, 0.01)
    logx = 3 + 0.012 * np.arange(n) + season + noise
    s = pd.Series(np.exp(logx), index=idx)
    r = trend_growth(s, hac_lags=3, level=0.9)
    # independent: design by hand, OLS by lstsq, NW covariance by hand, t quantile
    t = np.arange(n, dtype=float)
    q = idx.quarter.to_numpy()
    X = np.column_stack([np.ones(n), t] + [(q == k).astype(float) for k in (2, 3, 4)])
    beta, *_ = np.linalg.lstsq(X, logx, rcond=None)
    V = newey_west(X, logx - X @ beta, 3)
    se = math.sqrt(V[1, 1])
    crit = stats.t.ppf(0.95, n - X.shape[1])
    assert r.growth_pct == pytest.approx(100 * math.expm1(4 * beta[1]), rel=1e-9)
    assert r.lower == pytest.approx(100 * math.expm1(4 * (beta[1] - crit * se)), rel=1e-9)
    assert r.upper == pytest.approx(100 * math.expm1(4 * (beta[1] + crit * se)), rel=1e-9)
    ci = r.conf_int(0.9)
    assert list(ci.columns) == ["lower", "upper"]
    assert ci.loc["trend_growth_pct", "lower"] == pytest.approx(r.lower)
    wider = r.conf_int(0.99)
    assert wider.loc["trend_growth_pct", "lower"] < r.lower
    # true trend growth 100 (exp(0.048) - 1) = 4.92% lies inside the 90% interval here
    assert r.lower < 100 * math.expm1(0.048) < r.upper
    assert r.model_result.cov_type == "HAC"


def test_trend_growth_seasonal_dummies_matter():
    # strong seasonality, odd number of quarters: without dummies the slope is biased
    n = 23
    idx = pd.period_range("2015Q1", periods=n, freq="Q")
    season = np.tile([-0.3, 0.1, 0.0, 0.2], 6)[:n]
    s = pd.Series(np.exp(0.01 * np.arange(n) + season), index=idx)
    assert trend_growth(s).growth_pct == pytest.approx(100 * math.expm1(0.04), abs=1e-9)
    assert abs(trend_growth(s, seasonal=False).growth_pct - 100 * math.expm1(0.04)) > 0.1


def test_trend_growth_seasonal_needs_enough_observations():
    s = _range(np.exp(0.01 * np.arange(12)), "2020-01", "M")
    with pytest.raises(InsufficientDataError, match="at least 14 observations; got 12"):
        trend_growth(s)
    assert trend_growth(s, seasonal=False).growth_pct == pytest.approx(100 * math.expm1(0.12))


def test_trend_growth_refuses_non_positive():
    with pytest.raises(ParameterError, match="positive levels"):
        trend_growth(_range([1.0, 2.0, -3.0, 4.0], "2019", "Y"))


def test_trend_growth_result_face():
    s = _range(100 * 1.05 ** np.arange(8) * (1 + 0.01 * np.sin(np.arange(8))), "2012", "Y")
    r = trend_growth(s)
    summary = r.summary()
    assert list(summary.columns) == ["estimate", "std. error", "lower 95%", "upper 95%"]
    assert summary.iloc[0, 0] == round(r.growth_pct, 2)
    frame = r.to_frame()
    assert frame.loc[0, "unit"] == "percent per year"
    assert frame.loc[0, "estimate"] == r.growth_pct
    assert "<table" in r._repr_html_()
    assert "2012 to 2019" in repr(r)
    with pytest.raises(ParameterError, match="level"):
        r.conf_int(1.5)


# --------------------------------------------------------------------------------------
# trend_cycle
# --------------------------------------------------------------------------------------


def _hp_by_hand(y, lamb):
    """HP trend solving (I + lamb D'D) tau = y with D the second-difference matrix."""
    n = len(y)
    D = np.diff(np.eye(n), n=2, axis=0)
    return np.linalg.solve(np.eye(n) + lamb * D.T @ D, y)


@pytest.mark.parametrize(("freq", "lamb"), [("Y", 6.25), ("Q", 1600.0), ("M", 129600.0)])
def test_hp_default_lambda_and_trend(freq, lamb):
    n = 40
    rng = np.random.default_rng(5)
    s = _range(np.exp(0.02 * np.arange(n) + rng.normal(0, 0.02, n)), "2000-01", freq)
    r = trend_cycle(s)
    assert isinstance(r, TrendCycleResult)
    assert r.lamb == lamb == HP_LAMBDA[{"Y": 1, "Q": 4, "M": 12}[freq]]
    tau = _hp_by_hand(np.log(s.to_numpy()), lamb)
    np.testing.assert_allclose(np.log(r.trend.to_numpy()), tau, rtol=0, atol=1e-8)
    np.testing.assert_allclose(r.cycle.to_numpy(), 100 * (np.log(s.to_numpy()) - tau), atol=1e-6)


def test_hp_levels_and_custom_lambda():
    s = _range(10 + np.arange(1.0, 13.0) ** 1.5, "2010", "Y")
    r = trend_cycle(s, lamb=100.0, log=False)
    np.testing.assert_allclose(r.trend.to_numpy(), _hp_by_hand(s.to_numpy(), 100.0), atol=1e-8)
    np.testing.assert_allclose(r.cycle.to_numpy(), s.to_numpy() - r.trend.to_numpy(), atol=1e-8)
    summary = r.summary()
    assert summary.loc["Period of largest shortfall", "value"] == str(r.cycle.idxmin())
    growth = summary.loc["Trend growth over the span (% per year)", "value"]
    expected = 100 * ((r.trend.iloc[-1] / r.trend.iloc[0]) ** (1 / 11) - 1)
    assert growth == round(expected, 2)
    below_zero = trend_cycle(s - 30.0, log=False)  # a trend through zero has no growth rate
    assert "n/a" in below_zero.summary().iloc[0, 0]


def test_hp_refuses_gaps_and_has_no_interval():
    s = _series(
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], ["2012", "2013", "2014", "2016", "2017", "2018"], "Y"
    )
    with pytest.raises(InsufficientDataError, match=r"cannot handle gaps; missing 2015"):
        trend_cycle(s)
    t = trend_cycle(_range([1.0, 2.0, 3.0, 4.0, 5.0], "2012", "Y"))
    with pytest.raises(ParameterError, match="method='uc' only"):
        t.conf_int()
    with pytest.raises(InsufficientDataError, match="at least 4"):
        trend_cycle(_range([1.0, 2.0, 3.0], "2012", "Y"))


def test_hp_trims_leading_and_trailing_missing():
    s = _range([np.nan, 1.0, 2.0, 3.0, 4.0, 5.0, np.nan], "2010", "Y")
    r = trend_cycle(s)
    assert str(r.observed.index[0]) == "2011"
    assert str(r.observed.index[-1]) == "2015"


def test_uc_handles_gaps_and_seasonality():
    rng = np.random.default_rng(2)
    n = 48
    idx = pd.period_range("2010Q1", periods=n, freq="Q")
    season = np.tile([-0.05, 0.0, 0.02, 0.03], n // 4)
    logx = 2 + 0.015 * np.arange(n) + season + rng.normal(0, 0.004, n)
    s = pd.Series(np.exp(logx), index=idx)
    s.loc["2015Q2"] = np.nan
    s = s.drop(pd.Period("2016Q3", freq="Q"))  # an absent period, not just a NaN
    r = trend_cycle(s, method="uc")
    assert r.method == "uc"
    assert r.model_result is not None
    assert r.observed.index.equals(idx)  # the gap is back in the index, as NaN
    assert np.isnan(r.observed.loc["2016Q3"])
    assert np.isnan(r.cycle.loc["2015Q2"])
    assert np.isfinite(r.trend.to_numpy()).all()
    # trend growth of the smoothed trend close to the truth 100 (exp(0.06) - 1) = 6.18%
    growth = 100 * np.expm1(4 * np.diff(np.log(r.trend.to_numpy()))[8:].mean())
    assert growth == pytest.approx(100 * math.expm1(0.06), abs=0.3)
    # the seasonal component is recovered to within 0.01 log points after a burn-in
    np.testing.assert_allclose(r.seasonal.to_numpy()[8:], season[8:], atol=0.01)
    ci = r.conf_int()
    inside = (ci["lower"] <= r.trend) & (r.trend <= ci["upper"])
    assert inside.all()
    assert (ci["upper"] > ci["lower"]).all()
    frame = r.to_frame()
    assert list(frame.columns) == ["period", "observed", "trend", "cycle", "seasonal"]
    assert "Observations" in r.summary().index


def test_uc_needs_enough_data_and_no_lambda():
    s = _range(np.exp(0.01 * np.arange(10)), "2020Q1", "Q")
    with pytest.raises(InsufficientDataError, match="at least 12 quarterly observations; got 10"):
        trend_cycle(s, method="uc")
    with pytest.raises(ParameterError, match="does not apply"):
        trend_cycle(_range(np.exp(0.01 * np.arange(20)), "2000Q1", "Q"), method="uc", lamb=5)
    with pytest.raises(ParameterError, match="method='bk' is not allowed"):
        trend_cycle(s, method="bk")
