"""Helpers the modules of :mod:`lixia_econ.report` share (public here, not exported)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from lixia_econ.errors import ParameterError

__all__ = ["log", "logging_to"]

#: The logger every report and batch writes to.
log = logging.getLogger("lixia_econ.report")


@contextlib.contextmanager
def logging_to(log_file: str | Path | None) -> Iterator[logging.Logger]:
    """Send the report logger to ``log_file`` (appending) for the duration.

    Parameters
    ----------
    log_file : str or Path, optional
        The file; ``None`` leaves the logger as it is.

    Yields
    ------
    logging.Logger
        The report logger (``lixia_econ.report``).
    """
    handler = None
    old_level = log.level
    if log_file is not None:
        try:
            Path(log_file).parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise ParameterError(
                f"--log-file {log_file}: cannot be written ({exc.strerror or exc})"
            ) from None
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    try:
        yield log
    finally:
        if handler is not None:
            log.removeHandler(handler)
            handler.close()
            log.setLevel(old_level)
