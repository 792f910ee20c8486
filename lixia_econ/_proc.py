"""Python helper processes that run a few lines of this package's code.

The report path starts several: the chart worker of a report kernel
(:mod:`lixia_econ.report.notebook`), the helper that makes one CJK font weight while the
report's process makes the other (:mod:`lixia_econ._cjkfont`), and the background build of
the chart worker's font copy (:mod:`lixia_econ._vlfont`). Each is this interpreter running
``-c CODE``, able to import this package whether it is installed or run from a checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["python_process"]


def python_process(
    code: str, *args: str, env: dict[str, str] | None = None, **popen: Any
) -> subprocess.Popen[Any]:
    """Start ``python -c code *args`` with this package importable; return the process.

    Parameters
    ----------
    code : str
        The program.
    *args : str
        Its ``sys.argv[1:]``.
    env : dict, optional
        Variables set on top of this process's environment.
    **popen
        Passed to :class:`subprocess.Popen` (streams, ``text``, ``start_new_session``...).

    Raises
    ------
    OSError
        The process could not be started.
    """
    package_parent = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")]))
    environ = {**os.environ, "PYTHONPATH": path, **(env or {})}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=environ, **popen)
