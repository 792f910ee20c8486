"""Tests of lixia_econ.panel: load_panel, get_series and the ``econ`` DataFrame accessor.

Two kinds of data:

- the shipped panel (``data/raw/`` built once per session by the ``built`` fixture of
  conftest.py), for published figures;
- ``_fixture_panel()`` below: HAND-MADE TEST FIXTURE VALUES, NOT DATA, laid out to
  exercise choices (several frequencies, price bases), estimates, targets and splicing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lixia_econ import schema, viz
from lixia_econ.errors import LixiaEconError, ParameterError
from lixia_econ.io import read_table
from lixia_econ.panel import get_series, load_panel, panel_rows, row_arrays
from lixia_econ.report import validate_parameters
from lixia_econ.schema import COLUMNS

OLD, NEW = "old_vintage.csv", "new_vintage.csv"


def _row(region, indicator, freq, period, value, *, measure="level", status="published", **kw):
    row = {
        "region": region,
        "indicator": indicator,
        "freq": freq,
        "period": period,
        "measure": measure,
        "value": value,
        "unit": "亿元" if "pct" not in measure else "percent",
        "price_basis": "current",
        "status": status,
        "source": OLD,
        "note": "",
    }
    row.update(kw)
    return row


def _fixture_panel() -> pd.DataFrame:
    """Hand-made test fixture (values invented; they only need to differ from one another)."""
    rows = [
        # Lixia GDP, annual levels from two vintages: the newer one revises 2019 and adds 2020
        _row("370102", "gdp", "A", "2018", 100.0, source=OLD),
        _row("370102", "gdp", "A", "2019", 110.0, source=OLD),
        _row("370102", "gdp", "A", "2019", 111.0, source=NEW),
        _row("370102", "gdp", "A", "2020", 112.0, source=NEW),
        # a derived figure of the newer vintage does not beat a published one of the older
        _row("370102", "gdp", "A", "2021", 120.0, source=OLD),
        _row("370102", "gdp", "A", "2021", 999.0, source=NEW, status="derived"),
        # quarterly levels: two published, two model estimates, one estimate over a published
        _row("370102", "gdp", "Q", "2020Q1", 25.0),
        _row("370102", "gdp", "Q", "2020Q2", 27.0),
        _row("370102", "gdp", "Q", "2020Q2", 77.0, status="estimated", source=NEW),
        _row("370102", "gdp", "Q", "2020Q3", 29.0, status="estimated", source=NEW),
        _row("370102", "gdp", "Q", "2020Q4", 31.0, status="estimated", source=NEW),
        # growth on two price bases, and a target that is never an outcome
        _row("370102", "gdp", "A", "2020", 1.0, measure="yoy_pct"),
        _row("370102", "gdp", "A", "2020", 2.0, measure="yoy_pct", price_basis="comparable"),
        _row("370102", "gdp", "A", "2021", 6.0, measure="yoy_pct", status="target"),
        # retail sales, one series only
        _row("370102", "retail_sales", "A", "2019", 500.0),
        _row("370102", "retail_sales", "A", "2020", 480.0),
        # China, for the region attributes
        _row("000000", "gdp", "A", "2020", 1000.0),
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame.attrs["source_order"] = [OLD, NEW]  # older vintage first, as in the manifest
    return frame


@pytest.fixture
def panel() -> pd.DataFrame:
    return _fixture_panel()


# --------------------------------------------------------------------------- get_series


def test_default_measure_is_level_and_attrs_describe_the_series(panel):
    gdp = get_series(panel, "370102", "gdp", freq="A")
    assert gdp.attrs["measure"] == "level"
    assert gdp.attrs["unit"] == "亿元"
    assert gdp.attrs["freq"] == "A"
    assert gdp.attrs["price_basis"] == "current"
    assert gdp.attrs["region"] == "370102"
    assert gdp.attrs["indicator"] == "gdp"
    assert gdp.dtype == "float64"
    assert isinstance(gdp.index, pd.PeriodIndex)
    assert gdp.index.is_monotonic_increasing
    assert gdp.index.is_unique


SPLICE = [
    ("2018", 100.0, "published"),  # only the older vintage has it
    ("2019", 111.0, "published"),  # both published: the later vintage wins
    ("2020", 112.0, "published"),  # only the newer vintage has it
    ("2021", 120.0, "published"),  # published (old) beats derived (new): status before vintage
]


@pytest.mark.parametrize(("period", "value", "status"), SPLICE, ids=[p for p, _, _ in SPLICE])
def test_sources_are_spliced_by_status_then_vintage(panel, period, value, status):
    gdp = get_series(panel, "Lixia", "gdp", freq="A")
    assert gdp[pd.Period(period, freq="Y")] == value
    assert gdp.attrs["status"][pd.Period(period, freq="Y")] == status
    assert gdp.attrs["sources"] == sorted([OLD, NEW])


def test_without_a_source_order_status_still_decides(panel):
    panel.attrs = {}
    gdp = get_series(panel, "Lixia", "gdp", freq="A")
    assert gdp[pd.Period("2021", freq="Y")] == 120.0  # status still decides
    assert gdp.index.is_unique


def test_one_source_only(panel):
    old = get_series(panel, "Lixia", "gdp", freq="A", source=OLD)
    assert old.to_dict() == {
        pd.Period("2018", freq="Y"): 100.0,
        pd.Period("2019", freq="Y"): 110.0,
        pd.Period("2021", freq="Y"): 120.0,
    }
    assert old.attrs["sources"] == [OLD]


def test_estimates_are_excluded_by_default(panel):
    q = get_series(panel, "Lixia", "gdp", freq="Q")
    assert list(q.index.astype(str)) == ["2020Q1", "2020Q2"]
    assert q[pd.Period("2020Q2", freq="Q")] == 27.0
    assert set(q.attrs["status"]) == {"published"}


def test_estimates_are_included_on_request_and_labelled(panel):
    q = get_series(panel, "Lixia", "gdp", freq="Q", include_estimates=True)
    assert list(q.index.astype(str)) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert q[pd.Period("2020Q2", freq="Q")] == 27.0  # a published figure beats an estimate
    assert q.attrs["status"].tolist() == ["published", "published", "estimated", "estimated"]


def test_targets_are_never_outcomes(panel):
    yoy = get_series(panel, "Lixia", "gdp", measure="yoy_pct", price_basis="comparable")
    assert pd.Period("2021", freq="Y") not in yoy.index
    with pytest.raises(ParameterError, match="has no measure 'target_yoy_pct'"):
        get_series(panel, "Lixia", "gdp", measure="target_yoy_pct")


CHOICES = [
    # (options, message): each names what was found and what to choose from
    ({}, r"several freq: \['A', 'Q'\]; choose one with freq=\.\.\."),
    ({"measure": "yoy_pct"}, r"several price_basis: \['comparable', 'current'\]; choose one"),
    ({"measure": "index"}, r"has no measure 'index'; available: \['level', 'yoy_pct'\]"),
    ({"freq": "M"}, r"has no freq 'M'; available: \['A', 'Q'\]"),
    ({"freq": "A", "source": "x.csv"}, r"has no source 'x.csv'; available: \['new_vintage"),
    ({"measure": "yoy_pct", "price_basis": "na"}, r"available: \['comparable', 'current'\]"),
]


@pytest.mark.parametrize(("options", "message"), CHOICES, ids=[str(o) for o, _ in CHOICES])
def test_choices_to_make_are_parameter_errors_listing_them(panel, options, message):
    with pytest.raises(ParameterError, match=message):
        get_series(panel, "Lixia", "gdp", **options)


def test_a_choice_made_resolves_it(panel):
    assert get_series(panel, "Lixia", "gdp", freq="Q").attrs["freq"] == "Q"
    yoy = get_series(panel, "Lixia", "gdp", measure="yoy_pct", price_basis="comparable")
    assert yoy.tolist() == [2.0]
    assert yoy.attrs["unit"] == "percent"


@pytest.mark.parametrize(
    ("region", "indicator", "message"),
    [
        ("Lixa", "gdp", "Did you mean '370102'"),
        ("Atlantis", "gdp", "not in the region catalogue"),
        ("Lixia", "gross domestic happiness", "not in the indicator catalogue"),
        ("Lixia", "cpi", r"has no cpi for Lixia \(370102\); it has: \['gdp', 'retail_sales'\]"),
        ("Jinan", "gdp", r"has no gdp for Jinan \(370100\); it has: \[\]"),
    ],
)
def test_unknown_or_absent_names_say_what_there_is(panel, region, indicator, message):
    with pytest.raises(ParameterError, match=message):
        get_series(panel, region, indicator)


def test_the_panel_attrs_are_not_copied_onto_the_series(panel):
    gdp = get_series(panel, "Lixia", "retail_sales")
    assert "source_order" not in gdp.attrs
    assert panel.attrs["source_order"] == [OLD, NEW]  # and the panel's are left alone


# --------------------------------------------------------------------------- the accessor


def test_accessor_series_is_get_series(panel):
    via_accessor = panel.econ.series("历下区", "地区生产总值", freq="A")
    pd.testing.assert_series_equal(via_accessor, get_series(panel, "370102", "gdp", freq="A"))


def test_region_and_indicator_names_tab_complete(panel):
    assert dir(panel.econ.regions) == ["china", "lixia"]  # only regions the panel has
    assert dir(panel.econ.regions.lixia) == ["gdp", "retail_sales"]
    assert dir(panel.econ.regions.china) == ["gdp"]
    assert panel.econ.regions.lixia.retail_sales.tolist() == [500.0, 480.0]
    assert repr(panel.econ.regions.lixia) == "<Lixia District: gdp, retail_sales>"


def test_attribute_errors_not_parameter_errors_so_completion_and_hasattr_work(panel):
    assert not hasattr(panel.econ.regions, "jinan")  # in the catalogue, not in the panel
    assert not hasattr(panel.econ.regions.lixia, "cpi")
    assert not hasattr(panel.econ.regions.lixia, "_ipython_canary_method_should_not_exist_")
    with pytest.raises(AttributeError, match=r"have \['china', 'lixia'\]"):
        panel.econ.regions.atlantis  # noqa: B018
    # a choice to make is an AttributeError too, with the ParameterError's message
    with pytest.raises(AttributeError, match="several freq"):
        panel.econ.regions.lixia.gdp  # noqa: B018


def test_available_lists_each_series_with_counts_and_first_last(panel):
    table = panel.econ.available()
    assert list(table.columns[:2]) == ["region", "region_name"]
    assert {"observations", "first", "last"} <= set(table.columns)
    row = table[
        (table["region"] == "370102")
        & (table["indicator"] == "gdp")
        & (table["freq"] == "Q")
        & (table["status"] == "estimated")
    ]
    assert row[["observations", "first", "last"]].to_numpy().tolist() == [[3, "2020Q2", "2020Q4"]]
    assert set(table.loc[table["region"] == "000000", "region_name"]) == {"China"}
    assert table["observations"].sum() == len(panel)


def test_the_accessor_refuses_a_frame_that_is_not_a_panel():
    with pytest.raises(AttributeError, match="not a lixia_econ panel"):
        pd.DataFrame({"a": [1]}).econ  # noqa: B018


# --------------------------------------------------------------------------- the shipped panel


def test_splice_prefers_later_vintage_on_overlap(built):
    _, panel = built
    yoy = get_series(panel, "China", "gdp", measure="yoy_pct", freq="Q")
    assert yoy.index.is_unique
    assert yoy.index[0] == pd.Period("1992Q1", freq="Q")
    assert yoy.index[-1] == pd.Period("2026Q1", freq="Q")
    # 2022Q2: the portal (later vintage) says index 100.8 -> 0.8 %.
    assert yoy[pd.Period("2022Q2", freq="Q")] == pytest.approx(0.8)
    only_old = get_series(
        panel,
        "China",
        "gdp",
        measure="yoy_pct",
        freq="Q",
        source="national_gdp_quarterly_real_yoy_1992_2022.csv",
    )
    assert only_old.index[-1] == pd.Period("2022Q4", freq="Q")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "Lixa", "indicator": "gdp"}, "Did you mean '370102'"),
        ({"region": "Lixia", "indicator": "cpi"}, "has no cpi"),
        ({"region": "China", "indicator": "gdp", "measure": "share_pct"}, "available"),
        ({"region": "Lixia", "indicator": "va_finance", "measure": "share_pct"}, "several freq"),
    ],
)
def test_get_series_errors_say_what_is_available(built, kwargs, message):
    _, panel = built
    region, indicator = kwargs.pop("region"), kwargs.pop("indicator")
    with pytest.raises(ParameterError, match=message):
        get_series(panel, region, indicator, **kwargs)


def test_accessor_picks_series_and_tab_completes(built):
    _, panel = built
    assert "lixia" in dir(panel.econ.regions)
    assert "gdp" in dir(panel.econ.regions.lixia)
    gdp = panel.econ.regions.lixia.gdp
    # Published: Lixia GDP 2019 1685.4 亿元 (data/raw/SOURCES.md)
    assert gdp[pd.Period("2019", freq="Y")] == pytest.approx(1685.4)
    # Jinan has annual GDP and, since jinan_districts_2020_2024.csv, 2020 by quarter
    with pytest.raises(ParameterError, match=r"several freq: \['A', 'Q'\]"):
        panel.econ.series("济南市", "地区生产总值")
    assert panel.econ.series("济南市", "地区生产总值", freq="A").attrs["region"] == "370100"
    table = panel.econ.available()
    assert {"region_name", "observations", "first", "last"} <= set(table.columns)


# --------------------------------------------------------------------------- the row index


def _masked(panel, region, indicator=None):
    """The rows a plain boolean mask selects (what ``panel_rows`` must return)."""
    mask = panel["region"] == region
    if indicator is not None:
        mask &= panel["indicator"] == indicator
    rows = panel[mask]
    rows.attrs = {}
    return rows


def test_panel_rows_are_the_rows_a_mask_selects(built):
    _, panel = built
    pairs = panel[["region", "indicator"]].drop_duplicates().itertuples(index=False)
    for region, indicator in [*pairs, ("370102", "no_such_indicator"), ("999999", "gdp")]:
        pd.testing.assert_frame_equal(
            panel_rows(panel, region, indicator), _masked(panel, region, indicator)
        )
    for region in [*panel["region"].unique(), "999999"]:
        pd.testing.assert_frame_equal(panel_rows(panel, region), _masked(panel, region))


def test_row_arrays_are_the_columns_of_the_rows_a_mask_selects(built):
    _, panel = built
    columns = tuple(panel.columns)
    pairs = panel[["region", "indicator"]].drop_duplicates().itertuples(index=False)
    for region, indicator in [*pairs, ("370102", "no_such_indicator")]:
        got = row_arrays(panel, region, indicator, columns)
        want = _masked(panel, region, indicator)
        for c in columns:
            np.testing.assert_array_equal(got[c], want[c].to_numpy(), err_msg=c)
            assert got[c].dtype == want[c].to_numpy().dtype


def _gdp_row(panel):
    return panel.index[(panel["region"] == "370102") & (panel["indicator"] == "gdp")][0]


def _relabel(panel):
    panel.loc[_gdp_row(panel), "region"] = "370112"


def _revalue(panel):
    panel.loc[_gdp_row(panel), "value"] = 12345.6


def _append(panel):
    row = panel.loc[_gdp_row(panel)].copy()
    row["period"], row["value"] = "2099", 1.0
    panel.loc[panel.index.max() + 1] = row


def _reperiod(panel):  # a column outside the index's key: its NumPy copy is made again
    panel.loc[_gdp_row(panel), "period"] = "2098"


def _reindicate(panel):
    panel.loc[_gdp_row(panel), "indicator"] = "gdp_nominal"


def _reorder(panel):
    order = np.argsort(panel["period"].to_numpy(), kind="stable")[::-1]
    for column in panel.columns:
        panel[column] = panel[column].to_numpy()[order]


def _object_column_then_write(panel):
    panel["region"] = panel["region"].astype(object)
    panel_rows(panel, "370102", "gdp")  # indexed with a NumPy column, then written to
    panel.loc[_gdp_row(panel), "region"] = "370112"


@pytest.mark.parametrize(
    "mutate",
    [_relabel, _reindicate, _reperiod, _revalue, _append, _reorder, _object_column_then_write],
)
def test_a_panel_changed_after_first_use_is_never_answered_from_a_stale_index(built, mutate):
    panel = built.panel.copy(deep=True)
    for region in ("370102", "370112"):  # the index is built and used
        get_series(panel, region, "gdp", freq="A")
    mutate(panel)
    fresh = panel.copy(deep=True)  # a new object: indexed from scratch
    for region, indicator in [("370102", "gdp"), ("370112", "gdp"), ("000000", "gdp")]:
        pd.testing.assert_frame_equal(
            panel_rows(panel, region, indicator), _masked(panel, region, indicator)
        )
        for options in ({"freq": "A"}, {"measure": "yoy_pct", "freq": "A"}):
            got = get_series(panel, region, indicator, **options)
            want = get_series(fresh, region, indicator, **options)
            pd.testing.assert_series_equal(got, want)
            pd.testing.assert_series_equal(got.attrs["status"], want.attrs["status"])


def test_shipped_panel_keeps_the_source_order_of_the_manifest(built):
    order = built.panel.attrs["source_order"]
    assert order[0].startswith("national_gdp_quarterly_real_yoy_1992_2022.csv")
    assert set(order) == set(built.panel["source"])


# --------------------------------------------------------------------------- load_panel


def test_load_panel_builds_when_missing(raw_copy, tmp_path):
    out = tmp_path / "p"
    panel = load_panel(out, raw_dir=raw_copy)
    assert (out / "panel.parquet").exists()
    assert len(panel) > 1000
    assert list(panel.columns) == list(COLUMNS)
    with pytest.raises(LixiaEconError, match="no processed panel"):
        load_panel(tmp_path / "nothing", raw_dir=raw_copy, rebuild=False)


def _write_raw(raw: Path, value: float) -> Path:
    # Hand-made test fixture in the long layout (not in a manifest: detected automatically).
    raw.mkdir(parents=True, exist_ok=True)
    path = raw / "mine.csv"
    path.write_text(
        f"region,indicator,period,value,unit\n历下区,地区生产总值,2020,{value},亿元\n",
        encoding="utf-8",
    )
    return path


def test_a_stale_panel_is_rebuilt_and_a_fresh_one_is_not(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    _write_raw(raw, 1.5)
    first = load_panel(out, raw_dir=raw)
    assert first["value"].tolist() == [1.5]
    parquet = out / "panel.parquet"
    built_at = parquet.stat().st_mtime_ns

    # nothing newer than the panel: read as it is
    again = load_panel(out, raw_dir=raw)
    assert again["value"].tolist() == [1.5]
    assert parquet.stat().st_mtime_ns == built_at

    # a raw file changed after the build: the panel is stale and rebuilt
    path = _write_raw(raw, 2.5)
    later = parquet.stat().st_mtime + 10
    os.utime(path, (later, later))
    assert load_panel(out, raw_dir=raw)["value"].tolist() == [2.5]
    # rebuild=False reads what is there even when stale
    _write_raw(raw, 3.5)
    os.utime(path, (later + 10, later + 10))
    assert load_panel(out, raw_dir=raw, rebuild=False)["value"].tolist() == [2.5]
    assert load_panel(out, raw_dir=raw, rebuild=True)["value"].tolist() == [3.5]


def test_a_failed_build_is_an_error_naming_the_file(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    # Hand-made test fixture with a month that does not exist.
    (raw / "bad.csv").write_text(
        "region,indicator,period,value,unit\n历下区,地区生产总值,2020年13月,1,亿元\n",
        encoding="utf-8",
    )
    with pytest.raises(LixiaEconError, match=r"building the panel failed: .*bad\.csv"):
        load_panel(tmp_path / "p", raw_dir=raw)


# --------------------------------------------------------------------------- one resolver

REGION_NAMES = [
    "370102",
    "历下区",
    "历下",
    "Lixia",
    "lixia_district",
    "Lixia District",
    "３７０１０２",
]
INDICATOR_NAMES = {
    "gdp": "gdp",
    "GDP": "gdp",
    "ＧＤＰ": "gdp",
    "地区生产总值": "gdp",
    "retail_sales": "retail_sales",
}


def _via_schema(name, panel, template, tmp_path):
    return schema.resolve_region(name)


def _via_get_series(name, panel, template, tmp_path):
    return get_series(panel, name, "retail_sales").attrs["region"]


def _via_accessor(name, panel, template, tmp_path):
    return panel.econ.series(name, "retail_sales").attrs["region"]


def _via_read_table_option(name, panel, template, tmp_path):
    # Hand-made test fixture: a long file without a region column, the region given.
    path = tmp_path / "no_region.csv"
    path.write_text("indicator,period,value,unit\ngdp,2020,1.0,亿元\n", encoding="utf-8")
    (code,) = set(read_table(path, layout="long", region=name)["region"])
    return code


def _via_read_table_column(name, panel, template, tmp_path):
    # Hand-made test fixture: the region named in the file's own region column.
    path = tmp_path / "named_region.csv"
    path.write_text(
        f"region,indicator,period,value,unit\n{name},gdp,2020,1.0,亿元\n", encoding="utf-8"
    )
    (code,) = set(read_table(path, layout="long")["region"])
    return code


def _via_viz_label(name, panel, template, tmp_path):
    # the name gets the code's labels; the English label maps back to the code
    code = schema.resolve_region(viz.region_label(name, lang="en"))
    assert viz.region_label(name) == viz.region_label(code)
    return code


def _via_report_parameters(name, panel, template, tmp_path):
    return validate_parameters(template, {"region": name})["region"]


def _via_report_command_line(name, panel, template, tmp_path):
    out = validate_parameters(template, {"region": name, "benchmarks": name}, from_text=True)
    assert out["benchmarks"] == [out["region"]]
    return out["region"]


REGION_ENTRY_POINTS = {
    "schema.resolve_region": _via_schema,
    "panel.get_series": _via_get_series,
    "panel.econ.series": _via_accessor,
    "io.read_table(region=)": _via_read_table_option,
    "io.read_table(region column)": _via_read_table_column,
    "viz.region_label": _via_viz_label,
    "report.validate_parameters": _via_report_parameters,
    "report.validate_parameters(from_text)": _via_report_command_line,
}


def _cases(entries, names):
    for entry in entries:
        for name in names:
            yield pytest.param(entry, name, id=f"{entry}-{name}")


@pytest.mark.parametrize(("entry", "name"), list(_cases(REGION_ENTRY_POINTS, REGION_NAMES)))
def test_every_entry_point_resolves_a_region_name_to_the_same_code(
    entry, name, panel, tiny_template, tmp_path
):
    assert REGION_ENTRY_POINTS[entry](name, panel, tiny_template, tmp_path) == "370102"


def _ind_via_schema(name, panel, template, tmp_path):
    return schema.resolve_indicator(name)


def _ind_via_get_series(name, panel, template, tmp_path):
    return get_series(panel, "370102", name, freq="A", price_basis="current").attrs["indicator"]


def _ind_via_accessor(name, panel, template, tmp_path):
    return panel.econ.series("370102", name, freq="A", price_basis="current").attrs["indicator"]


def _ind_via_read_table(name, panel, template, tmp_path):
    # Hand-made test fixture: the indicator named in the file's indicator column.
    path = tmp_path / "named_indicator.csv"
    path.write_text(
        f"region,indicator,period,value,unit\n370102,{name},2020,1.0,亿元\n", encoding="utf-8"
    )
    (code,) = set(read_table(path, layout="long")["indicator"])
    return code


def _ind_via_viz_label(name, panel, template, tmp_path):
    # the name gets the code's labels; the English label maps back to the code
    code = schema.resolve_indicator(viz.indicator_label(name, lang="en"))
    assert viz.indicator_label(name, unit=True) == viz.indicator_label(code, unit=True)
    return code


def _ind_via_report_parameters(name, panel, template, tmp_path):
    (code,) = validate_parameters(template, {"indicators": [name]})["indicators"]
    return code


def _ind_via_report_command_line(name, panel, template, tmp_path):
    (code,) = validate_parameters(template, {"indicators": name}, from_text=True)["indicators"]
    return code


INDICATOR_ENTRY_POINTS = {
    "schema.resolve_indicator": _ind_via_schema,
    "panel.get_series": _ind_via_get_series,
    "panel.econ.series": _ind_via_accessor,
    "io.read_table(indicator column)": _ind_via_read_table,
    "viz.indicator_label": _ind_via_viz_label,
    "report.validate_parameters": _ind_via_report_parameters,
    "report.validate_parameters(from_text)": _ind_via_report_command_line,
}


@pytest.mark.parametrize(("entry", "name"), list(_cases(INDICATOR_ENTRY_POINTS, INDICATOR_NAMES)))
def test_every_entry_point_resolves_an_indicator_name_to_the_same_code(
    entry, name, panel, tiny_template, tmp_path
):
    expected = INDICATOR_NAMES[name]
    assert INDICATOR_ENTRY_POINTS[entry](name, panel, tiny_template, tmp_path) == expected


def test_get_series_gives_the_status_as_a_column(built):
    _, panel = built
    retail = get_series(panel, "China", "retail_sales", status=True)
    assert list(retail.columns) == ["value", "status"]
    feb, mar = pd.Period("2020-02", freq="M"), pd.Period("2020-03", freq="M")
    assert retail.loc[feb, "status"] == "jan_feb_combined"
    assert retail.loc[mar, "value"] == pytest.approx(26450, abs=1)
