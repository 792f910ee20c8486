"""data/processed/ as one unit: checksums, the atomic switch, repair, modes, kills (issue 13)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lixia_econ import cli
from lixia_econ.build import build_panel
from lixia_econ.panel import load_panel
from lixia_econ.processed import (
    CURRENT,
    OUTPUT_NAMES,
    DamagedOutputError,
    current_version,
    links_ok,
    mismatched,
    read_log,
)

ROOT = Path(__file__).resolve().parents[1]


def _write_raw(raw: Path, value: float) -> None:
    # Hand-made test fixture in the long layout (detected automatically).
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "mine.csv").write_text(
        f"region,indicator,period,value,unit\n历下区,地区生产总值,2020,{value},亿元\n",
        encoding="utf-8",
    )


@pytest.fixture
def tiny(tmp_path) -> tuple[Path, Path]:
    """A one-value raw folder built once: (raw, processed)."""
    raw, out = tmp_path / "raw", tmp_path / "processed"
    _write_raw(raw, 1.5)
    assert build_panel(raw_dir=raw, processed_dir=out).ok
    return raw, out


def _build(raw: Path, out: Path, *extra: str) -> int:
    return cli.main(["build", "--raw", str(raw), "--processed", str(out), *extra])


# --------------------------------------------------------------------------- fault 1: repair


def test_build_log_records_the_sha256_of_each_output(tiny):
    _, out = tiny
    log = json.loads((out / "build_log.json").read_text(encoding="utf-8"))
    assert set(log["outputs"]) == {"panel.parquet", "panel.csv", "regions.csv"}
    for name, digest in log["outputs"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("how", ["garbage", "truncated", "replaced_by_a_file"])
def test_a_damaged_panel_is_reported_and_the_build_repairs_it(tiny, capsys, how):
    raw, out = tiny
    parquet = out / "panel.parquet"
    data = parquet.read_bytes()
    if how == "garbage":
        parquet.write_bytes(b"not a parquet file")
    elif how == "truncated":
        parquet.write_bytes(data[: len(data) // 2])
    else:  # the link replaced by a regular file holding other bytes
        parquet.unlink()
        parquet.write_bytes(b"PAR1 something else")
    if how != "replaced_by_a_file":
        with pytest.raises(DamagedOutputError, match=r"lixia-econ build --force"):
            load_panel(out, raw_dir=raw, rebuild=False)
    capsys.readouterr()
    assert _build(raw, out) == 0  # no --force: the checksums say it is damaged
    printed = capsys.readouterr().out
    assert "up to date" not in printed
    assert "rebuilding" in printed
    assert load_panel(out, raw_dir=raw, rebuild=False)["value"].tolist() == [1.5]
    assert parquet.read_bytes() == data


def test_build_force_rebuilds_and_an_intact_build_is_up_to_date(tiny, capsys):
    raw, out = tiny
    first = current_version(out)
    assert _build(raw, out) == 0
    assert "up to date" in capsys.readouterr().out
    assert current_version(out) == first
    assert _build(raw, out, "--force") == 0
    assert "up to date" not in capsys.readouterr().out
    assert current_version(out) != first
    assert load_panel(out, raw_dir=raw, rebuild=False)["value"].tolist() == [1.5]


def test_a_damaged_panel_stops_a_report_with_the_repair(tiny, tiny_template, tmp_path, capsys):
    _, out = tiny
    (out / "panel.parquet").write_bytes(b"junk")
    argv = ["report", "--template", str(tiny_template), "--data", str(out)]
    assert cli.main([*argv, "--output", str(tmp_path / "r")]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("lixia-econ report: ")
    assert "lixia-econ build --force" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


# --------------------------------------------------------------------------- fault 2: one switch


def test_the_outputs_are_one_version_folder_behind_one_link(tiny):
    _, out = tiny
    folder = current_version(out)
    assert folder.parent == out
    assert folder.name.startswith(".v-")
    assert os.readlink(out / CURRENT) == folder.name
    assert links_ok(out)
    for name in OUTPUT_NAMES:
        assert (out / name).resolve() == (folder / name).resolve()
    assert mismatched(folder) == []
    # users open the top-level names as before
    assert (out / "panel.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_new_build_switches_every_file_and_old_leftovers_are_cleaned(tiny):
    raw, out = tiny
    first = current_version(out)
    # what killed builds of the old and the new layout left behind
    (out / ".panel.parquet.abc123.tmp").write_bytes(b"half")
    (out / ".tmp-v-killed").mkdir()
    (out / ".tmp-v-killed" / "panel.parquet").write_bytes(b"half")
    (out / ".v-000000000000-unswitched").mkdir()
    os.utime(out / ".v-000000000000-unswitched", (1, 1))  # older than the current build
    _write_raw(raw, 2.5)
    assert build_panel(raw_dir=raw, processed_dir=out).ok
    second = current_version(out)
    assert second != first
    assert load_panel(out, raw_dir=raw, rebuild=False)["value"].tolist() == [2.5]
    assert read_log(second)["rows"] == 1
    left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    # the current version and the one before it (for readers that resolved it just now)
    assert left == sorted([first.name, second.name])


def test_a_panel_folder_of_an_older_build_is_read_and_replaced(tmp_path):
    from _report_fixtures import make_panel

    out = tmp_path / "processed"
    out.mkdir()
    make_panel(out)  # plain files, no version folder, no checksums
    assert len(load_panel(out, rebuild=False)) > 0
    raw = tmp_path / "raw"
    _write_raw(raw, 3.5)
    assert build_panel(raw_dir=raw, processed_dir=out).ok
    assert links_ok(out)
    assert load_panel(out, raw_dir=raw, rebuild=False)["value"].tolist() == [3.5]


def _subprocess_build(
    raw: Path, out: Path, *extra: str, delay: float | None = None
) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if delay is not None:  # stretch the write and switch steps so kills land in them
        env["LIXIA_ECON_TEST_WRITE_DELAY"] = str(delay)
    cmd = [sys.executable, "-m", "lixia_econ.cli", "build", "--raw", str(raw)]
    return subprocess.Popen(
        [*cmd, "--processed", str(out), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_concurrent_builds_into_one_folder_take_turns(tmp_path):
    raws = []
    for i in range(3):
        raw = tmp_path / f"raw{i}"
        _write_raw(raw, 10.0 + i)
        raws.append(raw)
    out = tmp_path / "processed"
    procs = [_subprocess_build(raw, out) for raw in raws]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    folder = current_version(out)
    assert mismatched(folder) == []
    assert load_panel(out, rebuild=False)["value"].tolist()[0] in {10.0, 11.0, 12.0}
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]


# --------------------------------------------------------------------------- fault 3: modes


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_follow_the_umask(tmp_path, umask, mode):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    _write_raw(raw, 1.5)
    old = os.umask(umask)
    try:
        assert build_panel(raw_dir=raw, processed_dir=out).ok
    finally:
        os.umask(old)
    for name in OUTPUT_NAMES:
        assert (out / name).stat().st_mode & 0o777 == mode, name
    assert current_version(out).stat().st_mode & 0o777 == 0o777 & ~umask


# --------------------------------------------------------------------------- kill -9


def _phase(out: Path, before: set[str], old: Path) -> str:
    """Say where a kill landed, from what the killed build left and whether it switched."""
    new = {p.name for p in out.iterdir()} - before
    if current_version(out) != old:
        return "after the switch"
    if any(n.startswith(".tmp-v-") for n in new):
        return "while writing the version folder"
    if any(n.startswith(".v-") for n in new):
        return "after renaming, before the switch"
    if any(n.startswith(".tmp-") for n in new):
        return "while replacing a link"
    return "before writing (reading raw files, or waiting)"


def _wait_until_writing(out: Path, before: set[str], proc: subprocess.Popen) -> None:
    while proc.poll() is None:
        if any(p.name.startswith(".tmp-v-") for p in out.iterdir() if p.name not in before):
            return
        time.sleep(0.01)


@pytest.mark.slow
def test_kill_9_at_random_points_never_leaves_a_mixed_folder(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "processed"
    values = {}
    _write_raw(raw, 0.0)
    assert build_panel(raw_dir=raw, processed_dir=out).ok
    values[read_log(current_version(out))["input_hash"]] = 0.0
    started = time.perf_counter()
    probe = _subprocess_build(raw, out, "--force", delay=0.0)
    assert probe.wait(timeout=120) == 0
    delay = 0.15  # each of the 8 write and switch steps
    duration = time.perf_counter() - started + 8 * delay
    rng = random.Random(13)
    phases: dict[str, int] = {}
    for i in range(1, 51):
        _write_raw(raw, float(i))
        before, old = {p.name for p in out.iterdir()}, current_version(out)
        proc = _subprocess_build(raw, out, delay=delay)
        if i % 2:  # anywhere from the start to the end of the build
            time.sleep(rng.uniform(0.0, 1.05 * duration))
        else:  # once it writes: in one of the write and switch steps
            _wait_until_writing(out, before, proc)
            time.sleep(rng.uniform(0.0, 8 * delay))
        proc.kill()
        proc.wait()
        phase = _phase(out, before, old)
        phases[phase] = phases.get(phase, 0) + 1
        folder = current_version(out)
        assert mismatched(folder) == [], f"kill {i}: {folder} does not match its checksums"
        assert links_ok(out)
        panel = load_panel(out, rebuild=False)
        log = read_log(folder)
        digest = log["input_hash"]
        expected = values.get(digest, float(i))  # the old set, or this build's new one
        assert panel["value"].tolist() == [expected], f"kill {i}: mixed set"
        values[digest] = expected
    # the next build cleans whatever the kills left and is complete
    assert build_panel(raw_dir=raw, processed_dir=out).ok
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]
    assert len([p for p in out.iterdir() if p.name.startswith(".v-")]) <= 2
    assert load_panel(out, rebuild=False)["value"].tolist() == [50.0]
    print(f"kill -9 phases over 50 builds of {duration:.1f}s: {phases}")
