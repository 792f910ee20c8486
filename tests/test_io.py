"""Tests of lixia_econ.io.read_table on the shipped raw files, hand-made fixtures and bad input."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from lixia_econ import regions
from lixia_econ.config import MANIFEST_NAME, RAW_DIR
from lixia_econ.errors import (
    DataFormatError,
    LixiaEconError,
    ParameterError,
    PeriodError,
    SchemaError,
    UnitError,
)
from lixia_econ.io import decode_bytes, read_table
from lixia_econ.schema import COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"
MANIFEST = tomllib.loads((RAW_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))["file"]
ENTRIES = {e["path"]: e for e in MANIFEST}

pytestmark = pytest.mark.usefixtures("shipped_units")  # the shipped files name them


def _read(rel: str, **extra) -> pd.DataFrame:
    e = ENTRIES[rel]
    return read_table(RAW_DIR / rel, layout=e["layout"], **{**e.get("options", {}), **extra})


def _one(df: pd.DataFrame, **where) -> float:
    mask = pd.Series(True, index=df.index)
    for k, v in where.items():
        mask &= df[k] == v
    hit = df[mask]
    assert len(hit) == 1, (where, hit)
    return float(hit["value"].iloc[0])


# ---------------------------------------------------------------------------
# every shipped raw file


@pytest.mark.parametrize("rel", list(ENTRIES))
def test_shipped_file_reads_in_schema(rel):
    df = _read(rel)
    assert tuple(df.columns) == COLUMNS
    assert df["value"].dtype == "float64"
    assert df["value"].notna().all()
    assert len(df) == len(df.attrs["source_rows"])
    assert set(df["status"]) <= {"published", "target"}
    assert df["source"].str.startswith(rel).all()
    # the detected layout is the manifest's
    auto = read_table(RAW_DIR / rel, **ENTRIES[rel].get("options", {}))
    assert auto.attrs["layout"] == ENTRIES[rel]["layout"]
    pd.testing.assert_frame_equal(auto, df)


def _columns_cells(rel: str) -> tuple[int, int]:
    """Non-empty and empty value cells of a column-per-series file, counted with csv."""
    series = ENTRIES[rel]["options"]["series"]
    with open(RAW_DIR / rel, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cells = [r[c] for r in rows for c in series]
    return sum(1 for c in cells if c.strip()), sum(1 for c in cells if not c.strip())


@pytest.mark.parametrize("rel", [r for r, e in ENTRIES.items() if e["layout"] == "columns"])
def test_columns_files_row_counts(rel):
    df = _read(rel)
    filled, empty = _columns_cells(rel)
    assert len(df) == filled
    assert df.attrs["dropped_missing"] == empty


def _portal_cells(rel: str) -> int:
    text = (RAW_DIR / rel).read_text(encoding="utf-8-sig")
    n = 0
    for line in text.splitlines():
        if "\t" in line and not line.startswith("Indicators"):
            n += sum(1 for c in line.split("\t")[1:] if c.strip(", "))
    return n


@pytest.mark.parametrize("rel", [r for r, e in ENTRIES.items() if e["layout"] == "nbs_portal"])
def test_portal_row_counts(rel):
    df = _read(rel)
    # 16 indicators x 2 rows (Current Quarter, Accumulated) x 18 quarters
    assert len(df) == _portal_cells(rel) == 16 * 2 * 18


def test_portal_current_prices_values():
    df = _read("nbs_portal_exports/nbs_quarterly_gdp_current_prices.csv")
    # raw text: "Gross Domestic Product, Accumulated (100 million yuan)" under "4Q 2025"
    assert _one(df, indicator="gdp", period="2025Q4", measure="ytd_level") == 1401879.2
    assert _one(df, indicator="gdp", period="2026Q1", measure="level") == 334192.9
    # "Value-added of Finance, Accumulated(100 million yuan)" (no space before the bracket)
    assert _one(df, indicator="va_finance", period="2025Q4", measure="ytd_level") == 101336.6
    assert set(df["price_basis"]) == {"current"}
    assert set(df["unit"]) == {"亿元"}
    assert set(df["region"]) == {"000000"}


def test_portal_current_quarter_equals_accumulated_difference():
    # an independent check of the row mapping: NBS's Accumulated Q2 minus Q1 is Current Q2
    df = _read("nbs_portal_exports/nbs_quarterly_gdp_current_prices.csv")
    acc = df[(df.indicator == "gdp") & (df.measure == "ytd_level")].set_index("period")["value"]
    cur = df[(df.indicator == "gdp") & (df.measure == "level")].set_index("period")["value"]
    for year in (2022, 2023, 2024, 2025):
        for q in (2, 3, 4):
            diff = acc[f"{year}Q{q}"] - acc[f"{year}Q{q - 1}"]
            assert diff == pytest.approx(cur[f"{year}Q{q}"], abs=0.2)


def test_portal_indices_become_growth():
    df = _read("nbs_portal_exports/nbs_quarterly_gdp_indices.csv")
    # raw: "Indices of Gross Domestic Product (preceding year=100) , Current Quarter" 4Q 2025 104.5
    assert _one(df, indicator="gdp", period="2025Q4", measure="yoy_pct") == 4.5
    # raw: Accumulated 4Q 2021 108.6 -> 8.6, exactly (no float noise from index - 100)
    assert _one(df, indicator="gdp", period="2021Q4", measure="ytd_yoy_pct") == 8.6
    # "Financial Intermediation" is the finance sector; raw Current Quarter 1Q 2026 106.5
    assert _one(df, indicator="va_finance", period="2026Q1", measure="yoy_pct") == 6.5
    assert set(df["price_basis"]) == {"comparable"}
    assert set(df["unit"]) == {"percent"}
    assert df["note"].str.contains("minus 100").all()


def test_columns_quarter_end_months_become_quarters():
    df = _read("national_gdp_quarterly_real_yoy_1992_2022.csv")
    assert set(df["freq"]) == {"Q"}
    # SOURCES.md: 2020 -6.9, 3.1, 4.8, 6.4 (revised vintage)
    got = [_one(df, period=f"2020Q{q}") for q in (1, 2, 3, 4)]
    assert got == [-6.9, 3.1, 4.8, 6.4]
    assert df["period"].iloc[0] == "1992Q1"


def test_retail_jan_feb_combined_is_ytd():
    df = _read("national_retail_monthly_2012_2018.csv")
    feb = df[(df.period == "2012-02") & (df.indicator == "retail_sales")]
    assert set(feb["measure"]) == {"ytd_level", "ytd_yoy_pct"}
    assert _one(df, indicator="retail_sales", period="2012-02", measure="ytd_level") == 33668.6
    assert feb["note"].str.contains("January and February released together").all()
    assert _one(df, indicator="retail_sales", period="2012-03", measure="level") == 15650.2
    assert not (df["period"].str.endswith("-01")).any()
    # every cell of the raw file is in the table: an independent read with csv
    with open(RAW_DIR / "national_retail_monthly_2012_2018.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(df) == 4 * len(rows)
    for r in rows[:12]:
        label = r["period_label"]
        month = int(label.split("年")[1].split("-")[-1].rstrip("月"))
        period = f"{label[:4]}-{month:02d}"
        measure = "ytd_level" if "-" in label else "level"
        got = _one(df, indicator="retail_sales_above_size", period=period, measure=measure)
        assert got == float(r["above_quota_retail_100m_yuan"])


def test_monthly_ytd_levels():
    df = _read("national_monthly_indicators_2015_2022.csv")
    # raw row 2020-03, retail_ytd_100m_yuan 78579.7000
    assert _one(df, indicator="retail_sales", period="2020-03", measure="ytd_level") == 78579.7
    assert _one(df, indicator="mfg_pmi", period="2020-02", measure="index") == 35.7
    assert _one(df, indicator="mfg_pmi", period="2020-02", measure="index") == 35.7
    pmi = df[df.indicator == "mfg_pmi"]
    assert set(pmi["price_basis"]) == {"na"}


# published figures of jinan_lixia_public_figures.csv, converted to 亿元 by hand
LONG_CASES = [
    # Lixia 2019 GDP 1685.4 亿元 (seed article)
    ("370102", "gdp", "2019", "level", 1685.4, "亿元", "current", "published"),
    ("370102", "gdp", "2019", "yoy_pct", 6.7, "percent", "comparable", "published"),
    # Jinan 2013 GDP 523.02 billion yuan -> 5230.2 亿元
    ("370100", "gdp", "2013", "level", 5230.2, "亿元", "current", "published"),
    # Jinan 2013 retail 263.39 billion yuan -> 2633.9 亿元
    ("370100", "retail_sales", "2013", "level", 2633.9, "亿元", "current", "published"),
    # Lixia 2022 GDP 228.29 billion yuan -> 2282.9 亿元 (issue: Done when)
    ("370102", "gdp", "2022", "level", 2282.9, "亿元", "current", "published"),
    # Lixia 2022 Q1-Q3 GDP 165.97 billion yuan, year to date
    ("370102", "gdp", "2022Q3", "ytd_level", 1659.7, "亿元", "current", "published"),
    # Lixia 2022 Jan-Nov budget revenue 15.38 billion
    ("370102", "gpb_revenue", "2022-11", "ytd_level", 153.8, "亿元", "current", "published"),
    # Jinan 2021 GDP 1.14 trillion yuan
    ("370100", "gdp", "2021", "level", 11400.0, "亿元", "current", "published"),
    # Shandong 2018 H1 GDP 3.97 trillion yuan, year to date to Q2
    ("370000", "gdp", "2018Q2", "ytd_level", 39700.0, "亿元", "current", "published"),
    # Qingdao 2023 H1 GDP 7508.71 亿元
    ("370200", "gdp", "2023Q2", "ytd_level", 7508.71, "亿元", "current", "published"),
    # per-capita revenue stays in 元 (catalogue unit)
    ("370102", "gpb_revenue_per_capita", "2017Q2", "ytd_level", 8909.0, "元", "current",
     "published"),
    # retail growth is nominal; revenue growth is nominal; GDP growth target is real
    ("370100", "retail_sales", "2017", "yoy_pct", 10.1, "percent", "current", "published"),
    ("370100", "gpb_revenue", "2022-10", "ytd_yoy_pct", -4.7, "percent", "current", "published"),
    ("370102", "gdp", "2023", "target_yoy_pct", 6.0, "percent", "comparable", "target"),
    ("370102", "fai", "2023", "target_yoy_pct", 7.0, "percent", "current", "target"),
    ("370102", "va_finance", "2021", "share_pct", 44.2, "percent", "na", "published"),
    ("370100", "cpi", "2020", "yoy_pct", 2.4, "percent", "na", "published"),
    ("370100", "industrial_va_above_size", "2023Q2", "ytd_yoy_pct", 12.2, "percent",
     "comparable", "published"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("region", "indicator", "period", "measure", "value", "unit", "basis", "status"), LONG_CASES
)
def test_long_table_values(region, indicator, period, measure, value, unit, basis, status):
    df = _read("jinan_lixia_public_figures.csv")
    hit = df[
        (df.region == region)
        & (df.indicator == indicator)
        & (df.period == period)
        & (df.measure == measure)
    ]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row["value"] == value
    assert (row["unit"], row["price_basis"], row["status"]) == (unit, basis, status)


def test_long_table_every_row_loads_with_its_page():
    df = _read("jinan_lixia_public_figures.csv")
    with open(RAW_DIR / "jinan_lixia_public_figures.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 73
    assert len(df) == len(rows)
    assert df.attrs["source_rows"] == list(range(2, 75))
    for r, (_, o) in zip(rows, df.iterrows(), strict=True):
        assert o["source"] == f"jinan_lixia_public_figures.csv | {r['source_url']}"
        assert r["note"] in o["note"]
    # the three TARGET rows, and only they, are targets
    targets = [r for r in rows if "TARGET" in r["indicator"]]
    assert (df["status"] == "target").sum() == len(targets) == 3


# ---------------------------------------------------------------------------
# hand-made Chinese fixtures (GB18030)


def test_chinese_portal_export_gb18030():
    raw = (FIXTURES / "nbs_portal_zh_gb18030.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is GB18030
    df = read_table(FIXTURES / "nbs_portal_zh_gb18030.csv")
    assert df.attrs["layout"] == "nbs_portal"
    assert len(df) == 6 * 4
    english = _read("nbs_portal_exports/nbs_quarterly_gdp_current_prices.csv")
    indices = _read("nbs_portal_exports/nbs_quarterly_gdp_indices.csv")
    for ind, measure in [
        ("gdp", "level"),
        ("gdp", "ytd_level"),
        ("va_primary", "level"),
        ("va_primary", "ytd_level"),
    ]:
        for q in (1, 2, 3, 4):
            p = f"2023Q{q}"
            assert _one(df, indicator=ind, measure=measure, period=p) == _one(
                english, indicator=ind, measure=measure, period=p
            )
    for measure in ("yoy_pct", "ytd_yoy_pct"):
        for q in (1, 2, 3, 4):
            p = f"2023Q{q}"
            assert _one(df, indicator="gdp", measure=measure, period=p) == _one(
                indices, indicator="gdp", measure=measure, period=p
            )
    lv = df[df.measure.isin(["level", "ytd_level"])]
    assert set(lv["price_basis"]) == {"current"}  # 绝对额按现价计算
    assert set(df.loc[df.measure.str.endswith("yoy_pct"), "price_basis"]) == {"comparable"}
    assert df.attrs["source_rows"][0] == 4  # first data line, after two title lines


def test_wide_bulletin_gb18030():
    path = FIXTURES / "bulletin_wide_gb18030.csv"
    with pytest.raises(ParameterError, match="region="):
        read_table(path)
    df = read_table(path, region="全国")
    assert df.attrs["layout"] == "wide"
    assert len(df) == 16
    retail = _read("national_retail_monthly_2012_2018.csv")
    for _, row in df.iterrows():
        ref = _one(retail, indicator=row["indicator"], period=row["period"], measure=row["measure"])
        assert row["value"] == ref
    assert _one(df, indicator="retail_sales", period="2018-02", measure="ytd_level") == 61081.8
    assert _one(df, indicator="retail_sales", period="2018-03", measure="yoy_pct") == 10.1
    assert df.attrs["source_rows"][:4] == [2, 2, 2, 2]


def test_wide_transposed_equals_rows(tmp_path):
    grid = list(
        csv.reader((FIXTURES / "bulletin_wide_gb18030.csv").read_text("gb18030").splitlines())
    )
    transposed = [list(col) for col in zip(*grid, strict=True)]
    path = tmp_path / "transposed.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(transposed)
    a = read_table(FIXTURES / "bulletin_wide_gb18030.csv", region="000000")
    b = read_table(path, layout="wide", orientation="columns", region="000000")
    key = ["indicator", "period", "measure"]
    a = a.drop(columns="source").sort_values(key).reset_index(drop=True)
    b = b.drop(columns="source").sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_xlsx_with_merged_headers(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2018年全国社会消费品零售总额"])  # a title row above the table
    ws.append(["指标", "2018年3月", None, "2018年4月", None])
    ws.append([None, "绝对额（亿元）", "增长（%）", "绝对额（亿元）", "增长（%）"])
    # values from data/raw/national_retail_monthly_2012_2018.csv
    ws.append(["社会消费品零售总额", 29193.6, 10.1, 28541.9, 9.4])
    ws.append(["限额以上单位消费品零售额", 11831.8, 9.0, 11240.6, "—"])
    ws.merge_cells("A1:E1")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:C2")
    ws.merge_cells("D2:E2")
    path = tmp_path / "bulletin.xlsx"
    wb.save(path)
    df = read_table(path, region="000000")  # header depth 3, from the merged cells
    assert df.attrs["layout"] == "wide"
    assert len(df) == 7
    assert df.attrs["dropped_missing"] == 1
    assert _one(df, indicator="retail_sales", period="2018-04", measure="level") == 28541.9
    assert _one(df, indicator="retail_sales", period="2018-04", measure="yoy_pct") == 9.4
    assert _one(df, indicator="retail_sales_above_size", period="2018-03", measure="yoy_pct") == 9.0
    assert df.attrs["source_rows"][:4] == [4, 4, 4, 4]  # sheet rows, as Excel shows them


def test_xlsx_header_depth_from_merges(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标", "2018年3月", None])
    ws.append([None, "绝对额（亿元）", "增长（%）"])
    ws.append(["社会消费品零售总额", 29193.6, 10.1])
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    path = tmp_path / "two_rows.xlsx"
    wb.save(path)
    df = read_table(path, region="000000")  # header depth taken from the merged cells
    assert sorted(df["measure"]) == ["level", "yoy_pct"]
    assert sorted(df["value"]) == [10.1, 29193.6]


# ---------------------------------------------------------------------------
# encodings

LONG_TEXT = (
    "geography,indicator,period,period_type,value,unit,note\n"
    "全国,社会消费品零售总额,2020年3月,month,26450,亿元,国家统计局\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_detected(tmp_path, encoding):
    path = tmp_path / f"x_{encoding}.csv"
    path.write_bytes(LONG_TEXT.encode(encoding))
    df = read_table(path)
    # published: March 2020 retail sales 26,450 亿元 (NBS release, April 2020)
    assert df["value"].tolist() == [26450.0]
    assert df["region"].tolist() == ["000000"]
    assert df["note"].tolist() == ["国家统计局"]


def test_decode_bytes_override_and_offset():
    data = "国家".encode("gbk")
    assert decode_bytes(data, encoding="gbk") == "国家"
    with pytest.raises(DataFormatError, match="byte offset 0"):
        decode_bytes(data, encoding="utf-8")
    with pytest.raises(ParameterError, match="not an encoding"):
        decode_bytes(data, encoding="no-such-codec")


# ---------------------------------------------------------------------------
# the bad-input corpus

BAD_CASES = [
    # file, options, error class, fragments the message must contain
    ("wrong_encoding_latin1.csv", {}, DataFormatError, ["row 2", "byte offset 122", "xe9"]),
    ("gbk_declared_utf8.csv", {"encoding": "utf-8"}, DataFormatError, ["row 2", "byte offset"]),
    ("month_13.csv", {}, PeriodError,
     ["row 3", "'period'", "'2020年13月'", "month 13 does not exist"]),
    ("text_in_number.csv", {}, DataFormatError, ["row 3", "'value'", "'7.86万亿'", "not a number"]),
    ("duplicate_period.csv", {}, SchemaError, ["row 3", "row 4", "78579.7", "78597.7"]),
    ("unknown_unit.csv", {}, UnitError, ["row 2", "'unit'", "'亿美金'", "unknown unit"]),
    ("empty.csv", {}, DataFormatError, ["the file is empty"]),
    ("header_only.csv", {}, DataFormatError, ["row 1", "header row but no data rows"]),
    ("truncated.xlsx", {"region": "000000"}, DataFormatError, ["not a readable .xlsx"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "options", "error", "fragments"), BAD_CASES)
def test_bad_corpus(name, options, error, fragments):
    with pytest.raises(error) as info:
        read_table(BAD / name, **options)
    msg = str(info.value)
    assert isinstance(info.value, LixiaEconError)
    assert name in msg
    for fragment in fragments:
        assert fragment in msg


def test_bad_corpus_is_all_tested():
    tested = {c[0] for c in BAD_CASES} | {"ytd_falls.csv", "README.md"}
    assert {p.name for p in BAD.iterdir()} == tested


def test_gbk_file_reads_when_detected():
    # the same bytes are fine when the encoding is left to detection
    df = read_table(BAD / "gbk_declared_utf8.csv")
    assert df["value"].tolist() == [26450.0]


def test_ytd_falls_is_read_then_rejected_by_the_validator():
    from lixia_econ.schema import validate

    df = read_table(BAD / "ytd_falls.csv")
    assert df["measure"].tolist() == ["ytd_level"] * 3
    with pytest.raises(SchemaError) as info:
        validate(df, path=BAD / "ytd_falls.csv")
    assert "ytd_falls.csv" in str(info.value)
    assert "76757.5" in str(info.value)


# ---------------------------------------------------------------------------
# options and other errors


def test_missing_markers_dropped_and_counted(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("month,x\n2020-01,—\n2020-02,52129.8\n2020-03,…\n2020-04,\n", encoding="utf-8")
    series = {"x": {"indicator": "retail_sales", "measure": "ytd_level", "unit": "亿元",
                    "price_basis": "current"}}  # fmt: skip
    df = read_table(path, layout="columns", series=series)
    assert df["value"].tolist() == [52129.8]
    assert df.attrs["dropped_missing"] == 3
    assert df.attrs["source_rows"] == [3]


def test_columns_freq_q_needs_quarter_end(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("quarter_end_month,g\n2020-03,1.0\n2020-05,2.0\n", encoding="utf-8")
    series = {"g": {"indicator": "gdp", "measure": "yoy_pct", "unit": "percent",
                    "price_basis": "comparable"}}  # fmt: skip
    with pytest.raises(DataFormatError) as info:
        read_table(path, layout="columns", freq="Q", series=series)
    assert "row 3" in str(info.value)
    assert "'2020-05'" in str(info.value)


def test_columns_needs_series(tmp_path):
    with pytest.raises(ParameterError, match="series="):
        read_table(RAW_DIR / "national_gdp_quarterly_real_yoy_1992_2022.csv")


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"layout": "sideways"}, ParameterError, "layout='sideways' is not allowed"),
        ({"layout": "long", "period_column": "x"}, ParameterError, "not known for layout"),
        ({"layout": "long", "region": "Atlantis"}, ParameterError, "not in the region catalogue"),
    ],
)
def test_option_errors(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        read_table(FIXTURES / "bad" / "duplicate_period.csv", **kwargs)


def test_unknown_indicator_and_region(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(
        "region,indicator,period,value,unit\n历下区,GDP,2019,1685.4,亿元\n"
        "历下区,number of unicorns,2019,3,个\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError) as info:
        read_table(path)
    assert "row 3" in str(info.value)
    assert "'number of unicorns'" in str(info.value)
    path.write_text("region,indicator,period,value,unit\nGotham,GDP,2019,1,亿元\n", "utf-8")
    with pytest.raises(DataFormatError, match=r"row 2, column 'region': 'Gotham'"):
        read_table(path)


def test_file_not_found(tmp_path):
    with pytest.raises(DataFormatError, match="file not found"):
        read_table(tmp_path / "nope.csv")


# ---------------------------------------------------------------------------
# the layout registry


def test_layouts_are_the_registered_readers():
    from lixia_econ.io import LAYOUTS

    assert LAYOUTS == ("nbs_portal", "columns", "long", "wide")


def test_a_new_layout_is_one_registered_reader(tmp_path, monkeypatch):
    from lixia_econ.io import _registry
    from lixia_econ.io._common import Stored, parse_at
    from lixia_econ.periods import parse_period
    from lixia_econ.units import parse_number

    def detect(source):
        return _registry.CERTAIN if source.first_line() == "#pipe" else 0.0

    def read(source, obs, *, region="000000"):
        stored = Stored("gdp", "level", "亿元", "current")
        for lineno, line in enumerate(source.text.splitlines()[1:], start=2):
            label, cell = line.split("|")
            where = {"path": obs.path, "row": lineno, "column": "value"}
            p, _ = parse_at(parse_period, label, **where)
            v = parse_at(parse_number, cell, **where)
            obs.add(stored, region=region, period=p, value=v, line=lineno, column="value")

    monkeypatch.setattr(_registry, "_READERS", dict(_registry._READERS))
    _registry.register(_registry.Reader("pipe", ("region",), detect, read))
    path = tmp_path / "p.txt"
    path.write_text("#pipe\n2019|1685.4\n2020年|1800\n", encoding="utf-8")
    df = read_table(path)
    assert df.attrs["layout"] == "pipe"
    assert df["period"].tolist() == ["2019", "2020"]
    with pytest.raises(ParameterError, match=r"not known for layout 'pipe'"):
        read_table(path, layout="pipe", orientation="rows")


def test_unknown_indicator_names_the_nearest_entries(tmp_path):
    path = tmp_path / "u.csv"
    text = "region,indicator,period,value,unit\n历下区,地区生产总直,2019,1,亿元\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match="Did you mean 'gdp'"):
        read_table(path)


# ---------------------------------------------------------------------------
# district bulletins as published: title lines, unit lines, footnotes, quarterly
# year-to-date columns (fixtures in fixtures/district_bulletin, figures invented)

DISTRICT = FIXTURES / "district_bulletin"
EXAMPLE_UNIT = (
    "code,name_zh,name_en,level,parent,kind,aliases\n"
    "379901,示例区,Example District,county,370100,other,\n"
)


@pytest.fixture
def example_district(tmp_path):
    path = tmp_path / "example.regions.csv"
    path.write_text(EXAMPLE_UNIT, encoding="utf-8")
    regions.register_regions(path)
    return "示例区"


def _bulletin(tmp_path: Path, *lines: str, name: str = "bulletin.csv") -> Path:
    """Write a bulletin as district bureaus do: GB18030, Windows line ends."""
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("gb18030") + b"\r\n")
    return path


def test_quarterly_district_bulletin_as_published(example_district):
    df = read_table(DISTRICT / "example_district_quarterly_gb18030.csv", region=example_district)
    assert df.attrs["layout"] == "wide"  # detected below the title line
    gdp = df[df["indicator"] == "gdp"]
    assert set(gdp["freq"]) == {"Q"}
    assert set(gdp["measure"]) == {"ytd_level"}
    assert list(gdp["period"]) == [f"{y}Q{q}" for y in range(2017, 2024) for q in range(1, 5)]
    # 2019 is printed 一季度 / 上半年 / 前三季度 / 全年
    assert _one(df, indicator="gdp", period="2019Q1") == 107.8
    assert _one(df, indicator="gdp", period="2019Q4") == 483.5
    assert "'2019年全年'" in gdp.loc[gdp["period"] == "2019Q4", "note"].iloc[0]
    revenue = df[df["indicator"] == "gpb_revenue"]
    assert sorted(revenue["period"])[:2] == ["2017Q4", "2018Q4"]  # — cells dropped
    assert df.attrs["dropped_missing"] == 6
    assert [c["row"] for c in df.attrs["caveats"]] == [5, 6]
    assert df.attrs["caveats"][0]["text"].startswith("注：本表为累计数")
    assert df.attrs["caveats"][1]["text"] == "数据来源：示例区统计局"
    assert df.attrs["flagged"] == []
    assert max(df.attrs["source_rows"]) == 4  # nothing read from the note lines
    assert df.attrs["titles"] == ["示例区2017—2023年主要经济指标（季度累计）"]


def test_monthly_district_bulletin_with_unit_line(example_district):
    df = read_table(DISTRICT / "example_district_monthly_gb18030.csv", region=example_district)
    assert df.attrs["layout"] == "wide"
    assert len(df) == 77
    assert set(df["freq"]) == {"M"}
    assert set(df["measure"]) == {"ytd_level"}
    assert _one(df, period="2017-02") == 41.1  # 1-2月 published together
    assert "January and February released together" in df["note"].iloc[0]
    assert [c["text"] for c in df.attrs["caveats"]] == [
        "说明：1-2月数据合并发布。",
        "数据来源：示例区统计局《统计月报》",
    ]


QUARTER_HEADERS = {
    "ranges": "2020年1-3月,1-6月,1-9月,1-12月",
    "em dash": "2020年1—3月,2020年1—6月,2020年1—9月,2020年1—12月",
    "full width": "２０２０年１－３月,２０２０年１－６月,２０２０年１－９月,２０２０年１－１２月",
    "words": "2020年一季度,上半年,前三季度,全年",
    "words with year": "2020年一季度,2020年上半年,2020年前三季度,2020年全年",
}


@pytest.mark.parametrize("header", QUARTER_HEADERS.values(), ids=QUARTER_HEADERS)
def test_quarterly_year_to_date_headers_in_any_printed_form(tmp_path, header):
    path = _bulletin(
        tmp_path,
        "示例区2020年主要经济指标（季度累计）",
        "单位：亿元",
        f"指标,{header}",
        "地区生产总值,100.3,224.5,355.2,500.5",
        "增长（%）,-3.1,0.5,2.6,3.9",
    )
    df = read_table(path, region="370102")
    level = df[df["measure"] == "ytd_level"]
    assert list(level["period"]) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert list(level["value"]) == [100.3, 224.5, 355.2, 500.5]
    assert set(level["unit"]) == {"亿元"}  # from the 单位 line above the table
    growth = df[df["measure"] == "ytd_yoy_pct"]
    assert list(growth["period"]) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert set(growth["price_basis"]) == {"comparable"}
    assert set(df["freq"]) == {"Q"}


def test_unit_line_scales_rows_without_a_unit(tmp_path):
    path = _bulletin(
        tmp_path, "单位：万元", "指标,2020年,2021年", "一般公共预算收入,1515000,1600000"
    )
    df = read_table(path, region="历下区")
    assert list(df["value"]) == [151.5, 160.0]
    assert set(df["unit"]) == {"亿元"}


def test_monthly_ytd_with_gaps_stays_monthly(tmp_path):
    path = _bulletin(tmp_path, "指标,2020年1-2月,1-3月,1-6月", "社会消费品零售总额（亿元）,1,2,3")
    df = read_table(path, region="370102")
    assert list(df["period"]) == ["2020-02", "2020-03", "2020-06"]
    assert set(df["freq"]) == {"M"}


@pytest.mark.parametrize(
    "footer",
    [
        ["注：本表为累计数。", "1. 地区生产总值按现价计算。", "② 2019年起为普查修订数。"],
        ["Note: figures are cumulative", "Data Sources: District statistics bureau"],
        ["Notes", "1.Cumulative values", "Source: the district bureau"],
        ["资料来源：示例区统计局", "说明：—为未公布"],
    ],
)
def test_footnote_lines_are_caveats_not_data(tmp_path, footer):
    path = _bulletin(tmp_path, "指标,2020年,2021年", "地区生产总值（亿元）,500.5,566.5", *footer)
    df = read_table(path, region="370102")
    assert len(df) == 2
    assert df.attrs["dropped_missing"] == 0
    assert [c["row"] for c in df.attrs["caveats"]] == list(range(3, 3 + len(footer)))
    assert df.attrs["caveats"][0]["text"].split(",")[0] == footer[0]


def test_note_block_inside_the_table(tmp_path):
    path = _bulletin(
        tmp_path,
        "指标,2020年,2021年",
        "地区生产总值（亿元）,500.5,566.5",
        "注：下列为一般公共预算",
        "一般公共预算收入（亿元）,40.0,45.3",
    )
    df = read_table(path, region="370102")
    assert sorted(df["indicator"]) == ["gdp", "gdp", "gpb_revenue", "gpb_revenue"]
    assert df.attrs["caveats"] == [{"row": 3, "text": "注：下列为一般公共预算"}]


def test_note_like_line_with_numbers_is_data_and_flagged(tmp_path):
    path = _bulletin(
        tmp_path,
        "指标,2020年,2021年",
        "注：以下为现价",
        "1.地区生产总值（亿元）,500.5,566.5",
    )
    df = read_table(path, region="370102")
    assert list(df["value"]) == [500.5, 566.5]
    assert df.attrs["flagged"] == [{"row": 3, "text": "1.地区生产总值（亿元）,500.5,566.5"}]
    assert df.attrs["caveats"] == [{"row": 2, "text": "注：以下为现价"}]


def test_unknown_indicator_in_a_bulletin_names_file_row_and_nearest(tmp_path):
    path = _bulletin(tmp_path, "标题", "指标,2020年", "地区生产总额（亿元）,500.5")
    with pytest.raises(DataFormatError, match=r"row 3.*unknown indicator.*gdp") as info:
        read_table(path, region="370102")
    assert info.value.value == "地区生产总额（亿元）"
    assert "bulletin.csv" in str(info.value)


def test_long_file_footnote_lines_are_caveats(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "region,indicator,period,value,unit\n历下区,GDP,2020,1910.41,亿元\n"
        "注：数据来自区政府工作报告\n",
        encoding="utf-8",
    )
    df = read_table(path)
    assert len(df) == 1
    assert df.attrs["caveats"] == [{"row": 3, "text": "注：数据来自区政府工作报告"}]


def test_long_file_keeps_trust_in_the_note_and_url_in_the_source():
    df = _read("jinan_districts_2020_2024.csv")
    assert df["note"].str.contains("trust: ").all()
    assert df["source"].str.startswith("jinan_districts_2020_2024.csv | http").all()


def test_long_year_to_date_at_quarter_ends_is_quarterly(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "region,indicator,period,value,unit\n"
        + "".join(
            f"历下区,地区生产总值,2020年1-{m}月,{v},亿元\n"
            for m, v in [(3, 400.1), (6, 850.2), (9, 1300.3), (12, 1910.41)]
        )
        + "历下区,社会消费品零售总额,2020年1-2月,50,亿元\n"
        + "历下区,社会消费品零售总额,2020年1-3月,80,亿元\n",
        encoding="utf-8",
    )
    df = read_table(path)
    gdp = df[df["indicator"] == "gdp"]
    assert list(gdp["period"]) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert set(gdp["freq"]) == {"Q"}
    assert set(gdp["measure"]) == {"ytd_level"}
    retail = df[df["indicator"] == "retail_sales"]
    assert list(retail["period"]) == ["2020-02", "2020-03"]  # 1-2月: monthly


def test_tab_separated_bulletin_with_title_and_unit_cell(tmp_path):
    path = _bulletin(
        tmp_path,
        "示例区主要经济指标\t\t单位：亿元",
        "指标\t2020年1-3月\t1-6月",
        "地区生产总值\t100.3\t224.5",
        "数据来源：示例区统计局",
    )
    df = read_table(path, region="370102")
    assert list(df["period"]) == ["2020Q1", "2020Q2"]
    assert set(df["unit"]) == {"亿元"}
    assert df.attrs["caveats"] == [{"row": 4, "text": "数据来源：示例区统计局"}]
