"""The build end to end on the shipped raw data, and its all-or-nothing behaviour.

The shipped panel is built once per session (``built`` in conftest.py); picking series out of
it is tested in test_panel.py, ``lixia-econ build`` in test_cli.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from lixia_econ.build import build_panel
from lixia_econ.panel import get_series, load_panel
from lixia_econ.units import parse_unit

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def test_every_shipped_file_is_read(built):
    out, _panel = built
    log = pd.read_json(out / "build_log.json", typ="series")
    files = {entry["file"] for entry in log["read"]}
    shipped = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*.csv")}
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


def test_missing_listed_file_is_an_error(raw_copy, tmp_path):
    (raw_copy / "national_retail_monthly_2012_2018.csv").unlink()
    result = build_panel(raw_dir=raw_copy, processed_dir=tmp_path / "p")
    assert not result.ok
    assert "listed in the manifest but not found" in str(result.rejected[0][1])
