"""The vectorised long reader (issue 13, fault 13) against the row-by-row semantics.

The input is :mod:`tests._long_mixed` (a made-up fixture mixing region spellings,
units, period labels, number formats, notes, trust and pages, repeats and missing
markers). ``fixtures/long_mixed/expected.csv`` is what the row-by-row reader returned
for it before the reader was vectorised; the three ways a long text file is split into
cells (Arrow for unquoted text, pandas' C parser, the csv module row by row) must give
that table, and errors must still name the file, row and value.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lixia_econ.config import RAW_DIR
from lixia_econ.errors import DataFormatError, PeriodError
from lixia_econ.io import long as long_layout
from lixia_econ.io import read_table
from lixia_econ.regions import clear_registered, register_regions
from tests._long_mixed import frame_text, write_mixed

EXPECTED = Path(__file__).parent / "fixtures" / "long_mixed" / "expected.csv"


@pytest.fixture(autouse=True)
def _zones():
    register_regions(RAW_DIR / "regions.csv")  # 济南高新区 is a registered unit
    yield
    clear_registered()


def _read(path: Path) -> str:
    return frame_text(read_table(path, layout="long", source="mixed.csv"))


def _without_caveats(text: str) -> str:
    head, rest = text.split("\n", 1)
    return head.split(", 'caveats'")[0] + ", 'caveats': []}\n" + rest


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_mixed_input_reads_as_the_row_by_row_reader_did(tmp_path, line_end):
    got = _read(write_mixed(tmp_path / "mixed.csv", line_end=line_end))
    assert got == EXPECTED.read_text(encoding="utf-8")


def test_mixed_input_read_row_by_row_is_the_same(tmp_path):
    # a footnote line sends the file through csv_grid, row by row
    got = _read(write_mixed(tmp_path / "mixed.csv", footnote=True))
    assert "注：示例脚注" in got.split("\n", 1)[0]
    assert _without_caveats(got) == EXPECTED.read_text(encoding="utf-8")


def _unquoted(tmp_path: Path, extra: str = "") -> Path:
    path = write_mixed(tmp_path / "mixed.csv")
    text = path.read_text(encoding="utf-8").replace('"12,345.6"', "12345.6")
    # cells padded with spaces str.strip() removes, ideographic space included
    text = text.replace(",初步核算,", ",\u3000初步核算\t,").replace(",亿元,", ", 亿元\u2003,")
    path.write_text(text + extra, encoding="utf-8")
    return path


def test_the_three_cell_splitters_agree(tmp_path, monkeypatch):
    path = _unquoted(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert long_layout._unquoted_columns(text, ",") is not None  # Arrow reads it
    arrow = _read(path)
    monkeypatch.setattr(long_layout, "_unquoted_columns", lambda *_: None)
    pandas_c = _read(path)
    monkeypatch.undo()
    path.write_text(text + "注：示例脚注\n", encoding="utf-8")
    by_row = _without_caveats(_read(path))
    assert arrow == pandas_c == by_row
    assert "初步核算" in arrow
    assert " 初步核算" not in arrow


def _big(tmp_path: Path, bad: dict[int, str]) -> Path:
    """3,000 unquoted rows; ``bad`` replaces the line at a line number."""
    lines = ["region,indicator,period,value,unit"]
    lines += [
        f"370102,社会消费品零售总额,{2000 + i // 12}年{i % 12 + 1}月,{i}.5,亿元"
        for i in range(3000)
    ]
    for line, text in bad.items():
        lines[line - 1] = text
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_errors_name_the_first_bad_row(tmp_path):
    path = _big(
        tmp_path,
        {
            2500: "370102,社会消费品零售总额,2208年4月,abc,亿元",
            2800: "370102,GDP,2212年13月,1,亿元",
        },
    )
    with pytest.raises(DataFormatError, match=r"big\.csv.*row 2500") as info:
        read_table(path, layout="long")
    assert info.value.value == "abc"
    path = _big(
        tmp_path, {2800: "370102,GDP,2212年13月,1,亿元", 2900: "Atlantis,GDP,2020年,1,亿元"}
    )
    with pytest.raises(PeriodError, match=r"big\.csv.*row 2800"):
        read_table(path, layout="long")
    path = _big(tmp_path, {2900: "Atlantis,GDP,2020年,1,亿元"})
    with pytest.raises(DataFormatError, match=r"row 2900.*unknown region") as info:
        read_table(path, layout="long")
    assert info.value.value == "Atlantis"
