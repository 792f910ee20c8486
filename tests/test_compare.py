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


# --------------------------------------------------------------------------- any results


def _all_results():
    """One result of every results class, from hand-made series (quarterly trend + dip)."""
    from lixia_econ.models.counterfactual import counterfactual
    from lixia_econ.models.disaggregate import disaggregate
    from lixia_econ.models.its import interrupted_time_series
    from lixia_econ.models.seasonal import seasonal_adjust
    from lixia_econ.models.trend import trend_cycle, trend_growth

    y = _region([0.9, 0.95, 1.0])
    seasonal = y * np.tile([0.9, 1.0, 1.05, 1.05], len(IDX) // 4)
    annual = y.groupby(y.index.year).sum()
    annual.index = pd.PeriodIndex([str(a) for a in annual.index], freq="Y")
    return {
        "recovery": analyze_recovery(y, shock="2020Q1"),
        "counterfactual": counterfactual(y, shock="2020Q1"),
        "its": interrupted_time_series(y, shock="2020Q1", seasonal=False),
        "trend_growth": trend_growth(y, seasonal=False),
        "trend_cycle": trend_cycle(y),
        "seasonal": seasonal_adjust(seasonal),
        "disaggregate": disaggregate(annual, y, method="denton-cholette", to="Q"),
    }


def test_every_result_class_implements_the_interface():
    import lixia_econ.models as models
    from lixia_econ.models import ModelResult, ResultLike

    results = _all_results()
    classes = {n for n in models.__all__ if n.endswith("Result") and n != "ModelResult"}
    assert {type(r).__name__ for r in results.values()} == classes
    for name, res in results.items():
        assert isinstance(res, ModelResult), name
        assert isinstance(res, ResultLike), name
        assert res.shock is None or isinstance(res.shock, pd.Period), name
        assert res.actual is None or isinstance(res.actual.index, pd.PeriodIndex), name
        assert isinstance(res.frame, pd.DataFrame), name
        assert isinstance(res.frame.index, pd.PeriodIndex), name
        assert isinstance(res.notes, list), name
        assert all(isinstance(n, str) for n in res.notes), name
        assert isinstance(res.metrics, dict), name
        assert isinstance(res.summary(), pd.DataFrame), name
        assert isinstance(res.to_frame(), pd.DataFrame), name
        assert res._repr_html_().startswith("<div>"), name
    for name in ("recovery", "counterfactual", "its"):
        assert results[name].shock == pd.Period("2020Q1", "Q")
        assert {"actual", "predicted"} <= set(results[name].frame.columns)
    assert results["trend_growth"].shock is None


def test_compare_any_results_side_by_side():
    results = _all_results()
    picked = {k: results[k] for k in ("its", "trend_growth", "counterfactual")}
    table = compare(picked, sort_by="post_trend_growth", ascending=False)
    assert table.loc["its", "rank"] == 1
    assert table.loc["its", "result"] == "ITSResult"
    assert table.loc["trend_growth", "trend_growth_pct"] == pytest.approx(
        results["trend_growth"].growth_pct
    )
    assert np.isnan(table.loc["trend_growth", "level_change"])
    unranked = compare(picked)
    assert "rank" not in unranked.columns
    assert unranked.attrs["notes"] == ["not ranked: no result has the metric output_loss_pct"]


def test_every_produced_metric_has_zh_and_en_labels(scorecards):
    from lixia_econ.models.recovery import analyze_recovery_many
    from lixia_econ.models.vocab import METRICS, SHAPES

    produced = set(compare(scorecards).columns)
    for res in _all_results().values():
        produced |= set(res.metrics)
        tidy = res.to_frame()
        if "metric" in tidy.columns:
            produced |= set(tidy["metric"])
        if "quantity" in tidy.columns:
            produced |= set(tidy["quantity"])
    frame = pd.DataFrame({"a": _region([0.9, 1.0]), "b": _region([0.8, 0.9])})
    produced |= set(analyze_recovery_many(frame, shock="2020Q1").columns)
    produced |= set(compare(_all_results()).columns)
    assert produced - set(METRICS) == set()
    for name in produced:
        assert METRICS[name].zh, name
        assert METRICS[name].en, name
    shapes = {r.metrics["shape"] for r in scorecards.values()}
    assert shapes <= set(SHAPES)
    assert all(SHAPES[s].zh and SHAPES[s].en for s in SHAPES)
