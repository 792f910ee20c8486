"""Text that Excel would run as a formula: one owner for the CSV and the workbook writers.

A cell whose text starts with ``= + - @`` (or a tab or a carriage return) is read by
Excel as a formula (OWASP "CSV injection": ``=cmd|' /C calc'!A0``). ``panel.csv``
(:mod:`lixia_econ.build`) prefixes such text with ``'``; ``tables.xlsx``
(:mod:`lixia_econ.report._xlsx`) writes it as a string cell with Excel's quote prefix.
Values in ``panel.parquet`` are never changed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "csv_frame", "excel_safe_text", "is_formula_like"]

#: How text Excel reads as a formula starts.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Say whether ``value`` is text that Excel would read as a formula.

    Examples
    --------
    >>> is_formula_like("=1+1"), is_formula_like("-3.2"), is_formula_like(-3.2)
    (True, True, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_START)


def excel_safe_text(value: Any) -> Any:
    """Return ``value`` with ``'`` in front when Excel would read it as a formula.

    Numbers and other text are returned unchanged.

    Examples
    --------
    >>> excel_safe_text("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> excel_safe_text("2020年"), excel_safe_text(-3.9)
    ('2020年', -3.9)
    """
    return "'" + value if is_formula_like(value) else value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells are safe to open in Excel.

    Only object, string and categorical columns are touched (:func:`excel_safe_text`; a
    categorical's categories); numbers stay numbers.
    """
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            cells = col.cat.categories
            if cells.map(is_formula_like).any():  # most columns: no category formula-like
                out[c] = col.map(excel_safe_text)
        elif isinstance(col.dtype, pd.StringDtype):  # text only: prefix at once
            distinct = pd.Series(pd.unique(col), dtype=col.dtype)
            if not distinct.str.startswith(FORMULA_START).fillna(False).any():
                continue  # most columns hold few distinct cells, none formula-like
            formula = col.str.startswith(FORMULA_START).fillna(False).to_numpy(dtype=bool)
            out[c] = col.where(~formula, "'" + col)
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
            out[c] = col.map(excel_safe_text)
    return out
