"""Sphinx configuration for the flask-respkit documentation."""

from __future__ import annotations

import importlib.metadata

project = "flask-respkit"
copyright = "2026, the flask-respkit authors"
release = importlib.metadata.version("flask-respkit")
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "pallets_sphinx_themes",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True

html_theme = "flask"
html_context = {"project_links": []}
html_title = f"flask-respkit ({version})"
html_show_sourcelink = False
exclude_patterns = ["_build"]
