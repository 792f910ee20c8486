"""Counterfactual "no-COVID" paths projected from a pre-shock window.

One function, :func:`counterfactual`, fits a model on the periods before the shock and
projects the path the series would have followed without it, with intervals from the model:

- ``"trend"``: log-linear regression (intercept, time, seasonal dummies where the frequency
  has seasons, optional log controls) with AR(1) errors: the AR coefficient by restricted
  maximum likelihood (REML) on the pre-shock window, the coefficients by GLS, the path is
  the trend plus the last pre-shock residual decaying at the AR rate, and the prediction
  intervals (Student t, n - k degrees of freedom) add the GLS coefficient uncertainty to
  the AR forecast-error variance and average both over the uncertainty of the AR
  coefficient (weights from the restricted likelihood, :func:`~lixia_econ.models._tools.
  ar1_fit`); mapped back to levels with ``exp``. Why: quarter-to-quarter errors of
  regional series are never independent, and the OLS interval, which assumes they are,
  covered the truth in 94% (AR coefficient 0.3) and 90% (0.6) of simulated values with 40
  pre-shock quarters, 87% (0.6) with 20, for a nominal 95%; this interval covers 96% at
  coefficients 0 to 0.6 (``tests/test_simulation.py``, README "Model honesty"). Plugging
  in the estimated coefficient instead of averaging over it covered 93-94% at 0.6. REML
  rather than maximum likelihood or the residual autocorrelation because those are biased
  down in short windows with a trend and seasonal dummies (Cheang and Reinsel 2000); the
  REML estimate averaged 0.56 (40 quarters) and 0.54 (20) at a true 0.6. A residual
  block bootstrap needs far longer windows than five years of quarters, and a
  state-space trend is what ``"structural"`` already
  is. With fewer than :data:`~lixia_econ.models._tools.MIN_AR1_DOF` residual degrees of
  freedom (e.g. the default ten-year annual window) the coefficient cannot be estimated:
  the errors are taken as independent (OLS intervals) and ``notes`` says so.
  ``errors="independent"`` asks for the OLS intervals;
- ``"ets"``: statsmodels ``ETSModel`` on logs (additive error and trend, additive seasonal
  where the frequency has seasons); analytical prediction intervals, with the residual
  variance rescaled from SSE/n (statsmodels) to SSE/(n - k), k the number of estimated
  parameters, and Student t quantiles with n - k degrees of freedom. Without that correction
  the 95% intervals covered 88% of true no-shock values in our simulation (200 quarterly
  series, 40 pre-shock points; see tests/test_counterfactual.py); with it, 93%. With AR(1)
  noise of coefficient 0.3 or 0.6 it covers 92% (README "Model honesty"): the bottom of
  the acceptable band, because the intervals leave out the uncertainty of the estimated
  initial states; prefer ``"trend"`` or ``"structural"`` for autocorrelated series;
- ``"structural"``: statsmodels ``UnobservedComponents`` on logs (local linear trend,
  stochastic seasonal where the frequency has seasons, optional log controls as regressors
  whose coefficients are states, so the Kalman filter estimates them and the intervals
  carry their uncertainty; exactly diffuse initial states); Kalman-filter forecast
  intervals (normal). The variances are fitted by L-BFGS-B on their logs, scaled by and
  started from the residual variance of the trend fit, with a floor
  (:data:`STRUCTURAL_MIN_VARIANCE`): statsmodels' own ``fit`` took 1-4 s and about 170
  iterations on the CausalImpact anchor case (a series that is 1.3 times its control)
  and stopped with "failed to converge", because a control that fits exactly sends every
  variance to zero, where the likelihood has no maximum; this fit converges there at the
  floor, and elsewhere in about 25 iterations to a likelihood at least as high
  (``tests/test_counterfactual.py``, ``benchmarks/bench_structural.py``).

All three models are Gaussian on the log scale, so the result keeps the joint predictive
distribution of the log path over the post-shock periods (mean vector, covariance matrix and,
for the trend, the degrees of freedom). Pointwise intervals come from its diagonal; the
cumulative effects in :mod:`lixia_econ.models.recovery` use the whole matrix.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from lixia_econ._checks import check_choice
from lixia_econ.errors import InsufficientDataError, ParameterError
from lixia_econ.models._base import ModelResult
from lixia_econ.models._tools import (
    DEFAULT_PRE_YEARS,
    DEFAULT_PRE_YEARS_ANNUAL,
    MIN_AR1_DOF,
    ar1_fit,
    ar1_steps,
    check_level,
    describe_periods,
    fit_gls_ar1,
    one_blas_thread,
    pre_window_values,
    trend_design,
    trend_error_notes,
)
from lixia_econ.models.vocab import METHODS, Method
from lixia_econ.periods import as_period_series, coerce_period, periods_per_year

__all__ = [
    "DEFAULT_PRE_YEARS",
    "DEFAULT_PRE_YEARS_ANNUAL",
    "ERRORS",
    "METHODS",
    "CounterfactualResult",
    "counterfactual",
]

Errors = Literal["ar1", "independent"]
#: The error models of the trend method (from :data:`Errors`).
ERRORS: tuple[str, ...] = get_args(Errors)
PeriodLike = str | pd.Period


# --------------------------------------------------------------------------- helpers


def _min_points(method: str, ppy: int, n_controls: int) -> tuple[int, str]:
    """Fewest pre-shock observations a method needs, and why."""
    if method == "trend":
        k = 2 + (ppy - 1) + n_controls
        return k + 2, f"{k} coefficients + 2 residual degrees of freedom"
    if method == "ets":
        need = max(2 * ppy + 4, 8)
        return need, "two full seasonal cycles plus four points for the smoothing parameters"
    need = max(2 * ppy + 4, 8) + n_controls
    return need, "two full seasonal cycles plus the variances and regression coefficients"


def _as_controls(controls: Any, index: pd.PeriodIndex) -> pd.DataFrame | None:
    """Return controls as a DataFrame of logs on ``index``; check coverage and sign."""
    if controls is None:
        return None
    if isinstance(controls, pd.Series):
        controls = controls.to_frame(name=controls.name if controls.name is not None else "x0")
    if not isinstance(controls, pd.DataFrame):
        raise ParameterError(
            f"controls must be a pandas Series or DataFrame on a PeriodIndex, got "
            f"{type(controls).__name__}"
        )
    cols = {}
    for col in controls.columns:
        s = as_period_series(controls[col], name=f"controls[{col!r}]")
        s.index = s.index.asfreq(index.freqstr) if s.index.freqstr != index.freqstr else s.index
        aligned = s.reindex(index)
        missing = index[~np.isfinite(aligned.to_numpy())]
        if len(missing):
            raise InsufficientDataError(
                f"controls[{col!r}] must cover every period of the pre-shock window and the "
                f"post-shock periods; missing {describe_periods(missing)}"
            )
        if (aligned <= 0).any():
            bad = aligned[aligned <= 0]
            raise ParameterError(
                f"controls[{col!r}] must be positive levels (they enter as logs); found "
                f"{bad.iloc[0]!r} at {bad.index[0]}"
            )
        cols[str(col)] = np.log(aligned.to_numpy())
    return pd.DataFrame(cols, index=index)


# --------------------------------------------------------------------------- result


def _gap_pct(actual: Any, predicted: Any) -> Any:
    """Gap of the actual to the path, percent of the path: ``100 (actual / predicted - 1)``."""
    return 100.0 * (actual / predicted - 1.0)


@dataclass
class _LogPath:
    """Joint Gaussian (or Student t) predictive distribution of the log path."""

    mean: np.ndarray
    cov: np.ndarray
    df: float | None  # None = normal

    def quantile(self, q: float | np.ndarray) -> np.ndarray:
        if self.df is None:
            return stats.norm.ppf(q)
        return stats.t.ppf(q, self.df)


class CounterfactualResult(ModelResult):
    """A projected "no-shock" path with intervals from the model.

    Attributes
    ----------
    frame : pandas.DataFrame
        Indexed by the post-shock periods (from ``shock`` to the last period of the series):
        ``actual`` (NaN where not observed), ``predicted`` (the median of the predictive
        distribution on the level scale, ``exp`` of the log-scale mean), ``lower`` and
        ``upper`` (pointwise prediction interval at ``level``). Units are those of the input.
    method : str
        ``"trend"``, ``"ets"`` or ``"structural"``.
    shock : pandas.Period
        The first affected period.
    pre_window : pandas.PeriodIndex
        The periods the model was fitted on (observed values only for ``"trend"``).
    level : float
        The level of the intervals in :attr:`frame`.
    model_result : object
        The fitted statsmodels result (``RegressionResults``, ``ETSResults`` or
        ``UnobservedComponentsResults``).
    actual : pandas.Series
        The whole input series (float, PeriodIndex).
    log_mean, log_cov : numpy.ndarray
        Mean vector and covariance matrix of the joint predictive distribution of the log
        values over the post-shock periods.
    df : float or None
        Degrees of freedom of the Student t predictive distribution (``"trend"``, ``"ets"``);
        ``None`` for a normal one (``"structural"``).
    rho : float or None
        AR(1) coefficient of the trend model's errors (0 when they are taken as
        independent); ``None`` for the other methods.
    notes : list of str
        Plain-language caveats.
    """

    title = "Counterfactual (no-shock) path"

    def __init__(
        self,
        *,
        actual: pd.Series,
        post_index: pd.PeriodIndex,
        log_path: _LogPath,
        method: str,
        shock: pd.Period,
        pre_window: pd.PeriodIndex,
        level: float,
        model_result: Any = None,
        notes: list[str] | None = None,
        rho: float | None = None,
    ) -> None:
        self.actual = actual
        self.rho = rho
        self.method = method
        self.shock = shock
        self.pre_window = pre_window
        self.level = level
        self.model_result = model_result
        self.notes = list(notes or [])
        self._path = log_path
        self.post_index = post_index
        frame = self._interval_frame(level)
        frame.insert(0, "actual", actual.reindex(post_index).to_numpy())
        self._frame = frame

    @property
    def frame(self) -> pd.DataFrame:
        """The path by post-shock period: ``actual``, ``predicted``, ``lower``, ``upper``."""
        return self._frame

    @property
    def metrics(self) -> dict[str, Any]:
        """``last_gap_pct``: the gap at the last observed period, percent of the path."""
        observed = self._frame.dropna(subset=["actual"])
        if observed.empty:
            return {"last_gap_pct": None}
        last = observed.iloc[-1]
        return {"last_gap_pct": float(_gap_pct(last["actual"], last["predicted"]))}

    @property
    def log_mean(self) -> np.ndarray:
        """Mean of the log path over the post-shock periods."""
        return self._path.mean

    @property
    def log_cov(self) -> np.ndarray:
        """Covariance of the log path over the post-shock periods."""
        return self._path.cov

    @property
    def df(self) -> float | None:
        """Degrees of freedom of the t predictive distribution, or ``None`` (normal)."""
        return self._path.df

    def _interval_frame(self, level: float) -> pd.DataFrame:
        q = float(self._path.quantile(0.5 + level / 2))
        sd = np.sqrt(np.diag(self._path.cov))
        mu = self._path.mean
        return pd.DataFrame(
            {
                "predicted": np.exp(mu),
                "lower": np.exp(mu - q * sd),
                "upper": np.exp(mu + q * sd),
            },
            index=self.post_index,
        )

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Return pointwise prediction intervals of the no-shock path.

        Parameters
        ----------
        level : float
            Coverage of the interval, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            Indexed by post-shock period, columns ``lower`` and ``upper`` (units of the input).
        """
        level = check_level(level)
        if level == self.level:
            return self.frame[["lower", "upper"]].copy()
        return self._interval_frame(level)[["lower", "upper"]]

    def to_frame(self) -> pd.DataFrame:
        """Return the tidy path: one row per post-shock period.

        Returns
        -------
        pandas.DataFrame
            Columns ``period`` (str), ``actual``, ``predicted``, ``lower``, ``upper``,
            ``gap_pct`` (percent of the counterfactual: ``100 * (actual / predicted - 1)``),
            ``method`` and ``level``.
        """
        out = self.frame.copy()
        out["gap_pct"] = _gap_pct(out["actual"], out["predicted"])
        out.insert(0, "period", out.index.astype(str))
        out["method"] = self.method
        out["level"] = self.level
        return out.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Return the path rounded for reading, with the gap to the counterfactual in percent."""
        out = self.frame.copy()
        out["gap_pct"] = _gap_pct(out["actual"], out["predicted"])
        out.index = out.index.astype(str)
        out.index.name = "period"
        return out.round(2)


# --------------------------------------------------------------------------- fitting


def _fit_trend(
    y_pre: pd.Series,
    post_index: pd.PeriodIndex,
    shock: pd.Period,
    ppy: int,
    ctrl: pd.DataFrame | None,
    errors: str,
) -> tuple[_LogPath, Any, list[str], float]:
    """Log-linear trend with AR(1) (or independent) errors: path, GLS result, notes, rho."""
    X_pre = trend_design(y_pre.index, shock, ppy)
    X_post = trend_design(post_index, shock, ppy)
    if ctrl is not None:
        X_pre = np.column_stack([X_pre, ctrl.loc[y_pre.index].to_numpy()])
        X_post = np.column_stack([X_post, ctrl.loc[post_index].to_numpy()])
    if np.linalg.matrix_rank(X_pre) < X_pre.shape[1]:
        raise InsufficientDataError(
            "the pre-shock window does not identify the trend model (every season must be "
            "observed and the controls must vary)"
        )
    n, k = X_pre.shape
    estimate = errors == "ar1" and n - k >= MIN_AR1_DOF
    logy = np.log(y_pre.to_numpy())
    ahead = (post_index.asi8 - y_pre.index[-1].ordinal).astype(float)
    fc = ar1_fit(X_pre, logy, ar1_steps(y_pre.index), X_post, ahead, estimate=estimate)
    rho = float(fc.rho[0])
    notes = trend_error_notes(n, k, rho, estimate=estimate) if errors == "ar1" else []
    res = fit_gls_ar1(logy, X_pre, y_pre.index, rho)
    return _LogPath(fc.mean[:, 0], fc.pred_cov[0], fc.df), res, notes, rho


def _ets_cov(res: Any, steps: int) -> np.ndarray:
    r"""Joint covariance of the 1..steps-ahead ETS forecast errors (additive models).

    With :math:`c_0 = 1` and :math:`c_j = \alpha + \beta j + \gamma [j \bmod m = 0]`
    (Hyndman & Athanasopoulos, FPP3, section 8.7), the forecast error at horizon h is
    :math:`\sum_{j=0}^{h-1} c_j e_{T+h-j}`, so
    :math:`\mathrm{Cov}(h, k) = \sigma^2 \sum_{i=1}^{\min(h,k)} c_{h-i} c_{k-i}`.
    """
    alpha = float(res.smoothing_level)
    beta = float(res.smoothing_trend) if res.has_trend else 0.0
    gamma = float(res.smoothing_seasonal) if res.has_seasonal else 0.0
    m = int(res.seasonal_periods) if res.has_seasonal else 0
    j = np.arange(steps)
    c = alpha + beta * j + (gamma * ((j % m) == 0) if m else 0.0)
    c[0] = 1.0
    # error at horizon h = sum_{i=1}^{h} c_{h-i} e_i  ->  row h of a lower-triangular matrix
    L = np.zeros((steps, steps))
    for h in range(steps):
        L[h, : h + 1] = c[h::-1]
    return float(res.mse) * (L @ L.T)


def _fit_ets(
    y_pre: pd.Series, horizon_index: pd.PeriodIndex, ppy: int
) -> tuple[np.ndarray, np.ndarray, Any]:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.log(y_pre.to_numpy()), index=y_pre.index)
    model = ETSModel(
        y,
        error="add",
        trend="add",
        seasonal="add" if ppy > 1 else None,
        seasonal_periods=ppy if ppy > 1 else None,
        initialization_method="estimated",
    )
    res = model.fit(disp=False)
    steps = len(horizon_index)
    mean = np.asarray(res.forecast(steps), dtype=float)
    n, k = int(res.nobs), int(res.model.k_params)
    if n - k < 2:
        raise InsufficientDataError(
            f"method='ets' estimates {k} parameters from {n} pre-shock values; at least "
            f"{k + 2} are needed"
        )
    # statsmodels scales by SSE / n; rescale to SSE / (n - k) as OLS does (small-sample
    # correction), and read quantiles from Student t with n - k degrees of freedom.
    return mean, _ets_cov(res, steps) * n / (n - k), res, float(n - k)


def _ss_forecast_cov(res: Any, steps: int, exog: np.ndarray | None = None) -> np.ndarray:
    r"""Joint covariance of the 1..steps-ahead forecasts of a state space model.

    From the predicted state covariance :math:`P_1` after the last observation,
    :math:`P_{h+1} = T P_h T' + R Q R'` and :math:`\mathrm{Cov}(y_h, y_k) =
    Z_h P_h (T^{k-h})' Z_k' + H [h = k]` for :math:`h \le k`. The design :math:`Z_h` is the
    last one, with the regression states' entries set to ``exog[h]`` when the regression
    coefficients are states (``mle_regression=False``).
    """
    fr = res.filter_results
    T = fr.transition[:, :, -1]
    R = fr.selection[:, :, -1]
    Q = fr.state_cov[:, :, -1]
    H = fr.obs_cov[:, :, -1]
    Z = np.repeat(fr.design[:, :, -1][None], steps, axis=0)  # (steps, 1, k_states)
    k_exog = 0 if res.model.mle_regression else int(res.model.k_exog or 0)
    if k_exog:
        k_states = T.shape[0]
        Z[:, 0, k_states - k_exog :] = exog
    RQR = R @ Q @ R.T
    P = np.asarray(res.predicted_state_cov[:, :, -1])
    cov = np.zeros((steps, steps))
    for h in range(steps):
        ZP = Z[h] @ P  # Cov(y_h, alpha_h) row
        Tpow = np.eye(T.shape[0])
        for k in range(h, steps):
            cov[h, k] = (ZP @ Tpow.T @ Z[k].T)[0, 0]
            Tpow = T @ Tpow
        cov[h, h] += float(H[0, 0])
        P = T @ P @ T.T + RQR
    return np.triu(cov) + np.triu(cov, 1).T


#: Smallest variance (log points squared) the structural fit gives a component: a standard
#: deviation of 0.001%, below the rounding of any published statistic. A series that its
#: controls and trend fit exactly (the CausalImpact anchor case: the series is 1.3 times its
#: control) drives every variance to zero, where the likelihood has no maximum; with the
#: floor the optimiser converges to it and the intervals are as narrow as that precision.
STRUCTURAL_MIN_VARIANCE = 1e-10
#: A component's variance below this share of the trend fit's residual variance counts as
#: zero: the optimiser stops at it instead of chasing zero on a log scale.
_STRUCTURAL_MIN_SHARE = 1e-6
#: Starting values, as shares of the trend fit's residual variance (see _fit_structural).
_STRUCTURAL_START = {
    "sigma2.irregular": 0.5,
    "sigma2.level": 0.05,
    "sigma2.trend": 0.01,
    "sigma2.seasonal": 0.05,
}


def _trend_fit_variance(y_pre: pd.Series, ppy: int, ctrl: pd.DataFrame | None) -> float:
    """Residual variance of the log-linear trend (seasonal dummies, log controls): OLS."""
    X = trend_design(y_pre.index, y_pre.index[0], ppy)
    if ctrl is not None:
        X = np.column_stack([X, ctrl.loc[y_pre.index].to_numpy()])
    logy = np.log(y_pre.to_numpy())
    beta, _, rank, _ = np.linalg.lstsq(X, logy, rcond=None)
    resid = logy - X @ beta
    return float(resid @ resid) / max(len(logy) - int(rank), 1)


def _fit_uc(model: Any, s2: float) -> Any:
    r"""Maximise the likelihood of an ``UnobservedComponents`` model whose parameters are variances.

    Each variance is :math:`v_i = s^2 e^{\theta_i}`, :math:`s^2` the residual variance of the
    trend fit (so the :math:`\theta_i` are of order one, which the optimiser needs), started
    at fixed shares of :math:`s^2` (:data:`_STRUCTURAL_START`) and bounded below by
    :data:`STRUCTURAL_MIN_VARIANCE` and :data:`_STRUCTURAL_MIN_SHARE` of :math:`s^2`;
    L-BFGS-B with the complex-step score of statsmodels. Returns the smoothed results, with
    ``mle_retvals`` (``converged``, ``iterations``, ``fcalls``, ``message``) as ``fit`` sets.
    """
    from scipy import optimize
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    names = list(model.param_names)
    scale = max(s2, STRUCTURAL_MIN_VARIANCE)
    lower = math.log(max(_STRUCTURAL_MIN_SHARE * scale, STRUCTURAL_MIN_VARIANCE) / scale)
    x0 = np.maximum(np.log([_STRUCTURAL_START[name] for name in names]), lower)
    n = float(model.nobs)

    def objective(theta: np.ndarray) -> float:
        return -float(model.loglike(scale * np.exp(theta))) / n

    def gradient(theta: np.ndarray) -> np.ndarray:
        v = scale * np.exp(theta)
        return -np.asarray(model.score(v), dtype=float) * v / n

    opt = optimize.minimize(
        objective,
        x0,
        jac=gradient,
        method="L-BFGS-B",
        bounds=[(lower, None)] * len(x0),
        options={"maxiter": 200},
    )
    res = model.smooth(scale * np.exp(opt.x), cov_type="none")
    res._results.mle_retvals = {
        "converged": bool(opt.success),
        "iterations": int(opt.nit),
        "fcalls": int(opt.nfev),
        "message": str(opt.message),
        "fopt": float(opt.fun),
    }
    res._results.mle_settings = {"optimizer": "lbfgs (scipy L-BFGS-B, log variances)"}
    if not opt.success:
        warnings.warn(
            f"Maximum likelihood optimization failed to converge: {opt.message}",
            ConvergenceWarning,
            stacklevel=2,
        )
    return res


def _fit_structural(
    y_pre: pd.Series,
    horizon_index: pd.PeriodIndex,
    ppy: int,
    ctrl: pd.DataFrame | None,
) -> tuple[np.ndarray, np.ndarray, Any, list[str]]:
    """Local linear trend, seasonal and controls on logs: forecast mean, covariance, result.

    The controls' coefficients are states of the model (``mle_regression=False``): the
    Kalman filter estimates them, the forecast intervals carry their uncertainty, and the
    likelihood is maximised over the variances only. The initial states are exactly diffuse
    (``use_exact_diffuse=True``): the approximate diffuse prior (variance 1e6) loses the
    state covariance to rounding once the variances are near their floor (negative forecast
    variances on the 36-quarter anchor case).
    """
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    full = pd.period_range(y_pre.index[0], y_pre.index[-1], freq=y_pre.index.freq)
    y = pd.Series(np.log(y_pre.reindex(full).to_numpy()), index=full)
    # controls centred on their pre-shock means: the level absorbs the constant, and the
    # filter no longer separates a level of ~4.6 from a coefficient times a log of ~4.6
    # (uncentred, the likelihood was noisy at 1e-5 and the line search failed)
    center = None if ctrl is None else ctrl.loc[y_pre.index].mean().to_numpy()
    exog = None if ctrl is None else ctrl.loc[full].to_numpy() - center
    notes: list[str] = []
    with one_blas_thread():
        model = UnobservedComponents(
            y,
            level="local linear trend",
            seasonal=ppy if ppy > 1 else None,
            exog=exog,
            mle_regression=False,
            use_exact_diffuse=True,
        )
        s2 = _trend_fit_variance(y_pre, ppy, ctrl)
        res = _fit_uc(model, s2)
        steps = len(horizon_index)
        exog_f = None if ctrl is None else ctrl.loc[horizon_index].to_numpy() - center
        fc = res.get_forecast(steps, exog=exog_f)
        mean = np.asarray(fc.predicted_mean, dtype=float)
        cov = _ss_forecast_cov(res, steps, exog_f)
    if s2 < STRUCTURAL_MIN_VARIANCE:
        notes.append(
            "the trend"
            + (" and the controls fit" if ctrl is not None else " fits")
            + f" the pre-shock window exactly (residual s.d. {math.sqrt(s2):.1e} log points): "
            "the structural model's variances are at their floor "
            f"({STRUCTURAL_MIN_VARIANCE:g}) and its intervals only as wide as that precision"
        )
    return mean, cov, res, notes


def counterfactual(
    series: pd.Series,
    *,
    shock: PeriodLike,
    method: Method = "trend",
    pre_window: int | tuple[PeriodLike | None, PeriodLike | None] | None = None,
    controls: pd.Series | pd.DataFrame | None = None,
    level: float = 0.95,
    errors: Errors = "ar1",
) -> CounterfactualResult:
    """Project the "no-shock" path of a series from its pre-shock window.

    Parameters
    ----------
    series : pandas.Series
        Positive levels (or a volume index) on an annual, quarterly or monthly PeriodIndex.
        Growth rates must be chained into an index first (``lixia_econ.clean.chain_yoy``).
    shock : str or pandas.Period
        The first affected period, e.g. ``"2020Q1"``, ``"2020-02"`` or ``"2020"`` (read at the
        series' frequency: ``"2020"`` is 2020Q1 for a quarterly series).
    method : {"trend", "ets", "structural"}
        The model (see the module notes).
    pre_window : int, (start, end) or None
        The periods the model is fitted on: ``None`` = the :data:`DEFAULT_PRE_YEARS` (5)
        years just before ``shock`` for quarterly and monthly data, the
        :data:`DEFAULT_PRE_YEARS_ANNUAL` (10) years for annual data — a trend fitted over
        decades (China grew 10-14% a year in the 2000s) would overstate the no-shock path;
        an int = that many periods just before ``shock``; a pair of period labels (either
        may be ``None``: ``(None, None)`` is every period before ``shock``) ending before
        ``shock``.
    controls : pandas.Series or pandas.DataFrame, optional
        Exogenous regressors (``"trend"`` and ``"structural"``), e.g. a benchmark region's
        level. They must be positive, enter as logs, and cover the pre-shock window and every
        post-shock period.
    level : float
        Coverage of the pointwise prediction intervals in ``.frame``.
    errors : {"ar1", "independent"}
        Errors of the ``"trend"`` model: ``"ar1"`` (default) estimates their first-order
        autocorrelation (see the module notes); ``"independent"`` is plain OLS. Ignored by
        the other methods, whose state-space forms carry their own dynamics.

    Returns
    -------
    CounterfactualResult
        ``.frame`` with ``actual``, ``predicted``, ``lower``, ``upper`` over the post-shock
        periods (from ``shock`` to the last period of ``series``), in the units of the input.

    Raises
    ------
    ParameterError
        For a bad method, shock, window, level, frequency or non-positive values.
    InsufficientDataError
        If the pre-shock window is too short for the method (the message says how many
        observations the method needs and how many there are), if ``"ets"`` meets a gap in
        the window, or if there is no period from ``shock`` on.

    Notes
    -----
    The models are fitted to the natural log of the series, so ``predicted`` is the median
    (not the mean) of the predictive distribution on the level scale, and intervals are
    ``exp`` of the log-scale intervals. The trend method skips missing pre-shock values (no
    point is interpolated); the structural model treats them as missing observations in the
    Kalman filter; ETS needs a complete window and refuses otherwise.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.period_range("2012Q1", "2022Q4", freq="Q")
    >>> y = pd.Series(100 * np.exp(0.015 * np.arange(len(idx))), index=idx)
    >>> cf = counterfactual(y, shock="2020Q1")
    >>> round(float(cf.frame.loc[pd.Period("2020Q1"), "predicted"]), 1)
    161.6
    """
    check_choice("method", method, METHODS)
    check_choice("errors", errors, ERRORS)
    level = check_level(level)
    y = as_period_series(series, name="series", min_length=1)
    ppy = periods_per_year(y.index)
    shock_p = coerce_period(shock, y.index.freqstr, name="shock")
    _check_inputs(y, method, controls)
    y, post_index = _extend_to_shock(y, shock_p)
    window = pre_window_values(y, shock_p, pre_window)
    observed = _fitting_window(window, method, shock_p, ppy, controls)
    notes: list[str] = []
    if observed.index[-1] < shock_p - 1:
        notes.append(
            f"the fitted window ends at {observed.index[-1]}, "
            f"{(shock_p - observed.index[-1]).n - 1} period(s) before the shock {shock_p}"
        )
    span = pd.period_range(observed.index[0], post_index[-1], freq=y.index.freqstr)
    ctrl = _as_controls(controls, span)
    path, model_result, fit_notes, rho = _fit(
        method, observed, post_index, shock_p, ppy, ctrl, errors
    )
    notes += fit_notes
    if ppy == 1:
        notes.append("annual data: the path has one point per year")
    return CounterfactualResult(
        actual=as_period_series(series, name="series"),
        post_index=post_index,
        log_path=path,
        method=method,
        shock=shock_p,
        pre_window=observed.index,
        level=level,
        model_result=model_result,
        notes=notes,
        rho=rho,
    )


def _check_inputs(y: pd.Series, method: str, controls: Any) -> None:
    """Refuse non-positive values, controls with ETS, and controls of the wrong type."""
    finite = y[np.isfinite(y.to_numpy())]
    if (finite <= 0).any():
        bad = finite[finite <= 0]
        raise ParameterError(
            f"series must be positive levels or an index (models are fitted on logs); found "
            f"{bad.iloc[0]!r} at {bad.index[0]}; chain growth rates into an index first"
        )
    if method == "ets" and controls is not None:
        raise ParameterError(
            "controls are not allowed with method='ets' (ETSModel has no regressors); use "
            "method='structural' or method='trend'"
        )
    if controls is not None and not isinstance(controls, pd.Series | pd.DataFrame):
        raise ParameterError(
            f"controls must be a pandas Series or DataFrame on a PeriodIndex, got "
            f"{type(controls).__name__}"
        )


def _extend_to_shock(y: pd.Series, shock: pd.Period) -> tuple[pd.Series, pd.PeriodIndex]:
    """Return ``y`` on a full period range that includes ``shock``, and the post-shock periods.

    Raises if no value is observed from the shock on.
    """
    freq = y.index.freqstr
    finite = y[np.isfinite(y.to_numpy())]
    full = pd.period_range(min(y.index[0], shock), max(y.index[-1], shock), freq=freq)
    y = y.reindex(full)
    post_index = full[full >= shock]
    if not np.isfinite(y.reindex(post_index).to_numpy()).any():
        raise InsufficientDataError(
            f"series has no value from the shock {shock} on (last value: "
            f"{finite.index[-1]}); nothing to compare with a counterfactual"
        )
    return y, post_index


def _fitting_window(
    window: pd.Series, method: str, shock: pd.Period, ppy: int, controls: Any
) -> pd.Series:
    """Return the observed values the method is fitted on; refuse too few, or gaps for ETS."""
    observed = window[np.isfinite(window.to_numpy())]
    n_ctrl = (
        0 if controls is None else (1 if isinstance(controls, pd.Series) else controls.shape[1])
    )
    need, why = _min_points(method, ppy, n_ctrl)
    if len(observed) < need:
        missing = window.index[~np.isfinite(window.to_numpy())]
        raise InsufficientDataError(
            f"method={method!r} needs at least {need} observed pre-shock values ({why}); the "
            f"window before {shock} has {len(observed)} ({describe_periods(observed.index)})"
            + (f"; missing: {describe_periods(missing)}" if len(missing) else "")
            + ". Missing periods are never interpolated."
        )
    if method == "ets":
        inner = window.loc[observed.index[0] : observed.index[-1]]
        gaps = inner.index[~np.isfinite(inner.to_numpy())]
        if len(gaps):
            raise InsufficientDataError(
                "method='ets' needs a complete pre-shock window; missing "
                f"{describe_periods(gaps)}. Use method='trend' or 'structural', which handle "
                "gaps without interpolating"
            )
    return observed


def _fit(
    method: str,
    observed: pd.Series,
    post_index: pd.PeriodIndex,
    shock: pd.Period,
    ppy: int,
    ctrl: pd.DataFrame | None,
    errors: str,
) -> tuple[_LogPath, Any, list[str], float | None]:
    """Fit ``method``; return the log path, the statsmodels result, notes and the AR(1) rho."""
    model_result: Any
    trend_notes: list[str] = []
    rho = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if method == "trend":
            path, model_result, trend_notes, rho = _fit_trend(
                observed, post_index, shock, ppy, ctrl, errors
            )
        else:
            freq = observed.index.freqstr
            horizon = pd.period_range(observed.index[-1] + 1, post_index[-1], freq=freq)
            df = None
            if method == "ets":
                mean, cov, model_result, df = _fit_ets(observed, horizon, ppy)
            else:
                mean, cov, model_result, trend_notes = _fit_structural(observed, horizon, ppy, ctrl)
            keep = np.asarray(horizon >= shock)
            path = _LogPath(mean[keep], cov[np.ix_(keep, keep)], df)
    notes = trend_notes + [
        f"statsmodels warned while fitting: {w.message}"
        for w in caught
        if "converge" in str(w.message).lower() or issubclass(w.category, RuntimeWarning)
    ]
    return path, model_result, notes, rho
