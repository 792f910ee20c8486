"""The README's Python tour runs as written, and its set-up commands are the Makefile's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_screen_gives_the_two_setup_commands():
    first_screen = "\n".join(README.splitlines()[:15])
    assert "make report" in first_screen
    assert "make test" in first_screen
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^report:", makefile, re.M)
    recipe = re.search(r"^test:.*\n\t(.*)$", makefile, re.M)
    assert recipe is not None
    # the whole suite (workers are allowed; no marker, keyword or path selection)
    argv = recipe.group(1).split()
    assert argv[:3] == ["$(BIN)/python", "-m", "pytest"]
    pytest_args = argv[3:]
    assert not {"-m", "-k"} & set(pytest_args)
    assert not any(a.startswith("tests") for a in pytest_args)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_tour_runs():
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block is not None
    code = block.group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    result = namespace["result"]
    assert result.metrics["trough_period"].strftime("%YQ%q") == "2020Q1"
    assert namespace["gdp"].attrs["unit"] == "亿元"
    assert namespace["le"].required_growth(6.0, 3.0, 0.5) == pytest.approx(9.0)
