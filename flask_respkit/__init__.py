"""flask-respkit: response decorators for Flask views."""

from __future__ import annotations

# The families register in import order, which is the order of their headers
# in the CORS expose list: Link, X-Total-Count, WWW-Authenticate,
# Content-Disposition, Location, ETag, Deprecation, Sunset (the first ones
# are read most).
# isort: off
from .links import Link, link_header
from .pagination import Pagination, paginate
from .auth import Challenge, auth_challenge, challenge_response
from .export import csv_export
from .status import created, headers, no_content, vary
from .caching import cache_control, conditional
from .problem_details import Problem, problem
from .deprecation import deprecated
from .cross_origin import cors
from .core import response_decorator
from .extension import RespKit
# isort: on

__version__ = "0.2.0.dev0"

__all__ = [
    "Challenge",
    "Link",
    "Pagination",
    "Problem",
    "RespKit",
    "auth_challenge",
    "cache_control",
    "challenge_response",
    "conditional",
    "cors",
    "created",
    "csv_export",
    "deprecated",
    "headers",
    "link_header",
    "no_content",
    "paginate",
    "problem",
    "response_decorator",
    "vary",
]
