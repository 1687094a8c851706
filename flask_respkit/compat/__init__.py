"""Compatibility layers for projects moving to flask-respkit from a peer library.

- :mod:`flask_respkit.compat.flask_cors`: ``CORS`` and ``cross_origin`` with
  Flask-CORS 6.x's options, on respkit's CORS policies.
"""
