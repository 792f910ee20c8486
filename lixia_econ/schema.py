"""The tidy long format every reader returns and the processed panel is stored in.

One row per observation, SDMX-like:

============  =========  ===============================================================
column        dtype      meaning
============  =========  ===============================================================
region        str        region code, GB/T 2260 (``370102`` 历下区); ``000000`` is China
indicator     str        indicator code from the catalogue (``gdp``, ``retail_sales`` ...)
freq          str        ``A`` annual, ``Q`` quarterly, ``M`` monthly
period        str        the period's end as pandas prints it: ``2020``, ``2020Q1``,
                         ``2020-03``
measure       str        see :data:`MEASURES`
value         float64    the number, in ``unit``; never missing in a valid table
unit          str        canonical unit: ``亿元`` for money, ``元`` for per-capita money,
                         ``percent``, ``index``, ``万人``
price_basis   str        ``current`` (nominal), ``comparable`` (NBS 可比价, real growth),
                         ``na`` (not a price concept: PMI, shares)
status        str        see :data:`STATUSES`
source        str        file (relative to the raw folder) and, where known, the page
note          str        free text kept from the source; ``""`` when none
============  =========  ===============================================================
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from lixia_econ.config import CATALOGUE_DIR

__all__ = [
    "COLUMNS",
    "FREQS",
    "KEY",
    "MEASURES",
    "PRICE_BASES",
    "STATUSES",
    "Indicator",
    "Region",
    "indicators",
    "regions",
]

COLUMNS: tuple[str, ...] = (
    "region",
    "indicator",
    "freq",
    "period",
    "measure",
    "value",
    "unit",
    "price_basis",
    "status",
    "source",
    "note",
)

#: Columns that identify an observation: a key appears at most once in a valid table.
KEY: tuple[str, ...] = ("region", "indicator", "freq", "period", "measure", "price_basis", "source")

FREQS: tuple[str, ...] = ("A", "Q", "M")

#: Measures, with the convention of each.
MEASURES: dict[str, str] = {
    "level": "value of the single period (flow over it, or stock at its end)",
    "ytd_level": "cumulative value from January to the period's end (累计)",
    "yoy_pct": "growth of the single period over the same period a year earlier, percent",
    "ytd_yoy_pct": "growth of the year-to-date value over a year earlier, percent (累计增长)",
    "index": "volume or price index; the base is stated in the note",
    "share_pct": "share of the parent region's value, percent",
    "target_yoy_pct": "planned growth for the year, percent (a plan, not an outcome)",
}

PRICE_BASES: tuple[str, ...] = ("current", "comparable", "na")

#: Observation status codes.
STATUSES: dict[str, str] = {
    "published": "as published by the statistics body",
    "derived": "computed from published figures (e.g. de-cumulated year-to-date values)",
    "jan_feb_combined": "January and February released together; the value covers both months",
    "jan_feb_split_days": "January-February total split between the months by days",
    "jan_feb_split_equal": "January-February total split equally between the months",
    "estimated": "a model estimate (e.g. temporal disaggregation), not a published figure",
    "target": "a plan or target, not an outcome",
}


@dataclass(frozen=True)
class Region:
    """A region of the catalogue (GB/T 2260 code)."""

    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    """An indicator of the catalogue, with its canonical unit and kind (flow, stock, rate)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    aliases: tuple[str, ...]


def _read_catalogue(name: str) -> list[dict[str, str]]:
    with open(CATALOGUE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def regions() -> dict[str, Region]:
    """Return the region catalogue, keyed by code.

    Returns
    -------
    dict of str to Region
        Codes are strings (``"370102"``), never integers.
    """
    out = {}
    for row in _read_catalogue("regions.csv"):
        aliases = tuple(a for a in row["aliases"].split("|") if a)
        out[row["code"]] = Region(
            row["code"], row["name_zh"], row["name_en"], row["level"], row["parent"], aliases
        )
    return out


@cache
def indicators() -> dict[str, Indicator]:
    """Return the bilingual indicator catalogue, keyed by code.

    Returns
    -------
    dict of str to Indicator
    """
    out = {}
    for row in _read_catalogue("indicators.csv"):
        aliases = tuple(a for a in row["aliases"].split("|") if a)
        out[row["code"]] = Indicator(
            row["code"], row["name_zh"], row["name_en"], row["unit"], row["kind"], aliases
        )
    return out
