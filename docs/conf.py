"""Sphinx configuration of the skmlp documentation.

Build it from the repository root with::

    MPLBACKEND=Agg python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network: intersphinx is not used, and every example of the
gallery runs on data bundled with scikit-learn. Neither does the built site:
MathJax is copied into it (``sphinx-mathjax-offline``) instead of loaded from
a CDN, and ``docs/check_offline.py`` fails CI if any page loads a script or a
stylesheet from another host.
"""

import os
import re
from datetime import date
from pathlib import Path

# The examples plot with matplotlib; never open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy  # noqa: F401  (loads BLAS, so that the limit below applies to it)
from docutils import nodes
from sphinx_gallery.sorting import ExplicitOrder
from threadpoolctl import threadpool_limits

import skmlp

# The examples train small networks, whose matrix products are far too small to
# gain from BLAS threads; on a busy machine those threads mostly spin and slow
# every example down several times. One thread gives steady timings.
threadpool_limits(limits=1)

# -- Project information -------------------------------------------------------
project = "skmlp"
author = "The skmlp developers"
copyright = f"{date.today().year}, {author}"
release = skmlp.__version__
version = ".".join(release.split(".")[:2])

# -- General configuration -----------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # Ships MathJax 3 and copies it into _static/mathjax, so that formulas are
    # typeset without network access; it points mathjax_path there.
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # Only to render CHANGELOG.md (Markdown) inside changelog.rst.
    "myst_parser",
]

templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
# Plain ``literal`` text is code, not a cross-reference.
default_role = "literal"
# In the right sidebar, list a class's methods as ``fit()``, not as
# ``BinaryMLPClassifier.fit()``: the class is the page's title, and the long
# form does not fit in the sidebar's width.
toc_object_entries_show_parents = "hide"
pygments_style = "sphinx"
# Off: numpydoc turns every "array-like of shape ..." type into a reference,
# which would need intersphinx (a network fetch) to resolve.
nitpicky = False

# -- autodoc / autosummary / numpydoc -------------------------------------------
autosummary_generate = True
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- sphinx-gallery --------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every plot_*.py script of examples/.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    # From the building blocks to the classifiers, then their features, then
    # the regressor; examples not listed go where "*" is, before the
    # comparisons with scikit-learn.
    "within_subsection_order": ExplicitOrder(
        [
            "plot_notebook_loop.py",
            "plot_binary_verbose.py",
            "plot_digits_confusion_matrix.py",
            "plot_pipeline_pandas.py",
            "plot_scaling_inputs.py",
            "plot_grid_search_lambdas.py",
            "plot_l1_vs_l2.py",
            "plot_dropout.py",
            "plot_loss_curves_early_stopping.py",
            "plot_class_imbalance.py",
            "plot_regression_l1_vs_l2.py",
            "plot_poisson_counts.py",
            "*",
            "plot_persistence.py",
            "plot_vs_sklearn.py",
            "plot_vs_sklearn_regressor.py",
        ]
    ),
    "doc_module": ("skmlp",),
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "reference_url": {"skmlp": None},
    "remove_config_comments": True,
    "plot_gallery": "True",
    "abort_on_example_error": True,
    "show_memory": False,
    "min_reported_time": 1,
    "matplotlib_animations": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    # The timing pages sphinx-gallery writes load jQuery and DataTables from
    # CDNs, which an offline site cannot; the build log reports the times.
    "write_computation_times": False,
}

# -- Methods inherited from scikit-learn -------------------------------------------
# The estimator pages list the methods skmlp inherits from scikit-learn
# (get_params, score, set_fit_request, ...). Their docstrings link into
# scikit-learn's own documentation (its glossary and user guide labels), which
# this offline build does not have: keep the link text, drop the link.
_SKLEARN_XREF = re.compile(r":(?:ref|term):`([^`<]+?)\s*(?:<[^`>]+>)?`")


def _unlink_sklearn_xrefs(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if module.split(".")[0] != "sklearn":
        return
    lines[:] = [_SKLEARN_XREF.sub(r"\1", line) for line in lines]


# -- One "On this page" list per page ----------------------------------------------
# The theme lists every page's sections in its right sidebar. A ``contents``
# directive in a page would print the same list a second time, in the page:
# drop its output, and the links from the section titles back to its entries.


def _drop_contents_lists(app, doctree):
    for topic in list(doctree.findall(nodes.topic)):
        if "contents" not in topic["classes"]:
            continue
        entry_ids = {id_ for node in topic.findall(nodes.Element)
                     for id_ in node["ids"]}
        for title in doctree.findall(nodes.title):
            if title.get("refid") in entry_ids:
                del title["refid"]
        topic.parent.remove(topic)


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_xrefs)
    app.connect("doctree-read", _drop_contents_lists)


# -- HTML ------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skmlp {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
}
# The left sidebar lists the pages of the current section. The user guide, the
# API reference and the examples have pages to list; every other top-level
# page stands alone, and would show an empty "Section Navigation": no sidebar.
_SECTIONS_WITH_PAGES = {"user_guide", "api"}
html_sidebars = {
    page.stem: []
    for page in Path(__file__).parent.glob("*.rst")
    if page.stem not in _SECTIONS_WITH_PAGES
}
html_static_path = ["_static"]
html_css_files = ["skmlp.css"]
html_show_sourcelink = False
