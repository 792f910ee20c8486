"""The build end to end on the shipped raw data, and its all-or-nothing behaviour.

The shipped panel is built once per session (``built`` in conftest.py); picking series out of
it is tested in test_panel.py, ``lixia-econ build`` in test_cli.py.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lixia_econ import regions
from lixia_econ.build import build_panel, derive_annual
from lixia_econ.panel import get_series, load_panel
from lixia_econ.units import parse_unit

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def test_every_shipped_file_is_read(built):
    out, _panel = built
    log = pd.read_json(out / "build_log.json", typ="series")
    files = {entry["file"] for entry in log["read"]}
    shipped = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*.csv")}
    shipped -= {"regions.csv"}  # units registered before the data is read, not data
    assert files == shipped
    assert (out / "panel.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # Excel reads UTF-8 with BOM


def test_build_log_counts_the_empty_cells_of_each_file(built):
    """The log's ``missing`` per file is the number of empty value cells, counted here
    independently with the csv module (every shipped file's first column is its period)."""
    import csv

    out, _panel = built
    log = pd.read_json(out / "build_log.json", typ="series")
    counted = {}
    for entry in log["read"]:
        with (RAW / entry["file"]).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        if rows and rows[0] and rows[0][0] in ("month", "quarter_end_month"):  # wide files
            counted[entry["file"]] = sum(v.strip() == "" for r in rows[1:] for v in r[1:])
    assert counted, "no wide national file in the log"
    for entry in log["read"]:
        if entry["file"] in counted:
            assert entry["missing"] == counted[entry["file"]], entry["file"]
    assert sum(counted.values()) > 0  # the national files do have gaps: 0 would be the old bug


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


# ---------------------------------------------------------------------------
# any district, its own bulletins: registered units, bulletins as published,
# annual figures derived from quarters and months

DISTRICT = ROOT / "tests" / "fixtures" / "district_bulletin"
EXAMPLE_UNIT = "379901,示例区,Example District,county,370100,other,\n"


@pytest.fixture(autouse=True)
def _forget_registered_units():
    yield
    regions.clear_registered()


def _add_bulletin(raw: Path, name: str, jan_feb: str | None = None) -> None:
    """Copy a fixture bulletin into a raw folder, with its manifest entry and its unit."""
    shutil.copy(DISTRICT / name, raw / name)
    extra = f'jan_feb = "{jan_feb}"\n' if jan_feb else ""
    with open(raw / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(
            f'\n[[file]]\npath = "{name}"\nlayout = "wide"\n{extra}'
            '[file.options]\nregion = "示例区"\n'
        )
    with open(raw / "regions.csv", "a", encoding="utf-8") as fh:
        fh.write(EXAMPLE_UNIT)


def _rows(panel: pd.DataFrame, **where) -> pd.DataFrame:
    mask = pd.Series(True, index=panel.index)
    for k, v in where.items():
        mask &= panel[k] == v
    return panel[mask].sort_values("period")


def test_shipped_build_registers_the_functional_zones(built):
    out, _ = built
    regions.clear_registered()
    panel = load_panel(out, raw_dir=RAW, rebuild=False)  # registers out/regions.csv
    units = pd.read_csv(out / "regions.csv", dtype=str)
    assert list(units["code"]) == ["370190", "370191"]
    assert set(units["kind"]) == {"functional zone"}
    zone = get_series(panel, "济南高新区", "GDP")
    assert zone[pd.Period("2023", freq="Y")] == pytest.approx(1767.3)
    # every row of the new file is in the panel, districts through the resolver
    mine = panel[panel["source"].str.startswith("jinan_districts_2020_2024.csv")]
    assert len(mine[mine["status"] != "derived"]) == 80
    assert {"370112", "370114", "370116", "370103", "370190", "370191"} <= set(mine["region"])
    jinan_q = get_series(panel, "济南市", "GDP", freq="Q", measure="level")
    assert jinan_q[pd.Period("2020Q1", freq="Q")] == pytest.approx(2027.0)  # single quarter
    assert jinan_q.attrs["status"][pd.Period("2020Q1", freq="Q")] == "published"


def test_quarterly_bulletin_end_to_end(raw_copy, tmp_path):
    _add_bulletin(raw_copy, "example_district_quarterly_gb18030.csv")
    out = tmp_path / "processed"
    result = build_panel(raw_dir=raw_copy, processed_dir=out)
    assert result.ok, result.rejected
    regions.clear_registered()  # a fresh report kernel: load_panel registers the units
    panel = load_panel(out, raw_dir=raw_copy, rebuild=False)
    quarters = get_series(panel, "示例区", "GDP", status=True)
    assert list(quarters.index) == list(pd.period_range("2017Q1", "2023Q4", freq="Q"))
    assert set(quarters["status"]) == {"derived"}
    assert quarters["value"].iloc[:4].round(1).tolist() == [92.0, 102.0, 104.0, 114.7]
    annual = get_series(panel, "379901", "gdp", freq="A", status=True)
    assert list(annual.index) == list(pd.period_range("2017", "2023", freq="Y"))
    assert set(annual["status"]) == {"derived"}
    assert annual["value"].tolist() == [412.7, 446.7, 483.5, 500.5, 566.5, 613.2, 663.7]
    # budget revenue: 2017 and 2018 published for the whole year only
    revenue = _rows(panel, region="379901", indicator="gpb_revenue", measure="level")
    assert _rows(revenue, freq="A")["value"].tolist()[:2] == [33.0, 35.7]
    assert _rows(revenue, freq="Q")["period"].iloc[0] == "2019Q1"
    # the footnote and the source line: in the log, never in the panel
    log = pd.read_json(out / "build_log.json", typ="series")
    entry = next(e for e in log["read"] if e["file"].startswith("example_district"))
    assert [c["row"] for c in entry["caveats"]] == [5, 6]
    assert entry["caveats"][1]["text"] == "数据来源：示例区统计局"
    assert entry["flagged"] == []
    assert set(panel.loc[panel["region"] == "379901", "indicator"]) == {"gdp", "gpb_revenue"}
    assert "379901" in pd.read_csv(out / "regions.csv", dtype=str)["code"].tolist()


@pytest.mark.parametrize(
    ("jan_feb", "first"),
    [
        ("keep", ("2017-02", 41.1, "jan_feb_combined")),
        ("days", ("2017-01", 41.1 * 31 / 59, "jan_feb_split_days")),
    ],
)
def test_monthly_bulletin_end_to_end(raw_copy, tmp_path, jan_feb, first):
    _add_bulletin(raw_copy, "example_district_monthly_gb18030.csv", jan_feb=jan_feb)
    out = tmp_path / "processed"
    result = build_panel(raw_dir=raw_copy, processed_dir=out)
    assert result.ok, result.rejected
    panel = load_panel(out, raw_dir=raw_copy, rebuild=False)
    months = get_series(panel, "示例区", "retail_sales", status=True)
    period, value, status = first
    assert months.index[0] == pd.Period(period, freq="M")
    # days: January takes 31/59 of the January-February total (2017 is not a leap year)
    assert months["value"].iloc[0] == pytest.approx(value)
    assert months["status"].iloc[0] == status
    annual = get_series(panel, "示例区", "retail_sales", freq="A")
    assert annual.tolist() == [252.3, 271.0, 291.2, 292.4, 336.2, 361.2, 388.1]
    log = pd.read_json(out / "build_log.json", typ="series")
    entry = next(e for e in log["read"] if e["file"].startswith("example_district"))
    assert [c["text"][:3] for c in entry["caveats"]] == ["说明：", "数据来"]


def test_a_code_registered_twice_fails_the_build_naming_both_files(raw_copy, refused_rebuild):
    with refused_rebuild() as run:
        (raw_copy / "zones.regions.csv").write_text(
            "code,name_zh,name_en,level,parent,kind,aliases\n"
            "370190,高新区,Hi-tech Zone,county,370100,functional zone,\n",
            encoding="utf-8",
        )
    assert "registered twice" in run.printed
    assert "zones.regions.csv" in run.printed
    assert "regions.csv row 2" in run.printed


def test_a_year_to_date_value_that_falls_fails_the_build(raw_copy, refused_rebuild):
    with refused_rebuild() as run:
        (raw_copy / "falls.csv").write_text(
            "示例区主要指标\n指标,2020年1-3月,1-6月,1-9月,1-12月\n"
            "地区生产总值（亿元）,100.3,224.5,215.2,500.5\n",
            encoding="gb18030",
        )
        with open(raw_copy / "manifest.toml", "a", encoding="utf-8") as fh:
            fh.write(
                '\n[[file]]\npath = "falls.csv"\nlayout = "wide"\n'
                '[file.options]\nregion = "历下区"\n'
            )
    assert "falls.csv" in run.printed
    assert "row 3" in run.printed
    assert "215.2" in run.printed


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("历成区,GDP,2020,1.0,亿元", r"row 2.*历成区.*Did you mean.*370112"),
        ("历城区,地区生产总额,2020,1.0,亿元", r"row 2.*地区生产总额.*gdp"),
    ],
)
def test_unknown_region_or_indicator_is_refused_with_the_nearest(
    raw_copy, tmp_path, line, expected
):
    (raw_copy / "mine.csv").write_text(f"region,indicator,period,value,unit\n{line}\n", "utf-8")
    result = build_panel(raw_dir=raw_copy, processed_dir=tmp_path / "p")
    assert not result.ok
    name, err = result.rejected[0]
    assert name == "mine.csv"
    assert re.search(expected, str(err))
    assert not (tmp_path / "p").exists()


def test_china_annual_gdp_is_the_sum_of_its_quarters(built):
    # Within one vintage (the portal export, post-5th-census revision): the annual figure
    # derived from the 2022-2025 "Accumulated" Q4 values is the sum of the four "Current
    # Quarter" values up to the rounding of published figures (0.1 亿元). (NBS's first
    # release for 2023, 1,260,582 亿元, is an earlier vintage and not compared.)
    _, panel = built
    source = "nbs_portal_exports/nbs_quarterly_gdp_current_prices.csv"
    annual = get_series(panel, "China", "gdp", freq="A", measure="level", source=source)
    quarters = get_series(panel, "China", "gdp", freq="Q", measure="level", source=source)
    for year in (2022, 2023, 2024, 2025):
        total = quarters[[pd.Period(f"{year}Q{q}", freq="Q") for q in (1, 2, 3, 4)]].sum()
        assert annual[pd.Period(str(year), freq="Y")] == pytest.approx(total, abs=0.11)
    assert set(annual.attrs["status"]) == {"derived"}
    assert pd.Period("2026", freq="Y") not in annual.index  # 2026 has one quarter only
    assert annual[pd.Period("2023", freq="Y")] == pytest.approx(1294271.7)


def test_china_annual_real_growth_from_the_fourth_quarter_ytd(built):
    # NBS, 2025-01-17: GDP grew 5.0 % in 2024 (comparable prices); the portal's
    # accumulated Q4 index is 105.0.
    _, panel = built
    source = "nbs_portal_exports/nbs_quarterly_gdp_indices.csv"
    growth = get_series(panel, "China", "gdp", freq="A", measure="yoy_pct", source=source)
    assert growth[pd.Period("2024", freq="Y")] == pytest.approx(5.0)
    assert growth.attrs["price_basis"] == "comparable"
    assert set(growth.attrs["status"]) == {"derived"}


def test_derive_annual_within_a_vintage_and_only_whole_years():
    def row(freq, period, measure, value, status="published", source="a.csv"):
        return dict(region="370102", indicator="gdp", freq=freq, period=period,
                    measure=measure, value=value, unit="亿元", price_basis="current",
                    status=status, source=source, note="")  # fmt: skip

    quarters = [row("Q", f"2020Q{q}", "level", 10.0 * q) for q in (1, 2, 3, 4)]
    three = [row("Q", f"2021Q{q}", "level", 1.0) for q in (1, 2, 3)]
    same_source_2020 = row("A", "2020", "level", 101.0)  # a.csv publishes 2020 itself
    other_source_2019 = row("A", "2019", "level", 99.0, source="b.csv")
    ytd_2019 = row("Q", "2019Q4", "ytd_level", 98.0)
    panel = pd.DataFrame([*quarters, *three, same_source_2020, other_source_2019, ytd_2019])
    out = derive_annual(panel)
    # 2019 from a.csv's own Q4 year to date (b.csv's figure is another vintage); 2020 not
    # derived because a.csv publishes it; 2021 has three quarters only.
    assert out[["period", "value", "status", "freq", "source"]].values.tolist() == [
        ["2019", 98.0, "derived", "A", "a.csv"]
    ]
    # spliced, the published figure of the other vintage wins over the derived one
    both = pd.concat([panel, out], ignore_index=True)
    annual = get_series(both, "370102", "gdp", freq="A", measure="level")
    assert annual[pd.Period("2019", freq="Y")] == 99.0


def test_panel_csv_neutralises_formulas(raw_copy, tmp_path):
    # A hand-made fixture (issue 13): a note Excel would run as a command.
    (raw_copy / "hostile_note.csv").write_text(
        "region,indicator,period,value,unit,note\n"
        "全国,社会消费品零售总额,2020年1-2月,52129.8,亿元,=cmd|' /C calc'!A0\n",
        encoding="utf-8",
    )
    result = build_panel(raw_dir=raw_copy, processed_dir=tmp_path / "p")
    assert result.ok, result.rejected
    text = (tmp_path / "p" / "panel.csv").read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text.replace('""', '"')
    assert ",=cmd" not in text
    panel = pd.read_parquet(tmp_path / "p" / "panel.parquet")
    assert "=cmd|' /C calc'!A0" in set(panel["note"])  # the parquet keeps the value


def test_build_says_when_a_file_may_be_cut_short(raw_copy, tmp_path):
    # A hand-made fixture (issue 13): no newline after the last row, whose value may be cut.
    (raw_copy / "cut.csv").write_text(
        "region,indicator,period,value,unit\n全国,社会消费品零售总额,2020年1-2月,52129.8,亿元",
        encoding="utf-8",
    )
    lines = []
    result = build_panel(raw_dir=raw_copy, processed_dir=tmp_path / "p", echo=lines.append)
    assert result.ok, result.rejected
    assert any("cut.csv row 2: the file does not end with a newline" in ln for ln in lines)
