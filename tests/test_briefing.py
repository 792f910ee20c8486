"""Tests of lixia_econ.briefing and the district_briefing template.

Unit tests use HAND-MADE TEST FIXTURES (small series and figures written below; they are
not data). The report tests run the template with a real kernel on the shipped data, once
per region and language (module-scoped), and recompute Lixia's headline from the raw CSV
files with the csv module, independently of the package.
"""

from __future__ import annotations

import csv
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

from lixia_econ.analysis import level_breaks
from lixia_econ.briefing import (
    REPOST_MARK,
    Figure,
    chain_index,
    counterfactual_path,
    fmt_num,
    fmt_pct,
    pick_figure,
    rank_units,
    scorecard_problem,
    table_html,
    targets_against_outcomes,
)
from lixia_econ.config import PROJECT_ROOT, RAW_DIR
from lixia_econ.errors import InsufficientDataError


def _fig(period: str, value: float, *, measure: str = "level", note: str = "", url: str = "u"):
    """A hand-made test fixture figure."""
    return Figure(
        "370102", "gdp", period, measure, value, "亿元", "current", "published",
        "f.csv", url, "media", note,
    )  # fmt: skip


# --------------------------------------------------------------------------- unit tests


def test_chain_index_multiplies_growth_factors_and_never_bridges_a_gap():
    # hand-made test fixture rates
    growth = pd.Series({2020: 10.0, 2021: -10.0, 2023: 5.0})
    index = chain_index(growth, 2019, 2023)
    assert index[2019] == 100.0
    assert index[2020] == pytest.approx(110.0)
    assert index[2021] == pytest.approx(99.0)
    assert math.isnan(index[2022])
    assert math.isnan(index[2023])


def test_counterfactual_path_with_one_pre_shock_rate():
    # hand-made test fixture: 10% before the shock, 0% after
    growth = pd.Series({2019: 10.0})
    index = chain_index(pd.Series({2020: 0.0, 2021: 0.0}), 2019, 2021)
    cf = counterfactual_path(growth, index, shock_year=2020)
    assert cf.window == (2019,)
    assert cf.rate_pct == pytest.approx(10.0)
    assert cf.path[2021] == pytest.approx(121.0)
    assert cf.gap_pct == pytest.approx(100 * (100 / 121 - 1))


def test_counterfactual_path_uses_the_consecutive_pre_shock_years():
    # hand-made test fixture: 2016 is missing, so the window is 2017-2019
    growth = pd.Series({2015: 1.0, 2017: 2.0, 2018: 4.0, 2019: 6.0})
    cf = counterfactual_path(
        growth, chain_index(pd.Series({2020: 1.0}), 2019, 2020), shock_year=2020
    )
    assert cf.window == (2017, 2018, 2019)
    assert cf.rate_pct == pytest.approx(100 * ((1.02 * 1.04 * 1.06) ** (1 / 3) - 1))


def test_counterfactual_path_needs_the_year_before_the_shock():
    with pytest.raises(InsufficientDataError, match="2019"):
        counterfactual_path(pd.Series({2018: 5.0}), pd.Series({2019: 100.0}), shock_year=2020)


def test_rank_units_skips_missing_and_shares_ties():
    ranks, n = rank_units({"a": 5.0, "b": 7.0, "c": 5.0, "d": float("nan")})  # test fixture
    assert n == 3
    assert ranks.to_dict() == {"b": 1, "a": 2, "c": 2}


def test_level_breaks_flag_levels_of_different_releases():
    # Test fixture modelled on Lixia: 1685.4 (spring-2020 release) then 1910.41 (+13.4%
    # nominal) against +4.5% real; 2020 -> 2021 is +11.2% nominal against +7.8% real.
    levels = {2019: _fig("2019", 1685.4), 2020: _fig("2020", 1910.41), 2021: _fig("2021", 2124.15)}
    breaks = level_breaks(levels, pd.Series({2020: 4.5, 2021: 7.8}))
    assert [(a, b) for a, b, _, _ in breaks] == [(2019, 2020)]
    assert breaks[0][2] == pytest.approx(13.35, abs=0.01)


def test_targets_against_outcomes_met_missed_unknown():
    # hand-made test fixture targets and outcomes
    t = [
        _fig("2022", 8.0, measure="target_yoy_pct"),
        Figure("370102", "gpb_revenue", "2022", "target_yoy_pct", 9.0, "percent", "current",
               "target", "f.csv", "u", "official", ""),
        Figure("370102", "gpb_revenue", "2023", "target_yoy_pct", 17.0, "percent", "current",
               "target", "f.csv", "u", "official", ""),
    ]  # fmt: skip
    outcomes = {
        ("370102", "gdp", "2022"): _fig("2022", 4.5, measure="yoy_pct"),
        ("370102", "gpb_revenue", "2023"): _fig("2023", 17.6, measure="yoy_pct"),
    }
    table = targets_against_outcomes(t, outcomes)
    assert table["verdict"].tolist() == ["missed", "unknown", "met"]
    assert table["shortfall_pp"].iloc[0] == pytest.approx(3.5)


def test_pick_figure_prefers_the_final_figure_over_a_preliminary_one():
    # hand-made test fixture rows: two pages print the same year
    rows = []
    for value, note in ((5.5, "preliminary; trust: official"), (5.6, "trust: media-repost")):
        rows.append({
            "region": "370112", "indicator": "gdp", "freq": "A", "period": "2020",
            "measure": "yoy_pct", "value": value, "unit": "percent", "price_basis": "comparable",
            "status": "published", "source": "x.csv | http://a", "note": note,
        })  # fmt: skip
    fig = pick_figure(pd.DataFrame(rows), "370112", "gdp", "2020", "yoy_pct")
    assert fig.value == 5.6
    assert fig.repost
    assert pick_figure(pd.DataFrame(rows), "370112", "gdp", "2021", "yoy_pct") is None


@pytest.mark.parametrize(
    ("lower", "upper", "notes", "expected"),
    [
        (1.0, 5.0, [], None),
        (-130.0, 5.0, [], "absurd"),  # a loss bound beyond -100% of the level
        (float("nan"), 5.0, [], "interval"),
        (1.0, 5.0, ["The fit did not converge."], "fit"),
    ],
)
def test_scorecard_problem(lower, upper, notes, expected):
    # hand-made test fixture rows
    row = pd.Series({"output_loss_pct": 3.0, "output_loss_pct_lower": lower,
                     "output_loss_pct_upper": upper})  # fmt: skip
    assert scorecard_problem(row, notes) == expected


def test_formatting_never_prints_nan():
    assert fmt_pct(float("nan")) == "—"
    assert fmt_num(None) == "—"
    assert fmt_num(12757.4) == "12,757.4"
    assert fmt_pct(-3.73, sign=True) == "-3.7%"


def _fixture_panel() -> pd.DataFrame:
    """A HAND-MADE TEST FIXTURE panel (not data): 2020 growth of the region is missing."""
    rows = []
    for region, measure, period, value, status in (
        ("370102", "yoy_pct", "2019", 6.0, "published"),
        ("370102", "yoy_pct", "2021", 8.0, "published"),
        ("370102", "level", "2021", 2000.0, "published"),
        ("370102", "target_yoy_pct", "2021", 7.0, "target"),
        ("370100", "yoy_pct", "2020", 5.0, "published"),
        ("370100", "yoy_pct", "2021", 6.0, "published"),
    ):
        rows.append({
            "region": region, "indicator": "gdp", "freq": "A", "period": period,
            "measure": measure, "value": value,
            "unit": "亿元" if measure == "level" else "percent",
            "price_basis": "current" if measure == "level" else "comparable", "status": status,
            "source": "fixture.csv | http://example.org", "note": "trust: media-repost",
        })  # fmt: skip
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_with_a_gap_says_so_and_never_prints_nan(lang):
    from lixia_econ.briefing import build_briefing

    b = build_briefing(
        _fixture_panel(), region="370102", benchmarks=["370100"], peers_of="370100",
        shock="2020", lang=lang,
    )  # fmt: skip
    assert "counterfactual" not in b.metrics  # nothing chained after 2019: no gap
    assert b.metrics["headline"]["real_index"] == {"370102": None, "370100": 111.3}  # 1.05 * 1.06
    assert any(("无法判断" if lang == "zh" else "Cannot be answered") in s for s in b.headline)
    assert b.metrics["targets"][0]["verdict"] == "met"  # 8.0 against 7
    text = " ".join(b.headline + [ln for sec in b.sections for ln in sec.lines])
    for sec in b.sections:
        for _, frame in sec.tables:
            text += frame.to_string()
    assert not re.search(r"\b(nan|none|<NA>)\b", text, flags=re.IGNORECASE)  # not "Jinan"


def test_sources_are_listed_by_page_with_every_figure_they_back():
    from lixia_econ.briefing import build_briefing

    panel = _fixture_panel()
    other = panel.iloc[[0]].assign(period="2018", source="other.csv | http://example.org/b")
    panel = pd.concat([panel, other], ignore_index=True)  # hand-made: a second page
    b = build_briefing(
        panel, region="370102", benchmarks=["370100"], peers_of="370100", shock="2020"
    )  # fmt: skip
    sec = next(s for s in b.sections if s.title == "八、数据来源")
    ((name, pages),) = sec.tables
    ((ledger_name, ledger),) = sec.workbook_tables
    assert (name, ledger_name) == ("source_pages", "sources")
    assert len(ledger) == len(b.ledger.figures)  # the workbook keeps one row a figure
    used = {f.url for f in b.ledger.figures.values()}
    assert pages["页面"].tolist() == [u for u in ("http://example.org", "http://example.org/b")
                                     if u in used]  # fmt: skip
    backs = pages.set_index("页面")["所支撑的数据"]
    # 2019 and 2021 growth, the 2021 level and target of the region; Jinan's growth
    assert "历下区：2019、2021年地区生产总值实际增速" in backs["http://example.org"]
    assert "济南市：2020—2021年地区生产总值实际增速" in backs["http://example.org"]
    assert "2021年地区生产总值目标增速（计划数）" in backs["http://example.org"]
    assert all(REPOST_MARK in t for t in pages["可信度"])  # every fixture row is a repost


def test_a_briefing_with_no_as_of_scores_the_national_appendix(built):
    """The template run as a notebook (JupyterLab, or papermill without the runner) keeps
    as_of = "": its appendix once listed no series ("共0个序列", every one "无法评分")."""
    from lixia_econ.briefing import build_briefing

    kw = dict(region="370102", benchmarks=["370100", "370000", "000000"], peers_of="370100")
    empty = build_briefing(built.panel, shock="2020", as_of="", **kw)
    latest = build_briefing(built.panel, shock="2020", as_of="2026Q1", **kw)  # the runner's
    tables = [dict(s.tables) for s in (empty.sections[-1], latest.sections[-1])]
    assert len(tables[0]["scorecard"]) >= 10
    pd.testing.assert_frame_equal(tables[0]["scorecard"], tables[1]["scorecard"])
    assert empty.sections[-1].lines == latest.sections[-1].lines


@pytest.mark.parametrize(
    ("periods", "lang", "expected"),
    [
        (["2021", "2019", "2020", "2023"], "zh", "2019—2021、2023年"),
        (["2021", "2019", "2020", "2023"], "en", "2019–2021, 2023"),
        (["2022Q3", "2021"], "zh", "2021年、2022年第3季度"),
    ],
)
def test_periods_text_joins_runs_of_years(periods, lang, expected):
    from lixia_econ.briefing import _periods_text

    assert _periods_text(periods, lang) == expected


def test_table_html_aligns_numbers_right_and_sets_widths():
    frame = pd.DataFrame({"地区": ["历下区"], "增速（%）": ["4.5†"], "排名": ["1/10"]})  # fixture
    page = table_html(frame, widths=[50, 25, 25])
    assert page.count("text-align:left") == 2  # the text column's header and cell
    assert '<col style="width:50%">' in page
    assert "table-layout:fixed;width:100%" in page
    assert "table-layout:auto" in table_html(frame)


# --------------------------------------------------------------------------- report runs

RUNS = {
    ("370102", "zh"): {},
    ("370102", "en"): {},
    ("370102", "est"): {"lang": "zh", "use_estimates": True},
    ("370100", "zh"): {},
    ("370112", "en"): {},
    ("000000", "zh"): {},
}


class _Done(NamedTuple):
    """A briefing written by the module's batch: its folder and ``metrics.json``."""

    path: Path
    metrics: dict


@pytest.fixture(scope="module")
def reports(tmp_path_factory, default_report):
    """Run the briefing for each (region, lang) once: real kernels through ``run_batch``.

    Lixia in Chinese is the session's default report (conftest.py, ``run_report`` in a fresh
    kernel), shared with the report and browser tests (which check its PDF) rather than run
    again. The others run as one batch on two workers, each keeping a warm kernel (what
    ``lixia-econ batch`` does), without a PDF: printing costs a report about 3-5 s and their
    HTML is what is tested.
    """
    from lixia_econ.report import run_batch

    out = tmp_path_factory.mktemp("briefings")
    done = {("370102", "zh"): default_report.result}
    todo = [key for key in RUNS if key not in done]
    cfg = {
        "batch": {"workers": 2, "timeout": 300},
        "report": [
            {"template": "district_briefing", "region": region, "lang": variant, "variant": variant}
            | RUNS[(region, variant)]
            for region, variant in todo
        ],
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIXIA_ECON_CHROMIUM", str(out / "no-chromium-for-briefing-tests"))
        result = run_batch(cfg, output_dir=out, progress=False, force=True)
    assert result.counts["ok"] == len(todo), result
    for key, entry in zip(todo, result.entries, strict=True):
        path = Path(entry.target)
        done[key] = _Done(path, json.loads((path / "metrics.json").read_text(encoding="utf-8")))
    return done


class _Text(HTMLParser):
    """Visible text of a page (script, style and title skipped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def _code_names() -> set[str]:
    from lixia_econ.models.vocab import METRICS
    from lixia_econ.regions import regions

    with open(PROJECT_ROOT / "lixia_econ" / "catalogue" / "indicators.csv", encoding="utf-8") as fh:
        codes = {row["code"] for row in csv.DictReader(fh)}
    # "rank" is a metric name and also the English word the prose uses ("ranked 1 of 10")
    return (codes | set(METRICS) | set(regions())) - {"rank"}


@pytest.mark.notebooks
@pytest.mark.parametrize("key", list(RUNS), ids=[f"{r}-{lang}" for r, lang in RUNS])
def test_briefing_shows_no_code_name_and_no_nan(reports, key):
    text = _visible_text(reports[key].path / "report.html")
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\b\d{6}\b", text))
    leaked = sorted(words & _code_names())
    assert not leaked, leaked
    assert not re.search(r"\b(NaN|nan|None)\b", text)
    assert "lixia-econ" not in text
    assert "<NA>" not in text


@pytest.mark.notebooks
def test_estimates_are_labelled_as_estimates(reports):
    text = _visible_text(reports[("370102", "est")].path / "report.html")
    assert "【估算值】" in text
    assert "估算值：由年度现价总量" in text
    plain = _visible_text(reports[("370102", "zh")].path / "report.html")
    assert "估算地区生产总值" not in plain


@pytest.mark.notebooks
def test_english_briefing_is_in_english(reports):
    text = _visible_text(reports[("370102", "en")].path / "report.html")
    assert "Headline" in text
    assert "Sources" in text
    assert "要点" not in text


# --------------------------------------------------------------------------- raw recompute


def _raw_rows() -> list[dict[str, str]]:
    rows = []
    for name in ("jinan_districts_2020_2024.csv", "jinan_lixia_public_figures.csv",
                 "published_annual_figures.csv"):  # fmt: skip
        with open(RAW_DIR / name, encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    return rows


def _yi(row: dict[str, str]) -> float:
    """A level in 亿元 from the printed unit."""
    factor = {"亿元": 1.0, "billion yuan": 10.0, "trillion yuan": 10000.0}[row["unit"]]
    return float(row["value"]) * factor


def _raw_growth(rows, geography: str) -> dict[int, float]:
    return {
        int(r["period"]): float(r["value"])
        for r in rows
        if r["geography"] == geography and r["indicator"] == "GDP real growth"
        and r["period_type"] == "annual"
    }  # fmt: skip


@pytest.mark.notebooks
def test_lixia_headline_recomputed_from_the_raw_files(reports):
    rows = _raw_rows()
    head = reports[("370102", "zh")].metrics["values"]["headline"]
    for code, geo in (("370102", "Lixia District (历下区)"), ("370100", "Jinan (济南市)"),
                      ("000000", "China (全国)"), ("370000", "Shandong (山东省)")):  # fmt: skip
        g = _raw_growth(rows, geo)
        if all(y in g for y in range(2020, 2024)):
            expected = 100 * math.prod(1 + g[y] / 100 for y in range(2020, 2024))
            assert head["real_index"][code] == pytest.approx(expected, abs=1e-3), code
        else:  # Shandong 2022 is not published: no index, never an interpolation
            assert head["real_index"][code] is None, code
    lixia = _raw_growth(rows, "Lixia District (历下区)")
    path = 100 * (1 + lixia[2019] / 100) ** 4
    actual = 100 * math.prod(1 + lixia[y] / 100 for y in range(2020, 2024))
    assert head["pre_shock_rate_pct"] == pytest.approx(lixia[2019])
    assert head["gap_pct"] == pytest.approx(100 * (actual / path - 1), abs=1e-3)
    level_2023 = next(
        _yi(r) for r in rows if r["geography"] == "Lixia District (历下区)"
        and r["indicator"].startswith("GDP (") and r["period"] == "2023"
    )  # fmt: skip
    assert head["gap_yuan_100m"] == pytest.approx(head["gap_pct"] / 100 * level_2023, abs=0.01)
    _check_ranks(rows, head)
    verdicts = {(t["indicator"], t["period"]): t["verdict"] for t in head["targets"]}
    assert verdicts[("gdp", "2022")] == "missed"
    assert verdicts[("gdp", "2023")] == "met"
    assert verdicts[("gpb_revenue", "2023")] == "met"  # +17.6 against 17
    assert verdicts[("gpb_revenue", "2022")] == "unknown"  # outcome not published


def _check_ranks(rows, head):
    units = {"district", "county", "functional zone"}
    levels, growth = {}, {}
    for r in rows:
        if r["geo_level"] not in units or r["period"] != "2023" or r["period_type"] != "annual":
            continue
        if r["indicator"].startswith("GDP (") and "Qingdao" not in r["geography"]:
            levels[r["geography"]] = _yi(r)
        elif r["indicator"] == "GDP real growth":
            growth[r["geography"]] = float(r["value"])
    lixia = "Lixia District (历下区)"
    assert head["rank_level"] == 1 + sum(v > levels[lixia] for v in levels.values())
    assert head["rank_level_n"] == len(levels)
    assert head["rank_growth"] == 1 + sum(v > growth[lixia] for v in growth.values())
    assert head["rank_growth_n"] == len(growth)


@pytest.mark.notebooks
def test_metrics_json_is_valid_json_without_nan(reports):
    path = reports[("370102", "zh")].path / "metrics.json"
    json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))


def test_the_page_title_is_the_briefings_not_the_folders_as_of(reports):
    """The HTML (and PDF) title names the years briefed, not the newest benchmark quarter.

    The folder is named by the newest period of any region compared (China's latest
    quarter); Lixia's own figures end years earlier, and the title must say so.
    """
    for key in [("370102", "zh"), ("370102", "en"), ("370100", "zh")]:
        report = reports[key]
        page = (report.path / "report.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", page, flags=re.S).group(1)
        assert title == report.metrics["values"]["title"]
        assert report.path.name not in title  # e.g. "2026Q1", the folder's as-of
    assert reports[("370102", "zh")].metrics["values"]["title"].startswith("历下区")


def test_latest_period_ties_go_to_the_longest_period_whatever_the_order():
    # 2022, 2022Q4 and 2022-12 end together; a set's order (hash seed) must not choose
    import itertools

    from lixia_econ.briefing import _latest_key

    for order in itertools.permutations(["2022-12", "2022", "2022Q4", "2022Q3"]):
        assert sorted(order, key=_latest_key)[-1] == "2022"
