"""Layout ``columns``: one period column and one column per series (the ``national_*`` files).

Each series column is described by the ``series`` option. Options: ``period_column``
(default the first column), ``freq`` (``"Q"`` turns ``2020-03`` into ``2020Q1``),
``series`` ({column: {indicator, measure, unit, price_basis[, status, note]}}),
``region`` (default China).

The layout is never certain from the content alone: detection falls back on it when
no other layout fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import DataFormatError, ParameterError, UnitError
from lixia_econ.io._common import (
    YTD_MEASURE,
    Grid,
    Observations,
    Source,
    Stored,
    check_header,
    check_widths,
    need_rows,
    parse_at,
    split_caveats,
    target_unit,
    ytd_note,
)
from lixia_econ.io._registry import Reader, register
from lixia_econ.periods import freq_code, parse_period, period_to_str
from lixia_econ.schema import MEASURES, PRICE_BASES, STATUSES, indicators, resolve_region
from lixia_econ.units import parse_number, parse_unit

__all__ = ["READER", "read_columns"]

_SERIES_KEYS = ("indicator", "measure", "unit", "price_basis")
_FALLBACK = 0.1


@dataclass(frozen=True)
class _Series:
    """A value column: where it is and how its values are stored."""

    index: int
    column: str
    stored: Stored


def _check_series(col: str, spec: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ParameterError(f"series[{col!r}] must be a dict with keys {list(_SERIES_KEYS)}")
    missing = [k for k in _SERIES_KEYS if k not in spec]
    extra = [k for k in spec if k not in (*_SERIES_KEYS, "status", "note")]
    if missing or extra:
        raise ParameterError(
            f"series[{col!r}] needs keys {list(_SERIES_KEYS)} (optional status, note); "
            f"missing {missing}, unexpected {extra}"
        )
    if spec["indicator"] not in indicators():
        raise ParameterError(
            f"series[{col!r}]: indicator {spec['indicator']!r} is not in the catalogue; "
            f"known: {sorted(indicators())}"
        )
    check_choice(f"series[{col!r}]['measure']", spec["measure"], MEASURES)
    check_choice(f"series[{col!r}]['price_basis']", spec["price_basis"], PRICE_BASES)
    check_choice(f"series[{col!r}]['status']", spec.get("status", "published"), STATUSES)
    try:
        parse_unit(spec["unit"])
    except UnitError as exc:
        raise ParameterError(f"series[{col!r}]: {exc}") from None
    return spec


def _value_columns(
    grid: Grid, pcol: str, series: dict[str, dict[str, Any]] | None, path: Path
) -> list[_Series]:
    """Check the ``series`` option against the header; return the value columns."""
    header = grid.rows[0]
    if series is None:
        raise ParameterError(
            "layout 'columns' needs series={column: {indicator, measure, unit, price_basis}} "
            f"for the value columns {[h for h in header if h != pcol]}"
        )
    specs = {col: _check_series(col, spec) for col, spec in series.items()}
    absent = [c for c in specs if c not in header]
    if absent:
        raise DataFormatError(
            f"series column(s) {absent} not in the header {header}",
            path=path,
            row=grid.lines[0],
            column=absent[0],
        )
    out = []
    for col, spec in specs.items():
        unit = parse_unit(spec["unit"])
        out_unit = target_unit(spec["indicator"], unit.family)
        factor = unit.multiplier / parse_unit(out_unit).multiplier
        status, note = spec.get("status", "published"), spec.get("note", "")
        stored = Stored(spec["indicator"], spec["measure"], out_unit, spec["price_basis"],
                        factor, status=status, note=note)  # fmt: skip
        out.append(_Series(header.index(col), col, stored))
    return out


def _to_freq(p: pd.Period, freq: str | None, label: str, *, path: Path, row: int, column: Any):
    """Return ``p`` at frequency ``freq``: a quarter's or year's last month stands for it."""
    if freq is None:
        return p
    want, have = freq_code(freq), freq_code(p)
    if have == want:
        return p
    ok = (have == "M" and want == "Q" and p.month % 3 == 0) or (
        want == "A" and ((have == "M" and p.month == 12) or (have == "Q" and p.quarter == 4))
    )
    if not ok:
        raise DataFormatError(
            f"period {period_to_str(p)} is not the last month or quarter of a "
            f"{ {'Q': 'quarter', 'A': 'year', 'M': 'month'}[want] } (freq={freq!r})",
            path=path,
            row=row,
            column=column,
            value=label,
        )
    return p.asfreq("Q" if want == "Q" else "Y")


def _year_to_date(stored: Stored, label: str, p: pd.Period) -> Stored:
    """Return how a value is stored when its period label is a range from January."""
    note = "; ".join(x for x in (stored.note, ytd_note(label, p)) if x)
    return replace(stored, measure=YTD_MEASURE.get(stored.measure, stored.measure), note=note)


def read_columns(
    source: Source,
    obs: Observations,
    *,
    period_column: str | None = None,
    freq: str | None = None,
    series: dict[str, dict[str, Any]] | None = None,
    region: str = "000000",
) -> None:
    """Read a period column and one column per series into ``obs`` (see the module docstring)."""
    path = obs.path
    grid, obs.caveats = split_caveats(source.grid, 1)
    region = resolve_region(region)
    if freq is not None:
        check_choice("freq", freq, ("A", "Y", "Q", "M"))
    need_rows(grid, path)
    check_header(grid, path)
    check_widths(grid, path, obs.caveats)
    header = grid.rows[0]
    pcol = period_column if period_column is not None else header[0]
    if pcol not in header:
        raise DataFormatError(
            f"no period column {pcol!r}; the header has {header}",
            path=path,
            row=grid.lines[0],
            column=pcol,
        )
    pi = header.index(pcol)
    columns = _value_columns(grid, pcol, series, path)
    cache: dict[str, tuple[pd.Period, bool]] = {}
    for cells, lineno in zip(grid.rows[1:], grid.lines[1:], strict=True):
        label = cells[pi] if pi < len(cells) else ""
        if label not in cache:
            p, ytd = parse_at(parse_period, str(label), path=path, row=lineno, column=pcol)
            cache[label] = (_to_freq(p, freq, label, path=path, row=lineno, column=pcol), ytd)
        p, ytd = cache[label]
        for c in columns:
            cell = cells[c.index] if c.index < len(cells) else ""
            v = parse_at(parse_number, cell, path=path, row=lineno, column=c.column)
            stored = _year_to_date(c.stored, label, p) if ytd else c.stored
            obs.add(stored, region=region, period=p, value=v, line=lineno, column=c.column)


READER = register(
    Reader(
        name="columns",
        options=("period_column", "freq", "series", "region"),
        detect=lambda _source: _FALLBACK,
        read=read_columns,
    )
)
