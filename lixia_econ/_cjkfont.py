"""A TrueType subset of Noto Sans CJK for the printed PDF, so the PDF names its CJK font.

Chromium's PDF backend (Skia) embeds fonts with CFF outlines -- the Noto Sans CJK ``.ttc``
files every Linux distribution ships -- as anonymous Type 3 fonts: the text is embedded and
searchable, but ``pdffonts`` lists no CJK font by name and some print shops' preflight
rejects Type 3. A font with TrueType (``glyf``) outlines is embedded as a named CID TrueType
subset (``AAAAAA+NotoSansCJKsc-Regular``). With ``fontTools`` installed (``pip install
'lixia_econ[pdf]'``), :func:`font_face_css` makes such a font from the installed Noto Sans
CJK SC under the family name the report's CSS asks for. Where the machine has the TrueType
copy of :mod:`lixia_econ._vlfont` (built once, for the charts: GB 2312's characters) and
it has every character of the page, the page is given that copy, under Noto's own names
(:func:`_named_copy`, made once from it): Chromium embeds only the glyphs printed, so
nothing is cut per page. Otherwise a subset is cut for the page's characters, CFF curves
converted to quadratic ones, and given to the page as ``@font-face`` data URIs (kept in
the cache for the next page with those characters). Without ``fontTools`` it returns
``None`` and the PDF keeps Chromium's Type 3 fonts.
"""

from __future__ import annotations

import base64
import glob
import hashlib
import io
import os
import shutil
import subprocess
import threading
from functools import cache
from pathlib import Path
from typing import Any

from lixia_econ._memo import store

__all__ = ["FAMILY", "font_face_css", "subsetting_available"]

#: The family the report's CSS (and the chart theme) names first.
FAMILY = "Noto Sans CJK SC"
_FILES = {400: "NotoSansCJK-Regular.ttc", 700: "NotoSansCJK-Bold.ttc"}
#: OpenType features kept (GPOS): kerning, and the half-width punctuation Chromium's
#: ``text-spacing-trim`` asks for. Substitutions (GSUB: vertical forms, alternates) are not.
_FEATURES = ("kern", "halt", "chws", "palt")
_DROPPED = ("GSUB", "BASE", "vhea", "vmtx", "VORG")
#: What the subset is made with (part of the cache key: a change makes new subsets).
_OPTIONS = (_FEATURES, _DROPPED, "glyf-v1")
#: Subsets kept in the cache folder (about 100-250 KB each).
_CACHE_KEEP = 64
_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def subsetting_available() -> bool:
    """Return True when ``fontTools`` is importable (named CJK fonts in the PDF)."""
    try:
        import fontTools.subset  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _font_file(weight: int) -> str | None:
    """Return the Noto Sans CJK collection of a weight: fontconfig's answer, else a search."""
    fc = shutil.which("fc-match")
    if fc:
        style = "Bold" if weight >= 700 else "Regular"
        done = subprocess.run(
            [fc, "-f", "%{file}", f"{FAMILY}:style={style}"], capture_output=True, text=True
        )
        if done.returncode == 0 and done.stdout.endswith(_FILES[weight]):
            return done.stdout
    for folder in _DIRS:
        found = glob.glob(f"{folder}/**/{_FILES[weight]}", recursive=True)
        if found:
            return sorted(found)[0]
    return None


def _to_glyf(font: Any) -> None:
    """Replace a font's CFF outlines by TrueType ones (cubic curves to quadratic)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion, maxp.numGlyphs = 0x00010000, len(order)
    for attr in (
        "maxTwilightPoints maxStorage maxFunctionDefs maxInstructionDefs "
        "maxStackElements maxSizeOfInstructions maxComponentElements"
    ).split():
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].indexToLocFormat, font["head"].glyphDataFormat = 0, 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def _subset(path: str, text: str) -> bytes:
    """Return the SC face of a Noto CJK collection, cut to ``text``, as a TrueType font."""
    from fontTools.subset import Subsetter

    font = _sc_face(path)
    options = _options()
    options.desubroutinize = True
    options.drop_tables += list(_DROPPED)
    subsetter = Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    _to_glyf(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _options() -> Any:
    """Return the subsetter's options every cut shares: all names, features of _FEATURES."""
    from fontTools.subset import Options

    options = Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    # Horizontal text needs only kerning and CJK punctuation spacing (GPOS). Keeping every
    # feature ("*") pulled vertical forms and alternates into the subset (1,151 glyphs
    # for 454 characters of the Lixia briefing instead of 456) and tripled the time.
    options.layout_features = list(_FEATURES)
    return options


def _sc_face(path: str) -> Any:
    """Return the SC face of a Noto CJK collection (fontTools, tables read when used)."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    return next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)


def _copy_folder(chars: str) -> Path | None:
    """Return the folder of :mod:`lixia_econ._vlfont`'s TrueType copy if it has ``chars``."""
    from lixia_econ import _vlfont

    try:
        folder = _vlfont.folder()
    except Exception:
        return None
    if folder is None or not (folder / "done").exists() or not set(chars) <= _vlfont.chars():
        return None
    return folder


def _copy_covers(chars: str) -> bool:
    """Whether the TrueType copy of :mod:`lixia_econ._vlfont` is there and has ``chars``."""
    return _copy_folder(chars) is not None


def _copy_of(path: str, chars: str) -> tuple[int, Path] | None:
    """Return the weight of ``path`` and :mod:`lixia_econ._vlfont`'s copy of it, or None.

    None when the copy is not there or lacks a character of ``chars``.
    """
    weight = next((w for w, name in _FILES.items() if path.endswith(name)), None)
    folder = None if weight is None else _copy_folder(chars)
    return None if folder is None else (weight, folder / f"lixia-cjk-{weight}.ttf")


def _noto_names(font: Any, path: str) -> None:
    """Give ``font`` (the copy, or a cut of it) the names of the SC face of ``path`` back."""
    from lixia_econ import _vlfont

    names = _sc_face(path)["name"]
    for record in font["name"].names:
        if record.nameID in _vlfont.RENAMED:
            was = names.getName(record.nameID, record.platformID, record.platEncID, record.langID)
            if was is not None:
                record.string = was.toUnicode()


def _subset_of_copy(path: str, chars: str) -> bytes | None:
    """Return :func:`_subset` cut from the TrueType copy of :mod:`lixia_econ._vlfont`.

    The copy's outlines are this module's conversion of the same collection, so only the
    cut is left to do: 0.05-0.1 s a weight instead of 0.4 s. The names the copy was given are
    set back to the collection's, so the PDF names Noto Sans CJK SC either way. None when
    the copy is not there or was not made for every character (the caller cuts the
    collection).
    """
    from fontTools.subset import Subsetter
    from fontTools.ttLib import TTFont

    found = _copy_of(path, chars)
    if found is None:
        return None
    font = TTFont(found[1], lazy=True, recalcBBoxes=False)  # the glyphs' boxes are the copy's
    subsetter = Subsetter(_options())
    subsetter.populate(text=chars)
    # The copy's names are the collection's, already cut as the subsetter cuts them; taken
    # out so that it does not walk every table for the name ids in use (0.1 s a weight).
    kept = font["name"]
    del font["name"]
    subsetter.subset(font)  # a character the collection lacks, the copy lacks too
    font["name"] = kept
    _noto_names(font, path)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _named_copy(path: str, chars: str) -> Path | None:
    """Return :mod:`lixia_econ._vlfont`'s copy of the weight of ``path``, with Noto's names.

    The copy has the same outlines, metrics and kerning as a subset cut from the collection
    (``tests/test_vlfont.py``), under a family name of its own for vl-convert; this file is
    the copy with the names of the collection's SC face put back, so that the PDF names
    Noto Sans CJK SC. Made once next to the copy (a few hundredths of a second: the other
    tables are copied as they are). A briefing's PDF step took 0.51 s with it, against
    0.46 s with a subset found in the cache and 0.69 s with one cut first (medians of 8
    briefings each, 2026-12-02): a little slower to load, and never a subset to cut. None
    when the copy is not there or lacks a character of ``chars``, or the file cannot be
    written.
    """
    from fontTools.ttLib import TTFont

    found = _copy_of(path, chars)
    if found is None:
        return None
    weight, copy = found
    named = copy.with_name(f"noto-cjk-sc-{weight}.ttf")
    if named.exists():
        return named
    tmp = named.with_name(f"{named.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        font = TTFont(copy, lazy=True, recalcBBoxes=False)
        _noto_names(font, path)
        font.save(tmp)
        os.replace(tmp, named)
    except Exception:  # unwritable, or a copy fontTools cannot read: a subset is cut instead
        tmp.unlink(missing_ok=True)
        return None
    return named


def _cache_file(path: str, chars: str) -> Any:
    """Return where the subset of ``path`` for ``chars`` is kept (see :func:`_cached_subset`)."""
    import fontTools

    from lixia_econ import config

    stat = os.stat(path)
    key = "|".join(
        (path, str(stat.st_size), str(stat.st_mtime_ns), fontTools.version, repr(_OPTIONS), chars)
    )
    return config.CACHE_DIR / "cjk-subsets" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.ttf"


def _cached_subset(path: str, chars: str) -> bytes:
    """Return :func:`_subset`, kept on disk per font file, fontTools version and characters.

    A report printed again (new data, the same words) finds its fonts in
    ``<cache>/cjk-subsets/`` instead of spending a second or two per weight in fontTools.
    The cache is an optimisation only: unreadable or unwritable, the font is made again.
    At most :data:`_CACHE_KEEP` subsets are kept, the least recently written removed.
    """
    cached = _cache_file(path, chars)
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _subset_of_copy(path, chars) or _subset(path, chars)
    store(cached, data, keep=_CACHE_KEEP)
    return data


#: What a helper process runs: one weight's subset made into the cache (characters on stdin).
_HELPER_CODE = (
    "import sys\n"
    "from lixia_econ._cjkfont import _cached_subset\n"
    "_cached_subset(sys.argv[1], sys.stdin.read())\n"
)


def _start_helper(path: str, chars: str) -> subprocess.Popen[str] | None:
    """Start making one weight's subset in another process (it writes it to the cache).

    fontTools is pure Python: the two weights, a second or so each, are made side by side
    only in two processes. None if the helper cannot start (the caller makes it itself).
    """
    from lixia_econ import config
    from lixia_econ._proc import python_process

    try:
        helper = python_process(
            _HELPER_CODE,
            path,
            env={"LIXIA_ECON_CACHE": str(config.CACHE_DIR)},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        helper.stdin.write(chars)
        helper.stdin.close()
    except OSError:
        return None
    return helper


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def warm() -> None:
    """Import fontTools' subsetter and find the fonts: what a first print pays (0.25 s).

    A report runner calls this in a background thread while its kernel runs.
    """
    if subsetting_available():
        for weight in _FILES:
            _font_file(weight)


def font_face_css(text: str) -> str | None:
    """Return ``@font-face`` rules giving the page a TrueType Noto Sans CJK SC subset.

    Parameters
    ----------
    text : str
        Every character the page may draw (its HTML source will do).

    Returns
    -------
    str or None
        CSS with the regular and bold faces: ``file:`` URLs of the TrueType copy under
        Noto's names where it has every character of ``text`` (:func:`_named_copy`), else
        data URIs of subsets cut for ``text``; ``None`` when ``fontTools`` or the Noto Sans
        CJK fonts are not installed (Chromium then embeds Type 3 fonts). With two cores or
        more, a weight not in the cache is cut by a helper process while this one cuts the
        other.
    """
    if not subsetting_available():
        return None
    chars = "".join(sorted({ch for ch in set(text) if ch.isprintable()} | {" "}))
    paths = {weight: _font_file(weight) for weight in _FILES}
    paths = {weight: path for weight, path in paths.items() if path is not None}
    named = {weight: _named_copy(path, chars) for weight, path in paths.items()}
    if paths and all(named.values()):
        return "\n".join(
            f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
            f'src: url("{file.as_uri()}") format("truetype"); }}'  # type: ignore[union-attr]
            for weight, file in named.items()
        )
    missing = [w for w, path in paths.items() if not _cache_file(path, chars).exists()]
    helper, helped = None, None
    if len(missing) > 1 and _cores() > 1 and not _copy_covers(chars):
        helped = missing[-1]
        helper = _start_helper(paths[helped], chars)
    rules = []
    for weight, path in paths.items():
        if helper is not None and weight == helped:
            try:
                helper.wait(timeout=300)
            except subprocess.TimeoutExpired:
                helper.kill()
                helper.wait()
        data = base64.b64encode(_cached_subset(path, chars)).decode("ascii")  # made if missing
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
            f'src: url(data:font/ttf;base64,{data}) format("truetype"); }}'
        )
    return "\n".join(rules) or None
