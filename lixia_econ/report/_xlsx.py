"""``tables.xlsx``: the glued tables as a workbook made for Excel readers.

Each glued table is a sheet: display headers (``glue_table(headers=...)`` or
``frame.attrs["display"]``), numbers as numbers with 1-2 decimals, years as whole numbers,
column widths fitted to the content (a CJK character counts double), the header row frozen.
A table glued as ``sources`` is the ``sources`` sheet; the report's parameters are a
``parameters`` sheet of plain values (lists joined with "、").

Text from data is never a formula: a cell starting with ``= + - @`` (or a tab or carriage
return) is written as a string cell with Excel's quote prefix, so Excel shows it as text
and does not evaluate it when the cell is edited (OWASP "CSV injection").
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from lixia_econ._excel import is_formula_like

__all__ = ["plain_value", "text_width", "write_workbook"]

_YEAR = re.compile(r"(1[89]|2[01])\d\d")
_YEAR_HEADER = re.compile(r"(year|年份?)$", re.IGNORECASE)
_MAX_WIDTH = 60


def text_width(value: Any) -> int:
    """Return how many Excel character widths ``value`` takes (CJK and full-width count 2).

    Examples
    --------
    >>> text_width("GDP"), text_width("地区生产总值（亿元）")
    (3, 20)
    """
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def plain_value(value: Any) -> Any:
    """Return a parameter value as an Excel reader reads it: no Python or JSON reprs.

    Examples
    --------
    >>> plain_value(["370100", "000000"])
    '370100、000000'
    >>> plain_value(None), plain_value(True), plain_value(2.5)
    ('', 'TRUE', 2.5)
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list | tuple | set):
        return "、".join(str(plain_value(v)) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {plain_value(v)}" for k, v in value.items())
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _column_kind(name: str, values: list[Any]) -> str:
    """Return ``year``, ``int``, ``float`` or ``text`` for one column of a glued table."""
    present = [v for v in values if v is not None and v != ""]
    if not present:
        return "text"
    if all(isinstance(v, str) and _YEAR.fullmatch(v.strip()) for v in present):
        return "year"
    if all(_is_number(v) for v in present):
        if all(float(v).is_integer() for v in present):
            years = all(_YEAR.fullmatch(str(int(v))) for v in present)
            return "year" if years and _YEAR_HEADER.search(name) else "int"
        return "float"
    return "text"


def _decimals(spec: Any, column: str, values: list[Any]) -> int:
    if isinstance(spec, int):
        return spec
    if isinstance(spec, dict) and column in spec:
        return int(spec[column])
    numbers = [abs(float(v)) for v in values if _is_number(v) and math.isfinite(v)]
    return 2 if numbers and max(numbers) < 10 else 1


def _number_format(kind: str, decimals: int) -> str | None:
    if kind == "year":
        return "0"
    if kind == "int":
        return "#,##0"
    if kind == "float":
        return "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
    return None


def _cell_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "year" and isinstance(value, str):
        return int(value.strip())
    return value


def _write_cell(ws: Any, row: int, col: int, value: Any, number_format: str | None) -> Any:
    """Write one cell; text that Excel would read as a formula stays text."""
    cell = ws.cell(row=row, column=col)
    if is_formula_like(value):
        cell.value = value
        cell.data_type = "s"  # a string cell, not <f>: never evaluated
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell
    cell.value = value
    if number_format and _is_number(value):
        cell.number_format = number_format
    return cell


def _write_sheet(ws: Any, table: dict[str, Any]) -> None:
    """Write one glued table: display headers, typed columns, fitted widths, frozen header."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = list(table["columns"])
    headers = list(table.get("headers") or columns)
    rows = table["data"]
    bold = Font(bold=True)
    for j, (name, header) in enumerate(zip(columns, headers, strict=True), start=1):
        values = [r[j - 1] for r in rows]
        kind = _column_kind(name, values)
        fmt = _number_format(kind, _decimals(table.get("decimals"), name, values))
        head = _write_cell(ws, 1, j, header, None)
        head.font = bold
        head.alignment = Alignment(wrap_text=False, vertical="center")
        width = text_width(header)
        for i, value in enumerate(values, start=2):
            cell = _write_cell(ws, i, j, _cell_value(kind, value), fmt)
            shown = cell.value
            if fmt and _is_number(shown):
                decimals = fmt.count("0") - 1 if "." in fmt else 0
                shown = f"{shown:,.{decimals}f}" if kind != "year" else str(shown)
            width = max(width, text_width(shown))
        ws.column_dimensions[get_column_letter(j)].width = min(width + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'")[:31] or "table"
    out, n = base, 1
    while out.lower() in used:
        n += 1
        out = f"{base[:28]}_{n}"
    used.add(out.lower())
    return out


def write_workbook(path: str | Path, tables: dict[str, Any], parameters: dict[str, Any]) -> None:
    """Write the glued tables and the report's parameters to an ``.xlsx`` workbook.

    Parameters
    ----------
    path : str or Path
        The workbook to write.
    tables : dict
        Glued tables by name: ``columns``, ``data`` and optionally ``headers`` (display
        headers), ``sheet`` (sheet name) and ``decimals`` (see
        :func:`lixia_econ.report.notebook.glue_table`). ``sources`` goes last but one.
    parameters : dict
        The report's parameters, written as the last sheet (``parameters``) of plain
        values.
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = {"parameters"}
    ordered = sorted(tables.items(), key=lambda item: item[0] == "sources")
    for name, table in ordered:
        ws = wb.create_sheet(_sheet_name(table.get("sheet") or name, used))
        _write_sheet(ws, table)
    rows = [[name, plain_value(value)] for name, value in parameters.items()]
    _write_sheet(
        wb.create_sheet("parameters"),
        {"columns": ["parameter", "value"], "headers": ["参数", "取值"], "data": rows},
    )
    wb.save(path)
