"""Run every docstring example of the package (numpydoc Examples sections)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import lixia_econ

MODULES = sorted(m.name for m in pkgutil.walk_packages(lixia_econ.__path__, prefix="lixia_econ."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"
