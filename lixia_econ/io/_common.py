"""What every layout reader shares: decoding, the cell grid, the observation collector.

Names here are public to the :mod:`lixia_econ.io` package (the module itself is
private): a layout module imports them, nothing outside the package does.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from lixia_econ.errors import DataFormatError, ParameterError, SchemaError, UnitError
from lixia_econ.periods import freq_code, period_to_str
from lixia_econ.schema import (
    COLUMNS,
    KEY,
    SourceRows,
    as_category,
    as_text,
    indicators,
    resolve_indicator,
)
from lixia_econ.units import CANONICAL, decimal_factor, parse_number, parse_unit

T = TypeVar("T")

__all__ = [
    "CAVEAT_WORDS",
    "GROWTH_WORDS",
    "NA_BASIS",
    "YTD_MEASURE",
    "Caveats",
    "Grid",
    "Observations",
    "Source",
    "Stored",
    "cell_text",
    "check_header",
    "check_widths",
    "csv_grid",
    "decode_bytes",
    "delimiter_of",
    "distinct_rows",
    "first_rows",
    "fold_text",
    "growth_basis",
    "indicator_code",
    "lines_of",
    "need_rows",
    "parse_at",
    "scale",
    "split_caveats",
    "target_unit",
    "ytd_note",
]

# ---------------------------------------------------------------------------
# conventions shared by the layouts

#: Indicators whose growth rates NBS publishes on a comparable (real) basis.
_REAL_GROWTH = {"gdp", "industrial_va_above_size"}

#: Indicators that are not price concepts (price_basis 'na').
NA_BASIS = {"cpi", "mfg_pmi"}

#: Words that make an indicator name a growth rate ("real growth rate", "比上年增长").
GROWTH_WORDS = re.compile(
    r"(?:\s*(?P<real>real\s+)?growth(?:\s+rate)?|\s*(?P<cnreal>实际)?(?:比上年同期|比上年|同比)?"
    r"(?:增长|增速|增幅)(?:率)?)$",
    re.IGNORECASE,
)

#: Measure of a value whose period label says "cumulative from January".
YTD_MEASURE = {"level": "ytd_level", "yoy_pct": "ytd_yoy_pct"}


def fold_text(text: str) -> str:
    """Return text with full-width characters folded, lower case, runs of space as one."""
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"\s+", " ", text).strip()


def target_unit(indicator: str, unit_family: str) -> str:
    """Return the unit a value of ``indicator`` is stored in: its catalogue unit if compatible."""
    cat = indicators()[indicator].unit
    try:
        if parse_unit(cat).family == unit_family:
            return cat
    except UnitError:
        pass
    return CANONICAL[unit_family]


def growth_basis(indicator: str, real: bool) -> str:
    """Return the price basis of a growth rate of ``indicator`` (see the package docstring)."""
    if indicator in NA_BASIS:
        return "na"
    if real or indicator in _REAL_GROWTH or indicator.startswith("va_"):
        return "comparable"
    return "current"


def ytd_note(label: str, p: pd.Period) -> str:
    """Return the note of a value whose period label is a range from January."""
    if freq_code(p) == "M" and p.month == 2:
        return (
            f"period as printed {label!r}: January and February released together; "
            "the value covers both months"
        )
    return f"period as printed {label!r}: cumulative from January"


def scale(v: float, factor: float, shift: float = 0.0) -> float:
    """Return ``v * factor - shift`` computed in decimal, so printed figures stay exact.

    ``263.39`` billion yuan is ``2633.9`` 亿元 (not ``2633.8999999999996``), and an
    index of ``104.8`` minus 100 is ``4.8``.
    """
    if v != v or (factor == 1.0 and shift == 0.0):
        return v
    return float(Decimal(repr(float(v))) * decimal_factor(factor, 1.0) - Decimal(repr(shift)))


# ---------------------------------------------------------------------------
# located parsing: each error names the file, row, column and value


def parse_at(
    parse: Callable[..., T], text: Any, *, path: Path, row: int, column: Any, **kw: Any
) -> T:
    """Return ``parse(text, **kw)``; a :class:`DataFormatError` names the file, row and column.

    ``parse`` is :func:`~lixia_econ.units.parse_number`, :func:`~lixia_econ.units.parse_unit`
    or :func:`~lixia_econ.periods.parse_period`.
    """
    try:
        return parse(text, **kw)
    except DataFormatError as exc:
        raise exc.located(path=path, row=row, column=column) from None


def indicator_code(
    name: str,
    aliases: dict[str, str] | None,
    *,
    path: Path | None = None,
    row: int | None = None,
    column: Any = None,
    value: Any = None,
) -> str:
    """Return the catalogue code of an indicator name (as :func:`.schema.resolve_indicator`).

    Raises
    ------
    DataFormatError
        The name is unknown; the message names the nearest catalogue entries.
    """
    try:
        return resolve_indicator(name, aliases)
    except ParameterError as exc:
        raise DataFormatError(
            f"unknown indicator: {exc} Or pass aliases={{name: code}}",
            path=path,
            row=row,
            column=column,
            value=name if value is None else value,
        ) from None


# ---------------------------------------------------------------------------
# decoding and the cell grid


def decode_bytes(
    data: bytes, *, path: str | Path | None = None, encoding: str | None = None
) -> str:
    """Decode a text file's bytes: BOM, else UTF-8, else GB18030.

    Parameters
    ----------
    data : bytes
        The file's content.
    path : str or Path, optional
        Named in errors.
    encoding : str, optional
        Use this encoding and no other (a BOM of that encoding is dropped).

    Returns
    -------
    str

    Raises
    ------
    DataFormatError
        No encoding decodes the bytes; the message gives the byte offset and its line.
    """
    if encoding is not None:
        return _decode_as(data, encoding, path)
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            exc.start += 3
            raise _decode_error(data, path, [("utf-8 (with BOM)", exc)]) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _decode_error(data, path, [("utf-16 (with BOM)", exc)]) from None
    errors = []
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            errors.append((enc, exc))
    raise _decode_error(data, path, errors)


def _decode_as(data: bytes, encoding: str, path: str | Path | None) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParameterError(f"encoding={encoding!r} is not an encoding Python knows") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(data, path, [(encoding, exc)]) from None
    return text.removeprefix("\ufeff")


def _decode_error(
    data: bytes, path: str | Path | None, errors: list[tuple[str, UnicodeDecodeError]]
) -> DataFormatError:
    first = min(errors, key=lambda e: e[1].start)[1].start
    last = max(errors, key=lambda e: e[1].start)[1].start
    line = data[:last].count(b"\n") + 1
    tried = "; ".join(
        f"{enc} fails at byte offset {exc.start} ({data[exc.start : exc.start + 4]!r})"
        for enc, exc in errors
    )
    return DataFormatError(
        f"cannot decode the file: {tried}; pass encoding= if you know it",
        path=path,
        row=line,
        value=data[first : first + 8],
    )


@dataclass
class Grid:
    """Rows of cells (text, or numbers from xlsx) with their line numbers.

    ``sheet`` is the worksheet's name for a workbook (its rows start at column A), else
    None; ``ends_mid_row`` is True when a text file's last line has no newline.
    """

    rows: list[list[Any]]
    lines: list[int]
    sheet: str | None = None
    ends_mid_row: bool = False

    def where(self, i: int, j: int) -> str:
        """Name cell ``j`` of row ``i``: ``sheet 'S' cell B3``, or ``row 3, cell 2``."""
        if self.sheet is not None:
            from openpyxl.utils import get_column_letter

            return f"sheet {self.sheet!r} cell {get_column_letter(j + 1)}{self.lines[i]}"
        return f"row {self.lines[i]}, cell {j + 1}"


def lines_of(text: str) -> Iterator[str]:
    r"""Yield the lines of a text, each with its ``\n``, lazily (as ``io.StringIO`` would).

    Unlike ``io.StringIO(text)`` it does not copy the whole text to read its first lines.
    """
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def delimiter_of(text: str) -> str:
    """Return the delimiter of delimited text (see :func:`csv_grid`)."""
    lines = (ln for ln in lines_of(text) if ln.strip())  # lazily: only the first lines
    first = next(lines, "")
    if not any(d in first for d in (",", "\t", ";")):
        first = next((ln for ln in lines if any(d in ln for d in (",", "\t", ";"))), first)
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_grid(text: str, path: Path | None = None) -> Grid:
    """Split delimited text into a :class:`Grid`, skipping blank rows.

    The delimiter is the one of ``,``, tab and ``;`` that the first non-blank line holds
    most of (the first line holding any, when title lines above a table hold none).
    A row the CSV parser refuses (a cell over :data:`MAX_CELL` characters, a NUL
    byte) raises :class:`DataFormatError` naming ``path`` and the row.
    """
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter_of(text))
    rows, lines = [], []
    prev = 0
    for cells in _checked(reader, path):
        start = prev + 1
        prev = reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        rows.append(cells)
        lines.append(start)
    return Grid(rows, lines, ends_mid_row=not text.endswith(("\n", "\r")))


#: The longest cell a text file may hold (the csv module's default field limit).
MAX_CELL = 131_072


def _checked(reader: Any, path: Path | None) -> Any:
    """Yield the rows of a csv reader; its errors become :class:`DataFormatError`."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataFormatError(
                f"the row cannot be read as CSV ({exc}; a cell may hold at most "
                f"{MAX_CELL:,} characters)",
                path=path,
                row=reader.line_num,
            ) from None
        yield cells


def cell_text(v: Any) -> str:
    """Return a cell as text: whole floats without ``.0``, dates as ``YYYY-MM``."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if hasattr(v, "year") and hasattr(v, "month"):
        return f"{v.year:04d}-{v.month:02d}"
    return str(v).strip()


def need_rows(grid: Grid, path: Path) -> None:
    """Raise unless the grid has a header row and at least one data row."""
    if not grid.rows:
        raise DataFormatError("the file is empty", path=path)
    if len(grid.rows) == 1:
        raise DataFormatError(
            "the file has a header row but no data rows", path=path, row=grid.lines[0]
        )


def check_header(grid: Grid, path: Path, i: int = 0) -> None:
    """Refuse a header row (row ``i`` of the grid) naming one column twice."""
    seen: dict[str, int] = {}
    for j, name in enumerate(grid.rows[i]):
        text = cell_text(name)
        if not text:
            continue
        if text in seen:
            raise DataFormatError(
                f"the header names the column {text!r} twice: {grid.where(i, seen[text])} and "
                f"{grid.where(i, j)}; rename one",
                path=path,
                row=grid.lines[i],
                value=text,
            )
        seen[text] = j


def check_widths(grid: Grid, path: Path, caveats: Caveats, i: int = 0) -> None:
    """Refuse rows longer than the header (row ``i``), and a file cut off mid-row.

    A row with a non-empty cell beyond the header's last column is read shifted (an
    unquoted thousands separator ``271.90,2487.90``, a stray comma): refused, naming the
    extra value; empty cells beyond it (a trailing comma) are fine. A text file whose
    last line has no newline and fewer cells than the header was cut off: refused,
    naming the row. When such a last line is as wide as the header, its last cell may
    still be cut (``6.8`` -> ``6.``): the row is read and a caveat says so.
    """
    width = len(grid.rows[i])
    for k in range(i + 1, len(grid.rows)):
        cells = grid.rows[k]
        if len(cells) <= width:
            continue
        extra = [j for j in range(width, len(cells)) if cell_text(cells[j])]
        if extra:
            raise DataFormatError(
                f"the row has {len(cells)} cells but the header {width}: the extra value at "
                f"{grid.where(k, extra[0])} would shift the row (an unquoted thousands "
                "separator or a stray delimiter?); quote the cell or remove the delimiter",
                path=path,
                row=grid.lines[k],
                value=cell_text(cells[extra[0]]),
            )
    if not grid.ends_mid_row or len(grid.rows) <= i + 1 or grid.sheet is not None:
        return
    last = grid.rows[-1]
    if len(last) < width:
        raise DataFormatError(
            f"the file ends mid-row: the last line has {len(last)} of the header's {width} "
            "cells and no newline (truncated download or copy?); get the whole file",
            path=path,
            row=grid.lines[-1],
            value=",".join(cell_text(c) for c in last),
        )
    caveats.lines.append(
        {
            "row": grid.lines[-1],
            "text": "the file does not end with a newline: its last row may be cut short "
            "(truncated?); check its last value against the publication",
            "warning": True,
        }
    )


class Source:
    """A file's content as a reader wants it: its text, or its cells as a :class:`Grid`.

    A text file gives its grid on demand (split by :func:`csv_grid`); a workbook sheet
    gives its text on demand (cells joined by the portal's tab+comma).
    """

    def __init__(
        self,
        path: Path,
        *,
        text: str | None = None,
        grid: Grid | None = None,
        header_rows: int | None = None,
    ) -> None:
        self.path = path
        self.is_text = text is not None
        self._text = text
        self._grid = grid
        #: Header depth known from the file (merged cells of a workbook), else None.
        self.header_rows = header_rows

    @cached_property
    def text(self) -> str:
        """The file's text (a workbook's cells joined by tab+comma)."""
        if self._text is not None:
            return self._text
        assert self._grid is not None
        return "\n".join("\t,".join(cell_text(c) for c in r) for r in self._grid.rows)

    @cached_property
    def grid(self) -> Grid:
        """The file's cells, row by row, with line numbers."""
        if self._grid is not None:
            return self._grid
        return csv_grid(self.text, self.path)

    def first_line(self) -> str:
        """Return the first non-blank line of the text, stripped (BOM dropped); ``""`` if none."""
        lines = (ln.strip().lstrip("\ufeff") for ln in lines_of(self.text))
        return next((ln for ln in lines if ln), "")


# ---------------------------------------------------------------------------
# footnotes, notes and source lines

#: How a footnote, note or source line starts (``注：``, ``数据来源：``, ``Note:``,
#: ``Data Sources``).
CAVEAT_WORDS = re.compile(
    r"^(?:(?:注|附注|注释|说明|备注|数据来源|资料来源|来源)\s*\d*\s*[:：]"
    r"|(?:notes?|sources?|data\s+sources?)\s*(?:[:：]|$))",
    re.IGNORECASE,
)
#: A numbered line of a note block (``1.``, ``2、``, ``①``, ``(1)``, ``（1）``).
_NUMBERED = re.compile(r"^(?:\d{1,2}\s*[.、)）]|[\u2460-\u2473]|[(（]\d{1,2}[)）])")


@dataclass
class Caveats:
    """A file's footnote, note and source lines, and note-like lines kept as data.

    ``lines`` and ``flagged`` are lists of ``{"row": line, "text": ...}``; a flagged
    line looked like a note but had numbers in its data cells, so it was read as data.
    """

    lines: list[dict[str, Any]]
    flagged: list[dict[str, Any]]


def _has_number(cells: list[Any]) -> bool:
    for c in cells:
        if isinstance(c, int | float) and c == c:
            return True
        try:
            v = parse_number(cell_text(c))
        except DataFormatError:
            continue
        if v == v:
            return True
    return False


def split_caveats(grid: Grid, start: int = 1) -> tuple[Grid, Caveats]:
    """Take footnote, note and source lines out of a grid's rows from ``start`` on.

    A caveat line starts with :data:`CAVEAT_WORDS` (``注：``, ``说明：``, ``数据来源：``,
    ``资料来源：``, ``Note``, ``Source``, ``Data Sources``); after one, numbered lines
    (``1.``, ``①``) and lines with text in the first cell only belong to the note too.
    A line that looks like a caveat but has numbers in its other cells stays as data
    and is flagged.

    Returns
    -------
    tuple of Grid and Caveats
        The grid without the caveat lines, and the lines taken out (or flagged).
    """
    rows, lines = list(grid.rows[:start]), list(grid.lines[:start])
    found = Caveats([], [])
    in_note = False
    for cells, line in zip(grid.rows[start:], grid.lines[start:], strict=True):
        first = cell_text(cells[0]) if cells else ""
        starts = bool(CAVEAT_WORDS.match(first))
        if not (starts or in_note):  # most rows: data, decided without looking further
            rows.append(cells)
            lines.append(line)
            continue
        texts = [cell_text(c) for c in cells if cell_text(c)]
        follows = in_note and (bool(_NUMBERED.match(first)) or len(texts) == 1)
        if not (starts or follows):
            in_note = False
            rows.append(cells)
            lines.append(line)
            continue
        text = ",".join(texts)
        if _has_number(cells[1:]):
            found.flagged.append({"row": line, "text": text})
            in_note = False
            rows.append(cells)
            lines.append(line)
            continue
        in_note = True
        found.lines.append({"row": line, "text": text})
    return Grid(rows, lines, grid.sheet, grid.ends_mid_row), found


# ---------------------------------------------------------------------------
# observations -> tidy frame


@dataclass(frozen=True)
class Stored:
    """How a printed value is stored: what it measures, in which unit, converted how.

    The stored value is ``printed * factor - shift`` (:func:`scale`).
    """

    indicator: str
    measure: str
    unit: str
    price_basis: str
    factor: float = 1.0
    shift: float = 0.0
    status: str = "published"
    note: str = ""


class Observations:
    """Collects observations with their line numbers, then builds the tidy frame.

    Readers add rows one by one (:meth:`add`) or as columns (:meth:`extend`, which keeps
    them as arrays: a million rows are never a million Python lists' worth of objects).
    """

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.cols: dict[str, list[Any]] = _empty_cols()
        #: Rows added so far as frames (:meth:`extend`, and :attr:`cols` moved in order).
        self._blocks: list[pd.DataFrame] = []
        self.missing = 0
        #: The file's footnote, note and source lines (see :func:`split_caveats`).
        self.caveats = Caveats([], [])
        #: Title lines above the table (bulletins), as printed.
        self.titles: list[str] = []
        #: Each period's frequency letter and label (:meth:`add`), found once.
        self._labels: dict[pd.Period, tuple[str, str]] = {}

    def add(
        self,
        stored: Stored,
        *,
        region: str,
        period: pd.Period,
        value: float,
        line: int,
        column: Any,
        note: str | None = None,
        source: str | None = None,
    ) -> None:
        """Add a value as printed, stored as ``stored`` says; NaN (a missing marker) is counted.

        ``note`` and ``source`` replace the stored note and the file's source text.
        """
        if value != value:
            self.missing += 1
            return
        c = self.cols
        if period not in self._labels:
            self._labels[period] = (freq_code(period), period_to_str(period))
        freq, label = self._labels[period]
        c["region"].append(region)
        c["indicator"].append(stored.indicator)
        c["freq"].append(freq)
        c["period"].append(label)
        c["measure"].append(stored.measure)
        c["value"].append(float(scale(value, stored.factor, stored.shift)))
        c["unit"].append(stored.unit)
        c["price_basis"].append(stored.price_basis)
        c["status"].append(stored.status)
        c["source"].append(self.source if source is None else source)
        c["note"].append((stored.note if note is None else note) or "")
        c["_line"].append(line)
        c["_column"].append(column)

    def extend(self, columns: dict[str, Any], *, lines: Any, column: Any) -> None:
        """Add many stored observations at once (the vectorised :meth:`add`).

        ``columns`` maps every name of :data:`~lixia_econ.schema.COLUMNS` to an array, a
        :class:`pandas.Categorical` or one value for all rows; ``value`` holds stored
        values without NaN (count missing markers in :attr:`missing` yourself); ``lines``
        the source lines.
        """
        self._flush()
        n = len(lines)
        block = pd.DataFrame({name: columns[name] for name in COLUMNS}, index=pd.RangeIndex(n))
        block["_line"] = np.asarray(lines, dtype=np.int64)
        block["_column"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [column])
        self._blocks.append(block)

    def _flush(self) -> None:
        """Move the rows added one by one into :attr:`_blocks` (keeping their order)."""
        if self.cols["_line"]:
            self._blocks.append(pd.DataFrame(self.cols))
            self.cols = _empty_cols()

    def _table(self) -> pd.DataFrame:
        """Return every row added so far as one frame (and keep it as the only block)."""
        self._flush()
        if not self._blocks:
            return pd.DataFrame(self.cols)
        if len(self._blocks) > 1:
            self._blocks = [pd.concat(self._blocks, ignore_index=True)]
        return self._blocks[0]

    def quarterly_ytd(self) -> None:
        """Make year-to-date monthly series whose months all end a quarter quarterly.

        ``2020年1-3月``, ``2020年1-6月`` … of one series (region, indicator, measure,
        price basis, source) are quarterly year-to-date values (``2020Q1``, ``2020Q2``),
        not monthly ones with gaps; a series with another month (``1-2月``, ``1-11月``)
        stays monthly.
        """
        df = self._table()
        if not len(df):
            return
        ytd = df["measure"].isin(list(YTD_MEASURE.values())).to_numpy(dtype=bool)
        monthly = ytd & (df["freq"] == "M").to_numpy(dtype=bool)
        if not monthly.any():
            return
        rows = np.flatnonzero(monthly)
        month = _by_distinct(df["period"].iloc[rows], lambda p: int(p[5:7])).astype(np.int64)
        keys = ["region", "indicator", "measure", "price_basis", "source"]
        series = distinct_rows([df[k].iloc[rows] for k in keys])[0]
        not_quarter = np.bincount(series, weights=month % 3 != 0) > 0
        turn = rows[~not_quarter[series]]
        if not len(turn):
            return
        df["freq"] = _replaced(df["freq"], turn, lambda _: "Q")
        df["period"] = _replaced(df["period"], turn, lambda p: f"{p[:4]}Q{int(p[5:7]) // 3}")

    def frame(self, layout: str, *, categorical: bool = False) -> pd.DataFrame:
        """Return the tidy frame (see :func:`lixia_econ.io.read_table` for its ``attrs``).

        ``categorical``: text columns as categoricals (:func:`~lixia_econ.schema.as_category`).
        """
        df = self._table()
        if len(df) == 0 and self.missing == 0:
            raise DataFormatError("no observations found in the file", path=self.path)
        df, dropped_dup = _drop_repeats(df, self.path)
        out = df[list(COLUMNS)].reset_index(drop=True)
        text = as_category if categorical else as_text
        for c in COLUMNS:
            out[c] = out[c].astype("float64") if c == "value" else text(out[c])
        out.attrs["dropped_missing"] = int(self.missing)
        out.attrs["dropped_duplicates"] = dropped_dup
        out.attrs["source_rows"] = SourceRows(df["_line"].astype(np.int64).tolist())
        out.attrs["layout"] = layout
        out.attrs["path"] = str(self.path)
        out.attrs["caveats"] = list(self.caveats.lines)
        out.attrs["flagged"] = list(self.caveats.flagged)
        out.attrs["titles"] = list(self.titles)
        return out


def _empty_cols() -> dict[str, list[Any]]:
    return {c: [] for c in (*COLUMNS, "_line", "_column")}


def distinct_rows(
    columns: list[Any], sizes: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's number of its distinct combination of cells, and each's first row.

    ``columns`` are equally long arrays (or Series, Categoricals); numbers run from 0 in
    the order of first appearance, so ``firsts`` is increasing. With ``sizes`` the
    columns are codes already (integers from 0 to ``size - 1``).
    """
    codes = np.zeros(len(columns[0]), dtype=np.int64)
    span = 1  # codes < span
    for j, col in enumerate(columns):  # mixed radix of the columns' codes
        if sizes is None:
            part, uniques = pd.factorize(col, use_na_sentinel=False)
            size = len(uniques)
        else:
            part, size = np.asarray(col), max(sizes[j], 1)
        if span * size >= 2**62:  # renumber before the radix overflows
            codes = pd.factorize(codes)[0].astype(np.int64)
            span = int(codes.max()) + 1 if len(codes) else 1
        codes = codes * size + part
        span *= size
    codes = np.asarray(pd.factorize(codes)[0], dtype=np.int64)
    return codes, first_rows(codes)


def first_rows(codes: np.ndarray) -> np.ndarray:
    """Return the first row of each code of ``codes`` numbered in order of first appearance."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    seen = np.maximum.accumulate(codes)
    new = np.empty(len(codes), dtype=bool)
    new[0] = True
    new[1:] = codes[1:] > seen[:-1]
    return np.flatnonzero(new)


def _by_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> np.ndarray:
    """Return ``fn`` of each value, calling it once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.array([fn(u) for u in uniques], dtype=object)[codes]


def _replaced(col: pd.Series, rows: np.ndarray, fn: Callable[[Any], Any]) -> pd.Categorical:
    """Return the column with ``fn(value)`` at ``rows`` (called once per distinct value there)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    uniques = np.asarray(uniques, dtype=object)
    turned = np.unique(codes[rows])
    extra = np.array([fn(uniques[k]) for k in turned], dtype=object)
    new, labels = pd.factorize(np.concatenate([uniques, extra]))
    lookup = np.full(len(uniques), -1, dtype=np.int64)
    lookup[turned] = new[len(uniques) :]
    out = new[: len(uniques)][codes]
    out[rows] = lookup[codes[rows]]
    return pd.Categorical.from_codes(out, categories=pd.Index(labels, dtype=object))


def _drop_repeats(df: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, int]:
    """Drop rows repeating another exactly; the same key with two values is an error."""
    key = list(KEY)
    dup = df.duplicated(key, keep=False)
    if not dup.any():
        return df, 0
    for k, g in df[dup].groupby(key, sort=False):
        if g["value"].nunique() > 1:
            a, b = g.iloc[0], g[g["value"] != g["value"].iloc[0]].iloc[0]
            desc = " ".join(str(x) for x in k[:-1])
            raise SchemaError(
                f"the same observation ({desc}) appears twice with different values: "
                f"{float(a['value'])!r} (row {a['_line']}) and "
                f"{float(b['value'])!r} (row {b['_line']})",
                path=path,
                row=int(b["_line"]),
                column=b["_column"],
                value=float(b["value"]),
            )
    keep = ~df.duplicated([*key, "value"], keep="first")
    return df[keep], int((~keep).sum())
