"""The public API: small, sorted, lazily loaded, every name real."""

from __future__ import annotations

import subprocess
import sys

import pytest

import lixia_econ
import lixia_econ.models


@pytest.mark.parametrize("module", [lixia_econ, lixia_econ.models])
def test_all_is_sorted_and_every_name_resolves(module):
    assert list(module.__all__) == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_errors_form_one_hierarchy():
    for name in lixia_econ.__all__:
        obj = getattr(lixia_econ, name)
        if isinstance(obj, type) and issubclass(obj, Warning):
            assert issubclass(obj, lixia_econ.LixiaEconWarning), name
        elif isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, lixia_econ.LixiaEconError), name


def test_import_is_light():
    heavy = ("statsmodels", "altair", "papermill", "scipy")
    code = f"import sys, lixia_econ; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lixia_econ.nope  # noqa: B018
