"""The models' vocabularies, defined once: metric names and recovery shapes, with labels.

Every metric name a results object puts in its ``metrics``, its tidy ``to_frame()`` or a
:func:`~lixia_econ.models.compare.compare` table is a key of :data:`METRICS`, with a Chinese
and an English label and its unit. Every recovery shape that
:func:`~lixia_econ.models.recovery.analyze_recovery` gives is a key of :data:`SHAPES`.
Charts (:mod:`lixia_econ.viz`) and reports read their labels from here. The counterfactual
method names are :data:`METHODS` (here, not in the counterfactual module, so that a report's
parameters are checked without importing scipy).

Examples
--------
>>> METRICS["output_loss_pct"].label("zh")
'累计产出损失（占反事实的百分比）'
>>> SHAPES["V"].label("en")
'V-shaped: a short bottom and a quick return'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["METHODS", "METRICS", "SHAPES", "Label", "Method", "label"]

Method = Literal["trend", "ets", "structural"]
#: The counterfactual methods, the one list of their names (from :data:`Method`).
METHODS: tuple[str, ...] = get_args(Method)


@dataclass(frozen=True)
class Label:
    """A term's labels in Chinese and English, and its unit (English, for tables)."""

    zh: str
    en: str
    unit: str = ""

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.zh if lang == "zh" else self.en


#: Recovery shapes, by the letter :func:`~lixia_econ.models.recovery.analyze_recovery`
#: gives (rules in its Notes).
SHAPES: dict[str, Label] = {
    "V": Label("V 型：谷底短暂、快速回升", "V-shaped: a short bottom and a quick return"),
    "U": Label("U 型：谷底持续、随后回升", "U-shaped: a lasting bottom, then a return"),
    "W": Label("W 型：回升后再次下探", "W-shaped: a second dip after a partial return"),
    "L": Label("L 型：水平损失持续", "L-shaped: a lasting level loss"),
    "K": Label("K 型：分项分化", "K-shaped: components diverge"),
    "none": Label("未低于冲击前水平", "no fall below the pre-shock level"),
    "unclear": Label(
        "形态不明：降幅未超出冲击前波动", "unclear: the fall is within the pre-shock noise"
    ),
}

_SHAPE_UNIT = ", ".join(k for k in SHAPES if k not in ("none", "unclear")) + ", unclear or none"

#: Metric name -> labels and unit, for every metric a model or ``compare`` produces.
METRICS: dict[str, Label] = {
    # recovery scorecard (analyze_recovery, analyze_recovery_many, compare)
    "pre_shock_period": Label("冲击前最后一期", "Last pre-shock period", "period"),
    "pre_shock_level": Label("冲击前水平", "Pre-shock level", "units of the series"),
    "trough_period": Label("谷底时期", "Trough period", "period"),
    "trough_level": Label("谷底水平", "Trough level", "units of the series"),
    "trough_depth_pct": Label(
        "谷底相对冲击前水平的降幅（%）", "Trough depth vs. pre-shock level", "percent"
    ),
    "periods_to_recover_level": Label(
        "恢复至冲击前水平所需期数", "Periods from shock back to pre-shock level", "periods"
    ),
    "periods_to_recover_trend": Label(
        "回到无冲击路径所需期数", "Periods from shock back on the no-shock path", "periods"
    ),
    "output_loss_pct": Label(
        "累计产出损失（占反事实的百分比）",
        "Cumulative output loss vs. no-shock path",
        "percent of counterfactual",
    ),
    "output_loss_pct_lower": Label(
        "累计产出损失区间下限（%）", "Output loss, lower bound", "percent of counterfactual"
    ),
    "output_loss_pct_upper": Label(
        "累计产出损失区间上限（%）", "Output loss, upper bound", "percent of counterfactual"
    ),
    "recovered_share": Label(
        "谷底缺口已恢复比例", "Share of the trough shortfall recovered", "share (1 = back on path)"
    ),
    "gap_at_trough_pct": Label(
        "谷底时与无冲击路径的差距（%）",
        "Gap to no-shock path at trough",
        "percent of counterfactual",
    ),
    "gap_as_of_pct": Label(
        "截至评估期与无冲击路径的差距（%）",
        "Gap to no-shock path in the last period",
        "percent of counterfactual",
    ),
    "post_shock_growth_pct": Label(
        "谷底以来年化增长率（%）", "Growth since the trough, annualised", "percent per year"
    ),
    "trend_growth_pct": Label(
        "冲击前趋势增长率（年化，%）", "Pre-shock trend growth, annualised", "percent per year"
    ),
    "shape": Label("恢复形态", "Shape", _SHAPE_UNIT),
    "shape_noise_pct": Label(
        "冲击前水平序列波动（标准差，%）",
        "Pre-shock noise of the level series (s.d.)",
        "percent (log points)",
    ),
    "shape_threshold_pct": Label(
        "形态判定阈值（%）",
        "Shape threshold: smallest fall, rebound or second dip read as a pattern",
        "percent (log points)",
    ),
    "as_of": Label("评估截至", "As of", "period"),
    "n_periods": Label("冲击后观测期数", "Observed periods from shock to as_of", "periods"),
    "notes": Label("说明", "Notes", "text"),
    "rank": Label("排名", "Rank", "rank (1 = first)"),
    "missing": Label("缺失指标", "Missing metrics", "metric names"),
    "result": Label("结果类型", "Result", "class name"),
    # counterfactual path (CounterfactualResult.to_frame, .metrics)
    "gap_pct": Label(
        "与反事实的差距（%）", "Gap to counterfactual, %", "percent of counterfactual"
    ),
    "last_gap_pct": Label(
        "最新一期与反事实的差距（%）",
        "Latest gap to counterfactual, %",
        "percent of counterfactual",
    ),
    # interrupted time series (ITSResult); percent when log=True, else input units
    "level_change": Label("冲击时水平变化", "Level change at the shock", "percent or input units"),
    "slope_change": Label(
        "趋势斜率变化", "Slope change", "percent per year or input units per year"
    ),
    "pre_trend_growth": Label(
        "冲击前趋势增长", "Trend growth before the shock", "percent per year or input units"
    ),
    "post_trend_growth": Label(
        "冲击后趋势增长", "Trend growth after the shock", "percent per year or input units"
    ),
    # growth across the shock from sparse (annual) levels (lixia_econ.analysis.sparse_growth;
    # its plain columns region, name and unit are labelled where tables are shown)
    "pre_from": Label("冲击前起始年", "Pre-shock window from", "year"),
    "pre_to": Label("冲击前末年", "Pre-shock window to", "year"),
    "pre_cagr_pct": Label("冲击前年均增速（%）", "Growth before the shock (% a year)", "percent"),
    "post_to": Label("冲击后末年", "Window across the shock to", "year"),
    "post_cagr_pct": Label("跨冲击年均增速（%）", "Growth across the shock (% a year)", "percent"),
}


def label(metric: str, lang: str) -> str:
    """Return the label of a metric in ``lang``; an unknown name is returned as given."""
    entry = METRICS.get(metric)
    return metric if entry is None else entry.label(lang)
