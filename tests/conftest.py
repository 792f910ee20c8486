"""Shared fixtures: the shipped panel built once per session, raw-data copies, report fixtures.

Expensive set-up that several test modules need lives here so that it runs once:

- ``built``: the shipped ``data/raw/`` built into a temporary folder once per session
  (``test_build``, ``test_panel``, ``test_cli`` read it; nothing writes to it but a rebuild
  that gives the same bytes).
- ``shipped_units``: the units of ``data/raw/regions.csv`` registered for the test.
- ``refused_rebuild``: build a raw copy, break it, check the rebuild is refused and changes
  nothing.
- ``raw_copy``: a private copy of ``data/raw/`` for a test that changes raw files.
- ``tiny_template`` / ``tiny_data``: the hand-made report fixtures of
  ``tests/_report_fixtures.py``, written once per session (read-only for the tests).
- ``default_report``: the default Lixia report (the district briefing, ``lang="zh"``, on
  the shipped data), run once per session for ``test_report``, ``test_html_browser`` and
  ``test_briefing``, which all need it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pytest
from _report_fixtures import make_panel, make_template

from lixia_econ.config import RAW_DIR as RAW


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
def shipped_units() -> Iterator[None]:
    """The units of data/raw/regions.csv registered (as the build registers them), then cleared.

    Shipped raw files name them (济南高新区, 济南起步区); modules that read those files without
    a build use this fixture (``pytestmark = pytest.mark.usefixtures("shipped_units")``).
    """
    from lixia_econ import regions

    regions.clear_registered()
    regions.register_regions(RAW / "regions.csv")
    yield
    regions.clear_registered()


class Rebuild:
    """What a refused rebuild printed (set when the ``with`` block of ``refused_rebuild`` ends)."""

    printed: str = ""


@pytest.fixture
def refused_rebuild(raw_copy, tmp_path, capsys):
    """Build ``raw_copy``, let the test break it, build again: exit 1, the output untouched.

    ``with refused_rebuild() as run:`` builds (exit 0) and snapshots ``tmp_path/processed``;
    the block breaks ``raw_copy``; on leaving it the build runs again, must exit 1 and leave
    every processed file as it was; ``run.printed`` is what that build printed.
    """
    from lixia_econ import cli

    out = tmp_path / "processed"
    argv = ["build", "--raw", str(raw_copy), "--processed", str(out)]

    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    @contextlib.contextmanager
    def run() -> Iterator[Rebuild]:
        assert cli.main(argv) == 0
        snapshot, result = files(), Rebuild()
        yield result
        capsys.readouterr()
        assert cli.main(argv) == 1
        result.printed = capsys.readouterr().out
        assert files() == snapshot

    return run


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


class SharedReport(NamedTuple):
    """A report run once per session, with what reached this process's stderr meanwhile."""

    result: Any  # lixia_econ.report.ReportResult
    stderr: str


@contextlib.contextmanager
def _stderr_captured(path: Path) -> Iterator[None]:
    """Send stderr to ``path`` for the block, file descriptor 2 included, as ``capfd`` does.

    A session fixture cannot use ``capfd``; this keeps the check that a kernel's stderr goes
    to the report folder and not to the terminal (cron mails stay quiet) meaningful.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "w", encoding="utf-8", errors="replace") as fh:
            os.dup2(fh.fileno(), 2)
            try:
                with contextlib.redirect_stderr(fh):
                    yield
            finally:
                fh.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)


@pytest.fixture(scope="session")
def default_report(tmp_path_factory) -> SharedReport:
    """``run_report(timeout=300)`` (the default template, Lixia in Chinese), once per session."""
    from lixia_econ.report import run_report

    out = tmp_path_factory.mktemp("default-report")
    err = out.parent / f"{out.name}.stderr"
    with _stderr_captured(err):
        result = run_report(output_dir=out / "reports", timeout=300)
    return SharedReport(result, err.read_text(encoding="utf-8"))
