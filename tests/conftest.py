"""Shared fixtures: the shipped panel built once per session, raw-data copies, report fixtures.

Expensive set-up that several test modules need lives here so that it runs once:

- ``built``: the shipped ``data/raw/`` built into a temporary folder once per session
  (``test_build``, ``test_panel``, ``test_cli`` read it; nothing writes to it but a rebuild
  that gives the same bytes).
- ``raw_copy``: a private copy of ``data/raw/`` for a test that changes raw files.
- ``tiny_template`` / ``tiny_data``: the hand-made report fixtures of
  ``tests/_report_fixtures.py``, written once per session (read-only for the tests).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
from _report_fixtures import make_panel, make_template

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


class Built(NamedTuple):
    """A processed folder and the panel loaded from it."""

    processed: Path
    panel: pd.DataFrame


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """The shipped raw data built once per session: (processed folder, panel)."""
    from lixia_econ.build import build_panel
    from lixia_econ.panel import load_panel

    out = tmp_path_factory.mktemp("processed")
    result = build_panel(raw_dir=RAW, processed_dir=out)
    assert result.ok, result.rejected
    return Built(out, load_panel(out, raw_dir=RAW, rebuild=False))


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    """A private copy of data/raw/ (raw files are never modified in place)."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


@pytest.fixture(scope="session")
def tiny_template(tmp_path_factory) -> Path:
    """The tiny report template (tests/_report_fixtures.py), written once per session."""
    return make_template(tmp_path_factory.mktemp("tiny-template"))


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """The tiny hand-made panel whose note is a script tag (escaping checks), once per session."""
    return make_panel(tmp_path_factory.mktemp("tiny-data"), note="<script>alert(1)</script>")
