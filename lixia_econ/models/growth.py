"""Growth arithmetic: CAGR, period growth rates, NBS averages and target arithmetic.

Every rate is in percent. Conventions, stated once here and again where a number is
returned:

- *per year* rates are compound (geometric) annual rates;
- a quarterly or monthly series is counted in years by its frequency (4 quarters or 12
  months make a year), using the real period labels, so gaps are simply absent periods;
- *year on year* compares a period with the same period a year earlier (NBS 同比);
- NBS's 两年平均增长 ("two-year average growth") is the geometric mean of two yearly growth
  factors, not the arithmetic mean of two rates.

The functions take a plain :class:`pandas.Series` on a :class:`pandas.PeriodIndex`
(annual, quarterly or monthly), checked by :func:`lixia_econ.periods.as_period_series`.
Trend models (log-linear trend growth, HP and unobserved-components trends) are in
:mod:`lixia_econ.models.trend`.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.clean import annualise, growth_from_levels
from lixia_econ.errors import InsufficientDataError, ParameterError
from lixia_econ.models._tools import check_positive, list_periods
from lixia_econ.periods import as_period_series, coerce_period, periods_per_year

__all__ = [
    "annualise",
    "average_growth",
    "cagr",
    "elapsed_share",
    "growth_rate",
    "required_growth",
    "two_year_average_growth",
]


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
    ppy = periods_per_year(s.index)
    present = s.dropna()
    if start is None or end is None:
        if len(present) < 2:
            raise InsufficientDataError(
                f"cagr needs two non-missing values; got {len(present)}"
                + (f" ({list_periods(present.index)})" if len(present) else "")
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
    ppy = periods_per_year(s.index)
    check_positive(s.dropna(), name="series", what="growth_rate")
    if kind == "yoy":
        return growth_from_levels(s, years=1).reindex(s.index)
    # period on period: clean.growth_from_levels compares whole years only
    earlier = s.reindex(s.index - 1).to_numpy()
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
    ppy = periods_per_year(s.index)
    check_positive(s.dropna(), name="series", what="average_growth")
    total = growth_from_levels(s, years=years).reindex(s.index)
    out = 100.0 * ((1.0 + total / 100.0) ** (1.0 / years) - 1.0)
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
    ppy = periods_per_year(s.index)
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
            f"elapsed_share needs every period of {p.year - 1}; missing {list_periods(missing)}"
        )
    check_positive(values, name="series", what="elapsed_share")
    n_elapsed = p.ordinal - ppy - last_year[0].ordinal + 1
    return float(values.iloc[:n_elapsed].sum() / values.sum())
