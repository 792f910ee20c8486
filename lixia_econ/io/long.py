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
from dataclasses import dataclass, replace
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
    distinct_rows,
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
    stored_of: Callable[[tuple[Any, ...]], tuple[Stored, bool]] | None = None,
) -> _Spec:
    """Read what a row's text cells say (the arguments follow :data:`_SPEC_ROLES`).

    ``stored_of`` is :func:`_long_stored` with ``aliases``, taking its arguments as one
    tuple (a memo of it: a file has many periods of few kinds of series).
    """
    p, ytd = parse_period(period_label)
    key = (ind_text, unit_text, period_type, basis, measure, status, ytd)
    stored, ytd = stored_of(key) if stored_of is not None else _long_stored(*key, aliases)
    if stored.measure == "share_pct" and ytd:
        stored = replace(stored, note=f"share of the year-to-date value ({period_label})")
    return _Spec(stored, p)


def _long_stored(
    ind_text: str,
    unit_text: str,
    period_type: str,
    basis: str,
    measure: str,
    status: str,
    ytd: bool,
    aliases: dict[str, str] | None,
) -> tuple[Stored, bool]:
    """Return how a row's value is stored, and whether it is year to date (see :func:`_long_spec`).

    ``ytd`` says whether the period label is a range from January.
    """
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
    return Stored(code, measure, out_unit, basis, factor, status=status), ytd


# ---------------------------------------------------------------------------
# the table


#: What the text cells of a row say, kept across files (without aliases it depends on
#: the cells alone): a county build reads the same few thousand combinations in every file.
_SPECS: dict[tuple[Any, ...], _Spec] = {}
_SPECS_KEPT = 200_000


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
        self._stored: dict[tuple[Any, ...], tuple[Stored, bool]] = {}

    def stored(self, key: tuple[Any, ...]) -> tuple[Stored, bool]:
        """Return :func:`_long_stored` of ``key``, once per distinct key (errors not kept)."""
        if key not in self._stored:
            self._stored[key] = _long_stored(*key, self.aliases)
        return self._stored[key]

    def region(self, key: tuple[Any, ...], lineno: int) -> str:
        """Return the code of a region column's cell (``key`` holds it alone)."""
        (text,) = key
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

    def spec(self, key: tuple[Any, ...], lineno: int) -> _Spec:
        """Return what a row's text cells (of :data:`_SPEC_ROLES`) say.

        Errors name the row and the column at fault.
        """
        if key not in self._specs and self.aliases is None and key in _SPECS:
            self._specs[key] = _SPECS[key]
        if key not in self._specs:
            try:
                self._specs[key] = _long_spec(*key, self.aliases, self.stored)
                if self.aliases is None:
                    if len(_SPECS) > _SPECS_KEPT:
                        _SPECS.clear()
                    _SPECS[key] = self._specs[key]
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
class _Cells:
    """One column of the table: its distinct cells and each row's position among them.

    ``uniques`` holds only cells some row has (in no particular order).
    """

    codes: np.ndarray
    uniques: np.ndarray

    @classmethod
    def of(cls, values: Any) -> _Cells:
        """Factorise a column's cells (an empty cell and a missing one are one: ``""``)."""
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return cls(np.asarray(codes), np.asarray(uniques, dtype=object))

    @classmethod
    def blank(cls, n: int) -> _Cells:
        """Return a column of ``n`` empty cells (a role the file has no column for)."""
        return cls(np.zeros(n, dtype=np.int64), np.array([""], dtype=object))

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: np.ndarray) -> _Cells:
        """Return the cells of ``rows`` only (distinct cells no row has are dropped)."""
        codes = self.codes[rows]
        used = np.bincount(codes, minlength=len(self.uniques)) > 0
        if used.all():
            return _Cells(codes, self.uniques)
        renumber = np.cumsum(used) - 1
        return _Cells(renumber[codes], self.uniques[used])

    def map(self, fn: Callable[[Any], Any]) -> np.ndarray:
        """Return ``fn`` of each distinct cell (an object array, one entry per unique)."""
        return np.array([fn(u) for u in self.uniques], dtype=object)


@dataclass(frozen=True)
class _Body:
    """The table under its header: each column's cells."""

    header: Grid
    lines: np.ndarray
    columns: list[_Cells]

    def column(self, i: int | None) -> _Cells:
        if i is None or i >= len(self.columns):
            return _Cells.blank(len(self.lines))
        return self.columns[i]


def _grid_body(grid: Grid) -> _Body:
    """Return the body of a grid read row by row (:func:`csv_grid`, or a workbook)."""
    rows = grid.rows[1:]
    width = max(len(r) for r in rows)
    columns = []
    for i in range(width):
        out = np.empty(len(rows), dtype=object)
        out[:] = [r[i] if i < len(r) else "" for r in rows]
        columns.append(_Cells.of(out))
    head = Grid(grid.rows[:1], grid.lines[:1], grid.sheet)
    return _Body(head, np.asarray(grid.lines[1:]), columns)


#: Rows pandas parses at a time: each chunk's cells are factorised before the next is
#: read, so a column never exists as one Python string per row.
_CHUNK_ROWS = 1 << 18


#: The characters ``str.strip()`` takes away (``str.isspace``), at either end of a cell.
_SPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}"
    r"\x{202f}\x{205f}\x{3000}"
)
_EDGE_SPACE = f"^[{_SPACE}]|[{_SPACE}]$"


def _stripped(chunks: list[_Cells], padded: np.ndarray | None = None) -> _Cells:
    """Join a column's chunks, each distinct cell stripped as :func:`csv_grid` does.

    ``padded`` (with one chunk) marks the cells that may have space to strip; the others
    are kept as they are.
    """
    cells = np.concatenate([c.uniques for c in chunks])
    if padded is not None and len(chunks) == 1:
        if not padded.any():
            return chunks[0]
        text = cells.copy()
        text[padded] = [u.strip() for u in cells[padded]]
    else:
        text = np.array(["" if u != u else u.strip() for u in cells], dtype=object)
    if len(chunks) == 1 and len(pd.unique(text)) == len(text):  # stripping merged no cells
        return _Cells(chunks[0].codes, text)
    inner, uniques = pd.factorize(text)
    inner = np.asarray(inner, dtype=np.int64)
    offsets = np.cumsum([0, *(len(c.uniques) for c in chunks[:-1])])
    codes = np.concatenate([inner[o + c.codes] for o, c in zip(offsets, chunks, strict=True)])
    return _Cells(codes, np.asarray(uniques, dtype=object))


def _unquoted_columns(text: str, delimiter: str) -> list[_Cells] | None:
    """Return the columns of text without quote characters as Arrow's CSV parser reads them.

    Without quotes a line is its cells split at the delimiter, which Arrow does as pandas
    does, in C++ and without a Python string per cell. None if it refuses (rows of
    different widths, blank lines): pandas' parser then decides.
    """
    import pyarrow as pa
    from pyarrow import compute as pa_compute
    from pyarrow import csv as pa_csv

    if '"' in text:
        return None
    first = text[: text.find("\n")].removesuffix("\r")
    names = [f"c{j}" for j in range(first.count(delimiter) + 1)]
    try:
        table = pa_csv.read_csv(
            _io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.string())),
                strings_can_be_null=False,
            ),
        ).unify_dictionaries()
    except (pa.ArrowInvalid, ValueError):  # UnicodeEncodeError is a ValueError
        return None
    out = []
    for column in table.columns:
        chunks = column.chunks
        if not chunks:
            return None
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
        cells = chunks[0].dictionary
        raw = np.asarray(cells.to_pylist(), dtype=object)
        padded = pa_compute.match_substring_regex(cells, _EDGE_SPACE).to_numpy(zero_copy_only=False)
        out.append(_stripped([_Cells(codes, raw)], padded))
    return out


def _parsed_columns(text: str, delimiter: str) -> list[_Cells] | None:
    """Return the columns of the text as pandas' C parser reads them, or None if it refuses."""
    chunks: list[list[_Cells]] = []
    try:
        reader = pd.read_csv(_io.BytesIO(text.encode("utf-8")), sep=delimiter, header=None,
                             dtype=object, encoding="utf-8", na_filter=False,
                             skip_blank_lines=False, engine="c", chunksize=_CHUNK_ROWS)  # fmt: skip
        with reader:
            for df in reader:
                if chunks and df.shape[1] != len(chunks):
                    return None
                if not chunks:
                    chunks = [[] for _ in range(df.shape[1])]
                for j, part in enumerate(chunks):
                    part.append(_Cells.of(df[j].to_numpy(dtype=object)))
    except (pd.errors.ParserError, ValueError, csv.Error):  # UnicodeEncodeError is a ValueError
        return None
    if not chunks:
        return None
    return [_stripped(part) for part in chunks]


def _fast_body(source: Source) -> _Body | None:
    r"""Return the body read by pandas' C parser, or None where it would differ from the grid.

    It would differ for a file with a quoted line break or ``\r`` line ends other than
    ``\r\n`` (line numbers), a row longer than the first one, footnote lines, or no final
    newline: those files are read row by row (:func:`_grid_body`), which also gives the
    precise errors. Each column is kept as its distinct cells and a code per row.
    """
    if not source.is_text or "grid" in vars(source) or not source.text.endswith("\n"):
        return None
    text = source.text
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    delimiter = delimiter_of(text)
    columns = _unquoted_columns(text, delimiter) or _parsed_columns(text, delimiter)
    if columns is None or len(columns[0]) != text.count("\n"):
        return None
    filled = np.zeros(len(columns[0]), dtype=bool)
    for c in columns:
        filled |= (c.uniques != "")[c.codes]
    keep = np.flatnonzero(filled)
    if len(keep) < 2 or keep[0] != 0:
        return None
    header = [c.uniques[c.codes[0]] for c in columns]
    body = [c.take(keep[1:]) for c in columns]
    if any(CAVEAT_WORDS.match(u) for u in body[0].uniques):
        return None
    return _Body(Grid([header], [1]), keep[1:] + 1, body)


def _per_key(keys: list[_Cells], body: _Body, read, errors) -> tuple[np.ndarray, list[Any]]:
    """Call ``read(key, line)`` once per distinct key (a tuple of the cells of ``keys``).

    Errors go to ``errors`` with their row.
    """
    codes, firsts = distinct_rows([k.codes for k in keys], [len(k.uniques) for k in keys])
    cells = [k.uniques[k.codes[firsts]] for k in keys]
    out: list[Any] = []
    for j, i in enumerate(firsts):
        try:
            out.append(read(tuple(c[j] for c in cells), body.lines[i]))
        except DataFormatError as exc:
            errors.append((int(i), exc))
            out.append(None)
    return codes, out


#: A number as most files print it: parsed by numpy in one go, the rest by parse_number.
_PLAIN = r"[+-]?\d+(?:\.\d*)?"


@dataclass(frozen=True)
class _Numbers:
    """The value column read: each distinct cell's number, and how it was printed."""

    values: np.ndarray  # per distinct cell
    plain: np.ndarray  # printed as _PLAIN (per distinct cell)
    decimals: np.ndarray  # digits after the point (per distinct cell)


def _numbers(cells: _Cells, lines, where: dict[str, Any], errors) -> _Numbers:
    """Parse the value column, each distinct cell once: plain numbers at once, others one by one."""
    text = pd.Series(cells.uniques, dtype=object).astype(str)
    plain = text.str.fullmatch(_PLAIN).to_numpy(dtype=bool)
    values = np.full(len(text), np.nan)
    values[plain] = text[plain].astype("float64").to_numpy()
    rest = np.flatnonzero(~plain | np.isinf(values))
    firsts = None
    for k in rest:
        try:
            values[k] = parse_number(text.iat[k])
        except DataFormatError as exc:
            if firsts is None:
                firsts = np.unique(cells.codes, return_index=True)[1]
            first = int(firsts[k])
            errors.append((first, exc.located(row=int(lines[first]), **where)))
    dot = text.str.find(".").to_numpy()
    decimals = np.where(dot >= 0, text.str.len().to_numpy() - dot - 1, 0)
    return _Numbers(values, plain, decimals)


def _scale_each(values: np.ndarray, f: float) -> np.ndarray:
    """Return :func:`scale` of each value (once per distinct value, ``-0.0`` apart from 0)."""
    bits, inverse = np.unique(values.view(np.int64), return_inverse=True)
    return np.array([scale(v, f) for v in bits.view(np.float64)], dtype=float)[inverse]


def _scaled(values: np.ndarray, exact: np.ndarray, decimals: np.ndarray, factor: np.ndarray):
    """Return ``values * factor`` exactly as :func:`scale` does, by groups of one factor.

    A power-of-ten factor applied to a plain printed number (``exact``: at most 12
    ``decimals``) is rounded to the decimals the exact product has (``263.39`` billion
    yuan is ``2633.9`` 亿元, not ``2633.8999999999996``); any other case goes through
    :func:`scale`.
    """
    out = values.copy()
    for f in np.unique(factor[factor != 1.0]):
        rows = np.flatnonzero(factor == f)
        m = np.log10(f)
        if m != round(m):
            out[rows] = _scale_each(values[rows], f)
            continue
        ex, dec = exact[rows], decimals[rows]
        for d in np.unique(dec[ex]):
            sel = rows[ex & (dec == d)]
            out[sel] = np.round(values[sel] * f, max(int(d - round(m)), 0))
        if (~ex).any():
            out[rows[~ex]] = _scale_each(values[rows[~ex]], f)
    return out


def _categorical(codes: np.ndarray, per_code: np.ndarray) -> pd.Categorical:
    """Return the rows' values ``per_code[codes]`` as a categorical (no per-row objects)."""
    inner, labels = pd.factorize(per_code, use_na_sentinel=False)
    return pd.Categorical.from_codes(inner[codes], categories=pd.Index(labels, dtype=object))


def _joined_notes(parts: list[tuple[np.ndarray, np.ndarray]]) -> pd.Categorical:
    """Join each row's non-empty note parts with ``'; '``; a part is (codes, text per code)."""
    codes, firsts = distinct_rows([c for c, _ in parts])
    joined = np.array(
        ["; ".join(t for t in (text[c[i]] for c, text in parts) if t) for i in firsts],
        dtype=object,
    )
    return _categorical(codes, joined)


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
    (indicator, unit, period ...) and each distinct number is read once; errors name the
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
    if rows.fixed_region is None:
        rcodes, found = _per_key([tidy.column(rows.cols["region"])], tidy, rows.region, errors)
    scodes, specs = _per_key([col[r] for r in _SPEC_ROLES], tidy, rows.spec, errors)
    where = {"path": obs.path, "column": rows.name["value"]}
    number = _numbers(col["value"], lines, where, errors)
    _raise_first(errors)
    values = number.values[col["value"].codes]
    keep = np.flatnonzero(~np.isnan(values))
    obs.missing += len(values) - len(keep)
    sc = scodes[keep]
    stored = [s.stored for s in specs]
    labels = {p: (freq_code(p), period_to_str(p)) for p in {s.period for s in specs}}
    attr = {a: np.array([getattr(s, a) for s in stored], dtype=object)
            for a in ("indicator", "measure", "unit", "price_basis", "status", "note")}  # fmt: skip
    factor = np.array([s.factor for s in stored], dtype=float)[sc]
    vcodes = col["value"].codes[keep]
    exact = (number.plain & (number.decimals <= 12))[vcodes]
    trust, url, note = (col[r].take(keep) for r in ("trust", "source_url", "note"))
    if rows.fixed_region is not None:
        region_col: Any = rows.fixed_region
    else:
        region_col = _categorical(rcodes[keep], np.array(found, dtype=object))
    obs.extend(
        {
            **{a: _categorical(sc, v) for a, v in attr.items() if a != "note"},
            "region": region_col,
            "freq": _categorical(sc, np.array([labels[s.period][0] for s in specs], dtype=object)),
            "period": _categorical(
                sc, np.array([labels[s.period][1] for s in specs], dtype=object)
            ),
            "value": _scaled(values[keep], exact, number.decimals[vcodes], factor),
            "source": _categorical(
                url.codes, url.map(lambda u: f"{obs.source} | {u}" if u != "" else obs.source)
            ),
            "note": _joined_notes(
                [
                    (note.codes, note.uniques),
                    (sc, attr["note"]),
                    (trust.codes, trust.map(lambda t: f"trust: {t}" if t != "" else "")),
                ]
            ),
        },
        lines=lines[keep],
        column=rows.name["value"],
    )
    obs.quarterly_ytd()


READER = register(
    Reader(name="long", options=("region", "within", "aliases"), detect=_detect, read=read_long)
)
