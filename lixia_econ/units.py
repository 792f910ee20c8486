"""Unit words, their multipliers, and numbers as statistical releases print them.

Every unit belongs to a quantity *family* and has a multiplier to the family's
canonical unit (the unit of the tidy table):

==================  ==============  ==========================================================
family              canonical       units read (multiplier to canonical)
==================  ==============  ==========================================================
money               ``亿元``        亿元, 100 million yuan (1); 万亿元, trillion yuan (10000);
                                    billion yuan (10); 百万元, million yuan (0.01); 万元,
                                    10000 yuan (0.0001); 千元 (1e-5); 元, yuan (1e-8)
percent             ``percent``     %, ％, percent, 百分比 (1)
percentage_point    ``percentage_point``  个百分点, 百分点, percentage point(s), pp (1)
index               ``index``       index, 指数, preceding year=100, 上年=100,
                                    上年同期=100, 2019=100 ... (1); the base is a note
people              ``万人``        万人, 10000 persons (1); 人, persons (0.0001)
count               ``个``          个, 家, 户, units (1); 万个, 万户 (10000)
==================  ==============  ==========================================================

Money per head (per-capita revenue, disposable income) is printed in 元 and is kept in
元 by asking for it: ``convert(x, "元", to_unit="元")``; by default money converts to
亿元.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import pandas as pd

from lixia_econ.errors import DataFormatError, UnitError

__all__ = [
    "MISSING_MARKERS",
    "Unit",
    "convert",
    "decimal_factor",
    "known_units",
    "parse_number",
    "parse_numbers",
    "parse_unit",
    "unit_from_label",
]

Family = Literal["money", "percent", "percentage_point", "index", "people", "count"]

CANONICAL: dict[str, str] = {
    "money": "亿元",
    "percent": "percent",
    "percentage_point": "percentage_point",
    "index": "index",
    "people": "万人",
    "count": "个",
}


@dataclass(frozen=True)
class Unit:
    """A unit as printed, resolved to its family's canonical unit.

    Attributes
    ----------
    text : str
        The unit as given (stripped).
    canonical : str
        The canonical unit of the family (``亿元``, ``percent``, ``index`` ...).
    multiplier : float
        Value in ``canonical`` = value in ``text`` * ``multiplier``.
    family : str
        ``money``, ``percent``, ``percentage_point``, ``index``, ``people`` or ``count``.
    """

    text: str
    canonical: str
    multiplier: float
    family: Family


# (family, multiplier, spellings)
_TABLE: list[tuple[Family, float, tuple[str, ...]]] = [
    ("money", 1.0, ("亿元", "亿", "100 million yuan", "100 million yuan (亿元)", "100m yuan")),
    ("money", 1e4, ("万亿元", "万亿", "trillion yuan")),
    ("money", 10.0, ("billion yuan", "十亿元")),
    ("money", 0.01, ("百万元", "million yuan")),
    ("money", 1e-4, ("万元", "10000 yuan", "10,000 yuan", "ten thousand yuan")),
    ("money", 1e-5, ("千元", "1000 yuan", "thousand yuan")),
    ("money", 1e-8, ("元", "yuan", "rmb", "cny", "元/人", "yuan per person", "yuan per capita")),
    ("percent", 1.0, ("%", "percent", "per cent", "百分比", "pct")),
    (
        "percentage_point",
        1.0,
        ("个百分点", "百分点", "percentage point", "percentage points", "pp", "ppt"),
    ),
    ("index", 1.0, ("index", "指数", "points")),
    ("people", 1.0, ("万人", "10000 persons", "10000 people", "ten thousand persons")),
    ("people", 1e-4, ("人", "persons", "people", "person")),
    ("count", 1.0, ("个", "家", "户", "项", "units", "count")),
    ("count", 1e4, ("万个", "万户", "万家")),
]

# index bases, compared without spaces: "preceding year=100", "上年=100", "2019=100"
_INDEX_BASE = re.compile(
    r"^(precedingyear|sameperiod(of)?(the)?(last|previous|preceding)year|上年|上年同期|"
    r"去年同期|上月|\d{4}年?)=100$"
)


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


_LOOKUP: dict[str, tuple[Family, float]] = {
    _key(s): (fam, mult) for fam, mult, spellings in _TABLE for s in spellings
}


def known_units() -> list[str]:
    """Return the unit spellings :func:`parse_unit` reads (index bases not listed).

    Returns
    -------
    list of str
    """
    return [s for _, _, spellings in _TABLE for s in spellings] + ["<base>=100"]


def parse_unit(text: str | Unit) -> Unit:
    """Resolve a unit as printed to its family, canonical unit and multiplier.

    Parameters
    ----------
    text : str or Unit
        ``亿元``, ``billion yuan``, ``100 million yuan (亿元)``, ``%``, ``个百分点``,
        ``preceding year=100`` ...; full-width characters, case, spaces and outer
        brackets (``（亿元）``) do not matter. A :class:`Unit` is returned unchanged.

    Returns
    -------
    Unit

    Raises
    ------
    UnitError
        For an empty or unknown unit; the message names it and lists the known units.

    Examples
    --------
    >>> parse_unit("billion yuan")
    Unit(text='billion yuan', canonical='亿元', multiplier=10.0, family='money')
    >>> parse_unit("％").canonical
    'percent'
    """
    if isinstance(text, Unit):
        return text
    if not isinstance(text, str):
        raise UnitError(f"a unit must be text, got {type(text).__name__}", value=text)
    return _parse_unit_text(text)


@lru_cache(maxsize=4096)
def _parse_unit_text(text: str) -> Unit:
    """Return :func:`parse_unit` of a text (cached: a file repeats a few units per row)."""
    shown = text.strip()
    key = _key(shown)
    while len(key) > 2 and key[0] == "(" and key[-1] == ")":
        key = key[1:-1]
    key = re.sub(r"^(单位|unit)[:：]", "", key)
    hit = _LOOKUP.get(key)
    if hit is not None:
        fam, mult = hit
        return Unit(shown, CANONICAL[fam], mult, fam)
    if _INDEX_BASE.match(key):
        return Unit(shown, "index", 1.0, "index")
    if not key:
        raise UnitError("empty unit; expected one of " + ", ".join(known_units()), value=text)
    raise UnitError("unknown unit; expected one of " + ", ".join(known_units()), value=text)


def convert(values: Any, from_unit: str | Unit, to_unit: str | Unit | None = None) -> Any:
    """Convert numbers from one unit to another of the same family.

    Parameters
    ----------
    values : float, numpy array or pandas Series
        The numbers, in ``from_unit``.
    from_unit : str or Unit
        The unit they are in.
    to_unit : str or Unit, optional
        The unit wanted; by default the family's canonical unit (money in 亿元). Ask for
        ``"元"`` to keep per-capita money in yuan.

    Returns
    -------
    same type as ``values``
        ``values`` times the ratio of the multipliers.

    Raises
    ------
    UnitError
        A unit is unknown, or the two units measure different things (亿元 to percent).

    Examples
    --------
    >>> convert(228.29, "billion yuan")
    2282.9
    >>> convert(2.5, "万元", to_unit="元")
    25000.0
    """
    src = parse_unit(from_unit)
    dst = parse_unit(src.canonical if to_unit is None else to_unit)
    if src.family != dst.family:
        raise UnitError(
            f"cannot convert {src.family} ({src.text}) to {dst.family} ({dst.text})",
            value=src.text,
        )
    if isinstance(values, (list, tuple)):
        values = np.asarray(values, dtype=float)
    factor = decimal_factor(src.multiplier, dst.multiplier)
    if isinstance(values, (int, float, np.integer, np.floating)) and not isinstance(values, bool):
        if values != values or factor == 1:
            return float(values)
        # scalars in decimal: 228.29 billion yuan is exactly 2282.9 亿元
        return float(Decimal(repr(float(values))) * factor)
    if factor < 1:
        return values / float(1 / factor)
    return values * float(factor)


def decimal_factor(src: float, dst: float) -> Decimal:
    """Return ``src / dst`` as a decimal, exact for the powers of ten of the unit table.

    Readers multiply printed figures by it in decimal arithmetic, so ``263.39`` billion
    yuan becomes ``2633.9`` 亿元 and not ``2633.8999999999996``.

    Parameters
    ----------
    src, dst : float
        Multipliers of two units (:attr:`Unit.multiplier`), e.g. ``1e9`` and ``1e8``.

    Returns
    -------
    decimal.Decimal
        An integer or the reciprocal of an integer when the ratio is a power of ten
        (or any whole number), else the ratio's shortest repr.

    Examples
    --------
    >>> decimal_factor(1e9, 1e8), decimal_factor(1e4, 1e8)
    (Decimal('10'), Decimal('0.0001'))
    """
    ratio = src / dst
    if ratio >= 1 and abs(ratio - round(ratio)) < 1e-9 * ratio:
        return Decimal(round(ratio))
    inv = 1.0 / ratio
    if abs(inv - round(inv)) < 1e-9 * inv:
        return Decimal(1) / Decimal(round(inv))
    return Decimal(repr(ratio))


# ---------------------------------------------------------------------------
# numbers

#: Cells that mean "no figure" (after full-width characters are folded to ASCII).
MISSING_MARKERS: frozenset[str] = frozenset(
    {"", "—", "——", "-", "--", "---", "…", "...", "……", "na", "n.a.", "n/a", "nan", "/", "null"}
)

_NUMBER = re.compile(r"^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$")
#: A number of ASCII digits as most cells print it (finite: at most 15 digits before the point).
_PLAIN = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]*)?")
_MINUS = str.maketrans({"−": "-", "‐": "-", "‑": "-", "﹣": "-"})


def parse_number(text: Any) -> float:
    """Read a number as printed in a statistical table.

    Parameters
    ----------
    text : str or number
        ``1,234.5``, ``１２３４．５``, ``－3.2``, ``+4``, `` 12 ``, ``1.2e3``; numbers are
        returned as float.

    Returns
    -------
    float
        The number, or NaN for a missing marker: ``—``, ``——``, ``-``, ``--``, ``…``,
        ``...``, ``''``, ``NA``, ``n.a.``, ``/`` (see :data:`MISSING_MARKERS`) and for
        ``None``/NaN.

    Raises
    ------
    DataFormatError
        For any other text (``12.3亿``, ``abc``, ``12%``); ``value`` is the text. Add
        the file, row and column with ``err.located(path=..., row=..., column=...)``.

    Examples
    --------
    >>> parse_number("１，２３４．５")
    1234.5
    >>> parse_number("—")
    nan
    """
    if text is None:
        return math.nan
    if isinstance(text, (bool, np.bool_)):
        raise DataFormatError("expected a number, got a boolean", value=text)
    if isinstance(text, (int, float, np.integer, np.floating)):
        return _finite(float(text), text)
    if not isinstance(text, str):
        raise DataFormatError(f"expected a number, got {type(text).__name__}", value=text)
    if _PLAIN.fullmatch(text):  # most cells: what follows would read them as float() does
        return float(text)
    s = unicodedata.normalize("NFKC", text).translate(_MINUS)
    s = re.sub(r"\s+", "", s).lower()
    if s in MISSING_MARKERS:
        return math.nan
    if _NUMBER.match(s):
        return _finite(float(s.replace(",", "")), text)
    raise DataFormatError(
        "not a number; expected digits such as '1,234.5' or a missing marker such as '—'",
        value=text,
    )


def _finite(v: float, text: Any) -> float:
    """Return ``v``; raise for infinity (``1e400``): no statistical table prints one."""
    if math.isinf(v):
        raise DataFormatError(
            "not a finite number (too large for a float); a statistical figure never is",
            value=text,
        )
    return v


def parse_numbers(values: pd.Series | Iterable[Any]) -> np.ndarray:
    """Vectorised :func:`parse_number`: each distinct cell is parsed once.

    Parameters
    ----------
    values : pandas.Series or sequence
        Cells as read (text or numbers).

    Returns
    -------
    numpy.ndarray of float64
        NaN where a cell is a missing marker.

    Raises
    ------
    DataFormatError
        For the first cell that is not a number; the message gives its position.
    """
    arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else None
    if arr is None:
        arr = np.asarray(list(values), dtype=object)
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    parsed = np.empty(len(uniques) + 1, dtype=float)
    parsed[-1] = math.nan  # code -1 (None/NaN) picks the last slot
    for i, cell in enumerate(uniques):
        try:
            parsed[i] = parse_number(cell)
        except DataFormatError as exc:
            pos = int(np.flatnonzero(codes == i)[0])
            raise DataFormatError(f"{exc.reason} (at position {pos})", value=cell) from None
    return parsed[codes]


# ---------------------------------------------------------------------------
# units inside indicator names

_BRACKETS = re.compile(r"[(（]([^()（）]*)[)）]")


def unit_from_label(label: str) -> tuple[str, str | None]:
    """Pull a bracketed unit out of an indicator name.

    Parameters
    ----------
    label : str
        ``社会消费品零售总额（亿元）``, ``GDP (100 million yuan)``, ``增长（%）``,
        ``国内生产总值指数(上年=100)当季值``, ``Value-added of Finance, Accumulated(100
        million yuan)``.

    Returns
    -------
    clean_label : str
        The name without the bracketed unit, spaces tidied.
    unit_text : str or None
        The unit as printed (without brackets), or None when no bracket holds a known
        unit (``GDP (地区生产总值)`` keeps its bracket).

    Notes
    -----
    The last bracket that holds a known unit is taken; ``单位：`` inside the bracket
    is dropped.

    Examples
    --------
    >>> unit_from_label("社会消费品零售总额（亿元）")
    ('社会消费品零售总额', '亿元')
    >>> unit_from_label("GDP (地区生产总值)")
    ('GDP (地区生产总值)', None)
    """
    matches = list(_BRACKETS.finditer(label))
    for m in reversed(matches):
        inner = m.group(1).strip()
        try:
            parse_unit(inner)
        except UnitError:
            continue
        inner = re.sub(r"^(单位|unit)\s*[:：]\s*", "", inner, flags=re.IGNORECASE)
        clean = label[: m.start()] + " " + label[m.end() :]
        clean = re.sub(r"\s+", " ", clean)
        clean = re.sub(r"\s+([,，])", r"\1", clean).strip()
        # Chinese names have no spaces where the bracket was
        clean = re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", clean)
        return clean, inner
    return label.strip(), None
