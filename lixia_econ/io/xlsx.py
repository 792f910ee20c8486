"""``.xlsx`` workbooks: one sheet as a cell grid, merged cells forward-filled.

A workbook is a container, not a layout: the sheet's cells are read by the layout
given or detected (usually ``wide``), with the header depth taken from the merged
header cells.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lixia_econ.errors import DataFormatError, ParameterError
from lixia_econ.io._common import Grid, Source, cell_text

__all__ = ["SUFFIXES", "read_xlsx"]

#: File suffixes read as workbooks.
SUFFIXES = (".xlsx", ".xlsm")


def _open_sheet(path: Path, sheet: str | int | None) -> Any:
    """Return the worksheet (default the first); errors name the file or the sheets."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as e:
        raise DataFormatError(
            f"not a readable .xlsx workbook (truncated or corrupt?): {type(e).__name__}: {e}",
            path=path,
        ) from None
    try:
        if sheet is None or sheet == 0:
            return wb.worksheets[0]
        if isinstance(sheet, int):
            return wb.worksheets[sheet]
        return wb[sheet]
    except (IndexError, KeyError):
        raise ParameterError(
            f"sheet={sheet!r} not found; the workbook has {wb.sheetnames}"
        ) from None


def _filled_values(ws: Any) -> list[list[Any]]:
    """Return the sheet's values, each merged range filled with its top-left value."""
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:
        top = values[rng.min_row - 1][rng.min_col - 1] if values else None
        for rr in range(rng.min_row, rng.max_row + 1):
            for cc in range(rng.min_col, rng.max_col + 1):
                values[rr - 1][cc - 1] = top
    return values


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


def read_xlsx(path: Path, sheet: str | int | None = None) -> Source:
    """Return a sheet as a :class:`~lixia_econ.io._common.Source` with its header depth.

    Rows without any value are left out; each kept row keeps its sheet row number.
    """
    ws = _open_sheet(path, sheet)
    rows, lines = [], []
    for i, r in enumerate(_filled_values(ws), start=1):
        if any(v not in (None, "") for v in r):
            rows.append([v if isinstance(v, (int, float)) else cell_text(v) for v in r])
            lines.append(i)
    header_rows = 1
    if lines:
        header_rows = min(_header_depth(ws, lines[0]), max(len(rows) - 1, 1))
    return Source(path, grid=Grid(rows, lines), header_rows=header_rows)
