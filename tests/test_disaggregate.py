"""Tests of lixia_econ.models.disaggregate (temporal disaggregation and benchmarking).

Reference values:
- R tempdisagg output on its own example data (swisspharma ``sales.a``, ``exports.q``),
  text copies under tests/fixtures/tempdisagg/ (see the README there for the source);
- independent computations written differently in this file (explicit inverses, Kronecker
  aggregation matrices, a likelihood grid) for what the R files do not cover;
- published figures from data/raw/ for the Lixia case.
Simulated series made here (seeded numpy generators) are hand-made test inputs, not data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lixia_econ import schema
from lixia_econ.config import RAW_DIR
from lixia_econ.errors import InsufficientDataError, LixiaEconWarning, ParameterError
from lixia_econ.models.disaggregate import DisaggregationResult, disaggregate, to_panel_rows

FIXTURES = Path(__file__).parent / "fixtures" / "tempdisagg"
METHODS = ["chow-lin", "fernandez", "litterman", "denton-cholette"]
CONVERSIONS = ["sum", "average", "first", "last"]
IN_SAMPLE = pd.period_range("1975Q1", "2010Q4", freq="Q")


# ----------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def sales_a() -> pd.Series:
    df = pd.read_csv(FIXTURES / "sales_a.csv")
    return pd.Series(
        df["sales"].to_numpy(), index=pd.PeriodIndex(df["year"].astype(str), freq="Y"), name="sales"
    )


@pytest.fixture(scope="module")
def exports_q() -> pd.Series:
    df = pd.read_csv(FIXTURES / "exports_q.csv")
    return pd.Series(
        df["exports"].to_numpy(), index=pd.PeriodIndex(df["quarter"], freq="Q"), name="exports"
    )


def _r_output(name: str) -> pd.Series:
    df = pd.read_csv(FIXTURES / name)
    return pd.Series(df["value"].to_numpy(), index=pd.PeriodIndex(df["quarter"], freq="Q"))


def _aggregate(high: pd.Series, low_freq: str, conversion: str) -> pd.Series:
    """Aggregate a high-frequency series by grouping (independent of the module's C)."""
    groups = high.groupby(high.index.asfreq(low_freq))
    how = {"sum": "sum", "average": "mean", "first": "first", "last": "last"}[conversion]
    return groups.agg(how)


@pytest.fixture(scope="module")
def lixia_gdp() -> pd.Series:
    """Lixia District annual GDP as published (data/raw), converted to 亿元."""
    df = pd.read_csv(RAW_DIR / "jinan_lixia_public_figures.csv")
    rows = df[
        df["geography"].str.startswith("Lixia")
        & (df["indicator"] == "GDP (地区生产总值)")
        & (df["period_type"] == "annual")
    ]
    to_yi = {"亿元": 1.0, "billion yuan": 10.0}  # 1 billion yuan = 10 亿元
    values = [v * to_yi[u] for v, u in zip(rows["value"], rows["unit"], strict=True)]
    idx = pd.PeriodIndex(rows["period"].astype(str), freq="Y")
    return pd.Series(values, index=idx, name="Lixia GDP").sort_index()


@pytest.fixture(scope="module")
def china_gdp_q() -> pd.Series:
    """China nominal GDP by quarter, approximated by the sum of the 11 published sectors.

    data/raw/national_gdp_sector_nominal_quarter_1992_2022.csv; before 2015 'OT' includes
    the later IN and LE sectors, so the row sum covers the economy throughout (it differs
    from the headline GDP figure by a few percent: agriculture vs primary industry, vintage).
    """
    df = pd.read_csv(RAW_DIR / "national_gdp_sector_nominal_quarter_1992_2022.csv")
    idx = pd.PeriodIndex(pd.to_datetime(df["quarter_end_month"]), freq="Q")
    total = df.drop(columns="quarter_end_month").sum(axis=1, min_count=1)
    return pd.Series(total.to_numpy(), index=idx, name="China nominal GDP (sum of sectors)")


# ------------------------------------------------------- R tempdisagg reference values


@pytest.mark.parametrize(
    ("method", "use_indicator", "reference"),
    [
        # R: td(sales.a ~ exports.q)  (chow-lin-maxlog, sum)
        ("chow-lin", True, "r_chow_lin_sales_on_exports.csv"),
        # R: td(sales.a ~ 1, to = "quarterly", method = "denton-cholette")
        ("denton-cholette", False, "r_denton_cholette_sales_constant.csv"),
        # R: td(sales.a ~ 0 + exports.q, method = "denton-cholette")
        ("denton-cholette", True, "r_denton_cholette_sales_on_exports.csv"),
    ],
)
def test_matches_r_tempdisagg(sales_a, exports_q, method, use_indicator, reference):
    # Source: tests/fixtures/tempdisagg/README.md (R tempdisagg output kept by tsdisagg).
    res = disaggregate(sales_a, exports_q if use_indicator else None, method=method)
    expected = _r_output(reference).loc[IN_SAMPLE]
    assert res.estimates.index.equals(IN_SAMPLE)
    np.testing.assert_allclose(res.estimates.to_numpy(), expected.to_numpy(), rtol=1e-4)


def test_chow_lin_r_example_rho_is_truncated(sales_a, exports_q):
    # The R figures above are reproduced only with ρ = 0: tempdisagg's maximum-likelihood ρ
    # is negative for this model and truncated to 0 (truncated.rho = 0, its default).
    res = disaggregate(sales_a, exports_q)
    assert res.rho == 0.0
    assert res.rho_truncated
    assert "truncated" in res.method_label
    fixed = disaggregate(sales_a, exports_q, rho=0.5)
    assert not np.allclose(fixed.estimates, res.estimates, rtol=1e-4)


# ------------------------------------------------------------- benchmarks hold exactly


@pytest.mark.parametrize("conversion", CONVERSIONS)
@pytest.mark.parametrize("method", METHODS)
def test_estimates_add_up_to_every_annual_figure(sales_a, exports_q, method, conversion):
    res = disaggregate(sales_a, exports_q, method=method, conversion=conversion)
    back = _aggregate(res.estimates, "Y", conversion)
    np.testing.assert_allclose(back.to_numpy(), sales_a.to_numpy(), rtol=1e-10)
    assert back.index.equals(sales_a.index)


@pytest.mark.parametrize(
    ("low", "high", "n_low", "conversion"),
    [
        ("Y", "M", 6, "sum"),
        ("Y", "M", 6, "last"),
        ("Q", "M", 12, "average"),
        ("Q", "M", 12, "first"),
        ("Y", "Q", 8, "average"),
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_add_up_for_monthly_targets(method, low, high, n_low, conversion):
    # hand-made input: a seeded random walk with drift as indicator, noisy low-freq figures
    rng = np.random.default_rng(7)
    low_idx = pd.period_range("2015", periods=n_low, freq=low)
    high_idx = pd.period_range(
        low_idx[0].asfreq(high, how="start"), low_idx[-1].asfreq(high, how="end"), freq=high
    )
    ind = pd.Series(100 + np.cumsum(rng.normal(1, 2, len(high_idx))), index=high_idx, name="ind")
    target = _aggregate(ind * 1.5 + rng.normal(0, 3, len(high_idx)), low, conversion)
    res = disaggregate(target, ind, method=method, conversion=conversion)
    np.testing.assert_allclose(_aggregate(res.estimates, low, conversion), target, rtol=1e-10)
    assert res.estimates.index.equals(high_idx)


# ----------------------------------------------- an exact scaled copy returns the truth


@pytest.mark.parametrize("conversion", CONVERSIONS)
@pytest.mark.parametrize("method", METHODS)
def test_exact_scaled_indicator_returns_truth(exports_q, method, conversion):
    truth = exports_q.loc[IN_SAMPLE]
    annual = _aggregate(truth, "Y", conversion)
    res = disaggregate(annual, truth * 0.37, method=method, conversion=conversion)
    np.testing.assert_allclose(res.estimates.to_numpy(), truth.to_numpy(), rtol=1e-8)


@pytest.mark.parametrize("method", ["chow-lin", "fernandez", "litterman", "denton-cholette"])
def test_exact_scaled_monthly_indicator_returns_truth(method):
    rng = np.random.default_rng(3)  # hand-made truth
    idx = pd.period_range("2016-01", "2021-12", freq="M")
    truth = pd.Series(50 + np.cumsum(rng.normal(0.5, 1.0, len(idx))), index=idx)
    annual = _aggregate(truth, "Y", "sum")
    res = disaggregate(annual, truth * 2.5, method=method)
    np.testing.assert_allclose(res.estimates.to_numpy(), truth.to_numpy(), rtol=1e-8)


# ------------------------------------------- independent GLS computation (closed form)


def _closed_form(y, x, fr, q):
    """GLS disaggregation written out with explicit inverses (Chow & Lin 1971)."""
    c = np.kron(np.eye(len(y)), np.ones((1, fr)))
    v_inv = np.linalg.inv(c @ q @ c.T)
    xl = c @ x
    beta = np.linalg.inv(xl.T @ v_inv @ xl) @ xl.T @ v_inv @ y
    est = x @ beta + q @ c.T @ v_inv @ (y - xl @ beta)
    resid = y - xl @ beta
    s2 = resid @ v_inv @ resid / (len(y) - x.shape[1])
    d = q @ c.T @ v_inv
    err = (q - d @ c @ q) + (x - d @ xl) @ np.linalg.inv(xl.T @ v_inv @ xl) @ (x - d @ xl).T
    return est, beta, np.sqrt(np.diag(s2 * err))


def _q_chow_lin(rho, n):
    i = np.arange(n)
    return rho ** np.abs(np.subtract.outer(i, i)) / (1 - rho**2)


def _q_litterman(rho, n):
    d = np.eye(n) - np.eye(n, k=-1)
    h = np.eye(n) - rho * np.eye(n, k=-1)
    return np.linalg.inv(d.T @ h.T @ h @ d)


@pytest.mark.parametrize(
    ("method", "rho", "qfun"),
    [
        ("chow-lin", 0.8, _q_chow_lin),
        ("chow-lin", -0.3, _q_chow_lin),
        ("fernandez", None, lambda _r, n: _q_litterman(0.0, n)),
        ("litterman", 0.6, _q_litterman),
    ],
)
def test_regression_methods_match_closed_form(sales_a, exports_q, method, rho, qfun):
    res = disaggregate(sales_a, exports_q, method=method, rho=rho)
    x = np.column_stack([np.ones(len(IN_SAMPLE)), exports_q.loc[IN_SAMPLE].to_numpy()])
    est, beta, se = _closed_form(sales_a.to_numpy(), x, 4, qfun(rho or 0.0, len(IN_SAMPLE)))
    np.testing.assert_allclose(res.estimates.to_numpy(), est, rtol=1e-8)
    np.testing.assert_allclose(res.coefficients.to_numpy(), beta, rtol=1e-7)
    np.testing.assert_allclose(res.std_errors.to_numpy(), se, rtol=1e-6)


def _profile_loglik(y, x, fr, q):
    """Concentrated Gaussian log-likelihood of the aggregated GLS regression."""
    c = np.kron(np.eye(len(y)), np.ones((1, fr)))
    v = c @ q @ c.T
    v_inv = np.linalg.inv(v)
    xl = c @ x
    beta = np.linalg.solve(xl.T @ v_inv @ xl, xl.T @ v_inv @ y)
    r = y - xl @ beta
    m = len(y)
    s2 = r @ v_inv @ r / m
    return -m / 2 * (1 + np.log(2 * np.pi) + np.log(s2)) - np.linalg.slogdet(v)[1] / 2


def _grid_argmax(loglik):
    """Maximise a function of ρ on a 0.02 grid, then on a 0.001 grid around the best point."""
    coarse = np.arange(-0.98, 0.99, 0.02)
    best = coarse[np.argmax([loglik(r) for r in coarse])]
    fine = np.arange(max(best - 0.02, -0.998), min(best + 0.02, 0.998), 0.001)
    values = np.array([loglik(r) for r in fine])
    return fine[values.argmax()], values.max()


def test_litterman_rho_maximises_the_likelihood(sales_a):
    # constant-only Litterman on sales.a has an interior maximum-likelihood ρ
    res = disaggregate(sales_a, method="litterman")
    x = np.ones((len(IN_SAMPLE), 1))
    y = sales_a.to_numpy()
    best, best_ll = _grid_argmax(lambda r: _profile_loglik(y, x, 4, _q_litterman(r, len(x))))
    assert res.rho_estimated
    assert 0.05 < res.rho < 0.95
    assert abs(res.rho - best) <= 0.001
    assert _profile_loglik(y, x, 4, _q_litterman(res.rho, len(x))) >= best_ll - 1e-9
    assert res.loglik == pytest.approx(_profile_loglik(y, x, 4, _q_litterman(res.rho, len(x))))


def test_chow_lin_rho_recovers_simulated_ar1():
    # hand-made: quarterly y = 10 + 2 x + AR(1) errors with ρ = 0.8, 40 years
    rng = np.random.default_rng(11)
    n = 160
    e = np.zeros(n)
    for t in range(1, n):
        e[t] = 0.8 * e[t - 1] + rng.normal()
    idx = pd.period_range("1980Q1", periods=n, freq="Q")
    x = pd.Series(50 + np.cumsum(rng.normal(0, 2, n)), index=idx, name="x")
    y_q = 10 + 2 * x + 3 * e
    annual = _aggregate(y_q, "Y", "sum")
    res = disaggregate(annual, x)
    xm = np.column_stack([np.ones(n), x.to_numpy()])
    best, _ = _grid_argmax(lambda r: _profile_loglik(annual.to_numpy(), xm, 4, _q_chow_lin(r, n)))
    assert abs(res.rho - best) <= 0.001
    assert 0.4 < res.rho < 0.99


# -------------------------------------------------------------- the Lixia case: gaps


def test_lixia_published_figures_are_the_ones_expected(lixia_gdp):
    # data/raw/jinan_lixia_public_figures.csv: 2012 83.7 billion yuan, 2019 1685.4 亿元,
    # 2022 228.29 billion yuan
    assert lixia_gdp.to_dict() == {
        pd.Period("2012", "Y"): pytest.approx(837.0),
        pd.Period("2019", "Y"): pytest.approx(1685.4),
        pd.Period("2022", "Y"): pytest.approx(2282.9),
    }


@pytest.mark.parametrize(
    ("method", "rho"),
    [("fernandez", None), ("denton-cholette", None), ("chow-lin", 0.75), ("litterman", 0.5)],
)
def test_lixia_gdp_quarters_cover_only_published_years(lixia_gdp, china_gdp_q, method, rho):
    res = disaggregate(lixia_gdp, china_gdp_q, method=method, rho=rho)
    years = sorted(set(res.estimates.index.year))
    assert years == [2012, 2019, 2022]
    assert len(res.estimates) == 12
    np.testing.assert_allclose(
        _aggregate(res.estimates, "Y", "sum").to_numpy(), [837.0, 1685.4, 2282.9], rtol=1e-10
    )
    cov = res.coverage
    assert list(cov.index.year) == list(range(2012, 2023))
    assert cov["covered"].sum() == 3
    assert cov.loc[pd.Period("2020", "Y"), "reason"].startswith("no figure")
    assert np.isnan(cov.loc[pd.Period("2016", "Y"), "value"])
    assert "2013–2018" in res.caveat
    assert "2020–2021" in res.caveat
    assert "estimates, not published" in res.caveat
    assert (res.estimates > 0).all()


@pytest.mark.parametrize("method", ["chow-lin", "litterman"])
def test_ml_rho_with_scattered_years_refuses(lixia_gdp, china_gdp_q, method):
    with pytest.raises(InsufficientDataError, match=r"consecutive.*2013–2018"):
        disaggregate(lixia_gdp, china_gdp_q, method=method)


def test_gap_model_equals_full_span_model_restricted(lixia_gdp, china_gdp_q):
    # Independent: the full 2012Q1-2022Q4 model with aggregation rows for the three
    # published years only; its estimates for the covered quarters are the module's.
    quarters = pd.period_range("2012Q1", "2022Q4", freq="Q")
    x = np.column_stack([np.ones(len(quarters)), china_gdp_q.loc[quarters].to_numpy()])
    c = np.zeros((3, len(quarters)))
    for row, year in enumerate([2012, 2019, 2022]):
        c[row, (year - 2012) * 4 : (year - 2012) * 4 + 4] = 1.0
    y = np.array([837.0, 1685.4, 2282.9])
    for method, rho, q in [
        ("chow-lin", 0.75, _q_chow_lin(0.75, len(quarters))),
        ("fernandez", None, _q_litterman(0.0, len(quarters))),
    ]:
        v_inv = np.linalg.inv(c @ q @ c.T)
        xl = c @ x
        beta = np.linalg.solve(xl.T @ v_inv @ xl, xl.T @ v_inv @ y)
        full = x @ beta + q @ c.T @ v_inv @ (y - xl @ beta)
        res = disaggregate(lixia_gdp, china_gdp_q, method=method, rho=rho)
        keep = quarters.year.isin([2012, 2019, 2022])
        np.testing.assert_allclose(res.estimates.to_numpy(), full[keep], rtol=1e-9)


def test_denton_with_isolated_years_is_pro_rata(lixia_gdp, china_gdp_q):
    # An isolated year: the smoothest ratio is constant, so each quarter gets the
    # indicator's share of the year (pro rata), independently of the other years.
    res = disaggregate(lixia_gdp, china_gdp_q, method="denton-cholette")
    for year, total in [(2012, 837.0), (2019, 1685.4), (2022, 2282.9)]:
        ind = china_gdp_q[china_gdp_q.index.year == year]
        expected = total * ind / ind.sum()
        got = res.estimates[res.estimates.index.year == year]
        np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-10)


def test_year_without_indicator_is_reported_not_used(lixia_gdp, china_gdp_q):
    short = china_gdp_q.loc["2015Q1":]
    with pytest.warns(LixiaEconWarning, match="2012"):
        res = disaggregate(lixia_gdp, short, method="denton-cholette")
    assert sorted(set(res.estimates.index.year)) == [2019, 2022]
    reason = res.coverage.loc[pd.Period("2012", "Y"), "reason"]
    assert reason == "indicator missing for 2012Q1–2012Q4"
    assert any("2012" in note and "not used" in note for note in res.notes)


# -------------------------------------------------------------- panel rows, results


def test_to_panel_rows_marks_estimates(lixia_gdp, china_gdp_q):
    res = disaggregate(lixia_gdp, china_gdp_q, method="fernandez")
    rows = to_panel_rows(
        res,
        region="370102",
        indicator="gdp",
        unit="亿元",
        price_basis="current",
        source="jinan_lixia_public_figures.csv",
    )
    assert tuple(rows.columns) == schema.COLUMNS
    assert (rows["status"] == "estimated").all()
    assert rows["status"].isin(schema.STATUSES).all()
    assert (rows["freq"] == "Q").all()
    assert rows["period"].tolist()[:5] == ["2012Q1", "2012Q2", "2012Q3", "2012Q4", "2019Q1"]
    np.testing.assert_allclose(rows["value"].to_numpy(), res.estimates.to_numpy())
    note = rows["note"].iloc[0]
    assert "method=fernandez" in note
    assert "China nominal GDP (sum of sectors)" in note
    assert "rho=0.0000" in note
    assert "2012, 2019 and 2022" in note
    assert not rows.duplicated(list(schema.KEY)).any()
    schema.validate(rows)  # the lead's validator accepts the rows as they are


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"region": "999999"}, "region"),
        ({"indicator": "gdp_growth"}, "indicator"),
        ({"unit": "billion yuan"}, "catalogue unit is '亿元'"),
        ({"price_basis": "real"}, "price_basis"),
        ({"measure": "levels"}, "measure"),
    ],
)
def test_to_panel_rows_rejects_bad_codes(sales_a, kwargs, match):
    res = disaggregate(sales_a, method="denton-cholette")
    args = {
        "region": "370102",
        "indicator": "gdp",
        "unit": "亿元",
        "price_basis": "current",
        "source": "x.csv",
    }
    args.update(kwargs)
    with pytest.raises(ParameterError, match=match):
        to_panel_rows(res, **args)


def test_results_face(sales_a, exports_q):
    res = disaggregate(sales_a, exports_q, method="fernandez")
    assert isinstance(res, DisaggregationResult)
    table = res.summary()
    assert {"constant", "exports", "rho (AR1)", "adj. R-squared", "AIC (tempdisagg)"} <= set(
        table.index
    )
    assert table.loc["exports", "t_value"] == pytest.approx(
        res.coefficients["exports"] / res.coef_std_errors["exports"]
    )
    frame = res.to_frame()
    assert list(frame.columns) == ["period", "estimate", "std_error", "benchmark"]
    assert frame["benchmark"].iloc[0] == pd.Period("1975", "Y")
    ci = res.conf_int(0.9)
    assert (ci["lower"] < res.estimates).all()
    assert (res.estimates < ci["upper"]).all()
    wider = res.conf_int(0.99)
    assert (wider["upper"] - wider["lower"] > ci["upper"] - ci["lower"]).all()
    assert "Fernández" in res._repr_html_() or "fernandez" in res._repr_html_()
    assert res.model_result is None


def test_caveat_without_gaps_names_method_and_indicator(sales_a, exports_q):
    res = disaggregate(sales_a, exports_q, method="litterman", rho=0.4)
    text = res.caveat
    assert "Litterman (ρ = 0.400, fixed)" in text
    assert "along exports" in text
    assert "1975–2010" in text
    assert "No estimates" not in text


def test_denton_has_no_standard_errors(sales_a):
    res = disaggregate(sales_a, method="denton-cholette")
    assert res.std_errors is None
    with pytest.raises(InsufficientDataError, match="no standard errors"):
        res.conf_int()
    assert res.to_frame()["std_error"].isna().all()


def test_default_targets_without_indicator(sales_a):
    quarterly = disaggregate(sales_a, method="denton-cholette")
    assert quarterly.estimates.index.freqstr == "Q-DEC"
    monthly = disaggregate(sales_a, method="denton-cholette", to="M")
    assert len(monthly.estimates) == 12 * len(sales_a)
    q = quarterly.estimates.loc["2000Q1":"2000Q4"]
    q_to_m = disaggregate(q, method="fernandez", conversion="sum")
    assert q_to_m.estimates.index.freqstr == "M"
    np.testing.assert_allclose(_aggregate(q_to_m.estimates, "Q", "sum"), q, rtol=1e-10)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "ols"}, ParameterError, "method='ols' is not allowed"),
        ({"conversion": "mean"}, ParameterError, "conversion='mean' is not allowed"),
        ({"method": "fernandez", "rho": 0.5}, ParameterError, "has no free ρ"),
        ({"method": "denton-cholette", "rho": 0.5}, ParameterError, "has no free ρ"),
        ({"rho": 1.0}, ParameterError, "strictly between -1 and 1"),
        ({"to": "M"}, ParameterError, "indicator is quarterly"),
        ({"to": "D"}, ParameterError, "to='D' is not allowed"),
    ],
)
def test_bad_arguments(sales_a, exports_q, kwargs, error, match):
    with pytest.raises(error, match=match):
        disaggregate(sales_a, exports_q, **kwargs)


def test_denton_takes_one_indicator(sales_a, exports_q):
    two = pd.DataFrame({"a": exports_q, "b": exports_q * 2})
    with pytest.raises(ParameterError, match="one indicator series"):
        disaggregate(sales_a, two, method="denton-cholette")
    # the regression methods take several (collinear columns are the caller's problem,
    # so use a distinct second column)
    two["b"] = np.arange(len(two), dtype=float)
    res = disaggregate(sales_a, two, method="chow-lin", rho=0.5)
    assert list(res.coefficients.index) == ["constant", "a", "b"]


def test_denton_zero_indicator_refused(sales_a, exports_q):
    ind = exports_q.copy()
    ind.loc["1990Q2"] = 0.0
    with pytest.raises(ParameterError, match="indicator is 0 in 1990Q2"):
        disaggregate(sales_a, ind, method="denton-cholette")


def test_monthly_low_frequency_refused():
    monthly = pd.Series([1.0, 2.0], index=pd.period_range("2020-01", periods=2, freq="M"))
    with pytest.raises(ParameterError, match="low_freq is monthly"):
        disaggregate(monthly, method="denton-cholette")


def test_too_few_figures_for_the_regression(lixia_gdp, china_gdp_q):
    two_years = lixia_gdp.loc["2019":]
    with pytest.raises(InsufficientDataError, match="found 2 covered figure"):
        disaggregate(two_years, china_gdp_q, method="fernandez")


@pytest.mark.filterwarnings("ignore::lixia_econ.errors.LixiaEconWarning")
def test_no_usable_figure(lixia_gdp, china_gdp_q):
    short = china_gdp_q.loc["2013Q1":"2018Q4"]
    with pytest.raises(InsufficientDataError, match="no low-frequency figure can be"):
        disaggregate(lixia_gdp, short, method="denton-cholette")


def test_all_missing_refused():
    empty = pd.Series([np.nan, np.nan], index=pd.period_range("2020", periods=2, freq="Y"))
    with pytest.raises(InsufficientDataError):
        disaggregate(empty, method="denton-cholette")


# --------------------------------------------------------------------------- issue 13, fault 6


def _issue13_series() -> tuple[pd.Series, pd.Series]:
    # hand-made fixture: six annual figures and a rising quarterly indicator
    annual = pd.Series(
        [100.0, 110, 120, 125, 140, 150], index=pd.period_range("2015", periods=6, freq="Y")
    )
    quarterly = pd.Series(
        np.linspace(10, 40, 24), index=pd.period_range("2015Q1", periods=24, freq="Q")
    )
    return annual, quarterly


@pytest.mark.parametrize("method", ["chow-lin", "fernandez", "litterman"])
def test_a_constant_indicator_is_refused_with_the_reason(method):
    annual, quarterly = _issue13_series()
    with pytest.raises(InsufficientDataError, match="constant=False"):
        disaggregate(annual, quarterly * 0 + 5, method=method)


def test_a_constant_indicator_without_a_constant_is_fitted():
    annual, quarterly = _issue13_series()
    res = disaggregate(annual, quarterly * 0 + 5, method="fernandez", constant=False)
    assert np.isfinite(res.estimates).all()


@pytest.mark.parametrize("method", ["chow-lin", "fernandez", "denton-cholette"])
def test_an_infinite_indicator_value_is_refused_naming_the_period(method):
    annual, quarterly = _issue13_series()
    quarterly.loc["2016Q2"] = np.inf
    with pytest.raises(ParameterError, match=r"infinite values \(2016Q2\)"):
        disaggregate(annual, quarterly, method=method)
