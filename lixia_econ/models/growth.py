"""Growth arithmetic and trend growth: CAGR, log-linear trend, HP/UC trend, NBS averages, targets.

Every rate is in percent. Conventions, stated once here and again where a number is
returned:

- *per year* rates are compound (geometric) annual rates;
- a quarterly or monthly series is counted in years by its frequency (4 quarters or 12
  months make a year), using the real period labels, so gaps are simply absent periods;
- *year on year* compares a period with the same period a year earlier (NBS 同比);
- NBS's 两年平均增长 ("two-year average growth") is the geometric mean of two yearly growth
  factors, not the arithmetic mean of two rates.

The functions take a plain :class:`pandas.Series` on a :class:`pandas.PeriodIndex`
(annual, quarterly or monthly), checked by :func:`lixia_econ.models._base.as_period_series`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.clean import annualise
from lixia_econ.errors import InsufficientDataError, LixiaEconWarning, ParameterError
from lixia_econ.models._base import (
    ModelResult,
    as_period_series,
    check_level,
    coerce_period,
    season,
    seasonal_dummies,
)
from lixia_econ.periods import periods_per_year as _periods_per_year

__all__ = [
    "TrendCycleResult",
    "TrendGrowthResult",
    "annualise",
    "average_growth",
    "cagr",
    "elapsed_share",
    "growth_rate",
    "required_growth",
    "trend_cycle",
    "trend_growth",
    "two_year_average_growth",
]

#: HP smoothing parameter by periods per year: Ravn and Uhlig (2002) for annual data
#: (6.25), Hodrick and Prescott (1997) for quarterly (1600), Ravn–Uhlig's 1600 x 3^4 for
#: monthly (129600).
HP_LAMBDA: dict[int, float] = {1: 6.25, 4: 1600.0, 12: 129600.0}

_FREQ_NAMES = {1: "annual", 4: "quarterly", 12: "monthly"}


# --------------------------------------------------------------------------------------
# private helpers shared by growth.py, its.py and seasonal.py
# --------------------------------------------------------------------------------------


def _list_periods(periods: Sequence[Any] | pd.Index, limit: int = 12) -> str:
    """Format periods for a message: ``2019, 2022`` (first ``limit`` and a count)."""
    labels = [str(p) for p in periods]
    if len(labels) > limit:
        return ", ".join(labels[:limit]) + f", ... ({len(labels)} in all)"
    return ", ".join(labels)


def _ordinals(index: pd.PeriodIndex) -> np.ndarray:
    """Period ordinals (consecutive integers for consecutive periods)."""
    return np.asarray(index.asi8, dtype="int64")


def _default_hac_lags(n_obs: int) -> int:
    """Newey and West (1994) rule: floor(4 (n / 100) ** (2 / 9))."""
    return math.floor(4.0 * (n_obs / 100.0) ** (2.0 / 9.0))


def _check_hac_lags(hac_lags: int | None, n_obs: int) -> int:
    if hac_lags is None:
        return _default_hac_lags(n_obs)
    if isinstance(hac_lags, bool) or not isinstance(hac_lags, (int, np.integer)) or hac_lags < 0:
        raise ParameterError(f"hac_lags={hac_lags!r} must be a non-negative integer or None")
    if hac_lags >= n_obs:
        raise ParameterError(f"hac_lags={hac_lags} must be smaller than the {n_obs} observations")
    return int(hac_lags)


def _fit_hac(y: np.ndarray, X: np.ndarray, lags: int) -> Any:
    """OLS with Newey–West (HAC, Bartlett kernel) covariance and t-based inference."""
    import statsmodels.api as sm

    return sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)


def _window(series: pd.Series, window: Any, *, name: str) -> pd.Series:
    """Return ``series`` restricted to ``window=(start, end)`` (either end may be None)."""
    if window is None:
        return series
    if not isinstance(window, (tuple, list)) or len(window) != 2:
        raise ParameterError(
            f"window={window!r} must be a pair (start, end) of periods, either may be None"
        )
    start, end = window
    idx = series.index
    lo = coerce_period(start, idx.freq, name="window start") if start is not None else None
    hi = coerce_period(end, idx.freq, name="window end") if end is not None else None
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError(f"window start {lo} is after window end {hi}")
    mask = np.ones(len(idx), dtype=bool)
    if lo is not None:
        mask &= idx >= lo
    if hi is not None:
        mask &= idx <= hi
    return series[mask]


def _positive(series: pd.Series, *, name: str, what: str) -> None:
    """Refuse non-positive values where logs or ratios are taken."""
    bad = series[series <= 0]
    if len(bad):
        raise ParameterError(
            f"{what} needs positive levels (it takes logs or ratios); {name} has "
            f"{bad.iloc[0]!r} at {bad.index[0]}"
            + (f" and {len(bad) - 1} more non-positive values" if len(bad) > 1 else "")
        )


def _pct(log_rate: Any) -> Any:
    """Percent growth from a log growth rate: 100 (exp(r) - 1)."""
    return 100.0 * np.expm1(log_rate)


# --------------------------------------------------------------------------------------
# CAGR, annualising and period growth rates
# --------------------------------------------------------------------------------------


def cagr(series: pd.Series, start: Any = None, end: Any = None) -> float:
    """Return the compound annual growth rate between two periods, percent per year.

    Parameters
    ----------
    series : pandas.Series
        Levels on a PeriodIndex (annual, quarterly or monthly). Gaps are fine: only the
        two end values are used.
    start, end : period-like, optional
        The two periods (``"2019"``, ``"2019Q4"``, ``pd.Period(...)``). Default: the first
        and the last non-missing observation.

    Returns
    -------
    float
        ``100 * ((x_end / x_start) ** (1 / years) - 1)``, percent per year, where
        ``years`` is the distance between the periods counted by the frequency
        (quarters / 4, months / 12). Prices are those of the input (nominal levels give
        nominal growth).

    Raises
    ------
    ParameterError
        If a period is not in the series, ``end`` is not after ``start``, or a value is
        zero or negative.
    InsufficientDataError
        If either value is missing, or fewer than two values are present.

    Notes
    -----
    For quarterly or monthly single-period levels compare the same quarter or month
    (``"2019Q4"`` to ``"2022Q4"``), otherwise seasonality leaks into the rate.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([100.0, 121.0], index=pd.PeriodIndex(["2019", "2021"], freq="Y"))
    >>> round(cagr(s), 6)
    10.0
    """
    s = as_period_series(series, name="series")
    ppy = _periods_per_year(s.index)
    present = s.dropna()
    if start is None or end is None:
        if len(present) < 2:
            raise InsufficientDataError(
                f"cagr needs two non-missing values; got {len(present)}"
                + (f" ({_list_periods(present.index)})" if len(present) else "")
            )
    p0 = present.index[0] if start is None else coerce_period(start, s.index.freq, name="start")
    p1 = present.index[-1] if end is None else coerce_period(end, s.index.freq, name="end")
    for label, p in (("start", p0), ("end", p1)):
        if p not in s.index:
            raise ParameterError(
                f"{label} period {p} is not in the series (it covers {s.index[0]} to {s.index[-1]})"
            )
    if p1 <= p0:
        raise ParameterError(f"end period {p1} must be after start period {p0}")
    x0, x1 = float(s.loc[p0]), float(s.loc[p1])
    missing = [str(p) for p, x in ((p0, x0), (p1, x1)) if not np.isfinite(x)]
    if missing:
        raise InsufficientDataError(f"cagr needs both end values; missing at {', '.join(missing)}")
    for p, x in ((p0, x0), (p1, x1)):
        if x <= 0:
            raise ParameterError(f"cagr needs positive levels; the value at {p} is {x!r}")
    years = (p1.ordinal - p0.ordinal) / ppy
    return float(100.0 * ((x1 / x0) ** (1.0 / years) - 1.0))


def _like(template: Any, values: np.ndarray) -> Any:
    """Return ``values`` shaped as ``template``: float, Series or ndarray."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=template.name)
    if np.ndim(values) == 0:
        return float(values)
    return values


def growth_rate(
    series: pd.Series, *, kind: Literal["yoy", "pop", "annualised"] = "yoy"
) -> pd.Series:
    """Return period growth rates of a level series, percent.

    Parameters
    ----------
    series : pandas.Series
        Levels on a PeriodIndex. Each rate pairs periods by their labels, so a gap gives
        NaN rather than pairing the wrong periods.
    kind : {"yoy", "pop", "annualised"}
        ``"yoy"``: over the same period a year earlier (同比); ``"pop"``: over the
        previous period (环比, not seasonally adjusted); ``"annualised"``: the
        period-on-period rate compounded to a yearly rate.

    Returns
    -------
    pandas.Series
        Percent (year on year, period on period, or per year), on the input's index; NaN
        where the earlier period is absent or missing.

    Raises
    ------
    ParameterError
        For an unknown ``kind`` or non-positive levels.

    Notes
    -----
    NBS's official growth is on a comparable basis (revised levels, constant prices), so
    rates recomputed from published current-price levels can differ from the official
    ones.
    """
    check_choice("kind", kind, ("yoy", "pop", "annualised"))
    s = as_period_series(series, name="series")
    ppy = _periods_per_year(s.index)
    _positive(s.dropna(), name="series", what="growth_rate")
    lag = ppy if kind == "yoy" else 1
    earlier = s.reindex(s.index - lag).to_numpy()
    out = 100.0 * (s.to_numpy() / earlier - 1.0)
    if kind == "annualised":
        out = annualise(out, ppy)
    return pd.Series(out, index=s.index, name=s.name)


# --------------------------------------------------------------------------------------
# NBS two-year and n-year average growth
# --------------------------------------------------------------------------------------


def two_year_average_growth(yoy_pct: Any, previous_yoy_pct: Any) -> Any:
    """Return NBS's two-year average growth (两年平均增长), percent.

    Parameters
    ----------
    yoy_pct : float or array-like
        This year's growth over last year, percent (e.g. 2021 over 2020).
    previous_yoy_pct : float or array-like
        Last year's growth over the year before, percent (e.g. 2020 over 2019).

    Returns
    -------
    float or array-like
        ``100 * (sqrt((1 + a / 100) (1 + b / 100)) - 1)``: the geometric mean of the two
        yearly growth factors, percent per year, on the inputs' price basis (NBS uses
        comparable prices for GDP and current prices for retail sales). Element-wise; a
        Series stays a Series.

    Raises
    ------
    ParameterError
        If a rate is -100 or lower (a growth factor must be positive).

    Notes
    -----
    NBS computes from unrounded rates and rounds to 0.1, so from published (rounded)
    rates the result can differ from NBS's figure by up to 0.1 percentage point.

    Examples
    --------
    NBS, 2022-01-17: GDP +8.1% in 2021, two-year average 5.1% (2020: +2.2%, final
    verification of 2021-12-17):

    >>> round(two_year_average_growth(8.1, 2.2), 1)
    5.1
    """
    a = np.asarray(yoy_pct, dtype=float)
    b = np.asarray(previous_yoy_pct, dtype=float)
    if np.any(a <= -100) or np.any(b <= -100):
        raise ParameterError("growth rates must be above -100 percent (a factor must be positive)")
    out = 100.0 * (np.sqrt((1.0 + a / 100.0) * (1.0 + b / 100.0)) - 1.0)
    return _like(yoy_pct if isinstance(yoy_pct, pd.Series) else previous_yoy_pct, out)


def average_growth(series: pd.Series, *, years: int = 2, period: Any = None) -> Any:
    """Return the n-year average growth from levels, percent per year (NBS 年均增长).

    Parameters
    ----------
    series : pandas.Series
        Levels on a PeriodIndex: annual values, single-quarter or single-month values,
        or year-to-date (累计) values. Each period is compared with the same period
        ``years`` years earlier (for year-to-date data: the same months), found by its
        label, not its position.
    years : int
        The span n, in years (2 gives NBS's two-year average).
    period : period-like, optional
        If given, return the rate for this period only, as a float.

    Returns
    -------
    pandas.Series or float
        ``100 * ((x_t / x_{t-n}) ** (1 / n) - 1)``, percent per year, on the input's
        price basis; NaN where the earlier period is absent or missing.

    Raises
    ------
    ParameterError
        If ``years`` is not a positive integer, ``period`` is not in the series, or a
        level is not positive.
    InsufficientDataError
        If ``period`` is given and either value is missing.

    Notes
    -----
    From published current-price levels the result can differ from NBS's published
    average, which uses comparable-basis growth rates (see
    :func:`two_year_average_growth`).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([100.0, 90.0, 121.0], index=pd.period_range("2019", periods=3, freq="Y"))
    >>> round(average_growth(s, period="2021"), 6)
    10.0
    """
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise ParameterError(f"years={years!r} must be a positive integer")
    s = as_period_series(series, name="series")
    ppy = _periods_per_year(s.index)
    _positive(s.dropna(), name="series", what="average_growth")
    earlier = s.reindex(s.index - years * ppy).to_numpy()
    out = pd.Series(
        100.0 * ((s.to_numpy() / earlier) ** (1.0 / years) - 1.0), index=s.index, name=s.name
    )
    if period is None:
        return out
    p = coerce_period(period, s.index.freq, name="period")
    if p not in s.index:
        raise ParameterError(
            f"period {p} is not in the series (it covers {s.index[0]} to {s.index[-1]})"
        )
    value = float(out.loc[p])
    if not np.isfinite(value):
        base = p - years * ppy
        raise InsufficientDataError(
            f"average_growth for {p} over {years} years needs the values at {base} and {p}; "
            f"got {s.get(base, float('nan'))!r} and {float(s.loc[p])!r}"
        )
    return value


# --------------------------------------------------------------------------------------
# target arithmetic
# --------------------------------------------------------------------------------------


def required_growth(target_pct: float, ytd_growth_pct: float, elapsed_share: float) -> float:
    """Return the growth the rest of the year needs to meet the annual target, percent.

    Parameters
    ----------
    target_pct : float
        The annual growth target, percent (e.g. 6 for "above 6%").
    ytd_growth_pct : float
        Year-to-date growth so far, percent (累计增长).
    elapsed_share : float
        The elapsed periods' share of last year's annual total, strictly between 0 and 1
        (0.5 for a first half worth half of last year's total); see
        :func:`elapsed_share`.

    Returns
    -------
    float
        Growth of the remaining periods over the same periods last year, percent, on the
        price basis of the inputs: from ``(1 + T) = s (1 + g_ytd) + (1 - s)(1 + g_rest)``,
        ``g_rest = ((1 + T) - s (1 + g_ytd)) / (1 - s) - 1``.

    Raises
    ------
    ParameterError
        If ``elapsed_share`` is not strictly between 0 and 1, or a rate is -100 or lower.

    Examples
    --------
    >>> required_growth(6.0, 3.0, 0.5)
    9.0
    """
    s = float(elapsed_share)
    if not 0.0 < s < 1.0:
        raise ParameterError(
            f"elapsed_share={elapsed_share!r} must be strictly between 0 and 1 (the elapsed "
            "periods' share of last year's total)"
        )
    for label, value in (("target_pct", target_pct), ("ytd_growth_pct", ytd_growth_pct)):
        if not np.isfinite(value) or value <= -100:
            raise ParameterError(f"{label}={value!r} must be a finite rate above -100 percent")
    t, g = target_pct / 100.0, ytd_growth_pct / 100.0
    rest = ((1.0 + t) - s * (1.0 + g)) / (1.0 - s) - 1.0
    return float(round(100.0 * rest, 12))


def elapsed_share(series: pd.Series, through: Any) -> float:
    """Return the elapsed periods' share of last year's total, for :func:`required_growth`.

    Parameters
    ----------
    series : pandas.Series
        Single-period (not year-to-date) quarterly or monthly levels holding at least the
        whole of last year, i.e. the year before ``through``.
    through : period-like
        The last elapsed period of the current year (``"2022Q2"``, ``"2022-06"``).

    Returns
    -------
    float
        Sum of last year's values from its first period to the period matching
        ``through``, divided by last year's total (a fraction, not percent).

    Raises
    ------
    ParameterError
        For annual data (no part of a year elapses), a period outside the year, or
        ``through`` being the last period of the year (nothing is left).
    InsufficientDataError
        If any period of last year is missing; the message lists them.

    Notes
    -----
    Weighting by last year's values is NBS's approximation for the contribution of each
    part of the year to annual growth. With January–February combined monthly data pass
    ``through`` of February or later, after splitting January and February.

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.period_range("2021Q1", periods=4, freq="Q")
    >>> q = pd.Series([20.0, 30.0, 25.0, 25.0], index=idx)
    >>> elapsed_share(q, "2022Q2")
    0.5
    """
    s = as_period_series(series, name="series")
    ppy = _periods_per_year(s.index)
    if ppy == 1:
        raise ParameterError("elapsed_share needs quarterly or monthly levels; got annual data")
    p = coerce_period(through, s.index.freq, name="through")
    last_year = pd.period_range(
        pd.Period(year=p.year - 1, month=1, freq="M").asfreq(s.index.freq),
        periods=ppy,
        freq=s.index.freq,
    )
    if p.ordinal - ppy == last_year[-1].ordinal:
        raise ParameterError(
            f"through={p} is the year's last period: nothing of the year remains, so no "
            "growth is required of the rest"
        )
    values = s.reindex(last_year)
    missing = values.index[~np.isfinite(values.to_numpy())]
    if len(missing):
        raise InsufficientDataError(
            f"elapsed_share needs every period of {p.year - 1}; missing {_list_periods(missing)}"
        )
    _positive(values, name="series", what="elapsed_share")
    n_elapsed = p.ordinal - ppy - last_year[0].ordinal + 1
    return float(values.iloc[:n_elapsed].sum() / values.sum())


# --------------------------------------------------------------------------------------
# trend growth by log-linear OLS with HAC errors
# --------------------------------------------------------------------------------------


def _ci_label(level: float) -> tuple[str, str]:
    pct = f"{100 * level:g}%"
    return f"lower {pct}", f"upper {pct}"


class TrendGrowthResult(ModelResult):
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

    def __init__(
        self,
        *,
        model_result: Any,
        periods: pd.PeriodIndex,
        ppy: int,
        hac_lags: int,
        seasonal: bool,
        level: float,
        fitted: pd.Series,
    ) -> None:
        self.model_result = model_result
        self.periods = periods
        self.ppy = ppy
        self.hac_lags = hac_lags
        self.seasonal = seasonal
        self.level = level
        self.fitted = fitted
        self.n_obs = int(model_result.nobs)
        b = float(model_result.params[1])
        se_b = float(model_result.bse[1])
        self.growth_pct = float(_pct(b * ppy))
        self.std_error = float(100.0 * ppy * np.exp(b * ppy) * se_b)
        self.lower, self.upper = self._interval(level)
        self.title = (
            f"Trend growth, log-linear OLS with HAC (Newey–West, {hac_lags} lags) errors: "
            f"{periods[0]} to {periods[-1]}, {self.n_obs} {_FREQ_NAMES[ppy]} observations"
            + (", seasonal dummies" if seasonal else "")
        )

    def _interval(self, level: float) -> tuple[float, float]:
        lo, hi = np.asarray(self.model_result.conf_int(alpha=1.0 - level))[1]
        return float(_pct(lo * self.ppy)), float(_pct(hi * self.ppy))

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
        lo_label, hi_label = _ci_label(self.level)
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
    ppy = _periods_per_year(s.index)
    s = _window(s, window, name="series").dropna()
    if len(s) < 3:
        raise InsufficientDataError(
            f"trend_growth needs at least 3 observations; got {len(s)}"
            + (f" ({_list_periods(s.index)})" if len(s) else "")
        )
    _positive(s, name="series", what="trend_growth")
    if seasonal is None:
        seasonal = ppy > 1
    seasonal = bool(seasonal) and ppy > 1
    t = (_ordinals(s.index) - _ordinals(s.index)[0]).astype(float)
    columns = [np.ones(len(s)), t]
    if seasonal:
        dummies = seasonal_dummies(s.index, ppy)
        columns.extend(dummies.T)
    X = np.column_stack(columns)
    needed = X.shape[1] + 1
    if len(s) < needed:
        raise InsufficientDataError(
            f"trend_growth with {ppy - 1} seasonal dummies needs at least {needed} "
            f"observations; got {len(s)} ({_list_periods(s.index)}); pass seasonal=False "
            "for seasonally adjusted data"
        )
    if seasonal:
        absent = sorted(set(range(1, ppy + 1)) - set(season(s.index, ppy) + 1))
        if absent:
            raise InsufficientDataError(
                f"trend_growth with seasonal dummies needs every season observed; season(s) "
                f"{', '.join(map(str, absent))} never appear"
            )
    lags = _check_hac_lags(hac_lags, len(s))
    y = np.log(s.to_numpy())
    res = _fit_hac(y, X, lags)
    fitted = pd.Series(np.exp(res.fittedvalues), index=s.index, name=s.name)
    return TrendGrowthResult(
        model_result=res,
        periods=s.index,
        ppy=ppy,
        hac_lags=lags,
        seasonal=seasonal,
        level=level,
        fitted=fitted,
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


def _full_range(s: pd.Series) -> pd.Series:
    """Reindex ``s`` to every period from its first to its last label (gaps become NaN)."""
    full = pd.period_range(s.index[0], s.index[-1], freq=s.index.freq)
    return s.reindex(full)


def _trim(s: pd.Series) -> pd.Series:
    """Drop leading and trailing missing values."""
    ok = np.isfinite(s.to_numpy())
    if not ok.any():
        return s.iloc[:0]
    first, last = np.flatnonzero(ok)[[0, -1]]
    return s.iloc[first : last + 1]


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
    ppy = _periods_per_year(s.index)
    s = _trim(_full_range(s))
    if log:
        _positive(s.dropna(), name="series", what="trend_cycle with log=True")
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
            + (f" ({_list_periods(s.dropna().index)})" if len(s.dropna()) else "")
        )
    missing = s.index[~np.isfinite(s.to_numpy())]
    if len(missing):
        raise InsufficientDataError(
            f"the HP filter cannot handle gaps; missing {_list_periods(missing)}. Use "
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
            f"the unobserved-components model needs at least {needed} {_FREQ_NAMES[ppy]} "
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
