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

__all__ = ["get_series", "load_panel", "register_units", "resolve_indicator", "resolve_region"]

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
        ``source_order`` (sources, older vintages first, as in the manifest). The units of
        ``processed_dir/regions.csv`` (written by the build from the raw folder's region
        files) are registered, so a report kernel can name them.

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
    panel.attrs["source_order"] = log.get("source_order", [])
    return panel


def _choose(options: list[str], what: str, context: str) -> str:
    if len(options) == 1:
        return options[0]
    raise ParameterError(f"{context} has several {what}: {options}; choose one with {what}=...")


def _default_freqs(rows: pd.DataFrame) -> list[str]:
    """Return the frequencies to choose from when ``freq`` is not given.

    Annual rows that are all derived (from quarters or months, by
    :func:`lixia_econ.build.derive_annual`) count only when nothing else is there.
    """
    freqs = sorted(set(rows["freq"]))
    annual = rows[rows["freq"] == "A"]
    if len(freqs) > 1 and len(annual) and (annual["status"] == "derived").all():
        freqs.remove("A")
    return freqs


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
    order = {s: i for i, s in enumerate(panel.attrs.get("source_order", []))}
    mask = (panel["region"].to_numpy() == code) & (panel["indicator"].to_numpy() == ind)
    rows = panel.iloc[np.flatnonzero(mask)]
    rows.attrs = {}  # pandas deep-copies attrs on every operation: drop them early
    rows = rows[rows["status"] != "target"]
    if not include_estimates:
        rows = rows[rows["status"] != "estimated"]
    label = f"{regions()[code].name_en} {ind}"
    if rows.empty:
        have = sorted(panel.loc[panel["region"] == code, "indicator"].unique())
        raise ParameterError(
            f"the panel has no {ind} for {label.split()[0]} ({code}); it has: {have}"
        )
    if measure is None:
        present = set(rows["measure"])
        measure = next((m for m in _MEASURE_PREFERENCE if m in present), sorted(present)[0])
    if measure not in set(rows["measure"]):
        raise ParameterError(
            f"{label} has no measure {measure!r}; available: {sorted(set(rows['measure']))}"
        )
    rows = rows[rows["measure"] == measure]
    for col, chosen in (("price_basis", price_basis), ("freq", freq), ("source", source)):
        if chosen is not None:
            if chosen not in set(rows[col]):
                have = sorted(set(rows[col]))
                msg = f"{label} {measure} has no {col} {chosen!r}; available: {have}"
                raise ParameterError(msg)
            rows = rows[rows[col] == chosen]
    pb = _choose(sorted(set(rows["price_basis"])), "price_basis", f"{label} {measure}")
    rows = rows[rows["price_basis"] == pb]
    fq = _choose(_default_freqs(rows) if freq is None else [freq], "freq", f"{label} {measure}")
    rows = rows[(rows["price_basis"] == pb) & (rows["freq"] == fq)]
    rows = rows.assign(
        _status=rows["status"].map(_STATUS_RANK).fillna(9),
        _vintage=-rows["source"].map(order).fillna(-1),
    ).sort_values(["period", "_status", "_vintage"])
    rows = rows.drop_duplicates("period", keep="first")
    index = tidy_period_index(rows["period"], fq)
    out = pd.Series(rows["value"].to_numpy(dtype="float64"), index=index, name=f"{label} {measure}")
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
        status=pd.Series(rows["status"].to_numpy(), index=index).sort_index(),
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
