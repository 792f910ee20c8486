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

from lixia_econ.errors import ParameterError
from lixia_econ.periods import as_period_series, coerce_period

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
