"""The tidy long format every reader returns and the processed panel is stored in.

One row per observation, SDMX-like:

============  =========  ===============================================================
column        dtype      meaning
============  =========  ===============================================================
region        str        region code, GB/T 2260 (``370102`` 历下区); ``000000`` is China
indicator     str        indicator code from the catalogue (``gdp``, ``retail_sales`` ...)
freq          str        ``A`` annual, ``Q`` quarterly, ``M`` monthly
period        str        the period's end as pandas prints it: ``2020``, ``2020Q1``,
                         ``2020-03``
measure       str        see :data:`MEASURES`
value         float64    the number, in ``unit``; never missing in a valid table
unit          str        canonical unit: ``亿元`` for money, ``元`` for per-capita money,
                         ``percent``, ``index``, ``万人``
price_basis   str        ``current`` (nominal), ``comparable`` (NBS 可比价, real growth),
                         ``na`` (not a price concept: PMI, shares)
status        str        see :data:`STATUSES`
source        str        file (relative to the raw folder) and, where known, the page
note          str        free text kept from the source; ``""`` when none
============  =========  ===============================================================
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.config import CATALOGUE_DIR
from lixia_econ.errors import ParameterError, SchemaError
from lixia_econ.periods import TIDY_PERIOD_PATTERNS
from lixia_econ.regions import (
    Region,
    display_name,
    lookup_region,
    name_candidates,
    normalise_name,
    region_label,
    regions,
    resolve_region,
)

__all__ = [
    "COLUMNS",
    "FREQS",
    "KEY",
    "MEASURES",
    "MEASURE_NAMES",
    "PRICE_BASES",
    "STATUSES",
    "Indicator",
    "Region",
    "SourceRows",
    "as_category",
    "as_text",
    "indicator_label",
    "indicators",
    "label",
    "lookup_indicator",
    "lookup_region",
    "normalise_name",
    "region_label",
    "regions",
    "resolve_indicator",
    "resolve_region",
    "validate",
]

COLUMNS: tuple[str, ...] = (
    "region",
    "indicator",
    "freq",
    "period",
    "measure",
    "value",
    "unit",
    "price_basis",
    "status",
    "source",
    "note",
)

#: Columns that identify an observation: a key appears at most once in a valid table.
KEY: tuple[str, ...] = ("region", "indicator", "freq", "period", "measure", "price_basis", "source")

FREQS: tuple[str, ...] = ("A", "Q", "M")

#: Measures, with the convention of each.
MEASURES: dict[str, str] = {
    "level": "value of the single period (flow over it, or stock at its end)",
    "ytd_level": "cumulative value from January to the period's end (累计)",
    "yoy_pct": "growth of the single period over the same period a year earlier, percent",
    "ytd_yoy_pct": "growth of the year-to-date value over a year earlier, percent (累计增长)",
    "index": "volume or price index; the base is stated in the note",
    "share_pct": "share of the parent region's value, percent",
    "target_yoy_pct": "planned growth for the year, percent (a plan, not an outcome)",
}

#: What each measure's values are called in a sentence ("the panel has annual growth rates (3)").
MEASURE_NAMES: dict[str, str] = {
    "level": "levels",
    "ytd_level": "year-to-date levels",
    "yoy_pct": "growth rates",
    "ytd_yoy_pct": "year-to-date growth rates",
    "index": "index values",
    "share_pct": "shares",
    "target_yoy_pct": "growth targets",
}

PRICE_BASES: tuple[str, ...] = ("current", "comparable", "na")

#: Observation status codes.
STATUSES: dict[str, str] = {
    "published": "as published by the statistics body",
    "derived": "computed from published figures (e.g. de-cumulated year-to-date values)",
    "jan_feb_combined": "January and February released together; the value covers both months",
    "jan_feb_split_days": "January-February total split between the months by days",
    "jan_feb_split_equal": "January-February total split equally between the months",
    "estimated": "a model estimate (e.g. temporal disaggregation), not a published figure",
    "target": "a plan or target, not an outcome",
}


@dataclass(frozen=True)
class Indicator:
    """An indicator of the catalogue, with its canonical unit and kind (flow, stock, rate)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    aliases: tuple[str, ...]


_E = TypeVar("_E", bound=Indicator)


def _read_catalogue(name: str, entry: type[_E]) -> dict[str, _E]:
    """Read a catalogue CSV into entries keyed by code (``aliases`` are ``|``-separated)."""
    names = [f.name for f in fields(entry)]
    with open(CATALOGUE_DIR / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        values: dict[str, Any] = {k: row[k] for k in names}
        values["aliases"] = tuple(a for a in row["aliases"].split("|") if a)
        out[row["code"]] = entry(**values)
    return out


@cache
def indicators() -> dict[str, Indicator]:
    """Return the bilingual indicator catalogue, keyed by code.

    Returns
    -------
    dict of str to Indicator
    """
    return _read_catalogue("indicators.csv", Indicator)


# --------------------------------------------------------------------------------------
# Resolving names to codes, and codes to labels: the one place every layer asks
# (reader, build, panel accessor, charts, report parameters, CLI).
# --------------------------------------------------------------------------------------

Lang = Literal["zh", "en"]

#: Numbering and "of which" markers of bulletin rows: "一、", "1.", "（一）", "其中：", "#".
_ROW_MARKERS = re.compile(
    r"^(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d+[.、]\s*|其中[:：]?|#)\s*"
)


def _name_table(entries: Mapping[str, Indicator]) -> dict[str, str]:
    """Map the normalised code, names and aliases of each catalogue entry to its code."""
    table: dict[str, str] = {}
    for code, entry in entries.items():
        for alias in (code, entry.name_zh, entry.name_en, *entry.aliases):
            table.setdefault(normalise_name(alias), code)
    return table


@cache
def _indicator_table() -> dict[str, str]:
    return _name_table(indicators())


def _lookup(table: Mapping[str, str], keys: list[str]) -> str | None:
    return next((table[k] for k in keys if k in table), None)


def lookup_indicator(name: object, aliases: Mapping[str, str] | None = None) -> str | None:
    """Return the catalogue code of an indicator name, or None.

    Bulletin row markers (``一、``, ``1.``, ``其中：``) are ignored; ``aliases`` (name →
    code) are tried before the catalogue.

    Examples
    --------
    >>> lookup_indicator("其中：地区生产总值"), lookup_indicator("ＧＤＰ")
    ('gdp', 'gdp')
    """
    text = _ROW_MARKERS.sub("", unicodedata.normalize("NFKC", str(name)).strip())
    keys = name_candidates(text)
    if aliases:
        extra = {normalise_name(k): v for k, v in aliases.items()}
        found = _lookup(extra, keys)
        if found is not None:
            return found
    return _lookup(_indicator_table(), keys)


def resolve_indicator(name: object, aliases: Mapping[str, str] | None = None) -> str:
    """Return the catalogue code of an indicator named by code, Chinese or English name.

    Raises
    ------
    ParameterError
        The name is unknown; the message suggests the nearest entries.

    Examples
    --------
    >>> resolve_indicator("地区生产总值"), resolve_indicator("GDP")
    ('gdp', 'gdp')
    """
    code = lookup_indicator(name, aliases)
    if code is None:
        table = _indicator_table()
        close = difflib.get_close_matches(normalise_name(name), list(table), n=3, cutoff=0.6)
        codes = list(dict.fromkeys(table[c] for c in close))
        hint = f" Did you mean {', '.join(repr(c) for c in codes)}?" if codes else ""
        raise ParameterError(
            f"{str(name)!r} is not in the indicator catalogue.{hint} "
            f"Known: {', '.join(indicators())}"
        )
    return code


def indicator_label(indicator: object, *, lang: Lang = "zh", unit: bool = False) -> str:
    """Return an indicator's display name, with its unit in brackets if ``unit``.

    A name not in the catalogue comes back unchanged.

    Examples
    --------
    >>> indicator_label("gdp", unit=True), indicator_label("gdp", lang="en")
    ('地区生产总值（亿元）', 'Gross domestic product')
    """
    check_choice("lang", lang, ("zh", "en"))
    code = lookup_indicator(indicator)
    if code is None:
        return str(indicator)
    ind = indicators()[code]
    name = display_name(ind, lang)
    if unit:
        name = f"{name}（{ind.unit}）" if lang == "zh" else f"{name} ({ind.unit})"
    return name


def label(code: object, lang: Lang = "zh", *, unit: bool = False) -> str:
    """Return the display name of a region or indicator code (regions are tried first).

    Examples
    --------
    >>> label("370100"), label("retail_sales", "en")
    ('济南市', 'Retail sales of consumer goods')
    """
    if lookup_region(code) is not None:
        return region_label(code, lang=lang)
    return indicator_label(code, lang=lang, unit=unit)


#: Year-on-year growth outside this range (percent) is rejected as implausible.
PLAUSIBLE_GROWTH = (-80.0, 200.0)


class SourceRows(list):
    """Line numbers of a table's rows in their file, kept in ``attrs["source_rows"]``.

    A list whose deep copy is itself: pandas deep-copies ``attrs`` on nearly every
    operation (each column taken, each ``assign``), and a million line numbers copied
    each time made a county build spend most of its time copying them. Treat it as
    read-only: the frames derived from one table share it.
    """

    def __deepcopy__(self, memo: dict) -> SourceRows:
        return self


class _SharedRows:
    """Source line numbers carried in ``attrs`` without pandas deep-copying them.

    pandas deep-copies ``attrs`` on nearly every operation; a list of 60,000 line numbers
    made validating a county panel take 20 s instead of 1 s.
    """

    def __init__(self, rows: object) -> None:
        self.rows = rows

    def __getitem__(self, i: int) -> object:
        return self.rows[i]  # type: ignore[index]

    def __deepcopy__(self, memo: dict) -> _SharedRows:
        return self


def _row_label(frame: pd.DataFrame, i: int) -> int | None:
    """Return the source row of the frame's i-th row, if the reader recorded it."""
    rows = frame.attrs.get("source_rows")
    if rows is None:
        return None
    try:
        return int(rows[i])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _fail(
    frame: pd.DataFrame, path: object, positions: pd.Index, column: str, reason: str
) -> SchemaError:
    i = int(positions[0])
    row = _row_label(frame, i)
    where = "" if row is not None else f"table row {i + 1}: "
    more = f" (and {len(positions) - 1} more rows)" if len(positions) > 1 else ""
    return SchemaError(
        f"{where}{reason}{more}",
        path=path,
        row=row,
        column=column,
        value=frame.iloc[i][column],
    )


def validate(
    frame: pd.DataFrame, *, path: object = None, categorical: bool = False
) -> pd.DataFrame:
    """Check a tidy table against the schema and return it in canonical form.

    Checks: exactly the columns of :data:`COLUMNS`; known region and indicator codes,
    frequencies, measures, price bases and statuses; period labels that match their
    frequency; finite numeric values; unique :data:`KEY` (rows repeated with the same
    value are kept once, the same key with two values is an error); year-to-date flows
    (``ytd_level`` of a ``flow`` indicator) never falling within a year; growth rates
    within :data:`PLAUSIBLE_GROWTH`; shares within 0–100.

    Parameters
    ----------
    frame : pandas.DataFrame
        A tidy table. If ``frame.attrs["source_rows"]`` holds each row's line number in
        its file, errors name that line.
    path : str or Path, optional
        The file the table came from, named in errors.
    categorical : bool
        Return the text columns as categoricals with sorted text categories
        (:func:`as_category`) instead of ``str``: the same table, with no string per
        row (what the build carries from the files to the panel).

    Returns
    -------
    pandas.DataFrame
        The table with canonical dtypes, sorted by key, index reset.

    Raises
    ------
    SchemaError
        Naming the file, the row, the column and the value.
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in COLUMNS]
    if missing or extra:
        raise SchemaError(
            f"columns must be {list(COLUMNS)}; missing {missing}, unexpected {extra}", path=path
        )
    frame = frame.reset_index(drop=True)
    rows = frame.attrs.get("source_rows")
    frame.attrs = {} if rows is None else {"source_rows": _SharedRows(rows)}
    out = _check_cells(frame, path, categorical)
    ranks = _Ranks(out)
    out = _check_unique(out, frame, path, ranks)
    _check_ytd_flows(out, frame, path, ranks)
    _check_ranges(out, frame, path)
    order = _key_order(ranks) if len(out) > 1 else None
    if order is None:  # in order already (or a single row)
        return out.reset_index(drop=True)[list(COLUMNS)]
    box = [out[list(COLUMNS)]]
    del frame, out, ranks  # the checked table lives in ``box`` only: moved column by column
    return _taken(box, order)


class _Ranks:
    """Each key column's cells as ranks among its distinct cells, computed once per column.

    The same numbers serve to find repeated keys, the series of year-to-date values and
    the sorted order. :meth:`keep` follows a filter of the table's rows.
    """

    def __init__(self, out: pd.DataFrame) -> None:
        self.out = out
        self.codes: dict[str, np.ndarray] = {}
        self.labels: dict[str, np.ndarray] = {}
        self.rows: np.ndarray | None = None  # rows of ``out`` kept, None: all
        #: The rows' order by :data:`KEY` while all are kept (:func:`_check_unique`).
        self.order: np.ndarray | None = None

    def __call__(self, col: str) -> np.ndarray:
        if col not in self.codes:
            codes, labels = pd.factorize(self.out[col], sort=True)
            small = np.int32 if len(labels) < 2**31 else np.int64
            self.codes[col] = np.asarray(codes, dtype=small)
            self.labels[col] = np.asarray(labels, dtype=object)
        codes = self.codes[col]
        return codes if self.rows is None else codes[self.rows]

    def labels_of(self, col: str) -> np.ndarray:
        """Return the distinct cells of a column, in rank order."""
        self(col)
        return self.labels[col]

    def size(self, col: str) -> int:
        self(col)
        return max(len(self.labels[col]), 1)

    def keep(self, mask: np.ndarray) -> None:
        """Keep the rows of ``mask`` (of the rows kept so far)."""
        kept = np.arange(len(self.out)) if self.rows is None else self.rows
        self.rows = kept[mask]

    def numbers(self, cols: list[str]) -> np.ndarray:
        """Return a number per row equal for rows equal in ``cols`` (increasing with them)."""
        codes = np.zeros(len(self(cols[0])), dtype=np.int64)
        span = 1
        for c in cols:
            size = self.size(c)
            if span * size >= 2**62:  # renumber (keeping the order) before it overflows
                codes = np.unique(codes, return_inverse=True)[1].astype(np.int64)
                span = int(codes.max()) + 1
            codes = codes * size + self(c)
            span *= size
        return codes


def _key_order(ranks: _Ranks) -> np.ndarray | None:
    """Return the rows' order by :data:`KEY` (unique by now); None when already in it.

    One stable argsort of the key columns' ranks in mixed radix, the sort
    ``sort_values(KEY)`` makes.
    """
    order = ranks.order
    if order is None or ranks.rows is not None:
        order = np.argsort(ranks.numbers(list(KEY)), kind="stable")
    return None if (order[1:] > order[:-1]).all() else order


def _taken(box: list[pd.DataFrame], order: np.ndarray) -> pd.DataFrame:
    """Return the table in ``box`` (emptied) with its rows in ``order``, index reset.

    Column by column, each column given up once moved: the table is never held twice.
    """
    table = box.pop()
    columns = {}
    for c in list(table.columns):
        columns[c] = table.pop(c).take(order).reset_index(drop=True)
    out = pd.DataFrame(columns)
    out.attrs = table.attrs
    return out


def _check_cells(frame: pd.DataFrame, path: object, categorical: bool = False) -> pd.DataFrame:
    """Check each cell (present, a known code, a period of its frequency, a finite value).

    Returns the table with canonical dtypes (text as categoricals if ``categorical``).
    """
    text_cols = [c for c in COLUMNS if c != "value"]
    for col in text_cols:
        bad = frame.index[frame[col].isna()]
        if len(bad) and col != "note":
            raise _fail(frame, path, bad, col, "missing value")
    allowed = {
        "region": set(regions()),
        "indicator": set(indicators()),
        "freq": set(FREQS),
        "measure": set(MEASURES),
        "price_basis": set(PRICE_BASES),
        "status": set(STATUSES),
    }
    for col, codes in allowed.items():
        if _all_in(frame[col], codes):  # each distinct cell checked once
            continue
        bad = frame.index[~frame[col].astype(str).isin(codes)]
        if len(bad):
            raise _fail(frame, path, bad, col, f"unknown {col}; allowed: {sorted(codes)}")
    if not _periods_match(frame["freq"], frame["period"]):
        for freq, pattern in TIDY_PERIOD_PATTERNS.items():
            rows = frame["freq"] == freq
            bad = frame.index[rows & ~frame["period"].astype(str).str.match(pattern)]
            if len(bad):
                raise _fail(frame, path, bad, "period", f"not a period label of frequency {freq}")
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = frame.index[~np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))]
    if len(bad):
        raise _fail(frame, path, bad, "value", "value must be a finite number")
    if categorical:
        note = frame["note"]
        note = note.astype(object).fillna("") if note.isna().any() else note
        text = {c: as_category(frame[c]) for c in text_cols if c != "note"}
        return frame.assign(**text, value=values.astype("float64"), note=as_category(note))
    out = frame.astype({c: str for c in text_cols}).assign(value=values.astype("float64"))
    out["note"] = frame["note"].fillna("").astype(str)
    return out


def as_text(col: pd.Series) -> pd.Series:
    """Return ``col.astype(str)``; a categorical's text is taken from its categories at once.

    (``astype(str)`` of a categorical makes a Python string per row first.)
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        if not (codes < 0).any():
            import pyarrow as pa
            import pyarrow.compute as pc

            cells = np.asarray(col.cat.categories.astype(str), dtype=object)
            text = pc.take(pa.array(cells, type=pa.large_string()), pa.array(codes))
            return pd.Series(pd.array(text, dtype="str"), index=col.index, name=col.name)
    return col.astype(str)


def as_category(col: pd.Series) -> pd.Series:
    """Return ``col.astype(str)`` as a categorical whose categories are its text, sorted.

    A categorical's categories are converted, not its rows. With sorted categories the
    categorical sorts, groups and ranks as its text does.
    """
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return as_category(col.astype(str).astype("category"))
    text = col.cat.categories.astype(str)
    if text.has_duplicates:  # distinct cells with one text (1 and "1")
        return as_category(as_text(col))
    cats = col.cat.categories
    if cats.dtype != text.dtype or not text.equals(cats):
        col = col.cat.rename_categories(text)
    if text.is_monotonic_increasing:
        return col
    return col.cat.reorder_categories(text.sort_values())


def _all_in(col: pd.Series, codes: set[str]) -> bool:
    """Say whether every cell of ``col``, as text, is one of ``codes`` (fast; no row named).

    Each distinct cell is looked up in the set (``isin`` would turn the set into an array
    first: the region catalogue, each time).
    """
    distinct = pd.Series(pd.unique(col), dtype=object).astype(str)
    return all(isinstance(cell, str) and cell in codes for cell in distinct)


def _periods_match(freq: pd.Series, period: pd.Series) -> bool:
    """Say whether every period label matches its frequency (each distinct pair once)."""
    fcodes, freqs = pd.factorize(freq, use_na_sentinel=False)
    pcodes, periods = pd.factorize(period, use_na_sentinel=False)
    size = max(len(periods), 1)
    pairs = np.unique(np.asarray(fcodes, dtype=np.int64) * size + pcodes)
    pair_freq = pd.Series(np.asarray(freqs, dtype=object)[pairs // size], dtype=object)
    pair_period = pd.Series(np.asarray(periods, dtype=object)[pairs % size], dtype=object)
    for f, pattern in TIDY_PERIOD_PATTERNS.items():  # as validate matches them: same engine
        labels = pair_period[(pair_freq == f).to_numpy()].astype(str)
        if not labels.str.match(pattern).all():
            return False
    return True


def _check_unique(
    out: pd.DataFrame, frame: pd.DataFrame, path: object, ranks: _Ranks
) -> pd.DataFrame:
    """Drop rows repeated with the same value; raise for one key with two values.

    Keys are compared in their sorted order, which :func:`_key_order` then uses.
    """
    numbers = ranks.numbers(list(KEY))
    order = np.argsort(numbers, kind="stable")
    ordered = numbers[order]
    if not (ordered[1:] == ordered[:-1]).any():  # no key twice: nothing repeated either
        ranks.order = order
        return out
    key = pd.Series(numbers, index=out.index)
    both = pd.DataFrame({"key": key, "value": out["value"]})
    repeated = both.duplicated(keep="first").to_numpy()
    if repeated.any():
        out, key = out[~repeated], key[~repeated]
        ranks.keep(~repeated)
    dup = key.duplicated(keep=False)
    if not dup.any():
        return out
    first = out[dup].iloc[0]
    same = out[dup & (out[list(KEY)] == first[list(KEY)]).all(axis=1)]
    positions = same.index
    rows = [_row_label(frame, int(i)) for i in positions]
    shown = ", ".join(
        f"row {r}" if r is not None else f"table row {i + 1}"
        for r, i in zip(rows, positions, strict=True)
    )
    raise SchemaError(
        f"{first['region']} {first['indicator']} {first['measure']} {first['period']} "
        f"appears more than once with different values: "
        f"{same['value'].tolist()} ({shown})",
        path=path,
        row=rows[0],
        column="value",
    )


def _ytd_may_fall(out: pd.DataFrame, ytd: np.ndarray, ranks: _Ranks) -> bool:
    """Say whether a year-to-date value (rows ``ytd``) is below the one before it in its year."""
    group = ["region", "indicator", "freq", "price_basis", "source"]
    period = ranks("period")
    years = pd.Index(ranks.labels["period"]).astype(str).str[:4]
    year = pd.factorize(np.asarray(years, dtype=object))[0][period]
    gid = ranks.numbers(group)[ytd] * (int(year.max()) + 1) + year[ytd]
    order = np.lexsort((period[ytd], gid))
    g, v = gid[order], out["value"].to_numpy(dtype="float64")[ytd][order]
    return bool(((g[1:] == g[:-1]) & (v[1:] - v[:-1] < 0)).any())


def _check_ytd_flows(out: pd.DataFrame, frame: pd.DataFrame, path: object, ranks: _Ranks) -> None:
    """Raise if a year-to-date flow falls within a year."""
    flows = {code for code, ind in indicators().items() if ind.kind == "flow"}
    is_ytd = (ranks.labels_of("measure") == "ytd_level")[ranks("measure")]
    is_ytd &= np.isin(ranks.labels_of("indicator"), list(flows))[ranks("indicator")]
    if not is_ytd.any() or not _ytd_may_fall(out, is_ytd, ranks):
        return
    ytd = out[(out["measure"] == "ytd_level") & out["indicator"].isin(flows)]
    if not len(ytd):
        return
    ytd = ytd.astype({c: str for c in ytd.columns if c != "value"})  # as text sorts it
    ytd = ytd.assign(_year=ytd["period"].str[:4]).sort_values("period")
    group_cols = ["region", "indicator", "freq", "price_basis", "source", "_year"]
    step = ytd.groupby(group_cols, sort=False)["value"].diff()
    falling = step.index[step < 0]
    if len(falling):
        i = falling[0]
        r = out.loc[i]
        raise _fail(
            frame,
            path,
            pd.Index([i]),
            "value",
            f"year-to-date {r['indicator']} for {r['region']} falls within the year at "
            f"{r['period']} (by {-step[i]:g}); year-to-date flows cannot decrease",
        )


def _check_ranges(out: pd.DataFrame, frame: pd.DataFrame, path: object) -> None:
    """Raise for implausible growth rates and shares outside 0–100."""
    growth = out["measure"].isin(["yoy_pct", "ytd_yoy_pct", "target_yoy_pct"])
    lo, hi = PLAUSIBLE_GROWTH
    bad = out.index[growth & ~out["value"].between(lo, hi)]
    if len(bad):
        raise _fail(
            frame, path, bad, "value", f"implausible growth rate; expected {lo}..{hi} percent"
        )
    bad = out.index[(out["measure"] == "share_pct") & ~out["value"].between(0, 100)]
    if len(bad):
        raise _fail(frame, path, bad, "value", "a share must be between 0 and 100 percent")
