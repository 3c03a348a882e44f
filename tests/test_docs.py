"""Every public name has a docstring example, so the doctests cover the API."""

import doctest
import importlib
import pkgutil

import pytest

import sklstm


def _public_names():
    modules = [sklstm] + [
        importlib.import_module(info.name)
        for info in pkgutil.iter_modules(sklstm.__path__, "sklstm.")
        if not info.name.rsplit(".", 1)[1].startswith("_")
    ]
    return [(m.__name__, name) for m in modules for name in m.__all__]


@pytest.mark.parametrize("module, name", _public_names())
def test_public_name_has_a_doctest_example(module, name):
    obj = getattr(importlib.import_module(module), name)
    tests = doctest.DocTestFinder(recurse=False).find(obj, name)
    assert tests and tests[0].examples, f"{module}.{name} has no '>>>' example"
