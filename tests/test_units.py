"""Tests of lixia_econ.units: unit words, conversion, numbers as printed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lixia_econ.errors import DataFormatError, LixiaEconError, UnitError
from lixia_econ.units import (
    Unit,
    convert,
    parse_number,
    parse_numbers,
    parse_unit,
    unit_from_label,
)

# unit as printed -> (canonical, multiplier, family); multipliers are the definitions of
# the Chinese counting units: 亿 = 1e8, 万 = 1e4, billion = 1e9 = 10 亿, trillion = 1e12
UNITS = [
    ("亿元", "亿元", 1.0, "money"),
    ("万元", "亿元", 1e4 / 1e8, "money"),
    ("元", "亿元", 1 / 1e8, "money"),
    ("万亿元", "亿元", 1e12 / 1e8, "money"),
    ("billion yuan", "亿元", 1e9 / 1e8, "money"),
    ("Billion Yuan", "亿元", 1e9 / 1e8, "money"),
    ("trillion yuan", "亿元", 1e12 / 1e8, "money"),
    ("100 million yuan", "亿元", 1.0, "money"),
    ("100 million yuan (亿元)", "亿元", 1.0, "money"),
    ("（亿元）", "亿元", 1.0, "money"),
    ("单位：亿元", "亿元", 1.0, "money"),
    ("10000 yuan", "亿元", 1e4 / 1e8, "money"),
    ("yuan", "亿元", 1 / 1e8, "money"),
    ("%", "percent", 1.0, "percent"),
    ("％", "percent", 1.0, "percent"),
    ("percent", "percent", 1.0, "percent"),
    ("个百分点", "percentage_point", 1.0, "percentage_point"),
    ("percentage points", "percentage_point", 1.0, "percentage_point"),
    ("万人", "万人", 1.0, "people"),
    ("人", "万人", 1 / 1e4, "people"),
    ("index", "index", 1.0, "index"),
    ("preceding year=100", "index", 1.0, "index"),
    ("上年=100", "index", 1.0, "index"),
    ("上年同期=100", "index", 1.0, "index"),
    ("2019=100", "index", 1.0, "index"),
]


@pytest.mark.parametrize(("text", "canonical", "multiplier", "family"), UNITS)
def test_parse_unit_table(text, canonical, multiplier, family):
    u = parse_unit(text)
    assert isinstance(u, Unit)
    assert u.canonical == canonical
    assert u.multiplier == pytest.approx(multiplier, rel=1e-12)
    assert u.family == family
    assert u.text == text.strip()


def test_parse_unit_passes_unit_through():
    u = parse_unit("万元")
    assert parse_unit(u) is u


@pytest.mark.parametrize("text", ["furlongs", "亿美元", "", "  ", "percent per annum"])
def test_unknown_unit_names_it_and_lists_known(text):
    with pytest.raises(UnitError) as info:
        parse_unit(text)
    msg = str(info.value)
    assert repr(text) in msg
    assert "亿元" in msg
    assert "billion yuan" in msg


@pytest.mark.parametrize(
    ("value", "src", "dst", "expected"),
    [
        # published: Lixia 2022 GDP 228.29 billion yuan = 2282.9 亿元 (issue, Done when)
        (228.29, "billion yuan", None, 2282.9),
        # published: Jinan 2013 GDP 523.02 billion yuan = 5230.2 亿元
        (523.02, "billion yuan", None, 5230.2),
        # published: Jinan 2013 retail sales 263.39 billion yuan
        (263.39, "billion yuan", None, 2633.9),
        (1.14, "trillion yuan", None, 11400.0),
        (1.5, "trillion yuan", None, 15000.0),
        (123456.0, "万元", None, 12.3456),
        (1e8, "元", None, 1.0),
        (1685.4, "亿元", None, 1685.4),
        (1685.4, "100 million yuan (亿元)", "亿元", 1685.4),
        (2.5, "万元", "元", 25000.0),
        (3.0, "亿元", "万元", 30000.0),
        (52345.0, "元", "元", 52345.0),
        (12.0, "万人", "人", 120000.0),
        (5.5, "%", "percent", 5.5),
    ],
)
def test_convert_scalars(value, src, dst, expected):
    got = convert(value, src) if dst is None else convert(value, src, to_unit=dst)
    assert isinstance(got, float)
    # scalars convert in decimal: the printed figure comes out exactly, no float noise
    assert got == expected


def test_convert_arrays_and_series_keep_type():
    s = pd.Series([1.0, 2.5, np.nan], index=["a", "b", "c"])
    out = convert(s, "billion yuan")
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    np.testing.assert_allclose(out.to_numpy(), [10.0, 25.0, np.nan])
    arr = convert(np.array([1e8, 2e8]), "元")
    np.testing.assert_allclose(arr, [1.0, 2.0])
    lst = convert([10000, 20000], "万元", to_unit="元")
    np.testing.assert_allclose(lst, [1e8, 2e8])


@pytest.mark.parametrize(("src", "dst"), [("亿元", "percent"), ("%", "个百分点"), ("万人", "元")])
def test_convert_across_families_fails(src, dst):
    with pytest.raises(UnitError, match="cannot convert"):
        convert(1.0, src, to_unit=dst)


NUMBERS = [
    ("1,234.5", 1234.5),
    ("１２３４．５", 1234.5),
    ("１，２３４．５", 1234.5),
    ("－3.2", -3.2),
    ("-3.2", -3.2),
    ("−3.2", -3.2),
    ("+4", 4.0),
    ("+4.25", 4.25),
    (" 12 ", 12.0),
    ("1 401 879.2", 1401879.2),
    ("0.5", 0.5),
    (".5", 0.5),
    ("12.", 12.0),
    ("1e3", 1000.0),
    ("1401879.2", 1401879.2),
    (7, 7.0),
    (2.5, 2.5),
    (np.float64(1.25), 1.25),
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number_table(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["—", "——", "-", "--", "…", "...", "", "NA", "na", "n.a.", "N.A.", "/", "  ", None]
)
def test_missing_markers_are_nan(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["12.3亿", "abc", "12%", "1,23", "1.2.3", ".", "+", "e5", "12 3a"])
def test_parse_number_rejects_text(text):
    with pytest.raises(DataFormatError) as info:
        parse_number(text)
    assert info.value.value == text
    assert repr(text) in str(info.value)


def test_parse_number_error_can_be_located():
    with pytest.raises(DataFormatError) as info:
        parse_number("12.3亿")
    located = info.value.located(path="data/raw/x.csv", row=14, column="value")
    assert str(located).startswith("data/raw/x.csv row 14, column 'value': '12.3亿'")


def test_parse_numbers_vectorised():
    cells = pd.Series(["1,234.5", "—", "1,234.5", None, "－3"] * 3)
    out = parse_numbers(cells)
    assert out.dtype == np.float64
    expected = [parse_number(c) for c in cells]
    np.testing.assert_array_equal(out, np.array(expected, dtype=float))


def test_parse_numbers_error_names_position():
    with pytest.raises(DataFormatError, match="position 2"):
        parse_numbers(["1", "2", "abc"])


LABELS = [
    ("社会消费品零售总额（亿元）", "社会消费品零售总额", "亿元"),
    ("GDP (100 million yuan)", "GDP", "100 million yuan"),
    ("增长（%）", "增长", "%"),
    ("比上年同期增长(%)", "比上年同期增长", "%"),
    (
        "Gross Domestic Product, Current Quarter (100 million yuan)",
        "Gross Domestic Product, Current Quarter",
        "100 million yuan",
    ),
    (
        "Value-added of Finance, Accumulated(100 million yuan)",
        "Value-added of Finance, Accumulated",
        "100 million yuan",
    ),
    (
        "Indices of Gross Domestic Product (preceding year=100) , Current Quarter",
        "Indices of Gross Domestic Product, Current Quarter",
        "preceding year=100",
    ),
    ("国内生产总值指数(上年=100)当季值", "国内生产总值指数当季值", "上年=100"),
    ("社零额（单位：亿元）", "社零额", "亿元"),
    ("GDP (地区生产总值)", "GDP (地区生产总值)", None),
    ("retail sales", "retail sales", None),
]


@pytest.mark.parametrize(("label", "clean", "unit"), LABELS)
def test_unit_from_label(label, clean, unit):
    assert unit_from_label(label) == (clean, unit)


def test_errors_are_lixia_errors():
    assert issubclass(UnitError, LixiaEconError)
    assert issubclass(UnitError, DataFormatError)
