"""What every results object shares, and the input checks every model uses.

A results object has the same face as statsmodels' and linearmodels' results:

- ``summary()``: a :class:`pandas.DataFrame` a person reads (labelled rows, rounded);
- ``to_frame()``: the tidy numbers, one row per quantity;
- ``conf_int(level=0.95)``: a frame with ``lower`` and ``upper`` columns;
- ``_repr_html_()``: what JupyterLab shows;
- the underlying statsmodels result, where there is one, kept as ``.model_result``.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from lixia_econ.errors import InsufficientDataError, ParameterError

__all__ = ["ModelResult", "as_period_series", "coerce_period", "season", "seasonal_dummies"]


class ModelResult:
    """Base class of lixia_econ's results objects.

    Subclasses implement :meth:`summary`, :meth:`to_frame` and :meth:`conf_int`, and set
    :attr:`title`.
    """

    #: Heading shown above the summary table.
    title: str = "Result"
    #: The underlying statsmodels result, or ``None`` where the method has none.
    model_result: Any = None

    def summary(self) -> pd.DataFrame:
        """Return a table a person reads."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy numbers, one row per quantity."""
        raise NotImplementedError

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return the confidence intervals, columns ``lower`` and ``upper``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        try:
            body = self.summary().to_string()
        except Exception as exc:  # repr must never raise
            body = f"<summary unavailable: {exc}>"
        return f"{self.title}\n{body}"

    def _repr_html_(self) -> str:
        table = self.summary().to_html(classes="lixia-econ-summary", border=0, na_rep="—")
        return f"<div><strong>{html.escape(self.title)}</strong>{table}</div>"


def check_level(level: float) -> float:
    """Check a confidence level is strictly between 0 and 1 and return it."""
    if not 0.0 < float(level) < 1.0:
        raise ParameterError(f"level={level!r} must be strictly between 0 and 1 (e.g. 0.95)")
    return float(level)


def as_period_series(series: pd.Series, *, name: str = "series", min_length: int = 1) -> pd.Series:
    """Return ``series`` as a float Series on a sorted, unique :class:`pandas.PeriodIndex`.

    A :class:`~pandas.DatetimeIndex` is converted to periods of its inferred frequency.
    Missing values are kept (as NaN); models decide what they can do with gaps.

    Parameters
    ----------
    series : pandas.Series
        Values indexed by period (annual, quarterly or monthly).
    name : str
        The argument's name, used in error messages.
    min_length : int
        The fewest non-missing values the caller needs.

    Returns
    -------
    pandas.Series
        float64 values on a PeriodIndex.

    Raises
    ------
    ParameterError
        If the input is not a Series on a period or date index, or is not numeric.
    InsufficientDataError
        If fewer than ``min_length`` values are present.
    """
    if not isinstance(series, pd.Series):
        raise ParameterError(f"{name} must be a pandas Series, got {type(series).__name__}")
    idx = series.index
    if isinstance(idx, pd.DatetimeIndex):
        freq = idx.freqstr or pd.infer_freq(idx)
        if freq is None:
            raise ParameterError(
                f"{name} has a DatetimeIndex without a regular frequency; give a PeriodIndex"
            )
        try:
            # pandas 3 names annual/quarterly date offsets "YE-DEC"/"QE-DEC", which are not
            # period frequencies: let pandas derive the period frequency from the index.
            idx = pd.DatetimeIndex(idx, freq=freq).to_period()
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{name}: cannot turn its dates into periods: {exc}") from None
    if not isinstance(idx, pd.PeriodIndex):
        raise ParameterError(
            f"{name} must be indexed by periods (pandas PeriodIndex), got {type(idx).__name__}"
        )
    if idx.has_duplicates:
        dup = idx[idx.duplicated()][0]
        raise ParameterError(f"{name} has period {dup} more than once")
    try:
        values = pd.to_numeric(series, errors="raise").astype("float64")
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be numeric: {exc}") from None
    out = pd.Series(values.to_numpy(), index=idx, name=series.name).sort_index()
    n = int(np.isfinite(out.to_numpy()).sum())
    if n < min_length:
        raise InsufficientDataError(
            f"{name} has {n} non-missing values; at least {min_length} are needed"
        )
    return out


def coerce_period(value: Any, freq: Any, *, name: str) -> pd.Period:
    """Return ``value`` as a period of frequency ``freq`` (a shock, a window end ...).

    Parameters
    ----------
    value : str, int or pandas.Period
        ``"2020Q1"``, ``"2020-02"``, ``"2020"`` or ``2020`` (a calendar year), or a Period
        (converted to ``freq``, taking its start: the year 2020 is 2020Q1 quarterly).
    freq : str or pandas offset
        The frequency of the series the period belongs to.
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    pandas.Period

    Raises
    ------
    ParameterError
        If ``value`` cannot be read as a period of ``freq``.

    Examples
    --------
    >>> coerce_period(2020, "Q", name="shock")
    Period('2020Q1', 'Q-DEC')
    """
    try:
        if isinstance(value, pd.Period):
            return value.asfreq(freq, how="start")
        if isinstance(value, str | int | np.integer) and not isinstance(value, bool):
            return pd.Period(str(value), freq=freq)
    except (ValueError, TypeError) as exc:
        raise ParameterError(
            f"{name}={value!r} is not a period label of frequency {freq!s}; expected e.g. "
            f"'2020Q1', '2020-02' or '2020' ({exc})"
        ) from None
    raise ParameterError(
        f"{name} must be a period label (str) or a pandas Period, got {type(value).__name__}"
    )


def season(index: pd.PeriodIndex, ppy: int) -> np.ndarray:
    """Return the 0-based season of each period: quarter - 1, month - 1, or 0 for annual."""
    if ppy == 4:
        return np.asarray(index.quarter) - 1
    if ppy == 12:
        return np.asarray(index.month) - 1
    return np.zeros(len(index), dtype="int64")


def seasonal_dummies(index: pd.PeriodIndex, ppy: int) -> np.ndarray:
    """Dummies for seasons 2..ppy (the first season is the base), shape ``(n, ppy - 1)``."""
    s = season(index, ppy)
    return np.column_stack([(s == k).astype(float) for k in range(1, ppy)]).reshape(
        len(index), ppy - 1
    )
