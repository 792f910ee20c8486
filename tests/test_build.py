"""The build end to end on the shipped raw data, and its all-or-nothing behaviour."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lixia_econ import cli
from lixia_econ.build import build_panel
from lixia_econ.errors import LixiaEconError, ParameterError
from lixia_econ.panel import get_series, load_panel
from lixia_econ.units import parse_unit

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    result = build_panel(raw_dir=RAW, processed_dir=out)
    assert result.ok, result.rejected
    return out, load_panel(out, raw_dir=RAW, rebuild=False)


@pytest.fixture
def raw_copy(tmp_path):
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def test_every_shipped_file_is_read(built):
    out, _panel = built
    log = pd.read_json(out / "build_log.json", typ="series")
    files = {entry["file"] for entry in log["read"]}
    shipped = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*.csv")}
    shipped -= {"regions.csv"}  # units registered before the data is read, not data
    assert files == shipped
    assert (out / "panel.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # Excel reads UTF-8 with BOM


def test_every_public_figure_is_in_the_panel_in_canonical_units(built):
    _, panel = built
    path = RAW / "jinan_lixia_public_figures.csv"
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    long = panel[panel["source"].str.startswith("jinan_lixia_public_figures.csv")]
    long = long[long["status"].isin(["published", "target"])]
    assert len(long) == len(rows) == 73
    for row in rows:
        unit = parse_unit(row["unit"])
        expected = float(row["value"]) * (unit.multiplier if unit.family == "money" else 1)
        if unit.family == "money" and unit.canonical == "亿元" and "per capita" in row["indicator"]:
            expected = float(row["value"])  # per-capita money stays in yuan
        hits = long[(long["value"] - expected).abs() < 1e-6 * max(1, abs(expected))]
        assert len(hits) >= 1, row
        assert hits["source"].str.contains(row["source_url"].split(",")[0][:30], regex=False).any()


def test_lixia_2022_gdp_is_2282_9_yi_yuan(built):
    # Published as 228.29 billion yuan (Jinan government English site, 2023-03-17).
    _, panel = built
    gdp = get_series(panel, "历下区", "GDP")
    assert gdp[pd.Period("2022", freq="Y")] == pytest.approx(2282.9)
    assert gdp.attrs["unit"] == "亿元"


def test_march_2020_retail_sales_from_year_to_date_file(built):
    # NBS release of 2020-04-17: 26,450 亿元 in March 2020.
    _, panel = built
    retail = get_series(panel, "China", "retail_sales")
    assert retail[pd.Period("2020-03", freq="M")] == pytest.approx(26450, abs=1)
    assert retail.attrs["status"][pd.Period("2020-02", freq="M")] == "jan_feb_combined"


def test_splice_prefers_later_vintage_on_overlap(built):
    _, panel = built
    yoy = get_series(panel, "China", "gdp", measure="yoy_pct")
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
        source="national_gdp_quarterly_real_yoy_1992_2022.csv",
    )
    assert only_old.index[-1] == pd.Period("2022Q4", freq="Q")


def test_second_build_is_a_no_op_and_forced_rebuild_is_identical(built):
    out, _ = built
    before = (out / "panel.csv").read_bytes()
    lines = []
    again = build_panel(raw_dir=RAW, processed_dir=out, echo=lines.append)
    assert again.unchanged
    assert "up to date" in lines[-1]
    forced = build_panel(raw_dir=RAW, processed_dir=out, force=True)
    assert forced.ok
    assert not forced.unchanged
    assert (out / "panel.csv").read_bytes() == before


def test_one_bad_file_fails_the_build_and_leaves_processed_as_it_was(raw_copy, tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["build", "--raw", str(raw_copy), "--processed", str(out)]) == 0
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = raw_copy / "district_monthly.csv"
    bad.write_text(
        "region,indicator,period,value,unit\n"
        "历下区,社会消费品零售总额,2020年1-2月,100.5,亿元\n"
        "历下区,社会消费品零售总额,2020年13月,120.0,亿元\n",
        encoding="gb18030",
    )
    capsys.readouterr()
    assert cli.main(["build", "--raw", str(raw_copy), "--processed", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "district_monthly.csv" in printed
    assert "2020年13月" in printed
    assert "row 3" in printed
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot


def test_unlisted_file_is_read_with_detected_layout(raw_copy, tmp_path):
    # A hand-made fixture: China's published Jan-Feb and Jan-Mar 2020 retail sales (NBS).
    (raw_copy / "my_report.csv").write_text(
        "region,indicator,period,value,unit\n"
        "全国,社会消费品零售总额,2020年1-2月,52129.8,亿元\n"
        "全国,社会消费品零售总额,2020年1-3月,78579.7,亿元\n",
        encoding="gb18030",
    )
    lines = []
    result = build_panel(raw_dir=raw_copy, processed_dir=tmp_path / "p", echo=lines.append)
    assert result.ok, result.rejected
    assert any("my_report.csv" in line and "detected automatically" in line for line in lines)
    panel = load_panel(tmp_path / "p", rebuild=False)
    mine = get_series(panel, "China", "retail_sales", measure="ytd_level", source="my_report.csv")
    assert mine.tolist() == [52129.8, 78579.7]


def test_load_panel_builds_when_missing_and_when_raw_is_newer(raw_copy, tmp_path):
    out = tmp_path / "p"
    panel = load_panel(out, raw_dir=raw_copy)
    assert (out / "panel.parquet").exists()
    assert len(panel) > 1000
    with pytest.raises(LixiaEconError, match="no processed panel"):
        load_panel(tmp_path / "nothing", raw_dir=raw_copy, rebuild=False)


def test_missing_listed_file_is_an_error(raw_copy, tmp_path):
    (raw_copy / "national_retail_monthly_2012_2018.csv").unlink()
    result = build_panel(raw_dir=raw_copy, processed_dir=tmp_path / "p")
    assert not result.ok
    assert "listed in the manifest but not found" in str(result.rejected[0][1])


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
    assert gdp[pd.Period("2019", freq="Y")] == pytest.approx(1685.4)
    # Jinan has annual GDP and, since jinan_districts_2020_2024.csv, 2020 by quarter
    with pytest.raises(ParameterError, match=r"several freq: \['A', 'Q'\]"):
        panel.econ.series("济南市", "地区生产总值")
    assert panel.econ.series("济南市", "地区生产总值", freq="A").attrs["region"] == "370100"
    table = panel.econ.available()
    assert {"region_name", "observations", "first", "last"} <= set(table.columns)


def test_get_series_gives_the_status_as_a_column(built):
    _, panel = built
    retail = get_series(panel, "China", "retail_sales", status=True)
    assert list(retail.columns) == ["value", "status"]
    feb, mar = pd.Period("2020-02", freq="M"), pd.Period("2020-03", freq="M")
    assert retail.loc[feb, "status"] == "jan_feb_combined"
    assert retail.loc[mar, "value"] == pytest.approx(26450, abs=1)
