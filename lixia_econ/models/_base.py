"""The results interface: what every lixia_econ results object has, declared once.

Every model returns a subclass of :class:`ModelResult`. Code that reads results (``viz``,
``compare``, the report layer) uses only these members, never a guess at attribute names:

========================  ==================================================================
``shock``                 The first affected period (:class:`pandas.Period`), or ``None`` for a
                          result with no shock (trend growth, trend–cycle, seasonal adjustment,
                          temporal disaggregation).
``actual``                The observed input series (PeriodIndex), or ``None`` where the
                          result has none (temporal disaggregation: its input is low-frequency).
``frame``                 The per-period values, a :class:`pandas.DataFrame` on a
                          PeriodIndex. A result that compares the data with a model path has
                          columns ``actual`` and ``predicted`` (and ``lower``/``upper`` where the
                          model gives an interval), so it can be charted against its path.
``notes``                 Plain-language caveats, a list of str (empty when there are none).
``metrics``               The headline numbers by metric name, a dict; names, labels and units
                          are in :data:`lixia_econ.models.vocab.METRICS`.
``summary()``             A :class:`pandas.DataFrame` a person reads (labelled rows, rounded).
``to_frame()``            The tidy numbers, one row per quantity or period.
``conf_int(level=0.95)``  A frame with ``lower`` and ``upper`` columns; raises
                          :class:`~lixia_econ.errors.ParameterError` (or
                          :class:`~lixia_econ.errors.InsufficientDataError`) where the method
                          has no sampling distribution.
``_repr_html_()``         What JupyterLab shows: title, summary and notes.
``model_result``          The underlying statsmodels result, or ``None`` where there is none.
========================  ==================================================================
"""

from __future__ import annotations

import abc
import html
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from lixia_econ.errors import ParameterError

__all__ = ["HACRegressionResult", "ModelResult", "ResultLike"]


@runtime_checkable
class ResultLike(Protocol):
    """The part of the results interface that charts read, as a structural type.

    Every :class:`ModelResult` is one; so is any object with these attributes, which lets
    a caller chart a hand-made result (``isinstance(obj, ResultLike)`` checks the names).
    """

    shock: pd.Period | None
    actual: pd.Series | None
    frame: pd.DataFrame


class ModelResult(abc.ABC):
    """Abstract base class of lixia_econ's results objects (the results interface).

    Subclasses implement :attr:`frame`, :meth:`summary` and :meth:`to_frame`, set
    :attr:`notes` (and :attr:`shock`, :attr:`actual` where they have them), and override
    :meth:`conf_int` and :attr:`metrics` where the defaults do not fit. See the module
    docstring for what each member means.
    """

    #: Heading shown above the summary table.
    title: str = "Result"
    #: The underlying statsmodels result, or ``None`` where the method has none.
    model_result: Any = None
    #: The first affected period, or ``None`` for a result with no shock.
    shock: pd.Period | None = None
    #: The observed input series, or ``None`` where the result has none.
    actual: pd.Series | None = None
    #: Plain-language caveats (set by every subclass).
    notes: list[str]

    @property
    @abc.abstractmethod
    def frame(self) -> pd.DataFrame:
        """The per-period values on a PeriodIndex (``actual``/``predicted`` where a path)."""

    @abc.abstractmethod
    def summary(self) -> pd.DataFrame:
        """Return a table a person reads."""

    @abc.abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """Return the tidy numbers, one row per quantity or period."""

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return the confidence intervals, columns ``lower`` and ``upper``.

        Raises
        ------
        ParameterError
            By default: the result has no interval.
        """
        raise ParameterError(f"{type(self).__name__} has no confidence interval")

    @property
    def metrics(self) -> dict[str, Any]:
        """The headline numbers by metric name (see :data:`lixia_econ.models.vocab.METRICS`).

        By default the ``estimate`` of each ``quantity`` row of :meth:`to_frame`; empty for
        results whose tidy frame is one row per period.
        """
        tidy = self.to_frame()
        if {"quantity", "estimate"} <= set(tidy.columns):
            return {
                str(q): float(v) for q, v in zip(tidy["quantity"], tidy["estimate"], strict=True)
            }
        return {}

    def __repr__(self) -> str:
        try:
            body = self.summary().to_string()
        except Exception as exc:  # repr must never raise
            body = f"<summary unavailable: {exc}>"
        return f"{self.title}\n{body}"

    def _repr_html_(self) -> str:
        table = self.summary().to_html(classes="lixia-econ-summary", border=0, na_rep="—")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>{html.escape(self.title)}</strong>{table}"
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


class HACRegressionResult(ModelResult):
    """Base of the results of an OLS on periods with HAC errors (trend growth, ITS).

    Holds what both keep: the statsmodels fit, periods per year, Newey–West lags, whether
    seasonal dummies were used, the interval level, fitted values and the observations
    (``actual``); :attr:`frame` puts the observations beside the model's path
    (:meth:`_path`).
    """

    def __init__(
        self,
        *,
        model_result: Any,
        ppy: int,
        hac_lags: int,
        seasonal: bool,
        level: float,
        fitted: pd.Series,
        actual: pd.Series | None,
    ) -> None:
        self.model_result = model_result
        self.ppy = ppy
        self.hac_lags = hac_lags
        self.seasonal = seasonal
        self.level = level
        self.fitted = fitted
        self.periods = fitted.index
        self.actual = actual
        self.notes: list[str] = []

    def _path(self) -> pd.Series:
        """Return the model's path shown as ``predicted`` in :attr:`frame` (default: fitted)."""
        return self.fitted

    @property
    def frame(self) -> pd.DataFrame:
        """By observed period: ``actual`` and ``predicted`` (the model's path), input units."""
        actual = self.fitted * float("nan") if self.actual is None else self.actual
        return pd.DataFrame(
            {"actual": actual.reindex(self.periods), "predicted": self._path()},
            index=self.periods,
        )
