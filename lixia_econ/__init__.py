"""lixia_econ: Chinese regional statistics, the post-COVID recovery, comparison reports.

The public names below load lazily (a module ``__getattr__``, as pyfixest does), so that
``import lixia_econ`` stays fast and does not import pandas' heavy friends (statsmodels,
altair, papermill) until a function that needs them is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lixia_econ._lazy import lazy_getattr
from lixia_econ.errors import (
    DataFormatError,
    EstimateWarning,
    InsufficientDataError,
    LixiaEconError,
    LixiaEconWarning,
    ParameterError,
    PeriodError,
    ReportError,
    RevisionGapWarning,
    SchemaError,
    UnitError,
)

__version__ = "0.1.0"

#: Public name -> module that defines it.
_LAZY: dict[str, str] = {
    # data
    "build_panel": "lixia_econ.build",
    "chain_yoy": "lixia_econ.clean",
    "cumulate": "lixia_econ.clean",
    "decumulate": "lixia_econ.clean",
    "get_series": "lixia_econ.panel",
    "load_panel": "lixia_econ.panel",
    "parse_period": "lixia_econ.periods",
    "parse_periods": "lixia_econ.periods",
    "read_table": "lixia_econ.io",
    "rebase": "lixia_econ.clean",
    "share_of": "lixia_econ.clean",
    # models
    "analyze_recovery": "lixia_econ.models.recovery",
    "average_growth": "lixia_econ.models.growth",
    "cagr": "lixia_econ.models.growth",
    "compare": "lixia_econ.models.compare",
    "counterfactual": "lixia_econ.models.counterfactual",
    "disaggregate": "lixia_econ.models.disaggregate",
    "interrupted_time_series": "lixia_econ.models.its",
    "required_growth": "lixia_econ.models.growth",
    "seasonal_adjust": "lixia_econ.models.seasonal",
    "trend_growth": "lixia_econ.models.trend",
    "two_year_average_growth": "lixia_econ.models.growth",
    # reports
    "run_batch": "lixia_econ.report",
    "run_report": "lixia_econ.report",
}

__all__ = [
    "DataFormatError",
    "EstimateWarning",
    "InsufficientDataError",
    "LixiaEconError",
    "LixiaEconWarning",
    "ParameterError",
    "PeriodError",
    "ReportError",
    "RevisionGapWarning",
    "SchemaError",
    "UnitError",
    "__version__",
    "analyze_recovery",
    "average_growth",
    "build_panel",
    "cagr",
    "chain_yoy",
    "compare",
    "counterfactual",
    "cumulate",
    "decumulate",
    "disaggregate",
    "get_series",
    "interrupted_time_series",
    "load_panel",
    "parse_period",
    "parse_periods",
    "read_table",
    "rebase",
    "required_growth",
    "run_batch",
    "run_report",
    "seasonal_adjust",
    "share_of",
    "trend_growth",
    "two_year_average_growth",
]


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from lixia_econ.build import build_panel
    from lixia_econ.clean import chain_yoy, cumulate, decumulate, rebase, share_of
    from lixia_econ.io import read_table
    from lixia_econ.models.compare import compare
    from lixia_econ.models.counterfactual import counterfactual
    from lixia_econ.models.disaggregate import disaggregate
    from lixia_econ.models.growth import (
        average_growth,
        cagr,
        required_growth,
        two_year_average_growth,
    )
    from lixia_econ.models.its import interrupted_time_series
    from lixia_econ.models.recovery import analyze_recovery
    from lixia_econ.models.seasonal import seasonal_adjust
    from lixia_econ.models.trend import trend_growth
    from lixia_econ.panel import get_series, load_panel
    from lixia_econ.periods import parse_period, parse_periods
    from lixia_econ.report import run_batch, run_report
