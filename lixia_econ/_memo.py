"""Results kept on disk between processes, keyed by everything they were computed from.

A batch of briefings over many districts prints the same national appendix in every
report: the recovery scorecard of China's series, a few hundred milliseconds of model fits
that give the same answer each time. :func:`memo` keeps such a result in
``<cache>/memo/<name>/`` (:data:`lixia_econ.config.CACHE_DIR`) under a hash of

- the caller's key (the input rows' contents, the arguments, the names written into the
  result),
- this package's code and catalogue (every ``.py`` and ``.csv`` file of ``lixia_econ/``),
- the versions of Python, NumPy, pandas, SciPy and statsmodels,

so that a change to any of them computes the result again. The cache is an optimisation
only: a file that cannot be read, unpickled or written is computed again, silently, and
at most :data:`KEEP` results of a name are kept.

:func:`store` is how every file of the cache folder is written (these results, the CJK
font subsets, the inlined Vega bundle): atomically, errors ignored, the folder trimmed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Results kept per name (the least recently written removed first).
KEEP = 64

#: Libraries whose version is part of every key.
_LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels")


@cache
def code_fingerprint() -> str:
    """Return a hash of this package's code and catalogue, and of the libraries' versions."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256(sys.version.encode())
    for lib in _LIBRARIES:
        try:
            digest.update(f"{lib}={version(lib)}".encode())
        except PackageNotFoundError:
            digest.update(f"{lib}=-".encode())
    root = Path(__file__).resolve().parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".csv")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: Seconds a caller waits for a result another process or thread is computing.
WAIT_S = 120.0
#: What :func:`_load` returns for a file that is not there or cannot be used.
_MISSING = object()


def memo(name: str, key: bytes, compute: Callable[[], T]) -> T:
    """Return ``compute()``, from ``<cache>/memo/<name>/`` when it was computed before.

    A result being computed by another process or thread (the first reports of a batch's
    workers, started together, all ask for the same national appendix) is waited for, up
    to :data:`WAIT_S` seconds, rather than computed again: the one computing it holds a
    ``.busy`` file naming its process. A busy file whose process is gone is ignored.

    Parameters
    ----------
    name : str
        Folder of this kind of result.
    key : bytes
        Everything the result depends on besides the package's code and the libraries'
        versions (those are added here).
    compute : callable
        Makes the result; called when it is not in the cache. Its result must pickle.
    """
    path = _path(name, key)
    found = _load(path)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    return _compute_once(path, compute)  # type: ignore[return-value]


def _path(name: str, key: bytes) -> Path:
    from lixia_econ import config

    digest = hashlib.sha256(code_fingerprint().encode() + b"\0" + key).hexdigest()[:40]
    return config.CACHE_DIR / "memo" / name / f"{digest}.pkl"


def _compute_once(path: Path, compute: Callable[[], object]) -> object:
    """Compute and keep the result at ``path``, or wait for whoever is computing it."""
    busy = path.with_suffix(".busy")
    claimed = _claim(busy)
    if not claimed:
        _await(path, busy)
        found = _load(path)
        if found is not _MISSING:
            return found
        # not there (its computation failed or took too long), or broken: computed here
    try:
        result = compute()
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return result
        store(path, data, keep=KEEP)
        return result
    finally:
        if claimed:
            busy.unlink(missing_ok=True)


def _load(path: Path) -> object:
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except Exception:  # missing, unreadable or not a pickle of today's classes: compute
        return _MISSING


def _claim(busy: Path) -> bool:
    """Create ``busy`` (naming this process) unless a live process holds it; say if made."""
    for _attempt in range(2):
        try:
            busy.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(busy, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _holder_alive(busy):
                return False
            busy.unlink(missing_ok=True)  # left by a process that died: taken over
            continue
        except OSError:
            return False  # an unwritable cache: compute without telling anyone
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        return True
    return False


def _holder_alive(busy: Path) -> bool:
    """Whether the process named in ``busy`` still runs.

    A file without a process id is taken as being written for a second, then as left
    by a process that died before writing it.
    """
    try:
        text = busy.read_text(encoding="ascii")
        age = time.time() - busy.stat().st_mtime
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True
    try:
        pid = int(text)
    except ValueError:
        return age < 1.0
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        pass  # another user's process, or no process id: taken as alive, as a live one
    return True


def _await(path: Path, busy: Path) -> None:
    """Wait until ``path`` is there, or ``busy`` is no longer held by a live process."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and not path.exists():
        if not busy.exists() or not _holder_alive(busy):
            return  # finished (or failed) meanwhile
        time.sleep(0.01)


def store(path: Path, data: bytes, *, keep: int | None = None) -> None:
    """Write ``data`` to the cache file ``path`` atomically; an error is ignored.

    The file appears whole or not at all (written beside it, then renamed), so processes
    that read the cache at the same time never see half a file. With ``keep``, only the
    ``keep`` most recently written files of its folder with its suffix are kept.
    """
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
        if keep is not None:
            kept = sorted(
                path.parent.glob(f"*{path.suffix}"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for old in kept[keep:]:
                old.unlink(missing_ok=True)
    except OSError:
        tmp.unlink(missing_ok=True)
