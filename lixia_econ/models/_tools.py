"""Helpers the model modules share: input checks, period arithmetic, design matrices, HAC.

Everything here is public (no leading underscore) because more than one module of
:mod:`lixia_econ.models` uses it; a helper that only one module needs stays private in that
module. Nothing here is part of the package's user-facing API: import the models instead.
Period parsing itself is owned by :mod:`lixia_econ.periods` (:func:`~lixia_econ.periods.
coerce_period`, :func:`~lixia_econ.periods.as_period_series`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lixia_econ.errors import ParameterError
from lixia_econ.periods import FREQ_NAMES, PERIODS_PER_YEAR, coerce_period, periods_per_year

__all__ = [
    "DEFAULT_PRE_YEARS",
    "DEFAULT_PRE_YEARS_ANNUAL",
    "MIN_AR1_DOF",
    "PPY_NAMES",
    "RHO_GRID",
    "AR1Fit",
    "ar1_correlation",
    "ar1_fit",
    "ar1_profile",
    "ar1_reml",
    "ar1_steps",
    "ar1_whiten",
    "check_hac_lags",
    "check_level",
    "check_positive",
    "ci_labels",
    "default_hac_lags",
    "describe_periods",
    "design",
    "fit_gls_ar1",
    "fit_hac",
    "full_range",
    "list_periods",
    "one_blas_thread",
    "ordinals",
    "pct_from_log",
    "pre_window_values",
    "season",
    "seasonal_dummies",
    "select_window",
    "shared_designs",
    "trend_design",
    "trend_error_notes",
    "trim_missing",
    "use_seasons",
]

#: Frequency in words by periods per year (the words are :data:`lixia_econ.periods.FREQ_NAMES`).
PPY_NAMES: dict[int, str] = {PERIODS_PER_YEAR[f]: name for f, name in FREQ_NAMES.items()}

#: Default pre-shock window, years, for quarterly and monthly series.
DEFAULT_PRE_YEARS = 5
#: Default pre-shock window, years, for annual series.
DEFAULT_PRE_YEARS_ANNUAL = 10


# --------------------------------------------------------------------------- messages


def list_periods(periods: Sequence[Any] | pd.Index, limit: int = 12) -> str:
    """Format periods for a message: ``2019, 2022`` (the first ``limit`` and a count)."""
    labels = [str(p) for p in periods]
    if len(labels) > limit:
        return ", ".join(labels[:limit]) + f", ... ({len(labels)} in all)"
    return ", ".join(labels)


def describe_periods(periods: Sequence[Any] | pd.Index, limit: int = 8) -> str:
    """Format periods for a message, keeping both ends: ``2012Q1, 2012Q2, ..., 2019Q4``.

    Returns ``"none"`` for no periods.
    """
    labels = [str(p) for p in periods]
    if len(labels) > limit:
        labels = [*labels[: limit // 2], "...", *labels[-limit // 2 :]]
    return ", ".join(labels) if labels else "none"


def ci_labels(level: float) -> tuple[str, str]:
    """Column labels of an interval at ``level``: ``("lower 95%", "upper 95%")``."""
    pct = f"{100 * level:g}%"
    return f"lower {pct}", f"upper {pct}"


# --------------------------------------------------------------------------- checks


def check_level(level: float) -> float:
    """Check a confidence level is strictly between 0 and 1 and return it."""
    if not 0.0 < float(level) < 1.0:
        raise ParameterError(f"level={level!r} must be strictly between 0 and 1 (e.g. 0.95)")
    return float(level)


def check_positive(series: pd.Series, *, name: str, what: str) -> None:
    """Refuse non-positive values where logs or ratios are taken."""
    bad = series[series <= 0]
    if len(bad):
        raise ParameterError(
            f"{what} needs positive levels (it takes logs or ratios); {name} has "
            f"{bad.iloc[0]!r} at {bad.index[0]}"
            + (f" and {len(bad) - 1} more non-positive values" if len(bad) > 1 else "")
        )


# --------------------------------------------------------------------------- threads


@functools.cache
def _blas_controller() -> Any:
    """Return the ``threadpoolctl`` controller of the BLAS libraries loaded (found once)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - a declared dependency; older environments
        return None
    return ThreadpoolController().select(user_api="blas")


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit BLAS (OpenBLAS, MKL) to one thread inside the block, with ``threadpoolctl``.

    The models multiply small matrices (a state-space model's six states, a design of a
    few columns by a few dozen periods) many times: a BLAS thread pool costs more to wake
    than the work, and two processes each starting one per core oversubscribe a small
    machine (issue 14: on two shared cores ``OPENBLAS_NUM_THREADS=1`` made structural fits
    about twice as fast). The libraries are looked up once per process (finding them takes
    ~40 ms, setting the limit ~20 µs), so the libraries numpy and scipy had loaded by the
    first call are the ones limited. Nothing happens if ``threadpoolctl`` is not installed.
    """
    controller = _blas_controller()
    if controller is None or not controller.lib_controllers:  # pragma: no cover
        yield
        return
    with controller.limit(limits=1):
        yield


# --------------------------------------------------------------------------- periods


def ordinals(index: pd.PeriodIndex) -> np.ndarray:
    """Period ordinals (consecutive integers for consecutive periods)."""
    return np.asarray(index.asi8, dtype="int64")


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


def use_seasons(seasonal: bool | None, ppy: int) -> bool:
    """Whether to add seasonal dummies: by default for quarterly and monthly data, never annual."""
    return ppy > 1 if seasonal is None else bool(seasonal) and ppy > 1


def design(
    columns: list[np.ndarray], index: pd.PeriodIndex, ppy: int, seasonal: bool
) -> np.ndarray:
    """Stack regressors into a design matrix, with seasonal dummies after them if asked."""
    if seasonal:
        columns = [*columns, *seasonal_dummies(index, ppy).T]
    return np.column_stack(columns)


def full_range(s: pd.Series) -> pd.Series:
    """Reindex ``s`` to every period from its first to its last label (gaps become NaN)."""
    full = pd.period_range(s.index[0], s.index[-1], freq=s.index.freq)
    return s.reindex(full)


def trim_missing(s: pd.Series) -> pd.Series:
    """Drop leading and trailing missing values."""
    ok = np.isfinite(s.to_numpy())
    if not ok.any():
        return s.iloc[:0]
    first, last = np.flatnonzero(ok)[[0, -1]]
    return s.iloc[first : last + 1]


def select_window(series: pd.Series, window: Any, *, name: str) -> pd.Series:
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


def pre_window_values(y: pd.Series, shock: pd.Period, pre_window: Any) -> pd.Series:
    """Return the values (observed or missing) of the pre-shock fitting window.

    ``pre_window`` is ``None`` (the :data:`DEFAULT_PRE_YEARS` years before ``shock``,
    :data:`DEFAULT_PRE_YEARS_ANNUAL` for annual data), a number of periods, or a
    ``(start, end)`` pair of period labels ending before ``shock``.
    """
    freq = y.index.freqstr
    before = y[y.index < shock]
    if pre_window is None:
        ppy = periods_per_year(y.index)
        years = DEFAULT_PRE_YEARS_ANNUAL if ppy == 1 else DEFAULT_PRE_YEARS
        return before[before.index >= shock - years * ppy]
    if isinstance(pre_window, int) and not isinstance(pre_window, bool):
        if pre_window < 1:
            raise ParameterError(f"pre_window={pre_window!r} must be a positive number of periods")
        start = shock - pre_window
        return before[before.index >= start]
    if isinstance(pre_window, tuple | list) and len(pre_window) == 2:
        start = None if pre_window[0] is None else coerce_period(pre_window[0], freq, name="start")
        end = None if pre_window[1] is None else coerce_period(pre_window[1], freq, name="end")
        if end is not None and end >= shock:
            raise ParameterError(
                f"pre_window ends at {end}, which is not before the shock {shock}; the "
                "pre-shock window must end before the first affected period"
            )
        out = before
        if start is not None:
            out = out[out.index >= start]
        if end is not None:
            out = out[out.index <= end]
        return out
    raise ParameterError(
        f"pre_window={pre_window!r} is not allowed; give None (the default window), "
        "a number of periods, or a (start, end) pair of period labels"
    )


# --------------------------------------------------------------------------- regression


def trend_design(index: pd.PeriodIndex, origin: pd.Period, ppy: int) -> np.ndarray:
    """Design matrix of the log-linear trend: 1, t (periods from ``origin``), dummies.

    Seasonal dummies are for seasons 2..s (the first season is the reference).
    """
    t = np.asarray(index.asi8 - origin.ordinal, dtype=float)
    cols = [np.ones(len(index)), t]
    if ppy > 1:
        cols += list(seasonal_dummies(index, ppy).T)
    return np.column_stack(cols)


def default_hac_lags(n_obs: int) -> int:
    """Newey and West (1994) rule: floor(4 (n / 100) ** (2 / 9))."""
    return math.floor(4.0 * (n_obs / 100.0) ** (2.0 / 9.0))


def check_hac_lags(hac_lags: int | None, n_obs: int) -> int:
    """Return the Newey–West lags to use: ``hac_lags`` checked, or the default rule."""
    if hac_lags is None:
        return default_hac_lags(n_obs)
    if isinstance(hac_lags, bool) or not isinstance(hac_lags, (int, np.integer)) or hac_lags < 0:
        raise ParameterError(f"hac_lags={hac_lags!r} must be a non-negative integer or None")
    if hac_lags >= n_obs:
        raise ParameterError(f"hac_lags={hac_lags} must be smaller than the {n_obs} observations")
    return int(hac_lags)


def fit_hac(y: np.ndarray, X: Any, lags: int) -> Any:
    """OLS with Newey–West (HAC, Bartlett kernel) covariance and t-based inference."""
    from statsmodels.regression.linear_model import OLS  # not statsmodels.api: 0.3 s more

    return OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)


def pct_from_log(log_rate: Any) -> Any:
    """Percent growth from a log growth rate: 100 (exp(r) - 1)."""
    return 100.0 * np.expm1(log_rate)


# --------------------------------------------------------------------------- AR(1) errors

#: Fewest residual degrees of freedom (observations minus coefficients) with which the AR(1)
#: coefficient of the errors is estimated; below it models assume independent errors and
#: say so in their notes.
MIN_AR1_DOF = 10

#: The AR(1) coefficients searched by :func:`ar1_reml` (step 0.01). The upper end stops
#: short of 1: a unit root leaves a deterministic trend unidentified.
RHO_GRID: np.ndarray = np.round(np.arange(-90, 99) / 100.0, 2)


def ar1_steps(index: pd.PeriodIndex) -> np.ndarray:
    """Periods between consecutive observations (the first is 0): gaps are longer steps."""
    o = ordinals(index)
    return np.concatenate([[0], np.diff(o)]).astype("int64")


def ar1_whiten(a: np.ndarray, rhos: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Whiten rows of ``a`` for stationary AR(1) errors, at each coefficient of ``rhos``.

    With :math:`d_i` periods between observations i - 1 and i, :math:`z_1 = a_1` and
    :math:`z_i = (a_i - \rho^{d_i} a_{i-1}) / \sqrt{1 - \rho^{2 d_i}}` (the Prais–Winsten
    transform for unit marginal variance, exact for gaps because AR(1) is Markov).
    Returns ``z`` stacked as (rhos, *a.shape) and :math:`\log |R|` per coefficient, R the
    errors' correlation matrix; rho = 0 leaves ``a`` as it is. Each coefficient's values
    are those of the transform computed for it alone, bit for bit.
    """
    r = rhos[:, None] ** steps[1:].astype(float)[None, :]
    c = np.sqrt(1.0 - r**2)
    out = np.empty((len(rhos), *a.shape))
    out[:, 0] = a[0]
    if a.ndim == 1:
        out[:, 1:] = (a[1:] - r * a[:-1]) / c
    else:
        out[:, 1:] = (a[1:] - r[:, :, None] * a[:-1]) / c[:, :, None]
    zero = rhos == 0.0
    out[zero] = a
    logdet = np.log(1.0 - r**2).sum(axis=1)
    logdet[zero] = 0.0
    return out, logdet


#: Floats held by one block of stacked AR(1) coefficients in :func:`ar1_profile` and
#: :func:`ar1_fit` (about 64 MB): the grid is taken in blocks that fit.
_GRID_BLOCK_FLOATS = 8_000_000


def _per_rho(n: int, k: int, m: int, p: int = 0) -> int:
    """Return the floats one AR coefficient's stacked arrays take (what blocks are cut by).

    The whitened (n, k) design and (n, m) columns and their products; with ``p`` forecast
    periods, their means and covariance too.
    """
    return n * (2 * k + 2 * m) + p * (m + p)


def _grid_blocks(grid: np.ndarray, per_rho: int) -> list[np.ndarray]:
    """Split ``grid`` into blocks of coefficients whose stacked arrays fit the budget."""
    size = max(1, _GRID_BLOCK_FLOATS // max(per_rho, 1))
    return [grid[i : i + size] for i in range(0, len(grid), size)]


def ar1_profile(X: np.ndarray, Y: np.ndarray, steps: np.ndarray) -> np.ndarray:
    r"""Restricted (REML) deviance of AR(1) regression errors on :data:`RHO_GRID`, per column.

    Returns ``D`` of shape (grid, columns) with
    :math:`D(\rho) = \log|R| + \log|X'R^{-1}X| + (n - k)\log(e'R^{-1}e)`, minus twice the
    restricted log-likelihood up to a constant (columns of ``Y`` share ``X`` and the
    observation times). :math:`\exp(-D/2)` is also the marginal posterior of the AR
    coefficient under flat priors on the coefficients and on log sigma. Columns fitted
    exactly (no residual variance) get 0 at rho = 0 and infinity elsewhere. The grid's
    coefficients are computed together, as stacked matrices, in blocks.
    """
    Y = Y.reshape(len(Y), -1)
    out = np.empty((len(RHO_GRID), Y.shape[1]))
    exact = np.zeros(Y.shape[1], dtype=bool)
    g = 0
    for rhos in _grid_blocks(RHO_GRID, _per_rho(*X.shape, Y.shape[1])):
        Xw, logdet = ar1_whiten(X, rhos, steps)
        Yw, _ = ar1_whiten(Y, rhos, steps)
        Q, obj = _profile_design(Xw, logdet)
        out[g : g + len(rhos)], block_exact = _deviance(Q, obj, Yw, Y, rhos, X.shape)
        if block_exact is not None:
            exact = block_exact
        g += len(rhos)
    out[:, exact] = np.where(RHO_GRID == 0.0, 0.0, np.inf)[:, None]
    return out


def _profile_design(Xw: np.ndarray, logdet: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Return what the deviance takes from the whitened design, per coefficient.

    Its Q, and :math:`\log|R| + \log|X'R^{-1}X|`.
    """
    Q, Rq = np.linalg.qr(Xw)
    diag = np.abs(np.diagonal(Rq, axis1=1, axis2=2))
    return Q, logdet + 2.0 * np.log(diag).sum(axis=1)


def _deviance(
    Q: np.ndarray,
    obj: np.ndarray,
    Yw: np.ndarray,
    Y: np.ndarray,
    rhos: np.ndarray,
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the deviance of the columns at ``rhos`` and which columns are fitted exactly.

    ``Yw`` is ``Y`` whitened at ``rhos``. The second is None when ``rhos`` lacks 0, where
    it is read.
    """
    n, k = shape
    rss = ((Yw - Q @ (Q.transpose(0, 2, 1) @ Yw)) ** 2).sum(axis=1)
    dev = obj[:, None] + (n - k) * np.log(np.maximum(rss, 1e-300))
    if not (rhos == 0.0).any():
        return dev, None
    at0 = rss[np.flatnonzero(rhos == 0.0)[0]]
    return dev, at0 <= 1e-20 * np.maximum((Y**2).sum(axis=0), 1e-300)


def ar1_reml(X: np.ndarray, Y: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """AR(1) coefficient of regression errors by restricted maximum likelihood, per column.

    The minimum of :func:`ar1_profile` on :data:`RHO_GRID` (step 0.01). REML removes most
    of the downward small-sample bias that estimating a trend and seasonal effects puts on
    the AR coefficient (Cheang and Reinsel 2000, *Journal of Time Series Analysis* 21(5)):
    in our simulations with a trend and quarterly dummies and a true 0.6 it averaged 0.56
    with 40 quarters and 0.54 with 20.
    """
    return RHO_GRID[np.argmin(ar1_profile(X, Y, steps), axis=0)]


def ar1_correlation(index: pd.PeriodIndex, rho: float) -> np.ndarray:
    """Correlation matrix of AR(1) errors at the observed periods: rho ** |t_i - t_j|."""
    o = ordinals(index).astype(float)
    return rho ** np.abs(o[:, None] - o[None, :])


def fit_gls_ar1(y: np.ndarray, X: Any, index: pd.PeriodIndex, rho: float) -> Any:
    """GLS with AR(1) errors of coefficient ``rho`` (statsmodels ``GLS``, t inference).

    The covariance of the coefficients is ``s^2 (X' R^-1 X)^-1`` with ``s^2`` the whitened
    residual sum of squares over n - k: the marginal error variance.
    """
    from statsmodels.regression.linear_model import GLS  # not statsmodels.api: 0.3 s more

    return GLS(y, X, sigma=ar1_correlation(index, rho)).fit()


@dataclass(frozen=True)
class AR1Fit:
    r"""Regressions with AR(1) errors, one per column of the input, uncertainty of rho included.

    ``rho`` (columns,) is the REML coefficient and ``beta`` (k, columns) the GLS
    coefficients at it; ``cov`` (columns, k, k) their covariance averaged over the AR
    coefficient: :math:`\sum_\rho w_\rho [C(\rho) + (b(\rho) - b)(b(\rho) - b)']` with
    :math:`w_\rho \propto \exp(-D(\rho)/2)` (:func:`ar1_profile`); ``df`` = n - k.
    ``mean`` (p, columns) and ``pred_cov`` (columns, p, p) are the forecast and its
    covariance, likewise averaged, when forecast periods were given.
    """

    rho: np.ndarray
    beta: np.ndarray
    cov: np.ndarray
    df: float
    mean: np.ndarray | None = None
    pred_cov: np.ndarray | None = None


@dataclass(frozen=True)
class _Design:
    """What the GLS pieces at AR coefficients take from the design alone.

    Stacked along a first axis, one entry a coefficient: the whitened X and log|R|,
    (X'R^-1X)^-1, (X'R^-1X)^-1 X'R^-1/2, and for a forecast the decay rho^h and the
    forecast covariance divided by s^2 (the same for every series with this design).
    """

    Xw: np.ndarray
    logdet: np.ndarray
    xtx_inv: np.ndarray
    proj: np.ndarray
    decay: np.ndarray | None
    base: np.ndarray | None

    def take(self, which: Any) -> _Design:
        """Return the pieces at the coefficients ``which`` (positions)."""
        fields = ("Xw", "logdet", "xtx_inv", "proj", "decay", "base")
        return _Design(*(None if (a := getattr(self, f)) is None else a[which] for f in fields))


def _design(X: np.ndarray, steps: np.ndarray, rs: np.ndarray, Xp: Any, h: Any) -> _Design:
    """Return :class:`_Design` at each AR coefficient of ``rs``."""
    Xw, logdet = ar1_whiten(X, rs, steps)
    XwT = Xw.transpose(0, 2, 1)
    xtx_inv = np.linalg.inv(XwT @ Xw)
    proj = xtx_inv @ XwT
    if Xp is None:
        return _Design(Xw, logdet, xtx_inv, proj, None, None)
    decay = rs[:, None] ** h[None, :]
    A = Xp[None] - decay[:, :, None] * X[-1][None, None, :]
    # rho ** |h_i - h_j|: the powers of the distinct distances, then spread (pow is slow)
    dist, where = np.unique(np.abs(h[:, None] - h[None, :]), return_inverse=True)
    lag = (rs[:, None] ** dist[None, :])[:, where.reshape(-1)].reshape(len(rs), len(h), len(h))
    base = A @ xtx_inv @ A.transpose(0, 2, 1) + lag - decay[:, :, None] * decay[:, None, :]
    return _Design(Xw, logdet, xtx_inv, proj, decay, base)


def _ar1_parts(
    X: np.ndarray,
    Y: np.ndarray,
    steps: np.ndarray,
    rs: np.ndarray,
    Xp: Any,
    h: Any,
    d: _Design | None = None,
    Yw: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Return the GLS pieces at each AR coefficient of ``rs``, stacked along a first axis.

    The coefficients, s^2 per column, (X'R^-1X)^-1, the forecast and the forecast
    covariance divided by s^2 (shared by the columns). ``d`` and ``Yw`` are the design's
    pieces and the whitened ``Y`` at ``rs`` when already at hand (:func:`shared_designs`).
    """
    n, k = X.shape
    if d is None:
        d = _design(X, steps, rs, Xp, h)
    if Yw is None:
        Yw, _ = ar1_whiten(Y, rs, steps)
    beta = d.proj @ Yw
    s2 = ((Yw - d.Xw @ beta) ** 2).sum(axis=1) / (n - k)
    if Xp is None:
        return beta, s2, d.xtx_inv, None, None
    mean = Xp @ beta + d.decay[:, :, None] * (Y[-1] - X[-1] @ beta)[:, None, :]
    return beta, s2, d.xtx_inv, mean, d.base


#: Designs kept by :func:`shared_designs` (None outside it): key -> (pieces, Q, deviance part).
_SHARED: ContextVar[dict[Any, tuple[_Design, np.ndarray, np.ndarray]] | None] = ContextVar(
    "lixia_econ_shared_designs", default=None
)
#: Designs one :func:`shared_designs` block keeps at most (a few MB each).
_SHARED_MAX = 16


@contextmanager
def shared_designs() -> Iterator[None]:
    """Within the block, :func:`ar1_fit` computes what a design alone determines once.

    Series fitted on the same design (regressors, observation times, forecast periods)
    then share the whitened design, its inverse cross-product and the forecast
    covariance's design part at every AR coefficient: the national scorecard fits twelve
    quarterly series on one design and five monthly ones on another. Each fit's numbers
    are those it gets alone, bit for bit (``tests/test_counterfactual.py``); only designs
    whose whole coefficient grid fits one block are kept, at most :data:`_SHARED_MAX`,
    and all are dropped when the block ends.
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _shared_design(
    X: np.ndarray, steps: np.ndarray, Xp: Any, h: Any, m: int
) -> tuple[_Design, np.ndarray, np.ndarray] | None:
    """Return the design's pieces on :data:`RHO_GRID` kept by :func:`shared_designs`.

    Made if new; None outside :func:`shared_designs`, or when the grid takes more than one
    block.
    """
    kept = _SHARED.get()
    if kept is None or m > _AR1_CHUNK:
        return None
    n, k = X.shape
    p = 0 if Xp is None else len(Xp)
    if len(_grid_blocks(RHO_GRID, _per_rho(n, k, m, p))) > 1:
        return None
    key = (X.shape, X.dtype.str, X.tobytes(), steps.tobytes())
    if Xp is not None:
        key += (Xp.shape, Xp.dtype.str, Xp.tobytes(), h.tobytes())
    found = kept.get(key)
    if found is None:
        d = _design(X, steps, RHO_GRID, Xp, h)
        found = (d, *_profile_design(d.Xw, d.logdet))
        if len(kept) < _SHARED_MAX:
            kept[key] = found
    return found


#: Columns fitted together by :func:`ar1_fit` (bounds the memory of the per-coefficient
#: forecasts: coefficients x forecast periods x columns).
_AR1_CHUNK = 2048


def ar1_fit(
    X: np.ndarray,
    Y: np.ndarray,
    steps: np.ndarray,
    Xp: np.ndarray | None = None,
    ahead: np.ndarray | None = None,
    *,
    estimate: bool = True,
) -> AR1Fit:
    r"""Fit regressions with AR(1) errors and, if ``Xp`` is given, forecast them jointly.

    ``X`` (n, k) and ``Y`` (n, m) are the observations (``steps`` from :func:`ar1_steps`);
    ``Xp`` (p, k) are the regressors of the forecast periods and ``ahead`` (p,) how many
    periods each lies after the last observation. At AR coefficient :math:`\rho` the GLS
    coefficients are :math:`b`, :math:`C = s^2 (X'R^{-1}X)^{-1}`, and with the last
    residual :math:`e_T` and :math:`a_h = x_{T+h} - \rho^h x_T` the forecast is
    :math:`x_{T+h}'b + \rho^h e_T` with covariance
    :math:`a_h' C a_j + s^2 (\rho^{|h-j|} - \rho^{h+j})`. The point values are those at the
    REML :math:`\hat\rho`; the covariances average over :math:`\rho` with the weights of
    :class:`AR1Fit`, which keeps the uncertainty of the AR coefficient in the intervals
    (plugging in :math:`\hat\rho` covered 92-94% instead of 95% with 40-60 quarters).
    Without ``estimate`` :math:`\rho = 0`: OLS and its prediction intervals.
    """
    Y = Y.reshape(len(Y), -1)
    n, k = X.shape
    h = None if ahead is None else np.asarray(ahead, dtype=float)
    shared = _shared_design(X, steps, Xp, h, Y.shape[1]) if estimate else None
    if estimate:
        if shared is None:
            dev = ar1_profile(X, Y, steps)
        else:  # ar1_profile, with the design's part computed once for every series
            design, Q, obj = shared
            Yw, _ = ar1_whiten(Y, RHO_GRID, steps)
            dev, exact = _deviance(Q, obj, Yw, Y, RHO_GRID, X.shape)
            dev[:, exact] = np.where(RHO_GRID == 0.0, 0.0, np.inf)[:, None]
        w = np.exp(-(dev - dev.min(axis=0)) / 2.0)
        w /= w.sum(axis=0)
        rho = RHO_GRID[np.argmin(dev, axis=0)]
    else:
        w, rho = np.ones((1, Y.shape[1])), np.zeros(Y.shape[1])
    grid = RHO_GRID if estimate else np.zeros(1)
    m = Y.shape[1]
    beta, cov, mean, pcov = np.empty((k, m)), np.empty((m, k, k)), None, None
    if Xp is not None:
        mean, pcov = np.empty((len(Xp), m)), np.empty((m, len(Xp), len(Xp)))
    for r in np.unique(rho):  # the point values, at the REML coefficient
        cols = np.flatnonzero(rho == r)
        pieces: tuple[Any, ...] = ()
        if shared is not None:  # Y whitened in C order, as alone: matmul sums in another
            at = np.flatnonzero(RHO_GRID == r)[:1]  # order on other layouts (1e-16 apart)
            pieces = (design.take(at), np.ascontiguousarray(Yw[at][:, :, cols]))
        b, _, _, mu, _ = _ar1_parts(X, Y[:, cols], steps, np.array([r]), Xp, h, *pieces)
        beta[:, cols] = b[0]
        if mean is not None:
            mean[:, cols] = mu[0]
    # each column leaves out the coefficients of negligible weight (below 1e-8) on its own,
    # so it gets the same numbers whether it is fitted alone or with others
    w = np.where(w >= 1e-8, w, 0.0)
    used = np.flatnonzero(w.any(axis=1))
    for start in range(0, m, _AR1_CHUNK):
        c = slice(start, min(start + _AR1_CHUNK, m))
        pieces = (
            () if shared is None else (design.take(used), np.ascontiguousarray(Yw[used][:, :, c]))
        )
        _ar1_average(
            X, Y[:, c], steps, grid[used], w[used, c], Xp, h, c, beta, mean, cov, pcov, *pieces
        )
    return AR1Fit(rho, beta, cov, float(n - k), mean, pcov)


def _ar1_average(
    X: np.ndarray,
    Y: np.ndarray,
    steps: np.ndarray,
    grid: np.ndarray,
    w: np.ndarray,
    Xp: Any,
    h: Any,
    c: slice,
    beta: np.ndarray,
    mean: np.ndarray | None,
    cov: np.ndarray,
    pcov: np.ndarray | None,
    design: _Design | None = None,
    Yw: np.ndarray | None = None,
) -> None:
    r"""Fill ``cov[c]`` and ``pcov[c]``: the covariances averaged over the AR coefficients.

    :math:`\sum_g w_g [s_g^2 V_g + d_g d_g']` per column, as matrix products over the
    coefficients ``grid`` (weights ``w``, grid x columns; zero where negligible).
    ``design`` and ``Yw``: the design's pieces and the whitened ``Y`` at ``grid``, when at
    hand (then in one block).
    """
    G, mc = len(grid), Y.shape[1]
    k = X.shape[1]
    B, S2, XI = np.empty((G, k, mc)), np.empty((G, mc)), np.empty((G, k, k))
    p = 0 if Xp is None else len(Xp)
    MU, BASE = np.empty((G, p, mc)), np.empty((G, p, p))
    i = 0
    blocks = [grid] if design is not None else _grid_blocks(grid, _per_rho(X.shape[0], k, mc, p))
    for rs in blocks:
        j = i + len(rs)
        B[i:j], S2[i:j], XI[i:j], mu, base = _ar1_parts(X, Y, steps, rs, Xp, h, design, Yw)
        if p:
            MU[i:j], BASE[i:j] = mu, base
        i = j
    ws2 = (w * S2).T  # columns x grid
    d = (B - beta[None, :, c]).transpose(2, 1, 0)  # columns x k x grid
    cov[c] = (ws2 @ XI.reshape(G, k * k)).reshape(mc, k, k) + (d * w.T[:, None, :]) @ d.transpose(
        0, 2, 1
    )
    if p:
        dm = (MU - mean[None, :, c]).transpose(2, 1, 0)  # columns x p x grid
        pcov[c] = (ws2 @ BASE.reshape(G, p * p)).reshape(mc, p, p) + (
            dm * w.T[:, None, :]
        ) @ dm.transpose(0, 2, 1)


def trend_error_notes(n: int, k: int, rho: float, *, estimate: bool) -> list[str]:
    """Return the notes on the errors of a trend fitted by :func:`ar1_fit`."""
    if not estimate:
        return [
            f"the pre-shock window has {n} observations for {k} coefficients: too few to "
            f"estimate the autocorrelation of the errors (at least {k + MIN_AR1_DOF} are "
            "needed); the interval assumes independent errors (OLS) and is too narrow if "
            "the series is autocorrelated"
        ]
    notes = [
        f"errors: AR(1) with coefficient {rho:.2f} estimated by restricted maximum "
        f"likelihood on the {n} pre-shock values; the path is the GLS trend plus the "
        "decaying last residual"
    ]
    if rho >= 0.9:
        notes.append(
            f"the pre-shock residuals are close to a random walk (AR coefficient {rho:.2f}): "
            "a deterministic trend fits them poorly; compare with method='structural'"
        )
    return notes
