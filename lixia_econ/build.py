"""``lixia-econ build``: every raw file, through the manifest, into one validated panel.

The build first registers the statistical units of the raw folder's ``regions.csv``
and ``*.regions.csv`` files (:func:`lixia_econ.regions.register_regions`: functional
zones, a district the catalogue lacks), then reads each data file with the layout and
options its ``manifest.toml`` entry gives (files not listed are read with the layout
detected automatically, and the build says so), validates each file's table, derives
single-period values from year-to-date ones and annual values from quarters or months
where none were published, validates the whole panel, and writes ``panel.parquet``,
``panel.csv`` (UTF-8 with BOM, for Excel), ``regions.csv`` (the registered units, which
:func:`lixia_econ.load_panel` registers again) and ``build_log.json`` atomically. The
log keeps each file's footnote, note and source lines (``caveats``) and the note-like
lines read as data (``flagged``). If any file is rejected nothing is written: the
previous ``data/processed/`` stays as it was, and the build says which file, row and
value.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from lixia_econ import config, processed
from lixia_econ._excel import csv_frame
from lixia_econ.clean import JAN_FEB_STATUS, decumulate_frame
from lixia_econ.errors import DataFormatError, LixiaEconError
from lixia_econ.regions import REGISTRY_COLUMNS, Region, register_regions
from lixia_econ.schema import COLUMNS, as_category, as_text, validate

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "REGIONS_NAME",
    "BuildResult",
    "build_panel",
    "derive_annual",
    "derive_single_periods",
    "read_manifest",
    "region_files",
    "write_csv",
]

#: File suffixes the build treats as data; everything else (SOURCES.md, the manifest) is skipped.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
#: The region file of a raw folder (also ``*.regions.csv``), and its copy next to the panel.
REGIONS_NAME = "regions.csv"
_NOT_DATA = {config.MANIFEST_NAME, "SOURCES.md", "README.md", REGIONS_NAME}
_MANIFEST_KEYS = {"path", "layout", "options", "publisher", "route", "caveats", "jan_feb"}


@dataclass
class BuildResult:
    """What a build read, derived, rejected and wrote."""

    read: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[str, LixiaEconError]] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    derived: int = 0
    rows: int = 0
    written: list[Path] = field(default_factory=list)
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        """True when no file was rejected."""
        return not self.rejected


def read_manifest(raw_dir: str | Path) -> list[dict[str, Any]]:
    """Return the manifest entries of a raw folder (an empty list if it has no manifest).

    Raises
    ------
    DataFormatError
        If the manifest is not valid TOML, or an entry lacks ``path`` or has unknown keys.
    """
    path = Path(raw_dir) / config.MANIFEST_NAME
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataFormatError(f"not a valid TOML manifest: {exc}", path=path) from None
    entries = data.get("file", [])
    for i, entry in enumerate(entries, 1):
        if "path" not in entry:
            raise DataFormatError(f"[[file]] entry {i} has no 'path'", path=path)
        unknown = set(entry) - _MANIFEST_KEYS
        if unknown:
            raise DataFormatError(
                f"[[file]] entry {i} ({entry['path']}) has unknown keys {sorted(unknown)}; "
                f"allowed: {sorted(_MANIFEST_KEYS)}",
                path=path,
            )
    return entries


def _is_region_file(p: Path) -> bool:
    return p.name == REGIONS_NAME or p.name.endswith("." + REGIONS_NAME)


def region_files(raw_dir: str | Path) -> list[Path]:
    """Return the region files of a raw folder: ``regions.csv`` and ``*.regions.csv``, sorted.

    Each holds units to register (:func:`lixia_econ.regions.register_regions`); none is
    read as data.
    """
    return sorted(p for p in Path(raw_dir).rglob("*") if p.is_file() and _is_region_file(p))


def _data_files(raw: Path) -> list[Path]:
    return sorted(
        p
        for p in raw.rglob("*")
        if p.is_file()
        and p.suffix.lower() in DATA_SUFFIXES
        and p.name not in _NOT_DATA
        and not _is_region_file(p)
    )


def _hash_files(paths: list[Path], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for p in paths:
        digest.update(str(p.name).encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()


def derive_single_periods(panel: pd.DataFrame, *, jan_feb: dict[str, str]) -> pd.DataFrame:
    """Return single-period rows de-cumulated from ``ytd_level`` rows where none were published.

    Parameters
    ----------
    panel : pandas.DataFrame
        Validated tidy rows.
    jan_feb : dict
        The January–February choice (``keep``, ``days``, ``equal``) per source file.

    Returns
    -------
    pandas.DataFrame
        New rows with measure ``level`` and status ``derived`` (or the January–February
        code), source as the year-to-date rows'.
    """
    group = ["region", "indicator", "price_basis", "unit", "source"]
    cols = ["region", "indicator", "freq", "period", "price_basis"]
    is_ytd = (panel["measure"] == "ytd_level") & panel["freq"].isin(["Q", "M"])
    ytd = panel.loc[is_ytd, [*group, "freq", "period", "value"]]  # only what is used
    published = panel.loc[panel["measure"] == "level", cols]
    ytd = ytd[ytd["source"].notna()]
    how = {s: jan_feb.get(s, "keep") for s in pd.unique(ytd["source"])}
    frames = []  # one call per frequency and choice (not per source): the same rows
    for (freq, choice), rows in ytd.groupby([ytd["freq"], ytd["source"].map(how)], sort=True):
        single = decumulate_frame(rows, by=group, freq=freq, jan_feb=choice)
        frames.append(single.assign(freq=freq))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    # in the order of one call per frequency and source, in turn (as each sorts its rows)
    ranks = [pd.factorize(out[c], sort=True)[0] for c in ("source", "freq")]
    out = out.take(np.lexsort(ranks)).reset_index(drop=True)
    out = out[_absent(out, published, cols)]
    note = "de-cumulated from the year-to-date values of the same source"
    return out.assign(measure="level", note=note)[list(COLUMNS)].reset_index(drop=True)


def _absent(rows: pd.DataFrame, have: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """Return, for each row of ``rows``, whether ``have`` lacks a row with its ``cols``."""
    if not len(have) or not len(rows):
        return np.ones(len(rows), dtype=bool)
    both = pd.concat([rows[cols], have[cols]], ignore_index=True)
    key = both.groupby(cols, sort=False, observed=True, dropna=False).ngroup().to_numpy()
    return ~np.isin(key[: len(rows)], key[len(rows) :])


#: Statuses of single periods an annual total may be summed from.
_SUMMABLE = {"published", "derived", *JAN_FEB_STATUS.values()}
_ANNUAL_KEY = ["region", "indicator", "period", "price_basis", "measure"]


def _year_end_ytd(panel: pd.DataFrame, flows: set[str]) -> pd.DataFrame:
    """Annual rows from fourth-quarter / December year-to-date levels and real growth."""
    end = panel["period"].str.endswith("Q4") & (panel["freq"] == "Q")
    end |= panel["period"].str.endswith("-12") & (panel["freq"] == "M")
    level = end & (panel["measure"] == "ytd_level") & panel["indicator"].isin(flows)
    growth = end & (panel["measure"] == "ytd_yoy_pct") & (panel["price_basis"] == "comparable")
    rows = panel[(level | growth) & panel["status"].isin(_SUMMABLE)]
    note = "the {}'s year-to-date value of the same source"
    return rows.assign(
        measure=rows["measure"].map({"ytd_level": "level", "ytd_yoy_pct": "yoy_pct"}),
        note=rows["freq"].map({"Q": note.format("fourth quarter"), "M": note.format("December")}),
    )


def _summed(panel: pd.DataFrame, flows: set[str], freq: str, n: int) -> pd.DataFrame:
    """Annual levels summed from the complete years of single quarters (months)."""
    rows = panel[
        (panel["freq"] == freq)
        & (panel["measure"] == "level")
        & panel["indicator"].isin(flows)
        & panel["status"].isin(_SUMMABLE)
    ]
    if rows.empty:
        return rows
    # January–February kept combined: February holds both months, January is absent
    rows = rows.assign(
        year=rows["period"].str[:4], combined=rows["status"] == JAN_FEB_STATUS["keep"]
    )
    group = ["region", "indicator", "price_basis", "unit", "source", "year"]
    agg = rows.groupby(group, sort=True).agg(
        sum=("value", "sum"), size=("value", "size"), combined=("combined", "any")
    )
    complete = (agg["size"] == n) | ((agg["size"] == n - 1) & agg["combined"])
    agg = agg[complete].drop(columns="combined").reset_index()
    what = {"Q": "four single quarters", "M": "twelve single months"}[freq]
    return agg.assign(
        period=agg["year"],
        value=agg["sum"].round(8),
        measure="level",
        note=f"sum of the {what} of the same source",
    )


def derive_annual(panel: pd.DataFrame) -> pd.DataFrame:
    """Return annual rows derived from quarters or months where no annual figure was published.

    Parameters
    ----------
    panel : pandas.DataFrame
        Tidy rows, single periods de-cumulated already (:func:`derive_single_periods`).

    Returns
    -------
    pandas.DataFrame
        Rows with ``freq`` ``A`` and status ``derived``, each from one source (one
        vintage): annual levels of flows from the fourth-quarter (December) year-to-date
        value, else from the sum of four single quarters (twelve single months; a year
        with January–February combined counts as complete); annual real growth
        (``yoy_pct``, comparable) from the fourth-quarter (December) year-to-date real
        growth. Only complete years; never where the same source (vintage) has an annual
        figure of the same region, indicator, year, price basis and measure. Where another
        source publishes one, the published figure wins when series are spliced
        (:func:`lixia_econ.panel.get_series` ranks ``published`` before ``derived``), and the
        derived one stays available within its own vintage (``source=``).
    """
    from lixia_econ.schema import indicators

    flows = {code for code, ind in indicators().items() if ind.kind == "flow"}
    parts = [
        _year_end_ytd(panel, flows),
        _summed(panel, flows, "Q", 4),
        _summed(panel, flows, "M", 12),
    ]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(freq="A", status="derived", period=out["period"].str[:4])
    annual = panel.loc[panel["freq"] == "A", [*_ANNUAL_KEY, "source"]]
    out = out[_absent(out, annual, [*_ANNUAL_KEY, "source"])]
    out = out.drop_duplicates([*_ANNUAL_KEY, "source"], keep="first")
    return out[list(COLUMNS)].reset_index(drop=True)


def build_panel(
    *,
    raw_dir: str | Path | None = None,
    processed_dir: str | Path | None = None,
    echo: Callable[[str], None] | None = None,
    force: bool = False,
) -> BuildResult:
    """Build ``panel.parquet`` and ``panel.csv`` from every file of the raw folder.

    Parameters
    ----------
    raw_dir : str or Path, optional
        Raw folder (default ``data/raw``); its ``manifest.toml`` says how to read each file.
    processed_dir : str or Path, optional
        Output folder (default ``data/processed``); created if missing.
    echo : callable, optional
        Called with each progress line (``print`` on the command line).
    force : bool
        Rewrite the outputs even when the inputs are unchanged since the last build (the
        repair for a damaged ``panel.parquet``). Without it the build also rewrites them
        when they no longer match the checksums their build recorded.

    Returns
    -------
    BuildResult
        ``ok`` is False when a file was rejected; then nothing was written.

    Notes
    -----
    The outputs are written into a new version folder and made current in one atomic
    step (:mod:`lixia_econ.processed`): a reader sees the previous set or the new one,
    never a mix, and a build killed at any point leaves the previous set current.
    Concurrent builds into one folder take turns (a lock file); each build first removes
    what a killed build left.
    """
    say = echo or (lambda _line: None)
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    out_dir = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    result = BuildResult()
    found = _find_inputs(raw, result, say)
    if found is None:
        return result
    listed, files = found
    units = region_files(raw)
    if not _register(raw, units, result, say):
        say(f"build failed: {result.rejected[-1][1]}; {out_dir} left as it was")
        return result
    from lixia_econ import __version__

    manifest = raw / config.MANIFEST_NAME
    digest = _hash_files([manifest, *units, *files] if listed else [*units, *files], __version__)
    with processed.build_lock(out_dir):
        processed.clean(out_dir)
        if not force and _up_to_date(out_dir, digest, result, say):
            return result
        return _build_locked(raw, out_dir, files, listed, digest, result, say)


def _build_locked(
    raw: Path,
    out_dir: Path,
    files: list[Path],
    listed: dict[Path, dict[str, Any]],
    digest: str,
    result: BuildResult,
    say: Callable[[str], None],
) -> BuildResult:
    """Read, assemble and publish the panel; the caller holds the build lock."""
    frames, jan_feb = _read_files(raw, files, listed, result, say)
    if not result.ok:
        say(f"build failed: {len(result.rejected)} file(s) rejected; {out_dir} left as it was")
        return result
    panel = _assemble(frames, jan_feb, result, say)
    if panel is None:
        say(f"build failed: {result.rejected[-1][1]}; {out_dir} left as it was")
        return result
    result.rows = len(panel)
    order = [f.relative_to(raw).as_posix() for f in files]
    _write_outputs(panel, out_dir, digest, order, result)
    say(f"wrote {result.written[0]} and {result.written[1]}: {len(panel)} rows")
    return result


def _reject(
    result: BuildResult, name: str, err: LixiaEconError, say: Callable[[str], None]
) -> None:
    result.rejected.append((name, err))
    say(f"rejected {name}: {err}")


def _register(
    raw: Path, units: list[Path], result: BuildResult, say: Callable[[str], None]
) -> bool:
    """Register the units of the raw folder's region files; False (rejected) on a bad file."""
    try:
        result.regions = register_regions(units)
    except LixiaEconError as err:
        bad = Path(getattr(err, "path", None) or raw / REGIONS_NAME)
        name = bad.relative_to(raw).as_posix() if bad.is_relative_to(raw) else str(bad)
        _reject(result, name, err, say)
        return False
    if units:
        names = ", ".join(u.relative_to(raw).as_posix() for u in units)
        say(f"registered {len(result.regions)} region(s) from {names}")
    return True


def _find_inputs(
    raw: Path, result: BuildResult, say: Callable[[str], None]
) -> tuple[dict[Path, dict[str, Any]], list[Path]] | None:
    """Return the manifest entries by file and the data files in manifest order.

    Returns None (the reason in ``result.rejected``) when the folder or the manifest is
    unusable; a file listed but missing is rejected without stopping the search.
    """
    if not raw.is_dir():
        _reject(result, str(raw), DataFormatError("raw-data folder does not exist", path=raw), say)
        return None
    try:
        entries = read_manifest(raw)
    except DataFormatError as err:
        result.rejected.append((config.MANIFEST_NAME, err))
        say(f"rejected {err}")
        return None
    listed = {(raw / e["path"]).resolve(): e for e in entries}
    files = _data_files(raw)
    present = {f.resolve() for f in files}
    for e in entries:
        if (raw / e["path"]).resolve() not in present:
            err = DataFormatError("listed in the manifest but not found", path=raw / e["path"])
            _reject(result, e["path"], err, say)
    order = [e["path"] for e in entries] + [
        f.relative_to(raw).as_posix() for f in files if f.resolve() not in listed
    ]
    files.sort(key=lambda f: order.index(f.relative_to(raw).as_posix()))
    return listed, files


def _up_to_date(
    out_dir: Path, digest: str, result: BuildResult, say: Callable[[str], None]
) -> bool:
    """Say so and return True when the last build read these inputs and its outputs are intact."""
    folder = processed.current_version(out_dir)
    parquet = out_dir / f"{config.PANEL_STEM}.parquet"
    previous = processed.read_log(folder)
    if folder == out_dir or previous.get("input_hash") != digest:
        return False
    bad = processed.mismatched(folder)
    if bad or not processed.links_ok(out_dir):
        what = ", ".join(bad) if bad else "the links to the current build"
        say(f"inputs unchanged but {what} in {out_dir} damaged or replaced: rebuilding")
        return False
    result.unchanged = True
    result.rows = int(previous.get("rows", 0))
    say(f"up to date: {parquet} ({result.rows} rows; inputs unchanged)")
    return True


def _read_one(path: Path, rel: str, entry: dict[str, Any] | None) -> pd.DataFrame:
    """Read and validate one raw file; an empty ``source`` is the file's name."""
    from lixia_econ.io import read_table

    options = dict(entry.get("options", {})) if entry else {}
    layout = entry.get("layout") if entry else None
    table = read_table(path, layout=layout, **{**options, "categorical": True})
    attrs = dict(table.attrs)
    source = table["source"]
    if (source == "").any():  # the new category: as text, then as a categorical again
        table = table.assign(source=as_category(source.astype(object).where(source != "", rel)))
    table.attrs["source_rows"] = attrs.get("source_rows")
    out = validate(table, path=path, categorical=True)
    out.attrs.update({k: attrs.get(k, []) for k in ("caveats", "flagged")})
    out.attrs["dropped_missing"] = int(attrs.get("dropped_missing", 0) or 0)
    return out


#: Data files of this many bytes in all or more are read by a pool of :data:`_WORKERS`.
_POOL_BYTES = 32 << 20
_WORKERS = 2
#: A file to read: its path, its name in the raw folder, its manifest entry.
_Job = tuple[Path, str, dict[str, Any] | None]


def _tables(jobs: list[_Job]) -> Iterator[pd.DataFrame | LixiaEconError]:
    """Yield each file's table (:func:`_read_one`) or its error, in the order of ``jobs``.

    Large inputs are read by a pool of worker processes, the files being independent
    (forked, on Linux: they know the units registered for this build; elsewhere the
    files are read here). A file a worker could not read is read again here, so that its
    error is raised as it always was.
    """
    workers = min(_WORKERS, os.cpu_count() or 1, len(jobs))
    size = sum(path.stat().st_size for path, _, _ in jobs)
    if workers < 2 or size < _POOL_BYTES or sys.platform != "linux":  # fork: safe on Linux
        yield from (_try_read(*job) for job in jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        for job, table in zip(jobs, pool.map(_read_in_worker, jobs), strict=True):
            yield _try_read(*job) if table is None else table


def _try_read(path: Path, rel: str, entry: dict[str, Any] | None) -> pd.DataFrame | LixiaEconError:
    """Return :func:`_read_one` of a file, or the error that rejects it."""
    try:
        return _read_one(path, rel, entry)
    except LixiaEconError as err:
        return err


def _read_in_worker(job: _Job) -> pd.DataFrame | None:
    """Return :func:`_read_one` in a worker process; None on any error (read again by the build)."""
    try:
        table = _read_one(*job)
    except Exception:
        return None
    table.attrs.pop("source_rows", None)  # checked: the line numbers are not needed now
    return table


def _read_files(
    raw: Path,
    files: list[Path],
    listed: dict[Path, dict[str, Any]],
    result: BuildResult,
    say: Callable[[str], None],
) -> tuple[list[pd.DataFrame], dict[str, str]]:
    """Read every file; return the tables and the January–February choice per source."""
    frames, jan_feb = [], {}
    jobs = [(f, f.relative_to(raw).as_posix(), listed.get(f.resolve())) for f in files]
    for (_, rel, entry), table in zip(jobs, _tables(jobs), strict=True):
        if isinstance(table, LixiaEconError):
            _reject(result, rel, table, say)
            continue
        layout = entry.get("layout") if entry else None
        how = f"layout {layout}" if entry else "layout detected automatically (not in manifest)"
        dropped = int(table.attrs.get("dropped_missing", 0) or 0)
        info = {"file": rel, "rows": len(table), "layout": layout or "auto", "missing": dropped}
        info["caveats"] = list(table.attrs.get("caveats", []))
        info["flagged"] = list(table.attrs.get("flagged", []))
        result.read.append(info)
        say(f"read {rel}: {len(table)} rows ({how}; {dropped} cells marked missing)")
        for line in info["flagged"]:
            say(f"  {rel} row {line['row']}: looks like a note but has numbers; read as data")
        for line in info["caveats"]:
            if line.get("warning"):  # e.g. a last row that may be cut short
                say(f"  {rel} row {line['row']}: {line['text']}")
        table.attrs.pop("source_rows", None)  # checked: the line numbers are not needed now
        choice = (entry or {}).get("jan_feb", "keep")
        jan_feb.update(dict.fromkeys(table["source"].unique().tolist(), choice))
        frames.append(table)
    return frames, jan_feb


def _assemble(
    frames: list[pd.DataFrame],
    jan_feb: dict[str, str],
    result: BuildResult,
    say: Callable[[str], None],
) -> pd.DataFrame | None:
    """Join the tables, add derived single periods, validate; None if the panel is invalid.

    The panel's text columns are categoricals (:func:`~lixia_econ.schema.as_category`).
    """
    panel = _joined(frames) if frames else pd.DataFrame(columns=COLUMNS)
    derived = derive_single_periods(panel, jan_feb=jan_feb)
    say(f"derived {len(derived)} single-period values from year-to-date values")
    result.derived = len(derived)
    parts = [panel, derived]
    del panel, derived  # one reference each: the parts go once joined
    panel = _joined(parts)
    annual = derive_annual(panel)
    say(f"derived {len(annual)} annual values from quarters and months")
    result.derived += len(annual)
    parts = [panel, annual]
    del panel, annual
    try:
        return validate(_joined(parts), path="panel", categorical=True)
    except LixiaEconError as err:
        result.rejected.append(("panel", err))
        return None


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Return the frames joined; the list is emptied so that the parts can be freed."""
    out = _stacked(frames)
    frames.clear()
    return out


def _stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Return ``pd.concat(frames, ignore_index=True)``, categoricals joined as categoricals.

    A column that is categorical in any frame is joined as one categorical of the text of
    every frame's cells, its categories sorted (:func:`~lixia_econ.schema.as_category`);
    ``pd.concat`` would make a string per row of categoricals of different categories.
    """
    from pandas.api.types import union_categoricals

    names = list(frames[0].columns)
    categorical = any(isinstance(t, pd.CategoricalDtype) for f in frames for t in f.dtypes)
    if not categorical or any(list(f.columns) != names for f in frames):
        return pd.concat(frames, ignore_index=True)
    columns = {}
    for c in names:
        parts = [f[c] for f in frames]
        if any(isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            cats = [as_category(p).array for p in parts]
            columns[c] = union_categoricals(cats, sort_categories=True)
        else:
            columns[c] = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns, index=pd.RangeIndex(sum(len(f) for f in frames)))


def _write_outputs(
    panel: pd.DataFrame, out_dir: Path, digest: str, file_order: list[str], result: BuildResult
) -> None:
    """Write the panel (parquet, CSV with BOM), regions and build log; switch to them at once."""
    from lixia_econ import __version__

    tmp = processed.new_version(out_dir)
    try:
        _write_panel(panel, tmp)
        _write_regions(tmp / REGIONS_NAME, result.regions)
        log = {
            "input_hash": digest,
            "rows": len(panel),
            "derived": result.derived,
            "read": result.read,
            "source_order": _source_order(panel, file_order),
            "version": __version__,
        }
        text = json.dumps(log, ensure_ascii=False, indent=2)
        (tmp / processed.LOG_NAME).write_text(text, encoding="utf-8")
        processed.publish(out_dir, tmp, digest)
    finally:
        if tmp.exists():  # interrupted before the switch: the previous set stays current
            shutil.rmtree(tmp, ignore_errors=True)
    processed.clean(out_dir)
    names = [f"{config.PANEL_STEM}.parquet", f"{config.PANEL_STEM}.csv", processed.LOG_NAME]
    result.written = [out_dir / name for name in [*names, REGIONS_NAME]]


def _write_panel(panel: pd.DataFrame, folder: Path) -> None:
    """Write ``panel.parquet`` and ``panel.csv`` into ``folder`` at the same time.

    The parquet file (text columns as ``str``, however ``panel`` holds them) is written in
    a second thread while this one makes the CSV (both are mostly Arrow's work, which runs
    without the GIL); an error in either is raised.
    """
    from concurrent.futures import ThreadPoolExecutor

    def parquet() -> None:
        text = {c: as_text(panel[c]) for c in panel.columns if _is_text(panel[c].dtype)}
        panel.assign(**text).to_parquet(folder / f"{config.PANEL_STEM}.parquet", index=False)
        processed.test_delay()

    with ThreadPoolExecutor(max_workers=1) as pool:
        done = pool.submit(parquet)
        # text Excel would run as a formula gets a ' in front (the CSV only, not the parquet)
        write_csv(csv_frame(panel), folder / f"{config.PANEL_STEM}.csv")
        processed.test_delay()
        done.result()


#: Rows joined into CSV text at a time by :func:`write_csv`.
_CSV_ROWS = 1 << 20
#: What makes the csv module quote a field (delimiter, quote character, line terminator).
_CSV_QUOTE = '[,"\n]'


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    r"""Write ``frame`` as ``frame.to_csv(path, index=False, encoding="utf-8-sig")`` does.

    The same bytes (a test compares them), made by Arrow's string kernels a million rows
    at a time instead of pandas' row-by-row writer (which took most of a county build):
    UTF-8 with a BOM, ``\n`` line ends, a field quoted when it holds ``,``, ``"`` or a
    line break (its quotes doubled), floats as numpy prints them. A categorical of text
    is written from its categories, each made into a field once. Frames with columns
    other than text and float64 go to pandas.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = [_is_text(t) or t == np.float64 for t in frame.dtypes]
    if not all(kinds) or not all(isinstance(c, str) for c in frame.columns):
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        header = pd.DataFrame(columns=frame.columns).to_csv(index=False, lineterminator="\n")
        fh.write(header.encode("utf-8"))
        for start in range(0, len(frame), _CSV_ROWS):
            part = frame.iloc[start : start + _CSV_ROWS]
            fields = [_csv_field(part[c]) for c in part.columns]
            fields[-1] = pc.binary_join_element_wise(fields[-1], _large(""), _large("\n"))
            line = pc.binary_join_element_wise(*fields, _large(","))
            for chunk in line.chunks if isinstance(line, pa.ChunkedArray) else [line]:
                _, offsets, data = chunk.buffers()
                ends = np.frombuffer(offsets, dtype=np.int64)
                ends = ends[chunk.offset : chunk.offset + len(chunk) + 1]
                fh.write(memoryview(data)[ends[0] : ends[-1]])


def _is_text(dtype: object) -> bool:
    """Say whether a column of ``dtype`` holds text: ``str``, or a categorical of it."""
    if isinstance(dtype, pd.CategoricalDtype):
        return isinstance(dtype.categories.dtype, pd.StringDtype)
    return isinstance(dtype, pd.StringDtype)


def _large(text: str) -> pa.Scalar:
    import pyarrow as pa

    return pa.scalar(text, type=pa.large_string())


def _csv_field(col: pd.Series) -> pa.Array:
    """Return the CSV fields of a column (:func:`write_csv`): quoted where needed, no BOM."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if col.dtype == np.float64:
        return _float_text(col.to_numpy())
    if isinstance(col.dtype, pd.CategoricalDtype):  # each category made a field once
        words = _csv_field(pd.Series(col.cat.categories))
        codes = col.cat.codes.to_numpy()
        return pc.take(words, pa.array(codes, mask=codes < 0)).fill_null("")
    arr = pa.array(col, type=pa.large_string(), from_pandas=True).fill_null("")
    if not pc.any(pc.match_substring_regex(pc.unique(arr), _CSV_QUOTE)).as_py():
        return arr  # no distinct cell needs quotes (most columns hold few)
    needs = pc.match_substring_regex(arr, _CSV_QUOTE)
    quote = _large('"')
    quoted = pc.binary_join_element_wise(
        quote, pc.replace_substring(arr, '"', '""'), quote, _large("")
    )
    return pc.if_else(needs, quoted, arr)


#: Where ``repr`` prints a float positionally (``1e-05`` and ``1e+16`` are exponents).
_POSITIONAL = (1e-4, 1e16)


def _float_text(values: np.ndarray) -> pa.Array:
    """Return each float as ``repr`` (and numpy's ``str``) prints it, ``""`` for NaN.

    Arrow's cast to text finds the same shortest digits as ``repr`` but prints them in
    its own notation: an integral value without ``.0``, and an exponent at thresholds
    of its own. Where it prints positionally, with a point, within ``repr``'s positional
    range its text is ``repr``'s; every other value (integral values, zero with its sign,
    NaN, infinities, tiny and huge values, Arrow's exponents: few in a panel) goes
    through ``repr`` itself.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.cast(pa.array(values, type=pa.float64()), pa.large_string())
    magnitude = np.abs(values)
    plain = (magnitude >= _POSITIONAL[0]) & (magnitude < _POSITIONAL[1])
    plain &= ~pc.match_substring(text, "e").to_numpy(zero_copy_only=False)
    plain &= pc.match_substring(text, ".").to_numpy(zero_copy_only=False)
    if plain.all():
        return text
    printed = ["" if v != v else repr(v) for v in values[~plain].tolist()]
    return pc.replace_with_mask(text, pa.array(~plain), pa.array(printed, type=pa.large_string()))


def _write_regions(path: Path, units: list[Region]) -> None:
    """Write the registered units as a region file (header only when there are none)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(REGISTRY_COLUMNS)
        for r in units:
            writer.writerow([r.code, r.name_zh, r.name_en, r.level, r.parent, r.kind,
                             "|".join(r.aliases)])  # fmt: skip


def _source_order(panel: pd.DataFrame, file_order: list[str]) -> list[str]:
    """Return the sources of the panel in manifest order (a source names its file first)."""

    def rank(source: str) -> int:
        name = source.split(" | ")[0]
        return file_order.index(name) if name in file_order else len(file_order)

    return sorted(panel["source"].unique().tolist(), key=lambda s: (rank(s), s))
