"""Independent reference computations shared by several test modules (not package code)."""

from __future__ import annotations

import numpy as np


def newey_west(X, e, lags):
    """Newey–West covariance written out with Bartlett weights (no small-sample factor)."""
    n = len(e)
    xtx_inv = np.linalg.inv(X.T @ X)
    u = X * e[:, None]
    meat = u.T @ u
    for lag in range(1, lags + 1):
        gamma = u[lag:].T @ u[: n - lag]
        meat += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    return xtx_inv @ meat @ xtx_inv
