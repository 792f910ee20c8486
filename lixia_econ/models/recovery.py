"""The recovery scorecard: how deep the fall, how fast the return, how much output was lost.

:func:`analyze_recovery` reads one series against its counterfactual "no-shock" path
(:func:`lixia_econ.models.counterfactual.counterfactual`) and returns a
:class:`RecoveryResult` with a dict of metrics, a CausalImpact-style effect table and
plain-language notes. :func:`analyze_recovery_many` does the same for many series at once
with the trend method, fitting every series with one least-squares solve.

Conventions used throughout (stated once here, repeated in the docstrings):

- *window*: the periods from ``shock`` (the first affected period) to ``as_of``;
- *level series*: the input as given (``adjust="none"``) or divided by the pre-shock
  seasonal factors (``adjust="seasonal"``); level metrics (trough, depth, time back to the
  pre-shock level, growth since the trough, shape) are read on it;
- *gap*: ``1 - actual / predicted``, the shortfall from the counterfactual median as a
  share of it; trend metrics (time back on the path, recovered share, output loss) use the
  series as given and the counterfactual, so seasonality cancels.
- Missing periods are never interpolated: metrics use observed periods only and say so in
  ``.notes``.
"""

from __future__ import annotations

import functools
import html
import math
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lixia_econ._checks import check_choice
from lixia_econ.errors import InsufficientDataError, ParameterError
from lixia_econ.models._base import ModelResult
from lixia_econ.models._tools import (
    MIN_AR1_DOF,
    ar1_fit,
    ar1_steps,
    check_level,
    describe_periods,
    one_blas_thread,
    pre_window_values,
    season,
    trend_design,
    trend_error_notes,
)
from lixia_econ.models.counterfactual import (
    ERRORS,
    METHODS,
    CounterfactualResult,
    Errors,
    Method,
    PeriodLike,
    counterfactual,
)
from lixia_econ.models.vocab import METRICS, SHAPES
from lixia_econ.periods import as_period_series, coerce_period, periods_per_year

__all__ = ["RecoveryResult", "analyze_recovery", "analyze_recovery_many", "effect_table"]

Adjust = Literal["none", "seasonal"]
ADJUST: tuple[str, ...] = get_args(Adjust)


# --------------------------------------------------------------------------- pieces


@dataclass
class _PathInput:
    """What the scorecard needs from a counterfactual fit (shared by both paths)."""

    post_index: pd.PeriodIndex  # shock .. last period of the series
    log_mean: np.ndarray
    log_cov: np.ndarray
    df: float | None
    beta: np.ndarray  # log-linear trend on the pre-window: const, slope, seasonal dummies
    pre_index: pd.PeriodIndex  # the observed periods of the pre-shock fitting window


@dataclass
class _Sum:
    """Lognormal (Fenton-Wilkinson) approximation of the cumulative counterfactual."""

    actual: float
    point: float  # sum of medians
    m: float
    v: float
    df: float | None
    n: int

    def quantile_z(self, level: float) -> float:
        return _quantile(0.5 + level / 2, self.df)

    def bounds(self, level: float) -> tuple[float, float]:
        z = self.quantile_z(level)
        return math.exp(self.m - z * math.sqrt(self.v)), math.exp(self.m + z * math.sqrt(self.v))

    def tail_p(self) -> float:
        if self.v <= 0:
            return float("nan")
        z = (math.log(self.actual) - self.m) / math.sqrt(self.v)
        cdf = float(stats.norm.cdf(z) if self.df is None else stats.t.cdf(z, self.df))
        return min(cdf, 1.0 - cdf)


def _lognormal_sum(mu: np.ndarray, cov: np.ndarray, actual: float, df: float | None) -> _Sum:
    """Match a lognormal to the sum of exp(joint normal) by its mean and variance."""
    d = np.diag(cov)
    ex = np.exp(mu + d / 2)
    mean = float(ex.sum())
    var = float((np.outer(ex, ex) * np.expm1(cov)).sum())
    v = math.log1p(var / mean**2)
    m = math.log(mean) - v / 2
    return _Sum(actual, float(np.exp(mu).sum()), m, v, df, len(mu))


def _loglinear_beta(observed: pd.Series, shock: pd.Period, ppy: int) -> np.ndarray:
    """OLS of log values on 1, t and seasonal dummies (numpy; same model as method='trend')."""
    X = trend_design(observed.index, shock, ppy)
    beta, *_ = np.linalg.lstsq(X, np.log(observed.to_numpy()), rcond=None)
    return beta


def _seasonal_factors(beta: np.ndarray, ppy: int) -> np.ndarray:
    """Multiplicative seasonal factors by season (geometric mean 1) from the dummies."""
    if ppy == 1:
        return np.ones(1)
    c = np.concatenate([[0.0], beta[2 : 2 + ppy - 1]])
    return np.exp(c - c.mean())


#: Relative difference below which two levels count as equal (a tie, the trough's "first
#: if tied", "back at the pre-shock level", "below the path"): the scorecard of many series
#: and of one compute the same numbers in a different order, which differ in the last
#: digits, and a flat or constant series must not flip between two answers on them.
TIE = 1e-12

#: A shape pattern counts only if it is larger than this many standard deviations of the
#: difference of two pre-shock values of the level series (``sqrt(2)`` times its noise).
SHAPE_NOISE_Z = 3.0


def _noise_scale(yv: np.ndarray, grid: _Grid, beta: np.ndarray, ppy: int, adjust: str) -> float:
    """Return the s.d. of the log level series around a straight line on the pre-shock window.

    The level series is the one the shape rules read: as given, or divided by the seasonal
    factors with ``adjust="seasonal"``; with the series as given, the seasonal pattern
    counts as noise (the rules compare raw values).
    """
    values = np.log(yv[grid.pre_pos])
    if adjust == "seasonal" and ppy > 1:
        values = values - np.log(_seasonal_factors(beta, ppy))[grid.seasons[grid.pre_pos]]
    resid = values - grid.line @ (grid.line_pinv @ values)
    return float(np.sqrt((resid**2).sum() / max(len(values) - 2, 1)))


def _second_dip(level: np.ndarray, pre: float, threshold: float) -> tuple[bool, str]:
    """Apply the W rule to the observed level series, testing the dips against the noise."""
    low = float(level.min())
    depth = pre - low
    deep = level <= pre - depth / 2
    back = level >= pre - depth / 4
    first_deep = int(np.argmax(deep))
    after = np.flatnonzero(back[first_deep:]) + first_deep
    if not len(after):
        return False, ""
    j = int(after[0])
    later_deep = np.flatnonzero(deep[j:])
    if not len(later_deep):
        return False, ""
    k = j + int(later_deep[0])
    peak = float(level[j:k].max())
    rebound = math.log(peak / float(level[:j].min()))
    second = math.log(peak / float(level[k:].min()))
    if min(rebound, second) <= threshold:
        return False, (
            f"a rebound of {100 * rebound:.1f}% and second dip of {100 * second:.1f}% "
            f"(log points) are not both larger than the noise threshold "
            f"{100 * threshold:.1f}%: not W; "
        )
    return True, (
        "fell more than half the trough depth, came back within a quarter of the depth of "
        f"the pre-shock level (a rebound of {100 * rebound:.1f}%), then fell more than half "
        f"the depth again (a second dip of {100 * second:.1f}%, above the noise threshold "
        f"{100 * threshold:.1f}%)"
    )


def _shape(
    level: np.ndarray,
    trough_i: int,
    pre: float,
    recovered_share: float | None,
    ppy: int,
    threshold: float,
) -> tuple[str | None, str]:
    """Apply the documented V/U/W/L/unclear/none rules to the observed level series."""
    low = float(level[trough_i])
    if low >= pre * (1.0 - TIE):
        return "none", "never below the pre-shock level"
    fall = math.log(pre / low)
    if fall <= threshold:
        return "unclear", (
            f"the fall to the trough, {100 * fall:.1f}% (log points), is within the noise "
            f"threshold {100 * threshold:.1f}%: no shape is read"
        )
    is_w, why_w = _second_dip(level, pre, threshold)
    if is_w:
        return "W", why_w
    shape, why = _single_dip(level, trough_i, pre, recovered_share, ppy)
    return shape, why_w + why


def _single_dip(
    level: np.ndarray, trough_i: int, pre: float, recovered_share: float | None, ppy: int
) -> tuple[str | None, str]:
    """Apply the V/U/L rules (after W is ruled out)."""
    low = float(level[trough_i])
    depth = pre - low
    if trough_i == len(level) - 1:
        return None, "as_of is the trough: the shape cannot be told yet"
    if recovered_share is None:
        return None, "no shortfall from the no-shock path at the trough: shape not defined"
    if recovered_share < 0.5:
        return "L", "less than half of the shortfall from the no-shock path at the trough closed"
    bottom = int((level <= low + depth / 4).sum())
    limit = max(1, ppy // 4)
    if bottom <= limit:
        return (
            "V",
            f"bottom (within a quarter of the depth of the trough) lasted {bottom} period(s)",
        )
    return "U", f"bottom (within a quarter of the depth of the trough) lasted {bottom} periods"


@dataclass(frozen=True)
class _Grid:
    """What every series scored on one period range shares (computed once per range).

    ``yv`` arrays passed with it hold a series' values at every period of ``periods``,
    which ends with the post-shock periods of the path.
    """

    periods: list[pd.Period]  # every period, as Period objects (fast to index)
    shock_pos: int  # position of the shock
    seasons: np.ndarray  # 0-based season of every period
    pre_pos: np.ndarray  # positions of the observed periods of the pre-shock window
    line: np.ndarray  # [1, t - mean(t)] on the pre-shock window (the noise line)
    line_pinv: np.ndarray  # its pseudo-inverse


def _grid(index: pd.PeriodIndex, shock: pd.Period, pre_index: pd.PeriodIndex, ppy: int) -> _Grid:
    """Return the shared pieces for series on ``index`` (a full range through the shock)."""
    first = index[0].ordinal
    t = pre_index.asi8.astype(float)
    line = np.column_stack([np.ones(len(t)), t - t.mean()])
    return _Grid(
        periods=list(index),
        shock_pos=int(shock.ordinal - first),
        seasons=season(index, ppy),
        pre_pos=(pre_index.asi8 - first).astype("int64"),
        line=line,
        line_pinv=np.linalg.pinv(line),
    )


@functools.lru_cache(maxsize=256)
def _quantile(q: float, df: float | None) -> float:
    """Return the normal (``df=None``) or Student t quantile ``q``, cached.

    The scorecards of many series ask for the same few.
    """
    return float(stats.norm.ppf(q) if df is None else stats.t.ppf(q, df))


@dataclass
class _Window:
    """The scored window: periods from the shock to as_of, values and which are observed."""

    start: int  # position of the shock in the grid
    actual: np.ndarray
    observed: np.ndarray  # bool, per period
    as_of: pd.Period  # as asked (may be missing)

    @property
    def positions(self) -> np.ndarray:
        """Positions of the observed periods (0 = the shock)."""
        return np.flatnonzero(self.observed)


def _score_window(
    yv: np.ndarray,
    grid: _Grid,
    shock: pd.Period,
    as_of: pd.Period | None,
    path: _PathInput,
    notes: list[str],
) -> _Window:
    """Check ``as_of`` and return the window from the shock to it."""
    as_of_p = grid.periods[int(np.flatnonzero(np.isfinite(yv))[-1])] if as_of is None else as_of
    if as_of_p < shock:
        raise ParameterError(f"as_of={as_of_p} is before the shock {shock}")
    if as_of_p > path.post_index[-1]:
        raise ParameterError(
            f"as_of={as_of_p} is after the last period of the series ({path.post_index[-1]})"
        )
    start = grid.shock_pos
    a = yv[start : start + (as_of_p - shock).n + 1]
    obs = np.isfinite(a)
    if not obs.any():
        raise InsufficientDataError(
            f"series has no value between the shock {shock} and as_of {as_of_p}"
        )
    if not obs.all():
        missing = [grid.periods[start + i] for i in np.flatnonzero(~obs)]
        notes.append(
            f"{int((~obs).sum())} period(s) between the shock and as_of are missing "
            f"({describe_periods(missing)}): metrics use observed periods only; nothing was "
            "interpolated"
        )
    return _Window(start, a, obs, as_of_p)


def _pre_shock(
    yv: np.ndarray, grid: _Grid, shock: pd.Period, notes: list[str]
) -> tuple[int, float]:
    """Return the position of the last observed pre-shock period and its value."""
    before = np.flatnonzero(np.isfinite(yv[: grid.shock_pos]))
    if not len(before):
        raise InsufficientDataError(f"series has no value before the shock {shock}")
    pre_i = int(before[-1])
    if pre_i != grid.shock_pos - 1:
        notes.append(
            f"the last pre-shock value is for {grid.periods[pre_i]}, not {shock - 1} (missing): "
            "the pre-shock level is that value"
        )
    return pre_i, float(yv[pre_i])


def _level_series(
    w: _Window,
    grid: _Grid,
    pre_i: int,
    pre_value: float,
    beta: np.ndarray,
    ppy: int,
    adjust: str,
    notes: list[str],
) -> tuple[np.ndarray, float]:
    """Return the level series over the window and the pre-shock level (see ``adjust``)."""
    factors = _seasonal_factors(beta, ppy)
    if adjust == "seasonal" and ppy > 1:
        notes.append(
            "level metrics use the series divided by its pre-shock seasonal factors "
            "(log-linear trend with seasonal dummies on the pre-shock window)"
        )
        seasons = grid.seasons[w.start : w.start + len(w.actual)]
        return w.actual / factors[seasons], pre_value / factors[grid.seasons[pre_i]]
    amplitude = float(np.log(factors.max() / factors.min())) if ppy > 1 else 0.0
    if amplitude > 0.02:
        notes.append(
            f"the pre-shock seasonal pattern spans {100 * amplitude:.1f}% of the level: "
            "level metrics compare raw values with the last pre-shock value and mix season "
            "and shock; use adjust='seasonal' or a chained year-on-year index"
        )
    return w.actual, pre_value


def _times_to_recover(
    w: _Window,
    grid: _Grid,
    lvl: np.ndarray,
    pre: float,
    pred: np.ndarray,
    trough_i: int,
    notes: list[str],
) -> tuple[int | None, int | None]:
    """Periods from the shock back to the pre-shock level and back on the no-shock path."""
    oi = w.positions
    last = grid.periods[w.start + int(oi[-1])]
    after = oi[oi >= trough_i]

    def first_from_trough(cond: np.ndarray) -> int | None:
        # the window's periods are consecutive from the shock: position = periods since it
        hits = after[cond[after]]
        return int(hits[0]) if len(hits) else None

    back = pre * (1.0 - TIE)
    to_level = 0 if float(lvl[trough_i]) >= back else first_from_trough(lvl >= back)
    to_trend = first_from_trough(w.actual >= pred * (1.0 - TIE))
    if to_level is None:
        notes.append(f"not back at the pre-shock level by {last}")
    if to_trend is None:
        notes.append(f"not back on the no-shock path by {last}")
    return to_level, to_trend


def _scorecard(
    yv: np.ndarray,
    grid: _Grid,
    shock: pd.Period,
    as_of: pd.Period | None,
    ppy: int,
    path: _PathInput,
    *,
    adjust: str,
    level: float,
) -> tuple[dict[str, Any], _Sum, list[str]]:
    """Compute the metric dict, the cumulative-sum approximation and notes.

    ``yv`` holds the series at every period of ``grid`` (numpy only: the scorecard of
    many series calls this once per series).
    """
    notes: list[str] = []
    w = _score_window(yv, grid, shock, as_of, path, notes)
    pre_i, pre_value = _pre_shock(yv, grid, shock, notes)
    lvl, pre = _level_series(w, grid, pre_i, pre_value, path.beta, ppy, adjust, notes)
    if ppy == 1:
        notes.append("annual data: trough resolution is one year")
    n_w = len(w.actual)
    pred = np.exp(path.log_mean[:n_w])
    gap = 1.0 - w.actual / pred
    oi = w.positions
    t_rel = int(np.argmax(lvl[oi] <= lvl[oi].min() * (1.0 + TIE)))  # the first if tied
    trough_i, asof_i = int(oi[t_rel]), int(oi[-1])
    trough = float(lvl[trough_i])
    if asof_i != n_w - 1:
        notes.append(
            f"as_of {w.as_of} is missing: the last observed period "
            f"{grid.periods[w.start + asof_i]} is used"
        )
    to_level, to_trend = _times_to_recover(w, grid, lvl, pre, pred, trough_i, notes)
    g_tr, g_as = float(gap[trough_i]), float(gap[asof_i])
    recovered: float | None = 1.0 - g_as / g_tr if g_tr > TIE else None
    if recovered is None:
        notes.append("the trough is not below the no-shock path: recovered_share is undefined")
    n_up = asof_i - trough_i  # consecutive periods
    post_growth = 100.0 * ((lvl[asof_i] / trough) ** (ppy / n_up) - 1.0) if n_up > 0 else None
    if post_growth is None:
        notes.append("as_of is the trough: no growth since the trough yet")
    if len(oi) == n_w:
        cov_o, mu_o, actual_o = path.log_cov[:n_w, :n_w], path.log_mean[:n_w], w.actual
    else:
        cov_o = path.log_cov[:n_w, :n_w][np.ix_(oi, oi)]
        mu_o, actual_o = path.log_mean[:n_w][oi], w.actual[oi]
    total = _lognormal_sum(mu_o, cov_o, float(actual_o.sum()), path.df)
    c_lo, c_hi = total.bounds(level)
    noise = _noise_scale(yv, grid, path.beta, ppy, adjust)
    threshold = SHAPE_NOISE_Z * math.sqrt(2.0) * noise
    shape, why = _shape(lvl[oi], t_rel, pre, recovered, ppy, threshold)
    notes.append(f"shape {shape}: {why}")
    metrics: dict[str, Any] = {
        "pre_shock_period": grid.periods[pre_i],
        "pre_shock_level": pre,
        "trough_period": grid.periods[w.start + trough_i],
        "trough_level": trough,
        "trough_depth_pct": 100.0 * (trough / pre - 1.0),
        "periods_to_recover_level": to_level,
        "periods_to_recover_trend": to_trend,
        "output_loss_pct": 100.0 * (1.0 - total.actual / total.point),
        "output_loss_pct_lower": 100.0 * (1.0 - total.actual / c_lo),
        "output_loss_pct_upper": 100.0 * (1.0 - total.actual / c_hi),
        "recovered_share": recovered,
        "gap_at_trough_pct": 100.0 * g_tr,
        "gap_as_of_pct": 100.0 * g_as,
        "post_shock_growth_pct": post_growth,
        "trend_growth_pct": 100.0 * (math.exp(float(path.beta[1]) * ppy) - 1.0),
        "shape": shape,
        "shape_noise_pct": 100.0 * noise,
        "shape_threshold_pct": 100.0 * threshold,
        "as_of": grid.periods[w.start + asof_i],
        "n_periods": len(oi),
    }
    return metrics, total, notes


def _effects(total: _Sum, level: float) -> pd.DataFrame:
    """Build the CausalImpact-style effect table from the cumulative approximation."""
    c_lo, c_hi = total.bounds(level)
    a, c, n = total.actual, total.point, total.n
    cum = {
        "Actual": a,
        "Predicted": c,
        "Predicted lower": c_lo,
        "Predicted upper": c_hi,
        "Absolute effect": a - c,
        "Absolute effect lower": a - c_hi,
        "Absolute effect upper": a - c_lo,
        "Relative effect (%)": 100.0 * (a / c - 1.0),
        "Relative effect lower (%)": 100.0 * (a / c_hi - 1.0),
        "Relative effect upper (%)": 100.0 * (a / c_lo - 1.0),
    }
    avg = {k: (v / n if "Relative" not in k else v) for k, v in cum.items()}
    frame = pd.DataFrame({"Average": avg, "Cumulative": cum})
    p = total.tail_p()
    frame.loc["Tail-area probability p"] = [p, p]
    frame.loc["Probability of an effect (%)"] = [100 * (1 - p), 100 * (1 - p)]
    frame.index.name = "effect"
    return frame


# --------------------------------------------------------------------------- result


class RecoveryResult(ModelResult):
    """The recovery scorecard of one series.

    Attributes
    ----------
    metrics : dict
        The metrics described in :func:`analyze_recovery` (``None`` where not defined).
    counterfactual : CounterfactualResult
        The no-shock path the trend metrics are read against.
    model_result : object
        The fitted statsmodels result of the counterfactual.
    effects : pandas.DataFrame
        CausalImpact-style effect table (see :func:`effect_table`).
    notes : list of str
        Plain-language caveats.
    components : dict of str to RecoveryResult
        The scorecards of the components, when given.
    level : float
        Interval level of the ``*_lower``/``*_upper`` metrics and of :attr:`effects`.
    """

    title = "Recovery scorecard"

    def __init__(
        self,
        *,
        metrics: dict[str, Any],
        sum_: _Sum,
        notes: list[str],
        level: float,
        counterfactual: CounterfactualResult | None = None,
        components: dict[str, RecoveryResult] | None = None,
        name: str | None = None,
    ) -> None:
        self._metrics = metrics
        self._sum = sum_
        self.notes = notes
        self.level = level
        self.counterfactual = counterfactual
        self.model_result = None if counterfactual is None else counterfactual.model_result
        self.components = dict(components or {})
        self.name = name

    @property
    def metrics(self) -> dict[str, Any]:
        """The scorecard's metrics (see :func:`analyze_recovery`; ``None`` where undefined)."""
        return self._metrics

    @property
    def shock(self) -> pd.Period | None:  # type: ignore[override]
        """The first affected period (the counterfactual's), ``None`` without one."""
        return None if self.counterfactual is None else self.counterfactual.shock

    @property
    def actual(self) -> pd.Series | None:  # type: ignore[override]
        """The whole input series, ``None`` without a counterfactual."""
        return None if self.counterfactual is None else self.counterfactual.actual

    @property
    def frame(self) -> pd.DataFrame:
        """The counterfactual path (``actual``, ``predicted``, ``lower``, ``upper``) by period."""
        if self.counterfactual is None:
            return pd.DataFrame(columns=["actual", "predicted", "lower", "upper"])
        return self.counterfactual.frame

    def shape_label(self, lang: str = "en") -> str:
        """Return the recovery shape in words (:data:`~lixia_econ.models.vocab.SHAPES`).

        Parameters
        ----------
        lang : {"en", "zh"}
            Language of the label.

        Returns
        -------
        str
            The shape's label, or a "not yet defined" text when ``shape`` is ``None``.
        """
        check_choice("lang", lang, ("zh", "en"))
        shape = self.metrics.get("shape")
        if shape is None:
            return "形态尚无法判断" if lang == "zh" else "shape not defined yet"
        return SHAPES[shape].label(lang)

    @property
    def effects(self) -> pd.DataFrame:
        """CausalImpact-style effect table over the window, at :attr:`level`."""
        return _effects(self._sum, self.level)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return intervals of the cumulative quantities at ``level``.

        Parameters
        ----------
        level : float
            Coverage, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Rows ``output_loss_pct`` (percent of the cumulative counterfactual),
            ``relative_effect_pct`` (percent), ``cumulative_predicted`` and
            ``cumulative_effect`` (units of the series times periods); columns ``lower``,
            ``upper``.
        """
        level = check_level(level)
        c_lo, c_hi = self._sum.bounds(level)
        a = self._sum.actual
        return pd.DataFrame(
            {
                "lower": [
                    100 * (1 - a / c_lo),
                    100 * (a / c_hi - 1),
                    c_lo,
                    a - c_hi,
                ],
                "upper": [
                    100 * (1 - a / c_hi),
                    100 * (a / c_lo - 1),
                    c_hi,
                    a - c_lo,
                ],
            },
            index=pd.Index(
                [
                    "output_loss_pct",
                    "relative_effect_pct",
                    "cumulative_predicted",
                    "cumulative_effect",
                ],
                name="quantity",
            ),
        )

    def to_frame(self) -> pd.DataFrame:
        """Return the metrics tidy: one row per metric.

        Returns
        -------
        pandas.DataFrame
            Columns ``metric``, ``value`` (object: numbers, periods as str, shape letters,
            ``None``), ``unit``.
        """
        rows = []
        for key, value in self.metrics.items():
            v = str(value) if isinstance(value, pd.Period) else value
            rows.append({"metric": key, "value": v, "unit": _unit(key)})
        return pd.DataFrame(rows, columns=["metric", "value", "unit"])

    def summary(self) -> pd.DataFrame:
        """Return the scorecard as a table a person reads (labels, rounded values, units)."""
        rows = []
        for key, value in self.metrics.items():
            if key.endswith(("_lower", "_upper")):
                continue
            entry = METRICS.get(key)
            label, unit = (key, "") if entry is None else (entry.en, entry.unit)
            if key == "output_loss_pct":
                shown = (
                    f"{value:.2f} [{self.metrics['output_loss_pct_lower']:.2f}, "
                    f"{self.metrics['output_loss_pct_upper']:.2f}] ({100 * self.level:g}%)"
                )
            elif value is None:
                shown = "—"
            elif isinstance(value, float):
                shown = f"{value:.2f}"
            else:
                shown = str(value)
            rows.append({"metric": label, "value": shown, "unit": unit})
        return pd.DataFrame(rows).set_index("metric")

    def _repr_html_(self) -> str:
        name = f" — {html.escape(str(self.name))}" if self.name else ""
        table = self.summary().to_html(classes="lixia-econ-summary", border=0)
        effects = self.effects.round(3).to_html(classes="lixia-econ-effects", border=0)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>{html.escape(self.title)}{name}</strong>{table}"
            f"<p><em>Effects over the window</em></p>{effects}<ul>{notes}</ul></div>"
        )


def _unit(metric: str) -> str:
    entry = METRICS.get(metric)
    return "" if entry is None else entry.unit


def effect_table(result: RecoveryResult, *, level: float | None = None) -> pd.DataFrame:
    """Return the CausalImpact-style effect table of a scorecard.

    Parameters
    ----------
    result : RecoveryResult
        A scorecard from :func:`analyze_recovery`.
    level : float, optional
        Interval level; defaults to the result's.

    Returns
    -------
    pandas.DataFrame
        Columns ``Average`` (per observed period of the window) and ``Cumulative`` (sum over
        the window, units of the series times periods); rows ``Actual``, ``Predicted`` (sum of
        the counterfactual medians), ``Predicted lower/upper``, ``Absolute effect`` (actual
        minus predicted) with ``lower/upper``, ``Relative effect (%)`` (percent of the
        predicted; the same in both columns) with ``lower/upper``, ``Tail-area probability
        p`` and ``Probability of an effect (%)``.

    Notes
    -----
    The cumulative counterfactual is a sum of correlated lognormals (the models are Gaussian
    on logs). Its distribution is approximated by a lognormal with the same mean and variance
    (Fenton–Wilkinson), using the model's full joint covariance of the post-shock log path;
    with the trend method the quantiles are Student t with the residual degrees of freedom.
    The tail-area probability is one-sided, as in CausalImpact: the probability under the
    no-shock model of a cumulative value at least as extreme as the actual one, in the
    direction observed.
    """
    if not isinstance(result, RecoveryResult):
        raise ParameterError(f"result must be a RecoveryResult, got {type(result).__name__}")
    return _effects(result._sum, result.level if level is None else check_level(level))


# --------------------------------------------------------------------------- public


def _k_rule(components: dict[str, RecoveryResult]) -> tuple[bool, str]:
    """K: one component at or above its no-shock path while another closed < half its gap."""
    shares = {k: r.metrics["recovered_share"] for k, r in components.items()}
    gaps = {k: r.metrics["gap_as_of_pct"] for k, r in components.items()}
    up = [k for k, g in gaps.items() if g <= 0]
    down = [k for k, s in shares.items() if s is not None and s < 0.5]
    if up and down:
        return True, (
            f"components diverge: {', '.join(up)} at or above the no-shock path, "
            f"{', '.join(down)} closed less than half of the trough shortfall"
        )
    return False, "components do not diverge"


#: Largest (smallest) absolute value the models compute with; economic figures in any unit
#: are far inside (a country's GDP in yuan is about 1e14).
_MAGNITUDE = 1e100


def _check_magnitudes(series: Any, name: str = "series") -> None:
    """Refuse infinite values, and values too large or small to square, sum or divide.

    Raises
    ------
    ParameterError
        Naming the periods (infinite values) or the magnitude found and what to do.
    """
    if not isinstance(series, pd.Series) or not pd.api.types.is_numeric_dtype(series):
        return  # the counterfactual says what is wrong with it
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    inf = np.isinf(values)
    if inf.any():
        where = ", ".join(str(p) for p in series.index[inf][:5])
        raise ParameterError(
            f"{name} holds infinite values ({where}); a level must be a finite positive "
            "number: fix or drop those periods (a missing value is NaN)"
        )
    size = np.abs(values[np.isfinite(values) & (values != 0)])
    if size.size and (size.max() > _MAGNITUDE or size.min() < 1 / _MAGNITUDE):
        worst = size.max() if size.max() > _MAGNITUDE else size.min()
        raise ParameterError(
            f"{name} has values of magnitude {worst:.3g}, outside 1e-100 to 1e100 where the "
            "model computes exactly; rescale it (e.g. to 亿元, or to an index = 100)"
        )


def analyze_recovery(
    series: pd.Series,
    *,
    shock: PeriodLike,
    method: Method = "trend",
    as_of: PeriodLike | None = None,
    pre_window: int | tuple[PeriodLike | None, PeriodLike | None] | None = None,
    controls: pd.Series | pd.DataFrame | None = None,
    level: float = 0.95,
    adjust: Adjust = "none",
    components: dict[str, pd.Series] | None = None,
    errors: Errors = "ar1",
) -> RecoveryResult:
    """Score the recovery of a series after a shock against its no-shock path.

    Parameters
    ----------
    series : pandas.Series
        Positive levels or a volume index (e.g. year-on-year growth chained into an index,
        each period of 2019 = 100) on an annual, quarterly or monthly PeriodIndex.
    shock : str or pandas.Period
        The first affected period, e.g. ``"2020Q1"``.
    method : {"trend", "ets", "structural"}
        The counterfactual model (:func:`~lixia_econ.models.counterfactual.counterfactual`).
    as_of : str or pandas.Period, optional
        The last period scored; defaults to the last observed period.
    pre_window : int, (start, end) or None
        The pre-shock fitting window (see ``counterfactual``).
    controls : pandas.Series or pandas.DataFrame, optional
        Exogenous regressors for the counterfactual (``"trend"``, ``"structural"``).
    level : float
        Level of the intervals (output loss, effect table).
    adjust : {"none", "seasonal"}
        ``"seasonal"`` reads the level metrics on the series divided by its pre-shock
        seasonal factors (from a log-linear trend with seasonal dummies); ``"none"`` reads
        them on the values as given (right for annual data, chained year-on-year indices and
        seasonally adjusted series).
    components : dict of str to pandas.Series, optional
        Components of the series (sectors, sub-regions), each scored the same way; used for
        the K shape.
    errors : {"ar1", "independent"}
        Errors of the trend counterfactual (see
        :func:`~lixia_econ.models.counterfactual.counterfactual`).

    Returns
    -------
    RecoveryResult
        ``.metrics`` holds (``None`` where not defined, with the reason in ``.notes``):

        - ``pre_shock_period``, ``pre_shock_level``: the last observed period before the shock
          and its (level-series) value;
        - ``trough_period``, ``trough_level``: the lowest observed level in the window
          (the first one if tied);
        - ``trough_depth_pct``: ``100 * (trough / pre_shock_level - 1)``, percent, negative
          for a fall;
        - ``periods_to_recover_level``: periods from the shock to the first observed period, at
          or after the trough, with level >= the pre-shock level (0 if never below it;
          ``None`` if not yet);
        - ``periods_to_recover_trend``: periods from the shock to the first observed period,
          at or after the trough, with actual >= the counterfactual *median* (the point
          prediction, not the lower bound; ``None`` if not yet);
        - ``output_loss_pct`` (with ``output_loss_pct_lower``/``_upper`` at ``level``):
          ``100 * (1 - sum(actual) / sum(predicted))`` over the observed periods of the window,
          percent of the cumulative counterfactual, positive for a loss; the interval maps the
          interval of the cumulative counterfactual (see :func:`effect_table`);
        - ``gap_at_trough_pct``, ``gap_as_of_pct``: ``100 * (1 - actual / predicted)`` at
          the trough and at ``as_of``;
        - ``recovered_share``: ``1 - gap(as_of) / gap(trough)``, the share of the trough's
          shortfall from the no-shock path closed by ``as_of`` (1 = back on the path,
          0 = as far below as at the trough, > 1 above the path); ``None`` if the trough is
          not below the path;
        - ``post_shock_growth_pct``: ``100 * ((level(as_of) / trough) ** (p / n) - 1)``,
          percent per year, with p periods per year and n periods from trough to as_of;
        - ``trend_growth_pct``: ``100 * (exp(b * p) - 1)``, percent per year, where b is the
          slope of the log-linear trend (with seasonal dummies) on the pre-shock window:
          GLS with AR(1) errors for the trend method without controls (see ``errors``), OLS
          otherwise;
        - ``shape`` (see the Notes), ``shape_noise_pct`` and ``shape_threshold_pct`` (the
          pre-shock noise of the level series and the threshold a fall, rebound or second
          dip must exceed to count, percent), ``as_of``, ``n_periods`` (observed periods
          in the window).

    Raises
    ------
    ParameterError
        For bad options (method, adjust, as_of outside the series, ...).
    InsufficientDataError
        If the counterfactual cannot be fitted (too few pre-shock values: the message names
        how many are needed and which periods exist), or there is no value in the window.

    Notes
    -----
    Shape rules, on the observed level series L over the window, with P the pre-shock level,
    T the trough, D = P - T and the noise threshold N (applied in this order):

    1. ``"K"``: components are given, at least one is at or above its own no-shock path at
       ``as_of`` (gap <= 0) while another has ``recovered_share`` < 0.5.
    2. ``"none"``: L never falls below P (D <= 0).
    3. ``"unclear"``: the fall log(P / T) is at most N: within the pre-shock noise, no
       shape is read.
    4. ``"W"``: L falls to P - D/2 or lower, later comes back to P - D/4 or higher, and later
       still falls to P - D/2 or lower again (a second dip at least half as deep), and both
       the rebound (log of the highest level between the two dips over the first low) and
       the second dip (log of that level over the later low) exceed N. A W pattern within
       the noise is not a W: the note says so and the rules go on.
    5. ``None``: ``as_of`` is the trough (too early to tell), or ``recovered_share`` is
       undefined.
    6. ``"L"``: ``recovered_share`` < 0.5 (less than half of the trough's shortfall from the
       no-shock path closed): a lasting level loss.
    7. ``"V"``: the bottom — observed periods with L <= T + D/4 — lasts at most
       max(1, p // 4) periods (one period for annual and quarterly data, three months for
       monthly data); otherwise ``"U"``.

    The noise threshold is ``N = 3 sqrt(2) s``, s the standard deviation of the log level
    series (as given, or seasonally adjusted with ``adjust="seasonal"``; with the series as
    given the seasonal pattern counts as noise) around a straight line over the pre-shock
    window: a change between two values larger than three standard deviations of the
    difference of two noisy values. Both are in ``metrics`` (``shape_noise_pct``,
    ``shape_threshold_pct``, percent = log points times 100). Without the test, 76 of
    3,000 benchmark V-shaped series were labelled W by chance; with it none of 1,000 in
    ``tests/test_simulation.py`` are (README, "Model honesty").

    Sparse series: nothing is interpolated. If the pre-shock window is too short for the
    counterfactual (Lixia's GDP, published for 2012, 2019 and 2022, has two pre-shock points)
    the function refuses with :class:`~lixia_econ.errors.InsufficientDataError`; use the
    growth functions (``cagr``, ``two_year_average_growth``) for such series. Gaps after the
    shock are allowed: metrics use the observed periods and ``.notes`` lists the missing
    ones (a missing period may hide the true trough).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.period_range("2012Q1", "2023Q4", freq="Q")
    >>> t = np.arange(len(idx), dtype=float)
    >>> dip = np.where(idx == pd.Period("2020Q1"), 0.9, 1.0)
    >>> y = pd.Series(100 * np.exp(0.015 * t) * dip, index=idx)
    >>> res = analyze_recovery(y, shock="2020Q1")
    >>> res.metrics["trough_period"], res.metrics["shape"]
    (Period('2020Q1', 'Q-DEC'), 'V')
    """
    check_choice("method", method, METHODS)
    check_choice("adjust", adjust, ADJUST)
    level = check_level(level)
    _check_magnitudes(series)
    cf = counterfactual(
        series,
        shock=shock,
        method=method,
        pre_window=pre_window,
        controls=controls,
        level=level,
        errors=errors,
    )
    y = cf.actual
    ppy = periods_per_year(y.index)
    full = pd.period_range(y.index[0], cf.post_index[-1], freq=y.index.freqstr)
    y = y.reindex(full)
    as_of_p = None if as_of is None else coerce_period(as_of, y.index.freqstr, name="as_of")
    pre_obs = y.loc[cf.pre_window]
    if method == "trend" and controls is None:
        beta = np.asarray(cf.model_result.params, dtype=float)
    else:
        beta = _loglinear_beta(pre_obs, cf.shock, ppy)
    path = _PathInput(cf.post_index, cf.log_mean, cf.log_cov, cf.df, beta, cf.pre_window)
    grid = _grid(y.index, cf.shock, cf.pre_window, ppy)
    metrics, total, notes = _scorecard(
        y.to_numpy(dtype="float64"), grid, cf.shock, as_of_p, ppy, path, adjust=adjust, level=level
    )
    notes = cf.notes + notes
    comp_results: dict[str, RecoveryResult] = {}
    if components:
        if not isinstance(components, dict):
            raise ParameterError(
                f"components must be a dict of name -> Series, got {type(components).__name__}"
            )
        for name, comp in components.items():
            comp_results[str(name)] = analyze_recovery(
                comp,
                shock=cf.shock,
                method=method,
                as_of=metrics["as_of"],
                pre_window=pre_window,
                level=level,
                adjust=adjust,
                errors=errors,
            )
            comp_results[str(name)].name = str(name)
        is_k, why = _k_rule(comp_results)
        if is_k:
            metrics["shape"] = "K"
            notes = [n for n in notes if not n.startswith("shape ")] + [f"shape K: {why}"]
        else:
            notes.append(f"not K: {why}")
    notes.append(
        "output loss interval: lognormal approximation of the cumulative counterfactual from "
        f"the model's joint predictive distribution ({method} method)"
    )
    return RecoveryResult(
        metrics=metrics,
        sum_=total,
        notes=notes,
        level=level,
        counterfactual=cf,
        components=comp_results,
        name=None if series.name is None else str(series.name),
    )


def analyze_recovery_many(
    frame: pd.DataFrame,
    *,
    shock: PeriodLike,
    method: Literal["trend"] = "trend",
    as_of: PeriodLike | None = None,
    pre_window: int | tuple[PeriodLike | None, PeriodLike | None] | None = None,
    level: float = 0.95,
    adjust: Adjust = "none",
    errors: Errors = "ar1",
) -> pd.DataFrame:
    """Score many series at once with the trend method (one least-squares solve).

    Parameters
    ----------
    frame : pandas.DataFrame
        One column per series (positive levels), indexed by an annual, quarterly or monthly
        PeriodIndex.
    shock, as_of, pre_window, level, adjust, errors
        As in :func:`analyze_recovery`; ``as_of`` defaults to each series' last observed
        period.
    method : {"trend"}
        Only the trend method is vectorised; loop over :func:`analyze_recovery` for the
        others.

    Returns
    -------
    pandas.DataFrame
        One row per column of ``frame`` (index = column names), one column per metric (the
        keys of :attr:`RecoveryResult.metrics`), plus ``notes`` (the notes joined by "; ").
        Equal to :func:`analyze_recovery` series by series.

    Raises
    ------
    ParameterError
        For a bad frame or options.
    InsufficientDataError
        If a series cannot be scored (the message names the column).

    Notes
    -----
    Columns observed at every period of the pre-shock window share one design matrix X and
    observation times, so the AR(1) coefficients of all of them come from one vectorised
    REML grid search and the GLS coefficients and joint prediction covariances from one
    solve per distinct coefficient (closed form, see
    :func:`~lixia_econ.models._tools.ar1_fit`). Columns with gaps in the window are
    fitted one by one (same model).
    """
    check_choice("method", method, ("trend",))
    check_choice("adjust", adjust, ADJUST)
    check_choice("errors", errors, ERRORS)
    level = check_level(level)
    values, ppy, shock_p = _many_values(frame, shock)
    as_of_p = None if as_of is None else coerce_period(as_of, values.index.freqstr, name="as_of")
    window = pre_window_values(values.iloc[:, 0], shock_p, pre_window).index
    complete = np.isfinite(values.loc[window].to_numpy()).all(axis=0)
    rows: dict[Any, dict[str, Any]] = {}
    if complete.any() and len(window) >= 2 + (ppy - 1) + 2:
        arr = values.to_numpy()
        grid = _grid(values.index, shock_p, window, ppy)
        with one_blas_thread():
            paths = _joint_trend_paths(
                values.loc[window, complete],
                np.flatnonzero(complete),
                shock_p,
                values.index,
                ppy,
                errors,
            )
        for j, col, path, fit_notes in paths:
            try:
                metrics, _, notes = _scorecard(
                    arr[:, j], grid, shock_p, as_of_p, ppy, path, adjust=adjust, level=level
                )
                if ppy == 1:  # in the order analyze_recovery gives them
                    fit_notes = [*fit_notes, "annual data: the path has one point per year"]
                notes = fit_notes + notes
            except InsufficientDataError as exc:
                raise InsufficientDataError(f"frame[{col!r}]: {exc}") from None
            metrics["notes"] = "; ".join(notes)
            rows[col] = metrics
        rest = values.columns[~complete]
    else:
        rest = values.columns
    for col in rest:
        try:
            res = analyze_recovery(
                values[col],
                shock=shock_p,
                method="trend",
                as_of=as_of_p,
                pre_window=pre_window,
                level=level,
                adjust=adjust,
                errors=errors,
            )
        except InsufficientDataError as exc:
            raise InsufficientDataError(f"frame[{col!r}]: {exc}") from None
        metrics = dict(res.metrics)
        metrics["notes"] = "; ".join(n for n in res.notes if not n.startswith("output loss"))
        rows[col] = metrics
    out = pd.DataFrame.from_dict(rows, orient="index").reindex(values.columns)
    out.index.name = "series"
    return out


def _many_values(frame: pd.DataFrame, shock: PeriodLike) -> tuple[pd.DataFrame, int, pd.Period]:
    """Return ``frame`` as positive floats on a full period range through the shock."""
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.shape[1] == 0:
        raise ParameterError("frame has no columns; expected one column per series")
    idx = as_period_series(
        pd.Series(np.zeros(len(frame)), index=frame.index), name="frame's index"
    ).index
    ppy = periods_per_year(idx)
    freq = idx.freqstr
    shock_p = coerce_period(shock, freq, name="shock")
    if all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        values = frame.astype("float64")  # as below, without a conversion per column
    else:
        try:
            values = frame.apply(pd.to_numeric, errors="raise").astype("float64")
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"frame must be numeric: {exc}") from None
    if isinstance(values.index, pd.DatetimeIndex):
        values.index = values.index.to_period(freq)
    values = values.sort_index()
    full = pd.period_range(min(values.index[0], shock_p), max(values.index[-1], shock_p), freq=freq)
    values = values.reindex(full)
    arr = values.to_numpy()
    if (arr[np.isfinite(arr)] <= 0).any():
        col = values.columns[(values <= 0).any()][0]
        raise ParameterError(f"frame[{col!r}] must be positive levels (models use logs)")
    return values, ppy, shock_p


def _joint_trend_paths(
    pre: pd.DataFrame,
    positions: np.ndarray,
    shock: pd.Period,
    index: pd.PeriodIndex,
    ppy: int,
    errors: str,
) -> list[tuple[int, Any, _PathInput, list[str]]]:
    """Fit the trend model to every column of ``pre`` at once.

    Returns, per column, its position in the frame (``positions``), its name, its path and
    notes.

    The columns share the design X, so the AR(1) coefficients come from one grid search
    over every column (:func:`~lixia_econ.models._tools.ar1_reml`) and the GLS coefficients
    from one solve per distinct coefficient: the same numbers as ``method="trend"``.
    """
    post_index = index[index >= shock]
    X = trend_design(pre.index, shock, ppy)
    Xp = trend_design(post_index, shock, ppy)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise InsufficientDataError("the pre-shock window does not observe every season")
    n, k = X.shape
    estimate = errors == "ar1" and n - k >= MIN_AR1_DOF
    ahead = (post_index.asi8 - pre.index[-1].ordinal).astype(float)
    fc = ar1_fit(X, np.log(pre.to_numpy()), ar1_steps(pre.index), Xp, ahead, estimate=estimate)
    out = []
    notes_by_rho: dict[float, list[str]] = {}  # the notes depend on rho only (a grid value)
    for j, col in enumerate(pre.columns):
        path = _PathInput(
            post_index, fc.mean[:, j], fc.pred_cov[j], fc.df, fc.beta[:, j], pre.index
        )
        r = float(fc.rho[j])
        if r not in notes_by_rho:
            notes_by_rho[r] = trend_error_notes(n, k, r, estimate=estimate)
        out.append((int(positions[j]), col, path, list(notes_by_rho[r]) if errors == "ar1" else []))
    return out
