"""Read raw statistical files, in the layouts data really comes in, into the tidy format.

:func:`read_table` returns the long format of :mod:`lixia_econ.schema` (exactly
:data:`~lixia_econ.schema.COLUMNS`, in that order) from four layouts:

``nbs_portal``
    Exports of the NBS data portal (data.stats.gov.cn), English or Chinese: title lines
    (``Database：Quarterly`` / ``数据库：季度数据``), a header row of periods newest first
    (``1Q 2026`` / ``2023年第四季度``), one row per series (``Gross Domestic Product,
    Current Quarter (100 million yuan)``, ``国内生产总值累计值(亿元)``, ``Indices of ...
    (preceding year=100) , Accumulated``), tab+comma separators, footnotes and a
    ``Data Sources`` line.
``columns``
    One period column and one column per series (the ``national_*`` files); each
    series column is described by the ``series`` option.
``long``
    One observation per row: region, indicator, period, value, unit (units and periods
    as printed), optional note, source_url, period_type, price_basis, measure, status.
``wide``
    Bulletin tables: indicators as rows and periods as columns (or transposed with
    ``orientation="columns"``), the unit in the indicator name (``社会消费品零售总额
    （亿元）``) or in a ``单位``/``unit`` column, growth columns or rows (``增长（%）``,
    ``比上年同期增长(%)``).

``.xlsx`` workbooks are read with openpyxl: merged header cells are forward-filled and
the sheet is read as ``wide`` (or the layout given). Text files are decoded by their BOM,
else as UTF-8, else as GB18030 (a superset of GBK and GB2312).

Conventions shared by every layout
----------------------------------
- Values are in canonical units (money in 亿元; per-capita money in 元, the
  indicator's catalogue unit; growth in percent).
- A period label that is a range from January (``2012年1-2月``, ``2023 H1``) makes a
  year-to-date measure: ``level`` -> ``ytd_level``, ``yoy_pct`` -> ``ytd_yoy_pct``.
- Price basis of growth rates: real growth, and growth of GDP and of value added
  (``gdp``, ``va_*``, ``industrial_va_above_size``), is ``comparable`` (NBS 可比价);
  other growth (retail sales, investment, revenue, trade) is ``current``. Levels of
  money are ``current`` unless a file says constant prices. CPI, PMI and shares are
  ``na``.
- Cells holding a missing marker (``—``, ``-``, ``…``, blank ...) are dropped; their
  number is ``df.attrs["dropped_missing"]``. ``df.attrs["source_rows"]`` gives each
  row's line in the file (1-based, as an editor counts; the sheet row for xlsx).
- Errors name the file, the row, the column and the value.
"""

from __future__ import annotations

import codecs
import csv
import io as _io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from lixia_econ import config
from lixia_econ._checks import check_choice
from lixia_econ.errors import DataFormatError, ParameterError, SchemaError, UnitError
from lixia_econ.periods import freq_code, parse_period, period_to_str
from lixia_econ.schema import (
    COLUMNS,
    KEY,
    MEASURES,
    PRICE_BASES,
    STATUSES,
    indicators,
    lookup_indicator,
    lookup_region,
    regions,
    resolve_region,
)
from lixia_econ.units import CANONICAL, _factor, parse_number, parse_unit, unit_from_label

__all__ = ["LAYOUTS", "decode_bytes", "read_table"]

Layout = Literal["nbs_portal", "columns", "long", "wide"]
LAYOUTS: tuple[str, ...] = ("nbs_portal", "columns", "long", "wide")

# ---------------------------------------------------------------------------
# names the catalogue does not (yet) know, resolved here

#: Indicators whose growth rates NBS publishes on a comparable (real) basis.
_REAL_GROWTH = {"gdp", "industrial_va_above_size"}

#: Indicators that are not price concepts (price_basis 'na').
_NA_BASIS = {"cpi", "mfg_pmi"}

_GROWTH_WORDS = re.compile(
    r"(?:\s*(?P<real>real\s+)?growth(?:\s+rate)?|\s*(?P<cnreal>实际)?(?:比上年同期|比上年|同比)?"
    r"(?:增长|增速|增幅)(?:率)?)$",
    re.IGNORECASE,
)
_TARGET_WORDS = re.compile(r"\s*\b(?:target)\b\s*|\s*(?:预期)?目标\s*", re.IGNORECASE)
_SHARE_WORDS = re.compile(r"\s*(?:share of .*total|占.*(?:比重|比例))$", re.IGNORECASE)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"\s+", " ", text).strip()


def _indicator_error(name: str) -> str:
    return (
        f"unknown indicator {name!r}; expected a name or alias of the indicator catalogue "
        "(lixia_econ/catalogue/indicators.csv), or pass aliases={name: code}"
    )


def _region_option(region: str) -> str:
    return resolve_region(region)


def _target_unit(indicator: str, unit_family: str) -> str:
    """Return the unit a value of ``indicator`` is stored in: its catalogue unit if compatible."""
    cat = indicators()[indicator].unit
    try:
        if parse_unit(cat).family == unit_family:
            return cat
    except UnitError:
        pass
    return CANONICAL[unit_family]


def _growth_basis(indicator: str, real: bool) -> str:
    if indicator in _NA_BASIS:
        return "na"
    if real or indicator in _REAL_GROWTH or indicator.startswith("va_"):
        return "comparable"
    return "current"


# ---------------------------------------------------------------------------
# decoding and splitting


def decode_bytes(
    data: bytes, *, path: str | Path | None = None, encoding: str | None = None
) -> str:
    """Decode a text file's bytes: BOM, else UTF-8, else GB18030.

    Parameters
    ----------
    data : bytes
        The file's content.
    path : str or Path, optional
        Named in errors.
    encoding : str, optional
        Use this encoding and no other (a BOM of that encoding is dropped).

    Returns
    -------
    str

    Raises
    ------
    DataFormatError
        No encoding decodes the bytes; the message gives the byte offset and its line.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ParameterError(f"encoding={encoding!r} is not an encoding Python knows") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _decode_error(data, path, [(encoding, exc)]) from None
        return text.removeprefix("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            exc.start += 3
            raise _decode_error(data, path, [("utf-8 (with BOM)", exc)]) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    errors = []
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            errors.append((enc, exc))
    raise _decode_error(data, path, errors)


def _decode_error(
    data: bytes, path: str | Path | None, errors: list[tuple[str, UnicodeDecodeError]]
) -> DataFormatError:
    first = min(errors, key=lambda e: e[1].start)[1].start
    last = max(errors, key=lambda e: e[1].start)[1].start
    line = data[:last].count(b"\n") + 1
    tried = "; ".join(
        f"{enc} fails at byte offset {exc.start} ({data[exc.start : exc.start + 4]!r})"
        for enc, exc in errors
    )
    return DataFormatError(
        f"cannot decode the file: {tried}; pass encoding= if you know it",
        path=path,
        row=line,
        value=data[first : first + 8],
    )


@dataclass
class _Grid:
    """Rows of cells (text, or numbers from xlsx) with their line numbers."""

    rows: list[list[Any]]
    lines: list[int]


def _csv_grid(text: str, *, delimiter: str | None = None, skiprows: int = 0) -> _Grid:
    raw_lines = text.splitlines()
    first = next((ln for ln in raw_lines[skiprows:] if ln.strip()), "")
    if delimiter is None:
        counts = {d: first.count(d) for d in (",", "\t", ";")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    prev = 0
    for cells in reader:
        start = prev + 1
        prev = reader.line_num
        if start <= skiprows:
            continue
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        rows.append(cells)
        lines.append(start)
    return _Grid(rows, lines)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if hasattr(v, "year") and hasattr(v, "month"):
        return f"{v.year:04d}-{v.month:02d}"
    return str(v).strip()


# ---------------------------------------------------------------------------
# observations -> tidy frame


class _Obs:
    """Collects observations with their line numbers, then builds the tidy frame."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.cols: dict[str, list[Any]] = {c: [] for c in (*COLUMNS, "_line", "_column")}
        self.missing = 0

    def add(
        self,
        *,
        region: str,
        indicator: str,
        period: pd.Period,
        measure: str,
        value: float,
        unit: str,
        price_basis: str,
        status: str = "published",
        source: str | None = None,
        note: str = "",
        line: int,
        column: Any,
    ) -> None:
        if value != value:  # NaN: a missing marker
            self.missing += 1
            return
        c = self.cols
        c["region"].append(region)
        c["indicator"].append(indicator)
        c["freq"].append(freq_code(period))
        c["period"].append(period_to_str(period))
        c["measure"].append(measure)
        c["value"].append(float(value))
        c["unit"].append(unit)
        c["price_basis"].append(price_basis)
        c["status"].append(status)
        c["source"].append(self.source if source is None else source)
        c["note"].append(note or "")
        c["_line"].append(line)
        c["_column"].append(column)

    def frame(self, layout: str) -> pd.DataFrame:
        df = pd.DataFrame(self.cols)
        return _finish(df, self.path, self.missing, layout)


def _finish(df: pd.DataFrame, path: Path, missing: int, layout: str) -> pd.DataFrame:
    if len(df) == 0 and missing == 0:
        raise DataFormatError("no observations found in the file", path=path)
    key = list(KEY)
    dup = df.duplicated(key, keep=False)
    dropped_dup = 0
    if dup.any():
        groups = df[dup].groupby(key, sort=False)
        for k, g in groups:
            if g["value"].nunique() > 1:
                a, b = g.iloc[0], g[g["value"] != g["value"].iloc[0]].iloc[0]
                desc = " ".join(str(x) for x in k[:-1])
                raise SchemaError(
                    f"the same observation ({desc}) appears twice with different values: "
                    f"{float(a['value'])!r} (row {a['_line']}) and "
                    f"{float(b['value'])!r} (row {b['_line']})",
                    path=path,
                    row=int(b["_line"]),
                    column=b["_column"],
                    value=float(b["value"]),
                )
        keep = ~df.duplicated([*key, "value"], keep="first")
        dropped_dup = int((~keep).sum())
        df = df[keep]
    out = pd.DataFrame({c: df[c].to_numpy() for c in COLUMNS})
    for c in COLUMNS:
        out[c] = out[c].astype("float64") if c == "value" else out[c].astype(str)
    out.attrs["dropped_missing"] = int(missing)
    out.attrs["dropped_duplicates"] = dropped_dup
    out.attrs["source_rows"] = [int(x) for x in df["_line"]]
    out.attrs["layout"] = layout
    out.attrs["path"] = str(path)
    return out


def _num(cell: Any, *, path: Path, row: int, column: Any) -> float:
    try:
        return parse_number(cell)
    except DataFormatError as exc:
        raise exc.located(path=path, row=row, column=column) from None


def _period(label: Any, *, path: Path, row: int, column: Any, year: int | None = None):
    try:
        return parse_period(str(label), year=year)
    except DataFormatError as exc:
        raise exc.located(path=path, row=row, column=column) from None


def _unit(text: str, *, path: Path, row: int, column: Any):
    try:
        return parse_unit(text)
    except DataFormatError as exc:
        raise exc.located(path=path, row=row, column=column) from None


def _to_freq(p: pd.Period, freq: str | None, label: str, *, path: Path, row: int, column: Any):
    if freq is None:
        return p
    want = "A" if freq in ("A", "Y") else freq
    have = freq_code(p)
    if have == want:
        return p
    ok = (have == "M" and want == "Q" and p.month % 3 == 0) or (
        want == "A" and ((have == "M" and p.month == 12) or (have == "Q" and p.quarter == 4))
    )
    if not ok:
        raise DataFormatError(
            f"period {period_to_str(p)} is not the last month or quarter of a "
            f"{ {'Q': 'quarter', 'A': 'year', 'M': 'month'}[want] } (freq={freq!r})",
            path=path,
            row=row,
            column=column,
            value=label,
        )
    return p.asfreq("Q" if want == "Q" else "Y")


_YTD_MEASURE = {"level": "ytd_level", "yoy_pct": "ytd_yoy_pct"}


def _ytd_note(label: str, p: pd.Period) -> str:
    if freq_code(p) == "M" and p.month == 2:
        return (
            f"period as printed {label!r}: January and February released together; "
            "the value covers both months"
        )
    return f"period as printed {label!r}: cumulative from January"


# ---------------------------------------------------------------------------
# layout: NBS portal export

_PORTAL_KIND = re.compile(
    r"^(?P<stem>.*?)[\s,，_]*(?P<kind>current quarter|accumulated|current month|current period|"
    r"当季值|累计值|当月值|当期值|当季|累计|当月)$",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"^(note|notes|data sources?|source|注|数据来源|资料来源)\s*[:：]", re.I)


def _portal_cells(line: str) -> list[str]:
    if "\t" in line:
        parts = line.split("\t")
        cells = [parts[0]] + [p[1:] if p.startswith(",") else p for p in parts[1:]]
    else:
        cells = next(csv.reader([line]))
    cells = [c.strip() for c in cells]
    while len(cells) > 1 and cells[-1] == "":
        cells.pop()
    return cells


def _read_nbs_portal(
    text: str,
    obs: _Obs,
    *,
    region: str = "000000",
    price_basis: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    path = obs.path
    region = _region_option(region)
    if price_basis is not None:
        check_choice("price_basis", price_basis, PRICE_BASES)
    lines = text.splitlines()
    header_i = None
    for i, line in enumerate(lines):
        first = _portal_cells(line)[0] if line.strip() else ""
        if _norm(first) in ("indicators", "indicator", "指标"):
            header_i = i
            break
    if header_i is None:
        if not any(ln.strip() for ln in lines):
            raise DataFormatError("the file is empty", path=path)
        raise DataFormatError(
            "no header row: expected a row starting 'Indicators' (English export) or "
            "'指标' (Chinese export) followed by period labels",
            path=path,
        )
    header = _portal_cells(lines[header_i])
    periods = [
        _period(h, path=path, row=header_i + 1, column=h)[0] if h else None for h in header[1:]
    ]
    data, notes = [], []
    in_notes = False
    for i in range(header_i + 1, len(lines)):
        line = lines[i].strip()
        if not line:
            continue
        if in_notes or _FOOTNOTE.match(line):
            in_notes = True
            notes.append(line)
            continue
        data.append((i + 1, _portal_cells(lines[i])))
    if not data:
        raise DataFormatError("the file has a header row but no data rows", path=path)
    # levels at constant prices only if the footnotes say so and never mention current prices
    # ("绝对额按现价计算，指数按不变价计算" is about the indices)
    notes_text = " ".join(notes)
    constant = bool(re.search(r"constant prices|不变价", notes_text, re.I)) and not re.search(
        r"current prices|现价", notes_text, re.I
    )
    for lineno, cells in data:
        label = cells[0]
        if len(cells) - 1 > len(periods):
            raise DataFormatError(
                f"row has {len(cells) - 1} values but the header has {len(periods)} periods",
                path=path,
                row=lineno,
                column=label,
                value=cells[len(periods) + 1],
            )
        clean, unit_text = unit_from_label(label)
        m = _PORTAL_KIND.match(clean)
        if m is None:
            raise DataFormatError(
                "row label does not end in 'Current Quarter'/'Accumulated' (当季值/累计值, 当月值)",
                path=path,
                row=lineno,
                column="Indicators",
                value=label,
            )
        stem, kind = m.group("stem").strip(" ,，_"), m.group("kind").lower()
        ytd = kind in ("accumulated", "累计值", "累计")
        is_index = False
        if re.match(r"^indices of ", stem, re.I):
            stem, is_index = stem[len("indices of ") :], True
        elif stem.endswith("指数"):
            stem, is_index = stem[: -len("指数")], True
        unit = _unit(unit_text or "", path=path, row=lineno, column="Indicators")
        if unit.family == "index":
            is_index = True
        indicator = lookup_indicator(stem, aliases)
        if indicator is None:
            raise DataFormatError(
                _indicator_error(stem), path=path, row=lineno, column="Indicators", value=label
            )
        if is_index:
            base = _norm(unit_text or "")
            yoy = re.search(r"preceding year|上年|去年", base) is not None
            measure = ("ytd_yoy_pct" if ytd else "yoy_pct") if yoy else "index"
            out_unit, basis, shift = ("percent" if yoy else "index"), "comparable", 100.0
            note = f"index ({unit_text}) minus 100" if yoy else f"index, {unit_text}"
            if not yoy:
                shift = 0.0
        else:
            if unit.family != "money":
                raise UnitError(
                    f"expected a money unit for a level row, got {unit.family}",
                    path=path,
                    row=lineno,
                    column="Indicators",
                    value=unit_text,
                )
            measure = "ytd_level" if ytd else "level"
            out_unit = _target_unit(indicator, unit.family)
            basis = price_basis or ("comparable" if constant else "current")
            shift, note = 0.0, ""
        factor = unit.multiplier / parse_unit(out_unit).multiplier if not is_index else 1.0
        for j, cell in enumerate(cells[1:]):
            p = periods[j]
            if p is None:
                if cell:
                    raise DataFormatError(
                        "value under an empty header cell",
                        path=path,
                        row=lineno,
                        column=j + 2,
                        value=cell,
                    )
                continue
            v = _num(cell, path=path, row=lineno, column=header[j + 1])
            obs.add(
                region=region,
                indicator=indicator,
                period=p,
                measure=measure,
                value=_scale(v, factor, shift),
                unit=out_unit,
                price_basis=basis,
                note=note,
                line=lineno,
                column=header[j + 1],
            )


def _scale(v: float, factor: float, shift: float = 0.0) -> float:
    """Return ``v * factor - shift`` computed in decimal, so printed figures stay exact.

    ``263.39`` billion yuan is ``2633.9`` 亿元 (not ``2633.8999999999996``), and an
    index of ``104.8`` minus 100 is ``4.8``.
    """
    if v != v or (factor == 1.0 and shift == 0.0):
        return v
    return float(Decimal(repr(float(v))) * _factor(factor, 1.0) - Decimal(repr(shift)))


# ---------------------------------------------------------------------------
# layout: one period column + one column per series

_SERIES_KEYS = ("indicator", "measure", "unit", "price_basis")


def _check_series(col: str, spec: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ParameterError(f"series[{col!r}] must be a dict with keys {list(_SERIES_KEYS)}")
    missing = [k for k in _SERIES_KEYS if k not in spec]
    extra = [k for k in spec if k not in (*_SERIES_KEYS, "status", "note")]
    if missing or extra:
        raise ParameterError(
            f"series[{col!r}] needs keys {list(_SERIES_KEYS)} (optional status, note); "
            f"missing {missing}, unexpected {extra}"
        )
    if spec["indicator"] not in indicators():
        raise ParameterError(
            f"series[{col!r}]: indicator {spec['indicator']!r} is not in the catalogue; "
            f"known: {sorted(indicators())}"
        )
    check_choice(f"series[{col!r}]['measure']", spec["measure"], MEASURES)
    check_choice(f"series[{col!r}]['price_basis']", spec["price_basis"], PRICE_BASES)
    check_choice(f"series[{col!r}]['status']", spec.get("status", "published"), STATUSES)
    try:
        parse_unit(spec["unit"])
    except UnitError as exc:
        raise ParameterError(f"series[{col!r}]: {exc}") from None
    return spec


def _read_columns(
    grid: _Grid,
    obs: _Obs,
    *,
    period_column: str | None = None,
    freq: str | None = None,
    series: dict[str, dict[str, Any]] | None = None,
    region: str = "000000",
) -> None:
    path = obs.path
    region = _region_option(region)
    if freq is not None:
        check_choice("freq", freq, ("A", "Y", "Q", "M"))
    _need_rows(grid, path)
    header, body, body_lines = grid.rows[0], grid.rows[1:], grid.lines[1:]
    pcol = period_column if period_column is not None else header[0]
    if pcol not in header:
        raise DataFormatError(
            f"no period column {pcol!r}; the header has {header}",
            path=path,
            row=grid.lines[0],
            column=pcol,
        )
    pi = header.index(pcol)
    if series is None:
        raise ParameterError(
            "layout 'columns' needs series={column: {indicator, measure, unit, price_basis}} "
            f"for the value columns {[h for h in header if h != pcol]}"
        )
    specs = {col: _check_series(col, spec) for col, spec in series.items()}
    absent = [c for c in specs if c not in header]
    if absent:
        raise DataFormatError(
            f"series column(s) {absent} not in the header {header}",
            path=path,
            row=grid.lines[0],
            column=absent[0],
        )
    cols = [(header.index(c), c, specs[c]) for c in specs]
    prepared = []
    for ci, col, spec in cols:
        unit = parse_unit(spec["unit"])
        out_unit = _target_unit(spec["indicator"], unit.family)
        prepared.append(
            (ci, col, spec, unit.multiplier / parse_unit(out_unit).multiplier, out_unit)
        )
    cache: dict[str, tuple[pd.Period, bool]] = {}
    for cells, lineno in zip(body, body_lines, strict=True):
        label = cells[pi] if pi < len(cells) else ""
        if label not in cache:
            p, ytd = _period(label, path=path, row=lineno, column=pcol)
            cache[label] = (_to_freq(p, freq, label, path=path, row=lineno, column=pcol), ytd)
        p, ytd = cache[label]
        for ci, col, spec, factor, out_unit in prepared:
            cell = cells[ci] if ci < len(cells) else ""
            v = _num(cell, path=path, row=lineno, column=col)
            measure, note = spec["measure"], spec.get("note", "")
            if ytd:
                measure = _YTD_MEASURE.get(measure, measure)
                note = "; ".join(x for x in (note, _ytd_note(label, p)) if x)
            obs.add(
                region=region,
                indicator=spec["indicator"],
                period=p,
                measure=measure,
                value=_scale(v, factor),
                unit=out_unit,
                price_basis=spec["price_basis"],
                status=spec.get("status", "published"),
                note=note,
                line=lineno,
                column=col,
            )


def _need_rows(grid: _Grid, path: Path) -> None:
    if not grid.rows:
        raise DataFormatError("the file is empty", path=path)
    if len(grid.rows) == 1:
        raise DataFormatError(
            "the file has a header row but no data rows", path=path, row=grid.lines[0]
        )


# ---------------------------------------------------------------------------
# layout: long table

_LONG_COLUMNS: dict[str, tuple[str, ...]] = {
    "region": ("region", "geography", "geo", "region_code", "地区", "区域", "地区名称"),
    "indicator": ("indicator", "指标", "指标名称", "item"),
    "period": ("period", "period_label", "时间", "期间", "时期", "date"),
    "value": ("value", "数值", "值", "obs_value"),
    "unit": ("unit", "单位", "units"),
    "note": ("note", "notes", "备注", "说明"),
    "source_url": ("source_url", "url", "来源", "source"),
    "period_type": ("period_type", "期别", "统计口径"),
    "price_basis": ("price_basis",),
    "measure": ("measure",),
    "status": ("status",),
}


def _long_columns(header: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    normed = [_norm(h) for h in header]
    for role, names in _LONG_COLUMNS.items():
        for i, h in enumerate(normed):
            if h in names and role not in found:
                found[role] = i
                break
    return found


@dataclass(frozen=True)
class _Spec:
    indicator: str
    measure: str
    unit: str
    factor: float
    price_basis: str
    status: str
    period: pd.Period
    note: str


def _parse_indicator_text(text: str, aliases: dict[str, str] | None) -> tuple[str, str, bool]:
    """Split indicator text into (code, kind, real); kind is level, growth, share or target."""
    code = lookup_indicator(text, aliases)
    if code is not None:
        return code, "level", False
    stem = _norm(text)
    target = False
    if _TARGET_WORDS.search(stem):
        target = True
        stem = _TARGET_WORDS.sub(" ", stem).strip()
    kind, real = "level", False
    if m := _SHARE_WORDS.search(stem):
        kind, stem = "share", stem[: m.start()].strip()
    elif m := _GROWTH_WORDS.search(stem):
        kind = "growth"
        real = bool(m.group("real") or m.group("cnreal"))
        stem = stem[: m.start()].strip()
    if target:
        kind = "target"
    code = lookup_indicator(stem, aliases)
    if code is None:
        raise DataFormatError(_indicator_error(text), value=text)
    return code, kind, real


def _long_spec(
    ind_text: str,
    unit_text: str,
    period_label: str,
    period_type: str,
    basis: str,
    measure: str,
    status: str,
    aliases: dict[str, str] | None,
) -> _Spec:
    p, ytd = parse_period(period_label)
    ptype = _norm(period_type)
    if ptype in ("ytd", "year to date", "year-to-date", "cumulative", "累计") or ptype.startswith(
        "ytd"
    ):
        ytd = True
    code, kind, real = _parse_indicator_text(ind_text, aliases)
    if not unit_text:
        _, from_label = unit_from_label(ind_text)
        unit_text = from_label or ""
    if not unit_text:
        raise UnitError("no unit given (unit column empty, none in the indicator name)", value="")
    unit = parse_unit(unit_text)
    if "target" in ptype:
        kind = "target" if kind in ("growth", "target") else kind
    cat_unit = indicators()[code].unit
    cat_family = parse_unit(cat_unit).family if cat_unit else None
    if not measure:
        if kind == "target":
            measure = "target_yoy_pct"
        elif kind == "share":
            measure = "share_pct"
        elif kind == "growth":
            measure = "ytd_yoy_pct" if ytd else "yoy_pct"
        elif code == "cpi" and unit.family == "percent":
            measure = "ytd_yoy_pct" if ytd else "yoy_pct"
        elif cat_family == "index" and unit.family == "index":
            measure = "index"
        else:
            measure = "ytd_level" if ytd else "level"
    else:
        check_choice("measure", measure, MEASURES)
    if measure.endswith("_pct"):
        if unit.family != "percent":
            raise UnitError(
                f"a {measure} value must be in percent, got {unit.family}", value=unit_text
            )
        out_unit = "percent"
    elif measure in ("level", "ytd_level"):
        if cat_family is not None and unit.family != cat_family:
            raise UnitError(
                f"a level of {code} must be in {cat_family} (e.g. {cat_unit}), got {unit.family}",
                value=unit_text,
            )
        out_unit = _target_unit(code, unit.family)
    else:
        out_unit = CANONICAL[unit.family]
    factor = unit.multiplier / parse_unit(out_unit).multiplier
    if basis:
        check_choice("price_basis", basis, PRICE_BASES)
    elif measure == "share_pct" or code in _NA_BASIS or measure == "index":
        basis = "na"
    elif measure.endswith("_pct"):
        basis = _growth_basis(code, real)
    else:
        basis = "current"
    if status:
        check_choice("status", status, STATUSES)
    else:
        status = "target" if measure.startswith("target") else "published"
    note = ""
    if measure == "share_pct" and ytd:
        note = f"share of the year-to-date value ({period_label})"
    return _Spec(code, measure, out_unit, factor, basis, status, p, note)


def _read_long(
    grid: _Grid,
    obs: _Obs,
    *,
    region: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    path = obs.path
    _need_rows(grid, path)
    header = grid.rows[0]
    cols = _long_columns(header)
    need = ["indicator", "period", "value", *([] if region is not None else ["region"])]
    if "unit" not in cols:
        need.append("unit")
    missing = [r for r in need if r not in cols]
    if missing:
        raise DataFormatError(
            f"long layout needs columns {missing} (e.g. {[_LONG_COLUMNS[m][0] for m in missing]}); "
            f"the header has {header}",
            path=path,
            row=grid.lines[0],
        )
    given_region = _region_option(region) if region is not None else None
    fixed_region = given_region if "region" not in cols else None
    region_cache: dict[str, str] = {}
    spec_cache: dict[tuple[str, ...], _Spec] = {}
    name = {role: header[i] for role, i in cols.items()}

    def cell(cells: list[str], role: str) -> str:
        i = cols.get(role)
        return cells[i] if i is not None and i < len(cells) else ""

    for cells, lineno in zip(grid.rows[1:], grid.lines[1:], strict=True):
        if fixed_region is not None:
            reg = fixed_region
        else:
            rtext = cell(cells, "region")
            reg = region_cache.get(rtext)
            if reg is None:
                reg = lookup_region(rtext)
                if reg is None:
                    known = ", ".join(f"{c} {r.name_zh}/{r.name_en}" for c, r in regions().items())
                    raise DataFormatError(
                        f"unknown region; expected a code or name of the region catalogue: {known}",
                        path=path,
                        row=lineno,
                        column=name["region"],
                        value=rtext,
                    )
                region_cache[rtext] = reg
        key = tuple(
            cell(cells, r)
            for r in (
                "indicator",
                "unit",
                "period",
                "period_type",
                "price_basis",
                "measure",
                "status",
            )
        )
        spec = spec_cache.get(key)
        if spec is None:
            try:
                spec = _long_spec(*key, aliases)
            except DataFormatError as exc:
                column = {
                    "PeriodError": name.get("period"),
                    "UnitError": name.get("unit", name.get("indicator")),
                }.get(type(exc).__name__, name.get("indicator"))
                raise exc.located(path=path, row=lineno, column=column) from None
            except ParameterError as exc:
                raise DataFormatError(str(exc), path=path, row=lineno) from None
            spec_cache[key] = spec
        v = _num(cell(cells, "value"), path=path, row=lineno, column=name["value"])
        url = cell(cells, "source_url")
        note = "; ".join(x for x in (cell(cells, "note"), spec.note) if x)
        obs.add(
            region=reg,
            indicator=spec.indicator,
            period=spec.period,
            measure=spec.measure,
            value=_scale(v, spec.factor),
            unit=spec.unit,
            price_basis=spec.price_basis,
            status=spec.status,
            source=f"{obs.source} | {url}" if url else obs.source,
            note=note,
            line=lineno,
            column=name["value"],
        )


# ---------------------------------------------------------------------------
# layout: wide bulletin table

_GROWTH_HEADER = re.compile(r"增长|增速|增幅|同比|growth|change|±", re.IGNORECASE)
_UNIT_HEADER = ("单位", "unit", "units", "计量单位")


def _read_wide(
    grid: _Grid,
    obs: _Obs,
    *,
    region: str | None = None,
    orientation: Literal["rows", "columns"] = "rows",
    header_rows: int = 1,
    period: str | None = None,
    price_basis: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    path = obs.path
    check_choice("orientation", orientation, ("rows", "columns"))
    if region is None:
        raise ParameterError(
            "a wide bulletin table does not say which region it is about; pass region= "
            "(a code or name of the region catalogue, e.g. '370102' or '历下区')"
        )
    region = _region_option(region)
    if price_basis is not None:
        check_choice("price_basis", price_basis, PRICE_BASES)
    rows, lines = grid.rows, grid.lines
    if not rows:
        raise DataFormatError("the file is empty", path=path)
    width = max(len(r) for r in rows)
    rows = [[*r, *[""] * (width - len(r))] for r in rows]
    if orientation == "columns":
        # periods as rows, indicators as columns: transpose; keep each cell's line
        cell_lines = [[ln] * width for ln in lines]
        rows = [list(x) for x in zip(*rows, strict=True)]
        cell_lines = [list(x) for x in zip(*cell_lines, strict=True)]
    else:
        cell_lines = [[ln] * width for ln in lines]
    if len(rows) <= header_rows:
        raise DataFormatError("the file has a header row but no data rows", path=path, row=lines[0])
    heads = rows[:header_rows]
    ncol = len(rows[0])
    col_heads = [[_cell_text(h[j]) for h in heads] for j in range(ncol)]
    unit_col = next(
        (j for j in range(1, ncol) if any(_norm(t) in _UNIT_HEADER for t in col_heads[j])), None
    )
    # classify value columns
    columns: list[tuple[int, str, pd.Period, bool, bool, str | None, str]] = []
    last_period: tuple[pd.Period, bool, str] | None = None
    header_line = lines[header_rows - 1] if orientation == "rows" else lines[0]
    for j in range(1, ncol):
        if j == unit_col:
            continue
        texts = [t for t in col_heads[j] if t]
        if not texts:
            continue
        shown = " / ".join(dict.fromkeys(texts))
        found = None
        for t in texts:
            clean, _ = unit_from_label(t)
            try:
                p, ytd = parse_period(clean)
            except DataFormatError:
                continue
            found = (p, ytd, clean)
        growth = any(_GROWTH_HEADER.search(t) for t in texts)
        unit_text = next((u for t in texts if (u := unit_from_label(t)[1])), None)
        if found is None:
            if period is not None:
                p, ytd = _period(period, path=path, row=header_line, column=shown)
                found = (p, ytd, period)
            elif growth and last_period is not None:
                found = last_period
            else:
                raise DataFormatError(
                    "column header is not a period label and no period= was given",
                    path=path,
                    row=header_line,
                    column=j + 1,
                    value=shown,
                )
        last_period = found
        columns.append((j, shown, found[0], found[1], growth, unit_text, found[2]))
    prev_indicator: tuple[str, str | None] | None = None
    for r in range(header_rows, len(rows)):
        cells = rows[r]
        label = _cell_text(cells[0])
        rline = cell_lines[r][0] if orientation == "rows" else None
        if not label:
            continue
        clean, label_unit = unit_from_label(label)
        row_unit = _cell_text(cells[unit_col]) if unit_col is not None else ""
        row_unit = row_unit or label_unit
        growth_row = _GROWTH_HEADER.search(clean) is not None and (
            lookup_indicator(clean, aliases) is None
        )
        if growth_row:
            stripped = _GROWTH_WORDS.sub("", _norm(clean)).strip()
            code = lookup_indicator(stripped, aliases) if stripped else None
            if code is None:
                if prev_indicator is None:
                    raise DataFormatError(
                        "a growth row with no indicator row above it",
                        path=path,
                        row=rline or lines[0],
                        column=_cell_text(heads[-1][0]) or 1,
                        value=label,
                    )
                code = prev_indicator[0]
            real = "实际" in clean or "real" in clean.lower()
        else:
            code = lookup_indicator(clean, aliases)
            real = False
            if code is None:
                raise DataFormatError(
                    _indicator_error(clean),
                    path=path,
                    row=rline or lines[0],
                    column=_cell_text(heads[-1][0]) or 1,
                    value=label,
                )
            prev_indicator = (code, row_unit)
        for j, shown, p, ytd, growth_col, col_unit, ytd_label in columns:
            cline = cell_lines[r][j]
            is_growth = growth_row or growth_col
            raw = cells[j]
            v = _num(raw, path=path, row=cline, column=shown)
            if v != v:
                obs.missing += 1
                continue
            utext = col_unit if is_growth and growth_col else (row_unit or col_unit)
            if is_growth:
                utext = utext or "%"
                unit = _unit(utext, path=path, row=cline, column=shown)
                if unit.family != "percent":
                    raise UnitError(
                        f"a growth rate must be in percent, got {unit.family}",
                        path=path,
                        row=cline,
                        column=shown,
                        value=utext,
                    )
                measure = "ytd_yoy_pct" if ytd else "yoy_pct"
                out_unit, factor = "percent", 1.0
                basis = price_basis or _growth_basis(code, real)
            else:
                if not utext:
                    raise UnitError(
                        "no unit for this value: expected it in the indicator name "
                        "(社会消费品零售总额（亿元）), a 单位/unit column or the column header",
                        path=path,
                        row=cline,
                        column=shown,
                        value=label,
                    )
                unit = _unit(utext, path=path, row=cline, column=shown)
                cat_family = parse_unit(indicators()[code].unit).family
                if unit.family != cat_family:
                    raise UnitError(
                        f"a level of {code} must be in {cat_family}, got {unit.family}",
                        path=path,
                        row=cline,
                        column=shown,
                        value=utext,
                    )
                if unit.family == "index":
                    measure = "index"
                elif code == "cpi":
                    measure = "ytd_yoy_pct" if ytd else "yoy_pct"
                else:
                    measure = "ytd_level" if ytd else "level"
                out_unit = _target_unit(code, unit.family)
                factor = unit.multiplier / parse_unit(out_unit).multiplier
                basis = price_basis or ("na" if code in _NA_BASIS else "current")
            obs.add(
                region=region,
                indicator=code,
                period=p,
                measure=measure,
                value=_scale(v, factor),
                unit=out_unit,
                price_basis=basis,
                note=_ytd_note(ytd_label, p) if ytd and ytd_label else "",
                line=cline,
                column=shown,
            )


# ---------------------------------------------------------------------------
# xlsx


def _read_xlsx(path: Path, sheet: str | int | None) -> tuple[_Grid, int]:
    """Return the sheet as a grid (merged cells forward-filled) and its header depth."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as e:
        raise DataFormatError(
            f"not a readable .xlsx workbook (truncated or corrupt?): {type(e).__name__}: {e}",
            path=path,
        ) from None
    try:
        if sheet is None or sheet == 0:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int):
            ws = wb.worksheets[sheet]
        else:
            ws = wb[sheet]
    except (IndexError, KeyError):
        raise ParameterError(
            f"sheet={sheet!r} not found; the workbook has {wb.sheetnames}"
        ) from None
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    header_rows = 1
    for rng in ws.merged_cells.ranges:
        top = values[rng.min_row - 1][rng.min_col - 1] if values else None
        for rr in range(rng.min_row, rng.max_row + 1):
            for cc in range(rng.min_col, rng.max_col + 1):
                values[rr - 1][cc - 1] = top
    rows, lines = [], []
    for i, r in enumerate(values, start=1):
        if any(v not in (None, "") for v in r):
            rows.append([v if isinstance(v, (int, float)) else _cell_text(v) for v in r])
            lines.append(i)
    if lines:
        # header depth: a horizontal merge makes the row below it a sub-header; a vertical
        # merge covers its rows; repeat until no merge reaches further down
        first_row = lines[0]
        depth, changed = 1, True
        while changed:
            changed = False
            for rng in ws.merged_cells.ranges:
                if not first_row <= rng.min_row < first_row + depth:
                    continue
                reach = rng.max_row - first_row + 1 + (1 if rng.max_col > rng.min_col else 0)
                if reach > depth:
                    depth, changed = reach, True
        header_rows = min(depth, max(len(rows) - 1, 1))
    return _Grid(rows, lines), header_rows


# ---------------------------------------------------------------------------
# detection and entry point


def _source_name(path: Path) -> str:
    """Return the file relative to the raw folder holding it (manifest folder or data/raw)."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if (parent / config.MANIFEST_NAME).is_file():
            return resolved.relative_to(parent).as_posix()
    try:
        return resolved.relative_to(config.RAW_DIR.resolve()).as_posix()
    except ValueError:
        return path.name


def _detect(text: str | None, grid: _Grid | None, path: Path, header_rows: int = 1) -> str:
    if text is not None:
        head = [ln.strip().lstrip("\ufeff") for ln in text.splitlines() if ln.strip()][:3]
        if not head:
            raise DataFormatError("the file is empty", path=path)
        if re.match(r"^(database|数据库)\s*[:：]", head[0], re.I) or (
            "\t," in head[0] and _norm(_portal_cells(head[0])[0]) in ("indicators", "指标")
        ):
            return "nbs_portal"
    assert grid is not None
    if not grid.rows:
        raise DataFormatError("the file is empty", path=path)
    header = [_cell_text(h) for h in grid.rows[0]]
    cols = _long_columns(header)
    if {"indicator", "period", "value"} <= set(cols):
        return "long"
    for row in grid.rows[: max(header_rows, 1)]:
        for h in row[1:]:
            try:
                parse_period(unit_from_label(_cell_text(h))[0])
            except DataFormatError:
                continue
            return "wide"
    return "columns"


_OPTIONS: dict[str, tuple[str, ...]] = {
    "nbs_portal": ("region", "price_basis", "aliases"),
    "columns": ("period_column", "freq", "series", "region"),
    "long": ("region", "aliases"),
    "wide": ("region", "orientation", "header_rows", "period", "price_basis", "aliases"),
}


def read_table(
    path: str | Path,
    *,
    layout: Layout | None = None,
    encoding: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    r"""Read a raw file into the tidy long format.

    Parameters
    ----------
    path : str or Path
        A ``.csv``/``.tsv``/``.txt`` text file or an ``.xlsx`` workbook.
    layout : {'nbs_portal', 'columns', 'long', 'wide'}, optional
        Detected from the content when omitted: a ``Database：``/``数据库：`` title or
        an ``Indicators\t,`` header is ``nbs_portal``; a header with indicator, period
        and value columns is ``long``; period labels across the header are ``wide``;
        otherwise ``columns`` (which needs ``series``).
    encoding : str, optional
        Text encoding; by default the BOM, else UTF-8, else GB18030.
    **options
        Layout options (anything else raises :class:`ParameterError`):

        - ``nbs_portal``: ``region`` (default ``"000000"``, China), ``price_basis``
          for level rows (default ``current``, ``comparable`` if the footnotes say
          constant prices), ``aliases`` ({row-label stem: indicator code}).
        - ``columns``: ``period_column`` (default the first column), ``freq``
          (``"Q"`` turns ``2020-03`` into ``2020Q1``), ``series`` ({column: {indicator,
          measure, unit, price_basis[, status, note]}}), ``region`` (default China).
        - ``long``: ``region`` (used when the file has no region column), ``aliases``.
        - ``wide``: ``region`` (required), ``orientation`` (``"rows"``: indicators as
          rows, the default; ``"columns"``: periods as rows), ``header_rows`` (default
          1; for xlsx, taken from the merged header cells), ``period`` (for columns
          whose header is not a period, e.g. ``绝对额（亿元）``), ``price_basis``,
          ``aliases``.
        - ``.xlsx``: ``sheet`` (name or index, default the first).
        - any layout: ``source`` (the text of the ``source`` column; default the file
          relative to the raw folder holding it).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`lixia_econ.schema.COLUMNS` in that order; ``value`` float64 in
        canonical units (money 亿元, per-capita money 元, growth percent); ``status``
        ``published`` (``target`` for plans); ``source`` the file (plus ``' | '`` and
        the page for long tables with ``source_url``); ``note`` ``''`` when none.
        ``attrs``: ``dropped_missing`` (cells with a missing marker, dropped),
        ``dropped_duplicates`` (rows repeating another exactly), ``source_rows``
        (each row's line in the file), ``layout``, ``path``.

    Raises
    ------
    DataFormatError
        The file cannot be decoded, is empty or header-only, has text in a number
        cell, an unknown region or indicator (subclasses: :class:`PeriodError` for a
        bad period label, :class:`UnitError` for an unknown or unfitting unit).
    SchemaError
        The same observation twice with two different values (both rows named).
    ParameterError
        An unknown layout or option, or a bad option value.

    Notes
    -----
    Conventions (units, year-to-date measures, price basis of growth rates) are in
    the module docstring. A period label that is a range from January in a
    ``columns`` file (``2012年1-2月`` in the retail file) turns ``level`` into
    ``ytd_level`` and ``yoy_pct`` into ``ytd_yoy_pct`` at the range's end (February),
    with a note saying January and February were released together: the value is
    the two-month total, not February's.

    Examples
    --------
    >>> from lixia_econ.config import RAW_DIR
    >>> df = read_table(RAW_DIR / "jinan_lixia_public_figures.csv")
    >>> df.loc[(df.region == "370102") & (df.period == "2022"), "value"].iloc[0]
    np.float64(2282.9)
    """
    path = Path(path)
    if layout is not None:
        check_choice("layout", layout, LAYOUTS)
    if not path.is_file():
        raise DataFormatError("file not found", path=path)
    source = options.pop("source", None) or _source_name(path)
    sheet = options.pop("sheet", None)
    text: str | None = None
    header_rows = None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        grid, header_rows = _read_xlsx(path, sheet)
    else:
        data = path.read_bytes()
        if not data.strip():
            raise DataFormatError("the file is empty", path=path)
        text = decode_bytes(data, path=path, encoding=encoding)
        grid = None
    if layout is None:
        if grid is None and text is not None and not _looks_portal(text):
            grid = _csv_grid(text)
        layout = _detect(text, grid, path, header_rows or 1)
    allowed = _OPTIONS[layout]
    unknown = [k for k in options if k not in allowed]
    if unknown:
        raise ParameterError(
            f"option(s) {unknown} not known for layout {layout!r}; allowed: "
            f"{[*allowed, 'source', 'sheet']}"
        )
    obs = _Obs(path, source)
    if layout == "nbs_portal":
        if text is None:
            assert grid is not None
            text = "\n".join("\t,".join(_cell_text(c) for c in r) for r in grid.rows)
        _read_nbs_portal(text, obs, **options)
    else:
        if grid is None:
            assert text is not None
            grid = _csv_grid(text)
        if layout == "wide" and header_rows is not None:
            options.setdefault("header_rows", header_rows)
        reader: Callable[..., None] = {
            "columns": _read_columns,
            "long": _read_long,
            "wide": _read_wide,
        }[layout]
        reader(grid, obs, **options)
    return obs.frame(layout)


def _looks_portal(text: str) -> bool:
    head = [ln.strip().lstrip("\ufeff") for ln in text.splitlines() if ln.strip()][:1]
    return bool(head) and (
        re.match(r"^(database|数据库)\s*[:：]", head[0], re.I) is not None
        or ("\t," in head[0] and _norm(_portal_cells(head[0])[0]) in ("indicators", "指标"))
    )
