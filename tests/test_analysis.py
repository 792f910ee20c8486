"""The analysis layer the report templates call: vintages, growth tables, sparse growth."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lixia_econ import analysis


def test_lixia_2019_and_2020_levels_are_a_break_between_vintages(built):
    # Published: Lixia GDP 2019 1685.4 亿元 (spring-2020 article, the seed), 2020 1910.41 亿元
    # with real growth +4.5 % (jinan_districts_2020_2024.csv): 1910.41 / 1685.4 = +13.4 %.
    _, panel = built
    (brk,) = analysis.vintage_breaks(panel, "370102", "gdp")
    assert (brk.before, brk.after) == (2019, 2020)
    assert "+13.4% nominal" in str(brk)
    assert "+4.5%" in str(brk)
    assert "jinan_lixia_public_figures.csv" in str(brk)
    assert "jinan_districts_2020_2024.csv" in str(brk)


def test_sparse_growth_computes_nothing_across_a_vintage_break(built):
    _, panel = built
    table, cannot = analysis.sparse_growth(panel, ["370102"], "gdp", shock="2020", as_of="")
    row = table.set_index("region").loc["370102"]
    assert math.isnan(row["post_cagr_pct"])
    assert row["pre_from"] == "2012"  # 2012 -> 2019 is within one kind of source
    assert any("level break between vintages" in c for c in cannot)


def test_no_break_where_levels_and_real_growth_agree():
    # Test fixture (hand-made): two sources, +6 % nominal against +5 % real: no break.
    rows = [
        ("2019", "level", 100.0, "a.csv"),
        ("2020", "level", 106.0, "b.csv"),
        ("2020", "yoy_pct", 5.0, "b.csv"),
    ]
    panel = pd.DataFrame(
        [
            dict(
                region="370102",
                indicator="gdp",
                freq="A",
                period=p,
                measure=m,
                value=v,
                unit="亿元" if m == "level" else "percent",
                price_basis="current" if m == "level" else "comparable",
                status="published",
                source=src,
                note="",
            )
            for p, m, v, src in rows
        ]
    )
    assert analysis.vintage_breaks(panel, "370102", "gdp") == []


def test_published_growth_prefers_the_published_figure(built):
    # NBS statistical communiqué of 2022-02-28: GDP grew 8.1 % in 2021 (first release); the
    # portal export's later vintage, derived from its Q4 accumulated index, is not preferred.
    _, panel = built
    wide = analysis.published_growth(panel, ["000000", "370102"], "gdp")
    assert wide.loc["全国 China", "2021"] == pytest.approx(8.1)
    assert wide.loc["历下区 Lixia District", "2020"] == pytest.approx(4.5)
    assert list(wide.columns) == sorted(wide.columns)


def _scorecard(panel, **kw):
    return analysis.national_scorecard(
        panel, "000000", ["gdp"], shock="2020", as_of="2026Q1", cache=True, **kw
    )


def test_cached_scorecard_is_the_computed_one_and_is_not_computed_again(
    built, tmp_path, monkeypatch
):
    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    computed = analysis.national_scorecard(
        built.panel, "000000", ["gdp"], shock="2020", as_of="2026Q1"
    )
    first = _scorecard(built.panel)
    assert list((tmp_path / "memo" / "scorecard").glob("*.pkl"))  # kept on disk
    calls = []
    real = analysis._national_scorecard
    monkeypatch.setattr(analysis, "_national_scorecard", lambda *a: calls.append(a) or real(*a))
    again = _scorecard(built.panel)
    assert calls == []  # read back, not fitted
    for got in (first, again):
        pd.testing.assert_frame_equal(got.table, computed.table, check_exact=True)
        assert got.cannot == computed.cannot
        assert got.results["gdp"].notes == computed.results["gdp"].notes
    # another as-of, another method: computed
    _scorecard(built.panel, method="ets")
    assert len(calls) == 1


def test_scorecard_cache_follows_the_data_and_survives_a_broken_file(built, tmp_path, monkeypatch):
    from lixia_econ import config

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    before = _scorecard(built.panel)
    changed = built.panel.copy()
    gdp = (changed["region"] == "000000") & (changed["indicator"] == "gdp")
    changed.loc[gdp, "value"] = changed.loc[gdp, "value"] * 1.01  # a revised national series
    calls = []
    real = analysis._national_scorecard
    monkeypatch.setattr(analysis, "_national_scorecard", lambda *a: calls.append(a) or real(*a))
    _scorecard(changed)
    assert len(calls) == 1  # the rows changed: fitted again, not the old answer
    for kept in (tmp_path / "memo" / "scorecard").glob("*.pkl"):
        kept.write_bytes(b"not a pickle")  # a truncated or foreign file
    again = _scorecard(built.panel)
    assert len(calls) == 2  # computed again, silently
    pd.testing.assert_frame_equal(again.table, before.table, check_exact=True)


def test_each_scorecard_series_reads_as_it_does_analysed_alone(built):
    # The scorecard fits its series with shared designs (one trend design a frequency);
    # each series' counterfactual must be the one analyze_recovery gives it on its own.
    from lixia_econ.models.recovery import analyze_recovery
    from lixia_econ.periods import parse_period

    card = analysis.national_scorecard(built.panel, "000000", None, shock="2020", as_of="2026Q1")
    assert len(card.results) >= 10  # quarterly and monthly series of several designs
    for code, res in card.results.items():
        series, basis = analysis._series_for(built.panel, "000000", code, "days")
        shock = parse_period("2020")[0].asfreq(series.index.freqstr[0], how="start")
        series = series[series.index.end_time <= parse_period("2026Q1")[0].end_time].dropna()
        alone = analyze_recovery(series, shock=shock, adjust=basis.adjust, as_of=series.index[-1])
        pd.testing.assert_frame_equal(
            res.counterfactual.to_frame(), alone.counterfactual.to_frame(), check_exact=True
        )
        assert repr(res.metrics) == repr(alone.metrics), code


def test_a_series_that_cannot_be_scored_says_what_the_panel_has_in_words(built):
    # Lixia publishes annual figures only (jinan_districts_2020_2024.csv): nothing to score
    # quarterly, and the sentence a report prints names what there is without codes.
    _, panel = built
    scored = analysis.national_scorecard(panel, "370102", ["gdp"], shock="2020", as_of="2023")
    (sentence,) = scored.cannot
    had = sentence.split("the panel has ")[1]
    assert had.startswith("annual levels (")  # was "6 level (A), 5 yoy_pct (A), ..."
    assert "_" not in had
    assert not any(f"({f})" in had for f in ("A", "Q", "M"))


def test_a_scorecard_with_no_as_of_scores_every_period(built):
    # A briefing run as a notebook keeps its template's as_of = "" (the report runner fills
    # in the latest period): its appendix once scored no series at all ("" is no period).
    # The latest period of the data, 2026Q1, ends after every national series.
    every = analysis.national_scorecard(built.panel, "000000", None, shock="2020", as_of="")
    latest = analysis.national_scorecard(built.panel, "000000", None, shock="2020", as_of="2026Q1")
    assert len(every.results) >= 10
    pd.testing.assert_frame_equal(every.table, latest.table, check_exact=True)
    assert every.cannot == latest.cannot
    cut = analysis.national_scorecard(built.panel, "000000", ["gdp"], shock="2020", as_of="2021Q4")
    assert cut.results["gdp"].actual.index[-1] == pd.Period("2021Q4", "Q")
    assert every.results["gdp"].actual.index[-1] > pd.Period("2021Q4", "Q")
