"""The on-disk result cache (:mod:`lixia_econ._memo`): one computation, however many callers.

The first reports of a batch's workers, started together, all ask for the same national
appendix: the later callers wait for the first instead of computing it again. These tests
use a cache folder of their own and a toy computation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from lixia_econ import _memo, config


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    return tmp_path


def _busy_files(cache):
    return list((cache / "memo").rglob("*.busy"))


def test_a_result_being_computed_by_another_process_is_waited_for(cache):
    # another process computes the result slowly (0.8 s) and says when it has started
    started = cache / "started"
    code = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from lixia_econ import _memo, config
        config.CACHE_DIR = Path({str(cache)!r})
        def slow():
            Path({str(started)!r}).touch()
            time.sleep(0.8)
            return {{"from": "the other process"}}
        _memo.memo("toy", b"key", slow)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    other = subprocess.Popen([sys.executable, "-c", code], env=env)
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert other.poll() is None, "the other process ended before computing"
            assert time.monotonic() < deadline, "the other process never started computing"
            time.sleep(0.01)
        assert _busy_files(cache)  # it holds the result's busy file
        calls = []
        got = _memo.memo("toy", b"key", lambda: calls.append(1) or {"from": "here"})
    finally:
        assert other.wait(timeout=30) == 0
    assert got == {"from": "the other process"}
    assert calls == []  # not computed twice
    assert _busy_files(cache) == []


def test_threads_asking_at_once_compute_once(cache):
    calls, results = [], []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return [1, 2, 3]

    threads = [
        threading.Thread(target=lambda: results.append(_memo.memo("toy", b"k", slow)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert results == [[1, 2, 3]] * 3


def _busy_path(cache, key):
    """Where memo keeps the busy file of ``key`` (its result's path with .busy)."""
    calls = []
    _memo.memo("probe", key, lambda: calls.append(1) or 0)  # makes the folder and the result
    (result,) = (cache / "memo" / "probe").glob("*.pkl")
    result.unlink()
    return result.with_suffix(".busy")


def test_a_busy_file_left_by_a_dead_process_does_not_block(cache):
    busy = _busy_path(cache, b"k")
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    busy.write_text(done.stdout.strip())  # a process that has ended
    t = time.monotonic()
    assert _memo.memo("probe", b"k", lambda: "fresh") == "fresh"
    assert time.monotonic() - t < 2
    assert not busy.exists()


def test_an_empty_busy_file_is_taken_as_abandoned_after_a_second(cache):
    busy = _busy_path(cache, b"k")
    busy.write_text("")  # a process died between creating it and writing its id
    old = time.time() - 5
    os.utime(busy, (old, old))
    t = time.monotonic()
    assert _memo.memo("probe", b"k", lambda: "fresh") == "fresh"
    assert time.monotonic() - t < 2


def test_a_failed_computation_frees_the_result_for_the_next_caller(cache):
    def broken():
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError, match="no data"):
        _memo.memo("toy", b"k", broken)
    assert _busy_files(cache) == []
    t = time.monotonic()
    assert _memo.memo("toy", b"k", lambda: 7) == 7
    assert time.monotonic() - t < 2
