"""Tests of compare() (lixia_econ.models.compare).

The series are hand-made fixtures: a noise-free quarterly trend with a dip of chosen depth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lixia_econ.errors import ParameterError
from lixia_econ.models.compare import compare
from lixia_econ.models.recovery import analyze_recovery

IDX = pd.period_range("2012Q1", "2023Q4", freq="Q")


def _region(dips: list[float], *, slope: float = 0.012) -> pd.Series:
    t = np.arange(len(IDX), dtype=float)
    wiggle = np.where(IDX < pd.Period("2020Q1", "Q"), 0.001 * (-1.0) ** t, 0.0)
    d = np.ones(len(IDX))
    post = np.flatnonzero(IDX >= pd.Period("2020Q1", "Q"))
    d[post[: len(dips)]] = dips
    return pd.Series(100 * np.exp(slope * t + wiggle) * d, index=IDX)


@pytest.fixture(scope="module")
def scorecards():
    return {
        "deep": analyze_recovery(_region([0.8, 0.9, 1.0]), shock="2020Q1"),
        "mild": analyze_recovery(_region([0.97, 1.0]), shock="2020Q1"),
        "middle": analyze_recovery(_region([0.9, 0.95, 1.0]), shock="2020Q1"),
        # never back to its 2019Q4 level by as_of: periods_to_recover_level is None
        "stuck": analyze_recovery(_region([0.85] * 16, slope=0.0), shock="2020Q1"),
    }


@pytest.mark.parametrize(
    ("sort_by", "ascending", "expected_first"),
    [
        ("output_loss_pct", None, "mild"),  # smallest loss first by default
        ("output_loss_pct", False, "stuck"),
        ("trough_depth_pct", None, "mild"),  # -3% ranks before -20%
        ("recovered_share", None, None),  # three fully recovered tie at rank 1
    ],
)
def test_ranking(scorecards, sort_by, ascending, expected_first):
    table = compare(scorecards, sort_by=sort_by, ascending=ascending)
    assert table["rank"].iloc[0] == 1
    if expected_first is not None:
        assert table.index[0] == expected_first
    losses = {k: r.metrics[sort_by] for k, r in scorecards.items()}
    order = sorted(
        losses,
        key=losses.get,
        reverse=not (ascending if ascending is not None else sort_by == "output_loss_pct"),
    )
    if expected_first is not None:
        assert list(table.index) == order


def test_columns_and_values(scorecards):
    table = compare(scorecards)
    assert table.columns[0] == "rank"
    for col in ("shape", "trough_depth_pct", "output_loss_pct", "missing"):
        assert col in table.columns
    for name, res in scorecards.items():
        assert table.loc[name, "output_loss_pct"] == pytest.approx(res.metrics["output_loss_pct"])
        assert table.loc[name, "shape"] == res.metrics["shape"]
        assert table.loc[name, "trough_period"] == "2020Q1"
    assert table["rank"].tolist() == [1, 2, 3, 4]


def test_none_metrics_are_reported_and_ranked_last(scorecards):
    table = compare(scorecards, sort_by="periods_to_recover_level")
    assert table.index[-1] == "stuck"
    assert pd.isna(table.loc["stuck", "rank"])
    assert "periods_to_recover_level" in table.loc["stuck", "missing"]
    assert table.loc["mild", "missing"] == ""
    assert any("not ranked" in n for n in table.attrs["notes"])


@pytest.mark.parametrize(
    ("results", "kwargs", "fragment"),
    [
        ({}, {}, "non-empty"),
        ([1, 2], {}, "dict"),
        ({"a": 3.0}, {}, "expected a RecoveryResult"),
        (None, {"sort_by": "shape"}, "sort_by='shape' is not allowed"),
    ],
)
def test_bad_input(scorecards, results, kwargs, fragment):
    with pytest.raises(ParameterError) as info:
        compare(scorecards if results is None else results, **kwargs)
    assert fragment in str(info.value)
