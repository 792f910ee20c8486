"""Tests of the counterfactual no-shock paths (lixia_econ.models.counterfactual).

All series are hand-made fixtures generated here (trend, seasonal pattern, noise from a seeded
RNG); none is published data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from lixia_econ.errors import InsufficientDataError, LixiaEconError, ParameterError
from lixia_econ.models.counterfactual import CounterfactualResult, counterfactual

SEASONAL = np.array([-0.04, 0.01, 0.0, 0.03])


def _quarterly(seed: int, *, start="2008Q1", end="2022Q4", sd=0.01, slope=0.015) -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.period_range(start, end, freq="Q")
    t = np.arange(len(idx), dtype=float)
    log_y = 4.0 + slope * t + SEASONAL[np.asarray(idx.quarter) - 1] + rng.normal(0, sd, len(t))
    return pd.Series(np.exp(log_y), index=idx)


def test_trend_intervals_match_independent_ols():
    y = _quarterly(1)
    cf = counterfactual(y, shock="2020Q1", level=0.9, pre_window=(None, None), errors="independent")
    pre = y[y.index < pd.Period("2020Q1", "Q")]
    post = y.index[y.index >= pd.Period("2020Q1", "Q")]

    def design(idx):
        t = np.array([(p - pd.Period("2008Q1", "Q")).n for p in idx], dtype=float)
        q = np.asarray(idx.quarter)
        return np.column_stack([t] + [(q == k).astype(float) for k in (1, 2, 3, 4)])

    X, Xp = design(pre.index), design(post)
    beta, rss, *_ = np.linalg.lstsq(X, np.log(pre.to_numpy()), rcond=None)
    dof = len(pre) - X.shape[1]
    s2 = rss[0] / dof
    se = np.sqrt(s2 * (1 + np.einsum("ij,jk,ik->i", Xp, np.linalg.inv(X.T @ X), Xp)))
    q = stats.t.ppf(0.95, dof)
    mean = Xp @ beta
    np.testing.assert_allclose(cf.frame["predicted"], np.exp(mean), rtol=1e-9)
    np.testing.assert_allclose(cf.frame["lower"], np.exp(mean - q * se), rtol=1e-9)
    np.testing.assert_allclose(cf.frame["upper"], np.exp(mean + q * se), rtol=1e-9)
    np.testing.assert_allclose(cf.frame["actual"], y[post])
    # conf_int at another level, from the same t distribution
    q99 = stats.t.ppf(0.995, dof)
    np.testing.assert_allclose(cf.conf_int(0.99)["upper"], np.exp(mean + q99 * se), rtol=1e-9)
    assert cf.df == dof
    assert list(cf.frame.index) == list(post)


def _ar1_noise(rng: np.random.Generator, n: int, rho: float, sd: float) -> np.ndarray:
    e = np.empty(n)
    e[0] = rng.normal(0, sd)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2))
    return e


def test_trend_ar1_errors_match_gls_and_reml_by_hand():
    rng = np.random.default_rng(15)
    idx = pd.period_range("2010Q1", "2022Q4", freq="Q")
    t = np.arange(len(idx), dtype=float)
    logy = 4 + 0.015 * t + SEASONAL[np.asarray(idx.quarter) - 1]
    y = pd.Series(np.exp(logy + _ar1_noise(rng, len(idx), 0.6, 0.01)), index=idx)
    y[pd.Period("2014Q2", "Q")] = np.nan  # a gap: two periods between its neighbours
    cf = counterfactual(y, shock="2020Q1", pre_window=(None, None))
    pre = y[(y.index < pd.Period("2020Q1", "Q")) & y.notna()]
    post = cf.post_index
    o = pre.index.asi8.astype(float)

    def design(periods):
        tt = (periods.asi8 - pd.Period("2020Q1", "Q").ordinal).astype(float)
        q = np.asarray(periods.quarter)
        return np.column_stack([np.ones(len(tt)), tt] + [(q == k) * 1.0 for k in (2, 3, 4)])

    X, Xp, z = design(pre.index), design(post), np.log(pre.to_numpy())
    n, k = X.shape

    h = (post.asi8 - pre.index[-1].ordinal).astype(float)

    def at(rho):  # deviance, forecast mean and covariance with the full n x n matrices
        R = rho ** np.abs(o[:, None] - o[None, :])
        gls = sm.GLS(z, X, sigma=R).fit()
        Ri = np.linalg.inv(R)
        e = z - X @ gls.params
        dev = (
            np.linalg.slogdet(R)[1]
            + np.linalg.slogdet(X.T @ Ri @ X)[1]
            + (n - k) * np.log(e @ Ri @ e)
        )
        mean = Xp @ gls.params + rho**h * e[-1]
        A = Xp - np.outer(rho**h, X[-1])
        cov = A @ gls.cov_params() @ A.T + gls.scale * (
            rho ** np.abs(h[:, None] - h[None, :]) - np.outer(rho**h, rho**h)
        )
        return dev, gls, mean, cov

    grid = np.round(np.arange(-90, 99) / 100, 2)
    fits = [at(r) for r in grid]
    dev = np.array([f[0] for f in fits])
    rho = grid[np.argmin(dev)]
    assert cf.rho == pytest.approx(rho)
    assert 0.3 < cf.rho < 0.9
    _, gls, mean, _ = fits[int(np.argmin(dev))]
    np.testing.assert_allclose(cf.model_result.params, gls.params, rtol=1e-8)
    # the covariance averages over rho, weights exp(-deviance / 2)
    w = np.exp(-(dev - dev.min()) / 2)
    w /= w.sum()
    cov = sum(
        wi * (f[3] + np.outer(f[2] - mean, f[2] - mean)) for wi, f in zip(w, fits, strict=True)
    )
    q = stats.t.ppf(0.975, n - k)
    np.testing.assert_allclose(cf.frame["predicted"], np.exp(mean), rtol=1e-8)
    np.testing.assert_allclose(cf.log_cov, cov, rtol=1e-6)
    upper = np.exp(mean + q * np.sqrt(np.diag(cov)))
    np.testing.assert_allclose(cf.frame["upper"], upper, rtol=1e-8)
    assert cf.df == n - k
    assert any("AR(1) with coefficient" in note for note in cf.notes)


def test_trend_too_short_for_ar1_falls_back_to_ols_and_says_so():
    y = _quarterly(1)
    short = counterfactual(y, shock="2020Q1", pre_window=12)  # 12 values, 5 coefficients
    ols = counterfactual(y, shock="2020Q1", pre_window=12, errors="independent")
    assert short.rho == 0.0
    pd.testing.assert_frame_equal(short.frame, ols.frame)
    assert any("too few to estimate the autocorrelation" in note for note in short.notes)
    assert not any("too few" in note for note in ols.notes)


def test_ets_covariance_matches_statsmodels_and_simulation():
    y = _quarterly(2)
    cf = counterfactual(y, shock="2020Q1", method="ets")
    res = cf.model_result
    n_pre, h = len(cf.pre_window), len(cf.post_index)
    pred = res.get_prediction(start=n_pre, end=n_pre + h - 1)
    np.testing.assert_allclose(cf.log_mean, pred.predicted_mean, rtol=1e-10)
    # statsmodels' variance (SSE / n) rescaled to SSE / (n - k), k estimated parameters
    n, k = res.nobs, res.model.k_params
    correction = n / (n - k)
    np.testing.assert_allclose(np.diag(cf.log_cov), pred.forecast_variance * correction, rtol=1e-8)
    assert cf.df == n - k
    sd = np.sqrt(pred.forecast_variance * correction)
    lower = np.exp(pred.predicted_mean - stats.t.ppf(0.975, n - k) * sd)
    np.testing.assert_allclose(cf.frame["lower"], lower, rtol=1e-8)
    sims = np.asarray(
        res.simulate(h, anchor="end", repetitions=20000, rng=np.random.default_rng(3))
    )
    emp = np.cov(sims) * correction
    # off-diagonal terms (correlation of forecast errors across horizons) by simulation
    np.testing.assert_allclose(cf.log_cov, emp, atol=0.06 * cf.log_cov.max())


@pytest.mark.slow  # a 1,500-draw simulation of the state
def test_structural_covariance_matches_statsmodels():
    y = _quarterly(3)
    cf = counterfactual(y, shock="2020Q1", method="structural")
    fc = cf.model_result.get_forecast(len(cf.post_index))
    np.testing.assert_allclose(cf.log_mean, fc.predicted_mean, rtol=1e-10)
    np.testing.assert_allclose(np.diag(cf.log_cov), fc.var_pred_mean, rtol=1e-8)
    ci = np.exp(np.asarray(fc.conf_int(alpha=0.05)))
    np.testing.assert_allclose(cf.frame[["lower", "upper"]].to_numpy(), ci, rtol=1e-8)
    # off-diagonal: simulate from the predicted state distribution after the last observation
    rng = np.random.default_rng(4)
    res = cf.model_result
    a, P = res.predicted_state[:, -1], res.predicted_state_cov[:, :, -1]
    draws = rng.multivariate_normal(a, P, size=1500, method="eigh")
    sims = np.array(
        [
            np.asarray(res.simulate(len(cf.post_index), anchor="end", initial_state=d, rng=i))
            for i, d in enumerate(draws)
        ]
    )
    np.testing.assert_allclose(cf.log_cov, np.cov(sims.T), atol=0.1 * cf.log_cov.max())


def test_structural_with_gap_and_controls():
    y = _quarterly(5)
    y[pd.Period("2012Q3", "Q")] = np.nan  # a gap: the Kalman filter skips it, nothing filled
    x = _quarterly(6) * 0.5
    cf = counterfactual(y, shock="2020Q1", method="structural", controls=x.rename("bench"))
    assert cf.frame[["predicted", "lower", "upper"]].notna().all().all()
    short = x[x.index < pd.Period("2021Q1", "Q")]
    with pytest.raises(InsufficientDataError, match="2021Q1"):
        counterfactual(y, shock="2020Q1", method="structural", controls=short)


def test_structural_covariance_with_controls_matches_statsmodels():
    # the controls' coefficients are states: the design of each forecast period holds
    # that period's controls (centred on the pre-shock mean), so the forecast variances
    # must match statsmodels' own
    y = _quarterly(11)
    x = _quarterly(12, sd=0.03) * 0.5
    cf = counterfactual(y, shock="2020Q1", method="structural", controls=x.rename("bench"))
    res = cf.model_result
    assert not res.model.mle_regression
    logx = np.log(x)
    centred = logx.loc[cf.post_index].to_numpy() - logx.loc[cf.pre_window].mean()
    fc = res.get_forecast(len(cf.post_index), exog=centred)
    np.testing.assert_allclose(cf.log_mean, fc.predicted_mean, rtol=1e-10)
    np.testing.assert_allclose(np.diag(cf.log_cov), fc.var_pred_mean, rtol=1e-8)
    assert np.linalg.eigvalsh(cf.log_cov).min() > 0


@pytest.mark.parametrize("seed", [21, 22, 23, 24])
def test_structural_fit_converges_to_a_likelihood_at_least_statsmodels(seed):
    # the fit (log variances from the trend fit's residual variance, bounded L-BFGS-B)
    # must reach statsmodels' own maximum of the same model, or a higher one
    import warnings

    y = _quarterly(seed, sd=0.012)
    cf = counterfactual(y, shock="2020Q1", method="structural")
    res = cf.model_result
    assert res.mle_retvals["converged"], res.mle_retvals
    assert not any("converge" in n for n in cf.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = res.model.fit(disp=False, maxiter=500)
    assert res.llf >= ref.llf - 1e-3


def test_trend_control_carries_the_shock():
    # y tracks a benchmark x closely; with x as a control the counterfactual follows x's dip
    rng = np.random.default_rng(8)
    x = _quarterly(9, sd=0.02)
    dip = np.where(x.index == pd.Period("2020Q2", "Q"), 0.85, 1.0)
    x = x * dip
    y = pd.Series(2.0 * x.to_numpy() * np.exp(rng.normal(0, 0.002, len(x))), index=x.index)
    with_ctrl = counterfactual(y, shock="2020Q1", controls=x)
    without = counterfactual(y, shock="2020Q1")
    q2 = pd.Period("2020Q2", "Q")
    assert with_ctrl.frame.loc[q2, "lower"] <= y[q2] <= with_ctrl.frame.loc[q2, "upper"]
    assert y[q2] < without.frame.loc[q2, "lower"]


@pytest.mark.parametrize(
    "shock", ["2020Q1", "2020-02", "2020", pd.Period("2020-03", "M"), pd.Period("2020Q1", "Q")]
)
def test_shock_labels(shock):
    cf = counterfactual(_quarterly(1), shock=shock)
    assert cf.shock == pd.Period("2020Q1", "Q")
    assert cf.frame.index[0] == pd.Period("2020Q1", "Q")
    assert cf.pre_window[-1] == pd.Period("2019Q4", "Q")


def test_monthly_and_annual_frequencies():
    rng = np.random.default_rng(11)
    idx = pd.period_range("2012-01", "2022-12", freq="M")
    season = np.sin(2 * np.pi * np.asarray(idx.month) / 12) * 0.05
    y = pd.Series(
        np.exp(3 + 0.004 * np.arange(len(idx)) + season + rng.normal(0, 0.01, len(idx))), index=idx
    )
    cf = counterfactual(y, shock="2020-02", method="trend")
    assert cf.frame.index[0] == pd.Period("2020-02", "M")
    assert cf.model_result.params.shape[0] == 13  # const, slope, 11 month dummies
    a_idx = pd.period_range("2005", "2023", freq="Y")
    ya = pd.Series(
        np.exp(0.05 * np.arange(len(a_idx)) + rng.normal(0, 0.01, len(a_idx))), index=a_idx
    )
    cfa = counterfactual(ya, shock="2020", method="trend")
    assert len(cfa.frame) == 4
    assert any("annual" in n for n in cfa.notes)


def test_pre_window_forms():
    y = _quarterly(1)
    assert counterfactual(y, shock="2020Q1", pre_window=20).pre_window[0] == pd.Period(
        "2015Q1", "Q"
    )
    w = counterfactual(y, shock="2020Q1", pre_window=("2012Q1", "2018Q4"))
    assert (w.pre_window[0], w.pre_window[-1]) == (
        pd.Period("2012Q1", "Q"),
        pd.Period("2018Q4", "Q"),
    )
    assert any("before the shock" in n for n in w.notes)
    with pytest.raises(ParameterError, match="pre_window"):
        counterfactual(y, shock="2020Q1", pre_window="2012")


@pytest.mark.parametrize(
    ("method", "window", "need"),
    [("trend", 6, 7), ("ets", 11, 12), ("structural", 11, 12)],
)
def test_too_short_window_says_need_and_have(method, window, need):
    with pytest.raises(InsufficientDataError) as info:
        counterfactual(_quarterly(1), shock="2020Q1", method=method, pre_window=window)
    msg = str(info.value)
    assert f"at least {need}" in msg
    assert f"has {window}" in msg


def test_ets_refuses_gaps_and_controls():
    y = _quarterly(1)
    y[pd.Period("2015Q2", "Q")] = np.nan
    with pytest.raises(InsufficientDataError, match="2015Q2"):
        counterfactual(y, shock="2020Q1", method="ets")
    with pytest.raises(ParameterError, match="controls"):
        counterfactual(_quarterly(1), shock="2020Q1", method="ets", controls=_quarterly(2))


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "prophet"}, "'trend', 'ets', 'structural'"),
        ({"level": 0.0}, "between 0 and 1"),
        ({"shock": 2020.5}, "period label"),
        ({"controls": [1, 2, 3]}, "Series or DataFrame"),
    ],
)
def test_bad_options(kwargs, fragment):
    args = {"shock": "2020Q1", **kwargs}
    with pytest.raises(LixiaEconError) as info:
        counterfactual(_quarterly(1), **args)
    assert fragment in str(info.value)


def test_result_face():
    cf = counterfactual(_quarterly(1), shock="2020Q1")
    assert isinstance(cf, CounterfactualResult)
    tidy = cf.to_frame()
    assert list(tidy.columns) == [
        "period",
        "actual",
        "predicted",
        "lower",
        "upper",
        "gap_pct",
        "method",
        "level",
    ]
    assert tidy["period"].iloc[0] == "2020Q1"
    np.testing.assert_allclose(tidy["gap_pct"], 100 * (tidy["actual"] / tidy["predicted"] - 1))
    assert "gap_pct" in cf.summary().columns
    assert "Counterfactual" in cf._repr_html_()


def _coverage(method: str, n_series: int, seed: int) -> float:
    hits = total = 0
    for i in range(n_series):
        y = _quarterly(seed + i, start="2010Q1", end="2022Q4", sd=0.01)
        cf = counterfactual(y, shock="2020Q1", method=method)
        f = cf.frame  # no shock in y: the actual post values are the true no-shock path
        hits += int(((f["lower"] <= f["actual"]) & (f["actual"] <= f["upper"])).sum())
        total += len(f)
    return hits / total


def test_trend_coverage():
    assert 0.90 <= _coverage("trend", 200, 1000) <= 0.99


@pytest.mark.slow
@pytest.mark.parametrize("method", ["ets", "structural"])
def test_model_coverage(method):
    cov = _coverage(method, 200, 5000)
    print(f"{method} coverage {cov:.3f}")
    assert 0.90 <= cov <= 0.99


@pytest.mark.parametrize(
    ("freq", "start", "shock", "first_fitted"),
    [
        ("Q", "2008Q1", "2020Q1", "2015Q1"),
        ("M", "2008-01", "2020-02", "2015-02"),
        ("Y", "1995", "2020", "2010"),
    ],
)
def test_default_window_is_the_years_just_before_the_shock(freq, start, shock, first_fitted):
    idx = pd.period_range(start, periods=200 if freq != "Y" else 30, freq=freq)
    y = pd.Series(np.exp(0.01 * np.arange(len(idx))), index=idx)
    cf = counterfactual(y, shock=shock)
    assert cf.pre_window[0] == pd.Period(first_fitted, freq=freq)
    assert cf.pre_window[-1] == pd.Period(shock, freq=freq) - 1
    everything = counterfactual(y, shock=shock, pre_window=(None, None))
    assert everything.pre_window[0] == idx[0]


def test_ar1_grid_stacked_in_blocks_matches_the_likelihood_by_definition(monkeypatch):
    """The REML deviance computed for the whole grid at once (stacked matrices, in blocks)
    equals the definition evaluated one coefficient at a time with the dense correlation
    matrix R = rho^|t_i - t_j| (an independent computation: no whitening), and the
    block size changes nothing."""
    from lixia_econ.models import _tools

    rng = np.random.default_rng(7)
    t = np.array([0, 1, 2, 3, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19], dtype=float)
    n = len(t)
    X = np.column_stack([np.ones(n), t, rng.normal(size=n)])
    Y = np.column_stack([X @ [1.0, 0.1, 0.3] + rng.normal(0, 0.2, n) for _ in range(3)])
    steps = np.concatenate([[0], np.diff(t)]).astype("int64")
    dev = _tools.ar1_profile(X, Y, steps)
    k = X.shape[1]
    for g in (0, 45, 90, 150, len(_tools.RHO_GRID) - 1):
        rho = _tools.RHO_GRID[g]
        R = rho ** np.abs(t[:, None] - t[None, :])
        Ri = np.linalg.inv(R)
        xrx = X.T @ Ri @ X
        for j in range(Y.shape[1]):
            b = np.linalg.solve(xrx, X.T @ Ri @ Y[:, j])
            e = Y[:, j] - X @ b
            want = (
                np.linalg.slogdet(R)[1] + np.linalg.slogdet(xrx)[1] + (n - k) * np.log(e @ Ri @ e)
            )
            assert dev[g, j] == pytest.approx(want, rel=1e-9, abs=1e-9)
    Xp = np.column_stack([np.ones(4), t[-1] + np.arange(1, 5), rng.normal(size=4)])
    ahead = np.arange(1, 5)
    whole = _tools.ar1_fit(X, Y, steps, Xp, ahead)
    monkeypatch.setattr(_tools, "_GRID_BLOCK_FLOATS", 1)  # one coefficient per block
    one_by_one = _tools.ar1_fit(X, Y, steps, Xp, ahead)
    np.testing.assert_array_equal(_tools.ar1_profile(X, Y, steps), dev)
    for name in ("rho", "beta", "cov", "mean", "pred_cov"):
        np.testing.assert_allclose(getattr(one_by_one, name), getattr(whole, name), rtol=1e-12)


def _ar1_problems(rng):
    """Random AR(1) regression problems: gaps, several columns, exact fits, no forecast."""
    for i in range(60):
        n = int(rng.integers(8, 64))
        k = int(rng.integers(2, min(13, n - 4) + 1))
        X = np.column_stack([np.ones(n), np.arange(n, dtype=float), rng.normal(size=(n, k - 2))])
        m = 1 if i % 3 else 3  # several columns: each its own REML coefficient
        Y = rng.normal(size=(n, m)).cumsum(axis=0) * 0.05 + np.arange(n)[:, None] * 0.02
        if i % 10 == 0:
            Y[:, 0] = X @ rng.normal(size=k)  # fitted exactly
        gaps = rng.integers(1, 3, size=n - 1) if i % 4 == 0 else np.ones(n - 1, dtype=int)
        steps = np.concatenate([[0], gaps]).astype("int64")
        Xp, ahead = None, None
        if i % 5:
            p = int(rng.integers(1, 30))
            Xp = np.column_stack(
                [np.ones(p), np.arange(n, n + p, dtype=float), rng.normal(size=(p, k - 2))]
            )
            ahead = np.arange(1, p + 1)
        yield X, Y, steps, Xp, ahead


def test_ar1_fits_sharing_a_design_get_the_numbers_they_get_alone(monkeypatch):
    """Inside `shared_designs`, a series fitted on a design already seen reuses its pieces;
    its numbers are those of the fit alone, bit for bit (the national scorecard's series
    must read the same as each one analysed on its own)."""
    from lixia_econ.models import _tools

    made = []
    real_design = _tools._design
    monkeypatch.setattr(_tools, "_design", lambda *a: made.append(1) or real_design(*a))
    rng = np.random.default_rng(11)
    for X, Y, steps, Xp, ahead in _ar1_problems(rng):
        other = Y[::-1] * 1.3 + 0.1  # another series on the same design
        alone = [_tools.ar1_fit(X, y, steps, Xp, ahead) for y in (Y, other)]
        made.clear()
        with _tools.shared_designs():
            shared = [_tools.ar1_fit(X, y, steps, Xp, ahead) for y in (Y, other)]
        assert len(made) == 1  # the second fit found the first one's design
        for a, s in zip(alone, shared, strict=True):
            for name in ("rho", "beta", "cov", "df", "mean", "pred_cov"):
                np.testing.assert_array_equal(getattr(s, name), getattr(a, name), err_msg=name)
    with _tools.shared_designs():
        pass
    assert _tools._SHARED.get() is None  # nothing kept once the block has ended
