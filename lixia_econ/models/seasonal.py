"""Seasonal adjustment of monthly and quarterly levels by STL, honest about gaps.

statsmodels' ``STL`` silently returns all-NaN components when a single value is missing.
:func:`seasonal_adjust` either refuses (the default, listing the missing periods) or, when
asked, imputes the gaps by a documented method, flags the imputed points and warns.

NBS publishes many monthly indicators for January and February together (February holds
the two-month total, January is absent). Such data must be split before a seasonal
adjustment: either with :func:`lixia_econ.clean.decumulate` (``jan_feb="days"`` or
``"equal"``) or here with the ``jan_feb`` option.

Year-on-year growth rates (同比) compare a period with the same period a year earlier and
so carry no seasonal pattern: they need no seasonal adjustment.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.clean import JAN_FEB_SPLITS, january_share
from lixia_econ.errors import EstimateWarning, InsufficientDataError, ParameterError
from lixia_econ.models._base import ModelResult
from lixia_econ.models._tools import (
    PPY_NAMES,
    check_positive,
    full_range,
    list_periods,
    trim_missing,
)
from lixia_econ.periods import as_period_series, periods_per_year

__all__ = ["SeasonalResult", "seasonal_adjust"]

#: Rounds of the impute–decompose loop used by ``missing="impute"``.
_IMPUTE_ROUNDS = 3


class SeasonalResult(ModelResult):
    """An STL decomposition of monthly or quarterly levels.

    Attributes
    ----------
    observed : pandas.Series
        The series decomposed, input units, on a full period range: after any
        January–February split and with imputed values filled in (see ``imputed``).
    trend, seasonal, resid : pandas.Series
        STL components on the fitted scale: log levels when ``log`` (the seasonal
        component is then a log factor: 0.05 means 5.1% above the seasonally adjusted
        level), input units otherwise.
    adjusted : pandas.Series
        Seasonally adjusted series, input units: ``exp(log x - seasonal)`` when ``log``,
        else ``x - seasonal``.
    imputed : pandas.Series of bool
        True where the value was missing and imputed (an estimate, not data).
    jan_feb_split : pandas.Series of bool
        True for January and February values split here from a two-month total.
    period : int
        Seasonal period (12 monthly, 4 quarterly by default).
    log : bool
        Whether the decomposition is multiplicative (on log levels).
    model_result : statsmodels DecomposeResult
        The STL fit.
    """

    def __init__(
        self,
        *,
        model_result: Any,
        observed: pd.Series,
        imputed: pd.Series,
        jan_feb_split: pd.Series,
        jan_feb: str,
        period: int,
        log: bool,
        robust: bool,
        ppy: int,
    ) -> None:
        idx = observed.index
        self.model_result = model_result
        self.observed = observed
        self.trend = pd.Series(np.asarray(model_result.trend), index=idx, name="trend")
        self.seasonal = pd.Series(np.asarray(model_result.seasonal), index=idx, name="seasonal")
        self.resid = pd.Series(np.asarray(model_result.resid), index=idx, name="resid")
        fitted_scale = np.log(observed.to_numpy()) if log else observed.to_numpy()
        adjusted = fitted_scale - self.seasonal.to_numpy()
        self.adjusted = pd.Series(
            np.exp(adjusted) if log else adjusted, index=idx, name=observed.name
        )
        self.imputed = imputed
        self.jan_feb_split = jan_feb_split
        self.jan_feb = jan_feb
        self.period = period
        self.log = log
        self.robust = robust
        self.ppy = ppy
        self.actual = observed
        self.notes = self._notes()
        self.title = (
            f"Seasonal adjustment, STL ({'multiplicative, log levels' if log else 'additive'}"
            f"{', robust' if robust else ''}, period {period}): {idx[0]} to {idx[-1]}"
        )

    def _notes(self) -> list[str]:
        notes = []
        imputed = self.imputed[self.imputed].index
        if len(imputed):
            notes.append(
                f"{len(imputed)} missing value(s) imputed, estimates not data: "
                f"{list_periods(imputed, limit=6)}"
            )
        if bool(self.jan_feb_split.any()):
            notes.append(
                f"January and February split from two-month totals ({self.jan_feb} method)"
            )
        return notes

    @property
    def frame(self) -> pd.DataFrame:
        """By period: ``actual`` (observed), ``trend``, ``seasonal``, ``resid``, ``adjusted``."""
        return pd.DataFrame(
            {
                "actual": self.observed,
                "trend": self.trend,
                "seasonal": self.seasonal,
                "resid": self.resid,
                "adjusted": self.adjusted,
            },
            index=self.observed.index,
        )

    def strength(self) -> dict[str, float]:
        """Return the strength of trend and seasonality, each between 0 and 1.

        Returns
        -------
        dict
            ``trend`` = max(0, 1 - var(R) / var(T + R)) and ``seasonal`` =
            max(0, 1 - var(R) / var(S + R)) (Wang, Smith and Hyndman 2006), from the STL
            components on the fitted scale.
        """
        r = self.resid.to_numpy()
        var_r = float(np.var(r))
        out = {}
        for name, comp in (("trend", self.trend), ("seasonal", self.seasonal)):
            denom = float(np.var(comp.to_numpy() + r))
            out[name] = max(0.0, 1.0 - var_r / denom) if denom > 0 else 0.0
        return out

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """STL has no sampling distribution, so there is no interval.

        Raises
        ------
        ParameterError
            Always: STL is a deterministic LOESS smoother. For intervals use a model
            (``trend_cycle(..., method="uc")``).
        """
        raise ParameterError(
            "STL is a deterministic smoother with no sampling distribution, so it has no "
            "confidence interval; use lixia_econ.models.trend.trend_cycle(method='uc') for "
            "a trend with intervals"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return one row per period: observed, components, adjusted series and flags."""
        frame = pd.DataFrame(
            {
                "observed": self.observed,
                "trend": self.trend,
                "seasonal": self.seasonal,
                "resid": self.resid,
                "adjusted": self.adjusted,
                "imputed": self.imputed,
                "jan_feb_split": self.jan_feb_split,
            },
            index=self.observed.index,
        )
        frame.index.name = "period"
        return frame.reset_index()

    def summary(self) -> pd.DataFrame:
        """Return a table a person reads: span, flags, size of the seasonal pattern."""
        seas = self.seasonal.to_numpy()
        if self.log:
            lo, hi = 100 * np.expm1(seas.min()), 100 * np.expm1(seas.max())
            size = f"{lo:+.1f}% to {hi:+.1f}%"
        else:
            size = f"{seas.min():+.4g} to {seas.max():+.4g} (input units)"
        imputed = self.imputed[self.imputed].index
        strength = self.strength()
        rows = {
            "Span": f"{self.observed.index[0]} to {self.observed.index[-1]}",
            "Observations": len(self.observed),
            "Imputed values (estimates)": (
                f"{len(imputed)} ({list_periods(imputed, limit=6)})" if len(imputed) else "0"
            ),
            "January–February split": (
                self.jan_feb if bool(self.jan_feb_split.any()) else "not needed"
            ),
            "Seasonal effect, range": size,
            "Strength of seasonality (0–1)": round(strength["seasonal"], 3),
            "Strength of trend (0–1)": round(strength["trend"], 3),
        }
        return pd.DataFrame({"value": list(rows.values())}, index=pd.Index(list(rows)))


def _combined_jan_feb(s: pd.Series) -> list[pd.Period]:
    """Februaries that have a value while their January is absent or missing.

    Read from the data alone: NBS's combined release, and ``decumulate(jan_feb="keep")``
    (status ``jan_feb_combined``), leave January out and the total at February.
    """
    febs = []
    for p, x in s.items():
        if p.month != 2 or not np.isfinite(x):
            continue
        jan = p - 1
        if jan not in s.index or not np.isfinite(s.loc[jan]):
            febs.append(p)
    return febs


def _split_jan_feb(s: pd.Series, febs: list[pd.Period], how: str) -> tuple[pd.Series, pd.Series]:
    """Split each February's two-month total between January and February."""
    first = min([s.index[0], *(f - 1 for f in febs)])
    full = pd.period_range(first, s.index[-1], freq=s.index.freq)
    out = s.reindex(full)
    flag = pd.Series(False, index=full)
    for feb in febs:
        jan = feb - 1
        total = float(out.loc[feb])
        share = january_share(feb.year, how)
        out.loc[jan] = total * share
        out.loc[feb] = total * (1.0 - share)
        flag.loc[[jan, feb]] = True
    return out, flag


def _interp(values: np.ndarray) -> np.ndarray:
    """Linear interpolation over positions of the missing values of ``values``."""
    pos = np.arange(len(values))
    ok = np.isfinite(values)
    return np.interp(pos, pos[ok], values[ok])


def _impute(z: np.ndarray, period: int, robust: bool) -> np.ndarray:
    """Fill NaN in ``z`` as imputeTS's ``na_seadec``: interpolate the adjusted series."""
    from statsmodels.tsa.seasonal import STL

    miss = ~np.isfinite(z)
    filled = _interp(z)
    for _ in range(_IMPUTE_ROUNDS):
        seasonal = np.asarray(STL(filled, period=period, robust=robust).fit().seasonal)
        adjusted = np.where(miss, np.nan, z - seasonal)
        filled = np.where(miss, _interp(adjusted) + seasonal, z)
    return filled


def seasonal_adjust(
    series: pd.Series,
    *,
    missing: Literal["raise", "impute"] = "raise",
    period: int | None = None,
    robust: bool = True,
    jan_feb: Literal["raise", "days", "equal", "single"] = "raise",
    log: bool = True,
) -> SeasonalResult:
    """Seasonally adjust monthly or quarterly levels by STL (statsmodels).

    Parameters
    ----------
    series : pandas.Series
        Single-period (not year-to-date) levels on a monthly or quarterly PeriodIndex;
        positive if ``log``. Leading and trailing missing values are dropped.
    missing : {"raise", "impute"}
        What to do with missing values inside the span (NaN or absent periods).
        ``"raise"``: refuse, listing them. ``"impute"``: fill them as imputeTS's
        ``na_seadec`` does (Moritz and Bartz-Beielstein 2017): take STL's seasonal
        component of a linearly interpolated series, interpolate the seasonally adjusted
        series linearly over the gap and add the seasonal component back (on the log
        scale when ``log``), three rounds. Imputed points are flagged in
        ``result.imputed`` and an :class:`~lixia_econ.errors.EstimateWarning` names them.
    period : int, optional
        Seasonal period; default 12 for monthly, 4 for quarterly data.
    robust : bool
        Use STL's robust weights, which keep outliers such as the early-2020 collapse out
        of the seasonal pattern (recommended).
    jan_feb : {"raise", "days", "equal", "single"}
        Monthly data whose January is missing while February has a value look like NBS's
        combined January–February release (February = the two-month total, as
        :func:`lixia_econ.clean.decumulate` with ``jan_feb="keep"`` returns it, status
        ``jan_feb_combined``). ``"raise"``: refuse and say how to split.
        ``"days"``: split each total in proportion to days (31 : 28 or 29). ``"equal"``:
        split it in halves. Split values are flagged in ``result.jan_feb_split``; they are
        estimates of the single months. ``"single"``: February holds February alone; a
        missing January is an ordinary gap, handled by ``missing``.
    log : bool
        Decompose log levels (multiplicative seasonality, the usual case for economic
        levels); ``False`` decomposes the levels (additive).

    Returns
    -------
    SeasonalResult
        ``adjusted`` is the seasonally adjusted series in the input's units (and price
        basis); ``trend``, ``seasonal`` and ``resid`` are on the fitted scale.

    Raises
    ------
    ParameterError
        Annual data (no seasonality), a bad ``period``, unknown choices, non-positive
        levels with ``log``.
    InsufficientDataError
        Missing values with ``missing="raise"``; a combined January–February pattern with
        ``jan_feb="raise"``; fewer than two full seasonal cycles.

    Notes
    -----
    Year-on-year rates need no seasonal adjustment: the comparison with the same period a
    year earlier already removes the seasonal pattern. Chinese New Year moves between
    January and February, which STL cannot model; splitting January–February by days or
    equally does not fix that either, so read January and February adjusted values with
    care.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.period_range("2015-01", periods=60, freq="M")
    >>> pattern = np.tile(np.linspace(-0.1, 0.1, 12), 5)
    >>> x = pd.Series(np.exp(0.01 * np.arange(60) + pattern), index=idx)
    >>> r = seasonal_adjust(x)
    >>> bool(np.allclose(np.log(r.adjusted), 0.01 * np.arange(60) + pattern.mean(), atol=0.02))
    True
    """
    from statsmodels.tsa.seasonal import STL

    check_choice("missing", missing, ("raise", "impute"))
    check_choice("jan_feb", jan_feb, ("raise", *JAN_FEB_SPLITS, "single"))
    s = as_period_series(series, name="series")
    ppy = periods_per_year(s.index)
    if ppy == 1:
        raise ParameterError(
            "seasonal_adjust needs monthly or quarterly data; annual data have no seasonal pattern"
        )
    if period is None:
        period = ppy
    if isinstance(period, bool) or not isinstance(period, (int, np.integer)) or period < 2:
        raise ParameterError(f"period={period!r} must be an integer of at least 2")
    period = int(period)

    split_flag = pd.Series(False, index=s.index)
    if ppy == 12 and jan_feb != "single":
        febs = _combined_jan_feb(s)
        if febs and jan_feb == "raise":
            years = ", ".join(str(f.year) for f in febs)
            raise InsufficientDataError(
                f"January is missing while February has a value in {years}: this looks like "
                "NBS's combined January–February release (February = the two-month total). "
                "Split it first with lixia_econ.clean.decumulate(..., jan_feb='days'), or "
                "pass jan_feb='days' or jan_feb='equal' here (or jan_feb='single' if February "
                "holds February alone and January is simply missing)"
            )
        if febs:
            s, split_flag = _split_jan_feb(s, febs, jan_feb)

    s = trim_missing(full_range(s))
    split_flag = split_flag.reindex(s.index, fill_value=False).astype(bool)
    n = len(s)
    if n < 2 * period:
        raise InsufficientDataError(
            f"seasonal_adjust needs at least two full cycles ({2 * period} {PPY_NAMES[ppy]} "
            f"periods); got {n}" + (f" ({s.index[0]} to {s.index[-1]})" if n else "")
        )
    values = s.to_numpy()
    miss = ~np.isfinite(values)
    if log:
        check_positive(s.dropna(), name="series", what="seasonal_adjust with log=True")
    if miss.any():
        gaps = s.index[miss]
        if missing == "raise":
            raise InsufficientDataError(
                f"seasonal_adjust cannot decompose a series with gaps (statsmodels' STL "
                f"would return all NaN); missing {list_periods(gaps)}. Pass "
                "missing='impute' to fill and flag them"
            )
        z = np.log(values) if log else values
        filled = _impute(z, period, robust)
        values = np.exp(filled) if log else filled
        warnings.warn(
            f"seasonal_adjust imputed {len(gaps)} missing value(s) ({list_periods(gaps)}); "
            "they are estimates, flagged in result.imputed. Silence with "
            "warnings.simplefilter('ignore', lixia_econ.EstimateWarning)",
            EstimateWarning,
            stacklevel=2,
        )
    observed = pd.Series(values, index=s.index, name=series.name)
    z = np.log(values) if log else values
    fit = STL(z, period=period, robust=robust).fit()
    return SeasonalResult(
        model_result=fit,
        observed=observed,
        imputed=pd.Series(miss, index=s.index, name="imputed"),
        jan_feb_split=pd.Series(split_flag.to_numpy(), index=s.index, name="jan_feb_split"),
        jan_feb=jan_feb,
        period=period,
        log=log,
        robust=robust,
        ppy=ppy,
    )
