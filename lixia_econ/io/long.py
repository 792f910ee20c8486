"""Layout ``long``: one observation per row.

Columns: region, indicator, period, value, unit (units and periods as printed),
optional note, source_url, period_type, price_basis, measure, status; each known by
several header names (``地区``, ``指标名称``, ``时间``, ``数值``, ``单位`` ...).

Footnote, note and source lines under the table (``注：``, ``数据来源：``) are kept as
the file's caveats (:func:`~lixia_econ.io._common.split_caveats`), not read as rows.
Year-to-date monthly values of a series whose months all end a quarter
(``2020年1-3月``, ``2020年1-6月`` …) are quarterly year-to-date values.
A ``trust`` column (how close the page is to the publisher) is kept in each row's
note as ``trust: ...``; ``source_url`` in its source (``file | url``).

Options: ``region`` (used when the file has no region column), ``within`` (a region
code settling names several regions share: ``市中区`` within ``370100`` is Jinan's),
``aliases`` ({indicator name: code}).
"""

from __future__ import annotations

import csv
import io as _io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import DataFormatError, ParameterError, PeriodError, UnitError
from lixia_econ.io._common import (
    CAVEAT_WORDS,
    GROWTH_WORDS,
    NA_BASIS,
    Grid,
    Observations,
    Source,
    Stored,
    cell_text,
    check_header,
    check_widths,
    delimiter_of,
    fold_text,
    growth_basis,
    indicator_code,
    need_rows,
    scale,
    split_caveats,
    target_unit,
)
from lixia_econ.io._registry import Reader, register
from lixia_econ.periods import freq_code, parse_period, period_to_str
from lixia_econ.schema import (
    MEASURES,
    PRICE_BASES,
    STATUSES,
    indicators,
    lookup_indicator,
    normalise_name,
    resolve_region,
)
from lixia_econ.units import CANONICAL, Unit, parse_number, parse_unit, unit_from_label

__all__ = ["READER", "read_long"]

_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "region": ("region", "geography", "geo", "region_code", "地区", "区域", "地区名称"),
    "indicator": ("indicator", "指标", "指标名称", "item"),
    "period": ("period", "period_label", "时间", "期间", "时期", "date"),
    "value": ("value", "数值", "值", "obs_value"),
    "unit": ("unit", "单位", "units"),
    "note": ("note", "notes", "备注", "说明"),
    "source_url": ("source_url", "url", "来源", "source"),
    "period_type": ("period_type", "期别", "统计口径"),
    "trust": ("trust", "可信度"),
    "price_basis": ("price_basis",),
    "measure": ("measure",),
    "status": ("status",),
}
#: The cells that decide an observation's spec (indicator, measure, unit ...), in order.
_SPEC_ROLES = ("indicator", "unit", "period", "period_type", "price_basis", "measure", "status")
#: The other cells of a row: its value, note, page and how far the page is trusted.
_OTHER_ROLES = ("value", "note", "source_url", "trust")
_TARGET_WORDS = re.compile(r"\s*\b(?:target)\b\s*|\s*(?:预期)?目标\s*", re.IGNORECASE)
_SHARE_WORDS = re.compile(r"\s*(?:share of .*total|占.*(?:比重|比例))$", re.IGNORECASE)
_YTD_TYPES = ("ytd", "year to date", "year-to-date", "cumulative", "累计")
_DETECTED = 0.9


def _column_roles(header: Sequence[str]) -> dict[str, int]:
    """Return the position of each known column role (region, indicator ...) in a header."""
    found: dict[str, int] = {}
    normed = [normalise_name(h) for h in header]
    for role, names in _COLUMN_NAMES.items():
        keys = {normalise_name(n) for n in names}
        for i, h in enumerate(normed):
            if h in keys and role not in found:
                found[role] = i
                break
    return found


def _detect(source: Source) -> float:
    """Score a header with indicator, period and value columns."""
    if not source.grid.rows:
        return 0.0
    cols = _column_roles([cell_text(h) for h in source.grid.rows[0]])
    return _DETECTED if {"indicator", "period", "value"} <= set(cols) else 0.0


# ---------------------------------------------------------------------------
# what one row's text says


@dataclass(frozen=True)
class _Spec:
    """What a row's text cells say: how its value is stored, and its period."""

    stored: Stored
    period: pd.Period


def _parse_indicator_text(text: str, aliases: dict[str, str] | None) -> tuple[str, str, bool]:
    """Split indicator text into (code, kind, real); kind is level, growth, share or target."""
    code = lookup_indicator(text, aliases)
    if code is not None:
        return code, "level", False
    stem = fold_text(text)
    target = False
    if _TARGET_WORDS.search(stem):
        target = True
        stem = _TARGET_WORDS.sub(" ", stem).strip()
    kind, real = "level", False
    if m := _SHARE_WORDS.search(stem):
        kind, stem = "share", stem[: m.start()].strip()
    elif m := GROWTH_WORDS.search(stem):
        kind = "growth"
        real = bool(m.group("real") or m.group("cnreal"))
        stem = stem[: m.start()].strip()
    if target:
        kind = "target"
    code = lookup_indicator(stem, aliases)
    if code is None:
        indicator_code(text, aliases)  # raises, naming the nearest catalogue entries
    assert code is not None
    return code, kind, real


def _default_measure(kind: str, code: str, unit: Unit, ytd: bool) -> str:
    """Return the measure of a value whose row does not give one."""
    cat_unit = indicators()[code].unit
    cat_family = parse_unit(cat_unit).family if cat_unit else None
    if kind == "target":
        return "target_yoy_pct"
    if kind == "share":
        return "share_pct"
    if kind == "growth" or (code == "cpi" and unit.family == "percent"):
        return "ytd_yoy_pct" if ytd else "yoy_pct"
    if cat_family == "index" and unit.family == "index":
        return "index"
    return "ytd_level" if ytd else "level"


def _stored_unit(measure: str, code: str, unit: Unit, unit_text: str) -> str:
    """Return the unit a ``measure`` value is stored in; raise if the printed unit cannot be."""
    if measure.endswith("_pct"):
        if unit.family != "percent":
            raise UnitError(
                f"a {measure} value must be in percent, got {unit.family}", value=unit_text
            )
        return "percent"
    if measure in ("level", "ytd_level"):
        cat_unit = indicators()[code].unit
        cat_family = parse_unit(cat_unit).family if cat_unit else None
        if cat_family is not None and unit.family != cat_family:
            raise UnitError(
                f"a level of {code} must be in {cat_family} (e.g. {cat_unit}), got {unit.family}",
                value=unit_text,
            )
        return target_unit(code, unit.family)
    return CANONICAL[unit.family]


def _price_basis(basis: str, measure: str, code: str, real: bool) -> str:
    if basis:
        return check_choice("price_basis", basis, PRICE_BASES)
    if measure == "share_pct" or code in NA_BASIS or measure == "index":
        return "na"
    if measure.endswith("_pct"):
        return growth_basis(code, real)
    return "current"


def _long_spec(
    ind_text: str,
    unit_text: str,
    period_label: str,
    period_type: str,
    basis: str,
    measure: str,
    status: str,
    aliases: dict[str, str] | None,
) -> _Spec:
    """Read what a row's text cells say (the arguments follow :data:`_SPEC_ROLES`)."""
    p, ytd = parse_period(period_label)
    ptype = fold_text(period_type)
    ytd = ytd or ptype in _YTD_TYPES or ptype.startswith("ytd")
    code, kind, real = _parse_indicator_text(ind_text, aliases)
    unit_text = unit_text or unit_from_label(ind_text)[1] or ""
    if not unit_text:
        raise UnitError("no unit given (unit column empty, none in the indicator name)", value="")
    unit = parse_unit(unit_text)
    if "target" in ptype:
        kind = "target" if kind in ("growth", "target") else kind
    if measure:
        check_choice("measure", measure, MEASURES)
    else:
        measure = _default_measure(kind, code, unit, ytd)
    out_unit = _stored_unit(measure, code, unit, unit_text)
    factor = unit.multiplier / parse_unit(out_unit).multiplier
    basis = _price_basis(basis, measure, code, real)
    if status:
        check_choice("status", status, STATUSES)
    else:
        status = "target" if measure.startswith("target") else "published"
    note = (
        f"share of the year-to-date value ({period_label})"
        if measure == "share_pct" and ytd
        else ""
    )
    return _Spec(Stored(code, measure, out_unit, basis, factor, status=status, note=note), p)


# ---------------------------------------------------------------------------
# the table


class _Rows:
    """The columns of a long table, with caches of what each distinct text means."""

    def __init__(
        self,
        grid: Grid,
        path: Path,
        region: str | None,
        aliases: dict[str, str] | None,
        within: str | None = None,
    ):
        header = grid.rows[0]
        self.cols = _column_roles(header)
        need = ["indicator", "period", "value", *([] if region is not None else ["region"])]
        if "unit" not in self.cols:
            need.append("unit")
        missing = [r for r in need if r not in self.cols]
        if missing:
            examples = [_COLUMN_NAMES[m][0] for m in missing]
            raise DataFormatError(
                f"long layout needs columns {missing} (e.g. {examples}); the header has {header}",
                path=path,
                row=grid.lines[0],
            )
        self.path, self.aliases = path, aliases
        self.name = {role: header[i] for role, i in self.cols.items()}
        self.within = resolve_region(within) if within is not None else None
        given = resolve_region(region, within=self.within) if region is not None else None
        self.fixed_region = given if "region" not in self.cols else None
        self._regions: dict[str, str] = {}
        self._specs: dict[tuple[str, ...], _Spec] = {}

    def cell(self, cells: list[str], role: str) -> str:
        i = self.cols.get(role)
        return cells[i] if i is not None and i < len(cells) else ""

    def region(self, cells: list[str], lineno: int) -> str:
        """Return the row's region code (the ``region`` option when the file has no column)."""
        if self.fixed_region is not None:
            return self.fixed_region
        text = self.cell(cells, "region")
        if text not in self._regions:
            try:
                self._regions[text] = resolve_region(text, within=self.within)
            except ParameterError as exc:
                raise DataFormatError(
                    f"unknown region: {exc}",
                    path=self.path,
                    row=lineno,
                    column=self.name["region"],
                    value=text,
                ) from None
        return self._regions[text]

    def spec(self, cells: list[str], lineno: int) -> _Spec:
        """Return what the row's text cells say; errors name the row and the column at fault."""
        key = tuple(self.cell(cells, r) for r in _SPEC_ROLES)
        if key not in self._specs:
            try:
                self._specs[key] = _long_spec(*key, self.aliases)
            except DataFormatError as exc:
                column = self.name.get("indicator")
                if isinstance(exc, PeriodError):
                    column = self.name.get("period")
                elif isinstance(exc, UnitError):
                    column = self.name.get("unit", column)
                raise exc.located(path=self.path, row=lineno, column=column) from None
            except ParameterError as exc:
                raise DataFormatError(str(exc), path=self.path, row=lineno) from None
        return self._specs[key]


@dataclass(frozen=True)
class _Body:
    """The table under its header: each role's cells as arrays, and one row's cells."""

    header: Grid
    lines: np.ndarray
    column: Callable[[int | None], pd.Series]
    cells: Callable[[int], list[str]]


def _grid_body(grid: Grid) -> _Body:
    """Return the body of a grid read row by row (:func:`csv_grid`, or a workbook)."""
    rows = grid.rows[1:]

    def column(i: int | None) -> pd.Series:
        out = np.empty(len(rows), dtype=object)
        out[:] = [r[i] if i is not None and i < len(r) else "" for r in rows]
        return pd.Series(out, dtype=object)

    head = Grid(grid.rows[:1], grid.lines[:1], grid.sheet)
    return _Body(head, np.asarray(grid.lines[1:]), column, rows.__getitem__)


def _fast_body(source: Source) -> _Body | None:
    r"""Return the body read by pandas' C parser, or None where it would differ from the grid.

    It would differ for a file with a quoted line break or ``\r`` line ends (line numbers),
    a row longer than the first one, footnote lines, or no final newline: those files
    are read row by row (:func:`_grid_body`), which also gives the precise errors.
    """
    if not source.is_text or "grid" in vars(source) or not source.text.endswith("\n"):
        return None
    text = source.text
    delimiter = delimiter_of(text)
    try:
        df = pd.read_csv(_io.StringIO(text), sep=delimiter, header=None, dtype=str,
                         na_filter=False, skip_blank_lines=False, engine="c")  # fmt: skip
    except (pd.errors.ParserError, ValueError, csv.Error):
        return None
    if len(df) != text.count("\n") or "\r" in text:
        return None
    df = df.fillna("").apply(lambda c: c.str.strip())  # as csv_grid strips each cell
    keep = (df != "").any(axis=1).to_numpy()
    lines = np.flatnonzero(keep) + 1
    if len(lines) < 2 or lines[0] != 1:
        return None
    header, body = df.iloc[0].tolist(), df[keep].iloc[1:]
    if body[0].str.match(CAVEAT_WORDS).any():
        return None

    # kept as pandas' (Arrow) strings: a million Python str objects per column would
    # triple the memory
    arrays = [body[j].reset_index(drop=True) for j in range(body.shape[1])]

    def column(i: int | None) -> pd.Series:
        if i is None or i >= len(arrays):
            return pd.Series(np.full(len(body), "", dtype=object), dtype=object)
        return arrays[i]

    return _Body(Grid([header], [1]), lines[1:], column, lambda i: [a.iat[i] for a in arrays])


def _distinct(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's code of its key (the arrays' cells together) and each code's first row."""
    codes = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:  # mixed radix of each column's codes, renumbered after each step
        part, uniques = pd.factorize(key)
        codes = pd.factorize(codes * len(uniques) + part)[0]
    firsts = np.unique(codes, return_index=True)[1]
    return codes, firsts


def _per_key(keys: list[np.ndarray], cells, lines, read, errors) -> tuple[np.ndarray, list[Any]]:
    """Call ``read(cells, line)`` once per distinct key; errors go to ``errors`` with their row."""
    codes, firsts = _distinct(keys)
    out: list[Any] = []
    for i in firsts:
        try:
            out.append(read(cells(i), lines[i]))
        except DataFormatError as exc:
            errors.append((int(i), exc))
            out.append(None)
    return codes, out


#: A number as most files print it: parsed by numpy in one go, the rest by parse_number.
_PLAIN = r"[+-]?\d+(?:\.\d*)?"


def _numbers(text: pd.Series, lines, where: dict[str, Any], errors) -> np.ndarray:
    """Parse the value column: plain numbers at once, each other distinct cell once."""
    text = text.astype(str)
    plain = text.str.fullmatch(_PLAIN).to_numpy(dtype=bool)
    values = np.full(len(text), np.nan)
    values[plain] = text[plain].astype("float64").to_numpy()
    rest = np.flatnonzero(~plain | np.isinf(values))
    codes, uniques = pd.factorize(text.iloc[rest].to_numpy(dtype=object))
    for k, cell in enumerate(uniques):
        first = rest[np.flatnonzero(codes == k)[0]]
        try:
            values[rest[codes == k]] = parse_number(cell)
        except DataFormatError as exc:
            errors.append((int(first), exc.located(row=int(lines[first]), **where)))
    return values


def _scaled(values: np.ndarray, text: pd.Series, factor: np.ndarray) -> np.ndarray:
    """Return ``values * factor`` exactly as :func:`scale` does, by groups of one factor.

    A power-of-ten factor applied to a plain printed number is rounded to the decimals
    the exact product has (``263.39`` billion yuan is ``2633.9`` 亿元, not
    ``2633.8999999999996``); any other case goes through :func:`scale`.
    """
    out = values.copy()
    for f in np.unique(factor[factor != 1.0]):
        rows = np.flatnonzero(factor == f)
        m = np.log10(f)
        if m != round(m):
            out[rows] = [scale(v, f) for v in values[rows]]
            continue
        t = text.iloc[rows].astype(str)
        dot = t.str.find(".").to_numpy()
        decimals = np.where(dot >= 0, t.str.len().to_numpy() - dot - 1, 0)
        exact = t.str.fullmatch(_PLAIN).to_numpy(dtype=bool) & (decimals <= 12)
        for d in np.unique(decimals[exact]):
            sel = rows[exact & (decimals == d)]
            out[sel] = np.round(values[sel] * f, max(int(d - round(m)), 0))
        out[rows[~exact]] = [scale(v, f) for v in values[rows[~exact]]]
    return out


def _joined_notes(parts: list[np.ndarray]) -> np.ndarray:
    """Join the non-empty note parts of each row with ``'; '``."""
    n = len(parts[0])
    out = np.full(n, "", dtype=object)
    some = np.zeros(n, dtype=bool)
    for p in parts:
        some |= p != ""
    for i in np.flatnonzero(some):
        out[i] = "; ".join(p[i] for p in parts if p[i])
    return out


def _raise_first(errors: list[tuple[int, DataFormatError]]) -> None:
    """Raise the error of the first bad row, as a row-by-row reader would."""
    if errors:
        raise min(errors, key=lambda e: e[0])[1]


def read_long(
    source: Source,
    obs: Observations,
    *,
    region: str | None = None,
    within: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """Read a long table into ``obs`` (see the module docstring).

    Vectorised: each distinct region, each distinct combination of the text cells
    (indicator, unit, period ...) and each unusual number is read once; errors name the
    first bad row of the file, as a row-by-row reading would.
    """
    tidy = _fast_body(source)
    if tidy is None:
        grid, obs.caveats = split_caveats(source.grid, 1)
        need_rows(grid, obs.path)
        check_widths(grid, obs.path, obs.caveats)
        tidy = _grid_body(grid)
    check_header(tidy.header, obs.path)
    rows = _Rows(tidy.header, obs.path, region, aliases, within)
    lines = tidy.lines
    col = {role: tidy.column(rows.cols.get(role)) for role in (*_SPEC_ROLES, *_OTHER_ROLES)}
    errors: list[tuple[int, DataFormatError]] = []
    if rows.fixed_region is not None:
        reg = np.full(len(lines), rows.fixed_region, dtype=object)
    else:
        rcodes, found = _per_key([tidy.column(rows.cols["region"])], tidy.cells, lines,
                                 rows.region, errors)  # fmt: skip
        reg = np.array(found, dtype=object)[rcodes]
    scodes, specs = _per_key([col[r] for r in _SPEC_ROLES], tidy.cells, lines, rows.spec, errors)
    where = {"path": obs.path, "column": rows.name["value"]}
    values = _numbers(col["value"], lines, where, errors)
    _raise_first(errors)
    keep = ~np.isnan(values)
    obs.missing += int((~keep).sum())
    sc = scodes[keep]
    attr = {a: np.array([getattr(s.stored, a) for s in specs], dtype=object)[sc]
            for a in ("indicator", "measure", "unit", "price_basis", "status", "note")}  # fmt: skip
    factor = np.array([s.stored.factor for s in specs], dtype=float)[sc]
    period = np.array([period_to_str(s.period) for s in specs], dtype=object)[sc]
    trust = col["trust"][keep].to_numpy(dtype=object)
    trust = np.where(trust != "", "trust: " + trust.astype(str), "")
    url = col["source_url"][keep].to_numpy(dtype=object)
    obs.extend(
        {
            **attr,
            "region": reg[keep],
            "freq": np.array([freq_code(s.period) for s in specs], dtype=object)[sc],
            "period": period,
            "value": _scaled(values[keep], col["value"][keep], factor),
            "source": np.where(url != "", f"{obs.source} | " + url.astype(str), obs.source),
            "note": _joined_notes([col["note"][keep].to_numpy(dtype=object), attr["note"], trust]),
        },
        lines=lines[keep],
        column=rows.name["value"],
    )
    obs.quarterly_ytd()


READER = register(
    Reader(name="long", options=("region", "within", "aliases"), detect=_detect, read=read_long)
)
