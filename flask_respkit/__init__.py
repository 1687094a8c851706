"""flask-respkit: response decorators for Flask views."""

from __future__ import annotations

from .auth import Challenge, auth_challenge, challenge_response
from .core import response_decorator
from .cross_origin import cors
from .export import csv_export
from .extension import RespKit
from .links import Link, link_header
from .pagination import Pagination, paginate
from .status import created, headers, no_content, vary

__version__ = "0.1.0.dev0"

__all__ = [
    "Challenge",
    "Link",
    "Pagination",
    "RespKit",
    "auth_challenge",
    "challenge_response",
    "cors",
    "created",
    "csv_export",
    "headers",
    "link_header",
    "no_content",
    "paginate",
    "response_decorator",
    "vary",
]
