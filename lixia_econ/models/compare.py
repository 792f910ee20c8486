"""Side-by-side, ranked tables of results: recovery scorecards, or any results objects.

Recovery scorecards (:class:`~lixia_econ.models.recovery.RecoveryResult`) get the scorecard
table (:data:`COLUMNS`). Any other mix of results (:class:`~lixia_econ.models._base.
ModelResult`: trend growth, interrupted time series, counterfactual paths, ...) gets one row
per result and one column per metric of their ``metrics`` (names in
:data:`lixia_econ.models.vocab.METRICS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import ParameterError
from lixia_econ.models._base import ModelResult
from lixia_econ.models.recovery import RecoveryResult
from lixia_econ.models.vocab import label

__all__ = ["compare"]

SortBy = Literal[
    "output_loss_pct",
    "trough_depth_pct",
    "periods_to_recover_level",
    "periods_to_recover_trend",
    "recovered_share",
    "gap_as_of_pct",
    "post_shock_growth_pct",
    "trend_growth_pct",
]

#: For each sortable metric, whether smaller is better (ranked first by default).
SMALLER_IS_BETTER: dict[str, bool] = {
    "output_loss_pct": True,
    "trough_depth_pct": False,  # -2% is a shallower fall than -7%
    "periods_to_recover_level": True,
    "periods_to_recover_trend": True,
    "recovered_share": False,
    "gap_as_of_pct": True,
    "post_shock_growth_pct": False,
    "trend_growth_pct": False,
}

#: Columns of the table, in order (after ``rank``).
COLUMNS = [
    "shape",
    "trough_period",
    "trough_depth_pct",
    "periods_to_recover_level",
    "periods_to_recover_trend",
    "output_loss_pct",
    "output_loss_pct_lower",
    "output_loss_pct_upper",
    "recovered_share",
    "gap_as_of_pct",
    "post_shock_growth_pct",
    "trend_growth_pct",
    "as_of",
]


def compare(
    results: Mapping[str, ModelResult],
    *,
    sort_by: SortBy | str = "output_loss_pct",
    ascending: bool | None = None,
) -> pd.DataFrame:
    """Put results side by side, one row per region, indicator or model, ranked.

    Parameters
    ----------
    results : mapping of str to results objects
        Scorecards from :func:`~lixia_econ.models.recovery.analyze_recovery`, by name; or
        any results objects (``trend_growth``, ``interrupted_time_series``,
        ``counterfactual`` ...), compared on their ``metrics``.
    sort_by : str
        The metric to rank on; one of ``output_loss_pct`` (percent of the cumulative
        counterfactual), ``trough_depth_pct`` (percent), ``periods_to_recover_level``,
        ``periods_to_recover_trend`` (periods), ``recovered_share`` (share),
        ``gap_as_of_pct`` (percent), ``post_shock_growth_pct``, ``trend_growth_pct``
        (percent per year).
    ascending : bool, optional
        Sort order. By default the better value comes first: smaller output loss, gap and
        recovery time; larger (less negative) trough depth, recovered share and growth.

    Returns
    -------
    pandas.DataFrame
        Indexed by name, sorted, with columns ``rank`` (1 = first; ``<NA>`` where the sort
        metric is missing; ties share the lowest rank), ``shape``, the key metrics (units as
        in :func:`~lixia_econ.models.recovery.analyze_recovery`; periods as str) and
        ``missing`` (the metrics that are ``None`` for that row, e.g. not yet recovered or
        not computable from sparse data, comma-separated; empty if none). Rows whose sort
        metric is missing go last. ``DataFrame.attrs["notes"]`` says how it was ranked.
        For results other than scorecards: columns ``rank`` (if ``sort_by`` is one of
        their metrics; any metric is allowed), ``result`` (the class name) and one column
        per metric of any of them (NaN where a result lacks it).

    Raises
    ------
    ParameterError
        If ``results`` is empty or holds something other than a results object, or
        ``sort_by`` is not allowed for scorecards.

    Notes
    -----
    A ``None`` in ``periods_to_recover_*`` means "not yet by as_of"; ranking treats it as
    missing, not as infinitely slow, so compare such rows by another metric too. Regions
    scored to different ``as_of`` periods are not comparable on cumulative loss; the
    ``as_of`` column shows it and ``attrs["notes"]`` warns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from lixia_econ.models.recovery import analyze_recovery
    >>> idx = pd.period_range("2012Q1", "2023Q4", freq="Q")
    >>> t = np.arange(len(idx), dtype=float)
    >>> def region(depth):
    ...     dip = np.where(idx == pd.Period("2020Q1"), 1 - depth, 1.0)
    ...     return pd.Series(100 * np.exp(0.015 * t + 0.001 * (-1) ** t) * dip, index=idx)
    >>> table = compare({"A": analyze_recovery(region(0.1), shock="2020Q1"),
    ...                  "B": analyze_recovery(region(0.05), shock="2020Q1")})
    >>> list(table.index), table["rank"].tolist()
    (['B', 'A'], [1, 2])
    """
    _check_results(results)
    if all(isinstance(res, RecoveryResult) for res in results.values()):
        check_choice("sort_by", sort_by, SMALLER_IS_BETTER)
        table = _scorecard_table(results)
    else:
        table = _metrics_table(results)
        if sort_by not in table.columns:
            table.index.name = "name"
            table.attrs["notes"] = [f"not ranked: no result has the metric {sort_by}"]
            return table
    return _rank(table, sort_by, ascending)


def _check_results(results: Mapping[str, ModelResult]) -> None:
    if not isinstance(results, Mapping) or not results:
        raise ParameterError(
            "results must be a non-empty dict of name -> results object, got "
            f"{type(results).__name__}{' (empty)' if isinstance(results, Mapping) else ''}"
        )
    for name, res in results.items():
        if not isinstance(res, ModelResult):
            raise ParameterError(
                f"results[{name!r}] is a {type(res).__name__}; expected a RecoveryResult "
                "from analyze_recovery or another model's results object"
            )


def _cell(value: object) -> object:
    return str(value) if isinstance(value, pd.Period) else value


def _scorecard_table(results: Mapping[str, RecoveryResult]) -> pd.DataFrame:
    """One row per scorecard: :data:`COLUMNS` and ``missing``."""
    rows = {}
    for name, res in results.items():
        row = {col: _cell(res.metrics.get(col)) for col in COLUMNS}
        row["missing"] = ", ".join(c for c in COLUMNS if res.metrics.get(c) is None)
        rows[str(name)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    numeric = [c for c in COLUMNS if c not in ("shape", "trough_period", "as_of")]
    for col in numeric:
        table[col] = pd.to_numeric(table[col].astype(object).where(table[col].notna(), np.nan))
    return table


def _metrics_table(results: Mapping[str, ModelResult]) -> pd.DataFrame:
    """One row per result: ``result`` (its class) and one column per metric of any result."""
    rows = {
        str(name): {"result": type(res).__name__, **{k: _cell(v) for k, v in res.metrics.items()}}
        for name, res in results.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    for col in table.columns:
        converted = pd.to_numeric(table[col], errors="coerce")
        if converted.notna().sum() == table[col].notna().sum():
            table[col] = converted
    return table


def _rank(table: pd.DataFrame, sort_by: str, ascending: bool | None) -> pd.DataFrame:
    """Insert ``rank`` by ``sort_by``, sort, and say how in ``attrs["notes"]``."""
    if ascending is None:
        ascending = SMALLER_IS_BETTER.get(sort_by, True)
    key = table[sort_by]
    rank = key.rank(method="min", ascending=ascending, na_option="keep")
    table.insert(0, "rank", rank.astype("Int64"))
    table = table.sort_values(["rank"], na_position="last", kind="stable")
    table.index.name = "name"
    what = label(sort_by, "en").lower()  # notes are read in reports: labels, not codes
    notes = [
        f"ranked by {what}, {'smallest' if ascending else 'largest'} first",
    ]
    n_missing = int(key.isna().sum())
    if n_missing:
        notes.append(f"{n_missing} row(s) have no {what} and are not ranked (listed last)")
    if "as_of" in table.columns and table["as_of"].nunique() > 1:
        notes.append("rows are scored to different last periods: cumulative losses differ in span")
    table.attrs["notes"] = notes
    return table
