"""The scorecard of many series (``analyze_recovery_many``) against one series at a time.

``analyze_recovery_many`` fits every series with complete pre-shock windows at once (one
REML grid, covariances averaged over the AR coefficient as matrix products) and scores them
with numpy only; ``analyze_recovery`` fits and scores one series. Both must give the same
metrics (floats to 1e-10 relative) and the same notes, on random series with gaps, late
starts, early ends and constant values, and on the shipped panel's quarterly levels.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lixia_econ.errors import LixiaEconError
from lixia_econ.models.recovery import analyze_recovery, analyze_recovery_many

SHOCK = "2020Q1"


def _random_panel(n: int, seed: int) -> pd.DataFrame:
    """Quarterly levels 2010Q1-2024Q4: trend, season, AR(1) noise, a dip of random shape."""
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2010Q1", "2024Q4", freq="Q")
    t = np.arange(len(idx), dtype=float)[:, None]
    slope = rng.uniform(-0.005, 0.03, n)[None, :]
    season = rng.normal(0, 0.03, (4, n))[np.asarray(idx.quarter) - 1, :]
    rho = rng.uniform(0.0, 0.9, n)
    noise = np.zeros((len(idx), n))
    e = rng.normal(0, 1, (len(idx), n)) * rng.uniform(0.001, 0.03, n)[None, :]
    for i in range(1, len(idx)):
        noise[i] = rho * noise[i - 1] + e[i]
    k = np.cumsum(np.asarray(idx >= pd.Period(SHOCK, "Q"))) - 1
    depth = rng.uniform(-0.05, 0.25, n)[None, :]
    length = rng.integers(1, 12, n)[None, :]
    dip = np.where(
        (k[:, None] >= 0) & (k[:, None] < length), 1 - depth * (1 - k[:, None] / length), 1
    )
    second = rng.random(n) < 0.2  # some second dips (W candidates)
    dip = dip * np.where(second[None, :] & (k[:, None] == 6), 0.9, 1.0)
    values = 100 * np.exp(slope * t + season + noise) * dip
    return pd.DataFrame(values, index=idx, columns=[f"s{i:03d}" for i in range(n)])


def _with_awkward_columns(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Add NaNs after the shock, in the pre-shock window, late starts, early ends, constants."""
    rng = np.random.default_rng(seed)
    out = frame.copy()
    post = np.flatnonzero(out.index >= pd.Period(SHOCK, "Q"))
    pre = np.flatnonzero(
        (out.index < pd.Period(SHOCK, "Q")) & (out.index >= pd.Period("2015Q1", "Q"))
    )
    cols = list(out.columns)
    for c in cols[0:20]:  # gaps after the shock (metrics on observed periods; maybe the trough)
        out.iloc[rng.choice(post[:-1], size=rng.integers(1, 4), replace=False), cols.index(c)] = (
            np.nan
        )
    for c in cols[20:30]:  # a gap in the pre-shock window: fitted one by one
        out.iloc[rng.choice(pre), cols.index(c)] = np.nan
    for c in cols[30:40]:  # short: start in 2015 (just the 5-year window)
        out.loc[: pd.Period("2014Q4", "Q"), c] = np.nan
    for c in cols[40:55]:  # ends early: as_of differs by series
        out.iloc[post[rng.integers(1, len(post) - 1)] :, cols.index(c)] = np.nan
    for c in cols[55:60]:  # the last value missing: as_of is an earlier period
        out.iloc[-1, cols.index(c)] = np.nan
    out["constant"] = 100.0
    out["constant_then_dip"] = np.where(out.index == pd.Period("2020Q2", "Q"), 90.0, 100.0)
    out["pre_missing_before_shock"] = frame.iloc[:, 0].where(out.index != pd.Period("2019Q4", "Q"))
    return out


def _assert_same(frame: pd.DataFrame, **kwargs) -> int:
    """Compare analyze_recovery_many with analyze_recovery column by column; return count."""
    many = analyze_recovery_many(frame, shock=SHOCK, **kwargs)
    assert list(many.index) == list(frame.columns)
    for name in frame.columns:
        one = analyze_recovery(frame[name], shock=SHOCK, **kwargs)
        for key, value in one.metrics.items():
            got = many.loc[name, key]
            if isinstance(value, float):
                assert isinstance(got, float), (name, key, got)
                if math.isnan(value):
                    assert math.isnan(got), (name, key)
                else:
                    assert got == pytest.approx(value, rel=1e-10, abs=1e-12), (name, key)
            elif value is None:  # a column with numbers holds None as NaN
                assert got is None or (isinstance(got, float) and math.isnan(got)), (name, key)
            else:
                assert got == value, (name, key, got, value)
        notes = "; ".join(n for n in one.notes if not n.startswith("output loss"))
        assert many.loc[name, "notes"] == notes, name
    return len(frame.columns)


@pytest.mark.parametrize("adjust", ["none", "seasonal"])
def test_many_equals_one_by_one_on_random_awkward_series(adjust):
    frame = _with_awkward_columns(_random_panel(240, seed=14), seed=15)
    assert _assert_same(frame, adjust=adjust) == 243


def test_many_equals_one_by_one_with_options():
    frame = _with_awkward_columns(_random_panel(60, seed=16), seed=17)
    frame = frame.drop(columns=frame.columns[40:60])  # as_of must exist in every series
    _assert_same(frame, as_of="2022Q3", level=0.8, pre_window=28)
    _assert_same(frame, errors="independent")


def test_many_equals_one_by_one_monthly_and_annual():
    rng = np.random.default_rng(18)
    monthly = pd.period_range("2013-01", "2023-12", freq="M")
    m = pd.DataFrame(
        100 * np.exp(0.002 * np.arange(len(monthly))[:, None] + rng.normal(0, 0.01, (132, 30))),
        index=monthly,
    ).add_prefix("m")
    m.loc["2020-02":"2020-04"] *= 0.9
    _assert_same(m, adjust="seasonal")
    annual = pd.period_range("2005", "2024", freq="Y")
    a = pd.DataFrame(
        100 * np.exp(0.06 * np.arange(20)[:, None] + rng.normal(0, 0.01, (20, 30))),
        index=annual,
    ).add_prefix("a")
    a.loc["2020"] *= 0.95
    _assert_same(a)


def test_many_equals_one_by_one_on_the_shipped_quarterly_levels(built):
    panel = built.panel
    q = panel[(panel["freq"] == "Q") & (panel["measure"] == "level")]
    wide = q.pivot_table(
        index="period", columns=["region", "indicator", "price_basis"], values="value"
    )
    wide.index = pd.PeriodIndex(wide.index, freq="Q")
    wide = wide.sort_index()
    wide.columns = ["/".join(map(str, c)) for c in wide.columns]
    scoreable = []
    for col in wide.columns:
        try:
            analyze_recovery(wide[col], shock=SHOCK)
        except LixiaEconError:
            continue
        scoreable.append(col)
    assert len(scoreable) >= 5, wide.columns  # the shipped data has them
    _assert_same(wide[scoreable])
    _assert_same(wide[scoreable], adjust="seasonal")
