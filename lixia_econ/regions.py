"""Regions: the GB/T 2260 divisions with their history, and the units a user registers.

Three sources make the region catalogue, in this order of precedence for names:

1. ``catalogue/regions.csv`` — the regions this project reports on, with their curated
   English names and aliases (``Lixia``, ``Jinan``);
2. ``catalogue/gbt2260.csv`` — every province-, prefecture- and county-level division of
   GB/T 2260 from 1980 to the newest edition, with ``valid_from``/``valid_to`` years
   (see ``catalogue/GBT2260.md`` for the source and how English names were made);
3. files a user registers (:func:`register_regions`): statistical units that are not
   administrative divisions (济南高新区, a functional zone) or a region the list lacks.
   The build reads ``data/raw/regions.csv`` (and ``*.regions.csv``) and copies them next
   to the panel, and :func:`lixia_econ.load_panel` registers them again, so a report
   kernel knows them too. No file inside the package is edited.

A name resolves by code, full or short Chinese name (历下区, 历下), English name
(``Lixia District``, ``lixia_district``), with full-width characters, or with its
prefecture in front (济南市市中区). A name several divisions share (市中区) is refused with
the candidates and how to tell them apart; a currently valid division wins over one that
no longer exists (莱芜 is 莱芜区 370116, not 莱芜市 371200, abolished in 2019).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from lixia_econ._checks import check_choice
from lixia_econ.config import CATALOGUE_DIR
from lixia_econ.errors import DataFormatError, ParameterError

__all__ = [
    "REGISTRY_COLUMNS",
    "Region",
    "display_name",
    "lookup_region",
    "normalise_name",
    "region_candidates",
    "region_history",
    "region_label",
    "regions",
    "register_regions",
    "registered_regions",
    "resolve_region",
]

Lang = Literal["zh", "en"]

#: Columns of a user's region file (``aliases`` and ``kind`` may be left out).
REGISTRY_COLUMNS = ("code", "name_zh", "name_en", "level", "parent", "kind", "aliases")

#: Kinds of region: an administrative division of GB/T 2260, or a statistical unit that
#: is not one (a development or functional zone) registered by the user.
KINDS = ("division", "functional zone", "other")

_GBT_FILE = CATALOGUE_DIR / "gbt2260.csv"
_CURATED_FILE = CATALOGUE_DIR / "regions.csv"


@dataclass(frozen=True)
class Region:
    """A region: a GB/T 2260 division, or a unit the user registered.

    ``valid_from``/``valid_to`` are the first and last edition years of GB/T 2260 that list
    the code (``valid_to`` None: still listed); ``source`` is the file the entry came from.
    """

    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str
    aliases: tuple[str, ...] = ()
    valid_from: int | None = None
    valid_to: int | None = None
    kind: str = "division"
    source: str = ""

    @property
    def current(self) -> bool:
        """Whether the newest edition still lists the region."""
        return self.valid_to is None


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------

_SQUASH = re.compile(r"[\s_\-·.'’]+")
_PARENS = re.compile(r"\s*\(([^()]*)\)\s*")
#: Suffixes that a short Chinese name drops (历下区 -> 历下); longest first.
_ZH_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "林区",
    "特区",
    "地区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)
_EN_SUFFIXES = re.compile(
    r"\s+(?:district|county|city|prefecture|league|banner|province|municipality|"
    r"autonomous (?:region|prefecture|county|banner))$",
    re.IGNORECASE,
)


def normalise_name(text: object) -> str:
    """Return the key a region or indicator name is looked up by.

    Full-width characters become half-width (NFKC: ``ＧＤＰ`` → ``gdp``), case is folded,
    and white space, underscores, hyphens, dots and apostrophes are dropped, so
    ``"lixia_district"``, ``"Lixia District"`` and ``"LIXIA-district"`` are one key.

    Examples
    --------
    >>> normalise_name("Lixia_District"), normalise_name("ＧＤＰ")
    ('lixiadistrict', 'gdp')
    """
    return _SQUASH.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


def name_candidates(name: object) -> list[str]:
    """Keys to try for a name: itself, without a bracketed part, each bracketed part."""
    text = unicodedata.normalize("NFKC", str(name)).strip()
    out = [text, _PARENS.sub(" ", text).strip()]
    out += [m.strip() for m in re.findall(r"\(([^()]*)\)", text)]
    return list(dict.fromkeys(normalise_name(c) for c in out if c.strip()))


@lru_cache(maxsize=16384)
def _short_zh(name: str) -> str | None:
    if not name.endswith(_ZH_SUFFIXES):
        return None
    for suffix in _ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _names_of(reg: Region, parent: Region | None, *, aliases: bool = True) -> list[str]:
    """Every name a region is known by: code, names (and aliases), short names, parent + name."""
    names = [reg.code, reg.name_zh, reg.name_en, *(reg.aliases if aliases else ())]
    short = _short_zh(reg.name_zh)
    if short:
        names.append(short)
    en_short = _EN_SUFFIXES.sub("", reg.name_en)
    if en_short != reg.name_en:
        names.append(en_short)
    if parent is not None and parent.code != "000000":
        for pname in {parent.name_zh, _short_zh(parent.name_zh) or parent.name_zh}:
            names.append(pname + reg.name_zh)
        names.append(f"{parent.name_en} {reg.name_en}")
    return names


# --------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _year(text: str | None) -> int | None:
    return int(text) if text else None


@lru_cache(maxsize=1)
def region_history() -> tuple[Region, ...]:
    """Return every GB/T 2260 entry of every edition, renamed and abolished ones included.

    Returns
    -------
    tuple of Region
        One entry per code and spell of validity (a code renamed in 2020 has two).
    """
    return tuple(
        Region(
            row["code"],
            row["name_zh"],
            row["name_en"],
            row["level"],
            row["parent"],
            (),
            _year(row["valid_from"]),
            _year(row["valid_to"]),
            "division",
            _GBT_FILE.name,
        )
        for row in _read_csv(_GBT_FILE)
    )


@lru_cache(maxsize=1)
def _package_regions() -> dict[str, Region]:
    """GB/T 2260 (latest entry of each code), overlaid with the curated catalogue."""
    out: dict[str, Region] = {}
    for reg in region_history():
        old = out.get(reg.code)
        if old is None or (old.valid_from or 0) <= (reg.valid_from or 0):
            # an earlier name of a renamed code stays findable as an alias
            aliases = (old.name_zh,) if old is not None and old.name_zh != reg.name_zh else ()
            out[reg.code] = replace(reg, aliases=aliases)
    for row in _read_csv(_CURATED_FILE):
        base = out.get(row["code"])
        aliases = tuple(a for a in row["aliases"].split("|") if a)
        fields = dict(name_zh=row["name_zh"], name_en=row["name_en"], source=_CURATED_FILE.name)
        if base is None:
            out[row["code"]] = Region(row["code"], level=row["level"], parent=row["parent"],
                                      aliases=aliases, **fields)  # fmt: skip
        else:
            out[row["code"]] = replace(base, aliases=(*aliases, *base.aliases), **fields)
    return out


_REGISTERED: dict[str, Region] = {}


def regions() -> dict[str, Region]:
    """Return the region catalogue, keyed by code: GB/T 2260 and registered units.

    Returns
    -------
    dict of str to Region
        Codes are strings (``"370102"``), never integers. A renamed code appears once,
        with its newest name; :func:`region_history` has every spell.
    """
    return _merged(_registry_version[0])


#: The registered regions as one value (a frozenset): the key of every cached table, so that
#: the tables are rebuilt when the registered regions change, and found again when the same
#: ones come back (a warm report kernel forgets them between reports; the next report
#: registers the same file again).
_registry_version: list[frozenset[Region]] = [frozenset()]


def _registry_changed() -> None:
    _registry_version[0] = frozenset(_REGISTERED.values())


@lru_cache(maxsize=4)
def _merged(_version: frozenset[Region]) -> dict[str, Region]:
    return {**_package_regions(), **_REGISTERED}


def registered_regions() -> dict[str, Region]:
    """Return the regions registered by :func:`register_regions`, keyed by code."""
    return dict(_REGISTERED)


def _registry_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        rows = _read_csv(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataFormatError(f"cannot read the region file: {exc}", path=path) from None
    missing = [
        c for c in ("code", "name_zh", "name_en", "level", "parent") if rows and c not in rows[0]
    ]
    if missing:
        raise DataFormatError(
            f"region file lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(REGISTRY_COLUMNS)}",
            path=path,
        )
    return [(i + 2, row) for i, row in enumerate(rows)]


def _registry_entry(path: Path, line: int, row: dict[str, str]) -> Region:
    code = (row.get("code") or "").strip()
    if not re.fullmatch(r"\d{6}", code):
        raise DataFormatError(
            "a region code is six digits", path=path, row=line, column="code", value=code
        )
    kind = (row.get("kind") or "").strip() or "other"
    if kind not in KINDS:
        raise DataFormatError(
            f"kind must be one of {', '.join(KINDS)}",
            path=path,
            row=line,
            column="kind",
            value=kind,
        )
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    return Region(code, row["name_zh"].strip(), row["name_en"].strip(), row["level"].strip(),
                  row["parent"].strip(), aliases, kind=kind, source=str(path))  # fmt: skip


def register_regions(paths: Path | str | Iterable[Path | str]) -> list[Region]:
    """Register the regions of one or more region files (UTF-8 CSV).

    Columns: ``code`` (six digits of the user's choosing for a unit GB/T 2260 lacks),
    ``name_zh``, ``name_en``, ``level``, ``parent`` (a known code), and optionally ``kind``
    (``functional zone``, ``division`` or ``other``) and ``aliases`` (``|``-separated).
    Registering the same file again is harmless.

    Returns
    -------
    list of Region
        The regions registered.

    Raises
    ------
    DataFormatError
        A code given twice (the message names both files and rows), a code the package
        catalogue already has, a parent nobody knows, or a malformed row.
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    new: dict[str, tuple[Region, int]] = {}
    for path in map(Path, paths):
        for line, row in _registry_rows(path):
            reg = _registry_entry(path, line, row)
            if reg.code in new:
                first, first_line = new[reg.code]
                raise DataFormatError(
                    f"region {reg.code} is registered twice: here and in {first.source} "
                    f"row {first_line}",
                    path=path, row=line, column="code", value=reg.code,
                )  # fmt: skip
            old = _REGISTERED.get(reg.code)
            if old is not None and replace(old, source="") != replace(reg, source=""):
                raise DataFormatError(
                    f"region {reg.code} is registered twice: here and in {old.source}",
                    path=path, row=line, column="code", value=reg.code,
                )  # fmt: skip
            pkg = _package_regions().get(reg.code)
            if pkg is not None:
                raise DataFormatError(
                    f"region {reg.code} is {pkg.name_zh} in the package catalogue "
                    f"({pkg.source}); register a unit under a code GB/T 2260 does not use",
                    path=path, row=line, column="code", value=reg.code,
                )  # fmt: skip
            new[reg.code] = (reg, line)
    for reg, line in new.values():
        known = reg.parent in new or reg.parent in _REGISTERED or reg.parent in _package_regions()
        if reg.parent and not known:
            raise DataFormatError(
                "parent is not a known region code", path=reg.source, row=line,
                column="parent", value=reg.parent,
            )  # fmt: skip
    # the same file registered again (every report loading the panel does) changes nothing
    changed = [reg for reg, _ in new.values() if reg.code not in _REGISTERED]
    for reg in changed:
        _REGISTERED[reg.code] = reg
    if changed:
        _registry_changed()
    return [reg for reg, _ in new.values()]


def clear_registered() -> None:
    """Forget every registered region (tests, or a session switching projects)."""
    _REGISTERED.clear()
    _registry_changed()


# --------------------------------------------------------------------------------------
# Resolving
# --------------------------------------------------------------------------------------


#: Tiers of a name, best first: a curated or registered region's own names; names of
#: divisions the newest edition lists; names of abolished divisions and former names.
_OWN, _CURRENT, _FORMER = 0, 1, 2


@lru_cache(maxsize=4)
def _table(_version: frozenset[Region]) -> dict[str, tuple[str, ...]]:
    """Normalised name -> the codes of its best tier (see ``_OWN``, ``_CURRENT``, ``_FORMER``)."""
    catalogue = regions()
    best: dict[str, tuple[int, list[str]]] = {}

    def add(name: str, tier: int, code: str) -> None:
        key = normalise_name(name)
        old = best.get(key)
        if old is None or tier < old[0]:
            best[key] = (tier, [code])
        elif tier == old[0] and code not in old[1]:
            old[1].append(code)

    for code, reg in catalogue.items():
        if reg.source != _GBT_FILE.name:
            for name in (reg.code, reg.name_zh, reg.name_en, *reg.aliases):
                add(name, _OWN, code)
        tier = _CURRENT if reg.current else _FORMER
        for name in _names_of(reg, catalogue.get(reg.parent), aliases=False):
            add(name, tier, code)
        for name in reg.aliases:
            add(name, _FORMER, code)
    return {key: _latest_first(codes, catalogue) for key, (_, codes) in best.items()}


def _latest_first(codes: list[str], catalogue: dict[str, Region]) -> tuple[str, ...]:
    """Among abolished divisions, one listed until a later edition than all others wins."""
    if len(codes) > 1 and not any(catalogue[c].current for c in codes):
        ends = sorted(((catalogue[c].valid_to or 0), c) for c in codes)
        if ends[-1][0] > ends[-2][0]:
            return (ends[-1][1],)
    return tuple(codes)


def _under(reg: Region, ancestor: str, catalogue: dict[str, Region]) -> bool:
    """Whether ``ancestor`` is the region itself or above it in the parent chain."""
    seen: set[str] = set()
    code: str | None = reg.code
    while code and code not in seen:
        if code == ancestor:
            return True
        seen.add(code)
        parent = catalogue.get(code)
        code = parent.parent if parent is not None else None
    return False


def region_candidates(name: object, *, within: str | None = None) -> list[Region]:
    """Return every region a name may mean (empty if none); the best-matching tier only.

    A name with a bracketed part (``Licheng District (历城区)``) means a region every
    part names: the candidates of its parts are intersected. ``within`` (a code)
    keeps, of several candidates, those inside that region.

    Examples
    --------
    >>> [r.code for r in region_candidates("莱芜")]
    ['370116']
    >>> [r.code for r in region_candidates("Licheng District (历城区)")]
    ['370112']
    >>> [r.code for r in region_candidates("市中区", within="370100")]
    ['370103']
    """
    table = _table(_registry_version[0])
    catalogue = regions()
    found: list[str] = []
    for key in name_candidates(name):
        codes = table.get(key)
        if not codes:
            continue
        if not found:
            found = list(codes)
        elif len(found) > 1 and (both := [c for c in found if c in codes]):
            found = both
    if within is not None and len(found) > 1:
        inside = [c for c in found if _under(catalogue[c], within, catalogue)]
        found = inside or found
    return [catalogue[c] for c in found]


def _is_digit_key(key: str) -> bool:
    return key.isascii() and key.isdigit()


@lru_cache(maxsize=4)
def _digit_names(_version: frozenset[Region]) -> frozenset[str]:
    """Digit-only keys that a region's name or alias (not its own code) normalises to.

    Only curated and registered units are looked at: no name or alias of a GB/T 2260
    entry is digits (tests/test_regions.py checks the shipped list), so only these could
    make a code name another region (a unit registered with another code as its alias).
    """
    catalogue = regions()
    out = set()
    for code, reg in catalogue.items():
        if reg.source == _GBT_FILE.name:
            continue
        names = [reg.code, reg.name_zh, reg.name_en, *reg.aliases]
        names += _names_of(reg, catalogue.get(reg.parent))
        keys = {normalise_name(n) for n in names if n != code or not _is_digit_key(n)}
        out |= {k for k in keys if _is_digit_key(k)}
    return frozenset(out)


def _own_code(name: str) -> bool:
    """Whether ``name`` is a region's code that names no other region: it resolves to itself.

    Such a name's key in the resolver's table (:func:`_table`, built on first use, a tenth
    of a second) holds that region alone, so a report that names regions by code never
    needs the table.
    """
    return (
        _is_digit_key(name) and name in regions() and name not in _digit_names(_registry_version[0])
    )


@lru_cache(maxsize=131072)
def _lookup_cached(name: str, within: str | None, version: frozenset[Region]) -> str | None:
    found = region_candidates(name, within=within)
    return found[0].code if len(found) == 1 else None


def lookup_region(name: object, *, within: str | None = None) -> str | None:
    """Return the code of a region named by code or name, or None (unknown or ambiguous).

    ``within`` (a code) settles a name several regions share in favour of the one
    inside that region (``"市中区"`` within Jinan, ``"370100"``, is 370103).

    Examples
    --------
    >>> lookup_region("历下"), lookup_region("lixia_district"), lookup_region("Atlantis")
    ('370102', '370102', None)
    """
    text = str(name)
    if _own_code(text):
        return text
    return _lookup_cached(text, within, _registry_version[0])


def _describe(reg: Region) -> str:
    parent = regions().get(reg.parent)
    within = f", {parent.name_zh}" if parent is not None and parent.code != "000000" else ""
    until = f", until {reg.valid_to}" if reg.valid_to else ""
    return f"{reg.code!r} ({reg.name_zh}, {reg.name_en}{within}{until})"


def resolve_region(name: object, *, within: str | None = None) -> str:
    """Return the code of a region named by code, Chinese or English name, short or full.

    ``within`` (a region code) settles a name several regions share in favour of the one
    inside that region (see :func:`lookup_region`).

    Raises
    ------
    ParameterError
        The name is unknown (the message suggests the nearest entries), or several regions
        share it (the message lists them and how to name one: with its prefecture in
        front, or by code).

    Examples
    --------
    >>> resolve_region("历下区"), resolve_region("Lixia"), resolve_region("３７０１０２")
    ('370102', '370102', '370102')
    >>> resolve_region("济南市市中区")
    '370103'
    """
    code = lookup_region(name, within=within)
    if code is not None:
        return code
    found = region_candidates(name, within=within)
    if found:
        listed = "; ".join(_describe(r) for r in found[:8])
        raise ParameterError(
            f"{str(name)!r} names {len(found)} regions: {listed}. Give the code, or put the "
            "prefecture in front (济南市市中区)"
        )
    table = _table(_registry_version[0])
    close = difflib.get_close_matches(normalise_name(name), list(table), n=4, cutoff=0.6)
    codes = list(dict.fromkeys(c for k in close for c in table[k]))[:5]
    hint = ", ".join(_describe(regions()[c]) for c in codes)
    hint = f" Did you mean {hint}?" if hint else ""
    raise ParameterError(
        f"{str(name)!r} is not in the region catalogue (GB/T 2260 and registered units).{hint} "
        "A unit that is not an administrative division is registered in data/raw/regions.csv"
    )


def region_label(region: object, *, lang: Lang = "zh") -> str:
    """Return a region's display name; a name not in the catalogue comes back unchanged.

    Examples
    --------
    >>> region_label("370102"), region_label("Jinan", lang="en")
    ('历下区', 'Jinan')
    """
    check_choice("lang", lang, ("zh", "en"))
    code = lookup_region(region)
    return str(region) if code is None else display_name(regions()[code], lang)


def display_name(entry: Region | object, lang: Lang) -> str:
    """Return a catalogue entry's Chinese (``zh``) or English (``en``) name."""
    return entry.name_zh if lang == "zh" else entry.name_en  # type: ignore[attr-defined]
