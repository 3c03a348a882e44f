"""Sphinx configuration of the sklstm documentation.

Build from the repository root (warnings are errors, as in CI)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API reference is generated from the ``__all__`` lists and the user guide's
contents from the Markdown pages here (see ``sphinxext/sklstm_docs.py``); the
gallery (``auto_examples/``) runs every script in ``examples/``.
``SKLSTM_DOCS_QUICK=1`` runs the grid-search example with its ``--quick`` grid,
as CI does; without it the full grid takes a minute or two.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # document the checkout, not an older install
sys.path.insert(0, str(DOCS / "sphinxext"))

import sklstm  # noqa: E402

project = "sklstm"
author = "the sklstm developers"
copyright = "the sklstm developers"
release = version = sklstm.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "sklstm_docs",  # docs/sphinxext: API page, guide contents, gallery arguments
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb"]
templates_path = ["_templates"]
html_theme = "alabaster"
html_theme_options = {"description": "LSTM time-series regression as scikit-learn estimators"}

# API pages: one per public name, written by autosummary into generated/.
autosummary_generate = True
autodoc_typehints = "none"
# The class template lists the methods itself; numpydoc's extra member table
# would point at pages that do not exist.
numpydoc_show_class_members = False
# Fail the build on an undocumented public name or a docstring section that
# does not match the signature.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "RT01"}
numpydoc_validation_exclude = {
    r"\.__init__$",
    # Methods inherited from scikit-learn, documented there.
    r"\.(get_params|set_params|fit_transform|set_output|get_metadata_routing|score)$",
    r"\.set_\w+_request$",
}

myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"\.py$",  # run every example, not only plot_*.py
    "reset_argv": "sklstm_docs.example_argv",
    "doc_module": ("sklstm",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
}


