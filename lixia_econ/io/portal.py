"""Layout ``nbs_portal``: exports of the NBS data portal (data.stats.gov.cn).

English or Chinese: title lines (``Database：Quarterly`` / ``数据库：季度数据``), a header
row of periods newest first (``1Q 2026`` / ``2023年第四季度``), one row per series
(``Gross Domestic Product, Current Quarter (100 million yuan)``, ``国内生产总值累计值(亿元)``,
``Indices of ... (preceding year=100) , Accumulated``), tab+comma separators, footnotes
and a ``Data Sources`` line.

Options: ``region`` (default ``"000000"``, China), ``price_basis`` for level rows
(default ``current``, ``comparable`` if the footnotes say constant prices), ``aliases``
({row-label stem: indicator code}).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import DataFormatError, UnitError
from lixia_econ.io._common import (
    Observations,
    Source,
    Stored,
    fold_text,
    indicator_code,
    parse_at,
    target_unit,
)
from lixia_econ.io._registry import CERTAIN, Reader, register
from lixia_econ.periods import parse_period
from lixia_econ.schema import PRICE_BASES, normalise_name, resolve_region
from lixia_econ.units import Unit, parse_number, parse_unit, unit_from_label

__all__ = ["READER", "read_portal"]

_KIND = re.compile(
    r"^(?P<stem>.*?)[\s,，_]*(?P<kind>current quarter|accumulated|current month|current period|"
    r"当季值|累计值|当月值|当期值|当季|累计|当月)$",
    re.IGNORECASE,
)
_FOOTNOTE = re.compile(r"^(note|notes|data sources?|source|注|数据来源|资料来源)\s*[:：]", re.I)
_TITLE = re.compile(r"^(database|数据库)\s*[:：]", re.I)
_HEADER_WORDS = {"indicators", "indicator", "指标"}
_LABEL_COLUMN = "Indicators"


def _cells(line: str) -> list[str]:
    """Split a portal line into cells: tab+comma separated (or plain CSV), trailing blanks cut."""
    if "\t" in line:
        parts = line.split("\t")
        cells = [parts[0]] + [p[1:] if p.startswith(",") else p for p in parts[1:]]
    else:
        cells = next(csv.reader([line]))
    cells = [c.strip() for c in cells]
    while len(cells) > 1 and cells[-1] == "":
        cells.pop()
    return cells


def _detect(source: Source) -> float:
    r"""Score a ``Database：`` title, or an ``Indicators\t,`` header, as certain."""
    if not source.is_text:
        return 0.0
    first = source.first_line()
    if _TITLE.match(first) or (
        "\t," in first and normalise_name(_cells(first)[0]) in ("indicators", "指标")
    ):
        return CERTAIN
    return 0.0


# ---------------------------------------------------------------------------
# steps


def _header_index(lines: list[str], path: Path) -> int:
    """Return the index of the ``Indicators``/``指标`` header line."""
    for i, line in enumerate(lines):
        first = _cells(line)[0] if line.strip() else ""
        if normalise_name(first) in _HEADER_WORDS:
            return i
    if not any(ln.strip() for ln in lines):
        raise DataFormatError("the file is empty", path=path)
    raise DataFormatError(
        "no header row: expected a row starting 'Indicators' (English export) or "
        "'指标' (Chinese export) followed by period labels",
        path=path,
    )


def _is_data(line: str) -> bool:
    r"""Say whether a line after a footnote is a data row, not the note going on.

    A portal data row is tab+comma separated (``label\t,105.0``), or, in a plain CSV
    export, a label followed by numbers and missing markers only.
    """
    if _FOOTNOTE.match(line.strip()):
        return False
    cells = _cells(line)
    if len(cells) < 2:
        return False
    if "\t" in line:
        return True
    try:
        [parse_number(c) for c in cells[1:]]
    except DataFormatError:
        return False
    return True


def _body(
    lines: list[str], header_i: int, path: Path, text: str
) -> tuple[list[tuple[int, list[str]]], list[dict[str, object]]]:
    """Return the data rows (line number, cells) and the footnote lines.

    A footnote (``Note：``, ``Data Sources：``) anywhere is a caveat, never the end of
    the data: the lines after it are data again as soon as they look like data rows
    (:func:`_is_data`). A file whose last line is a data row without a newline (no
    ``Data Sources`` footer) was cut off and is refused, naming that row.
    """
    data: list[tuple[int, list[str]]] = []
    notes: list[dict[str, object]] = []
    in_notes = False
    for i in range(header_i + 1, len(lines)):
        line = lines[i].strip()
        if not line:
            continue
        if _FOOTNOTE.match(line) or (in_notes and not _is_data(lines[i])):
            in_notes = True
            notes.append({"row": i + 1, "text": line})
            continue
        in_notes = False
        data.append((i + 1, _cells(lines[i])))
    if not data:
        raise DataFormatError("the file has a header row but no data rows", path=path)
    last = max(i for i, ln in enumerate(lines) if ln.strip()) + 1
    if data[-1][0] == last and not text.endswith(("\n", "\r")):
        raise DataFormatError(
            "the file ends mid-row: its last line is a data row without a newline and "
            "there is no 'Data Sources' footer (truncated download or copy?); get the whole file",
            path=path,
            row=last,
            value=lines[last - 1].strip()[-40:],
        )
    return data, notes


def _says_constant_prices(notes: str) -> bool:
    """Levels are at constant prices only if the footnotes say so and never mention current.

    ("绝对额按现价计算，指数按不变价计算" is about the indices.)
    """
    return bool(re.search(r"constant prices|不变价", notes, re.I)) and not re.search(
        r"current prices|现价", notes, re.I
    )


def _index_row(indicator: str, ytd: bool, unit_text: str | None) -> Stored:
    """Describe an index row: ``preceding year=100`` becomes growth (index minus 100)."""
    if re.search(r"preceding year|上年|去年", fold_text(unit_text or "")) is None:
        return Stored(indicator, "index", "index", "comparable", note=f"index, {unit_text}")
    measure = "ytd_yoy_pct" if ytd else "yoy_pct"
    note = f"index ({unit_text}) minus 100"
    return Stored(indicator, measure, "percent", "comparable", shift=100.0, note=note)


def _level_row(indicator: str, ytd: bool, unit: Unit, price_basis: str) -> Stored:
    """Describe a money level row, converted to the indicator's unit."""
    out_unit = target_unit(indicator, unit.family)
    factor = unit.multiplier / parse_unit(out_unit).multiplier
    measure = "ytd_level" if ytd else "level"
    return Stored(indicator, measure, out_unit, price_basis, factor)


def _row_spec(
    label: str,
    lineno: int,
    path: Path,
    aliases: dict[str, str] | None,
    level_basis: str,
) -> Stored:
    """Read a row label: ``<indicator>, <Current Quarter|Accumulated> (<unit>)``."""
    where = {"path": path, "row": lineno, "column": _LABEL_COLUMN}
    clean, unit_text = unit_from_label(label)
    m = _KIND.match(clean)
    if m is None:
        raise DataFormatError(
            "row label does not end in 'Current Quarter'/'Accumulated' (当季值/累计值, 当月值)",
            value=label,
            **where,
        )
    stem, kind = m.group("stem").strip(" ,，_"), m.group("kind").lower()
    ytd = kind in ("accumulated", "累计值", "累计")
    is_index = False
    if re.match(r"^indices of ", stem, re.I):
        stem, is_index = stem[len("indices of ") :], True
    elif stem.endswith("指数"):
        stem, is_index = stem[: -len("指数")], True
    unit = parse_at(parse_unit, unit_text or "", **where)
    indicator = indicator_code(stem, aliases, value=label, **where)
    if is_index or unit.family == "index":
        return _index_row(indicator, ytd, unit_text)
    if unit.family != "money":
        raise UnitError(
            f"expected a money unit for a level row, got {unit.family}", value=unit_text, **where
        )
    return _level_row(indicator, ytd, unit, level_basis)


def _add_row(
    obs: Observations,
    stored: Stored,
    cells: list[str],
    lineno: int,
    header: list[str],
    periods: list[pd.Period | None],
    region: str,
) -> None:
    """Add the values of one data row, one per period of the header."""
    for j, cell in enumerate(cells[1:]):
        p = periods[j]
        if p is None:
            if cell:
                raise DataFormatError(
                    "value under an empty header cell",
                    path=obs.path,
                    row=lineno,
                    column=j + 2,
                    value=cell,
                )
            continue
        where = {"path": obs.path, "row": lineno, "column": header[j + 1]}
        v = parse_at(parse_number, cell, **where)
        obs.add(stored, region=region, period=p, value=v, line=lineno, column=header[j + 1])


def read_portal(
    source: Source,
    obs: Observations,
    *,
    region: str = "000000",
    price_basis: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """Read an NBS portal export into ``obs`` (options in the module docstring)."""
    path = obs.path
    region = resolve_region(region)
    if price_basis is not None:
        check_choice("price_basis", price_basis, PRICE_BASES)
    lines = source.text.splitlines()
    header_i = _header_index(lines, path)
    header = _cells(lines[header_i])
    periods = [
        parse_at(parse_period, h, path=path, row=header_i + 1, column=h)[0] if h else None
        for h in header[1:]
    ]
    data, notes = _body(lines, header_i, path, source.text)
    obs.caveats.lines.extend(notes)
    said = " ".join(str(n["text"]) for n in notes)
    level_basis = price_basis or ("comparable" if _says_constant_prices(said) else "current")
    for lineno, cells in data:
        if len(cells) - 1 > len(periods):
            raise DataFormatError(
                f"row has {len(cells) - 1} values but the header has {len(periods)} periods",
                path=path,
                row=lineno,
                column=cells[0],
                value=cells[len(periods) + 1],
            )
        stored = _row_spec(cells[0], lineno, path, aliases, level_basis)
        _add_row(obs, stored, cells, lineno, header, periods, region)


READER = register(
    Reader(
        name="nbs_portal",
        options=("region", "price_basis", "aliases"),
        detect=_detect,
        read=read_portal,
    )
)
