"""The numbers behind the report templates: what can be said, and what cannot, from the panel.

The templates in ``notebooks/templates/`` call these functions and tell the story in
words; no model logic lives in a notebook. Every function returns tables plus a list of
plain-language statements of what could not be computed and why (sparse district data is
the rule, not the exception).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lixia_econ.errors import InsufficientDataError, LixiaEconError
from lixia_econ.schema import indicators, regions

__all__ = [
    "RecoveryTables",
    "national_scorecard",
    "published_growth",
    "region_name",
    "sparse_growth",
]

_FREQ = {"A": "Y", "Q": "Q", "M": "M"}


def region_name(code: str) -> str:
    """Return ``"历下区 Lixia District"`` for a code (the code itself if unknown)."""
    reg = regions().get(code)
    return f"{reg.name_zh} {reg.name_en}" if reg else code


def _annual_levels(panel: pd.DataFrame, region: str, indicator: str, as_of: str) -> pd.Series:
    rows = panel[
        (panel["region"] == region)
        & (panel["indicator"] == indicator)
        & (panel["freq"] == "A")
        & (panel["measure"] == "level")
        & (panel["status"].isin(["published", "derived"]))
    ]
    if rows.empty:
        return pd.Series(dtype="float64")
    idx = pd.PeriodIndex(rows["period"].astype(str), freq="Y")
    s = pd.Series(rows["value"].to_numpy(dtype="float64"), index=idx)
    s = s[~s.index.duplicated(keep="first")].sort_index()
    end = pd.Period(as_of, freq=_as_of_freq(as_of)).end_time
    return s[[p.end_time <= end for p in s.index]]


def _as_of_freq(label: str) -> str:
    if "Q" in label:
        return "Q"
    if "-" in label:
        return "M"
    return "Y"


def _cagr(a: float, b: float, years: int) -> float:
    return 100.0 * ((b / a) ** (1.0 / years) - 1.0)


def sparse_growth(
    panel: pd.DataFrame,
    regions_: list[str],
    indicator: str,
    *,
    shock: str,
    as_of: str,
) -> tuple[pd.DataFrame, list[str]]:
    """Compound annual growth before and after the shock from published annual levels.

    For each region: the pre-shock CAGR from its first to its last annual level before the
    shock year, and the post-shock CAGR from that last pre-shock level to its latest level
    at or before ``as_of``. Windows differ between regions when the published years differ;
    the table says which years were used.

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel.
    regions_ : list of str
        Region codes.
    indicator : str
        Indicator code.
    shock : str
        First affected period (its year is the first post-shock year).
    as_of : str
        Last period used.

    Returns
    -------
    table : pandas.DataFrame
        One row per region with a pre-shock and a post-shock window: ``region``, ``name``,
        ``pre_from``, ``pre_to``, ``pre_cagr_pct``, ``post_to``, ``post_cagr_pct``
        (percent per year, prices as published: nominal for levels in 亿元), ``unit``.
    cannot : list of str
        One sentence per region for which a window could not be computed, saying why.
    """
    shock_year = pd.Period(shock, freq=_as_of_freq(shock)).year
    rows, cannot = [], []
    ind = indicators()[indicator]
    for code in regions_:
        s = _annual_levels(panel, code, indicator, as_of)
        pre = s[[p.year < shock_year for p in s.index]]
        post = s[[p.year >= shock_year for p in s.index]]
        years = ", ".join(str(p) for p in s.index) or "none"
        if len(pre) < 1 or len(post) < 1:
            cannot.append(
                f"{region_name(code)}: no growth across the shock for {ind.name_en} — the panel "
                f"has annual levels for {years} (a level before {shock_year} and one from "
                f"{shock_year} on are needed)"
            )
            if len(pre) < 2:
                continue
        row: dict[str, Any] = {"region": code, "name": region_name(code), "unit": ind.unit}
        if len(pre) >= 2:
            n = pre.index[-1].year - pre.index[0].year
            row.update(
                pre_from=str(pre.index[0]),
                pre_to=str(pre.index[-1]),
                pre_cagr_pct=_cagr(pre.iloc[0], pre.iloc[-1], n),
            )
        else:
            row.update(pre_from=None, pre_to=str(pre.index[-1]) if len(pre) else None)
            row["pre_cagr_pct"] = math.nan
            if len(pre) == 1:
                cannot.append(
                    f"{region_name(code)}: no pre-shock growth for {ind.name_en} — only one "
                    f"annual level before {shock_year} ({pre.index[0]})"
                )
        if len(pre) >= 1 and len(post) >= 1:
            n = post.index[-1].year - pre.index[-1].year
            row.update(
                post_to=str(post.index[-1]), post_cagr_pct=_cagr(pre.iloc[-1], post.iloc[-1], n)
            )
        else:
            row.update(post_to=None, post_cagr_pct=math.nan)
        rows.append(row)
    cols = ["region", "name", "pre_from", "pre_to", "pre_cagr_pct", "post_to", "post_cagr_pct"]
    table = pd.DataFrame(rows, columns=[*cols, "unit"])
    return table, cannot


def published_growth(panel: pd.DataFrame, regions_: list[str], indicator: str) -> pd.DataFrame:
    """Return the published annual growth rates (``yoy_pct``, annual), region x year.

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel.
    regions_ : list of str
        Region codes (rows, in this order; regions without any are left out).
    indicator : str
        Indicator code.

    Returns
    -------
    pandas.DataFrame
        Percent, year on year, as published (GDP: comparable prices); index = region name,
        columns = years. Empty if no region has any.
    """
    rows = panel[
        panel["region"].isin(regions_)
        & (panel["indicator"] == indicator)
        & (panel["freq"] == "A")
        & (panel["measure"] == "yoy_pct")
        & (panel["status"] != "target")
    ]
    if rows.empty:
        return pd.DataFrame()
    wide = rows.pivot_table(index="region", columns="period", values="value", aggfunc="first")
    wide = wide.reindex([r for r in regions_ if r in wide.index])
    wide.index = [region_name(r) for r in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    return wide


@dataclass
class RecoveryTables:
    """Recovery scorecards of the series that could be scored, and why the others could not."""

    results: dict[str, Any] = field(default_factory=dict)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    cannot: list[str] = field(default_factory=list)


def _series_for(panel: pd.DataFrame, region: str, indicator: str) -> tuple[pd.Series, str]:
    """Pick the series the recovery is read on, and say what it is."""
    from lixia_econ.clean import chain_yoy
    from lixia_econ.panel import get_series

    rows = panel[(panel["region"] == region) & (panel["indicator"] == indicator)]
    rows = rows[rows["status"] != "target"]
    reasons = []
    for freq in ("Q", "M"):
        have = set(rows.loc[rows["freq"] == freq, "measure"])
        if "yoy_pct" in have:
            g = get_series(panel, region, indicator, measure="yoy_pct", freq=freq)
            try:
                return chain_yoy(g, base_year=2019), "year-on-year growth chained into an index"
            except InsufficientDataError as exc:
                reasons.append(str(exc))
        if "level" in have:
            s = get_series(panel, region, indicator, measure="level", freq=freq)
            return s, "single-period levels as published"
    have = rows.groupby(["freq", "measure"]).size()
    described = ", ".join(f"{n} {m} ({f})" for (f, m), n in have.items()) or "nothing"
    why = f" ({'; '.join(reasons)})" if reasons else ""
    raise InsufficientDataError(
        f"no quarterly or monthly series of growth or levels{why}; the panel has {described}"
    )


def national_scorecard(
    panel: pd.DataFrame,
    region: str,
    indicators_: list[str] | None,
    *,
    shock: str,
    as_of: str,
    method: str = "trend",
) -> RecoveryTables:
    """Score the recovery of every quarterly or monthly series of a region.

    Each indicator's series is chosen as: year-on-year growth chained into an index
    (comparable prices, seasonality removed by construction) when at least four years of it
    are published, else single-period levels (seasonal adjustment ``adjust="seasonal"``).

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel.
    region : str
        Region code (``"000000"`` for China).
    indicators_ : list of str, optional
        Indicators to score; default every indicator of the region with data.
    shock : str
        First affected period; a year is read as its first quarter or month.
    as_of : str
        Last period scored (later periods are ignored).
    method : str
        Counterfactual method (``"trend"``, ``"ets"``, ``"structural"``).

    Returns
    -------
    RecoveryTables
        ``results`` (indicator -> RecoveryResult), ``table``
        (:func:`lixia_econ.models.compare.compare`, ranked by output loss) and ``cannot``
        (one sentence per indicator that could not be scored, with the reason).
    """
    from lixia_econ.models.compare import compare
    from lixia_econ.models.recovery import analyze_recovery

    mine = panel[(panel["region"] == region) & (panel["status"] != "target")]
    codes = indicators_ or sorted(mine["indicator"].unique())
    out = RecoveryTables()
    for code in codes:
        name = indicators()[code].name_en if code in indicators() else code
        try:
            series, what = _series_for(panel, region, code)
            freq = series.index.freqstr[0]
            shock_p = pd.Period(shock, freq=_as_of_freq(shock)).asfreq(freq, how="start")
            end = pd.Period(as_of, freq=_as_of_freq(as_of)).end_time
            series = series[[p.end_time <= end for p in series.index]].dropna()
            adjust = "none" if "chained" in what else "seasonal"
            res = analyze_recovery(
                series, shock=shock_p, method=method, adjust=adjust, as_of=series.index[-1]
            )
            res.notes.insert(0, f"Read on {what}.")
            out.results[code] = res
        except (LixiaEconError, ValueError) as exc:
            out.cannot.append(f"{region_name(region)}, {name}: not scored — {exc}")
    if out.results:
        out.table = compare(out.results)
    return out
