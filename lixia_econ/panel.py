"""The processed panel: load it (building it when stale) and pick series out of it.

``load_panel()`` returns the tidy table of :mod:`lixia_econ.schema`; ``get_series`` picks one
series by region and indicator, named in Chinese or English or by code; the ``econ``
DataFrame accessor does the same in one line and tab-completes region and indicator
names in JupyterLab::

    panel = lixia_econ.load_panel()
    panel.econ.series("历下区", "GDP")            # Lixia's annual GDP, 亿元
    panel.econ.regions.china.gdp                 # tab-completes: national quarterly GDP
    panel.econ.available()                       # what is there, with first and last periods
"""

from __future__ import annotations

import io
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lixia_econ import config
from lixia_econ.clean import JAN_FEB_STATUS
from lixia_econ.errors import LixiaEconError, ParameterError
from lixia_econ.periods import tidy_period_index
from lixia_econ.processed import checked_bytes, current_version, damaged, read_log
from lixia_econ.schema import (
    COLUMNS,
    normalise_name,
    regions,
    resolve_indicator,
    resolve_region,
)

__all__ = [
    "get_series",
    "load_panel",
    "panel_rows",
    "register_units",
    "resolve_indicator",
    "resolve_region",
]

#: Measures preferred, in order, when a series is picked without naming one.
_MEASURE_PREFERENCE = ("level", "ytd_level", "index", "yoy_pct", "ytd_yoy_pct", "share_pct")
#: Statuses preferred, in order, when two observations cover the same period.
_STATUS_RANK = {
    "published": 0,
    JAN_FEB_STATUS["keep"]: 1,
    "derived": 1,
    JAN_FEB_STATUS["days"]: 2,
    JAN_FEB_STATUS["equal"]: 2,
    "estimated": 3,
    "target": 4,
}


def register_units(processed_dir: str | Path | None = None) -> None:
    """Register the statistical units the build copied next to a panel (``regions.csv``).

    Functional zones and other units a user registered in ``data/raw/regions.csv`` become
    known to every resolver of this process (report parameters, readers, charts).

    Parameters
    ----------
    processed_dir : str or Path, optional
        The processed-data folder (default ``data/processed``); nothing happens if it has
        no ``regions.csv``.
    """
    units = current_version(processed_dir or config.PROCESSED_DIR) / "regions.csv"
    if units.exists():
        from lixia_econ.regions import register_regions

        register_regions(units)


def _panel_path(processed_dir: Path) -> Path:
    return current_version(processed_dir) / f"{config.PANEL_STEM}.parquet"


def _stale(processed_dir: Path, raw_dir: Path) -> bool:
    target = _panel_path(processed_dir)
    if not target.exists():
        return True
    built = target.stat().st_mtime
    return any(p.stat().st_mtime > built for p in raw_dir.rglob("*") if p.is_file())


def load_panel(
    processed_dir: str | Path | None = None,
    *,
    raw_dir: str | Path | None = None,
    rebuild: bool | None = None,
) -> pd.DataFrame:
    """Return the processed panel, building it first if it is missing or older than the raw files.

    Parameters
    ----------
    processed_dir : str or Path, optional
        Folder of ``panel.parquet`` (default ``data/processed``).
    raw_dir : str or Path, optional
        Raw-data folder to build from (default ``data/raw``).
    rebuild : bool, optional
        ``True`` always rebuilds, ``False`` never does (an error if there is no panel),
        ``None`` (default) rebuilds when stale.

    Returns
    -------
    pandas.DataFrame
        The tidy panel (columns of :data:`lixia_econ.schema.COLUMNS`). ``attrs`` holds
        ``source_order`` (a tuple: sources, older vintages first, as in the manifest). The
        units of ``processed_dir/regions.csv`` (written by the build from the raw folder's
        region files) are registered, so a report kernel can name them.

    Raises
    ------
    LixiaEconError
        If the build fails (it names the bad files) or there is no panel and
        ``rebuild=False``; a :class:`~lixia_econ.processed.DamagedOutputError` if
        ``panel.parquet`` (or ``regions.csv``) cannot be read or differs from the checksum
        its build recorded (the message says to run ``lixia-econ build --force``).

    Notes
    -----
    The current build's folder is resolved once (:func:`lixia_econ.processed.current_version`)
    and every file is read from it, so a build finishing meanwhile is never half seen.
    """
    processed = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    need = rebuild if rebuild is not None else (raw.exists() and _stale(processed, raw))
    if need:
        from lixia_econ.build import build_panel

        result = build_panel(raw_dir=raw, processed_dir=processed)
        if not result.ok:
            raise LixiaEconError(
                "building the panel failed: " + "; ".join(str(e) for _, e in result.rejected)
            )
    for _attempt in range(3):
        folder = current_version(processed)  # resolved once: every file from one build
        try:
            return _read_version(processed, folder)
        except FileNotFoundError:
            if folder == processed or current_version(processed) == folder:
                raise  # not a version removed by a newer build while being read
    return _read_version(processed, current_version(processed))


def _read_version(processed: Path, folder: Path) -> pd.DataFrame:
    """Read the panel of one version folder, checked against its build's checksums."""
    name = f"{config.PANEL_STEM}.parquet"
    shown = processed / name
    if not (folder / name).exists():
        raise LixiaEconError(f"no processed panel at {shown}; run `lixia-econ build`")
    data = checked_bytes(folder, name, shown=shown)
    if (folder / "regions.csv").exists():
        checked_bytes(folder, "regions.csv", shown=processed / "regions.csv")
    try:
        panel = pd.read_parquet(io.BytesIO(data))[list(COLUMNS)]
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise damaged(shown, exc) from None
    register_units(folder)
    log = read_log(folder)
    panel.attrs["source_order"] = SourceOrder(log.get("source_order", []))
    return panel


class SourceOrder(tuple):
    """The panel's sources, older vintages first: a tuple that pandas' copies share.

    pandas deep-copies a frame's ``attrs`` into every frame and series taken from it (each
    column, each selection of rows). With the ~60 sources as a list, that copy was the
    largest single cost of picking a series out of the panel. A tuple is never changed in
    place, so a deep copy of it can be the tuple itself.
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, object]) -> SourceOrder:
        return self


def _choose(options: list[str], what: str, context: str) -> str:
    if len(options) == 1:
        return options[0]
    raise ParameterError(f"{context} has several {what}: {options}; choose one with {what}=...")


@dataclass(frozen=True)
class _RowIndex:
    """Row positions of one panel by region and by (region, indicator).

    ``built_from`` holds what the region and indicator columns held when the index was
    built (see :func:`_column_state`); the index serves only while they still do.
    """

    built_from: tuple[object, object]
    by_series: dict[tuple[str, str], np.ndarray]
    by_region: dict[str, np.ndarray]
    #: Arrow-backed columns as NumPy arrays: name -> (the Arrow data converted, the array).
    arrays: dict[str, tuple[object, np.ndarray]] = field(default_factory=dict)


#: The index of each panel object in use: ``id(panel)`` -> (weak reference, index).
_ROW_INDEXES: dict[int, tuple[weakref.ref, _RowIndex]] = {}
_KEY_COLUMNS = ("region", "indicator")


def _column_state(column: pd.Series) -> object:
    """Return what a column holds, in a form cheap to compare later.

    A pyarrow-backed column (the panel's text columns) is its Arrow data: immutable, so
    the same object means the same values, and any write gives the column new data. Any
    other column is a copy of its values.
    """
    data = column.array
    if isinstance(data, pd.arrays.ArrowExtensionArray):
        return data.__arrow_array__()
    return column.to_numpy(copy=True)


def _holds(column: pd.Series, state: object) -> bool:
    """Whether ``column`` still holds what :func:`_column_state` recorded."""
    data = column.array
    if isinstance(data, pd.arrays.ArrowExtensionArray):
        return data.__arrow_array__() is state
    if not isinstance(state, np.ndarray):
        return False
    values = column.to_numpy()
    if values.shape != state.shape:
        return False
    return bool(((values == state) | (pd.isna(values) & pd.isna(state))).all())


def _build_index(panel: pd.DataFrame) -> _RowIndex:
    keys = panel[list(_KEY_COLUMNS)]
    keys.attrs = {}
    by_series = keys.groupby(list(_KEY_COLUMNS), sort=False, dropna=False).indices
    by_region = keys.groupby("region", sort=False, dropna=False).indices
    state = tuple(_column_state(panel[c]) for c in _KEY_COLUMNS)
    return _RowIndex(state, by_series, by_region)


def _row_index(panel: pd.DataFrame) -> _RowIndex:
    """Return the row index of ``panel``: built on first use, built again if the panel changed.

    Kept while the panel object lives (a weak reference), and used only while its region
    and indicator columns hold what they held when it was built: a panel written to,
    extended, sorted or filtered in place gets a new index, never a wrong answer.
    """
    key = id(panel)
    entry = _ROW_INDEXES.get(key)
    if entry is not None and entry[0]() is panel:
        index = entry[1]
        if all(_holds(panel[c], s) for c, s in zip(_KEY_COLUMNS, index.built_from, strict=True)):
            return index
    index = _build_index(panel)
    _ROW_INDEXES[key] = (weakref.ref(panel, lambda _, k=key: _ROW_INDEXES.pop(k, None)), index)
    return index


def panel_rows(
    panel: pd.DataFrame,
    region: str,
    indicator: str | None = None,
    *,
    columns: list[str] | tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Return the panel's rows of one region (and indicator), found in an index.

    The same rows, in the same order, as ``panel[(panel["region"] == region) &
    (panel["indicator"] == indicator)]``, without comparing every row of the panel on each
    call: the row positions of each region and indicator are indexed once per panel
    object (and again whenever its region or indicator column changes).

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel.
    region : str
        Region code, as in the panel (no name lookup).
    indicator : str, optional
        Indicator code; all of the region's rows if not given.
    columns : list of str, optional
        Take only these columns (a ``KeyError`` names one the panel lacks); default all.

    Returns
    -------
    pandas.DataFrame
        The rows (original index labels), with empty ``attrs``.
    """
    index = _row_index(panel)
    if indicator is None:
        positions = index.by_region.get(region)
    else:
        positions = index.by_series.get((region, indicator))
    if positions is None:
        positions = np.empty(0, dtype=np.intp)
    if columns is None:
        rows = panel.iloc[positions]
    else:
        rows = panel.iloc[positions, [panel.columns.get_loc(c) for c in columns]]
    rows.attrs = {}  # pandas deep-copies attrs on every operation: drop them early
    return rows


def _default_freqs(freqs: np.ndarray, statuses: np.ndarray) -> list[str]:
    """Return the frequencies to choose from when ``freq`` is not given.

    Annual rows that are all derived (from quarters or months, by
    :func:`lixia_econ.build.derive_annual`) count only when nothing else is there.
    """
    out = sorted(set(freqs))
    annual = freqs == "A"
    if len(out) > 1 and annual.any() and (statuses[annual] == "derived").all():
        out.remove("A")
    return out


#: Columns of a series' rows that :func:`get_series` reads.
_SERIES_COLUMNS = ("period", "value", "unit", "price_basis", "freq", "status", "source", "measure")

#: A series' rows, one array a column (:data:`_SERIES_COLUMNS`).
_Rows = dict[str, np.ndarray]


def row_arrays(
    panel: pd.DataFrame, region: str, indicator: str, columns: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Return :func:`panel_rows` of one series as one NumPy array a column, in panel order.

    For code that filters a series' few rows many times (:func:`get_series`, the
    briefing's figure picks): comparisons on arrays, not on pandas objects. Each
    Arrow-backed column is converted to NumPy once per panel (and again when the column
    is given new data), not once per call.
    """
    index = _row_index(panel)
    positions = index.by_series.get((region, indicator))
    if positions is None:
        positions = np.empty(0, dtype=np.intp)
    return {c: _column_array(panel, index, c)[positions] for c in columns}


def _column_array(panel: pd.DataFrame, index: _RowIndex, name: str) -> np.ndarray:
    """Return a column of ``panel`` as NumPy, the conversion of Arrow data kept in ``index``."""
    column = panel[name]
    data = column.array
    if not isinstance(data, pd.arrays.ArrowExtensionArray):
        return column.to_numpy()
    state = data.__arrow_array__()
    kept = index.arrays.get(name)
    if kept is not None and kept[0] is state:
        return kept[1]
    values = column.to_numpy()
    index.arrays[name] = (state, values)
    return values


def _series_rows(panel: pd.DataFrame, code: str, ind: str, estimates: bool) -> _Rows:
    """Return the columns of a series' rows as arrays, targets (and estimates) left out."""
    rows = row_arrays(panel, code, ind, _SERIES_COLUMNS)
    keep = rows["status"] != "target"
    if not estimates:
        keep &= rows["status"] != "estimated"
    return {c: v[keep] for c, v in rows.items()}


def _only(rows: _Rows, column: str, value: object) -> _Rows:
    keep = rows[column] == value
    return {c: v[keep] for c, v in rows.items()}


def _narrow(
    rows: _Rows, label: str, measure: str | None, chosen: dict[str, str | None]
) -> tuple[_Rows, str, str, str]:
    """Keep the rows of one measure, price basis and frequency (a choice to make: an error)."""
    present = set(rows["measure"])
    if measure is None:
        measure = next((m for m in _MEASURE_PREFERENCE if m in present), sorted(present)[0])
    if measure not in present:
        raise ParameterError(f"{label} has no measure {measure!r}; available: {sorted(present)}")
    rows = _only(rows, "measure", measure)
    for col, value in chosen.items():
        if value is not None:
            if value not in set(rows[col]):
                have = sorted(set(rows[col]))
                msg = f"{label} {measure} has no {col} {value!r}; available: {have}"
                raise ParameterError(msg)
            rows = _only(rows, col, value)
    pb = _choose(sorted(set(rows["price_basis"])), "price_basis", f"{label} {measure}")
    rows = _only(rows, "price_basis", pb)
    freq = chosen["freq"]
    freqs = _default_freqs(rows["freq"], rows["status"]) if freq is None else [freq]
    fq = _choose(freqs, "freq", f"{label} {measure}")
    return _only(rows, "freq", fq), measure, pb, fq


def _splice(rows: _Rows, source_order: tuple[str, ...] | list[str]) -> _Rows:
    """Keep one row a period: a published figure first, then the later vintage.

    Rows are sorted by period, status rank and vintage (a stable sort, as pandas'
    ``sort_values`` on several columns), and the first row of each period is kept.
    """
    order = {s: i for i, s in enumerate(source_order)}
    rank = [_STATUS_RANK.get(s, 9) for s in rows["status"]]
    vintage = [-order.get(s, -1) for s in rows["source"]]
    periods = rows["period"]
    ranked = sorted(range(len(periods)), key=lambda i: (periods[i], rank[i], vintage[i]))
    first: dict[object, int] = {}
    for i in ranked:
        first.setdefault(periods[i], i)
    taken = np.fromiter(first.values(), dtype=np.intp, count=len(first))
    return {c: v[taken] for c, v in rows.items()}


def get_series(
    panel: pd.DataFrame,
    region: str,
    indicator: str,
    *,
    measure: str | None = None,
    price_basis: str | None = None,
    freq: str | None = None,
    source: str | None = None,
    include_estimates: bool = False,
    status: bool = False,
) -> pd.Series | pd.DataFrame:
    """Pick one series out of the panel.

    Parameters
    ----------
    panel : pandas.DataFrame
        The tidy panel (:func:`load_panel`).
    region : str
        Code (``"370102"``) or name (``"历下区"``, ``"Lixia"``).
    indicator : str
        Code (``"gdp"``) or name (``"地区生产总值"``, ``"GDP"``).
    measure : str, optional
        ``level``, ``ytd_level``, ``yoy_pct``... Default: the first present of level,
        ytd_level, index, yoy_pct, ytd_yoy_pct, share_pct.
    price_basis : {"current", "comparable", "na"}, optional
        Needed only when the measure exists on several bases.
    freq : {"A", "Q", "M"}, optional
        Needed only when the measure exists at several frequencies. Annual values the
        build derived from quarters or months (status ``derived``) are taken only with
        ``freq="A"`` when the series has another frequency.
    source : str, optional
        Take only this source. By default sources are spliced: where two cover the same
        period, a published figure beats a derived one, and a later vintage (later in the
        manifest) beats an earlier one.
    include_estimates : bool
        Include rows with status ``estimated`` (model estimates, e.g. disaggregated
        quarters). Off by default: estimates never mix silently with published figures.
    status : bool
        Return each value's status code with it (``published``, ``derived``,
        ``jan_feb_combined`` ...), as a column (see Returns).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        float64 values on a PeriodIndex. ``attrs``: region, indicator, measure, unit,
        price_basis, freq, sources (list), status (Series aligned with the values; for a
        quick look only, pandas drops ``attrs`` in most operations). With
        ``status=True``, a DataFrame with columns ``value`` and ``status`` (same
        ``attrs``), so the status travels with the values.

    Raises
    ------
    ParameterError
        Unknown names, or a choice to make (the message lists what is available).
    """
    code = resolve_region(region)
    ind = resolve_indicator(indicator)
    rows = _series_rows(panel, code, ind, include_estimates)
    label = f"{regions()[code].name_en} {ind}"
    if not len(rows["period"]):
        have = sorted(panel_rows(panel, code, columns=["indicator"])["indicator"].unique())
        raise ParameterError(
            f"the panel has no {ind} for {label.split()[0]} ({code}); it has: {have}"
        )
    chosen = {"price_basis": price_basis, "freq": freq, "source": source}
    rows, measure, pb, fq = _narrow(rows, label, measure, chosen)
    rows = _splice(rows, panel.attrs.get("source_order", ()))
    index = tidy_period_index(rows["period"], fq)
    out = pd.Series(rows["value"].astype("float64"), index=index, name=f"{label} {measure}")
    out = out.sort_index()
    units = sorted(set(rows["unit"]))
    out.attrs.update(
        region=code,
        indicator=ind,
        measure=measure,
        unit=units[0] if len(units) == 1 else units,
        price_basis=pb,
        freq=fq,
        sources=sorted(set(rows["source"])),
        status=pd.Series(rows["status"], index=index).sort_index(),
    )
    if status:
        frame = pd.DataFrame({"value": out, "status": out.attrs["status"]})
        frame.attrs = dict(out.attrs)
        return frame
    return out


class _RegionView:
    """Indicators of one region as attributes (tab-completes in JupyterLab)."""

    def __init__(self, panel: pd.DataFrame, code: str) -> None:
        self._panel = panel
        self._code = code

    def __dir__(self) -> list[str]:
        rows = self._panel[self._panel["region"] == self._code]
        return sorted(set(rows["indicator"]))

    def __getattr__(self, name: str) -> pd.Series:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return get_series(self._panel, self._code, name)
        except ParameterError as exc:
            raise AttributeError(str(exc)) from None

    def __repr__(self) -> str:
        return f"<{regions()[self._code].name_en}: {', '.join(dir(self))}>"


class _Regions:
    """Regions of the panel as attributes, by short English name (``lixia``, ``china``)."""

    def __init__(self, panel: pd.DataFrame) -> None:
        self._panel = panel
        present = set(panel["region"].unique())  # once, not once per catalogue entry
        self._names = {
            normalise_name(r.name_en.split()[0]): c for c, r in regions().items() if c in present
        }

    def __dir__(self) -> list[str]:
        return sorted(self._names)

    def __getattr__(self, name: str) -> _RegionView:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._names:
            raise AttributeError(f"no region {name!r} in the panel; have {sorted(self._names)}")
        return _RegionView(self._panel, self._names[name])


@pd.api.extensions.register_dataframe_accessor("econ")
class EconAccessor:
    """``panel.econ``: pick series from the tidy panel in one line.

    Examples
    --------
    >>> panel = load_panel()  # doctest: +SKIP
    >>> panel.econ.series("历下区", "GDP")  # doctest: +SKIP
    >>> panel.econ.regions.china.retail_sales  # doctest: +SKIP
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        missing = [c for c in ("region", "indicator", "period", "value") if c not in frame.columns]
        if missing:
            raise AttributeError(f"not a lixia_econ panel: missing columns {missing}")
        self._frame = frame

    def series(self, region: str, indicator: str, **options: object) -> pd.Series:
        """Return :func:`get_series` of this panel."""
        return get_series(self._frame, region, indicator, **options)

    @property
    def regions(self) -> _Regions:
        """Regions as attributes, each with its indicators as attributes."""
        return _Regions(self._frame)

    def available(self) -> pd.DataFrame:
        """Return what the panel holds: one row per series with counts and first/last period."""
        group = ["region", "indicator", "measure", "freq", "price_basis", "status"]
        table = (
            self._frame.groupby(group, sort=True)["period"]
            .agg(observations="size", first="min", last="max")
            .reset_index()
        )
        names = {c: r.name_en for c, r in regions().items()}
        table.insert(1, "region_name", table["region"].map(names))
        return table
