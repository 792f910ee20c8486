"""The layout of ``data/processed/``: one version folder per build, switched in one step.

A build writes its four outputs (``panel.parquet``, ``panel.csv``, ``regions.csv`` and
``build_log.json``, which records the SHA-256 of the other three) into a new hidden
folder, then makes it current by replacing one symbolic link with :func:`os.replace`,
which is atomic on POSIX file systems::

    data/processed/
        current -> .v-3f2a9c41d0b2-k2j4x1     (the one switch)
        .v-3f2a9c41d0b2-k2j4x1/               (this build: the four files)
        .v-91c0ee27a4f1-p0q8zz/               (the previous build, kept for open readers)
        panel.parquet -> current/panel.parquet
        panel.csv -> current/panel.csv
        regions.csv -> current/regions.csv
        build_log.json -> current/build_log.json
    data/.processed.lock                      (builds take turns: fcntl.flock)

The top-level names are links through ``current``, so a person (or Excel) opening
``data/processed/panel.csv`` always gets the current build's file. A program that reads
several files resolves ``current`` once (:func:`current_version`) and reads them all from
that folder, so it sees the old set or the new one, never a mix. A build killed at any
point leaves the previous set current; what it left (``.tmp-*`` folders, a version folder
never switched to) is removed by the next build (:func:`clean`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lixia_econ import config
from lixia_econ.errors import LixiaEconError

__all__ = [
    "CURRENT",
    "LOG_NAME",
    "OUTPUT_NAMES",
    "DamagedOutputError",
    "build_lock",
    "checked_bytes",
    "clean",
    "current_version",
    "damaged",
    "links_ok",
    "mismatched",
    "new_version",
    "publish",
    "read_log",
    "sha256_file",
    "test_delay",
]

#: The link naming the current version folder.
CURRENT = "current"
#: The build log of a version folder (holds the checksums of the other outputs).
LOG_NAME = "build_log.json"
#: The outputs of a build, each a top-level link through ``current``.
OUTPUT_NAMES = (
    f"{config.PANEL_STEM}.parquet",
    f"{config.PANEL_STEM}.csv",
    "regions.csv",
    LOG_NAME,
)
_VERSION = ".v-"
_TMP = ".tmp-"
_LOCK = ".lock"
_REPAIR = "run `lixia-econ build --force` to rebuild it from data/raw/"


class DamagedOutputError(LixiaEconError):
    """A processed file that does not match the checksum its build recorded, or is unreadable."""


def test_delay() -> None:
    """Sleep ``LIXIA_ECON_TEST_WRITE_DELAY`` seconds if set (tests only; unset: no delay).

    Called between the steps of writing and switching, so that the kill test of
    ``tests/test_processed.py`` lands in each of them, not only in the start-up.
    """
    delay = os.environ.get("LIXIA_ECON_TEST_WRITE_DELAY")
    if delay:
        time.sleep(float(delay))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def current_version(processed_dir: str | Path | None = None) -> Path:
    """Return the folder holding the current build's outputs, resolved once.

    Parameters
    ----------
    processed_dir : str or Path, optional
        Default :data:`lixia_econ.config.PROCESSED_DIR`.

    Returns
    -------
    Path
        The version folder ``current`` points to; ``processed_dir`` itself when it has no
        ``current`` link (a folder written by an older build, or by hand).
    """
    root = Path(processed_dir) if processed_dir is not None else config.PROCESSED_DIR
    try:
        target = os.readlink(root / CURRENT)
    except OSError:
        return root
    return root / target


def read_log(folder: Path) -> dict[str, Any]:
    """Return the build log of a version folder (empty if missing or unreadable)."""
    try:
        return json.loads((folder / LOG_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def mismatched(folder: Path) -> list[str]:
    """Return the outputs of a version folder that are missing or differ from their checksums.

    A folder whose log records no checksums (an older build) counts as mismatched.
    """
    sums = read_log(folder).get("outputs")
    if not isinstance(sums, dict) or not sums:
        return [LOG_NAME]
    bad = []
    for name, expected in sorted(sums.items()):
        try:
            if sha256_file(folder / name) != expected:
                bad.append(name)
        except OSError:
            bad.append(name)
    return bad


def checked_bytes(folder: Path, name: str, *, shown: Path) -> bytes:
    """Return the bytes of one output, checked against the checksum of its build log.

    Parameters
    ----------
    folder : Path
        The version folder (:func:`current_version`).
    name : str
        The output's file name.
    shown : Path
        The path to name in an error message (the one the user knows).

    Raises
    ------
    DamagedOutputError
        The file differs from the checksum its build recorded; the message says how to repair it.
    """
    data = (folder / name).read_bytes()
    expected = read_log(folder).get("outputs", {}).get(name)
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise DamagedOutputError(
            f"{shown} does not match the checksum its build recorded (damaged or replaced); "
            + _REPAIR
        )
    return data


def damaged(shown: Path, exc: Exception) -> DamagedOutputError:
    """Return the error for an output that cannot be read (says how to repair it)."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return DamagedOutputError(f"{shown} cannot be read ({first}); " + _REPAIR)


@contextlib.contextmanager
def build_lock(processed_dir: Path) -> Iterator[None]:
    """Hold the build lock of a processed folder (concurrent builds take turns).

    The lock file lies next to the folder (``data/.processed.lock``), so a build that
    fails before writing leaves no trace, not even an empty ``data/processed/``.
    """
    parent = processed_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent / f".{processed_dir.name}{_LOCK}", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def new_version(processed_dir: Path) -> Path:
    """Return a new, empty temporary folder to write a build into (mode from the umask)."""
    processed_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=_TMP + "v-", dir=processed_dir))
    os.chmod(folder, 0o777 & ~_umask())
    return folder


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(root: Path, name: str, target: str) -> None:
    """Point ``root/name`` at ``target`` in one step (a new link renamed over the old name)."""
    with contextlib.suppress(OSError):
        if os.readlink(root / name) == target:
            return
    tmp = root / f"{_TMP}{name}-{secrets.token_hex(4)}"
    os.symlink(target, tmp)
    os.replace(tmp, root / name)


def publish(processed_dir: Path, tmp_folder: Path, digest: str) -> Path:
    """Make a fully written temporary folder the current version, atomically.

    The checksums of the outputs are added to the folder's build log, the folder is
    renamed to ``.v-<hash>-<random>``, and ``current`` is switched to it with one
    :func:`os.replace`. Returns the version folder.
    """
    log_path = tmp_folder / LOG_NAME
    log = json.loads(log_path.read_text(encoding="utf-8"))
    log["outputs"] = {n: sha256_file(tmp_folder / n) for n in OUTPUT_NAMES if n != LOG_NAME}
    log_path.write_text(json.dumps(log, ensure_ascii=False, indent=2), encoding="utf-8")
    for name in OUTPUT_NAMES:
        _fsync(tmp_folder / name)
    final = processed_dir / f"{_VERSION}{digest[:12]}-{secrets.token_hex(3)}"
    test_delay()
    os.rename(tmp_folder, final)
    _fsync(processed_dir)
    test_delay()
    _link(processed_dir, CURRENT, final.name)
    for name in OUTPUT_NAMES:
        test_delay()
        _link(processed_dir, name, f"{CURRENT}/{name}")
    _fsync(processed_dir)
    return final


def links_ok(processed_dir: Path) -> bool:
    """Return True when every top-level output name is a link through ``current``."""
    for name in OUTPUT_NAMES:
        try:
            if os.readlink(processed_dir / name) != f"{CURRENT}/{name}":
                return False
        except OSError:
            return False
    return True


def clean(processed_dir: Path, *, keep: int = 1) -> list[str]:
    """Remove what killed or older builds left; call with :func:`build_lock` held.

    Removes ``.tmp-*`` folders and links, the ``.panel.*.tmp`` files of builds before
    version folders, and version folders other than the current one and the ``keep``
    newest others (kept for readers that resolved them just before a switch).

    Returns
    -------
    list of str
        The names removed.
    """
    if not processed_dir.is_dir():
        return []
    current = current_version(processed_dir).name
    removed, versions = [], []
    for entry in processed_dir.iterdir():
        name = entry.name
        legacy_tmp = name.startswith(".") and name.endswith(".tmp")
        if name.startswith(_TMP) or legacy_tmp:
            _remove(entry)
            removed.append(name)
        elif name.startswith(_VERSION) and name != current and entry.is_dir():
            versions.append(entry)
    versions.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for entry in versions[keep:]:
        _remove(entry)
        removed.append(entry.name)
    return removed


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()
