"""Layout ``long``: one observation per row.

Columns: region, indicator, period, value, unit (units and periods as printed),
optional note, source_url, period_type, price_basis, measure, status; each known by
several header names (``地区``, ``指标名称``, ``时间``, ``数值``, ``单位`` ...).

Footnote, note and source lines under the table (``注：``, ``数据来源：``) are kept as
the file's caveats (:func:`~lixia_econ.io._common.split_caveats`), not read as rows.
Year-to-date monthly values of a series whose months all end a quarter
(``2020年1-3月``, ``2020年1-6月`` …) are quarterly year-to-date values.
A ``trust`` column (how close the page is to the publisher) is kept in each row's
note as ``trust: ...``; ``source_url`` in its source (``file | url``).

Options: ``region`` (used when the file has no region column), ``within`` (a region
code settling names several regions share: ``市中区`` within ``370100`` is Jinan's),
``aliases`` ({indicator name: code}).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lixia_econ._checks import check_choice
from lixia_econ.errors import DataFormatError, ParameterError, PeriodError, UnitError
from lixia_econ.io._common import (
    GROWTH_WORDS,
    NA_BASIS,
    Grid,
    Observations,
    Source,
    Stored,
    cell_text,
    check_header,
    check_widths,
    fold_text,
    growth_basis,
    indicator_code,
    need_rows,
    parse_at,
    split_caveats,
    target_unit,
)
from lixia_econ.io._registry import Reader, register
from lixia_econ.periods import parse_period
from lixia_econ.schema import (
    MEASURES,
    PRICE_BASES,
    STATUSES,
    indicators,
    lookup_indicator,
    normalise_name,
    resolve_region,
)
from lixia_econ.units import CANONICAL, Unit, parse_number, parse_unit, unit_from_label

__all__ = ["READER", "read_long"]

_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "region": ("region", "geography", "geo", "region_code", "地区", "区域", "地区名称"),
    "indicator": ("indicator", "指标", "指标名称", "item"),
    "period": ("period", "period_label", "时间", "期间", "时期", "date"),
    "value": ("value", "数值", "值", "obs_value"),
    "unit": ("unit", "单位", "units"),
    "note": ("note", "notes", "备注", "说明"),
    "source_url": ("source_url", "url", "来源", "source"),
    "period_type": ("period_type", "期别", "统计口径"),
    "trust": ("trust", "可信度"),
    "price_basis": ("price_basis",),
    "measure": ("measure",),
    "status": ("status",),
}
#: The cells that decide an observation's spec (indicator, measure, unit ...), in order.
_SPEC_ROLES = ("indicator", "unit", "period", "period_type", "price_basis", "measure", "status")
_TARGET_WORDS = re.compile(r"\s*\b(?:target)\b\s*|\s*(?:预期)?目标\s*", re.IGNORECASE)
_SHARE_WORDS = re.compile(r"\s*(?:share of .*total|占.*(?:比重|比例))$", re.IGNORECASE)
_YTD_TYPES = ("ytd", "year to date", "year-to-date", "cumulative", "累计")
_DETECTED = 0.9


def _column_roles(header: Sequence[str]) -> dict[str, int]:
    """Return the position of each known column role (region, indicator ...) in a header."""
    found: dict[str, int] = {}
    normed = [normalise_name(h) for h in header]
    for role, names in _COLUMN_NAMES.items():
        keys = {normalise_name(n) for n in names}
        for i, h in enumerate(normed):
            if h in keys and role not in found:
                found[role] = i
                break
    return found


def _detect(source: Source) -> float:
    """Score a header with indicator, period and value columns."""
    if not source.grid.rows:
        return 0.0
    cols = _column_roles([cell_text(h) for h in source.grid.rows[0]])
    return _DETECTED if {"indicator", "period", "value"} <= set(cols) else 0.0


# ---------------------------------------------------------------------------
# what one row's text says


@dataclass(frozen=True)
class _Spec:
    """What a row's text cells say: how its value is stored, and its period."""

    stored: Stored
    period: pd.Period


def _parse_indicator_text(text: str, aliases: dict[str, str] | None) -> tuple[str, str, bool]:
    """Split indicator text into (code, kind, real); kind is level, growth, share or target."""
    code = lookup_indicator(text, aliases)
    if code is not None:
        return code, "level", False
    stem = fold_text(text)
    target = False
    if _TARGET_WORDS.search(stem):
        target = True
        stem = _TARGET_WORDS.sub(" ", stem).strip()
    kind, real = "level", False
    if m := _SHARE_WORDS.search(stem):
        kind, stem = "share", stem[: m.start()].strip()
    elif m := GROWTH_WORDS.search(stem):
        kind = "growth"
        real = bool(m.group("real") or m.group("cnreal"))
        stem = stem[: m.start()].strip()
    if target:
        kind = "target"
    code = lookup_indicator(stem, aliases)
    if code is None:
        indicator_code(text, aliases)  # raises, naming the nearest catalogue entries
    assert code is not None
    return code, kind, real


def _default_measure(kind: str, code: str, unit: Unit, ytd: bool) -> str:
    """Return the measure of a value whose row does not give one."""
    cat_unit = indicators()[code].unit
    cat_family = parse_unit(cat_unit).family if cat_unit else None
    if kind == "target":
        return "target_yoy_pct"
    if kind == "share":
        return "share_pct"
    if kind == "growth" or (code == "cpi" and unit.family == "percent"):
        return "ytd_yoy_pct" if ytd else "yoy_pct"
    if cat_family == "index" and unit.family == "index":
        return "index"
    return "ytd_level" if ytd else "level"


def _stored_unit(measure: str, code: str, unit: Unit, unit_text: str) -> str:
    """Return the unit a ``measure`` value is stored in; raise if the printed unit cannot be."""
    if measure.endswith("_pct"):
        if unit.family != "percent":
            raise UnitError(
                f"a {measure} value must be in percent, got {unit.family}", value=unit_text
            )
        return "percent"
    if measure in ("level", "ytd_level"):
        cat_unit = indicators()[code].unit
        cat_family = parse_unit(cat_unit).family if cat_unit else None
        if cat_family is not None and unit.family != cat_family:
            raise UnitError(
                f"a level of {code} must be in {cat_family} (e.g. {cat_unit}), got {unit.family}",
                value=unit_text,
            )
        return target_unit(code, unit.family)
    return CANONICAL[unit.family]


def _price_basis(basis: str, measure: str, code: str, real: bool) -> str:
    if basis:
        return check_choice("price_basis", basis, PRICE_BASES)
    if measure == "share_pct" or code in NA_BASIS or measure == "index":
        return "na"
    if measure.endswith("_pct"):
        return growth_basis(code, real)
    return "current"


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
    """Read what a row's text cells say (the arguments follow :data:`_SPEC_ROLES`)."""
    p, ytd = parse_period(period_label)
    ptype = fold_text(period_type)
    ytd = ytd or ptype in _YTD_TYPES or ptype.startswith("ytd")
    code, kind, real = _parse_indicator_text(ind_text, aliases)
    unit_text = unit_text or unit_from_label(ind_text)[1] or ""
    if not unit_text:
        raise UnitError("no unit given (unit column empty, none in the indicator name)", value="")
    unit = parse_unit(unit_text)
    if "target" in ptype:
        kind = "target" if kind in ("growth", "target") else kind
    if measure:
        check_choice("measure", measure, MEASURES)
    else:
        measure = _default_measure(kind, code, unit, ytd)
    out_unit = _stored_unit(measure, code, unit, unit_text)
    factor = unit.multiplier / parse_unit(out_unit).multiplier
    basis = _price_basis(basis, measure, code, real)
    if status:
        check_choice("status", status, STATUSES)
    else:
        status = "target" if measure.startswith("target") else "published"
    note = (
        f"share of the year-to-date value ({period_label})"
        if measure == "share_pct" and ytd
        else ""
    )
    return _Spec(Stored(code, measure, out_unit, basis, factor, status=status, note=note), p)


# ---------------------------------------------------------------------------
# the table


class _Rows:
    """The columns of a long table, with caches of what each distinct text means."""

    def __init__(
        self,
        grid: Grid,
        path: Path,
        region: str | None,
        aliases: dict[str, str] | None,
        within: str | None = None,
    ):
        header = grid.rows[0]
        self.cols = _column_roles(header)
        need = ["indicator", "period", "value", *([] if region is not None else ["region"])]
        if "unit" not in self.cols:
            need.append("unit")
        missing = [r for r in need if r not in self.cols]
        if missing:
            examples = [_COLUMN_NAMES[m][0] for m in missing]
            raise DataFormatError(
                f"long layout needs columns {missing} (e.g. {examples}); the header has {header}",
                path=path,
                row=grid.lines[0],
            )
        self.path, self.aliases = path, aliases
        self.name = {role: header[i] for role, i in self.cols.items()}
        self.within = resolve_region(within) if within is not None else None
        given = resolve_region(region, within=self.within) if region is not None else None
        self.fixed_region = given if "region" not in self.cols else None
        self._regions: dict[str, str] = {}
        self._specs: dict[tuple[str, ...], _Spec] = {}

    def cell(self, cells: list[str], role: str) -> str:
        i = self.cols.get(role)
        return cells[i] if i is not None and i < len(cells) else ""

    def region(self, cells: list[str], lineno: int) -> str:
        """Return the row's region code (the ``region`` option when the file has no column)."""
        if self.fixed_region is not None:
            return self.fixed_region
        text = self.cell(cells, "region")
        if text not in self._regions:
            try:
                self._regions[text] = resolve_region(text, within=self.within)
            except ParameterError as exc:
                raise DataFormatError(
                    f"unknown region: {exc}",
                    path=self.path,
                    row=lineno,
                    column=self.name["region"],
                    value=text,
                ) from None
        return self._regions[text]

    def spec(self, cells: list[str], lineno: int) -> _Spec:
        """Return what the row's text cells say; errors name the row and the column at fault."""
        key = tuple(self.cell(cells, r) for r in _SPEC_ROLES)
        if key not in self._specs:
            try:
                self._specs[key] = _long_spec(*key, self.aliases)
            except DataFormatError as exc:
                column = self.name.get("indicator")
                if isinstance(exc, PeriodError):
                    column = self.name.get("period")
                elif isinstance(exc, UnitError):
                    column = self.name.get("unit", column)
                raise exc.located(path=self.path, row=lineno, column=column) from None
            except ParameterError as exc:
                raise DataFormatError(str(exc), path=self.path, row=lineno) from None
        return self._specs[key]


def read_long(
    source: Source,
    obs: Observations,
    *,
    region: str | None = None,
    within: str | None = None,
    aliases: dict[str, str] | None = None,
) -> None:
    """Read a long table into ``obs`` (see the module docstring)."""
    grid, obs.caveats = split_caveats(source.grid, 1)
    need_rows(grid, obs.path)
    check_header(grid, obs.path)
    check_widths(grid, obs.path, obs.caveats)
    rows = _Rows(grid, obs.path, region, aliases, within)
    value_column = rows.name["value"]
    for cells, lineno in zip(grid.rows[1:], grid.lines[1:], strict=True):
        reg = rows.region(cells, lineno)
        spec = rows.spec(cells, lineno)
        where = {"path": obs.path, "row": lineno, "column": value_column}
        v = parse_at(parse_number, rows.cell(cells, "value"), **where)
        url = rows.cell(cells, "source_url")
        trust = rows.cell(cells, "trust")
        notes = (rows.cell(cells, "note"), spec.stored.note, f"trust: {trust}" if trust else "")
        obs.add(
            spec.stored,
            region=reg,
            period=spec.period,
            value=v,
            line=lineno,
            column=value_column,
            note="; ".join(x for x in notes if x),
            source=f"{obs.source} | {url}" if url else None,
        )
    obs.quarterly_ytd()


READER = register(
    Reader(name="long", options=("region", "within", "aliases"), detect=_detect, read=read_long)
)
