"""Trend models: log-linear trend growth with HAC errors, HP and unobserved-components trends.

Rates are in percent per year (compound); a quarterly or monthly series is counted in years
by its frequency, using the real period labels, so gaps are simply absent periods. Growth
arithmetic (CAGR, NBS averages, targets) is in :mod:`lixia_econ.models.growth`.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import InsufficientDataError, LixiaEconWarning, ParameterError
from lixia_econ.models._base import HACRegressionResult, ModelResult
from lixia_econ.models._tools import (
    PPY_NAMES,
    check_hac_lags,
    check_level,
    check_positive,
    ci_labels,
    design,
    fit_hac,
    full_range,
    list_periods,
    ordinals,
    pct_from_log,
    season,
    select_window,
    trim_missing,
    use_seasons,
)
from lixia_econ.models.growth import cagr
from lixia_econ.periods import as_period_series, periods_per_year

__all__ = ["HP_LAMBDA", "TrendCycleResult", "TrendGrowthResult", "trend_cycle", "trend_growth"]

#: HP smoothing parameter by periods per year: Ravn and Uhlig (2002) for annual data
#: (6.25), Hodrick and Prescott (1997) for quarterly (1600), Ravn–Uhlig's 1600 x 3^4 for
#: monthly (129600).
HP_LAMBDA: dict[int, float] = {1: 6.25, 4: 1600.0, 12: 129600.0}


# --------------------------------------------------------------------------------------
# trend growth by log-linear OLS with HAC errors
# --------------------------------------------------------------------------------------


class TrendGrowthResult(HACRegressionResult):
    """Trend growth from a log-linear regression with HAC standard errors.

    Attributes
    ----------
    growth_pct : float
        Trend growth, percent per year (compound), on the input's price basis.
    std_error : float
        Standard error of ``growth_pct`` (delta method), percentage points.
    level : float
        Confidence level of ``lower``/``upper`` and :meth:`summary`.
    lower, upper : float
        Confidence interval of ``growth_pct``.
    n_obs : int
        Observations used.
    periods : pandas.PeriodIndex
        The periods used.
    hac_lags : int
        Newey–West lags.
    seasonal : bool
        Whether seasonal dummies were included.
    fitted : pandas.Series
        Fitted trend levels (with seasonal effects if ``seasonal``), input units.
    model_result : statsmodels RegressionResults
        The OLS fit; the slope is parameter ``"trend"`` (log points per period).
    """

    def __init__(self, *, periods: pd.PeriodIndex, **fit: Any) -> None:
        super().__init__(**fit)
        self.periods = periods
        self.n_obs = int(self.model_result.nobs)
        ppy = self.ppy
        b = float(self.model_result.params[1])
        se_b = float(self.model_result.bse[1])
        self.growth_pct = float(pct_from_log(b * ppy))
        self.std_error = float(100.0 * ppy * np.exp(b * ppy) * se_b)
        self.lower, self.upper = self._interval(self.level)
        self.title = (
            f"Trend growth, log-linear OLS with HAC (Newey–West, {self.hac_lags} lags) errors: "
            f"{periods[0]} to {periods[-1]}, {self.n_obs} {PPY_NAMES[ppy]} observations"
            + (", seasonal dummies" if self.seasonal else "")
        )

    def _interval(self, level: float) -> tuple[float, float]:
        lo, hi = np.asarray(self.model_result.conf_int(alpha=1.0 - level))[1]
        return float(pct_from_log(lo * self.ppy)), float(pct_from_log(hi * self.ppy))

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return the confidence interval of the trend growth, percent per year.

        Parameters
        ----------
        level : float
            Confidence level, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row ``trend_growth_pct``, columns ``lower`` and ``upper``: the slope's
            t interval (HAC standard error) mapped through ``100 (exp(b ppy) - 1)``.
        """
        lo, hi = self._interval(check_level(level))
        return pd.DataFrame({"lower": [lo], "upper": [hi]}, index=pd.Index(["trend_growth_pct"]))

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy numbers: one row, trend growth with its interval and unit."""
        return pd.DataFrame(
            {
                "quantity": ["trend_growth_pct"],
                "estimate": [self.growth_pct],
                "std_error": [self.std_error],
                "lower": [self.lower],
                "upper": [self.upper],
                "level": [self.level],
                "unit": ["percent per year"],
                "n_obs": [self.n_obs],
                "start": [str(self.periods[0])],
                "end": [str(self.periods[-1])],
            }
        )

    def summary(self) -> pd.DataFrame:
        """Return a table a person reads: estimate, standard error and interval, rounded."""
        lo_label, hi_label = ci_labels(self.level)
        return pd.DataFrame(
            {
                "estimate": [round(self.growth_pct, 2)],
                "std. error": [round(self.std_error, 2)],
                lo_label: [round(self.lower, 2)],
                hi_label: [round(self.upper, 2)],
            },
            index=pd.Index(["Trend growth (% per year)"]),
        )


def trend_growth(
    series: pd.Series,
    *,
    window: tuple[Any, Any] | None = None,
    hac_lags: int | None = None,
    level: float = 0.95,
    seasonal: bool | None = None,
) -> TrendGrowthResult:
    """Estimate trend growth by a log-linear regression with HAC (Newey–West) errors.

    Fits ``log x_t = a + b t (+ seasonal dummies) + e_t`` by OLS, where ``t`` is the
    period ordinal (so a missing period is simply an absent observation and the trend
    still counts it), and reports ``100 (exp(b ppy) - 1)``, percent per year, where
    ``ppy`` is 1, 4 or 12.

    Parameters
    ----------
    series : pandas.Series
        Positive levels on a PeriodIndex (annual, quarterly or monthly). Missing values
        and missing periods are allowed.
    window : (start, end), optional
        Periods to fit over, inclusive; either end may be ``None`` (open).
    hac_lags : int, optional
        Newey–West lags (Bartlett kernel). Default ``floor(4 (n / 100) ** (2 / 9))``
        (Newey and West 1994), with ``n`` the observations used.
    level : float
        Confidence level of the interval.
    seasonal : bool, optional
        Include seasonal (quarter or month) dummies. Default: yes for quarterly and
        monthly data, no for annual. Needed for single-period levels that have a
        seasonal pattern; turn off for seasonally adjusted input.

    Returns
    -------
    TrendGrowthResult
        Trend growth, percent per year (compound), on the input's price basis, with a
        t-based confidence interval from the HAC standard error.

    Raises
    ------
    InsufficientDataError
        With fewer than 3 observations, or too few to estimate the seasonal dummies
        (the message names what it needs and the periods it got).
    ParameterError
        For non-positive levels, a bad window, or bad ``hac_lags``.

    Notes
    -----
    The HAC lags run over observations, as statsmodels does; with gaps they are not
    calendar lags. With few observations the interval is wide and itself rough (HAC is
    an asymptotic correction); small-sample t quantiles (``n - k`` degrees of freedom)
    are used.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.PeriodIndex(["2012", "2015", "2019", "2022"], freq="Y")
    >>> x = pd.Series(100 * 1.05 ** np.array([0, 3, 7, 10]), index=idx)
    >>> round(trend_growth(x).growth_pct, 6)
    5.0
    """
    level = check_level(level)
    s = as_period_series(series, name="series")
    ppy = periods_per_year(s.index)
    s = select_window(s, window, name="series").dropna()
    if len(s) < 3:
        raise InsufficientDataError(
            f"trend_growth needs at least 3 observations; got {len(s)}"
            + (f" ({list_periods(s.index)})" if len(s) else "")
        )
    check_positive(s, name="series", what="trend_growth")
    seasonal = use_seasons(seasonal, ppy)
    t = (ordinals(s.index) - ordinals(s.index)[0]).astype(float)
    X = design([np.ones(len(s)), t], s.index, ppy, seasonal)
    needed = X.shape[1] + 1
    if len(s) < needed:
        raise InsufficientDataError(
            f"trend_growth with {ppy - 1} seasonal dummies needs at least {needed} "
            f"observations; got {len(s)} ({list_periods(s.index)}); pass seasonal=False "
            "for seasonally adjusted data"
        )
    if seasonal:
        absent = sorted(set(range(1, ppy + 1)) - set(season(s.index, ppy) + 1))
        if absent:
            raise InsufficientDataError(
                f"trend_growth with seasonal dummies needs every season observed; season(s) "
                f"{', '.join(map(str, absent))} never appear"
            )
    lags = check_hac_lags(hac_lags, len(s))
    y = np.log(s.to_numpy())
    res = fit_hac(y, X, lags)
    fitted = pd.Series(np.exp(res.fittedvalues), index=s.index, name=s.name)
    return TrendGrowthResult(
        model_result=res,
        periods=s.index,
        ppy=ppy,
        hac_lags=lags,
        seasonal=seasonal,
        level=level,
        fitted=fitted,
        actual=s,
    )


# --------------------------------------------------------------------------------------
# trend and cycle: HP filter or unobserved components
# --------------------------------------------------------------------------------------


class TrendCycleResult(ModelResult):
    """A trend–cycle decomposition by the HP filter or an unobserved-components model.

    Attributes
    ----------
    method : {"hp", "uc"}
        The method used.
    log : bool
        Whether the decomposition ran on log levels.
    observed : pandas.Series
        The input over the periods used (a full period range; NaN where missing, UC only).
    trend : pandas.Series
        Trend in the input's units (``exp`` of the log trend when ``log``).
    cycle : pandas.Series
        Deviation from trend (and from the seasonal component, UC): percent of trend
        (100 x log difference) when ``log``, else input units. NaN where the input is.
    seasonal : pandas.Series or None
        UC seasonal component on the fitted scale (log points when ``log``); ``None`` for
        HP or annual data.
    lamb : float or None
        HP smoothing parameter (``None`` for UC).
    model_result : statsmodels UnobservedComponentsResults or None
        The UC fit (``None`` for HP, which is a deterministic smoother).
    """

    def __init__(
        self,
        *,
        method: str,
        log: bool,
        observed: pd.Series,
        trend_fit: pd.Series,
        cycle: pd.Series,
        seasonal: pd.Series | None,
        lamb: float | None,
        ppy: int,
        model_result: Any = None,
    ) -> None:
        self.method = method
        self.log = log
        self.observed = observed
        self.actual = observed
        self.notes: list[str] = []
        self._trend_fit = trend_fit
        self.trend = np.exp(trend_fit) if log else trend_fit
        self.cycle = cycle
        self.seasonal = seasonal
        self.lamb = lamb
        self.ppy = ppy
        self.model_result = model_result
        name = (
            f"HP filter (lambda = {lamb:g})"
            if method == "hp"
            else "unobserved components (local linear trend"
            + (", seasonal)" if seasonal is not None else ")")
        )
        self.title = (
            f"Trend and cycle, {name}{' of log levels' if log else ''}: "
            f"{observed.index[0]} to {observed.index[-1]}"
        )

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return the interval of the trend by period (UC only), in the input's units.

        Parameters
        ----------
        level : float
            Confidence level, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Indexed by period, columns ``lower`` and ``upper``: the smoothed level's
            normal interval from the state-space model (mapped through ``exp`` when
            ``log``).

        Raises
        ------
        ParameterError
            For the HP filter, a deterministic smoother with no sampling distribution.
        """
        from scipy import stats

        level = check_level(level)
        if self.method != "uc":
            raise ParameterError(
                "conf_int is available for method='uc' only: the HP filter is a deterministic "
                "smoother with no sampling distribution"
            )
        var = np.asarray(self.model_result.level["smoothed_cov"], dtype=float)
        z = stats.norm.ppf(0.5 + level / 2.0)
        half = z * np.sqrt(np.maximum(var, 0.0))
        mid = self._trend_fit.to_numpy()
        lo, hi = mid - half, mid + half
        if self.log:
            lo, hi = np.exp(lo), np.exp(hi)
        return pd.DataFrame({"lower": lo, "upper": hi}, index=self.observed.index)

    @property
    def frame(self) -> pd.DataFrame:
        """By period: ``actual`` (observed), ``predicted`` (the trend), ``cycle``, ``seasonal``.

        ``seasonal`` is there for UC with quarterly or monthly data only.
        """
        frame = pd.DataFrame(
            {"actual": self.observed, "predicted": self.trend, "cycle": self.cycle},
            index=self.observed.index,
        )
        if self.seasonal is not None:
            frame["seasonal"] = self.seasonal
        return frame

    def to_frame(self) -> pd.DataFrame:
        """Return one row per period: observed, trend, cycle (and seasonal for UC)."""
        frame = pd.DataFrame(
            {"observed": self.observed, "trend": self.trend, "cycle": self.cycle},
            index=self.observed.index,
        )
        if self.seasonal is not None:
            frame["seasonal"] = self.seasonal
        frame.index.name = "period"
        return frame.reset_index()

    def summary(self) -> pd.DataFrame:
        """Return a table a person reads: the last observed value, its trend and the gap."""
        cyc = self.cycle.dropna()
        unit = "% of trend" if self.log else "level units"
        last = cyc.index[-1]
        trend = self.trend
        if len(trend) > 1 and bool((trend > 0).all()):
            span_growth: float | str = round(cagr(trend, trend.index[0], trend.index[-1]), 2)
        else:
            span_growth = "n/a (trend not positive)"
        rows = {
            "Trend growth over the span (% per year)": span_growth,
            f"Cycle at {last} ({unit})": round(float(cyc.iloc[-1]), 2),
            f"Largest shortfall below trend ({unit})": round(float(cyc.min()), 2),
            "Period of largest shortfall": str(cyc.idxmin()),
            "Observations": int(self.observed.notna().sum()),
        }
        return pd.DataFrame({"value": list(rows.values())}, index=pd.Index(list(rows)))


def trend_cycle(
    series: pd.Series,
    *,
    method: Literal["hp", "uc"] = "hp",
    lamb: float | None = None,
    log: bool = True,
) -> TrendCycleResult:
    """Split a series into trend and cycle by the HP filter or an unobserved-components model.

    Parameters
    ----------
    series : pandas.Series
        Positive levels (if ``log``) on a PeriodIndex. Leading and trailing missing
        values are dropped.
    method : {"hp", "uc"}
        ``"hp"``: Hodrick–Prescott filter (statsmodels ``hpfilter``); refuses gaps.
        ``"uc"``: unobserved components (statsmodels ``UnobservedComponents``): local
        linear trend, plus a stochastic seasonal for quarterly and monthly data, fitted by
        maximum likelihood; the Kalman smoother handles missing values natively, so gaps
        are allowed (their trend is a model estimate, not data).
    lamb : float, optional
        HP smoothing parameter. Default by frequency: 6.25 annual (Ravn–Uhlig 2002), 1600
        quarterly, 129600 monthly. Only for ``method="hp"``.
    log : bool
        Decompose log levels (the cycle is then percent of trend). ``False`` decomposes
        the levels themselves.

    Returns
    -------
    TrendCycleResult
        ``trend`` in the input's units; ``cycle`` percent of trend (log) or input units.

    Raises
    ------
    InsufficientDataError
        HP with internal gaps (the message lists the missing periods); fewer than 4
        observations (HP) or fewer than ``max(8, 3 ppy)`` periods (UC).
    ParameterError
        Unknown ``method``, ``lamb`` with UC or non-positive, non-positive levels with
        ``log``.

    Notes
    -----
    The HP filter has no seasonal component: give it annual or seasonally adjusted data
    (see :func:`lixia_econ.models.seasonal.seasonal_adjust`). Its end points are
    unreliable (the one-sided end problem); a shock in the last years bends the trend.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.period_range("2011", periods=12, freq="Y")
    >>> x = pd.Series(np.exp(0.05 * np.arange(12)), index=idx)
    >>> r = trend_cycle(x)
    >>> bool(np.allclose(r.cycle, 0.0, atol=1e-8))
    True
    """
    check_choice("method", method, ("hp", "uc"))
    s = as_period_series(series, name="series")
    ppy = periods_per_year(s.index)
    s = trim_missing(full_range(s))
    if log:
        check_positive(s.dropna(), name="series", what="trend_cycle with log=True")
    if method == "hp":
        return _hp(s, ppy, lamb, log)
    if lamb is not None:
        raise ParameterError("lamb is the HP smoothing parameter; it does not apply to method='uc'")
    return _uc(s, ppy, log)


def _hp(s: pd.Series, ppy: int, lamb: float | None, log: bool) -> TrendCycleResult:
    from statsmodels.tsa.filters.hp_filter import hpfilter

    if len(s.dropna()) < 4:
        raise InsufficientDataError(
            f"the HP filter needs at least 4 consecutive observations; got {len(s.dropna())}"
            + (f" ({list_periods(s.dropna().index)})" if len(s.dropna()) else "")
        )
    missing = s.index[~np.isfinite(s.to_numpy())]
    if len(missing):
        raise InsufficientDataError(
            f"the HP filter cannot handle gaps; missing {list_periods(missing)}. Use "
            "method='uc' (state space, handles gaps) or a shorter span without gaps"
        )
    if lamb is None:
        lamb = HP_LAMBDA[ppy]
    elif not lamb > 0:
        raise ParameterError(f"lamb={lamb!r} must be positive")
    y = np.log(s.to_numpy()) if log else s.to_numpy()
    cycle, trend = hpfilter(y, lamb=lamb)
    trend_s = pd.Series(np.asarray(trend), index=s.index, name=s.name)
    cycle_s = pd.Series(np.asarray(cycle) * (100.0 if log else 1.0), index=s.index, name=s.name)
    return TrendCycleResult(
        method="hp",
        log=log,
        observed=s,
        trend_fit=trend_s,
        cycle=cycle_s,
        seasonal=None,
        lamb=float(lamb),
        ppy=ppy,
    )


def _uc(s: pd.Series, ppy: int, log: bool) -> TrendCycleResult:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    n = int(np.isfinite(s.to_numpy()).sum())
    needed = max(8, 3 * ppy)
    if n < needed:
        raise InsufficientDataError(
            f"the unobserved-components model needs at least {needed} {PPY_NAMES[ppy]} "
            f"observations; got {n}"
        )
    y = np.log(s.to_numpy()) if log else s.to_numpy()
    model = UnobservedComponents(
        y,
        level="local linear trend",
        seasonal=ppy if ppy > 1 else None,
        use_exact_diffuse=True,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        res = model.fit(disp=False, maxiter=500)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught):
        warnings.warn(
            "the unobserved-components fit did not fully converge; treat the trend with "
            "care. Silence with warnings.simplefilter('ignore', lixia_econ.LixiaEconWarning)",
            LixiaEconWarning,
            stacklevel=3,
        )
    trend = pd.Series(np.asarray(res.level["smoothed"]), index=s.index, name=s.name)
    seasonal = None
    fitted = trend.to_numpy()
    if ppy > 1:
        seas = np.asarray(res.seasonal["smoothed"])
        seasonal = pd.Series(seas, index=s.index, name=s.name)
        fitted = fitted + seas
    cycle = pd.Series((y - fitted) * (100.0 if log else 1.0), index=s.index, name=s.name)
    return TrendCycleResult(
        method="uc",
        log=log,
        observed=s,
        trend_fit=trend,
        cycle=cycle,
        seasonal=seasonal,
        lamb=None,
        ppy=ppy,
        model_result=res,
    )
