"""Growth and recovery models; each returns a results object with the same face.

Every results object implements :class:`~lixia_econ.models._base.ModelResult` (the
results interface, documented in :mod:`lixia_econ.models._base`): ``shock``, ``actual``,
``frame``, ``notes``, ``metrics``, ``summary()``, ``to_frame()``, ``conf_int(level=0.95)``,
an HTML display for JupyterLab and, where there is one, the statsmodels result as
``.model_result``. Metric names and recovery shapes, with their labels, are in
:mod:`lixia_econ.models.vocab`. Modules: ``growth`` (growth arithmetic), ``trend`` (trend
models), ``counterfactual``, ``recovery``, ``its``, ``seasonal``, ``disaggregate``,
``compare``; helpers they share are in ``_tools``. Names load lazily so that importing one
model does not import them all.
"""

from __future__ import annotations

from lixia_econ._lazy import lazy_getattr

_LAZY: dict[str, str] = {
    "CounterfactualResult": "counterfactual",
    "DisaggregationResult": "disaggregate",
    "ITSResult": "its",
    "ModelResult": "_base",
    "ResultLike": "_base",
    "RecoveryResult": "recovery",
    "SeasonalResult": "seasonal",
    "TrendCycleResult": "trend",
    "TrendGrowthResult": "trend",
    "analyze_recovery": "recovery",
    "analyze_recovery_many": "recovery",
    "average_growth": "growth",
    "cagr": "growth",
    "compare": "compare",
    "counterfactual": "counterfactual",
    "disaggregate": "disaggregate",
    "effect_table": "recovery",
    "elapsed_share": "growth",
    "growth_rate": "growth",
    "interrupted_time_series": "its",
    "required_growth": "growth",
    "seasonal_adjust": "seasonal",
    "to_panel_rows": "disaggregate",
    "trend_cycle": "trend",
    "trend_growth": "trend",
    "two_year_average_growth": "growth",
}

__all__ = [
    "CounterfactualResult",
    "DisaggregationResult",
    "ITSResult",
    "ModelResult",
    "RecoveryResult",
    "ResultLike",
    "SeasonalResult",
    "TrendCycleResult",
    "TrendGrowthResult",
    "analyze_recovery",
    "analyze_recovery_many",
    "average_growth",
    "cagr",
    "compare",
    "counterfactual",
    "disaggregate",
    "effect_table",
    "elapsed_share",
    "growth_rate",
    "interrupted_time_series",
    "required_growth",
    "seasonal_adjust",
    "to_panel_rows",
    "trend_cycle",
    "trend_growth",
    "two_year_average_growth",
]


__getattr__ = lazy_getattr(
    __name__, {k: f"lixia_econ.models.{v}" for k, v in _LAZY.items()}, globals()
)


def __dir__() -> list[str]:
    return __all__
