"""Tests of the tidy schema's validator (hand-made rows; values are illustrative, not data)."""

from __future__ import annotations

import pandas as pd
import pytest

from lixia_econ.errors import SchemaError
from lixia_econ.schema import COLUMNS, KEY, indicators, regions, validate


def _row(**changes):
    row = {
        "region": "000000",
        "indicator": "retail_sales",
        "freq": "M",
        "period": "2020-03",
        "measure": "ytd_level",
        "value": 78579.7,
        "unit": "亿元",
        "price_basis": "current",
        "status": "published",
        "source": "fixture.csv",
        "note": "",
    }
    row.update(changes)
    return row


def _frame(*rows):
    return pd.DataFrame(list(rows), columns=list(COLUMNS))


def test_catalogues_have_codes_as_strings_and_bilingual_names():
    assert regions()["370102"].name_zh == "历下区"
    assert regions()["000000"].name_en == "China"
    assert all(isinstance(code, str) and len(code) == 6 for code in regions())
    gdp = indicators()["gdp"]
    assert (gdp.name_zh, gdp.unit, gdp.kind) == ("地区生产总值", "亿元", "flow")


def test_valid_table_passes_and_comes_back_sorted_with_canonical_dtypes():
    frame = _frame(_row(period="2020-03"), _row(period="2020-02", value=52129.8))
    out = validate(frame)
    assert out["period"].tolist() == ["2020-02", "2020-03"]
    assert out["value"].dtype == "float64"
    assert list(out.columns) == list(COLUMNS)


def test_identical_repeated_rows_are_kept_once():
    out = validate(_frame(_row(), _row()))
    assert len(out) == 1


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"region": "999999"}, "region", "unknown region"),
        ({"indicator": "gpd"}, "indicator", "unknown indicator"),
        ({"freq": "W"}, "freq", "unknown freq"),
        ({"measure": "ytd"}, "measure", "unknown measure"),
        ({"status": "guess"}, "status", "unknown status"),
        ({"period": "2020-13"}, "period", "not a period label of frequency M"),
        ({"freq": "Q", "period": "2020Q5"}, "period", "not a period label of frequency Q"),
        ({"value": "abc"}, "value", "finite number"),
        ({"value": float("nan")}, "value", "finite number"),
        ({"measure": "yoy_pct", "unit": "percent", "value": 950.0}, "value", "implausible"),
        ({"measure": "share_pct", "unit": "percent", "value": 120.0}, "value", "between 0 and 100"),
    ],
)
def test_bad_rows_name_column_and_value(change, column, message):
    frame = _frame(_row(), _row(**{"period": "2020-04", "value": 106757.5, **change}))
    frame.attrs["source_rows"] = [2, 3]
    with pytest.raises(SchemaError, match=message) as info:
        validate(frame, path="data/raw/x.csv")
    err = info.value
    assert err.path == "data/raw/x.csv"
    assert err.row == 3
    assert err.column == column
    assert "data/raw/x.csv row 3" in str(err)


def test_same_key_two_values_names_both_rows():
    frame = _frame(_row(), _row(value=78000.0))
    frame.attrs["source_rows"] = [7, 9]
    with pytest.raises(SchemaError, match=r"more than once.*row 7, row 9"):
        validate(frame, path="x.csv")


def test_year_to_date_flow_falling_within_a_year_is_rejected():
    frame = _frame(_row(period="2020-02", value=52129.8), _row(period="2020-03", value=50000.0))
    with pytest.raises(SchemaError, match="falls within the year at 2020-03") as info:
        validate(frame)
    assert "'value': 50000.0:" in str(info.value)  # a plain number, not np.float64(...)
    # ...but a new year starts again from zero.
    ok = _frame(_row(period="2019-12", value=411649.0), _row(period="2020-02", value=52129.8))
    assert len(validate(ok)) == 2


def test_missing_and_unexpected_columns():
    frame = _frame(_row()).drop(columns="unit").assign(extra=1)
    with pytest.raises(SchemaError, match=r"missing \['unit'\], unexpected \['extra'\]"):
        validate(frame)


def test_key_includes_source_so_two_vintages_coexist():
    assert "source" in KEY
    out = validate(_frame(_row(), _row(value=78580.0, source="other.csv")))
    assert len(out) == 2


@pytest.mark.parametrize("name", ["indicators.csv", "regions.csv"])
def test_catalogue_rows_are_whole_and_aliases_unambiguous(name):
    import csv

    from lixia_econ.config import CATALOGUE_DIR

    with open(CATALOGUE_DIR / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert all(len(row) == len(rows[0]) for row in rows), "a field holds an unquoted comma"
    owner = {}
    for row in rows[1:]:
        for alias in row[-1].split("|"):
            key = alias.casefold()
            assert owner.setdefault(key, row[0]) == row[0], f"{alias!r} names two codes"
