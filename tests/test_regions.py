"""The region catalogue: GB/T 2260 with history, one resolver, user-registered units."""

from __future__ import annotations

import pytest

from lixia_econ import regions as R
from lixia_econ.errors import DataFormatError, ParameterError


@pytest.fixture
def clean_registry():
    R.clear_registered()
    yield
    R.clear_registered()


# Expected codes from the Ministry of Civil Affairs' list (GB/T 2260, catalogue/gbt2260.csv):
# 370102 历下区, 370103 济南市市中区, 370112 历城区, 370114 章丘区; Laiwu (371200) became
# 莱芜区 370116 and 钢城区 370117 of Jinan in January 2019.
NAMES = [
    ("370102", "370102"),
    ("３７０１０２", "370102"),
    ("历下区", "370102"),
    ("历下", "370102"),
    ("Lixia", "370102"),
    ("Lixia District", "370102"),
    ("lixia_district", "370102"),
    ("LIXIA-district", "370102"),
    ("济南市历下区", "370102"),
    ("济南市市中区", "370103"),
    ("济南 市中区", "370103"),
    ("历城区", "370112"),
    ("章丘", "370114"),
    ("莱芜", "370116"),  # the current district wins over the abolished city
    ("莱芜区", "370116"),
    ("莱芜市", "371200"),  # abolished: the latest of the cities once so named
    ("钢城区", "370117"),
    ("山东省", "370000"),
    ("Shandong", "370000"),
    ("全国", "000000"),
    ("China", "000000"),
    ("北京市", "110000"),
]


@pytest.mark.parametrize(("name", "code"), NAMES)
def test_names_resolve_to_their_code(name, code):
    assert R.resolve_region(name) == code
    assert R.lookup_region(name) == code


def test_a_shared_name_is_refused_with_the_candidates():
    with pytest.raises(ParameterError, match="names 4 regions") as err:
        R.resolve_region("市中区")
    assert "'370103' (市中区, Shizhong District, 济南市" in str(err.value)
    assert "'370402'" in str(err.value)
    assert "济南市市中区" in str(err.value)  # says how to name one
    assert R.lookup_region("市中区") is None


def test_an_unknown_name_suggests_the_nearest():
    with pytest.raises(ParameterError, match=r"not in the region catalogue.*Did you mean '370102'"):
        R.resolve_region("Lixa")


def test_history_keeps_abolished_divisions():
    laiwu = [r for r in R.region_history() if r.code == "371200"]
    assert [(r.name_zh, r.valid_to) for r in laiwu] == [("莱芜市", 2018)]
    assert R.regions()["370116"].valid_from == 2019
    assert R.regions()["370116"].current
    assert not R.regions()["371200"].current


def test_curated_names_overlay_the_list():
    lixia = R.regions()["370102"]
    assert (lixia.name_zh, lixia.name_en) == ("历下区", "Lixia District")
    assert "Lixia" in lixia.aliases
    assert R.region_label("370100", lang="en") == "Jinan"
    assert R.region_label("莱芜区") == "莱芜区"
    assert R.region_label("not a region") == "not a region"


def _write(path, rows, header="code,name_zh,name_en,level,parent,kind,aliases"):
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_registered_units_resolve_by_name(tmp_path, clean_registry):
    # Test fixture: codes of this test's choosing for two functional zones of Jinan.
    f = _write(
        tmp_path / "regions.csv",
        [
            "370190,济南高新区,Jinan Hi-tech Zone,zone,370100,functional zone,高新区|Jinan Hi-tech",
            "370191,济南起步区,Jinan Start-up Area,zone,370100,functional zone,",
        ],
    )
    got = R.register_regions(f)
    assert [r.code for r in got] == ["370190", "370191"]
    assert R.resolve_region("济南高新区") == "370190"
    assert R.resolve_region("Jinan Hi-tech") == "370190"
    assert R.resolve_region("高新区") == "370190"  # the user's alias shadows nothing official
    assert R.regions()["370191"].kind == "functional zone"
    assert R.register_regions(f)  # registering the same file again is harmless


def test_two_registrations_of_one_code_name_both_files(tmp_path, clean_registry):
    a = _write(tmp_path / "regions.csv", ["370190,济南高新区,Jinan Hi-tech Zone,zone,370100,,"])
    b = _write(tmp_path / "more.regions.csv", ["370190,另一个区,Another,zone,370100,,"])
    with pytest.raises(DataFormatError) as err:
        R.register_regions([a, b])
    message = str(err.value)
    assert "registered twice" in message
    assert "regions.csv" in message
    assert "more.regions.csv" in message
    assert "370190" not in R.regions()  # nothing half-registered


def test_a_code_of_the_official_list_cannot_be_registered(tmp_path, clean_registry):
    f = _write(tmp_path / "regions.csv", ["370102,我的区,Mine,county,370100,,"])
    with pytest.raises(DataFormatError, match="370102 is 历下区 in the package catalogue"):
        R.register_regions(f)


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("37019,短,Short,zone,370100,,", "code", "six digits"),
        ("370190,区,Zone,zone,999999,,", "parent", "not a known region"),
        ("370190,区,Zone,zone,370100,planet,", "kind", "kind must be one of"),
    ],
)
def test_bad_registry_rows_name_file_row_and_value(tmp_path, clean_registry, row, column, fragment):
    f = _write(tmp_path / "regions.csv", [row])
    with pytest.raises(DataFormatError, match=fragment) as err:
        R.register_regions(f)
    assert err.value.row == 2
    assert err.value.column == column
    assert "regions.csv" in str(err.value)


def test_a_registry_without_the_columns_is_refused(tmp_path, clean_registry):
    f = _write(tmp_path / "regions.csv", ["370190,区"], header="code,name")
    with pytest.raises(DataFormatError, match="lacks column"):
        R.register_regions(f)
