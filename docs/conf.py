"""Sphinx configuration of the sklstm documentation.

The build command is in the README ("Documentation"); warnings are errors.

The API reference is generated from the ``__all__`` lists and the docstrings,
and the user guide's contents from the Markdown pages here (see
``sphinxext/sklstm_docs.py``). The front page includes the README's
introduction and first example. The gallery (``auto_examples/``) runs every
script in ``examples/``; with ``SKLSTM_DOCS_QUICK=1`` (as in CI), each script
that has a ``--quick`` option runs with it.
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
    # docs/sphinxext: API page, guide contents, gallery order and arguments
    "sklstm_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb"]
templates_path = ["_templates"]
# The theme of scikit-learn, pandas and skforecast.
html_theme = "pydata_sphinx_theme"
html_title = f"sklstm {version}"
html_theme_options = {
    "logo": {"text": "sklstm"},
    "navbar_align": "left",
    "header_links_before_dropdown": 4,
    "show_toc_level": 2,
    # The API pages (generated/) keep the list of names on the left and give
    # the rest of the width to the docstring and its code.
    "secondary_sidebar_items": {
        "*": ["page-toc"],
        "auto_examples/*": ["page-toc"],
        "generated/*": [],
    },
    "footer_start": ["copyright"],
    "footer_end": [],
}
# The top-level pages (front page, user guide, API list) have no section to
# navigate: no left sidebar, so their text and code get the width. The API
# pages (generated/) and the gallery keep theirs.
html_sidebars = {"*": []}
# No "show source" link on each page.
html_show_sourcelink = False

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
    "within_subsection_order": "sklstm_docs.ExampleOrder",  # first run first
    "reset_argv": "sklstm_docs.example_argv",
    "doc_module": ("sklstm",),
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
}
