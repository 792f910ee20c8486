"""Tests of lixia_econ.clean against published figures and independent computations."""

from __future__ import annotations

import calendar
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lixia_econ.clean import (
    JAN_FEB_STATUS,
    annualise,
    chain_yoy,
    compare_growth,
    cumulate,
    decumulate,
    growth_from_levels,
    rebase,
    share_of,
)
from lixia_econ.errors import InsufficientDataError, ParameterError, RevisionGapWarning

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _portal_rows(name: str) -> dict[str, dict[pd.Period, float]]:
    """Parse an NBS portal export with the csv module only (independent of lixia_econ.io)."""
    text = (RAW / "nbs_portal_exports" / name).read_text(encoding="utf-8-sig")
    # The portal separates cells with "\t," while labels themselves contain commas.
    rows = [line.split("\t,") for line in text.splitlines()]
    header = [h.strip().rstrip(",") for h in rows[2]]
    quarters = [pd.Period(f"{h.split()[1]}Q{h.split()[0][0]}", freq="Q") for h in header[1:] if h]
    out = {}
    for row in rows[3:]:
        label = row[0].strip()
        if len(row) < 2:
            continue
        cells = [c.strip().rstrip(",") for c in row[1 : 1 + len(quarters)]]
        out[label] = {q: float(c) for q, c in zip(quarters, cells, strict=False) if c}
    return out


def _series(mapping: dict[pd.Period, float]) -> pd.Series:
    s = pd.Series(mapping, dtype="float64")
    s.index = pd.PeriodIndex(s.index, freq="Q")
    return s.sort_index()


# Source: NBS data portal export (data/raw/nbs_portal_exports/nbs_quarterly_gdp_current_prices.csv),
# every "Accumulated" row against NBS's own "Current Quarter" row.
def test_decumulate_reproduces_nbs_current_quarter_rows():
    rows = _portal_rows("nbs_quarterly_gdp_current_prices.csv")
    pairs = 0
    for label, values in rows.items():
        if "Accumulated" not in label:
            continue
        stem = label.split("Accumulated")[0]
        current = next(v for k, v in rows.items() if k.startswith(stem + "Current Quarter"))
        derived = decumulate(_series(values))
        published = _series(current).reindex(derived.index)
        # 2021Q4 cannot be derived: the export has no 2021Q3 accumulated value.
        assert pd.Period("2021Q4", freq="Q") not in derived.index
        np.testing.assert_allclose(derived.to_numpy(), published.to_numpy(), atol=0.1 + 1e-9)
        pairs += 1
    assert pairs == 16  # GDP and 15 industries


def _monthly(column: str) -> pd.Series:
    frame = pd.read_csv(RAW / "national_monthly_indicators_2015_2022.csv")
    s = pd.Series(frame[column].to_numpy(), index=pd.PeriodIndex(frame["month"], freq="M"))
    return s.dropna()


def test_march_2020_retail_sales_equals_published_figure():
    # NBS, "社会消费品零售总额" release of 2020-04-17: March 2020 retail sales 26,450 亿元.
    single = decumulate(_monthly("retail_ytd_100m_yuan"))
    assert single[pd.Period("2020-03", freq="M")] == pytest.approx(26450, abs=1)


@pytest.mark.parametrize(
    ("jan_feb", "expected_jan", "status"),
    [
        ("keep", None, "jan_feb_combined"),
        # 2020 is a leap year: January 31 days of 60.
        ("days", 52129.8 * 31 / 60, "jan_feb_split_days"),
        ("equal", 52129.8 / 2, "jan_feb_split_equal"),
    ],
)
def test_jan_feb_choices_are_recorded(jan_feb, expected_jan, status):
    single = decumulate(_monthly("retail_ytd_100m_yuan")["2020"], jan_feb=jan_feb)
    jan, feb = pd.Period("2020-01", freq="M"), pd.Period("2020-02", freq="M")
    if expected_jan is None:
        assert jan not in single.index
        assert single[feb] == pytest.approx(52129.8)
    else:
        assert single[jan] == pytest.approx(expected_jan)
        assert single[jan] + single[feb] == pytest.approx(52129.8)
        assert single.attrs["status"][jan] == status
    assert single.attrs["status"][feb] == status
    assert single.attrs["status"][pd.Period("2020-03", freq="M")] == "derived"
    # Whatever the split, the year-to-date totals come back.
    back = cumulate(single)["2020-02":]
    np.testing.assert_allclose(back.to_numpy(), _monthly("retail_ytd_100m_yuan")["2020"].to_numpy())


def test_decumulate_leaves_out_what_a_gap_hides():
    idx = pd.PeriodIndex(["2021-03", "2021-04", "2021-06"], freq="M")
    out = decumulate(pd.Series([30.0, 42.0, 70.0], index=idx))
    # March has no February value: unknown. June has no May: unknown. April is derivable.
    assert out.index.tolist() == [pd.Period("2021-04", freq="M")]
    assert out.iloc[0] == pytest.approx(12.0)


def test_decumulate_rejects_annual_data_and_bad_choice():
    with pytest.raises(ParameterError, match="frequency"):
        decumulate(pd.Series([1.0], index=pd.PeriodIndex(["2020"], freq="Y")))
    with pytest.raises(ParameterError, match="jan_feb='split'"):
        decumulate(_monthly("retail_ytd_100m_yuan"), jan_feb="split")
    with pytest.raises(ParameterError, match="PeriodIndex"):
        decumulate(pd.Series([1.0, 2.0]))


def _gdp_yoy() -> pd.Series:
    frame = pd.read_csv(RAW / "national_gdp_quarterly_real_yoy_1992_2022.csv")
    idx = pd.PeriodIndex(frame["quarter_end_month"], freq="M").asfreq("Q")
    return pd.Series(frame["real_gdp_yoy_pct"].to_numpy(), index=idx)


def test_chain_yoy_national_gdp_against_hand_computation():
    index = chain_yoy(_gdp_yoy(), base_year=2019)
    # 2020: -6.9, 3.1, 4.8, 6.4 (shipped vintage) -> 93.1, 103.1, 104.8, 106.4
    assert index["2020"].round(6).tolist() == [93.1, 103.1, 104.8, 106.4]
    # 2021Q1 = 93.1 * (1 + g/100), g read from the file.
    g_2021q1 = _gdp_yoy()[pd.Period("2021Q1", freq="Q")]
    assert index[pd.Period("2021Q1", freq="Q")] == pytest.approx(93.1 * (1 + g_2021q1 / 100))
    # Backwards: 2018Q1 = 100 / (1 + g_2019Q1 / 100).
    g_2019q1 = _gdp_yoy()[pd.Period("2019Q1", freq="Q")]
    assert index[pd.Period("2018Q1", freq="Q")] == pytest.approx(100 / (1 + g_2019q1 / 100))


def test_chain_yoy_does_not_bridge_gaps():
    idx = pd.period_range("2019Q1", "2021Q4", freq="Q")
    g = pd.Series(5.0, index=idx)
    g[pd.Period("2020Q2", freq="Q")] = np.nan
    index = chain_yoy(g, base_year=2019)
    assert pd.Period("2020Q2", freq="Q") not in index.index
    assert pd.Period("2021Q2", freq="Q") not in index.index
    assert index[pd.Period("2021Q3", freq="Q")] == pytest.approx(100 * 1.05**2)


def test_chain_yoy_refuses_series_far_from_base_year():
    g = pd.Series([5.0, 6.0], index=pd.PeriodIndex(["2010", "2011"], freq="Y"))
    with pytest.raises(InsufficientDataError, match="base year 2019"):
        chain_yoy(g, base_year=2019)


def test_growth_from_levels_and_compare_growth_keep_both():
    levels = pd.Series(
        [100.0, 110.0, 121.0], index=pd.PeriodIndex(["2019", "2020", "2021"], freq="Y")
    )
    assert growth_from_levels(levels).round(6).tolist() == [10.0, 10.0]
    official = pd.Series([10.0, 9.5], index=pd.PeriodIndex(["2020", "2021"], freq="Y"))
    with pytest.warns(RevisionGapWarning, match="2021"):
        table = compare_growth(official, levels)
    assert table["official"].tolist() == [10.0, 9.5]
    assert table["flagged"].tolist() == [False, True]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare_growth(official.iloc[:1], levels)


def test_rebase_share_and_annualise():
    s = pd.Series(
        [90.0, 110.0, 120.0, 80.0, 130.0], index=pd.period_range("2019Q1", periods=5, freq="Q")
    )
    assert rebase(s, 2019).iloc[:4].mean() == pytest.approx(100)
    assert rebase(s, "2019Q2")[pd.Period("2019Q2", freq="Q")] == pytest.approx(100)
    with pytest.raises(InsufficientDataError, match="2020"):
        rebase(s, 2020)
    # Lixia's financial value added 2021 (43.8 bn) against a made-up whole is not data: use
    # an exact hand check instead.
    part = pd.Series([25.0], index=pd.PeriodIndex(["2021"], freq="Y"))
    whole = pd.Series([100.0], index=pd.PeriodIndex(["2021"], freq="Y"))
    assert share_of(part, whole).iloc[0] == pytest.approx(25.0)
    assert annualise(1.0, 4) == pytest.approx((1.01**4 - 1) * 100)
    assert math.isclose(annualise(0.0, 12), 0.0)


@pytest.mark.parametrize("jan_feb", ["keep", "days", "equal"])
def test_decumulate_frame_equals_decumulate_per_series(jan_feb):
    from lixia_econ.clean import decumulate_frame

    frame = pd.read_csv(RAW / "national_monthly_indicators_2015_2022.csv")
    cols = ["fai_ytd_100m_yuan", "retail_ytd_100m_yuan", "gpb_revenue_ytd_100m_yuan"]
    long = frame.melt(id_vars="month", value_vars=cols, var_name="series", value_name="value")
    long = long.rename(columns={"month": "period"})
    # Punch a hole mid-year so the gap rule is exercised too.
    long = long[~((long["series"] == cols[0]) & (long["period"] == "2019-06"))]
    out = decumulate_frame(long, by=["series"], freq="M", jan_feb=jan_feb)
    for name in cols:
        rows = long[long["series"] == name].dropna()
        s = pd.Series(rows["value"].to_numpy(), index=pd.PeriodIndex(rows["period"], freq="M"))
        expected = decumulate(s, jan_feb=jan_feb)
        got = out[out["series"] == name]
        assert got["period"].tolist() == [str(p) for p in expected.index]
        np.testing.assert_allclose(got["value"].to_numpy(), expected.to_numpy())
        assert got["status"].tolist() == expected.attrs["status"].tolist()


@pytest.mark.parametrize("jan_feb", ["keep", "days", "equal"])
def test_decumulate_status_travels_as_a_column(jan_feb):
    ytd = _monthly("retail_ytd_100m_yuan")["2019":"2020"]
    single = decumulate(ytd, jan_feb=jan_feb)
    frame = decumulate(ytd, jan_feb=jan_feb, status=True)
    assert list(frame.columns) == ["value", "status"]
    np.testing.assert_allclose(frame["value"].to_numpy(), single.to_numpy())
    # the status survives what drops attrs: selection, concatenation
    joined = pd.concat([frame.loc["2019"], frame.loc["2020"]])
    feb = pd.Period("2020-02", freq="M")
    assert joined.loc[feb, "status"] == JAN_FEB_STATUS[jan_feb]
    assert joined.loc[pd.Period("2020-03", freq="M"), "status"] == "derived"


def test_growth_from_levels_serves_every_growth_from_levels():
    # one owner: the models' year-on-year, period-on-period and n-year average rates agree
    from lixia_econ.models.growth import average_growth, growth_rate

    x = _monthly("retail_ytd_100m_yuan")["2017":"2019"].to_timestamp().to_period("Q")
    x = x.groupby(level=0).last()
    yoy = growth_rate(x, kind="yoy").dropna()
    pd.testing.assert_series_equal(growth_from_levels(x), yoy, check_names=False)
    pop = growth_rate(x, kind="pop").dropna()
    pd.testing.assert_series_equal(growth_from_levels(x, periods=1), pop, check_names=False)
    two = average_growth(x, years=2).dropna()
    got = growth_from_levels(x, years=2, per_year=True)
    pd.testing.assert_series_equal(got, two, check_names=False)
    with pytest.raises(ParameterError, match="years=0 must be a positive integer"):
        growth_from_levels(x, years=0)


def _decumulate_by_the_rules(ytd: pd.Series, jan_feb: str) -> dict[pd.Period, tuple[float, str]]:
    """decumulate's documented rules, period by period (an independent loop)."""
    s = ytd.dropna()
    out = {}
    for p, v in s.items():
        first = p.month == 1 if p.freqstr[0] == "M" else p.quarter == 1
        if first:
            out[p] = (v, "derived")
        elif p.freqstr[0] == "M" and p.month == 2 and (p - 1) not in s.index:
            if jan_feb == "keep":
                out[p] = (v, JAN_FEB_STATUS["keep"])
            else:
                jan = v * (
                    31 / (31 + calendar.monthrange(p.year, 2)[1]) if jan_feb == "days" else 0.5
                )
                out[p - 1] = (jan, JAN_FEB_STATUS[jan_feb])
                out[p] = (v - jan, JAN_FEB_STATUS[jan_feb])
        elif (p - 1) in s.index:
            out[p] = (v - s[p - 1], "derived")
    return dict(sorted(out.items()))


@pytest.mark.parametrize("seed", range(40))
def test_decumulate_and_cumulate_follow_their_rules_on_gappy_series(seed):
    # Random year-to-date series with holes, combined January-February releases and
    # unsorted rows: the arrays of clean._single_periods against the rules read as a loop.
    rng = np.random.default_rng(seed)
    freq = "M" if seed % 3 else "Q"
    n = int(rng.integers(1, 50))
    idx = pd.period_range(
        pd.Period("2015-01" if freq == "M" else "2015Q1", freq=freq) + seed % 7, periods=n
    )
    keep = rng.random(n) > (0.0, 0.1, 0.3)[seed % 3]
    if freq == "M" and seed % 2:
        keep &= idx.month != 1
    ytd = pd.Series(rng.random(n) * 100 + np.arange(n), index=idx)[keep].sample(
        frac=1, random_state=seed
    )
    for jan_feb in ("keep", "days", "equal"):
        got = decumulate(ytd, jan_feb=jan_feb, status=True)
        expected = _decumulate_by_the_rules(ytd, jan_feb)
        assert got.index.tolist() == list(expected)
        np.testing.assert_allclose(got["value"], [v for v, _ in expected.values()], rtol=1e-12)
        assert got["status"].tolist() == [c for _, c in expected.values()]
    kept = decumulate(ytd, jan_feb="keep")
    back = cumulate(kept)  # the inverse where a year's run is unbroken
    np.testing.assert_allclose(back, ytd.sort_index()[back.index], rtol=1e-12)
    assert set(back.index) <= set(ytd.index)
