"""The region registry as the build and readers use it: shipped units, bracketed names."""

from __future__ import annotations

from pathlib import Path

import pytest

from lixia_econ import regions
from lixia_econ.config import RAW_DIR
from lixia_econ.errors import DataFormatError, ParameterError

HEADER = "code,name_zh,name_en,level,parent,kind,aliases\n"
EXAMPLE = "379901,示例区,Example District,county,370100,other,\n"


@pytest.fixture(autouse=True)
def _clean_registry():
    regions.clear_registered()
    yield
    regions.clear_registered()


def _write(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("济南高新区", "370190"),
        ("Jinan Hi-tech Zone (济南高新区)", "370190"),
        ("Jinan Starting Area (济南起步区)", "370191"),
        ("济南起步区", "370191"),
        ("Jinan Start-up Area", "370191"),
    ],
)
def test_shipped_functional_zones_resolve(name, code):
    registered = regions.register_regions(RAW_DIR / "regions.csv")
    assert {r.code for r in registered} == {"370190", "370191"}
    assert {r.kind for r in registered} == {"functional zone"}
    assert regions.resolve_region(name) == code


def test_shipped_codes_are_not_gbt2260_codes():
    used = {r.code for r in regions.region_history()}
    assert not {"370190", "370191"} & used


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Licheng District (历城区)", "370112"),  # three Licheng Districts, one 历城区
        ("Laiwu District (莱芜区)", "370116"),
        ("Gangcheng District (钢城区)", "370117"),
        ("Zhangqiu District (章丘区)", "370114"),
        ("章丘区", "370114"),
        ("莱芜区", "370116"),
        ("钢城区", "370117"),
    ],
)
def test_bracketed_names_mean_what_both_parts_name(name, code):
    assert regions.resolve_region(name) == code


def test_within_settles_a_shared_name():
    with pytest.raises(ParameterError, match=r"names .* regions"):
        regions.resolve_region("Shizhong District (市中区)")
    assert regions.resolve_region("Shizhong District (市中区)", within="370100") == "370103"
    assert regions.resolve_region("市中区", within="370100") == "370103"
    # within does not change a name that is already unique
    assert regions.resolve_region("历下区", within="370200") == "370102"


def test_the_same_unit_from_two_copies_is_one_registration(tmp_path):
    a = _write(tmp_path / "a.csv", EXAMPLE)
    b = _write(tmp_path / "b.csv", EXAMPLE)
    regions.register_regions(a)
    regions.register_regions(b)  # the copy the build writes next to the panel
    assert regions.resolve_region("示例区") == "379901"


def test_a_code_registered_twice_in_one_call_names_both_files(tmp_path):
    a = _write(tmp_path / "regions.csv", EXAMPLE)
    b = _write(tmp_path / "more.regions.csv", "379901,另一区,Another District,county,370100,,\n")
    with pytest.raises(DataFormatError, match=r"registered twice") as info:
        regions.register_regions([a, b])
    assert str(a) in str(info.value)
    assert "more.regions.csv" in str(info.value)
    assert info.value.row == 2
    assert info.value.value == "379901"
    assert "379901" not in regions.registered_regions()


def test_a_different_unit_under_a_registered_code_is_refused(tmp_path):
    regions.register_regions(_write(tmp_path / "a.csv", EXAMPLE))
    other = _write(tmp_path / "b.csv", "379901,另一区,Another District,county,370100,,\n")
    with pytest.raises(DataFormatError, match="registered twice"):
        regions.register_regions(other)


def test_unknown_region_names_the_nearest_entries():
    with pytest.raises(ParameterError, match=r"not in the region catalogue.*Did you mean.*370112"):
        regions.resolve_region("历成区")


# --------------------------------------------------------------------------- codes by code


def _own_names(reg, catalogue):
    """Every name the resolver knows a region by, except its own code."""
    names = {reg.name_zh, reg.name_en, *reg.aliases}
    names |= set(regions._names_of(reg, catalogue.get(reg.parent)))
    return names - {reg.code}


def test_no_name_of_the_official_list_is_digits():
    # what lets a GB/T code resolve to itself without the name table (regions._own_code)
    catalogue = regions.regions()
    for reg in catalogue.values():
        if reg.source == regions._GBT_FILE.name:
            keys = {regions.normalise_name(n) for n in _own_names(reg, catalogue)}
            assert not [k for k in keys if k.isascii() and k.isdigit()], reg


def _by_table(code):
    return regions._lookup_cached(code, None, regions._registry_version[0])


def test_every_code_resolves_as_through_the_name_table():
    regions.register_regions(RAW_DIR / "regions.csv")
    codes = list(regions.regions())
    assert all(regions._own_code(c) for c in codes)
    assert [regions.lookup_region(c) for c in codes] == [_by_table(c) for c in codes]


def test_a_code_a_registered_unit_is_named_by_goes_through_the_name_table(tmp_path):
    unit = "379901,示例区,Example District,county,370100,other,370102\n"  # alias: Lixia's code
    regions.register_regions(_write(tmp_path / "u.csv", unit))
    assert not regions._own_code("370102")
    assert regions.lookup_region("370102") == _by_table("370102") != "370102"  # two names it
    assert regions._own_code("370103")
