"""The analysis layer: what can be said, and what cannot, about a region's recovery.

It fits the models of :mod:`lixia_econ.models` to the panel for the comparisons a report
makes; it runs no report. The templates in ``notebooks/templates/`` call these functions
and tell the story in words; no model logic lives in a notebook. Every function returns
tables plus a list of plain-language statements of what could not be computed and why
(sparse district data is the rule, not the exception).
"""

from __future__ import annotations

import enum
import math
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.clean import JAN_FEB_STATUS
from lixia_econ.errors import (
    InsufficientDataError,
    LixiaEconError,
    LixiaEconWarning,
    ParameterError,
)
from lixia_econ.periods import FREQ_NAMES, parse_period
from lixia_econ.schema import (
    MEASURE_NAMES,
    indicator_label,
    indicators,
    lookup_region,
    region_label,
)

__all__ = [
    "EstimateTables",
    "RecoveryTables",
    "SeriesBasis",
    "VintageBreak",
    "level_breaks",
    "level_sources",
    "national_scorecard",
    "published_growth",
    "quarterly_estimates",
    "region_name",
    "sparse_growth",
    "vintage_breaks",
]


def region_name(code: str) -> str:
    """Return a region's bilingual display name, ``"历下区 Lixia District"``.

    Both names come from :func:`lixia_econ.schema.region_label`; a code not in the
    catalogue comes back unchanged.

    Examples
    --------
    >>> region_name("370102"), region_name("999999")
    ('历下区 Lixia District', '999999')
    """
    if lookup_region(code) is None:
        return str(code)
    return f"{region_label(code, lang='zh')} {region_label(code, lang='en')}"


def _annual_levels(
    panel: pd.DataFrame, region: str, indicator: str, as_of: str | None
) -> pd.Series:
    """Return a region's published annual levels up to ``as_of`` (empty if it has none)."""
    from lixia_econ.panel import get_series

    try:
        s = get_series(panel, region, indicator, measure="level", freq="A")
    except ParameterError:
        return pd.Series(dtype="float64")
    if not as_of:
        return s
    end = parse_period(as_of)[0].end_time
    return s[[p.end_time <= end for p in s.index]]


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
    shock_year = parse_period(shock)[0].year
    rows, cannot = [], []
    ind = indicators()[indicator]
    for code in regions_:
        s = _annual_levels(panel, code, indicator, as_of)
        breaks = vintage_breaks(panel, code, indicator)
        cannot.extend(str(b) for b in breaks)
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
        across = len(pre) >= 1 and len(post) >= 1
        if across and not any(pre.index[-1].year < b.after <= post.index[-1].year for b in breaks):
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
    """Return the annual growth rates (``yoy_pct``, annual), region x year.

    Where sources overlap, the panel's splice rule decides (:func:`lixia_econ.get_series`:
    a published figure before one derived from year-to-date data, then the later vintage).

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
    from lixia_econ.panel import get_series

    rows = {}
    for code in regions_:
        try:
            s = get_series(panel, code, indicator, measure="yoy_pct", freq="A")
        except ParameterError:
            continue
        rows[region_name(code)] = {str(p): v for p, v in s.items()}
    if not rows:
        return pd.DataFrame()
    wide = pd.DataFrame.from_dict(rows, orient="index")
    return wide[sorted(wide.columns)]


def level_sources(panel: pd.DataFrame, region: str, indicator: str) -> dict[str, str]:
    """Return the source (file and page) of each annual level the panel serves, by year."""
    from lixia_econ.panel import get_series, panel_rows

    s = get_series(panel, region, indicator, measure="level", freq="A")
    rows = panel_rows(panel, s.attrs["region"], s.attrs["indicator"])
    rows = rows[(rows["freq"] == "A") & (rows["measure"] == "level")]
    out = {}
    for period, value in s.items():
        match = rows[(rows["period"] == str(period)) & ((rows["value"] - value).abs() < 1e-9)]
        out[str(period)] = str(match["source"].iloc[0]) if len(match) else ""
    return out


def level_breaks(
    levels: Mapping[int, Any], growth: pd.Series, *, tolerance_pp: float = 7.0
) -> list[tuple[int, int, float, float]]:
    """Return consecutive year pairs whose levels cannot be compared (a level break).

    Growth from two published levels (nominal) differs from the published real growth by
    the price change; when it differs by more than ``tolerance_pp`` the two levels belong to
    different releases (vintages), as Lixia's 2019 level of spring 2020 against its 2020
    level: +13.4% nominal against +4.5% real. The default of 7 points is above the largest
    GDP deflator change of 2019-2023 (China 2021: +12.8% nominal against +8.1% real; Jinan
    2021: +12.4% against +7.2%).

    Parameters
    ----------
    levels : mapping
        Year -> level (current prices): a number, or an object with a ``value``.
    growth : pandas.Series
        Published real growth by year, percent.
    tolerance_pp : float
        Largest plausible gap between nominal and real growth, percentage points.

    Returns
    -------
    list of (int, int, float, float)
        ``(year, next_year, nominal_pct, real_pct)`` for every break; a pair without
        published real growth is not judged.
    """
    out = []
    for year in sorted(levels):
        nxt = levels.get(year + 1)
        real = growth.get(year + 1, math.nan)
        if nxt is None or not math.isfinite(real):
            continue
        nominal = 100.0 * (_number(nxt) / _number(levels[year]) - 1.0)
        if abs(nominal - real) > tolerance_pp:
            out.append((year, year + 1, nominal, float(real)))
    return out


def _number(level: Any) -> float:
    return float(getattr(level, "value", level))


@dataclass(frozen=True)
class VintageBreak:
    """Two consecutive annual levels of different vintages that are not comparable."""

    before: int
    after: int
    message: str

    def __str__(self) -> str:
        return self.message


def vintage_breaks(
    panel: pd.DataFrame, region: str, indicator: str, *, tolerance_pp: float = 7.0
) -> list[VintageBreak]:
    """Say where two consecutive annual levels come from different publications and disagree.

    Two levels are not compared as levels where the nominal growth they imply differs from
    the published real growth of the later year by more than ``tolerance_pp`` percentage
    points (more than prices plausibly explain: :func:`level_breaks`): a level break
    between vintages (Lixia: 1685.4 亿元 for 2019 from a spring-2020 article
    and 1910.41 for 2020 imply +13.4% nominal; the published real growth is +4.5%).

    Returns
    -------
    list of VintageBreak
        One per break (``str()`` is the sentence); empty when there is none or nothing
        to compare.
    """
    from lixia_econ.panel import get_series

    try:
        levels = get_series(panel, region, indicator, measure="level", freq="A")
        real = get_series(panel, region, indicator, measure="yoy_pct", freq="A")
    except ParameterError:
        return []
    sources = level_sources(panel, region, indicator)
    years = {p.year: v for p, v in levels.items()}
    growth = pd.Series({p.year: v for p, v in real.items()}, dtype="float64")
    out = []
    for a, b, nominal, real_b in level_breaks(years, growth, tolerance_pp=tolerance_pp):
        src_a, src_b = sources[str(a)].split(" ")[0], sources[str(b)].split(" ")[0]
        where = f"different publications ({src_a}; {src_b})" if src_a != src_b else src_a
        out.append(VintageBreak(a, b,
            f"{region_name(region)}: level break between vintages — the {a} level "
            f"({years[a]:,.2f}) and the {b} level ({years[b]:,.2f}), from {where}, imply "
            f"{nominal:+.1f}% nominal against a published real growth of {real_b:+.1f}%: "
            "no growth is computed from levels across it; the published growth rates are "
            "the figures to compare"
        ))  # fmt: skip
    return out


@dataclass
class RecoveryTables:
    """Recovery scorecards of the series that could be scored, and why the others could not."""

    results: dict[str, Any] = field(default_factory=dict)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    cannot: list[str] = field(default_factory=list)


class SeriesBasis(enum.Enum):
    """What a recovery scorecard is read on, and the seasonal adjustment that needs.

    Attributes
    ----------
    description : str
        For the reader ("Read on ...").
    adjust : str
        The ``adjust`` argument of :func:`lixia_econ.models.recovery.analyze_recovery`.
    """

    #: Year-on-year growth chained into an index: comparable prices, no seasonality left.
    CHAINED_GROWTH = ("year-on-year growth chained into an index", "none")
    #: Single-period levels as published: seasonally adjusted by the model.
    LEVELS = ("single-period levels as published", "seasonal")

    def __init__(self, description: str, adjust: str) -> None:
        self.description = description
        self.adjust = adjust


def _split_jan_feb(levels: pd.Series, jan_feb: str) -> pd.Series:
    """Split monthly levels whose February holds the January–February total (``clean``'s rule)."""
    from lixia_econ.clean import cumulate, decumulate

    months = levels.index
    combined = [p for p in months if p.month == 2 and (p - 1) not in months]
    if jan_feb == "keep" or levels.index.freqstr[0] != "M" or not combined:
        return levels
    return decumulate(cumulate(levels), jan_feb=jan_feb)


def _series_for(
    panel: pd.DataFrame, region: str, indicator: str, jan_feb: str = "days"
) -> tuple[pd.Series, SeriesBasis]:
    """Pick the series the recovery is read on, and say what it is."""
    from lixia_econ.clean import chain_yoy
    from lixia_econ.panel import get_series, row_arrays

    rows = row_arrays(panel, region, indicator, ("freq", "measure", "status"))
    keep = rows["status"] != "target"
    freqs, measures = rows["freq"][keep], rows["measure"][keep]
    reasons = []
    for freq in ("Q", "M"):
        have = set(measures[freqs == freq])
        if "yoy_pct" in have:
            g = get_series(panel, region, indicator, measure="yoy_pct", freq=freq)
            try:
                return chain_yoy(g, base_year=2019), SeriesBasis.CHAINED_GROWTH
            except InsufficientDataError as exc:
                reasons.append(str(exc))
        if "level" in have:
            s = get_series(panel, region, indicator, measure="level", freq=freq)
            return _split_jan_feb(s, jan_feb), SeriesBasis.LEVELS
    have = sorted(Counter(zip(freqs, measures, strict=True)).items())
    described = (
        ", ".join(f"{FREQ_NAMES[f]} {MEASURE_NAMES.get(m, m)} ({n})" for (f, m), n in have)
        or "nothing"
    )
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
    jan_feb: str = "days",
    cache: bool = False,
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
        Last period scored (later periods are ignored); empty: every period.
    method : str
        Counterfactual method, one of :data:`lixia_econ.models.vocab.METHODS`.
    jan_feb : {"days", "equal", "keep"}
        Monthly levels whose January and February were published together (no January,
        February holds both): ``"days"`` splits the two-month total by the months' days
        (31 : 28 or 29), ``"equal"`` in halves, ``"keep"`` leaves one two-month value at
        February (monthly models then lack every January). Splits are estimates of the
        months, not published figures; the result's notes say so.
    cache : bool
        Keep the result on disk and return it from there when asked again with the same
        rows of the region, arguments, region name, package code and library versions
        (:mod:`lixia_econ._memo`): a batch of reports that all print the national
        scorecard fits it once. Off by default.

    Returns
    -------
    RecoveryTables
        ``results`` (indicator -> RecoveryResult), ``table``
        (:func:`lixia_econ.models.compare.compare`, ranked by output loss) and ``cannot``
        (one sentence per indicator that could not be scored, with the reason).
    """
    from lixia_econ.models.vocab import METHODS

    check_choice("method", method, METHODS)
    check_choice("jan_feb", jan_feb, JAN_FEB_STATUS)
    args = (panel, region, indicators_, shock, as_of, method, jan_feb)
    if not cache:
        return _national_scorecard(*args)
    from lixia_econ._memo import memo

    key = _scorecard_key(panel, region, args[2:])
    return memo("scorecard", key, lambda: _national_scorecard(*args))


def _scorecard_key(panel: pd.DataFrame, region: str, settings: tuple[Any, ...]) -> bytes:
    """Return what a scorecard depends on: the region's rows, the settings, the names."""
    from lixia_econ.panel import panel_rows

    rows = panel_rows(panel, region)
    codes = sorted(set(rows["indicator"].astype(str)))
    parts = [
        region,
        region_name(region),
        repr(settings),
        repr(list(rows.columns)),
        repr(panel.attrs.get("source_order", [])),
        repr([indicator_label(c, lang="en") for c in codes]),
    ]
    values = pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes()
    return "\0".join(parts).encode() + b"\0" + values


def _national_scorecard(
    panel: pd.DataFrame,
    region: str,
    indicators_: list[str] | None,
    shock: str,
    as_of: str,
    method: str,
    jan_feb: str,
) -> RecoveryTables:
    """:func:`national_scorecard`, computed."""
    from lixia_econ.models._tools import shared_designs
    from lixia_econ.models.compare import compare
    from lixia_econ.panel import panel_rows

    mine = panel_rows(panel, region, columns=["indicator", "status"])
    mine = mine[mine["status"] != "target"]
    codes = indicators_ or sorted(mine["indicator"].unique())
    out = RecoveryTables()
    with shared_designs():  # series of one frequency share their trend design
        for code in codes:
            _score_one(panel, region, code, shock, as_of, method, jan_feb, out)
    if out.results:
        out.table = compare(out.results)
    return out


def _score_one(
    panel: pd.DataFrame,
    region: str,
    code: str,
    shock: str,
    as_of: str,
    method: str,
    jan_feb: str,
    out: RecoveryTables,
) -> None:
    """Score one indicator into ``out`` (a result, or a sentence on why it cannot be)."""
    from lixia_econ.models.recovery import analyze_recovery

    name = indicator_label(code, lang="en")
    try:
        series, basis = _series_for(panel, region, code, jan_feb)
        freq = series.index.freqstr[0]
        shock_p = parse_period(shock)[0].asfreq(freq, how="start")
        if as_of:  # empty: every period (a briefing run as a notebook, as_of left empty)
            series = series[series.index.end_time <= parse_period(as_of)[0].end_time]
        series = series.dropna()
        res = analyze_recovery(
            series, shock=shock_p, method=method, adjust=basis.adjust, as_of=series.index[-1]
        )
        res.notes.insert(0, f"Read on {basis.description}.")
        if basis is SeriesBasis.LEVELS and jan_feb != "keep" and _has_combined(panel, region, code):
            res.notes.insert(
                1,
                f"January and February were published together; the "
                f"two-month total is split {_JAN_FEB_WORDS[jan_feb]} (an "
                "estimate of the months, not a published figure).",
            )
        out.results[code] = res
    except (LixiaEconError, ValueError) as exc:
        out.cannot.append(f"{region_name(region)}, {name}: not scored — {exc}")


_JAN_FEB_WORDS = {"days": "by the months' days (31 : 28 or 29)", "equal": "in halves"}


def _has_combined(panel: pd.DataFrame, region: str, indicator: str) -> bool:
    from lixia_econ.panel import row_arrays

    rows = row_arrays(panel, region, indicator, ("status",))
    return bool((rows["status"] == JAN_FEB_STATUS["keep"]).any())


#: National sector value added that add up to GDP (NBS: before 2015 "other services" holds IN, LE).
_GDP_SECTORS = (
    "va_agriculture",
    "va_industry",
    "va_construction",
    "va_wholesale_retail",
    "va_transport",
    "va_hotels_catering",
    "va_finance",
    "va_real_estate",
    "va_it",
    "va_leasing_business",
    "va_other_services",
)


@dataclass
class EstimateTables:
    """Quarterly estimates of a region's annual figures, and what they can and cannot say."""

    result: Any = None
    estimates: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))
    recovery: Any = None
    statements: list[str] = field(default_factory=list)


def _national_quarterly_pattern(panel: pd.DataFrame, indicator: str) -> tuple[pd.Series, str]:
    """Return China's quarterly current-price levels of ``indicator`` and what they are."""
    from lixia_econ.panel import get_series

    if indicator == "gdp":
        parts = []
        for code in _GDP_SECTORS:
            try:
                s = get_series(panel, "000000", code, measure="level", freq="Q")
            except LixiaEconError:
                continue
            parts.append(s.rename(code))
        if parts:
            frame = pd.concat(parts, axis=1)
            # IN and LE start in 2015; before that NBS counts them in other services.
            core = [c for c in frame.columns if c not in ("va_it", "va_leasing_business")]
            total = frame.sum(axis=1, min_count=len(frame.columns))
            early = frame[core].sum(axis=1, min_count=len(core))
            early = early[frame[["va_it", "va_leasing_business"]].isna().all(axis=1)]
            total = total.fillna(early).dropna()
            return total, "China's quarterly GDP at current prices (sum of the 11 NBS industries)"
    s = get_series(panel, "000000", indicator, measure="level", freq="Q", price_basis="current")
    return s, f"China's quarterly {indicators()[indicator].name_en} at current prices"


def _check_against_ytd(
    panel: pd.DataFrame, region: str, indicator: str, estimates: pd.Series, name: str
) -> list[str]:
    """Compare estimated quarters with published year-to-date figures the model did not use."""
    from lixia_econ.panel import panel_rows

    rows = panel_rows(panel, region, indicator)
    rows = rows[
        (rows["measure"] == "ytd_level") & (rows["freq"] == "Q") & (rows["status"] == "published")
    ]
    out = []
    for period, value in zip(rows["period"], rows["value"], strict=True):
        end = pd.Period(period, freq="Q")
        quarters = pd.period_range(pd.Period(f"{end.year}Q1", freq="Q"), end, freq="Q")
        if all(q in estimates.index for q in quarters):
            est = float(estimates[quarters].sum())
            out.append(
                f"{name}: check against a published figure the estimates did not use — "
                f"{end.year} Q1–Q{end.quarter} estimated {est:,.1f}, published {value:,.1f} "
                f"({100 * (est / value - 1):+.1f}%)."
            )
    return out


def quarterly_estimates(
    panel: pd.DataFrame,
    region: str,
    indicator: str,
    *,
    shock: str,
    as_of: str,
    method: str = "fernandez",
) -> EstimateTables:
    """Estimate a region's quarters from its annual figures, and try the recovery on them.

    The annual figures are distributed over quarters along China's quarterly pattern of
    the same indicator (:func:`lixia_econ.models.disaggregate.disaggregate`). Estimates are
    labelled as estimates everywhere; years without a published figure get none.

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel.
    region : str
        Region code.
    indicator : str
        Indicator code with annual current-price levels for the region.
    shock, as_of : str
        As in the report; a year shock is read as its first quarter.
    method : str
        Disaggregation method; ``"fernandez"`` (the default) and ``"denton-cholette"`` work
        with gaps between published years.

    Returns
    -------
    EstimateTables
        The disaggregation result, the estimates, the recovery result (None when the
        estimates cannot support one) and plain-language statements, the caveat first.
    """
    from lixia_econ.models.disaggregate import disaggregate
    from lixia_econ.models.recovery import analyze_recovery

    out = EstimateTables()
    name = f"{region_name(region)}, {indicators()[indicator].name_en}"
    annual = _annual_levels(panel, region, indicator, as_of)
    if len(annual) < 2:
        out.statements.append(
            f"{name}: no quarterly estimates — {len(annual)} published annual level(s); "
            "temporal disaggregation needs at least two."
        )
        return out
    try:
        pattern, described = _national_quarterly_pattern(panel, indicator)
        pattern = pattern.rename(described)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LixiaEconWarning)
            res = disaggregate(annual.rename(name), pattern, method=method, to="Q")
    except LixiaEconError as exc:
        out.statements.append(f"{name}: no quarterly estimates — {exc}")
        return out
    out.result, out.estimates = res, res.estimates
    out.statements.append(res.caveat)
    out.statements.extend(_check_against_ytd(panel, region, indicator, res.estimates, name))
    quarter = parse_period(shock)[0].asfreq("Q", how="start")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LixiaEconWarning)
            out.recovery = analyze_recovery(res.estimates, shock=quarter, adjust="seasonal")
        out.statements.append(
            f"{name}: the recovery scorecard below is read on estimated quarters; it is only "
            "as good as the assumption that the region's quarters move like China's."
        )
    except LixiaEconError as exc:
        out.statements.append(f"{name}: no recovery scorecard on the estimates either — {exc}")
    return out
