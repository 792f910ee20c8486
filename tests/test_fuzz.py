"""Fuzz read_table with seeded random mutations of every shipped raw file (issue 13).

Each mutation (bytes flipped, lines dropped, duplicated or swapped, a cell changed to
random text or a number, truncation at a random byte, re-encoding UTF-8 <-> GB18030 or
UTF-16) is read with the file's manifest options. Allowed outcomes:

- ``identical``: the same observations as the unmutated file;
- ``refused``: a :class:`LixiaEconError` whose message names the file;
- ``changed``: other observations, but every observation read from a line the mutation
  did not touch is still there (a mutation of a title or header line may change any
  row, as long as the outcome is a table or a named error).

Never a raw exception, never a silent drop of an untouched row. ``LIXIA_FUZZ_N`` sets
the number of mutations (default 300), ``LIXIA_FUZZ_SEED`` the seed (default 13).
The mutated files are test fixtures written to ``tmp_path``; ``data/raw`` is only read.
"""

from __future__ import annotations

import os
import random
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from lixia_econ.config import MANIFEST_NAME, RAW_DIR
from lixia_econ.errors import LixiaEconError
from lixia_econ.io import read_table

N = int(os.environ.get("LIXIA_FUZZ_N", "300"))
SEED = int(os.environ.get("LIXIA_FUZZ_SEED", "13"))
MANIFEST = tomllib.loads((RAW_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))["file"]
#: What identifies an observation and its value (notes and price basis may follow a
#: footnote elsewhere in the file).
_FIELDS = ["region", "indicator", "freq", "period", "measure", "value"]
_ALL = frozenset({-1})  # every line: an encoding change touches none, a header change all

Mutation = tuple[bytes, frozenset[int]]

pytestmark = pytest.mark.usefixtures("shipped_units")  # the shipped files name them


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _flip(data: bytes, rng: random.Random) -> Mutation:
    out = bytearray(data)
    i = rng.randrange(len(out))
    out[i] = rng.choice([rng.randrange(256), *b',"\t\n;-.'])
    return bytes(out), frozenset({data[:i].count(b"\n") + 1})


def _drop(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join(lines[:i] + lines[i + 1 :]), frozenset({i + 1})


def _duplicate(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    line = lines[i] if lines[i].endswith(b"\n") else lines[i] + b"\n"
    return b"".join([*lines[:i], line, *lines[i:]]), frozenset({i + 1})


def _swap(data: bytes, rng: random.Random) -> Mutation:
    lines = [ln if ln.endswith(b"\n") else ln + b"\n" for ln in _lines(data)]
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines), frozenset({i + 1, j + 1})


def _cell(data: bytes, rng: random.Random) -> Mutation:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    cells = lines[i].split(b",")
    k = rng.randrange(len(cells))
    new = rng.choice(
        [
            str(rng.uniform(-1e6, 1e6)),
            str(rng.randint(-5, 3000)),
            "".join(rng.choice("abc中文年月季度注：-—,\"' ") for _ in range(rng.randint(0, 8))),
            "1e400",
            "",
        ]
    )
    end = b"\n" if cells[k].endswith(b"\n") else b""
    cells[k] = new.encode("utf-8") + end
    lines[i] = b",".join(cells)
    return b"".join(lines), frozenset({i + 1})


def _truncate(data: bytes, rng: random.Random) -> Mutation:
    i = rng.randrange(1, len(data))
    first = data[:i].count(b"\n") + 1
    return data[:i], frozenset(range(first, data.count(b"\n") + 2))


def _reencode(data: bytes, rng: random.Random) -> Mutation:
    text = data.decode("utf-8-sig") if data[:3] == b"\xef\xbb\xbf" else data.decode("utf-8")
    enc = rng.choice(["gb18030", "utf-16", "utf-8-sig"])
    return text.encode(enc), frozenset()


MUTATIONS: dict[str, Callable[[bytes, random.Random], Mutation]] = {
    "flip": _flip,
    "drop": _drop,
    "duplicate": _duplicate,
    "swap": _swap,
    "cell": _cell,
    "truncate": _truncate,
    "reencode": _reencode,
}


def _rows(df) -> Counter:
    return Counter(tuple(r) for r in df[_FIELDS].itertuples(index=False))


def _check(entry, original, data: bytes, touched: frozenset[int], path: Path) -> str:
    """Read a mutated file; return its outcome, or raise AssertionError naming the fault."""
    try:
        df = read_table(path, layout=entry.get("layout"), **entry.get("options", {}))
    except LixiaEconError as exc:
        message = str(exc)
        df = None
    if df is None:
        assert path.name in message, f"error does not name the file: {message}"
        return "refused"
    got, want = _rows(df), _rows(original)
    if got == want:
        return "identical"
    first_data = min(original.attrs["source_rows"])
    if any(t < first_data for t in touched):
        return "changed"  # a title or header line: any row may change
    lost = [
        (row, line)
        for row, line in zip(
            original[_FIELDS].itertuples(index=False), original.attrs["source_rows"], strict=True
        )
        if line not in touched and tuple(row) not in got
    ]
    assert not lost, f"untouched rows silently lost (touched lines {sorted(touched)}): {lost[:3]}"
    return "changed"


def test_fuzz_shipped_raw_files(tmp_path):
    rng = random.Random(SEED)
    originals = {}
    for e in MANIFEST:
        originals[e["path"]] = read_table(RAW_DIR / e["path"], **e.get("options", {}))
    counts: Counter = Counter()
    failures = []
    for n in range(N):
        entry = MANIFEST[n % len(MANIFEST)]
        data = (RAW_DIR / entry["path"]).read_bytes()
        kind = rng.choice(sorted(MUTATIONS))
        mutated, touched = MUTATIONS[kind](data, rng)
        path = tmp_path / f"m{n}_{Path(entry['path']).name}"
        path.write_bytes(mutated)
        try:
            counts[_check(entry, originals[entry["path"]], mutated, touched, path)] += 1
        except Exception as exc:  # every fault is collected, then reported
            failures.append(f"#{n} {kind} of {entry['path']}: {type(exc).__name__}: {exc}")
        path.unlink()
    print(f"fuzz: {N} mutations, seed {SEED}: {dict(counts)}")
    assert not failures, f"{len(failures)} of {N} mutations:\n" + "\n".join(failures[:20])
