"""A mixed long-layout input (a test fixture, made-up numbers) for the vectorised reader.

:func:`write_mixed` writes a long CSV whose rows mix what the long reader handles:
regions by code, full-width code, Chinese, English and prefecture-qualified name;
indicators in Chinese, English and with growth words; 亿元, 万元, 元, 万人 and percent;
monthly, year-to-date, quarterly and annual labels (full-width digits too); values
plain, with thousands separators, full-width, negative, missing markers; notes, trust
and pages on some rows; exact repeats; cells with spaces around them.

``tests/fixtures/long_mixed/expected.csv`` is what the row-by-row semantics gave for
it (written by ``python tests/_long_mixed.py`` before the reader was vectorised, at
commit e95a945); ``tests/test_io_long_fast.py`` compares the reader with it.
"""

from __future__ import annotations

import random
from pathlib import Path

HEADER = "地区,指标名称,时间,数值,单位,备注,可信度,url"
_REGIONS = ["370102", "３７０１０３", "槐荫区", "Tianqiao District (天桥区)", "济南市长清区",
            "370100", " 370112 ", "济南高新区"]  # fmt: skip
_SERIES = [  # (indicator text, unit texts, period kind)
    ("地区生产总值", ["亿元", "万元"], "ytd"),
    ("GDP real growth", ["%", "percent"], "ytd"),
    ("社会消费品零售总额", ["亿元", "万元"], "month"),
    ("社会消费品零售总额增长", ["%"], "month"),
    ("一般公共预算收入", ["万元", "亿元"], "annual"),
    ("人均一般公共预算收入", ["元"], "annual"),
    ("固定资产投资比上年增长", ["%"], "quarter"),
    ("第三产业增加值占地区生产总值比重", ["%"], "annual"),
]
_VALUES = ["1910.41", "263.39", "12,345.6", "１２３.４", "-3.9", "0", "-0", "5", "7.125",
           "—", "-", "…", "", "  42.5  ", "1e3", "0.000001", "123456789.123"]  # fmt: skip
_NOTES = ["", "", "", "初步核算", "=revised"]
_TRUST = ["", "", "official", "media"]
_URLS = ["", "", "http://example.org/a", "http://example.org/b"]


def _periods(kind: str, year: int, full_width: bool) -> list[str]:
    if kind == "ytd":
        out = [f"{year}年1-{m}月" for m in (3, 6, 9, 12)]
    elif kind == "month":
        out = [f"{year}年1-2月", *(f"{year}年{m}月" for m in range(3, 13))]
    elif kind == "quarter":
        out = [f"{year}Q{q}" for q in range(1, 5)]
    else:
        out = [f"{year}年"]
    if full_width:
        out = [p.translate(str.maketrans("0123456789", "０１２３４５６７８９")) for p in out]
    return out


def mixed_lines(seed: int = 7) -> list[str]:
    """Return the data lines (without header) of the mixed input."""
    rng = random.Random(seed)
    lines = []
    for r, region in enumerate(_REGIONS):
        for ind, units, kind in _SERIES:
            unit = units[r % len(units)]
            for year in (2019, 2020, 2021):
                base = rng.uniform(10, 500)
                for k, period in enumerate(_periods(kind, year, full_width=(r + year) % 5 == 0)):
                    if kind == "ytd" and unit not in ("%", "percent"):
                        value = f"{base * (k + 1):.2f}"  # year to date: never falls
                    elif unit in ("%", "percent"):
                        value = f"{rng.uniform(-5, 15):.1f}"
                    else:
                        value = rng.choice(_VALUES)
                    note, trust, url = rng.choice(_NOTES), rng.choice(_TRUST), rng.choice(_URLS)
                    lines.append(f"{region},{ind},{period},{value},{unit},{note},{trust},{url}")
    lines = [ln.replace("12,345.6", '"12,345.6"') for ln in lines]
    lines += lines[5:9]  # exact repeats, dropped once each
    return lines


def write_mixed(path: Path, *, line_end: str = "\n", footnote: bool = False) -> Path:
    """Write the mixed input; ``footnote`` adds a ``注：`` line (read row by row then)."""
    lines = [HEADER, *mixed_lines()]
    if footnote:
        lines.append("注：示例脚注")
    path.write_bytes((line_end.join(lines) + line_end).encode("utf-8"))
    return path


def frame_text(df) -> str:
    """Return a table and its attrs as text, values by ``repr`` (exact)."""
    out = df.assign(value=[repr(float(v)) for v in df["value"]])
    attrs = {k: df.attrs[k] for k in ("dropped_missing", "dropped_duplicates", "caveats")}
    rows = ",".join(str(x) for x in df.attrs["source_rows"])
    dtypes = ",".join(str(t) for t in df.dtypes)
    return f"{attrs}\nsource_rows {rows}\ndtypes {dtypes}\n" + out.to_csv(index=False)


if __name__ == "__main__":
    import tempfile

    from lixia_econ.io import read_table
    from lixia_econ.regions import register_regions

    here = Path(__file__).resolve().parent
    register_regions(here.parent / "data" / "raw" / "regions.csv")  # 济南高新区
    with tempfile.TemporaryDirectory() as tmp:
        df = read_table(write_mixed(Path(tmp) / "mixed.csv"), layout="long", source="mixed.csv")
    (here / "fixtures" / "long_mixed" / "expected.csv").write_text(frame_text(df), encoding="utf-8")
    print(len(df), df.attrs["dropped_missing"], df.attrs["dropped_duplicates"])
