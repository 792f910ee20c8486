"""Faster chart SVGs: vl-convert measures text with a TrueType copy of Noto Sans CJK SC.

vl-convert lays a chart out with the fonts its spec names; with the Noto Sans CJK
collections every Linux distribution ships (CFF outlines in a ``.ttc``), measuring the
labels is most of the work: 0.11-0.40 s a chart, against 0.03-0.09 s with the same font
as TrueType. :func:`build` makes such a copy once per machine -- the common characters
(ASCII, GB 2312's symbols and level-1 hanzi, the signs Vega's number formats write, the
marks report pages print), both weights, under a family name of its own
(:data:`FAMILY`) -- into ``<cache>/vl-fonts/`` (about 1.2 MB a weight, 8-9 s of fontTools).

:class:`Fonts` is what the chart worker of :mod:`lixia_econ.report.notebook` uses: a chart
whose spec names Noto Sans CJK SC and whose characters the copy has is drawn with the
copy's family swapped in, and the name swapped back in the SVG, so the SVG is the one
vl-convert draws with the system font (the advance widths are the same; tested). Any
other chart, or a machine without the copy, fontTools or the Noto fonts, is drawn as
before. A worker that finds no copy starts one building in the background, for the
workers after it. The PDF's font subsets are cut from the copy too, when it has the page's
characters (:mod:`lixia_econ._cjkfont`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import time
from functools import cache
from pathlib import Path
from typing import Any

#: The family the copy is registered under with vl-convert (never written to an SVG).
FAMILY = "Lixia Noto CJK SC"
#: The family a chart spec names (the theme's first choice), swapped for :data:`FAMILY`.
SYSTEM = "Noto Sans CJK SC"
#: Signs Vega's number and date formats write that GB 2312 lacks (minus, thin space, ...).
_FORMAT_SIGNS = "\u2212\u2009\u00a0\u2013\u2014\u00b7\u2026\u00b0\u00d7\u2030\u00b5"
#: Marks report pages print that GB 2312 lacks (the press-repost dagger, nbconvert's
#: heading anchor, bullets): the PDF's font subsets are cut from the copy too
#: (:func:`lixia_econ._cjkfont._subset_of_copy`).
_PAGE_SIGNS = "\u2020\u2021\u00b6\u2022"
#: A build older than this with its lock still there is taken as dead.
_STALE_LOCK_S = 600
#: Finished copies kept in ``<cache>/vl-fonts/`` (2.3 MB each): a new one is made when the
#: Noto fonts, the characters or the options change; the older ones are removed then.
_KEEP_COPIES = 2


@cache
def chars() -> frozenset[str]:
    """Return the copy's characters: ASCII, GB 2312 rows 1-55, the signs and marks above."""
    out = {chr(c) for c in range(0x20, 0x7F)} | set(_FORMAT_SIGNS) | set(_PAGE_SIGNS)
    for row in range(0xA1, 0xD8):  # symbols, full-width forms, then level-1 hanzi
        for cell in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                out.add(bytes([row, cell]).decode("gb2312"))
    return frozenset(out)


def folder() -> Path | None:
    """Return the copy's folder (it may not exist yet); None without the Noto CJK fonts."""
    from lixia_econ import _cjkfont, config

    files = [_cjkfont._font_file(w) for w in (400, 700)]
    if None in files:
        return None
    stats = [os.stat(f) for f in files]  # type: ignore[arg-type]
    key = json.dumps(
        [files, [[s.st_size, s.st_mtime_ns] for s in stats], _cjkfont._OPTIONS, FAMILY, "v1"]
    )
    text = "".join(sorted(chars()))
    digest = hashlib.sha256((key + text).encode()).hexdigest()[:24]
    return config.CACHE_DIR / "vl-fonts" / digest


#: The name records :func:`_renamed` changes (family, full name, PostScript name).
RENAMED = (1, 4, 6, 16)


def _renamed(data: bytes, weight: int) -> bytes:
    """Return the TrueType font ``data`` with its family named :data:`FAMILY`."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data))
    style = "Bold" if weight >= 700 else "Regular"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} {style}" if style == "Bold" else FAMILY
        elif record.nameID == 6:
            record.string = f"LixiaNotoCJKSC-{style}"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def build() -> Path | None:
    """Make the copy (both weights) unless it is there or being made; return its folder.

    Returns None when it cannot be made here (no fontTools, no Noto CJK, another process
    making it, an unwritable cache).
    """
    from lixia_econ import _cjkfont

    target = folder()
    if target is None or not _cjkfont.subsetting_available():
        return None
    if (target / "done").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.with_suffix(".lock")
    with contextlib.suppress(FileNotFoundError):
        if time.time() - lock.stat().st_mtime > _STALE_LOCK_S:
            lock.unlink()
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:
        return None  # another process is making it
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        tmp.mkdir(exist_ok=True)
        text = "".join(sorted(chars()))
        for weight in (400, 700):
            path = _cjkfont._font_file(weight)
            data = _renamed(_cjkfont._subset(path, text), weight)  # type: ignore[arg-type]
            (tmp / f"lixia-cjk-{weight}.ttf").write_bytes(data)
        (tmp / "done").write_text("", encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        lock.unlink(missing_ok=True)
    _prune(target)
    return target


def _prune(made: Path) -> None:
    """Remove copies older than the :data:`_KEEP_COPIES` newest, and dead builds' leftovers.

    ``made`` (just finished) is kept. A copy is removed only when finished (``done``) and
    a build's temporary folder or lock only when older than :data:`_STALE_LOCK_S`, so a
    build under way elsewhere is left alone. Errors are ignored: the cache is an
    optimisation.
    """
    now = time.time()
    try:
        entries = list(made.parent.iterdir())
        copies = [p for p in entries if p != made and (p / "done").exists()]
        copies.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in copies[_KEEP_COPIES - 1 :]:
            shutil.rmtree(old, ignore_errors=True)
        for left in entries:
            if left.suffix in (".tmp", ".lock") and now - left.stat().st_mtime > _STALE_LOCK_S:
                if left.is_dir():
                    shutil.rmtree(left, ignore_errors=True)
                else:
                    left.unlink(missing_ok=True)
    except OSError:
        return


def start_build() -> subprocess.Popen[bytes] | None:
    """Start :func:`build` in a background process of its own; None if it cannot start."""
    from lixia_econ._proc import python_process

    try:
        return python_process(
            "from lixia_econ._vlfont import build; build()",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives a kernel that ends meanwhile
        )
    except OSError:
        return None


class Fonts:
    """Draw chart SVGs with vl-convert, measuring text with the TrueType copy when it can.

    Parameters
    ----------
    build : bool
        Start building the copy in the background when it is not there yet.
    """

    def __init__(self, *, build: bool = True) -> None:
        self._folder: Path | None = None
        self._registered = False
        self._builder: Any = None
        try:
            self._folder = folder()
        except Exception:  # no fontTools, no fc-match: charts are drawn as before
            self._folder = None
        if self._folder is not None and not self._register() and build:
            self._builder = start_build()

    def _register(self) -> bool:
        """Register the copy with vl-convert once it is there; say whether it is.

        Also reaps the build process once it has ended (else it stays a zombie as long as
        this process lives: a JupyterLab kernel's chart worker lives for hours).
        """
        if self._builder is not None and self._builder.poll() is not None:
            self._builder = None
        if not self._registered and self._folder is not None and (self._folder / "done").exists():
            import vl_convert

            try:
                vl_convert.register_font_directory(str(self._folder))
            except Exception:
                self._folder = None
                return False
            self._registered = True
        return self._registered

    @property
    def fast(self) -> bool:
        """True when charts are measured with the copy."""
        return self._register()

    def svg(self, spec_json: str) -> str:
        """Return the SVG of a Vega-Lite spec given as JSON text (errors are vl-convert's)."""
        import vl_convert

        spec = json.loads(spec_json)
        if SYSTEM in spec_json and FAMILY not in spec_json and self._register():
            # every character the spec holds (JSON text may escape them) in the copy
            if set(json.dumps(spec, ensure_ascii=False)) <= chars():
                swapped = json.loads(spec_json.replace(SYSTEM, FAMILY))
                return vl_convert.vegalite_to_svg(swapped).replace(FAMILY, SYSTEM)
        return vl_convert.vegalite_to_svg(spec)
