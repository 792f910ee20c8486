"""Temporal disaggregation and benchmarking: quarterly or monthly estimates from annual figures.

A district publishes its GDP once a year (and not every year); its city, province and
nation publish quarterly. Temporal disaggregation distributes each published annual total
over its quarters along a related high-frequency indicator, so that the quarters add up to
the annual figure exactly (benchmarking). The methods are those of R's ``tempdisagg``
(Sax & Steiner 2013, "Temporal Disaggregation of Time Series", *The R Journal* 5(2),
80-87), written in the same GLS form with the aggregation matrix ``C``:

``chow-lin``
    Regression on the indicator(s) with AR(1) high-frequency errors; ρ by maximum
    likelihood over [-0.999, 0.999], negative ρ truncated to 0 (tempdisagg's default
    ``chow-lin-maxlog``), or fixed with ``rho=``.
``fernandez``
    Regression with random-walk errors (Litterman with ρ = 0).
``litterman``
    Regression with random-walk-AR(1) errors; ρ by maximum likelihood as for Chow-Lin
    (tempdisagg ``litterman-maxlog``), or fixed.
``denton-cholette``
    Movement preservation without a regression: first differences of the ratio
    estimate / indicator are as smooth as the annual constraints allow (proportional
    criterion, h = 1, as tempdisagg's default). Without an indicator the indicator is a
    constant, and the estimates are the smoothest series that meets the annual figures.

Why written here, on numpy/scipy, and not a dependency
------------------------------------------------------
Two Python packages exist. ``tsdisagg`` (J. Grabowski, MIT, beta) is the closer port and
its tests compare with R, but it has one maintainer, works on ``DatetimeIndex``
frequency strings rather than periods, has no Fernández method, returns the series
without the regression statistics, standard errors or ρ diagnostics a reader needs, and
has no notion of gaps in the annual series. ``tempdisagg`` on PyPI is younger still.
The computation itself is small (one GLS on a few dozen annual points, one bounded
one-dimensional likelihood maximisation, one linear system for Denton-Cholette), so
this module implements it on numpy and scipy (already dependencies), and its tests
check it against R ``tempdisagg`` output (``tests/fixtures/tempdisagg/``) to 1e-4
relative. No new dependency.

Gaps: no annual value is ever invented
--------------------------------------
Only low-frequency periods with a figure (and an indicator for all their sub-periods)
are *covered*; estimates are returned for the sub-periods of covered periods only,
each annual figure constraining its own quarters. ``result.coverage`` lists every year
from the first to the last figure and says why each is or is not covered; the
sub-periods of uncovered years are absent from ``result.estimates`` (not interpolated,
not extrapolated). How each method treats a gap:

- regression methods keep the true distance between covered quarters in the error
  covariance (AR(1) correlation ρ^distance; the random walk runs from the first covered
  quarter), which gives exactly the estimates of the full-span model restricted to the
  covered quarters;
- estimating ρ by maximum likelihood needs consecutive low-frequency periods (ρ is
  identified by the correlation of adjacent annual residuals); with gaps, ``chow-lin``
  and ``litterman`` raise :class:`~lixia_econ.errors.InsufficientDataError` unless
  ``rho`` is given; ``fernandez`` (no ρ) works;
- ``denton-cholette`` is solved separately on each run of consecutive covered years.

Indicator periods outside the covered years are ignored (said in ``notes``); unlike
tempdisagg, nothing is extrapolated before the first or after the last figure.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

from lixia_econ._checks import check_choice
from lixia_econ.errors import InsufficientDataError, LixiaEconWarning, ParameterError
from lixia_econ.models._base import ModelResult
from lixia_econ.models._tools import check_level, one_blas_thread
from lixia_econ.periods import as_period_series, periods_per_year

__all__ = ["DisaggregationResult", "disaggregate", "to_panel_rows"]

Method = Literal["chow-lin", "fernandez", "litterman", "denton-cholette"]
Conversion = Literal["sum", "average", "first", "last"]
Target = Literal["Q", "M"]

METHODS: tuple[str, ...] = get_args(Method)
CONVERSIONS: tuple[str, ...] = get_args(Conversion)

#: Bounds of the maximum-likelihood search for ρ (tempdisagg's ``lower``/``upper``).
RHO_BOUNDS: tuple[float, float] = (-0.999, 0.999)

#: Sub-periods per low-frequency period, by (low, high) frequency code.
_RATIO = {("A", "Q"): 4, ("A", "M"): 12, ("Q", "M"): 3}
_FREQ_WORD = {"A": "annual", "Q": "quarterly", "M": "monthly"}
_SUB_WORD = {"Q": "quarter", "M": "month"}


# --------------------------------------------------------------------------- result


@dataclass(repr=False, eq=False)
class DisaggregationResult(ModelResult):
    """High-frequency estimates benchmarked to low-frequency figures, with diagnostics.

    Attributes
    ----------
    estimates : pandas.Series
        The estimates, on the high-frequency PeriodIndex of the covered periods only, in
        the unit of the low-frequency series (a flow per quarter for ``conversion="sum"``).
    std_errors : pandas.Series or None
        Standard errors of the estimates (Chow & Lin 1971 prediction error of the GLS
        estimator, same unit); ``None`` for Denton-Cholette, which has no error model.
    method, conversion : str
        As passed to :func:`disaggregate`.
    rho : float or None
        The autoregressive parameter used (0 for Fernández); ``None`` for Denton-Cholette.
    rho_estimated : bool
        Whether ρ was estimated by maximum likelihood (else fixed or implied).
    rho_truncated : bool
        Whether the maximum-likelihood ρ was negative and set to 0 (as tempdisagg does).
    coefficients, coef_std_errors : pandas.Series or None
        GLS coefficients of the regression methods (``constant`` and one per indicator),
        and their standard errors.
    df : int or None
        Residual degrees of freedom of the low-frequency regression.
    r_squared, adj_r_squared, aic, bic, loglik, rss : float or None
        Goodness of fit of the low-frequency GLS regression, computed as tempdisagg does
        (``aic = log(rss/n) + 2k/n`` on the generalised residuals).
    fitted, residuals : pandas.Series
        Low-frequency fitted values ``C p`` of the preliminary series and residuals
        ``y - C p``, on the covered low-frequency periods.
    coverage : pandas.DataFrame
        One row per low-frequency period from the first to the last figure: ``value``,
        ``covered`` (bool) and ``reason``.
    notes : list of str
        What was done and what was left out, in words.
    indicator_names : tuple of str
        Names of the indicator series (empty when none was given).
    """

    estimates: pd.Series
    std_errors: pd.Series | None
    method: str
    conversion: str
    rho: float | None
    rho_estimated: bool
    rho_truncated: bool
    coefficients: pd.Series | None
    coef_std_errors: pd.Series | None
    df: int | None
    r_squared: float | None
    adj_r_squared: float | None
    aic: float | None
    bic: float | None
    loglik: float | None
    rss: float | None
    fitted: pd.Series
    residuals: pd.Series
    coverage: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    indicator_names: tuple[str, ...] = ()
    low_freq_name: str = "series"

    @property
    def title(self) -> str:  # type: ignore[override]
        """Heading of the summary."""
        return f"Temporal disaggregation: {self.method}, {self.conversion} conversion"

    @property
    def frame(self) -> pd.DataFrame:
        """By high-frequency period: ``estimate`` and ``std_error`` (NaN for Denton-Cholette).

        No ``actual`` column: the input is low-frequency (its figures are in
        :attr:`coverage`).
        """
        tidy = self.to_frame()
        return tidy.set_index("period")[["estimate", "std_error"]]

    @property
    def covered_periods(self) -> pd.PeriodIndex:
        """The low-frequency periods whose figures the estimates add up to."""
        cov = self.coverage
        return pd.PeriodIndex(cov.index[cov["covered"].to_numpy(bool)])

    @property
    def uncovered_periods(self) -> pd.PeriodIndex:
        """Low-frequency periods inside the span that have no estimates, and why in coverage."""
        cov = self.coverage
        return pd.PeriodIndex(cov.index[~cov["covered"].to_numpy(bool)])

    @property
    def method_label(self) -> str:
        """The method in words, with ρ where there is one (``"Chow-Lin (ρ = 0.83)"``)."""
        name = {
            "chow-lin": "Chow-Lin",
            "fernandez": "Fernández",
            "litterman": "Litterman",
            "denton-cholette": "Denton-Cholette",
        }[self.method]
        if self.method in ("chow-lin", "litterman") and self.rho is not None:
            if self.rho_truncated:
                return f"{name} (ρ = 0, maximum-likelihood estimate negative, truncated)"
            how = "maximum likelihood" if self.rho_estimated else "fixed"
            return f"{name} (ρ = {self.rho:.3f}, {how})"
        return name

    @property
    def caveat(self) -> str:
        """One paragraph for a report: these values are estimates, and how they were made."""
        freq = _SUB_WORD.get(_freq_code(self.estimates.index), "sub-period")
        low = _FREQ_WORD.get(_freq_code(self.coverage.index), "low-frequency")
        along = (
            "along " + ", ".join(self.indicator_names)
            if self.indicator_names
            else "as smoothly as possible (no indicator)"
        )
        text = (
            f"The {freq}ly values of {self.low_freq_name} are estimates, not published "
            f"figures: the published {low} totals for {_span_text(self.covered_periods)} "
            f"were distributed over {freq}s by temporal disaggregation "
            f"({self.method_label}, {self.conversion} conversion) {along}. They are "
            f"consistent with the published {low} figures; the {freq}ly pattern comes from "
            f"the method and the indicator, not from the statistics bureau."
        )
        if len(self.uncovered_periods):
            text += (
                f" No estimates for {_span_text(self.uncovered_periods)}: "
                f"no {low} figure is available there and none was invented."
            )
        return text

    def summary(self) -> pd.DataFrame:
        """Return the coefficient table and fit statistics, as R's ``summary.td`` prints.

        Returns
        -------
        pandas.DataFrame
            Index ``quantity``; columns ``estimate``, ``std_error``, ``t_value``,
            ``p_value`` (two-sided, Student t with ``df`` degrees of freedom). Statistics
            rows (ρ, R², AIC, counts) fill ``estimate`` only.
        """
        rows: list[dict[str, object]] = []
        if self.coefficients is not None and self.coef_std_errors is not None:
            for name, est in self.coefficients.items():
                se = float(self.coef_std_errors[name])
                t = est / se if se > 0 else np.nan
                p = 2 * stats.t.sf(abs(t), self.df) if self.df and np.isfinite(t) else np.nan
                rows.append(
                    {"quantity": name, "estimate": est, "std_error": se, "t_value": t, "p_value": p}
                )
        extra: list[tuple[str, object]] = [
            ("rho (AR1)", self.rho),
            ("R-squared", self.r_squared),
            ("adj. R-squared", self.adj_r_squared),
            ("AIC (tempdisagg)", self.aic),
            ("BIC (tempdisagg)", self.bic),
            ("log-likelihood", self.loglik),
            ("low-freq. obs.", len(self.residuals)),
            ("high-freq. obs.", len(self.estimates)),
        ]
        for name, value in extra:
            if value is not None:
                rows.append({"quantity": name, "estimate": float(value)})
        out = pd.DataFrame(
            rows, columns=["quantity", "estimate", "std_error", "t_value", "p_value"]
        )
        return out.set_index("quantity").astype("float64")

    def to_frame(self) -> pd.DataFrame:
        """Return one row per high-frequency period: estimate, standard error, benchmark period.

        Returns
        -------
        pandas.DataFrame
            Columns ``period`` (Period), ``estimate``, ``std_error`` (NaN for
            Denton-Cholette) and ``benchmark`` (the low-frequency period whose figure the
            estimate is constrained by).
        """
        idx = self.estimates.index
        se = (
            self.std_errors.to_numpy()
            if self.std_errors is not None
            else np.full(len(idx), np.nan, dtype="float64")
        )
        low_freq = self.coverage.index.freq
        return pd.DataFrame(
            {
                "period": idx,
                "estimate": self.estimates.to_numpy(),
                "std_error": se,
                "benchmark": idx.asfreq(low_freq),
            }
        )

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return confidence intervals for the estimates.

        Parameters
        ----------
        level : float
            Confidence level, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Index the high-frequency periods; columns ``lower`` and ``upper``:
            estimate ± t quantile (``df`` degrees of freedom) × standard error.

        Raises
        ------
        InsufficientDataError
            For Denton-Cholette, which has no error model and so no standard errors.
        """
        level = check_level(level)
        if self.std_errors is None or self.df is None:
            raise InsufficientDataError(
                f"method={self.method!r} gives no standard errors, so no confidence "
                "intervals; use 'chow-lin', 'fernandez' or 'litterman' for intervals"
            )
        q = float(stats.t.ppf(0.5 + level / 2, self.df))
        est = self.estimates.to_numpy()
        se = self.std_errors.to_numpy()
        return pd.DataFrame(
            {"lower": est - q * se, "upper": est + q * se}, index=self.estimates.index
        )


# --------------------------------------------------------------------------- helpers


def _freq_code(idx: pd.PeriodIndex) -> str:
    """Return ``"A"``, ``"Q"`` or ``"M"`` for a calendar-year PeriodIndex, else raise."""
    return {1: "A", 4: "Q", 12: "M"}[periods_per_year(idx, name="series")]


def _span_text(periods: pd.PeriodIndex) -> str:
    """Write periods as runs: ``2012, 2019-2020 and 2022`` (en dash between run ends)."""
    if len(periods) == 0:
        return "no period"
    ords = [p.ordinal for p in periods]
    runs: list[tuple[pd.Period, pd.Period]] = []
    start = prev = periods[0]
    for p, o, o_prev in zip(periods[1:], ords[1:], ords[:-1], strict=True):
        if o != o_prev + 1:
            runs.append((start, prev))
            start = p
        prev = p
    runs.append((start, prev))
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _conversion_weights(conversion: str, fr: int) -> np.ndarray:
    if conversion == "sum":
        return np.ones(fr)
    if conversion == "average":
        return np.full(fr, 1.0 / fr)
    w = np.zeros(fr)
    w[0 if conversion == "first" else -1] = 1.0
    return w


def _indicator_frame(indicator: pd.Series | pd.DataFrame | None) -> pd.DataFrame | None:
    """Return the indicator(s) as a float frame on one PeriodIndex, names as columns."""
    if indicator is None:
        return None
    if isinstance(indicator, pd.DataFrame):
        if indicator.shape[1] == 0:
            raise ParameterError("indicator is a DataFrame without columns")
        cols = {}
        for col in indicator.columns:
            cols[str(col)] = as_period_series(indicator[col], name=f"indicator column {col!r}")
        frame = pd.DataFrame(cols)
    elif isinstance(indicator, pd.Series):
        name = str(indicator.name) if indicator.name is not None else "indicator"
        frame = as_period_series(indicator, name="indicator").rename(name).to_frame()
    else:
        raise ParameterError(
            "indicator must be a pandas Series or DataFrame (or None), got "
            f"{type(indicator).__name__}"
        )
    if "constant" in frame.columns:
        raise ParameterError(
            "indicator has a column named 'constant'; lixia_econ adds the constant itself "
            "(constant=True), rename the column"
        )
    inf = np.isinf(frame.to_numpy(dtype="float64", na_value=np.nan)).any(axis=1)
    if inf.any():
        where = ", ".join(str(p) for p in frame.index[inf][:5])
        raise ParameterError(
            f"indicator holds infinite values ({where}); an indicator must be finite: fix "
            "those periods or leave them missing (NaN)"
        )
    return frame


def _gls(y: np.ndarray, xl: np.ndarray, v: np.ndarray) -> dict[str, object]:
    """GLS of ``y`` on ``xl`` with covariance ``v`` (up to scale); tempdisagg's CalcGLS.

    Whitening by the Cholesky factor of ``v``; statistics as tempdisagg reports them.
    """
    m = xl.shape[0]
    chol = linalg.cholesky(v, lower=True)
    ys = linalg.solve_triangular(chol, y, lower=True)
    xs = linalg.solve_triangular(chol, xl, lower=True)
    beta, *_ = np.linalg.lstsq(xs, ys, rcond=None)
    resid = ys - xs @ beta
    rss = float(resid @ resid)
    logdet = 2.0 * float(np.sum(np.log(np.diag(chol))))
    with np.errstate(divide="ignore"):
        loglik = -m / 2 - m * np.log(2 * np.pi) / 2 - m * np.log(rss / m) / 2 - logdet / 2
    return {
        "beta": beta,
        "rss": rss,
        "loglik": float(loglik),
        "xs": xs,
        "ys": ys,
        "chol": chol,
        "yy": float(ys @ ys),
    }


def _ar1_cov(rho: float, pos: np.ndarray) -> np.ndarray:
    """AR(1) covariance up to σ²: ρ^|i-j| / (1 - ρ²) at the given integer positions."""
    dist = np.abs(pos[:, None] - pos[None, :]).astype("float64")
    return np.power(rho, dist) / (1.0 - rho**2)


def _rw_cov(rho: float, pos: np.ndarray) -> np.ndarray:
    """Random-walk-AR(1) covariance ``(D'H'HD)^-1`` up to σ², at the given positions.

    The random walk starts at position 0 (the first covered sub-period). With
    ``L = D^-1 H^-1`` (lower triangular, ``L[i, j] = sum_{k=j..i} ρ^(k-j)``) the matrix
    is ``L L'``.
    """
    n = int(pos.max()) + 1
    i = np.arange(n)
    expo = (i[:, None] - i[None, :]).astype("float64")
    hinv = np.where(expo >= 0, np.power(rho, np.maximum(expo, 0.0)), 0.0)
    lower = np.cumsum(hinv, axis=0)
    sub = lower[pos]
    return sub @ sub.T


def _fit_regression(
    y: np.ndarray,
    x: np.ndarray,
    c: np.ndarray,
    pos: np.ndarray,
    *,
    method: str,
    rho: float | None,
    consecutive: bool,
    gap_text: str,
) -> dict[str, object]:
    """Fit a regression-based disaggregation; return estimates and statistics."""
    cov = _ar1_cov if method == "chow-lin" else _rw_cov
    xl = c @ x
    m, k = xl.shape
    if m <= k:
        raise InsufficientDataError(
            f"method={method!r} needs more low-frequency figures than regressors: found {m} "
            f"covered figure(s) for {k} regressor(s) (constant and indicators); use "
            "method='denton-cholette', or fewer regressors (constant=False)"
        )
    if np.linalg.matrix_rank(xl) < k:
        raise InsufficientDataError(
            f"method={method!r} cannot separate the regressors: over the covered periods an "
            "indicator is constant or a multiple of another regressor (with constant=True a "
            "constant indicator duplicates the constant); use constant=False, another "
            "indicator, or method='denton-cholette'"
        )
    notes: list[str] = []
    if method == "fernandez":
        rho_used, estimated, truncated = 0.0, False, False
        notes.append("Fernández: random-walk errors (Litterman with ρ = 0)")
    elif rho is not None:
        rho_used, estimated, truncated = float(rho), False, False
        notes.append(f"ρ fixed at {rho_used:g} by the caller")
    else:
        if not consecutive:
            raise InsufficientDataError(
                f"method={method!r} estimates ρ by maximum likelihood, which needs consecutive "
                f"low-frequency figures; the covered figures have gaps ({gap_text}). No value "
                "is invented to fill them: pass rho= (e.g. rho=0.75), use method='fernandez' "
                "or method='denton-cholette', or disaggregate a run of consecutive years"
            )
        if m < k + 2:
            raise InsufficientDataError(
                f"method={method!r} with ρ by maximum likelihood needs at least {k + 2} "
                f"consecutive figures for {k} regressor(s); found {m}. Pass rho= or use "
                "method='fernandez'"
            )
        rho_used, estimated, truncated = _rho_by_ml(y, xl, c, pos, cov, method, notes)
    q = cov(rho_used, pos)
    fit = _gls(y, xl, c @ q @ c.T)
    beta = np.asarray(fit["beta"])
    p = x @ beta
    est, est_se, coef_se = _gls_predict(y, x, c, q, p, fit, m - k)
    return {
        "estimates": est,
        "se": est_se,
        "rho": rho_used,
        "estimated": estimated,
        "truncated": truncated,
        "beta": beta,
        "beta_se": coef_se,
        "df": m - k,
        "rss": float(fit["rss"]),
        "loglik": float(fit["loglik"]),
        **_fit_statistics(fit, m, k),
        "fitted": c @ p,
        "notes": notes,
    }


def _rho_by_ml(
    y: np.ndarray,
    xl: np.ndarray,
    c: np.ndarray,
    pos: np.ndarray,
    cov: Any,
    method: str,
    notes: list[str],
) -> tuple[float, bool, bool]:
    """Estimate ρ by maximum likelihood (tempdisagg's maxlog); return ρ, estimated, truncated."""
    first = _gls(y, xl, c @ cov(0.0, pos) @ c.T)
    if first["rss"] <= 1e-20 * max(first["yy"], 1e-300):
        notes.append(
            "the indicator reproduces the low-frequency figures exactly: ρ is not "
            "identified and was set to 0 (the estimates do not depend on it)"
        )
        return 0.0, False, False

    def objective(r: float) -> float:
        return -_gls(y, xl, c @ cov(r, pos) @ c.T)["loglik"]

    res = optimize.minimize_scalar(
        objective, bounds=RHO_BOUNDS, method="bounded", options={"xatol": 1e-10}
    )
    rho_used = float(res.x)
    truncated = rho_used < 0
    if truncated:
        rho_used = 0.0
    lo, hi = RHO_BOUNDS
    notes.append(
        f"ρ estimated by maximum likelihood on [{lo}, {hi}] (tempdisagg "
        f"'{method}-maxlog')" + ("; negative ρ truncated to 0" if truncated else "")
    )
    return rho_used, True, truncated


def _gls_predict(
    y: np.ndarray,
    x: np.ndarray,
    c: np.ndarray,
    q: np.ndarray,
    p: np.ndarray,
    fit: dict[str, Any],
    df: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the estimates, their standard errors and the coefficients' standard errors."""
    u = y - c @ p
    vinv_u = linalg.cho_solve((fit["chol"], True), u)
    dist = q @ c.T  # n x m
    est = p + dist @ vinv_u
    s2 = float(fit["rss"]) / df
    xs = np.asarray(fit["xs"])
    xtx_inv = np.linalg.inv(xs.T @ xs)
    coef_se = np.sqrt(np.maximum(np.diag(s2 * xtx_inv), 0.0))
    # prediction error of the GLS estimator (Chow & Lin 1971): residual part + coefficient part
    d_mat = linalg.cho_solve((fit["chol"], True), dist.T).T  # Q C' V^-1
    resid_var = np.diag(q) - np.einsum("ij,ji->i", d_mat, c @ q)
    xr = x - d_mat @ (c @ x)
    coef_var = np.einsum("ij,jk,ik->i", xr, xtx_inv, xr)
    est_se = np.sqrt(np.maximum(s2 * (resid_var + coef_var), 0.0))
    return est, est_se, coef_se


def _fit_statistics(fit: dict[str, Any], m: int, k: int) -> dict[str, float]:
    """R², adjusted R², AIC and BIC of the low-frequency GLS, as tempdisagg's CalcGLS."""
    rss = float(fit["rss"])
    ones = linalg.solve_triangular(fit["chol"], np.ones(m), lower=True)
    ys = np.asarray(fit["ys"])
    ybar = float(ones @ ys / (ones @ ones))
    dev = ys - ybar * ones
    tss = float(dev @ dev)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = 1 - rss / tss if tss > 0 else np.nan
        adj = 1 - rss * (m - 1) / (tss * (m - k)) if tss > 0 else np.nan
        aic = np.log(rss / m) + 2 * k / m
        bic = np.log(rss / m) + np.log(m) * k / m
    return {"r2": float(r2), "adj": float(adj), "aic": float(aic), "bic": float(bic)}


def _denton_cholette(y: np.ndarray, x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Proportional Denton-Cholette (h = 1) on one run of consecutive sub-periods.

    Minimises ``sum_t ((y_t - x_t)/x_t - (y_{t-1} - x_{t-1})/x_{t-1})^2`` (scaled by the
    mean of ``x``, as tempdisagg does) subject to ``C y = y_low``, by the linear system of
    Denton (1971) eq. (2.2), Cholette and Dagum (2006) eq. (6.8).
    """
    n = len(x)
    m = c.shape[0]
    scale = np.diag(np.mean(x) / x)
    diff = np.diff(np.eye(n), axis=0) @ scale  # (n-1) x n
    a = diff.T @ diff
    kkt = np.block([[a, c.T], [c, np.zeros((m, m))]])
    rhs = np.concatenate([a @ x, y])
    sol = linalg.solve(kkt, rhs)
    return sol[:n]


# --------------------------------------------------------------------------- public


def disaggregate(
    low_freq: pd.Series,
    indicator: pd.Series | pd.DataFrame | None = None,
    *,
    method: Method = "chow-lin",
    conversion: Conversion = "sum",
    to: Target | None = None,
    rho: float | None = None,
    constant: bool = True,
) -> DisaggregationResult:
    """Distribute low-frequency figures over quarters or months, adding up exactly.

    Annual → quarterly or monthly, quarterly → monthly. Each low-frequency figure is
    matched exactly by its sub-periods (sum, average, first or last, per
    ``conversion``); years without a figure get no estimates (see the module notes).

    Parameters
    ----------
    low_freq : pandas.Series
        The published figures on an annual (calendar-year) or quarterly PeriodIndex.
        Missing values (NaN) and absent years are gaps; they are never filled.
    indicator : pandas.Series or pandas.DataFrame, optional
        High-frequency indicator(s) on a quarterly or monthly PeriodIndex, covering every
        sub-period of the years to be disaggregated. Denton-Cholette takes one series
        (the proportional criterion divides by it, so it must not be 0); the regression
        methods take one or more columns. Without an indicator, Denton-Cholette uses a
        constant (the smoothest series meeting the figures) and the regression methods
        regress on the constant only.
    method : {"chow-lin", "fernandez", "litterman", "denton-cholette"}
        The disaggregation method (see the module docstring).
    conversion : {"sum", "average", "first", "last"}
        How sub-periods make the low-frequency figure: ``sum`` for flows (GDP of a year
        is the sum of its quarters), ``average`` for averaged indicators, ``first`` or
        ``last`` for stocks measured at the start or end of the period.
    to : {"Q", "M"}, optional
        The target frequency. Taken from the indicator when one is given (and must then
        agree); without one, annual → ``"Q"`` and quarterly → ``"M"`` by default.
    rho : float, optional
        Fix ρ (strictly between -1 and 1) for ``chow-lin`` or ``litterman`` instead of
        estimating it. Required for these methods when the figures have gaps.
    constant : bool
        Include a constant in the regression methods (tempdisagg's default). Ignored by
        Denton-Cholette.

    Returns
    -------
    DisaggregationResult
        ``.estimates`` in the unit of ``low_freq`` (per sub-period for ``sum``),
        ``.std_errors``, ``.rho``, ``.coefficients``, fit statistics, ``.coverage``,
        ``.notes``, ``.caveat``; ``summary()``, ``to_frame()``, ``conf_int()``.

    Raises
    ------
    ParameterError
        For an unknown method or conversion, unsupported frequencies, a ρ outside (-1, 1)
        or given to a method that has none, several indicators for Denton-Cholette, or an
        indicator with zeros for Denton-Cholette.
    InsufficientDataError
        If no low-frequency figure can be covered, if a regression has no degrees of
        freedom, or if ρ is to be estimated by maximum likelihood on figures with gaps.

    Warns
    -----
    LixiaEconWarning
        When a published figure cannot be used because the indicator lacks some of its
        sub-periods (the year is listed as not covered in ``.coverage``).

    Notes
    -----
    The regression methods are GLS on the aggregated data: with ``C`` the aggregation
    matrix, ``X`` the indicators and ``Q`` the high-frequency error covariance,
    ``β = (X'C'V⁻¹CX)⁻¹X'C'V⁻¹y`` with ``V = CQC'``, and the estimates are
    ``Xβ + QC'V⁻¹(y - CXβ)`` (Chow & Lin 1971; Sax & Steiner 2013, eqs. 2-6), which
    add up to ``y`` exactly. Standard errors of the estimates are the GLS prediction
    errors ``s²[(Q - QC'V⁻¹CQ) + (X - DCX)(X'C'V⁻¹CX)⁻¹(X - DCX)']`` with
    ``D = QC'V⁻¹`` and ``s² = rss/(n - k)``; they take ρ as known.

    Examples
    --------
    >>> import pandas as pd
    >>> annual = pd.Series([400.0, 440.0], index=pd.period_range("2020", periods=2, freq="Y"))
    >>> quarters = pd.period_range("2020Q1", periods=8, freq="Q")
    >>> pattern = pd.Series([90.0, 100, 100, 110, 100, 110, 110, 120], index=quarters)
    >>> res = disaggregate(annual, pattern, method="denton-cholette")
    >>> res.estimates.groupby(res.estimates.index.year).sum().round(6).tolist()
    [400.0, 440.0]
    """
    _check_options(method, conversion, to, constant, rho)
    y_all = as_period_series(low_freq, name="low_freq", min_length=1)
    x_frame = _indicator_frame(indicator)
    low_code, high_code = _frequencies(y_all, x_frame, to, method)
    coverage = _coverage(y_all, x_frame, low_code, high_code)
    notes: list[str] = []
    lay = _layout(coverage, conversion, low_code, high_code, notes)
    x_ind, names = _indicator_matrix(x_frame, lay.hf_idx, notes)
    common = {
        "method": method,
        "conversion": conversion,
        "coverage": coverage,
        "notes": notes,
        "indicator_names": names,
        "low_freq_name": str(low_freq.name) if low_freq.name is not None else "series",
    }
    if method == "denton-cholette":
        est, xd = _denton_runs(lay, x_ind, low_code, names, notes)
        return DisaggregationResult(
            estimates=pd.Series(est, index=lay.hf_idx, name=low_freq.name),
            std_errors=None,
            rho=None,
            rho_estimated=False,
            rho_truncated=False,
            coefficients=None,
            coef_std_errors=None,
            df=None,
            r_squared=None,
            adj_r_squared=None,
            aic=None,
            bic=None,
            loglik=None,
            rss=None,
            fitted=pd.Series(lay.c @ xd, index=lay.cov_idx),
            residuals=pd.Series(lay.y - lay.c @ xd, index=lay.cov_idx),
            **common,
        )
    cols = ["constant", *names] if constant else list(names)
    if not cols:
        raise ParameterError(
            f"method={method!r} needs a regressor: give an indicator or keep constant=True"
        )
    x = np.column_stack([np.ones(len(lay.hf_idx)), x_ind]) if constant else x_ind
    with one_blas_thread():  # small matrices: a BLAS thread pool costs more than it saves
        fit = _fit_regression(
            lay.y,
            x,
            lay.c,
            lay.pos,
            method=method,
            rho=rho,
            consecutive=lay.consecutive,
            gap_text=lay.gap_text,
        )
    notes.extend(fit["notes"])  # type: ignore[arg-type]
    return DisaggregationResult(
        estimates=pd.Series(fit["estimates"], index=lay.hf_idx, name=low_freq.name),
        std_errors=pd.Series(fit["se"], index=lay.hf_idx, name="std_error"),
        rho=float(fit["rho"]),  # type: ignore[arg-type]
        rho_estimated=bool(fit["estimated"]),
        rho_truncated=bool(fit["truncated"]),
        coefficients=pd.Series(fit["beta"], index=cols, name="coefficient"),
        coef_std_errors=pd.Series(fit["beta_se"], index=cols, name="std_error"),
        df=int(fit["df"]),  # type: ignore[arg-type]
        r_squared=float(fit["r2"]),  # type: ignore[arg-type]
        adj_r_squared=float(fit["adj"]),  # type: ignore[arg-type]
        aic=float(fit["aic"]),  # type: ignore[arg-type]
        bic=float(fit["bic"]),  # type: ignore[arg-type]
        loglik=float(fit["loglik"]),  # type: ignore[arg-type]
        rss=float(fit["rss"]),  # type: ignore[arg-type]
        fitted=pd.Series(fit["fitted"], index=lay.cov_idx),
        residuals=pd.Series(lay.y - np.asarray(fit["fitted"]), index=lay.cov_idx),
        **common,
    )


def _check_options(
    method: str, conversion: str, to: str | None, constant: object, rho: float | None
) -> None:
    """Check the string choices, ``constant`` and ``rho`` of :func:`disaggregate`."""
    check_choice("method", method, METHODS)
    check_choice("conversion", conversion, CONVERSIONS)
    if to is not None:
        check_choice("to", to, ("Q", "M"))
    if not isinstance(constant, bool):
        raise ParameterError(f"constant must be True or False, got {constant!r}")
    if rho is not None:
        if method not in ("chow-lin", "litterman"):
            raise ParameterError(
                f"rho={rho!r} was given but method={method!r} has no free ρ; rho applies to "
                "'chow-lin' and 'litterman' ('fernandez' is Litterman with ρ = 0)"
            )
        if not np.isfinite(rho) or not -1.0 < float(rho) < 1.0:
            raise ParameterError(f"rho={rho!r} must be strictly between -1 and 1")


def _frequencies(
    y_all: pd.Series, x_frame: pd.DataFrame | None, to: str | None, method: str
) -> tuple[str, str]:
    """Return the low and high frequency codes; refuse unsupported pairs."""
    low_code = _freq_code(y_all.index)
    if low_code == "M":
        raise ParameterError(
            "low_freq is monthly; disaggregation goes annual → quarterly or monthly, or "
            "quarterly → monthly"
        )
    if x_frame is not None:
        high_code = _freq_code(pd.PeriodIndex(x_frame.index))
        if to is not None and to != high_code:
            raise ParameterError(
                f"to={to!r} but the indicator is {_FREQ_WORD[high_code]} ({high_code!r}); "
                "leave to=None or give an indicator of the target frequency"
            )
    else:
        high_code = to or ("Q" if low_code == "A" else "M")
    if (low_code, high_code) not in _RATIO:
        raise ParameterError(
            f"cannot disaggregate {_FREQ_WORD[low_code]} figures to {_FREQ_WORD[high_code]} "
            "periods; supported: annual → quarterly, annual → monthly, quarterly → monthly"
        )
    if method == "denton-cholette" and x_frame is not None and x_frame.shape[1] > 1:
        raise ParameterError(
            f"method='denton-cholette' takes one indicator series; got {x_frame.shape[1]} "
            f"({', '.join(x_frame.columns)}). Use 'chow-lin' for several indicators"
        )
    return low_code, high_code


def _sub_periods(per: pd.Period, high_code: str, fr: int) -> pd.PeriodIndex:
    """Return the ``fr`` quarters or months of a low-frequency period."""
    return pd.period_range(per.asfreq(high_code, how="start"), periods=fr, freq=high_code)


def _coverage(
    y_all: pd.Series, x_frame: pd.DataFrame | None, low_code: str, high_code: str
) -> pd.DataFrame:
    """One row per low-frequency period from the first to the last figure: covered or why not."""
    fr = _RATIO[(low_code, high_code)]
    present = y_all.dropna()
    if present.empty:
        raise InsufficientDataError("low_freq has no non-missing figure to disaggregate")
    span = pd.period_range(present.index[0], present.index[-1], freq=y_all.index.freq)
    values = y_all.reindex(span)
    reasons: list[str] = []
    for per, val in values.items():
        if not np.isfinite(val):
            reasons.append("no figure (gap); not estimated, not invented")
            continue
        if x_frame is not None:
            subs = _sub_periods(per, high_code, fr)
            missing = subs[x_frame.reindex(subs).isna().any(axis=1).to_numpy()]
            if len(missing):
                reasons.append(f"indicator missing for {_span_text(missing)}")
                continue
        reasons.append("covered")
    coverage = pd.DataFrame(
        {
            "value": values.to_numpy(),
            "covered": [r == "covered" for r in reasons],
            "reason": reasons,
        },
        index=span,
    )
    coverage.index.name = "period"
    return coverage


@dataclass(frozen=True)
class _Layout:
    """The covered periods and the aggregation of the high-frequency periods into them."""

    cov_idx: pd.PeriodIndex  # covered low-frequency periods
    hf_idx: pd.PeriodIndex  # their sub-periods
    c: np.ndarray  # aggregation matrix, low x high
    pos: np.ndarray  # sub-period positions from the first covered one
    y: np.ndarray  # the covered figures
    fr: int  # sub-periods per period
    consecutive: bool  # whether the covered figures are consecutive
    gap_text: str  # the uncovered periods in words


def _layout(
    coverage: pd.DataFrame, conversion: str, low_code: str, high_code: str, notes: list[str]
) -> _Layout:
    """Lay out the covered periods; note (and warn about) published figures left out."""
    fr = _RATIO[(low_code, high_code)]
    dropped = coverage[(coverage["reason"] != "covered") & coverage["value"].notna()]
    if len(dropped):
        msg = (
            f"published figure(s) for {_span_text(pd.PeriodIndex(dropped.index))} not used: "
            + "; ".join(f"{p}: {r}" for p, r in dropped["reason"].items())
        )
        notes.append(msg)
        warnings.warn(
            msg + ". Extend the indicator to use them. Silence with "
            "warnings.simplefilter('ignore', lixia_econ.LixiaEconWarning)",
            LixiaEconWarning,
            stacklevel=4,
        )
    cov_idx = pd.PeriodIndex(coverage.index[coverage["covered"].to_numpy(bool)])
    if len(cov_idx) == 0:
        raise InsufficientDataError(
            "no low-frequency figure can be disaggregated: "
            + "; ".join(f"{p}: {r}" for p, r in coverage["reason"].items())
        )
    uncovered = pd.PeriodIndex(coverage.index[~coverage["covered"].to_numpy(bool)])
    gap_text = "not covered: " + _span_text(uncovered) if len(uncovered) else "none"
    notes.insert(
        0,
        f"covers {_span_text(cov_idx)} ({len(cov_idx)} {_FREQ_WORD[low_code]} figure(s), "
        f"{len(cov_idx) * fr} {_SUB_WORD[high_code]}s)"
        + (f"; {gap_text}" if len(uncovered) else ""),
    )
    hf_idx = pd.PeriodIndex(
        np.concatenate([_sub_periods(p, high_code, fr) for p in cov_idx]), freq=high_code
    )
    ordinals = np.asarray(hf_idx.asi8, dtype="int64")
    low_ord = np.asarray(cov_idx.asi8, dtype="int64")
    return _Layout(
        cov_idx=cov_idx,
        hf_idx=hf_idx,
        c=np.kron(np.eye(len(cov_idx)), _conversion_weights(conversion, fr)[None, :]),
        pos=ordinals - ordinals[0],
        y=coverage.loc[cov_idx, "value"].to_numpy(dtype="float64"),
        fr=fr,
        consecutive=bool(np.all(np.diff(low_ord) == 1)),
        gap_text=gap_text,
    )


def _indicator_matrix(
    x_frame: pd.DataFrame | None, hf_idx: pd.PeriodIndex, notes: list[str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Return the indicators on the covered sub-periods (n x k) and their names."""
    if x_frame is None:
        return np.empty((len(hf_idx), 0)), ()
    outside = x_frame.index.difference(hf_idx)
    outside = outside[x_frame.reindex(outside).notna().any(axis=1).to_numpy()]
    if len(outside):
        notes.append(
            f"indicator values outside the covered periods ignored ({_span_text(outside)}); "
            "nothing is extrapolated"
        )
    return x_frame.reindex(hf_idx).to_numpy(dtype="float64"), tuple(x_frame.columns)


def _denton_runs(
    lay: _Layout, x_ind: np.ndarray, low_code: str, names: tuple[str, ...], notes: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Denton-Cholette on each run of consecutive figures; return estimates and indicator."""
    n = len(lay.hf_idx)
    xd = x_ind[:, 0] if x_ind.shape[1] else np.ones(n)
    if np.any(xd == 0):
        zero = lay.hf_idx[xd == 0]
        raise ParameterError(
            f"indicator is 0 in {_span_text(zero)}; proportional Denton-Cholette divides by "
            "the indicator. Use a regression method or a non-zero indicator"
        )
    est = np.empty(n)
    low_ord = np.asarray(lay.cov_idx.asi8, dtype="int64")
    runs = np.split(np.arange(len(lay.cov_idx)), np.nonzero(np.diff(low_ord) != 1)[0] + 1)
    fr = lay.fr
    for run in runs:
        cols = np.arange(run[0] * fr, (run[-1] + 1) * fr)
        est[cols] = _denton_cholette(lay.y[run], xd[cols], lay.c[np.ix_(run, cols)])
    if len(runs) > 1:
        notes.append(
            f"Denton-Cholette solved separately on {len(runs)} runs of consecutive "
            f"{_FREQ_WORD[low_code]} figures: "
            + ", ".join(_span_text(lay.cov_idx[r]) for r in runs)
        )
    notes.append(
        "Denton-Cholette, proportional criterion, first differences (h = 1)"
        + ("" if names else ", constant indicator")
    )
    return est, xd


def to_panel_rows(
    result: DisaggregationResult,
    *,
    region: str,
    indicator: str,
    measure: str = "level",
    unit: str,
    price_basis: str,
    source: str,
) -> pd.DataFrame:
    """Return the estimates as rows of the tidy schema, with status ``"estimated"``.

    Estimates never enter the panel as published figures: every row has status
    ``estimated`` and a ``note`` naming the method, the indicator series, ρ and the
    figures the estimates are benchmarked to.

    Parameters
    ----------
    result : DisaggregationResult
        What :func:`disaggregate` returned.
    region : str
        Region code of the catalogue (``"370102"`` for 历下区).
    indicator : str
        Indicator code of the catalogue (``"gdp"``).
    measure : str
        A measure of :data:`lixia_econ.schema.MEASURES`; ``"level"`` for single-period
        values.
    unit : str
        Canonical unit of the values (``"亿元"``); for levels it must be the catalogue
        unit of ``indicator``.
    price_basis : str
        ``"current"``, ``"comparable"`` or ``"na"``.
    source : str
        Where the benchmark figures came from (file relative to the raw folder), kept
        in the ``source`` column.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`lixia_econ.schema.COLUMNS`, one row per estimated period
        (``freq`` ``Q`` or ``M``, ``period`` as ``2020Q1`` or ``2020-03``).

    Raises
    ------
    ParameterError
        For a code that is not in the catalogue or schema, or a level unit that is not
        the indicator's canonical unit.
    """
    from lixia_econ import schema

    if not isinstance(result, DisaggregationResult):
        raise ParameterError(f"result must be a DisaggregationResult, got {type(result).__name__}")
    check_choice("region", region, schema.regions())
    check_choice("indicator", indicator, schema.indicators())
    check_choice("measure", measure, schema.MEASURES)
    check_choice("price_basis", price_basis, schema.PRICE_BASES)
    expected_unit = schema.indicators()[indicator].unit
    if measure in ("level", "ytd_level") and unit != expected_unit:
        raise ParameterError(
            f"unit={unit!r} for indicator {indicator!r}, measure {measure!r}; the "
            f"catalogue unit is {expected_unit!r} (convert the figures before disaggregating)"
        )
    est = result.estimates
    freq = _freq_code(est.index)
    along = ", ".join(result.indicator_names) if result.indicator_names else "none (constant)"
    rho = "n/a" if result.rho is None else f"{result.rho:.4f}"
    note = (
        f"estimated by temporal disaggregation: method={result.method}, "
        f"conversion={result.conversion}, indicator={along}, rho={rho}; benchmarked to "
        f"published {_FREQ_WORD[_freq_code(result.coverage.index)]} figures for "
        f"{_span_text(result.covered_periods)}"
    )
    n = len(est)
    out = pd.DataFrame(
        {
            "region": [region] * n,
            "indicator": [indicator] * n,
            "freq": [freq] * n,
            "period": [str(p) for p in est.index],
            "measure": [measure] * n,
            "value": est.to_numpy(dtype="float64"),
            "unit": [unit] * n,
            "price_basis": [price_basis] * n,
            "status": ["estimated"] * n,
            "source": [source] * n,
            "note": [note] * n,
        },
        columns=list(schema.COLUMNS),
    )
    return out.reset_index(drop=True)
