"""Flask-CORS 6.0.5's own ``tests/decorator`` and ``tests/extension``, run
against ``flask_respkit.compat.flask_cors`` (see README.md).

The project's normal run does not collect them: ``tests/test_flask_cors_suite.py``
runs them in a pytest subprocess with ``RESPKIT_FLASK_CORS_SUITE=1`` and checks
that exactly the shim's deliberate deviations fail.
"""

from __future__ import annotations

import importlib.metadata
import os

import flask

if os.environ.get("RESPKIT_FLASK_CORS_SUITE") != "1":
    collect_ignore = ["base_test.py", "decorator", "extension"]
elif "__version__" not in vars(flask):
    # test_exception_interception.py reads flask.__version__ when it is
    # imported (for a skipIf on Flask < 1.1); Flask 3.0 and 3.1 deprecate it
    # (a warning, so an error here) and Flask 3.2 removes it. Put the version
    # back so that the module imports on every Flask.
    setattr(flask, "__version__", importlib.metadata.version("flask"))  # noqa: B010
