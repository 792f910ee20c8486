"""``lixia-econ build``: every raw file, through the manifest, into one validated panel.

The build reads each data file of the raw folder with the layout and options its
``manifest.toml`` entry gives (files not listed are read with the layout detected
automatically, and the build says so), validates each file's table, derives
single-period values from year-to-date ones where none were published, validates the
whole panel, and writes ``panel.parquet``, ``panel.csv`` (UTF-8 with BOM, for Excel) and
``build_log.json`` atomically. If any file is rejected nothing is written: the previous
``data/processed/`` stays as it was, and the build says which file, row and value.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lixia_econ import config
from lixia_econ.clean import decumulate_frame
from lixia_econ.errors import DataFormatError, LixiaEconError
from lixia_econ.schema import COLUMNS, validate

__all__ = ["BuildResult", "build_panel", "read_manifest"]

#: File suffixes the build treats as data; everything else (SOURCES.md, the manifest) is skipped.
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
_NOT_DATA = {config.MANIFEST_NAME, "SOURCES.md", "README.md"}
_MANIFEST_KEYS = {"path", "layout", "options", "publisher", "route", "caveats", "jan_feb"}


@dataclass
class BuildResult:
    """What a build read, derived, rejected and wrote."""

    read: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[str, LixiaEconError]] = field(default_factory=list)
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


def _data_files(raw: Path) -> list[Path]:
    return sorted(
        p
        for p in raw.rglob("*")
        if p.is_file() and p.suffix.lower() in DATA_SUFFIXES and p.name not in _NOT_DATA
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
    ytd = panel[(panel["measure"] == "ytd_level") & panel["freq"].isin(["Q", "M"])]
    published = panel[panel["measure"] == "level"]
    have = set(
        zip(
            published["region"],
            published["indicator"],
            published["freq"],
            published["period"],
            published["price_basis"],
            strict=True,
        )
    )
    group = ["region", "indicator", "price_basis", "unit", "source"]
    frames = []
    for (freq, source), rows in ytd.groupby(["freq", "source"], sort=True):
        single = decumulate_frame(rows, by=group, freq=freq, jan_feb=jan_feb.get(source, "keep"))
        frames.append(single.assign(freq=freq))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    out = pd.concat(frames, ignore_index=True)
    cols = ["region", "indicator", "freq", "period", "price_basis"]
    out = out[[k not in have for k in out[cols].itertuples(index=False, name=None)]]
    note = "de-cumulated from the year-to-date values of the same source"
    return out.assign(measure="level", note=note)[list(COLUMNS)].reset_index(drop=True)


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


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
        Rewrite the outputs even when the inputs are unchanged since the last build.

    Returns
    -------
    BuildResult
        ``ok`` is False when a file was rejected; then nothing was written.
    """
    from lixia_econ.io import read_table

    say = echo or (lambda _line: None)
    raw = Path(raw_dir) if raw_dir is not None else config.RAW_DIR
    out_dir = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    result = BuildResult()
    if not raw.is_dir():
        err = DataFormatError("raw-data folder does not exist", path=raw)
        result.rejected.append((str(raw), err))
        say(f"rejected {raw}: {err}")
        return result
    try:
        entries = read_manifest(raw)
    except DataFormatError as err:
        result.rejected.append((config.MANIFEST_NAME, err))
        say(f"rejected {err}")
        return result
    listed = {(raw / e["path"]).resolve(): e for e in entries}
    files = _data_files(raw)
    for e in entries:
        if (raw / e["path"]).resolve() not in {f.resolve() for f in files}:
            err = DataFormatError("listed in the manifest but not found", path=raw / e["path"])
            result.rejected.append((e["path"], err))
            say(f"rejected {e['path']}: {err}")
    order = [e["path"] for e in entries] + [
        f.relative_to(raw).as_posix() for f in files if f.resolve() not in listed
    ]
    files.sort(key=lambda f: order.index(f.relative_to(raw).as_posix()))

    from lixia_econ import __version__

    digest = _hash_files([raw / config.MANIFEST_NAME, *files] if entries else files, __version__)
    log_path = out_dir / "build_log.json"
    parquet = out_dir / f"{config.PANEL_STEM}.parquet"
    if not force and parquet.exists() and log_path.exists():
        previous = json.loads(log_path.read_text(encoding="utf-8"))
        if previous.get("input_hash") == digest:
            result.unchanged = True
            result.rows = int(previous.get("rows", 0))
            say(f"up to date: {parquet} ({result.rows} rows; inputs unchanged)")
            return result

    frames, jan_feb = [], {}
    for f in files:
        rel = f.relative_to(raw).as_posix()
        entry = listed.get(f.resolve())
        options = dict(entry.get("options", {})) if entry else {}
        layout = entry.get("layout") if entry else None
        try:
            table = read_table(f, layout=layout, **options)
            source_rows = table.attrs.get("source_rows")
            table = table.assign(source=table["source"].where(table["source"] != "", rel))
            table.attrs["source_rows"] = source_rows
            table = validate(table, path=f)
        except LixiaEconError as err:
            result.rejected.append((rel, err))
            say(f"rejected {rel}: {err}")
            continue
        how = f"layout {layout}" if entry else "layout detected automatically (not in manifest)"
        dropped = int(table.attrs.get("dropped_missing", 0) or 0)
        info = {"file": rel, "rows": len(table), "layout": layout or "auto", "missing": dropped}
        result.read.append(info)
        say(f"read {rel}: {len(table)} rows ({how}; {dropped} cells marked missing)")
        jan_feb.update(dict.fromkeys(set(table["source"]), (entry or {}).get("jan_feb", "keep")))
        frames.append(table)
    if not result.ok:
        say(f"build failed: {len(result.rejected)} file(s) rejected; {out_dir} left as it was")
        return result

    panel = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    derived = derive_single_periods(panel, jan_feb=jan_feb)
    result.derived = len(derived)
    say(f"derived {len(derived)} single-period values from year-to-date values")
    try:
        panel = validate(pd.concat([panel, derived], ignore_index=True), path="panel")
    except LixiaEconError as err:
        result.rejected.append(("panel", err))
        say(f"build failed: {err}; {out_dir} left as it was")
        return result
    result.rows = len(panel)

    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path = out_dir / f"{config.PANEL_STEM}.csv"
    _atomic_write(parquet, lambda p: panel.to_parquet(p, index=False))
    _atomic_write(csv_path, lambda p: panel.to_csv(p, index=False, encoding="utf-8-sig"))
    log = {
        "input_hash": digest,
        "rows": len(panel),
        "derived": len(derived),
        "read": result.read,
        "source_order": _source_order(panel, [f.relative_to(raw).as_posix() for f in files]),
        "version": __version__,
    }
    _atomic_write(
        log_path,
        lambda p: p.write_text(json.dumps(log, ensure_ascii=False, indent=2), encoding="utf-8"),
    )
    result.written = [parquet, csv_path, log_path]
    say(f"wrote {parquet} and {csv_path}: {len(panel)} rows")
    return result


def _source_order(panel: pd.DataFrame, file_order: list[str]) -> list[str]:
    """Return the sources of the panel in manifest order (a source names its file first)."""

    def rank(source: str) -> int:
        name = source.split(" | ")[0]
        return file_order.index(name) if name in file_order else len(file_order)

    return sorted(set(panel["source"]), key=lambda s: (rank(s), s))
