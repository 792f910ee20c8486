"""``.xlsx`` workbooks: one sheet as a cell grid, merged cells forward-filled.

A workbook is a container, not a layout: the sheet's cells are read by the layout
given or detected (usually ``wide``), with the header depth taken from the merged
header cells.

What is read, and what is refused (each error names the file, the sheet and the cell):

- Only cells holding a value are visited (never the declared used range, which one
  stray cell at ``XFD1048576`` makes 17 billion cells wide); a sheet with more than
  :data:`MAX_CELLS` values, or whose rows with values times its used width exceed
  :data:`MAX_AREA`, is refused.
- A number formatted as a percentage (``-3.9%``, stored as ``-0.039``) is read as
  Excel shows it: ``-3.9`` (percent).
- A number with a fraction in a period header (``2020.10`` typed as a number is stored
  as ``2020.1``) is read as ``2020.10`` when the cell shows two decimals, else refused:
  January and October cannot be told apart.
- A formula without a cached value (a file written by a program, never opened in
  Excel) is refused: its value is unknown, not missing.
- Without ``sheet=``, a workbook holding values on more than one sheet is refused (the
  message lists the sheets); the first sheet is read when only it holds values.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from lixia_econ.errors import DataFormatError, ParameterError
from lixia_econ.io._common import Grid, Source, cell_text, scale

__all__ = ["MAX_AREA", "MAX_CELLS", "MAX_XML_CELLS", "SUFFIXES", "read_xlsx"]

#: File suffixes read as workbooks.
SUFFIXES = (".xlsx", ".xlsm")
#: Most cells holding a value a sheet may have.
MAX_CELLS = 200_000
#: Most cells of the grid read: rows holding a value times the used width.
MAX_AREA = 20_000 * 500

_CORRUPT = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    AttributeError,
    ParseError,
    SyntaxError,
)
_TWO_DECIMALS = re.compile(r"^[#0,]*\.00(?![0#])")


def _cell_name(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _where(ws: Any, row: int, col: int) -> str:
    return f"sheet {ws.title!r} cell {_cell_name(row, col)}"


#: Most ``<c>`` elements (cells, empty but formatted ones included) all sheets may hold;
#: counted in the compressed stream before openpyxl builds a cell object for each.
MAX_XML_CELLS = 5 * MAX_CELLS


def _count_cells(path: Path) -> None:
    """Refuse a workbook whose sheets hold more than :data:`MAX_XML_CELLS` cell elements."""
    total = 0
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if not name.startswith("xl/worksheets/"):
                continue
            with zf.open(name) as fh:
                tail = b""
                while chunk := fh.read(1 << 20):
                    total += (tail + chunk).count(b"<c ") - tail.count(b"<c ")
                    tail = chunk[-2:]
            if total > MAX_XML_CELLS:
                raise DataFormatError(
                    f"{name} holds more than {MAX_XML_CELLS:,} cells (formatted empty cells "
                    "included); too large to be one statistical table: split the file",
                    path=path,
                )


def _load(path: Path, *, data_only: bool) -> Any:
    """Return the workbook; a corrupt or truncated file raises :class:`DataFormatError`."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _count_cells(path)
        return load_workbook(path, data_only=data_only)
    except DataFormatError:
        raise
    except (*_CORRUPT, InvalidFileException) as e:
        raise DataFormatError(
            f"not a readable .xlsx workbook (truncated or corrupt?): {type(e).__name__}: {e}",
            path=path,
        ) from None


def _values(ws: Any) -> dict[tuple[int, int], Any]:
    """Return the cells holding a value, by (row, column); never walks empty cells."""
    return {k: c for k, c in ws._cells.items() if c.value is not None and c.value != ""}


def _pick_sheet(wb: Any, sheet: str | int | None, path: Path) -> Any:
    """Return the worksheet asked for (default the first, when only it holds values)."""
    try:
        if sheet is None:
            with_data = [ws.title for ws in wb.worksheets if _values(ws)]
            if len(with_data) > 1:
                raise DataFormatError(
                    f"the workbook holds values on {len(with_data)} sheets {with_data}; "
                    "pass sheet= (name or index; in the manifest, sheet under "
                    "[file.options]) to say which one to read",
                    path=path,
                )
            return wb.worksheets[0]
        if isinstance(sheet, int):
            return wb.worksheets[sheet]
        return wb[sheet]
    except (IndexError, KeyError):
        raise ParameterError(
            f"sheet={sheet!r} not found; the workbook has {wb.sheetnames}"
        ) from None


def _check_size(cells: dict[tuple[int, int], Any], ws: Any, path: Path) -> None:
    """Refuse a sheet too large to read as a statistical table."""
    if len(cells) > MAX_CELLS:
        raise DataFormatError(
            f"sheet {ws.title!r} holds {len(cells):,} values, more than the "
            f"{MAX_CELLS:,} a table may have; split the file or pass sheet=",
            path=path,
        )
    rows = {r for r, _ in cells}
    width = max((c for _, c in cells), default=0)
    if len(rows) * width > MAX_AREA:
        far = max(cells, key=lambda k: (k[1], k[0]))
        raise DataFormatError(
            f"sheet {ws.title!r}: {len(rows):,} rows with values × {width:,} columns is "
            f"more than {MAX_AREA:,} cells; the value in {_cell_name(*far)} lies far outside "
            "the table (delete it in Excel)",
            path=path,
            value=cells[far].value,
        )


def _formula_cells(path: Path, ws: Any, cells: dict[tuple[int, int], Any]) -> None:
    """Refuse a formula without a cached value (data_only reads it as empty)."""
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        if not any(b"<f" in zf.read(n) for n in sheets):
            return
    formulas = _load(path, data_only=False)[ws.title]
    for (r, c), cell in formulas._cells.items():
        if cell.data_type == "f" and (r, c) not in cells:
            raise DataFormatError(
                f"{_where(ws, r, c)}: formula without a cached value; open and save the "
                "file in Excel (its value is unknown, not missing)",
                path=path,
                row=r,
                value=str(cell.value),
            )


def _fill_merged(ws: Any, grid: dict[int, dict[int, Any]], path: Path) -> None:
    """Fill each merged range with its top-left value (bounded by :data:`MAX_AREA`)."""
    filled = 0
    for rng in ws.merged_cells.ranges:
        top = grid.get(rng.min_row, {}).get(rng.min_col)
        filled += (rng.max_row - rng.min_row + 1) * (rng.max_col - rng.min_col + 1)
        if filled > MAX_AREA:
            raise DataFormatError(
                f"sheet {ws.title!r}: merged range {rng.coord} is too large to read",
                path=path,
            )
        if top is None:
            continue
        for rr in range(rng.min_row, rng.max_row + 1):
            for cc in range(rng.min_col, rng.max_col + 1):
                grid.setdefault(rr, {})[cc] = top


def _year_like(v: Any) -> bool:
    return isinstance(v, float) and 1900 <= v < 2100 and not v.is_integer()


def _header_cells(cells: dict[tuple[int, int], Any]) -> set[tuple[int, int]]:
    """Return the numbers of a period header: years or year.month numbers.

    A header is the first row holding two numbers or more, or the first column with
    values (periods as rows), when its numbers are all between 1900 and 2100: a row of
    figures lower in the sheet (a GDP of 2020.1 亿元) is never taken for one.
    """
    out: set[tuple[int, int]] = set()
    per_row: dict[int, int] = {}
    for (r, _), c in cells.items():
        if isinstance(c.value, int | float) and not isinstance(c.value, bool):
            per_row[r] = per_row.get(r, 0) + 1
    top = [min((r for r, n in per_row.items() if n >= 2), default=0)]
    if _text_periods_above(cells, top[0]):
        top = []  # the header is text (``2020``, ``2021``): numbers below it are figures
    left = min((c for _, c in cells), default=0)
    for axis, heads in ((0, top), (1, [left])):
        lines: dict[int, list[tuple[int, int]]] = {}
        for k, c in cells.items():
            number = isinstance(c.value, int | float) and not isinstance(c.value, bool)
            if number and k[axis] in heads:
                lines.setdefault(k[axis], []).append(k)
        for keys in lines.values():
            if len(keys) >= 2 and all(1900 <= cells[k].value < 2100 for k in keys):
                out.update(keys)
    return out


def _text_periods_above(cells: dict[tuple[int, int], Any], row: int) -> bool:
    """Say whether a row above ``row`` holds two period labels typed as text or more."""
    from lixia_econ.errors import PeriodError
    from lixia_econ.periods import parse_period

    found: dict[int, int] = {}
    for (r, _), c in cells.items():
        if r < row and isinstance(c.value, str):
            try:
                parse_period(c.value)
            except (PeriodError, ValueError):
                continue
            found[r] = found.get(r, 0) + 1
    return any(n >= 2 for n in found.values())


def _number(cell: Any, ws: Any, path: Path, header: bool) -> Any:
    """Return a number cell as Excel shows it (percent formats × 100, ``2020.10``)."""
    v, fmt = cell.value, str(cell.number_format or "")
    if isinstance(v, bool):
        return cell_text(v)
    if "%" in fmt:
        return scale(float(v), 100.0)
    if header and _year_like(float(v)):
        if _TWO_DECIMALS.match(fmt):
            return f"{float(v):.2f}"
        raise DataFormatError(
            f"{_where(ws, cell.row, cell.column)}: the number {v!r} in a period header is "
            "ambiguous (2020.1 is also what Excel stores for 2020.10: January or October?); "
            "type the label as text, or format the cell with two decimals",
            path=path,
            row=cell.row,
            value=v,
        )
    return float(v) if isinstance(v, float) else v


def read_xlsx(path: Path, sheet: str | int | None = None) -> Source:
    """Return a sheet as a :class:`~lixia_econ.io._common.Source` with its header depth.

    Rows without any value are left out; each kept row keeps its sheet row number and
    starts at column A (cell ``j`` of a row is column ``j + 1``). What is refused is in
    the module docstring.
    """
    wb = _load(path, data_only=True)
    ws = _pick_sheet(wb, sheet, path)
    cells = _values(ws)
    _check_size(cells, ws, path)
    _formula_cells(path, ws, cells)
    header = _header_cells(cells)
    grid: dict[int, dict[int, Any]] = {}
    for (r, c), cell in cells.items():
        v = cell.value
        if isinstance(v, int | float):
            v = _number(cell, ws, path, (r, c) in header)
        grid.setdefault(r, {})[c] = v if isinstance(v, int | float) else cell_text(v)
    _fill_merged(ws, grid, path)
    width = max((max(row) for row in grid.values()), default=0)
    rows, lines = [], []
    for r in sorted(grid):
        if any(v not in (None, "") for v in grid[r].values()):
            rows.append([grid[r].get(c, "") for c in range(1, width + 1)])
            lines.append(r)
    header_rows = 1
    if lines:
        header_rows = min(_header_depth(ws, lines[0]), max(len(rows) - 1, 1))
    return Source(path, grid=Grid(rows, lines, sheet=ws.title), header_rows=header_rows)


def _header_depth(ws: Any, first_row: int) -> int:
    """Rows the header spans, from the merged cells starting in it.

    A horizontal merge makes the row below it a sub-header; a vertical merge covers its
    rows; repeat until no merge reaches further down.
    """
    depth, changed = 1, True
    while changed:
        changed = False
        for rng in ws.merged_cells.ranges:
            if not first_row <= rng.min_row < first_row + depth:
                continue
            reach = rng.max_row - first_row + 1 + (1 if rng.max_col > rng.min_col else 0)
            if reach > depth:
                depth, changed = reach, True
    return depth
