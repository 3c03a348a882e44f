"""Every public name has a docstring example, so the doctests cover the API;
the pages and examples a reader sees are readable and self-contained."""

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

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


# --- The pages and examples a reader sees ------------------------------------

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    ROOT / "docs" / "index.rst",
    *sorted((ROOT / "docs").glob("*.md")),
]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# Code wider than this scrolls sideways in the documentation's code blocks.
MAX_CODE_WIDTH = 88


def _ids(paths):
    return [path.name for path in paths]


def _code_lines(page):
    """Lines of the Python code blocks of a Markdown or reST page."""
    text = page.read_text()
    if page.suffix == ".md":
        blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
        return [line for block in blocks for line in block.splitlines()]
    lines, in_block = [], False
    for line in text.splitlines():
        if line.startswith(".. code-block::"):
            in_block = True
        elif in_block and line and not line.startswith(" "):
            in_block = False
        elif in_block:
            lines.append(line)
    return lines


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_code_in_the_docs_fits_the_page(page):
    wide = [line for line in _code_lines(page) if len(line) > MAX_CODE_WIDTH]
    assert wide == []


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_example_code_fits_the_gallery_page(example):
    lines = example.read_text().splitlines()
    assert [line for line in lines if len(line) > MAX_CODE_WIDTH] == []


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_docs_cite_nothing_a_reader_cannot_see(page):
    text = page.read_text()
    # "issue 3", "the target", "the issue tracker": not the reader's.
    assert re.findall(r"(?i).{0,30}\bissue(?:s|'s)?\b.{0,30}", text) == []


@pytest.mark.parametrize("example", EXAMPLES, ids=_ids(EXAMPLES))
def test_every_example_draws_a_figure_for_the_gallery(example):
    # sphinx-gallery shows the figures a script leaves open.
    assert "plt.subplots(" in example.read_text()
