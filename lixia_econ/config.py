"""Project paths: the one place that says where data and reports live.

Every path the package reads or writes by default is defined here and nowhere else.
The project root is found from the environment variable ``LIXIA_ECON_ROOT`` if set,
otherwise it is the folder that holds the ``lixia_econ`` package (a source checkout).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CACHE_DIR",
    "CATALOGUE_DIR",
    "DATA_DIR",
    "MANIFEST_NAME",
    "NOTEBOOKS_DIR",
    "PROCESSED_DIR",
    "PROJECT_ROOT",
    "RAW_DIR",
    "REPORTS_DIR",
    "TEMPLATES_DIR",
]

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("LIXIA_ECON_ROOT", PACKAGE_DIR.parent)).resolve()

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
TEMPLATES_DIR = NOTEBOOKS_DIR / "templates"

#: Per-user cache of derived, re-computable files (the inlined Vega JavaScript bundle).
CACHE_DIR = Path(
    os.environ.get("LIXIA_ECON_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lixia_econ"
)

#: Bilingual indicator catalogue and region codes shipped inside the package.
CATALOGUE_DIR = PACKAGE_DIR / "catalogue"

#: File name of the machine-readable manifest in a raw-data folder.
MANIFEST_NAME = "manifest.toml"

#: Base names of the processed panel (``.parquet`` and ``.csv`` are written).
PANEL_STEM = "panel"
