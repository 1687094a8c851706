"""flask-respkit: response decorators for Flask views."""

from __future__ import annotations

from .core import response_decorator
from .extension import RespKit
from .links import created
from .status import headers, no_content, vary

__version__ = "0.1.0.dev0"

__all__ = [
    "RespKit",
    "created",
    "headers",
    "no_content",
    "response_decorator",
    "vary",
]
