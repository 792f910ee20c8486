"""Tests of lixia_econ.periods: period labels -> (pandas.Period, ytd)."""

from __future__ import annotations

import csv
import re

import numpy as np
import pandas as pd
import pytest

from lixia_econ.config import RAW_DIR
from lixia_econ.errors import LixiaEconError, ParameterError, PeriodError
from lixia_econ.periods import (
    check_not_after,
    format_periods,
    freq_code,
    parse_period,
    parse_periods,
    period_to_str,
    str_to_period,
    to_period,
)

Y = "Y"

# label -> (period text, pandas freq, ytd)
CASES = [
    # annual
    ("2019", "2019", Y, False),
    ("2019年", "2019", Y, False),
    ("2019年度", "2019", Y, False),
    ("2020年全年", "2020", Y, False),
    ("  2021  ", "2021", Y, False),
    ("２０２２年", "2022", Y, False),
    # quarters, single
    ("2020Q1", "2020Q1", "Q", False),
    ("2020q4", "2020Q4", "Q", False),
    ("2020-Q2", "2020Q2", "Q", False),
    ("2020 Q3", "2020Q3", "Q", False),
    ("1Q 2020", "2020Q1", "Q", False),
    ("4Q 2025", "2025Q4", "Q", False),
    ("Q2 2021", "2021Q2", "Q", False),
    ("2020年一季度", "2020Q1", "Q", False),
    ("2020年第1季度", "2020Q1", "Q", False),
    ("2020年第一季度", "2020Q1", "Q", False),
    ("2023年第四季度", "2023Q4", "Q", False),
    ("2020年二季度", "2020Q2", "Q", False),
    ("2020年 第 三 季度", "2020Q3", "Q", False),
    ("２０２０年第２季度", "2020Q2", "Q", False),
    # quarters, year to date
    ("2020年前三季度", "2020Q3", "Q", True),
    ("2020年1-3季度", "2020Q3", "Q", True),
    ("2020年一至三季度", "2020Q3", "Q", True),
    ("2020年上半年", "2020Q2", "Q", True),
    ("2022 Q1-Q3", "2022Q3", "Q", True),
    ("2022 Q1-Q2", "2022Q2", "Q", True),
    ("2023 H1", "2023Q2", "Q", True),
    ("H1 2023", "2023Q2", "Q", True),
    # months, single
    ("2020年3月", "2020-03", "M", False),
    ("2020年12月", "2020-12", "M", False),
    ("2020年十二月", "2020-12", "M", False),
    ("2020年十一月", "2020-11", "M", False),
    ("2020年三月", "2020-03", "M", False),
    ("二〇二〇年三月", "2020-03", "M", False),
    ("2020-03", "2020-03", "M", False),
    ("2020.03", "2020-03", "M", False),
    ("2020/3", "2020-03", "M", False),
    ("2020M03", "2020-03", "M", False),
    ("Mar 2020", "2020-03", "M", False),
    ("2020 Sept", "2020-09", "M", False),
    ("２０２０年３月", "2020-03", "M", False),
    # months, year to date
    ("2020年1-3月", "2020-03", "M", True),
    ("2020年1—3月", "2020-03", "M", True),
    ("2020年1~3月", "2020-03", "M", True),
    ("2020年1～3月", "2020-03", "M", True),
    ("2020年1－3月", "2020-03", "M", True),
    ("2020年1至3月", "2020-03", "M", True),
    ("２０２０年１－３月", "2020-03", "M", True),
    ("2020年1-2月", "2020-02", "M", True),
    ("2020年1-12月", "2020-12", "M", True),
    ("2020年一至十一月", "2020-11", "M", True),
    ("2020年前三个月", "2020-03", "M", True),
    ("2022 Jan-Nov", "2022-11", "M", True),
    ("2022 Jan-Oct", "2022-10", "M", True),
    ("Jan-Feb 2021", "2021-02", "M", True),
]


@pytest.mark.parametrize(("label", "text", "freq", "ytd"), CASES)
def test_parse_period_table(label, text, freq, ytd):
    period, is_ytd = parse_period(label)
    assert period == pd.Period(text, freq=freq)
    assert is_ytd is ytd


@pytest.mark.parametrize(
    ("label", "year", "text", "freq", "ytd"),
    [
        ("1-3月", 2021, "2021-03", "M", True),
        ("1—3月", 2021, "2021-03", "M", True),
        ("1~3月", 2021, "2021-03", "M", True),
        ("1－3月", 2021, "2021-03", "M", True),
        ("3月", 2021, "2021-03", "M", False),
        ("一季度", 2019, "2019Q1", "Q", False),
        ("上半年", 2019, "2019Q2", "Q", True),
        # a label's own year wins over year=
        ("2020年3月", 1999, "2020-03", "M", False),
    ],
)
def test_parse_period_year_option(label, year, text, freq, ytd):
    assert parse_period(label, year=year) == (pd.Period(text, freq=freq), ytd)


@pytest.mark.parametrize(
    ("label", "fragment"),
    [
        ("2020年13月", "month 13 does not exist"),
        ("2020-13", "month 13 does not exist"),
        ("2020年0月", "month 0 does not exist"),
        ("2020Q5", "quarter 5 does not exist"),
        ("2020年五季度", "quarter 5 does not exist"),
        ("2020Q0", "quarter 0 does not exist"),
        ("2020年4-6月", "range starting in month 4"),
        ("2020年2-3月", "range starting in month 2"),
        ("2020 Q2-Q4", "range starting in quarter 2"),
        ("2020年下半年", "range starting in month 7"),
        ("2020 H2", "range starting in month 7"),
        ("2020 Apr-Jun", "range starting in month 4"),
        ("", "empty period label"),
        ("   ", "empty period label"),
        ("1-3月", "has no year"),
        ("abc", "not a period label"),
        ("20201", "not a period label"),
        ("2020年13", "not a period label"),
    ],
)
def test_parse_period_errors(label, fragment):
    with pytest.raises(PeriodError) as info:
        parse_period(label)
    msg = str(info.value)
    assert fragment in msg
    assert repr(label) in msg  # the message quotes the label
    assert isinstance(info.value, LixiaEconError)


def test_parse_period_rejects_non_text():
    with pytest.raises(PeriodError, match="must be text"):
        parse_period(2020)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# every distinct label in the shipped raw data


def _shipped_labels() -> list[tuple[str, str]]:
    """(file, label) for every distinct period label in data/raw, read independently."""
    out: set[tuple[str, str]] = set()
    for name, col in [
        ("national_gdp_quarterly_real_yoy_1992_2022.csv", "quarter_end_month"),
        ("national_gdp_sector_nominal_quarter_1992_2022.csv", "quarter_end_month"),
        ("national_gdp_sector_ytd_real_yoy_1992_2022.csv", "quarter_end_month"),
        ("national_monthly_indicators_2015_2022.csv", "month"),
        ("national_retail_monthly_2012_2018.csv", "period_label"),
        ("jinan_lixia_public_figures.csv", "period"),
    ]:
        with open(RAW_DIR / name, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                out.add((name, row[col]))
    for path in sorted((RAW_DIR / "nbs_portal_exports").glob("*.csv")):
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        header = next(line for line in lines if line.startswith("Indicators"))
        for cell in header.replace("\t", "").split(",")[1:]:
            if cell.strip():
                out.add((path.name, cell.strip()))
    return sorted(out)


SHIPPED = _shipped_labels()


def _expected(label: str) -> tuple[pd.Period, bool]:
    """An independent reading of the shipped forms, written with different rules."""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    if label.isdigit() and len(label) == 4:
        return pd.Period(label, freq="Y"), False
    if (m := re.fullmatch(r"(\d)Q (\d{4})", label)) or (m := re.fullmatch(r"(\d{4}) Q(\d)", label)):
        a, b = m.groups()
        year, q = (b, a) if len(a) == 1 else (a, b)
        return pd.Period(f"{year}Q{q}", freq="Q"), False
    if re.fullmatch(r"\d{4}-\d\d", label):
        return pd.Period(label, freq="M"), False
    if m := re.fullmatch(r"(\d{4})年(\d+)月", label):
        return pd.Period(f"{m[1]}-{int(m[2]):02d}", freq="M"), False
    if m := re.fullmatch(r"(\d{4})年1-(\d+)月", label):
        return pd.Period(f"{m[1]}-{int(m[2]):02d}", freq="M"), True
    if m := re.fullmatch(r"(\d{4}) H1", label):
        return pd.Period(f"{m[1]}-06", freq="M").asfreq("Q"), True
    if m := re.fullmatch(r"(\d{4}) Q1-Q(\d)", label):
        return pd.Period(f"{m[1]}Q{m[2]}", freq="Q"), True
    if m := re.fullmatch(r"(\d{4}) Jan-(\w{3})", label):
        return pd.Period(f"{m[1]}-{months.index(m[2]) + 1:02d}", freq="M"), True
    raise AssertionError(f"test does not know the shipped label {label!r}")


def test_shipped_labels_found():
    # the national files cover 1992-2022 quarterly and 2012-2022 monthly: many labels
    assert len(SHIPPED) > 300
    labels = {lab for _, lab in SHIPPED}
    for must in ("1992-03", "2012年1-2月", "2022 Jan-Nov", "2023 H1", "1Q 2026", "2019"):
        assert must in labels


@pytest.mark.parametrize(("file", "label"), SHIPPED, ids=[f"{f}:{lab}" for f, lab in SHIPPED])
def test_every_shipped_label(file, label):
    assert parse_period(label) == _expected(label)


# ---------------------------------------------------------------------------
# vectorised form


def test_parse_periods_matches_scalar_and_keeps_index():
    labels = pd.Series(
        ["2020年1-3月", "2020Q1", "2020", "2020年1-3月", "2023 H1"], index=[10, 20, 30, 40, 50]
    )
    out = parse_periods(labels)
    assert list(out.columns) == ["period", "freq", "ytd"]
    assert out.index.equals(labels.index)
    assert out["period"].dtype == object
    assert out["ytd"].dtype == bool
    assert list(out["freq"]) == ["M", "Q", "A", "M", "Q"]
    for lab, (_, row) in zip(labels, out.iterrows(), strict=True):
        p, ytd = parse_period(lab)
        assert row["period"] == p
        assert row["ytd"] == ytd


def test_parse_periods_list_and_year():
    out = parse_periods(["1-2月", "3月"], year=2020)
    assert out.index.equals(pd.RangeIndex(2))
    assert list(out["period"]) == [pd.Period("2020-02", "M"), pd.Period("2020-03", "M")]
    assert list(out["ytd"]) == [True, False]


def test_parse_periods_parses_each_distinct_label_once(monkeypatch):
    import lixia_econ.periods as mod

    calls = []
    real = mod.parse_period

    def counting(label, *, year=None):
        calls.append(label)
        return real(label, year=year)

    monkeypatch.setattr(mod, "parse_period", counting)
    mod.parse_periods(["2020Q1", "2020Q2"] * 500)
    assert sorted(calls) == ["2020Q1", "2020Q2"]


@pytest.mark.parametrize(
    ("labels", "fragment"),
    [
        (pd.Series(["2020Q1", "2020年13月"], index=["a", "b"]), "position 1, index 'b'"),
        (["2020", "2021", "2020Q5", "2020Q5"], "position 2"),
        (["2020", None], "missing period label at position 1"),
    ],
)
def test_parse_periods_error_names_position(labels, fragment):
    with pytest.raises(PeriodError) as info:
        parse_periods(labels)
    assert fragment in str(info.value)


# ---------------------------------------------------------------------------
# tidy-table text


@pytest.mark.parametrize(
    ("period", "text", "code"),
    [
        (pd.Period("2020", freq="Y"), "2020", "A"),
        (pd.Period("2020Q1", freq="Q"), "2020Q1", "Q"),
        (pd.Period("2020Q4", freq="Q"), "2020Q4", "Q"),
        (pd.Period("2020-03", freq="M"), "2020-03", "M"),
        (pd.Period("1992-12", freq="M"), "1992-12", "M"),
    ],
)
def test_period_text_round_trip(period, text, code):
    assert period_to_str(period) == text
    assert freq_code(period) == code
    assert str_to_period(text, code) == period
    # pandas prints the same text: the tidy column is what str() gives
    assert str(period) == text


def test_str_to_period_accepts_pandas_annual_letter():
    assert str_to_period("2020", "Y") == pd.Period("2020", freq="Y")


@pytest.mark.parametrize(
    ("text", "freq", "fragment"),
    [
        ("2020Q1", "M", "not a M period"),
        ("2020-13", "M", "not a M period"),
        ("2020Q5", "Q", "not a Q period"),
        ("20", "A", "not a A period"),
        ("2020", "W", "freq 'W' is not one of"),
    ],
)
def test_str_to_period_errors(text, freq, fragment):
    with pytest.raises(PeriodError, match=re.escape(fragment)):
        str_to_period(text, freq)


@pytest.mark.parametrize(
    "period", [pd.Period("2020-01-01", freq="D"), pd.Period("2020", freq="Y-JUN"), "2020"]
)
def test_freq_code_rejects_other_frequencies(period):
    with pytest.raises(PeriodError):
        freq_code(period)


# ---------------------------------------------------------------------------
# frequency letters, period lists and the shock/as-of check


@pytest.mark.parametrize(
    ("given", "letter"),
    [
        (pd.Period("2020", freq="Y"), "A"),
        (pd.period_range("2020Q1", periods=2, freq="Q"), "Q"),
        (pd.period_range("2020-01", periods=2, freq="M"), "M"),
        ("Y", "A"),
        ("A", "A"),
        ("Q-DEC", "Q"),
        ("M", "M"),
        (pd.offsets.QuarterEnd(startingMonth=12), "Q"),
    ],
)
def test_freq_code_reads_periods_indexes_and_frequencies(given, letter):
    assert freq_code(given) == letter


def test_freq_code_rejects_daily_index():
    with pytest.raises(PeriodError, match="not one of annual"):
        freq_code(pd.period_range("2020-01-01", periods=2, freq="D"))


@pytest.mark.parametrize(
    ("periods", "limit", "empty", "expected"),
    [
        (["2019", "2022"], 12, "", "2019, 2022"),
        (pd.period_range("2020Q1", periods=3, freq="Q"), 2, "", "2020Q1, 2020Q2, ... (3 in all)"),
        ([], 12, "", ""),
        ([], 12, "none", "none"),
    ],
)
def test_format_periods(periods, limit, empty, expected):
    assert format_periods(periods, limit, empty=empty) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", pd.Period("2020", freq="Y")),
        ("2020Q1", pd.Period("2020Q1", freq="Q")),
        ("2020-03", pd.Period("2020-03", freq="M")),
        ("2020年一季度", pd.Period("2020Q1", freq="Q")),
        (pd.Period("2020-03", freq="M"), pd.Period("2020-03", freq="M")),
    ],
)
def test_to_period(value, expected):
    assert to_period(value) == expected


def test_to_period_names_the_argument():
    with pytest.raises(ParameterError, match=r"as_of='2020Q5' is not a period"):
        to_period("2020Q5", name="as_of")


@pytest.mark.parametrize(
    ("shock", "as_of"),
    [("2020Q1", "2020Q1"), ("2020", "2020-01"), ("2020-12", "2020"), ("2019Q4", "2023-06")],
)
def test_check_not_after_accepts_shock_up_to_as_of(shock, as_of):
    check_not_after(shock, as_of)


def test_check_not_after_rejects_a_later_shock():
    with pytest.raises(ParameterError, match=r"shock='2021' starts after as_of='2020Q4' ends"):
        check_not_after("2021", "2020Q4")
    with pytest.raises(ParameterError, match="not a period"):
        check_not_after("2020Q9", "2021")


# How district bulletins print quarterly year-to-date columns (the wide reader makes a
# table of them quarterly; here only what each label says on its own).
@pytest.mark.parametrize(
    ("label", "year", "text", "freq", "ytd"),
    [
        ("2020年1-3月", None, "2020-03", "M", True),
        ("2020年1—3月", None, "2020-03", "M", True),
        ("２０２０年１－６月", None, "2020-06", "M", True),
        ("1-6月", 2020, "2020-06", "M", True),
        ("1-9月", 2020, "2020-09", "M", True),
        ("1-12月", 2020, "2020-12", "M", True),
        ("2019年一季度", None, "2019Q1", "Q", False),
        ("2019年上半年", None, "2019Q2", "Q", True),
        ("2019年前三季度", None, "2019Q3", "Q", True),
        ("前三季度", 2019, "2019Q3", "Q", True),
        ("2019年全年", None, "2019", "Y", False),
        ("全年", 2019, "2019", "Y", False),
    ],
)
def test_bulletin_quarterly_labels(label, year, text, freq, ytd):
    assert parse_period(label, year=year) == (pd.Period(text, freq=freq), ytd)


def test_tidy_period_index_parses_each_text_and_refuses_a_missing_one():
    from lixia_econ.periods import tidy_period_index

    got = tidy_period_index(np.array(["2020-03", "2019-12", "2020-03"], dtype=object), "M")
    assert list(got) == [pd.Period(t, "M") for t in ("2020-03", "2019-12", "2020-03")]
    assert list(tidy_period_index((t for t in ["2021", "2020"]), "A")) == [
        pd.Period("2021", "Y"),
        pd.Period("2020", "Y"),
    ]
    assert len(tidy_period_index([], "Q")) == 0
    # a missing text was once dropped by factorize and then read as the last period
    for missing in (None, np.nan):
        with pytest.raises(PeriodError, match="not a Q period"):
            tidy_period_index(["2020Q1", missing, "2020Q2"], "Q")


def test_latest_tidy_period_of_mixed_frequencies_names_the_finest_of_a_tie():
    from lixia_econ.periods import latest_tidy_period

    rng = np.random.default_rng(7)
    texts = {
        "A": [str(y) for y in range(2010, 2024)],
        "Q": [f"{y}Q{q}" for y in range(2010, 2024) for q in range(1, 5)],
        "M": [f"{y}-{m:02d}" for y in range(2010, 2024) for m in range(1, 13)],
    }
    for _ in range(50):
        freqs = rng.choice(["A", "Q", "M"], size=40)
        periods = [str(rng.choice(texts[f])) for f in freqs]
        got = latest_tidy_period(pd.Series(periods), pd.Series(freqs))
        # independently: every row's end, the latest end, then the finest frequency there
        ends = [str_to_period(p, f).end_time for p, f in zip(periods, freqs, strict=True)]
        last = max(ends)
        tied = {(p, f) for p, f, e in zip(periods, freqs, ends, strict=True) if e == last}
        assert got == max(tied, key=lambda pf: "AQM".index(pf[1]))[0]
    # the same end: the month names it, whatever the order the rows come in
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        rows = [("2022", "A"), ("2022Q4", "Q"), ("2022-12", "M")]
        assert latest_tidy_period(*zip(*[rows[i] for i in order], strict=True)) == "2022-12"
    assert latest_tidy_period(["2022", "2022Q4"], ["Y", "Q"]) == "2022Q4"
    with pytest.raises(PeriodError, match="no periods"):
        latest_tidy_period([], [])
    with pytest.raises(PeriodError, match="2020Q5"):
        latest_tidy_period(["2020Q4", "2020Q5"], ["Q", "Q"])
    with pytest.raises(PeriodError, match="not a A period"):
        latest_tidy_period(["2020", None], ["A", "A"])
