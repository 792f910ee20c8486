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
