"""Layout ``wide``: bulletin tables, indicators as rows and periods as columns.

Or transposed, periods as rows (``orientation="columns"``). The unit is in the
indicator name (``社会消费品零售总额（亿元）``), in a ``单位``/``unit`` column or in the
column header; growth columns or rows are recognised by their words (``增长（%）``,
``比上年同期增长(%)``).

Bulletins as published: title lines above the header are skipped (the header is the
first row with period labels in most of its cells); a ``单位：亿元`` line there gives the
unit of rows without one; footnote, note and source lines are the file's caveats; a
label without a year (``1-6月``) takes the year of the column before it; year-to-date
columns that all end a quarter make a quarterly table (``一季度`` and ``全年`` are then
the first and fourth quarters' year-to-date values).

Options: ``region`` (required), ``orientation`` (``"rows"``, the default, or
``"columns"``), ``header_rows`` (default 1; for xlsx, taken from the merged header
cells), ``period`` (for columns whose header is not a period, e.g. ``绝对额（亿元）``),
``price_basis``, ``aliases``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import DataFormatError, ParameterError, UnitError
from lixia_econ.io._common import (
    GROWTH_WORDS,
    NA_BASIS,
    Grid,
    Observations,
    Source,
    Stored,
    cell_text,
    check_widths,
    fold_text,
    growth_basis,
    indicator_code,
    parse_at,
    split_caveats,
    target_unit,
    ytd_note,
)
from lixia_econ.io._registry import Reader, register
from lixia_econ.periods import freq_code, parse_period
from lixia_econ.schema import (
    PRICE_BASES,
    indicators,
    lookup_indicator,
    normalise_name,
    resolve_region,
)
from lixia_econ.units import parse_number, parse_unit, unit_from_label

__all__ = ["READER", "read_wide"]

_GROWTH_HEADER = re.compile(r"增长|增速|增幅|同比|growth|change|±", re.IGNORECASE)
_UNIT_HEADER = {normalise_name(h) for h in ("单位", "unit", "units", "计量单位")}
_DETECTED = 0.5


_UNIT_LINE = re.compile(r"^(?:计量)?单位\s*[:：]\s*(?P<unit>\S.*)$")
#: How many rows from the top are searched for the header (title lines above it).
_SCAN = 20


def _try_period(text: str, year: int | None = None) -> tuple[pd.Period, bool] | None:
    """Return the period a label names (``year`` for labels without one), or None."""
    try:
        return parse_period(text, year=year)
    except DataFormatError:
        return None


def _period_share(cells: list[Any]) -> tuple[int, int]:
    """Return (period labels, cells that could be one) among a header row's cells.

    Growth and unit headers (``增长（%）``, ``单位``) count as neither; a label without a
    year (``1-6月``) takes the year of the label before it.
    """
    found = total = 0
    year = None
    for h in cells:
        text = unit_from_label(cell_text(h))[0]
        if not text or _GROWTH_HEADER.search(text) or normalise_name(text) in _UNIT_HEADER:
            continue
        total += 1
        parsed = _try_period(text, year)
        if parsed is not None:
            found += 1
            year = parsed[0].year
    return found, total


def _header_start(grid: Grid, header_rows: int, orientation: str) -> int:
    """Return the index of the header's first row; title lines above it are skipped.

    The header is the first row with period labels in most of its cells (after the
    first); without one (``period=`` given, periods as rows, a header of several rows)
    it is the first row with more than one cell filled.
    """
    fallback = None
    for i, cells in enumerate(grid.rows[:_SCAN]):
        rest = [t for c in cells[1:] if (t := cell_text(c))]
        if not rest or all(_UNIT_LINE.match(t) for t in rest):
            continue  # a title line, or a title with its 单位 line
        if fallback is None:
            fallback = i
            if header_rows > 1 or orientation == "columns":
                return i
        found, total = _period_share(cells[1:])
        if found and 2 * found > total:
            return i
    return fallback if fallback is not None else 0


def _detect(source: Source) -> float:
    """Score period labels across the header row (title lines above it skipped)."""
    grid = source.grid
    if not grid.rows:
        return 0.0
    start = _header_start(grid, max(source.header_rows or 1, 1), "rows")
    for row in grid.rows[start : start + max(source.header_rows or 1, 1)]:
        if _period_share(row[1:])[0]:
            return _DETECTED
    return 0.0


@dataclass(frozen=True)
class _Preamble:
    """What the lines above the header say: the title(s) and a ``单位：亿元`` unit."""

    titles: tuple[str, ...]
    unit: str


def _preamble(grid: Grid, start: int) -> _Preamble:
    titles, unit = [], ""
    for cells in grid.rows[:start]:
        texts = [cell_text(c) for c in cells if cell_text(c)]
        for t in texts:
            m = _UNIT_LINE.match(t)
            if m and not unit:
                unit = m.group("unit").strip()
        titles.extend(t for t in texts if not _UNIT_LINE.match(t))
    return _Preamble(tuple(titles), unit)


# ---------------------------------------------------------------------------
# the table's shape


@dataclass
class _Table:
    """The cells (indicators as rows), each cell's line, and where the header ends."""

    rows: list[list[Any]]
    cell_lines: list[list[int]]
    header_rows: int
    header_line: int
    first_line: int
    oriented_rows: bool

    def row_line(self, r: int) -> int:
        """Return the line of a row label (periods-as-rows tables: the first line)."""
        return self.cell_lines[r][0] if self.oriented_rows else self.first_line


def _table(grid: Grid, orientation: str, header_rows: int, path: Path) -> _Table:
    """Pad the rows to one width; transpose a periods-as-rows table; keep each cell's line."""
    rows, lines = grid.rows, grid.lines
    if not rows:
        raise DataFormatError("the file is empty", path=path)
    width = max(len(r) for r in rows)
    rows = [[*r, *[""] * (width - len(r))] for r in rows]
    cell_lines = [[ln] * width for ln in lines]
    if orientation == "columns":
        rows = [list(x) for x in zip(*rows, strict=True)]
        cell_lines = [list(x) for x in zip(*cell_lines, strict=True)]
    if len(rows) <= header_rows:
        raise DataFormatError("the file has a header row but no data rows", path=path, row=lines[0])
    header_line = lines[header_rows - 1] if orientation == "rows" else lines[0]
    return _Table(rows, cell_lines, header_rows, header_line, lines[0], orientation == "rows")


@dataclass(frozen=True)
class _Column:
    """A value column: its position, header as shown, period and whether it holds growth."""

    index: int
    shown: str
    period: pd.Period
    ytd: bool
    growth: bool
    unit_text: str | None
    ytd_label: str


def _columns(
    table: _Table, period: str | None, path: Path
) -> tuple[list[_Column], int | None, str]:
    """Classify the value columns; return them, the unit column and the last header text."""
    heads = table.rows[: table.header_rows]
    ncol = len(table.rows[0])
    col_heads = [[cell_text(h[j]) for h in heads] for j in range(ncol)]
    unit_col = next(
        (j for j in range(1, ncol) if any(normalise_name(t) in _UNIT_HEADER for t in col_heads[j])),
        None,
    )
    columns: list[_Column] = []
    last: tuple[pd.Period, bool, str] | None = None
    for j in range(1, ncol):
        texts = [t for t in col_heads[j] if t]
        if j == unit_col or not texts:
            continue
        shown = " / ".join(dict.fromkeys(texts))
        growth = any(_GROWTH_HEADER.search(t) for t in texts)
        year = last[0].year if last is not None else None
        found = _column_period(texts, j + 1, growth, last, period, table.header_line, path, year)
        last = found
        unit_text = next((u for t in texts if (u := unit_from_label(t)[1])), None)
        columns.append(_Column(j, shown, found[0], found[1], growth, unit_text, found[2]))
    return _quarterly_ytd(columns), unit_col, cell_text(heads[-1][0])


def _quarterly_ytd(columns: list[_Column]) -> list[_Column]:
    """Make a table whose year-to-date columns all end a quarter quarterly.

    ``2020年1-3月 … 1-12月`` are quarterly year-to-date values (``2020Q1`` …
    ``2020Q4``), not monthly ones with gaps; in such a table ``一季度`` is the first
    quarter's year-to-date value and ``全年`` the fourth quarter's. A table with a
    year-to-date column ending another month (``1-2月``, ``1-4月``) stays monthly.
    """
    ytd = [c for c in columns if c.ytd]
    if not ytd or any(freq_code(c.period) == "M" and c.period.month % 3 for c in ytd):
        return columns
    if not any(freq_code(c.period) in ("M", "Q") for c in ytd):
        return columns
    out = []
    for c in columns:
        fq = freq_code(c.period)
        if fq == "M" and c.ytd:
            c = replace(
                c, period=pd.Period(year=c.period.year, quarter=c.period.month // 3, freq="Q")
            )
        elif fq == "Q" and not c.ytd and c.period.quarter == 1:
            c = replace(c, ytd=True, ytd_label=c.ytd_label or c.shown)
        elif fq == "A" and "全年" in c.ytd_label:
            c = replace(c, period=pd.Period(year=c.period.year, quarter=4, freq="Q"), ytd=True)
        out.append(c)
    return out


def _column_period(
    texts: list[str],
    position: int,
    growth: bool,
    last: tuple[pd.Period, bool, str] | None,
    period: str | None,
    header_line: int,
    path: Path,
    year: int | None = None,
) -> tuple[pd.Period, bool, str]:
    """Return a column's period: its header's (the last that parses), ``period=``, or growth's.

    A growth column without a period of its own belongs to the period column before it;
    a label without a year (``1-6月``, ``上半年``) takes ``year``, the previous column's.
    """
    shown = " / ".join(dict.fromkeys(texts))
    found = None
    for t in texts:
        clean = unit_from_label(t)[0]
        parsed = _try_period(clean, year)
        if parsed is not None:
            found = (parsed[0], parsed[1], clean)
    if found is not None:
        return found
    if period is not None:
        p, ytd = parse_at(parse_period, period, path=path, row=header_line, column=shown)
        return p, ytd, period
    if growth and last is not None:
        return last
    raise DataFormatError(
        "column header is not a period label and no period= was given",
        path=path,
        row=header_line,
        column=position,
        value=shown,
    )


# ---------------------------------------------------------------------------
# rows


@dataclass(frozen=True)
class _RowInfo:
    """What a row label says: indicator, whether a growth row, its unit."""

    label: str
    indicator: str
    growth: bool
    real: bool
    unit_text: str


def _row_info(
    label: str,
    row_unit: str,
    previous: _RowInfo | None,
    aliases: dict[str, str] | None,
    where: dict[str, Any],
) -> _RowInfo:
    """Read a row label; a growth row without an indicator of its own is the row above's."""
    clean, label_unit = unit_from_label(label)
    row_unit = row_unit or label_unit or ""
    growth = _GROWTH_HEADER.search(clean) is not None and lookup_indicator(clean, aliases) is None
    if not growth:
        code = indicator_code(clean, aliases, value=label, **where)
        return _RowInfo(label, code, False, False, row_unit)
    stripped = GROWTH_WORDS.sub("", fold_text(clean)).strip()
    code = lookup_indicator(stripped, aliases) if stripped else None
    if code is None:
        if previous is None:
            raise DataFormatError(
                "a growth row with no indicator row above it", value=label, **where
            )
        code = previous.indicator
    real = "实际" in clean or "real" in clean.lower()
    return _RowInfo(label, code, True, real, row_unit)


def _growth_cell(
    row: _RowInfo, col: _Column, utext: str, price_basis: str | None, where: dict[str, Any]
) -> Stored:
    utext = utext or "%"
    unit = parse_at(parse_unit, utext, **where)
    if unit.family != "percent":
        raise UnitError(
            f"a growth rate must be in percent, got {unit.family}", value=utext, **where
        )
    measure = "ytd_yoy_pct" if col.ytd else "yoy_pct"
    basis = price_basis or growth_basis(row.indicator, row.real)
    return Stored(row.indicator, measure, "percent", basis, note=_note(col))


def _level_cell(
    row: _RowInfo, col: _Column, utext: str, price_basis: str | None, where: dict[str, Any]
) -> Stored:
    code = row.indicator
    if not utext:
        raise UnitError(
            "no unit for this value: expected it in the indicator name "
            "(社会消费品零售总额（亿元）), a 单位/unit column or the column header",
            value=row.label,
            **where,
        )
    unit = parse_at(parse_unit, utext, **where)
    cat_family = parse_unit(indicators()[code].unit).family
    if unit.family != cat_family:
        raise UnitError(
            f"a level of {code} must be in {cat_family}, got {unit.family}", value=utext, **where
        )
    if unit.family == "index":
        measure = "index"
    elif code == "cpi":
        measure = "ytd_yoy_pct" if col.ytd else "yoy_pct"
    else:
        measure = "ytd_level" if col.ytd else "level"
    out_unit = target_unit(code, unit.family)
    factor = unit.multiplier / parse_unit(out_unit).multiplier
    basis = price_basis or ("na" if code in NA_BASIS else "current")
    return Stored(code, measure, out_unit, basis, factor, note=_note(col))


def _note(col: _Column) -> str:
    return ytd_note(col.ytd_label, col.period) if col.ytd and col.ytd_label else ""


def _add_row(
    obs: Observations,
    cells: list[Any],
    lines: list[int],
    row: _RowInfo,
    columns: list[_Column],
    region: str,
    price_basis: str | None,
    default_unit: str = "",
) -> None:
    """Add a row's values, one per value column (``default_unit``: a ``单位：`` line's)."""
    for col in columns:
        where = {"path": obs.path, "row": lines[col.index], "column": col.shown}
        v = parse_at(parse_number, cells[col.index], **where)
        if v != v:
            obs.missing += 1
            continue
        stored = _cell_stored(row, col, price_basis, default_unit, where)
        obs.add(
            stored, region=region, period=col.period, value=v, line=where["row"], column=col.shown
        )


#: How a cell is stored, by what decides it, kept across files: a county build reads the
#: same table of indicators and periods in every bulletin (errors are not kept).
_STORED: dict[tuple[Any, ...], Stored] = {}
_STORED_KEPT = 100_000


def _cell_stored(
    row: _RowInfo, col: _Column, price_basis: str | None, default_unit: str, where: dict[str, Any]
) -> Stored:
    """Return :func:`_growth_cell` or :func:`_level_cell` of a cell, once per distinct kind."""
    growth = row.growth or col.growth
    if growth:
        utext = (col.unit_text if col.growth else (row.unit_text or col.unit_text)) or ""
    else:
        utext = row.unit_text or col.unit_text or default_unit
    key = (growth, row.indicator, row.real, utext, price_basis, col.period, col.ytd, col.ytd_label)
    if key not in _STORED:
        stored = (_growth_cell if growth else _level_cell)(row, col, utext, price_basis, where)
        if len(_STORED) > _STORED_KEPT:
            _STORED.clear()
        _STORED[key] = stored
    return _STORED[key]


def read_wide(
    source: Source,
    obs: Observations,
    *,
    region: str | None = None,
    orientation: Literal["rows", "columns"] = "rows",
    header_rows: int = 1,
    period: str | None = None,
    price_basis: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """Read a bulletin table into ``obs`` (see the module docstring)."""
    path = obs.path
    check_choice("orientation", orientation, ("rows", "columns"))
    if region is None:
        raise ParameterError(
            "a wide bulletin table does not say which region it is about; pass region= "
            "(a code or name of the region catalogue, e.g. '370102' or '历下区')"
        )
    region = resolve_region(region)
    if price_basis is not None:
        check_choice("price_basis", price_basis, PRICE_BASES)
    start = _header_start(source.grid, header_rows, orientation)
    preamble = _preamble(source.grid, start)
    obs.titles = list(preamble.titles)
    body = Grid(
        source.grid.rows[start:],
        source.grid.lines[start:],
        source.grid.sheet,
        source.grid.ends_mid_row,
    )
    body, obs.caveats = split_caveats(body, header_rows)
    if body.rows:
        deepest = max(range(min(header_rows, len(body.rows))), key=lambda i: len(body.rows[i]))
        check_widths(body, path, obs.caveats, deepest if orientation == "rows" else 0)
    table = _table(body, orientation, header_rows, path)
    columns, unit_col, corner = _columns(table, period, path)
    previous: _RowInfo | None = None
    for r in range(table.header_rows, len(table.rows)):
        cells = table.rows[r]
        label = cell_text(cells[0])
        if not label:
            continue
        row_unit = cell_text(cells[unit_col]) if unit_col is not None else ""
        where = {"path": path, "row": table.row_line(r), "column": corner or 1}
        row = _row_info(label, row_unit, previous, aliases, where)
        if not row.growth:
            previous = row
        _add_row(obs, cells, table.cell_lines[r], row, columns, region, price_basis, preamble.unit)


READER = register(
    Reader(
        name="wide",
        options=("region", "orientation", "header_rows", "period", "price_basis", "aliases"),
        detect=_detect,
        read=read_wide,
    )
)
