"""The build's vectorised steps (issue 14, item 5) against the semantics they replace.

Each replaced step is compared with the pandas one-liner it stands for, on mixed input
made here (test fixtures, made-up values): the CSV writer with ``DataFrame.to_csv``, the
Excel guard with ``Series.map(excel_safe_text)``, the key lookup of the derivations with
a set of tuples, and ``validate``'s sort and repeat handling with ``sort_values`` and
``duplicated``; the pool of reading processes with one process (the same files, the same
lines said, the same files rejected with the same errors).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lixia_econ import build
from lixia_econ._excel import csv_frame, excel_safe_text
from lixia_econ.schema import COLUMNS, KEY, as_category, validate

_TEXT = ["a\rb", "a\nb", "a,b", 'a"b', "", " x", "a;b", "é\u2028", "a\tb", "#", '"', "x\r\ny",
         "'=1", "=cmd|' /C calc'!A0", "+1", "-2", "@a", "中文，逗号", "区", None]  # fmt: skip


def _floats(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    wide = rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n)
    special = [0.0, -0.0, 1e16, 9999999999999998.0, 1e-4, 9.9999e-5, 5e-324, 1e15, np.nan, 2633.9]
    return np.concatenate([wide, np.round(rng.gamma(2.0, 300.0, n), 2), special])


def _frame(n: int = 400) -> pd.DataFrame:
    values = _floats(n)
    rng = np.random.default_rng(1)
    text = rng.choice(np.array(_TEXT, dtype=object), len(values))
    return pd.DataFrame(
        {
            "region": pd.Series(text, dtype=str),
            "value": values,
            "note": pd.Series(text[::-1], dtype=str),
            "source": "file.csv",
        }
    )


@pytest.mark.parametrize("rows", [7, 1 << 20])
def test_write_csv_gives_the_bytes_of_to_csv(tmp_path, monkeypatch, rows):
    monkeypatch.setattr(build, "_CSV_ROWS", rows)
    frame = pd.concat([_frame(), _frame()], ignore_index=True)  # chunked Arrow columns
    build.write_csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, encoding="utf-8-sig")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_csv_of_categoricals_gives_the_bytes_of_to_csv_of_their_text(tmp_path):
    frame = pd.concat([_frame(), _frame()], ignore_index=True)
    cat = frame.assign(**{c: as_category(frame[c]) for c in ("region", "note", "source")})
    assert all(isinstance(cat[c].dtype, pd.CategoricalDtype) for c in ("region", "note"))
    build.write_csv(csv_frame(cat), tmp_path / "fast.csv")
    csv_frame(frame).to_csv(tmp_path / "pandas.csv", index=False, encoding="utf-8-sig")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_write_csv_hands_other_columns_to_pandas(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": pd.Series(["x", None], dtype=object)})
    build.write_csv(frame, tmp_path / "fast.csv")
    frame.to_csv(tmp_path / "pandas.csv", index=False, encoding="utf-8-sig")
    assert (tmp_path / "fast.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_csv_frame_is_map_excel_safe_text():
    frame = _frame(50).assign(other=pd.Series(["=x", 1, None, "y"] * 28, dtype=object)[:110])
    expected = frame.copy()
    for c in expected.columns:
        if expected[c].dtype == object or pd.api.types.is_string_dtype(expected[c]):
            expected[c] = expected[c].map(excel_safe_text)
    pd.testing.assert_frame_equal(csv_frame(frame), expected)


def test_absent_is_a_set_of_tuples():
    rng = np.random.default_rng(2)
    cols = ["region", "indicator", "period"]

    def table(n):
        return pd.DataFrame({c: pd.Series(rng.choice(list("abc"), n), dtype=str) for c in cols})

    rows, have = table(300), table(40)
    known = set(have.itertuples(index=False, name=None))
    expected = [k not in known for k in rows.itertuples(index=False, name=None)]
    assert build._absent(rows, have, cols).tolist() == expected
    assert build._absent(rows, have.iloc[:0], cols).all()


def _panel() -> pd.DataFrame:
    """A valid tidy table in no particular order, with exact repeats (made-up values)."""
    regions, rng = ["370102", "370103", "370104", "370112"], np.random.default_rng(3)
    rows = [
        (r, ind, "M", f"{y}-{m:02d}", measure, rng.uniform(1, 50), unit, basis, src)
        for r in regions
        for ind, measure, unit, basis in [
            ("retail_sales", "level", "亿元", "current"),
            ("retail_sales", "yoy_pct", "percent", "current"),
            ("gdp", "yoy_pct", "percent", "comparable"),
        ]
        for y in (2019, 2020)
        for m in range(1, 13)
        for src in ("a.csv", "b.csv | http://x")
    ]
    cols = ["region", "indicator", "freq", "period", "measure", "value", "unit", "price_basis",
            "source"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols).assign(status="published", note="")
    frame = frame[list(COLUMNS)]
    frame = pd.concat([frame, frame.iloc[::17]], ignore_index=True)  # exact repeats
    return frame.sample(frac=1, random_state=4).reset_index(drop=True)


def test_validate_sorts_and_drops_repeats_as_sort_values_did():
    frame = _panel()
    text = [c for c in COLUMNS if c != "value"]
    expected = frame.astype({c: str for c in text})
    expected = expected[~expected.duplicated([*KEY, "value"], keep="first")]
    expected = expected.sort_values(list(KEY)).reset_index(drop=True)[list(COLUMNS)]
    got = validate(frame)
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(validate(got), expected)  # already in order: kept as is
    categorical = validate(frame, categorical=True)
    assert all(isinstance(categorical[c].dtype, pd.CategoricalDtype) for c in text)
    as_text = categorical.astype({c: str for c in text})
    pd.testing.assert_frame_equal(as_text, expected)


def _build(raw, out, monkeypatch, pool: bool) -> tuple[list[str], list[tuple[str, str]]]:
    """Build with the pool of readers forced on (every input large) or off; what it says."""
    monkeypatch.setattr(build, "_POOL_BYTES", 0 if pool else 1 << 62)
    lines: list[str] = []
    result = build.build_panel(raw_dir=raw, processed_dir=out, echo=lines.append, force=True)
    lines = [line.replace(str(out), "OUT") for line in lines]
    return lines, [(name, str(err)) for name, err in result.rejected]


def test_a_pool_of_readers_builds_what_one_process_builds(raw_copy, tmp_path, monkeypatch):
    said = {pool: _build(raw_copy, tmp_path / str(pool), monkeypatch, pool) for pool in (0, 1)}
    assert said[0] == said[1]
    for name in ("panel.csv", "panel.parquet", "build_log.json", "regions.csv"):
        assert (tmp_path / "0" / name).read_bytes() == (tmp_path / "1" / name).read_bytes()


def test_a_pool_of_readers_rejects_as_one_process_does(raw_copy, tmp_path, monkeypatch):
    head = "region,indicator,period,value,unit\n"
    (raw_copy / "mine.csv").write_text(head + "历成区,GDP,2020,1,亿元\n", encoding="utf-8")
    rows = "历下区,GDP,2020年1-6月,2,亿元\n历下区,GDP,2020年1-9月,1,亿元\n"  # falls: refused
    (raw_copy / "falls.csv").write_text(head + rows, encoding="utf-8")
    said = {pool: _build(raw_copy, tmp_path / str(pool), monkeypatch, pool) for pool in (0, 1)}
    assert said[0] == said[1]
    assert [name for name, _ in said[1][1]] == ["falls.csv", "mine.csv"]
