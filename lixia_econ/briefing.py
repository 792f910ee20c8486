"""The district briefing: the analysis behind ``notebooks/templates/district_briefing.ipynb``.

A director's briefing answers a few questions from published annual figures only:

- how much the region grew in real terms since the year before the shock, against its
  benchmarks (published real growth rates chained into an index, 2019 = 100);
- where it ranks among the units of its city (districts, counties, functional zones);
- whether it is back on its pre-shock path (a counterfactual from pre-shock real growth);
- whether it met its published targets;
- what its sectors and quarters say, where they are published.

Levels of different vintages are never turned into growth: real growth comes from the
published rates, and a level comparison across releases is reported as a level break.
Every figure used is kept in a ledger (:class:`Ledger`) that becomes the sources table.

The numbers are computed by the functions below; the sentences and tables in the chosen
language (``"zh"`` or ``"en"``) by :func:`build_briefing`, which the template calls.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.analysis import level_breaks
from lixia_econ.errors import InsufficientDataError
from lixia_econ.panel import panel_rows, row_arrays
from lixia_econ.regions import region_label, regions
from lixia_econ.schema import indicator_label

__all__ = [
    "REPOST_MARK",
    "Briefing",
    "Figure",
    "Ledger",
    "Section",
    "build_briefing",
    "chain_index",
    "counterfactual_path",
    "fmt_num",
    "fmt_pct",
    "pick_figure",
    "rank_units",
    "scorecard_problem",
    "sheet_name",
    "table_html",
    "targets_against_outcomes",
]

#: Mark of a figure read from a press repost (``trust: media-repost``), explained in a footnote.
REPOST_MARK = "†"
DASH = "—"

#: Trust levels, most official first (the ``trust:`` part of a row's note).
_TRUST_ORDER = ("official", "official-secondary", "media", "media-repost")

_TRUST_LABEL = {
    "official": ("官方页面", "official page"),
    "official-secondary": ("官方转引", "official, secondary page"),
    "media": ("媒体报道", "news report"),
    "media-repost": ("媒体转载", "press repost"),
}

#: Who published the figures of each raw file (data/raw/SOURCES.md), for the sources table.
_PUBLISHER = {
    "jinan_districts_2020_2024.csv": (
        "济南市统计局、区政府（媒体转引）",
        "Jinan Municipal Bureau of Statistics and district governments (as quoted by the press)",
    ),
    "jinan_lixia_public_figures.csv": (
        "区、市、省政府及媒体",
        "Lixia, Jinan and Shandong governments, and the press",
    ),
    "published_annual_figures.csv": (
        "国家、省、市、区县统计公报",
        "NBS, Shandong, Jinan and district statistical communiqués",
    ),
    "nbs_portal_exports": ("国家统计局数据库", "NBS data portal"),
}
_NATIONAL_PUBLISHER = ("国家统计局", "National Bureau of Statistics")


def _t(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


# --------------------------------------------------------------------------- formatting


def fmt_pct(value: float | None, *, sign: bool = False, unit: bool = True) -> str:
    """Return a percentage with one decimal (``6.7%``), or a dash when missing.

    Parameters
    ----------
    value : float or None
        Percent.
    sign : bool
        Show ``+`` before positive values.
    unit : bool
        Append ``%``.

    Returns
    -------
    str

    Examples
    --------
    >>> fmt_pct(6.7), fmt_pct(float("nan")), fmt_pct(3.04, sign=True)
    ('6.7%', '—', '+3.0%')
    """
    if value is None or not math.isfinite(float(value)):
        return DASH
    text = f"{float(value):+.1f}" if sign else f"{float(value):.1f}"
    return text + ("%" if unit else "")


def fmt_num(value: float | None, digits: int = 1) -> str:
    """Return a number with thousands separators (``2,446.9``), or a dash when missing.

    Examples
    --------
    >>> fmt_num(2446.9), fmt_num(None), fmt_num(124.783, 1)
    ('2,446.9', '—', '124.8')
    """
    if value is None or not math.isfinite(float(value)):
        return DASH
    return f"{float(value):,.{digits}f}"


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """One published figure of the panel, with where it was read.

    ``value`` is in ``unit`` (percent for growth rates, 亿元 for levels); ``trust`` is the
    row's ``trust:`` note (``official`` ... ``media-repost``), ``file`` the raw file and
    ``url`` the page (or a description of the printed source).
    """

    region: str
    indicator: str
    period: str
    measure: str
    value: float
    unit: str
    price_basis: str
    status: str
    file: str
    url: str
    trust: str
    note: str

    @property
    def repost(self) -> bool:
        """True when the figure was read from a press repost."""
        return self.trust == "media-repost"

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """Identity of the figure in the ledger."""
        return (self.region, self.indicator, self.period, self.measure, self.url)


def _trust(note: str) -> str:
    for part in reversed(str(note).split(";")):
        part = part.strip()
        if part.startswith("trust:"):
            return part.removeprefix("trust:").strip()
    return ""


def _figure(row: Mapping[str, Any]) -> Figure:
    file, _, url = str(row["source"]).partition(" | ")
    return Figure(
        region=str(row["region"]),
        indicator=str(row["indicator"]),
        period=str(row["period"]),
        measure=str(row["measure"]),
        value=float(row["value"]),
        unit=str(row["unit"]),
        price_basis=str(row["price_basis"]),
        status=str(row["status"]),
        file=file.strip(),
        url=url.strip(),
        trust=_trust(row["note"]),
        note=str(row["note"]),
    )


def _preference(fig: Figure) -> tuple[int, int]:
    """Sort key: a figure not marked preliminary first, then the most official page."""
    preliminary = int("preliminary" in fig.note.lower() and "later vintage" not in fig.note)
    rank = _TRUST_ORDER.index(fig.trust) if fig.trust in _TRUST_ORDER else len(_TRUST_ORDER)
    return (preliminary, rank)


def pick_figure(
    panel: pd.DataFrame,
    region: str,
    indicator: str,
    period: str,
    measure: str,
    *,
    freq: str = "A",
    statuses: tuple[str, ...] = ("published",),
) -> Figure | None:
    """Return the published figure of one region, indicator, period and measure, or None.

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel.
    region, indicator, period, measure : str
        What to pick (codes of the panel; ``period`` ``"2023"`` for a year).
    freq : str
        ``A``, ``Q`` or ``M``.
    statuses : tuple of str
        Row statuses accepted (default published figures only; ``("target",)`` for plans).

    Returns
    -------
    Figure or None
        When several pages print the figure, the one not marked preliminary, then the most
        official page, wins. None when nothing is published: never filled in.
    """
    rows = _figure_rows(panel, region, indicator)
    return _best_figure(rows, period, measure, freq=freq, statuses=statuses)


#: The panel's columns a :class:`Figure` is made of.
_FIGURE_COLUMNS = (
    "region", "indicator", "freq", "period", "measure", "value", "unit", "price_basis", "status",
    "source", "note",
)  # fmt: skip

#: The rows of one region and indicator, one array a column (:data:`_FIGURE_COLUMNS`).
_FigureRows = dict[str, np.ndarray]


def _figure_rows(panel: pd.DataFrame, region: str, indicator: str) -> _FigureRows:
    """Return the panel's rows of one region and indicator as arrays, in panel order."""
    rows = row_arrays(panel, region, indicator, _FIGURE_COLUMNS)
    rows["value"] = rows["value"].astype("float64")
    return rows


def _best_figure(
    rows: _FigureRows, period: str, measure: str, *, freq: str, statuses: tuple[str, ...]
) -> Figure | None:
    """Return :func:`pick_figure`'s choice among the rows of one region and indicator."""
    keep = (
        (rows["period"] == str(period))
        & (rows["measure"] == measure)
        & (rows["freq"] == freq)
        & np.isfinite(rows["value"])
    )
    accepted = np.zeros(len(keep), dtype=bool)
    for status in statuses:
        accepted |= rows["status"] == status
    figs = [_figure({c: v[i] for c, v in rows.items()}) for i in np.flatnonzero(keep & accepted)]
    if not figs:
        return None
    return sorted(figs, key=_preference)[0]


@dataclass
class Ledger:
    """Every figure a briefing uses, in order of first use (the sources table)."""

    figures: dict[tuple[str, str, str, str, str], Figure] = field(default_factory=dict)

    def use(self, fig: Figure | None) -> Figure | None:
        """Record ``fig`` (None is passed through) and return it."""
        if fig is not None:
            self.figures.setdefault(fig.key, fig)
        return fig

    def mark(self, fig: Figure | None) -> str:
        """Return :data:`REPOST_MARK` for a figure read from a press repost, else ``""``."""
        return REPOST_MARK if fig is not None and fig.repost else ""

    @property
    def any_repost(self) -> bool:
        """True when a figure used came from a press repost."""
        return any(f.repost for f in self.figures.values())


# --------------------------------------------------------------------------- computations


def chain_index(growth: pd.Series, base_year: int, end_year: int) -> pd.Series:
    """Chain published real growth rates into an index, ``base_year`` = 100.

    Parameters
    ----------
    growth : pandas.Series
        Real growth over the previous year, percent, indexed by year (int).
    base_year, end_year : int
        First (index 100) and last year.

    Returns
    -------
    pandas.Series
        Index by year, comparable prices. A year whose growth is missing, and every later
        year, is NaN: a gap is never bridged.

    Examples
    --------
    >>> chain_index(pd.Series({2020: 10.0, 2021: 10.0}), 2019, 2021).round(1).tolist()
    [100.0, 110.0, 121.0]
    """
    years = range(base_year, end_year + 1)
    out, level = {}, 100.0
    for year in years:
        if year > base_year:
            g = growth.get(year, np.nan)
            level = level * (1.0 + g / 100.0) if np.isfinite(g) else np.nan
        out[year] = level
    return pd.Series(out, dtype="float64")


@dataclass(frozen=True)
class Counterfactual:
    """The pre-shock path of a real index and the gap of the actual index from it.

    ``window`` are the pre-shock years whose published growth the path assumes continued
    (``rate_pct`` is their geometric mean, percent a year, comparable prices); ``path`` is
    the index on that path (base year = 100); ``gap_pct`` the actual index against the
    path in the end year, percent (negative: below the path). No interval: a handful of
    published annual rates gives none.
    """

    window: tuple[int, ...]
    rate_pct: float
    path: pd.Series
    gap_pct: float


def counterfactual_path(
    growth: pd.Series, index: pd.Series, *, shock_year: int, max_window: int = 3
) -> Counterfactual:
    """Return the pre-shock path: the pre-shock real growth continued after the shock.

    Parameters
    ----------
    growth : pandas.Series
        Published real growth by year, percent.
    index : pandas.Series
        The chained real index (see :func:`chain_index`), base year = ``shock_year - 1``.
    shock_year : int
        First year of the shock.
    max_window : int
        At most this many consecutive pre-shock years with published growth, ending the
        year before the shock.

    Returns
    -------
    Counterfactual

    Raises
    ------
    InsufficientDataError
        No published growth for the year before the shock.
    """
    window: list[int] = []
    for year in range(shock_year - 1, shock_year - 1 - max_window, -1):
        if not np.isfinite(growth.get(year, np.nan)):
            break
        window.insert(0, year)
    if not window:
        raise InsufficientDataError(
            f"no published real growth for {shock_year - 1}, the year before the shock"
        )
    factors = [1.0 + growth[y] / 100.0 for y in window]
    rate = 100.0 * (float(np.prod(factors)) ** (1.0 / len(factors)) - 1.0)
    base = shock_year - 1
    path = pd.Series({y: 100.0 * (1.0 + rate / 100.0) ** (y - base) for y in index.index})
    last = index.dropna().index.max()
    gap = 100.0 * (index[last] / path[last] - 1.0)
    return Counterfactual(tuple(window), rate, path, gap)


def rank_units(values: dict[str, float]) -> tuple[pd.Series, int]:
    """Rank units by a value, largest first (ties share the better rank).

    Parameters
    ----------
    values : dict
        Unit -> value; missing values (NaN) are left out.

    Returns
    -------
    (pandas.Series, int)
        Rank by unit (1 = largest) and the number of units ranked.

    Examples
    --------
    >>> ranks, n = rank_units({"a": 3.0, "b": 5.0, "c": float("nan")})
    >>> ranks.to_dict(), n
    ({'b': 1, 'a': 2}, 2)
    """
    s = pd.Series(values, dtype="float64").dropna()
    ranks = s.rank(ascending=False, method="min").astype(int).sort_values()
    return ranks, len(s)


def targets_against_outcomes(
    targets: list[Figure], outcomes: dict[tuple[str, str, str], Figure | None]
) -> pd.DataFrame:
    """Compare each published target with its outcome.

    Parameters
    ----------
    targets : list of Figure
        Target rows (measure ``target_yoy_pct``, percent).
    outcomes : dict
        ``(region, indicator, period)`` -> the published outcome (``yoy_pct``) or None.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``indicator``, ``period``, ``target``, ``outcome`` (NaN when not
        published), ``verdict`` (``met``, ``missed`` or ``unknown``) and ``shortfall_pp``
        (target minus outcome, percentage points, when missed).
    """
    rows = []
    for t in targets:
        out = outcomes.get((t.region, t.indicator, t.period))
        value = out.value if out is not None else np.nan
        if not np.isfinite(value):
            verdict, short = "unknown", np.nan
        elif round(value, 1) >= round(t.value, 1):
            verdict, short = "met", np.nan
        else:
            verdict, short = "missed", round(t.value - value, 1)
        rows.append(
            {
                "indicator": t.indicator,
                "period": t.period,
                "target": t.value,
                "outcome": value,
                "verdict": verdict,
                "shortfall_pp": short,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the briefing


@dataclass
class Section:
    """One section of the briefing: a heading, sentences, tables, charts and footnotes.

    ``tables`` are ``(name, frame)`` pairs: ``frame`` holds formatted text (a dash for a
    missing value) under headers in the briefing's language; the raw numbers go to
    ``metrics.json`` through ``glue`` in the template. ``workbook_tables`` go to the
    workbook and ``metrics.json`` only, not to the page (the sources ledger, one row a
    figure, which the page shows grouped by source page).
    """

    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    workbook_tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)


@dataclass
class Briefing:
    """A built briefing: header, headline, sections, the glued numbers and the ledger."""

    lang: str
    region: str
    title: str
    header: list[str]
    headline: list[str]
    sections: list[Section]
    metrics: dict[str, Any]
    ledger: Ledger


@dataclass
class _Ctx:
    """What every section builder needs."""

    panel: pd.DataFrame
    region: str
    benchmarks: list[str]
    peers_of: str
    shock_year: int
    end_year: int
    lang: str
    use_estimates: bool
    as_of: str
    ledger: Ledger = field(default_factory=Ledger)
    metrics: dict[str, Any] = field(default_factory=dict)

    _rows: dict[tuple[str, str], _FigureRows] = field(default_factory=dict)

    def t(self, zh: str, en: str) -> str:
        return _t(self.lang, zh, en)

    def pick(
        self,
        region: str,
        indicator: str,
        period: str,
        measure: str,
        *,
        freq: str = "A",
        statuses: tuple[str, ...] = ("published",),
    ) -> Figure | None:
        """Return :func:`pick_figure` of the panel.

        A briefing picks about 200 figures from a few dozen series: each series' rows are
        taken out of the panel once (:func:`lixia_econ.panel.panel_rows`) and kept for
        the briefing being built.
        """
        rows = self._rows.get((region, indicator))
        if rows is None:
            rows = self._rows[region, indicator] = _figure_rows(self.panel, region, indicator)
        return _best_figure(rows, period, measure, freq=freq, statuses=statuses)

    def name(self, code: str) -> str:
        return region_label(code, lang=self.lang)

    def ind(self, code: str) -> str:
        return indicator_label(code, lang=self.lang)


@lru_cache(maxsize=4096)
def _period_end(label: str) -> pd.Timestamp:
    return pd.Period(str(label)).end_time


def latest_period(panel: pd.DataFrame, region: str, as_of: str = "") -> str | None:
    """Return the latest period with a published figure of ``region`` (not after ``as_of``).

    Targets do not count. Returns None when the region has no data.
    """
    rows = panel_rows(panel, region)
    rows = rows[rows["status"] != "target"]
    periods = sorted(set(rows["period"].astype(str)), key=_latest_key)
    if as_of:
        limit = _period_end(as_of)
        periods = [p for p in periods if _period_end(p) <= limit]
    return periods[-1] if periods else None


def _latest_key(period: str) -> tuple[pd.Timestamp, int, str]:
    """Return the sort key of a period: its end, then its length, then its label.

    Of periods that end together (2022, 2022Q4, 2022-12) the longest comes last: never by
    a set's order, which moves with the hash seed (the header's latest period differed
    between runs).
    """
    span = 2 if len(period) == 4 else 1 if "Q" in period else 0
    return _period_end(period), span, period


def _growth(ctx: _Ctx, code: str, years: range) -> tuple[pd.Series, dict[int, Figure]]:
    figs = {y: ctx.pick(code, "gdp", str(y), "yoy_pct") for y in years}
    figs = {y: f for y, f in figs.items() if f is not None}
    return pd.Series({y: f.value for y, f in figs.items()}, dtype="float64"), figs


def _end_year(panel: pd.DataFrame, region: str, as_of: str) -> int:
    rows = panel_rows(panel, region, "gdp")
    rows = rows[
        (rows["freq"] == "A")
        & (rows["measure"].isin(["yoy_pct", "level"]))
        & (rows["status"] == "published")
    ]
    years = [int(p) for p in rows["period"].astype(str)]
    if as_of:
        years = [y for y in years if pd.Period(str(y)).end_time <= _period_end(as_of)]
    if not years:
        raise InsufficientDataError(
            f"{region_label(region, lang='en')}: no published annual GDP figure up to "
            f"{as_of or 'the latest period'}; a briefing needs at least one"
        )
    return max(years)


def _marked(ctx: _Ctx, fig: Figure | None, text: str) -> str:
    return text + ctx.ledger.mark(ctx.ledger.use(fig)) if fig is not None else DASH


def _growth_data(ctx: _Ctx) -> dict[str, Any]:
    """Return published growth, chained index and figures of the region and benchmarks."""
    base = ctx.shock_year - 1
    years = range(base, ctx.end_year + 1)
    growth, figs, index = {}, {}, {}
    for code in [ctx.region, *ctx.benchmarks]:
        growth[code], figs[code] = _growth(ctx, code, years)
        index[code] = chain_index(growth[code], base, ctx.end_year)
    return {"years": list(years), "growth": growth, "figs": figs, "index": index}


def _index_chart(ctx: _Ctx, data: dict[str, Any], cf: Counterfactual | None) -> Any:
    import altair as alt

    rows = [
        {"year": str(y), "who": ctx.name(code), "value": v}
        for code, idx in data["index"].items()
        for y, v in idx.items()
        if np.isfinite(v)
    ]
    if cf is not None:
        path = ctx.t(
            f"{ctx.name(ctx.region)}：疫情前增速延续", f"{ctx.name(ctx.region)}: pre-COVID path"
        )
        rows += [{"year": str(y), "who": path, "value": v} for y, v in cf.path.items()]
    base = ctx.shock_year - 1
    title = ctx.t(
        f"实际GDP指数（{base}年=100，可比价）", f"Real GDP index ({base} = 100, comparable prices)"
    )
    return (
        alt.Chart(pd.DataFrame(rows), title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=ctx.t("年份", "Year"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=ctx.t("指数", "Index"), scale=alt.Scale(zero=False)),
            color=alt.Color("who:N", title=ctx.t("地区", "Region")),
            strokeDash=alt.condition(
                alt.datum.who == rows[-1]["who"] if cf is not None else alt.datum.who == "",
                alt.value([5, 4]),
                alt.value([1, 0]),
            ),
            tooltip=[
                alt.Tooltip("who:N", title=ctx.t("地区", "Region")),
                alt.Tooltip("year:O", title=ctx.t("年份", "Year")),
                alt.Tooltip("value:Q", title=ctx.t("指数", "Index"), format=".1f"),
            ],
        )
        .properties(width=560, height=230)
    )


def _growth_section(ctx: _Ctx, data: dict[str, Any], cf: Counterfactual | None) -> Section:
    sec = Section(ctx.t("二、实际增长路径", "2. Real growth path"))
    years, after = data["years"], ctx.shock_year + 1
    rows = []
    for code in [ctx.region, *ctx.benchmarks]:
        row = {ctx.t("地区", "Region"): ctx.name(code)}
        for y in years:
            fig = data["figs"][code].get(y)
            row[ctx.t(f"{y}年增速（%）", f"{y} growth (%)")] = _marked(
                ctx, fig, fmt_pct(fig.value if fig else None, unit=False)
            )
        g = data["growth"][code]
        two = _two_year(g, after)
        row[ctx.t(f"{after}年两年平均增速（%）", f"{after} two-year average (%)")] = fmt_pct(
            two, unit=False
        )
        row[
            ctx.t(
                f"{ctx.end_year}年指数（{years[0]}年=100）",
                f"{ctx.end_year} index ({years[0]} = 100)",
            )
        ] = fmt_num(data["index"][code].get(ctx.end_year))
        rows.append(row)
        ctx.metrics.setdefault("two_year_average_pct", {})[code] = two
        ctx.metrics.setdefault("real_index", {})[code] = {
            str(y): (None if not np.isfinite(v) else round(v, 4))
            for y, v in data["index"][code].items()
        }
    sec.tables.append(("real_growth", pd.DataFrame(rows)))
    sec.lines.append(
        ctx.t(
            (
                f"地区生产总值实际增速（按可比价格计算，比上年增长，%），以{years[0]}"
                "年为100连乘成实际指数；两年平均增速为国家统计局口径的几何平均。"
            ),
            (
                "Real GDP growth (comparable prices, over the previous year,"
                f" %), chained into a real index with {years[0]} = 100; the "
                "two-year average is NBS's geometric mean."
            ),
        )
    )
    for code in [ctx.region, *ctx.benchmarks]:
        missing = [y for y in years[1:] if y not in data["figs"][code]]
        if missing:
            ys = (
                "、".join(str(y) for y in missing)
                if ctx.lang == "zh"
                else ", ".join(str(y) for y in missing)
            )
            sec.lines.append(
                ctx.t(
                    f"{ctx.name(code)}{ys}年实际增速未找到公开数据，指数自该年起中断（不作插补）。",
                    (
                        f"{ctx.name(code)}: real growth for {ys} not found in any "
                        "published source; the index stops there (nothing is interpolated)."
                    ),
                )
            )
    sec.charts.append(_index_chart(ctx, data, cf))
    sec.tables.append(("gdp_levels", _levels_table(ctx, data, sec)))
    sec.footnotes.append(ctx.t("“—”表示未找到公开数据。", "“—”: no published figure found."))
    return sec


def _two_year(g: pd.Series, year: int) -> float:
    from lixia_econ.models.growth import two_year_average_growth

    a, b = g.get(year, np.nan), g.get(year - 1, np.nan)
    return float(two_year_average_growth(a, b)) if np.isfinite(a) and np.isfinite(b) else np.nan


def _levels_table(ctx: _Ctx, data: dict[str, Any], sec: Section) -> pd.DataFrame:
    levels = {}
    for y in data["years"]:
        fig = ctx.pick(ctx.region, "gdp", str(y), "level")
        if fig is not None:
            levels[y] = fig
    breaks = level_breaks(levels, data["growth"][ctx.region])
    broken = {b for _, b, _, _ in breaks}
    rows = []
    for y in data["years"]:
        fig = levels.get(y)
        rows.append(
            {
                ctx.t("年份", "Year"): str(y),
                ctx.t(
                    "地区生产总值（亿元，现价）", "GDP (100 million yuan, current prices)"
                ): _marked(ctx, fig, fmt_num(fig.value if fig else None)),
                ctx.t("与上年水平可比", "Comparable with the previous year's level"): ctx.t(
                    "否（口径断点）", "no (level break)"
                )
                if y in broken
                else (DASH if y == data["years"][0] else ctx.t("是", "yes")),
            }
        )
    for a, b, nominal, real in breaks:
        sec.lines.append(
            ctx.t(
                (
                    f"{ctx.name(ctx.region)}{a}年地区生产总值取自较早发布的数据，"
                    f"与{b}年不可比：两者相除得名义增长{fmt_pct(nominal)}，而公布的{b}年"
                    f"实际增速为{fmt_pct(real)}。增长一律采用公布的增速。"
                ),
                (
                    f"{ctx.name(ctx.region)}'s {a} GDP level comes from an earlier "
                    f"release and is not comparable with {b}'s: dividing them "
                    f"gives {fmt_pct(nominal, sign=True)} nominal, while the published "
                    f"real growth for {b} is {fmt_pct(real, sign=True)}. Growth "
                    "is taken from the published rates only."
                ),
            )
        )
    ctx.metrics["level_breaks"] = [[a, b] for a, b, _, _ in breaks]
    return pd.DataFrame(rows)


def _counterfactual(ctx: _Ctx, data: dict[str, Any]) -> Counterfactual | None:
    g = data["growth"][ctx.region]
    pre = pd.Series({y: v for y, v in g.items() if y < ctx.shock_year})
    pre_years = range(ctx.shock_year - 3, ctx.shock_year)
    extra, _ = _growth(ctx, ctx.region, pre_years)
    for y, v in extra.items():
        pre[y] = v
    if not (data["index"][ctx.region].dropna().index >= ctx.shock_year).any():
        return None  # no year after the shock could be chained: nothing to compare
    try:
        return counterfactual_path(pre, data["index"][ctx.region], shock_year=ctx.shock_year)
    except InsufficientDataError:
        return None


def _path_assumption(ctx: _Ctx, cf: Counterfactual) -> str:
    """Say what the pre-shock path rests on (which years' growth is assumed to continue)."""
    window = cf.window
    if len(window) == 1:
        return ctx.t(
            (
                f"疫情前路径假定{window[0]}年的{fmt_pct(cf.rate_pct)}增速此后延续（只"
                "有一个疫情前增速可用）。"
            ),
            (
                f"The pre-COVID path assumes {window[0]}'s {fmt_pct(cf.rate_pct)} "
                "continued (only one pre-COVID growth rate is published)."
            ),
        )
    return ctx.t(
        f"疫情前路径假定{window[0]}—{window[-1]}年平均增速{fmt_pct(cf.rate_pct)}此后延续。",
        (
            f"The pre-COVID path assumes the {window[0]}–{window[-1]} "
            f"average of {fmt_pct(cf.rate_pct)} a year continued."
        ),
    )


def _no_path_line(ctx: _Ctx, data: dict[str, Any]) -> str:
    """Say why the pre-shock path cannot be drawn, and what would allow it."""
    name, before = ctx.name(ctx.region), ctx.shock_year - 1
    if before not in data["figs"][ctx.region]:
        return ctx.t(
            f"无法判断：{name}{before}年实际增速未公布；需要该年的公开增速。",
            f"Cannot be answered: {name}'s real growth for {before} is not published; "
            "that year's growth rate would answer it.",
        )
    return ctx.t(
        f"无法判断：{name}{ctx.shock_year}年实际增速未公布，疫情后的实际指数无法连乘；"
        "需要该年起的公开增速。",
        f"Cannot be answered: {name}'s real growth for {ctx.shock_year} is not published, so "
        "no post-shock index can be chained; the published rates from that year would answer it.",
    )


def _path_section(ctx: _Ctx, data: dict[str, Any], cf: Counterfactual | None) -> Section:
    sec = Section(ctx.t("三、是否回到疫情前增长路径？", "3. Back on the pre-COVID path?"))
    name = ctx.name(ctx.region)
    if cf is None:
        sec.lines.append(_no_path_line(ctx, data))
        return sec
    window = cf.window
    rests = _path_assumption(ctx, cf)
    last = int(data["index"][ctx.region].dropna().index.max())
    level = ctx.pick(ctx.region, "gdp", str(last), "level")
    gap_yuan = cf.gap_pct / 100.0 * level.value if level is not None else np.nan
    ctx.ledger.use(level)
    verdict = (
        ctx.t("已回到", "is back on") if cf.gap_pct >= 0 else ctx.t("仍低于", "is still below")
    )
    sec.lines += [
        rests,
        ctx.t(
            (
                f"{last}年{name}实际指数为{fmt_num(data['index'][ctx.region][last])}"
                f"，疫情前路径为{fmt_num(cf.path[last])}，{verdict}该路径："
                f"差距{fmt_pct(cf.gap_pct, sign=True)}。"
            ),
            (
                f"In {last} {name}'s real index is {fmt_num(data['index'][ctx.region][last])}"
                f" against {fmt_num(cf.path[last])} on the pre-COVID path: "
                f"it {verdict} the path, a gap of {fmt_pct(cf.gap_pct, sign=True)}."
            ),
        ),
        ctx.t(
            (
                f"按{last}年现价地区生产总值{fmt_num(level.value if level else None)}"
                f"亿元{ctx.ledger.mark(level)}折算，差距约{fmt_num(gap_yuan)}亿元（近"
                "似值：差距百分比乘以当年现价水平）。"
            ),
            (
                f"At {last}'s current-price GDP of {fmt_num(level.value if level else None)}"
                f"{ctx.ledger.mark(level)} (100 million yuan), the gap is "
                f"about {fmt_num(gap_yuan)} (100 million yuan) — an approximation: "
                "the gap in percent times that year's current-price level."
            ),
        ),
        ctx.t(
            "年度公开增速只有寥寥几个，模型不给出区间，故不报区间。",
            "A handful of published annual rates gives no model interval, so none is shown.",
        ),
    ]
    ctx.metrics["counterfactual"] = {
        "window": list(window),
        "rate_pct": round(cf.rate_pct, 4),
        "path_index": round(float(cf.path[last]), 4),
        "gap_pct": round(cf.gap_pct, 4),
        "gap_yuan_100m": None if not np.isfinite(gap_yuan) else round(gap_yuan, 2),
        "year": last,
    }
    return sec


def _peer_units(ctx: _Ctx) -> list[str]:
    return sorted(
        code for code, reg in regions().items() if reg.parent == ctx.peers_of and reg.current
    )


def _peer_frame(ctx: _Ctx, years: range) -> pd.DataFrame:
    rows = []
    for code in _peer_units(ctx):
        for y in years:
            lv = ctx.pick(code, "gdp", str(y), "level")
            gr = ctx.pick(code, "gdp", str(y), "yoy_pct")
            rows.append({"code": code, "year": y, "level": lv, "growth": gr})
    return pd.DataFrame(rows)


def _rank_cell(ranks: pd.Series, n: int, code: str) -> str:
    return f"{ranks[code]}/{n}" if code in ranks.index else DASH


def _peer_year(ctx: _Ctx, frame: pd.DataFrame, y: int) -> dict[str, Any]:
    rows = frame[frame["year"] == y]
    lv = {r.code: r.level.value for r in rows.itertuples() if r.level is not None}
    gr = {r.code: r.growth.value for r in rows.itertuples() if r.growth is not None}
    lranks, ln = rank_units(lv)
    granks, gn = rank_units(gr)
    mine = rows[rows["code"] == ctx.region]
    lfig = mine["level"].iloc[0] if len(mine) else None
    gfig = mine["growth"].iloc[0] if len(mine) else None
    city = ctx.pick(ctx.peers_of, "gdp", str(y), "level")
    share = 100.0 * lfig.value / city.value if lfig is not None and city is not None else np.nan
    if np.isfinite(share):
        ctx.ledger.use(city)
    return {
        "year": y,
        "level_rank": int(lranks[ctx.region]) if ctx.region in lranks.index else None,
        "level_n": ln,
        "growth_rank": int(granks[ctx.region]) if ctx.region in granks.index else None,
        "growth_n": gn,
        "share_pct": share,
        "cells": {
            ctx.t("年份", "Year"): str(y),
            ctx.t("地区生产总值（亿元）", "GDP (100 million yuan)"): _marked(
                ctx, lfig, fmt_num(lfig.value if lfig else None)
            ),
            ctx.t(
                "总量排名（名次/有数据单位数）", "Rank by size (rank/units with data)"
            ): _rank_cell(lranks, ln, ctx.region),
            ctx.t("实际增速（%）", "Real growth (%)"): _marked(
                ctx, gfig, fmt_pct(gfig.value if gfig else None, unit=False)
            ),
            ctx.t(
                "增速排名（名次/有数据单位数）", "Rank by growth (rank/units with data)"
            ): _rank_cell(granks, gn, ctx.region),
            ctx.t(
                f"占{ctx.name(ctx.peers_of)}比重（%）", f"Share of {ctx.name(ctx.peers_of)} (%)"
            ): fmt_pct(share, unit=False),
        },
    }


def _peer_chart(ctx: _Ctx, frame: pd.DataFrame, y: int) -> Any:
    import altair as alt

    rows = frame[(frame["year"] == y) & frame["level"].notna()]
    data = pd.DataFrame(
        {
            "who": [ctx.name(c) for c in rows["code"]],
            "value": [f.value for f in rows["level"]],
            "mine": [c == ctx.region for c in rows["code"]],
        }
    )
    return (
        alt.Chart(
            data,
            title=ctx.t(
                f"{y}年{ctx.name(ctx.peers_of)}各区县（功能区）地区生产总值",
                f"GDP of {ctx.name(ctx.peers_of)}'s units, {y}",
            ),
        )
        .mark_bar()
        .encode(
            y=alt.Y("who:N", sort="-x", title=None),
            x=alt.X("value:Q", title=ctx.t("亿元（现价）", "100 million yuan (current prices)")),
            color=alt.condition(alt.datum.mine, alt.value("#c0392b"), alt.value("#95a5a6")),
            tooltip=[
                alt.Tooltip("who:N", title=ctx.t("地区", "Unit")),
                alt.Tooltip("value:Q", title=ctx.t("亿元", "100 million yuan"), format=",.1f"),
            ],
        )
        .properties(width=520, height=max(100, 16 * len(data)))
    )


def _peers_section(ctx: _Ctx) -> Section:
    sec = Section(
        ctx.t(
            f"四、在{ctx.name(ctx.peers_of)}区县（功能区）中的位置",
            f"4. Among {ctx.name(ctx.peers_of)}'s districts and zones",
        )
    )
    units = _peer_units(ctx)
    if ctx.region not in units:
        sec.lines.append(
            ctx.t(
                (
                    f"{ctx.name(ctx.region)}不是{ctx.name(ctx.peers_of)}的下级单位，"
                    "无从排名；选择其上级地区可得排名。"
                ),
                (
                    f"{ctx.name(ctx.region)} is not a unit of {ctx.name(ctx.peers_of)},"
                    " so it has no rank there; its own parent region would give "
                    "one."
                ),
            )
        )
        return sec
    years = range(ctx.shock_year, ctx.end_year + 1)
    frame = _peer_frame(ctx, years)
    for r in frame.itertuples():
        ctx.ledger.use(r.level)
        ctx.ledger.use(r.growth)
    out = [_peer_year(ctx, frame, y) for y in years]
    sec.tables.append(("peer_ranks", pd.DataFrame([o["cells"] for o in out])))
    ctx.metrics["peer_ranks"] = [{k: v for k, v in o.items() if k != "cells"} for o in out]
    sec.lines.append(
        ctx.t(
            (
                f"排名只在当年有该数据的单位之间进行（共{len(units)}个区县和功能区）"
                "；名次后为有数据的单位数。"
            ),
            (
                "Ranks are among the units with the figure for that year "
                f"({len(units)} districts, counties and functional zones in "
                "all); the number after the rank is how many had it."
            ),
        )
    )
    sec.charts.append(_peer_chart(ctx, frame, ctx.end_year))
    sec.lines += _comparability(ctx, frame)
    sec.footnotes.append(ctx.t("“—”表示未找到公开数据。", "“—”: no published figure found."))
    return sec


def _comparability(ctx: _Ctx, frame: pd.DataFrame) -> list[str]:
    lines = []
    for code in _peer_units(ctx):
        mine = frame[(frame["code"] == code) & frame["level"].notna()].set_index("year")["level"]
        for y in mine.index:
            nxt = mine.get(y + 1)
            if nxt is None or not all("comparable" in f.note for f in (mine[y], nxt)):
                continue
            jump = 100.0 * (nxt.value / mine[y].value - 1.0)
            lines.append(
                ctx.t(
                    (
                        f"{ctx.name(code)}{y}—{y + 1}年总量增长{fmt_pct(jump)}：来源注明统计"
                        f"范围自{y + 1}年起变化（并入开发区），两年总量不可比。"
                    ),
                    (
                        f"{ctx.name(code)}'s level rises {fmt_pct(jump)} from {y} "
                        f"to {y + 1}: its sources say the coverage changed in {y + 1} "
                        "(a development zone merged in); the two levels are not comparable."
                    ),
                )
            )
    zones = [c for c in _peer_units(ctx) if regions()[c].kind == "functional zone"]
    if zones:
        names = (
            "、".join(ctx.name(c) for c in zones)
            if ctx.lang == "zh"
            else ", ".join(ctx.name(c) for c in zones)
        )
        lines.append(
            ctx.t(
                (
                    f"功能区（{names}）与行政区是否重叠统计，来源未说明，未知；"
                    "排名和比重按公布数据计算，不宜相加。"
                ),
                (
                    f"Whether the functional zones ({names}) overlap the districts "
                    "in these figures is not stated by the sources (unknown);"
                    " ranks and shares use the figures as published, which should "
                    "not be summed."
                ),
            )
        )
    return lines


def _target_figs(ctx: _Ctx) -> list[Figure]:
    rows = panel_rows(ctx.panel, ctx.region)
    rows = rows[
        (rows["status"] == "target") & (rows["measure"] == "target_yoy_pct") & (rows["freq"] == "A")
    ]
    figs = [_figure(r) for _, r in rows.iterrows()]
    return sorted(figs, key=lambda f: (f.period, f.indicator))


def _in_progress(ctx: _Ctx, t: Figure) -> str | None:
    """For a target whose year has no outcome: the growth the rest of the year needs."""
    from lixia_econ.models.growth import required_growth

    rows = panel_rows(ctx.panel, ctx.region, t.indicator)
    rows = rows[
        (rows["measure"] == "ytd_yoy_pct")
        & (rows["period"].astype(str).str.startswith(t.period))
        & (rows["status"] == "published")
    ]
    if rows.empty:
        return None
    last = sorted(rows["period"].astype(str), key=_period_end)[-1]
    ytd = ctx.pick(ctx.region, t.indicator, last, "ytd_yoy_pct", freq=rows["freq"].iloc[0])
    prev_label = str(int(t.period) - 1) + last[4:]
    prev_ytd = ctx.pick(ctx.region, t.indicator, prev_label, "ytd_level", freq=rows["freq"].iloc[0])
    prev_year = ctx.pick(ctx.region, t.indicator, str(int(t.period) - 1), "level")
    if prev_ytd is None or prev_year is None:
        return ctx.t(
            (
                f"{t.period}年截至{last}累计增长{fmt_pct(ytd.value)}；剩余时期所需增"
                "速无法计算：缺上年同期累计和上年全年总量。"
            ),
            (
                f"{t.period} to {last}: {fmt_pct(ytd.value)} year to date;"
                " the growth the rest of the year needs cannot be computed "
                "without last year's same-period and full-year totals."
            ),
        )
    for f in (ytd, prev_ytd, prev_year):
        ctx.ledger.use(f)
    need = required_growth(t.value, ytd.value, prev_ytd.value / prev_year.value)
    return ctx.t(
        (
            f"{t.period}年截至{last}累计增长{fmt_pct(ytd.value)}，余下时期需增长"
            f"{fmt_pct(need)}方能完成目标。"
        ),
        (
            f"{t.period} to {last}: {fmt_pct(ytd.value)} year to date;"
            f" the rest of the year needs {fmt_pct(need)} to meet the "
            "target."
        ),
    )


def _targets_section(ctx: _Ctx) -> Section:
    sec = Section(ctx.t("五、目标完成情况", "5. Targets against outcomes"))
    targets = _target_figs(ctx)
    if not targets:
        sec.lines.append(
            ctx.t(
                f"未找到{ctx.name(ctx.region)}公开的年度目标；政府工作报告中的目标可补入原始数据。",
                (
                    f"No published annual target of {ctx.name(ctx.region)} was "
                    "found; the targets of its government work reports would "
                    "answer this."
                ),
            )
        )
        ctx.metrics["targets"] = []
        return sec
    outcomes = {}
    for t in targets:
        ctx.ledger.use(t)
        out = ctx.pick(ctx.region, t.indicator, t.period, "yoy_pct")
        outcomes[(t.region, t.indicator, t.period)] = ctx.ledger.use(out)
    table = targets_against_outcomes(targets, outcomes)
    rows = []
    for t, r in zip(targets, table.itertuples(), strict=True):
        out = outcomes[(t.region, t.indicator, t.period)]
        verdict = {
            "met": ctx.t("完成", "met"),
            "missed": ctx.t(
                f"未完成，差{fmt_num(r.shortfall_pp)}个百分点",
                f"missed by {fmt_num(r.shortfall_pp)} pp",
            ),
            "unknown": ctx.t("结果未公布", "outcome not published"),
        }[r.verdict]
        rows.append(
            {
                ctx.t("年份", "Year"): t.period,
                ctx.t("指标", "Indicator"): ctx.ind(t.indicator),
                ctx.t("目标增速（%）", "Target growth (%)"): _marked(
                    ctx, t, fmt_pct(t.value, unit=False)
                ),
                ctx.t("实际增速（%）", "Outcome (%)"): _marked(
                    ctx, out, fmt_pct(r.outcome, unit=False)
                ),
                ctx.t("结论", "Verdict"): verdict,
            }
        )
        if r.verdict == "unknown":
            line = _in_progress(ctx, t)
            if line:
                sec.lines.append(line)
    sec.tables.append(("targets", pd.DataFrame(rows)))
    ctx.metrics["targets"] = table.assign(region=ctx.region).to_dict("records")
    sec.lines.insert(
        0,
        ctx.t(
            (
                "目标取自政府工作报告等公开计划（计划数，不是结果）；地区生产总值按"
                "可比价格，财政收入和投资按现价。"
            ),
            (
                "Targets are published plans (not outcomes), from the government "
                "work reports; GDP at comparable prices, budget revenue and "
                "investment at current prices."
            ),
        ),
    )
    sec.footnotes.append(ctx.t("“—”表示结果未公布。", "“—”: outcome not published."))
    return sec


_SECTORS = ("va_primary", "va_secondary", "va_tertiary")


def _sectors_section(ctx: _Ctx) -> Section:
    sec = Section(ctx.t("六、三次产业", "6. Sectors"))
    rows, shares = [], {}
    for y in range(ctx.shock_year - 1, ctx.end_year + 1):
        gdp = ctx.pick(ctx.region, "gdp", str(y), "level")
        for code in _SECTORS:
            g = ctx.pick(ctx.region, code, str(y), "yoy_pct")
            lv = ctx.pick(ctx.region, code, str(y), "level")
            if g is None and lv is None:
                continue
            same = lv is not None and gdp is not None and lv.file == gdp.file
            share = 100.0 * lv.value / gdp.value if same else np.nan
            if same:
                ctx.ledger.use(gdp)
            shares[f"{code}:{y}"] = share
            rows.append(
                {
                    ctx.t("年份", "Year"): str(y),
                    ctx.t("产业", "Sector"): ctx.ind(code),
                    ctx.t("增加值（亿元）", "Value added (100 million yuan)"): _marked(
                        ctx, lv, fmt_num(lv.value if lv else None)
                    ),
                    ctx.t("实际增速（%）", "Real growth (%)"): _marked(
                        ctx, g, fmt_pct(g.value if g else None, unit=False)
                    ),
                    ctx.t("占地区生产总值比重（%）", "Share of GDP (%)"): fmt_pct(
                        share, unit=False
                    ),
                }
            )
    ctx.metrics["sector_shares_pct"] = {
        k: (None if not np.isfinite(v) else round(v, 4)) for k, v in shares.items()
    }
    if not rows:
        sec.lines.append(
            ctx.t(
                f"未找到{ctx.name(ctx.region)}分产业的公开数据；统计公报中的三次产业增加值可补入。",
                (
                    f"No published sector figures of {ctx.name(ctx.region)}; the "
                    "sector value added of its statistical communiqué would answer "
                    "this."
                ),
            )
        )
        return sec
    sec.tables.append(("sectors", pd.DataFrame(rows)))
    sec.lines.append(
        ctx.t(
            "只列出已公布的年份；比重用同一来源同年的增加值和地区生产总值计算。",
            (
                "Only the years published; shares use value added and GDP "
                "of the same year from the same source."
            ),
        )
    )
    sec.footnotes.append(ctx.t("“—”表示未找到公开数据。", "“—”: no published figure found."))
    return sec


def _quarterly_section(ctx: _Ctx) -> Section:
    sec = Section(ctx.t("七、季度情况", "7. Quarterly view"))
    rows = panel_rows(ctx.panel, ctx.region, "gdp")
    rows = rows[
        (rows["freq"] == "Q")
        & (rows["status"] == "published")
        & (rows["measure"].isin(["level", "yoy_pct"]))
    ]
    if ctx.region == "000000":
        rows = rows[
            rows["period"].astype(str).str[:4].astype(int).between(ctx.shock_year - 1, ctx.end_year)
        ]
    periods = sorted(set(rows["period"].astype(str)), key=_period_end)
    if not periods:
        sec.lines.append(
            ctx.t(
                (
                    f"{ctx.name(ctx.region)}没有公开的季度地区生产总值序列；加入本区统计"
                    "月报（季度数据）即可分析。"
                ),
                (
                    f"{ctx.name(ctx.region)} has no published quarterly GDP series;"
                    " adding its own statistical monthly reports (quarterly figures) "
                    "would answer this."
                ),
            )
        )
    else:
        table = []
        for p in periods:
            lv = ctx.pick(ctx.region, "gdp", p, "level", freq="Q")
            g = ctx.pick(ctx.region, "gdp", p, "yoy_pct", freq="Q")
            table.append(
                {
                    ctx.t("季度", "Quarter"): p.replace("Q", "年第") + "季度"
                    if ctx.lang == "zh"
                    else p,
                    ctx.t(
                        "当季地区生产总值（亿元）", "GDP of the quarter (100 million yuan)"
                    ): _marked(ctx, lv, fmt_num(lv.value if lv else None)),
                    ctx.t("当季实际增速（%）", "Real growth of the quarter (%)"): _marked(
                        ctx, g, fmt_pct(g.value if g else None, unit=False)
                    ),
                }
            )
        sec.tables.append(("quarterly", pd.DataFrame(table)))
        sec.lines.append(
            ctx.t(
                "单季数据（非累计），取自公开发布。",
                "Single quarters (not year to date), as published.",
            )
        )
        sec.footnotes.append(ctx.t("“—”表示未找到公开数据。", "“—”: no published figure found."))
    sec.lines += _estimates(ctx, sec)
    return sec


def _estimates(ctx: _Ctx, sec: Section) -> list[str]:
    if not ctx.use_estimates:
        return [
            ctx.t(
                "未使用估算值：本简报只用公开数据。", "No estimates used: published figures only."
            )
        ]
    from lixia_econ import analysis

    est = analysis.quarterly_estimates(
        ctx.panel, ctx.region, "gdp", shock=str(ctx.shock_year), as_of=ctx.as_of
    )
    if not len(est.estimates):
        return [
            ctx.t(
                "无法估算季度值：缺少可分解的年度序列。",
                "No quarterly estimates: no annual series to distribute.",
            )
        ]
    ctx.metrics["quarterly_estimates"] = {
        str(k): round(float(v), 4) for k, v in est.estimates.items()
    }
    first, last = (_period_text(str(q), ctx.lang) for q in est.estimates.index[[0, -1]])
    years = range(ctx.shock_year - 1, ctx.end_year + 1)
    shown = [(q, v) for q, v in est.estimates.items() if q.year in years]
    head = ctx.t(
        "估算地区生产总值（亿元，现价，估算值）", "Estimated GDP (100 million yuan, ESTIMATE)"
    )
    sec.tables.append((
        "quarterly_estimates",
        pd.DataFrame({
            ctx.t("季度", "Quarter"): [_period_text(str(q), ctx.lang) for q, _ in shown],
            head: [fmt_num(v) + "*" for _, v in shown],
        }),
    ))  # fmt: skip
    sec.footnotes.append(ctx.t(
        "* 估算值：由年度现价总量按全国季度走势分解，不是公布数据；年度总量口径断点照样进入估算。",
        "* Estimate: annual current-price levels distributed along China's quarterly pattern, "
        "not published; a level break between annual releases carries into the estimates.",
    ))  # fmt: skip
    return [
        ctx.t(
            (
                f"【估算值】{first}—{last}各季度数值由年度数据按全国季度走势分解（时"
                "间分解）得到，是估算，不是公布数据。"
            ),
            (
                f"[ESTIMATES] The quarters {first}–{last} are estimates: annual "
                "figures distributed along China's quarterly pattern (temporal "
                "disaggregation), not published figures."
            ),
        )
    ]


_MEASURE = {
    "level": ("", ""),
    "yoy_pct": ("增速", "growth"),
    "ytd_yoy_pct": ("累计增速", "growth, year to date"),
    "ytd_level": ("累计", "year to date"),
    "target_yoy_pct": ("目标增速", "growth target"),
    "share_pct": ("比重", "share"),
}


def _period_text(period: str, lang: str) -> str:
    if len(period) == 4:
        return _t(lang, f"{period}年", period)
    if "Q" in period:
        y, q = period.split("Q")
        return _t(lang, f"{y}年第{q}季度", period)
    y, m = period.split("-")
    return _t(lang, f"{y}年{int(m)}月", period)


def _figure_label(ctx: _Ctx, f: Figure) -> str:
    zh, en = _MEASURE.get(f.measure, (f.measure, f.measure))
    if f.measure == "yoy_pct" and f.price_basis == "comparable":
        zh, en = "实际" + zh, "real " + en
    if ctx.lang == "zh":
        return f"{ctx.name(f.region)}{_period_text(f.period, 'zh')}{ctx.ind(f.indicator)}{zh}"
    tail = f", {en}" if en else ""
    return f"{ctx.name(f.region)}, {ctx.ind(f.indicator)}{tail}, {f.period}"


def _figure_value(ctx: _Ctx, f: Figure) -> str:
    if f.unit == "percent":
        return fmt_pct(f.value)
    unit = ctx.t(f.unit, "100 million yuan" if f.unit == "亿元" else f.unit)
    return f"{fmt_num(f.value, 2 if f.value < 100 else 1)} {unit}"


def _vintage(ctx: _Ctx, f: Figure) -> str:
    note = f.note.lower()
    if f.status == "target":
        return ctx.t("计划数", "plan")
    if "first release" in note:
        return ctx.t("首次发布，后有修订", "first release (preliminary accounts), revised later")
    if (
        f.indicator == "gdp"
        and f.measure == "level"
        and f.region == ctx.region
        and f.period.isdigit()
        and [int(f.period), int(f.period) + 1] in ctx.metrics.get("level_breaks", [])
    ):
        return ctx.t(
            "较早发布，与下一年不可比", "earlier release, not comparable with the next year"
        )
    if "preliminary" in note:
        return ctx.t("初步数", "preliminary")
    return DASH


def _page(f: Figure) -> str:
    from urllib.parse import unquote

    if f.url.startswith("http"):
        return unquote(f.url)
    return f.url.split(", seeds/")[0]


def _figure_what(ctx: _Ctx, f: Figure) -> str:
    """Name what a figure measures, without region and period (``地区生产总值实际增速``)."""
    zh, en = _MEASURE.get(f.measure, (f.measure, f.measure))
    if f.measure == "yoy_pct" and f.price_basis == "comparable":
        zh, en = "实际" + zh, "real " + en
    return ctx.t(f"{ctx.ind(f.indicator)}{zh}", f"{ctx.ind(f.indicator)}{', ' + en if en else ''}")


def _periods_text(periods: list[str], lang: str) -> str:
    """Return periods in order, runs of consecutive years joined (``2020—2023年``).

    Examples
    --------
    >>> _periods_text(["2023", "2020", "2021", "2019"], "zh"), _periods_text(["2021"], "en")
    ('2019—2021、2023年', '2021')
    """
    years = sorted({int(p) for p in periods if p.isdigit()})
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    dash, sep = ("—", "、") if lang == "zh" else ("–", ", ")
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}{dash}{r[-1]}" for r in runs]
    text = sep.join(parts) + ("年" if parts and lang == "zh" else "")
    others = [
        _period_text(p, lang) for p in sorted(set(periods), key=_period_end) if not p.isdigit()
    ]
    return sep.join([t for t in (text, *others) if t])


def _backed_figures(ctx: _Ctx, figs: list[Figure]) -> str:
    """Say which figures a page backs: per region, what and which periods (and vintage)."""
    by_region: dict[str, dict[tuple[str, str], list[str]]] = {}
    for f in figs:
        what = (_figure_what(ctx, f), _vintage(ctx, f))
        by_region.setdefault(f.region, {}).setdefault(what, []).append(f.period)
    parts = []
    for region, whats in by_region.items():
        items = []
        for (what, vintage), periods in whats.items():
            when = _periods_text(periods, ctx.lang)
            note = "" if vintage == DASH else ctx.t(f"（{vintage}）", f" ({vintage})")
            items.append(ctx.t(f"{when}{what}{note}", f"{what} {when}{note}"))
        parts.append(
            ctx.t(f"{ctx.name(region)}：", f"{ctx.name(region)}: ")
            + ctx.t("，".join(items), "; ".join(items))
        )
    return ctx.t("；", " | ").join(parts)


def _publisher(ctx: _Ctx, f: Figure) -> str:
    pub = _PUBLISHER.get(f.file, _NATIONAL_PUBLISHER if f.region == "000000" else (f.file, f.file))
    return pub[0] if ctx.lang == "zh" else pub[1]


def _trust_text(ctx: _Ctx, f: Figure) -> str:
    label = ctx.t(*_TRUST_LABEL[f.trust]) if f.trust in _TRUST_LABEL else DASH
    return label + ctx.ledger.mark(f)


def _source_pages(ctx: _Ctx) -> pd.DataFrame:
    """Return the sources table of the page: one row per page, with the figures it backs.

    Pages come in order of first use; a page that two raw files quote is one row.
    """
    pages: dict[str, list[Figure]] = {}
    for f in ctx.ledger.figures.values():
        pages.setdefault(_page(f), []).append(f)
    rows = []
    for page, figs in pages.items():
        rows.append(
            {
                ctx.t("页面", "Page"): page,
                ctx.t("发布者", "Publisher"): ctx.t("、", "; ").join(
                    dict.fromkeys(_publisher(ctx, f) for f in figs)
                ),
                ctx.t("可信度", "Trust"): ctx.t("、", ", ").join(
                    dict.fromkeys(_trust_text(ctx, f) for f in figs)
                ),
                ctx.t("所支撑的数据", "Figures it backs"): _backed_figures(ctx, figs),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["widths"] = [30, 17, 10, 43]
    return table


def _sources_ledger(ctx: _Ctx) -> pd.DataFrame:
    """Return every figure used, one row each, with its value and page (the workbook sheet)."""
    rows = []
    for f in ctx.ledger.figures.values():
        rows.append(
            {
                ctx.t("数据项", "Figure"): _figure_label(ctx, f) + ctx.ledger.mark(f),
                ctx.t("数值", "Value"): _figure_value(ctx, f),
                ctx.t("发布者", "Publisher"): _publisher(ctx, f),
                ctx.t("页面", "Page"): _page(f),
                ctx.t("可信度", "Trust"): ctx.t(*_TRUST_LABEL[f.trust])
                if f.trust in _TRUST_LABEL
                else DASH,
                ctx.t("版本", "Vintage"): _vintage(ctx, f),
            }
        )
    return pd.DataFrame(rows)


def _sources_section(ctx: _Ctx) -> Section:
    sec = Section(ctx.t("八、数据来源", "8. Sources"))
    ledger = _sources_ledger(ctx)
    pages = _source_pages(ctx)
    sec.tables.append(("source_pages", pages))
    sec.workbook_tables.append(("sources", ledger))  # one row a figure, with its value
    sec.lines.append(
        ctx.t(
            (
                f"本简报用到的全部{len(ledger)}个数据取自{len(pages)}个页面，按页面列出；"
                "每个数据的数值、页面和版本见表格文件（tables.xlsx）的“sources”工作表。"
            ),
            (
                f"All {len(ledger)} figures used in this briefing were read on "
                f"{len(pages)} pages, listed by page; each figure's value, page and "
                "vintage are in the workbook's (tables.xlsx) “sources” sheet."
            ),
        )
    )
    sec.footnotes += [
        ctx.t(
            f"{REPOST_MARK} 取自媒体转载页面（非发布机构原页面），引用前宜核对原始公报。",
            (
                f"{REPOST_MARK} Read on a press repost (not the publisher's "
                "own page); check the original release before quoting."
            ),
        ),
    ]
    return sec


def scorecard_problem(row: pd.Series, notes: list[str]) -> str | None:
    """Return why a scorecard row cannot be shown as a figure, or None when it can.

    Parameters
    ----------
    row : pandas.Series
        A row of :func:`lixia_econ.analysis.national_scorecard`'s table.
    notes : list of str
        The notes of that row's recovery result.

    Returns
    -------
    str or None
        ``"fit"`` (the model did not converge), ``"interval"`` (a bound is missing or the
        bounds are reversed), ``"absurd"`` (a bound at or beyond ±100% of the level), or
        None.
    """
    lo, hi = row.get("output_loss_pct_lower"), row.get("output_loss_pct_upper")
    if any("converge" in n.lower() for n in notes):
        return "fit"
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:
        return "interval"
    if lo <= -100 or hi >= 100 or row["output_loss_pct"] <= -100:
        return "absurd"
    return None


def _scorecard_section(ctx: _Ctx) -> Section:
    from lixia_econ import analysis
    from lixia_econ.models.vocab import METRICS, SHAPES

    sec = Section(ctx.t("附录：全国分行业恢复评分", "Appendix: national sector scorecard"))
    nation = analysis.national_scorecard(  # the same appendix in every briefing: kept
        ctx.panel, "000000", None, shock=str(ctx.shock_year), as_of=ctx.as_of, cache=True
    )
    reasons = {
        "fit": ctx.t("模型未收敛", "the model fit did not converge"),
        "interval": ctx.t("区间退化（无有效上下限）", "degenerate interval (no valid bounds)"),
        "absurd": ctx.t("区间超出±100%，不可信", "interval beyond ±100%, not credible"),
    }
    rows, dropped = [], []
    lab = lambda k: METRICS[k].label(ctx.lang)  # noqa: E731
    for code, row in nation.table.iterrows():
        why = scorecard_problem(row, nation.results[code].notes)
        if why:
            dropped.append(
                f"{ctx.ind(code)}：{reasons[why]}"
                if ctx.lang == "zh"
                else f"{ctx.ind(code)}: {reasons[why]}"
            )
            continue
        rows.append(
            {
                ctx.t("行业/指标", "Sector / series"): ctx.ind(code),
                ctx.t("恢复形态", "Shape"): SHAPES[row["shape"]].label(ctx.lang)
                if row["shape"] in SHAPES
                else DASH,
                lab("trough_depth_pct"): fmt_pct(row["trough_depth_pct"], unit=False),
                ctx.t("累计产出损失（%，95%区间）", "Cumulative output loss (%, 95% interval)"): (
                    f"{fmt_pct(row['output_loss_pct'], unit=False)}"
                    + ctx.t("（", " (")
                    + f"{fmt_pct(row['output_loss_pct_lower'], unit=False)}"
                    + ctx.t("，", ", ")
                    + f"{fmt_pct(row['output_loss_pct_upper'], unit=False)}"
                    + ctx.t("）", ")")
                ),
                ctx.t("截至期", "As of"): _period_text(str(row["as_of"]), ctx.lang),
            }
        )
    sec.lines.append(
        ctx.t(
            (
                "全国各行业季度、月度序列相对“无冲击”路径的恢复情况，按累计产出损失"
                f"（占反事实的百分比，越小越好）排序；共{len(rows)}个序列。"
            ),
            (
                "Recovery of China's quarterly and monthly series against "
                "a no-shock path, ranked by cumulative output loss (percent "
                f"of the counterfactual; smaller is better); {len(rows)} series."
            ),
        )
    )
    table = pd.DataFrame(rows)
    table.attrs["widths"] = [29, 27, 12, 19, 13]  # one line a row on A4
    sec.tables.append(("scorecard", table))  # the name every template glues it under
    if dropped:
        sec.lines.append(
            ctx.t("以下序列不作为数字列出：", "Listed with the reason, not as figures: ")
            + "；".join(dropped)
        )
    if nation.cannot:
        sec.lines.append(
            ctx.t(
                (
                    f"另有{len(nation.cannot)}个序列无法评分（疫情前数据不足以识别趋势，"
                    "或没有季度、月度序列）。"
                ),
                (
                    f"{len(nation.cannot)} more series could not be scored (too "
                    "little pre-shock data to identify a trend, or no quarterly "
                    "or monthly series)."
                ),
            )
        )
    return sec


def _latest_annual_gdp(ctx: _Ctx, code: str) -> int | None:
    try:
        return _end_year(ctx.panel, code, ctx.as_of)
    except InsufficientDataError:
        return None


def _header(ctx: _Ctx, data_hash: str, version: str, today: str) -> list[str]:
    """Return the header block: region and periods compared, benchmarks' latest, provenance.

    The comparison ends with the region's own latest annual GDP figure; a benchmark's
    latest period (of any series) is followed by its latest annual GDP year when they
    differ, so that newer benchmark data are not read as compared.
    """
    own = latest_period(ctx.panel, ctx.region, ctx.as_of)
    parts = []
    for c in ctx.benchmarks:
        p = latest_period(ctx.panel, c, ctx.as_of)
        text = f"{ctx.name(c)} {_period_text(p, ctx.lang) if p else DASH}"
        annual = _latest_annual_gdp(ctx, c)
        if p and annual is not None and str(annual) != p:
            text += ctx.t(f"（年度地区生产总值至{annual}年）", f" (annual GDP to {annual})")
        parts.append(text)
    latest = ctx.t("；", "; ").join(parts)
    base, end = ctx.shock_year - 1, ctx.end_year
    return [
        ctx.t(
            (
                f"地区：{ctx.name(ctx.region)}（最新数据期：{_period_text(own, 'zh')}）；"
                f"各地区比较期：{base}—{end}年"
            ),
            (
                f"Region: {ctx.name(ctx.region)} (latest period with data: {own}); "
                f"every region compared over {base}–{end}"
            ),
        ),
        ctx.t(f"对比地区最新数据期：{latest}", f"Benchmarks' latest periods: {latest}"),
        ctx.t(
            f"数据指纹 {data_hash[:12]}；软件版本 {version}；生成日期 {today}",
            f"Data hash {data_hash[:12]}; package version {version}; generated {today}",
        ),
    ]


def _cum(index: pd.Series, year: int) -> float:
    v = index.get(year, np.nan)
    return v - 100.0 if np.isfinite(v) else np.nan


def _headline_growth(ctx: _Ctx, data: dict[str, Any]) -> str:
    base, end = ctx.shock_year - 1, ctx.end_year
    mark = REPOST_MARK if any(f.repost for f in data["figs"][ctx.region].values()) else ""
    own = _cum(data["index"][ctx.region], end)
    parts, gaps = [], []
    for code in ctx.benchmarks:
        c = _cum(data["index"][code], end)
        if np.isfinite(c):
            parts.append(
                ctx.t(f"{ctx.name(code)}{fmt_pct(c)}", f"{ctx.name(code)} {fmt_pct(c, sign=True)}")
            )
        else:
            miss = [y for y in data["years"][1:] if y not in data["figs"][code]]
            gaps.append(
                ctx.t(
                    f"{ctx.name(code)}{miss[0]}年增速未找到，无法连乘",
                    f"{ctx.name(code)}'s {miss[0]} growth was not found, so it cannot be chained",
                )
            )
    sep = "，" if ctx.lang == "zh" else ", "
    if not np.isfinite(own):
        miss = [y for y in data["years"][1:] if y not in data["figs"][ctx.region]]
        ys = "、".join(map(str, miss)) if ctx.lang == "zh" else ", ".join(map(str, miss))
        text = ctx.t(
            f"{ctx.name(ctx.region)}{ys}年实际增速未公布，无法计算{base}—{end}年实际累计增长；"
            f"同期{sep.join(parts)}",
            f"{ctx.name(ctx.region)}'s real growth for {ys} is not published, so its real growth "
            f"from {base} to {end} cannot be computed; over the same years {sep.join(parts)}",
        )
    else:
        text = ctx.t(
            (
                f"按公布的实际增速连乘（{base}年=100），{base}—{end}年{ctx.name(ctx.region)}"
                f"地区生产总值实际累计增长{fmt_pct(own)}{mark}，同期{sep.join(parts)}"
            ),
            (
                f"Chaining the published real growth rates ({base} = 100),"
                f" {ctx.name(ctx.region)}'s real GDP grew {fmt_pct(own, sign=True)}{mark}"
                f" from {base} to {end}, against {sep.join(parts)}"
            ),
        )
    tail = (
        ("；" + "；".join(gaps) + "。")
        if ctx.lang == "zh" and gaps
        else ("。" if ctx.lang == "zh" else "")
    )
    if ctx.lang == "en":
        tail = ("; " + "; ".join(gaps) + ".") if gaps else "."
    return text + tail


def _headline_rank(ctx: _Ctx) -> str | None:
    ranks = [r for r in ctx.metrics.get("peer_ranks", []) if r["year"] == ctx.end_year]
    if not ranks or ranks[0]["level_rank"] is None:
        return ctx.t(
            f"排名：{ctx.name(ctx.region)}在{ctx.name(ctx.peers_of)}的下级单位中没有{ctx.end_year}年"
            "可比的公开数据，无从排名。",
            f"Rank: {ctx.name(ctx.region)} has no published {ctx.end_year} figure among the "
            f"units of {ctx.name(ctx.peers_of)}, so it cannot be ranked there.",
        )
    r = ranks[0]
    growth = (
        ctx.t(
            f"，实际增速在有数据的{r['growth_n']}个单位中居第{r['growth_rank']}位",
            f", and {r['growth_rank']} of the {r['growth_n']} with published real growth",
        )
        if r["growth_rank"] is not None
        else ctx.t(
            "，增速排名无法给出（其增速未公布）",
            "; its growth rank cannot be given (growth not published)",
        )
    )
    return ctx.t(
        (
            f"{ctx.end_year}年{ctx.name(ctx.region)}经济总量在{ctx.name(ctx.peers_of)}有数据的{r['level_n']}"
            f"个区县和功能区中居第{r['level_rank']}位{growth}。"
        ),
        (
            f"In {ctx.end_year} {ctx.name(ctx.region)} ranked {r['level_rank']} "
            f"of the {r['level_n']}"
            f" districts and zones of {ctx.name(ctx.peers_of)} with a "
            f"published GDP level{growth}."
        ),
    )


def _headline_path(ctx: _Ctx, cf: Counterfactual | None, data: dict[str, Any]) -> str:
    m = ctx.metrics.get("counterfactual")
    if cf is None or m is None:
        return ctx.t("是否回到疫情前路径？", "Back on the pre-COVID path? ") + _no_path_line(
            ctx, data
        )
    yrs = "、".join(str(y) for y in cf.window)
    below = cf.gap_pct < 0
    return ctx.t(
        (
            f"若{yrs}年{fmt_pct(cf.rate_pct)}的增速延续，"
            f"{m['year']}年实际总量{'仍低于' if below else '已高于'}"
            f"疫情前路径{fmt_pct(abs(cf.gap_pct))}，约{fmt_num(abs(m['gap_yuan_100m'] or np.nan))}"
            f"亿元（近似值）{'，尚未回到疫情前路径' if below else '，已回到疫情前路径'}"
            "。"
        ),
        (
            f"Had {', '.join(str(y) for y in cf.window)}'s {fmt_pct(cf.rate_pct)}"
            f" growth continued: real output in {m['year']} is {fmt_pct(abs(cf.gap_pct))}"
            f" {'below that path, so it is not back on it' if below else 'above that path'}"
            f" (about {fmt_num(abs(m['gap_yuan_100m'] or np.nan))} × 100 "
            "million yuan, an approximation)."
        ),
    )


def _headline_targets(ctx: _Ctx) -> str | None:
    items = []
    for t in ctx.metrics.get("targets", []):
        name = ctx.ind(t["indicator"])
        if t["verdict"] == "met":
            items.append(
                ctx.t(
                    (
                        f"{t['period']}年{name}增长{fmt_pct(t['target'])}的目标完成（实际{fmt_pct(t['outcome'])}"
                        "）"
                    ),
                    (
                        f"{t['period']} {name} target of {fmt_pct(t['target'])} met "
                        f"({fmt_pct(t['outcome'])})"
                    ),
                )
            )
        elif t["verdict"] == "missed":
            items.append(
                ctx.t(
                    (
                        f"{t['period']}年{name}目标{fmt_pct(t['target'])}未完成（实际{fmt_pct(t['outcome'])}"
                        f"，差{fmt_num(t['shortfall_pp'])}个百分点）"
                    ),
                    (
                        f"{t['period']} {name} target of {fmt_pct(t['target'])} missed "
                        f"({fmt_pct(t['outcome'])}, by {fmt_num(t['shortfall_pp'])} "
                        "pp)"
                    ),
                )
            )
        else:
            items.append(
                ctx.t(
                    f"{t['period']}年{name}目标{fmt_pct(t['target'])}的结果未公布",
                    f"{t['period']} {name} target of {fmt_pct(t['target'])}: outcome not published",
                )
            )
    if not items:
        return ctx.t(
            f"目标：未找到{ctx.name(ctx.region)}公开的年度目标。",
            f"Targets: no published annual target of {ctx.name(ctx.region)} was found.",
        )
    return ctx.t("目标：" + "；".join(items) + "。", "Targets: " + "; ".join(items) + ".")


def _headline_metrics(ctx: _Ctx, data: dict[str, Any]) -> dict[str, Any]:
    end = ctx.end_year
    ranks = [r for r in ctx.metrics.get("peer_ranks", []) if r["year"] == end]
    cf = ctx.metrics.get("counterfactual") or {}
    return {
        "region": ctx.region,
        "base_year": ctx.shock_year - 1,
        "end_year": end,
        "real_index": {
            c: (None if not np.isfinite(v) else round(float(v), 4))
            for c in [ctx.region, *ctx.benchmarks]
            for v in [data["index"][c].get(end, np.nan)]
        },
        "rank_level": ranks[0]["level_rank"] if ranks else None,
        "rank_level_n": ranks[0]["level_n"] if ranks else None,
        "rank_growth": ranks[0]["growth_rank"] if ranks else None,
        "rank_growth_n": ranks[0]["growth_n"] if ranks else None,
        "pre_shock_rate_pct": cf.get("rate_pct"),
        "gap_pct": cf.get("gap_pct"),
        "gap_yuan_100m": cf.get("gap_yuan_100m"),
        "targets": ctx.metrics.get("targets", []),
    }


def build_briefing(
    panel: pd.DataFrame,
    *,
    region: str,
    benchmarks: list[str],
    peers_of: str,
    shock: str,
    as_of: str = "",
    lang: str = "zh",
    use_estimates: bool = False,
    data_hash: str = "",
    version: str = "",
    today: str = "",
) -> Briefing:
    """Build the district briefing of one region in one language.

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel (:func:`lixia_econ.load_panel`).
    region : str
        Region code reported on.
    benchmarks : list of str
        Region codes compared against (Jinan, Shandong, China by default).
    peers_of : str
        Rank the region among the current units whose parent is this region.
    shock : str
        First year of the shock (``"2020"``); the index base is the year before.
    as_of : str
        Last period used; empty for the region's own latest period.
    lang : {"zh", "en"}
        Language of every heading, sentence, header and label.
    use_estimates : bool
        Add quarterly estimates (temporal disaggregation), labelled as estimates.
    data_hash, version, today : str
        Shown in the header block.

    Returns
    -------
    Briefing
        ``headline`` (3-5 sentences), ``sections`` in order, ``metrics`` (the numbers, for
        ``glue``) and the ledger of every figure used.

    Raises
    ------
    InsufficientDataError
        The region has no published annual GDP figure.
    """
    check_choice("lang", lang, ("zh", "en"))
    shock_year = pd.Period(str(shock)).year
    ctx = _Ctx(
        panel,
        region,
        [b for b in benchmarks if b != region],
        peers_of,
        shock_year,
        _end_year(panel, region, as_of),
        lang,
        use_estimates,
        as_of,
    )
    data = _growth_data(ctx)
    cf = _counterfactual(ctx, data)
    sections = [
        _growth_section(ctx, data, cf),
        _path_section(ctx, data, cf),
        _peers_section(ctx),
        _targets_section(ctx),
        _sectors_section(ctx),
        _quarterly_section(ctx),
    ]
    headline = [_headline_growth(ctx, data)] + [
        s for s in (_headline_rank(ctx), _headline_path(ctx, cf, data), _headline_targets(ctx)) if s
    ]
    notebook = sys.modules.get("lixia_econ.report.notebook")  # in a report's kernel
    if notebook is not None:  # the charts' SVGs drawn on another core during the appendix
        notebook.prefetch_svgs([chart for section in sections for chart in section.charts])
    sections += [_sources_section(ctx), _scorecard_section(ctx)]
    ctx.metrics["headline"] = _headline_metrics(ctx, data)
    header = _header(ctx, data_hash, version, today)
    title = ctx.t(
        f"{ctx.name(region)}经济运行简报（{ctx.end_year}年）",
        f"{ctx.name(region)}: economic briefing ({ctx.end_year})",
    )
    return Briefing(lang, region, title, header, headline, sections, ctx.metrics, ctx.ledger)


#: A cell aligned right: a number (``-4.3``, ``1,910.4†``, ``17.6%``), a rank (``1/10``), a dash.
_NUMERIC_CELL = re.compile(r"[-+]?[\d,.]*\d[\d,.]*(%|/\d+)?\s*" + REPOST_MARK + "?|" + DASH)


def table_html(frame: pd.DataFrame, *, widths: list[int] | None = None) -> str:
    """Return a display table as HTML: no index, text escaped, wrapped to fit the page.

    Short cells (numbers, ranks, dates) stay on one line; long ones (names, addresses)
    wrap, so a table fits 1,280 pixels on screen and an A4 page in print. Columns of
    numbers are aligned right, columns of text left.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of a :class:`Section` (formatted text; a missing cell shows a dash).
    widths : list of int, optional
        Column widths in percent of the page: the table then spans the page (a table of
        long text, such as the sources). Default: ``frame.attrs["widths"]`` if set, else
        the browser sizes the columns to their content.

    Returns
    -------
    str
    """
    import html

    widths = widths if widths is not None else frame.attrs.get("widths")

    def text_of(value: Any) -> str:
        missing = value is None or (isinstance(value, float) and np.isnan(value))
        return DASH if missing else str(value)

    numeric = [
        bool(len(frame)) and all(_NUMERIC_CELL.fullmatch(text_of(v)) for v in frame[c])
        for c in frame.columns
    ]

    def cell(tag: str, value: Any, right: bool) -> str:
        text = text_of(value)
        styles = [] if right else ["text-align:left"]
        if text.startswith(("http://", "https://")):  # a page address breaks anywhere
            styles.append("word-break:break-all;overflow-wrap:anywhere")
        elif len(text) <= 12 and tag == "td":  # headers wrap (numbers under a long header)
            styles.append("white-space:nowrap")
        style = f' style="{";".join(styles)}"' if styles else ""
        return f"<{tag}{style}>{html.escape(text)}</{tag}>"

    head = "".join(cell("th", c, r) for c, r in zip(frame.columns, numeric, strict=True))
    rows = "".join(
        "<tr>" + "".join(cell("td", v, r) for v, r in zip(row, numeric, strict=True)) + "</tr>"
        for row in frame.itertuples(index=False, name=None)
    )
    layout, cols = "table-layout:auto;", ""
    if widths:
        layout = "table-layout:fixed;width:100%;"
        cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>"
    return (
        '<div class="lixia-briefing-table" style="max-width:1240px;overflow-wrap:break-word;">'
        f'<table class="dataframe" style="{layout}">'
        f"{cols}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


_SHEETS = {
    "real_growth": ("实际增速", "Real growth"),
    "gdp_levels": ("地区生产总值", "GDP levels"),
    "peer_ranks": ("区县排名", "Peer ranks"),
    "targets": ("目标完成情况", "Targets"),
    "sectors": ("三次产业", "Sectors"),
    "quarterly": ("季度", "Quarters"),
    "quarterly_estimates": ("季度估算", "Quarterly estimates"),
    "scorecard": ("全国行业恢复评分", "National scorecard"),
    "source_pages": ("来源页面", "Source pages"),
}


def sheet_name(name: str, lang: str) -> str | None:
    """Return the workbook sheet name of a briefing table in ``lang`` (None: keep ``name``).

    ``"sources"`` keeps its name: the runner makes it the workbook's sources sheet.

    Examples
    --------
    >>> sheet_name("targets", "zh"), sheet_name("sources", "zh")
    ('目标完成情况', None)
    """
    pair = _SHEETS.get(name)
    return None if pair is None else _t(lang, *pair)
