"""Charts for briefings: pure functions that return :class:`altair.Chart` objects.

Every chart function takes its data and keyword-only options and returns a chart; none
of them saves, displays or changes global state. Labels are in English or Chinese
(``lang="en"`` or ``"zh"``); region and indicator names come from the catalogues
(:func:`lixia_econ.schema.regions`, :func:`lixia_econ.schema.indicators`), so a code
such as ``"370102"`` or ``"retail_sales"`` is shown as 历下区 / Lixia District or
社会消费品零售总额 / Retail sales of consumer goods.

The house look is an Altair theme, ``"lixia_econ"``, registered and enabled by
:func:`use_theme` (it is not applied on import). :func:`to_png`, :func:`to_svg` and
:func:`save_static` export through vl-convert with the theme applied and a CJK font
directory registered, so Chinese text is drawn as characters, not boxes.

Examples
--------
>>> from lixia_econ import viz
>>> viz.use_theme()  # doctest: +SKIP
>>> chart = viz.counterfactual_chart(result, shock="2020Q1", lang="zh")  # doctest: +SKIP
>>> viz.save_static(chart, "reports/lixia/counterfactual.png")  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import InsufficientDataError, LixiaEconError, ParameterError, PeriodError
from lixia_econ.models import ResultLike
from lixia_econ.models.vocab import label as metric_label
from lixia_econ.periods import (
    PANDAS_FREQ,
    as_period_series,
    freq_code,
    parse_period,
    periods_per_year,
    str_to_period,
)
from lixia_econ.schema import indicator_label, region_label

__all__ = [
    "CJK_FONT_DIRS",
    "FONT_FAMILY",
    "THEME_NAME",
    "counterfactual_chart",
    "indexed_levels_chart",
    "indicator_label",
    "region_label",
    "save_static",
    "scorecard_chart",
    "small_multiples",
    "theme_config",
    "to_png",
    "to_svg",
    "use_theme",
    "ytd_vs_single_chart",
]

Lang = Literal["zh", "en"]
_LANGS = ("zh", "en")

#: Name of the house theme in Altair's theme registry.
THEME_NAME = "lixia_econ"

#: CSS font stack of the house theme: a CJK sans-serif first, so one font draws both
#: the Latin and the Chinese text of a label.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "PingFang SC", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)

#: Folders searched for CJK fonts to register with vl-convert (Debian/Ubuntu
#: ``fonts-noto-cjk``, Fedora, Homebrew, macOS, Windows). Add one with the environment
#: variable ``LIXIA_ECON_FONT_DIR``.
CJK_FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype/source-han-sans",
    "/opt/homebrew/share/fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)

_PALETTE = ["#1f4e79", "#c0504d", "#4f9a94", "#e69f00", "#7f6aa8", "#8c8c8c", "#56b4e9"]
_ACTUAL_COLOR = "#1f4e79"
_PREDICTED_COLOR = "#8c8c8c"
_SHOCK_COLOR = "#c0504d"

# Fixed labels, (zh, en).
_TEXT: dict[str, tuple[str, str]] = {
    "actual": ("实际值", "Actual"),
    "predicted": ("反事实（无冲击趋势）", "Counterfactual (no shock)"),
    "band": ("反事实区间", "Counterfactual interval"),
    "shock": ("冲击", "Shock"),
    "period": ("时期", "Period"),
    "value": ("数值", "Value"),
    "cf_value": ("实际值与反事实值", "Actual and counterfactual"),
    "ytd_value": ("累计值与当期值", "Year to date and single period"),
    "series": ("序列", "Series"),
    "status": ("数据状态", "Status"),
    "published": ("公布值", "Published"),
    "estimated": ("估计值", "Estimated"),
    "ytd": ("累计值", "Year to date"),
    "single": ("当期值", "Single period"),
    "index": ("指数", "Index"),
    "region": ("地区", "Region"),
    "indicator": ("指标", "Indicator"),
    "rank": ("排名", "Rank"),
    "name": ("名称", "Name"),
    "cf_title": ("实际值与反事实趋势", "Actual against the no-shock counterfactual"),
    "ytd_title": ("累计值与当期值", "Year to date against single-period values"),
    "indexed_title": ("指数化水平", "Indexed levels"),
    "scorecard_title": ("恢复情况排名", "Recovery scorecard"),
}


def _t(key: str, lang: str) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def _check_lang(lang: str) -> str:
    return check_choice("lang", lang, _LANGS)


# --------------------------------------------------------------------------------------
# Theme
# --------------------------------------------------------------------------------------


def theme_config() -> dict[str, Any]:
    """Return the house theme as a Vega-Lite top-level dict (``{"config": {...}}``).

    A quiet, print-friendly look: the CJK-capable font stack :data:`FONT_FAMILY`
    everywhere, light horizontal grid only, no chart border, a colour-blind-safe
    categorical palette, titles left-aligned.

    Returns
    -------
    dict
        ``{"config": {...}, "width": 560, "height": 300}``.
    """
    font = FONT_FAMILY
    return {
        "width": 560,
        "height": 300,
        "config": {
            "font": font,
            "view": {"stroke": None},
            "background": "white",
            "title": {"font": font, "fontSize": 15, "anchor": "start", "color": "#222"},
            "axis": {
                "labelFont": font,
                "titleFont": font,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "titleFontWeight": "normal",
                "gridColor": "#e6e6e6",
                "domainColor": "#888",
                "tickColor": "#888",
            },
            "axisX": {"grid": False},
            "legend": {
                "labelFont": font,
                "titleFont": font,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "orient": "bottom",
            },
            "header": {"labelFont": font, "titleFont": font, "labelFontSize": 12},
            "text": {"font": font},
            "range": {"category": list(_PALETTE)},
            "line": {"strokeWidth": 2},
        },
    }


def _theme() -> alt.theme.ThemeConfig:
    return theme_config()  # type: ignore[return-value]


def use_theme(*, enable: bool = True) -> str:
    """Register the house theme with Altair and, by default, enable it.

    Importing :mod:`lixia_econ.viz` changes nothing; call this once in a notebook or
    report to give every chart the house look.

    Parameters
    ----------
    enable : bool
        Enable the theme (``alt.theme.enable("lixia_econ")``); ``False`` only registers it.

    Returns
    -------
    str
        The theme's name, :data:`THEME_NAME`.
    """
    alt.theme.register(THEME_NAME, enable=enable)(_theme)
    return THEME_NAME


# --------------------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------------------


def _period(value: Any, *, name: str) -> pd.Period:
    """Read a period label of any frequency ('2020', '2020Q1', '2020-03', 2020年3月, Period).

    Parsing is :func:`lixia_econ.periods.parse_period`'s; a Timestamp is read as its day.
    """
    if isinstance(value, pd.Period):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_period("D")
    try:
        return parse_period(str(value).strip())[0]
    except PeriodError:
        raise PeriodError(
            f"{name}={value!r} is not a period; give e.g. '2020', '2020Q1' or '2020-03'",
        ) from None


def _period_index(index: pd.Index, *, name: str) -> pd.PeriodIndex:
    """Return ``index`` as a PeriodIndex, in its own order (checks by ``as_period_series``)."""
    positions = pd.Series(np.arange(len(index), dtype="float64"), index=index)
    checked = as_period_series(positions, name=name, min_length=0)
    return checked.index[np.argsort(checked.to_numpy(), kind="stable")]


def _freq_code(index: pd.PeriodIndex) -> str:
    """Frequency letter of the time axis: ``periods.freq_code``'s, or ``"D"`` for any other."""
    try:
        return freq_code(pd.Period("2000-01-01", freq=index.freq))
    except PeriodError:
        return "D"


def _periods_per_year(index: pd.PeriodIndex) -> int:
    """Periods per year of an annual, quarterly or monthly index; 1 for any other."""
    try:
        return periods_per_year(index)
    except LixiaEconError:
        return 1


#: Vega-Lite time format of the x axis, by frequency letter (chart-specific).
_TIME_FORMAT = {"A": "%Y", "Q": "%YQ%q", "M": "%Y-%m", "D": "%Y-%m-%d"}

#: Vega expressions of the x-axis labels in Chinese, by frequency letter: 2017年一季度 ...
_ZH_LABEL = {
    "Q": "year(datum.value) + '年' + ['一', '二', '三', '四'][quarter(datum.value) - 1] + '季度'",
    "M": "year(datum.value) + '年' + (month(datum.value) + 1) + '月'",
}

#: Width of the house chart (:func:`theme_config`) and of one x-axis label, in pixels at
#: 11 px: a digit about 6.5, a CJK character 11 ("2017Q1" ~ 40, "2017年一季度" ~ 81).
_CHART_WIDTH = 560
_LABEL_PX = {("Q", "zh"): 81, ("M", "zh"): 72, ("Q", "en"): 40, ("M", "en"): 46}


def _max_ticks(freq: str, lang: str) -> int:
    """Return how many labels fit side by side on the house chart's x axis (at most 8)."""
    label = _LABEL_PX.get((freq, lang), 30)
    return max(2, min(8, _CHART_WIDTH // (label + 24)))


def _tick_values(dates: Any, freq: str, lang: str) -> list[dict[str, int]] | None:
    """Return the x-axis ticks: period starts, thinned to whole years and :func:`_max_ticks`.

    A quarterly or monthly axis spanning two years or more is labelled at the first
    period of a year (every k-th year), so labels such as ``2017Q1`` never run into each
    other; a shorter one keeps every period, thinned evenly. ``None`` without dates.
    """
    if dates is None:
        return None
    stamps = sorted(pd.DatetimeIndex(pd.to_datetime(pd.Series(dates)).dropna()).unique())
    if not stamps:
        return None
    if freq in {"Q", "M"} and stamps[-1].year - stamps[0].year >= 2:
        starts = [t for t in stamps if t.month == 1]
        stamps = starts or stamps
    step = -(-len(stamps) // _max_ticks(freq, lang))  # ceiling division
    kept = stamps[::step]
    return [{"year": t.year, "month": t.month, "date": t.day} for t in kept]


def _x_axis(freq: str, lang: str, dates: Any = None) -> alt.X:
    """Return the time x axis: labels that never collide, quarters as 2017Q1 / 2017年一季度.

    ``dates`` (the period starts drawn) set the ticks (see :func:`_tick_values`);
    Vega-Lite's greedy ``labelOverlap`` drops any label that would still touch the next
    one (narrow small multiples).
    """
    axis: dict[str, Any] = {
        "format": _TIME_FORMAT.get(freq, "%Y-%m"),
        "labelAngle": 0,
        "labelOverlap": "greedy",
        "labelSeparation": 8,
    }
    ticks = _tick_values(dates, freq, lang)
    if ticks is not None:
        axis["values"] = ticks
    if lang == "zh" and freq in _ZH_LABEL:
        axis["labelExpr"] = _ZH_LABEL[freq]
    return alt.X("date:T", title=_t("period", lang), axis=alt.Axis(**axis))


def _value_title(
    lang: str,
    *,
    indicator: Any = None,
    unit: str | None = None,
    measure: str | None = None,
    fallback: str = "value",
) -> str:
    """Return a value-axis title that says what is drawn: 地区生产总值（亿元）, 增速（%）.

    From the indicator's catalogue name and unit (``unit`` overrides the catalogue's);
    a growth ``measure`` reads 增速（%）/ growth (%). Without an indicator, the unit
    alone (数值 is never the whole title when the unit is known); without either, the
    ``fallback`` label (what the lines are, e.g. 实际值与反事实值).
    """
    growth = measure is not None and str(measure).endswith("_pct")
    if growth:
        unit = "%"
    zh = lang == "zh"
    if indicator is not None:
        name = indicator_label(indicator, lang=lang)
        if growth:
            name = f"{name}增速" if zh else f"{name}, growth"
        if unit is None:
            return indicator_label(indicator, lang=lang, unit=True) if not growth else name
        return f"{name}（{unit}）" if zh else f"{name} ({unit})"
    text = _t(fallback, lang)
    if unit:
        return f"{text}（{unit}）" if zh else f"{text} ({unit})"
    return text


def _period_columns(index: pd.PeriodIndex) -> dict[str, Any]:
    """Timestamp (period start) for the x axis and the period label for tooltips."""
    return {
        "date": index.start_time,
        "period": [str(p) for p in index],
    }


def _counterfactual_frame(obj: Any) -> pd.DataFrame:
    """Return the frame to chart: a DataFrame as given, or a result's ``frame``."""
    if isinstance(obj, pd.DataFrame):
        return obj
    if isinstance(obj, ResultLike):
        return obj.frame
    raise ParameterError(
        "result_or_frame must be a results object (RecoveryResult, CounterfactualResult, "
        "ITSResult, ...) or a DataFrame with columns actual, predicted, lower, upper; got "
        f"{type(obj).__name__}"
    )


def _with_history(frame: pd.DataFrame, actual: pd.Series | None, history: int) -> pd.DataFrame:
    """Prepend up to ``history`` observed pre-frame periods of ``actual`` (no prediction)."""
    if actual is None or history <= 0 or frame.empty:
        return frame
    first = frame.index.min()
    before = actual[(actual.index < first)].iloc[-history:]
    if before.dropna().empty:
        return frame
    pre = pd.DataFrame({"actual": before.to_numpy(dtype="float64")}, index=before.index)
    for col in frame.columns:
        if col not in pre.columns:
            pre[col] = "published" if col == "status" else np.nan
    return pd.concat([pre[list(frame.columns)], frame])


def _require_columns(frame: pd.DataFrame, needed: tuple[str, ...], *, name: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise ParameterError(
            f"{name} lacks column(s) {', '.join(missing)}; expected {', '.join(needed)} "
            f"(found: {found})"
        )


def _segments(flags: np.ndarray) -> list[tuple[int, int, bool]]:
    """Split rows into runs of equal flags; estimated runs are extended to their neighbours.

    Returns (row position, run id, is_estimated) tuples, so that a dashed estimated run
    joins the solid line on both sides.
    """
    rows: list[tuple[int, int, bool]] = []
    n = len(flags)
    group = 0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and flags[j + 1] == flags[i]:
            j += 1
        est = bool(flags[i])
        lo, hi = (max(i - 1, 0), min(j + 1, n - 1)) if est else (i, j)
        rows.extend((k, group, est) for k in range(lo, hi + 1))
        group += 1
        i = j + 1
    return rows


# --------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------


def counterfactual_chart(
    result_or_frame: Any,
    *,
    shock: Any = None,
    history: int | None = None,
    title: str | None = None,
    y_title: str | None = None,
    indicator: str | None = None,
    unit: str | None = None,
    lang: Lang = "en",
) -> alt.LayerChart:
    """Chart actual values against the no-shock counterfactual, its interval and the shock.

    Parameters
    ----------
    result_or_frame : RecoveryResult, CounterfactualResult or pandas.DataFrame
        A results object with ``.counterfactual.frame`` or ``.frame``, or that frame: a
        DataFrame on a :class:`~pandas.PeriodIndex` with columns ``actual`` and
        ``predicted`` and, for the band, ``lower`` and ``upper``. An optional ``status``
        column (schema status codes) marks estimated points: the actual line is dashed
        over them and they are labelled.
    shock : str or pandas.Period, optional
        First period of the shock (``"2020Q1"``, ``"2020-01"``), drawn as a vertical
        rule. By default the result's ``shock`` attribute if it has one, else no rule.
    history : int, optional
        For a result object, how many observed periods before its frame to draw as
        context (actual only, from the result's ``actual`` series); default three years
        (12 quarters, 36 months, 3 years); 0 for none. A DataFrame is drawn as given.
    title : str, optional
        Chart title; a default in ``lang`` otherwise.
    y_title : str, optional
        Title of the value axis; by default the indicator's name and unit
        (地区生产总值（亿元）) when ``indicator`` is given, else what is drawn.
    indicator : str, optional
        Indicator code or name, for the value-axis title.
    unit : str, optional
        Unit of the values (default the indicator's catalogue unit).
    lang : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    altair.LayerChart
        Layers: interval band (``area`` with ``y=lower``, ``y2=upper``), actual and
        counterfactual lines, estimated-point labels (if any), the shock rule (if any).

    Raises
    ------
    ParameterError
        If the input is not a result or frame, or lacks ``actual``/``predicted``.
    PeriodError
        If ``shock`` is not a period label.
    """
    _check_lang(lang)
    frame, freq, shock = _chart_input(result_or_frame, shock=shock, history=history)
    base = pd.DataFrame(_period_columns(frame.index))
    actual = pd.to_numeric(frame["actual"], errors="coerce").to_numpy(dtype="float64")
    if "status" in frame.columns:
        estimated = (frame["status"].astype("str") == "estimated").to_numpy()
    else:
        estimated = np.zeros(len(frame), dtype=bool)
    x = _x_axis(freq, lang, base["date"])
    y_label = y_title or _value_title(lang, indicator=indicator, unit=unit, fallback="cf_value")
    layers: list[alt.Chart] = []
    if "lower" in frame.columns and "upper" in frame.columns:
        layers.append(_band_layer(base, frame, x=x, y_title=y_label, lang=lang))
    line_data = _line_rows(base, actual, frame["predicted"], estimated, lang)
    has_estimates = bool(estimated.any())
    layers += _line_layers(line_data, x=x, y_title=y_label, has_estimates=has_estimates, lang=lang)
    if has_estimates:
        layers.append(_estimate_labels(base, actual, estimated, x=x, y_title=y_label, lang=lang))
    if shock is not None:
        layers += _shock_layers(_period(shock, name="shock"), lang)
    return alt.layer(*layers).properties(title=title or _t("cf_title", lang))


def _chart_input(obj: Any, *, shock: Any, history: int | None) -> tuple[pd.DataFrame, str, Any]:
    """Return the frame to chart (on a PeriodIndex, with history), its frequency and shock."""
    frame = _counterfactual_frame(obj)
    _require_columns(frame, ("actual", "predicted"), name="the counterfactual frame")
    index = _period_index(frame.index, name="the counterfactual frame")
    frame = frame.set_axis(index)
    freq = _freq_code(index)
    if isinstance(obj, ResultLike):
        if history is None:
            history = 3 * _periods_per_year(index)
        frame = _with_history(frame, obj.actual, history)
        if shock is None:
            shock = obj.shock
    return frame, freq, shock


def _line_rows(
    base: pd.DataFrame,
    actual: np.ndarray,
    predicted: pd.Series,
    estimated: np.ndarray,
    lang: str,
) -> pd.DataFrame:
    """Long rows of the actual line (one segment per status run) and the predicted line."""
    predicted_values = pd.to_numeric(predicted, errors="coerce").to_numpy(dtype="float64")
    label_actual, label_pred = _t("actual", lang), _t("predicted", lang)
    label_pub, label_est = _t("published", lang), _t("estimated", lang)
    rows = [
        {
            "date": base["date"].iloc[k],
            "period": base["period"].iloc[k],
            "series": label_actual,
            "value": actual[k],
            "status": label_est if est else label_pub,
            "segment": f"actual-{group}",
        }
        for k, group, est in _segments(estimated)
    ]
    rows += [
        {
            "date": base["date"].iloc[k],
            "period": base["period"].iloc[k],
            "series": label_pred,
            "value": predicted_values[k],
            "status": label_pub,
            "segment": "predicted",
        }
        for k in range(len(base))
    ]
    # Missing values stay in as nulls: Vega-Lite breaks the line there, so a gap (e.g. the
    # January-February months NBS does not publish) is not drawn as if it were data.
    return pd.DataFrame(rows)


def _band_layer(
    base: pd.DataFrame, frame: pd.DataFrame, *, x: alt.X, y_title: str, lang: str
) -> alt.Chart:
    """Draw the counterfactual interval as an area from ``lower`` to ``upper``."""
    band = base.assign(
        lower=pd.to_numeric(frame["lower"], errors="coerce").to_numpy(dtype="float64"),
        upper=pd.to_numeric(frame["upper"], errors="coerce").to_numpy(dtype="float64"),
        band=_t("band", lang),
    ).dropna(subset=["lower", "upper"])
    return (
        alt.Chart(band)
        .mark_area(opacity=0.25, color=_PREDICTED_COLOR)
        .encode(
            x=x,
            y=alt.Y("lower:Q", title=y_title),
            y2="upper:Q",
            tooltip=[
                alt.Tooltip("period:N", title=_t("period", lang)),
                alt.Tooltip("lower:Q", format=",.2f"),
                alt.Tooltip("upper:Q", format=",.2f"),
            ],
        )
    )


def _value_y(y_title: str) -> alt.Y:
    return alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))


def _line_layers(
    line_data: pd.DataFrame, *, x: alt.X, y_title: str, has_estimates: bool, lang: str
) -> list[alt.Chart]:
    """Draw the actual and counterfactual lines (dashed where estimated) and points."""
    label_actual, label_pred = _t("actual", lang), _t("predicted", lang)
    label_pub, label_est = _t("published", lang), _t("estimated", lang)
    present = line_data.dropna(subset=["value"])["series"].unique()
    drawn = [(s, c) for s, c in ((label_actual, _ACTUAL_COLOR), (label_pred, _PREDICTED_COLOR))]
    drawn = [(s, c) for s, c in drawn if s in present]  # the legend lists what is drawn
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=[s for s, _ in drawn], range=[c for _, c in drawn]),
    )
    tooltip = [
        alt.Tooltip("period:N", title=_t("period", lang)),
        alt.Tooltip("series:N", title=_t("series", lang)),
        alt.Tooltip("value:Q", title=_t("value", lang), format=",.2f"),
        alt.Tooltip("status:N", title=_t("status", lang)),
    ]
    stroke_dash = alt.StrokeDash(
        "status:N",
        title=_t("status", lang),
        scale=alt.Scale(domain=[label_pub, label_est], range=[[1, 0], [5, 4]]),
        legend=alt.Legend() if has_estimates else None,
    )
    y = _value_y(y_title)
    lines = (
        alt.Chart(line_data)
        .mark_line()
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=stroke_dash,
            detail="segment:N",
            tooltip=tooltip,
        )
    )
    points = (
        alt.Chart(line_data)
        .mark_point(filled=True, size=18)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    return [lines, points]


def _estimate_labels(
    base: pd.DataFrame,
    actual: np.ndarray,
    estimated: np.ndarray,
    *,
    x: alt.X,
    y_title: str,
    lang: str,
) -> alt.Chart:
    """Label the first point of each estimated run (the line style marks the rest)."""
    first = estimated & ~np.concatenate([[False], estimated[:-1]])
    est_points = pd.DataFrame(
        {
            "date": base["date"][first].to_numpy(),
            "period": base["period"][first].to_numpy(),
            "value": actual[first],
            "label": _t("estimated", lang),
        }
    ).dropna(subset=["value"])
    return (
        alt.Chart(est_points)
        .mark_text(dy=-10, fontSize=10, color=_ACTUAL_COLOR)
        .encode(x=x, y=_value_y(y_title), text="label:N")
    )


def _shock_layers(p: pd.Period, lang: str) -> list[alt.Chart]:
    """Draw a dashed vertical rule at the start of the shock period, and its label."""
    rule = pd.DataFrame({"date": [p.start_time], "period": [str(p)], "label": [_t("shock", lang)]})
    return [
        alt.Chart(rule)
        .mark_rule(color=_SHOCK_COLOR, strokeDash=[4, 3])
        .encode(x="date:T", tooltip=[alt.Tooltip("period:N", title=_t("shock", lang))]),
        alt.Chart(rule)
        .mark_text(align="left", baseline="top", dx=4, y=4, color=_SHOCK_COLOR)
        .encode(x="date:T", text="label:N"),
    ]


def ytd_vs_single_chart(
    ytd: pd.Series,
    single: pd.Series,
    *,
    title: str | None = None,
    y_title: str | None = None,
    single_mark: Literal["bar", "line"] = "bar",
    indicator: str | None = None,
    unit: str | None = None,
    lang: Lang = "en",
) -> alt.LayerChart:
    """Chart year-to-date values against single-period values of the same indicator.

    Works for levels (cumulative 累计 against monthly 当月 values, same unit) and for
    growth rates (累计增长 against 当月增长, percent year on year).

    Parameters
    ----------
    ytd : pandas.Series
        Year-to-date values on a PeriodIndex.
    single : pandas.Series
        Single-period values on a PeriodIndex of the same frequency.
    title, y_title : str, optional
        Chart and value-axis titles.
    single_mark : {"bar", "line"}
        Draw single-period values as bars (levels) or a line (growth rates).
    indicator, unit : str, optional
        Indicator code or name and unit, for the default value-axis title
        (地区生产总值（亿元）; a ``line`` of growth rates: 增速（%）).
    lang : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    altair.LayerChart
        A ``bar`` (or ``line``) layer for single-period values and a ``line`` layer for
        year-to-date values, coloured by a ``series`` field.

    Raises
    ------
    ParameterError
        If an input is not a Series on periods, or the two frequencies differ.
    """
    _check_lang(lang)
    check_choice("single_mark", single_mark, ("bar", "line"))
    parts = {}
    freqs = set()
    for key, s in (("ytd", ytd), ("single", single)):
        if not isinstance(s, pd.Series):
            raise ParameterError(f"{key} must be a pandas Series, got {type(s).__name__}")
        idx = _period_index(s.index, name=key)
        freqs.add(idx.freqstr)
        parts[key] = pd.DataFrame(
            {
                **_period_columns(idx),
                "value": pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64"),
                "series": _t(key, lang),
            }
        ).dropna(subset=["value"])
    if len(freqs) > 1:
        raise ParameterError(
            f"ytd and single must have the same frequency; got {', '.join(sorted(freqs))}"
        )
    freq = _freq_code(_period_index(ytd.index, name="ytd"))
    x = _x_axis(freq, lang, pd.concat([parts["single"]["date"], parts["ytd"]["date"]]))
    domain = [_t(k, lang) for k in ("single", "ytd") if not parts[k].empty]  # drawn only
    palette = {_t("single", lang): _PALETTE[3], _t("ytd", lang): _ACTUAL_COLOR}
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=[palette[d] for d in domain]),
    )
    measure = "yoy_pct" if single_mark == "line" else None
    y_text = _value_title(
        lang, indicator=indicator, unit=unit, measure=measure, fallback="ytd_value"
    )
    y = alt.Y("value:Q", title=y_title or y_text)
    tooltip = [
        alt.Tooltip("period:N", title=_t("period", lang)),
        alt.Tooltip("series:N", title=_t("series", lang)),
        alt.Tooltip("value:Q", title=_t("value", lang), format=",.2f"),
    ]
    single_layer = alt.Chart(parts["single"])
    single_layer = (
        single_layer.mark_bar(opacity=0.8)
        if single_mark == "bar"
        else single_layer.mark_line(point=True)
    )
    ytd_layer = alt.Chart(parts["ytd"]).mark_line(point=True)
    layers = [
        single_layer.encode(x=x, y=y, color=colour, tooltip=tooltip),
        ytd_layer.encode(x=x, y=y, color=colour, tooltip=tooltip),
    ]
    return alt.layer(*layers).properties(title=title or _t("ytd_title", lang))


def _index_to_base(series: pd.Series, base: pd.Period, *, name: str) -> pd.Series:
    """Return ``series`` as an index with the base period's (mean) value = 100."""
    idx = _period_index(series.index, name=name)
    values = pd.Series(
        pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64"), index=idx
    ).sort_index()
    inside = (idx.start_time >= base.start_time) & (idx.end_time <= base.end_time)
    sub = values[np.asarray(inside)].dropna()
    if sub.empty:
        raise InsufficientDataError(
            f"{name} has no value in the base period {base}; periods present: "
            f"{', '.join(str(p) for p in values.dropna().index[:8])}"
            + (" ..." if values.dropna().size > 8 else "")
        )
    expected = _periods_per_year(idx) if _freq_code(idx) != "D" else 0
    if _freq_code(pd.PeriodIndex([base])) == "A" and len(sub) < expected:
        raise InsufficientDataError(
            f"{name} has {len(sub)} of the {expected} values of base year {base}; "
            "a partial year would bias the base"
        )
    level = float(sub.mean())
    if level == 0 or not np.isfinite(level):
        raise InsufficientDataError(f"{name} has base-period value {level}; cannot index to it")
    return values / level * 100.0


def indexed_levels_chart(
    series_by_region: Mapping[str, pd.Series],
    *,
    base: str = "2019",
    title: str | None = None,
    indicator: str | None = None,
    lang: Lang = "en",
) -> alt.LayerChart:
    """Chart levels of several regions indexed to the base period = 100.

    Parameters
    ----------
    series_by_region : mapping of str to pandas.Series
        Levels on a PeriodIndex, keyed by region code or name (labelled from the
        catalogue). Frequencies may differ (an annual district series beside a
        quarterly national one); each point is drawn at the start of its period.
    base : str
        Base period: a year (``"2019"``: the year's value, or the mean of its quarters or
        months, all of which must be present) or a single quarter or month.
    title : str, optional
        Chart title; a default in ``lang`` otherwise.
    indicator : str, optional
        Indicator code or name, shown in the axis title.
    lang : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    altair.LayerChart
        A line per region (field ``index``: base = 100, index points) and a rule at 100.

    Raises
    ------
    ParameterError
        If no series is given or one is not on periods.
    InsufficientDataError
        If a series lacks the base period.
    """
    _check_lang(lang)
    if not series_by_region:
        raise ParameterError("series_by_region is empty; give at least one region's series")
    base_p = _period(base, name="base")
    frames = []
    freqs = []
    for key, s in series_by_region.items():
        if not isinstance(s, pd.Series):
            raise ParameterError(
                f"series_by_region[{key!r}] must be a pandas Series, got {type(s).__name__}"
            )
        indexed = _index_to_base(s, base_p, name=f"series_by_region[{key!r}]")
        freqs.append(_freq_code(indexed.index))
        frames.append(
            pd.DataFrame(
                {
                    **_period_columns(indexed.index),
                    "index": indexed.to_numpy(),
                    "region": region_label(key, lang=lang),
                }
            ).dropna(subset=["index"])
        )
    data = pd.concat(frames, ignore_index=True)
    freq = "A" if "A" in freqs else freqs[0]
    if lang == "zh":
        year_base = base_p.freqstr.startswith(("Y", "A"))
        y_title = f"{_t('index', lang)}（{base_p}{'年' if year_base else ''}=100）"
    else:
        y_title = f"Index ({base_p} = 100)"
    if indicator is not None:
        name = indicator_label(indicator, lang=lang)
        y_title = f"{name}，{y_title}" if lang == "zh" else f"{name}, {y_title}"
    x = _x_axis(freq, lang, data["date"])
    y = alt.Y("index:Q", title=y_title, scale=alt.Scale(zero=False))
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color("region:N", title=_t("region", lang)),
            tooltip=[
                alt.Tooltip("region:N", title=_t("region", lang)),
                alt.Tooltip("period:N", title=_t("period", lang)),
                alt.Tooltip("index:Q", title=_t("index", lang), format=".1f"),
            ],
        )
    )
    hundred = (
        alt.Chart(pd.DataFrame({"index": [100.0]}))
        .mark_rule(color="#888", strokeDash=[2, 2])
        .encode(y="index:Q")
    )
    return alt.layer(hundred, lines).properties(title=title or _t("indexed_title", lang))


def scorecard_chart(
    table: pd.DataFrame,
    *,
    metric: str = "output_loss_pct",
    name_column: str | None = None,
    ascending: bool = True,
    title: str | None = None,
    lang: Lang = "en",
) -> alt.LayerChart:
    """Chart a ranking of regions (or series) by one metric of a comparison table.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per name, e.g. :func:`lixia_econ.models.compare`'s output: metric
        columns (and optionally ``rank``); names in ``name_column``, else in a
        ``name`` or ``region`` column, else in the index.
    metric : str
        The column to rank by (``"output_loss_pct"``: cumulative output loss, percent of
        the counterfactual).
    name_column : str, optional
        Column holding the names.
    ascending : bool
        Draw the smallest value at the top (for a loss, the best performer first).
    title : str, optional
        Chart title; a default in ``lang`` otherwise.
    lang : {"en", "zh"}
        Language of the labels; names that are catalogue codes or aliases are translated.

    Returns
    -------
    altair.LayerChart
        A horizontal ``bar`` layer (x = metric, y = name sorted by value, colour by
        sign) and a ``text`` layer with the values.

    Raises
    ------
    ParameterError
        If ``metric`` or ``name_column`` is not a column, or the metric is not numeric.
    """
    _check_lang(lang)
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    if metric not in table.columns:
        raise ParameterError(
            f"metric={metric!r} is not a column of the table; numeric columns: "
            f"{', '.join(map(str, numeric)) or 'none'}"
        )
    values = pd.to_numeric(table[metric], errors="coerce")
    if values.isna().all():
        raise ParameterError(f"metric={metric!r} has no numeric values")
    if name_column is not None:
        _require_columns(table, (name_column,), name="table")
        names = table[name_column]
    elif "name" in table.columns:
        names = table["name"]
    elif "region" in table.columns:
        names = table["region"]
    else:
        names = pd.Series(table.index, index=table.index)
    data = pd.DataFrame(
        {
            "name": [region_label(str(n), lang=lang) for n in names],
            "value": values.to_numpy(dtype="float64"),
        }
    ).dropna(subset=["value"])
    data["sign"] = np.where(data["value"] < 0, "negative", "non-negative")
    data = data.sort_values("value", ascending=ascending, kind="stable")
    data["rank"] = np.arange(1, len(data) + 1)
    order = data["name"].tolist()
    x_title = metric_label(metric, lang)
    y = alt.Y("name:N", title=None, sort=order)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=x_title),
            y=y,
            color=alt.Color(
                "sign:N",
                scale=alt.Scale(
                    domain=["negative", "non-negative"], range=[_SHOCK_COLOR, _ACTUAL_COLOR]
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("rank:Q", title=_t("rank", lang)),
                alt.Tooltip("name:N", title=_t("name", lang)),
                alt.Tooltip("value:Q", title=x_title, format=",.2f"),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=3, fontSize=10)
        .encode(x="value:Q", y=y, text=alt.Text("value:Q", format=",.1f"))
    )
    return alt.layer(bars, labels).properties(
        title=title or _t("scorecard_title", lang), height=alt.Step(22)
    )


def small_multiples(
    frame: pd.DataFrame,
    *,
    facet: Literal["region", "indicator"] = "region",
    columns: int = 3,
    independent_y: bool = True,
    title: str | None = None,
    width: int = 180,
    height: int = 120,
    lang: Lang = "en",
) -> alt.FacetChart:
    """Draw one small line chart per region (or indicator) from a tidy panel slice.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows in the tidy long format (:data:`lixia_econ.schema.COLUMNS`); at least
        ``region``, ``indicator``, ``freq``, ``period`` and ``value``. Select one
        measure and price basis first: the panels plot ``value`` as it is.
    facet : {"region", "indicator"}
        One panel per region, or per indicator; the other one colours the lines.
    columns : int
        Panels per row.
    independent_y : bool
        Give each panel its own value scale (regions differ in size by orders of
        magnitude).
    title : str, optional
        Chart title.
    width, height : int
        Size of one panel, pixels.
    lang : {"en", "zh"}
        Language of the labels.

    Returns
    -------
    altair.FacetChart
        A ``line`` chart faceted by ``facet`` (field ``label``), coloured by the other.

    Raises
    ------
    ParameterError
        If columns are missing or ``facet`` is not allowed.
    """
    _check_lang(lang)
    check_choice("facet", facet, ("region", "indicator"))
    _require_columns(frame, ("region", "indicator", "freq", "period", "value"), name="frame")
    if frame.empty:
        raise InsufficientDataError("frame has no rows to draw")
    other = "indicator" if facet == "region" else "region"
    dates, labels = [], []
    for row, (freq, period) in enumerate(zip(frame["freq"], frame["period"], strict=True)):
        if freq not in PANDAS_FREQ:
            raise ParameterError(
                f"frame row {row}: freq {freq!r} is not one of {', '.join(PANDAS_FREQ)}"
            )
        try:
            p = str_to_period(str(period), freq)
        except PeriodError:
            raise PeriodError(
                f"frame row {row}: period {period!r} is not a {freq} period", value=period
            ) from None
        dates.append(p.start_time)
        labels.append(str(period))
    label_of = region_label if facet == "region" else _indicator_headers(frame, lang).get
    other_of = indicator_label if facet == "region" else region_label
    data = pd.DataFrame(
        {
            "date": dates,
            "period": labels,
            "value": pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype="float64"),
            "label": [
                label_of(str(v), lang=lang) if facet == "region" else label_of(str(v))
                for v in frame[facet]
            ],
            "colour": [other_of(str(v), lang=lang) for v in frame[other]],
        }
    ).dropna(subset=["value"])
    freqs = set(frame["freq"])
    freq = "A" if "A" in freqs else sorted(freqs)[0]
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_x_axis(freq, lang, data["date"]),
            y=alt.Y(
                "value:Q",
                title=_panels_value_title(frame, facet, lang),
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color("colour:N", title=_t(other, lang)),
            tooltip=[
                alt.Tooltip("label:N", title=_t(facet, lang)),
                alt.Tooltip("colour:N", title=_t(other, lang)),
                alt.Tooltip("period:N", title=_t("period", lang)),
                alt.Tooltip("value:Q", title=_t("value", lang), format=",.2f"),
            ],
        )
        .properties(width=width, height=height)
        .facet(facet=alt.Facet("label:N", title=None), columns=columns)
    )
    if independent_y:
        chart = chart.resolve_scale(y="independent")
    if title:
        chart = chart.properties(title=title)
    return chart


def _indicator_headers(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Panel header of each indicator: its name and the unit of its rows (增速（%）)."""
    out = {}
    for code, rows in frame.groupby(frame["indicator"].astype(str), sort=False):
        first = {c: rows[c].iloc[0] for c in ("unit", "measure") if c in rows}
        out[code] = _value_title(
            lang, indicator=code, unit=first.get("unit"), measure=first.get("measure")
        )
    return out


def _panels_value_title(frame: pd.DataFrame, facet: str, lang: str) -> str | None:
    """Value-axis title of small multiples: the one indicator (and unit) drawn, or none.

    Panels by indicator carry the indicator and unit in their headers, so the axis has no
    title; panels by region of one indicator get 地区生产总值（亿元）.
    """
    if facet == "indicator" or frame["indicator"].nunique() != 1:
        return None
    one = {
        c: frame[c].iloc[0] for c in ("unit", "measure") if c in frame and frame[c].nunique() == 1
    }
    return _value_title(
        lang, indicator=frame["indicator"].iloc[0], unit=one.get("unit"), measure=one.get("measure")
    )


# --------------------------------------------------------------------------------------
# Static export
# --------------------------------------------------------------------------------------


@functools.cache
def _register_fonts() -> tuple[str, ...]:
    """Register the CJK font folders that exist with vl-convert (once per process)."""
    import vl_convert as vlc

    dirs = list(CJK_FONT_DIRS)
    extra = os.environ.get("LIXIA_ECON_FONT_DIR")
    if extra:
        dirs.insert(0, extra)
    done = []
    for d in dirs:
        if os.path.isdir(d):
            vlc.register_font_directory(os.path.abspath(d))
            done.append(d)
    return tuple(done)


def _spec(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    if isinstance(chart, dict):
        return chart
    if not hasattr(chart, "to_dict"):
        raise ParameterError(f"chart must be an Altair chart, got {type(chart).__name__}")
    return chart.to_dict()


def to_png(chart: alt.TopLevelMixin | dict[str, Any], *, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes with vl-convert, the house theme and a CJK font.

    Parameters
    ----------
    chart : altair chart or dict
        The chart (or its Vega-Lite spec).
    scale : float
        Pixel scale factor (2 gives sharp images on high-density screens and in print).

    Returns
    -------
    bytes
        PNG image data.
    """
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(_spec(chart), scale=scale, config=theme_config()["config"])


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render a chart to an SVG string with vl-convert and the house theme.

    Text stays text in the SVG (``font-family`` = :data:`FONT_FAMILY`), so the viewer
    needs a CJK font; use :func:`to_png` where that is not certain.

    Parameters
    ----------
    chart : altair chart or dict
        The chart (or its Vega-Lite spec).

    Returns
    -------
    str
        SVG markup.
    """
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_svg(_spec(chart), config=theme_config()["config"])


def save_static(
    chart: alt.TopLevelMixin | dict[str, Any],
    path: str | os.PathLike[str],
    *,
    scale: float = 2.0,
) -> Path:
    """Write a chart to a PNG or SVG file (the format follows the suffix).

    The only function of this module that writes a file. The file is written to a
    temporary name beside ``path`` first and then renamed, so a reader never sees half
    an image.

    Parameters
    ----------
    chart : altair chart or dict
        The chart (or its Vega-Lite spec).
    path : str or path-like
        Target file, ending in ``.png`` or ``.svg``; its folder must exist.
    scale : float
        Pixel scale factor for PNG.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ParameterError
        If the suffix is neither ``.png`` nor ``.svg``, or the folder does not exist.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    check_choice("path suffix", suffix, (".png", ".svg"))
    if not target.parent.is_dir():
        raise ParameterError(f"folder {target.parent} does not exist; create it first")
    if suffix == ".png":
        data: bytes = to_png(chart, scale=scale)
    else:
        data = to_svg(chart).encode("utf-8")
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
