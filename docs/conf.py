"""Sphinx configuration of the skdistill documentation site.

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (the ``docs`` extra
installs what it needs; tests/test_docs.py builds it the same way). API pages come from the
numpydoc docstrings, the Markdown pages through myst-parser, and the gallery from
``examples/`` (run at build time, offline, on the bundled data).
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's skdistill, also when it is not installed

import skdistill  # noqa: E402

project = "skdistill"
author = "the skdistill developers"
copyright = "the skdistill developers, BSD-3-Clause"
version = release = skdistill.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.codeobj.json"]
html_theme = "alabaster"
html_static_path = []
html_title = f"skdistill {release}"

# API pages: one per public module, one per public name in its __all__.
autosummary_generate = True
autosummary_ignore_module_all = False
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# Every internal reference must resolve; names of other libraries are plain text here (the
# build is offline, so there is no intersphinx inventory to check them against).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(sklearn|numpy|np|scipy|pandas|pd|lightgbm|xgboost|joblib|dask|skops|time)\b.*"),
]
# Private helpers and attributes that docstrings name for readers of the source.
nitpick_ignore = [
    ("py:meth", "fit_soft"),
    ("py:class", "SoftmaxCrossEntropyObjective"),
    ("py:obj", "SoftmaxCrossEntropyObjective"),
    ("py:attr", "fill"),
    ("py:attr", "categories"),
    ("py:func", "_container_template"),
    ("py:func", "nearest_other"),
    ("py:class", "RowSampler"),
]


def _skip_metadata_requests(app, what, name, obj, skip, options):
    # scikit-learn generates set_*_request methods whose docstrings point into its own docs.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def _list_new_pages(app, docname, source):
    # A Markdown page added to docs/ without an entry in index.rst is listed under "More",
    # rather than failing the build with "document isn't included in any toctree".
    if docname != "index":
        return
    listed = set(re.findall(r"^ {3}(\S+)\s*$", source[0], flags=re.MULTILINE))
    new = sorted(p.stem for p in Path(app.srcdir).glob("*.md") if p.stem not in listed)
    if new:
        entries = "".join(f"   {name}\n" for name in new)
        source[0] += f"\n\n.. toctree::\n   :maxdepth: 1\n   :caption: More\n\n{entries}"


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_requests)
    app.connect("source-read", _list_new_pages)


myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # pages start at "#", sub-pages may skip a level

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skdistill",),
}

# The examples run on 2 cores shared with other work: keep each library to one thread.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
