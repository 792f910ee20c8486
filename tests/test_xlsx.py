"""The report workbook (``tables.xlsx``) as an Excel reader sees it, read back with openpyxl.

The tables are hand-made (not data). Formula injection: text starting with ``= + - @``
must stay text (OWASP "CSV injection"); checked in the cells and in the sheet XML.
"""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest

from lixia_econ.report._xlsx import plain_value, text_width, write_workbook
from lixia_econ.report.notebook import DISPLAY_ATTR, _frame_payload

TABLE = {
    "columns": ["year", "region", "gdp", "growth", "note"],
    "headers": ["年份", "地区", "地区生产总值（亿元）", "实际增速（%）", "note"],
    "data": [
        ["2019", "历下区 Lixia District", 1685.4321, 6.71, '=HYPERLINK("http://x","y")'],
        ["2020", "历下区 Lixia District", 1700.0, 3.456, "+1"],
        ["2021", "历下区 Lixia District", 1850.25, -0.5, "-2"],
        ["2022", "历下区 Lixia District", None, 7.0, "@SUM(A1)"],
    ],
}
PARAMETERS = {
    "region": "370102",
    "benchmarks": ["370100", "000000"],
    "indicators": ["gdp"],
    "use_estimates": False,
    "as_of": "2026Q1",
    "data_dir": "",
    "weight": 0.5,
}


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "tables.xlsx"
    sources = {"columns": ["source"], "data": [["济南统计年鉴 2023"], ["=cmd|' /C calc'!A0"]]}
    write_workbook(path, {"sources": sources, "gdp": TABLE}, PARAMETERS)
    return path


def test_sheets_in_order_sources_and_parameters_last(book):
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["gdp", "sources", "parameters"]


def test_display_headers_numbers_years_and_formats(book):
    ws = openpyxl.load_workbook(book)["gdp"]
    assert [c.value for c in ws[1]] == TABLE["headers"]
    assert ws.freeze_panes == "A2"
    year = ws["A2"]
    assert year.value == 2019
    assert year.data_type == "n"
    assert year.number_format == "0"
    assert ws["C2"].value == pytest.approx(1685.4321)  # full precision kept, shown rounded
    assert ws["C2"].number_format == "#,##0.0"
    assert ws["D2"].number_format == "#,##0.00"  # all values below 10: two decimals
    assert ws["C5"].value is None


def test_column_widths_count_cjk_double(book):
    ws = openpyxl.load_workbook(book)["gdp"]
    assert text_width("地区生产总值（亿元）") == 20
    assert ws.column_dimensions["C"].width == 22  # header, 20 wide, + 2
    assert ws.column_dimensions["B"].width == text_width("历下区 Lixia District") + 2
    assert ws.column_dimensions["A"].width == text_width("年份") + 2


@pytest.mark.parametrize(
    ("cell", "text"),
    [("E2", '=HYPERLINK("http://x","y")'), ("E3", "+1"), ("E4", "-2"), ("E5", "@SUM(A1)")],
)
def test_formula_like_text_stays_text(book, cell, text):
    ws = openpyxl.load_workbook(book)["gdp"]
    assert ws[cell].value == text
    assert ws[cell].data_type == "s"
    assert ws[cell].quotePrefix


def test_no_formula_anywhere_in_the_sheet_xml(book):
    with zipfile.ZipFile(book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(z.read(n).decode() for n in sheets)
    assert "<f>" not in xml
    assert "<f " not in xml


def test_parameters_sheet_holds_plain_values(book):
    ws = openpyxl.load_workbook(book)["parameters"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["benchmarks"] == "370100、000000"
    assert rows["indicators"] == "gdp"
    assert rows["region"] == "370102"
    assert rows["use_estimates"] == "FALSE"
    assert rows["data_dir"] is None  # an empty cell, not '""'
    assert rows["weight"] == 0.5
    assert not any("[" in str(v) or "'" in str(v) for v in rows.values())


@pytest.mark.parametrize(
    ("value", "plain"),
    [(["a", "b"], "a、b"), ((), ""), ({"x": 1}, "x: 1"), (None, ""), (3, 3), ("s", "s")],
)
def test_plain_value(value, plain):
    assert plain_value(value) == plain


def test_display_headers_from_frame_attrs():
    frame = pd.DataFrame({"gdp": [1.0], "year": [2020]})
    frame.attrs[DISPLAY_ATTR] = {"gdp": "地区生产总值（亿元）"}
    payload = _frame_payload(frame)
    assert payload["columns"] == ["gdp", "year"]
    assert payload["headers"] == ["地区生产总值（亿元）", "year"]
    assert "headers" not in _frame_payload(pd.DataFrame({"gdp": [1.0]}))
